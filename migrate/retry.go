package migrate

import (
	"errors"
	"time"
)

// RetryDelay is the Deliverer's rule for when to send a unit again after
// its attempt-th send (1 for the first) failed with err, for a host that
// runs [DeliveryUnit]s on its own job queue and retries with the queue.
// retry is false when err is not worth retrying: a *[DeliveryError] that
// is not Temporary (a 4xx other than 408 and 429, an invalid inbox, a
// private address). Otherwise the wait is drawn at random up to BaseDelay
// doubled for each attempt after the first, capped at MaxDelay ("full
// jitter"), or is the inbox's Retry-After when that is longer, however
// long (up to the 30 days a DeliveryError records): a job queue can wait,
// so MaxRetryAfter, which bounds the waits within one run of
// [Deliverer.DeliverAll], does not apply. Errors that are not a
// *DeliveryError (a job queue's own) count as temporary.
//
// The Deliverer does not count attempts here: bound them with the
// queue's own limit (MaxAttempts, say).
func (d *Deliverer) RetryDelay(attempt int, err error) (wait time.Duration, retry bool) {
	var de *DeliveryError
	var after time.Duration
	if errors.As(err, &de) {
		if !de.temporary {
			return 0, false
		}
		after = de.RetryAfter
	}
	p := d.policy()
	p.MaxRetryAfter = max(p.MaxRetryAfter, after)
	return p.Wait(attempt, after)
}
