package mastodonapitest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

func start(t *testing.T, gts bool) (*mastodonapitest.Server, *mastodonapi.Client, string) {
	t.Helper()
	s := mastodonapitest.New("new.example", "alice", "token")
	s.GoToSocial = gts
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}, srv.URL
}

// TestModes: where Mastodon and GoToSocial differ, each mode answers as
// its server does.
func TestModes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	past := time.Date(2019, 1, 2, 10, 30, 0, 0, time.UTC)
	for _, gts := range []bool{false, true} {
		s, c, _ := start(t, gts)

		// Idempotency-Key: Mastodon answers a repeat with the first
		// status; GoToSocial makes another.
		a, err1 := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "one", IdempotencyKey: "k"})
		b, err2 := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "one", IdempotencyKey: "k"})
		if err1 != nil || err2 != nil || (a.ID == b.ID) == gts || len(s.Statuses()) != map[bool]int{false: 1, true: 2}[gts] {
			t.Errorf("gts=%v: idempotency: %v %v, ids %s %s, %d statuses", gts, err1, err2, a.ID, b.ID, len(s.Statuses()))
		}

		// scheduled_at in the past: backdated on GoToSocial, refused on
		// Mastodon.
		st, err := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "old", ScheduledAt: past})
		if gts && (err != nil || !st.CreatedAt.Equal(past)) || !gts && !errors.Is(err, mastodonapi.ErrRejected) {
			t.Errorf("gts=%v: backdating: %+v, %v", gts, st, err)
		}

		// A second boost: GoToSocial makes another (seen on the
		// interop peer: 200, a new id, reblogs_count 2), Mastodon
		// answers with the first.
		target := s.AddStatus("https://far.example/statuses/1")
		if _, err := c.StatusID(ctx, "https://far.example/statuses/1"); err != nil {
			t.Fatal(err)
		}

		// A backdated reply: to one's own status it is threaded, to
		// another account's refused (GoToSocial imports replies to one's
		// own posts only; see ../shared/peers/gotosocial/README.md).
		if gts {
			own, err1 := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "reply", InReplyToID: st.ID, ScheduledAt: past.Add(time.Hour)})
			_, err2 := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: "reply", InReplyToID: target, ScheduledAt: past.Add(time.Hour)})
			if err1 != nil || own.InReplyToID != st.ID || !errors.Is(err2, mastodonapi.ErrRejected) {
				t.Errorf("backdated replies: own %+v, %v; to another's: %v", own, err1, err2)
			}
			// Mentions likewise: of oneself kept, of another refused.
			for text, ok := range map[string]bool{"hi @alice@new.example": true, "hi @alice": true, "hi @bob@far.example": false, "@alice and @bob": false} {
				_, err := c.PostStatus(ctx, &mastodonapi.NewStatus{Status: text, ScheduledAt: past})
				if ok && err != nil || !ok && !errors.Is(err, mastodonapi.ErrRejected) {
					t.Errorf("backdated %q: %v", text, err)
				}
			}
		}
		b1, err1 := c.Reblog(ctx, target)
		b2, err2 := c.Reblog(ctx, target)
		if err1 != nil || err2 != nil || (b1.ID != b2.ID) != gts || len(s.Boosted()) != map[bool]int{false: 1, true: 2}[gts] {
			t.Errorf("gts=%v: boosts: %v, %v, %v", gts, err1, err2, s.Boosted())
		}

		// The instance says which software it is, to anyone.
		anon := &mastodonapi.Client{BaseURL: c.BaseURL}
		lim, err := anon.ReadInstanceLimits(ctx)
		if err != nil || (lim.SourceURL == "https://github.com/superseriousbusiness/gotosocial") != gts || lim.MaxCharacters == 0 {
			t.Errorf("gts=%v: instance %+v, %v", gts, lim, err)
		}
		if _, err := anon.VerifyCredentials(ctx); !errors.Is(err, mastodonapi.ErrUnauthorized) {
			t.Errorf("gts=%v: verify_credentials without a token: %v", gts, err)
		}
	}
}

// TestFailNext: failures are queued per route, in order, and a 429's
// reset time is written as each server writes it, RateLimitWait ahead.
func TestFailNext(t *testing.T) {
	t.Parallel()
	for _, gts := range []bool{false, true} {
		s, _, url := start(t, gts)
		s.RateLimitWait = 3 * time.Second
		s.FailNext("GET /api/v1/accounts/verify_credentials", mastodonapitest.Fail429Wait, mastodonapitest.Fail500)
		get := func(path string) *http.Response {
			req, _ := http.NewRequest(http.MethodGet, url+path, nil)
			req.Header.Set("Authorization", "Bearer token")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		if r := get("/api/v1/blocks"); r.StatusCode != 200 {
			t.Errorf("gts=%v: another route failed: %s", gts, r.Status)
		}
		before := time.Now()
		r := get("/api/v1/accounts/verify_credentials")
		reset := r.Header.Get("X-RateLimit-Reset")
		var at time.Time
		if gts {
			n, err := strconv.ParseInt(reset, 10, 64)
			if err != nil {
				t.Errorf("GoToSocial's reset %q is not a Unix time", reset)
			}
			at = time.Unix(n, 0)
		} else {
			var err error
			if at, err = time.Parse(time.RFC3339Nano, reset); err != nil {
				t.Errorf("Mastodon's reset %q is not ISO 8601", reset)
			}
		}
		if r.StatusCode != 429 || at.Before(before.Add(3*time.Second-time.Millisecond)) || at.After(before.Add(5*time.Second)) {
			t.Errorf("gts=%v: %s, reset %q (%v from now)", gts, r.Status, reset, at.Sub(before))
		}
		if r := get("/api/v1/accounts/verify_credentials"); r.StatusCode != 500 {
			t.Errorf("gts=%v: second failure: %s", gts, r.Status)
		}
		if r := get("/api/v1/accounts/verify_credentials"); r.StatusCode != 200 {
			t.Errorf("gts=%v: after the failures: %s", gts, r.Status)
		}
		if n := s.Calls()["GET /api/v1/accounts/verify_credentials"]; n != 3 {
			t.Errorf("gts=%v: %d calls counted, want 3 (failed ones too)", gts, n)
		}
		// A status creation that failed is counted, and made nothing.
		s.FailNext("POST /api/v1/statuses", mastodonapitest.Fail500)
		c := &mastodonapi.Client{BaseURL: url, Token: "token"}
		if _, err := c.PostStatus(context.Background(), &mastodonapi.NewStatus{Status: "x"}); !errors.Is(err, mastodonapi.ErrServer) ||
			s.Posts() != 1 || len(s.Statuses()) != 0 {
			t.Errorf("gts=%v: failed post: %v, %d posts, %d statuses", gts, err, s.Posts(), len(s.Statuses()))
		}
	}
}
