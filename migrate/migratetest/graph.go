package migratetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// Errors of the test doubles.
var (
	// ErrNoAccount means a username or id names no local account of a
	// [Server], or an [Accounts] store.
	ErrNoAccount = errors.New("migratetest: no such account")
	// ErrInjected is the temporary failure [Graph.Fail] makes follows
	// fail with.
	ErrInjected = errors.New("migratetest: injected temporary failure")
)

// DefaultPageSize is how many local accounts [Graph.LocalRelated] reads
// per page when Graph.PageSize is 0.
const DefaultPageSize = 500

// Graph is a server's social graph in memory: what each local account has
// with other accounts, as [migrate.Relationship]s. It implements every
// interface a [migrate.Transfer] consumes, and [migrate.FollowRewriter].
// Accounts are plain strings (actor URIs, say). The zero value is an
// empty graph; a Graph is safe for concurrent use.
//
// Set the graph up with [Graph.Set]; make follows stay pending
// ([Graph.Lock]), be refused ([Graph.Refuse]) or fail ([Graph.Fail]);
// read it back with [Graph.Get], [Graph.Follows], [Graph.Unfollows] and
// [Graph.Calls].
type Graph struct {
	// PageSize is how many local accounts LocalRelated reads at a time,
	// by key, as a host pages through its database (default
	// [DefaultPageSize]).
	PageSize int

	mu        sync.Mutex
	rels      map[[2]string]*migrate.Relationship // (local, account)
	locked    map[string]bool                     // accounts whose follows stay pending
	refuse    map[string]bool                     // locals whose follows are refused
	fail      map[string]int                      // locals whose next follows fail
	follows   map[string]int
	unfollows map[string]int
	calls     []string
}

// init makes the maps; g.mu is held.
func (g *Graph) init() {
	if g.rels == nil {
		g.rels = map[[2]string]*migrate.Relationship{}
		g.locked, g.refuse, g.fail = map[string]bool{}, map[string]bool{}, map[string]int{}
		g.follows, g.unfollows = map[string]int{}, map[string]int{}
	}
}

// Set sets what local has with account.
func (g *Graph) Set(local, account string, r migrate.Relationship) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	r.Lists = slices.Clone(r.Lists)
	g.rels[[2]string{local, account}] = &r
}

// Get returns what local has with account (a copy).
func (g *Graph) Get(local, account string) migrate.Relationship {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.rels[[2]string{local, account}]; r != nil {
		c := *r
		c.Lists = slices.Clone(r.Lists)
		c.Settings.Languages = slices.Clone(r.Settings.Languages)
		return c
	}
	return migrate.Relationship{}
}

// Lock makes new follows of account stay pending, as a locked account's.
func (g *Graph) Lock(account string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.locked[account] = true
}

// Refuse makes the new follows of local be refused, with an error
// wrapping [migrate.ErrFollowRefused].
func (g *Graph) Refuse(local string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.refuse[local] = true
}

// Fail makes the next n follows of local fail with [ErrInjected], a
// temporary failure.
func (g *Graph) Fail(local string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.fail[local] = n
}

// Follows returns how many follows local made (refused and failed ones
// not counted), so that a test sees a unit run twice.
func (g *Graph) Follows(local string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.follows[local]
}

// Unfollows returns how many times local unfollowed an account.
func (g *Graph) Unfollows(local string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.unfollows[local]
}

// Calls returns the writes the graph got, in order, as "follow L T",
// "unfollow L A" and "lists L A LISTS" (the lists formatted with %v).
func (g *Graph) Calls() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.calls)
}

// Transfer returns a migrate.Transfer backed by g for everything.
func (g *Graph) Transfer() *migrate.Transfer {
	return &migrate.Transfer{Graph: g, Follows: g, Lists: g, Moderation: g, Accounts: g}
}

// Relationship implements [migrate.Relationships].
func (g *Graph) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	return g.Get(local, account), nil
}

// LocalRelated implements [migrate.RelatedAccounts]: the locals that
// follow, asked to follow, block or mute account, a page at a time by
// key, so that changes made while it runs do not make it skip or repeat
// an account.
func (g *Graph) LocalRelated(_ context.Context, account string) iter.Seq2[string, error] {
	size := g.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	return func(yield func(string, error) bool) {
		after := ""
		for {
			g.mu.Lock()
			var page []string
			for k, r := range g.rels {
				if k[1] == account && k[0] > after && (r.Following || r.Requested || r.Blocking || r.Muting) {
					page = append(page, k[0])
				}
			}
			g.mu.Unlock()
			if len(page) == 0 {
				return
			}
			sort.Strings(page)
			page = page[:min(len(page), size)]
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			after = page[len(page)-1]
		}
	}
}

// rel returns the relationship of local with account, made if needed;
// g.mu is held.
func (g *Graph) rel(local, account string) *migrate.Relationship {
	g.init()
	k := [2]string{local, account}
	if g.rels[k] == nil {
		g.rels[k] = &migrate.Relationship{}
	}
	return g.rels[k]
}

// Follow implements [migrate.FollowWriter].
func (g *Graph) Follow(_ context.Context, local, target string, s migrate.FollowSettings) (migrate.FollowState, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.calls = append(g.calls, "follow "+local+" "+target)
	if g.refuse[local] {
		return 0, fmt.Errorf("migratetest: %s refused: %w", target, migrate.ErrFollowRefused)
	}
	if g.fail[local] > 0 {
		g.fail[local]--
		return 0, ErrInjected
	}
	g.follows[local]++
	r := g.rel(local, target)
	r.Settings = s
	r.Settings.Languages = slices.Clone(s.Languages)
	if g.locked[target] {
		r.Requested = true
		return migrate.FollowPending, nil
	}
	r.Following = true
	return migrate.FollowAccepted, nil
}

// Unfollow implements [migrate.FollowWriter]: the follow or request ends,
// with its settings and list memberships.
func (g *Graph) Unfollow(_ context.Context, local, account string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.calls = append(g.calls, "unfollow "+local+" "+account)
	g.unfollows[local]++
	r := g.rel(local, account)
	r.Following, r.Requested, r.Lists, r.Settings = false, false, nil, migrate.FollowSettings{}
	return nil
}

// AddToLists implements [migrate.ListWriter].
func (g *Graph) AddToLists(_ context.Context, local, account string, lists []string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, fmt.Sprintf("lists %s %s %v", local, account, lists))
	r := g.rel(local, account)
	for _, l := range lists {
		if !slices.Contains(r.Lists, l) {
			r.Lists = append(r.Lists, l)
		}
	}
	return nil
}

// Block implements [migrate.ModerationWriter].
func (g *Graph) Block(_ context.Context, local, account string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rel(local, account).Blocking = true
	return nil
}

// Mute implements [migrate.ModerationWriter].
func (g *Graph) Mute(_ context.Context, local, account string, notifications bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.rel(local, account)
	r.Muting, r.MuteNotifications = true, notifications
	return nil
}

// RewriteFollows implements [migrate.FollowRewriter]: every accepted
// follow of origin becomes a follow of target, with its settings and
// lists; pending requests stay with origin.
func (g *Graph) RewriteFollows(_ context.Context, origin, target string) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	n := 0
	for k, r := range g.rels {
		if k[1] != origin || !r.Following || k[0] == target {
			continue
		}
		t := g.rel(k[0], target)
		if !t.Following && !t.Requested {
			t.Following, t.Settings = true, r.Settings
			n++
		}
		for _, l := range r.Lists {
			if !slices.Contains(t.Lists, l) {
				t.Lists = append(t.Lists, l)
			}
		}
		r.Following, r.Lists = false, nil
	}
	return n, nil
}

// Moves is a receiving server's record of the Moves it accepted, in
// memory: it implements [migrate.MoveRecorder]. The zero value is empty;
// Moves is safe for concurrent use.
type Moves struct {
	mu sync.Mutex
	at map[string]time.Time // origin -> last accepted
}

// RecordMove implements [migrate.MoveRecorder], atomically.
func (m *Moves) RecordMove(_ context.Context, origin, _ string, at, since time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.at[origin]; ok && !t.Before(since) {
		return false, nil
	}
	if m.at == nil {
		m.at = map[string]time.Time{}
	}
	m.at[origin] = at
	return true, nil
}

// Accounts is a server's local accounts in memory: it implements
// [migrate.AccountWriter] and [migrate.MoveHistory]. Add accounts with
// [Accounts.Add]; saving an unknown one fails with [ErrNoAccount]. The
// zero value is empty; Accounts is safe for concurrent use.
type Accounts struct {
	mu     sync.Mutex
	actors map[string]*activitypub.Actor
	moved  map[string]time.Time
}

// Add adds (or replaces) a local account's actor document.
func (a *Accounts) Add(actor *activitypub.Actor) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.actors == nil {
		a.actors, a.moved = map[string]*activitypub.Actor{}, map[string]time.Time{}
	}
	c := *actor
	a.actors[actor.ID] = &c
}

// Actor returns a copy of the account's actor document, or nil.
func (a *Accounts) Actor(id string) *activitypub.Actor {
	a.mu.Lock()
	defer a.mu.Unlock()
	if x := a.actors[id]; x != nil {
		c := *x
		return &c
	}
	return nil
}

// SaveActor implements [migrate.AccountWriter].
func (a *Accounts) SaveActor(_ context.Context, actor *activitypub.Actor, moved time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.actors[actor.ID] == nil {
		return fmt.Errorf("%w: %s", ErrNoAccount, actor.ID)
	}
	c := *actor
	a.actors[actor.ID] = &c
	if !moved.IsZero() {
		a.moved[actor.ID] = moved
	}
	return nil
}

// LastMove implements [migrate.MoveHistory].
func (a *Accounts) LastMove(_ context.Context, account string) (time.Time, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.moved[account], nil
}
