package migratetest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/migrate/migratetest"
)

// TestServeClientAPI checks that each account's client API is reached
// with its own token on the server's own host, and that what is posted
// lands on that account alone.
func TestServeClientAPI(t *testing.T) {
	ctx := context.Background()
	s := start(t)
	get := func(path, token string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/api/v2/instance", ""); code != http.StatusNotFound {
		t.Errorf("instance with no client API served: %d, want 404", code)
	}

	apis := map[string]*mastodonapitest.Server{}
	for _, user := range []string{"alice", "bob"} {
		must[*migratetest.Account](t)(s.CreateAccount(user, migratetest.Profile{}))
		apis[user] = mastodonapitest.New(s.Host, user, "token-"+user)
		if err := s.ServeClientAPI(user, apis[user]); err != nil {
			t.Fatal(err)
		}
	}
	for name, err := range map[string]error{
		"unknown account": s.ServeClientAPI("carol", mastodonapitest.New(s.Host, "carol", "token-carol")),
		"no token":        s.ServeClientAPI("alice", mastodonapitest.New(s.Host, "alice", "")),
		"other host":      s.ServeClientAPI("alice", mastodonapitest.New("elsewhere.example", "alice", "token-x")),
		"token taken":     s.ServeClientAPI("alice", mastodonapitest.New(s.Host, "alice", "token-bob")),
	} {
		if err == nil {
			t.Errorf("%s: served", name)
		}
	}

	if code := get("/api/v2/instance", ""); code != http.StatusOK {
		t.Errorf("public instance route: %d, want 200", code)
	}
	if code := get("/api/v1/accounts/verify_credentials", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("an unknown token: %d, want 401", code)
	}
	for user, api := range apis {
		c := &mastodonapi.Client{BaseURL: s.URL, Token: api.Token}
		self, err := c.Self(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := s.Handle(user); self != want {
			t.Errorf("token of %s acts as %s", want, self)
		}
		if _, err := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "hello from " + user}); err != nil {
			t.Fatal(err)
		}
	}
	for user, api := range apis {
		if st := api.Statuses(); len(st) != 1 || st[0].Text != "hello from "+user {
			t.Errorf("%s's statuses: %+v, want its one post", user, st)
		}
	}
	// The ActivityPub side is still served beside the client API.
	if code := get("/users/alice", ""); code != http.StatusOK {
		t.Errorf("actor: %d, want 200", code)
	}
}
