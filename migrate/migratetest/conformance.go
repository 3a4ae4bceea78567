package migratetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/migrate"
)

// Store is what a [migrate.Transfer] needs from a host: its
// relationships, the local accounts related to an account, and the
// writers of follows, lists, blocks and mutes.
type Store interface {
	migrate.Relationships
	migrate.RelatedAccounts
	migrate.FollowWriter
	migrate.ListWriter
	migrate.ModerationWriter
}

// Seed sets, in a store under test, what the local account local has with
// the account account, directly, as the host's database would hold it:
// creating local and the lists r names as needed.
type Seed func(local, account string, r migrate.Relationship) error

// Accounts used by the conformance checks. Hosts whose accounts must be
// URLs get URLs.
const (
	checkOrigin = "https://origin.example/users/mover"
	checkTarget = "https://target.example/users/mover"
	checkOther  = "https://other.example/users/someone"
)

func checkLocal(i int) string { return fmt.Sprintf("https://local.example/users/u%04d", i) }

// TestTransferStore checks a host's implementation of the store a
// [migrate.Transfer] needs. newStore returns a new, empty store and the
// [Seed] that sets it up; it is called once per check. The checks:
//
//   - relationships read back as seeded, and a missing one is the zero
//     Relationship;
//   - LocalRelated streams every local account that follows, asked to
//     follow, blocks or mutes the account, once each, and no other, and
//     stops when the loop breaks;
//   - blocks, mutes, list additions and unfollows can be repeated;
//   - a whole transfer over 300 local accounts, run with
//     migrate.Transfer.RunAll while LocalRelated streams them, moves
//     every accepted follow (with its settings and lists), block and mute
//     to the target and leaves pending requests alone; run again, it has
//     nothing left to do.
//
// Follows of the target may be accepted or pending, as the host's
// federation decides.
func TestTransferStore(t *testing.T, newStore func(t *testing.T) (Store, Seed)) {
	t.Helper()
	ctx := context.Background()
	seed := func(t *testing.T, s Seed, local, account string, r migrate.Relationship) {
		t.Helper()
		if err := s(local, account, r); err != nil {
			t.Fatalf("seeding %s with %s: %v", local, account, err)
		}
	}
	read := func(t *testing.T, st Store, local, account string) migrate.Relationship {
		t.Helper()
		r, err := st.Relationship(ctx, local, account)
		if err != nil {
			t.Fatalf("Relationship(%s, %s): %v", local, account, err)
		}
		slices.Sort(r.Lists)
		return r
	}

	t.Run("RelationshipsReadBack", func(t *testing.T) {
		st, s := newStore(t)
		follow := migrate.Relationship{Following: true, Settings: migrate.FollowSettings{ShowBoosts: true, Notify: true, Languages: []string{"de", "en"}}, Lists: []string{"list-a", "list-b"}}
		seed(t, s, checkLocal(1), checkOrigin, follow)
		seed(t, s, checkLocal(2), checkOrigin, migrate.Relationship{Blocking: true, Muting: true, MuteNotifications: true})
		seed(t, s, checkLocal(3), checkOrigin, migrate.Relationship{Requested: true})
		if got := read(t, st, checkLocal(1), checkOrigin); !sameRel(got, follow) {
			t.Errorf("follow read back as %+v, want %+v", got, follow)
		}
		if got := read(t, st, checkLocal(2), checkOrigin); !got.Blocking || !got.Muting || !got.MuteNotifications || got.Following {
			t.Errorf("block and mute read back as %+v", got)
		}
		if got := read(t, st, checkLocal(3), checkOrigin); !got.Requested || got.Following {
			t.Errorf("pending request read back as %+v", got)
		}
		if got := read(t, st, checkLocal(1), checkOther); !sameRel(got, migrate.Relationship{}) {
			t.Errorf("missing relationship read as %+v, want the zero Relationship", got)
		}
	})

	t.Run("LocalRelatedOnceEach", func(t *testing.T) {
		st, s := newStore(t)
		want := map[string]bool{}
		kinds := []migrate.Relationship{{Following: true}, {Requested: true}, {Blocking: true}, {Muting: true}}
		for i := range 240 {
			seed(t, s, checkLocal(i), checkOrigin, kinds[i%len(kinds)])
			want[checkLocal(i)] = true
		}
		for i := 1000; i < 1020; i++ {
			seed(t, s, checkLocal(i), checkOther, migrate.Relationship{Following: true})
		}
		got := map[string]int{}
		for local, err := range st.LocalRelated(ctx, checkOrigin) {
			if err != nil {
				t.Fatalf("LocalRelated: %v", err)
			}
			got[local]++
		}
		for l := range want {
			if got[l] != 1 {
				t.Errorf("%s streamed %d times, want once", l, got[l])
			}
		}
		for l := range got {
			if !want[l] {
				t.Errorf("%s streamed, but has nothing with the account", l)
			}
		}
		n := 0
		for _, err := range st.LocalRelated(ctx, checkOrigin) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 3 {
				break // the iterator must stop, not call yield again
			}
		}
	})

	t.Run("WritesRepeat", func(t *testing.T) {
		st, s := newStore(t)
		l := checkLocal(1)
		seed(t, s, l, checkOther, migrate.Relationship{Following: true, Lists: []string{"list-a"}})
		for range 2 {
			if err := st.Block(ctx, l, checkTarget); err != nil {
				t.Fatalf("Block: %v", err)
			}
			if err := st.Mute(ctx, l, checkTarget, true); err != nil {
				t.Fatalf("Mute: %v", err)
			}
			if err := st.AddToLists(ctx, l, checkOther, []string{"list-a"}); err != nil {
				t.Fatalf("AddToLists: %v", err)
			}
		}
		if got := read(t, st, l, checkTarget); !got.Blocking || !got.Muting || !got.MuteNotifications {
			t.Errorf("after Block and Mute: %+v", got)
		}
		if got := read(t, st, l, checkOther); !slices.Equal(got.Lists, []string{"list-a"}) {
			t.Errorf("after adding to a list twice: lists %v, want [list-a]", got.Lists)
		}
		for range 2 {
			if err := st.Unfollow(ctx, l, checkOther); err != nil {
				t.Fatalf("Unfollow: %v", err)
			}
		}
		if got := read(t, st, l, checkOther); got.Following || got.Requested {
			t.Errorf("after Unfollow: %+v", got)
		}
	})

	t.Run("WholeTransfer", func(t *testing.T) {
		st, s := newStore(t)
		const n = 300
		settings := migrate.FollowSettings{Notify: true, Languages: []string{"fr"}}
		for i := range n {
			r := migrate.Relationship{Following: true, Settings: settings}
			if i%3 == 0 {
				r.Lists = []string{"list-a"}
			}
			seed(t, s, checkLocal(i), checkOrigin, r)
		}
		blocker, muter, pending := checkLocal(n), checkLocal(n+1), checkLocal(n+2)
		seed(t, s, blocker, checkOrigin, migrate.Relationship{Blocking: true})
		seed(t, s, muter, checkOrigin, migrate.Relationship{Muting: true})
		seed(t, s, pending, checkOrigin, migrate.Relationship{Requested: true})
		tr := &migrate.Transfer{Graph: st, Follows: st, Lists: st, Moderation: st, Accounts: st, Concurrency: 4}
		stats, err := tr.RunAll(ctx, checkOrigin, checkTarget)
		if err != nil {
			t.Fatalf("RunAll: %v", err)
		}
		if stats.Units != n+3 || stats.Followed+stats.Pending != n || stats.Unfollowed != n || stats.Lists != n/3 || stats.Blocked != 1 || stats.Muted != 1 || stats.Failed != 0 {
			t.Errorf("RunAll stats %+v, want %d units, %d follows moved with %d list memberships, 1 block, 1 mute", stats, n+3, n, n/3)
		}
		for i := range n {
			old, cur := read(t, st, checkLocal(i), checkOrigin), read(t, st, checkLocal(i), checkTarget)
			if old.Following || !(cur.Following || cur.Requested) || cur.Settings.Notify != settings.Notify || !slices.Equal(cur.Settings.Languages, settings.Languages) {
				t.Fatalf("%s: with origin %+v, with target %+v", checkLocal(i), old, cur)
			}
			if i%3 == 0 && !slices.Equal(cur.Lists, []string{"list-a"}) {
				t.Fatalf("%s: target in lists %v, want [list-a]", checkLocal(i), cur.Lists)
			}
		}
		if !read(t, st, blocker, checkTarget).Blocking || !read(t, st, muter, checkTarget).Muting {
			t.Error("block or mute not carried over")
		}
		if r := read(t, st, pending, checkOrigin); !r.Requested {
			t.Errorf("pending request to the origin changed: %+v", r)
		}
		if r := read(t, st, pending, checkTarget); r.Following || r.Requested {
			t.Errorf("pending request moved to the target: %+v", r)
		}
		again, err := tr.RunAll(ctx, checkOrigin, checkTarget)
		if err != nil {
			t.Fatalf("RunAll again: %v", err)
		}
		if again.Followed+again.Pending != 0 || again.Unfollowed != 0 || again.Lists != 0 || again.Blocked != 0 || again.Muted != 0 {
			t.Errorf("RunAll again did something: %+v", again)
		}
	})
}

// sameRel compares relationships, lists in any order, nil and empty
// alike.
func sameRel(a, b migrate.Relationship) bool {
	a.Lists, b.Lists = slices.Sorted(slices.Values(a.Lists)), slices.Sorted(slices.Values(b.Lists))
	return a.Following == b.Following && a.Requested == b.Requested && a.Blocking == b.Blocking &&
		a.Muting == b.Muting && a.MuteNotifications == b.MuteNotifications &&
		a.Settings.ShowBoosts == b.Settings.ShowBoosts && a.Settings.Notify == b.Settings.Notify &&
		slices.Equal(a.Settings.Languages, b.Settings.Languages) && slices.Equal(a.Lists, b.Lists)
}

// TestMoveRecorder checks a host's [migrate.MoveRecorder]: a Move of an
// origin is recorded once per window (a second one within the window is
// refused, one after it accepted), origins do not interfere, and recording
// is atomic: of many concurrent Moves of one origin, exactly one is
// recorded. A recorder that is not atomic lets a replayed Move through.
// newRecorder returns a new, empty recorder; it is called once per check.
func TestMoveRecorder(t *testing.T, newRecorder func(t *testing.T) migrate.MoveRecorder) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	window := migrate.ReplayWindow
	record := func(t *testing.T, r migrate.MoveRecorder, origin string, at time.Time) bool {
		t.Helper()
		ok, err := r.RecordMove(ctx, origin, checkTarget, at, at.Add(-window))
		if err != nil {
			t.Fatalf("RecordMove(%s at %v): %v", origin, at, err)
		}
		return ok
	}

	t.Run("OncePerWindow", func(t *testing.T) {
		r := newRecorder(t)
		if !record(t, r, checkOrigin, t0) {
			t.Fatal("first Move of an origin not recorded")
		}
		if record(t, r, checkOrigin, t0.Add(time.Hour)) {
			t.Error("second Move of an origin within the window recorded")
		}
		if !record(t, r, checkOther, t0.Add(time.Hour)) {
			t.Error("Move of another origin not recorded")
		}
		if !record(t, r, checkOrigin, t0.Add(window+time.Hour)) {
			t.Error("Move of an origin after the window not recorded")
		}
		if record(t, r, checkOrigin, t0.Add(window+2*time.Hour)) {
			t.Error("Move within the window of the last recorded one recorded")
		}
	})

	t.Run("Atomic", func(t *testing.T) {
		r := newRecorder(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		recorded := 0
		for i := range 32 {
			wg.Go(func() {
				ok, err := r.RecordMove(ctx, checkOrigin, checkTarget, t0.Add(time.Duration(i)*time.Millisecond), t0.Add(-window))
				if err != nil {
					t.Errorf("RecordMove: %v", err)
				}
				if ok {
					mu.Lock()
					recorded++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if recorded != 1 {
			t.Errorf("%d of 32 concurrent Moves of one origin recorded, want exactly 1", recorded)
		}
	})
}
