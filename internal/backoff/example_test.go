package backoff_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/fediport/fediport/internal/backoff"
)

// A retry loop over one host: the Policy says how long to wait, the
// Breaker puts the host aside after failures in a row.
func Example() {
	p := &backoff.Policy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 8 * time.Second,
		Rand: func(n int64) int64 { return n - 1 }} // the largest wait, for a stable output
	b := &backoff.Breaker{HostFailures: 3}
	for attempt := 1; attempt <= p.Attempts(); attempt++ {
		if err := b.Allow("inbox.example"); err != nil {
			fmt.Println("put aside:", err)
			break
		}
		b.Failure("inbox.example", errors.New("503"))
		if attempt == p.Attempts() {
			break
		}
		wait, _ := p.Wait(attempt, 0)
		fmt.Printf("attempt %d failed, next in up to %v\n", attempt, wait)
	}
	// Output:
	// attempt 1 failed, next in up to 1s
	// attempt 2 failed, next in up to 2s
	// attempt 3 failed, next in up to 4s
	// put aside: host inbox.example failed 3 times in a row (last: 503)
}
