package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fediport/fediport/internal/backoff"
)

// Follower follows and unfollows accounts on a destination. Follow is
// find-or-create: following an account already followed updates its
// settings and is not an error.
type Follower interface {
	Follow(ctx context.Context, acct string, opts FollowOptions) error
	Unfollow(ctx context.Context, acct string) error
}

// Blocker blocks and unblocks accounts on a destination.
type Blocker interface {
	Block(ctx context.Context, acct string) error
	Unblock(ctx context.Context, acct string) error
}

// Muter mutes and unmutes accounts on a destination. hideNotifications
// says whether the mute also hides the account's notifications.
type Muter interface {
	Mute(ctx context.Context, acct string, hideNotifications bool) error
	Unmute(ctx context.Context, acct string) error
}

// DomainBlocker blocks and unblocks whole domains on a destination.
type DomainBlocker interface {
	BlockDomain(ctx context.Context, domain string) error
	UnblockDomain(ctx context.Context, domain string) error
}

// Bookmarker bookmarks statuses, named by their URI, on a destination.
type Bookmarker interface {
	Bookmark(ctx context.Context, uri string) error
	Unbookmark(ctx context.Context, uri string) error
}

// ListManager creates and deletes lists, named by title, on a
// destination. CreateList of a title that exists is not an error, nor is
// DeleteList of a title that does not. An account may have several
// lists with one title (Mastodon allows it): DeleteList deletes all of
// them, as a plan treats them as one list (see [Planner.Plan]).
type ListManager interface {
	CreateList(ctx context.Context, title string) error
	DeleteList(ctx context.Context, title string) error
}

// ListEditor adds accounts to and removes them from lists, named by
// title, on a destination. Adding a member already in the list is not an
// error. When several lists have the title, AddToList adds to one of
// them (Mastodon's import picks the first) and RemoveFromList removes
// the account from all of them, as a plan treats them as one list (see
// [Planner.Plan]).
type ListEditor interface {
	AddToList(ctx context.Context, title, acct string) error
	RemoveFromList(ctx context.Context, title, acct string) error
}

// StateReader reports what an account has now, for computing a plan (and
// needed for [Overwrite] mode). Only the part of [State] for the given
// type needs to be filled in.
type StateReader interface {
	ReadState(ctx context.Context, t Type) (*State, error)
}

// StateReaderFunc adapts a function to a [StateReader].
type StateReaderFunc func(ctx context.Context, t Type) (*State, error)

// ReadState calls f(ctx, t).
func (f StateReaderFunc) ReadState(ctx context.Context, t Type) (*State, error) {
	return f(ctx, t)
}

// Default settings of an [Engine]; a zero field takes its default.
const (
	DefaultConcurrency   = 4
	DefaultMaxAttempts   = backoff.DefaultMaxAttempts   // 5
	DefaultBaseDelay     = backoff.DefaultBaseDelay     // 500ms
	DefaultMaxDelay      = backoff.DefaultMaxDelay      // 30s
	DefaultMaxRetryAfter = backoff.DefaultMaxRetryAfter // 15m
	DefaultHostFailures  = backoff.DefaultHostFailures  // 5
	DefaultHostCooldown  = backoff.DefaultHostCooldown  // 5m
)

// maxRateLimitWaits bounds how often one action waits for a rate limit
// before it is given up on, so a server that always answers 429 cannot
// hold an import forever.
const maxRateLimitWaits = 50

// Engine applies plans to destinations. The zero value is ready to use
// with the documented defaults; an Engine may be used by several
// goroutines at once, but a [Journal] belongs to one Apply at a time.
type Engine struct {
	// Concurrency is how many actions run at once (default
	// [DefaultConcurrency]). Actions that depend on each other never run
	// at once, whatever the setting.
	Concurrency int
	// MaxAttempts is how many times an action is tried when it fails with
	// a transient error (default [DefaultMaxAttempts]). Waits asked for by
	// a rate limit do not count.
	MaxAttempts int
	// BaseDelay and MaxDelay bound the exponential backoff between
	// attempts (defaults [DefaultBaseDelay], [DefaultMaxDelay]); each
	// wait is drawn at random up to the bound ("full jitter").
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter is the longest rate-limit wait honoured (default
	// [DefaultMaxRetryAfter]); an action asked to wait longer fails with
	// the rate-limit error. A rate-limit wait pauses every worker, since
	// a server's limit is per account, not per request.
	MaxRetryAfter time.Duration
	// HostFailures is how many transient failures in a row on actions
	// about one remote host (the domain of the account, or of a bookmarked
	// status) open that host's circuit (default [DefaultHostFailures]).
	// While it is open, the host's actions fail with [ErrHostUnavailable]
	// (or wait, see WaitForHosts); other hosts go on. After HostCooldown
	// (default [DefaultHostCooldown]) one action probes the host again.
	HostFailures int
	HostCooldown time.Duration
	// WaitForHosts makes actions for a host whose circuit is open wait
	// for the cooldown instead of failing at once.
	WaitForHosts bool
	// Journal, if not nil, records each finished action and lets an Apply
	// of the same plan after a crash skip what was done. See [Journal].
	Journal *Journal
	// Progress, if not nil, is called after each finished action, from
	// one goroutine at a time. It should return quickly.
	Progress func(Progress)
}

// Progress is how far an Apply has come, told after each finished
// action. Done counts actions that succeeded, Failed those that failed;
// Done+Failed reaches Total when the plan is finished. Actions found in
// a journal count too.
type Progress struct {
	Done, Failed, Total int
	// Action is the action that just finished, and Err its failure (nil
	// if it succeeded; a [*RecordedError] for one read from the journal).
	Action Action
	Err    error
	// Resumed reports that the outcome was read from the journal, not
	// found in this run.
	Resumed bool
}

// Failure is an action that failed and why. Err wraps the destination's
// error or one of the engine's sentinels; for a failure read back from a
// [Journal] it is a [*RecordedError].
type Failure struct {
	Action Action
	Err    error
}

// Result is what an Apply did.
type Result struct {
	// Type is the plan's type.
	Type Type
	// Total is the number of actions in the plan.
	Total int
	// Applied counts actions that succeeded in this run.
	Applied int
	// Resumed counts actions skipped because the journal had them.
	Resumed int
	// Failed holds the actions that failed, in plan order, including
	// failures read back from the journal.
	Failed []Failure
	// Requested holds the follows of this run that are requests not
	// accepted yet ([ErrRequested]), in plan order; Applied counts them.
	Requested []Action
}

// RecordedError is the error of a failure read back from a [Journal]:
// only its message survives a restart.
type RecordedError struct {
	Message string
}

// Error returns the recorded message.
func (e *RecordedError) Error() string { return e.Message }

// Destination is where an [Engine] applies a plan: one field for each
// kind of change, each a small interface, so that the compiler checks
// the methods of what is assigned. A nil field is a kind of change the
// destination cannot make; [Check] says which of those a plan needs.
// [DestinationOf] fills every field from one value that can make them
// all, as importer/mastodonapi's Client (see its Destination method)
// and importer/importertest's in-memory destination can.
type Destination struct {
	Follower      Follower
	Blocker       Blocker
	Muter         Muter
	DomainBlocker DomainBlocker
	Bookmarker    Bookmarker
	ListManager   ListManager
	ListEditor    ListEditor
}

// FullDestination makes every kind of change an import plans.
type FullDestination interface {
	Follower
	Blocker
	Muter
	DomainBlocker
	Bookmarker
	ListManager
	ListEditor
}

// DestinationOf returns the Destination whose every field is d.
func DestinationOf(d FullDestination) Destination {
	return Destination{Follower: d, Blocker: d, Muter: d, DomainBlocker: d, Bookmarker: d, ListManager: d, ListEditor: d}
}

// capability says which field of a [Destination] actions of kind k need,
// and whether dst has it.
func capability(dst Destination, k ActionKind) (field string, ok bool, known bool) {
	switch k {
	case ActionFollow, ActionUnfollow:
		return "Follower", dst.Follower != nil, true
	case ActionBlock, ActionUnblock:
		return "Blocker", dst.Blocker != nil, true
	case ActionMute, ActionUnmute:
		return "Muter", dst.Muter != nil, true
	case ActionBlockDomain, ActionUnblockDomain:
		return "DomainBlocker", dst.DomainBlocker != nil, true
	case ActionBookmark, ActionUnbookmark:
		return "Bookmarker", dst.Bookmarker != nil, true
	case ActionCreateList, ActionDeleteList:
		return "ListManager", dst.ListManager != nil, true
	case ActionAddToList, ActionRemoveFromList:
		return "ListEditor", dst.ListEditor != nil, true
	}
	return "", false, false
}

// Check reports whether dst can carry out every kind of action in plan:
// nil, or an error wrapping [ErrUnsupported] naming the nil fields of
// dst the plan needs. Apply calls it before doing anything.
func Check(plan *Plan, dst Destination) error {
	if plan == nil {
		return errors.New("importer: nil plan")
	}
	var missing []string
	seen := map[ActionKind]bool{}
	for _, a := range plan.Actions {
		if seen[a.Kind] {
			continue
		}
		seen[a.Kind] = true
		field, ok, known := capability(dst, a.Kind)
		if !known {
			return fmt.Errorf("%w: unknown action kind %v", ErrUnsupported, a.Kind)
		}
		if !ok {
			missing = append(missing, fmt.Sprintf("%s (for %v)", field, a.Kind))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: the destination has no %s", ErrUnsupported, strings.Join(missing, ", no "))
	}
	return nil
}

// call performs one action on dst. Check has made sure dst has the
// field.
func call(ctx context.Context, dst Destination, a Action) error {
	switch a.Kind {
	case ActionFollow:
		return dst.Follower.Follow(ctx, a.Account, a.Follow)
	case ActionUnfollow:
		return dst.Follower.Unfollow(ctx, a.Account)
	case ActionBlock:
		return dst.Blocker.Block(ctx, a.Account)
	case ActionUnblock:
		return dst.Blocker.Unblock(ctx, a.Account)
	case ActionMute:
		hide := true
		if a.HideNotifications != nil {
			hide = *a.HideNotifications
		}
		return dst.Muter.Mute(ctx, a.Account, hide)
	case ActionUnmute:
		return dst.Muter.Unmute(ctx, a.Account)
	case ActionBlockDomain:
		return dst.DomainBlocker.BlockDomain(ctx, a.Domain)
	case ActionUnblockDomain:
		return dst.DomainBlocker.UnblockDomain(ctx, a.Domain)
	case ActionBookmark:
		return dst.Bookmarker.Bookmark(ctx, a.URI)
	case ActionUnbookmark:
		return dst.Bookmarker.Unbookmark(ctx, a.URI)
	case ActionCreateList:
		return dst.ListManager.CreateList(ctx, a.List)
	case ActionDeleteList:
		return dst.ListManager.DeleteList(ctx, a.List)
	case ActionAddToList:
		return dst.ListEditor.AddToList(ctx, a.List, a.Account)
	case ActionRemoveFromList:
		return dst.ListEditor.RemoveFromList(ctx, a.List, a.Account)
	}
	return fmt.Errorf("%w: unknown action kind %v", ErrUnsupported, a.Kind)
}

// FailuresFileName returns the name Mastodon gives the CSV of a failed
// import's rows, such as "following_accounts_failures.csv", or "" for a
// type Mastodon cannot import.
func FailuresFileName(t Type) string {
	switch t {
	case Following:
		return "following_accounts_failures.csv"
	case Blocking:
		return "blocked_accounts_failures.csv"
	case Muting:
		return "muted_accounts_failures.csv"
	case DomainBlocking:
		return "blocked_domains_failures.csv"
	case Bookmarks:
		return "bookmarks_failures.csv"
	case Lists:
		return "lists_failures.csv"
	}
	return ""
}

// FailedRows returns the failed actions that add something (follow,
// block, mute, domain block, bookmark, list member), in plan order: the
// ones that belong in a failures CSV, which re-imported in merge mode
// retries them. Failed removals of an overwrite are left out, since a
// file row always means "add"; they are still in r.Failed.
func (r *Result) FailedRows() []Action {
	var out []Action
	for _, f := range r.Failed {
		switch f.Action.Kind {
		case ActionFollow, ActionBlock, ActionMute, ActionBlockDomain, ActionBookmark, ActionAddToList:
			out = append(out, f.Action)
		}
	}
	return out
}

// WriteFailures writes the failed rows of r ([Result.FailedRows]) to w as
// Mastodon's failures CSV for r.Type, the file Mastodon names
// [FailuresFileName]: importing it again in merge mode retries them.
// It is a report people open too: cells that a spreadsheet would run as
// formulas are written as text (see [WriteActions]).
func (r *Result) WriteFailures(w io.Writer) error {
	return WriteActions(w, r.Type, r.FailedRows())
}
