package activitypub

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// AcceptActivityJSON is the Accept header fediport sends when fetching
// ActivityPub documents, the one Mastodon sends. It is exported for hosts
// that fetch with their own HTTP client, as [ContentTypeActivityJSON] is
// for those that post.
const AcceptActivityJSON = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// ContentTypeActivityJSON is the Content-Type [Signer.Sign] sets on a
// request with a body that has none.
const ContentTypeActivityJSON = "application/activity+json"

// Covered headers, as Mastodon signs them.
var (
	postSignedHeaders = []string{"(request-target)", "host", "date", "digest", "content-type"}
	getSignedHeaders  = []string{"(request-target)", "host", "date", "accept"}
)

// Signer signs outgoing requests with draft-cavage HTTP signatures, the
// way Mastodon does, or, with Scheme set to [SchemeRFC9421], with RFC 9421
// HTTP Message Signatures, the way Fedify does. Its zero value is not
// usable: set KeyID and Key.
//
// A Signer holds no per-request state and is safe for concurrent use as
// long as its fields are not changed.
type Signer struct {
	// KeyID is the key's id, the "id" of the actor's publicKey
	// (https://example.com/users/alice#main-key, say).
	KeyID string
	// Key is the private key: an *rsa.PrivateKey (what every fediverse
	// server understands) or an ed25519.PrivateKey.
	Key crypto.PrivateKey
	// Now returns the current time, for the Date header; nil means
	// time.Now. Tests set it.
	Now func() time.Time
	// Scheme is the signature scheme written: "" or [SchemeCavage] for
	// draft-cavage (what every fediverse server verifies), or
	// [SchemeRFC9421] (Mastodon 4.5 and later, Fedify).
	Scheme Scheme
	// Algorithm is the RFC 9421 alg for an RSA key: "" or
	// [AlgorithmRSAv15SHA256] (what fediverse servers verify), or
	// [AlgorithmRSAPSSSHA512]. Ed25519 keys sign with [AlgorithmEd25519].
	// Draft-cavage signatures ignore it.
	Algorithm string
}

// Sign signs r, whose body is body (nil for none; Sign does not read
// r.Body). It sets these headers, replacing any earlier value (and
// removing the other scheme's), so a request can be signed again before a
// retry, with either scheme:
//
//   - Date, the current time in IMF-fixdate form;
//   - Accept on GET and HEAD, [AcceptActivityJSON] unless already set;
//   - Content-Type on other methods, [ContentTypeActivityJSON] unless
//     already set;
//   - for draft-cavage: Digest on other methods, "SHA-256=" and the base64
//     SHA-256 of body, and Signature, covering "(request-target) host date
//     accept" on GET and HEAD and "(request-target) host date digest
//     content-type" otherwise;
//   - for RFC 9421: Content-Digest on other methods, "sha-256=:" and the
//     base64 SHA-256 of body and ":", and Signature-Input and Signature,
//     one signature labelled sig1 with the parameters created, keyid and
//     alg, covering "@method" "@target-uri" "@authority" "date" and
//     "accept" on GET and HEAD, "content-type" "content-digest"
//     otherwise.
//
// The host signed is r.Host, or r.URL.Host when r.Host is empty, in the
// ASCII (punycode) form Go's transport sends; an RFC 9421 @target-uri
// takes its scheme from r.URL, https when it has none. The draft-cavage
// algorithm parameter written is "rsa-sha256" for RSA keys, as Mastodon
// writes it, and "hs2019" for Ed25519 keys; the signature itself is made
// by go-fed/httpsig. RFC 9421 signatures are made with the standard
// library. Errors are *[SignatureError]s wrapping [ErrInvalidKey], with
// reason [SignatureInvalidKey] for an unusable key or id or an Algorithm
// that does not suit the key, and [SignatureScheme] for an unknown
// Scheme.
func (s *Signer) Sign(r *http.Request, body []byte) error {
	switch s.Scheme {
	case "", SchemeCavage, SchemeRFC9421:
	default:
		return &SignatureError{Scheme: s.Scheme, KeyID: s.KeyID, Detail: fmt.Sprintf("scheme %q", s.Scheme), Reason: SignatureScheme}
	}
	algo, label, err := s.cavageAlgorithm()
	if err != nil {
		return err
	}
	host, err := s.signedHost(r)
	if err != nil {
		return err
	}
	h := r.Header
	if h == nil {
		h = make(http.Header)
		r.Header = h
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if s.Scheme == SchemeRFC9421 {
		return s.signRFC9421(r, body, host, now())
	}
	return s.signCavage(r, body, host, algo, label, now())
}

// cavageAlgorithm checks the Signer's key and key id, and returns go-fed's
// algorithm for the key and the algorithm parameter Mastodon writes.
func (s *Signer) cavageAlgorithm() (httpsig.Algorithm, string, error) {
	var algo httpsig.Algorithm
	label := AlgorithmHS2019
	switch s.Key.(type) {
	case *rsa.PrivateKey:
		algo, label = httpsig.RSA_SHA256, AlgorithmRSASHA256
	case ed25519.PrivateKey:
		algo = httpsig.ED25519
	default:
		return "", "", &SignatureError{KeyID: s.KeyID, Detail: fmt.Sprintf("key of type %T", s.Key), Reason: SignatureInvalidKey}
	}
	if s.KeyID == "" || strings.ContainsAny(s.KeyID, "\"\\,") || strings.IndexFunc(s.KeyID, isCtlOrSpace) >= 0 {
		return "", "", &SignatureError{KeyID: s.KeyID, Detail: "key id empty or not a URL", Reason: SignatureInvalidKey}
	}
	return algo, label, nil
}

// signedHost returns the host the signature covers: r.Host, or r.URL.Host
// when r.Host is empty, in the ASCII (punycode) form Go's transport sends.
func (s *Signer) signedHost(r *http.Request) (string, error) {
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	if strings.IndexFunc(host, func(r rune) bool { return r >= 0x80 }) >= 0 {
		// Go's transport sends an internationalised host in punycode.
		ascii, err := asciiHost(host)
		if err != nil {
			return "", &SignatureError{KeyID: s.KeyID, Detail: "request host is not a valid domain", Reason: SignatureMalformed, Err: err}
		}
		host = ascii
	}
	if host == "" {
		return "", &SignatureError{KeyID: s.KeyID, Detail: "request has no host", Reason: SignatureMalformed}
	}
	return host, nil
}

// signCavage signs r with a draft-cavage signature made by go-fed/httpsig.
func (s *Signer) signCavage(r *http.Request, body []byte, host string, algo httpsig.Algorithm, label string, now time.Time) error {
	h := r.Header
	covered := getSignedHeaders
	if prepareHeaders(r, now) {
		covered = postSignedHeaders
		sum := sha256.Sum256(body)
		h.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	}
	// go-fed reads the host from the header map, where Go never keeps it.
	h.Set("Host", host)
	defer h.Del("Host")

	// go-fed signers fix (created) when built and are not safe for
	// concurrent use: build one per request.
	gs, got, err := httpsig.NewSigner([]httpsig.Algorithm{algo}, httpsig.DigestSha256, covered, httpsig.Signature, 0)
	if err != nil || got != algo {
		return &SignatureError{KeyID: s.KeyID, Detail: "go-fed/httpsig cannot sign with " + string(algo), Reason: SignatureInvalidKey, Err: err}
	}
	// go-fed signs r.URL.Path, which is decoded; sign the request target
	// as it goes on the wire instead.
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	target := "/"
	if r.URL != nil {
		target = r.URL.RequestURI()
	}
	view := &http.Request{Method: method, URL: &url.URL{Path: target}, Header: h}
	if err := gs.SignRequest(s.Key, s.KeyID, view, nil); err != nil {
		return &SignatureError{KeyID: s.KeyID, Detail: "signing failed", Reason: SignatureInvalidKey, Err: err}
	}
	// go-fed always writes algorithm="hs2019"; write what Mastodon does.
	// The algorithm parameter is not part of the signed string.
	p, err := ParseSignatureHeader(h.Get("Signature"))
	if err != nil {
		return err
	}
	p.Algorithm = label
	h.Set("Signature", p.String())
	return nil
}

// prepareHeaders readies r's headers for either scheme: it removes the
// signature and digest headers of both (go-fed refuses to sign over an
// earlier Digest, and would add a second Signature), sets Date to now,
// and sets Accept on GET and HEAD (and a request with no method), or
// Content-Type otherwise, unless already set. It reports whether the
// request carries a body to digest: every method but GET and HEAD.
func prepareHeaders(r *http.Request, now time.Time) (hasBody bool) {
	h := r.Header
	for _, k := range []string{"Signature", "Signature-Input", "Digest", "Content-Digest"} {
		h.Del(k)
	}
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == "" {
		if h.Get("Accept") == "" {
			h.Set("Accept", AcceptActivityJSON)
		}
		return false
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", ContentTypeActivityJSON)
	}
	return true
}

func isCtlOrSpace(r rune) bool { return r <= ' ' || r == 0x7f }
