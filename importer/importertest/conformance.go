package importertest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fediport/fediport/importer"
)

// Subjects names what [TestDestination] may act on. The account the
// destination acts for should follow, block and mute none of Accounts,
// block not Domain, bookmark not StatusURI, and have no list titled
// List; the check leaves it so.
type Subjects struct {
	// Accounts are two addresses the destination can follow, block, mute
	// and add to a list (user@domain).
	Accounts [2]string
	// Domain is a domain the destination may block.
	Domain string
	// StatusURI is the URI of a status the destination can bookmark.
	StatusURI string
	// List is a list title (default "importertest").
	List string
}

// TestDestination checks that dst behaves as package importer's engine
// expects of a destination, reading the outcome back through sr: each
// addition is find-or-create (done twice, it succeeds twice), each
// removal of what is absent succeeds, a follow's and a mute's settings
// are updated by a second call, and a list, named by title, holds
// followed members. Only the capabilities dst has (its non-nil fields)
// are checked, each in a subtest named for it; a follow that the
// destination takes as a request ([importer.ErrRequested]) skips the
// checks that need it accepted. A ReadState that answers
// [importer.ErrUnsupported] for a type skips the check of that state.
func TestDestination(t *testing.T, dst importer.Destination, sr importer.StateReader, s Subjects) {
	t.Helper()
	if s.List == "" {
		s.List = "importertest"
	}
	if s.Accounts[0] == "" || s.Accounts[1] == "" {
		t.Fatal("importertest: Subjects.Accounts needs two addresses")
	}
	c := &checker{t: t, sr: sr}
	a, b := s.Accounts[0], s.Accounts[1]
	if f := dst.Follower; f != nil {
		t.Run("Follower", func(t *testing.T) { c.with(t).follower(f, a) })
	}
	if bl := dst.Blocker; bl != nil {
		t.Run("Blocker", func(t *testing.T) {
			c := c.with(t)
			c.twice("Block", func(ctx context.Context) error { return bl.Block(ctx, a) })
			c.holds(importer.Blocking, key(a), key, true)
			c.twice("Unblock", func(ctx context.Context) error { return bl.Unblock(ctx, a) })
			c.holds(importer.Blocking, key(a), key, false)
		})
	}
	if m := dst.Muter; m != nil {
		t.Run("Muter", func(t *testing.T) { c.with(t).muter(m, b) })
	}
	if db := dst.DomainBlocker; db != nil && s.Domain != "" {
		t.Run("DomainBlocker", func(t *testing.T) {
			c := c.with(t)
			c.twice("BlockDomain", func(ctx context.Context) error { return db.BlockDomain(ctx, s.Domain) })
			c.holds(importer.DomainBlocking, importer.DomainKey(s.Domain), importer.DomainKey, true)
			c.twice("UnblockDomain", func(ctx context.Context) error { return db.UnblockDomain(ctx, s.Domain) })
			c.holds(importer.DomainBlocking, importer.DomainKey(s.Domain), importer.DomainKey, false)
		})
	}
	if bm := dst.Bookmarker; bm != nil && s.StatusURI != "" {
		t.Run("Bookmarker", func(t *testing.T) {
			c := c.with(t)
			c.twice("Bookmark", func(ctx context.Context) error { return bm.Bookmark(ctx, s.StatusURI) })
			c.holds(importer.Bookmarks, s.StatusURI, nil, true)
			c.twice("Unbookmark", func(ctx context.Context) error { return bm.Unbookmark(ctx, s.StatusURI) })
			c.holds(importer.Bookmarks, s.StatusURI, nil, false)
		})
	}
	if dst.ListManager != nil {
		t.Run("ListManager", func(t *testing.T) { c.with(t).lists(dst, s.List, b) })
	}
}

type checker struct {
	t  *testing.T
	sr importer.StateReader
}

func (c *checker) with(t *testing.T) *checker { return &checker{t: t, sr: c.sr} }

// twice calls f twice: an addition or removal must succeed both times.
func (c *checker) twice(what string, f func(context.Context) error) {
	c.t.Helper()
	for i := range 2 {
		if err := f(c.t.Context()); err != nil {
			c.t.Fatalf("%s (call %d of 2): %v", what, i+1, err)
		}
	}
}

// state reads the state for typ, or skips the subtest when the
// destination cannot.
func (c *checker) state(typ importer.Type) *importer.State {
	c.t.Helper()
	if c.sr == nil {
		return nil
	}
	st, err := c.sr.ReadState(c.t.Context(), typ)
	if errors.Is(err, importer.ErrUnsupported) {
		c.t.Skipf("ReadState(%s): %v", typ, err)
	}
	if err != nil {
		c.t.Fatalf("ReadState(%s): %v", typ, err)
	}
	return st
}

// holds checks whether the state of typ (Blocking, DomainBlocking or
// Bookmarks) holds v, comparing each entry through norm if given.
func (c *checker) holds(typ importer.Type, v string, norm func(string) string, want bool) {
	c.t.Helper()
	st := c.state(typ)
	if st == nil {
		return
	}
	var got []string
	switch typ {
	case importer.Blocking:
		got = st.Blocking
	case importer.DomainBlocking:
		got = st.DomainBlocking
	case importer.Bookmarks:
		got = st.Bookmarks
	}
	has := slices.ContainsFunc(got, func(x string) bool {
		if norm != nil {
			x = norm(x)
		}
		return x == v
	})
	if has != want {
		c.t.Errorf("ReadState(%s) holds %q: %v, want %v (state %q)", typ, v, has, want, got)
	}
}

func findRow(rows []importer.Row, acct string) *importer.Row {
	for i := range rows {
		if key(rows[i].Account) == key(acct) {
			return &rows[i]
		}
	}
	return nil
}

// follow follows acct; it reports false when the destination took the
// follow as a request.
func (c *checker) follow(f importer.Follower, acct string, o importer.FollowOptions) bool {
	c.t.Helper()
	for i := range 2 {
		err := f.Follow(c.t.Context(), acct, o)
		if errors.Is(err, importer.ErrRequested) {
			return false
		}
		if err != nil {
			c.t.Fatalf("Follow (call %d of 2): %v", i+1, err)
		}
	}
	return true
}

func (c *checker) follower(f importer.Follower, acct string) {
	c.t.Helper()
	no, yes := false, true
	if !c.follow(f, acct, importer.FollowOptions{ShowBoosts: &no}) {
		c.twice("Unfollow", func(ctx context.Context) error { return f.Unfollow(ctx, acct) })
		c.t.Skip("the follow is a request: settings not checked")
	}
	if st := c.state(importer.Following); st != nil {
		r := findRow(st.Following, acct)
		switch {
		case r == nil:
			c.t.Errorf("ReadState(following) lacks %s after Follow", acct)
		case r.ShowBoosts != nil && *r.ShowBoosts:
			c.t.Errorf("follow of %s shows boosts after Follow with ShowBoosts false", acct)
		}
	}
	// A second follow updates the setting it gives.
	c.follow(f, acct, importer.FollowOptions{ShowBoosts: &yes})
	if st := c.state(importer.Following); st != nil {
		if r := findRow(st.Following, acct); r == nil || (r.ShowBoosts != nil && !*r.ShowBoosts) {
			c.t.Errorf("follow of %s after an update to ShowBoosts true: %+v", acct, r)
		}
	}
	c.twice("Unfollow", func(ctx context.Context) error { return f.Unfollow(ctx, acct) })
	if st := c.state(importer.Following); st != nil && findRow(st.Following, acct) != nil {
		c.t.Errorf("ReadState(following) holds %s after Unfollow", acct)
	}
}

func (c *checker) muter(m importer.Muter, acct string) {
	c.t.Helper()
	c.twice("Mute", func(ctx context.Context) error { return m.Mute(ctx, acct, true) })
	c.twice("Mute (update)", func(ctx context.Context) error { return m.Mute(ctx, acct, false) })
	if st := c.state(importer.Muting); st != nil {
		r := findRow(st.Muting, acct)
		if r == nil || (r.HideNotifications != nil && *r.HideNotifications) {
			c.t.Errorf("mute of %s after Mute(false): %+v, want it held, notifications not hidden", acct, r)
		}
	}
	c.twice("Unmute", func(ctx context.Context) error { return m.Unmute(ctx, acct) })
	if st := c.state(importer.Muting); st != nil && findRow(st.Muting, acct) != nil {
		c.t.Errorf("ReadState(muting) holds %s after Unmute", acct)
	}
}

func (c *checker) lists(dst importer.Destination, title, acct string) {
	c.t.Helper()
	lm, le, f := dst.ListManager, dst.ListEditor, dst.Follower
	c.twice("CreateList", func(ctx context.Context) error { return lm.CreateList(ctx, title) })
	list := func() *importer.List {
		st := c.state(importer.Lists)
		if st == nil {
			return &importer.List{}
		}
		var found *importer.List
		for i, l := range st.Lists {
			if l.Title == title {
				if found != nil {
					c.t.Errorf("two lists titled %q after CreateList twice", title)
				}
				found = &st.Lists[i]
			}
		}
		return found
	}
	if list() == nil {
		c.t.Fatalf("ReadState(lists) lacks %q after CreateList", title)
	}
	if le != nil && f != nil {
		if c.follow(f, acct, importer.FollowOptions{}) {
			c.twice("AddToList", func(ctx context.Context) error { return le.AddToList(ctx, title, acct) })
			if l := list(); c.sr != nil && (l == nil || !slices.ContainsFunc(l.Members, func(m string) bool { return key(m) == key(acct) })) {
				c.t.Errorf("list %q lacks %s after AddToList: %+v", title, acct, l)
			}
			c.twice("RemoveFromList", func(ctx context.Context) error { return le.RemoveFromList(ctx, title, acct) })
			if l := list(); l != nil && slices.ContainsFunc(l.Members, func(m string) bool { return key(m) == key(acct) }) {
				c.t.Errorf("list %q holds %s after RemoveFromList", title, acct)
			}
		}
		c.twice("Unfollow", func(ctx context.Context) error { return f.Unfollow(ctx, acct) })
	}
	c.twice("DeleteList", func(ctx context.Context) error { return lm.DeleteList(ctx, title) })
	if c.sr != nil && list() != nil {
		c.t.Errorf("ReadState(lists) holds %q after DeleteList", title)
	}
	if le != nil {
		c.twice("RemoveFromList of a missing list", func(ctx context.Context) error { return le.RemoveFromList(ctx, title, acct) })
	}
}
