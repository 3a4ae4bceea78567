package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fediport/fediport/internal/backoff"
)

// TemporaryError marks an error from a destination as one that may pass:
// the engine tries the action again after a backoff, or after RetryAfter
// when it is set (a rate limit). A destination may instead return its own
// error type with a method
//
//	Temporary() bool // true: try again after a backoff
//
// which the engine finds with [errors.As]; to have a wait honoured, an
// error wraps a TemporaryError with RetryAfter set (as
// importer/mastodonapi's errors for a 429 do).
type TemporaryError struct {
	Err error
	// RetryAfter is how long the destination asked to wait, or 0 for the
	// engine's backoff.
	RetryAfter time.Duration
}

// Error returns the wrapped error's message.
func (e *TemporaryError) Error() string {
	if e.Err == nil {
		return "importer: temporary failure"
	}
	return e.Err.Error()
}

// Unwrap returns the wrapped error.
func (e *TemporaryError) Unwrap() error { return e.Err }

// Temporary reports true.
func (e *TemporaryError) Temporary() bool { return true }

// classify says whether err is worth retrying and, for a rate limit, how
// long to wait first.
func classify(err error) (transient bool, wait time.Duration) {
	var te *TemporaryError
	if errors.As(err, &te) && te.RetryAfter > 0 {
		return true, te.RetryAfter
	}
	return backoff.IsTemporary(err), 0
}

// exec runs one action with retries, rate-limit waits and circuit
// breaking.
func (r *run) exec(ctx context.Context, a Action) error {
	host := hostOf(a)
	attempts, waits := 0, 0
	for {
		if err := r.gate.Wait(ctx); err != nil {
			return err
		}
		if err := r.allow(ctx, host); err != nil {
			return err
		}
		err := call(ctx, r.dst, a)
		if err == nil {
			r.breaker.Success(host)
			return nil
		}
		if ctx.Err() != nil {
			r.breaker.Abandon(host)
			return err
		}
		transient, wait := classify(err)
		switch {
		case !transient:
			r.breaker.Answered(host)
			return err
		case wait > 0:
			// Rate limited: the server answered, the host is not at fault.
			r.breaker.Answered(host)
			waits++
			if waits > maxRateLimitWaits || wait > r.policy.RetryAfterCap() {
				return err
			}
			r.gate.Close(wait)
		default:
			r.breaker.Failure(host, err)
			attempts++
			if attempts >= r.policy.Attempts() {
				return err
			}
			if err := backoff.Sleep(ctx, r.policy.Delay(attempts)); err != nil {
				return err
			}
		}
	}
}

// allow returns nil when an action for host may run now, waits when the
// engine waits for hosts, and otherwise returns an error wrapping
// [ErrHostUnavailable].
func (r *run) allow(ctx context.Context, host string) error {
	if r.e.WaitForHosts {
		return r.breaker.Wait(ctx, host)
	}
	if err := r.breaker.Allow(host); err != nil {
		return fmt.Errorf("%w: %v", ErrHostUnavailable, err)
	}
	return nil
}
