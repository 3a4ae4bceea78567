// Command move-jobs moves the followers of an account on a job queue:
// it accepts a Move of an account with N local followers, queues one
// River job per follower in one transaction, runs the jobs with a pool of
// workers, shows progress and prints the result, and checks that every
// follower now follows the new account and no longer the old.
//
//	go run ./examples/move-jobs [-n 100000] [-workers 100] [-database URL] [-quiet]
//
// Progress goes to standard error: a live bar on a terminal, a line
// every few seconds otherwise; -quiet turns it off.
//
// By default the queue is an embedded SQLite database in a temporary
// file; -database postgres://... runs the same on PostgreSQL (River's and
// riverjobs' tables are created when missing). -database FILE keeps the
// SQLite database in FILE. The followers live in memory in this
// program; a server keeps them in its own database.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"
)

//go:embed main.go
var source string

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// newProgress returns the progress shown on w; tests replace it to see
// every line.
var newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgress(w, "follower", "") }

func run(args []string, stdout, stderr io.Writer) int {
	cmd := cli.New("move-jobs", source, stdout, stderr)
	fs := cmd.Flags
	n := fs.Int("n", 100_000, "local followers of the account that moves")
	workers := fs.Int("workers", 100, "jobs run at once")
	database := fs.String("database", "", "postgres://... URL, or a SQLite file (default: a temporary one)")
	quiet := cmd.QuietFlag()
	rest, err := cmd.Parse(args)
	switch {
	case err != nil:
	case len(rest) > 0:
		err = cli.Usagef("unexpected argument %q: move-jobs takes flags only", rest[0])
	case *n < 1:
		err = cli.Usagef("-n must be at least 1, not %d", *n)
	case *workers < 1:
		err = cli.Usagef("-workers must be at least 1, not %d", *workers)
	}
	if err != nil {
		return cmd.Exit(err)
	}
	// The progress starts when the workers do, so that its rate is theirs.
	progress := func() *cli.Progress {
		if *quiet {
			return nil
		}
		return newProgress(stderr)
	}
	ctx := context.Background()
	if strings.HasPrefix(*database, "postgres://") || strings.HasPrefix(*database, "postgresql://") {
		var pool *pgxpool.Pool
		if pool, err = pgxpool.New(ctx, *database); err == nil {
			defer pool.Close()
			err = moveFollowers(ctx, riverpgxv5.New(pool), pool.Begin, *n, *workers, "PostgreSQL", stdout, progress)
		}
	} else {
		path := *database
		if path == "" {
			dir, derr := os.MkdirTemp("", "move-jobs")
			if derr != nil {
				return cmd.Exit(derr)
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "queue.db")
		}
		var db *sql.DB
		if db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"); err == nil {
			defer db.Close()
			db.SetMaxOpenConns(1) // as River advises for SQLite
			begin := func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) }
			err = moveFollowers(ctx, riversqlite.New(db), begin, *n, *workers, "SQLite", stdout, progress)
		}
	}
	return cmd.Exit(err)
}

// moveFollowers runs the whole demonstration on one River driver.
// begin starts a transaction: a pgx.Tx or an *sql.Tx. The jobs' progress
// goes to the one newProgress returns as they start (nil: none shown).
func moveFollowers[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], begin func(context.Context) (TTx, error), n, workers int, dbName string, stdout io.Writer, newProgress func() *cli.Progress) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("running River's migrations: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ins, err := river.NewClient(driver, &river.Config{Logger: logger})
	if err != nil {
		return err
	}
	if err := riverjobs.Migrate(ctx, ins); err != nil {
		return err
	}

	// A Move as a migrate.Receiver accepts it; each run moves another
	// account, so that its jobs are not duplicates of an earlier run's.
	now := time.Now()
	origin := fmt.Sprintf("https://old.example/users/demo%d", now.UnixNano())
	target := "https://new.example/users/demo"
	acc := &migrate.Accepted{
		Move:   activitypub.NewMove(activitypub.MoveID(origin, now.Unix()), origin, target),
		Origin: origin,
		Target: &activitypub.Actor{ID: target},
		At:     now,
	}
	g := newGraph(n, target)

	// The receiving side: queue the Move's units in one transaction.
	start := time.Now()
	tx, err := begin(ctx)
	if err != nil {
		return err
	}
	enq, err := (&riverjobs.Enqueuer[TTx]{Client: ins}).Transfer(ctx, tx, acc, g)
	if err != nil {
		_ = rollback(ctx, tx)
		return err
	}
	if err := commit(ctx, tx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s queue: %s of %s queued in %.2f s\n", dbName, cli.Plural(int64(enq.Jobs), "follower", ""), origin, time.Since(start).Seconds())

	// The workers: in this process here; any number of processes and
	// machines sharing the database in production.
	ws := river.NewWorkers()
	river.AddWorker(ws, &riverjobs.TransferWorker{Transfer: &migrate.Transfer{Graph: g, Follows: g}})
	c, err := river.NewClient(driver, &river.Config{
		Logger:        logger,
		Workers:       ws,
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		FetchCooldown: 10 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	run := time.Now()
	progress := newProgress()
	defer progress.Finish() // on an error; cleared before the result too
	if err := c.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(stopCtx)
	}()
	// Polled often enough for a live line on a terminal, once a second
	// otherwise (progress writes a plain line every few seconds only).
	every := time.Second
	if progress.Live() {
		every = 200 * time.Millisecond
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var p *riverjobs.MoveStatus
	for {
		if p, err = riverjobs.Status(ctx, c, enq.Move); err != nil {
			return err
		}
		progress.Set(int64(p.Done+p.Failed), int64(p.Total))
		if p.Finished() {
			break
		}
		<-tick.C
	}
	progress.Finish()
	took := time.Since(run)
	moved, left := g.count()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "done: %d/%d done, %d failed, in %.2f s (%.0f followers/s, %s)\n",
		p.Done, p.Total, p.Failed, took.Seconds(), float64(p.Done)/took.Seconds(), cli.Plural(int64(workers), "worker", ""))
	fmt.Fprintf(stdout, "followers of the new account: %d; still following the old one: %d\n", moved, left)
	if moved != n || left != 0 || p.Done != n {
		return errors.New("not every follower moved")
	}
	return nil
}

func commit(ctx context.Context, tx any) error {
	switch tx := tx.(type) {
	case interface{ Commit(context.Context) error }:
		return tx.Commit(ctx)
	case interface{ Commit() error }:
		return tx.Commit()
	}
	return fmt.Errorf("cannot commit a %T", tx)
}

func rollback(ctx context.Context, tx any) error {
	switch tx := tx.(type) {
	case interface{ Rollback(context.Context) error }:
		return tx.Rollback(ctx)
	case interface{ Rollback() error }:
		return tx.Rollback()
	}
	return fmt.Errorf("cannot roll back a %T", tx)
}

// graph is a server's followers in memory: n local accounts following
// the origin, their state one word each.
type graph struct {
	state  []atomic.Uint32 // bit 0: follows the origin, bit 1: follows the target
	target string
}

const localPrefix = "https://here.example/users/u"

func newGraph(n int, target string) *graph {
	g := &graph{state: make([]atomic.Uint32, n), target: target}
	for i := range g.state {
		g.state[i].Store(1)
	}
	return g
}

func (g *graph) at(local string) (*atomic.Uint32, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(local, localPrefix))
	if err != nil || i < 0 || i >= len(g.state) || !strings.HasPrefix(local, localPrefix) {
		return nil, fmt.Errorf("no local account %s", local)
	}
	return &g.state[i], nil
}

func (g *graph) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	s, err := g.at(local)
	if err != nil {
		return migrate.Relationship{}, err
	}
	bit := uint32(1)
	if account == g.target {
		bit = 2
	}
	return migrate.Relationship{Following: s.Load()&bit != 0}, nil
}

func (g *graph) LocalRelated(context.Context, string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for i := range g.state {
			if g.state[i].Load()&1 != 0 && !yield(localPrefix+strconv.Itoa(i), nil) {
				return
			}
		}
	}
}

func (g *graph) Follow(_ context.Context, local, _ string, _ migrate.FollowSettings) (migrate.FollowState, error) {
	s, err := g.at(local)
	if err != nil {
		return 0, err
	}
	s.Or(2)
	return migrate.FollowAccepted, nil
}

func (g *graph) Unfollow(_ context.Context, local, _ string) error {
	s, err := g.at(local)
	if err != nil {
		return err
	}
	s.And(^uint32(1))
	return nil
}

// count returns how many locals follow the target, and the origin.
func (g *graph) count() (target, origin int) {
	for i := range g.state {
		s := g.state[i].Load()
		if s&2 != 0 {
			target++
		}
		if s&1 != 0 {
			origin++
		}
	}
	return target, origin
}
