package migrate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// The conditions callers branch on, in one block. Finer reasons travel
// in typed errors that unwrap to them, in a Reason field: a *[Problem]
// (in a *[PreflightError]) for each failed pre-flight check, whose
// [PreflightReason] says which; a *[RefusedError] for a Move a receiving
// server refused, whose [RefusalReason] says why; a *[DeliveryError] for
// an inbox that did not accept. Reasons are errors too, so errors.Is
// matches them, as it matches activitypub's.
var (
	// ErrNotReady means the pre-flight check found problems: the move
	// cannot go ahead yet. The error is a *[PreflightError] listing
	// each *[Problem].
	ErrNotReady = errors.New("migrate: move cannot go ahead yet")
	// ErrMoveRefused means a receiving server refused a Move; the
	// *[RefusedError] says why. [StatusCode] turns it into the answer.
	ErrMoveRefused = errors.New("migrate: move refused")

	// ErrFollowRefused is what a [FollowWriter] returns (wrapped or not)
	// when the target refused the new follow outright: the old follow is
	// then kept.
	ErrFollowRefused = errors.New("migrate: follow refused")

	// ErrDeliveryFailed means an inbox did not accept an activity: a
	// *[DeliveryError] wraps it.
	ErrDeliveryFailed = errors.New("migrate: delivery failed")
	// ErrHostPutAside means delivery to an inbox was not attempted
	// because its host kept failing ([Deliverer.HostFailures]); it is
	// tried again on the next run.
	ErrHostPutAside = errors.New("migrate: host put aside after repeated failures")

	// ErrTooManyAliases means an account already lists [MaxAliases]
	// aliases.
	ErrTooManyAliases = errors.New("migrate: too many aliases")
	// ErrNotRedirected means undoing a redirect of an account that does
	// not redirect.
	ErrNotRedirected = errors.New("migrate: account does not redirect")
	// ErrUnknownGoal means a [Goal] the decision guide does not know.
	ErrUnknownGoal = errors.New("migrate: unknown goal")
)

func reasonText(r int, texts []string) string {
	if r > 0 && r < len(texts) {
		return "migrate: " + texts[r]
	}
	return "migrate: reason " + strconv.Itoa(r)
}

// PreflightReason names a check of the pre-flight check ([Checker.Check])
// that failed: the Reason of a [Problem].
type PreflightReason int

// The checks of the pre-flight check, by how they fail. Those a receiving
// server makes too also match activitypub's reason (in brackets).
const (
	// PreflightOriginGone: the origin account does not exist or was
	// deleted.
	PreflightOriginGone PreflightReason = iota + 1
	// PreflightTargetGone: the target account does not exist or was
	// deleted.
	PreflightTargetGone
	// PreflightSignatureRequired: a server answered 401 Unauthorized to
	// the fetch of an account: it requires signed fetches (Mastodon's
	// authorized fetch, GoToSocial always), and the fetch was unsigned or
	// its key was refused.
	PreflightSignatureRequired
	// PreflightIDMismatch: an account's document is not the one its id
	// serves ([activitypub.ErrIDMismatch]).
	PreflightIDMismatch
	// PreflightToSelf: origin and target are the same account
	// ([activitypub.MoveToSelf]).
	PreflightToSelf
	// PreflightAlreadyMoved: the origin already redirects to the target:
	// there is nothing left to do.
	PreflightAlreadyMoved
	// PreflightOriginSuspended: the origin account is suspended.
	PreflightOriginSuspended
	// PreflightTargetSuspended: the target account is suspended
	// ([activitypub.MoveTargetSuspended]).
	PreflightTargetSuspended
	// PreflightTargetMoved: the target has itself moved elsewhere
	// ([activitypub.MoveTargetMoved]).
	PreflightTargetMoved
	// PreflightAliasMissing: the target does not list the origin in
	// alsoKnownAs ([activitypub.MoveAliasMissing]).
	PreflightAliasMissing
	// PreflightCooldown: the origin moved less than [Cooldown] ago.
	PreflightCooldown
)

// preflightReasons holds, for each PreflightReason, its text and
// activitypub's error for a check a receiving server makes too (nil for
// the others).
var preflightReasons = []struct {
	text   string
	shared error
}{
	{},
	{"origin account not found or deleted", nil},
	{"target account not found or deleted", nil},
	{"server requires signed fetches", nil},
	{"document id does not match its URL", activitypub.ErrIDMismatch},
	{"origin and target are the same account", activitypub.MoveToSelf},
	{"account already moved to this target", nil},
	{"origin account is suspended", nil},
	{"target account is suspended", activitypub.MoveTargetSuspended},
	{"target account has moved", activitypub.MoveTargetMoved},
	{"target does not list the origin as an alias", activitypub.MoveAliasMissing},
	{"moved too recently", nil},
}

// Error returns the reason's text.
func (r PreflightReason) Error() string {
	if r > 0 && int(r) < len(preflightReasons) {
		return "migrate: " + preflightReasons[r].text
	}
	return "migrate: reason " + strconv.Itoa(int(r))
}

// shared returns activitypub's error for a check a receiving server
// makes too, or nil.
func (r PreflightReason) shared() error {
	if r > 0 && int(r) < len(preflightReasons) {
		return preflightReasons[r].shared
	}
	return nil
}

// Problem is one failed check of the pre-flight check ([Checker]), with
// what the user must do about it.
type Problem struct {
	Reason PreflightReason
	Advice string // what to do, for people
	Err    error  // the underlying error (a fetch's), if any
}

// Error returns "migrate: " and the advice.
func (p *Problem) Error() string { return "migrate: " + p.Advice }

// Unwrap returns [ErrNotReady], the reason, activitypub's reason for a
// check a receiving server makes too, and the underlying error.
func (p *Problem) Unwrap() []error {
	errs := []error{ErrNotReady, p.Reason}
	if s := p.Reason.shared(); s != nil {
		errs = append(errs, s)
	}
	if p.Err != nil {
		errs = append(errs, p.Err)
	}
	return errs
}

// PreflightError reports why a move cannot go ahead yet: every failed
// check, each a *[Problem]. It unwraps to [ErrNotReady] and, through the
// problems, to each reason.
type PreflightError struct {
	Origin, Target string
	Problems       []*Problem
}

// Error describes the failure, naming its subject.
func (e *PreflightError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "migrate: cannot move %s to %s yet: ", e.Origin, e.Target)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Advice)
	}
	return b.String()
}

// Unwrap returns [ErrNotReady] and the problems.
func (e *PreflightError) Unwrap() []error {
	errs := make([]error, 0, len(e.Problems)+1)
	errs = append(errs, ErrNotReady)
	for _, p := range e.Problems {
		errs = append(errs, p)
	}
	return errs
}

// RefusalReason says why a receiving server refused a Move: the Reason
// of a [RefusedError].
type RefusalReason int

// Reasons of a RefusedError, with the answer [StatusCode] gives each.
const (
	// RefusalUnsigned: the request carrying the Move was not signed, or
	// its signature did not verify; Err is activitypub's signature error
	// (401).
	RefusalUnsigned RefusalReason = iota + 1
	// RefusalNotSignedByActor: the request's signature is valid but made
	// by another actor's key than the Move's actor (401).
	RefusalNotSignedByActor
	// RefusalKeyHost: the signing key lives on another host than the
	// Move's actor (401).
	RefusalKeyHost
	// RefusalInvalid: the Move fails activitypub's checks (not a Move,
	// actor and object differ, a move to itself, or a target that fails
	// activitypub.VerifyMove); Err is the activitypub.MoveReason or
	// *activitypub.MoveError (400 for a document that is not a Move, 422
	// otherwise).
	RefusalInvalid
	// RefusalTargetUnavailable: the target could not be fetched: it does
	// not exist, is gone, or its server failed or was refused (a private
	// address, an oversized or slow answer); Err is the fetch's error
	// (503).
	RefusalTargetUnavailable
	// RefusalReplay: a Move of the same origin was already accepted
	// within [ReplayWindow] (202: the sender did nothing wrong).
	RefusalReplay
)

var refusalReasons = []string{"",
	"move request not authenticated",
	"move not signed by its actor",
	"signing key on another host than the actor",
	"move fails the checks",
	"target account could not be fetched",
	"move of this account already processed recently",
}

// Error returns the reason's text.
func (r RefusalReason) Error() string { return reasonText(int(r), refusalReasons) }

// RefusedError reports a Move a receiving server refused, and why. Nothing
// was changed in the store.
type RefusedError struct {
	MoveID string
	Origin string // the Move's actor
	Target string // the Move's target
	Reason RefusalReason
	Err    error // the underlying error (a signature's, a fetch's, a failed check's), if any
}

// Error describes the failure, naming its subject.
func (e *RefusedError) Error() string {
	s := "migrate: move"
	if e.MoveID != "" {
		s += " " + e.MoveID
	}
	if e.Origin != "" || e.Target != "" {
		s += fmt.Sprintf(" of %s to %s", e.Origin, e.Target)
	}
	s += " refused: "
	trim := func(err error) string {
		return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "migrate: "), "activitypub: ")
	}
	var me *activitypub.MoveError
	switch {
	case e.Reason == RefusalInvalid && errors.As(e.Err, &me):
		// The checks that failed, without the MoveError's own subject,
		// which is this error's.
		for i, r := range me.Reasons {
			if i > 0 {
				s += "; "
			}
			s += trim(r)
		}
	case e.Reason == RefusalInvalid && e.Err != nil:
		s += trim(e.Err)
	default:
		s += trim(e.Reason)
		if e.Err != nil {
			s += ": " + trim(e.Err)
		}
	}
	return s
}

// Unwrap returns [ErrMoveRefused], the reason and the underlying error.
func (e *RefusedError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrMoveRefused, e.Reason}
	}
	return []error{ErrMoveRefused, e.Reason, e.Err}
}

// DeliveryError reports an inbox that did not accept an activity.
// Whether a later attempt may succeed (a network error, 408, 429, 5xx)
// is its [DeliveryError.Temporary] method.
type DeliveryError struct {
	Inbox      string
	StatusCode int // 0 when no response came
	Attempts   int // how many times it was sent
	// RetryAfter is the wait the inbox asked for in a Retry-After header
	// of a temporary failure (429, 503); 0 when it asked for none. See
	// [Deliverer.RetryDelay].
	RetryAfter time.Duration
	Err        error

	temporary bool
}

// Temporary reports whether a later attempt may succeed: the inbox could
// not be reached, or answered 408, 429 or 5xx. Callers find it with
// errors.As to an interface{ Temporary() bool }.
func (e *DeliveryError) Temporary() bool { return e.temporary }

// Error describes the failure, naming its subject.
func (e *DeliveryError) Error() string {
	s := "migrate: delivery to " + e.Inbox + " failed"
	if e.StatusCode != 0 {
		s += fmt.Sprintf(": HTTP %d", e.StatusCode)
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns [ErrDeliveryFailed] and the underlying error.
func (e *DeliveryError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrDeliveryFailed}
	}
	return []error{ErrDeliveryFailed, e.Err}
}
