package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// MaxAliases is how many aliases [AddAlias] lets an account list, the
// number of alsoKnownAs entries Mastodon accepts from remote actors.
const MaxAliases = 256

// Outgoing is what a change of a local account sends: the account's new
// actor document, to be stored, and the encoded activities to deliver, in
// order (the Update of the actor, then the Move when there is one).
type Outgoing struct {
	Actor  *activitypub.Actor
	Update []byte
	Move   []byte // nil unless the change is a move
}

// Activities returns the activities to deliver, in order.
func (o *Outgoing) Activities() [][]byte {
	if o.Move == nil {
		return [][]byte{o.Update}
	}
	return [][]byte{o.Update, o.Move}
}

// updateID returns the id of an Update of actor made at t, in Mastodon's
// form with millisecond precision: "<actor id>#updates/<unix ms>".
func updateID(actor string, t time.Time) string {
	return actor + "#updates/" + strconv.FormatInt(t.UnixMilli(), 10)
}

// BuildUpdate returns a with the Update that announces it, encoded with
// Mastodon's actor context, its id made from at.
func BuildUpdate(a *activitypub.Actor, at time.Time) (*Outgoing, error) {
	if a == nil || a.ID == "" {
		return nil, errors.New("migrate: update of an actor with no id")
	}
	body, err := activitypub.NewUpdate(updateID(a.ID, at), a).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("migrate: encoding update of %s: %w", a.ID, err)
	}
	return &Outgoing{Actor: a, Update: body}, nil
}

// BuildMove returns what moving origin to target at time at sends: a copy
// of origin with movedTo set, its Update, and the Move in Mastodon's form
// with id "<origin>#moves/<unix seconds of at>". The result depends only
// on its arguments, so a delivery cut short can be rebuilt and resumed
// (see [Mover.Resume]). It does not check anything: see [Checker].
func BuildMove(origin *activitypub.Actor, target string, at time.Time) (*Outgoing, error) {
	if origin == nil || origin.ID == "" || target == "" {
		return nil, errors.New("migrate: move needs an origin and a target")
	}
	a := *origin
	a.MovedTo = target
	out, err := BuildUpdate(&a, at)
	if err != nil {
		return nil, err
	}
	m := activitypub.NewMove(activitypub.MoveID(origin.ID, at.Unix()), origin.ID, target)
	if out.Move, err = json.Marshal(m); err != nil {
		return nil, fmt.Errorf("migrate: encoding move of %s: %w", origin.ID, err)
	}
	return out, nil
}

// BuildRedirect returns what making origin a redirect to target sends: a
// copy of origin with movedTo set, and its Update; no Move, so followers
// stay where they are. Unlike a move it needs no alias and no cooldown.
func BuildRedirect(origin *activitypub.Actor, target string, at time.Time) (*Outgoing, error) {
	if origin == nil || target == "" {
		return nil, errors.New("migrate: redirect needs an origin and a target")
	}
	if target == origin.ID {
		return nil, fmt.Errorf("migrate: redirect of %s: %w", origin.ID, activitypub.MoveToSelf)
	}
	a := *origin
	a.MovedTo = target
	return BuildUpdate(&a, at)
}

// BuildUndoRedirect returns what undoing a's redirect sends: a copy of a
// without movedTo, and its Update. It fails with [ErrNotRedirected] when a
// does not redirect. Followers moved by an earlier Move do not come back.
func BuildUndoRedirect(a *activitypub.Actor, at time.Time) (*Outgoing, error) {
	if a == nil || a.MovedTo == "" {
		return nil, ErrNotRedirected
	}
	c := *a
	c.MovedTo = ""
	return BuildUpdate(&c, at)
}

// AddAlias returns a copy of account listing alias (an actor URI) in
// alsoKnownAs, and whether that changed anything. It fails when alias is
// the account itself or the account already lists [MaxAliases] aliases.
func AddAlias(account *activitypub.Actor, alias string) (*activitypub.Actor, bool, error) {
	if alias == "" || alias == account.ID {
		return nil, false, fmt.Errorf("migrate: alias of %s: %w", account.ID, activitypub.MoveToSelf)
	}
	if account.HasAlias(alias) {
		return account, false, nil
	}
	if len(account.AlsoKnownAs) >= MaxAliases {
		return nil, false, fmt.Errorf("%w: %s lists %d", ErrTooManyAliases, account.ID, len(account.AlsoKnownAs))
	}
	a := *account
	a.AlsoKnownAs = append(slices.Clip(account.AlsoKnownAs), alias)
	return &a, true, nil
}

// RemoveAlias returns a copy of account without alias in alsoKnownAs,
// and whether that changed anything.
func RemoveAlias(account *activitypub.Actor, alias string) (*activitypub.Actor, bool) {
	if !account.HasAlias(alias) {
		return account, false
	}
	a := *account
	a.AlsoKnownAs = slices.DeleteFunc(slices.Clone(account.AlsoKnownAs), func(s string) bool { return s == alias })
	if len(a.AlsoKnownAs) == 0 {
		a.AlsoKnownAs = []string{} // keep the member, as an empty array
	}
	return &a, true
}

// Recipient is an account that must hear of a move, by its inboxes.
type Recipient struct {
	Inbox       string
	SharedInbox string // "" when the account's server has none
}

// Audience streams who must hear of a change of a local account: its
// followers, the accounts that block it, and the server's relays (as
// Recipients with only an Inbox). Followers on one server may be many:
// stream them.
type Audience interface {
	Recipients(ctx context.Context, account string) iter.Seq2[Recipient, error]
}

// AudienceFunc adapts a function to [Audience].
type AudienceFunc func(ctx context.Context, account string) iter.Seq2[Recipient, error]

// Recipients calls f.
func (f AudienceFunc) Recipients(ctx context.Context, account string) iter.Seq2[Recipient, error] {
	return f(ctx, account)
}

// Inboxes returns the inboxes to deliver to for the recipients: each
// recipient's shared inbox when it has one, else its own, deduplicated, in
// first-seen order.
func Inboxes(recipients iter.Seq2[Recipient, error]) ([]string, error) {
	seen := map[string]struct{}{}
	var out []string
	for r, err := range recipients {
		if err != nil {
			return nil, err
		}
		inbox := r.SharedInbox
		if inbox == "" {
			inbox = r.Inbox
		}
		if _, ok := seen[inbox]; ok || inbox == "" {
			continue
		}
		seen[inbox] = struct{}{}
		out = append(out, inbox)
	}
	return out, nil
}
