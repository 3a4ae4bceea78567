package interop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// TestGoToSocialBoostsTwice: a second reblog of a status on GoToSocial
// makes a second boost (200, another id, reblogs_count 2); it is not
// refused, and Mastodon's "answer with the first boost" does not hold.
// mastodonapitest's GoToSocial mode answers the same calls the same way.
func TestGoToSocialBoostsTwice(t *testing.T) {
	peers(t)
	carol, dave := account(t, "carol", "old"), account(t, "dave", "old")
	var orig struct {
		ID string `json:"id"`
	}
	carol.call(http.MethodPost, "/api/v1/statuses", url.Values{"status": {"boost me twice"}, "visibility": {"public"}}, &orig)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	live := &mastodonapi.Client{BaseURL: dave.base, Token: dave.token}
	b1, err1 := live.Reblog(ctx, orig.ID)
	b2, err2 := live.Reblog(ctx, orig.ID)
	var st struct {
		ReblogsCount int `json:"reblogs_count"`
	}
	dave.call(http.MethodGet, "/api/v1/statuses/"+orig.ID, nil, &st)
	if err1 != nil || err2 != nil || b1.ID == b2.ID || st.ReblogsCount != 2 {
		t.Fatalf("GoToSocial: boosts %+v, %v; %+v, %v; reblogs_count %d", b1, err1, b2, err2, st.ReblogsCount)
	}

	s := mastodonapitest.New("old.test", "dave", "token")
	s.GoToSocial = true
	srv := httptest.NewServer(s)
	defer srv.Close()
	target := s.AddStatus("http://old.test/users/carol/statuses/" + orig.ID)
	fake := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
	if _, err := fake.StatusID(ctx, "http://old.test/users/carol/statuses/"+orig.ID); err != nil {
		t.Fatal(err)
	}
	f1, err1 := fake.Reblog(ctx, target)
	f2, err2 := fake.Reblog(ctx, target)
	if err1 != nil || err2 != nil || f1.ID == f2.ID || len(s.Boosted()) != 2 {
		t.Errorf("mastodonapitest as GoToSocial differs: %+v, %v; %+v, %v; boosted %v", f1, err1, f2, err2, s.Boosted())
	}
}
