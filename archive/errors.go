package archive

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors callers branch on. Errors returned by this package wrap one of
// them, usually inside an [*Error] that says where the problem is. A missing
// entry wraps [io/fs.ErrNotExist].
var (
	// ErrNotArchive means the input is none of the forms [Open] reads: a
	// ZIP, a .tar.gz, a folder or a bare outbox.json.
	ErrNotArchive = errors.New("archive: not an export archive")
	// ErrInsecurePath means an entry name is absolute, starts with a
	// drive letter, contains "..", a backslash or a NUL, or is otherwise
	// not a clean relative path, or the entry is a symbolic or hard link.
	// Such entries are refused, never followed.
	ErrInsecurePath = errors.New("archive: insecure file path")
	// ErrCorrupt means the container or one of its entries is truncated or
	// damaged (bad checksum, bad compressed data, duplicate names).
	ErrCorrupt = errors.New("archive: corrupt archive")
	// ErrTruncated means the file ends early, as an interrupted download
	// does: a ZIP without its central directory, a .tar.gz cut in an
	// entry. What is there has been read: the [*Error] names the entry
	// the file ends in. It wraps [ErrCorrupt].
	ErrTruncated error = &wrapped{"archive: the file ends early: was the download complete?", ErrCorrupt}
	// ErrMalformed means a JSON document does not have the expected shape.
	ErrMalformed = errors.New("archive: malformed JSON")

	// ErrLimit means the archive exceeds one of the [Limits]: its
	// entries are too large in all or one by one, an entry or the stream
	// inflates too much (a likely zip bomb), it has too many entries, or
	// a JSON item is too large or nests too deep. The error is a
	// [*LimitError] naming the limit and its value, usually inside an
	// [*Error].
	ErrLimit = errors.New("archive: limit exceeded")
)

// errWriterClosed is returned by a [Writer] used after Close or Abort: a
// mistake in the calling code, not a condition to branch on, as
// archive/zip's "writer closed twice".
var errWriterClosed = errors.New("archive: writer closed")

// The errors of each limit, compared within the package with errors.Is
// (which [LimitError.Is] makes match a copy carrying the limit's value,
// made by at).
var (
	errTooLarge         = &LimitError{Limit: "MaxTotalBytes", msg: "archive: total size exceeds limit"}
	errEntryTooLarge    = &LimitError{Limit: "MaxEntryBytes", msg: "archive: entry size exceeds limit"}
	errCompressionRatio = &LimitError{Limit: "MaxCompressionRatio", msg: "archive: compression ratio exceeds limit"}
	errTooManyEntries   = &LimitError{Limit: "MaxEntries", msg: "archive: too many entries"}
	errTooDeep          = &LimitError{Limit: "MaxDepth", msg: "archive: JSON nesting exceeds limit"}
	errItemTooLarge     = &LimitError{Limit: "MaxItemBytes", msg: "archive: JSON item exceeds limit"}
)

// LimitError says which of the [Limits] an archive exceeds. It unwraps
// to [ErrLimit].
type LimitError struct {
	// Limit names the field of Limits: "MaxTotalBytes", "MaxEntryBytes",
	// "MaxCompressionRatio", "MaxEntries", "MaxDepth" or "MaxItemBytes".
	Limit string
	// Max is the limit's value, defaults applied: the value of the field
	// named by Limit (for actor.json, which is read whole, the bound on
	// its size).
	Max int64
	msg string
}

// at returns a copy of e carrying the limit's value.
func (e *LimitError) at(max int64) *LimitError {
	c := *e
	c.Max = max
	return &c
}

// Error says what exceeds the limit, and the limit's value.
func (e *LimitError) Error() string {
	if e.Max == 0 {
		return e.msg
	}
	return fmt.Sprintf("%s (%s is %d)", e.msg, e.Limit, e.Max)
}

// Is reports whether target is a *LimitError naming the same limit,
// whatever its value.
func (e *LimitError) Is(target error) bool {
	t, ok := target.(*LimitError)
	return ok && t.Limit == e.Limit
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// wrapped is a sentinel that is also another one.
type wrapped struct {
	msg    string
	parent error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.parent }

// Error is an error with a position: the entry it happened in and, for
// JSON collections, the index of the item and the byte offset in the
// entry. It unwraps to one of the package's sentinel errors (or to
// [io/fs.ErrNotExist]).
type Error struct {
	Entry  string // entry name in the archive, "" for the container itself
	Index  int    // item index in orderedItems, or -1
	Offset int64  // byte offset in the entry, or -1
	Err    error
}

// Error describes the failure: the entry, the item and what is wrong.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("archive: ")
	if e.Entry != "" {
		b.WriteString(e.Entry)
		b.WriteString(": ")
	}
	if e.Index >= 0 {
		b.WriteString("item ")
		b.WriteString(strconv.Itoa(e.Index))
		b.WriteString(": ")
	}
	if e.Offset >= 0 {
		b.WriteString("at byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(": ")
	}
	msg := e.Err.Error()
	msg = strings.TrimPrefix(msg, "archive: ")
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// entryErr builds an *Error for an entry without item position, keeping
// an existing *Error as it is.
func entryErr(entry string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Entry: entry, Index: -1, Offset: -1, Err: err}
}
