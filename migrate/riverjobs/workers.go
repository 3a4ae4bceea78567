package riverjobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fediport/fediport/migrate"
	"github.com/riverqueue/river"
)

// TransferWorker runs [TransferArgs] jobs with a [migrate.Transfer]
// (Graph and Follows set; Lists and Moderation optional; Accounts,
// Concurrency and Progress unused). An invalid unit is cancelled; any
// other error is retried with River's retry policy, the unit being
// idempotent.
type TransferWorker struct {
	river.WorkerDefaults[TransferArgs]
	Transfer *migrate.Transfer
	// Progress, when set, is called after each unit, from the worker's
	// goroutine.
	Progress func(migrate.TransferUnit, migrate.Outcome, error)
}

// Work runs the job's unit.
func (w *TransferWorker) Work(ctx context.Context, job *river.Job[TransferArgs]) error {
	u := job.Args.Unit()
	if u.Local == "" || u.Origin == "" || u.Target == "" || u.Origin == u.Target {
		return river.JobCancel(fmt.Errorf("riverjobs: invalid transfer unit %+v", u))
	}
	out, err := w.Transfer.Run(ctx, u)
	if w.Progress != nil {
		w.Progress(u, out, err)
	}
	return err
}

// DeliveryWorker runs [DeliveryArgs] jobs with [migrate.Deliverer.Deliver]:
// a permanent refusal cancels the job, a temporary failure is retried
// after [migrate.Deliverer.RetryDelay] (Backoff doubled per attempt, or
// the inbox's Retry-After, up to MaxBackoff), until River's MaxAttempts
// for the job ([Options.MaxAttempts]).
type DeliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	// Deliverer returns the Deliverer whose Signer signs as actor (the
	// job's sending account). Keep one per actor, or one for all if one
	// key signs for every account: a Deliverer keeps its connections.
	Deliverer func(ctx context.Context, actor string) (*migrate.Deliverer, error)
	// Progress, when set, is called after each delivery, from the
	// worker's goroutine.
	Progress func(migrate.DeliveryUnit, error)

	// retryAt holds, per job id, the retry time Work chose, for
	// NextRetry, which River calls right after Work failed.
	retryAt sync.Map
}

// Work sends the job's activity to its inbox once.
func (w *DeliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	d, err := w.Deliverer(ctx, job.Args.Actor)
	if err != nil {
		return fmt.Errorf("riverjobs: deliverer for %s: %w", job.Args.Actor, err)
	}
	if d == nil {
		return river.JobCancel(fmt.Errorf("riverjobs: no deliverer for %s", job.Args.Actor))
	}
	u := job.Args.Unit()
	err = d.Deliver(ctx, u)
	if w.Progress != nil {
		w.Progress(u, err)
	}
	if err == nil {
		return nil
	}
	wait, retry := d.RetryDelay(job.Attempt, err)
	if !retry {
		return river.JobCancel(err)
	}
	if job.Attempt < job.MaxAttempts {
		w.retryAt.Store(job.ID, time.Now().Add(wait))
	}
	return err
}

// NextRetry returns the time Work chose for the job's next attempt; zero
// (River's policy) when it chose none.
func (w *DeliveryWorker) NextRetry(job *river.Job[DeliveryArgs]) time.Time {
	if t, ok := w.retryAt.LoadAndDelete(job.ID); ok {
		return t.(time.Time)
	}
	return time.Time{}
}
