package importer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"

	"github.com/fediport/fediport/internal/atomicfile"
)

// Journal errors. A [*JournalError] carries the file and line and
// unwraps to one of these.
var (
	// ErrJournalMismatch means the journal was written for another plan.
	ErrJournalMismatch = errors.New("importer: journal belongs to another plan")
	// ErrJournalCorrupt means the journal is not one fediport wrote, or
	// was damaged somewhere other than its last record.
	ErrJournalCorrupt = errors.New("importer: journal corrupt")
)

// MaxJournalPlanBytes bounds the plan stored in a journal's header, and
// so the memory reading a journal takes.
const MaxJournalPlanBytes = 64 << 20

// maxRecordBytes bounds one journal record; recorded error messages are
// cut to fit.
const (
	maxRecordBytes  = 16 << 10
	maxRecordErrMsg = 4 << 10
)

const journalMagic = "fediport-importer-journal 1"

// JournalError is an error reading a journal, with its position.
type JournalError struct {
	Path string
	// Line is the 1-based line of the journal, or 0 for the whole file.
	Line int
	Err  error
}

// Error returns "path:line: message".
func (e *JournalError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error, such as [ErrJournalMismatch].
func (e *JournalError) Unwrap() error { return e.Err }

// Journal is an append-only file recording the outcome of each finished
// action of one plan, so an [Engine.Apply] killed mid-way and started
// again with the same plan and journal does not start over.
//
// The file starts with a header holding the plan itself and a SHA-256
// hash of it: a journal is refused ([ErrJournalMismatch]) for any other
// plan, and [ReadJournalPlan] recovers the plan for a restart (a plan
// recomputed from the account after a partial import would differ).
// Then comes one line per finished action: its index and key in the
// plan, whether it succeeded, the error if not, and a CRC-32 of the
// line. Each record is synced to disk before the action counts as done.
// A last record cut short by a crash is dropped when the journal is
// opened again; damage anywhere else is [ErrJournalCorrupt].
//
// # Semantics
//
// Resuming is at least once per action, and recorded exactly once: an
// action that reached the destination but was not yet journaled when the
// process died is applied again on restart. That is harmless for
// destinations that are idempotent, as the Mastodon API is (follow,
// block, mute, bookmark and list membership are find-or-create), and
// nothing recorded is ever repeated or skipped. Failures are recorded
// too and are not retried on restart; they come back in
// [Result.Failed], with a [*RecordedError].
//
// A Journal must not be used by two processes, or two Apply calls, at
// once.
type Journal struct {
	path     string
	f        *os.File
	hash     string
	plan     *Plan
	outcomes map[int]journalRecord
}

type journalRecord struct {
	ok  bool
	msg string
}

type journalHeader struct {
	Hash string `json:"hash"`
	Plan *Plan  `json:"plan"`
}

type journalLine struct {
	Index int    `json:"i"`
	Key   string `json:"key"`
	OK    bool   `json:"ok"`
	Err   string `json:"err,omitempty"`
}

// planHash returns the hex SHA-256 of plan's JSON encoding and that
// encoding.
func planHash(plan *Plan) (string, []byte, error) {
	b, err := json.Marshal(plan)
	if err != nil {
		return "", nil, fmt.Errorf("importer: encoding plan: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b, nil
}

// OpenJournal opens the journal at path for plan, creating it (with a
// header binding it to plan) if it does not exist or is empty. An
// existing journal must have been created for an identical plan. The
// caller must Close it.
func OpenJournal(path string, plan *Plan) (*Journal, error) {
	if plan == nil {
		return nil, errors.New("importer: nil plan")
	}
	hash, planJSON, err := planHash(plan)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && fi.Size() == 0):
		if err := createJournal(path, hash, planJSON); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("importer: journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("importer: journal: %w", err)
	}
	j := &Journal{path: path, f: f, outcomes: map[int]journalRecord{}}
	if err := j.load(plan, hash); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// createJournal writes a new journal holding only its header, atomically:
// a crash leaves either no journal or a complete header.
func createJournal(path, hash string, planJSON []byte) error {
	if len(planJSON) > MaxJournalPlanBytes {
		return fmt.Errorf("importer: journal: plan encodes to %d bytes, over MaxJournalPlanBytes", len(planJSON))
	}
	err := atomicfile.Write(path, 0o600, func(w io.Writer) error {
		var b bytes.Buffer
		b.WriteString(journalMagic + "\n")
		b.WriteString(`{"hash":"` + hash + `","plan":`)
		b.Write(planJSON)
		b.WriteString("}\n")
		_, err := w.Write(b.Bytes())
		return err
	})
	if err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	return nil
}

// readHeader reads the magic line and the header of a journal.
func readHeader(br *bufio.Reader, path string) (*journalHeader, int64, error) {
	magic, err := readLine(br, len(journalMagic)+1)
	if err != nil || string(magic) != journalMagic {
		return nil, 0, &JournalError{Path: path, Line: 1, Err: fmt.Errorf("%w: not a journal", ErrJournalCorrupt)}
	}
	line, err := readLine(br, MaxJournalPlanBytes+128)
	if err != nil {
		return nil, 0, &JournalError{Path: path, Line: 2, Err: fmt.Errorf("%w: header: %v", ErrJournalCorrupt, err)}
	}
	var h journalHeader
	if err := json.Unmarshal(line, &h); err != nil || h.Plan == nil {
		return nil, 0, &JournalError{Path: path, Line: 2, Err: fmt.Errorf("%w: header: %v", ErrJournalCorrupt, err)}
	}
	got, _, err := planHash(h.Plan)
	if err != nil || got != h.Hash {
		return nil, 0, &JournalError{Path: path, Line: 2, Err: fmt.Errorf("%w: header hash does not match its plan", ErrJournalCorrupt)}
	}
	return &h, int64(len(magic) + 1 + len(line) + 1), nil
}

// readLine reads one LF-terminated line of at most max bytes, without
// the LF. A line without its LF yields io.ErrUnexpectedEOF.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > max+1 {
			return nil, errors.New("line too long")
		}
		if err == nil {
			return line[:len(line)-1], nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(line) == 0 {
				return nil, io.EOF
			}
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
}

// ReadJournalPlan returns the plan stored in the journal at path, so an
// interrupted import can be resumed with exactly the plan it started.
func ReadJournalPlan(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("importer: journal: %w", err)
	}
	defer f.Close()
	h, _, err := readHeader(bufio.NewReader(f), path)
	if err != nil {
		return nil, err
	}
	return h.Plan, nil
}

// load checks the header against plan, reads the records and drops a
// torn last record.
func (j *Journal) load(plan *Plan, hash string) error {
	st, err := decodeJournal(j.f, j.path, plan, hash)
	if err != nil {
		return err
	}
	if st.torn {
		if err := j.f.Truncate(st.end); err != nil {
			return fmt.Errorf("importer: journal: dropping torn record: %w", err)
		}
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("importer: journal: %w", err)
		}
	}
	if _, err := j.f.Seek(st.end, io.SeekStart); err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	j.hash, j.plan, j.outcomes = hash, plan, st.outcomes
	return nil
}

// journalState is what a journal's bytes say.
type journalState struct {
	outcomes map[int]journalRecord
	// end is the length of the intact part: the header and the whole
	// records. New records are appended there.
	end int64
	// torn reports that the last record is cut short or damaged and
	// must be dropped (the file cut at end).
	torn bool
}

// decodeJournal reads a journal from r (the whole file) for plan, whose
// hash is hash. It does no I/O but reading r, so it can be fuzzed on
// bytes.
func decodeJournal(r io.Reader, path string, plan *Plan, hash string) (journalState, error) {
	br := bufio.NewReader(r)
	h, off, err := readHeader(br, path)
	if err != nil {
		return journalState{}, err
	}
	if h.Hash != hash {
		return journalState{}, &JournalError{Path: path, Err: fmt.Errorf("%w (journal plan %.12s, %d actions; this plan %.12s, %d actions)",
			ErrJournalMismatch, h.Hash, len(h.Plan.Actions), hash, len(plan.Actions))}
	}
	return decodeRecords(br, path, plan, off)
}

// decodeRecords reads the records that follow a journal's header (its
// first two lines), which ends at offset off.
func decodeRecords(br *bufio.Reader, path string, plan *Plan, off int64) (journalState, error) {
	st := journalState{outcomes: map[int]journalRecord{}}
	lineNo := 2
	for {
		line, err := readLine(br, maxRecordBytes)
		if errors.Is(err, io.EOF) {
			break
		}
		lineNo++
		var rec journalLine
		if err == nil {
			err = parseRecord(line, &rec, plan)
		}
		if err == nil {
			if _, dup := st.outcomes[rec.Index]; dup {
				return st, &JournalError{Path: path, Line: lineNo, Err: fmt.Errorf("%w: action %d recorded twice", ErrJournalCorrupt, rec.Index)}
			}
		}
		if err != nil {
			// Torn or damaged: tolerated only as the very last record.
			if _, perr := br.Peek(1); perr == nil {
				return st, &JournalError{Path: path, Line: lineNo, Err: fmt.Errorf("%w: %v", ErrJournalCorrupt, err)}
			} else if !errors.Is(perr, io.EOF) {
				return st, fmt.Errorf("importer: journal: %w", perr)
			}
			st.torn = true
			break
		}
		st.outcomes[rec.Index] = journalRecord{ok: rec.OK, msg: rec.Err}
		off += int64(len(line) + 1)
	}
	st.end = off
	return st, nil
}

func parseRecord(line []byte, rec *journalLine, plan *Plan) error {
	tab := bytes.LastIndexByte(line, '\t')
	if tab < 0 {
		return errors.New("record without checksum")
	}
	sum, err := strconv.ParseUint(string(line[tab+1:]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(line[:tab]) {
		return errors.New("record checksum mismatch")
	}
	if err := json.Unmarshal(line[:tab], rec); err != nil {
		return fmt.Errorf("record: %v", err)
	}
	if rec.Index < 0 || rec.Index >= len(plan.Actions) || plan.Actions[rec.Index].Key() != rec.Key {
		return fmt.Errorf("record for action %d %q is not in the plan", rec.Index, rec.Key)
	}
	return nil
}

// bind checks that plan is the journal's plan.
func (j *Journal) bind(plan *Plan) error {
	if j.f == nil {
		return errors.New("importer: journal is closed")
	}
	if plan == j.plan {
		return nil
	}
	hash, _, err := planHash(plan)
	if err != nil {
		return err
	}
	if hash != j.hash {
		return &JournalError{Path: j.path, Err: ErrJournalMismatch}
	}
	j.plan = plan
	return nil
}

// record appends and syncs the outcome of action i.
func (j *Journal) record(i int, a Action, actionErr error) error {
	rec := journalLine{Index: i, Key: a.Key(), OK: actionErr == nil}
	if actionErr != nil {
		rec.Err = actionErr.Error()
		if len(rec.Err) > maxRecordErrMsg {
			rec.Err = rec.Err[:maxRecordErrMsg]
		}
		if rec.Err == "" {
			rec.Err = "failed"
		}
	}
	b, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	j.outcomes[i] = journalRecord{ok: rec.OK, msg: rec.Err}
	return nil
}

// encodeRecord returns the journal line of rec: its JSON, a tab, the
// CRC-32 of the JSON in hex, and LF.
func encodeRecord(rec journalLine) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("importer: journal: %w", err)
	}
	return fmt.Appendf(b, "\t%08x\n", crc32.ChecksumIEEE(b)), nil
}

// Recorded returns how many actions the journal has recorded.
func (j *Journal) Recorded() int { return len(j.outcomes) }

// Close closes the journal's file.
func (j *Journal) Close() error {
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}
