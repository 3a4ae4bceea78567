package migratetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fediport/fediport/migrate"
)

// Visibility is who may see a post.
type Visibility string

// Visibilities, as Mastodon names them.
const (
	Public   Visibility = "public"
	Unlisted Visibility = "unlisted"
	Private  Visibility = "private" // followers only
	Direct   Visibility = "direct"  // mentioned accounts only: a direct message
)

// Post is a status: a note, or a boost of another status.
type Post struct {
	ID         string // the status URI
	Author     string // actor URI
	Content    string // HTML
	Summary    string // content warning
	Sensitive  bool
	Published  time.Time
	Visibility Visibility
	Mentions   []string // actor URIs
	InReplyTo  string
	Media      []*Media
	Poll       *Poll
	BoostOf    string // the boosted status URI, for a boost
}

// Media is an attachment, served at its URL.
type Media struct {
	ID, URL     string
	MediaType   string
	Description string
	Data        []byte
}

// Poll is a post's poll.
type Poll struct {
	Options  []string
	Multiple bool
	EndTime  time.Time
	Votes    []int
}

// MediaUpload is an attachment to a new post.
type MediaUpload struct {
	MediaType   string
	Description string
	Data        []byte
}

// PostOptions describe a new post.
type PostOptions struct {
	Text       string // plain text; it is wrapped in <p>
	Summary    string
	Sensitive  bool
	Visibility Visibility // "" means Public
	Mentions   []string   // actor URIs or addresses
	InReplyTo  string
	Media      []MediaUpload
	Poll       *Poll
}

// Post publishes a post by a local account. Posts are served in the
// outbox and at their URI; they are not delivered to followers.
func (s *Server) Post(ctx context.Context, username string, o PostOptions) (*Post, error) {
	acct, err := s.account(username)
	if err != nil {
		return nil, err
	}
	var mentions []string
	for _, m := range o.Mentions {
		id, err := s.resolve(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("migratetest: mention %s: %w", m, err)
		}
		mentions = append(mentions, id)
	}
	if o.Visibility == "" {
		o.Visibility = Public
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID()
	p := &Post{
		ID: acct.ID + "/statuses/" + id, Author: acct.ID, Content: "<p>" + htmlEscape(o.Text) + "</p>",
		Summary: o.Summary, Sensitive: o.Sensitive, Published: s.now().UTC().Truncate(time.Second),
		Visibility: o.Visibility, Mentions: mentions, InReplyTo: o.InReplyTo,
	}
	for _, m := range o.Media {
		mid := s.nextID()
		md := &Media{ID: mid, URL: s.URL + "/media/" + mid, MediaType: m.MediaType, Description: m.Description, Data: slices.Clone(m.Data)}
		s.media[mid] = md
		p.Media = append(p.Media, md)
	}
	if o.Poll != nil {
		pl := *o.Poll
		pl.Options = slices.Clone(o.Poll.Options)
		if len(pl.Votes) != len(pl.Options) {
			pl.Votes = make([]int, len(pl.Options))
		}
		p.Poll = &pl
	}
	s.posts = append(s.posts, p)
	return p, nil
}

// Boost boosts a status (by URI) as a local account.
func (s *Server) Boost(username, status string) (*Post, error) {
	acct, err := s.account(username)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &Post{ID: acct.ID + "/statuses/" + s.nextID() + "/activity", Author: acct.ID, Published: s.now().UTC().Truncate(time.Second), Visibility: Public, BoostOf: status}
	s.posts = append(s.posts, p)
	return p, nil
}

// Posts returns a local account's posts and boosts, oldest first.
func (s *Server) Posts(username string) []*Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.ActorID(username)
	var out []*Post
	for _, p := range s.posts {
		if p.Author == id {
			c := *p
			out = append(out, &c)
		}
	}
	return out
}

// Bookmark bookmarks a status (by URI) for a local account.
func (s *Server) Bookmark(username, status string) error {
	return s.addTo(s.bookmarks, username, status)
}

// addTo adds v to a local account's set in m (bookmarks, domain blocks).
func (s *Server) addTo(m map[string][]string, username, v string) error {
	acct, err := s.account(username)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(m[acct.ID], v) {
		m[acct.ID] = append(m[acct.ID], v)
	}
	return nil
}

// removeFrom removes v from a local account's set in m.
func (s *Server) removeFrom(m map[string][]string, username, v string) error {
	acct, err := s.account(username)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m[acct.ID] = slices.DeleteFunc(m[acct.ID], func(x string) bool { return x == v })
	return nil
}

// Bookmarks returns a local account's bookmarked status URIs.
func (s *Server) Bookmarks(username string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bookmarks[s.ActorID(username)])
}

// Follow makes a local account follow another (an address or actor URI),
// showing boosts. See [Server.FollowWith].
func (s *Server) Follow(ctx context.Context, username, target string) (migrate.FollowState, error) {
	return s.FollowWith(ctx, username, target, migrate.FollowSettings{ShowBoosts: true})
}

// FollowWith makes a local account follow another with the given
// settings. A remote follow sends a signed Follow and returns
// FollowAccepted when the Accept came back while it was delivered,
// FollowPending otherwise; a refusal is an error wrapping
// migrate.ErrFollowRefused.
func (s *Server) FollowWith(ctx context.Context, username, target string, set migrate.FollowSettings) (migrate.FollowState, error) {
	me, id, err := s.resolvePair(ctx, username, target)
	if err != nil {
		return 0, err
	}
	return s.follow(ctx, me, id, set)
}

// resolvePair returns the actor URIs of a local account and of target
// (resolved as [Server.resolve] does), the two ends of a relation.
func (s *Server) resolvePair(ctx context.Context, username, target string) (localID, targetID string, err error) {
	acct, err := s.account(username)
	if err != nil {
		return "", "", err
	}
	id, err := s.resolve(ctx, target)
	if err != nil {
		return "", "", err
	}
	return acct.ID, id, nil
}

// follow makes local account follower follow target (an actor URI).
func (s *Server) follow(ctx context.Context, follower, target string, set migrate.FollowSettings) (migrate.FollowState, error) {
	s.mu.Lock()
	me := s.local(follower)
	if me == nil {
		s.mu.Unlock()
		return 0, fmt.Errorf("%w: %s", ErrNoAccount, follower)
	}
	if follower == target {
		s.mu.Unlock()
		return 0, fmt.Errorf("migratetest: cannot follow oneself: %w", migrate.ErrFollowRefused)
	}
	if s.blocks[pair{target, follower}] || s.blocks[pair{follower, target}] {
		s.mu.Unlock()
		return 0, fmt.Errorf("migratetest: %s and %s block each other: %w", follower, target, migrate.ErrFollowRefused)
	}
	if f := s.follows[pair{follower, target}]; f != nil {
		f.settings = set
		state := migrate.FollowPending
		if f.accepted {
			state = migrate.FollowAccepted
		}
		s.mu.Unlock()
		return state, nil
	}
	if t := s.local(target); t != nil {
		defer s.mu.Unlock()
		if t.actor.MovedTo != "" {
			return 0, fmt.Errorf("migratetest: %s has moved: %w", target, migrate.ErrFollowRefused)
		}
		f := &follow{activity: follower + "#follows/" + s.nextID(), accepted: !t.actor.ManuallyApprovesFollowers, settings: set}
		s.follows[pair{follower, target}] = f
		if f.accepted {
			return migrate.FollowAccepted, nil
		}
		return migrate.FollowPending, nil
	}
	f := &follow{activity: follower + "#follows/" + s.nextID(), settings: set}
	s.follows[pair{follower, target}] = f
	s.mu.Unlock()

	ta, err := s.remoteActor(ctx, target, false)
	if err == nil {
		body, _ := json.Marshal(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": f.activity, "type": "Follow", "actor": follower, "object": target,
		})
		err = s.deliver(ctx, me, ta.Inbox, body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var de *migrate.DeliveryError
	if err != nil {
		if s.follows[pair{follower, target}] == f {
			s.dropFollow(follower, target)
		}
		if errors.As(err, &de) && !de.Temporary() {
			return 0, fmt.Errorf("migratetest: %w: %w", migrate.ErrFollowRefused, err)
		}
		return 0, err
	}
	switch {
	case s.follows[pair{follower, target}] != f:
		return 0, fmt.Errorf("migratetest: %s rejected the follow: %w", target, migrate.ErrFollowRefused)
	case f.accepted:
		return migrate.FollowAccepted, nil
	}
	return migrate.FollowPending, nil
}

// Unfollow makes a local account stop following another (or withdraw its
// request), sending an Undo for a remote one.
func (s *Server) Unfollow(ctx context.Context, username, target string) error {
	me, id, err := s.resolvePair(ctx, username, target)
	if err != nil {
		return err
	}
	return s.unfollow(ctx, me, id)
}

func (s *Server) unfollow(ctx context.Context, follower, target string) error {
	s.mu.Lock()
	me := s.local(follower)
	f := s.follows[pair{follower, target}]
	s.dropFollow(follower, target)
	remote := s.local(target) == nil
	s.mu.Unlock()
	if f == nil || !remote || me == nil {
		return nil
	}
	ta, err := s.remoteActor(ctx, target, false)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": follower + "#follows/" + s.nextIDLocked() + "/undo", "type": "Undo", "actor": follower,
		"object": map[string]any{"id": f.activity, "type": "Follow", "actor": follower, "object": target},
	})
	return s.deliver(ctx, me, ta.Inbox, body)
}

// dropFollow ends follower's follow of (or request to) target, and takes
// target out of follower's lists: as in Mastodon, a list holds only
// accounts its owner follows. The caller holds s.mu.
func (s *Server) dropFollow(follower, target string) {
	delete(s.follows, pair{follower, target})
	for _, l := range s.lists {
		if l.Owner == follower {
			l.Members = slices.DeleteFunc(l.Members, func(m string) bool { return m == target })
		}
	}
}

func (s *Server) nextIDLocked() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextID()
}

// Block makes a local account block another: follows between them end,
// and a remote account is sent the Block.
func (s *Server) Block(ctx context.Context, username, target string) error {
	me, id, err := s.resolvePair(ctx, username, target)
	if err != nil {
		return err
	}
	return s.block(ctx, me, id)
}

func (s *Server) block(ctx context.Context, blocker, target string) error {
	s.mu.Lock()
	me := s.local(blocker)
	if s.blocks[pair{blocker, target}] {
		s.mu.Unlock()
		return nil
	}
	s.blocks[pair{blocker, target}] = true
	_, following := s.follows[pair{blocker, target}]
	s.dropFollow(target, blocker)
	remote := s.local(target) == nil
	s.mu.Unlock()
	if following {
		if err := s.unfollow(ctx, blocker, target); err != nil {
			return err
		}
	}
	if !remote {
		return nil
	}
	ta, err := s.remoteActor(ctx, target, false)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": blocker + "#blocks/" + s.nextIDLocked(), "type": "Block", "actor": blocker, "object": target,
	})
	return s.deliver(ctx, me, ta.Inbox, body)
}

// Mute makes a local account mute another; hideNotifications also hides
// the muted account's notifications (Mastodon's "Hide notifications").
func (s *Server) Mute(ctx context.Context, username, target string, hideNotifications bool) error {
	me, id, err := s.resolvePair(ctx, username, target)
	if err != nil {
		return err
	}
	return store{s}.Mute(ctx, me, id, hideNotifications)
}

// BlockDomain makes a local account block a whole domain.
func (s *Server) BlockDomain(username, domain string) error {
	return s.addTo(s.domainBlocks, username, domain)
}

// DomainBlocks returns the domains a local account blocks.
func (s *Server) DomainBlocks(username string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.domainBlocks[s.ActorID(username)])
}

// List is a local account's list of accounts.
type List struct {
	ID, Owner, Title string
	Members          []string // actor URIs
}

// CreateList creates a list for a local account.
func (s *Server) CreateList(username, title string) (*List, error) {
	acct, err := s.account(username)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &List{ID: s.nextID(), Owner: acct.ID, Title: title}
	s.lists[l.ID] = l
	c := *l
	return &c, nil
}

// AddToList adds an account the local account follows to one of its
// lists.
func (s *Server) AddToList(ctx context.Context, username, listID, account string) error {
	me, id, err := s.resolvePair(ctx, username, account)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lists[listID]
	if l == nil || l.Owner != me {
		return fmt.Errorf("migratetest: %s has no list %s", username, listID)
	}
	if s.follows[pair{me, id}] == nil {
		return fmt.Errorf("migratetest: %s does not follow %s", username, id)
	}
	if !slices.Contains(l.Members, id) {
		l.Members = append(l.Members, id)
	}
	return nil
}

// Lists returns a local account's lists.
func (s *Server) Lists(username string) []List {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.ActorID(username)
	var out []List
	for _, k := range sortedKeys(s.lists) {
		if l := s.lists[k]; l.Owner == id {
			c := *l
			c.Members = slices.Clone(l.Members)
			out = append(out, c)
		}
	}
	return out
}

// Following is one account a local account follows.
type Following struct {
	ID       string
	Accepted bool // false while the request is pending
	Settings migrate.FollowSettings
}

// Following returns the accounts a local account follows or asked to.
func (s *Server) Following(username string) []Following {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.ActorID(username)
	var out []Following
	for k, f := range s.follows {
		if k.a == id {
			out = append(out, Following{ID: k.b, Accepted: f.accepted, Settings: f.settings})
		}
	}
	slices.SortFunc(out, func(x, y Following) int { return strings.Compare(x.ID, y.ID) })
	return out
}

// Followers returns the actor URIs of an account's accepted followers.
func (s *Server) Followers(username string) []string {
	return s.followersOf(s.ActorID(username), true)
}

// FollowRequests returns the actor URIs of the pending follow requests
// to a local account.
func (s *Server) FollowRequests(username string) []string {
	return s.followersOf(s.ActorID(username), false)
}

func (s *Server) followersOf(id string, accepted bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k, f := range s.follows {
		if k.b == id && f.accepted == accepted {
			out = append(out, k.a)
		}
	}
	slices.Sort(out)
	return out
}

// Blocks returns the actor URIs a local account blocks.
func (s *Server) Blocks(username string) []string { return s.relatedTo(s.blocks, username) }

// Mutes returns the actor URIs a local account mutes.
func (s *Server) Mutes(username string) []string { return s.relatedTo(s.mutes, username) }

// relatedTo returns, sorted, the accounts a local account has a relation
// in m with (blocks, mutes).
func (s *Server) relatedTo(m map[pair]bool, username string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.ActorID(username)
	var out []string
	for k := range m {
		if k.a == id {
			out = append(out, k.b)
		}
	}
	slices.Sort(out)
	return out
}

func htmlEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
