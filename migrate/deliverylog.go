package migrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/fediport/fediport/internal/journal"
)

// deliveryLogHeader binds a journal file to its use: a file of another
// kind (an importer's journal) fails to open as a DeliveryLog.
const deliveryLogHeader = "fediport migrate delivery log"

// DeliveryLog is the record of the deliveries that succeeded, one per
// (activity id, inbox) pair, in an append-only file, so that a delivery
// run killed midway resumes without sending twice to inboxes that already
// accepted. It is fediport's one crash-safe journal (each record on disk,
// fsync'd, before [DeliveryLog.Record] returns; records of concurrent
// callers share one fsync; a new file's folder synced; a record torn by a
// crash dropped on reopening).
//
// A DeliveryLog is safe for concurrent use. It keeps the set of recorded
// pairs in memory. Files written by fediport before the journal format
// was shared (JSON lines, under the name Journal) are not read: they fail
// to open as corrupt.
type DeliveryLog struct {
	j *journal.Journal

	mu   sync.Mutex
	done map[logKey]struct{}
}

type logKey struct{ activity, inbox string }

type logRecord struct {
	Activity string `json:"activity"`
	Inbox    string `json:"inbox"`
}

// OpenDeliveryLog opens the delivery log at path, creating it if needed,
// and reads the records it holds. A file that is not a delivery log, or
// is damaged elsewhere than in its last record, fails to open.
func OpenDeliveryLog(path string) (*DeliveryLog, error) {
	j, err := journal.Open(path, []byte(deliveryLogHeader))
	if err != nil {
		return nil, fmt.Errorf("migrate: delivery log: %w", err)
	}
	l := &DeliveryLog{j: j, done: map[logKey]struct{}{}}
	n := 0
	for p, err := range j.Replay() {
		n++
		var rec logRecord
		if err == nil {
			if err = json.Unmarshal(p, &rec); err == nil && (rec.Activity == "" || rec.Inbox == "") {
				err = errors.New("empty activity or inbox")
			}
		}
		if err != nil {
			j.Close()
			return nil, fmt.Errorf("migrate: delivery log %s: record %d: %w", path, n, err)
		}
		l.done[logKey{rec.Activity, rec.Inbox}] = struct{}{}
	}
	return l, nil
}

// Delivered reports whether the log records that activity was delivered
// to inbox.
func (l *DeliveryLog) Delivered(activity, inbox string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.done[logKey{activity, inbox}]
	return ok
}

// Len returns the number of pairs recorded.
func (l *DeliveryLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.done)
}

// Record records that activity was delivered to inbox and returns once
// the record is on disk. Recording a pair again writes nothing.
func (l *DeliveryLog) Record(activity, inbox string) error {
	if activity == "" || inbox == "" {
		return errors.New("migrate: delivery log record needs an activity id and an inbox")
	}
	k := logKey{activity, inbox}
	l.mu.Lock()
	_, dup := l.done[k]
	l.mu.Unlock()
	if dup {
		return nil
	}
	p, err := json.Marshal(logRecord{activity, inbox})
	if err != nil {
		return err
	}
	if err := l.j.Append(p); err != nil {
		return fmt.Errorf("migrate: delivery log: %w", err)
	}
	l.mu.Lock()
	l.done[k] = struct{}{}
	l.mu.Unlock()
	return nil
}

// Close closes the log's file.
func (l *DeliveryLog) Close() error { return l.j.Close() }
