package mastodonapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const token = "test-token"

// newFake starts a fake server for me@new.example and a client for it.
func newFake(t testing.TB) (*mastodonapitest.Server, *mastodonapi.Client) {
	t.Helper()
	fake := mastodonapitest.New("new.example", "me", token)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, &mastodonapi.Client{BaseURL: srv.URL, Token: token, HTTPClient: srv.Client()}
}

func ptr[T any](v T) *T { return &v }

func TestAccountID(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	known := fake.AddAccount("alice@old.example")
	remote := fake.AddRemoteAccount("bob@far.example")
	local := fake.AddAccount("carol@new.example")
	ctx := context.Background()
	tests := []struct {
		name   string
		acct   string
		want   string
		routes []string // the routes asked, in order
	}{
		{"known to the server", "alice@old.example", known, []string{"GET /api/v1/accounts/lookup"}},
		{"leading @ and case, cached", "@Alice@Old.Example", known, nil},
		{"fetched by a resolving search", "bob@far.example", remote, []string{"GET /api/v1/accounts/lookup", "GET /api/v2/search"}},
		{"local account with its domain", "carol@new.example", local, []string{"GET /api/v1/accounts/lookup"}},
		{"bare local name", "carol", local, []string{"GET /api/v1/accounts/lookup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fake.Calls()
			got, err := c.AccountID(ctx, tt.acct)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("AccountID(%q) = %q, want %q", tt.acct, got, tt.want)
			}
			after := fake.Calls()
			for _, r := range tt.routes {
				if after[r] != before[r]+1 {
					t.Errorf("route %s asked %d times, want once", r, after[r]-before[r])
				}
			}
			// Cached: no more requests.
			n := fake.Requests()
			if _, err := c.AccountID(ctx, tt.acct); err != nil || fake.Requests() != n {
				t.Errorf("second AccountID: err %v, %d requests", err, fake.Requests()-n)
			}
		})
	}
	_, err := c.AccountID(ctx, "nobody@nowhere.example")
	var nf *mastodonapi.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, mastodonapi.ErrNotFound) || nf.Name != "nobody@nowhere.example" {
		t.Errorf("unknown account: %v, want a NotFoundError", err)
	}
}

// seed gives the fake the accounts and statuses the import names.
func seed(fake *mastodonapitest.Server, n int) {
	for i := range n {
		fake.AddRemoteAccount(fmt.Sprintf("u%d@h%d.example", i, i%5))
		fake.AddStatus(fmt.Sprintf("https://h%d.example/statuses/%d", i%5, i))
	}
}

func TestApplyThroughAPI(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	seed(fake, 10)
	fake.AddAccount("old@h1.example")
	plan := &importer.Plan{Type: importer.Lists, Actions: []importer.Action{
		{Kind: importer.ActionFollow, Account: "u0@h0.example", Follow: importer.FollowOptions{ShowBoosts: ptr(false), Notify: ptr(true), Languages: []string{"de", "en"}}},
		{Kind: importer.ActionFollow, Account: "u1@h1.example"},
		{Kind: importer.ActionFollow, Account: "old@h1.example"},
		{Kind: importer.ActionUnfollow, Account: "old@h1.example"},
		{Kind: importer.ActionUnfollow, Account: "never@h1.example"},
		{Kind: importer.ActionBlock, Account: "u2@h2.example"},
		{Kind: importer.ActionMute, Account: "u3@h3.example", HideNotifications: ptr(false)},
		{Kind: importer.ActionMute, Account: "u4@h4.example"},
		{Kind: importer.ActionBlockDomain, Domain: "spam.example"},
		{Kind: importer.ActionBlockDomain, Domain: "gone.example"},
		{Kind: importer.ActionUnblockDomain, Domain: "gone.example"},
		{Kind: importer.ActionBookmark, URI: "https://h0.example/statuses/5"},
		{Kind: importer.ActionCreateList, List: "Friends"},
		{Kind: importer.ActionCreateList, List: "Friends"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "u0@h0.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "u1@h1.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "u1@h1.example"},
		{Kind: importer.ActionCreateList, List: "Doomed"},
		{Kind: importer.ActionDeleteList, List: "Doomed"},
		{Kind: importer.ActionRemoveFromList, List: "Nope", Account: "u1@h1.example"},
	}}
	res, err := (&importer.Engine{Concurrency: 4}).Apply(context.Background(), plan, c.Destination())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failed {
		t.Errorf("failed: %s: %v", f.Action.Key(), f.Err)
	}
	want := mastodonapitest.State{
		Following: map[string]mastodonapitest.Follow{
			"u0@h0.example": {Reblogs: false, Notify: true, Languages: []string{"de", "en"}},
			"u1@h1.example": {Reblogs: true},
		},
		Blocks:       []string{"u2@h2.example"},
		Mutes:        map[string]bool{"u3@h3.example": false, "u4@h4.example": true},
		DomainBlocks: []string{"spam.example"},
		Bookmarks:    []string{"https://h0.example/statuses/5"},
		Lists:        map[string][]string{"Friends": {"u0@h0.example", "u1@h1.example"}},
	}
	if diff := cmp.Diff(want, fake.Snapshot()); diff != "" {
		t.Errorf("server state (-want +got):\n%s", diff)
	}
}

func TestReadState(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	fake.PageSize = 3 // many pages
	seed(fake, 12)
	fake.AddAccount("local@new.example")
	fake.SetFollowersCount(42)
	var plan importer.Plan
	for i := range 10 {
		acct := fmt.Sprintf("u%d@h%d.example", i, i%5)
		plan.Actions = append(plan.Actions,
			importer.Action{Kind: importer.ActionFollow, Account: acct, Follow: importer.FollowOptions{ShowBoosts: ptr(i%2 == 0), Notify: ptr(i%3 == 0)}},
			importer.Action{Kind: importer.ActionMute, Account: acct, HideNotifications: ptr(i%2 == 1)},
			importer.Action{Kind: importer.ActionBookmark, URI: fmt.Sprintf("https://h%d.example/statuses/%d", i%5, i)},
			importer.Action{Kind: importer.ActionBlockDomain, Domain: fmt.Sprintf("d%d.example", i)},
		)
	}
	plan.Actions = append(plan.Actions,
		importer.Action{Kind: importer.ActionFollow, Account: "local@new.example", Follow: importer.FollowOptions{Languages: []string{"fr"}}},
		importer.Action{Kind: importer.ActionBlock, Account: "u10@h0.example"},
		importer.Action{Kind: importer.ActionBlock, Account: "u11@h1.example"},
		importer.Action{Kind: importer.ActionCreateList, List: "A"},
		importer.Action{Kind: importer.ActionCreateList, List: "Empty"},
	)
	for i := range 7 {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionAddToList, List: "A", Account: fmt.Sprintf("u%d@h%d.example", i, i%5)})
	}
	if res, err := (&importer.Engine{}).Apply(context.Background(), &plan, c.Destination()); err != nil || len(res.Failed) > 0 {
		t.Fatalf("setting up: %v %v", err, res)
	}

	// A fresh client, which must learn the local domain from the server.
	reader := &mastodonapi.Client{BaseURL: c.BaseURL, Token: token, HTTPClient: c.HTTPClient}
	want := &importer.State{FollowersCount: 42}
	for i := range 10 {
		acct := fmt.Sprintf("u%d@h%d.example", i, i%5)
		want.Following = append(want.Following, importer.Row{Account: acct, ShowBoosts: ptr(i%2 == 0), Notify: ptr(i%3 == 0)})
		want.Muting = append(want.Muting, importer.Row{Account: acct, HideNotifications: ptr(i%2 == 1)})
		want.Bookmarks = append(want.Bookmarks, fmt.Sprintf("https://h%d.example/statuses/%d", i%5, i))
		want.DomainBlocking = append(want.DomainBlocking, fmt.Sprintf("d%d.example", i))
	}
	want.Following = append(want.Following, importer.Row{Account: "local@new.example", ShowBoosts: ptr(true), Notify: ptr(false), Languages: []string{"fr"}})
	want.Blocking = []string{"u10@h0.example", "u11@h1.example"}
	members := []string{}
	for i := range 7 {
		members = append(members, fmt.Sprintf("u%d@h%d.example", i, i%5))
	}
	want.Lists = []importer.List{{Title: "A", Members: members}, {Title: "Empty", Members: []string{}}}

	got := &importer.State{}
	for _, typ := range []importer.Type{importer.Following, importer.Muting, importer.Blocking, importer.DomainBlocking, importer.Bookmarks, importer.Lists} {
		st, err := reader.ReadState(context.Background(), typ)
		if err != nil {
			t.Fatalf("ReadState(%s): %v", typ, err)
		}
		if st.FollowersCount != 42 {
			t.Errorf("ReadState(%s).FollowersCount = %d", typ, st.FollowersCount)
		}
		if typ == importer.Lists {
			// A lists plan follows members not followed yet: the
			// follows come with the lists.
			if len(st.Following) != len(want.Following) {
				t.Errorf("ReadState(lists) has %d follows, want %d", len(st.Following), len(want.Following))
			}
		} else {
			got.Following = append(got.Following, st.Following...)
		}
		got.Muting = append(got.Muting, st.Muting...)
		got.Blocking = append(got.Blocking, st.Blocking...)
		got.DomainBlocking = append(got.DomainBlocking, st.DomainBlocking...)
		got.Bookmarks = append(got.Bookmarks, st.Bookmarks...)
		got.Lists = append(got.Lists, st.Lists...)
	}
	got.FollowersCount = 42
	sortRows := cmpopts.SortSlices(func(a, b importer.Row) bool { return a.Account < b.Account })
	sortStrings := cmpopts.SortSlices(func(a, b string) bool { return a < b })
	sortLists := cmpopts.SortSlices(func(a, b importer.List) bool { return a.Title < b.Title })
	if diff := cmp.Diff(want, got, sortRows, sortStrings, sortLists, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if n := fake.Calls()["GET /api/v1/accounts/{id}/following"]; n < 4 {
		t.Errorf("following read in %d pages, want pagination (11 entries, pages of 3)", n)
	}
	if _, err := reader.ReadState(context.Background(), importer.Followers); !errors.Is(err, importer.ErrUnsupported) {
		t.Errorf("ReadState(followers): %v, want ErrUnsupported", err)
	}
}

func TestFollowLimit(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	fake.FollowLimit = 3
	seed(fake, 5)
	plan := &importer.Plan{Type: importer.Following}
	for i := range 5 {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@h%d.example", i, i%5)})
	}
	res, err := (&importer.Engine{Concurrency: 1}).Apply(context.Background(), plan, c.Destination())
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || len(res.Failed) != 2 {
		t.Fatalf("applied %d, failed %d; want 3 and 2", res.Applied, len(res.Failed))
	}
	for _, f := range res.Failed {
		var e *mastodonapi.Error
		if !errors.As(f.Err, &e) || !errors.Is(f.Err, mastodonapi.ErrRejected) || e.StatusCode != 422 ||
			!strings.Contains(e.Message, "cannot follow more than 3") {
			t.Errorf("failure %v: want a 422 with the server's message", f.Err)
		}
	}
	if n := fake.Calls()["POST /api/v1/accounts/{id}/follow"]; n != 5 {
		t.Errorf("%d follow requests, want 5 (a 422 is not retried)", n)
	}
	var b strings.Builder
	if err := res.WriteFailures(&b); err != nil {
		t.Fatal(err)
	}
	want := "Account address,Show boosts,Notify on new posts,Languages\nu3@h3.example,true,false,\nu4@h4.example,true,false,\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("failures CSV (-want +got):\n%s", diff)
	}
}

func TestRateLimitedImport(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	fake.RateLimitEvery = 7
	fake.RateLimitWait = 5 * time.Millisecond
	seed(fake, 60)
	plan := &importer.Plan{Type: importer.Following}
	for i := range 60 {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@h%d.example", i, i%5)})
	}
	res, err := (&importer.Engine{Concurrency: 8}).Apply(context.Background(), plan, c.Destination())
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 60 || len(res.Failed) != 0 {
		t.Fatalf("applied %d, failed %v", res.Applied, res.Failed)
	}
	if got := len(fake.Snapshot().Following); got != 60 {
		t.Errorf("following %d, want 60", got)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(90 * time.Second).UTC().Format("2006-01-02T15:04:05.000000Z")
	unixReset := strconv.FormatInt(time.Now().Add(90*time.Second).Unix(), 10)
	tests := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		want      error
		temporary bool
		minWait   time.Duration // RetryAfter at least
		maxWait   time.Duration // and at most
		message   string
	}{
		{"not found", 404, nil, `{"error":"Record not found"}`, mastodonapi.ErrNotFound, false, 0, 0, "Record not found"},
		{"follow limit", 422, nil, `{"error":"Validation failed: You cannot follow more than 7500 people"}`, mastodonapi.ErrRejected, false, 0, 0, "Validation failed: You cannot follow more than 7500 people"},
		{"bad token", 401, nil, `{"error":"The access token is invalid"}`, mastodonapi.ErrUnauthorized, false, 0, 0, "The access token is invalid"},
		{"429 Retry-After seconds", 429, map[string]string{"Retry-After": "12"}, `{"error":"Too many requests"}`, mastodonapi.ErrRateLimited, true, 12 * time.Second, 12 * time.Second, "Too many requests"},
		{"429 X-RateLimit-Reset", 429, map[string]string{"X-RateLimit-Reset": reset}, `{"error":"Too many requests"}`, mastodonapi.ErrRateLimited, true, 80 * time.Second, 90 * time.Second, "Too many requests"},
		{"429 X-RateLimit-Reset Unix time (GoToSocial)", 429, map[string]string{"X-Ratelimit-Reset": unixReset}, `{"error":"Too many requests"}`, mastodonapi.ErrRateLimited, true, 80 * time.Second, 90 * time.Second, "Too many requests"},
		{"429 without headers", 429, nil, ``, mastodonapi.ErrRateLimited, true, mastodonapi.DefaultRateLimitWait, mastodonapi.DefaultRateLimitWait, ""},
		{"server error", 502, nil, `<html>bad gateway</html>`, mastodonapi.ErrServer, true, 0, 0, ""},
		{"not JSON", 200, nil, `<html>`, mastodonapi.ErrUnexpected, false, 0, 0, "decoding response: invalid character '<' looking for beginning of value"},
		{"429 too large", 429, map[string]string{"Retry-After": "12"}, `{"error":"` + strings.Repeat("x", 2000) + `"}`, mastodonapi.ErrRateLimited, true, 12 * time.Second, 12 * time.Second, ""},
		{"502 too large", 502, nil, strings.Repeat("<html>bad gateway</html>", 100), mastodonapi.ErrServer, true, 0, 0, ""},
		{"404 too large, message from the prefix", 404, nil, `{"error":"Record not found"}` + strings.Repeat(" ", 2000), mastodonapi.ErrNotFound, false, 0, 0, "Record not found"},
		{"long message, cut between characters", 422, nil, `{"error":"x` + strings.Repeat("é", 300) + `"}`, mastodonapi.ErrRejected, false, 0, 0, "x" + strings.Repeat("é", 255)},
		{"too large", 200, nil, `[` + strings.Repeat(`"x",`, 300) + `"x"]`, mastodonapi.ErrTooLarge, false, 0, 0, "body over 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c := &mastodonapi.Client{BaseURL: srv.URL, Token: token, MaxBytes: 1000}
			// CreateList first reads the lists: a request with an answer to decode.
			err := c.CreateList(context.Background(), "L")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *mastodonapi.Error
			if !errors.As(err, &e) {
				t.Fatalf("err %T is not an *Error", err)
			}
			if e.Temporary() != tt.temporary {
				t.Errorf("Temporary = %v, want %v", e.Temporary(), tt.temporary)
			}
			if w := e.RetryAfter; w < tt.minWait || w > tt.maxWait {
				t.Errorf("RetryAfter = %v, want in [%v, %v]", w, tt.minWait, tt.maxWait)
			}
			// The engine of package importer learns the wait of a 429
			// through an *importer.TemporaryError in the chain.
			var te *importer.TemporaryError
			if got := errors.As(err, &te); got != (tt.status == 429) || (got && te.RetryAfter != e.RetryAfter) {
				t.Errorf("errors.As(*importer.TemporaryError) = %v (%+v), want it for a 429 only, with RetryAfter %v", got, te, e.RetryAfter)
			}
			if e.Message != tt.message {
				t.Errorf("Message = %q, want %q", e.Message, tt.message)
			}
			if e.Method != "GET" || e.Path != "/api/v1/lists" {
				t.Errorf("request = %s %s", e.Method, e.Path)
			}
		})
	}
}

func TestNetworkErrorIsTemporary(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	c := &mastodonapi.Client{BaseURL: url, Token: token}
	err := c.BlockDomain(context.Background(), "x.example")
	var e *mastodonapi.Error
	if !errors.As(err, &e) || !e.Temporary() || !errors.Is(err, mastodonapi.ErrServer) {
		t.Errorf("err = %v, want a temporary ErrServer", err)
	}
}

func TestLinkToAnotherServer(t *testing.T) {
	t.Parallel()
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization") != ""
		w.Write([]byte(`[]`))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/accounts/verify_credentials":
			w.Write([]byte(`{"id":"1","acct":"me"}`))
		default:
			w.Header().Set("Link", "<"+other.URL+`/api/v1/domain_blocks?max_id=1>; rel="next"`)
			w.Write([]byte(`["a.example"]`))
		}
	}))
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	_, err := c.ReadState(context.Background(), importer.DomainBlocking)
	if !errors.Is(err, mastodonapi.ErrUnexpected) {
		t.Errorf("err = %v, want ErrUnexpected", err)
	}
	if leaked {
		t.Error("the token was sent to another server")
	}
}

func TestNeedsToken(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	c.Token = "wrong"
	err := c.Block(context.Background(), "a@b.example")
	if !errors.Is(err, mastodonapi.ErrUnauthorized) {
		t.Errorf("err = %v, want ErrUnauthorized", err)
	}
}

func TestRedirectToAnotherServer(t *testing.T) {
	t.Parallel()
	// Go's http.Client keeps the Authorization header on a redirect to
	// the same host name on another port, or from https to http: the
	// client must refuse such redirects itself.
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		w.Write([]byte(`[]`))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	err := c.CreateList(context.Background(), "L")
	if !errors.Is(err, mastodonapi.ErrUnexpected) {
		t.Errorf("err = %v, want ErrUnexpected", err)
	}
	var e *mastodonapi.Error
	if errors.As(err, &e) && e.Temporary() {
		t.Errorf("err = %v is temporary; a redirect elsewhere will not go away", err)
	}
	if leaked.Load() {
		t.Error("the token was sent to another server")
	}
}

func TestAccountIDSearchIDN(t *testing.T) {
	t.Parallel()
	// Mastodon answers an IDN account's acct in Unicode (pretty_acct),
	// whatever form the search asked for.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/accounts/lookup":
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"Record not found"}`))
		case "/api/v2/search":
			w.Write([]byte(`{"accounts":[{"id":"9","acct":"nare@թութ.հայ"}],"statuses":[]}`))
		}
	}))
	defer srv.Close()
	for _, acct := range []string{"nare@xn--69aa8bzb.xn--y9a3aq", "Nare@ԹՈՒԹ.ՀԱՅ", "nare@թութ.հայ"} {
		c := &mastodonapi.Client{BaseURL: srv.URL, Token: token, LocalDomain: "new.example"}
		id, err := c.AccountID(context.Background(), acct)
		if err != nil || id != "9" {
			t.Errorf("AccountID(%q) = %q, %v; want 9", acct, id, err)
		}
	}
}

func TestRelativeLink(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/accounts/verify_credentials":
			w.Write([]byte(`{"id":"1","acct":"me"}`))
		case r.URL.Query().Get("max_id") == "1":
			w.Write([]byte(`["b.example"]`))
		default:
			w.Header().Set("Link", `</api/v1/domain_blocks?max_id=1>; rel="next"`)
			w.Write([]byte(`["a.example"]`))
		}
	}))
	defer srv.Close()
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
	st, err := c.ReadState(context.Background(), importer.DomainBlocking)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.example", "b.example"}, st.DomainBlocking); diff != "" {
		t.Errorf("domain blocks (-want +got):\n%s", diff)
	}
}

// TestDuplicateListTitles: Mastodon lets an account have two lists with
// one title. An overwrite clears both of what the file lacks, and
// deletes both when the file does not name the title.
func TestDuplicateListTitles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows []importer.Row
		want []importer.List
	}{
		{"members the file lacks leave both lists",
			[]importer.Row{{Line: 1, List: "L", Account: "u1@h1.example"}},
			[]importer.List{{Title: "L", Members: []string{"u1@h1.example"}}, {Title: "L", Members: []string{}}}},
		{"a title the file lacks deletes both lists",
			[]importer.Row{{Line: 1, List: "M", Account: "u1@h1.example"}},
			[]importer.List{{Title: "M", Members: []string{"u1@h1.example"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, c := newFake(t)
			srv := httptest.NewServer(fake)
			defer srv.Close()
			seed(fake, 4)
			ctx := context.Background()
			post := func(path, body string) string {
				t.Helper()
				req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := isolatedClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var v struct {
					ID string `json:"id"`
				}
				json.NewDecoder(resp.Body).Decode(&v)
				if resp.StatusCode != 200 {
					t.Fatalf("POST %s: %s", path, resp.Status)
				}
				return v.ID
			}
			ids := map[string]string{}
			for i := range 3 {
				acct := fmt.Sprintf("u%d@h%d.example", i, i)
				if err := c.Follow(ctx, acct, importer.FollowOptions{}); err != nil {
					t.Fatal(err)
				}
				if ids[acct], _ = c.AccountID(ctx, acct); ids[acct] == "" {
					t.Fatalf("no id for %s", acct)
				}
			}
			first := post("/api/v1/lists", `{"title":"L"}`)
			second := post("/api/v1/lists", `{"title":"L"}`)
			post("/api/v1/lists/"+first+"/accounts", `{"account_ids":["`+ids["u0@h0.example"]+`","`+ids["u1@h1.example"]+`"]}`)
			post("/api/v1/lists/"+second+"/accounts", `{"account_ids":["`+ids["u2@h2.example"]+`"]}`)

			cur, err := c.ReadState(ctx, importer.Lists)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := (&importer.Planner{LocalDomain: "new.example"}).Plan(importer.Lists, importer.Overwrite, cur, tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			res, err := (&importer.Engine{}).Apply(ctx, plan, c.Destination())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Failed {
				t.Errorf("failed: %s: %v", f.Action.Key(), f.Err)
			}
			got, err := (&mastodonapi.Client{BaseURL: srv.URL, Token: token}).ReadState(ctx, importer.Lists)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got.Lists {
				if got.Lists[i].Members == nil {
					got.Lists[i].Members = []string{}
				}
			}
			if diff := cmp.Diff(tt.want, got.Lists); diff != "" {
				t.Errorf("lists after the overwrite (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelf: the token's own address, for importer.Planner.Self; a
// plan made with it does not make the account follow itself.
func TestSelf(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t)
	seed(fake, 1)
	ctx := context.Background()
	self, err := c.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if self != "me@new.example" {
		t.Errorf("Self = %q, want me@new.example", self)
	}
	rows := []importer.Row{{Line: 1, Account: "me"}, {Line: 2, Account: "u0@h0.example"}}
	plan, err := (&importer.Planner{LocalDomain: "new.example", Self: self}).Plan(importer.Following, importer.Merge, nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&importer.Engine{}).Apply(ctx, plan, c.Destination())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 || res.Applied != 1 || len(plan.Skipped) != 1 {
		t.Errorf("applied %d, failed %v, skipped %v; want 1 applied, the self row skipped", res.Applied, res.Failed, plan.Skipped)
	}
}

// isolatedClient sends the tests' own requests over a transport of its
// own: httptest.Server.Close closes http.DefaultTransport's idle
// connections, which fails a request another parallel test is dialling
// with "http: CloseIdleConnections called".
var isolatedClient = &http.Client{Transport: &http.Transport{}}
