package mastodonapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
)

// Retries of the reads behind [Client.ReadState], the policy of package
// importer's engine for actions (importer.DefaultMaxAttempts and so on).
const (
	readAttempts      = 5
	readBaseDelay     = 500 * time.Millisecond
	readMaxDelay      = 30 * time.Second
	readMaxRetryAfter = 15 * time.Minute
	readMaxWaits      = 50
)

// read GETs target as do does, retrying: a rate limit is waited out, up
// to readMaxWaits times and readMaxRetryAfter each; another temporary
// failure is tried again after a jittered exponential backoff, up to
// readAttempts tries.
func (c *Client) read(ctx context.Context, target string, query url.Values, body, out any) (http.Header, error) {
	attempts, waits := 0, 0
	for {
		h, err := c.do(ctx, http.MethodGet, target, query, body, out)
		var e *Error
		if err == nil || !errors.As(err, &e) || !e.Temporary() {
			return h, err
		}
		var d time.Duration
		if wait := e.RetryAfter(); wait > 0 {
			waits++
			if waits > readMaxWaits || wait > readMaxRetryAfter {
				return nil, err
			}
			d = wait
		} else {
			attempts++
			if attempts >= readAttempts {
				return nil, err
			}
			d = min(readBaseDelay<<(attempts-1), readMaxDelay)
			d = rand.N(d) + 1
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}
