package riverjobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

const (
	origin = "https://old.example/users/alice"
	target = "https://new.example/users/alice"
	moveID = origin + "#moves/1"
)

func accepted() *migrate.Accepted {
	return &migrate.Accepted{
		Move:   &activitypub.Move{ID: moveID, Type: "Move", Actor: origin, Object: origin, Target: target},
		Origin: origin,
		Target: &activitypub.Actor{ID: target},
		At:     time.Unix(1, 0),
	}
}

func local(i int) string { return fmt.Sprintf("https://here.example/users/u%04d", i) }

// TestTransfer queues a Move of 300 local followers (one with lists, one
// blocking, one muting, one whose follow is refused, one that fails
// twice) in a transaction, checks that a rollback queues nothing and that
// queuing twice queues each unit once, then runs the jobs and checks the
// graph and the progress.
func TestTransfer(t *testing.T) {
	forDrivers(t, testTransfer[*sql.Tx], testTransfer[pgx.Tx])
}

func testTransfer[TTx any](t *testing.T, e *env[TTx]) {
	ctx := context.Background()
	const n = 300
	g := &migratetest.Graph{}
	for i := range n {
		g.Set(local(i), origin, migrate.Relationship{Following: true, Settings: migrate.FollowSettings{Notify: i%2 == 0}})
	}
	g.Set(local(1), origin, migrate.Relationship{Following: true, Lists: []string{"friends", "work"}})
	g.Set(local(n), origin, migrate.Relationship{Blocking: true})
	g.Set(local(n+1), origin, migrate.Relationship{Muting: true, MuteNotifications: true})
	g.Refuse(local(2))
	g.Fail(local(3), 2)

	ins := e.client(t, nil, nil)
	tx, err := e.begin(ctx)
	must(t, err)
	if _, err := (&riverjobs.Enqueuer[TTx]{Client: ins, BatchSize: 64}).Transfer(ctx, tx, accepted(), g); err != nil {
		t.Fatal(err)
	}
	e.rollback(ctx, tx)
	p, err := riverjobs.Status(ctx, ins, moveID)
	must(t, err)
	if *p != (riverjobs.MoveStatus{}) {
		t.Fatalf("after rollback, progress %+v, want none", p)
	}

	for round, want := range []riverjobs.Enqueued{{Move: moveID, Jobs: n + 2}, {Move: moveID, Duplicates: n + 2}} {
		tx, err := e.begin(ctx)
		must(t, err)
		got, err := (&riverjobs.Enqueuer[TTx]{Client: ins, BatchSize: 64}).Transfer(ctx, tx, accepted(), g)
		must(t, err)
		must(t, e.commit(ctx, tx))
		if *got != want {
			t.Fatalf("enqueue %d: %+v, want %+v", round+1, got, want)
		}
	}
	p, err = riverjobs.Status(ctx, ins, moveID)
	must(t, err)
	if want := (riverjobs.MoveStatus{Total: n + 2, Pending: n + 2}); *p != want {
		t.Fatalf("before running, progress %+v, want %+v", p, want)
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &riverjobs.TransferWorker{Transfer: g.Transfer()})
	c := e.client(t, workers, func(cfg *river.Config) {
		cfg.RetryPolicy = quickRetry{}
	})
	p = waitFinished(t, c, moveID)
	if want := (riverjobs.MoveStatus{Total: n + 2, Done: n + 2}); *p != want {
		t.Fatalf("progress %+v, want %+v", p, want)
	}
	for i := range n {
		l := local(i)
		old, cur := g.Get(l, origin), g.Get(l, target)
		if i == 2 {
			if !old.Following || cur.Following {
				t.Errorf("%s: refused follow: old %+v new %+v, want the old follow kept", l, old, cur)
			}
			continue
		}
		if old.Following || !cur.Following || g.Follows(l) != 1 || g.Unfollows(l) != 1 {
			t.Errorf("%s: old %+v new %+v, %d follows %d unfollows; want moved once", l, old, cur, g.Follows(l), g.Unfollows(l))
		}
		if cur.Settings.Notify != (i%2 == 0) && i != 1 {
			t.Errorf("%s: settings %+v not carried over", l, cur.Settings)
		}
	}
	if got := g.Get(local(1), target).Lists; len(got) != 2 {
		t.Errorf("lists carried over: %v, want friends and work", got)
	}
	if !g.Get(local(n), target).Blocking || !g.Get(local(n+1), target).Muting {
		t.Errorf("block or mute not carried over")
	}
}

// quickRetry retries a failed job after 10 ms, for tests.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}
