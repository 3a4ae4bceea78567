package riverjobs_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// inboxes is a loopback server of four inboxes: /ok accepts, /slow
// answers the first request of each activity with 503 and Retry-After: 2,
// /gone answers 410, /down 500.
type inboxes struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time // path + " " + body: request times
}

func newInboxes(t *testing.T) *inboxes {
	in := &inboxes{hits: map[string][]time.Time{}}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Signature") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		in.mu.Lock()
		k := r.URL.Path + " " + string(body)
		in.hits[k] = append(in.hits[k], time.Now())
		n := len(in.hits[k])
		in.mu.Unlock()
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusAccepted)
		case "/slow":
			if n == 1 {
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusAccepted)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(in.Close)
	return in
}

func (in *inboxes) times(path string, activity []byte) []time.Time {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.hits[path+" "+string(activity)]
}

// TestDelivery queues the Update and Move of an account for four inboxes
// and runs them with three attempts at most: the accepting inbox gets
// each activity once, the one answering 503 with Retry-After gets it
// again no sooner than the 2 s it asked for (River's own policy would
// retry after 1 s), the one answering 410 once (a
// permanent refusal is not retried), the failing one three times.
func TestDelivery(t *testing.T) {
	forDrivers(t, testDelivery[*sql.Tx], testDelivery[pgx.Tx])
}

func testDelivery[TTx any](t *testing.T, e *env[TTx]) {
	ctx := context.Background()
	in := newInboxes(t)
	out, err := migrate.BuildMove(&activitypub.Actor{ID: origin}, target, time.Unix(1700000000, 0))
	must(t, err)
	_, key, _ := ed25519.GenerateKey(nil)
	d := &migrate.Deliverer{
		Signer:       &activitypub.Signer{KeyID: origin + "#main-key", Key: key},
		AllowPrivate: true, AllowHTTP: true,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 3 * time.Second,
	}
	boxes := []string{in.URL + "/ok", in.URL + "/slow", in.URL + "/gone", in.URL + "/down", in.URL + "/ok"}

	ins := e.client(t, nil, nil)
	wantMove := activitypub.MoveID(origin, 1700000000)
	for round, want := range []riverjobs.Enqueued{{Move: wantMove, Jobs: 8}, {Move: wantMove, Duplicates: 8}} {
		tx, err := e.begin(ctx)
		must(t, err)
		got, err := (&riverjobs.Enqueuer[TTx]{Client: ins, MaxAttempts: 3}).Delivery(ctx, tx, out, boxes)
		must(t, err)
		must(t, e.commit(ctx, tx))
		if *got != want {
			t.Fatalf("enqueue %d: %+v, want %+v", round+1, got, want)
		}
	}

	workers := river.NewWorkers()
	var actors sync.Map
	var (
		mu      sync.Mutex
		reports []migrate.DeliveryProgress
	)
	river.AddWorker(workers, &riverjobs.DeliveryWorker{Deliverer: func(_ context.Context, actor string) (*migrate.Deliverer, error) {
		actors.Store(actor, true)
		return d, nil
	}, Progress: func(p migrate.DeliveryProgress) {
		mu.Lock()
		reports = append(reports, p)
		mu.Unlock()
	}})
	c := e.client(t, workers, nil)
	p := waitFinished(t, c, wantMove)
	if want := (riverjobs.MoveStatus{Total: 8, Done: 4, Failed: 4}); *p != want {
		t.Errorf("progress %+v, want %+v", p, want)
	}
	if _, ok := actors.Load(origin); !ok {
		t.Errorf("Deliverer not asked for the sending account %s", origin)
	}
	mu.Lock()
	defer mu.Unlock()
	// One report per send: /ok 2, /slow 4 (2 failed), /gone 2, /down 6.
	failed := 0
	for _, r := range reports {
		if r.ActivityID == "" || !strings.HasPrefix(r.Inbox, in.URL) {
			t.Errorf("report %+v without activity or inbox", r)
		}
		if r.Err != nil {
			failed++
		}
	}
	if len(reports) != 14 || failed != 10 {
		t.Errorf("%d reports, %d failed; want 14 and 10", len(reports), failed)
	}
	for _, act := range out.Activities() {
		for path, want := range map[string]int{"/ok": 1, "/slow": 2, "/gone": 1, "/down": 3} {
			if got := len(in.times(path, act)); got != want {
				t.Errorf("%s got an activity %d times, want %d", path, got, want)
			}
		}
		if ts := in.times("/slow", act); len(ts) == 2 && ts[1].Sub(ts[0]) < 1900*time.Millisecond {
			t.Errorf("/slow asked for 2 s with Retry-After, was retried after %v", ts[1].Sub(ts[0]))
		}
	}
}
