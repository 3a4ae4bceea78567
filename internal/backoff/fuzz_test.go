package backoff_test

import (
	"testing"
	"time"

	"github.com/fediport/fediport/internal/backoff"
)

// FuzzParseRetryAfter feeds hostile Retry-After headers to the parser
// (moved from migrate with the parser): the wait is never negative nor
// longer than 30 days.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "-1", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "Sun, 06 Nov 2994 08:49:37 GMT", " 12 ", "1e3", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, h string) {
		if d := backoff.ParseRetryAfter(h, now); d < 0 || d > 30*24*time.Hour {
			t.Fatalf("Retry-After %q: wait %v", h, d)
		}
	})
}
