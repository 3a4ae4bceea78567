package activitypub

import "errors"

// Errors of HTTP signature verification, one per failed check. A
// *[SignatureError] wraps them; match them with [errors.Is]. A key whose
// owner does not match (the resolver found the key owned by another actor
// than the one it came with, or [Verified.CheckActor] failed) is reported
// with [ErrKeyOwner].
var (
	// ErrNoSignature means the request has no Signature header.
	ErrNoSignature = errors.New("activitypub: request is not signed")
	// ErrMalformedSignature means the Signature header cannot be parsed,
	// or is repeated, or is inconsistent (a (created) pseudo-header
	// without a created parameter, say).
	ErrMalformedSignature = errors.New("activitypub: malformed signature header")
	// ErrUnsupportedScheme means a [Signer] was asked for a signature
	// scheme fediport does not know.
	ErrUnsupportedScheme = errors.New("activitypub: unsupported signature scheme")
	// ErrUnsupportedAlgorithm means the algorithm is not one fediport
	// verifies (rsa-sha256 and hs2019 for draft-cavage; rsa-v1_5-sha256,
	// rsa-pss-sha512 and ed25519 for RFC 9421), or does not suit the key.
	ErrUnsupportedAlgorithm = errors.New("activitypub: unsupported signature algorithm")
	// ErrMissingCoverage means the signature does not cover what a
	// signature must cover (see [Verifier.Verify]), or covers a header the
	// request does not have or a component fediport does not compute.
	ErrMissingCoverage = errors.New("activitypub: signature does not cover required headers")
	// ErrDigestMismatch means the Digest (or Content-Digest) header does
	// not match the body, or holds no digest fediport checks.
	ErrDigestMismatch = errors.New("activitypub: body does not match digest")
	// ErrInvalidDate means the signed Date header cannot be parsed.
	ErrInvalidDate = errors.New("activitypub: invalid date header")
	// ErrDateSkew means the signature's Date or (created) is too old or
	// too far ahead, or its (expires) has passed.
	ErrDateSkew = errors.New("activitypub: signature date outside the accepted window")
	// ErrBodyTooLarge means the request body exceeds [Verifier.MaxBody].
	ErrBodyTooLarge = errors.New("activitypub: request body too large")
	// ErrKeyUnavailable means the signing key could not be resolved.
	ErrKeyUnavailable = errors.New("activitypub: signing key unavailable")
	// ErrBadSignature means the signature does not verify with the
	// signer's key, even after fetching the key again.
	ErrBadSignature = errors.New("activitypub: signature does not verify")
)

// SignatureError reports a request whose HTTP signature was refused, or a
// request that could not be signed.
type SignatureError struct {
	// Scheme is the signature scheme of the request, when known.
	Scheme Scheme
	// Label is the RFC 9421 label of the signature that failed; when a
	// request carries several and none verifies, the one that got
	// furthest.
	Label string
	KeyID string // the signature's key id, when known
	// Covered is the covered headers or components of the signature,
	// when parsed.
	Covered []string
	Reason  string // what failed, for people
	Err     error  // one of the sentinels above
	Cause   error  // the underlying error, if any (a resolver's, say)
}

// Error describes the failure, naming its subject.
func (e *SignatureError) Error() string {
	s := e.Err.Error()
	if e.Label != "" {
		s += " (label " + e.Label + ")"
	}
	if e.KeyID != "" {
		s += " (keyId " + e.KeyID + ")"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause, so [errors.Is] matches both.
func (e *SignatureError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}
