package riverjobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// movesTable holds, per Move and kind of job, how many jobs were queued:
// the total [Status] counts against once River has cleaned completed
// jobs up.
const movesTable = "fediport_river_moves"

// Migrate creates this package's table, which records how many jobs each
// Move queued, if it does not exist yet. Run it once per database, after
// River's own migrations (rivermigrate); it works with PostgreSQL and
// SQLite.
func Migrate[TTx any](ctx context.Context, c *river.Client[TTx]) error {
	if c == nil {
		return errors.New("riverjobs: nil River client")
	}
	q := `CREATE TABLE IF NOT EXISTS ` + movesTable + ` (
	move_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	total BIGINT NOT NULL,
	PRIMARY KEY (move_id, kind)
)`
	if err := c.Driver().GetExecutor().Exec(ctx, q); err != nil {
		return fmt.Errorf("riverjobs: creating %s: %w", movesTable, err)
	}
	return nil
}

// MoveStatus is how far the jobs of a Move got.
type MoveStatus struct {
	Total   int // jobs queued for the Move
	Done    int // completed (River may since have deleted them)
	Failed  int // discarded after their last attempt, or cancelled
	Pending int // to run: available, scheduled, running or to be retried
	// Retrying counts the pending jobs that failed at least once and
	// wait for their next attempt.
	Retrying int
}

// Finished reports whether no job of the Move is left to run.
func (p *MoveStatus) Finished() bool { return p.Pending == 0 }

// Status counts the jobs of a Move by state: the transfer jobs of a Move
// received, or the delivery jobs of a Move sent (see [Enqueued.Move]).
// Failed jobs count as done once River deletes them (after
// river.Config.DiscardedJobRetentionPeriod, 7 days by default).
func Status[TTx any](ctx context.Context, c *river.Client[TTx], move string) (*MoveStatus, error) {
	if c == nil {
		return nil, errors.New("riverjobs: nil River client")
	}
	d := c.Driver()
	ex := d.GetExecutor()
	var p MoveStatus
	var total int64
	q := fmt.Sprintf(`SELECT coalesce(sum(total), 0) FROM %s WHERE move_id = %s`, movesTable, arg(d, 1))
	if err := ex.QueryRow(ctx, q, move).Scan(&total); err != nil {
		return nil, fmt.Errorf("riverjobs: total of %s: %w", move, err)
	}
	match := `args @> jsonb_build_object('move', $1::text)` // served by River's GIN index on args
	if d.DatabaseName() != riverdriver.DatabaseNamePostgres {
		match = `json_extract(args, '$.move') = ?`
	}
	q = `SELECT
	coalesce(sum(CASE WHEN state IN ('discarded', 'cancelled') THEN 1 ELSE 0 END), 0),
	coalesce(sum(CASE WHEN state IN ('available', 'scheduled', 'running', 'retryable', 'pending') THEN 1 ELSE 0 END), 0),
	coalesce(sum(CASE WHEN state = 'retryable' OR (state IN ('available', 'scheduled') AND attempt > 0) THEN 1 ELSE 0 END), 0)
FROM river_job WHERE kind IN ('` + KindTransfer + `', '` + KindDelivery + `') AND ` + match
	var failed, pending, retrying int64
	if err := ex.QueryRow(ctx, q, move).Scan(&failed, &pending, &retrying); err != nil {
		return nil, fmt.Errorf("riverjobs: progress of %s: %w", move, err)
	}
	p.Total, p.Failed, p.Pending, p.Retrying = int(total), int(failed), int(pending), int(retrying)
	p.Done = max(0, p.Total-p.Failed-p.Pending)
	return &p, nil
}
