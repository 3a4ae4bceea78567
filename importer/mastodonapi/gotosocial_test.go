package mastodonapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// asGoToSocial serves fake answering as GoToSocial: no per-account
// domain blocks (404), relationships without a languages member, list
// refusals worded as GoToSocial words them (starting with the status
// text: "already in list" for a member added twice, 404 "not currently
// followed" for an account not followed).
func asGoToSocial(t *testing.T, fake *mastodonapitest.Server) *mastodonapi.Client {
	t.Helper()
	fake.GoToSocial = true
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &mastodonapi.Client{BaseURL: srv.URL, Token: token, HTTPClient: srv.Client()}
}

// TestGoToSocialDomainBlocks: a server without per-account domain
// blocks is an unsupported type, not a failure to read.
func TestGoToSocialDomainBlocks(t *testing.T) {
	t.Parallel()
	c := asGoToSocial(t, mastodonapitest.New("new.example", "me", token))
	_, err := c.ReadState(context.Background(), importer.DomainBlocking)
	if !errors.Is(err, importer.ErrUnsupported) || !strings.Contains(err.Error(), "no per-account domain blocks") {
		t.Errorf("ReadState(domain_blocking) = %v, want ErrUnsupported saying why", err)
	}
}

// TestGoToSocialAlreadyInList adds a member twice: GoToSocial's 422
// "already in list" is success, as Mastodon's "taken" is, and the
// message does not repeat the status text.
func TestGoToSocialAlreadyInList(t *testing.T) {
	t.Parallel()
	fake := mastodonapitest.New("new.example", "me", token)
	fake.AddRemoteAccount("bob@far.example")
	c := asGoToSocial(t, fake)
	ctx := context.Background()
	if err := c.CreateList(ctx, "L"); err != nil {
		t.Fatal(err)
	}
	if err := c.Follow(ctx, "bob@far.example", importer.FollowOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := c.AddToList(ctx, "L", "bob@far.example"); err != nil {
			t.Errorf("AddToList #%d: %v", i+1, err)
		}
	}
	// A refusal for another reason stays an error: a member not followed.
	fake.AddRemoteAccount("carol@far.example")
	err := c.AddToList(ctx, "L", "carol@far.example")
	if err == nil {
		t.Fatal("an account not followed went into a list")
	}
	if strings.Count(err.Error(), "Not Found") > 1 || !strings.Contains(err.Error(), "not currently followed") {
		t.Errorf("error repeats itself or lost its reason: %v", err)
	}
}

// TestErrorMessageNotRepeated: GoToSocial starts its error messages with
// the status text, which the error says once.
func TestErrorMessageNotRepeated(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"error":"Unprocessable Entity: account 01ABC is already in list 01DEF"}`)
	}))
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	err := c.Block(context.Background(), "x@y.example")
	want := "mastodonapi: GET /api/v1/accounts/lookup: 422 Unprocessable Entity: account 01ABC is already in list 01DEF"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestGoToSocialNoFollowLanguages: relationships without a languages
// member mean the server keeps none, so a merge that asks for languages
// settles instead of planning the follow again on every run.
func TestGoToSocialNoFollowLanguages(t *testing.T) {
	t.Parallel()
	fake := mastodonapitest.New("new.example", "me", token)
	fake.AddRemoteAccount("bob@far.example")
	c := asGoToSocial(t, fake)
	ctx := context.Background()
	if err := c.Follow(ctx, "bob@far.example", importer.FollowOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := c.ReadState(ctx, importer.Following)
	if err != nil {
		t.Fatal(err)
	}
	if !st.NoFollowLanguages {
		t.Fatalf("NoFollowLanguages not set: %+v", st)
	}
	rows := []importer.Row{{Account: "bob@far.example", Languages: []string{"de"}, Line: 2}}
	plan, err := (&importer.Planner{}).Plan(importer.Following, importer.Merge, st, rows)
	if err != nil || len(plan.Actions) != 0 {
		t.Errorf("plan = %+v, %v; want no actions", plan, err)
	}

	// Mastodon's relationships have the member (null for all
	// languages): languages are compared there.
	_, mc := newFake(t)
	st, err = mc.ReadState(ctx, importer.Following)
	if err != nil || st.NoFollowLanguages {
		t.Errorf("Mastodon: NoFollowLanguages = %v, %v; want false", st.NoFollowLanguages, err)
	}
}

// TestReadStateRateLimited: a 429 while reading the state is waited out
// and announced through OnRateLimit, as during the actions.
func TestReadStateRateLimited(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	for _, a := range []string{"a@x.example", "b@x.example", "c@x.example"} {
		fake.AddRemoteAccount(a)
		if err := c.Follow(context.Background(), a, importer.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	fake.RateLimitEvery, fake.RateLimitWait = 2, 50*time.Millisecond
	var mu sync.Mutex
	var waits []time.Duration
	c.OnRateLimit = func(host string, wait time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if !strings.HasPrefix(host, "127.0.0.1:") {
			t.Errorf("host %q", host)
		}
		waits = append(waits, wait)
	}
	st, err := c.ReadState(context.Background(), importer.Following)
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	if len(st.Following) != 3 {
		t.Errorf("%d follows, want 3", len(st.Following))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) == 0 {
		t.Error("no rate limit announced")
	}
	for _, w := range waits {
		if w <= 0 || w > time.Second {
			t.Errorf("announced wait %v", w)
		}
	}
}

// TestAddToListWhileRequested: GoToSocial refuses to list an account
// whose follow is still a request (404 "not currently followed"); that
// is temporary, for the engine to try again once the follow is accepted.
func TestAddToListWhileRequested(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v1/lists":
			io.WriteString(w, `[{"id":"L1","title":"L"}]`)
		case "GET /api/v1/accounts/lookup":
			io.WriteString(w, `{"id":"A1","acct":"x@y.example"}`)
		case "POST /api/v1/lists/L1/accounts":
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"Not Found: account A1 not currently followed"}`)
		case "GET /api/v1/accounts/relationships":
			io.WriteString(w, `[{"id":"A1","following":false,"requested":true}]`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	err := c.AddToList(context.Background(), "L", "x@y.example")
	var te *importer.TemporaryError
	if !errors.As(err, &te) {
		t.Fatalf("AddToList = %v, want a TemporaryError", err)
	}
	if !strings.HasSuffix(err.Error(), ": 404 Not Found: account A1 not currently followed") {
		t.Errorf("message %q", err)
	}
}
