package riverjobs_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"github.com/fediport/fediport/migrate"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// memGraph is a server's social graph in memory. It counts the follows
// and unfollows made per local account, so that tests see a unit run
// twice.
type memGraph struct {
	mu        sync.Mutex
	rels      map[[2]string]*migrate.Relationship
	locked    map[string]bool // targets whose follows stay pending
	refuse    map[string]bool // locals whose new follows are refused
	failures  map[string]int  // locals whose follows fail temporarily, n times
	follows   map[string]int
	unfollows map[string]int
}

func newMemGraph() *memGraph {
	return &memGraph{
		rels:     map[[2]string]*migrate.Relationship{},
		locked:   map[string]bool{},
		refuse:   map[string]bool{},
		failures: map[string]int{}, follows: map[string]int{}, unfollows: map[string]int{},
	}
}

func (g *memGraph) set(local, account string, r migrate.Relationship) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rels[[2]string{local, account}] = &r
}

func (g *memGraph) get(local, account string) migrate.Relationship {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.rels[[2]string{local, account}]; r != nil {
		c := *r
		c.Lists = slices.Clone(r.Lists)
		return c
	}
	return migrate.Relationship{}
}

func (g *memGraph) rel(local, account string) *migrate.Relationship {
	k := [2]string{local, account}
	if g.rels[k] == nil {
		g.rels[k] = &migrate.Relationship{}
	}
	return g.rels[k]
}

func (g *memGraph) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	return g.get(local, account), nil
}

func (g *memGraph) LocalRelated(_ context.Context, account string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		g.mu.Lock()
		var locals []string
		for k, r := range g.rels {
			if k[1] == account && (r.Following || r.Requested || r.Blocking || r.Muting) {
				locals = append(locals, k[0])
			}
		}
		g.mu.Unlock()
		sort.Strings(locals)
		for _, l := range locals {
			if !yield(l, nil) {
				return
			}
		}
	}
}

var errFlaky = errors.New("flaky follow")

func (g *memGraph) Follow(_ context.Context, local, target string, s migrate.FollowSettings) (migrate.FollowState, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures[local] > 0 {
		g.failures[local]--
		return 0, errFlaky
	}
	if g.refuse[local] {
		return 0, migrate.ErrFollowRefused
	}
	g.follows[local]++
	r := g.rel(local, target)
	r.Settings = s
	if g.locked[target] {
		r.Requested = true
		return migrate.FollowPending, nil
	}
	r.Following = true
	return migrate.FollowAccepted, nil
}

func (g *memGraph) Unfollow(_ context.Context, local, account string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.unfollows[local]++
	r := g.rel(local, account)
	r.Following, r.Requested = false, false
	return nil
}

func (g *memGraph) AddToLists(_ context.Context, local, account string, lists []string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.rel(local, account)
	for _, l := range lists {
		if !slices.Contains(r.Lists, l) {
			r.Lists = append(r.Lists, l)
		}
	}
	return nil
}

func (g *memGraph) Block(_ context.Context, local, account string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rel(local, account).Blocking = true
	return nil
}

func (g *memGraph) Mute(_ context.Context, local, account string, notifications bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.rel(local, account)
	r.Muting, r.MuteNotifications = true, notifications
	return nil
}

func (g *memGraph) transfer() *migrate.Transfer {
	return &migrate.Transfer{Graph: g, Follows: g, Lists: g, Moderation: g}
}
