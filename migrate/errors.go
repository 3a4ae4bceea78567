package migrate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of package migrate, in one block: each is a condition callers
// branch on. Finer reasons travel in typed errors that unwrap to them:
// a *[Problem] (in a *[PreflightError]) for each failed pre-flight check,
// a *[RefusedError] for a Move a receiving server refused, a
// *[DeliveryError] for an inbox that did not accept. Pre-flight checks
// shared with a receiving server unwrap to activitypub's sentinels
// instead (activitypub.MoveAliasMissing, MoveToSelf,
// MoveTargetSuspended, MoveTargetMoved), and so do refusals of Moves whose
// documents fail activitypub.VerifyMove.
var (
	// ErrAlreadyMoved means the origin already redirects to the target:
	// there is nothing left to do.
	ErrAlreadyMoved = errors.New("migrate: account already moved to this target")
	// ErrCooldown means the origin moved less than [Cooldown] ago.
	ErrCooldown = errors.New("migrate: moved too recently")
	// ErrOriginSuspended means the origin account is suspended.
	ErrOriginSuspended = errors.New("migrate: origin account is suspended")
	// ErrOriginGone means the origin account was deleted or does not
	// exist.
	ErrOriginGone = errors.New("migrate: origin account not found or deleted")
	// ErrTargetGone means the target account was deleted or does not
	// exist.
	ErrTargetGone = errors.New("migrate: target account not found or deleted")
	// ErrSignatureRequired means a server answered 401 Unauthorized to a
	// fetch of an account: it requires signed fetches (Mastodon's
	// authorized fetch, GoToSocial always), and the fetch was unsigned
	// or its key was refused.
	ErrSignatureRequired = errors.New("migrate: server requires signed fetches")

	// ErrUnsigned means the request carrying a Move was not signed, or
	// its signature did not verify. The *RefusedError also unwraps to the
	// activitypub signature error.
	ErrUnsigned = errors.New("migrate: move request not authenticated")
	// ErrNotSignedByActor means the request's HTTP signature is valid but
	// made by another actor's key than the Move's actor.
	ErrNotSignedByActor = errors.New("migrate: move not signed by its actor")
	// ErrKeyHost means the signing key lives on another host than the
	// Move's actor.
	ErrKeyHost = errors.New("migrate: signing key on another host than the actor")
	// ErrTargetUnavailable means the target could not be fetched: it
	// does not exist, is gone, or its server failed or was refused (a
	// private address, an oversized or slow answer).
	ErrTargetUnavailable = errors.New("migrate: target account could not be fetched")
	// ErrReplay means a Move of the same origin was already accepted
	// within [ReplayWindow].
	ErrReplay = errors.New("migrate: move of this account already processed recently")

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

// Problem is one failed check of the pre-flight check ([Checker]), with what the user must do
// about it. It unwraps to the check's sentinel.
type Problem struct {
	Err    error  // the sentinel: ErrCooldown, activitypub.MoveAliasMissing, ...
	Advice string // what to do, for people
}

// Error describes the failure, naming its subject.
func (p *Problem) Error() string { return p.Advice }

// Unwrap returns the sentinel.
func (p *Problem) Unwrap() error { return p.Err }

// PreflightError reports why a move cannot go ahead yet: every failed
// check, each a *[Problem]. errors.Is finds each sentinel.
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

// Unwrap returns the problems.
func (e *PreflightError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// RefusedError reports a Move a receiving server refused, and why. Nothing
// was changed in the store.
type RefusedError struct {
	MoveID string
	Origin string // the Move's actor
	Target string // the Move's target
	Err    error  // a migrate sentinel or an *activitypub.MoveError
	Cause  error  // the underlying error (a fetch's or signature's), if any
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
	s += " refused: " + strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "migrate: "), "activitypub: ")
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns Err and Cause.
func (e *RefusedError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
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
