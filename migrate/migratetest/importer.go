package migratetest

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"

	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/migrate"
)

// Importer returns the import destination of a local account: it
// implements every destination interface of package importer (following,
// blocking, muting, domain blocking, bookmarks, lists) and
// importer.StateReader, naming accounts by address as CSV files do.
func (s *Server) Importer(username string) *ImportTarget {
	return &ImportTarget{s: s, user: username}
}

// ImportTarget applies imports to one local account of a [Server].
// Removals change local state only: unblocking sends no Undo.
type ImportTarget struct {
	s    *Server
	user string
}

var (
	_ importer.Follower      = (*ImportTarget)(nil)
	_ importer.Blocker       = (*ImportTarget)(nil)
	_ importer.Muter         = (*ImportTarget)(nil)
	_ importer.DomainBlocker = (*ImportTarget)(nil)
	_ importer.Bookmarker    = (*ImportTarget)(nil)
	_ importer.ListManager   = (*ImportTarget)(nil)
	_ importer.ListEditor    = (*ImportTarget)(nil)
	_ importer.StateReader   = (*ImportTarget)(nil)
)

// Follow follows acct (find-or-create: settings of an existing follow are
// updated; nil options keep them, or take the defaults for a new follow).
func (t *ImportTarget) Follow(ctx context.Context, acct string, opts importer.FollowOptions) error {
	me, id, err := t.s.resolvePair(ctx, t.user, acct)
	if err != nil {
		return err
	}
	apply := func(set migrate.FollowSettings) migrate.FollowSettings {
		if opts.ShowBoosts != nil {
			set.ShowBoosts = *opts.ShowBoosts
		}
		if opts.Notify != nil {
			set.Notify = *opts.Notify
		}
		if opts.Languages != nil {
			set.Languages = slices.Clone(opts.Languages)
		}
		return set
	}
	t.s.mu.Lock()
	if f := t.s.follows[pair{me, id}]; f != nil {
		f.settings = apply(f.settings)
		t.s.mu.Unlock()
		return nil
	}
	t.s.mu.Unlock()
	_, err = t.s.follow(ctx, me, id, apply(migrate.FollowSettings{ShowBoosts: true}))
	return err
}

// Unfollow stops following acct.
func (t *ImportTarget) Unfollow(ctx context.Context, acct string) error {
	return t.s.Unfollow(ctx, t.user, acct)
}

// Block blocks acct.
func (t *ImportTarget) Block(ctx context.Context, acct string) error {
	return t.s.Block(ctx, t.user, acct)
}

// Unblock removes a block.
func (t *ImportTarget) Unblock(ctx context.Context, acct string) error {
	return t.remove(ctx, acct, t.s.blocks)
}

// Mute mutes acct.
func (t *ImportTarget) Mute(ctx context.Context, acct string, hideNotifications bool) error {
	return t.s.Mute(ctx, t.user, acct, hideNotifications)
}

// Unmute removes a mute.
func (t *ImportTarget) Unmute(ctx context.Context, acct string) error {
	return t.remove(ctx, acct, t.s.mutes)
}

func (t *ImportTarget) remove(ctx context.Context, acct string, m map[pair]bool) error {
	me, id, err := t.s.resolvePair(ctx, t.user, acct)
	if err != nil {
		return err
	}
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	delete(m, pair{me, id})
	return nil
}

// BlockDomain blocks a domain.
func (t *ImportTarget) BlockDomain(_ context.Context, domain string) error {
	return t.s.BlockDomain(t.user, domain)
}

// UnblockDomain removes a domain block.
func (t *ImportTarget) UnblockDomain(_ context.Context, domain string) error {
	return t.s.removeFrom(t.s.domainBlocks, t.user, domain)
}

// Bookmark bookmarks a status by URI.
func (t *ImportTarget) Bookmark(_ context.Context, uri string) error {
	return t.s.Bookmark(t.user, uri)
}

// Unbookmark removes a bookmark.
func (t *ImportTarget) Unbookmark(_ context.Context, uri string) error {
	return t.s.removeFrom(t.s.bookmarks, t.user, uri)
}

// CreateList creates a list unless one with that title exists.
func (t *ImportTarget) CreateList(_ context.Context, title string) error {
	if t.list(title) != nil {
		return nil
	}
	_, err := t.s.CreateList(t.user, title)
	return err
}

// DeleteList deletes the list with that title, if any.
func (t *ImportTarget) DeleteList(_ context.Context, title string) error {
	if l := t.list(title); l != nil {
		t.s.mu.Lock()
		delete(t.s.lists, l.ID)
		t.s.mu.Unlock()
	}
	return nil
}

// AddToList adds a followed account to a list by title.
func (t *ImportTarget) AddToList(ctx context.Context, title, acct string) error {
	l := t.list(title)
	if l == nil {
		return fmt.Errorf("migratetest: %s has no list %q", t.user, title)
	}
	return t.s.AddToList(ctx, t.user, l.ID, acct)
}

// RemoveFromList removes an account from a list by title.
func (t *ImportTarget) RemoveFromList(ctx context.Context, title, acct string) error {
	l := t.list(title)
	if l == nil {
		return nil
	}
	id, err := t.s.resolve(ctx, acct)
	if err != nil {
		return err
	}
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if live := t.s.lists[l.ID]; live != nil {
		live.Members = slices.DeleteFunc(live.Members, func(m string) bool { return m == id })
	}
	return nil
}

func (t *ImportTarget) list(title string) *List {
	for _, l := range t.s.Lists(t.user) {
		if l.Title == title {
			return &l
		}
	}
	return nil
}

// ReadState reports the account's current follows, blocks, mutes, domain
// blocks, bookmarks and lists, with accounts as addresses: what the
// account's [ExportSource] yields.
func (t *ImportTarget) ReadState(ctx context.Context, _ importer.Type) (*importer.State, error) {
	s, ex := t.s, t.s.Exporter(t.user)
	st := &importer.State{
		DomainBlocking: s.DomainBlocks(t.user),
		Bookmarks:      s.Bookmarks(t.user),
		FollowersCount: len(s.Followers(t.user)),
	}
	var err error
	if st.Following, err = collect(ex.Follows(ctx), func(f export.Follow) importer.Row {
		return importer.Row{Account: f.Account, ShowBoosts: &f.ShowBoosts, Notify: &f.Notify, Languages: f.Languages}
	}); err != nil {
		return nil, err
	}
	if st.Blocking, err = collect(ex.Blocks(ctx), func(a string) string { return a }); err != nil {
		return nil, err
	}
	if st.Blocking == nil {
		st.Blocking = []string{}
	}
	if st.Muting, err = collect(ex.Mutes(ctx), func(m export.Mute) importer.Row {
		return importer.Row{Account: m.Account, HideNotifications: &m.HideNotifications}
	}); err != nil {
		return nil, err
	}
	if st.Lists, err = collect(ex.Lists(ctx), func(l importer.List) importer.List { return l }); err != nil {
		return nil, err
	}
	return st, nil
}

// collect gathers what seq yields, mapped by f, up to its first error.
func collect[T, R any](seq iter.Seq2[T, error], f func(T) R) ([]R, error) {
	var out []R
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, f(v))
	}
	return out, nil
}

// Address returns the address (user@host) of an actor URI: a local
// account's, or a remote actor's preferredUsername at its id's host.
func (s *Server) Address(ctx context.Context, id string) (string, error) {
	s.mu.Lock()
	if a := s.byID[id]; a != nil { // deleted accounts keep their address
		s.mu.Unlock()
		return a.Username + "@" + s.Host, nil
	}
	s.mu.Unlock()
	a, err := s.remoteActor(ctx, id, false)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(a.ID)
	if err != nil || a.PreferredUsername == "" {
		return "", fmt.Errorf("migratetest: no address for %s", id)
	}
	return a.PreferredUsername + "@" + u.Host, nil
}
