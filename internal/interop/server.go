package interop

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// InstanceActor is the user name of a [Server]'s instance actor, whose
// key signs the server's fetches.
const InstanceActor = "instance.actor"

// Server is a minimal fediverse server made of fediport's public
// packages: it serves WebFinger and actor documents for its accounts,
// verifies the HTTP signatures of what its inboxes receive, accepts
// follows, and checks incoming Moves with a [migrate.Receiver]. Make one
// with [NewServer].
type Server struct {
	// Domain is the server's host name, such as "fp.test".
	Domain string
	// Client fetches documents signed by the instance actor; it allows
	// loopback addresses and plain http.
	Client *activitypub.Client
	// Receiver checks the Moves the inboxes receive.
	Receiver *migrate.Receiver

	srv    *http.Server
	ln     net.Listener
	keyDir string

	mu       sync.Mutex
	users    map[string]*User
	moves    []*migrate.Accepted
	refusals []error
	inbox    []Activity
	changed  chan struct{} // closed and replaced on each inbox delivery
}

// User is an account of a [Server].
type User struct {
	Name string
	// Key signs the account's deliveries.
	Key *rsa.PrivateKey
	// Manual means follows are left pending: no Accept is sent.
	Manual bool

	actor     *activitypub.Actor
	followers []string // actor ids, accepted
}

// Activity is an activity an inbox received, signature verified.
type Activity struct {
	User  string // the inbox's account
	Type  string
	Actor string
	Raw   []byte
}

// NewServer starts a server for domain on the listener, with an
// instance actor. Keys are kept in keyDir, one PEM file per account, and
// used again by the next server with the same keyDir: a peer caches the
// keys it has fetched. An empty keyDir means fresh keys.
func NewServer(ln net.Listener, domain, keyDir string) (*Server, error) {
	s := &Server{Domain: domain, ln: ln, keyDir: keyDir, users: map[string]*User{}, changed: make(chan struct{})}
	inst, err := s.AddUser(InstanceActor, false)
	if err != nil {
		return nil, err
	}
	inst.actor.Type = "Application"
	s.Client = &activitypub.Client{AllowPrivate: true, AllowHTTP: true, Signer: s.Signer(InstanceActor)}
	s.Receiver = &migrate.Receiver{
		Actors:   s.Client,
		Records:  migrate.MoveRecorderFunc(s.recordMove),
		Verifier: &activitypub.Verifier{Keys: s.Client},
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+activitypub.WebFingerPath, &activitypub.WebFingerHandler{Lookup: s.webfinger})
	mux.HandleFunc("GET /users/{name}", s.serveActor)
	mux.HandleFunc("GET /users/{name}/followers", s.serveFollowers)
	mux.HandleFunc("POST /users/{name}/inbox", s.serveInbox)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Base returns the server's URL, http://DOMAIN.
func (s *Server) Base() string { return "http://" + s.Domain }

// ActorID returns the actor id of the account name.
func (s *Server) ActorID(name string) string { return s.Base() + "/users/" + name }

// KeyID returns the key id of the account name.
func (s *Server) KeyID(name string) string { return s.ActorID(name) + "#main-key" }

// AddUser creates an account with a 2048-bit RSA key, the one kept
// for name in the server's key directory if there is one.
func (s *Server) AddUser(name string, manual bool) (*User, error) {
	key, err := s.key(name)
	if err != nil {
		return nil, err
	}
	pemText, err := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	id := s.ActorID(name)
	a := &activitypub.Actor{
		Context:                   activitypub.ActorContext(),
		ID:                        id,
		Type:                      "Person",
		PreferredUsername:         name,
		Name:                      name,
		URL:                       id,
		Inbox:                     id + "/inbox",
		Outbox:                    id + "/outbox",
		Followers:                 id + "/followers",
		Following:                 id + "/following",
		PublicKey:                 &activitypub.PublicKey{ID: s.KeyID(name), Owner: id, PublicKeyPem: pemText},
		ManuallyApprovesFollowers: manual,
		Discoverable:              true,
		Published:                 time.Now().UTC().Truncate(time.Second),
	}
	u := &User{Name: name, Key: key, Manual: manual, actor: a}
	s.mu.Lock()
	s.users[name] = u
	s.mu.Unlock()
	return u, nil
}

// key returns the key of the account name: the one kept in keyDir, or
// a new one (kept there).
func (s *Server) key(name string) (*rsa.PrivateKey, error) {
	var file string
	if s.keyDir != "" {
		file = filepath.Join(s.keyDir, name+".pem")
		if b, err := os.ReadFile(file); err == nil {
			k, err := activitypub.ParsePrivateKeyPEM(string(b))
			if rk, ok := k.(*rsa.PrivateKey); err == nil && ok {
				return rk, nil
			}
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil || file == "" {
		return key, err
	}
	b, err := privateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.keyDir, 0o700); err != nil {
		return nil, err
	}
	return key, os.WriteFile(file, b, 0o600)
}

// privateKeyPEM encodes key as PKCS#8 PEM.
func privateKeyPEM(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Signer returns a signer for the account name's key.
func (s *Server) Signer(name string) *activitypub.Signer {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[name]
	if u == nil {
		return nil
	}
	return &activitypub.Signer{KeyID: s.KeyID(name), Key: u.Key}
}

// PrivateKeyPEM returns the account's private key as PKCS#8 PEM.
func (s *Server) PrivateKeyPEM(name string) ([]byte, error) {
	s.mu.Lock()
	u := s.users[name]
	s.mu.Unlock()
	if u == nil {
		return nil, fmt.Errorf("interop: no user %q", name)
	}
	return privateKeyPEM(u.Key)
}

// Actor returns a copy of the account's actor document.
func (s *Server) Actor(name string) *activitypub.Actor {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[name]
	if u == nil {
		return nil
	}
	cp := *u.actor
	cp.AlsoKnownAs = append([]string(nil), u.actor.AlsoKnownAs...)
	return &cp
}

// SaveActor implements [migrate.AccountWriter]: it stores the changed
// document of one of the server's accounts.
func (s *Server) SaveActor(_ context.Context, a *activitypub.Actor, _ time.Time) error {
	name := strings.TrimPrefix(a.ID, s.Base()+"/users/")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[name]
	if u == nil {
		return fmt.Errorf("interop: no local actor %s", a.ID)
	}
	cp := *a
	u.actor = &cp
	return nil
}

// Recipients implements [migrate.Audience]: the inboxes of the
// account's accepted followers.
func (s *Server) Recipients(ctx context.Context, account string) iter.Seq2[migrate.Recipient, error] {
	name := strings.TrimPrefix(account, s.Base()+"/users/")
	s.mu.Lock()
	var followers []string
	if u := s.users[name]; u != nil {
		followers = append(followers, u.followers...)
	}
	s.mu.Unlock()
	return func(yield func(migrate.Recipient, error) bool) {
		for _, f := range followers {
			a, err := s.Client.FetchActor(ctx, f)
			if err != nil {
				if !yield(migrate.Recipient{}, err) {
					return
				}
				continue
			}
			if !yield(migrate.Recipient{Inbox: a.Inbox, SharedInbox: a.SharedInbox()}, nil) {
				return
			}
		}
	}
}

// Followers returns the actor ids of the account's accepted followers.
func (s *Server) Followers(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[name]; u != nil {
		return append([]string(nil), u.followers...)
	}
	return nil
}

// Moves returns the Moves the Receiver accepted, and the errors of the
// ones it refused.
func (s *Server) Moves() ([]*migrate.Accepted, []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*migrate.Accepted(nil), s.moves...), append([]error(nil), s.refusals...)
}

// Inbox returns what the inboxes received so far.
func (s *Server) Inbox() []Activity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Activity(nil), s.inbox...)
}

// Wait calls cond after each inbox delivery (and once at first) until
// it returns true or ctx is done.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) recordMove(_ context.Context, origin, target string, at, since time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.moves {
		if m.Origin == origin && m.At.After(since) {
			return false, nil
		}
	}
	return true, nil
}

func (s *Server) webfinger(_ context.Context, acct activitypub.Account) (*activitypub.JRD, error) {
	if !strings.EqualFold(acct.Host, s.Domain) {
		return nil, activitypub.ErrNotFound
	}
	s.mu.Lock()
	u := s.users[acct.User]
	s.mu.Unlock()
	if u == nil {
		return nil, activitypub.ErrNotFound
	}
	id := s.ActorID(u.Name)
	return &activitypub.JRD{
		Subject: "acct:" + u.Name + "@" + s.Domain,
		Aliases: []string{id},
		Links:   []activitypub.Link{{Rel: "self", Type: "application/activity+json", Href: id}},
	}, nil
}

func (s *Server) serveActor(w http.ResponseWriter, r *http.Request) {
	a := s.Actor(r.PathValue("name"))
	if a == nil {
		http.NotFound(w, r)
		return
	}
	b, err := json.Marshal(a)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", activitypub.ContentTypeActivityJSON)
	w.Write(b)
}

func (s *Server) serveFollowers(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.Actor(name) == nil {
		http.NotFound(w, r)
		return
	}
	items := s.Followers(name)
	b, _ := json.Marshal(map[string]any{
		"@context":     activitypub.ActivityStreamsContext,
		"id":           s.ActorID(name) + "/followers",
		"type":         "OrderedCollection",
		"totalItems":   len(items),
		"orderedItems": items,
	})
	w.Header().Set("Content-Type", activitypub.ContentTypeActivityJSON)
	w.Write(b)
}

// maxInbox bounds an inbox POST.
const maxInbox = 1 << 20

func (s *Server) serveInbox(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.Actor(name) == nil {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInbox+1))
	if err != nil || len(body) > maxInbox {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var head struct {
		Type   string          `json:"type"`
		Actor  string          `json:"actor"`
		ID     string          `json:"id"`
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	if head.Type == "Move" {
		r.Body = io.NopCloser(bytes.NewReader(body))
		acc, err := s.Receiver.ReceiveRequest(r.Context(), r)
		s.mu.Lock()
		if err != nil {
			s.refusals = append(s.refusals, err)
		} else if acc != nil {
			s.moves = append(s.moves, acc)
		}
		s.notifyLocked(Activity{User: name, Type: head.Type, Actor: head.Actor, Raw: body})
		s.mu.Unlock()
		w.WriteHeader(migrate.StatusCode(err))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	v, err := s.Receiver.Verifier.Verify(r.Context(), r)
	if err != nil {
		http.Error(w, "signature: "+err.Error(), http.StatusUnauthorized)
		return
	}
	if err := v.CheckActor(head.Actor); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	u := s.users[name]
	accept := false
	if head.Type == "Follow" && !u.Manual {
		accept = true
		if !slices.Contains(u.followers, head.Actor) {
			u.followers = append(u.followers, head.Actor)
		}
	}
	if head.Type == "Undo" {
		var obj struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(head.Object, &obj) == nil && obj.Type == "Follow" {
			u.followers = remove(u.followers, head.Actor)
		}
	}
	s.notifyLocked(Activity{User: name, Type: head.Type, Actor: head.Actor, Raw: body})
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	if accept {
		// Answered after the follow is acknowledged, as servers do.
		go s.sendAccept(name, head.Actor, body)
	}
}

func (s *Server) notifyLocked(a Activity) {
	s.inbox = append(s.inbox, a)
	close(s.changed)
	s.changed = make(chan struct{})
}

// sendAccept delivers an Accept of follow from the account name to the
// follower's inbox.
func (s *Server) sendAccept(name, follower string, follow []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := s.Client.FetchActor(ctx, follower)
	if err != nil {
		return
	}
	id := s.ActorID(name)
	accept, _ := json.Marshal(map[string]any{
		"@context": activitypub.ActivityStreamsContext,
		"id":       fmt.Sprintf("%s#accepts/%d", id, time.Now().UnixNano()),
		"type":     "Accept",
		"actor":    id,
		"object":   json.RawMessage(follow),
	})
	d := &migrate.Deliverer{Signer: s.Signer(name), AllowPrivate: true, AllowHTTP: true}
	_ = d.Deliver(ctx, migrate.DeliveryUnit{Inbox: a.Inbox, Activity: accept})
}

// Deliver sends an activity from the account name to inbox, signed.
func (s *Server) Deliver(ctx context.Context, name, inbox string, activity []byte) error {
	d := &migrate.Deliverer{Signer: s.Signer(name), AllowPrivate: true, AllowHTTP: true}
	return d.Deliver(ctx, migrate.DeliveryUnit{Inbox: inbox, Activity: activity})
}

// Mover returns a [migrate.Mover] for the account name: it stores the
// account's changes on the server and delivers to its followers, signed
// with its key.
func (s *Server) Mover(name string) *migrate.Mover {
	return &migrate.Mover{
		Actors:   s.Client,
		Handles:  migrate.WebFinger(s.Client),
		Accounts: s,
		Audience: s,
		Deliverer: &migrate.Deliverer{
			Signer: s.Signer(name), AllowPrivate: true, AllowHTTP: true,
		},
	}
}

func remove(xs []string, x string) []string {
	out := xs[:0]
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}
