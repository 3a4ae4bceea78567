package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

func TestTransferRun(t *testing.T) {
	t.Parallel()
	settings := migrate.FollowSettings{ShowBoosts: false, Notify: true, Languages: []string{"de", "en"}}
	tests := []struct {
		name      string
		setup     func(g *migratetest.Graph)
		want      migrate.Outcome
		wantOld   migrate.Relationship
		wantNew   migrate.Relationship
		wantCalls []string
	}{
		{
			name: "follow moves with settings and lists, then origin unfollowed",
			setup: func(g *migratetest.Graph) {
				g.Set("bob", oldID, migrate.Relationship{Following: true, Settings: settings, Lists: []string{"l1", "l2"}})
			},
			want:      migrate.Outcome{Followed: migrate.FollowAccepted, Unfollowed: true, Lists: 2},
			wantNew:   migrate.Relationship{Following: true, Settings: settings, Lists: []string{"l1", "l2"}},
			wantCalls: []string{"follow bob " + newID, "lists bob " + newID + " [l1 l2]", "unfollow bob " + oldID},
		},
		{
			name: "locked target leaves a pending request",
			setup: func(g *migratetest.Graph) {
				g.Lock(newID)
				g.Set("bob", oldID, migrate.Relationship{Following: true})
			},
			want:      migrate.Outcome{Followed: migrate.FollowPending, Unfollowed: true},
			wantNew:   migrate.Relationship{Requested: true},
			wantCalls: []string{"follow bob " + newID, "unfollow bob " + oldID},
		},
		{
			name: "refused follow keeps the old one",
			setup: func(g *migratetest.Graph) {
				g.Refuse("bob")
				g.Set("bob", oldID, migrate.Relationship{Following: true, Lists: []string{"l1"}})
			},
			want:      migrate.Outcome{Refused: true},
			wantOld:   migrate.Relationship{Following: true, Lists: []string{"l1"}},
			wantCalls: []string{"follow bob " + newID},
		},
		{
			name: "already following the target: no new follow, origin unfollowed",
			setup: func(g *migratetest.Graph) {
				g.Set("bob", oldID, migrate.Relationship{Following: true})
				g.Set("bob", newID, migrate.Relationship{Following: true})
			},
			want:      migrate.Outcome{Followed: migrate.FollowAccepted, Unfollowed: true},
			wantNew:   migrate.Relationship{Following: true},
			wantCalls: []string{"unfollow bob " + oldID},
		},
		{
			// Mastodon's MoveWorker moves followers (accepted follows)
			// only; a request the origin never accepted is not a follow.
			name: "pending request to the origin stays pending, not moved",
			setup: func(g *migratetest.Graph) {
				g.Set("bob", oldID, migrate.Relationship{Requested: true, Settings: settings, Lists: []string{"l1"}})
			},
			wantOld: migrate.Relationship{Requested: true, Settings: settings, Lists: []string{"l1"}},
		},
		{
			name: "pending request kept while a block carries over",
			setup: func(g *migratetest.Graph) {
				g.Set("bob", oldID, migrate.Relationship{Requested: true, Blocking: true})
			},
			want:    migrate.Outcome{Blocked: true},
			wantOld: migrate.Relationship{Requested: true, Blocking: true},
			wantNew: migrate.Relationship{Blocking: true},
		},
		{
			name: "block and mute carry over",
			setup: func(g *migratetest.Graph) {
				g.Set("bob", oldID, migrate.Relationship{Blocking: true, Muting: true, MuteNotifications: true})
			},
			want:    migrate.Outcome{Blocked: true, Muted: true},
			wantOld: migrate.Relationship{Blocking: true, Muting: true, MuteNotifications: true},
			wantNew: migrate.Relationship{Blocking: true, Muting: true, MuteNotifications: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := &migratetest.Graph{}
			tt.setup(g)
			tr := g.Transfer()
			got, err := tr.Run(context.Background(), migrate.TransferUnit{Local: "bob", Origin: oldID, Target: newID})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Outcome (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOld, g.Get("bob", oldID)); diff != "" {
				t.Errorf("old relationship (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNew, g.Get("bob", newID)); diff != "" {
				t.Errorf("new relationship (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, g.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			// Idempotent: running again changes nothing more.
			before := slices.Clone(g.Calls())
			if _, err := tr.Run(context.Background(), migrate.TransferUnit{Local: "bob", Origin: oldID, Target: newID}); err != nil {
				t.Fatal(err)
			}
			if got.Refused {
				before = append(before, "follow bob "+newID) // a refused follow is tried again
			}
			if diff := cmp.Diff(before, g.Calls()); diff != "" {
				t.Errorf("second run (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransferRunTargetItself checks that the target's own account, when
// it is local and followed the origin, is not made to follow itself.
func TestTransferRunTargetItself(t *testing.T) {
	t.Parallel()
	g := &migratetest.Graph{}
	g.Set(newID, oldID, migrate.Relationship{Following: true, Blocking: true})
	got, err := g.Transfer().Run(context.Background(), migrate.TransferUnit{Local: newID, Origin: oldID, Target: newID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(migrate.Outcome{}, got); diff != "" {
		t.Errorf("Outcome (-want +got):\n%s", diff)
	}
	if len(g.Calls()) != 0 {
		t.Errorf("calls %v, want none", g.Calls())
	}
}

func TestTransferRunAllResumes(t *testing.T) {
	t.Parallel()
	g := &migratetest.Graph{}
	for i := range 1200 {
		g.Set(fmt.Sprintf("u%04d", i), oldID, migrate.Relationship{Following: true})
	}
	g.Set("z-blocker", oldID, migrate.Relationship{Blocking: true})
	g.Fail("u0007", 1)
	g.Fail("u0999", 1)
	g.Refuse("u0500")
	tr := g.Transfer()
	tr.Concurrency = 4
	stats, err := tr.RunAll(context.Background(), oldID, newID)
	if err == nil {
		t.Fatal("RunAll with failing units returned no error")
	}
	want := migrate.TransferResult{Units: 1201, Followed: 1197, Refused: 1, Unfollowed: 1197, Blocked: 1, Failed: 2}
	if diff := cmp.Diff(want, *stats); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	// Run again: only what is left is done.
	stats, err = tr.RunAll(context.Background(), oldID, newID)
	if err != nil {
		t.Fatal(err)
	}
	want = migrate.TransferResult{Units: 4, Followed: 2, Refused: 1, Unfollowed: 2}
	if diff := cmp.Diff(want, *stats); diff != "" {
		t.Errorf("second run (-want +got):\n%s", diff)
	}
	if !g.Get("u0007", newID).Following || g.Get("u0007", oldID).Following || !g.Get("u0500", oldID).Following {
		t.Error("state after resume is wrong")
	}
}

func TestTransferMoveLocal(t *testing.T) {
	t.Parallel()
	g := &migratetest.Graph{}
	g.Set("bob", oldID, migrate.Relationship{Following: true, Lists: []string{"l"}})
	g.Set("carol", oldID, migrate.Relationship{Following: true})
	g.Set("carol", newID, migrate.Relationship{Following: true})
	g.Set("dave", oldID, migrate.Relationship{Muting: true})
	stats, err := g.Transfer().MoveLocal(context.Background(), g, oldID, newID)
	if err != nil {
		t.Fatal(err)
	}
	want := migrate.TransferResult{Units: 1, Followed: 1, Muted: 1}
	if diff := cmp.Diff(want, *stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	for _, c := range g.Calls() {
		if c[:6] == "follow" {
			t.Errorf("same-server move federated: %s", c)
		}
	}
	if r := g.Get("bob", newID); !r.Following || !slices.Equal(r.Lists, []string{"l"}) {
		t.Errorf("bob -> new = %+v", r)
	}
}

func TestTransferUnitInvalid(t *testing.T) {
	t.Parallel()
	_, err := (&migratetest.Graph{}).Transfer().Run(context.Background(), migrate.TransferUnit{Local: "bob", Origin: oldID, Target: oldID})
	if err == nil || errors.Is(err, migrate.ErrFollowRefused) {
		t.Errorf("Run(origin == target) = %v", err)
	}
}

// TestTransferProgress checks that Progress gets one value per unit,
// with its outcome and error, from one goroutine at a time.
func TestTransferProgress(t *testing.T) {
	t.Parallel()
	g := &migratetest.Graph{}
	for i := range 40 {
		g.Set(fmt.Sprintf("u%02d", i), oldID, migrate.Relationship{Following: true})
	}
	g.Fail("u03", 1)
	tr := g.Transfer()
	tr.Concurrency = 4
	var inside atomic.Int32
	var overlap atomic.Bool
	var got []migrate.TransferProgress
	tr.Progress = func(p migrate.TransferProgress) {
		if inside.Add(1) > 1 {
			overlap.Store(true)
		}
		time.Sleep(100 * time.Microsecond)
		got = append(got, p)
		inside.Add(-1)
	}
	if _, err := tr.RunAll(context.Background(), oldID, newID); err == nil {
		t.Fatal("RunAll with a failing unit returned no error")
	}
	if overlap.Load() {
		t.Error("Progress called by two goroutines at once")
	}
	if len(got) != 40 {
		t.Fatalf("%d calls, want 40", len(got))
	}
	failed := 0
	for i, p := range got {
		if p.Done != i+1 || p.Unit.Origin != oldID || p.Unit.Target != newID {
			t.Errorf("call %d: %+v", i, p)
		}
		if p.Err != nil {
			failed++
			if p.Unit.Local != "u03" {
				t.Errorf("unit %s failed: %v", p.Unit.Local, p.Err)
			}
		} else if p.Outcome.Followed != migrate.FollowAccepted {
			t.Errorf("unit %s: outcome %+v", p.Unit.Local, p.Outcome)
		}
	}
	if failed != 1 {
		t.Errorf("%d failures reported, want 1", failed)
	}
}
