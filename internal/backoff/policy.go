package backoff

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of a [Policy] and a [Breaker]; a field <= 0 takes its default.
const (
	DefaultMaxAttempts   = 5
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 30 * time.Second
	DefaultMaxRetryAfter = 15 * time.Minute
	DefaultHostFailures  = 5
	DefaultHostCooldown  = 5 * time.Minute
)

// Policy says how many times to try and how long to wait in between.
// The zero value uses the package defaults. A Policy is safe for
// concurrent use when Rand is.
type Policy struct {
	// MaxAttempts is how many times a unit of work is tried in all
	// (default [DefaultMaxAttempts]).
	MaxAttempts int
	// BaseDelay is the bound of the wait after the first failure, doubled
	// after each next one up to MaxDelay (defaults [DefaultBaseDelay],
	// [DefaultMaxDelay]); each wait is drawn at random in (0, bound].
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After honoured (default
	// [DefaultMaxRetryAfter]); [Policy.Wait] refuses to retry when a peer
	// asks for longer.
	MaxRetryAfter time.Duration
	// Rand returns a uniform random number in [0, n), n > 0; nil means
	// math/rand/v2's Int64N. Tests inject their own.
	Rand func(n int64) int64
}

func or[T ~int | ~int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Attempts returns MaxAttempts, or its default.
func (p *Policy) Attempts() int { return or(p.MaxAttempts, DefaultMaxAttempts) }

// RetryAfterCap returns MaxRetryAfter, or its default.
func (p *Policy) RetryAfterCap() time.Duration {
	return or(p.MaxRetryAfter, DefaultMaxRetryAfter)
}

// Bound returns the upper bound of the wait after the attempt-th failed
// attempt (1 for the first): BaseDelay doubled attempt-1 times, at most
// MaxDelay.
func (p *Policy) Bound(attempt int) time.Duration {
	base := or(p.BaseDelay, DefaultBaseDelay)
	limit := or(p.MaxDelay, DefaultMaxDelay)
	d := min(base, limit)
	for i := 1; i < attempt && d < limit; i++ {
		if d > limit/2 {
			return limit
		}
		d *= 2
	}
	return min(d, limit)
}

// Delay returns the wait after the attempt-th failed attempt (1 for the
// first): a random duration in (0, [Policy.Bound](attempt)] ("full
// jitter").
func (p *Policy) Delay(attempt int) time.Duration {
	b := p.Bound(attempt)
	rnd := p.Rand
	if rnd == nil {
		rnd = rand.Int64N
	}
	return time.Duration(rnd(int64(b))) + 1
}

// Wait returns the wait after the attempt-th failed attempt when the peer
// asked for retryAfter (0 when it did not say): the longer of
// [Policy.Delay] and retryAfter. retry is false when the peer asked for
// more than MaxRetryAfter: retrying sooner than asked is impolite and
// waiting that long is not what the caller bargained for.
//
// Wait does not count attempts: compare attempt with [Policy.Attempts],
// or let a job queue bound them.
func (p *Policy) Wait(attempt int, retryAfter time.Duration) (wait time.Duration, retry bool) {
	if retryAfter > p.RetryAfterCap() {
		return 0, false
	}
	return max(p.Delay(attempt), retryAfter), true
}

// Sleep waits for d, or until ctx is done, and then returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IsTemporary reports whether err, or an error it wraps, has a method
// Temporary() bool that returns true: a failure a later attempt may not
// meet.
func IsTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// maxParsed bounds what [ParseRetryAfter] returns, so that a hostile
// value cannot overflow a duration.
const maxParsed = 30 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After header value: a number of seconds,
// or an HTTP date taken relative to now. It returns 0 for an empty,
// unparsable, zero or negative value or a date past, and at most 30 days
// whatever the value says.
func ParseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxParsed/time.Second) {
			return maxParsed
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, min(t.Sub(now), maxParsed))
	}
	return 0
}
