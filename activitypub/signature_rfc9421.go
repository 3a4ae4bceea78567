package activitypub

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// Signature algorithms of RFC 9421 HTTP Message Signatures fediport
// verifies and signs with (the alg parameter).
const (
	// AlgorithmRSAv15SHA256 is "rsa-v1_5-sha256": RSASSA-PKCS1-v1_5 over
	// SHA-256, what Fedify and Mastodon sign with.
	AlgorithmRSAv15SHA256 = "rsa-v1_5-sha256"
	// AlgorithmRSAPSSSHA512 is "rsa-pss-sha512": RSASSA-PSS over SHA-512
	// with a 64-byte salt.
	AlgorithmRSAPSSSHA512 = "rsa-pss-sha512"
	// AlgorithmEd25519 is "ed25519".
	AlgorithmEd25519 = "ed25519"
)

// maxSignatureLabels caps how many signatures one RFC 9421 request may
// carry, and maxKeyedLabels how many of them may cost a key lookup: a
// request cannot make the verifier fetch keys without bound.
const (
	maxSignatureLabels = 8
	maxKeyedLabels     = 2
)

// Stages of verification, in order; an RFC 9421 request with several
// signatures reports the failure of the one that got furthest.
const (
	stageParse = iota
	stageAlgorithm
	stageCoverage
	stageTime
	stageDigest
	stageKey
	stageSignature
)

// msgSig is one signature of an RFC 9421 request: a member of
// Signature-Input and its value in Signature.
type msgSig struct {
	label      string
	components []string // component names, as sent
	params     string   // the serialised @signature-params value
	keyID      string
	alg        string
	nonce, tag string
	created    int64 // 0 when absent
	expires    int64 // 0 when absent
	signature  []byte
	err        error // why this label cannot be used, if it cannot
}

// parseMessageSignatures decodes the Signature-Input and Signature fields
// with a structured-field parser. A malformed field fails the request; a
// label that is malformed on its own carries its error.
func parseMessageSignatures(r *http.Request) ([]*msgSig, error) {
	inputs, sigs := r.Header.Values("Signature-Input"), r.Header.Values("Signature")
	for _, vs := range [][]string{inputs, sigs} {
		n := 0
		for _, v := range vs {
			n += len(v)
		}
		if n > MaxSignatureHeaderBytes {
			return nil, fmt.Errorf("signature fields longer than %d bytes", MaxSignatureHeaderBytes)
		}
	}
	in, err := httpsfv.UnmarshalDictionary(inputs)
	if err != nil {
		return nil, fmt.Errorf("Signature-Input is not a structured dictionary: %w", err)
	}
	sd, err := httpsfv.UnmarshalDictionary(sigs)
	if err != nil {
		return nil, fmt.Errorf("signature is not a structured dictionary: %w", err)
	}
	names := in.Names()
	switch {
	case len(names) == 0:
		return nil, errors.New("Signature-Input holds no signature")
	case len(names) > maxSignatureLabels:
		return nil, fmt.Errorf("more than %d signatures", maxSignatureLabels)
	}
	out := make([]*msgSig, 0, len(names))
	for _, name := range names {
		m, _ := in.Get(name)
		s := &msgSig{label: name}
		s.err = s.decode(m, sd)
		out = append(out, s)
	}
	return out, nil
}

// decode fills s from its Signature-Input member and its Signature value.
func (s *msgSig) decode(m httpsfv.Member, sigs *httpsfv.Dictionary) error {
	il, ok := m.(httpsfv.InnerList)
	if !ok {
		return errors.New("signature input is not an inner list")
	}
	seen := make(map[string]bool, len(il.Items))
	for _, it := range il.Items {
		name, ok := it.Value.(string)
		if !ok {
			return errors.New("a covered component is not a string")
		}
		if it.Params != nil && len(it.Params.Names()) > 0 {
			return fmt.Errorf("component %q has parameters, which fediport does not support", name)
		}
		if name == "" || name != strings.ToLower(name) || name == "@signature-params" {
			return fmt.Errorf("invalid component name %q", name)
		}
		if seen[name] {
			return fmt.Errorf("component %q covered twice", name)
		}
		seen[name] = true
		s.components = append(s.components, name)
	}
	if il.Params != nil {
		for _, k := range il.Params.Names() {
			v, _ := il.Params.Get(k)
			var ok bool
			switch k {
			case "created", "expires":
				var n int64
				n, ok = v.(int64)
				ok = ok && n > 0
				if k == "created" {
					s.created = n
				} else {
					s.expires = n
				}
			case "keyid":
				s.keyID, ok = v.(string)
			case "alg":
				s.alg, ok = v.(string)
			case "nonce":
				s.nonce, ok = v.(string)
			case "tag":
				s.tag, ok = v.(string)
			default:
				ok = true // unknown parameters are signed, not interpreted
			}
			if !ok {
				return fmt.Errorf("parameter %q has the wrong type", k)
			}
		}
	}
	params, err := httpsfv.Marshal(httpsfv.List{il})
	if err != nil {
		return fmt.Errorf("signature input cannot be serialised: %w", err)
	}
	s.params = params
	if s.keyID == "" {
		return errors.New("no keyid parameter")
	}
	sm, ok := sigs.Get(s.label)
	if !ok {
		return errors.New("no Signature value for this label")
	}
	item, ok := sm.(httpsfv.Item)
	if !ok {
		return errors.New("signature value is not an item")
	}
	if s.signature, ok = item.Value.([]byte); !ok || len(s.signature) == 0 {
		return errors.New("signature value is not a byte sequence")
	}
	return nil
}

func (s *msgSig) covers(name string) bool { return slices.Contains(s.components, name) }

// verifyRFC9421 verifies the request's RFC 9421 signatures: the first one
// that verifies wins; when none does, the failure of the one that got
// furthest is reported.
func (v *Verifier) verifyRFC9421(ctx context.Context, r *http.Request, body []byte) (*Verified, error) {
	if len(r.Header.Values("Signature")) == 0 {
		return nil, &SignatureError{Scheme: SchemeRFC9421, Detail: "Signature-Input without Signature", Reason: SignatureMalformed}
	}
	sigs, err := parseMessageSignatures(r)
	if err != nil {
		return nil, &SignatureError{Scheme: SchemeRFC9421, Detail: err.Error(), Reason: SignatureMalformed}
	}
	var best *SignatureError
	bestStage := -1
	keyed := 0
	for _, s := range sigs {
		if s.err == nil && keyed == maxKeyedLabels {
			s.err = fmt.Errorf("not checked: %d signatures were checked with their keys already", maxKeyedLabels)
		}
		if s.err != nil {
			if bestStage < stageParse {
				best, bestStage = &SignatureError{Scheme: SchemeRFC9421, Label: s.label, KeyID: s.keyID, Covered: s.components, Detail: s.err.Error(), Reason: SignatureMalformed}, stageParse
			}
			continue
		}
		got, stage, err := v.verifyLabel(ctx, r, body, s)
		if err == nil {
			return got, nil
		}
		if stage >= stageKey {
			keyed++
		}
		if stage > bestStage {
			best, bestStage = err, stage
		}
	}
	if len(sigs) > 1 {
		best.Detail = fmt.Sprintf("none of %d signatures verifies; %s: %s", len(sigs), best.Label, best.Detail)
	}
	return nil, best
}

// verifyLabel checks one signature, in the order of [Verifier.Verify],
// and returns how far it got.
func (v *Verifier) verifyLabel(ctx context.Context, r *http.Request, body []byte, s *msgSig) (*Verified, int, *SignatureError) {
	fail := func(stage int, reason SignatureReason, format string, args ...any) (*Verified, int, *SignatureError) {
		return nil, stage, &SignatureError{Scheme: SchemeRFC9421, Label: s.label, KeyID: s.keyID, Covered: s.components, Detail: fmt.Sprintf(format, args...), Reason: reason}
	}
	switch s.alg {
	case "", AlgorithmRSAv15SHA256, AlgorithmRSAPSSSHA512, AlgorithmEd25519:
	default:
		return fail(stageAlgorithm, SignatureAlgorithm, "alg %q", s.alg)
	}
	if detail := s.checkCoverage(r); detail != "" {
		return fail(stageCoverage, SignatureCoverage, "%s", detail)
	}

	var created time.Time
	if s.created != 0 {
		created = time.Unix(s.created, 0)
	} else {
		date, _ := headerValue(r, "date")
		t, err := http.ParseTime(date)
		if err != nil {
			return fail(stageTime, SignatureDate, "Date %q", date)
		}
		created = t
	}
	var expires time.Time
	if s.expires != 0 {
		expires = time.Unix(s.expires, 0)
	}
	if err := v.checkWindow(created, expires); err != nil {
		err.Scheme, err.Label, err.KeyID, err.Covered = SchemeRFC9421, s.label, s.keyID, s.components
		return nil, stageTime, err
	}
	if s.covers("content-digest") {
		if reason := checkContentDigest(r.Header.Values("Content-Digest"), body); reason != "" {
			return fail(stageDigest, SignatureDigest, "%s", reason)
		}
	}

	if v.Keys == nil {
		return fail(stageKey, SignatureKeyUnavailable, "no KeyResolver configured")
	}
	bases, err := signatureBases(r, s)
	if err != nil {
		return fail(stageCoverage, SignatureCoverage, "%v", err)
	}
	return v.verifyLabelKey(ctx, body, s, bases)
}

// verifyLabelKey checks s over bases with its key (see
// [Verifier.checkKey]).
func (v *Verifier) verifyLabelKey(ctx context.Context, body []byte, s *msgSig, bases [][]byte) (*Verified, int, *SignatureError) {
	var alg string
	key, checked, err := v.checkKey(ctx, s.keyID, func(pub crypto.PublicKey) (err error) {
		alg, err = verifyMessageSignature(pub, s.alg, bases, s.signature)
		return err
	})
	if err != nil {
		err.Scheme, err.Label, err.Covered = SchemeRFC9421, s.label, s.components
		if checked {
			return nil, stageSignature, err
		}
		return nil, stageKey, err
	}
	return &Verified{
		Scheme:    SchemeRFC9421,
		Label:     s.label,
		KeyID:     s.keyID,
		Actor:     key.Owner,
		Algorithm: alg,
		Headers:   s.components,
		Nonce:     s.nonce,
		Tag:       s.tag,
		Body:      body,
	}, stageSignature, nil
}

// checkCoverage returns why s does not cover what an RFC 9421 signature
// must (see [Verifier.Verify]), or "".
func (s *msgSig) checkCoverage(r *http.Request) string {
	for _, c := range s.components {
		if strings.HasPrefix(c, "@") {
			if !derivedComponent[c] {
				return fmt.Sprintf("derived component %q is not supported", c)
			}
			continue
		}
		if _, ok := headerValue(r, c); !ok {
			return fmt.Sprintf("covered field %q is absent", c)
		}
	}
	switch {
	case !s.covers("@method"):
		return "@method is not covered"
	case !s.covers("@target-uri") && !s.covers("@path"):
		return "neither @target-uri nor @path is covered"
	case !s.covers("@authority") && !s.covers("@target-uri"):
		// @target-uri holds the authority; @path does not.
		return "neither @authority nor @target-uri is covered"
	case s.created == 0 && !s.covers("date"):
		return "no created parameter and date is not covered"
	case r.Method == http.MethodPost && !s.covers("content-digest"):
		return "content-digest is not covered on a POST request"
	}
	return ""
}

// derivedComponent lists the derived components fediport computes.
var derivedComponent = map[string]bool{
	"@method": true, "@target-uri": true, "@authority": true, "@scheme": true,
	"@path": true, "@query": true, "@request-target": true,
}

// signatureBases returns the signature base of s over r, once per scheme
// the request may have been sent with: a server behind a TLS-terminating
// proxy sees plain http where the sender wrote https.
func signatureBases(r *http.Request, s *msgSig) ([][]byte, error) {
	var schemes []string
	switch {
	case r.URL != nil && r.URL.Scheme != "":
		schemes = []string{strings.ToLower(r.URL.Scheme)}
	case r.TLS != nil:
		schemes = []string{"https"}
	default:
		schemes = []string{"https", "http"}
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	var bases [][]byte
	for _, scheme := range schemes {
		b, err := signatureBase(r.Method, scheme, host, requestTarget(r), r, s.components, s.params)
		if err != nil {
			return nil, err
		}
		if len(bases) == 0 || !bytes.Equal(bases[0], b) {
			bases = append(bases, b)
		}
	}
	return bases, nil
}

// signatureBase builds the RFC 9421 signature base. Field values come
// from r (nil when only derived components are covered).
func signatureBase(method, scheme, host, target string, r *http.Request, components []string, params string) ([]byte, error) {
	authority := normalAuthority(scheme, host)
	path, query, hasQuery := strings.Cut(target, "?")
	if path == "" {
		path = "/"
	}
	var b bytes.Buffer
	for _, c := range components {
		var value string
		switch c {
		case "@method":
			value = method
		case "@target-uri":
			value = scheme + "://" + authority + target
		case "@authority":
			value = authority
		case "@scheme":
			value = scheme
		case "@path":
			value = path
		case "@query":
			value = "?" + query
			if !hasQuery {
				value = "?"
			}
		case "@request-target":
			value = target
		default:
			if strings.HasPrefix(c, "@") {
				return nil, fmt.Errorf("derived component %q is not supported", c)
			}
			v, ok := headerValue(r, c)
			if !ok {
				return nil, fmt.Errorf("covered field %q is absent", c)
			}
			value = v
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("component %q holds a line break", c)
		}
		b.WriteByte('"')
		b.WriteString(c)
		b.WriteString(`": `)
		b.WriteString(value)
		b.WriteByte('\n')
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(params)
	return b.Bytes(), nil
}

// normalAuthority lower-cases host and drops the scheme's default port.
func normalAuthority(scheme, host string) string {
	host = strings.ToLower(host)
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		return strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		return strings.TrimSuffix(host, ":80")
	}
	return host
}

// verifyMessageSignature checks sig over each base with pub and the
// algorithm alg, or, when alg is empty, the algorithms pub allows. It
// returns the algorithm that verified.
func verifyMessageSignature(pub crypto.PublicKey, alg string, bases [][]byte, sig []byte) (string, error) {
	var algs []string
	switch pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "":
			algs = []string{AlgorithmRSAv15SHA256, AlgorithmRSAPSSSHA512}
		case AlgorithmRSAv15SHA256, AlgorithmRSAPSSSHA512:
			algs = []string{alg}
		}
	case ed25519.PublicKey:
		if alg == "" || alg == AlgorithmEd25519 {
			algs = []string{AlgorithmEd25519}
		}
	}
	if len(algs) == 0 {
		return "", fmt.Errorf("%w: alg %q with a key of type %T", SignatureAlgorithm, alg, pub)
	}
	for _, a := range algs {
		for _, base := range bases {
			if verifyWith(pub, a, base, sig) {
				return a, nil
			}
		}
	}
	return "", errors.New("signature does not match the signature base")
}

func verifyWith(pub crypto.PublicKey, alg string, base, sig []byte) bool {
	switch alg {
	case AlgorithmRSAv15SHA256:
		sum := sha256.Sum256(base)
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, sum[:], sig) == nil
	case AlgorithmRSAPSSSHA512:
		sum := sha512.Sum512(base)
		return rsa.VerifyPSS(pub.(*rsa.PublicKey), crypto.SHA512, sum[:], sig, &rsa.PSSOptions{SaltLength: 64}) == nil
	case AlgorithmEd25519:
		return ed25519.Verify(pub.(ed25519.PublicKey), base, sig)
	}
	return false
}

// checkContentDigest checks a Content-Digest field (RFC 9530) against
// body: every sha-256 and sha-512 digest it holds must match, and it must
// hold one. It returns why it fails, or "".
func checkContentDigest(values []string, body []byte) string {
	if len(values) == 0 {
		return "no Content-Digest field"
	}
	d, err := httpsfv.UnmarshalDictionary(values)
	if err != nil {
		return "Content-Digest is not a structured dictionary"
	}
	known := 0
	for _, name := range d.Names() {
		var sum []byte
		switch name {
		case "sha-256":
			s := sha256.Sum256(body)
			sum = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			sum = s[:]
		default:
			continue
		}
		m, _ := d.Get(name)
		item, ok := m.(httpsfv.Item)
		want, isBytes := item.Value.([]byte)
		if !ok || !isBytes {
			return name + " digest is not a byte sequence"
		}
		if subtle.ConstantTimeCompare(want, sum) != 1 {
			return name + " digest does not match the body"
		}
		known++
	}
	if known == 0 {
		return "no sha-256 or sha-512 digest"
	}
	return ""
}

// signRFC9421 signs r with an RFC 9421 signature labelled sig1, covering
// @method, @target-uri, @authority, date and, on GET and HEAD, accept,
// otherwise content-type and content-digest.
func (s *Signer) signRFC9421(r *http.Request, body []byte, host string, now time.Time) error {
	alg, err := s.rfc9421Algorithm()
	if err != nil {
		return err
	}
	h := r.Header
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	components := []string{"@method", "@target-uri", "@authority", "date"}
	if prepareHeaders(r, now) {
		sum := sha256.Sum256(body)
		h.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
		components = append(components, "content-type", "content-digest")
	} else {
		components = append(components, "accept")
	}
	items := make([]httpsfv.Item, len(components))
	for i, c := range components {
		items[i] = httpsfv.NewItem(c)
	}
	params := httpsfv.NewParams()
	params.Add("created", now.Unix())
	params.Add("keyid", s.KeyID)
	params.Add("alg", alg)
	il := httpsfv.InnerList{Items: items, Params: params}
	paramsValue, err := httpsfv.Marshal(httpsfv.List{il})
	if err != nil {
		return &SignatureError{Scheme: SchemeRFC9421, KeyID: s.KeyID, Detail: "key id cannot be a structured string", Reason: SignatureInvalidKey, Err: err}
	}
	scheme, target := "https", "/"
	if r.URL != nil {
		if r.URL.Scheme != "" {
			scheme = strings.ToLower(r.URL.Scheme)
		}
		target = r.URL.RequestURI()
	}
	view := &http.Request{Method: method, Host: host, Header: h}
	base, err := signatureBase(method, scheme, host, target, view, components, paramsValue)
	if err != nil {
		return &SignatureError{Scheme: SchemeRFC9421, KeyID: s.KeyID, Detail: "building the signature base", Reason: SignatureMalformed, Err: err}
	}
	var sig []byte
	switch alg {
	case AlgorithmRSAv15SHA256:
		sum := sha256.Sum256(base)
		sig, err = rsa.SignPKCS1v15(nil, s.Key.(*rsa.PrivateKey), crypto.SHA256, sum[:])
	case AlgorithmRSAPSSSHA512:
		sum := sha512.Sum512(base)
		sig, err = rsa.SignPSS(rand.Reader, s.Key.(*rsa.PrivateKey), crypto.SHA512, sum[:], &rsa.PSSOptions{SaltLength: 64})
	case AlgorithmEd25519:
		sig = ed25519.Sign(s.Key.(ed25519.PrivateKey), base)
	}
	if err != nil {
		return &SignatureError{Scheme: SchemeRFC9421, KeyID: s.KeyID, Detail: "signing failed", Reason: SignatureInvalidKey, Err: err}
	}
	h.Set("Signature-Input", "sig1="+paramsValue)
	h.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// rfc9421Algorithm returns the alg the Signer's key and Algorithm make.
func (s *Signer) rfc9421Algorithm() (string, error) {
	switch s.Key.(type) {
	case *rsa.PrivateKey:
		switch s.Algorithm {
		case "":
			return AlgorithmRSAv15SHA256, nil
		case AlgorithmRSAv15SHA256, AlgorithmRSAPSSSHA512:
			return s.Algorithm, nil
		}
	case ed25519.PrivateKey:
		if s.Algorithm == "" || s.Algorithm == AlgorithmEd25519 {
			return AlgorithmEd25519, nil
		}
	}
	return "", &SignatureError{Scheme: SchemeRFC9421, KeyID: s.KeyID, Detail: fmt.Sprintf("algorithm %q with a key of type %T", s.Algorithm, s.Key), Reason: SignatureInvalidKey}
}
