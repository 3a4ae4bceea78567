package importertest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/fediport/fediport/importer"
)

// Destination is an in-memory account for package importer's engine: it
// implements [importer.FullDestination] and [importer.StateReader].
// Follow, block, mute, domain block, bookmark and list membership are
// find-or-create, removing what is absent is not an error, a follow or
// mute of an account already followed or muted updates the settings
// given, and a list holds only followed accounts, as on Mastodon.
// Accounts are compared by [importer.AccountKey] and reported in that
// form.
//
// The zero value is an empty account, ready to use; a Destination is
// safe for concurrent use and must not be copied after first use.
type Destination struct {
	// Fail, if not nil, is called before each change with its
	// description, such as "follow alice@example.com" (see
	// [Destination.Calls]); a non-nil error is returned and nothing
	// changes. Tests use it to make calls fail.
	Fail func(call string) error

	mu        sync.Mutex
	follows   map[string]follow
	blocks    map[string]bool
	mutes     map[string]bool // value: notifications hidden too
	domains   map[string]bool
	bookmarks map[string]bool
	lists     map[string]map[string]bool
	calls     []string
}

type follow struct {
	reblogs, notify bool
	languages       []string
}

// Destination returns d as the destination of every kind of change.
func (d *Destination) Destination() importer.Destination { return importer.DestinationOf(d) }

// Calls returns the changes asked of d so far, in order, such as
// "follow alice@example.com" or "add-to-list Friends alice@example.com",
// failed ones included.
func (d *Destination) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

// do records call, asks Fail, and makes the change under the lock.
func (d *Destination) do(ctx context.Context, call string, change func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	d.calls = append(d.calls, call)
	fail := d.Fail
	d.mu.Unlock()
	if fail != nil {
		if err := fail(call); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.follows == nil {
		d.follows, d.blocks, d.mutes = map[string]follow{}, map[string]bool{}, map[string]bool{}
		d.domains, d.bookmarks, d.lists = map[string]bool{}, map[string]bool{}, map[string]map[string]bool{}
	}
	return change()
}

func key(acct string) string { return importer.AccountKey(acct, "") }

// Follow follows acct, or updates the settings opts gives of a follow.
// A new follow shows boosts and does not notify unless opts says.
func (d *Destination) Follow(ctx context.Context, acct string, opts importer.FollowOptions) error {
	return d.do(ctx, "follow "+key(acct), func() error {
		f, ok := d.follows[key(acct)]
		if !ok {
			f.reblogs = true
		}
		if opts.ShowBoosts != nil {
			f.reblogs = *opts.ShowBoosts
		}
		if opts.Notify != nil {
			f.notify = *opts.Notify
		}
		if opts.Languages != nil {
			f.languages = slices.Clone(opts.Languages)
		}
		d.follows[key(acct)] = f
		return nil
	})
}

// Unfollow unfollows acct, and takes it out of every list.
func (d *Destination) Unfollow(ctx context.Context, acct string) error {
	return d.do(ctx, "unfollow "+key(acct), func() error {
		delete(d.follows, key(acct))
		for _, l := range d.lists {
			delete(l, key(acct))
		}
		return nil
	})
}

// Block blocks acct.
func (d *Destination) Block(ctx context.Context, acct string) error {
	return d.do(ctx, "block "+key(acct), func() error { d.blocks[key(acct)] = true; return nil })
}

// Unblock unblocks acct.
func (d *Destination) Unblock(ctx context.Context, acct string) error {
	return d.do(ctx, "unblock "+key(acct), func() error { delete(d.blocks, key(acct)); return nil })
}

// Mute mutes acct, and its notifications if hideNotifications.
func (d *Destination) Mute(ctx context.Context, acct string, hideNotifications bool) error {
	return d.do(ctx, fmt.Sprintf("mute %s %t", key(acct), hideNotifications), func() error {
		d.mutes[key(acct)] = hideNotifications
		return nil
	})
}

// Unmute unmutes acct.
func (d *Destination) Unmute(ctx context.Context, acct string) error {
	return d.do(ctx, "unmute "+key(acct), func() error { delete(d.mutes, key(acct)); return nil })
}

// BlockDomain blocks domain.
func (d *Destination) BlockDomain(ctx context.Context, domain string) error {
	k := importer.DomainKey(domain)
	return d.do(ctx, "block-domain "+k, func() error { d.domains[k] = true; return nil })
}

// UnblockDomain unblocks domain.
func (d *Destination) UnblockDomain(ctx context.Context, domain string) error {
	k := importer.DomainKey(domain)
	return d.do(ctx, "unblock-domain "+k, func() error { delete(d.domains, k); return nil })
}

// Bookmark bookmarks the status uri.
func (d *Destination) Bookmark(ctx context.Context, uri string) error {
	return d.do(ctx, "bookmark "+uri, func() error { d.bookmarks[uri] = true; return nil })
}

// Unbookmark removes the bookmark of the status uri.
func (d *Destination) Unbookmark(ctx context.Context, uri string) error {
	return d.do(ctx, "unbookmark "+uri, func() error { delete(d.bookmarks, uri); return nil })
}

// CreateList creates a list titled title, unless there is one.
func (d *Destination) CreateList(ctx context.Context, title string) error {
	return d.do(ctx, "create-list "+title, func() error {
		if d.lists[title] == nil {
			d.lists[title] = map[string]bool{}
		}
		return nil
	})
}

// DeleteList deletes the list titled title.
func (d *Destination) DeleteList(ctx context.Context, title string) error {
	return d.do(ctx, "delete-list "+title, func() error { delete(d.lists, title); return nil })
}

// AddToList adds acct to the list titled title. The list must exist and
// acct be followed, as on Mastodon.
func (d *Destination) AddToList(ctx context.Context, title, acct string) error {
	return d.do(ctx, "add-to-list "+title+" "+key(acct), func() error {
		l := d.lists[title]
		if l == nil {
			return fmt.Errorf("importertest: no list %q", title)
		}
		if _, ok := d.follows[key(acct)]; !ok {
			return fmt.Errorf("importertest: adding %s to %q: not followed", key(acct), title)
		}
		l[key(acct)] = true
		return nil
	})
}

// RemoveFromList removes acct from the list titled title.
func (d *Destination) RemoveFromList(ctx context.Context, title, acct string) error {
	return d.do(ctx, "remove-from-list "+title+" "+key(acct), func() error {
		delete(d.lists[title], key(acct))
		return nil
	})
}

// ReadState returns what the account has now for type t, sorted; the
// follows too for [importer.Lists], as a plan needs them.
func (d *Destination) ReadState(ctx context.Context, t importer.Type) (*importer.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	st := &importer.State{}
	switch t {
	case importer.Following, importer.Lists:
		for _, a := range sortedKeys(d.follows) {
			f := d.follows[a]
			st.Following = append(st.Following, importer.Row{Account: a, ShowBoosts: ptr(f.reblogs), Notify: ptr(f.notify), Languages: slices.Clone(f.languages)})
		}
		if t == importer.Lists {
			for _, title := range sortedKeys(d.lists) {
				st.Lists = append(st.Lists, importer.List{Title: title, Members: sortedKeys(d.lists[title])})
			}
		}
	case importer.Muting:
		for _, a := range sortedKeys(d.mutes) {
			st.Muting = append(st.Muting, importer.Row{Account: a, HideNotifications: ptr(d.mutes[a])})
		}
	case importer.Blocking:
		st.Blocking = sortedKeys(d.blocks)
	case importer.DomainBlocking:
		st.DomainBlocking = sortedKeys(d.domains)
	case importer.Bookmarks:
		st.Bookmarks = sortedKeys(d.bookmarks)
	case importer.Followers:
		// No account can be made to follow another: nothing to read.
	default:
		return nil, fmt.Errorf("%w %q", importer.ErrUnknownType, string(t))
	}
	return st, nil
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ptr[T any](v T) *T { return &v }

var (
	_ importer.FullDestination = (*Destination)(nil)
	_ importer.StateReader     = (*Destination)(nil)
)
