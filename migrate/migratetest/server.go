package migratetest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/migrate"
)

// Server is a fediverse instance for tests and examples, on a loopback
// httptest server. Set its configuration fields, call [Server.Start],
// and Close it when done. The zero value works.
type Server struct {
	// RefusePrivate makes the server refuse to fetch from and deliver to
	// loopback and private addresses, as a real server must. Servers that
	// talk to each other on loopback leave it false.
	RefusePrivate bool
	// Relays are inboxes that hear of every account change.
	Relays []string
	// KeyBits is the size of accounts' RSA keys (default
	// [DefaultKeyBits]); 1024 makes tests faster.
	KeyBits int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// URL is the base URL, http://127.0.0.1:port; Host is 127.0.0.1:port,
	// the domain of account addresses (alice@127.0.0.1:port). Start sets
	// them.
	URL, Host string

	ts       *httptest.Server
	client   *activitypub.Client
	hc       *http.Client
	verifier *activitypub.Verifier
	receiver *migrate.Receiver

	mu           sync.Mutex
	accounts     map[string]*Account // by username
	byID         map[string]*Account
	remote       map[string]*activitypub.Actor // remote actors seen, by id
	follows      map[pair]*follow              // (follower, followee)
	blocks       map[pair]bool                 // (blocker, blocked); blocker may be remote
	mutes        map[pair]bool                 // (muter, muted); value: hide notifications
	domainBlocks map[string][]string           // local id -> domains
	lists        map[string]*List              // by id
	posts        []*Post
	bookmarks    map[string][]string // local id -> status ids
	media        map[string]*Media   // by id
	received     map[string]time.Time
	lastMove     map[string]time.Time
	apis         []*mastodonapitest.Server // client APIs, ServeClientAPI
	seq          int
	// Log records what the server did that tests and examples may want
	// to show: accepted and refused Moves, transfer failures.
	log []string
}

type pair struct{ a, b string }

type follow struct {
	activity string // the Follow's id
	accepted bool
	settings migrate.FollowSettings
}

// Account is a local account.
type Account struct {
	Username string
	ID       string // actor URI
	Key      *rsa.PrivateKey
	KeyID    string
	actor    *activitypub.Actor
	gone     bool
}

// DefaultKeyBits is the size of accounts' RSA keys when
// [Server.KeyBits] is 0.
const DefaultKeyBits = 2048

// Start starts the server on a loopback httptest server. Close it when
// done. Start a Server once.
func (s *Server) Start() {
	s.accounts = map[string]*Account{}
	s.byID = map[string]*Account{}
	s.remote = map[string]*activitypub.Actor{}
	s.follows = map[pair]*follow{}
	s.blocks = map[pair]bool{}
	s.mutes = map[pair]bool{}
	s.domainBlocks = map[string][]string{}
	s.lists = map[string]*List{}
	s.bookmarks = map[string][]string{}
	s.media = map[string]*Media{}
	s.received = map[string]time.Time{}
	s.lastMove = map[string]time.Time{}
	s.ts = httptest.NewServer(s.routes())
	s.URL = s.ts.URL
	s.Host = strings.TrimPrefix(s.URL, "http://")
	// Deliveries run several at a time to one host: keep their
	// connections, as migrate.Deliverer's own default client does.
	tr := activitypub.NewTransport(!s.RefusePrivate)
	tr.MaxIdleConnsPerHost = 16
	s.hc = &http.Client{Transport: tr}
	s.client = &activitypub.Client{HTTPClient: s.hc, AllowPrivate: !s.RefusePrivate, AllowHTTP: true}
	s.verifier = &activitypub.Verifier{Keys: s.client, Now: s.Now}
	s.receiver = &migrate.Receiver{Actors: s.client, Records: s, Verifier: s.verifier, Now: s.Now}
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// Client returns the fetch client the server uses (loopback allowed
// unless RefusePrivate).
func (s *Server) Client() *activitypub.Client { return s.client }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, fmt.Sprintf(format, args...))
}

// Log returns what the server recorded: Moves accepted and refused,
// transfer results and failures.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// Profile is what [Server.CreateAccount] sets on a new account.
type Profile struct {
	Name, Summary string
	Locked        bool
	Fields        [][2]string // profile fields: name, value
	AvatarURL     string
	HeaderURL     string
}

// CreateAccount creates a local account with a fresh RSA key.
func (s *Server) CreateAccount(username string, p Profile) (*Account, error) {
	if username == "" || strings.ContainsAny(username, "/@?#: ") {
		return nil, fmt.Errorf("migratetest: invalid username %q", username)
	}
	bits := s.KeyBits
	if bits == 0 {
		bits = DefaultKeyBits
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	pem, err := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	id := s.URL + "/users/" + username
	a := &activitypub.Actor{
		Context:                   activitypub.ActorContext(),
		ID:                        id,
		Type:                      "Person",
		PreferredUsername:         username,
		Name:                      p.Name,
		Summary:                   p.Summary,
		URL:                       s.URL + "/@" + username,
		Inbox:                     id + "/inbox",
		Outbox:                    id + "/outbox",
		Followers:                 id + "/followers",
		Following:                 id + "/following",
		Endpoints:                 &activitypub.Endpoints{SharedInbox: s.URL + "/inbox"},
		PublicKey:                 &activitypub.PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pem},
		Discoverable:              true,
		Published:                 s.now().UTC().Truncate(time.Second),
		ManuallyApprovesFollowers: p.Locked,
	}
	for _, f := range p.Fields {
		a.Attachment = append(a.Attachment, activitypub.Field{Type: "PropertyValue", Name: f[0], Value: f[1]})
	}
	if p.AvatarURL != "" {
		a.Icon = &activitypub.Image{Type: "Image", MediaType: mediaTypeOf(p.AvatarURL), URL: p.AvatarURL}
	}
	if p.HeaderURL != "" {
		a.Image = &activitypub.Image{Type: "Image", MediaType: mediaTypeOf(p.HeaderURL), URL: p.HeaderURL}
	}
	acct := &Account{Username: username, ID: id, Key: key, KeyID: id + "#main-key", actor: a}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[username]; ok {
		return nil, fmt.Errorf("migratetest: account %q exists", username)
	}
	s.accounts[username] = acct
	s.byID[id] = acct
	return acct, nil
}

func mediaTypeOf(u string) string {
	switch {
	case strings.HasSuffix(u, ".png"):
		return "image/png"
	case strings.HasSuffix(u, ".gif"):
		return "image/gif"
	case strings.HasSuffix(u, ".webp"):
		return "image/webp"
	}
	return "image/jpeg"
}

// Handle returns a local account's address, username@host.
func (s *Server) Handle(username string) string { return username + "@" + s.Host }

// ActorID returns a local account's actor URI.
func (s *Server) ActorID(username string) string { return s.URL + "/users/" + username }

// Actor returns a copy of a local account's current actor document.
func (s *Server) Actor(username string) (*activitypub.Actor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[username]
	if a == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoAccount, username)
	}
	c := *a.actor
	// The caller may change its copy: share no slice with the server's.
	c.AlsoKnownAs = slices.Clone(c.AlsoKnownAs)
	c.Attachment = slices.Clone(c.Attachment)
	return &c, nil
}

// Suspend marks a local account suspended, as its actor document then
// says.
func (s *Server) Suspend(username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[username]
	if a == nil {
		return fmt.Errorf("%w: %s", ErrNoAccount, username)
	}
	c := *a.actor
	c.Suspended = true
	a.actor = &c
	return nil
}

// Delete deletes a local account: its actor answers 410 Gone.
func (s *Server) Delete(username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[username]
	if a == nil {
		return fmt.Errorf("%w: %s", ErrNoAccount, username)
	}
	a.gone = true
	return nil
}

// local returns the local account with that actor URI, or nil. The
// caller holds s.mu.
func (s *Server) local(id string) *Account {
	if a := s.byID[id]; a != nil && !a.gone {
		return a
	}
	return nil
}

// account returns the local account with that username.
func (s *Server) account(username string) (*Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[username]
	if a == nil || a.gone {
		return nil, fmt.Errorf("%w: %s", ErrNoAccount, username)
	}
	return a, nil
}

// resolve turns a local username, an account address or an actor URI
// into an actor URI, and
// for remote accounts fetches the actor (freshly) and remembers it.
func (s *Server) resolve(ctx context.Context, account string) (string, error) {
	if !strings.ContainsAny(account, "@:/") {
		if _, err := s.account(account); err != nil {
			return "", err
		}
		return s.ActorID(account), nil
	}
	id := account
	if migrate.IsHandle(account) {
		acct, err := activitypub.ParseAccount(account)
		if err != nil {
			return "", err
		}
		if acct.Host == s.Host {
			return s.ActorID(acct.User), nil
		}
		res, err := s.client.WebFinger(ctx, account)
		if err != nil {
			return "", err
		}
		id = res.Self
	}
	s.mu.Lock()
	isLocal := s.local(id) != nil
	s.mu.Unlock()
	if isLocal {
		return id, nil
	}
	if _, err := s.remoteActor(ctx, id, true); err != nil {
		return "", err
	}
	return id, nil
}

// remoteActor returns a remote actor, fetched when fresh or unknown.
func (s *Server) remoteActor(ctx context.Context, id string, fresh bool) (*activitypub.Actor, error) {
	if !fresh {
		s.mu.Lock()
		a := s.remote[id]
		s.mu.Unlock()
		if a != nil {
			return a, nil
		}
	}
	a, err := s.client.FetchActor(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.remote[a.ID] = a
	s.mu.Unlock()
	return a, nil
}

func (s *Server) nextID() string {
	s.seq++
	return fmt.Sprintf("%d", 100000+s.seq)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
