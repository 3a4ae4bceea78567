package migrate_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"

	"github.com/fediport/fediport/migrate"
)

// memGraph is a host's social graph in memory, implementing the
// interfaces a Transfer consumes.
type memGraph struct {
	mu     sync.Mutex
	rels   map[[2]string]*migrate.Relationship // (local, account)
	locked map[string]bool                     // accounts whose follows stay pending
	refuse map[string]bool                     // locals whose follows are refused
	fail   map[string]int                      // locals whose follows fail temporarily n times
	calls  []string
}

func newMemGraph() *memGraph {
	return &memGraph{rels: map[[2]string]*migrate.Relationship{}, locked: map[string]bool{}, refuse: map[string]bool{}, fail: map[string]int{}}
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

func (g *memGraph) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	return g.get(local, account), nil
}

// LocalRelated pages through the locals by key, 500 at a time.
func (g *memGraph) LocalRelated(_ context.Context, account string) iter.Seq2[string, error] {
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
			page = page[:min(len(page), 500)]
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			after = page[len(page)-1]
		}
	}
}

func (g *memGraph) rel(local, account string) *migrate.Relationship {
	k := [2]string{local, account}
	if g.rels[k] == nil {
		g.rels[k] = &migrate.Relationship{}
	}
	return g.rels[k]
}

func (g *memGraph) Follow(_ context.Context, local, target string, s migrate.FollowSettings) (migrate.FollowState, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, "follow "+local+" "+target)
	if g.refuse[local] {
		return 0, fmt.Errorf("target said no: %w", migrate.ErrFollowRefused)
	}
	if g.fail[local] > 0 {
		g.fail[local]--
		return 0, fmt.Errorf("connection reset")
	}
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
	g.calls = append(g.calls, "unfollow "+local+" "+account)
	r := g.rel(local, account)
	r.Following, r.Requested, r.Lists, r.Settings = false, false, nil, migrate.FollowSettings{}
	return nil
}

func (g *memGraph) AddToLists(_ context.Context, local, account string, lists []string) error {
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

func (g *memGraph) RewriteFollows(_ context.Context, origin, target string) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for k, r := range g.rels {
		if k[1] != origin || !r.Following {
			continue // pending requests stay with origin
		}
		t := g.rel(k[0], target)
		if !t.Following && !t.Requested {
			t.Following, t.Settings = true, r.Settings
			n++
		}
		t.Lists = append(t.Lists, r.Lists...)
		r.Following, r.Lists = false, nil
	}
	return n, nil
}

func (g *memGraph) transfer() *migrate.Transfer {
	return &migrate.Transfer{Graph: g, Follows: g, Lists: g, Moderation: g, Accounts: g}
}
