package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// AccountWriter stores the changed actor document of a local account.
// moved is the time of a Move, for the host's [MoveHistory]; it is the
// zero time for other changes (aliases, redirects, profile copies).
type AccountWriter interface {
	SaveActor(ctx context.Context, a *activitypub.Actor, moved time.Time) error
}

// AccountWriterFunc adapts a function to [AccountWriter].
type AccountWriterFunc func(ctx context.Context, a *activitypub.Actor, moved time.Time) error

// SaveActor calls f.
func (f AccountWriterFunc) SaveActor(ctx context.Context, a *activitypub.Actor, moved time.Time) error {
	return f(ctx, a, moved)
}

// Mover carries out the changes a user makes to their own account in a
// migration, on the server that hosts it: aliases and profile copy on the
// new account; the move, a redirect and its undoing on the old one (the
// pre-flight check before a move is a [Checker]). Each method fetches the other account freshly, stores
// the changed actor through Accounts and delivers the activities to
// Audience through Deliverer.
//
// Set Actors, Accounts, Audience and Deliverer; Handles, History and
// Transfer are optional. A Mover is safe for concurrent use.
type Mover struct {
	// Actors fetches the other account freshly.
	Actors ActorFetcher
	// Handles resolves account addresses (WebFinger); nil accepts actor
	// URIs only.
	Handles HandleResolver
	// History gives the account's last move, for the cooldown; nil
	// means never.
	History MoveHistory
	// Accounts stores the changed actor.
	Accounts AccountWriter
	// Audience lists the remote accounts to tell: followers, accounts
	// that block the account, relays. Local followers are moved by
	// Transfer instead.
	Audience Audience
	// Deliverer sends the activities, signed with the account's key.
	Deliverer *Deliverer
	// Transfer, when set, moves this server's own local followers of
	// the account after a move (without federation for a same-server
	// target with [Mover.MoveLocal]).
	Transfer *Transfer
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Result is what a [Mover] method did.
type Result struct {
	// Outgoing is the account as stored and the activities sent.
	Outgoing *Outgoing
	// Other is the other account as fetched: the target of a move or
	// redirect, the old account of an alias or profile copy.
	Other *activitypub.Actor
	// Changed names the profile members a copy changed.
	Changed []string
	// Deliveries holds one report per activity delivered, in order.
	Deliveries []*DeliveryResult
	// Transfer counts the local followers moved, when Mover.Transfer is
	// set.
	Transfer *TransferResult
}

// Move moves origin, a local account, to target (an actor URI or account
// address): it fetches target freshly, runs the checks of
// [Checker.Check] (alias, cooldown, suspension...) and fails with their
// *[PreflightError]; then stores origin
// with movedTo set, delivers its Update and the Move to every inbox of the
// Audience, and, when Transfer is set, moves this server's own followers
// of origin. The user should have confirmed (with their password) before.
//
// Delivery failures are in the Result, not the error; call
// [Mover.Resume] to deliver again to the inboxes that did not accept.
func (m *Mover) Move(ctx context.Context, origin *activitypub.Actor, target string) (*Result, error) {
	return m.move(ctx, origin, target, nil)
}

// MoveLocal is [Mover.Move] for a target on the same server: the local
// followers of origin are moved at once through rw, with no federation,
// and blocks and mutes carry over through Transfer; remote followers are
// still sent the Move.
func (m *Mover) MoveLocal(ctx context.Context, origin *activitypub.Actor, target string, rw FollowRewriter) (*Result, error) {
	if rw == nil {
		return nil, errors.New("migrate: MoveLocal needs a FollowRewriter")
	}
	return m.move(ctx, origin, target, rw)
}

func (m *Mover) move(ctx context.Context, origin *activitypub.Actor, target string, rw FollowRewriter) (*Result, error) {
	t, err := m.fetch(ctx, target)
	if err != nil {
		return nil, err
	}
	var last time.Time
	if m.History != nil {
		if last, err = m.History.LastMove(ctx, origin.ID); err != nil {
			return nil, fmt.Errorf("migrate: last move of %s: %w", origin.ID, err)
		}
	}
	at := now(m.Now)
	if problems := preflight(origin, t, last, at); problems != nil {
		return nil, &PreflightError{Origin: origin.ID, Target: t.ID, Problems: problems}
	}
	out, err := BuildMove(origin, t.ID, at)
	if err != nil {
		return nil, err
	}
	if err := m.Accounts.SaveActor(ctx, out.Actor, at); err != nil {
		return nil, fmt.Errorf("migrate: saving %s: %w", origin.ID, err)
	}
	res := &Result{Outgoing: out, Other: t}
	if m.Transfer != nil {
		if rw != nil {
			res.Transfer, err = m.Transfer.MoveLocal(ctx, rw, origin.ID, t.ID)
		} else {
			res.Transfer, err = m.Transfer.RunAll(ctx, origin.ID, t.ID)
		}
		if err != nil {
			return res, err
		}
	}
	return res, m.deliver(ctx, res, origin.ID)
}

// Resume delivers again the activities of origin's last move (origin as
// stored, with movedTo set), rebuilt from the time History gives: with a
// Log on the Deliverer, only to the inboxes that have not accepted
// them yet. Use it after a crash or a partial failure of [Mover.Move].
func (m *Mover) Resume(ctx context.Context, origin *activitypub.Actor) (*Result, error) {
	if origin.MovedTo == "" {
		return nil, fmt.Errorf("migrate: resuming move of %s: %w", origin.ID, ErrNotRedirected)
	}
	if m.History == nil {
		return nil, errors.New("migrate: Resume needs a MoveHistory")
	}
	at, err := m.History.LastMove(ctx, origin.ID)
	if err != nil || at.IsZero() {
		return nil, fmt.Errorf("migrate: last move of %s unknown: %v", origin.ID, err)
	}
	out, err := BuildMove(origin, origin.MovedTo, at)
	if err != nil {
		return nil, err
	}
	res := &Result{Outgoing: out}
	return res, m.deliver(ctx, res, origin.ID)
}

// Redirect makes origin a redirect to target without moving followers:
// movedTo is set and the Update delivered, with no Move, no alias check
// and no cooldown. The target must exist.
func (m *Mover) Redirect(ctx context.Context, origin *activitypub.Actor, target string) (*Result, error) {
	t, err := m.fetch(ctx, target)
	if err != nil {
		return nil, err
	}
	out, err := BuildRedirect(origin, t.ID, now(m.Now))
	if err != nil {
		return nil, err
	}
	return m.save(ctx, &Result{Outgoing: out, Other: t})
}

// Unredirect undoes a redirect (or the redirect a move left): movedTo is
// cleared and the Update delivered. Followers already moved stay with the
// target. It fails with [ErrNotRedirected] when origin does not redirect.
func (m *Mover) Unredirect(ctx context.Context, origin *activitypub.Actor) (*Result, error) {
	out, err := BuildUndoRedirect(origin, now(m.Now))
	if err != nil {
		return nil, fmt.Errorf("migrate: undoing redirect of %s: %w", origin.ID, err)
	}
	return m.save(ctx, &Result{Outgoing: out})
}

// AddAlias adds old (an account address or actor URI) as an alias of
// account, the new account: old is resolved with WebFinger and fetched
// freshly, and its actor URI, as its own document gives it, is stored in
// alsoKnownAs; the Update is delivered. Adding an alias already there
// stores and sends nothing.
func (m *Mover) AddAlias(ctx context.Context, account *activitypub.Actor, old string) (*Result, error) {
	o, err := m.fetch(ctx, old)
	if err != nil {
		return nil, err
	}
	a, changed, err := AddAlias(account, o.ID)
	if err != nil {
		return nil, err
	}
	if !changed {
		return &Result{Outgoing: &Outgoing{Actor: account}, Other: o}, nil
	}
	out, err := BuildUpdate(a, now(m.Now))
	if err != nil {
		return nil, err
	}
	return m.save(ctx, &Result{Outgoing: out, Other: o})
}

// RemoveAlias removes old (an actor URI, or an account address resolved
// with WebFinger) from account's aliases, storing and delivering the
// Update. Removing an alias that is not there stores and sends nothing.
func (m *Mover) RemoveAlias(ctx context.Context, account *activitypub.Actor, old string) (*Result, error) {
	id, err := resolveID(ctx, m.Handles, old)
	if err != nil {
		return nil, err
	}
	a, changed := RemoveAlias(account, id)
	if !changed {
		return &Result{Outgoing: &Outgoing{Actor: account}}, nil
	}
	out, err := BuildUpdate(a, now(m.Now))
	if err != nil {
		return nil, err
	}
	return m.save(ctx, &Result{Outgoing: out})
}

// CopyProfile copies the profile of old (fetched freshly) to account,
// the new account, as [CopyProfile] does, then stores and delivers the
// Update. When nothing changes, nothing is stored or sent.
func (m *Mover) CopyProfile(ctx context.Context, account *activitypub.Actor, old string, parts ProfileParts) (*Result, error) {
	o, err := m.fetch(ctx, old)
	if err != nil {
		return nil, err
	}
	a, changed := CopyProfile(account, o, parts)
	if len(changed) == 0 {
		return &Result{Outgoing: &Outgoing{Actor: account}, Other: o}, nil
	}
	out, err := BuildUpdate(a, now(m.Now))
	if err != nil {
		return nil, err
	}
	return m.save(ctx, &Result{Outgoing: out, Other: o, Changed: changed})
}

// fetch resolves and fetches an account freshly; the document must be
// the one its id serves (see fetchExact).
func (m *Mover) fetch(ctx context.Context, account string) (*activitypub.Actor, error) {
	id, err := resolveID(ctx, m.Handles, account)
	if err != nil {
		return nil, err
	}
	a, err := fetchExact(ctx, m.Actors, id)
	if err != nil {
		return nil, fmt.Errorf("migrate: fetching %s: %w", id, err)
	}
	return a, nil
}

// save stores res.Outgoing.Actor and delivers its activities.
func (m *Mover) save(ctx context.Context, res *Result) (*Result, error) {
	a := res.Outgoing.Actor
	if err := m.Accounts.SaveActor(ctx, a, time.Time{}); err != nil {
		return nil, fmt.Errorf("migrate: saving %s: %w", a.ID, err)
	}
	return res, m.deliver(ctx, res, a.ID)
}

// deliver sends res's activities to the account's audience.
func (m *Mover) deliver(ctx context.Context, res *Result, account string) error {
	if m.Audience == nil || m.Deliverer == nil {
		return nil
	}
	inboxes, err := Inboxes(m.Audience.Recipients(ctx, account))
	if err != nil {
		return fmt.Errorf("migrate: listing recipients of %s: %w", account, err)
	}
	for _, act := range res.Outgoing.Activities() {
		rep, err := m.Deliverer.DeliverAll(ctx, act, inboxes)
		if rep != nil {
			res.Deliveries = append(res.Deliveries, rep)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
