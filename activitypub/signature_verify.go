package activitypub

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// Defaults of [Verifier], Mastodon's values.
const (
	// DefaultMaxSignatureAge is how old a signature's Date or (created)
	// may be: Mastodon lets a signature live 5 minutes, plus 1 hour of
	// clock skew.
	DefaultMaxSignatureAge = time.Hour + 5*time.Minute
	// DefaultMaxClockSkew is how far ahead of the local clock a
	// signature's Date or (created) may be, and how long after (expires)
	// it is still accepted.
	DefaultMaxClockSkew = time.Hour
)

// maxExpiryWindow caps how far after its creation an (expires) parameter
// may keep a signature alive, as in Mastodon.
const maxExpiryWindow = 12 * time.Hour

// Scheme names an HTTP signature scheme.
type Scheme string

// Signature schemes. [Verifier] verifies both: a request with a
// Signature-Input header is taken as RFC 9421 HTTP Message Signatures,
// any other as draft-cavage; [Verified.Scheme] says which verified.
// [Signer.Scheme] chooses the one [Signer.Sign] writes.
const (
	SchemeCavage  Scheme = "draft-cavage-http-signatures"
	SchemeRFC9421 Scheme = "rfc9421"
)

// KeyResolver finds the public key a signature names. When refresh is
// true the caller has a cached key that failed to verify a signature: the
// resolver should fetch the key again rather than answer from a cache
// (actors rotate keys).
//
// A resolver must return a key whose Owner is the actor the key belongs
// to, checked against that actor's own document (a key document naming
// an owner whose actor does not list the key is not that owner's key),
// and report a mismatch with an error wrapping [ErrKeyOwner].
// [Client.ResolveKey] does so.
type KeyResolver interface {
	ResolveKey(ctx context.Context, keyID string, refresh bool) (*PublicKey, error)
}

// KeyResolverFunc adapts a function to [KeyResolver].
type KeyResolverFunc func(ctx context.Context, keyID string, refresh bool) (*PublicKey, error)

// ResolveKey calls f.
func (f KeyResolverFunc) ResolveKey(ctx context.Context, keyID string, refresh bool) (*PublicKey, error) {
	return f(ctx, keyID, refresh)
}

// Verifier verifies the HTTP signatures of incoming requests as Mastodon
// does. Set Keys; the zero value of every other field means Mastodon's
// default. A Verifier is safe for concurrent use.
type Verifier struct {
	// Keys finds signers' public keys.
	Keys KeyResolver
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxAge is how old a signature may be; 0 means
	// [DefaultMaxSignatureAge].
	MaxAge time.Duration
	// MaxSkew is how far ahead a signature may be dated; 0 means
	// [DefaultMaxClockSkew].
	MaxSkew time.Duration
	// MaxBytes is the largest body read, in bytes; 0 means
	// [DefaultMaxBytes] (1 MiB, Mastodon's inbox limit).
	MaxBytes int64
}

// Verified describes a request whose signature verified.
type Verified struct {
	Scheme Scheme // the scheme that verified
	// Label is the RFC 9421 label of the signature that verified (a
	// request may carry several); "" for draft-cavage.
	Label string
	KeyID string
	Actor string // the key's owner: the actor that signed
	// Algorithm is, for draft-cavage, the algorithm parameter as sent
	// (hs2019 when absent); for RFC 9421, the algorithm that verified
	// (alg as sent, or the one the key implied).
	Algorithm string
	// Headers is the covered headers (draft-cavage) or components (RFC
	// 9421, "@method", "content-digest"), in the order signed.
	Headers []string
	// Nonce and Tag are the RFC 9421 nonce and tag parameters, "" when
	// absent. Verify does not keep nonces: a host that wants replay
	// protection beyond the time window records them.
	Nonce, Tag string
	// Body is the request body, read and checked against the Digest or
	// Content-Digest when covered.
	// The request's Body is replaced by a reader over the same bytes.
	Body []byte
}

// CheckActor reports whether actor signed the request: whether it is the
// key's owner. Call it with the "actor" of a posted activity. It returns
// a *[SignatureError] wrapping [ErrKeyOwner] when not.
func (v *Verified) CheckActor(actor string) error {
	if actor == "" || actor != v.Actor {
		return &SignatureError{KeyID: v.KeyID, Detail: fmt.Sprintf("signed by %s, not %s", v.Actor, actor), Reason: SignatureKeyOwner}
	}
	return nil
}

// Verify checks the HTTP signature of r, a request received by a server
// (or built by hand), and returns who signed it. It reads the body (at
// most MaxBytes bytes) and leaves r.Body readable again.
//
// A request with a Signature-Input header is verified as RFC 9421 HTTP
// Message Signatures, any other as draft-cavage; [Verified.Scheme] says
// which. The checks, in order, each failing with a *[SignatureError]
// whose Reason names it (the reason's sentinel in brackets):
//
//   - body size ([SignatureBodyTooLarge]: [ErrTooLarge]);
//   - the signature fields: one Signature header for draft-cavage,
//     Signature-Input and Signature as structured-field dictionaries
//     (RFC 8941) for RFC 9421 ([SignatureAbsent]: [ErrNoSignature];
//     [SignatureMalformed]: [ErrBadSignature]);
//   - the algorithm: rsa-sha256 or hs2019 (absent meaning hs2019) for
//     draft-cavage; rsa-v1_5-sha256, rsa-pss-sha512 or ed25519 for RFC
//     9421, absent meaning what the key implies
//     ([SignatureAlgorithm]: [ErrBadSignature]);
//   - coverage ([SignatureCoverage]: [ErrBadSignature]): for draft-cavage,
//     (request-target),
//     host, date or (created), and digest on POST; for RFC 9421, @method,
//     @target-uri or else @path and @authority (@target-uri holds the
//     authority), a created parameter or date, and content-digest on
//     POST; and, for both, presence of every covered header. Without the
//     target and the host a signature would be valid at any inbox of any
//     server;
//   - the time window ([SignatureDate], [SignatureStale]: [ErrBadSignature]):
//     the covered
//     (created) or created parameter, or else the covered Date, at most
//     MaxAge old and MaxSkew ahead, and a covered (expires) or expires
//     parameter not passed. Both windows apply: an expiry does not lift
//     MaxAge. Draft-cavage created and expires parameters the signature
//     does not cover are ignored, as anyone could add them;
//   - the body against the Digest's SHA-256 (draft-cavage) or every
//     sha-256 and sha-512 of Content-Digest (RFC 9530), when covered
//     ([SignatureDigest]: [ErrBadSignature]);
//   - the key, from Keys ([SignatureKeyUnavailable]: [ErrKeyUnavailable];
//     [SignatureKeyOwner]: [ErrKeyOwner]);
//   - the signature itself ([SignatureMismatch]: [ErrBadSignature]).
//
// Only the last two cost a key lookup. When the signature does not
// verify, the key is resolved once more with refresh set, and the
// signature checked again with the new key. As Mastodon does for older
// senders, a draft-cavage (request-target) that fails with the query
// string is also tried without it. An RFC 9421 @target-uri is tried with
// https and then http when the request did not arrive over TLS, as behind
// a TLS-terminating proxy.
//
// An RFC 9421 request may carry several signatures (labels): Verify
// returns the first that verifies, naming it in [Verified.Label]; when
// none does, the error of the one that got furthest, naming its label in
// [SignatureError.Label]. At most 8 signatures are read, and at most two
// of them cost a key lookup. Components with parameters (;sf, ;key, ;req)
// and @query-param are not supported: a signature covering them fails.
//
// Draft-cavage signatures are parsed by [ParseSignatureHeader] and
// checked by go-fed/httpsig over a normalised copy of the request; one
// go-fed limit remains: it refuses a (created) parameter more than 10
// seconds ahead of the system clock, whatever Now says. RFC 9421 fields
// are parsed by github.com/dunglas/httpsfv and signatures checked with
// the standard library.
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (*Verified, error) {
	body, err := v.readBody(r)
	if err != nil {
		return nil, err
	}
	if len(r.Header.Values("Signature-Input")) > 0 {
		return v.verifyRFC9421(ctx, r, body)
	}
	return v.verifyCavage(ctx, r, body)
}

func (v *Verifier) verifyCavage(ctx context.Context, r *http.Request, body []byte) (*Verified, error) {
	values := r.Header.Values("Signature")
	switch len(values) {
	case 0:
		return nil, &SignatureError{Scheme: SchemeCavage, Reason: SignatureAbsent}
	case 1:
	default:
		return nil, &SignatureError{Scheme: SchemeCavage, Detail: "more than one Signature header", Reason: SignatureMalformed}
	}
	p, err := ParseSignatureHeader(values[0])
	if err != nil {
		return nil, err
	}
	covered := p.CoveredHeaders()
	fail := func(reason SignatureReason, format string, args ...any) (*Verified, error) {
		return nil, &SignatureError{Scheme: SchemeCavage, KeyID: p.KeyID, Covered: covered, Detail: fmt.Sprintf(format, args...), Reason: reason}
	}

	algorithm := p.EffectiveAlgorithm()
	if algorithm != AlgorithmRSASHA256 && algorithm != AlgorithmHS2019 {
		return fail(SignatureAlgorithm, "algorithm %q", p.Algorithm)
	}

	if err := checkCoverage(r, covered); err != nil {
		return fail(SignatureCoverage, "%v", err)
	}
	if reason, detail := checkCovered(r, p, covered, algorithm); reason != 0 {
		return fail(reason, "%s", detail)
	}

	if err := v.checkTime(r, p, covered); err != nil {
		err.Scheme, err.Covered = SchemeCavage, covered
		return nil, err
	}
	if slices.Contains(covered, "digest") {
		if reason := checkDigest(r.Header.Values("Digest"), body); reason != "" {
			return fail(SignatureDigest, "%s", reason)
		}
	}

	// Everything checkable without the key passed: now resolve it.
	if v.Keys == nil {
		return fail(SignatureKeyUnavailable, "no KeyResolver configured")
	}
	return v.verifyCavageKey(ctx, r, p, covered, algorithm, body)
}

// verifyCavageKey checks the signature with its key (see
// [Verifier.checkKey]).
func (v *Verifier) verifyCavageKey(ctx context.Context, r *http.Request, p *SignatureParams, covered []string, algorithm string, body []byte) (*Verified, error) {
	key, _, err := v.checkKey(ctx, p.KeyID, func(pub crypto.PublicKey) error {
		return verifyCavage(r, p, covered, algorithm, pub)
	})
	if err != nil {
		err.Scheme, err.Covered = SchemeCavage, covered
		return nil, err
	}
	return &Verified{
		Scheme:    SchemeCavage,
		KeyID:     p.KeyID,
		Actor:     key.Owner,
		Algorithm: algorithm,
		Headers:   covered,
		Body:      body,
	}, nil
}

// checkKey resolves keyID and checks a signature with the key; when it
// does not verify, it resolves the key once more with refresh set and
// checks again, as Mastodon does for a key its owner replaced. Both
// schemes verify through it. On failure, checked reports whether the
// signature itself was refused (rather than the key), and the caller
// fills in the error's scheme and coverage.
func (v *Verifier) checkKey(ctx context.Context, keyID string, check func(crypto.PublicKey) error) (key *PublicKey, checked bool, _ *SignatureError) {
	refreshed := false
	for {
		key, pub, serr := v.resolve(ctx, keyID, refreshed)
		if serr != nil {
			if refreshed && serr.Reason == SignatureKeyUnavailable {
				serr.Detail = "signature did not verify, and fetching the key again failed"
				serr.Reason = SignatureMismatch
				return nil, true, serr
			}
			return nil, false, serr
		}
		verr := check(pub)
		if verr == nil {
			return key, true, nil
		}
		if errors.Is(verr, SignatureAlgorithm) || refreshed {
			return nil, true, &SignatureError{KeyID: keyID, Reason: failedReason(verr), Err: verr}
		}
		refreshed = true
	}
}

// checkCovered checks the covered pseudo-headers against the signature's
// parameters and algorithm, and that every covered header is present.
func checkCovered(r *http.Request, p *SignatureParams, covered []string, algorithm string) (SignatureReason, string) {
	for _, name := range covered {
		switch name {
		case "(created)":
			if algorithm != AlgorithmHS2019 {
				return SignatureMalformed, "(created) is only valid with hs2019"
			}
			if p.Created == 0 {
				return SignatureMalformed, "(created) covered but no created parameter"
			}
		case "(expires)":
			if p.Expires == 0 {
				return SignatureMalformed, "(expires) covered but no expires parameter"
			}
		case "(request-target)":
		default:
			if strings.HasPrefix(name, "(") {
				return SignatureMalformed, fmt.Sprintf("unknown pseudo-header %q", name)
			}
			if _, ok := headerValue(r, name); !ok {
				return SignatureCoverage, fmt.Sprintf("covered header %q is absent", name)
			}
		}
	}
	return 0, ""
}

// failedReason is the reason of a signature check that failed with err.
func failedReason(err error) SignatureReason {
	if errors.Is(err, SignatureAlgorithm) {
		return SignatureAlgorithm
	}
	return SignatureMismatch
}

func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	limit := v.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, &SignatureError{Detail: fmt.Sprintf("Content-Length %d exceeds %d", r.ContentLength, limit), Reason: SignatureBodyTooLarge}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	r.Body.Close()
	if err != nil {
		return nil, &SignatureError{Detail: "reading body", Reason: SignatureBodyTooLarge, Err: err}
	}
	if int64(len(body)) > limit {
		return nil, &SignatureError{Detail: fmt.Sprintf("body exceeds %d bytes", limit), Reason: SignatureBodyTooLarge}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// checkCoverage applies Mastodon's rules on what a signature must cover.
func checkCoverage(r *http.Request, covered []string) error {
	switch {
	case !slices.Contains(covered, "date") && !slices.Contains(covered, "(created)"):
		return errors.New("neither date nor (created) is covered")
	case !slices.Contains(covered, "(request-target)"):
		// Without it a signature is valid at any path: a delivery to one
		// inbox could be replayed to another.
		return errors.New("(request-target) is not covered")
	case !slices.Contains(covered, "host"):
		// Without it a signature is valid at any server.
		return errors.New("host is not covered")
	case r.Method == http.MethodPost && !slices.Contains(covered, "digest"):
		return errors.New("digest is not covered on a POST request")
	}
	return nil
}

// checkTime checks the signature's freshness. Only what the signature
// covers counts: a created or expires parameter, or a Date header, that
// the signature does not cover could be set by anyone replaying an old
// request, so it is ignored.
func (v *Verifier) checkTime(r *http.Request, p *SignatureParams, covered []string) *SignatureError {
	var created time.Time
	switch {
	case slices.Contains(covered, "(created)"):
		// Verify refused a covered (created) without the parameter, or
		// with an algorithm other than hs2019.
		created = time.Unix(p.Created, 0)
	case slices.Contains(covered, "date"):
		// The signed value is what the signature string holds: every
		// Date header, joined. Only one can be a date.
		date, _ := headerValue(r, "date")
		t, err := http.ParseTime(date)
		if err != nil {
			return &SignatureError{KeyID: p.KeyID, Detail: fmt.Sprintf("Date %q", date), Reason: SignatureDate}
		}
		created = t
	default:
		// checkCoverage refused a signature covering neither.
		return &SignatureError{KeyID: p.KeyID, Detail: "neither date nor (created) is covered", Reason: SignatureCoverage}
	}
	var expires time.Time
	if p.Expires != 0 && slices.Contains(covered, "(expires)") {
		expires = time.Unix(p.Expires, 0)
	}
	if err := v.checkWindow(created, expires); err != nil {
		err.KeyID = p.KeyID
		return err
	}
	return nil
}

// checkWindow checks a signature created at created and, unless expires
// is zero, expiring at expires: created no more than MaxSkew ahead and no
// more than MaxAge old, and expires, capped at 12 hours after created,
// not passed by more than MaxSkew. Both windows apply: an (expires) does
// not lift MaxAge.
func (v *Verifier) checkWindow(created, expires time.Time) *SignatureError {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	maxAge, maxSkew := v.MaxAge, v.MaxSkew
	if maxAge <= 0 {
		maxAge = DefaultMaxSignatureAge
	}
	if maxSkew <= 0 {
		maxSkew = DefaultMaxClockSkew
	}
	if created.After(now.Add(maxSkew)) {
		return &SignatureError{Created: created, Detail: fmt.Sprintf("dated %s, ahead of %s", created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)), Reason: SignatureStale}
	}
	if !expires.IsZero() {
		if limit := created.Add(maxExpiryWindow); expires.After(limit) {
			expires = limit
		}
		if now.After(expires.Add(maxSkew)) {
			return &SignatureError{Created: created, Detail: fmt.Sprintf("expired at %s", expires.UTC().Format(time.RFC3339)), Reason: SignatureStale}
		}
	}
	if now.Sub(created) > maxAge {
		return &SignatureError{Created: created, Detail: fmt.Sprintf("dated %s, older than %s at %s", created.UTC().Format(time.RFC3339), maxAge, now.UTC().Format(time.RFC3339)), Reason: SignatureStale}
	}
	return nil
}

// checkDigest checks a Digest header (RFC 3230: comma-separated
// algorithm=base64 pairs) against body and returns why it fails, or "".
func checkDigest(values []string, body []byte) string {
	if len(values) == 0 {
		return "no Digest header"
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(alg), "sha-256") {
				continue
			}
			want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val))
			if err != nil {
				return "SHA-256 digest is not base64"
			}
			sum := sha256.Sum256(body)
			if subtle.ConstantTimeCompare(want, sum[:]) != 1 {
				return "SHA-256 digest does not match the body"
			}
			return ""
		}
	}
	return "no SHA-256 digest"
}

// resolve fetches and decodes the key.
func (v *Verifier) resolve(ctx context.Context, keyID string, refresh bool) (*PublicKey, crypto.PublicKey, *SignatureError) {
	key, err := v.Keys.ResolveKey(ctx, keyID, refresh)
	if err != nil {
		reason := SignatureKeyUnavailable
		if errors.Is(err, ErrKeyOwner) {
			reason = SignatureKeyOwner
		}
		return nil, nil, &SignatureError{KeyID: keyID, Detail: "resolving the key", Reason: reason, Err: err}
	}
	if key == nil || key.PublicKeyPem == "" {
		return nil, nil, &SignatureError{KeyID: keyID, Detail: "resolver returned no key", Reason: SignatureKeyUnavailable}
	}
	if key.ID != keyID {
		return nil, nil, &SignatureError{KeyID: keyID, Detail: fmt.Sprintf("resolver returned key %q", key.ID), Reason: SignatureKeyUnavailable}
	}
	if key.Owner == "" {
		return nil, nil, &SignatureError{KeyID: keyID, Detail: "key has no owner", Reason: SignatureKeyOwner}
	}
	pub, err := ParsePublicKeyPEM(key.PublicKeyPem)
	if err != nil {
		return nil, nil, &SignatureError{KeyID: keyID, Detail: "decoding the key", Reason: SignatureKeyUnavailable, Err: err}
	}
	return key, pub, nil
}

// verifyCavage checks the signature with go-fed/httpsig. go-fed parses
// the Signature header naively and reads the request target from
// r.URL.Path, so it is handed a normalised view of r: a canonical
// Signature header (the key id left out: it is not signed), the covered
// headers only, and the request target as received.
func verifyCavage(r *http.Request, p *SignatureParams, covered []string, algorithm string, pub crypto.PublicKey) error {
	var algo httpsig.Algorithm
	switch pub.(type) {
	case *rsa.PublicKey:
		algo = httpsig.RSA_SHA256
	case ed25519.PublicKey:
		if algorithm != AlgorithmHS2019 {
			return fmt.Errorf("%w: %s with an Ed25519 key", SignatureAlgorithm, algorithm)
		}
		algo = httpsig.ED25519
	default:
		return fmt.Errorf("%w: key of type %T", SignatureAlgorithm, pub)
	}
	h := make(http.Header, len(covered)+1)
	for _, name := range covered {
		if strings.HasPrefix(name, "(") {
			continue
		}
		value, _ := headerValue(r, name)
		h[textproto.CanonicalMIMEHeaderKey(name)] = []string{value}
	}
	norm := SignatureParams{KeyID: "k", Algorithm: AlgorithmHS2019, Headers: covered, Signature: p.Signature, Created: p.Created, Expires: p.Expires}
	h["Signature"] = []string{norm.String()}
	targets := []string{requestTarget(r)}
	if path, _, ok := strings.Cut(targets[0], "?"); ok {
		targets = append(targets, path)
	}
	var err error
	for _, target := range targets {
		view := &http.Request{Method: r.Method, URL: &url.URL{Path: target}, Header: h}
		var gv httpsig.Verifier
		gv, err = httpsig.NewVerifier(view)
		if err != nil {
			return err
		}
		if err = gv.Verify(pub, algo); err == nil {
			return nil
		}
	}
	return err
}

// requestTarget returns the request target as the client sent it.
func requestTarget(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// headerValue returns a header's value as the signature string holds it:
// all its values, trimmed, joined with ", ". The Host header comes from
// r.Host, where Go servers keep it.
func headerValue(r *http.Request, name string) (string, bool) {
	if name == "host" {
		if r.Host != "" {
			return r.Host, true
		}
		if r.URL != nil && r.URL.Host != "" {
			return r.URL.Host, true
		}
	}
	vs, ok := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimSpace(v))
	}
	return b.String(), true
}
