package mastodonapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/fediport/fediport/importer"
)

// readMaxWaits bounds the rate-limit waits of one read, as package
// importer's engine bounds those of an action.
const readMaxWaits = 50

// read GETs target as do does, retrying with the defaults of package
// importer's engine: a rate limit is waited out, up to readMaxWaits times
// and [importer.DefaultMaxRetryAfter] each; another temporary failure is
// tried again after a jittered exponential backoff from
// [importer.DefaultBaseDelay] to [importer.DefaultMaxDelay], up to
// [importer.DefaultMaxAttempts] tries.
func (c *Client) read(ctx context.Context, target string, query url.Values, out any) (http.Header, error) {
	attempts, waits := 0, 0
	for {
		h, err := c.do(ctx, http.MethodGet, target, query, nil, out)
		var e *Error
		if err == nil || !errors.As(err, &e) || !e.Temporary() {
			return h, err
		}
		var d time.Duration
		if wait := e.RetryAfter(); wait > 0 {
			waits++
			if waits > readMaxWaits || wait > importer.DefaultMaxRetryAfter {
				return nil, err
			}
			d = wait
		} else {
			attempts++
			if attempts >= importer.DefaultMaxAttempts {
				return nil, err
			}
			d = min(importer.DefaultBaseDelay<<(attempts-1), importer.DefaultMaxDelay)
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
