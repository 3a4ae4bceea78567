package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fediport/fediport/internal/journal"
)

// MaxJournalPlanBytes bounds the plan stored in a journal's header, and
// so the memory reading a journal takes.
const MaxJournalPlanBytes = journal.MaxHeaderBytes - 128

// maxRecordErrMsg bounds the error message a journal record keeps.
const maxRecordErrMsg = 4 << 10

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
// line. Each record is synced to disk before the action counts as done,
// and a new journal's folder is synced when it is created. A last record
// cut short by a crash is dropped when the journal is opened again;
// damage anywhere else is [ErrJournalCorrupt]. (The file format and its
// durability are fediport's one journal, shared with package migrate.)
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
	j        *journal.Journal
	hash     string
	plan     *Plan
	outcomes map[int]journalRecord
}

type journalRecord struct {
	ok  bool
	msg string
}

type journalHeader struct {
	Hash string          `json:"hash"`
	Plan json.RawMessage `json:"plan"`
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
	if len(planJSON) > MaxJournalPlanBytes {
		return nil, fmt.Errorf("importer: journal: plan encodes to %d bytes, over MaxJournalPlanBytes", len(planJSON))
	}
	header, err := json.Marshal(journalHeader{Hash: hash, Plan: planJSON})
	if err != nil {
		return nil, fmt.Errorf("importer: journal: %w", err)
	}
	jj, err := journal.Open(path, header)
	if errors.Is(err, journal.ErrMismatch) {
		return nil, mismatch(path, plan, hash)
	}
	if err != nil {
		return nil, journalError(path, err)
	}
	outcomes, err := replay(jj, path, plan)
	if err != nil {
		jj.Close()
		return nil, err
	}
	return &Journal{path: path, j: jj, hash: hash, plan: plan, outcomes: outcomes}, nil
}

// journalError turns an error of internal/journal into a [*JournalError]
// wrapping [ErrJournalCorrupt], or a plain one.
func journalError(path string, err error) error {
	var je *journal.Error
	if errors.As(err, &je) && errors.Is(err, journal.ErrCorrupt) {
		reason := strings.TrimPrefix(je.Err.Error(), journal.ErrCorrupt.Error()+": ")
		return &JournalError{Path: path, Line: je.Line, Err: fmt.Errorf("%w: %s", ErrJournalCorrupt, reason)}
	}
	return fmt.Errorf("importer: journal: %w", err)
}

// mismatch is the error of a journal made for another plan than plan.
func mismatch(path string, plan *Plan, hash string) error {
	other := "?"
	if p, err := ReadJournalPlan(path); err == nil {
		h, _, _ := planHash(p)
		other = fmt.Sprintf("%.12s, %d actions", h, len(p.Actions))
	}
	return &JournalError{Path: path, Err: fmt.Errorf("%w (journal plan %s; this plan %.12s, %d actions)",
		ErrJournalMismatch, other, hash, len(plan.Actions))}
}

// ReadJournalPlan returns the plan stored in the journal at path, so an
// interrupted import can be resumed with exactly the plan it started.
func ReadJournalPlan(path string) (*Plan, error) {
	header, err := journal.ReadHeader(path)
	if err != nil {
		return nil, journalError(path, err)
	}
	var h journalHeader
	var plan *Plan
	if json.Unmarshal(header, &h) != nil || json.Unmarshal(h.Plan, &plan) != nil || plan == nil {
		return nil, &JournalError{Path: path, Line: 2, Err: fmt.Errorf("%w: header holds no plan", ErrJournalCorrupt)}
	}
	if got, _, err := planHash(plan); err != nil || got != h.Hash {
		return nil, &JournalError{Path: path, Line: 2, Err: fmt.Errorf("%w: header hash does not match its plan", ErrJournalCorrupt)}
	}
	return plan, nil
}

// replay reads the outcomes a journal holds for plan.
func replay(jj *journal.Journal, path string, plan *Plan) (map[int]journalRecord, error) {
	outcomes := map[int]journalRecord{}
	line := 2 // the magic and the header come first
	for payload, err := range jj.Replay() {
		if err != nil {
			return nil, journalError(path, err)
		}
		line++
		if err := decodeOutcome(payload, plan, outcomes); err != nil {
			return nil, &JournalError{Path: path, Line: line, Err: fmt.Errorf("%w: %v", ErrJournalCorrupt, err)}
		}
	}
	return outcomes, nil
}

// decodeOutcome adds the outcome a record's payload holds to outcomes.
// It does no I/O, so it can be fuzzed on bytes.
func decodeOutcome(payload []byte, plan *Plan, outcomes map[int]journalRecord) error {
	var rec journalLine
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return fmt.Errorf("record: %v", err)
	}
	if rec.Index < 0 || rec.Index >= len(plan.Actions) || plan.Actions[rec.Index].Key() != rec.Key {
		return fmt.Errorf("record for action %d %q is not in the plan", rec.Index, rec.Key)
	}
	if _, dup := outcomes[rec.Index]; dup {
		return fmt.Errorf("action %d recorded twice", rec.Index)
	}
	outcomes[rec.Index] = journalRecord{ok: rec.OK, msg: rec.Err}
	return nil
}

// bind checks that plan is the journal's plan.
func (j *Journal) bind(plan *Plan) error {
	if j.j == nil {
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

// record appends the outcome of action i and returns once it is on disk.
func (j *Journal) record(i int, a Action, actionErr error) error {
	rec := journalLine{Index: i, Key: a.Key(), OK: actionErr == nil}
	if actionErr != nil {
		rec.Err = actionErr.Error()
		if len(rec.Err) > maxRecordErrMsg {
			rec.Err = strings.ToValidUTF8(rec.Err[:maxRecordErrMsg], "")
		}
		if rec.Err == "" {
			rec.Err = "failed"
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	if err := j.j.Append(b); err != nil {
		return fmt.Errorf("importer: journal: %w", err)
	}
	j.outcomes[i] = journalRecord{ok: rec.OK, msg: rec.Err}
	return nil
}

// Recorded returns how many actions the journal has recorded.
func (j *Journal) Recorded() int { return len(j.outcomes) }

// Close closes the journal's file.
func (j *Journal) Close() error {
	if j.j == nil {
		return nil
	}
	err := j.j.Close()
	j.j = nil
	return err
}
