package migratetest

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// The server implements the interfaces package migrate consumes; those
// whose method names clash with the server's own API (Follow, Block...,
// which take usernames) are implemented by store, over actor URIs.
var (
	_ migrate.Relationships    = (*Server)(nil)
	_ migrate.RelatedAccounts  = (*Server)(nil)
	_ migrate.FollowWriter     = store{}
	_ migrate.ListWriter       = (*Server)(nil)
	_ migrate.ModerationWriter = store{}
	_ migrate.FollowRewriter   = (*Server)(nil)
	_ migrate.MoveRecorder     = (*Server)(nil)
	_ migrate.MoveHistory      = (*Server)(nil)
	_ migrate.AccountWriter    = (*Server)(nil)
	_ migrate.Audience         = (*Server)(nil)
)

// store is the server seen through migrate's writer interfaces, with
// local accounts named by actor URI.
type store struct{ s *Server }

// Follow implements migrate.FollowWriter.
func (st store) Follow(ctx context.Context, local, target string, set migrate.FollowSettings) (migrate.FollowState, error) {
	return st.s.follow(ctx, local, target, set)
}

// Unfollow implements migrate.FollowWriter.
func (st store) Unfollow(ctx context.Context, local, account string) error {
	return st.s.unfollow(ctx, local, account)
}

// Block implements migrate.ModerationWriter.
func (st store) Block(ctx context.Context, local, account string) error {
	return st.s.block(ctx, local, account)
}

// Mute implements migrate.ModerationWriter.
func (st store) Mute(_ context.Context, local, account string, notifications bool) error {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	st.s.mutes[pair{local, account}] = notifications
	return nil
}

// Mover returns a migrate.Mover acting for a local account: it fetches
// through the server's client, resolves addresses with WebFinger, stores
// through the server, delivers signed with the account's key to its
// remote followers, remote accounts that block it and the relays, and
// moves the server's own followers with [Server.Transfer].
func (s *Server) Mover(username string) (*migrate.Mover, error) {
	acct, err := s.account(username)
	if err != nil {
		return nil, err
	}
	return &migrate.Mover{
		Actors:    s.client,
		Handles:   migrate.WebFinger(s.client),
		History:   s,
		Accounts:  s,
		Audience:  s,
		Deliverer: s.deliverer(acct),
		Transfer:  s.Transfer(),
		Now:       s.Now,
	}, nil
}

// Checker returns the migrate.Checker a user of this server runs before
// moving: it fetches through the server's client, resolves addresses with
// WebFinger and knows the last moves of local accounts.
func (s *Server) Checker() *migrate.Checker {
	return &migrate.Checker{Actors: s.client, Handles: migrate.WebFinger(s.client), History: s, Now: s.Now}
}

// Transfer returns the migrate.Transfer that moves this server's local
// accounts' relationships, backed by the server.
func (s *Server) Transfer() *migrate.Transfer {
	return &migrate.Transfer{Graph: s, Follows: store{s}, Lists: s, Moderation: store{s}, Accounts: s}
}

// Receiver returns the migrate.Receiver the server's inboxes use.
func (s *Server) Receiver() *migrate.Receiver { return s.receiver }

func (s *Server) deliverer(acct *Account) *migrate.Deliverer {
	return &migrate.Deliverer{
		Signer:       &activitypub.Signer{KeyID: acct.KeyID, Key: acct.Key, Now: s.Now},
		HTTPClient:   s.hc,
		AllowPrivate: !s.RefusePrivate,
		AllowHTTP:    true,
		MaxAttempts:  2,
		BaseDelay:    10 * time.Millisecond,
		Concurrency:  4,
	}
}

// deliver sends one activity, signed by acct, once.
func (s *Server) deliver(ctx context.Context, acct *Account, inbox string, body []byte) error {
	return s.deliverer(acct).Deliver(ctx, migrate.DeliveryUnit{Inbox: inbox, Activity: body})
}

// Relationship implements migrate.Relationships; local is an actor URI or
// a username.
func (s *Server) Relationship(_ context.Context, local, account string) (migrate.Relationship, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	local = s.idOf(local)
	var r migrate.Relationship
	if f := s.follows[pair{local, account}]; f != nil {
		r.Following, r.Requested = f.accepted, !f.accepted
		r.Settings = f.settings
		r.Settings.Languages = slices.Clone(f.settings.Languages)
	}
	for _, k := range sortedKeys(s.lists) {
		if l := s.lists[k]; l.Owner == local && slices.Contains(l.Members, account) {
			r.Lists = append(r.Lists, l.ID)
		}
	}
	r.Blocking = s.blocks[pair{local, account}]
	r.MuteNotifications, r.Muting = s.mutes[pair{local, account}]
	return r, nil
}

func (s *Server) idOf(local string) string {
	if s.byID[local] == nil && s.accounts[local] != nil {
		return s.ActorID(local)
	}
	return local
}

// LocalRelated implements migrate.RelatedAccounts, a page of 100 local
// accounts at a time, by key.
func (s *Server) LocalRelated(_ context.Context, account string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		after := ""
		for {
			s.mu.Lock()
			set := map[string]bool{}
			for k := range s.follows {
				if k.b == account && k.a > after && s.local(k.a) != nil {
					set[k.a] = true
				}
			}
			for _, m := range []map[pair]bool{s.blocks, s.mutes} {
				for k := range m {
					if k.b == account && k.a > after && s.local(k.a) != nil {
						set[k.a] = true
					}
				}
			}
			s.mu.Unlock()
			page := sortedKeys(set)
			if len(page) == 0 {
				return
			}
			page = page[:min(len(page), 100)]
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			after = page[len(page)-1]
		}
	}
}

// AddToLists implements migrate.ListWriter.
func (s *Server) AddToLists(_ context.Context, local, account string, lists []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range lists {
		l := s.lists[id]
		if l == nil || l.Owner != local {
			return fmt.Errorf("migratetest: %s has no list %s", local, id)
		}
		if !slices.Contains(l.Members, account) {
			l.Members = append(l.Members, account)
		}
	}
	return nil
}

// RewriteFollows implements migrate.FollowRewriter: the follows of origin
// by local accounts become follows of target, at once.
func (s *Server) RewriteFollows(_ context.Context, origin, target string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.local(target) == nil {
		return 0, fmt.Errorf("migratetest: %s is not local", target)
	}
	n := 0
	for k, f := range s.follows {
		// Accepted follows only, as Mastodon's MoveWorker: a pending
		// request stays with the old account.
		if k.b != origin || s.local(k.a) == nil || !f.accepted {
			continue
		}
		delete(s.follows, k)
		if k.a == target {
			continue
		}
		if _, ok := s.follows[pair{k.a, target}]; !ok {
			s.follows[pair{k.a, target}] = f
			n++
		}
		for _, l := range s.lists {
			if l.Owner == k.a && slices.Contains(l.Members, origin) {
				l.Members = slices.DeleteFunc(l.Members, func(m string) bool { return m == origin })
				if !slices.Contains(l.Members, target) {
					l.Members = append(l.Members, target)
				}
			}
		}
	}
	return n, nil
}

// RecordMove implements migrate.MoveRecorder.
func (s *Server) RecordMove(_ context.Context, origin, _ string, at, since time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.received[origin]; ok && !t.Before(since) {
		return false, nil
	}
	s.received[origin] = at
	return true, nil
}

// ReceivedMoves returns the origins whose Moves this server accepted.
func (s *Server) ReceivedMoves() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.received))
	for k := range s.received {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// LastMove implements migrate.MoveHistory for local accounts.
func (s *Server) LastMove(_ context.Context, account string) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastMove[account], nil
}

// SaveActor implements migrate.AccountWriter: it replaces a local
// account's actor document.
func (s *Server) SaveActor(_ context.Context, a *activitypub.Actor, moved time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := s.local(a.ID)
	if acct == nil {
		return fmt.Errorf("%w: %s", ErrNoAccount, a.ID)
	}
	c := *a
	acct.actor = &c
	if !moved.IsZero() {
		s.lastMove[a.ID] = moved
	}
	return nil
}

// Recipients implements migrate.Audience: the remote followers of a local
// account (accepted or pending), the remote accounts that block it, and
// the relays.
func (s *Server) Recipients(_ context.Context, account string) iter.Seq2[migrate.Recipient, error] {
	return func(yield func(migrate.Recipient, error) bool) {
		s.mu.Lock()
		var ids []string
		for k := range s.follows {
			if k.b == account && s.local(k.a) == nil {
				ids = append(ids, k.a)
			}
		}
		for k := range s.blocks {
			if k.b == account && s.local(k.a) == nil {
				ids = append(ids, k.a)
			}
		}
		slices.Sort(ids)
		var rs []migrate.Recipient
		for _, id := range slices.Compact(ids) {
			if a := s.remote[id]; a != nil {
				sh := ""
				if a.Endpoints != nil {
					sh = a.Endpoints.SharedInbox
				}
				rs = append(rs, migrate.Recipient{Inbox: a.Inbox, SharedInbox: sh})
			}
		}
		for _, r := range s.Relays {
			rs = append(rs, migrate.Recipient{Inbox: r})
		}
		s.mu.Unlock()
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
