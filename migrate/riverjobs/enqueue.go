package riverjobs

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fediport/fediport/migrate"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// DefaultBatchSize is how many jobs an [Enqueuer] sends to the database
// in one statement when its BatchSize is 0.
const DefaultBatchSize = 1000

// Enqueuer turns a Move into River jobs, in the caller's transaction: the
// transfer of a Move received ([Enqueuer.Transfer]) and the delivery of a
// Move sent ([Enqueuer.Delivery]). Set Client; the zero value of every
// other field works.
type Enqueuer[TTx any] struct {
	// Client is the River client the jobs are inserted with. Required.
	Client *river.Client[TTx]
	// Queue is the River queue of the jobs; "" means river.QueueDefault.
	Queue string
	// MaxAttempts bounds the runs of each job; 0 means the River
	// client's default (25).
	MaxAttempts int
	// BatchSize is how many jobs go to the database in one statement
	// (default [DefaultBatchSize]). Memory grows with it, not with the
	// number of jobs.
	BatchSize int
}

// Enqueued counts the jobs an [Enqueuer] made for a Move.
type Enqueued struct {
	Move       string // the Move's id, the key of [Status]
	Jobs       int    // jobs queued
	Duplicates int    // units skipped: their job was already queued
}

// Transfer queues one [TransferArgs] job per local account that locals
// streams as related to the accepted Move's origin, in tx: they are all
// queued when tx commits, or none. Enqueuing the same Move again (a retry
// after a failed commit, say) queues only the units not queued yet. Call
// it in the transaction that acts on the acceptance; memory does not grow
// with the number of local accounts. locals is read while tx is open: on
// SQLite with one connection (as River advises), it must read through
// another connection than tx's.
func (e *Enqueuer[TTx]) Transfer(ctx context.Context, tx TTx, a *migrate.Accepted, locals migrate.RelatedAccounts) (*Enqueued, error) {
	if e.Client == nil {
		return nil, errors.New("riverjobs: nil River client")
	}
	if a == nil || a.Move == nil || a.Move.ID == "" || a.Origin == "" || a.Target == nil || a.Target.ID == "" {
		return nil, errors.New("riverjobs: accepted Move without id, origin or target")
	}
	b := &batch[TTx]{e: e, tx: tx, res: &Enqueued{Move: a.Move.ID}}
	for local, err := range locals.LocalRelated(ctx, a.Origin) {
		if err != nil {
			return nil, fmt.Errorf("riverjobs: listing local accounts related to %s: %w", a.Origin, err)
		}
		if err := b.add(ctx, TransferArgs{Move: a.Move.ID, Local: local, Origin: a.Origin, Target: a.Target.ID}); err != nil {
			return nil, err
		}
	}
	return b.finish(ctx, KindTransfer)
}

// Delivery queues, in tx, one [DeliveryArgs] job per activity of out (the
// Update, then the Move when there is one) and inbox, the inboxes
// deduplicated (see [migrate.Inboxes]). The jobs' Move is the Move's id,
// or the Update's when out carries no Move. Enqueuing the same activities
// again queues only the deliveries not queued yet.
func (e *Enqueuer[TTx]) Delivery(ctx context.Context, tx TTx, out *migrate.Outgoing, inboxes []string) (*Enqueued, error) {
	if e.Client == nil {
		return nil, errors.New("riverjobs: nil River client")
	}
	if out == nil || out.Actor == nil || out.Actor.ID == "" || out.Update == nil {
		return nil, errors.New("riverjobs: outgoing activities without actor or update")
	}
	acts := out.Activities()
	ids := make([]string, len(acts))
	for i, act := range acts {
		id, err := migrate.ActivityID(act)
		if err != nil {
			return nil, fmt.Errorf("riverjobs: %w", err)
		}
		ids[i] = id
	}
	move := ids[len(ids)-1]
	b := &batch[TTx]{e: e, tx: tx, res: &Enqueued{Move: move}}
	seen := make(map[string]struct{}, len(inboxes))
	for _, inbox := range inboxes {
		if _, dup := seen[inbox]; dup || inbox == "" {
			continue
		}
		seen[inbox] = struct{}{}
		for i, act := range acts {
			if err := b.add(ctx, DeliveryArgs{Move: move, Actor: out.Actor.ID, ActivityID: ids[i], Inbox: inbox, Activity: string(act)}); err != nil {
				return nil, err
			}
		}
	}
	return b.finish(ctx, KindDelivery)
}

// batch inserts an Enqueuer's jobs in batches in one transaction.
type batch[TTx any] struct {
	e    *Enqueuer[TTx]
	tx   TTx
	jobs []river.InsertManyParams
	res  *Enqueued
}

// insertable is a job's args with its insert options.
type insertable interface {
	river.JobArgs
	river.JobArgsWithInsertOpts
}

func (b *batch[TTx]) add(ctx context.Context, args insertable) error {
	o := args.InsertOpts()
	o.Queue = b.e.Queue
	o.MaxAttempts = b.e.MaxAttempts
	b.jobs = append(b.jobs, river.InsertManyParams{Args: args, InsertOpts: &o})
	size := b.e.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	if len(b.jobs) >= size {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch[TTx]) flush(ctx context.Context) error {
	if len(b.jobs) == 0 {
		return nil
	}
	res, err := b.e.Client.InsertManyTx(ctx, b.tx, b.jobs)
	if err != nil {
		return fmt.Errorf("riverjobs: queueing jobs of %s: %w", b.res.Move, err)
	}
	for _, r := range res {
		if r.UniqueSkippedAsDuplicate {
			b.res.Duplicates++
		} else {
			b.res.Jobs++
		}
	}
	b.jobs = slices.Delete(b.jobs, 0, len(b.jobs))
	return nil
}

// finish flushes the last batch and adds the jobs queued to the Move's
// total.
func (b *batch[TTx]) finish(ctx context.Context, kind string) (*Enqueued, error) {
	if err := b.flush(ctx); err != nil {
		return nil, err
	}
	if b.res.Jobs == 0 {
		return b.res, nil
	}
	d := b.e.Client.Driver()
	q := fmt.Sprintf(`INSERT INTO %s (move_id, kind, total) VALUES (%s, %s, %s)
ON CONFLICT (move_id, kind) DO UPDATE SET total = %[1]s.total + excluded.total`,
		movesTable, arg(d, 1), arg(d, 2), arg(d, 3))
	if err := d.UnwrapExecutor(b.tx).Exec(ctx, q, b.res.Move, kind, int64(b.res.Jobs)); err != nil {
		return nil, fmt.Errorf("riverjobs: recording the jobs of %s (was Migrate run?): %w", b.res.Move, err)
	}
	return b.res, nil
}

// arg returns the driver's placeholder for the i-th argument.
func arg[TTx any](d riverdriver.Driver[TTx], i int) string {
	if p := d.ArgPlaceholder(); p == "$" {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}
