package migrate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// Cooldown is how long an account must wait between two moves, as in
// Mastodon: 30 days.
const Cooldown = 30 * 24 * time.Hour

// MoveHistory tells when an account last moved, for the cooldown. It
// returns the zero time for an account that never moved.
type MoveHistory interface {
	LastMove(ctx context.Context, account string) (time.Time, error)
}

// MoveHistoryFunc adapts a function to [MoveHistory].
type MoveHistoryFunc func(ctx context.Context, account string) (time.Time, error)

// LastMove calls f.
func (f MoveHistoryFunc) LastMove(ctx context.Context, account string) (time.Time, error) {
	return f(ctx, account)
}

// preflight checks, without I/O, whether origin can move to target at
// now, given when origin last moved (the zero time for never); both
// actors fetched freshly. It returns every problem found: see
// [Checker.Check] for the list.
func preflight(origin, target *activitypub.Actor, lastMove, now time.Time) []*Problem {
	var ps []*Problem
	add := func(r PreflightReason, format string, args ...any) {
		ps = append(ps, &Problem{Reason: r, Advice: fmt.Sprintf(format, args...)})
	}
	oldH, newH := handle(origin), handle(target)
	if origin.Type == "Tombstone" {
		add(PreflightOriginGone, "%s was deleted: there is nothing left to move", oldH)
	}
	if target.Type == "Tombstone" {
		add(PreflightTargetGone, "%s was deleted: create the new account again, or choose another one", newH)
	}
	if origin.ID == target.ID {
		add(PreflightToSelf, "%s is the account being moved: give the new account's address as the target", newH)
		return ps // every other check would only repeat this one
	}
	if origin.MovedTo == target.ID {
		add(PreflightAlreadyMoved, "%s already redirects to %s: nothing left to do", oldH, newH)
	}
	if origin.Suspended {
		add(PreflightOriginSuspended, "%s is suspended: ask its server's moderators to lift the suspension before moving", oldH)
	}
	if target.Suspended {
		add(PreflightTargetSuspended, "%s is suspended: choose another account, or ask its server's moderators", newH)
	}
	if target.MovedTo != "" {
		add(PreflightTargetMoved, "%s itself moved to %s: move to that account instead, or undo its redirect first", newH, target.MovedTo)
	}
	if !target.HasAlias(origin.ID) {
		add(PreflightAliasMissing, "add %s as an alias on the new account %s first (its alsoKnownAs must list %s)", oldH, newH, origin.ID)
	}
	if !lastMove.IsZero() && now.Sub(lastMove) < Cooldown {
		next := lastMove.Add(Cooldown)
		add(PreflightCooldown, "%s moved on %s; wait until %s (%d days between moves)", oldH, lastMove.UTC().Format(time.DateOnly), next.UTC().Format(time.DateOnly), int(Cooldown/(24*time.Hour)))
	}
	return ps
}

// Checker is the pre-flight check of a move, the one way in: it resolves
// both accounts, fetches them freshly and checks, without further I/O,
// whether the move can go ahead. [Mover.Move] runs the same checks and
// fails with their *[PreflightError]. The zero value is not usable: set
// Actors. (The examples/move-check program is a Checker in a main.)
type Checker struct {
	// Actors fetches actor documents, freshly. Required.
	Actors ActorFetcher
	// Handles resolves account addresses; nil accepts actor URLs only.
	Handles HandleResolver
	// History gives the origin's last move; nil means unknown, checked
	// as never (a remote account's history is not public).
	History MoveHistory
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Report is the outcome of [Checker.Check]: both accounts as fetched,
// and what stands in the way.
type Report struct {
	OriginID, TargetID string
	// Origin and Target are nil when the account does not exist or is
	// gone (a Problem says so).
	Origin, Target *activitypub.Actor
	LastMove       time.Time
	Problems       []*Problem
}

// Ready reports whether the move can go ahead.
func (r *Report) Ready() bool { return len(r.Problems) == 0 }

// Err returns nil when the move can go ahead, else a *[PreflightError].
func (r *Report) Err() error {
	if r.Ready() {
		return nil
	}
	return &PreflightError{Origin: r.OriginID, Target: r.TargetID, Problems: r.Problems}
}

// Check resolves origin and target (actor URLs or account addresses),
// fetches both freshly and checks them. The checks, each its own
// *[Problem] with advice for the user and a [PreflightReason]:
//
//   - both accounts exist ([PreflightOriginGone], [PreflightTargetGone]
//     for a Tombstone);
//   - origin and target differ ([PreflightToSelf]);
//   - the origin does not already redirect to the target
//     ([PreflightAlreadyMoved]);
//   - neither is suspended ([PreflightOriginSuspended],
//     [PreflightTargetSuspended]) and the target has not moved itself
//     ([PreflightTargetMoved]);
//   - the target lists the origin in alsoKnownAs, compared exactly
//     ([PreflightAliasMissing]);
//   - the origin's last move, from History, is at least [Cooldown] old
//     ([PreflightCooldown]).
//
// An account that does not exist or is gone (404 or 410) is a problem in
// the report, not an error; so is a server that answers 401 Unauthorized
// ([PreflightSignatureRequired]: it requires signed fetches, and the
// fetch was unsigned or its signature refused), and an account whose
// document is not the one its id serves ([PreflightIDMismatch]: a
// document claiming another actor's id; a profile URL's document is
// re-fetched from its id, which must confirm it); any other failure to
// resolve or fetch is an error.
func (c *Checker) Check(ctx context.Context, origin, target string) (*Report, error) {
	old := side{given: origin, which: "old", gone: PreflightOriginGone, goneAdvice: "check the old account's address"}
	neu := side{given: target, which: "new", gone: PreflightTargetGone, goneAdvice: "create the new account first, or check its address"}
	rep := &Report{}
	var p1, p2 *Problem
	var err error
	if rep.OriginID, p1, err = c.resolve(ctx, old); err != nil {
		return nil, err
	}
	if rep.TargetID, p2, err = c.resolve(ctx, neu); err != nil {
		return nil, err
	}
	if rep.Problems = problems(p1, p2); rep.Problems != nil {
		return rep, nil
	}
	if rep.Origin, p1, err = c.fetch(ctx, rep.OriginID, old); err != nil {
		return nil, err
	}
	if rep.Target, p2, err = c.fetch(ctx, rep.TargetID, neu); err != nil {
		return nil, err
	}
	if rep.Problems = problems(p1, p2); rep.Problems != nil {
		return rep, nil
	}
	if c.History != nil {
		if rep.LastMove, err = c.History.LastMove(ctx, rep.Origin.ID); err != nil {
			return nil, fmt.Errorf("migrate: last move of %s: %w", rep.Origin.ID, err)
		}
	}
	rep.Problems = preflight(rep.Origin, rep.Target, rep.LastMove, now(c.Now))
	return rep, nil
}

// problems returns the problems of ps that are not nil, or nil.
func problems(ps ...*Problem) []*Problem {
	var out []*Problem
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// resolve returns the actor id of side s; an address WebFinger does not
// know is a Problem, with s's address standing for the id.
func (c *Checker) resolve(ctx context.Context, s side) (string, *Problem, error) {
	id, err := resolveID(ctx, c.Handles, s.given)
	switch {
	case err == nil:
		return id, nil, nil
	case isMissing(err):
		return s.given, &Problem{Reason: s.gone, Advice: fmt.Sprintf("%s was not found: check the %s account's address", s.given, s.which)}, nil
	}
	return "", nil, err
}

// side is one account of a move as [Checker.Check] names it in advice.
type side struct {
	given      string          // as the caller gave it
	which      string          // "old" or "new"
	gone       PreflightReason // its reason when it does not exist
	goneAdvice string          // what to do then
}

// fetch fetches the account id of side s exactly (fetchExact). A failure
// the user can act on is a Problem; any other is an error.
func (c *Checker) fetch(ctx context.Context, id string, s side) (*activitypub.Actor, *Problem, error) {
	a, err := fetchExact(ctx, c.Actors, id)
	switch {
	case err == nil:
		return a, nil, nil
	case isUnauthorized(err):
		return nil, c.unauthorized(id), nil
	case isMissing(err):
		return nil, &Problem{Reason: s.gone, Advice: fmt.Sprintf("%s does not exist or was deleted: %s", s.given, s.goneAdvice)}, nil
	case errors.Is(err, activitypub.ErrIDMismatch):
		return nil, &Problem{Reason: PreflightIDMismatch, Advice: fmt.Sprintf("%s does not serve the actor it names (%v): check the %s account's address", s.given, err, s.which), Err: err}, nil
	}
	return nil, nil, fmt.Errorf("migrate: %s account: %w", s.which, err)
}

// isUnauthorized reports whether err is a 401 answer to a fetch.
func isUnauthorized(err error) bool {
	var se *activitypub.StatusError
	return errors.As(err, &se) && se.StatusCode == http.StatusUnauthorized
}

// unauthorized is the problem of a fetch of id answered 401: the
// server wants signed fetches, or refused the key that signed.
func (c *Checker) unauthorized(id string) *Problem {
	host := id
	if u, perr := url.Parse(id); perr == nil && u.Host != "" {
		host = u.Host
	}
	if cl, ok := c.Actors.(*activitypub.Client); ok && cl.Signer != nil {
		return &Problem{Reason: PreflightSignatureRequired, Advice: fmt.Sprintf("%s answered 401 Unauthorized to the signed fetch of %s: it requires signed fetches and did not accept the signature; the key %s must be published by an actor %s can fetch", host, id, cl.Signer.KeyID, host)}
	}
	return &Problem{Reason: PreflightSignatureRequired, Advice: fmt.Sprintf("%s answered 401 Unauthorized to the unsigned fetch of %s: it requires signed fetches (authorized fetch); sign the fetches with the key of an actor you control, whose key its server can fetch (a Signer on the activitypub.Client)", host, id)}
}

func isMissing(err error) bool {
	return errors.Is(err, activitypub.ErrNotFound) || errors.Is(err, activitypub.ErrGone)
}

func now(f func() time.Time) time.Time {
	if f != nil {
		return f()
	}
	return time.Now()
}
