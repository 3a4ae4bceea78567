package activitypub

import (
	"errors"
	"net/url"
	"strconv"
)

// Errors about documents. A [DocumentError] or [MoveError] wraps them.
var (
	// ErrDocumentTooLarge means a document exceeds MaxDocumentSize.
	ErrDocumentTooLarge = errors.New("activitypub: document too large")
	// ErrMalformed means a document is not valid JSON of the expected
	// shape, or lacks a required member.
	ErrMalformed = errors.New("activitypub: malformed document")
	// ErrKeyOwner means an actor's public key names another owner.
	ErrKeyOwner = errors.New("activitypub: public key owned by another actor")
	// ErrNotMove means an activity is not a Move.
	ErrNotMove = errors.New("activitypub: not a Move activity")
)

// Errors of [VerifyMove], one per check. A *[MoveError] wraps them.
var (
	// ErrMoveActorMismatch means the Move's actor and object differ: an
	// actor can only move itself.
	ErrMoveActorMismatch = errors.New("activitypub: move actor and object differ")
	// ErrMoveOriginMismatch means the Move's actor is not the origin
	// account it was checked against.
	ErrMoveOriginMismatch = errors.New("activitypub: move actor is not the origin account")
	// ErrMoveTargetMismatch means the Move's target is not the target
	// account it was checked against.
	ErrMoveTargetMismatch = errors.New("activitypub: move target is not the target account")
	// ErrMoveToSelf means origin and target are the same account.
	ErrMoveToSelf = errors.New("activitypub: move target is the origin itself")
	// ErrAliasMissing means the target does not list the origin in
	// alsoKnownAs: the origin's owner does not control the target.
	ErrAliasMissing = errors.New("activitypub: target does not list the origin in alsoKnownAs")
	// ErrTargetSuspended means the target account is suspended.
	ErrTargetSuspended = errors.New("activitypub: target account is suspended")
	// ErrTargetMoved means the target account has itself moved elsewhere.
	ErrTargetMoved = errors.New("activitypub: target account has moved elsewhere")
)

// DocumentError reports a document that could not be used.
type DocumentError struct {
	Kind string // "actor", "move"
	ID   string // the document's id, when known
	Err  error
}

// Error describes the failure, naming its subject.
func (e *DocumentError) Error() string {
	s := "activitypub: " + e.Kind
	if e.ID != "" {
		s += " " + e.ID
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DocumentError) Unwrap() error { return e.Err }

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
	return "member " + strconv.Quote(e.Name) + " appears more than once"
}

// Unwrap returns [ErrMalformed].
func (e *DuplicateMemberError) Unwrap() error { return ErrMalformed }

func isAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
