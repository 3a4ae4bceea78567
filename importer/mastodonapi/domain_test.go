package mastodonapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// TestDomain: the account domain comes from /api/v2/instance, else from
// /api/v1/instance's uri, which Akkoma and Pleroma give as a URL and old
// Mastodon as a bare host; it is asked once, and a server that says
// nothing is an ErrUnexpected.
func TestDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	s := mastodonapitest.New("new.example", "alice", "token")
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
	for range 2 {
		if d, err := c.Domain(ctx); d != "new.example" || err != nil {
			t.Errorf("v2 instance: %q, %v", d, err)
		}
	}
	if n := s.Calls()["GET /api/v2/instance"]; n != 1 {
		t.Errorf("the instance was asked %d times, want once", n)
	}

	for _, tt := range []struct{ v1, want string }{
		{`{"uri":"https://akkoma.example"}`, "akkoma.example"},
		{`{"uri":"old.example"}`, "old.example"},
		{`{"uri":""}`, ""},
	} {
		var v1 atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v1/instance" {
				http.NotFound(w, r)
				return
			}
			v1.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(tt.v1))
		}))
		c := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
		d, err := c.Domain(ctx)
		srv.Close()
		if tt.want == "" {
			if !errors.Is(err, mastodonapi.ErrUnexpected) {
				t.Errorf("v1 %s: %q, %v, want ErrUnexpected", tt.v1, d, err)
			}
			continue
		}
		if d != tt.want || err != nil || v1.Load() != 1 {
			t.Errorf("v1 %s: %q, %v (%d calls), want %q", tt.v1, d, err, v1.Load(), tt.want)
		}
	}
}
