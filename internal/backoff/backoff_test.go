package backoff_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/internal/backoff"
)

// top is a Rand that always draws the largest value, so Delay = Bound.
func top(n int64) int64 { return n - 1 }

// bottom always draws 0, so Delay is the smallest wait, 1 ns.
func bottom(int64) int64 { return 0 }

func TestBound(t *testing.T) {
	t.Parallel()
	p := &backoff.Policy{BaseDelay: time.Second, MaxDelay: 10 * time.Second}
	for _, tc := range []struct {
		name    string
		attempt int
		want    time.Duration
	}{
		{"attempt 0 is taken as the first", 0, time.Second},
		{"first failure waits up to BaseDelay", 1, time.Second},
		{"doubles", 2, 2 * time.Second},
		{"doubles again", 3, 4 * time.Second},
		{"doubles once more", 4, 8 * time.Second},
		{"capped at MaxDelay", 5, 10 * time.Second},
		{"huge attempt neither overflows nor loops long", math.MaxInt, 10 * time.Second},
	} {
		if got := p.Bound(tc.attempt); got != tc.want {
			t.Errorf("%s: Bound(%d) = %v, want %v", tc.name, tc.attempt, got, tc.want)
		}
	}
}

func TestBoundNoOverflow(t *testing.T) {
	t.Parallel()
	// A MaxDelay near the largest duration: doubling must not wrap to a
	// negative wait.
	p := &backoff.Policy{BaseDelay: math.MaxInt64 / 3, MaxDelay: math.MaxInt64}
	for a := 1; a < 70; a++ {
		if got := p.Bound(a); got <= 0 {
			t.Fatalf("Bound(%d) = %v, want > 0", a, got)
		}
	}
	if got := p.Bound(3); got != math.MaxInt64 {
		t.Errorf("Bound(3) = %v, want MaxDelay", got)
	}
	// BaseDelay above MaxDelay is capped from the first attempt.
	q := &backoff.Policy{BaseDelay: time.Hour, MaxDelay: time.Minute}
	if got := q.Bound(1); got != time.Minute {
		t.Errorf("Bound(1) with BaseDelay > MaxDelay = %v, want 1m", got)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	var p backoff.Policy
	if got := p.Attempts(); got != backoff.DefaultMaxAttempts {
		t.Errorf("Attempts() = %d, want %d", got, backoff.DefaultMaxAttempts)
	}
	if got := p.RetryAfterCap(); got != backoff.DefaultMaxRetryAfter {
		t.Errorf("RetryAfterCap() = %v, want %v", got, backoff.DefaultMaxRetryAfter)
	}
	if got := p.Bound(1); got != backoff.DefaultBaseDelay {
		t.Errorf("Bound(1) = %v, want %v", got, backoff.DefaultBaseDelay)
	}
	if got := p.Bound(100); got != backoff.DefaultMaxDelay {
		t.Errorf("Bound(100) = %v, want %v", got, backoff.DefaultMaxDelay)
	}
	neg := backoff.Policy{MaxAttempts: -1, BaseDelay: -1, MaxDelay: -1, MaxRetryAfter: -1}
	if neg.Attempts() != backoff.DefaultMaxAttempts || neg.Bound(1) != backoff.DefaultBaseDelay || neg.RetryAfterCap() != backoff.DefaultMaxRetryAfter {
		t.Error("negative fields do not take their defaults")
	}
}

// TestDelayFullJitter checks that the wait is drawn from the whole range
// (0, Bound]: the smallest draw gives 1 ns, the largest the bound, and
// the real source stays within it and spreads below half the bound (the
// old half-to-full jitter of migrate never went there).
func TestDelayFullJitter(t *testing.T) {
	t.Parallel()
	p := &backoff.Policy{BaseDelay: time.Second, MaxDelay: time.Minute, Rand: top}
	if got := p.Delay(3); got != 4*time.Second {
		t.Errorf("largest draw: Delay(3) = %v, want 4s", got)
	}
	p.Rand = bottom
	if got := p.Delay(3); got != 1 {
		t.Errorf("smallest draw: Delay(3) = %v, want 1ns", got)
	}
	var n []int64
	p.Rand = func(x int64) int64 { n = append(n, x); return 0 }
	p.Delay(2)
	if len(n) != 1 || n[0] != int64(2*time.Second) {
		t.Errorf("Rand called with %v, want [2s]", n)
	}

	p.Rand = nil
	low := 0
	for range 1000 {
		d := p.Delay(1)
		if d <= 0 || d > time.Second {
			t.Fatalf("Delay(1) = %v, want in (0, 1s]", d)
		}
		if d < 500*time.Millisecond {
			low++
		}
	}
	if low < 300 || low > 700 {
		t.Errorf("%d of 1000 waits below half the bound, want about 500", low)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	p := &backoff.Policy{BaseDelay: time.Second, MaxDelay: time.Minute, MaxRetryAfter: time.Hour, Rand: top}
	for _, tc := range []struct {
		name       string
		attempt    int
		retryAfter time.Duration
		want       time.Duration
		retry      bool
	}{
		{"no Retry-After: the backoff", 2, 0, 2 * time.Second, true},
		{"Retry-After longer than the backoff wins", 1, 30 * time.Second, 30 * time.Second, true},
		{"Retry-After shorter than the backoff: the backoff", 4, time.Second, 8 * time.Second, true},
		{"Retry-After beyond MaxDelay is still honoured", 1, 50 * time.Minute, 50 * time.Minute, true},
		{"Retry-After at MaxRetryAfter is honoured", 1, time.Hour, time.Hour, true},
		{"Retry-After beyond MaxRetryAfter: give up", 1, time.Hour + time.Second, 0, false},
	} {
		got, retry := p.Wait(tc.attempt, tc.retryAfter)
		if got != tc.want || retry != tc.retry {
			t.Errorf("%s: Wait(%d, %v) = %v, %v; want %v, %v", tc.name, tc.attempt, tc.retryAfter, got, retry, tc.want, tc.retry)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, h string
		want    time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"spaces", "  7 ", 7 * time.Second},
		{"zero", "0", 0},
		{"negative", "-5", 0},
		{"garbage", "soon", 0},
		{"HTTP date ahead", "Wed, 02 Dec 2026 14:01:30 GMT", 90 * time.Second},
		{"HTTP date past", "Wed, 02 Dec 2026 13:00:00 GMT", 0},
		{"huge seconds capped", "99999999999999999", 30 * 24 * time.Hour},
		{"overflowing seconds", "999999999999999999999999", 0},
		{"far date capped", "Fri, 01 Jan 2100 00:00:00 GMT", 30 * 24 * time.Hour},
	} {
		if got := backoff.ParseRetryAfter(tc.h, now); got != tc.want {
			t.Errorf("%s: ParseRetryAfter(%q) = %v, want %v", tc.name, tc.h, got, tc.want)
		}
	}
}

type tempErr bool

func (e tempErr) Error() string   { return "x" }
func (e tempErr) Temporary() bool { return bool(e) }

func TestIsTemporary(t *testing.T) {
	t.Parallel()
	if !backoff.IsTemporary(fmt.Errorf("wrapped: %w", tempErr(true))) {
		t.Error("a wrapped temporary error is not temporary")
	}
	if backoff.IsTemporary(tempErr(false)) || backoff.IsTemporary(errors.New("plain")) || backoff.IsTemporary(nil) {
		t.Error("a permanent, plain or nil error is temporary")
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := backoff.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := backoff.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	if err := backoff.Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on a cancelled context = %v", err)
	}
}

// clock is a fake time source for Breaker and Gate.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Sleep advances the clock instead of waiting.
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

func newBreaker() (*backoff.Breaker, *clock) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &backoff.Breaker{HostFailures: 3, HostCooldown: time.Minute, Now: c.Now, Sleep: c.Sleep}, c
}

// openBreaker returns a breaker whose circuit for a.example has just
// opened (3 failures in a row), and its clock.
func openBreaker() (*backoff.Breaker, *clock) {
	b, c := newBreaker()
	for range 3 {
		b.Failure("a.example", errors.New("x"))
	}
	return b, c
}

func TestBreakerOpensAfterFailuresInARow(t *testing.T) {
	t.Parallel()
	b, c := newBreaker()
	boom := errors.New("connection refused")
	for i := range 3 {
		if err := b.Allow("a.example"); err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
		b.Failure("a.example", boom)
	}
	err := b.Allow("a.example")
	var open *backoff.OpenError
	if !errors.As(err, &open) {
		t.Fatalf("after 3 failures Allow = %v, want *OpenError", err)
	}
	if open.Host != "a.example" || open.Failures != 3 || open.Last != boom || open.Wait != time.Minute {
		t.Errorf("OpenError = %+v", open)
	}
	if b.Allow("b.example") != nil || b.Allow("") != nil {
		t.Error("another host, or no host, is refused")
	}
	c.Advance(40 * time.Second)
	if err := b.Allow("a.example"); !errors.As(err, &open) || open.Wait != 20*time.Second {
		t.Errorf("40s into the cooldown Allow = %v, want a wait of 20s", err)
	}
}

func TestBreakerSuccessResets(t *testing.T) {
	t.Parallel()
	b, _ := newBreaker()
	b.Failure("a.example", errors.New("x"))
	b.Failure("a.example", errors.New("x"))
	b.Success("a.example")
	if n := b.Failures("a.example"); n != 0 {
		t.Fatalf("Failures after a success = %d, want 0", n)
	}
	b.Failure("a.example", errors.New("x"))
	b.Failure("a.example", errors.New("x"))
	if b.Allow("a.example") != nil {
		t.Error("2 failures after a success opened the circuit; they are not in a row with the earlier ones")
	}
}

func TestBreakerAnsweredKeepsCount(t *testing.T) {
	t.Parallel()
	b, _ := newBreaker()
	b.Failure("a.example", errors.New("x"))
	b.Failure("a.example", errors.New("x"))
	b.Answered("a.example") // a 404 for one account: not a verdict on the host
	b.Failure("a.example", errors.New("x"))
	if b.Allow("a.example") == nil {
		t.Error("a permanent answer between temporary failures reset the count")
	}
}

func TestBreakerProbe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		outcome   func(b *backoff.Breaker)
		wantClose bool
	}{
		{"success closes", func(b *backoff.Breaker) { b.Success("a.example") }, true},
		{"a permanent answer closes: the host is up", func(b *backoff.Breaker) { b.Answered("a.example") }, true},
		{"a failure reopens for another cooldown", func(b *backoff.Breaker) { b.Failure("a.example", errors.New("y")) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, c := openBreaker()
			c.Advance(time.Minute)
			if err := b.Allow("a.example"); err != nil {
				t.Fatalf("after the cooldown the probe is refused: %v", err)
			}
			var open *backoff.OpenError
			if err := b.Allow("a.example"); !errors.As(err, &open) || open.Wait <= 0 || open.Wait > time.Second {
				t.Fatalf("a second attempt while the probe runs: %v, want refused for up to 1s", err)
			}
			tc.outcome(b)
			err := b.Allow("a.example")
			if tc.wantClose && err != nil {
				t.Errorf("circuit still open: %v", err)
			}
			if !tc.wantClose && (!errors.As(err, &open) || open.Wait != time.Minute) {
				t.Errorf("circuit not reopened for a full cooldown: %v", err)
			}
		})
	}
}

func TestBreakerAbandonFreesProbe(t *testing.T) {
	t.Parallel()
	b, c := openBreaker()
	c.Advance(time.Minute)
	if b.Allow("a.example") != nil {
		t.Fatal("probe refused")
	}
	b.Abandon("a.example")
	if err := b.Allow("a.example"); err != nil {
		t.Errorf("after an abandoned probe another is refused: %v", err)
	}
	if n := b.Failures("a.example"); n != 3 {
		t.Errorf("Failures = %d after an abandoned probe, want 3 (no verdict)", n)
	}
}

func TestBreakerWait(t *testing.T) {
	t.Parallel()
	b, c := openBreaker()
	start := c.Now()
	if err := b.Wait(context.Background(), "a.example"); err != nil {
		t.Fatal(err)
	}
	if waited := c.Now().Sub(start); waited != time.Minute {
		t.Errorf("Wait waited %v, want the cooldown, 1m", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// The probe is out: a second Wait must end with the context.
	if err := b.Wait(ctx, "a.example"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
}

func TestBreakerDefaults(t *testing.T) {
	t.Parallel()
	var b backoff.Breaker
	for range backoff.DefaultHostFailures - 1 {
		b.Failure("h", errors.New("x"))
	}
	if b.Allow("h") != nil {
		t.Fatal("open before DefaultHostFailures")
	}
	b.Failure("h", errors.New("x"))
	var open *backoff.OpenError
	if err := b.Allow("h"); !errors.As(err, &open) || open.Wait <= backoff.DefaultHostCooldown-time.Second {
		t.Errorf("Allow = %v, want open for about DefaultHostCooldown", err)
	}
}

// TestBreakerConcurrent lets only one probe through among many callers.
func TestBreakerConcurrent(t *testing.T) {
	t.Parallel()
	b, c := openBreaker()
	c.Advance(time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 50 {
		wg.Go(func() {
			if b.Allow("a.example") == nil {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
			b.Failures("a.example")
		})
	}
	wg.Wait()
	if allowed != 1 {
		t.Errorf("%d probes let through at once, want 1", allowed)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := &backoff.Gate{Now: c.Now, Sleep: c.Sleep}
	start := c.Now()
	if err := g.Wait(context.Background()); err != nil || c.Now() != start {
		t.Fatalf("an open gate waited or failed: %v", err)
	}
	g.Close(10 * time.Second)
	g.Close(3 * time.Second) // shorter: does not shorten the wait
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := c.Now().Sub(start); waited != 10*time.Second {
		t.Errorf("waited %v, want 10s", waited)
	}
	g.Close(time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
}

func TestGateRealClock(t *testing.T) {
	t.Parallel()
	var g backoff.Gate
	g.Close(20 * time.Millisecond)
	start := time.Now()
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 15*time.Millisecond {
		t.Error("Wait returned before the gate opened")
	}
}
