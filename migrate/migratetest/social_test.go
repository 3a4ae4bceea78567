package migratetest_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

func TestServedDocuments(t *testing.T) {
	ctx := context.Background()
	s, other := start(t), start(t)
	must[*migratetest.Account](t)(s.CreateAccount("alice", migratetest.Profile{Name: "Alice"}))
	must[*migratetest.Account](t)(other.CreateAccount("bob", migratetest.Profile{}))
	must[migrate.FollowState](t)(other.Follow(ctx, "bob", s.Handle("alice")))
	p := must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{
		Text:  "hello <world>",
		Media: []migratetest.MediaUpload{{MediaType: "image/png", Description: "a dot", Data: []byte("\x89PNG")}},
	}))
	must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{Text: "which?", Poll: &migratetest.Poll{Options: []string{"a", "b"}, EndTime: time.Now().Add(time.Hour)}}))
	must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{Text: "psst", Visibility: migratetest.Direct, Mentions: []string{other.Handle("bob")}}))
	must[*migratetest.Post](t)(s.Boost("alice", p.ID))
	check(t, s.Bookmark("alice", p.ID))
	check(t, s.BlockDomain("alice", "spam.example"))

	c := s.Client()
	// WebFinger and the actor.
	a := must[*activitypub.Actor](t)(c.ResolveActor(ctx, s.Handle("alice")))
	if a.Name != "Alice" || a.SharedInbox() != s.URL+"/inbox" || a.PublicKey == nil {
		t.Errorf("actor: %+v", a)
	}
	// The outbox holds the public post, the poll and the boost, not the DM.
	var types []string
	for it, err := range c.FetchCollection(ctx, a.Outbox) {
		check(t, err)
		var act struct {
			Type   string
			Object json.RawMessage
		}
		check(t, json.Unmarshal(it.Raw, &act))
		types = append(types, act.Type)
	}
	if diff := cmp.Diff([]string{"Create", "Create", "Announce"}, types); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	var followers []string
	for it, err := range c.FetchCollection(ctx, a.Followers) {
		check(t, err)
		followers = append(followers, it.ID)
	}
	if diff := cmp.Diff([]string{other.ActorID("bob")}, followers); diff != "" {
		t.Errorf("followers (-want +got):\n%s", diff)
	}
	resp, err := isolatedClient.Get(p.Media[0].URL)
	check(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "\x89PNG" || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("media: %q %s", body, resp.Header.Get("Content-Type"))
	}
	if got := s.Posts("alice"); len(got) != 4 || got[2].Visibility != migratetest.Direct || got[0].Content != "<p>hello &lt;world&gt;</p>" {
		t.Errorf("posts: %+v", got)
	}
	if diff := cmp.Diff([]string{p.ID}, s.Bookmarks("alice")); diff != "" {
		t.Errorf("bookmarks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"spam.example"}, s.DomainBlocks("alice")); diff != "" {
		t.Errorf("domain blocks (-want +got):\n%s", diff)
	}
	// A deleted account is gone.
	check(t, s.Delete("alice"))
	if _, err := c.FetchActor(ctx, a.ID); !errorsIs(err, activitypub.ErrGone) {
		t.Errorf("deleted actor: %v", err)
	}
}

func TestLockedAccountAndUnfollow(t *testing.T) {
	ctx := context.Background()
	s, other := start(t), start(t)
	must[*migratetest.Account](t)(s.CreateAccount("alice", migratetest.Profile{Locked: true}))
	must[*migratetest.Account](t)(other.CreateAccount("bob", migratetest.Profile{}))
	if st := must[migrate.FollowState](t)(other.Follow(ctx, "bob", s.Handle("alice"))); st != migrate.FollowPending {
		t.Fatalf("follow of a locked account: %v", st)
	}
	if diff := cmp.Diff([]string{other.ActorID("bob")}, s.FollowRequests("alice")); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	check(t, s.Approve(ctx, "alice", other.ActorID("bob")))
	if r := rel(t, other, "bob", s.ActorID("alice")); !r.Following {
		t.Errorf("after approval: %+v", r)
	}
	check(t, other.Unfollow(ctx, "bob", s.Handle("alice")))
	if len(s.Followers("alice")) != 0 || len(other.Following("bob")) != 0 {
		t.Errorf("after unfollow: %v %v", s.Followers("alice"), other.Following("bob"))
	}
}
