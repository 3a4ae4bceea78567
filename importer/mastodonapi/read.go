package mastodonapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/internal/backoff"
)

// readMaxWaits bounds the rate-limit waits of one read, as package
// importer's engine bounds those of an action.
const readMaxWaits = 50

// readPolicy is package importer's engine's default retry policy.
var readPolicy = backoff.Policy{
	MaxAttempts:   importer.DefaultMaxAttempts,
	BaseDelay:     importer.DefaultBaseDelay,
	MaxDelay:      importer.DefaultMaxDelay,
	MaxRetryAfter: importer.DefaultMaxRetryAfter,
}

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
		d := e.RetryAfter
		if d > 0 {
			waits++
			if waits > readMaxWaits || d > readPolicy.RetryAfterCap() {
				return nil, err
			}
		} else {
			attempts++
			if attempts >= readPolicy.Attempts() {
				return nil, err
			}
			d = readPolicy.Delay(attempts)
		}
		if err := backoff.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}
