package migratetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+activitypub.WebFingerPath, &activitypub.WebFingerHandler{Lookup: s.webfinger})
	mux.HandleFunc("GET /users/{name}", s.serveActor)
	mux.HandleFunc("GET /users/{name}/outbox", s.serveOutbox)
	mux.HandleFunc("GET /users/{name}/followers", s.serveFollowers)
	mux.HandleFunc("GET /users/{name}/following", s.serveFollowing)
	mux.HandleFunc("GET /users/{name}/statuses/{id}", s.serveStatus)
	mux.HandleFunc("GET /media/{id}", s.serveMedia)
	mux.HandleFunc("POST /users/{name}/inbox", s.serveInbox)
	mux.HandleFunc("POST /inbox", s.serveInbox)
	mux.HandleFunc("/api/", s.serveAPI)
	return mux
}

func (s *Server) webfinger(_ context.Context, acct activitypub.Account) (*activitypub.JRD, error) {
	if !strings.EqualFold(acct.Host, s.Host) {
		return nil, activitypub.ErrNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[acct.User]
	switch {
	case a == nil:
		return nil, activitypub.ErrNotFound
	case a.gone:
		return nil, activitypub.ErrGone
	}
	return &activitypub.JRD{
		Subject: "acct:" + a.Username + "@" + s.Host,
		Aliases: []string{s.URL + "/@" + a.Username, a.ID},
		Links: []activitypub.Link{
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: s.URL + "/@" + a.Username},
			{Rel: "self", Type: "application/activity+json", Href: a.ID},
		},
	}, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	var body []byte
	var err error
	if m, ok := v.(json.Marshaler); ok {
		body, err = m.MarshalJSON()
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json; charset=utf-8")
	w.Write(body)
}

// lookup returns the named local account for a GET, answering 404 or 410
// itself when there is none.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *Account {
	s.mu.Lock()
	a := s.accounts[r.PathValue("name")]
	gone := a != nil && a.gone
	s.mu.Unlock()
	switch {
	case a == nil:
		http.NotFound(w, r)
		return nil
	case gone:
		http.Error(w, "gone", http.StatusGone)
		return nil
	}
	return a
}

func (s *Server) serveActor(w http.ResponseWriter, r *http.Request) {
	if a := s.lookup(w, r); a != nil {
		s.mu.Lock()
		doc := a.actor
		s.mu.Unlock()
		writeJSON(w, doc)
	}
}

func collection(id string, items []any) map[string]any {
	if items == nil {
		items = []any{}
	}
	return map[string]any{
		"@context": activitypub.ActivityStreamsContext, "id": id, "type": "OrderedCollection",
		"totalItems": len(items), "orderedItems": items,
	}
}

func (s *Server) serveFollowers(w http.ResponseWriter, r *http.Request) {
	if a := s.lookup(w, r); a != nil {
		var items []any
		for _, f := range s.Followers(a.Username) {
			items = append(items, f)
		}
		writeJSON(w, collection(a.ID+"/followers", items))
	}
}

func (s *Server) serveFollowing(w http.ResponseWriter, r *http.Request) {
	if a := s.lookup(w, r); a != nil {
		var items []any
		for _, f := range s.Following(a.Username) {
			if f.Accepted {
				items = append(items, f.ID)
			}
		}
		writeJSON(w, collection(a.ID+"/following", items))
	}
}

func (s *Server) serveOutbox(w http.ResponseWriter, r *http.Request) {
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	var items []any
	for _, p := range s.Posts(a.Username) {
		if p.Visibility == Public || p.Visibility == Unlisted {
			items = append(items, s.activity(p))
		}
	}
	writeJSON(w, collection(a.ID+"/outbox", items))
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) {
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	id := a.ID + "/statuses/" + r.PathValue("id")
	for _, p := range s.Posts(a.Username) {
		if p.ID == id && p.BoostOf == "" && (p.Visibility == Public || p.Visibility == Unlisted) {
			obj := s.object(p)
			obj["@context"] = activitypub.ActivityStreamsContext
			writeJSON(w, obj)
			return
		}
	}
	http.NotFound(w, r)
}

func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m := s.media[r.PathValue("id")]
	s.mu.Unlock()
	if m == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.MediaType)
	w.Write(m.Data)
}

// addressing returns a post's to and cc as Mastodon sets them.
func addressing(p *Post) (to, cc []string) {
	followers := p.Author + "/followers"
	switch p.Visibility {
	case Public:
		return []string{activitypub.PublicCollection}, append([]string{followers}, p.Mentions...)
	case Unlisted:
		return []string{followers}, append([]string{activitypub.PublicCollection}, p.Mentions...)
	case Private:
		return []string{followers}, p.Mentions
	}
	return p.Mentions, []string{}
}

// activity returns a post as the Create (or Announce) of an outbox.
func (s *Server) activity(p *Post) map[string]any {
	to, cc := addressing(p)
	if p.BoostOf != "" {
		return map[string]any{"id": p.ID, "type": "Announce", "actor": p.Author, "published": p.Published.Format(time.RFC3339), "to": to, "cc": cc, "object": p.BoostOf}
	}
	return map[string]any{"id": p.ID + "/activity", "type": "Create", "actor": p.Author, "published": p.Published.Format(time.RFC3339), "to": to, "cc": cc, "object": s.object(p)}
}

// object returns a post as a Note, or a Question for a poll.
func (s *Server) object(p *Post) map[string]any {
	to, cc := addressing(p)
	o := map[string]any{
		"id": p.ID, "type": "Note", "attributedTo": p.Author, "content": p.Content, "published": p.Published.Format(time.RFC3339),
		"to": to, "cc": cc, "sensitive": p.Sensitive, "url": p.ID,
	}
	if p.Summary != "" {
		o["summary"] = p.Summary
	}
	if p.InReplyTo != "" {
		o["inReplyTo"] = p.InReplyTo
	}
	var att []any
	for _, m := range p.Media {
		att = append(att, map[string]any{"type": "Document", "mediaType": m.MediaType, "url": m.URL, "name": m.Description})
	}
	if att != nil {
		o["attachment"] = att
	}
	var tags []any
	for _, m := range p.Mentions {
		tags = append(tags, map[string]any{"type": "Mention", "href": m})
	}
	if tags != nil {
		o["tag"] = tags
	}
	if p.Poll != nil {
		o["type"] = "Question"
		o["endTime"] = p.Poll.EndTime.UTC().Format(time.RFC3339)
		var opts []any
		for i, name := range p.Poll.Options {
			opts = append(opts, map[string]any{"type": "Note", "name": name, "replies": map[string]any{"type": "Collection", "totalItems": p.Poll.Votes[i]}})
		}
		if p.Poll.Multiple {
			o["anyOf"] = opts
		} else {
			o["oneOf"] = opts
		}
	}
	return o
}

// iri returns the id of a member that is an IRI or an object with an id.
func iri(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.ID
	}
	return ""
}

// incoming is the part of an incoming activity the inbox dispatches on.
type incoming struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

func (s *Server) serveInbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := s.verifier.Verify(ctx, r)
	if err != nil {
		s.logf("inbox: refused request: %v", err)
		http.Error(w, "signature refused", http.StatusUnauthorized)
		return
	}
	var act incoming
	if err := json.Unmarshal(v.Body, &act); err != nil {
		http.Error(w, "not an activity", http.StatusBadRequest)
		return
	}
	actor := iri(act.Actor)
	if err := v.CheckActor(actor); err != nil {
		s.logf("inbox: %s activity by %s signed by %s: refused", act.Type, actor, v.Actor)
		http.Error(w, "not signed by the actor", http.StatusUnauthorized)
		return
	}
	status := http.StatusAccepted
	switch act.Type {
	case "Move":
		status = s.inboxMove(ctx, v)
	case "Follow":
		err = s.inboxFollow(ctx, actor, act, v.Body)
	case "Accept", "Reject":
		s.inboxAnswer(actor, act)
	case "Undo":
		s.inboxUndo(actor, act)
	case "Block":
		s.mu.Lock()
		target := iri(act.Object)
		s.blocks[pair{actor, target}] = true
		s.dropFollow(target, actor) // follows end both ways, as in Mastodon
		s.dropFollow(actor, target)
		s.mu.Unlock()
	case "Update":
		if a, err := activitypub.ParseActor(act.Object); err == nil && a.ID == actor {
			s.mu.Lock()
			s.remote[a.ID] = a
			s.mu.Unlock()
		}
	}
	if err != nil {
		s.logf("inbox: %s from %s: %v", act.Type, actor, err)
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
}

// inboxMove accepts or refuses a Move, then moves the local followers of
// its origin, before answering.
func (s *Server) inboxMove(ctx context.Context, v *activitypub.Verified) int {
	m, err := activitypub.ParseMove(v.Body)
	if err != nil {
		s.logf("move: malformed: %v", err)
		return http.StatusBadRequest
	}
	acc, err := s.receiver.Receive(ctx, m, v)
	if err != nil {
		s.logf("move: %v", err)
		return statusCode(err)
	}
	s.mu.Lock()
	if o := s.remote[acc.Origin]; o != nil {
		c := *o
		c.MovedTo = acc.Target.ID
		s.remote[acc.Origin] = &c
	}
	s.remote[acc.Target.ID] = acc.Target
	s.mu.Unlock()
	stats, err := s.Transfer().RunAll(ctx, acc.Origin, acc.Target.ID)
	if err != nil {
		s.logf("move: accepted %s -> %s; transfer: %+v; errors: %v", acc.Origin, acc.Target.ID, *stats, err)
		return http.StatusAccepted
	}
	s.logf("move: accepted %s -> %s; transfer: %+v", acc.Origin, acc.Target.ID, *stats)
	return http.StatusAccepted
}

func (s *Server) inboxFollow(ctx context.Context, actor string, act incoming, raw []byte) error {
	target := iri(act.Object)
	s.mu.Lock()
	t := s.local(target)
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("follow of unknown account %s", target)
	}
	refuse := t.actor.MovedTo != "" || s.blocks[pair{target, actor}] || t.actor.Suspended
	locked := t.actor.ManuallyApprovesFollowers
	s.mu.Unlock()
	if _, err := s.remoteActor(ctx, actor, false); err != nil {
		return err
	}
	if refuse {
		return s.answer(ctx, t, actor, "Reject", raw)
	}
	s.mu.Lock()
	f := s.follows[pair{actor, target}]
	if f == nil {
		f = &follow{activity: act.ID}
		s.follows[pair{actor, target}] = f
	}
	f.accepted = f.accepted || !locked
	accepted := f.accepted
	s.mu.Unlock()
	if !accepted {
		return nil
	}
	return s.answer(ctx, t, actor, "Accept", raw)
}

// answer sends an Accept or Reject of a Follow to its actor.
func (s *Server) answer(ctx context.Context, t *Account, actor, kind string, follow []byte) error {
	a, err := s.remoteActor(ctx, actor, false)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{
		"@context": activitypub.ActivityStreamsContext, "id": t.ID + "#" + strings.ToLower(kind) + "s/" + s.nextIDLocked(),
		"type": kind, "actor": t.ID, "object": json.RawMessage(follow),
	})
	return s.deliver(ctx, t, a.Inbox, body)
}

// Approve accepts a pending follow request to a local (locked) account.
func (s *Server) Approve(ctx context.Context, username, follower string) error {
	acct, err := s.account(username)
	if err != nil {
		return err
	}
	s.mu.Lock()
	f := s.follows[pair{follower, acct.ID}]
	if f == nil || f.accepted {
		s.mu.Unlock()
		return fmt.Errorf("migratetest: no pending request from %s to %s", follower, username)
	}
	f.accepted = true
	remote := s.local(follower) == nil
	activity := f.activity
	s.mu.Unlock()
	if !remote {
		return nil
	}
	follow, _ := json.Marshal(map[string]any{"id": activity, "type": "Follow", "actor": follower, "object": acct.ID})
	return s.answer(ctx, acct, follower, "Accept", follow)
}

// inboxAnswer handles the Accept or Reject of a local account's Follow.
func (s *Server) inboxAnswer(actor string, act incoming) {
	id := iri(act.Object)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, f := range s.follows {
		if k.b == actor && id != "" && f.activity == id && s.local(k.a) != nil {
			if act.Type == "Accept" {
				f.accepted = true
			} else {
				s.dropFollow(k.a, k.b)
			}
		}
	}
}

func (s *Server) inboxUndo(actor string, act incoming) {
	var inner incoming
	if json.Unmarshal(act.Object, &inner) != nil || iri(inner.Actor) != actor {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch inner.Type {
	case "Follow":
		delete(s.follows, pair{actor, iri(inner.Object)})
	case "Block":
		delete(s.blocks, pair{actor, iri(inner.Object)})
	}
}

// statusCode is migrate.StatusCode, named here for the inbox.
var statusCode = migrate.StatusCode
