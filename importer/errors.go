package importer

import (
	"errors"
	"strconv"
	"strings"
)

// The errors the package returns. Callers branch on them with
// [errors.Is]; the errors returned carry more detail ([*ParseError],
// [*FollowLimitError], [*MismatchError], [*JournalError]) and unwrap to
// these.
var (
	// ErrTooLarge means the file is larger than [Reader.MaxBytes]
	// (Mastodon: "File is too large").
	ErrTooLarge = errors.New("importer: file is too large")
	// ErrTooManyRows means the file holds more data rows than
	// [Reader.MaxRows] (Mastodon: "contains more than 20000 rows").
	ErrTooManyRows = errors.New("importer: too many rows")
	// ErrEmpty means the file holds no line at all, not even a header
	// (Mastodon: "Empty CSV file").
	ErrEmpty = errors.New("importer: empty CSV file")
	// ErrIncompatibleType means the file has a header that lacks a column
	// the chosen type needs (Mastodon: "Incompatible with the selected
	// import type"), such as a follows file imported as domain blocks.
	ErrIncompatibleType = errors.New("importer: incompatible with the selected import type")
	// ErrMalformed means the file is not a UTF-8 CSV file: it holds
	// invalid UTF-8, NUL bytes, or a quoted field that never ends.
	ErrMalformed = errors.New("importer: not a UTF-8 CSV file")
	// ErrUnknownType means a [Type] is not one of the package's types.
	ErrUnknownType = errors.New("importer: unknown import type")
	// ErrFollowersImport is returned when asked to plan the import of a
	// followers list. No server can make another account follow this one:
	// a follow is that account's own decision. Followers come along when
	// the old account moves to the new one (package migrate sends the
	// Move that makes their servers follow the new account).
	ErrFollowersImport = errors.New("importer: a followers list cannot be imported: no account can be made to follow another; moving the account (package migrate) is what brings followers")
	// ErrFollowLimit means the import would make the account follow more
	// accounts than its server allows (Mastodon: "You cannot follow more
	// than N people"). The error is a [*FollowLimitError].
	ErrFollowLimit = errors.New("importer: follow limit reached")
	// ErrTooManyLists means a lists import would leave the account with
	// more lists than [Planner.MaxLists].
	ErrTooManyLists = errors.New("importer: too many lists")
	// ErrTypeMismatch means a file looks like another import type than
	// the one chosen: a warning to show, since users do import follows as
	// blocks. The error is a [*MismatchError].
	ErrTypeMismatch = errors.New("importer: file looks like another import type")

	// The engine returns or records these; failures recorded in
	// [Result.Failed] wrap the destination's own error, or one of these.
	// ErrUnsupported means the destination lacks the interface a plan's
	// actions need (for example a plan with follows and a destination
	// that is not a [Follower]).
	ErrUnsupported = errors.New("importer: destination does not support the action")
	// ErrHostUnavailable means an action was not tried because the
	// remote host it concerns failed too often in a row (its circuit is
	// open). Retrying later, from the failures CSV, is reasonable.
	ErrHostUnavailable = errors.New("importer: host unavailable")
	// ErrDependencyFailed means an action was not tried because one it
	// needs failed: adding a member to a list whose creation failed, or
	// whose follow failed.
	ErrDependencyFailed = errors.New("importer: a required action failed")
	// ErrRequested is what a destination returns (wrapped) for a follow
	// that the server took as a request not accepted yet (a locked
	// account approves it; a remote account's server confirms it): the
	// engine counts the action as done, and lists it in
	// [Result.Requested].
	ErrRequested = errors.New("importer: follow requested, not accepted yet")

	// ErrJournalMismatch means the journal was written for another plan.
	ErrJournalMismatch = errors.New("importer: journal belongs to another plan")
	// ErrJournalCorrupt means the journal is not one fediport wrote, or
	// was damaged somewhere other than its last record.
	ErrJournalCorrupt = errors.New("importer: journal corrupt")

	// ErrInvalidRow is what every per-row error unwraps to: a bad row is
	// reported and skipped, and reading goes on with the next one. The
	// [*ParseError]'s Column names the cell, and its message the reason
	// (an invalid account address, domain, status URI or list title).
	ErrInvalidRow = errors.New("importer: invalid row")
)

// The reasons a row is invalid. They are not exported: a caller
// branches on [ErrInvalidRow], and [ParseError.Column] says which cell.
var (
	// errInvalidAccount means a cell is not an account address
	// (user@domain, or a bare local user name). It unwraps to
	// [ErrInvalidRow].
	errInvalidAccount error = &rowError{"importer: invalid account address"}
	// errInvalidDomain means a cell is not a domain name. It unwraps to
	// [ErrInvalidRow].
	errInvalidDomain error = &rowError{"importer: invalid domain"}
	// errInvalidURI means a bookmarks cell is not an absolute URI. It
	// unwraps to [ErrInvalidRow].
	errInvalidURI error = &rowError{"importer: invalid status URI"}
	// errInvalidList means a list title is empty or longer than
	// [MaxListTitle] characters. It unwraps to [ErrInvalidRow].
	errInvalidList error = &rowError{"importer: invalid list title"}
)

// rowError is a per-row sentinel: errors.Is(err, ErrInvalidRow) holds
// for each of them.
type rowError struct{ msg string }

func (e *rowError) Error() string        { return e.msg }
func (e *rowError) Is(target error) bool { return target == ErrInvalidRow }

// ParseError is an error at a position in an import file. Err unwraps to
// one of the package's sentinels. Errors for one row (those for which
// errors.Is(err, [ErrInvalidRow]) holds) do not stop reading; the others
// end it.
type ParseError struct {
	// File is the file name given in [Reader.FileName], or empty.
	File string
	// Line is the 1-based line the problem is on, or 0 when it concerns
	// the whole file.
	Line int
	// Column is the 1-based number of the cell (not the byte) the problem
	// is in, or 0 when it concerns the whole line.
	Column int
	Err    error
}

// Error returns "importer: FILE:LINE:COLUMN: message", leaving out the
// parts that are unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("importer: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Column))
		}
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "importer: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }

// FollowLimitError says an import would exceed the follow limit. It
// unwraps to [ErrFollowLimit].
type FollowLimitError struct {
	// Limit is the most accounts the account may follow.
	Limit int
	// Following is how many it would follow after the import.
	Following int
}

// Error returns Mastodon's message with the numbers.
func (e *FollowLimitError) Error() string {
	return "importer: you cannot follow more than " + strconv.Itoa(e.Limit) +
		" people (the import would make it " + strconv.Itoa(e.Following) + ")"
}

// Unwrap returns [ErrFollowLimit].
func (e *FollowLimitError) Unwrap() error { return ErrFollowLimit }

// MismatchError says an import file looks like another type than the
// one chosen. It is a warning: the file can still be read as the chosen
// type. It unwraps to [ErrTypeMismatch].
type MismatchError struct {
	// Chosen is the type the user picked; Guessed the one the file looks
	// like.
	Chosen, Guessed Type
	// Detail says what the guess rests on, such as `the header has "Hide
	// notifications"` or `the file name is "blocked_accounts.csv"`.
	Detail string
}

// Error describes the mismatch.
func (e *MismatchError) Error() string {
	return "importer: file looks like " + string(e.Guessed) + ", not " +
		string(e.Chosen) + " (" + e.Detail + ")"
}

// Unwrap returns [ErrTypeMismatch].
func (e *MismatchError) Unwrap() error { return ErrTypeMismatch }
