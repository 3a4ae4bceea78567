package riverjobs_test

import (
	"context"
	"database/sql"

	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"
)

// postgresEnv names the variable holding the URL of a PostgreSQL
// database the tests may empty; .ci/run sets it.
const postgresEnv = "FEDIPORT_POSTGRES_URL"

// env is one database behind a River driver.
type env[TTx any] struct {
	driver   riverdriver.Driver[TTx]
	begin    func(context.Context) (TTx, error)
	commit   func(context.Context, TTx) error
	rollback func(context.Context, TTx)
}

// client returns a River client over the env's database, with workers
// (nil: an insert-only client) and quick polling, stopped at the end of
// the test.
func (e *env[TTx]) client(t testing.TB, workers *river.Workers, tune func(*river.Config)) *river.Client[TTx] {
	t.Helper()
	cfg := &river.Config{
		Workers:           workers,
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		TestOnly:          true,
		Logger:            quietLogger(),
	}
	if workers != nil {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 16}}
	}
	if tune != nil {
		tune(cfg)
	}
	c, err := river.NewClient(e.driver, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if workers != nil {
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.Stop(ctx)
		})
	}
	return c
}

// migrateUp runs River's migrations and riverjobs.Migrate.
func migrateUp[TTx any](t testing.TB, d riverdriver.Driver[TTx]) {
	t.Helper()
	ctx := context.Background()
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	c, err := river.NewClient(d, &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := riverjobs.Migrate(ctx, c); err != nil {
		t.Fatal(err)
	}
}

// openSQLite returns a SQLite database in a new file, migrated.
func openSQLite(t testing.TB) *env[*sql.Tx] {
	e, _ := openSQLiteAt(t, filepath.Join(t.TempDir(), "river.db"))
	return e
}

// openSQLiteAt returns the SQLite database in the file at path, migrated.
func openSQLiteAt(t testing.TB, path string) (*env[*sql.Tx], *sql.DB) {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	e := &env[*sql.Tx]{
		driver:   riversqlite.New(db),
		begin:    func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit:   func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback: func(_ context.Context, tx *sql.Tx) { _ = tx.Rollback() },
	}
	migrateUp(t, e.driver)
	return e, db
}

func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
}

// openPostgres returns the database of FEDIPORT_POSTGRES_URL, migrated
// and emptied of jobs, or skips the test when the variable is unset.
func openPostgres(t testing.TB) (*env[pgx.Tx], *pgxpool.Pool) {
	t.Helper()
	url := os.Getenv(postgresEnv)
	if url == "" {
		t.Skipf("%s is not set: no PostgreSQL to test against (.ci/run starts one)", postgresEnv)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	e := &env[pgx.Tx]{
		driver:   riverpgxv5.New(pool),
		begin:    func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit:   func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback: func(ctx context.Context, tx pgx.Tx) { _ = tx.Rollback(ctx) },
	}
	migrateUp(t, e.driver)
	if _, err := pool.Exec(ctx, `TRUNCATE river_job, fediport_river_moves`); err != nil {
		t.Fatal(err)
	}
	return e, pool
}

// forDrivers runs a test body once per driver: SQLite, and PostgreSQL
// when FEDIPORT_POSTGRES_URL is set.
func forDrivers(t *testing.T, onSQLite func(*testing.T, *env[*sql.Tx]), onPostgres func(*testing.T, *env[pgx.Tx])) {
	t.Run("sqlite", func(t *testing.T) { onSQLite(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		e, _ := openPostgres(t)
		onPostgres(t, e)
	})
}

// waitFinished polls the Move's progress until no job is pending, for at
// most a minute.
func waitFinished[TTx any](t testing.TB, c *river.Client[TTx], move string) *riverjobs.MoveStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		p, err := riverjobs.Status(context.Background(), c, move)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total > 0 && p.Finished() {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("move %s not finished after a minute: %+v", move, p)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
