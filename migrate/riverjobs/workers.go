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
	// Progress, when set, is called after each unit with its outcome and
	// error, from one goroutine at a time (Done is 0: count a Move's
	// jobs with [Status]). It should return quickly.
	Progress func(migrate.TransferProgress)

	mu sync.Mutex // serializes Progress
}

// Work runs the job's unit.
func (w *TransferWorker) Work(ctx context.Context, job *river.Job[TransferArgs]) error {
	u := job.Args.Unit()
	if u.Local == "" || u.Origin == "" || u.Target == "" || u.Origin == u.Target {
		return river.JobCancel(fmt.Errorf("riverjobs: invalid transfer unit %+v", u))
	}
	out, err := w.Transfer.Run(ctx, u)
	if w.Progress != nil {
		w.mu.Lock()
		w.Progress(migrate.TransferProgress{Unit: u, Outcome: out, Err: err})
		w.mu.Unlock()
	}
	return err
}

// DeliveryWorker runs [DeliveryArgs] jobs with [migrate.Deliverer.Deliver]:
// a permanent refusal cancels the job, a temporary failure is retried
// after [migrate.Deliverer.RetryDelay] (a backoff from BaseDelay to
// MaxDelay with full jitter, or the inbox's Retry-After when longer),
// until River's MaxAttempts for the job ([Enqueuer.MaxAttempts]).
type DeliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	// Deliverer returns the Deliverer whose Signer signs as actor (the
	// job's sending account). Keep one per actor, or one for all if one
	// key signs for every account: a Deliverer keeps its connections.
	Deliverer func(ctx context.Context, actor string) (*migrate.Deliverer, error)
	// Progress, when set, is called after each delivery with its inbox,
	// activity id and error, from one goroutine at a time (Done and Total
	// are 0: count a Move's jobs with [Status]). It should return
	// quickly.
	Progress func(migrate.DeliveryProgress)

	mu sync.Mutex // serializes Progress
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
		w.mu.Lock()
		w.Progress(migrate.DeliveryProgress{Inbox: u.Inbox, ActivityID: job.Args.ActivityID, Err: err})
		w.mu.Unlock()
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
