package activitypub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The conditions callers branch on. Every error this package returns
// matches one of them with [errors.Is], through a typed error that names
// its subject and, in a Reason field, the finer reason: a
// *[SignatureError], *[DocumentError], *[MoveError], *[FetchError],
// *[StatusError], *[WebFingerError], *[AccountError], *[AddressError] or
// *[DuplicateMemberError].
var (
	// ErrMalformed means a document is not valid JSON of the expected
	// shape, lacks a required member, is not of the expected type, or
	// repeats a security-relevant member; or a WebFinger answer has no
	// subject or no ActivityPub self link.
	ErrMalformed = errors.New("activitypub: malformed document")
	// ErrTooLarge means a document, a request body or a response exceeds
	// its limit ([MaxDocumentBytes], [Verifier.MaxBytes],
	// [Client.MaxBytes]).
	ErrTooLarge = errors.New("activitypub: too large")
	// ErrIDMismatch means a document does not belong where it was found:
	// a fetched document's id is not its URL (see [Client.FetchActor]), a
	// collection page lives on another host, or a WebFinger answer names
	// another account or an actor its host does not confirm.
	ErrIDMismatch = errors.New("activitypub: document id does not match its URL")
	// ErrMoveRefused means a Move failed the checks of [VerifyMove]; the
	// *[MoveError] lists them.
	ErrMoveRefused = errors.New("activitypub: move refused")

	// ErrNoSignature means a request has no HTTP signature.
	ErrNoSignature = errors.New("activitypub: request is not signed")
	// ErrBadSignature means a request's HTTP signature was refused: it is
	// malformed, uses an unsupported algorithm, covers too little, is
	// dated outside the accepted window, does not match the body's
	// digest, or does not verify with the signer's key even after
	// fetching the key again. [SignatureError.Reason] says which.
	ErrBadSignature = errors.New("activitypub: signature refused")
	// ErrKeyUnavailable means the key a signature names could not be
	// resolved (the fetch failed, or returned no usable key).
	ErrKeyUnavailable = errors.New("activitypub: signing key unavailable")
	// ErrKeyOwner means a public key names another owner than the actor
	// it came with, or a request was signed by another actor than the
	// one it speaks for ([Verified.CheckActor]).
	ErrKeyOwner = errors.New("activitypub: public key owned by another actor")
	// ErrInvalidKey means a PEM key could not be decoded or is of a type
	// fediport does not sign or verify with (RSA and Ed25519 only), or a
	// [Signer]'s key, key id, Scheme or Algorithm cannot be used.
	ErrInvalidKey = errors.New("activitypub: invalid or unsupported key")

	// ErrInvalidAddress means a URL is not an absolute http(s) URL, or a
	// string is not an account address (user@host, @user@host or
	// acct:user@host).
	ErrInvalidAddress = errors.New("activitypub: invalid address")
	// ErrRefused means a [Client] refused a fetch: a non-public address
	// (unless [Client.AllowPrivate]), a plain http URL or redirect (unless
	// [Client.AllowHTTP]), too many redirects or collection pages, or a
	// response that is not JSON of the expected kind.
	// [FetchError.Reason] says which.
	ErrRefused = errors.New("activitypub: fetch refused")
	// ErrNotFound means a server answered 404 Not Found.
	ErrNotFound = errors.New("activitypub: not found")
	// ErrGone means a server answered 410 Gone: the account or document
	// was deleted.
	ErrGone = errors.New("activitypub: gone")
)

// reasonText is the message of a reason, a small integer naming why a
// typed error of this package happened. Reasons are errors too, so
// errors.Is finds them in an error chain as it finds syscall.Errno
// values.
func reasonText(r int, table []reasonRow) string {
	if r > 0 && r < len(table) {
		return "activitypub: " + table[r].text
	}
	return "activitypub: reason " + strconv.Itoa(r)
}

// reasonRow is one reason in its kind's table, which is indexed by the
// reason's value: its text and the sentinel it belongs to. Row 0 holds
// the sentinel of a value outside the table. One table per kind keeps a
// reason's text and sentinel side by side, so a new reason cannot get
// one without the other.
type reasonRow struct {
	text     string
	sentinel error
}

// reasonSentinel returns the sentinel reason r of table belongs to.
func reasonSentinel(r int, table []reasonRow) error {
	if r > 0 && r < len(table) {
		return table[r].sentinel
	}
	return table[0].sentinel
}

// DocumentReason says why a document was refused: the Reason of a
// [DocumentError].
type DocumentReason int

// Reasons of a [DocumentError].
const (
	// DocumentTooLarge: larger than [MaxDocumentBytes] ([ErrTooLarge]).
	DocumentTooLarge DocumentReason = iota + 1
	// DocumentMalformed: not one JSON object of the expected shape, a
	// repeated security-relevant member, or a required member missing
	// ([ErrMalformed]).
	DocumentMalformed
	// DocumentWrongType: a document of another type than expected (a
	// Move that is not a Move) ([ErrMalformed]).
	DocumentWrongType
	// DocumentKeyOwner: an actor's public key names another owner
	// ([ErrKeyOwner]).
	DocumentKeyOwner
)

var documentReasons = []reasonRow{
	{"", ErrMalformed},
	{"document too large", ErrTooLarge},
	{"malformed document", ErrMalformed},
	{"document of the wrong type", ErrMalformed},
	{"public key owned by another actor", ErrKeyOwner},
}

// Error returns the reason's text.
func (r DocumentReason) Error() string { return reasonText(int(r), documentReasons) }

// DocumentError reports a document that could not be used.
type DocumentError struct {
	Kind   string // "actor", "move"
	ID     string // the document's id, when known
	Reason DocumentReason
	Err    error // the underlying error, if any
}

// Error describes the failure, naming its subject.
func (e *DocumentError) Error() string {
	s := "activitypub: " + e.Kind
	if e.ID != "" {
		s += " " + e.ID
	}
	s += ": " + strings.TrimPrefix(e.Reason.Error(), "activitypub: ")
	if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), "activitypub: ")
	}
	return s
}

// Unwrap returns the sentinel the reason belongs to, the reason, and the
// underlying error.
func (e *DocumentError) Unwrap() []error {
	return appendCause([]error{reasonSentinel(int(e.Reason), documentReasons), e.Reason}, e.Err)
}

func appendCause(errs []error, cause error) []error {
	if cause != nil {
		errs = append(errs, cause)
	}
	return errs
}

// DuplicateMemberError reports a document that names a security-relevant
// member more than once (id, type, actor, object, target, alsoKnownAs,
// movedTo, publicKey, and a key's id, owner and publicKeyPem), or twice
// in names that differ only in case. Decoders disagree on which value
// counts, so a document forwarded as it was could mean one thing to this
// package and another to its next reader: it is refused. It unwraps to
// [ErrMalformed].
type DuplicateMemberError struct {
	// Name is the member, with the members it is nested in before it:
	// "publicKey.id".
	Name string
}

// Error names the member.
func (e *DuplicateMemberError) Error() string {
	return "activitypub: member " + strconv.Quote(e.Name) + " appears more than once"
}

// Unwrap returns [ErrMalformed].
func (e *DuplicateMemberError) Unwrap() error { return ErrMalformed }

// MoveReason names a check of [VerifyMove] that failed.
type MoveReason int

// The checks of [VerifyMove], by how they fail.
const (
	// MoveWrongType: the activity is not a Move.
	MoveWrongType MoveReason = iota + 1
	// MoveActorMismatch: the Move's actor and object differ; an actor can
	// only move itself.
	MoveActorMismatch
	// MoveOriginMismatch: the Move's actor is not the origin account it
	// was checked against.
	MoveOriginMismatch
	// MoveTargetMismatch: the Move's target is not the target account it
	// was checked against.
	MoveTargetMismatch
	// MoveToSelf: origin and target are the same account.
	MoveToSelf
	// MoveAliasMissing: the target does not list the origin in
	// alsoKnownAs, so the origin's owner does not control the target.
	MoveAliasMissing
	// MoveTargetSuspended: the target account is suspended.
	MoveTargetSuspended
	// MoveTargetMoved: the target account has itself moved elsewhere.
	MoveTargetMoved
)

var moveReasons = []reasonRow{
	{"", ErrMoveRefused},
	{"not a Move activity", ErrMoveRefused},
	{"move actor and object differ", ErrMoveRefused},
	{"move actor is not the origin account", ErrMoveRefused},
	{"move target is not the target account", ErrMoveRefused},
	{"move target is the origin itself", ErrMoveRefused},
	{"target does not list the origin in alsoKnownAs", ErrMoveRefused},
	{"target account is suspended", ErrMoveRefused},
	{"target account has moved elsewhere", ErrMoveRefused},
}

// Error returns the reason's text.
func (r MoveReason) Error() string { return reasonText(int(r), moveReasons) }

// MoveError reports why a Move was refused: every check of [VerifyMove]
// that failed. It unwraps to [ErrMoveRefused] and to each reason, so
// errors.Is finds any of them.
type MoveError struct {
	MoveID  string
	Origin  string // the Move's actor
	Target  string // the Move's target
	Reasons []MoveReason
}

// Error describes the failure, naming its subject.
func (e *MoveError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "activitypub: move %s of %s to %s refused: ", e.MoveID, e.Origin, e.Target)
	for i, r := range e.Reasons {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(r.Error(), "activitypub: "))
	}
	return b.String()
}

// Has reports whether r is one of the failed checks.
func (e *MoveError) Has(r MoveReason) bool {
	for _, x := range e.Reasons {
		if x == r {
			return true
		}
	}
	return false
}

// Unwrap returns [ErrMoveRefused] and the failed checks.
func (e *MoveError) Unwrap() []error {
	errs := make([]error, 0, len(e.Reasons)+1)
	errs = append(errs, ErrMoveRefused)
	for _, r := range e.Reasons {
		errs = append(errs, r)
	}
	return errs
}

// SignatureReason says why an HTTP signature was refused, or a request
// could not be signed: the Reason of a [SignatureError].
type SignatureReason int

// Reasons of a [SignatureError], with the sentinel each belongs to.
const (
	// SignatureAbsent: the request has no signature ([ErrNoSignature]).
	SignatureAbsent SignatureReason = iota + 1
	// SignatureMalformed: the signature fields cannot be parsed, are
	// repeated or are inconsistent (a (created) pseudo-header without a
	// created parameter, say) ([ErrBadSignature]).
	SignatureMalformed
	// SignatureAlgorithm: the algorithm is not one fediport verifies
	// (rsa-sha256 and hs2019 for draft-cavage; rsa-v1_5-sha256,
	// rsa-pss-sha512 and ed25519 for RFC 9421), or does not suit the key
	// ([ErrBadSignature]).
	SignatureAlgorithm
	// SignatureCoverage: the signature does not cover what it must (see
	// [Verifier.Verify]), or covers a header the request does not have or
	// a component fediport does not compute ([ErrBadSignature]).
	SignatureCoverage
	// SignatureDate: the signed Date header cannot be parsed
	// ([ErrBadSignature]).
	SignatureDate
	// SignatureStale: the signature's Date or created is older than
	// [Verifier.MaxAge] or further ahead than [Verifier.MaxSkew], or its
	// expiry has passed; [SignatureError.Created] holds the date
	// ([ErrBadSignature]).
	SignatureStale
	// SignatureDigest: the Digest or Content-Digest does not match the
	// body, or holds no digest fediport checks ([ErrBadSignature]).
	SignatureDigest
	// SignatureMismatch: the signature does not verify with the signer's
	// key, even after fetching the key again ([ErrBadSignature]).
	SignatureMismatch
	// SignatureBodyTooLarge: the body exceeds [Verifier.MaxBytes]
	// ([ErrTooLarge]).
	SignatureBodyTooLarge
	// SignatureKeyUnavailable: the key could not be resolved
	// ([ErrKeyUnavailable]).
	SignatureKeyUnavailable
	// SignatureKeyOwner: the key is owned by another actor than the one
	// it came with, or than the activity's ([ErrKeyOwner]).
	SignatureKeyOwner
	// SignatureInvalidKey: a [Signer]'s key or key id cannot be used, or
	// its Algorithm does not suit its key ([ErrInvalidKey]).
	SignatureInvalidKey
	// SignatureScheme: a [Signer] was asked for a scheme fediport does not
	// know ([ErrInvalidKey]).
	SignatureScheme
)

var signatureReasons = []reasonRow{
	{"", ErrBadSignature},
	{"request is not signed", ErrNoSignature},
	{"malformed signature header", ErrBadSignature},
	{"unsupported signature algorithm", ErrBadSignature},
	{"signature does not cover required headers", ErrBadSignature},
	{"invalid date header", ErrBadSignature},
	{"signature date outside the accepted window", ErrBadSignature},
	{"body does not match digest", ErrBadSignature},
	{"signature does not verify", ErrBadSignature},
	{"request body too large", ErrTooLarge},
	{"signing key unavailable", ErrKeyUnavailable},
	{"public key owned by another actor", ErrKeyOwner},
	{"invalid or unsupported key", ErrInvalidKey},
	{"unsupported signature scheme", ErrInvalidKey},
}

// Error returns the reason's text.
func (r SignatureReason) Error() string { return reasonText(int(r), signatureReasons) }

// SignatureError reports a request whose HTTP signature was refused, or a
// request that could not be signed.
type SignatureError struct {
	Reason SignatureReason
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
	// Created is the signature's date (its covered Date, or its created
	// parameter) when the time window refused it ([SignatureStale]).
	Created time.Time
	Detail  string // what failed, for people
	Err     error  // the underlying error, if any (a resolver's, say)
}

// Error describes the failure, naming its subject.
func (e *SignatureError) Error() string {
	s := e.Reason.Error()
	if e.Label != "" {
		s += " (label " + e.Label + ")"
	}
	if e.KeyID != "" {
		s += " (keyId " + e.KeyID + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel the reason belongs to, the reason and the
// underlying error, so [errors.Is] matches each.
func (e *SignatureError) Unwrap() []error {
	return appendCause([]error{reasonSentinel(int(e.Reason), signatureReasons), e.Reason}, e.Err)
}

// FetchReason says why a [Client] refused or failed a fetch: the Reason
// of a [FetchError]. A fetch that failed on the network, or whose
// document did not decode, has no reason (0): its Err says what happened.
type FetchReason int

// Reasons of a [FetchError], with the sentinel each belongs to.
const (
	// FetchInvalidURL: not an absolute http(s) URL, or a redirect to
	// one ([ErrInvalidAddress]).
	FetchInvalidURL FetchReason = iota + 1
	// FetchInsecureScheme: a plain http URL or redirect, and
	// [Client.AllowHTTP] is false ([ErrRefused]).
	FetchInsecureScheme
	// FetchPrivateAddress: a host that is, or resolved to, a loopback,
	// private, link-local or otherwise non-public address, and
	// [Client.AllowPrivate] is false ([ErrRefused]).
	FetchPrivateAddress
	// FetchTooManyRedirects: more than [Client.MaxRedirects] redirects
	// ([ErrRefused]).
	FetchTooManyRedirects
	// FetchContentType: a response that is not JSON of the expected kind
	// ([ErrRefused]).
	FetchContentType
	// FetchTooManyPages: a collection of more than [Client.MaxPages]
	// pages ([ErrRefused]).
	FetchTooManyPages
	// FetchTooLarge: a response body over [Client.MaxBytes]
	// ([ErrTooLarge]).
	FetchTooLarge
	// FetchIDMismatch: a document that does not belong where it was
	// fetched from ([ErrIDMismatch]).
	FetchIDMismatch
	// FetchMalformed: a document that is not JSON of the expected shape
	// ([ErrMalformed]).
	FetchMalformed
)

var fetchReasons = []reasonRow{
	{"", ErrRefused},
	{"invalid URL", ErrInvalidAddress},
	{"URL is not https", ErrRefused},
	{"address is not public", ErrRefused},
	{"too many redirects", ErrRefused},
	{"unexpected content type", ErrRefused},
	{"too many collection pages", ErrRefused},
	{"response too large", ErrTooLarge},
	{"document id does not match its URL", ErrIDMismatch},
	{"malformed document", ErrMalformed},
}

// Error returns the reason's text.
func (r FetchReason) Error() string { return reasonText(int(r), fetchReasons) }

// FetchError reports a failed fetch of URL.
type FetchError struct {
	URL    string
	Reason FetchReason // 0 for a failure of the network or of the document
	Err    error       // what went wrong, when the reason does not say it all
}

func fetchErr(rawURL string, r FetchReason, format string, args ...any) *FetchError {
	return &FetchError{URL: rawURL, Reason: r, Err: fmt.Errorf(format, args...)}
}

// Error describes the failure, naming its subject.
func (e *FetchError) Error() string {
	s := "activitypub: fetching " + e.URL + ": "
	switch {
	case e.Reason != 0 && e.Err != nil && strings.HasPrefix(e.Err.Error(), e.Reason.Error()):
		s += strings.TrimPrefix(e.Err.Error(), "activitypub: ") // an *AddressError, say
	case e.Reason != 0 && e.Err != nil:
		s += strings.TrimPrefix(e.Reason.Error(), "activitypub: ") + ": " + e.Err.Error()
	case e.Reason != 0:
		s += strings.TrimPrefix(e.Reason.Error(), "activitypub: ")
	case e.Err != nil:
		s += e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel the reason belongs to, the reason and the
// underlying error.
func (e *FetchError) Unwrap() []error {
	if e.Reason == 0 {
		return appendCause(nil, e.Err)
	}
	return appendCause([]error{reasonSentinel(int(e.Reason), fetchReasons), e.Reason}, e.Err)
}

// Temporary reports whether the fetch may succeed if tried again later:
// it failed on the network (a timeout, a refused or reset connection, a
// failed name lookup) or ran out of time. A refused fetch, a document
// that does not decode or does not belong, and a cancelled context are
// not temporary.
func (e *FetchError) Temporary() bool {
	if e.Reason != 0 || e.Err == nil || errors.Is(e.Err, context.Canceled) {
		return false
	}
	var ae *AddressError
	if errors.As(e.Err, &ae) {
		return false
	}
	if errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(e.Err, &ne)
}

// StatusError reports an HTTP response whose status is not 2xx. It
// unwraps to [ErrNotFound] for 404 and [ErrGone] for 410.
type StatusError struct {
	URL        string
	StatusCode int
	// RetryAfter is how long the server asked to wait (its Retry-After
	// header, on a 429 or 503 answer); 0 when it did not say.
	RetryAfter time.Duration
}

// Error describes the failure, naming its subject.
func (e *StatusError) Error() string {
	return fmt.Sprintf("activitypub: fetching %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// Unwrap returns [ErrNotFound] or [ErrGone], or nil for another status.
func (e *StatusError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusGone:
		return ErrGone
	}
	return nil
}

// Temporary reports whether the server may answer otherwise later: a 408,
// 429 or 5xx answer.
func (e *StatusError) Temporary() bool {
	return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(365*24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// WebFingerReason says why a WebFinger lookup failed: the Reason of a
// [WebFingerError].
type WebFingerReason int

// Reasons of a [WebFingerError], with the sentinel each belongs to.
const (
	// WebFingerInvalidJRD: the answer is not a JRD document, or has no
	// subject ([ErrMalformed]).
	WebFingerInvalidJRD WebFingerReason = iota + 1
	// WebFingerNoSelfLink: the answer has no "self" link of type
	// application/activity+json or ActivityStreams ld+json
	// ([ErrMalformed]).
	WebFingerNoSelfLink
	// WebFingerSubjectMismatch: the subject names another account, and
	// querying that account did not confirm it ([ErrIDMismatch]).
	WebFingerSubjectMismatch
	// WebFingerSelfUnconfirmed: the self link names an actor on another
	// host than the account's, and the actor's host did not confirm it:
	// the reverse query (the actor's preferredUsername at its host, or
	// its webfinger member) failed, or named another actor, or an account
	// that is neither the one queried nor the one asked about. Anyone can
	// publish a self link to someone else's actor; only the actor's host
	// can say which account it is ([ErrIDMismatch]).
	WebFingerSelfUnconfirmed
	// WebFingerIDMismatch: the actor the self link names has another id
	// ([ErrIDMismatch]).
	WebFingerIDMismatch
	// WebFingerInvalidAccount: the resource is not an account address
	// ([ErrInvalidAddress]).
	WebFingerInvalidAccount
)

var webFingerReasons = []reasonRow{
	{"", ErrIDMismatch},
	{"invalid WebFinger document", ErrMalformed},
	{"WebFinger document has no ActivityPub self link", ErrMalformed},
	{"WebFinger subject does not match", ErrIDMismatch},
	{"WebFinger self link on another host not confirmed by the actor's host", ErrIDMismatch},
	{"document id does not match its URL", ErrIDMismatch},
	{"invalid address", ErrInvalidAddress},
}

// Error returns the reason's text.
func (r WebFingerReason) Error() string { return reasonText(int(r), webFingerReasons) }

// WebFingerError reports a failed WebFinger lookup of Resource.
type WebFingerError struct {
	Resource string
	Reason   WebFingerReason
	Detail   string // what failed, for people
	Err      error  // the underlying error, if any
}

// Error describes the failure, naming its subject.
func (e *WebFingerError) Error() string {
	s := fmt.Sprintf("activitypub: WebFinger %s: %s", e.Resource, strings.TrimPrefix(e.Reason.Error(), "activitypub: "))
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel the reason belongs to, the reason and the
// underlying error.
func (e *WebFingerError) Unwrap() []error {
	return appendCause([]error{reasonSentinel(int(e.Reason), webFingerReasons), e.Reason}, e.Err)
}

// AccountError reports a string that is not an account address. It
// unwraps to [ErrInvalidAddress].
type AccountError struct {
	Input  string
	Detail string // what is wrong, for people
}

// Error describes the failure, naming its subject.
func (e *AccountError) Error() string {
	return fmt.Sprintf("activitypub: invalid account address %q: %s", e.Input, e.Detail)
}

// Unwrap returns [ErrInvalidAddress].
func (e *AccountError) Unwrap() error { return ErrInvalidAddress }

// AddressError reports a connection refused because its address is not
// public. It unwraps to [ErrRefused] and [FetchPrivateAddress].
type AddressError struct {
	Addr string // the address dialled or named, as host:port or host
}

// Error describes the failure, naming its subject.
func (e *AddressError) Error() string {
	return "activitypub: address is not public: " + e.Addr
}

// Unwrap returns [ErrRefused] and [FetchPrivateAddress].
func (e *AddressError) Unwrap() []error { return []error{ErrRefused, FetchPrivateAddress} }

func isAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
