package journal

import (
	"errors"
	"fmt"
)

// Errors a journal returns; an [*Error] carries the position and unwraps
// to one of these.
var (
	// ErrCorrupt means the file is not a journal, or was damaged
	// somewhere other than its last record.
	ErrCorrupt = errors.New("journal: corrupt")
	// ErrMismatch means the journal's header is not the one given to
	// [Open]: the file belongs to another job.
	ErrMismatch = errors.New("journal: belongs to another job")
	// ErrClosed means the journal was closed.
	ErrClosed = errors.New("journal: closed")
)

// Error is an error reading a journal, with its position.
type Error struct {
	// Path is the journal's file.
	Path string
	// Line is the 1-based line of the file the error is about (1 is the
	// magic, 2 the header), or 0 for the whole file.
	Line int
	// Offset is the byte offset in the file of that line's start.
	Offset int64
	// Err is the reason; it wraps [ErrCorrupt] or [ErrMismatch].
	Err error
}

// Error returns "path:line: reason (offset N)".
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v (offset %d)", e.Path, e.Line, e.Err, e.Offset)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the reason, such as [ErrCorrupt].
func (e *Error) Unwrap() error { return e.Err }

func corrupt(path string, line int, off int64, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Offset: off, Err: fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)}
}
