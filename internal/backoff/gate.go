package backoff

import (
	"context"
	"sync"
	"time"
)

// Gate holds every worker back until a rate limit resets: a server whose
// limit is per account, not per request, refuses all of them alike. The
// zero value is open. A Gate is safe for concurrent use.
type Gate struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done; nil means [Sleep].
	Sleep func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	until time.Time
}

func (g *Gate) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

// Close keeps the gate shut for d from now, or longer if it already was.
func (g *Gate) Close(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.now().Add(d); t.After(g.until) {
		g.until = t
	}
}

// Wait returns when the gate is open, or when ctx is done with ctx.Err().
func (g *Gate) Wait(ctx context.Context) error {
	sleep := g.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	for {
		g.mu.Lock()
		d := g.until.Sub(g.now())
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}
