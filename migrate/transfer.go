package migrate

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// FollowSettings are the options of a follow that move with it.
type FollowSettings struct {
	ShowBoosts bool     // show the account's boosts in the home feed
	Notify     bool     // notify on each new post
	Languages  []string // only posts in these languages; nil means all
}

// Relationship is what a local account has with another account.
type Relationship struct {
	Following bool // follows, and the follow was accepted
	Requested bool // a follow request is pending
	Settings  FollowSettings
	// Lists holds the ids of the local account's lists that include the
	// other account.
	Lists    []string
	Blocking bool
	Muting   bool
	// MuteNotifications is whether the mute also hides notifications.
	MuteNotifications bool
}

// Relationships reads the relationship of a local account with another.
// A missing relationship is the zero Relationship, not an error.
type Relationships interface {
	Relationship(ctx context.Context, local, account string) (Relationship, error)
}

// RelatedAccounts streams the local accounts that follow, block or mute
// an account: the units of a transfer. Accounts whose follow request is
// only pending may be included; [Transfer.Run] leaves their request as it
// is. A server may
// have millions: page through the store rather than load them all. Each
// local account should appear once. The iterator may see the changes the
// transfer makes while it runs (follows of the origin removed); paging by
// key rather than by offset copes with that.
type RelatedAccounts interface {
	LocalRelated(ctx context.Context, account string) iter.Seq2[string, error]
}

// FollowState is the state of a follow just made.
type FollowState int

// States of a new follow. A refused follow is an error wrapping
// [ErrFollowRefused] instead.
const (
	// FollowPending: the Follow was delivered and awaits approval (a
	// locked account).
	FollowPending FollowState = iota + 1
	// FollowAccepted: the follow is in place.
	FollowAccepted
)

// FollowWriter makes and removes follows of local accounts, federating as
// needed. Follow returns once the Follow was delivered to the target's
// server (or, for a local target, made), with its state; when the target
// refuses it outright (it blocks the follower, its server rejects the
// delivery with a 4xx) the error wraps [ErrFollowRefused]. Other errors
// are temporary: the unit can be run again.
type FollowWriter interface {
	Follow(ctx context.Context, local, target string, s FollowSettings) (FollowState, error)
	Unfollow(ctx context.Context, local, account string) error
}

// ListWriter adds an account to some of a local account's lists. Adding
// an account a list already holds is not an error.
type ListWriter interface {
	AddToLists(ctx context.Context, local, account string, lists []string) error
}

// ModerationWriter makes a local account block or mute another. Blocking
// or muting an account already blocked or muted is not an error.
type ModerationWriter interface {
	Block(ctx context.Context, local, account string) error
	Mute(ctx context.Context, local, account string, notifications bool) error
}

// FollowRewriter moves, at once and with no federation, every accepted
// follow of origin to target when both live on the server (a same-server
// move): follows keep their settings and list memberships, a local
// account that already follows target keeps its follow, and the number of
// follows moved is returned. Pending follow requests are not follows and
// stay with origin, as in Mastodon's MoveWorker.
type FollowRewriter interface {
	RewriteFollows(ctx context.Context, origin, target string) (int, error)
}

// TransferUnit is one local account's share of a transfer: an
// independent, idempotent piece of work a host can put on its own job
// queue and run with [Transfer.Run], in any order, as often as needed.
type TransferUnit struct {
	Local  string // the local account
	Origin string // the account that moved
	Target string // where it moved
}

// Outcome is what [Transfer.Run] did for one unit.
type Outcome struct {
	Followed   FollowState // 0 when no follow was made or found
	Refused    bool        // the target refused the follow; the old follow was kept
	Unfollowed bool        // the follow of the origin was removed
	Lists      int         // list memberships carried over
	Blocked    bool        // a block of the origin was carried over
	Muted      bool        // a mute of the origin was carried over
}

// Transfer moves the social graph of a server's local accounts from an
// origin that moved to its target, after a [Receiver] accepted the Move.
// Set Graph and Follows; Lists and Moderation are optional (nil leaves
// list memberships, blocks and mutes behind), Accounts is needed by
// [Transfer.RunAll] only.
type Transfer struct {
	Graph      Relationships
	Follows    FollowWriter
	Lists      ListWriter
	Moderation ModerationWriter
	Accounts   RelatedAccounts
	// Concurrency is how many units [Transfer.RunAll] runs at once
	// (default [DefaultConcurrency]).
	Concurrency int
	// Progress, when set, is called after each unit RunAll runs, from
	// one goroutine at a time. It should return quickly.
	Progress func(TransferProgress)
}

// TransferProgress is what [Transfer.Progress] is told after each unit of
// [Transfer.RunAll]: the unit, what it did, and its error (nil when it
// succeeded). Done counts the units finished so far, this one included.
type TransferProgress struct {
	Unit    TransferUnit
	Outcome Outcome
	Err     error
	Done    int
}

// Run carries one local account's relationship with u.Origin over to
// u.Target, as Mastodon does:
//
//   - a block or mute of the origin becomes a block or mute of the target;
//   - an accepted follow of the origin becomes a follow of the target
//     with the same settings; then the target joins the lists that held
//     the origin, and only then, once the new Follow was delivered, is
//     the origin unfollowed. A locked target leaves a pending request
//     (and the origin is unfollowed); a refused follow leaves the old
//     follow in place and is not an error.
//   - a follow request still pending with the origin is not moved, as
//     Mastodon's MoveWorker moves followers only: it stays pending on the
//     old account, which now refuses new follows, so the user can follow
//     the target anew. The unit is a no-op for it.
//
// The target's own account (a same-server target that followed its old
// account, say) is left as it is: an account cannot follow, block or mute
// itself.
//
// Run is idempotent: it reads the current state first, so a unit cut
// short by a crash can simply run again.
func (t *Transfer) Run(ctx context.Context, u TransferUnit) (Outcome, error) {
	var out Outcome
	if u.Local == "" || u.Origin == "" || u.Target == "" || u.Origin == u.Target {
		return out, fmt.Errorf("migrate: invalid transfer unit %+v", u)
	}
	if u.Local == u.Target {
		return out, nil
	}
	old, err := t.Graph.Relationship(ctx, u.Local, u.Origin)
	if err != nil {
		return out, fmt.Errorf("migrate: relationship of %s with %s: %w", u.Local, u.Origin, err)
	}
	cur, err := t.Graph.Relationship(ctx, u.Local, u.Target)
	if err != nil {
		return out, fmt.Errorf("migrate: relationship of %s with %s: %w", u.Local, u.Target, err)
	}
	if t.Moderation != nil {
		if old.Blocking && !cur.Blocking {
			if err := t.Moderation.Block(ctx, u.Local, u.Target); err != nil {
				return out, fmt.Errorf("migrate: %s blocking %s: %w", u.Local, u.Target, err)
			}
			out.Blocked = true
		}
		if old.Muting && !cur.Muting {
			if err := t.Moderation.Mute(ctx, u.Local, u.Target, old.MuteNotifications); err != nil {
				return out, fmt.Errorf("migrate: %s muting %s: %w", u.Local, u.Target, err)
			}
			out.Muted = true
		}
	}
	if !old.Following {
		// Pending requests stay with the origin (see above).
		return out, nil
	}
	switch {
	case cur.Following:
		out.Followed = FollowAccepted
	case cur.Requested:
		out.Followed = FollowPending
	default:
		state, err := t.Follows.Follow(ctx, u.Local, u.Target, old.Settings)
		if errors.Is(err, ErrFollowRefused) {
			out.Refused = true
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("migrate: %s following %s: %w", u.Local, u.Target, err)
		}
		out.Followed = state
	}
	if t.Lists != nil {
		if missing := listsMissing(old.Lists, cur.Lists); len(missing) > 0 {
			if err := t.Lists.AddToLists(ctx, u.Local, u.Target, missing); err != nil {
				return out, fmt.Errorf("migrate: adding %s to lists of %s: %w", u.Target, u.Local, err)
			}
			out.Lists = len(missing)
		}
	}
	if err := t.Follows.Unfollow(ctx, u.Local, u.Origin); err != nil {
		return out, fmt.Errorf("migrate: %s unfollowing %s: %w", u.Local, u.Origin, err)
	}
	out.Unfollowed = true
	return out, nil
}

func listsMissing(want, have []string) []string {
	var out []string
	for _, l := range want {
		if !slices.Contains(have, l) {
			out = append(out, l)
		}
	}
	return out
}

// Units returns the transfer's units for the local accounts related to
// origin, streamed from t.Accounts, for a host that runs them on its own
// job queue. It is single use; breaking out of the loop stops the stream.
func (t *Transfer) Units(ctx context.Context, origin, target string) iter.Seq2[TransferUnit, error] {
	return func(yield func(TransferUnit, error) bool) {
		for local, err := range t.Accounts.LocalRelated(ctx, origin) {
			if err != nil {
				yield(TransferUnit{}, err)
				return
			}
			if !yield(TransferUnit{Local: local, Origin: origin, Target: target}, nil) {
				return
			}
		}
	}
}

// TransferResult counts what [Transfer.RunAll] did.
type TransferResult struct {
	Units      int // units run
	Followed   int // follows of the target in place
	Pending    int // follow requests pending with a locked target
	Refused    int // follows refused; the old follow kept
	Unfollowed int
	Lists      int
	Blocked    int
	Muted      int
	Failed     int // units that failed; run the transfer again to retry them
}

// maxKeptErrors is how many unit errors RunAll reports in full.
const maxKeptErrors = 16

// RunAll runs every unit of the move of origin to target, streaming the
// local accounts from t.Accounts, at most t.Concurrency at once. A unit
// that fails does not stop the others; RunAll then returns the result and
// an error joining the first failures. Because units are idempotent, a
// transfer cut short (a crash, ctx cancelled) resumes by calling RunAll
// again. Memory does not grow with the number of local accounts.
func (t *Transfer) RunAll(ctx context.Context, origin, target string) (*TransferResult, error) {
	n := or(t.Concurrency, DefaultConcurrency)
	var (
		mu    sync.Mutex
		stats TransferResult
		errs  []error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, n)
	)
	var streamErr error
	for u, err := range t.Units(ctx, origin, target) {
		if err != nil {
			streamErr = fmt.Errorf("migrate: listing local accounts related to %s: %w", origin, err)
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			streamErr = ctx.Err()
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, err := t.Run(ctx, u)
			mu.Lock()
			stats.Units++
			stats.add(out)
			if err != nil {
				stats.Failed++
				if len(errs) < maxKeptErrors {
					errs = append(errs, err)
				}
			}
			if t.Progress != nil {
				t.Progress(TransferProgress{Unit: u, Outcome: out, Err: err, Done: stats.Units})
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if streamErr != nil {
		errs = append([]error{streamErr}, errs...)
	}
	if stats.Failed > len(errs) {
		errs = append(errs, fmt.Errorf("migrate: and %d more failed units", stats.Failed-len(errs)))
	}
	return &stats, errors.Join(errs...)
}

func (s *TransferResult) add(o Outcome) {
	switch o.Followed {
	case FollowAccepted:
		s.Followed++
	case FollowPending:
		s.Pending++
	}
	if o.Refused {
		s.Refused++
	}
	if o.Unfollowed {
		s.Unfollowed++
	}
	s.Lists += o.Lists
	if o.Blocked {
		s.Blocked++
	}
	if o.Muted {
		s.Muted++
	}
}

// MoveLocal moves a same-server account: every follow of origin is
// rewritten to target at once through rw, with no federation, then blocks
// and mutes of origin carry over through [Transfer.RunAll] (which also
// moves any follow the rewrite left). The result counts the rewritten follows
// as Followed.
func (t *Transfer) MoveLocal(ctx context.Context, rw FollowRewriter, origin, target string) (*TransferResult, error) {
	moved, err := rw.RewriteFollows(ctx, origin, target)
	if err != nil {
		return nil, fmt.Errorf("migrate: rewriting follows of %s: %w", origin, err)
	}
	stats, err := t.RunAll(ctx, origin, target)
	if stats != nil {
		stats.Followed += moved
	}
	return stats, err
}
