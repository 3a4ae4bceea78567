package importer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/importer"
)

// memDest is an in-memory destination that behaves like Mastodon's:
// follow, block, mute and list membership are find-or-create, adding an
// account to a list needs the list and a follow, and a hook can make any
// call fail. It records every call.
type memDest struct {
	mu        sync.Mutex
	follows   map[string]importer.FollowOptions
	blocks    map[string]bool
	mutes     map[string]bool // value: hide notifications
	domains   map[string]bool
	bookmarks map[string]bool
	lists     map[string]map[string]bool
	calls     []string

	// fail, if set, is asked before each call ("follow a@b"); a non-nil
	// error is returned without changing anything.
	fail func(call string) error
	// maxDelay, if set, makes each call take a random time up to it.
	maxDelay time.Duration
	// applied, if set, is called (under the lock) after each call that
	// changed or confirmed the state.
	applied func(call string)
}

func newMemDest() *memDest {
	return &memDest{
		follows:   map[string]importer.FollowOptions{},
		blocks:    map[string]bool{},
		mutes:     map[string]bool{},
		domains:   map[string]bool{},
		bookmarks: map[string]bool{},
		lists:     map[string]map[string]bool{},
	}
}

func (d *memDest) do(ctx context.Context, call string, apply func() error) error {
	if d.maxDelay > 0 {
		time.Sleep(rand.N(d.maxDelay))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	fail := d.fail
	d.mu.Unlock()
	if fail != nil {
		if err := fail(call); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, call)
	if err := apply(); err != nil {
		return err
	}
	if d.applied != nil {
		d.applied(call)
	}
	return nil
}

func (d *memDest) Follow(ctx context.Context, acct string, o importer.FollowOptions) error {
	return d.do(ctx, "follow "+acct, func() error {
		old, ok := d.follows[acct]
		if ok { // an update keeps what is not given
			if o.ShowBoosts == nil {
				o.ShowBoosts = old.ShowBoosts
			}
			if o.Notify == nil {
				o.Notify = old.Notify
			}
			if o.Languages == nil {
				o.Languages = old.Languages
			}
		}
		d.follows[acct] = o
		return nil
	})
}

func (d *memDest) Unfollow(ctx context.Context, acct string) error {
	return d.do(ctx, "unfollow "+acct, func() error { delete(d.follows, acct); return nil })
}

func (d *memDest) Block(ctx context.Context, acct string) error {
	return d.do(ctx, "block "+acct, func() error { d.blocks[acct] = true; return nil })
}

func (d *memDest) Unblock(ctx context.Context, acct string) error {
	return d.do(ctx, "unblock "+acct, func() error { delete(d.blocks, acct); return nil })
}

func (d *memDest) Mute(ctx context.Context, acct string, hide bool) error {
	return d.do(ctx, fmt.Sprintf("mute %s %t", acct, hide), func() error { d.mutes[acct] = hide; return nil })
}

func (d *memDest) Unmute(ctx context.Context, acct string) error {
	return d.do(ctx, "unmute "+acct, func() error { delete(d.mutes, acct); return nil })
}

func (d *memDest) BlockDomain(ctx context.Context, domain string) error {
	return d.do(ctx, "block-domain "+domain, func() error { d.domains[domain] = true; return nil })
}

func (d *memDest) UnblockDomain(ctx context.Context, domain string) error {
	return d.do(ctx, "unblock-domain "+domain, func() error { delete(d.domains, domain); return nil })
}

func (d *memDest) Bookmark(ctx context.Context, uri string) error {
	return d.do(ctx, "bookmark "+uri, func() error { d.bookmarks[uri] = true; return nil })
}

func (d *memDest) Unbookmark(ctx context.Context, uri string) error {
	return d.do(ctx, "unbookmark "+uri, func() error { delete(d.bookmarks, uri); return nil })
}

func (d *memDest) CreateList(ctx context.Context, title string) error {
	return d.do(ctx, "create-list "+title, func() error {
		if d.lists[title] == nil {
			d.lists[title] = map[string]bool{}
		}
		return nil
	})
}

func (d *memDest) DeleteList(ctx context.Context, title string) error {
	return d.do(ctx, "delete-list "+title, func() error { delete(d.lists, title); return nil })
}

func (d *memDest) AddToList(ctx context.Context, title, acct string) error {
	return d.do(ctx, "add-to-list "+title+" "+acct, func() error {
		l := d.lists[title]
		if l == nil {
			return fmt.Errorf("list %q not found", title)
		}
		if _, ok := d.follows[acct]; !ok {
			return fmt.Errorf("add %s to %q: not following", acct, title)
		}
		l[acct] = true
		return nil
	})
}

func (d *memDest) RemoveFromList(ctx context.Context, title, acct string) error {
	return d.do(ctx, "remove-from-list "+title+" "+acct, func() error {
		if l := d.lists[title]; l != nil {
			delete(l, acct)
		}
		return nil
	})
}

// snapshot returns the destination's state as sorted lines.
func (d *memDest) snapshot() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for a, o := range d.follows {
		out = append(out, "follow "+a+" "+fmtOpts(o))
	}
	for a := range d.blocks {
		out = append(out, "block "+a)
	}
	for a, h := range d.mutes {
		out = append(out, fmt.Sprintf("mute %s %t", a, h))
	}
	for x := range d.domains {
		out = append(out, "domain "+x)
	}
	for x := range d.bookmarks {
		out = append(out, "bookmark "+x)
	}
	for t, l := range d.lists {
		out = append(out, "list "+t)
		for a := range l {
			out = append(out, "member "+t+" "+a)
		}
	}
	sort.Strings(out)
	return out
}

func (d *memDest) callLog() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

func fmtOpts(o importer.FollowOptions) string {
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	l := "-"
	if o.Languages != nil {
		l = "[" + strings.Join(o.Languages, ",") + "]"
	}
	return b(o.ShowBoosts) + " " + b(o.Notify) + " " + l
}

func ptr[T any](v T) *T { return &v }

// errPermanent is a destination error the engine must not retry.
var errPermanent = errors.New("permanent failure")

// followerOnly implements Follower alone.
type followerOnly struct{ d *memDest }

func (f followerOnly) Follow(ctx context.Context, acct string, o importer.FollowOptions) error {
	return f.d.Follow(ctx, acct, o)
}

func (f followerOnly) Unfollow(ctx context.Context, acct string) error {
	return f.d.Unfollow(ctx, acct)
}

// onlyFollower hides every method but Follow and Unfollow.
func onlyFollower(d *memDest) importer.Destination {
	return importer.Destination{Follower: followerOnly{d}}
}
