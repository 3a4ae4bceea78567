package importer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// TemporaryError marks an error from a destination as transient: the
// engine tries the action again after a backoff, or after RetryAfter when
// it is set (a rate limit). Destinations may instead return their own
// error types with the methods
//
//	Temporary() bool            // true: try again after a backoff
//	RetryAfter() time.Duration  // > 0: rate limited, try again after this
//
// which the engine finds with [errors.As]; [TemporaryError] has both.
type TemporaryError struct {
	Err error
	// After is how long the destination asked to wait, or 0 for the
	// engine's backoff.
	After time.Duration
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

// RetryAfter returns e.After.
func (e *TemporaryError) RetryAfter() time.Duration { return e.After }

type temporary interface{ Temporary() bool }

type retryAfterer interface{ RetryAfter() time.Duration }

// classify says whether err is worth retrying and, for a rate limit, how
// long to wait first.
func classify(err error) (transient bool, wait time.Duration) {
	var ra retryAfterer
	if errors.As(err, &ra) {
		if d := ra.RetryAfter(); d > 0 {
			return true, d
		}
	}
	var t temporary
	if errors.As(err, &t) && t.Temporary() {
		return true, 0
	}
	return false, 0
}

// backoff returns the wait before attempt n+1 (n >= 1): a random duration
// up to min(max, base<<(n-1)).
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if d <= 0 {
		return 0
	}
	return rand.N(d) + 1
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
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

// gate holds every worker back until a rate limit resets.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) delay(d time.Duration) {
	t := time.Now().Add(d)
	g.mu.Lock()
	if t.After(g.until) {
		g.until = t
	}
	g.mu.Unlock()
}

func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// breaker is a per-host circuit breaker: threshold transient failures in
// a row open the host for cooldown; then one probe goes through, and its
// outcome closes or reopens the circuit.
type breaker struct {
	threshold int
	cooldown  time.Duration
	wait      bool

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	fails     int
	openUntil time.Time
	probing   bool
	lastErr   error
}

func (b *breaker) state(host string) *hostState {
	if b.hosts == nil {
		b.hosts = map[string]*hostState{}
	}
	h := b.hosts[host]
	if h == nil {
		h = &hostState{}
		b.hosts[host] = h
	}
	return h
}

// allow returns nil when an action for host may run now, waits when the
// breaker is set to wait, and otherwise returns an error wrapping
// [ErrHostUnavailable].
func (b *breaker) allow(ctx context.Context, host string) error {
	if host == "" {
		return nil
	}
	for {
		b.mu.Lock()
		h := b.state(host)
		var d time.Duration
		switch {
		case h.fails < b.threshold:
			b.mu.Unlock()
			return nil
		case time.Now().Before(h.openUntil):
			d = time.Until(h.openUntil)
		case !h.probing:
			h.probing = true
			b.mu.Unlock()
			return nil
		default:
			// Another action is probing the host.
			d = b.cooldown / 10
			if d <= 0 || d > time.Second {
				d = time.Second
			}
		}
		last := h.lastErr
		b.mu.Unlock()
		if !b.wait {
			return fmt.Errorf("%w: %s failed %d times in a row (last: %v)", ErrHostUnavailable, host, b.threshold, last)
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// done records the outcome of an attempt on host: ok, a transient
// failure, or neither (a permanent error says nothing about the host).
func (b *breaker) done(host string, transientErr error, ok bool) {
	if host == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.state(host)
	switch {
	case ok:
		h.fails, h.probing, h.lastErr = 0, false, nil
	case transientErr != nil:
		h.fails++
		h.lastErr = transientErr
		h.probing = false
		if h.fails >= b.threshold {
			h.openUntil = time.Now().Add(b.cooldown)
		}
	case h.probing:
		// A permanent answer to a probe: the host is answering again.
		h.fails, h.probing, h.lastErr = 0, false, nil
	}
	// A permanent answer otherwise leaves the count as it is: a server
	// that cannot reach a host often answers "not found".
}
