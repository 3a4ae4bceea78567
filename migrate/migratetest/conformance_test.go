package migratetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
)

// The in-memory stores pass the conformance checks a host runs; the
// Graph pages by 50, so that the transfer changes it between pages.
func TestGraphConforms(t *testing.T) {
	t.Parallel()
	migratetest.TestTransferStore(t, func(t *testing.T) (migratetest.Store, migratetest.Seed) {
		g := &migratetest.Graph{PageSize: 50}
		return g, func(local, account string, r migrate.Relationship) error {
			g.Set(local, account, r)
			return nil
		}
	})
}

func TestMovesConforms(t *testing.T) {
	t.Parallel()
	migratetest.TestMoveRecorder(t, func(*testing.T) migrate.MoveRecorder { return &migratetest.Moves{} })
}

// The loopback Server's own MoveRecorder, which its inboxes use, passes
// too.
func TestServerMoveRecorderConforms(t *testing.T) {
	t.Parallel()
	migratetest.TestMoveRecorder(t, func(t *testing.T) migrate.MoveRecorder { return start(t) })
}

func TestGraphInjections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var g migratetest.Graph // the zero value works
	g.Lock("locked")
	g.Refuse("grumpy")
	g.Fail("flaky", 1)
	if st, err := g.Follow(ctx, "a", "locked", migrate.FollowSettings{}); err != nil || st != migrate.FollowPending || !g.Get("a", "locked").Requested {
		t.Errorf("follow of a locked account = %v, %v; want pending", st, err)
	}
	if _, err := g.Follow(ctx, "grumpy", "x", migrate.FollowSettings{}); !errors.Is(err, migrate.ErrFollowRefused) {
		t.Errorf("refused follow = %v", err)
	}
	if _, err := g.Follow(ctx, "flaky", "x", migrate.FollowSettings{}); !errors.Is(err, migratetest.ErrInjected) {
		t.Errorf("failing follow = %v", err)
	}
	if st, err := g.Follow(ctx, "flaky", "x", migrate.FollowSettings{}); err != nil || st != migrate.FollowAccepted {
		t.Errorf("follow after the failure = %v, %v", st, err)
	}
	if g.Follows("flaky") != 1 || g.Follows("grumpy") != 0 {
		t.Errorf("Follows: flaky %d, grumpy %d; want 1 and 0", g.Follows("flaky"), g.Follows("grumpy"))
	}
	if calls := g.Calls(); len(calls) != 4 || calls[0] != "follow a locked" {
		t.Errorf("Calls = %q", calls)
	}
}

func TestGraphRewriteFollows(t *testing.T) {
	t.Parallel()
	var g migratetest.Graph
	g.Set("a", "old", migrate.Relationship{Following: true, Lists: []string{"l"}, Settings: migrate.FollowSettings{Notify: true}})
	g.Set("b", "old", migrate.Relationship{Requested: true})
	g.Set("c", "old", migrate.Relationship{Following: true})
	g.Set("c", "new", migrate.Relationship{Following: true, Lists: []string{"l"}})
	n, err := g.RewriteFollows(context.Background(), "old", "new")
	if err != nil || n != 1 {
		t.Fatalf("RewriteFollows = %d, %v; want 1 (c already follows)", n, err)
	}
	if r := g.Get("a", "new"); !r.Following || !r.Settings.Notify || len(r.Lists) != 1 {
		t.Errorf("a with new: %+v", r)
	}
	if g.Get("a", "old").Following || !g.Get("b", "old").Requested || g.Get("b", "new").Requested {
		t.Error("old follows not ended, or a pending request moved")
	}
	if r := g.Get("c", "new"); len(r.Lists) != 1 {
		t.Errorf("c's lists %v, want one, not duplicated", r.Lists)
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var a migratetest.Accounts
	alice := &activitypub.Actor{ID: "https://x.example/users/alice"}
	if err := a.SaveActor(ctx, alice, time.Time{}); !errors.Is(err, migratetest.ErrNoAccount) {
		t.Errorf("saving an unknown account = %v, want ErrNoAccount", err)
	}
	a.Add(alice)
	moved := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	redirected := *alice
	redirected.MovedTo = "https://y.example/users/alice"
	if err := a.SaveActor(ctx, &redirected, moved); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveActor(ctx, &redirected, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if last, _ := a.LastMove(ctx, alice.ID); !last.Equal(moved) {
		t.Errorf("LastMove = %v, want %v (a save that is not a move keeps it)", last, moved)
	}
	if got := a.Actor(alice.ID); got == nil || got.MovedTo != redirected.MovedTo {
		t.Errorf("Actor = %+v", got)
	}
}
