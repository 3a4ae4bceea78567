package migrate

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryDelay is the Deliverer's rule for when to send a unit again after
// its attempt-th send (1 for the first) failed with err, for a host that
// runs [DeliveryUnit]s on its own job queue and retries with the queue.
// retry is false when err is not worth retrying: a *[DeliveryError] that
// is not Temporary (a 4xx other than 408 and 429, an invalid inbox, a
// private address). Otherwise the wait is Backoff doubled for each
// attempt after the first, with jitter (half to full), or the inbox's
// Retry-After when longer, and never more than MaxBackoff. Errors that
// are not a *DeliveryError (a job queue's own) count as temporary.
//
// The Deliverer does not count attempts here: bound them with the
// queue's own limit (MaxAttempts, say).
func (d *Deliverer) RetryDelay(attempt int, err error) (wait time.Duration, retry bool) {
	var de *DeliveryError
	if errors.As(err, &de) && !de.Temporary {
		return 0, false
	}
	wait, maxBackoff := d.backoff(attempt)
	if de != nil && de.RetryAfter > wait {
		wait = de.RetryAfter
	}
	return min(wait, maxBackoff), true
}

// backoff returns the wait after the attempt-th send (1 for the first)
// failed: Backoff doubled for each attempt after the first, capped at
// MaxBackoff, with jitter (half to full); and MaxBackoff itself.
func (d *Deliverer) backoff(attempt int) (wait, maxBackoff time.Duration) {
	backoff, maxBackoff := d.Backoff, d.MaxBackoff
	if backoff <= 0 {
		backoff = DefaultBackoff
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	wait = maxBackoff
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 62 {
		if w := backoff << (attempt - 1); w > 0 && w < maxBackoff && w>>(attempt-1) == backoff {
			wait = w
		}
	}
	return wait/2 + rand.N(wait/2+1), maxBackoff // jitter: half to full
}

// maxRetryAfter bounds the Retry-After recorded in a DeliveryError, so
// that a hostile date cannot overflow a duration.
const maxRetryAfter = 30 * 24 * time.Hour

// retryAfter parses the Retry-After header of a temporary failure:
// seconds, or an HTTP date relative to now. It returns 0 for a
// permanent failure, an absent or unparsable header, or a date past.
func retryAfter(temporary bool, h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if !temporary || h == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, maxRetryAfter))
}
