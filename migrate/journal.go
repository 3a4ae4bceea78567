package migrate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// MaxJournalLine is the longest record a [Journal] file may hold: 64 KiB.
const MaxJournalLine = 64 << 10

// Journal is an append-only file of the deliveries that succeeded, one
// JSON line per (activity id, inbox) pair, so that a delivery run killed
// midway resumes without sending twice to inboxes that already accepted.
// Each record is on disk (fsync'd) before [Journal.Record] returns;
// records of concurrent callers share one fsync. A journal file
// [OpenJournal] creates has its directory synced too.
//
// A Journal is safe for concurrent use. It keeps the set of recorded
// pairs in memory.
type Journal struct {
	f    *os.File
	path string

	mu       sync.Mutex
	cond     *sync.Cond
	done     map[journalKey]struct{}
	pending  []byte
	written  uint64 // records appended to pending, in total
	synced   uint64 // records on disk
	flushing bool
	err      error // sticky write error
}

type journalKey struct{ activity, inbox string }

type journalRecord struct {
	Activity string `json:"activity"`
	Inbox    string `json:"inbox"`
}

// OpenJournal opens the journal at path, creating it if needed, and reads
// the records it holds. A torn last line (a crash mid-write) is dropped
// and cut from the file; any other line that is not a record fails with
// an error wrapping [ErrJournalCorrupt].
func OpenJournal(path string) (*Journal, error) {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("migrate: opening journal: %w", err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A new file's name is only durable once its directory is
		// synced; without it a crash could lose every record.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("migrate: journal %s: %w", path, err)
		}
	}
	done, good, err := readJournal(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrJournalCorrupt, path, err)
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("migrate: journal %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("migrate: journal %s: %w", path, err)
	}
	j := &Journal{f: f, path: path, done: done}
	j.cond = sync.NewCond(&j.mu)
	return j, nil
}

// syncDir fsyncs a directory. Systems that cannot (Windows) are not an
// error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}

// readJournal reads records from r and returns them and the length of the
// well-formed prefix: everything up to the last newline.
func readJournal(r io.Reader) (map[journalKey]struct{}, int64, error) {
	done := make(map[journalKey]struct{})
	br := bufio.NewReaderSize(r, 64<<10)
	var good int64
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxJournalLine {
			return nil, 0, fmt.Errorf("line %d longer than %d bytes", n, MaxJournalLine)
		}
		if err == io.EOF {
			return done, good, nil // a torn last line, if any, is dropped
		}
		if err != nil {
			return nil, 0, err
		}
		var rec journalRecord
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil || rec.Activity == "" || rec.Inbox == "" {
			return nil, 0, fmt.Errorf("line %d is not a record", n)
		}
		done[journalKey{rec.Activity, rec.Inbox}] = struct{}{}
		good += int64(len(line))
	}
}

// Delivered reports whether the journal records that activity was
// delivered to inbox.
func (j *Journal) Delivered(activity, inbox string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.done[journalKey{activity, inbox}]
	return ok
}

// Len returns the number of records.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.done)
}

// Record appends that activity was delivered to inbox and returns once
// the record is on disk. Recording a pair twice writes it once.
func (j *Journal) Record(activity, inbox string) error {
	if activity == "" || inbox == "" {
		return errors.New("migrate: journal record needs an activity id and an inbox")
	}
	line, err := json.Marshal(journalRecord{activity, inbox})
	if err != nil {
		return err
	}
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	k := journalKey{activity, inbox}
	if _, ok := j.done[k]; ok {
		return nil
	}
	j.pending = append(j.pending, line...)
	j.written++
	mine := j.written
	for j.synced < mine && j.err == nil {
		if j.flushing {
			j.cond.Wait()
			continue
		}
		// Become the leader: write and sync everything pending.
		j.flushing = true
		data, upto := j.pending, j.written
		j.pending = nil
		j.mu.Unlock()
		_, werr := j.f.Write(data)
		if werr == nil {
			werr = j.f.Sync()
		}
		j.mu.Lock()
		j.flushing = false
		if werr != nil {
			j.err = fmt.Errorf("migrate: writing journal %s: %w", j.path, werr)
		} else {
			j.synced = upto
		}
		j.cond.Broadcast()
	}
	if j.err != nil {
		return j.err
	}
	j.done[k] = struct{}{}
	return nil
}

// Close closes the journal file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}
