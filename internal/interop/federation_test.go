package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// TestFetchGoToSocial resolves a GoToSocial account with WebFinger and
// fetches its actor, its key and its paged outbox, signed by fp.test's
// instance actor; unsigned, GoToSocial refuses the same fetch.
func TestFetchGoToSocial(t *testing.T) {
	peers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	carol := account(t, "carol", "old")
	for i := range 3 {
		carol.call(http.MethodPost, "/api/v1/statuses", url.Values{"status": {fmt.Sprintf("interop post %d", i)}, "visibility": {"public"}}, nil)
	}

	c := env.fp.Client
	wf, err := c.WebFinger(ctx, "@carol@old.test")
	if err != nil {
		t.Fatal(err)
	}
	if wf.Self != carol.actorID() {
		t.Fatalf("WebFinger self = %q, want %q", wf.Self, carol.actorID())
	}
	actor, err := c.FetchActor(ctx, wf.Self)
	if err != nil {
		t.Fatal(err)
	}
	if actor.PreferredUsername != "carol" || actor.PublicKey == nil || actor.Outbox == "" {
		t.Fatalf("actor: %+v", actor)
	}
	key, err := c.ResolveKey(ctx, actor.PublicKey.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if key.Owner != actor.ID {
		t.Errorf("key owner %q, want %q", key.Owner, actor.ID)
	}
	if _, err := activitypub.ParsePublicKeyPEM(key.PublicKeyPem); err != nil {
		t.Errorf("key PEM: %v", err)
	}
	n := 0
	for item, err := range c.FetchCollection(ctx, actor.Outbox) {
		if err != nil {
			t.Fatalf("outbox: %v", err)
		}
		if !strings.Contains(string(item.Raw), `"Create"`) {
			t.Errorf("outbox item %s", item.Raw)
		}
		n++
	}
	if n < 3 {
		t.Errorf("outbox has %d items, want at least the 3 posted", n)
	}
	for _, coll := range []string{actor.Followers, actor.Following} {
		for _, err := range c.FetchCollection(ctx, coll) {
			if err != nil {
				t.Errorf("%s: %v", coll, err)
			}
		}
	}

	unsigned := &activitypub.Client{AllowPrivate: true, AllowHTTP: true}
	_, err = unsigned.FetchActor(ctx, wf.Self)
	var se *activitypub.StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned fetch: %v, want a 401 StatusError", err)
	}
}

// follow makes the fp.test account name follow the GoToSocial account
// g and waits for its Accept.
func follow(t *testing.T, ctx context.Context, name string, g *gts) {
	t.Helper()
	target, err := env.fp.Client.FetchActor(ctx, g.actorID())
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("%s#follows/%d", env.fp.ActorID(name), time.Now().UnixNano())
	act, _ := json.Marshal(map[string]any{
		"@context": activitypub.ActivityStreamsContext,
		"id":       id, "type": "Follow", "actor": env.fp.ActorID(name), "object": target.ID,
	})
	if err := env.fp.Deliver(ctx, name, target.Inbox, act); err != nil {
		t.Fatalf("delivering the Follow: %v", err)
	}
	accepted := func() bool {
		for _, a := range env.fp.Inbox() {
			if a.User == name && a.Type == "Accept" && a.Actor == target.ID {
				return true
			}
		}
		return false
	}
	if err := env.fp.Wait(ctx, accepted); err != nil {
		t.Fatalf("no Accept of %s's follow of %s: %v", name, g.acct, err)
	}
}

// setAlias makes the GoToSocial account g list alias (an account
// address and its actor id) in alsoKnownAs. GoToSocial ignores, without
// an error, an alias it has not resolved yet: resolver, another account
// of g's server, looks it up first. (Were g to look it up, its signed
// fetch would make the alias's server cache g's actor as it is before
// the alias, and refuse a Move to it for a while.) The form field is
// also_known_as_uris, repeated, without brackets.
func setAlias(g, resolver *gts, acct, alias string) {
	g.t.Helper()
	resolver.lookup(acct)
	g.call(http.MethodPost, "/api/v1/accounts/alias", url.Values{"also_known_as_uris": {alias}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := env.fp.Client.FetchActor(ctx, g.actorID())
	if err != nil {
		g.t.Fatal(err)
	}
	if !a.HasAlias(alias) {
		g.t.Fatalf("%s: alias %s not set: %v", g.acct, alias, a.AlsoKnownAs)
	}
}

// TestMoveFromGoToSocial checks with move-check, then moves
// alice@old.test to alice@new.test on GoToSocial: the Move reaches
// fp.test, whose account follows alice@old.test, and migrate.Receiver
// verifies and accepts it live.
func TestMoveFromGoToSocial(t *testing.T) {
	peers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	oldAlice, newAlice := account(t, "alice", "old"), account(t, "alice", "new")
	if _, err := env.fp.AddUser("watcher", false); err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, "watcher", oldAlice)

	keyFile := t.TempDir() + "/instance.pem"
	pemText, err := env.fp.PrivateKeyPEM(InstanceActor)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, keyFile, pemText)
	check := func(args ...string) (int, string) {
		base := []string{"-allow-private", "-json", "-key", keyFile, "-key-id", env.fp.KeyID(InstanceActor)}
		code, out, _ := program(t, "move-check", append(append(base, args...), "@alice@old.test", "@alice@new.test")...)
		return code, out
	}

	// Unsigned: GoToSocial answers 401, which is a problem that says how
	// to sign, not an error.
	code, out, _ := program(t, "move-check", "-allow-private", "@alice@old.test", "@alice@new.test")
	if code != 3 || !strings.Contains(out, "signed fetches") || !strings.Contains(out, "-key") {
		t.Errorf("unsigned move-check: exit %d, want 3 and a problem about signed fetches and -key:\n%s", code, out)
	}
	// Before the alias.
	code, out = check()
	if code != 3 || !strings.Contains(out, "alias") {
		t.Errorf("before the alias: exit %d, want 3 and the missing alias:\n%s", code, out)
	}
	setAlias(newAlice, account(t, "bob", "new"), "alice@old.test", oldAlice.actorID())
	code, out = check()
	if code != 0 || !strings.Contains(out, `"ready": true`) {
		t.Fatalf("after the alias: exit %d, want 0 and ready:\n%s", code, out)
	}

	oldAlice.call(http.MethodPost, "/api/v1/accounts/move", url.Values{"password": {env.tokens["GTS_PASSWORD"]}, "moved_to_uri": {newAlice.actorID()}}, nil)
	moved := func() bool {
		ms, _ := env.fp.Moves()
		for _, m := range ms {
			if m.Origin == oldAlice.actorID() && m.Target.ID == newAlice.actorID() {
				return true
			}
		}
		return false
	}
	if err := env.fp.Wait(ctx, moved); err != nil {
		_, refused := env.fp.Moves()
		t.Fatalf("no Move of alice@old.test accepted: %v (refused: %v)", err, refused)
	}
	if _, refused := env.fp.Moves(); len(refused) > 0 {
		t.Errorf("Moves refused: %v", refused)
	}

	// After the move: the old account already redirects.
	code, out = check()
	if code != 3 || !strings.Contains(out, "already redirects") {
		t.Errorf("after the move: exit %d, want 3 and 'already redirects':\n%s", code, out)
	}
}

// TestMoveToGoToSocial moves an fp.test account, followed by
// bob@new.test, to dave@old.test with migrate.Mover: GoToSocial checks
// the Move and bob ends up following dave@old.test. (dave, not a new.test
// account: new.test must fetch the target freshly, and no test before
// this one makes it fetch dave.)
func TestMoveToGoToSocial(t *testing.T) {
	peers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := env.fp.AddUser("leaver", false); err != nil {
		t.Fatal(err)
	}
	bob, dave := account(t, "bob", "new"), account(t, "dave", "old")
	leaverID := bob.lookup("leaver@fp.test")
	bob.call(http.MethodPost, "/api/v1/accounts/"+leaverID+"/follow", url.Values{}, nil)
	if err := env.fp.Wait(ctx, func() bool { return len(env.fp.Followers("leaver")) > 0 }); err != nil {
		t.Fatalf("bob's follow never reached fp.test: %v", err)
	}
	eventually(t, time.Minute, "bob does not follow leaver@fp.test", func() bool { return bob.relationship(leaverID).Following })

	setAlias(dave, dave, "leaver@fp.test", env.fp.ActorID("leaver"))
	res, err := env.fp.Mover("leaver").Move(ctx, env.fp.Actor("leaver"), "dave@old.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Deliveries {
		if d.Failed > 0 || d.PutAside > 0 || d.Delivered == 0 {
			t.Fatalf("deliveries: %+v", d)
		}
	}
	if got := env.fp.Actor("leaver").MovedTo; got != dave.actorID() {
		t.Errorf("movedTo = %q, want %q", got, dave.actorID())
	}
	daveID := bob.lookup("dave@old.test")
	eventually(t, 90*time.Second, "bob@new.test does not follow dave@old.test after the Move", func() bool {
		return bob.relationship(daveID).Following
	})
}
