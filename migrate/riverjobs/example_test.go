package riverjobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/fediport/fediport/migrate/riverjobs"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// A server that accepted a Move queues the transfer of its three local
// followers on an embedded SQLite queue and runs it.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "riverjobs")
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", sqliteDSN(filepath.Join(dir, "queue.db")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	driver := riversqlite.New(db)

	// Once per database: River's tables, then riverjobs'.
	m, _ := rivermigrate.New(driver, nil)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		fmt.Println(err)
		return
	}
	g := &migratetest.Graph{} // the server's own store
	for _, l := range []string{"bob", "carol", "dave"} {
		g.Set("https://here.example/users/"+l, origin, migrate.Relationship{Following: true})
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &riverjobs.TransferWorker{Transfer: &migrate.Transfer{Graph: g, Follows: g}})
	client, err := river.NewClient(driver, &river.Config{
		Workers: workers,
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Logger:  quietLogger(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := riverjobs.Migrate(ctx, client); err != nil {
		fmt.Println(err)
		return
	}

	// Once a migrate.Receiver accepted the Move: one job per follower,
	// queued in one transaction.
	tx, _ := db.BeginTx(ctx, nil)
	enq, err := (&riverjobs.Enqueuer[*sql.Tx]{Client: client}).Transfer(ctx, tx, accepted(), g)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tx.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("queued %d jobs for %s\n", enq.Jobs, enq.Move)

	if err := client.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer client.Stop(ctx)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		p, err := riverjobs.Status(ctx, client, enq.Move)
		if err != nil {
			fmt.Println(err)
			return
		}
		if p.Finished() {
			fmt.Printf("done %d, failed %d, pending %d\n", p.Done, p.Failed, p.Pending)
			break
		}
	}
	fmt.Println("bob follows the new account:", g.Get("https://here.example/users/bob", target).Following)
	// Output:
	// queued 3 jobs for https://old.example/users/alice#moves/1
	// done 3, failed 0, pending 0
	// bob follows the new account: true
}
