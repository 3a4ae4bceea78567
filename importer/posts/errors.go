package posts

import (
	"errors"
	"fmt"
)

// Errors callers branch on; the errors of an import wrap one of them, or
// the destination's own errors (such as package mastodonapi's).
var (
	// ErrTooLarge means a status's HTML or content warning is over
	// [Importer.MaxBytes]; the status is not posted.
	ErrTooLarge = errors.New("posts: status exceeds size limit")
	// ErrJournalMismatch means the journal was written by an import of
	// another archive or into another account.
	ErrJournalMismatch = errors.New("posts: journal belongs to another import")
	// ErrJournal means the journal could not be read or written: an
	// import that cannot record what it posted stops rather than risk
	// posting twice.
	ErrJournal = errors.New("posts: journal failed")
)

// PostError is a status of the archive that could not be planned or
// posted: it names the status and wraps the reason.
type PostError struct {
	// ID is the status's URI; Index its position in the outbox (-1 if
	// unknown).
	ID    string
	Index int
	Err   error
}

// Error returns "posts: status ID (item N): reason".
func (e *PostError) Error() string {
	return fmt.Sprintf("posts: status %s (item %d): %v", e.ID, e.Index, e.Err)
}

// Unwrap returns the reason.
func (e *PostError) Unwrap() error { return e.Err }
