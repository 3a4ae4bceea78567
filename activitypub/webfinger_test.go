package activitypub_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
)

func TestParseAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want activitypub.Account
		fail bool
	}{
		{in: "alice@example.com", want: activitypub.Account{User: "alice", Host: "example.com"}},
		{in: "@alice@example.com", want: activitypub.Account{User: "alice", Host: "example.com"}},
		{in: "acct:alice@example.com", want: activitypub.Account{User: "alice", Host: "example.com"}},
		{in: "ACCT:alice@Example.COM", want: activitypub.Account{User: "alice", Host: "example.com"}},
		{in: "  Alice_1@example.com\n", want: activitypub.Account{User: "Alice_1", Host: "example.com"}},
		{in: "user@localhost:8080", want: activitypub.Account{User: "user", Host: "localhost:8080"}},
		{in: "user@münchen.example", want: activitypub.Account{User: "user", Host: "xn--mnchen-3ya.example"}},
		{in: "@user@ÉCOLE.example:3000", want: activitypub.Account{User: "user", Host: "xn--cole-9oa.example:3000"}},
		{in: "user@xn--mnchen-3ya.example", want: activitypub.Account{User: "user", Host: "xn--mnchen-3ya.example"}},
		{in: "user@127.0.0.1:3000", want: activitypub.Account{User: "user", Host: "127.0.0.1:3000"}},
		{in: "user@[::1]:3000", want: activitypub.Account{User: "user", Host: "[::1]:3000"}},
		{in: "user@example.com.", want: activitypub.Account{User: "user", Host: "example.com"}},
		{in: "alice", fail: true},
		{in: "@alice", fail: true},
		{in: "@example.com", fail: true},
		{in: "alice@", fail: true},
		{in: "al ice@example.com", fail: true},
		{in: "alice@bob@example.com", fail: true},
		{in: "alice@exa mple.com", fail: true},
		{in: "alice@example.com:0", fail: true},
		{in: "alice@example.com:99999", fail: true},
		{in: "alice@example.com/path", fail: true},
		{in: "alice@-bad.example", fail: true},
		{in: "a/b@example.com", fail: true},
		{in: "https://example.com/users/alice", fail: true},
		{in: "alice@" + strings.Repeat("a", 600) + ".example", fail: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := activitypub.ParseAccount(tc.in)
			if tc.fail {
				if !errors.Is(err, activitypub.ErrInvalidAddress) {
					t.Fatalf("ParseAccount = %+v, %v; want ErrInvalidAddress", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// webfingerServer answers WebFinger through WebFingerHandler with the
// JRDs jrds returns for the server's own base URL and host, and serves
// actor documents under /users/.
type webfingerServer struct {
	*httptest.Server
	host    string
	mu      sync.Mutex
	queries []string
}

func newWebFingerServer(t *testing.T, jrds func(s *webfingerServer, user string) (*activitypub.JRD, error)) *webfingerServer {
	t.Helper()
	s := &webfingerServer{}
	mux := http.NewServeMux()
	mux.Handle(activitypub.WebFingerPath, &activitypub.WebFingerHandler{Lookup: func(ctx context.Context, acct activitypub.Account) (*activitypub.JRD, error) {
		s.mu.Lock()
		s.queries = append(s.queries, acct.String())
		s.mu.Unlock()
		if acct.Host != s.host {
			return nil, activitypub.ErrNotFound
		}
		return jrds(s, acct.User)
	}})
	mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprint(w, actorJSON(s.URL+r.URL.Path, ""))
	})
	s.Server = httptest.NewServer(mux)
	u, _ := url.Parse(s.URL)
	s.host = u.Host
	t.Cleanup(s.Close)
	return s
}

func mastodonJRD(s *webfingerServer, user, selfType string) *activitypub.JRD {
	return &activitypub.JRD{
		Subject: "acct:" + user + "@" + s.host,
		Aliases: []string{s.URL + "/@" + user, s.URL + "/users/" + user},
		Links: []activitypub.Link{
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: s.URL + "/@" + user},
			{Rel: "self", Type: selfType, Href: s.URL + "/users/" + user},
			{Rel: "http://ostatus.org/schema/1.0/subscribe", Template: s.URL + "/authorize_interaction?uri={uri}"},
		},
	}
}

func TestWebFingerRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newWebFingerServer(t, func(s *webfingerServer, user string) (*activitypub.JRD, error) {
		switch user {
		case "alice":
			return mastodonJRD(s, "alice", "application/activity+json"), nil
		case "ldjson":
			return mastodonJRD(s, "ldjson", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`), nil
		case "noself":
			j := mastodonJRD(s, "noself", "text/html")
			return j, nil
		case "nosubject":
			j := mastodonJRD(s, "nosubject", "application/activity+json")
			j.Subject = ""
			return j, nil
		case "renamed": // answers as alice, who confirms: one redirect
			j := mastodonJRD(s, "alice", "application/activity+json")
			return j, nil
		case "liar": // answers as alice but names another actor
			j := mastodonJRD(s, "alice", "application/activity+json")
			j.Links[1].Href = s.URL + "/users/liar"
			return j, nil
		case "deleted":
			return nil, fmt.Errorf("account deleted: %w", activitypub.ErrGone)
		case "broken":
			return nil, errors.New("database down")
		}
		return nil, activitypub.ErrNotFound
	})
	c := loopbackClient()
	tests := []struct {
		name, resource string
		wantSelf       string
		wantUser       string
		want           error
	}{
		{name: "user@host", resource: "alice@" + srv.host, wantSelf: "/users/alice", wantUser: "alice"},
		{name: "@user@host", resource: "@alice@" + srv.host, wantSelf: "/users/alice", wantUser: "alice"},
		{name: "acct URI", resource: "acct:alice@" + srv.host, wantSelf: "/users/alice", wantUser: "alice"},
		{name: "ld+json self link", resource: "ldjson@" + srv.host, wantSelf: "/users/ldjson", wantUser: "ldjson"},
		{name: "subject redirect confirmed", resource: "renamed@" + srv.host, wantSelf: "/users/alice", wantUser: "alice"},
		{name: "actor URL", resource: srv.URL + "/users/bob", wantSelf: "/users/bob"},
		{name: "subject redirect to another actor", resource: "liar@" + srv.host, want: activitypub.WebFingerSubjectMismatch},
		{name: "no self link", resource: "noself@" + srv.host, want: activitypub.WebFingerNoSelfLink},
		{name: "no subject", resource: "nosubject@" + srv.host, want: activitypub.WebFingerInvalidJRD},
		{name: "unknown", resource: "nobody@" + srv.host, want: activitypub.ErrNotFound},
		{name: "gone", resource: "deleted@" + srv.host, want: activitypub.ErrGone},
		{name: "lookup error", resource: "broken@" + srv.host, want: wantStatus(http.StatusInternalServerError)},
		{name: "not an account", resource: "alice", want: activitypub.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := c.WebFinger(context.Background(), tc.resource)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("WebFinger(%q) = %+v, %v; want %v", tc.resource, res, err, tc.want)
			}
			if tc.want != nil {
				return
			}
			if res.Self != srv.URL+tc.wantSelf || res.Account.User != tc.wantUser {
				t.Errorf("WebFinger(%q): self %s, account %+v", tc.resource, res.Self, res.Account)
			}
			if tc.wantUser != "" && res.JRD.SelfLink() != res.Self {
				t.Errorf("JRD self link %q", res.JRD.SelfLink())
			}
		})
	}
}

// TestWebFingerCrossHostRedirect follows a subject naming an account on
// another host (a WEB_DOMAIN setup) which confirms the same actor.
func TestWebFingerCrossHostRedirect(t *testing.T) {
	t.Parallel()
	home := newWebFingerServer(t, func(s *webfingerServer, user string) (*activitypub.JRD, error) {
		return mastodonJRD(s, user, "application/activity+json"), nil
	})
	front := newWebFingerServer(t, func(s *webfingerServer, user string) (*activitypub.JRD, error) {
		return mastodonJRD(home, user, "application/activity+json"), nil
	})
	res, err := loopbackClient().WebFinger(context.Background(), "alice@"+front.host)
	if err != nil {
		t.Fatal(err)
	}
	want := activitypub.Account{User: "alice", Host: home.host}
	if res.Account != want || res.Self != home.URL+"/users/alice" {
		t.Errorf("settled on %+v, %s", res.Account, res.Self)
	}
	home.mu.Lock()
	defer home.mu.Unlock()
	if diff := cmp.Diff([]string{"alice@" + home.host}, home.queries); diff != "" {
		t.Errorf("queries to the subject's host (-want +got):\n%s", diff)
	}
}

func TestResolveActor(t *testing.T) {
	t.Parallel()
	srv := newWebFingerServer(t, func(s *webfingerServer, user string) (*activitypub.JRD, error) {
		return mastodonJRD(s, user, "application/activity+json"), nil
	})
	actor, err := loopbackClient().ResolveActor(context.Background(), "@alice@"+srv.host)
	if err != nil {
		t.Fatal(err)
	}
	if actor.ID != srv.URL+"/users/alice" {
		t.Errorf("actor id %s", actor.ID)
	}
}

func TestWebFingerHandlerHTTP(t *testing.T) {
	t.Parallel()
	srv := newWebFingerServer(t, func(s *webfingerServer, user string) (*activitypub.JRD, error) {
		if user == "alice" {
			return mastodonJRD(s, user, "application/activity+json"), nil
		}
		return nil, activitypub.ErrNotFound
	})
	tests := []struct {
		name, method, query string
		status              int
		contentType         string
	}{
		{"found", http.MethodGet, "resource=acct:alice@" + srv.host, http.StatusOK, "application/jrd+json; charset=utf-8"},
		{"found without acct:", http.MethodGet, "resource=alice@" + srv.host, http.StatusOK, "application/jrd+json; charset=utf-8"},
		{"unknown", http.MethodGet, "resource=acct:bob@" + srv.host, http.StatusNotFound, ""},
		{"other host", http.MethodGet, "resource=acct:alice@elsewhere.example", http.StatusNotFound, ""},
		{"missing resource", http.MethodGet, "", http.StatusBadRequest, ""},
		{"malformed resource", http.MethodGet, "resource=alice", http.StatusBadRequest, ""},
		{"URL resource", http.MethodGet, "resource=" + url.QueryEscape(srv.URL+"/users/alice"), http.StatusBadRequest, ""},
		{"POST", http.MethodPost, "resource=acct:alice@" + srv.host, http.StatusMethodNotAllowed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(tc.method, srv.URL+activitypub.WebFingerPath+"?"+tc.query, nil)
			resp, err := isolatedClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if tc.contentType != "" {
				if got := resp.Header.Get("Content-Type"); got != tc.contentType {
					t.Errorf("Content-Type %q, want %q", got, tc.contentType)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("Access-Control-Allow-Origin %q", got)
				}
				if !strings.Contains(string(body), `"subject":"acct:alice@`+srv.host+`"`) {
					t.Errorf("body %s", body)
				}
			}
		})
	}
}

// crossHostServer is a WebFinger host whose JRDs and actor documents a
// test sets by name; it records the accounts queried.
type crossHostServer struct {
	*httptest.Server
	host    string
	mu      sync.Mutex
	queries []string
	jrds    map[string]*activitypub.JRD // by user
	actors  map[string]string           // by path
}

func newCrossHostServer(t *testing.T) *crossHostServer {
	t.Helper()
	s := &crossHostServer{jrds: map[string]*activitypub.JRD{}, actors: map[string]string{}}
	mux := http.NewServeMux()
	mux.Handle(activitypub.WebFingerPath, &activitypub.WebFingerHandler{Lookup: func(ctx context.Context, acct activitypub.Account) (*activitypub.JRD, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.queries = append(s.queries, acct.String())
		if j := s.jrds[acct.User]; j != nil && acct.Host == s.host {
			return j, nil
		}
		return nil, activitypub.ErrNotFound
	}})
	mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		doc, ok := s.actors[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprint(w, doc)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	s.host = strings.TrimPrefix(s.URL, "http://")
	return s
}

func selfJRD(subject, self string) *activitypub.JRD {
	return &activitypub.JRD{Subject: "acct:" + subject, Links: []activitypub.Link{{Rel: "self", Type: "application/activity+json", Href: self}}}
}

// TestWebFingerForeignSelfLink checks that a self link naming an actor on
// another host is confirmed by that host, as Mastodon's
// FetchRemoteActorService does, before the lookup settles on it.
func TestWebFingerForeignSelfLink(t *testing.T) {
	t.Parallel()
	a := newCrossHostServer(t) // the host people type
	b := newCrossHostServer(t) // the host of the actors
	actor := func(name, webfinger string) string {
		wf := ""
		if webfinger != "" {
			wf = fmt.Sprintf(`,"webfinger":%q`, webfinger)
		}
		id := b.URL + "/users/" + name
		return fmt.Sprintf(`{"id":%q,"type":"Person","preferredUsername":%q,"inbox":%q%s}`, id, name, id+"/inbox", wf)
	}
	for _, name := range []string{"alice", "victim", "ghost", "bob", "third"} {
		b.actors["/users/"+name] = actor(name, "")
	}
	b.actors["/users/wf"] = actor("wf", "wf@"+a.host)

	// WEB_DOMAIN: accounts are @alice@a, actors live on b, and b answers
	// for alice@b as alice@a.
	a.jrds["alice"] = selfJRD("alice@"+a.host, b.URL+"/users/alice")
	b.jrds["alice"] = selfJRD("alice@"+a.host, b.URL+"/users/alice")
	// Mastodon 4.6+: the actor's webfinger member names the account.
	a.jrds["wf"] = selfJRD("wf@"+a.host, b.URL+"/users/wf")
	// a claims b's actor for its own account: b says whose it is.
	a.jrds["thief"] = selfJRD("thief@"+a.host, b.URL+"/users/victim")
	b.jrds["victim"] = selfJRD("victim@"+b.host, b.URL+"/users/victim")
	// b does not know the account the actor names.
	a.jrds["ghost"] = selfJRD("ghost@"+a.host, b.URL+"/users/ghost")
	// b names another actor for the account.
	a.jrds["liar"] = selfJRD("liar@"+a.host, b.URL+"/users/bob")
	b.jrds["bob"] = selfJRD("bob@"+b.host, b.URL+"/users/alice")
	// b answers for a third account.
	a.jrds["third"] = selfJRD("third@"+a.host, b.URL+"/users/third")
	b.jrds["third"] = selfJRD("someone@elsewhere.example", b.URL+"/users/third")
	// a names an actor b does not serve.
	a.jrds["missing"] = selfJRD("missing@"+a.host, b.URL+"/users/missing")

	tests := []struct {
		name, user string
		want       error
		wantAcct   string // the account settled on
		wantQuery  string // the reverse query b must have seen, if any
	}{
		{name: "WEB_DOMAIN confirmed by the actor's host", user: "alice", wantAcct: "alice@" + a.host, wantQuery: "alice@" + b.host},
		{name: "webfinger member names the account", user: "wf", wantAcct: "wf@" + a.host},
		{name: "claimed actor settles on its real account", user: "thief", wantAcct: "victim@" + b.host, wantQuery: "victim@" + b.host},
		{name: "actor host does not know the account", user: "ghost", want: activitypub.WebFingerSelfUnconfirmed, wantQuery: "ghost@" + b.host},
		{name: "actor host names another actor", user: "liar", want: activitypub.WebFingerSelfUnconfirmed, wantQuery: "bob@" + b.host},
		{name: "actor host answers for a third account", user: "third", want: activitypub.WebFingerSelfUnconfirmed, wantQuery: "third@" + b.host},
		{name: "actor missing", user: "missing", want: activitypub.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := loopbackClient()
			res, err := c.WebFinger(context.Background(), tc.user+"@"+a.host)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("WebFinger = %+v, %v; want %v", res, err, tc.want)
			}
			if tc.wantQuery != "" {
				b.mu.Lock()
				found := slices.Contains(b.queries, tc.wantQuery)
				b.mu.Unlock()
				if !found {
					t.Errorf("%s was not asked about %s", b.host, tc.wantQuery)
				}
			}
			if tc.want != nil {
				return
			}
			if res.Account.String() != tc.wantAcct || res.Actor == nil || res.Actor.ID != res.Self {
				t.Errorf("settled on %s, self %s, actor %+v; want account %s", res.Account, res.Self, res.Actor, tc.wantAcct)
			}
			actor, err := c.ResolveActor(context.Background(), tc.user+"@"+a.host)
			if err != nil || actor.ID != res.Self {
				t.Errorf("ResolveActor = %+v, %v; want %s", actor, err, res.Self)
			}
		})
	}
	// The webfinger member confirms without a reverse query.
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, q := range b.queries {
		if strings.HasPrefix(q, "wf@") {
			t.Errorf("%s was queried about %s", b.host, q)
		}
	}
}
