package backoff

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Breaker is a per-host circuit breaker. HostFailures temporary failures
// in a row on one host open its circuit for HostCooldown: attempts on the
// host are refused meanwhile; then one attempt probes it, and its outcome
// closes the circuit or opens it again for another cooldown. The zero
// value uses the package defaults. A Breaker is safe for concurrent use;
// do not change its fields once it is in use.
//
// Callers report every attempt that [Breaker.Allow] let through, with
// exactly one of [Breaker.Success], [Breaker.Failure], [Breaker.Answered]
// or [Breaker.Abandon]; the empty host is never refused nor counted.
type Breaker struct {
	// HostFailures is how many temporary failures in a row open a host's
	// circuit (default [DefaultHostFailures]).
	HostFailures int
	// HostCooldown is how long a circuit stays open before a probe
	// (default [DefaultHostCooldown]).
	HostCooldown time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done, for [Breaker.Wait]; nil
	// means [Sleep].
	Sleep func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	fails     int
	openUntil time.Time
	probing   bool
	last      error
}

// OpenError is the refusal of an attempt on a host whose circuit is open.
type OpenError struct {
	Host     string
	Failures int           // temporary failures in a row
	Last     error         // the last of them
	Wait     time.Duration // until the host may be tried again
}

// Error says which host failed how often, and how.
func (e *OpenError) Error() string {
	return fmt.Sprintf("host %s failed %d times in a row (last: %v)", e.Host, e.Failures, e.Last)
}

func (b *Breaker) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Breaker) threshold() int { return or(b.HostFailures, DefaultHostFailures) }

func (b *Breaker) cooldown() time.Duration { return or(b.HostCooldown, DefaultHostCooldown) }

// Allow returns nil when an attempt on host may start now, else an
// [*OpenError]. When the cooldown is over, Allow lets one attempt through
// as the probe and refuses the others until its outcome is reported.
func (b *Breaker) Allow(host string) error {
	if host == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hosts[host]
	if h == nil || h.fails < b.threshold() {
		return nil
	}
	now := b.now()
	var wait time.Duration
	switch {
	case now.Before(h.openUntil):
		wait = h.openUntil.Sub(now)
	case !h.probing:
		h.probing = true
		return nil
	default:
		// Another attempt is probing the host.
		wait = min(max(b.cooldown()/10, time.Millisecond), time.Second)
	}
	return &OpenError{Host: host, Failures: h.fails, Last: h.last, Wait: wait}
}

// Wait waits until [Breaker.Allow] lets an attempt on host through, or
// ctx is done.
func (b *Breaker) Wait(ctx context.Context, host string) error {
	sleep := b.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	for {
		err := b.Allow(host)
		if err == nil {
			return nil
		}
		if err := sleep(ctx, err.(*OpenError).Wait); err != nil {
			return err
		}
	}
}

// Failures returns how many temporary failures in a row host has had.
func (b *Breaker) Failures(host string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.hosts[host]; h != nil {
		return h.fails
	}
	return 0
}

// Success records that an attempt on host succeeded: the count starts
// again from zero and the circuit closes.
func (b *Breaker) Success(host string) {
	if host == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.hosts, host)
}

// Failure records a temporary failure of an attempt on host (a network
// error, a timeout, a 5xx): at HostFailures in a row, or when it was the
// probe, the circuit opens for HostCooldown.
func (b *Breaker) Failure(host string, err error) {
	if host == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hosts == nil {
		b.hosts = map[string]*hostState{}
	}
	h := b.hosts[host]
	if h == nil {
		h = &hostState{}
		b.hosts[host] = h
	}
	h.fails++
	h.last = err
	h.probing = false
	if h.fails >= b.threshold() {
		h.openUntil = b.now().Add(b.cooldown())
	}
}

// Answered records that host answered an attempt with a permanent
// refusal, or with a rate limit: the host is up. The count of failures is
// kept (a server that cannot reach a host often answers "not found"),
// unless the attempt was the probe, which closes the circuit.
func (b *Breaker) Answered(host string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.hosts[host]; h != nil && h.probing {
		delete(b.hosts, host)
	}
}

// Abandon records that an attempt on host ended without a verdict on the
// host (its context was cancelled): a probe slot it held is freed.
func (b *Breaker) Abandon(host string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.hosts[host]; h != nil {
		h.probing = false
	}
}
