package riverjobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/fediport/fediport/migrate"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Options are the insert options of the jobs [EnqueueTransfer] and
// [EnqueueDelivery] make. The zero value works.
type Options struct {
	// Queue is the River queue of the jobs; "" means river.QueueDefault.
	Queue string
	// MaxAttempts bounds the runs of each job; 0 means the River
	// client's default (25).
	MaxAttempts int
	// BatchSize is how many jobs go to the database in one statement; 0
	// means 1,000. Memory grows with it, not with the number of jobs.
	BatchSize int
}

func (o Options) batch() int {
	if o.BatchSize <= 0 {
		return 1000
	}
	return o.BatchSize
}

// Enqueued counts the jobs an Enqueue function made for a Move.
type Enqueued struct {
	Move       string // the Move's id, the key of [Progress]
	Jobs       int    // jobs queued
	Duplicates int    // units skipped: their job was already queued
}

// EnqueueTransfer queues one [TransferArgs] job per local account that
// locals streams as related to the accepted Move's origin, in tx: they
// are all queued when tx commits, or none. Enqueuing the same Move again
// (a retry after a failed commit, say) queues only the units not queued
// yet. Call it in the transaction that acts on the acceptance; memory
// does not grow with the number of local accounts. locals is read while
// tx is open: on SQLite with one connection (as River advises), it must
// read through another connection than tx's.
func EnqueueTransfer[TTx any](ctx context.Context, c *river.Client[TTx], tx TTx, a *migrate.Accepted, locals migrate.RelatedAccounts, opts Options) (*Enqueued, error) {
	if c == nil {
		return nil, errors.New("riverjobs: nil River client")
	}
	if a == nil || a.Move == nil || a.Move.ID == "" || a.Origin == "" || a.Target == nil || a.Target.ID == "" {
		return nil, errors.New("riverjobs: accepted Move without id, origin or target")
	}
	e := &enqueuer[TTx]{c: c, tx: tx, opts: opts, res: &Enqueued{Move: a.Move.ID}}
	for local, err := range locals.LocalRelated(ctx, a.Origin) {
		if err != nil {
			return nil, fmt.Errorf("riverjobs: listing local accounts related to %s: %w", a.Origin, err)
		}
		if err := e.add(ctx, TransferArgs{Move: a.Move.ID, Local: local, Origin: a.Origin, Target: a.Target.ID}); err != nil {
			return nil, err
		}
	}
	return e.finish(ctx, KindTransfer)
}

// EnqueueDelivery queues, in tx, one [DeliveryArgs] job per activity of
// out (the Update, then the Move when there is one) and inbox, the
// inboxes deduplicated (see [migrate.Inboxes]). The jobs' Move is the
// Move's id, or the Update's when out carries no Move. Enqueuing the same
// activities again queues only the deliveries not queued yet.
func EnqueueDelivery[TTx any](ctx context.Context, c *river.Client[TTx], tx TTx, out *migrate.Outgoing, inboxes []string, opts Options) (*Enqueued, error) {
	if c == nil {
		return nil, errors.New("riverjobs: nil River client")
	}
	if out == nil || out.Actor == nil || out.Actor.ID == "" || out.Update == nil {
		return nil, errors.New("riverjobs: outgoing activities without actor or update")
	}
	acts := out.Activities()
	ids := make([]string, len(acts))
	for i, act := range acts {
		var probe struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(act, &probe); err != nil || probe.ID == "" {
			return nil, errors.New("riverjobs: activity to deliver has no id")
		}
		ids[i] = probe.ID
	}
	move := ids[len(ids)-1]
	e := &enqueuer[TTx]{c: c, tx: tx, opts: opts, res: &Enqueued{Move: move}}
	seen := make(map[string]struct{}, len(inboxes))
	for _, inbox := range inboxes {
		if _, dup := seen[inbox]; dup || inbox == "" {
			continue
		}
		seen[inbox] = struct{}{}
		for i, act := range acts {
			if err := e.add(ctx, DeliveryArgs{Move: move, Actor: out.Actor.ID, ActivityID: ids[i], Inbox: inbox, Activity: string(act)}); err != nil {
				return nil, err
			}
		}
	}
	return e.finish(ctx, KindDelivery)
}

// enqueuer inserts jobs in batches in one transaction.
type enqueuer[TTx any] struct {
	c     *river.Client[TTx]
	tx    TTx
	opts  Options
	batch []river.InsertManyParams
	res   *Enqueued
}

// insertable is a job's args with its insert options.
type insertable interface {
	river.JobArgs
	river.JobArgsWithInsertOpts
}

func (e *enqueuer[TTx]) add(ctx context.Context, args insertable) error {
	o := args.InsertOpts()
	o.Queue = e.opts.Queue
	o.MaxAttempts = e.opts.MaxAttempts
	e.batch = append(e.batch, river.InsertManyParams{Args: args, InsertOpts: &o})
	if len(e.batch) >= e.opts.batch() {
		return e.flush(ctx)
	}
	return nil
}

func (e *enqueuer[TTx]) flush(ctx context.Context) error {
	if len(e.batch) == 0 {
		return nil
	}
	res, err := e.c.InsertManyTx(ctx, e.tx, e.batch)
	if err != nil {
		return fmt.Errorf("riverjobs: queueing jobs of %s: %w", e.res.Move, err)
	}
	for _, r := range res {
		if r.UniqueSkippedAsDuplicate {
			e.res.Duplicates++
		} else {
			e.res.Jobs++
		}
	}
	e.batch = slices.Delete(e.batch, 0, len(e.batch))
	return nil
}

// finish flushes the last batch and adds the jobs queued to the Move's
// total.
func (e *enqueuer[TTx]) finish(ctx context.Context, kind string) (*Enqueued, error) {
	if err := e.flush(ctx); err != nil {
		return nil, err
	}
	if e.res.Jobs == 0 {
		return e.res, nil
	}
	d := e.c.Driver()
	q := fmt.Sprintf(`INSERT INTO %s (move_id, kind, total) VALUES (%s, %s, %s)
ON CONFLICT (move_id, kind) DO UPDATE SET total = %[1]s.total + excluded.total`,
		movesTable, arg(d, 1), arg(d, 2), arg(d, 3))
	if err := d.UnwrapExecutor(e.tx).Exec(ctx, q, e.res.Move, kind, int64(e.res.Jobs)); err != nil {
		return nil, fmt.Errorf("riverjobs: recording the jobs of %s (was Migrate run?): %w", e.res.Move, err)
	}
	return e.res, nil
}

// arg returns the driver's placeholder for the i-th argument.
func arg[TTx any](d riverdriver.Driver[TTx], i int) string {
	if p := d.ArgPlaceholder(); p == "$" {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}
