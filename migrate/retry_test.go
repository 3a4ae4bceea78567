package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/migrate"
)

// TestDeliverRetryAfter checks that Deliver reports the wait an inbox
// asks for with Retry-After, in seconds or as a date, on temporary
// failures only, and that RetryDelay honours it up to MaxBackoff.
func TestDeliverRetryAfter(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		status    int
		header    string
		min, max  time.Duration // RetryAfter bounds
		temporary bool
	}{
		{http.StatusTooManyRequests, "7", 7 * time.Second, 7 * time.Second, true},
		{http.StatusServiceUnavailable, date, 80 * time.Second, 90 * time.Second, true},
		{http.StatusServiceUnavailable, "soon", 0, 0, true},
		{http.StatusServiceUnavailable, "-5", 0, 0, true},
		{http.StatusTooManyRequests, "99999999999999", 30 * 24 * time.Hour, 30 * 24 * time.Hour, true},
		{http.StatusGone, "7", 0, 0, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", tc.header)
			w.WriteHeader(tc.status)
		}))
		d := testDeliverer(t)
		d.MaxBackoff = time.Minute
		err := d.Deliver(context.Background(), migrate.DeliveryUnit{Inbox: srv.URL + "/inbox", Activity: moveBody})
		srv.Close()
		var de *migrate.DeliveryError
		if !errors.As(err, &de) {
			t.Fatalf("%d %q: %v, want a *DeliveryError", tc.status, tc.header, err)
		}
		if de.Temporary != tc.temporary || de.RetryAfter < tc.min || de.RetryAfter > tc.max {
			t.Errorf("%d %q: Temporary %v RetryAfter %v, want %v and %v to %v", tc.status, tc.header, de.Temporary, de.RetryAfter, tc.temporary, tc.min, tc.max)
		}
		wait, retry := d.RetryDelay(1, err)
		if retry != tc.temporary {
			t.Errorf("%d %q: RetryDelay says retry %v", tc.status, tc.header, retry)
		}
		if retry && (wait < min(de.RetryAfter, d.MaxBackoff) || wait > d.MaxBackoff) {
			t.Errorf("%d %q: RetryDelay waits %v, want Retry-After %v capped at %v", tc.status, tc.header, wait, de.RetryAfter, d.MaxBackoff)
		}
	}
}

// TestRetryDelayBackoff checks the schedule without Retry-After: Backoff
// doubled per attempt, half to full with jitter, capped at MaxBackoff,
// with no overflow at absurd attempt numbers.
func TestRetryDelayBackoff(t *testing.T) {
	d := &migrate.Deliverer{Backoff: time.Second, MaxBackoff: time.Minute}
	temp := &migrate.DeliveryError{Inbox: "https://x.example/inbox", Temporary: true}
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{7, 30 * time.Second, time.Minute},
		{64, 30 * time.Second, time.Minute},
		{1 << 40, 30 * time.Second, time.Minute},
	} {
		for range 20 {
			wait, retry := d.RetryDelay(tc.attempt, temp)
			if !retry || wait < tc.min || wait > tc.max {
				t.Fatalf("attempt %d: wait %v retry %v, want %v to %v", tc.attempt, wait, retry, tc.min, tc.max)
			}
		}
	}
	if _, retry := d.RetryDelay(1, errors.New("queue error")); !retry {
		t.Error("an error that is not a DeliveryError is not retried")
	}
}

// TestDeliverAllHonoursRetryAfter checks that DeliverAll's own retries
// wait as long as an inbox's 429 asks (up to MaxBackoff), not merely its
// millisecond backoff: the second send comes at least a second after the
// first.
func TestDeliverAllHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	var sends []time.Time
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sends = append(sends, time.Now())
		first := len(sends) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	d := testDeliverer(t) // Backoff 1 ms
	d.MaxBackoff = 5 * time.Second
	rep, err := d.DeliverAll(context.Background(), moveBody, []string{srv.URL + "/inbox"})
	if err != nil || rep.Delivered != 1 {
		t.Fatalf("DeliverAll = %+v, %v; want 1 delivered", rep, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sends) != 2 {
		t.Fatalf("%d sends, want 2", len(sends))
	}
	if gap := sends[1].Sub(sends[0]); gap < time.Second {
		t.Errorf("second send %v after the first, want at least Retry-After's 1s", gap)
	}
}
