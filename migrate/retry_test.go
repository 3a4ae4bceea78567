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
// failures only, and that RetryDelay, for job queues, honours it however
// long (the old one capped it at MaxBackoff, retrying sooner than asked).
func TestDeliverRetryAfter(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		status    int
		header    string
		min, max  time.Duration // RetryAfter bounds
		temporary bool
		retry     bool
	}{
		{http.StatusTooManyRequests, "7", 7 * time.Second, 7 * time.Second, true, true},
		{http.StatusServiceUnavailable, date, 80 * time.Second, 90 * time.Second, true, true},
		{http.StatusServiceUnavailable, "soon", 0, 0, true, true},
		{http.StatusServiceUnavailable, "-5", 0, 0, true, true},
		{http.StatusTooManyRequests, "99999999999999", 30 * 24 * time.Hour, 30 * 24 * time.Hour, true, true}, // beyond MaxRetryAfter: a queue waits
		{http.StatusGone, "7", 0, 0, false, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", tc.header)
			w.WriteHeader(tc.status)
		}))
		d := testDeliverer(t)
		d.MaxDelay = time.Minute
		d.MaxRetryAfter = time.Hour
		err := d.Deliver(context.Background(), migrate.DeliveryUnit{Inbox: srv.URL + "/inbox", Activity: moveBody})
		srv.Close()
		var de *migrate.DeliveryError
		if !errors.As(err, &de) {
			t.Fatalf("%d %q: %v, want a *DeliveryError", tc.status, tc.header, err)
		}
		if de.Temporary() != tc.temporary || de.RetryAfter < tc.min || de.RetryAfter > tc.max {
			t.Errorf("%d %q: Temporary %v RetryAfter %v, want %v and %v to %v", tc.status, tc.header, de.Temporary(), de.RetryAfter, tc.temporary, tc.min, tc.max)
		}
		wait, retry := d.RetryDelay(1, err)
		if retry != tc.retry {
			t.Errorf("%d %q: RetryDelay says retry %v, want %v", tc.status, tc.header, retry, tc.retry)
		}
		// The first backoff is at most BaseDelay (1 ms): a longer
		// Retry-After wins.
		if retry && (wait < de.RetryAfter || wait > max(de.RetryAfter, time.Millisecond)) {
			t.Errorf("%d %q: RetryDelay waits %v, want Retry-After %v", tc.status, tc.header, wait, de.RetryAfter)
		}
	}
}

// TestRetryDelayBackoff checks the schedule without Retry-After: drawn
// up to BaseDelay doubled per attempt, capped at MaxDelay, from the whole
// range ("full jitter", not migrate's old half to full), with no overflow
// at absurd attempt numbers.
func TestRetryDelayBackoff(t *testing.T) {
	d := &migrate.Deliverer{BaseDelay: time.Second, MaxDelay: time.Minute}
	temp := errors.New("queue error") // not a DeliveryError: temporary
	for _, tc := range []struct {
		attempt int
		max     time.Duration
	}{
		{1, time.Second},
		{2, 2 * time.Second},
		{4, 8 * time.Second},
		{7, time.Minute},
		{64, time.Minute},
		{1 << 40, time.Minute},
	} {
		low := false
		for range 200 {
			wait, retry := d.RetryDelay(tc.attempt, temp)
			if !retry || wait <= 0 || wait > tc.max {
				t.Fatalf("attempt %d: wait %v retry %v, want (0, %v]", tc.attempt, wait, retry, tc.max)
			}
			low = low || wait < tc.max/2
		}
		if !low {
			t.Errorf("attempt %d: 200 waits all at least half of %v: not full jitter", tc.attempt, tc.max)
		}
	}
}

// TestDeliverAllGivesUpOnLongRetryAfter checks that DeliverAll does not
// retry an inbox sooner than its Retry-After asks: when the wait is
// beyond MaxRetryAfter, the inbox fails for this run after one send (the
// old Deliverer capped the wait at MaxBackoff and sent again at once).
func TestDeliverAllGivesUpOnLongRetryAfter(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	sends := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sends++
		mu.Unlock()
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	d := testDeliverer(t)
	d.MaxRetryAfter = time.Second
	rep, err := d.DeliverAll(context.Background(), moveBody, []string{srv.URL + "/inbox"})
	if err != nil || rep.Failed != 1 {
		t.Fatalf("DeliverAll = %+v, %v; want 1 failed", rep, err)
	}
	var de *migrate.DeliveryError
	if !errors.As(rep.Errors[0], &de) || de.RetryAfter != time.Hour || !de.Temporary() {
		t.Errorf("error = %v, want a temporary DeliveryError asking for 1h", rep.Errors[0])
	}
	mu.Lock()
	defer mu.Unlock()
	if sends != 1 {
		t.Errorf("%d sends, want 1: the inbox asked for an hour", sends)
	}
}

// TestDeliverAllHonoursRetryAfter checks that DeliverAll's own retries
// wait as long as an inbox's 429 asks (up to MaxRetryAfter), not merely its
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
	d := testDeliverer(t) // BaseDelay 1 ms
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
