package riverjobs_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// Environment of the worker processes the multi-process tests start:
// this test binary again, which TestMain turns into a worker.
const (
	workerEnv     = "RIVERJOBS_TEST_WORKER" // "postgres" or "sqlite": run as a worker process
	workerDBEnv   = "RIVERJOBS_TEST_DB"     // the URL or SQLite file
	followersEnv  = "RIVERJOBS_FOLLOWERS"   // followers the multi-process tests move
	maxWorkersEnv = "RIVERJOBS_TEST_MAX_WORKERS"
)

func TestMain(m *testing.M) {
	if kind := os.Getenv(workerEnv); kind != "" {
		if err := workerProcess(kind, os.Getenv(workerDBEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// sqlGraph is a server's followers in a table of the queue's own
// database, shared by every worker process: each row a local account
// following the origin or the target, with the follows and unfollows
// made for it counted, so that a unit run twice shows.
type sqlGraph struct {
	db     *sql.DB
	pg     bool
	target string
}

const graphPrefix = "https://here.example/users/u"

func (g *sqlGraph) q(s string) string {
	if g.pg {
		return s
	}
	return regexp.MustCompile(`\$\d+`).ReplaceAllString(s, "?")
}

// reset makes n local accounts that follow the origin.
func (g *sqlGraph) reset(ctx context.Context, n int) error {
	for _, s := range []string{
		`DROP TABLE IF EXISTS riverjobs_test_followers`,
		`CREATE TABLE riverjobs_test_followers (id BIGINT PRIMARY KEY, origin BOOLEAN NOT NULL, target BOOLEAN NOT NULL, follows INTEGER NOT NULL, unfollows INTEGER NOT NULL)`,
	} {
		if _, err := g.db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	fill := `INSERT INTO riverjobs_test_followers SELECT i, true, false, 0, 0 FROM generate_series(0, $1 - 1) AS i`
	if !g.pg {
		fill = `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) INSERT INTO riverjobs_test_followers SELECT i, true, false, 0, 0 FROM s`
	}
	_, err := g.db.ExecContext(ctx, fill, n)
	return err
}

func (g *sqlGraph) id(local string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(local, graphPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(local, graphPrefix) {
		return 0, fmt.Errorf("no local account %s", local)
	}
	return id, nil
}

func (g *sqlGraph) Relationship(ctx context.Context, local, account string) (migrate.Relationship, error) {
	id, err := g.id(local)
	if err != nil {
		return migrate.Relationship{}, err
	}
	var o, t bool
	err = g.db.QueryRowContext(ctx, g.q(`SELECT origin, target FROM riverjobs_test_followers WHERE id = $1`), id).Scan(&o, &t)
	if err == sql.ErrNoRows {
		return migrate.Relationship{}, nil
	}
	if account == g.target {
		return migrate.Relationship{Following: t}, err
	}
	return migrate.Relationship{Following: o}, err
}

func (g *sqlGraph) LocalRelated(ctx context.Context, _ string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		after := int64(-1)
		for {
			rows, err := g.db.QueryContext(ctx, g.q(`SELECT id FROM riverjobs_test_followers WHERE origin AND id > $1 ORDER BY id LIMIT 5000`), after)
			if err != nil {
				yield("", err)
				return
			}
			var page []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					yield("", err)
					return
				}
				page = append(page, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				yield("", err)
				return
			}
			if len(page) == 0 {
				return
			}
			for _, id := range page {
				if !yield(graphPrefix+strconv.FormatInt(id, 10), nil) {
					return
				}
			}
			after = page[len(page)-1]
		}
	}
}

func (g *sqlGraph) Follow(ctx context.Context, local, _ string, _ migrate.FollowSettings) (migrate.FollowState, error) {
	id, err := g.id(local)
	if err != nil {
		return 0, err
	}
	_, err = g.db.ExecContext(ctx, g.q(`UPDATE riverjobs_test_followers SET target = true, follows = follows + 1 WHERE id = $1`), id)
	return migrate.FollowAccepted, err
}

func (g *sqlGraph) Unfollow(ctx context.Context, local, _ string) error {
	id, err := g.id(local)
	if err != nil {
		return err
	}
	_, err = g.db.ExecContext(ctx, g.q(`UPDATE riverjobs_test_followers SET origin = false, unfollows = unfollows + 1 WHERE id = $1`), id)
	return err
}

// check returns the followers not moved exactly once.
func (g *sqlGraph) check(ctx context.Context) (total, wrong int, err error) {
	err = g.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN origin OR NOT target OR follows <> 1 OR unfollows <> 1 THEN 1 ELSE 0 END), 0) FROM riverjobs_test_followers`).Scan(&total, &wrong)
	return total, wrong, err
}

// workerClientConfig is the River configuration of a worker process:
// jobs of a killed process are rescued after 5 s (River's rescuer looks
// every 30 s).
func workerClientConfig(workers *river.Workers) *river.Config {
	n, _ := strconv.Atoi(os.Getenv(maxWorkersEnv))
	if n <= 0 {
		n = 100
	}
	return &river.Config{
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}},
		FetchCooldown:        10 * time.Millisecond,
		FetchPollInterval:    200 * time.Millisecond,
		JobTimeout:           4 * time.Second,
		RescueStuckJobsAfter: 5 * time.Second,
		Logger:               quietLogger(),
	}
}

// workerProcess runs transfer jobs until its stdin closes or it gets
// SIGTERM; it prints "ready" once it works.
func workerProcess(kind, db string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go func() { // the parent closing stdin
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	var start func(*river.Workers) (func(context.Context) error, error)
	g := &sqlGraph{target: target}
	switch kind {
	case "postgres":
		pool, err := pgxpool.New(ctx, db)
		if err != nil {
			return err
		}
		defer pool.Close()
		g.db, g.pg = stdlib.OpenDBFromPool(pool), true
		start = func(ws *river.Workers) (func(context.Context) error, error) {
			c, err := river.NewClient(riverpgxv5.New(pool), workerClientConfig(ws))
			if err != nil {
				return nil, err
			}
			return c.Stop, c.Start(ctx)
		}
	case "sqlite":
		sdb, err := sql.Open("sqlite", sqliteDSN(db))
		if err != nil {
			return err
		}
		defer sdb.Close()
		sdb.SetMaxOpenConns(1)
		g.db = sdb
		start = func(ws *river.Workers) (func(context.Context) error, error) {
			c, err := river.NewClient(riversqlite.New(sdb), workerClientConfig(ws))
			if err != nil {
				return nil, err
			}
			return c.Stop, c.Start(ctx)
		}
	default:
		return fmt.Errorf("unknown worker kind %q", kind)
	}
	ws := river.NewWorkers()
	river.AddWorker(ws, &riverjobs.TransferWorker{Transfer: &migrate.Transfer{Graph: g, Follows: g}})
	stopClient, err := start(ws)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = stopClient(sctx)
	// The peak resident memory of this process. The kernel's rusage of
	// a child also counts its parent's memory at the fork (os/exec forks
	// with the parent's memory shared until exec), the status file does
	// not.
	if status, rerr := os.ReadFile("/proc/self/status"); rerr == nil {
		if m := regexp.MustCompile(`VmHWM:\s*(\d+) kB`).FindSubmatch(status); m != nil {
			fmt.Println("peak-rss-kb", string(m[1]))
		}
	}
	return err
}

// worker is a worker process.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	peakKB chan int64 // the peak RSS it reports as it stops
}

// startWorker starts a worker process and waits for it to be ready.
func startWorker(t testing.TB, kind, db string) *worker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+kind, workerDBEnv+"="+db)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	w := &worker{cmd: cmd, stdin: stdin, peakKB: make(chan int64, 1)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
		for {
			line, err := r.ReadString('\n')
			if kb, ok := strings.CutPrefix(strings.TrimSpace(line), "peak-rss-kb "); ok {
				n, _ := strconv.ParseInt(kb, 10, 64)
				w.peakKB <- n
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("worker process failed to start")
		}
	case <-time.After(time.Minute):
		t.Fatal("worker process not ready after a minute")
	}
	return w
}

// stop asks the worker to stop and returns its peak resident memory.
func (w *worker) stop(t testing.TB) (maxRSS int64) {
	t.Helper()
	_ = w.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- w.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("worker process: %v", err)
		}
	case <-time.After(time.Minute):
		_ = w.cmd.Process.Kill()
		t.Fatal("worker process did not stop within a minute")
	}
	select {
	case kb := <-w.peakKB:
		return kb * 1024
	case <-time.After(5 * time.Second):
		t.Error("worker process did not report its peak memory")
		return 0
	}
}

// followers returns the number of followers of the multi-process tests.
func followers(t testing.TB, def int) int {
	if s := os.Getenv(followersEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", followersEnv, s)
		}
		return n
	}
	return def
}

// moveRun is one move of the multi-process tests.
type moveRun struct {
	procs    int
	kill     bool // SIGKILL the first worker a third of the way
	enqueue  time.Duration
	run      time.Duration
	maxRSS   int64 // the largest peak RSS of the worker processes
	progress riverjobs.MoveStatus
	rescued  int // jobs run more than once
}

// runMove moves n followers held in g's table with procs worker
// processes, and checks that each moved exactly once.
func runMove[TTx any](t testing.TB, e *env[TTx], g *sqlGraph, kind, db string, n int, r *moveRun) {
	t.Helper()
	ctx := context.Background()
	must(t, g.reset(ctx, n))
	ins := e.client(t, nil, nil)
	start := time.Now()
	tx, err := e.begin(ctx)
	must(t, err)
	enq, err := (&riverjobs.Enqueuer[TTx]{Client: ins, BatchSize: 2000}).Transfer(ctx, tx, accepted(), g)
	if err != nil {
		e.rollback(ctx, tx)
		t.Fatal(err)
	}
	must(t, e.commit(ctx, tx))
	r.enqueue = time.Since(start)
	if enq.Jobs != n {
		t.Fatalf("queued %d jobs, want %d", enq.Jobs, n)
	}

	start = time.Now()
	ws := make([]*worker, r.procs)
	for i := range ws {
		ws[i] = startWorker(t, kind, db)
	}
	killed := !r.kill
	deadline := time.Now().Add(5*time.Minute + time.Duration(n)*2*time.Millisecond)
	poll := 500 * time.Millisecond // each poll scans the Move's jobs
	if n > 100_000 {
		poll = 2 * time.Second
	}
	for {
		p, err := riverjobs.Status(ctx, ins, enq.Move)
		must(t, err)
		r.progress = *p
		if p.Finished() {
			break
		}
		if !killed && p.Done >= n/3 {
			must(t, ws[0].cmd.Process.Signal(syscall.SIGKILL))
			_ = ws[0].cmd.Wait()
			killed = true
			t.Logf("killed worker process %d with SIGKILL at %d/%d done", ws[0].cmd.Process.Pid, p.Done, p.Total)
		}
		if time.Now().After(deadline) {
			t.Fatalf("move not finished by the deadline: %+v", p)
		}
		time.Sleep(poll)
	}
	r.run = time.Since(start)
	for i, w := range ws {
		if i == 0 && r.kill {
			continue
		}
		r.maxRSS = max(r.maxRSS, w.stop(t))
	}
	q := `SELECT count(*) FROM river_job WHERE kind = '` + riverjobs.KindTransfer + `' AND attempt > 1`
	must(t, e.driver.GetExecutor().QueryRow(ctx, q).Scan(&r.rescued))

	total, wrong, err := g.check(ctx)
	must(t, err)
	if total != n || wrong != 0 {
		t.Errorf("%d of %d followers not moved exactly once", wrong, total)
	}
	if want := (riverjobs.MoveStatus{Total: n, Done: n}); r.progress != want {
		t.Errorf("progress %+v, want %+v", r.progress, want)
	}
}

// TestWorkerProcessesKill moves the followers (RIVERJOBS_FOLLOWERS,
// default 20,000) of an account held in a PostgreSQL table with two
// worker processes on one PostgreSQL queue, kills one with SIGKILL a third
// of the way, and checks that every follower was followed and unfollowed
// exactly once and that River ran the killed process's jobs again.
func TestWorkerProcessesKill(t *testing.T) {
	e, pool := openPostgres(t)
	g := &sqlGraph{db: stdlib.OpenDBFromPool(pool), pg: true, target: target}
	n := followers(t, 20_000)
	r := &moveRun{procs: 2, kill: true}
	runMove(t, e, g, "postgres", os.Getenv(postgresEnv), n, r)
	t.Logf("%d followers: queued in %v, moved in %v (%.0f/s) by 2 processes, one killed; %d jobs run again; peak RSS of the surviving worker %.1f MB",
		n, r.enqueue.Round(time.Millisecond), r.run.Round(time.Millisecond), float64(n)/r.run.Seconds(), r.rescued, float64(r.maxRSS)/(1<<20))
	if r.rescued == 0 {
		t.Error("no job ran twice: the killed process had none running, and the test proved nothing")
	}
}

// BenchmarkWorkerProcesses moves RIVERJOBS_FOLLOWERS followers (default
// 20,000) with 1 and 2 worker processes on SQLite (one file) and
// PostgreSQL, and reports units/s and the peak RSS of a worker process.
// Run it with -benchtime=1x.
func BenchmarkWorkerProcesses(b *testing.B) {
	n := followers(b, 20_000)
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("sqlite/procs=%d", procs), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "queue.db")
			e, _ := openSQLiteAt(b, path)
			// The followers are read while the queuing transaction holds
			// the queue's one connection: through a connection of their own.
			db, err := sql.Open("sqlite", sqliteDSN(path))
			must(b, err)
			defer db.Close()
			benchMove(b, e, &sqlGraph{db: db, target: target}, "sqlite", path, n, procs)
		})
		b.Run(fmt.Sprintf("postgres/procs=%d", procs), func(b *testing.B) {
			e, pool := openPostgres(b)
			benchMove(b, e, &sqlGraph{db: stdlib.OpenDBFromPool(pool), pg: true, target: target}, "postgres", os.Getenv(postgresEnv), n, procs)
		})
	}
}

func benchMove[TTx any](b *testing.B, e *env[TTx], g *sqlGraph, kind, db string, n, procs int) {
	var run time.Duration
	var rss int64
	for b.Loop() {
		r := &moveRun{procs: procs}
		runMove(b, e, g, kind, db, n, r)
		if _, err := g.db.Exec(`DELETE FROM river_job`); err != nil {
			b.Fatal(err)
		}
		run += r.run
		rss = max(rss, r.maxRSS)
	}
	b.ReportMetric(float64(n*b.N)/run.Seconds(), "units/s")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
}
