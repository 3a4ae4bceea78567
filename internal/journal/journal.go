package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync"

	"github.com/fediport/fediport/internal/atomicfile"
)

// Limits on what a journal holds.
const (
	// MaxHeaderBytes bounds a journal's header, and so the memory that
	// opening one takes: 64 MiB.
	MaxHeaderBytes = 64 << 20
	// MaxRecordBytes bounds one record's payload: 64 KiB.
	MaxRecordBytes = 64 << 10
)

const magic = "fediport-journal 1"

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	path  string
	f     *os.File
	start int64 // offset of the first record

	mu       sync.Mutex
	cond     *sync.Cond
	end      int64 // length of the synced records' part
	records  int   // records synced
	pending  []byte
	queued   uint64 // records added to pending, in total
	synced   uint64 // records of those on disk
	flushing bool
	closed   bool
	err      error // sticky write error
}

// Open opens the journal at path, bound to header. If there is no file
// at path, or an empty one, it creates the journal holding header (and
// syncs its folder). Otherwise the file's header must equal header
// ([ErrMismatch] if not); its records are checked and a torn last one is
// cut off. The caller must Close the journal.
func Open(path string, header []byte) (*Journal, error) {
	if len(header) > MaxHeaderBytes {
		return nil, fmt.Errorf("journal: header of %d bytes is over MaxHeaderBytes", len(header))
	}
	if bytes.IndexByte(header, '\n') >= 0 {
		return nil, errors.New("journal: header holds a newline")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && fi.Mode().IsRegular() && fi.Size() == 0):
		if err := create(path, header); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j, err := load(f, path, header)
	if err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// create writes a new journal holding only its header, atomically: a
// crash leaves either no journal or a complete header.
func create(path string, header []byte) error {
	err := atomicfile.Write(path, 0o600, func(w io.Writer) error {
		b := make([]byte, 0, len(magic)+1+len(header)+10)
		b = append(b, magic+"\n"...)
		b = appendLine(b, header)
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return fmt.Errorf("journal: creating %s: %w", path, err)
	}
	return nil
}

// load checks f's header against header and its records, cuts a torn
// last record and positions f for appending.
func load(f *os.File, path string, header []byte) (*Journal, error) {
	c, err := decode(f, path, nil)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(c.header, header) {
		return nil, &Error{Path: path, Line: 2, Offset: int64(len(magic) + 1), Err: ErrMismatch}
	}
	if c.torn {
		if err := f.Truncate(c.end); err != nil {
			return nil, fmt.Errorf("journal: %s: dropping a torn record: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("journal: %s: %w", path, err)
		}
	}
	if _, err := f.Seek(c.end, io.SeekStart); err != nil {
		return nil, fmt.Errorf("journal: %s: %w", path, err)
	}
	j := &Journal{path: path, f: f, start: c.start, end: c.end, records: c.records}
	j.cond = sync.NewCond(&j.mu)
	return j, nil
}

// ReadHeader returns the header of the journal at path, so that a job can
// be restarted with exactly what it started with. It checks the magic and
// the header's checksum, not the records.
func ReadHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	return readHeader(&lineReader{br: newReader(f)}, path)
}

// Len returns how many records the journal holds.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.records
}

// Append adds a record holding payload and returns once it is on disk.
// The payload may not hold an LF nor be over [MaxRecordBytes]. Appends
// of concurrent callers share one write and one fsync. After a failed
// write or sync every later Append fails too.
func (j *Journal) Append(payload []byte) error {
	if len(payload) > MaxRecordBytes {
		return fmt.Errorf("journal: record of %d bytes is over MaxRecordBytes", len(payload))
	}
	if bytes.IndexByte(payload, '\n') >= 0 {
		return errors.New("journal: record holds a newline")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if j.err != nil {
		return j.err
	}
	j.pending = appendLine(j.pending, payload)
	j.queued++
	mine := j.queued
	for j.synced < mine && j.err == nil {
		if j.closed {
			return ErrClosed
		}
		if j.flushing {
			j.cond.Wait()
			continue
		}
		j.flush()
	}
	return j.err
}

// flush writes and syncs everything pending, as the leader of a group
// commit. It is called with j.mu held and returns with it held.
func (j *Journal) flush() {
	j.flushing = true
	data, upto := j.pending, j.queued
	n := int(upto - j.synced)
	j.pending = nil
	j.mu.Unlock()
	_, err := j.f.Write(data)
	if err == nil {
		err = j.f.Sync()
	}
	j.mu.Lock()
	j.flushing = false
	if err != nil {
		j.err = fmt.Errorf("journal: writing %s: %w", j.path, err)
	} else {
		j.synced = upto
		j.records += n
		j.end += int64(len(data))
	}
	j.cond.Broadcast()
}

// Replay yields the payloads of the journal's records in the order they
// were appended: those on disk when Replay is called (records appended
// meanwhile are not yielded). It reads the file again, so it may be
// called more than once; each payload is a new slice the caller may keep.
// A record damaged since [Open] checked it ends the sequence with an
// [*Error] wrapping [ErrCorrupt].
func (j *Journal) Replay() iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		j.mu.Lock()
		closed, start, end := j.closed, j.start, j.end
		j.mu.Unlock()
		if closed {
			yield(nil, ErrClosed)
			return
		}
		lr := &lineReader{br: newReader(io.NewSectionReader(j.f, start, end-start)), line: 2, off: start}
		stopped := errors.New("stopped")
		_, _, _, err := decodeRecords(lr, j.path, false, func(p []byte) error {
			if !yield(bytes.Clone(p), nil) {
				return stopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, stopped) {
			yield(nil, err)
		}
	}
}

// Close waits for a write under way and closes the journal's file.
// Closing twice returns nil.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.flushing {
		j.cond.Wait()
	}
	if j.closed {
		return nil
	}
	j.closed = true
	j.cond.Broadcast()
	return j.f.Close()
}
