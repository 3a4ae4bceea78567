package migrate_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/google/go-cmp/cmp"
)

var (
	keyOnce sync.Once
	keys    [3]*rsa.PrivateKey
)

// testKey returns one of three RSA keys generated once per test binary.
func testKey(t testing.TB, i int) *rsa.PrivateKey {
	keyOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	return keys[i]
}

// inboxServer is a loopback server of inboxes that verifies signatures by
// key 0 and answers each path per its plan.
type inboxServer struct {
	*httptest.Server
	mu       sync.Mutex
	plan     map[string][]int // path -> statuses to answer, in turn; then 202
	accepted map[string]int   // path -> accepted deliveries
	requests int
}

func newInboxServer(t testing.TB) *inboxServer {
	s := &inboxServer{plan: map[string][]int{}, accepted: map[string]int{}}
	pub, _ := activitypub.MarshalPublicKeyPEM(&testKey(t, 0).PublicKey)
	v := &activitypub.Verifier{Keys: activitypub.KeyResolverFunc(func(_ context.Context, id string, _ bool) (*activitypub.PublicKey, error) {
		return &activitypub.PublicKey{ID: id, Owner: oldID, PublicKeyPem: pub}, nil
	})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Verify(r.Context(), r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
		if p := s.plan[r.URL.Path]; len(p) > 0 {
			s.plan[r.URL.Path] = p[1:]
			if p[0] != http.StatusAccepted {
				w.WriteHeader(p[0])
				return
			}
		}
		s.accepted[r.URL.Path]++
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.Close)
	return s
}

func testDeliverer(t testing.TB) *migrate.Deliverer {
	return &migrate.Deliverer{
		Signer:       &activitypub.Signer{KeyID: oldID + "#main-key", Key: testKey(t, 0)},
		AllowPrivate: true, AllowHTTP: true,
		BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond,
		Concurrency: 4,
	}
}

var moveBody = []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/1","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}`)

func TestDeliverAll(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer bad.Close()
	s.plan["/retry"] = []int{503, 429}
	s.plan["/forbidden"] = []int{403}
	inboxes := []string{s.URL + "/a", s.URL + "/retry", s.URL + "/forbidden", s.URL + "/a"}
	for i := range 20 {
		inboxes = append(inboxes, fmt.Sprintf("%s/dead/%d", bad.URL, i))
	}
	d := testDeliverer(t)
	var progress []int
	var mu sync.Mutex
	d.Progress = func(p migrate.DeliveryProgress) { mu.Lock(); progress = append(progress, p.Done); mu.Unlock() }
	rep, err := d.DeliverAll(context.Background(), moveBody, inboxes)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 23 || rep.Delivered != 2 || rep.Failed+rep.PutAside != 21 || rep.PutAside < 10 {
		t.Errorf("report = %+v", rep)
	}
	if len(progress) != 23 {
		t.Errorf("progress called %d times, want 23", len(progress))
	}
	if diff := cmp.Diff(map[string]int{"/a": 1, "/retry": 1}, s.accepted); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	var forbidden *migrate.DeliveryError
	for _, e := range rep.Errors {
		var de *migrate.DeliveryError
		if errors.As(e, &de) && strings.HasSuffix(de.Inbox, "/forbidden") {
			forbidden = de
		}
	}
	if forbidden == nil || forbidden.StatusCode != 403 || forbidden.Attempts != 1 || forbidden.Temporary() {
		t.Errorf("403 inbox: %+v, want one attempt, permanent", forbidden)
	}
	putAside := 0
	for _, e := range rep.Errors {
		if errors.Is(e, migrate.ErrHostPutAside) {
			putAside++
		}
	}
	if putAside != rep.PutAside {
		t.Errorf("%d errors wrap ErrHostPutAside, report says %d", putAside, rep.PutAside)
	}
}

// TestDeliverAllReusesConnections checks that the default client keeps
// as many idle connections per host as deliveries in flight: with
// net/http's default of 2, most deliveries to a busy shared host would
// dial a new connection (and, over TLS, handshake again).
func TestDeliverAllReusesConnections(t *testing.T) {
	t.Parallel()
	const inboxes, concurrency = 300, 8
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	list := make([]string, inboxes)
	for i := range list {
		list[i] = fmt.Sprintf("%s/users/u%d/inbox", srv.URL, i)
	}
	d := testDeliverer(t)
	d.Concurrency = concurrency
	rep, err := d.DeliverAll(context.Background(), moveBody, list)
	if err != nil || rep.Delivered != inboxes {
		t.Fatalf("DeliverAll: %+v, %v", rep, err)
	}
	// A request may dial while another's connection is on its way back
	// to the pool, so allow some slack over one per worker.
	if n := dials.Load(); n > 2*concurrency {
		t.Errorf("%d connections opened for %d deliveries %d at a time, want at most %d", n, inboxes, concurrency, 2*concurrency)
	}
}

// TestDeliverAllGoneInboxesKeepHost checks that inboxes answering 410
// (deleted accounts) do not put their host aside: the host is up, and its
// other inboxes must still be delivered to.
func TestDeliverAllGoneInboxesKeepHost(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	var inboxes []string
	for i := range 2 * migrate.DefaultHostFailures {
		path := fmt.Sprintf("/gone/%d", i)
		s.plan[path] = []int{http.StatusGone}
		inboxes = append(inboxes, s.URL+path)
	}
	inboxes = append(inboxes, s.URL+"/alive")
	d := testDeliverer(t)
	d.Concurrency = 1
	rep, err := d.DeliverAll(context.Background(), moveBody, inboxes)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Delivered != 1 || rep.PutAside != 0 || rep.Failed != 2*migrate.DefaultHostFailures {
		t.Errorf("report = %+v, want 1 delivered, %d failed, none put aside", rep, 2*migrate.DefaultHostFailures)
	}
	if s.accepted["/alive"] != 1 {
		t.Errorf("/alive accepted %d times, want 1", s.accepted["/alive"])
	}
}

func TestDeliverAllLogResumes(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	path := filepath.Join(t.TempDir(), "journal")
	var inboxes []string
	for i := range 30 {
		inboxes = append(inboxes, fmt.Sprintf("%s/inbox/%d", s.URL, i))
	}
	s.plan["/inbox/3"] = []int{500, 500, 500, 500}
	s.plan["/inbox/17"] = []int{410}
	j, err := migrate.OpenDeliveryLog(path)
	if err != nil {
		t.Fatal(err)
	}
	d := testDeliverer(t)
	d.Log = j
	d.HostFailures = 100
	rep, err := d.DeliverAll(context.Background(), moveBody, inboxes)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Delivered != 28 || rep.Failed != 2 {
		t.Fatalf("first run: %+v", rep)
	}
	j.Close()
	// Simulate a crash mid-write: a torn last line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"activity":"x","inb`)
	f.Close()

	j, err = migrate.OpenDeliveryLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.Len() != 28 {
		t.Errorf("reopened log has %d records, want 28", j.Len())
	}
	d2 := testDeliverer(t)
	d2.Log = j
	rep, err = d2.DeliverAll(context.Background(), moveBody, inboxes)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 28 || rep.Delivered != 2 {
		t.Errorf("second run: %+v", rep)
	}
	for i := range 30 {
		if n := s.accepted[fmt.Sprintf("/inbox/%d", i)]; n != 1 {
			t.Errorf("inbox %d accepted %d times, want once", i, n)
		}
	}
}

// TestDeliveryLogRefusesOtherFiles checks that a file that is not a
// delivery log, or one damaged before its last record, fails to open
// rather than being taken as "nothing delivered yet" (which would send
// everything again) or overwritten.
func TestDeliveryLogRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	legacy, err := os.ReadFile("testdata/deliverylog/legacy.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	good := deliveryLogFile(t, logHeader, logRecords, 0)
	flipped := bytes.Clone(good)
	flipped[bytes.Index(flipped, []byte("a.example"))] = 'x' // checksum of the first record fails
	tests := []struct {
		name    string
		content []byte
	}{
		{"not a journal", []byte("hello\n")},
		{"the old JSON-lines format", legacy},
		{"another journal (an importer's)", deliveryLogFile(t, "fediport importer plan", nil, 0)},
		{"a record that is not a delivery", deliveryLogFile(t, logHeader, []string{`{"activity":"a"}`, logRecords[0]}, 0)},
		{"a record that is not JSON", deliveryLogFile(t, logHeader, []string{`hello`}, 0)},
		{"a damaged record before the last", flipped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "log")
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			if l, err := migrate.OpenDeliveryLog(path); err == nil {
				l.Close()
				t.Errorf("OpenDeliveryLog opened it (%d records), want an error", l.Len())
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, tt.content) {
				t.Error("the file was changed")
			}
		})
	}
	// A torn last record is a crash's doing: dropped, not an error.
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, good[:len(good)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := migrate.OpenDeliveryLog(path)
	if err != nil {
		t.Fatalf("torn last record: %v", err)
	}
	defer l.Close()
	if l.Len() != 1 || !l.Delivered("https://old.example/users/alice#moves/1", "https://a.example/inbox") {
		t.Errorf("torn log has %d records, want the first one", l.Len())
	}
}

func TestDeliverRefusesPrivateByDefault(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	d := &migrate.Deliverer{Signer: &activitypub.Signer{KeyID: oldID + "#main-key", Key: testKey(t, 0)}, AllowHTTP: true}
	err := d.Deliver(context.Background(), migrate.DeliveryUnit{Inbox: s.URL + "/inbox", Activity: moveBody})
	var de *migrate.DeliveryError
	if !errors.As(err, &de) || !errors.Is(err, activitypub.FetchPrivateAddress) || de.Temporary() {
		t.Errorf("Deliver to loopback = %v, want a permanent ErrPrivateAddress", err)
	}
	if s.requests != 0 {
		t.Errorf("loopback inbox got %d requests", s.requests)
	}
	d.AllowHTTP = false
	if err := d.Deliver(context.Background(), migrate.DeliveryUnit{Inbox: s.URL + "/inbox", Activity: moveBody}); !errors.Is(err, activitypub.ErrInvalidAddress) {
		t.Errorf("Deliver over http = %v, want ErrInvalidURL", err)
	}
}

// TestDeliverAllProgressOneAtATime checks that Progress is called from
// one goroutine at a time, with Done counting up to Total in order (the
// old Deliverer called it from each worker at once).
func TestDeliverAllProgressOneAtATime(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	var inboxes []string
	for i := range 24 {
		inboxes = append(inboxes, fmt.Sprintf("%s/inbox/%d", s.URL, i))
	}
	d := testDeliverer(t)
	var inside atomic.Int32
	var overlap atomic.Bool
	var dones []int
	d.Progress = func(p migrate.DeliveryProgress) {
		if inside.Add(1) > 1 {
			overlap.Store(true)
		}
		time.Sleep(time.Millisecond)
		dones = append(dones, p.Done)
		inside.Add(-1)
	}
	if _, err := d.DeliverAll(context.Background(), moveBody, inboxes); err != nil {
		t.Fatal(err)
	}
	if overlap.Load() {
		t.Error("Progress called by two goroutines at once")
	}
	for i, n := range dones {
		if n != i+1 {
			t.Fatalf("Done values %v, want 1 to %d in order", dones, len(inboxes))
		}
	}
	if len(dones) != len(inboxes) {
		t.Errorf("%d calls, want %d", len(dones), len(inboxes))
	}
}

// TestDeliverAllProbesHostAfterCooldown checks that a host put aside is
// tried again once HostCooldown has passed, within the same run: here the
// host fails its first 5 deliveries, then recovers, and the inboxes after
// the cooldown are delivered (the old Deliverer put a host aside for the
// rest of the run, and all 15 were put aside).
func TestDeliverAllProbesHostAfterCooldown(t *testing.T) {
	t.Parallel()
	s := newInboxServer(t)
	var inboxes []string
	for i := range 20 {
		path := fmt.Sprintf("/inbox/%d", i)
		if i < migrate.DefaultHostFailures {
			s.plan[path] = []int{http.StatusServiceUnavailable}
		}
		inboxes = append(inboxes, s.URL+path)
	}
	d := testDeliverer(t)
	d.Concurrency, d.MaxAttempts = 1, 1
	d.HostCooldown = time.Nanosecond // the next delivery is the probe
	rep, err := d.DeliverAll(context.Background(), moveBody, inboxes)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != migrate.DefaultHostFailures || rep.Delivered != 20-migrate.DefaultHostFailures || rep.PutAside != 0 {
		t.Errorf("report = %+v, want %d failed, the rest delivered", rep, migrate.DefaultHostFailures)
	}
}
