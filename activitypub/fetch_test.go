package activitypub_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
)

// loopbackClient returns a Client allowed to reach httptest servers.
func loopbackClient() *activitypub.Client {
	return &activitypub.Client{AllowPrivate: true, AllowHTTP: true}
}

func actorJSON(id string, pemText string) string {
	key := ""
	if pemText != "" {
		key = fmt.Sprintf(`,"publicKey":{"id":%q,"owner":%q,"publicKeyPem":%q}`, id+"#main-key", id, pemText)
	}
	return fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Person","preferredUsername":"alice","inbox":%q%s}`, id, id+"/inbox", key)
}

// actorServer serves documents by path and query, as application/activity+json.
func actorServer(t *testing.T, docs func(base string) map[string]string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs(srv.URL)[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json; charset=utf-8")
		fmt.Fprint(w, doc)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchActor(t *testing.T) {
	t.Parallel()
	srv := actorServer(t, func(base string) map[string]string {
		return map[string]string{
			"/users/alice": actorJSON(base+"/users/alice", ""),
			"/@alice":      actorJSON(base+"/users/alice", ""),
			"/users/fake":  actorJSON("https://victim.example/users/alice", ""),
			// A document claiming an id on its host that does not exist.
			"/uploads/evil.json": actorJSON(base+"/users/ghost", ""),
			// A document claiming an id whose own document names another.
			"/uploads/bob.json": actorJSON(base+"/users/bob", ""),
			"/users/bob":        actorJSON(base+"/users/carol", ""),
		}
	})
	c := loopbackClient()
	tests := []struct {
		name, path string
		want       error
	}{
		{"actor at its id", "/users/alice", nil},
		{"profile URL answering for an actor on the same host", "/@alice", nil},
		{"fragment ignored", "/users/alice#main-key", nil},
		{"actor claiming another host", "/users/fake", activitypub.ErrIDMismatch},
		{"id on the same host that does not exist", "/uploads/evil.json", activitypub.ErrNotFound},
		{"id whose document names another id", "/uploads/bob.json", activitypub.ErrIDMismatch},
		{"unknown", "/users/nobody", activitypub.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			actor, err := c.FetchActor(context.Background(), srv.URL+tc.path)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("FetchActor = %v, want %v", err, tc.want)
			}
			if tc.want == nil && actor.ID != srv.URL+"/users/alice" {
				t.Errorf("actor id %q", actor.ID)
			}
		})
	}
}

// TestFetchActorRefetchesID checks that a document found at another URL
// than its id is replaced by the document at its id, fetched once: the
// actor returned is the one the id serves, as Mastodon's fetch_resource.
func TestFetchActorRefetchesID(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		id := srv.URL + "/users/alice"
		name := map[string]string{"/@alice": "stale copy", "/users/alice": "Alice"}[r.URL.Path]
		if name == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprintf(w, `{"id":%q,"type":"Person","preferredUsername":"alice","name":%q,"inbox":%q}`, id, name, id+"/inbox")
	}))
	t.Cleanup(srv.Close)
	actor, err := loopbackClient().FetchActor(context.Background(), srv.URL+"/@alice")
	if err != nil {
		t.Fatal(err)
	}
	if actor.ID != srv.URL+"/users/alice" || actor.Name != "Alice" {
		t.Errorf("got actor %s named %q, want the document at its id", actor.ID, actor.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"/@alice", "/users/alice"}, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestFetchRefusesPrivateAddress(t *testing.T) {
	t.Parallel()
	srv := actorServer(t, func(base string) map[string]string {
		return map[string]string{"/users/alice": actorJSON(base+"/users/alice", "")}
	})
	u := srv.URL + "/users/alice"
	localhost := strings.Replace(u, "127.0.0.1", "localhost", 1)

	// Refused unless allowed: by literal address, and by name.
	for _, target := range []string{u, localhost} {
		_, err := (&activitypub.Client{AllowHTTP: true}).Fetch(context.Background(), target)
		if !hasReason(err, activitypub.FetchPrivateAddress) {
			t.Errorf("Fetch(%s) without AllowPrivate = %v, want FetchPrivateAddress", target, err)
		}
	}
	if _, err := loopbackClient().Fetch(context.Background(), u); err != nil {
		t.Errorf("Fetch with AllowPrivate: %v", err)
	}
	// The dial-time check, which catches names resolving to private
	// addresses (DNS rebinding included).
	hc := &http.Client{Transport: activitypub.NewTransport(false)}
	var ae *activitypub.AddressError
	if resp, err := hc.Get(u); !errors.As(err, &ae) || !errors.Is(err, activitypub.ErrRefused) {
		if err == nil {
			resp.Body.Close()
		}
		t.Errorf("GET through NewTransport(false) = %v, want FetchPrivateAddress", err)
	}
	// Plain http is refused unless allowed.
	if _, err := (&activitypub.Client{AllowPrivate: true}).Fetch(context.Background(), u); !hasReason(err, activitypub.FetchInsecureScheme) {
		t.Errorf("Fetch(http) without AllowHTTP = %v, want FetchInsecureScheme", err)
	}
}

// TestFetchRedirectToPrivate serves a "public" host (mapped to a loopback
// server by the test's dialer) that redirects to loopback addresses.
func TestFetchRedirectToPrivate(t *testing.T) {
	t.Parallel()
	target := actorServer(t, func(base string) map[string]string {
		return map[string]string{"/users/alice": actorJSON(base+"/users/alice", "")}
	})
	port := target.Listener.Addr().(*net.TCPAddr).Port
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	t.Cleanup(public.Close)

	guarded := activitypub.NewTransport(false)
	dialGuarded := guarded.DialContext
	guarded.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "public.example:80" {
			var d net.Dialer
			return d.DialContext(ctx, network, public.Listener.Addr().String())
		}
		return dialGuarded(ctx, network, addr)
	}
	c := &activitypub.Client{AllowHTTP: true, HTTPClient: &http.Client{Transport: guarded}}
	// checkURL refuses IP literals and localhost before dialling; a name
	// that resolves to loopback is refused by the dialer.
	for _, to := range []string{
		fmt.Sprintf("http://127.0.0.1:%d/users/alice", port),
		fmt.Sprintf("http://[::1]:%d/users/alice", port),
		fmt.Sprintf("http://localhost:%d/users/alice", port),
		fmt.Sprintf("http://169.254.169.254:%d/latest/meta-data", port),
	} {
		_, err := c.Fetch(context.Background(), "http://public.example/go?to="+to)
		if !hasReason(err, activitypub.FetchPrivateAddress) {
			t.Errorf("redirect to %s: %v, want FetchPrivateAddress", to, err)
		}
	}
}

func TestFetchLimits(t *testing.T) {
	t.Parallel()
	big := `{"id":"x","pad":"` + strings.Repeat("a", 2048) + `"}`
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprint(w, big)
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		for i := 0; i < len(big); i += 100 {
			fmt.Fprint(w, big[i:min(i+100, len(big))])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// Only /slow tests the Timeout, with a short one; the other cases
	// get a long one, so that a loaded machine (a full go test -race
	// ./... on two cores) cannot turn their answer into a deadline.
	const long, short = time.Minute, 100 * time.Millisecond
	tests := []struct {
		path    string
		timeout time.Duration
		want    error
		status  int
	}{
		{"/big", long, activitypub.FetchTooLarge, 0},
		{"/big-chunked", long, activitypub.FetchTooLarge, 0},
		{"/slow", short, context.DeadlineExceeded, 0},
		{"/loop", long, activitypub.FetchTooManyRedirects, 0},
		{"/gone", long, activitypub.ErrGone, http.StatusGone},
		{"/missing", long, activitypub.ErrNotFound, http.StatusNotFound},
		{"/html", long, activitypub.FetchContentType, 0},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			c := &activitypub.Client{AllowHTTP: true, AllowPrivate: true, MaxBytes: 1024, Timeout: tc.timeout}
			_, err := c.Fetch(context.Background(), srv.URL+tc.path)
			if !hasReason(err, tc.want) {
				t.Fatalf("Fetch = %v, want %v", err, tc.want)
			}
			var se *activitypub.StatusError
			if tc.status != 0 && (!errors.As(err, &se) || se.StatusCode != tc.status) {
				t.Errorf("error %v: want a *StatusError with status %d", err, tc.status)
			}
		})
	}
}

// TestFetchSigned fetches from a server that requires signed GETs and
// resolves the signer's key with a Client, as an authorized-fetch server
// does.
func TestFetchSigned(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	pemText, err := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keyClient := loopbackClient()
	verifier := &activitypub.Verifier{Keys: keyClient}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/users/fetcher" {
			w.Header().Set("Content-Type", "application/activity+json")
			fmt.Fprint(w, actorJSON(srv.URL+"/users/fetcher", pemText))
			return
		}
		if _, err := verifier.Verify(r.Context(), r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprint(w, actorJSON(srv.URL+"/users/alice", ""))
	}))
	t.Cleanup(srv.Close)

	unsigned := loopbackClient()
	if _, err := unsigned.FetchActor(context.Background(), srv.URL+"/users/alice"); !hasReason(err, wantStatus(http.StatusUnauthorized)) {
		t.Fatalf("unsigned fetch = %v, want a 401 StatusError", err)
	}
	signed := loopbackClient()
	signed.Signer = &activitypub.Signer{KeyID: srv.URL + "/users/fetcher#main-key", Key: key}
	actor, err := signed.FetchActor(context.Background(), srv.URL+"/users/alice")
	if err != nil {
		t.Fatalf("signed fetch: %v", err)
	}
	if actor.PreferredUsername != "alice" {
		t.Errorf("fetched %+v", actor)
	}
}

func TestResolveKey(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	pemText, _ := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	otherPEM, _ := activitypub.MarshalPublicKeyPEM(&testRSAKey(t, 1).PublicKey)
	srv := actorServer(t, func(base string) map[string]string {
		keyDoc := func(id, owner string) string {
			return fmt.Sprintf(`{"id":%q,"owner":%q,"publicKeyPem":%q}`, id, owner, pemText)
		}
		return map[string]string{
			"/users/alice":        actorJSON(base+"/users/alice", pemText),
			"/users/alice/key":    keyDoc(base+"/users/alice/key", base+"/users/alice"),
			"/users/mallory/key":  keyDoc(base+"/users/mallory/key", base+"/users/alice"),
			"/users/bob":          strings.Replace(actorJSON(base+"/users/bob", pemText), `"owner":"`+base+`/users/bob"`, `"owner":"`+base+`/users/alice"`, 1),
			"/users/gts/main-key": strings.Replace(actorJSON(base+"/users/gts", pemText), `/users/gts#main-key`, `/users/gts/main-key`, 1),
			"/users/carol":        strings.Replace(actorJSON(base+"/users/carol", pemText), `/users/carol#main-key`, `/users/carol/key`, 1),
			"/users/carol/key":    keyDoc(base+"/users/carol/key", base+"/users/carol"),
			// An uploaded file claiming to be alice, with another key.
			"/uploads/evil.json": strings.Replace(actorJSON(base+"/users/alice", otherPEM), base+`/users/alice#main-key`, base+`/uploads/evil.json#k`, 1),
			"/users/gts":         strings.Replace(actorJSON(base+"/users/gts", pemText), `/users/gts#main-key`, `/users/gts/main-key`, 1),
		}
	})
	c := loopbackClient()
	tests := []struct {
		name, keyID, owner string
		want               error
	}{
		{"key in the actor document", "/users/alice#main-key", "/users/alice", nil},
		{"GoToSocial /main-key", "/users/gts/main-key", "/users/gts", nil},
		{"key document whose owner lists it", "/users/carol/key", "/users/carol", nil},
		{"key document whose owner does not list it", "/users/alice/key", "", activitypub.ErrKeyOwner},
		{"key document claiming another actor", "/users/mallory/key", "", activitypub.ErrKeyOwner},
		{"actor whose key names another owner", "/users/bob#main-key", "", activitypub.ErrKeyOwner},
		{"key id the actor does not list", "/users/alice#other-key", "", activitypub.ErrKeyOwner},
		{"document at another URL of the host claiming the actor", "/uploads/evil.json#k", "", activitypub.ErrKeyOwner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.ResolveKey(context.Background(), srv.URL+tc.keyID, false)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("ResolveKey = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (got.ID != srv.URL+tc.keyID || got.Owner != srv.URL+tc.owner) {
				t.Errorf("key %s owned by %s", got.ID, got.Owner)
			}
		})
	}
}

func TestFetchCollection(t *testing.T) {
	t.Parallel()
	srv := actorServer(t, func(base string) map[string]string {
		return map[string]string{
			// Mastodon's shape: first page embedded, the rest linked.
			"/outbox": `{"id":"` + base + `/outbox","type":"OrderedCollection","totalItems":5,
				"first":{"id":"` + base + `/outbox?page=1","type":"OrderedCollectionPage","next":"` + base + `/outbox?page=2",
				"orderedItems":["https://a.example/1",{"id":"https://a.example/2","type":"Note"}]}}`,
			"/outbox?page=2": `{"id":"` + base + `/outbox?page=2","next":"` + base + `/outbox?page=3","orderedItems":["https://a.example/3"]}`,
			"/outbox?page=3": `{"id":"` + base + `/outbox?page=3","next":"` + base + `/outbox?page=2","orderedItems":[{"type":"Note"}]}`,
			// GoToSocial's shape: first linked, items unordered.
			"/following":        `{"id":"` + base + `/following","type":"Collection","first":"` + base + `/following?page=1"}`,
			"/following?page=1": `{"id":"` + base + `/following?page=1","items":["https://b.example/users/x"]}`,
			"/elsewhere":        `{"id":"` + base + `/elsewhere","first":"https://other.example/page"}`,
			// Pages embedded in pages, without end in sight.
			"/nested": `{"id":"` + base + `/nested","first":` + strings.Repeat(`{"orderedItems":["x"],"next":`, 50) + `null` + strings.Repeat(`}`, 50) + `}`,
		}
	})
	collect := func(c *activitypub.Client, path string) ([]string, error) {
		var ids []string
		for item, err := range c.FetchCollection(context.Background(), srv.URL+path) {
			if err != nil {
				return ids, err
			}
			ids = append(ids, item.ID)
		}
		return ids, nil
	}
	c := loopbackClient()
	got, err := collect(c, "/outbox")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"https://a.example/1", "https://a.example/2", "https://a.example/3", ""}, got); diff != "" {
		t.Errorf("outbox items (-want +got):\n%s", diff)
	}
	got, err = collect(c, "/following")
	if err != nil || !cmp.Equal([]string{"https://b.example/users/x"}, got) {
		t.Errorf("following = %v, %v", got, err)
	}
	if _, err := collect(c, "/elsewhere"); !errors.Is(err, activitypub.ErrIDMismatch) {
		t.Errorf("page on another host: %v, want ErrIDMismatch", err)
	}
	limited := loopbackClient()
	limited.MaxPages = 2
	if got, err := collect(limited, "/outbox"); !hasReason(err, activitypub.FetchTooManyPages) {
		t.Errorf("MaxPages 2: %v, %v; want FetchTooManyPages", got, err)
	}
	if got, err := collect(limited, "/nested"); !hasReason(err, activitypub.FetchTooManyPages) || len(got) != 1 {
		t.Errorf("MaxPages 2, embedded pages: %d items, %v; want 1 and FetchTooManyPages", len(got), err)
	}
	// Breaking early stops the iteration.
	n := 0
	for range c.FetchCollection(context.Background(), srv.URL+"/outbox") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d items after break", n)
	}
}
