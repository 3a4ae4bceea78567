package migratetest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

func start(t *testing.T) *migratetest.Server {
	s := &migratetest.Server{KeyBits: 1024}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rel(t *testing.T, s *migratetest.Server, local, account string) migrate.Relationship {
	t.Helper()
	r, err := s.Relationship(context.Background(), local, account)
	check(t, err)
	return r
}

// TestMoveEndToEnd runs a whole move between three servers on loopback:
// old (alice moves away; erin follows her there), new (alice's new
// account; frank follows the old one from there) and fol (followers).
func TestMoveEndToEnd(t *testing.T) {
	ctx := context.Background()
	old, nw, fol := start(t), start(t), start(t)
	acct := must[*migratetest.Account](t)
	acct(old.CreateAccount("alice", migratetest.Profile{Name: "Alice", Summary: "<p>bio</p>", Fields: [][2]string{{"Pronouns", "she/her"}}, AvatarURL: old.URL + "/media/avatar.png"}))
	acct(old.CreateAccount("erin", migratetest.Profile{}))
	acct(nw.CreateAccount("alice", migratetest.Profile{}))
	acct(nw.CreateAccount("frank", migratetest.Profile{}))
	for _, n := range []string{"bob", "carol", "dave", "gina", "hank", "ivan"} {
		acct(fol.CreateAccount(n, migratetest.Profile{}))
	}
	oldID, newID := old.ActorID("alice"), nw.ActorID("alice")
	oldH, newH := old.Handle("alice"), nw.Handle("alice")

	bobSettings := migrate.FollowSettings{ShowBoosts: false, Notify: true, Languages: []string{"de"}}
	state := must[migrate.FollowState](t)
	if s := state(fol.FollowWith(ctx, "bob", oldH, bobSettings)); s != migrate.FollowAccepted {
		t.Fatalf("bob's follow is %v, want accepted", s)
	}
	state(fol.Follow(ctx, "carol", oldH))
	list := must[*migratetest.List](t)(fol.CreateList("carol", "friends"))
	check(t, fol.AddToList(ctx, "carol", list.ID, oldH))
	check(t, fol.Block(ctx, "dave", oldH))
	state(fol.Follow(ctx, "gina", oldH))
	check(t, fol.Mute(ctx, "gina", oldH, true))
	state(fol.Follow(ctx, "hank", oldH))
	check(t, nw.Block(ctx, "alice", fol.Handle("hank")))
	state(old.Follow(ctx, "erin", "alice"))
	state(nw.Follow(ctx, "frank", oldH))

	oldMover := must[*migrate.Mover](t)(old.Mover("alice"))
	newMover := must[*migrate.Mover](t)(nw.Mover("alice"))
	report := must[*migrate.Report](t)

	// Before the alias, the check says what to do.
	rep := report(old.Checker().Check(ctx, oldH, newH))
	if rep.Ready() || !errors.Is(rep.Err(), activitypub.MoveAliasMissing) || !strings.Contains(rep.Err().Error(), "add "+oldH+" as an alias") {
		t.Fatalf("check before alias: %v", rep.Err())
	}

	// The new account: alias, then profile copy.
	newActor := must[*activitypub.Actor](t)(nw.Actor("alice"))
	res := must[*migrate.Result](t)(newMover.AddAlias(ctx, newActor, oldH))
	if !res.Outgoing.Actor.HasAlias(oldID) {
		t.Fatal("alias not added")
	}
	newActor = must[*activitypub.Actor](t)(nw.Actor("alice"))
	res = must[*migrate.Result](t)(newMover.CopyProfile(ctx, newActor, oldH, migrate.ProfileAvatar|migrate.ProfileHeader|migrate.ProfileFields))
	if diff := cmp.Diff([]string{"name", "summary", "icon", "attachment"}, res.Changed); diff != "" {
		t.Errorf("profile copy changed (-want +got):\n%s", diff)
	}

	rep = report(old.Checker().Check(ctx, oldH, newH))
	if !rep.Ready() {
		t.Fatalf("check after alias: %v", rep.Err())
	}

	// The move.
	oldActor := must[*activitypub.Actor](t)(old.Actor("alice"))
	res = must[*migrate.Result](t)(oldMover.Move(ctx, oldActor, newH))
	if len(res.Deliveries) != 2 {
		t.Fatalf("deliveries: %+v", res.Deliveries)
	}
	for _, d := range res.Deliveries {
		// fol's and new's shared inboxes: followers and dave's block share them.
		if d.Total != 2 || d.Delivered != 2 {
			t.Errorf("delivery report %+v, want 2 shared inboxes", d)
		}
	}
	if res.Transfer == nil || res.Transfer.Followed != 1 {
		t.Errorf("old server's own transfer: %+v", res.Transfer)
	}

	// The old account redirects, over HTTP.
	served := must[*activitypub.Actor](t)(fol.Client().FetchActor(ctx, oldID))
	if served.MovedTo != newID {
		t.Errorf("old account's movedTo = %q", served.MovedTo)
	}
	// The profile was copied.
	servedNew := must[*activitypub.Actor](t)(fol.Client().FetchActor(ctx, newID))
	if servedNew.Name != "Alice" || servedNew.Summary != "<p>bio</p>" || len(servedNew.Attachment) != 1 || servedNew.Icon == nil {
		t.Errorf("new profile: %q %q %+v %+v", servedNew.Name, servedNew.Summary, servedNew.Attachment, servedNew.Icon)
	}

	// Followers' server verified the Move and moved its followers.
	if diff := cmp.Diff([]string{oldID}, fol.ReceivedMoves()); diff != "" {
		t.Errorf("fol's accepted moves (-want +got):\n%s\nlog: %v", diff, fol.Log())
	}
	tests := []struct {
		name            string
		s               *migratetest.Server
		local           string
		wantOld, wantNw migrate.Relationship
	}{
		{"bob keeps his settings", fol, "bob", migrate.Relationship{}, migrate.Relationship{Following: true, Settings: bobSettings}},
		{"carol keeps her list", fol, "carol", migrate.Relationship{}, migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true}, Lists: []string{list.ID}}},
		{"dave's block carries over", fol, "dave", migrate.Relationship{Blocking: true}, migrate.Relationship{Blocking: true}},
		{"gina's mute carries over", fol, "gina", migrate.Relationship{Muting: true, MuteNotifications: true}, migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true}, Muting: true, MuteNotifications: true}},
		{"hank is refused and keeps the old follow", fol, "hank", migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true}}, migrate.Relationship{}},
		{"erin on the old server", old, "erin", migrate.Relationship{}, migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true}}},
		{"frank on the new server", nw, "frank", migrate.Relationship{}, migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.s.ActorID(tt.local)
			if diff := cmp.Diff(tt.wantOld, rel(t, tt.s, id, oldID)); diff != "" {
				t.Errorf("with the old account (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNw, rel(t, tt.s, id, newID)); diff != "" {
				t.Errorf("with the new account (-want +got):\n%s", diff)
			}
		})
	}
	wantFollowers := []string{fol.ActorID("bob"), fol.ActorID("carol"), fol.ActorID("gina"), old.ActorID("erin"), nw.ActorID("frank")}
	slices.Sort(wantFollowers)
	if diff := cmp.Diff(wantFollowers, nw.Followers("alice")); diff != "" {
		t.Errorf("new account's followers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{fol.ActorID("hank")}, old.Followers("alice")); diff != "" {
		t.Errorf("old account's followers (-want +got):\n%s", diff)
	}

	// The old account refuses new follows.
	if _, err := fol.Follow(ctx, "ivan", oldH); !errors.Is(err, migrate.ErrFollowRefused) {
		t.Errorf("following the moved account: %v, want ErrFollowRefused", err)
	}
	// A second move within the cooldown is refused before anything is sent.
	oldActor = must[*activitypub.Actor](t)(old.Actor("alice"))
	if _, err := oldMover.Move(ctx, oldActor, newH); !errors.Is(err, migrate.PreflightAlreadyMoved) || !errors.Is(err, migrate.PreflightCooldown) {
		t.Errorf("moving again: %v", err)
	}
	// Delivering the same Move again (to who still follows: hank's server)
	// is a replay: nothing changes.
	before := nw.Followers("alice")
	res = must[*migrate.Result](t)(oldMover.Resume(ctx, oldActor))
	if res.Deliveries[1].Delivered != 1 || !slices.Equal(before, nw.Followers("alice")) {
		t.Errorf("replay: %+v", res.Deliveries[1])
	}
	if !slices.ContainsFunc(fol.Log(), func(l string) bool { return strings.Contains(l, "already processed") }) {
		t.Errorf("fol did not refuse the replay: %v", fol.Log())
	}
}

func TestSameServerMove(t *testing.T) {
	ctx := context.Background()
	srv, fol := start(t), start(t)
	acct := must[*migratetest.Account](t)
	acct(srv.CreateAccount("alice", migratetest.Profile{Name: "Alice", Locked: true}))
	acct(srv.CreateAccount("alice2", migratetest.Profile{}))
	acct(srv.CreateAccount("erin", migratetest.Profile{}))
	acct(srv.CreateAccount("otto", migratetest.Profile{}))
	acct(srv.CreateAccount("pat", migratetest.Profile{}))
	acct(fol.CreateAccount("bob", migratetest.Profile{}))
	state := must[migrate.FollowState](t)
	state(srv.Follow(ctx, "erin", "alice"))
	check(t, srv.Approve(ctx, "alice", srv.ActorID("erin")))
	// pat's request is never approved: it stays with the old account, as
	// Mastodon moves accepted follows only.
	state(srv.Follow(ctx, "pat", "alice"))
	list := must[*migratetest.List](t)(srv.CreateList("erin", "l"))
	check(t, srv.AddToList(ctx, "erin", list.ID, srv.ActorID("alice")))
	check(t, srv.Mute(ctx, "otto", srv.ActorID("alice"), false))
	state(fol.Follow(ctx, "bob", srv.Handle("alice")))
	check(t, srv.Approve(ctx, "alice", fol.ActorID("bob")))

	m2 := must[*migrate.Mover](t)(srv.Mover("alice2"))
	a2 := must[*activitypub.Actor](t)(srv.Actor("alice2"))
	must[*migrate.Result](t)(m2.AddAlias(ctx, a2, srv.Handle("alice")))

	m := must[*migrate.Mover](t)(srv.Mover("alice"))
	a := must[*activitypub.Actor](t)(srv.Actor("alice"))
	res := must[*migrate.Result](t)(m.MoveLocal(ctx, a, srv.Handle("alice2"), srv))
	if res.Transfer.Followed != 1 || res.Transfer.Muted != 1 {
		t.Errorf("transfer: %+v", res.Transfer)
	}
	id2 := srv.ActorID("alice2")
	if r := rel(t, srv, "erin", id2); !r.Following || !slices.Equal(r.Lists, []string{list.ID}) {
		t.Errorf("erin -> alice2: %+v", r)
	}
	if r := rel(t, srv, "otto", id2); !r.Muting {
		t.Errorf("otto -> alice2: %+v", r)
	}
	if r := rel(t, srv, "pat", id2); r.Following || r.Requested {
		t.Errorf("pat's pending request moved: %+v", r)
	}
	if diff := cmp.Diff([]string{srv.ActorID("pat")}, srv.FollowRequests("alice")); diff != "" {
		t.Errorf("alice's pending requests (-want +got):\n%s", diff)
	}
	// The remote follower still hears of it, through the Move.
	if r := rel(t, fol, "bob", id2); !r.Following {
		t.Errorf("bob -> alice2: %+v; log %v", r, fol.Log())
	}
	if diff := cmp.Diff([]string{srv.ActorID("erin"), fol.ActorID("bob")}, srv.Followers("alice2"), cmp.Transformer("sort", func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s })); diff != "" {
		t.Errorf("alice2's followers (-want +got):\n%s", diff)
	}
}

func TestRedirectAndUndo(t *testing.T) {
	ctx := context.Background()
	old, nw, fol := start(t), start(t), start(t)
	must[*migratetest.Account](t)(old.CreateAccount("alice", migratetest.Profile{}))
	must[*migratetest.Account](t)(nw.CreateAccount("alice", migratetest.Profile{}))
	must[*migratetest.Account](t)(fol.CreateAccount("bob", migratetest.Profile{}))
	must[migrate.FollowState](t)(fol.Follow(ctx, "bob", old.Handle("alice")))
	m := must[*migrate.Mover](t)(old.Mover("alice"))
	a := must[*activitypub.Actor](t)(old.Actor("alice"))
	// No alias needed for a redirect.
	res := must[*migrate.Result](t)(m.Redirect(ctx, a, nw.Handle("alice")))
	if res.Outgoing.Move != nil || len(res.Deliveries) != 1 || res.Deliveries[0].Delivered != 1 {
		t.Errorf("redirect: %+v", res)
	}
	if got := must[*activitypub.Actor](t)(fol.Client().FetchActor(ctx, old.ActorID("alice"))); got.MovedTo != nw.ActorID("alice") {
		t.Errorf("movedTo = %q", got.MovedTo)
	}
	if r := rel(t, fol, "bob", old.ActorID("alice")); !r.Following {
		t.Error("a redirect moved a follower")
	}
	a = must[*activitypub.Actor](t)(old.Actor("alice"))
	must[*migrate.Result](t)(m.Unredirect(ctx, a))
	if got := must[*activitypub.Actor](t)(fol.Client().FetchActor(ctx, old.ActorID("alice"))); got.MovedTo != "" {
		t.Errorf("movedTo after undo = %q", got.MovedTo)
	}
	if _, err := m.Unredirect(ctx, must[*activitypub.Actor](t)(old.Actor("alice"))); !errors.Is(err, migrate.ErrNotRedirected) {
		t.Errorf("undoing twice: %v", err)
	}

	// An alias added, then removed, by address.
	nm := must[*migrate.Mover](t)(nw.Mover("alice"))
	must[*migrate.Result](t)(nm.AddAlias(ctx, must[*activitypub.Actor](t)(nw.Actor("alice")), old.Handle("alice")))
	res = must[*migrate.Result](t)(nm.RemoveAlias(ctx, must[*activitypub.Actor](t)(nw.Actor("alice")), old.Handle("alice")))
	if res.Outgoing.Update == nil {
		t.Error("removing an alias sent no Update")
	}
	if got := must[*activitypub.Actor](t)(fol.Client().FetchActor(ctx, nw.ActorID("alice"))); got.HasAlias(old.ActorID("alice")) || got.AlsoKnownAs == nil {
		t.Errorf("aliases after removal: %v", got.AlsoKnownAs)
	}
}

// TestAttacksOverHTTP sends forged Moves to a real inbox: none changes
// anything.
func TestAttacksOverHTTP(t *testing.T) {
	ctx := context.Background()
	old, nw, fol, evil := start(t), start(t), start(t), start(t)
	must[*migratetest.Account](t)(old.CreateAccount("alice", migratetest.Profile{}))
	must[*migratetest.Account](t)(nw.CreateAccount("alice", migratetest.Profile{}))
	mallory := must[*migratetest.Account](t)(evil.CreateAccount("mallory", migratetest.Profile{}))
	must[*migratetest.Account](t)(fol.CreateAccount("bob", migratetest.Profile{}))
	must[migrate.FollowState](t)(fol.Follow(ctx, "bob", old.Handle("alice")))
	must[migrate.FollowState](t)(fol.Follow(ctx, "bob", evil.Handle("mallory")))
	oldID, newID, malID := old.ActorID("alice"), nw.ActorID("alice"), evil.ActorID("mallory")
	// mallory's own target lists mallory, so only the signature is wrong.
	evilTarget := must[*migratetest.Account](t)(evil.CreateAccount("target", migratetest.Profile{}))
	tm := must[*migrate.Mover](t)(evil.Mover("target"))
	ta := must[*activitypub.Actor](t)(evil.Actor("target"))
	must[*migrate.Result](t)(tm.AddAlias(ctx, ta, oldID))

	send := func(body []byte, signer *activitypub.Signer) int {
		req, _ := http.NewRequest(http.MethodPost, fol.URL+"/inbox", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/activity+json")
		if signer != nil {
			check(t, signer.Sign(req, body))
		}
		resp, err := isolatedClient.Do(req)
		check(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	malSigner := &activitypub.Signer{KeyID: mallory.KeyID, Key: mallory.Key}
	moveOf := func(origin, target string) []byte {
		out, err := migrate.BuildMove(&activitypub.Actor{ID: origin}, target, time.Now())
		check(t, err)
		return out.Move
	}
	tests := []struct {
		name   string
		body   []byte
		signer *activitypub.Signer
		want   int
	}{
		{"unsigned", moveOf(oldID, evilTarget.ID), nil, http.StatusUnauthorized},
		{"signed by another actor", moveOf(oldID, evilTarget.ID), malSigner, http.StatusUnauthorized},
		{"target does not list the origin", moveOf(malID, newID), malSigner, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		if got := send(tt.body, tt.signer); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	if r := rel(t, fol, "bob", oldID); !r.Following {
		t.Error("bob no longer follows alice")
	}
	if r := rel(t, fol, "bob", malID); !r.Following {
		t.Error("bob no longer follows mallory")
	}
	if len(fol.ReceivedMoves()) != 0 || len(fol.Following("bob")) != 2 {
		t.Errorf("store changed: moves %v, bob follows %v", fol.ReceivedMoves(), fol.Following("bob"))
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// TestMoveToLockedAccount: followers of a locked target are left with a
// pending request, which the new account can approve.
func TestMoveToLockedAccount(t *testing.T) {
	ctx := context.Background()
	old, nw, fol := start(t), start(t), start(t)
	must[*migratetest.Account](t)(old.CreateAccount("alice", migratetest.Profile{}))
	must[*migratetest.Account](t)(nw.CreateAccount("alice", migratetest.Profile{Locked: true}))
	must[*migratetest.Account](t)(fol.CreateAccount("bob", migratetest.Profile{}))
	must[migrate.FollowState](t)(fol.Follow(ctx, "bob", old.Handle("alice")))
	nm := must[*migrate.Mover](t)(nw.Mover("alice"))
	must[*migrate.Result](t)(nm.AddAlias(ctx, must[*activitypub.Actor](t)(nw.Actor("alice")), old.Handle("alice")))
	om := must[*migrate.Mover](t)(old.Mover("alice"))
	must[*migrate.Result](t)(om.Move(ctx, must[*activitypub.Actor](t)(old.Actor("alice")), nw.Handle("alice")))

	bob, newID := fol.ActorID("bob"), nw.ActorID("alice")
	if r := rel(t, fol, bob, newID); !r.Requested || r.Following {
		t.Errorf("bob -> new alice: %+v, want a pending request", r)
	}
	if diff := cmp.Diff([]string{bob}, nw.FollowRequests("alice")); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	check(t, nw.Approve(ctx, "alice", bob))
	if r := rel(t, fol, bob, newID); !r.Following {
		t.Errorf("after approval: %+v", r)
	}
}
