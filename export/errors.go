package export

import (
	"errors"
	"fmt"
	"time"
)

// Errors callers branch on. Errors returned by this package wrap one of
// them, the source's own error, the context's error, or an I/O error.
var (
	// ErrInvalidActor means the source's actor is nil or has no id.
	ErrInvalidActor = errors.New("export: invalid actor")
	// ErrInvalidStatus means a status from the source cannot be written:
	// it has no id, or neither a visibility nor addressing to derive one
	// from. The error is a [*StatusError].
	ErrInvalidStatus = errors.New("export: invalid status")
	// ErrSource means a source's iterator yielded an error; the error is
	// a [*SourceError] that also wraps the source's own error.
	ErrSource = errors.New("export: source failed")
	// ErrMediaUnreadable marks the media files that were left out of an
	// archive because they could not be read ([MediaError]).
	ErrMediaUnreadable = errors.New("export: media file unreadable")
	// ErrRateLimited means an archive was made less than [MinInterval]
	// ago. The error is a [*RateError].
	ErrRateLimited = errors.New("export: an archive was requested too recently")
)

// SourceError is an error a source yielded while being read. It unwraps
// to both [ErrSource] and the source's error.
type SourceError struct {
	// What names the data being read: "statuses", "likes", "follows", ...
	What string
	// Index is the number of items (for a CSV file, rows) read before
	// the error.
	Index int
	Err   error
}

// Error returns "export: reading WHAT (item N): message".
func (e *SourceError) Error() string {
	return fmt.Sprintf("export: reading %s (item %d): %v", e.What, e.Index, e.Err)
}

// Unwrap returns ErrSource and the source's error.
func (e *SourceError) Unwrap() []error { return []error{ErrSource, e.Err} }

// StatusError is a status that cannot be written. It unwraps to
// [ErrInvalidStatus].
type StatusError struct {
	// Index is the status's position in the source's stream; ID its id.
	Index  int
	ID     string
	Detail string // what is wrong, for people
}

// Error describes the status and what is wrong with it.
func (e *StatusError) Error() string {
	return fmt.Sprintf("export: status %d (%q): %s", e.Index, e.ID, e.Detail)
}

// Unwrap returns ErrInvalidStatus.
func (e *StatusError) Unwrap() error { return ErrInvalidStatus }

// MediaError is a media file or profile image left out of the archive
// because it could not be opened or read. It is reported in
// [Result.SkippedMedia], not returned: the export goes on without the
// file, as Mastodon's does. The exception is a file whose reading fails
// after its first 256 KiB (see [MediaSource]): its entry is begun and
// cannot be taken back, so the export ends with that MediaError. It
// unwraps to [ErrMediaUnreadable] and the source's error.
type MediaError struct {
	// Status is the id of the status the attachment belongs to; "" for
	// the avatar and header.
	Status string
	// Entry is the archive entry the file would have had, which the
	// status's attachment url still names.
	Entry string
	Err   error
}

// Error returns "export: media ENTRY of STATUS: message".
func (e *MediaError) Error() string {
	if e.Status == "" {
		return fmt.Sprintf("export: %s: %v", e.Entry, e.Err)
	}
	return fmt.Sprintf("export: media %s of %s: %v", e.Entry, e.Status, e.Err)
}

// Unwrap returns ErrMediaUnreadable and the source's error.
func (e *MediaError) Unwrap() []error { return []error{ErrMediaUnreadable, e.Err} }

// RateError says an archive was made too recently and when the next is
// allowed. It unwraps to [ErrRateLimited].
type RateError struct {
	Last, Next time.Time
}

// Error says when the next archive is allowed.
func (e *RateError) Error() string {
	return fmt.Sprintf("export: an archive was made at %s; the next is allowed from %s",
		e.Last.UTC().Format(time.RFC3339), e.Next.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrRateLimited.
func (e *RateError) Unwrap() error { return ErrRateLimited }
