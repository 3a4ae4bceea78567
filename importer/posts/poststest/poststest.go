package poststest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
)

// Token is the access token a [Server] accepts.
const Token = "poststest-token"

// Failure kinds for [Server.FailNext].
const (
	// Fail500 answers 500 without creating the status.
	Fail500 = "500"
	// Fail429 answers 429 with Retry-After: 0.
	Fail429 = "429"
	// Fail429Wait answers 429 with Retry-After: 1, a wait the client
	// must honour.
	Fail429Wait = "429-wait"
	// FailLost creates the status and breaks the connection before the
	// answer: the client cannot know it was created.
	FailLost = "lost"
)

// Server is a Mastodon client API on loopback for one account, "alice"
// (id "1"): verify_credentials, /api/v2/instance, POST /api/v2/media,
// GET /api/v1/media/:id, POST /api/v1/statuses, GET /api/v1/statuses/:id,
// POST /api/v1/statuses/:id/reblog, /api/v2/search for statuses and GET
// /api/v1/accounts/1/statuses. With GoToSocial set, scheduled_at in the
// past backdates a status (its id sorts by that time, as GoToSocial's
// ULIDs do), a backdated status that mentions anyone is refused (422),
// and the Idempotency-Key header is ignored; otherwise scheduled_at is
// refused and the key is honoured, as Mastodon does.
type Server struct {
	// GoToSocial selects GoToSocial's behaviour.
	GoToSocial bool
	// URL is the server's base URL.
	URL string

	srv      *httptest.Server
	mu       sync.Mutex
	statuses []*Status
	media    map[string]*Media
	keys     map[string]string
	next     int
	failNext []string
	posts    int
	uploads  int
	remote   map[string]string // URI -> id of statuses of other accounts
	boosted  map[string]string // id of a status -> id of the account's boost of it
}

// Status is a status the server holds.
type Status struct {
	mastodonapi.Status
	// Text is the plain text it was posted with; MediaIDs its media.
	Text     string
	MediaIDs []string
}

// Media is an uploaded file.
type Media struct {
	ID, Description, Focus, Name, ContentType string
	Size                                      int
}

// NewServer starts a server; the caller must Close it.
func NewServer(gotosocial bool) *Server {
	s := &Server{GoToSocial: gotosocial, media: map[string]*Media{}, keys: map[string]string{},
		remote: map[string]string{}, boosted: map[string]string{}}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Client returns a client of the account.
func (s *Server) Client() *mastodonapi.Client {
	return &mastodonapi.Client{BaseURL: s.URL, Token: Token, HTTPClient: s.srv.Client()}
}

// FailNext makes the next status creations fail, one kind each
// ([Fail500], [Fail429], [Fail429Wait], [FailLost]).
func (s *Server) FailNext(kinds ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, kinds...)
}

// DropUnattachedMedia forgets the uploaded files no status holds, as
// servers do after a while (GoToSocial and Mastodon remove unattached
// media after a day or so).
func (s *Server) DropUnattachedMedia() {
	s.mu.Lock()
	defer s.mu.Unlock()
	held := map[string]bool{}
	for _, st := range s.statuses {
		for _, id := range st.MediaIDs {
			held[id] = true
		}
	}
	for id := range s.media {
		if !held[id] {
			delete(s.media, id)
		}
	}
}

// AddRemoteStatus makes a status of another account with this URI known
// to the server (found by a resolving search, which may be boosted), and
// returns its id.
func (s *Server) AddRemoteStatus(uri string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	id := "r" + strconv.Itoa(s.next)
	s.remote[uri] = id
	return id
}

// Boosted returns the ids of the statuses the account boosted, sorted.
func (s *Server) Boosted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.boosted))
	for id := range s.boosted {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Statuses returns the statuses created, in the order they were.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, len(s.statuses))
	for i, st := range s.statuses {
		out[i] = *st
	}
	return out
}

// Media returns an uploaded file, or nil.
func (s *Server) Media(id string) *Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.media[id]; m != nil {
		c := *m
		return &c
	}
	return nil
}

// Uploads returns how many files were uploaded.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads
}

// Posts returns how many status creations were asked for.
func (s *Server) Posts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts
}

// mentionRE is what a server takes for a mention.
var mentionRE = regexp.MustCompile(`(?:^|[^\w@/])@\w+(?:@[\w.-]+\w)?`)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/api/v2/instance" {
		src := "https://github.com/mastodon/mastodon"
		if s.GoToSocial {
			src = "https://github.com/superseriousbusiness/gotosocial"
		}
		writeJSON(w, 200, map[string]any{"version": "test", "source_url": src, "configuration": map[string]any{
			"statuses":          map[string]int{"max_characters": 5000, "max_media_attachments": 4},
			"media_attachments": map[string]int{"image_size_limit": 10 << 20, "description_limit": 1500}}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+Token {
		apiError(w, 401, "The access token is invalid")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case p == "/api/v1/accounts/verify_credentials":
		writeJSON(w, 200, map[string]string{"id": "1", "username": "alice", "acct": "alice", "url": "http://new.example/@alice"})
	case p == "/api/v2/media" && r.Method == http.MethodPost:
		s.upload(w, r)
	case strings.HasPrefix(p, "/api/v1/media/"):
		m := s.media[strings.TrimPrefix(p, "/api/v1/media/")]
		if m == nil {
			apiError(w, 404, "Not Found")
			return
		}
		writeJSON(w, 200, map[string]string{"id": m.ID, "url": "http://new.example/m/" + m.ID, "description": m.Description})
	case p == "/api/v1/statuses" && r.Method == http.MethodPost:
		s.create(w, r)
	case p == "/api/v1/accounts/1/statuses":
		s.list(w, r)
	case p == "/api/v2/search":
		s.search(w, r)
	case strings.HasPrefix(p, "/api/v1/statuses/") && strings.HasSuffix(p, "/reblog") && r.Method == http.MethodPost:
		s.reblog(w, strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/statuses/"), "/reblog"))
	case strings.HasPrefix(p, "/api/v1/statuses/") && r.Method == http.MethodGet:
		s.get(w, strings.TrimPrefix(p, "/api/v1/statuses/"))
	default:
		apiError(w, 404, "Not Found")
	}
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		apiError(w, 400, err.Error())
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		apiError(w, 422, "no file")
		return
	}
	data, _ := io.ReadAll(f)
	s.next++
	s.uploads++
	m := &Media{ID: "m" + strconv.Itoa(s.next), Description: r.FormValue("description"), Focus: r.FormValue("focus"),
		Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Size: len(data)}
	s.media[m.ID] = m
	writeJSON(w, 200, map[string]string{"id": m.ID, "url": "http://new.example/m/" + m.ID, "description": m.Description})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	s.posts++
	var body struct {
		Status      string   `json:"status"`
		SpoilerText string   `json:"spoiler_text"`
		Sensitive   bool     `json:"sensitive"`
		Language    string   `json:"language"`
		Visibility  string   `json:"visibility"`
		InReplyToID string   `json:"in_reply_to_id"`
		MediaIDs    []string `json:"media_ids"`
		ScheduledAt string   `json:"scheduled_at"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, 400, err.Error())
		return
	}
	fail := ""
	if len(s.failNext) > 0 {
		fail, s.failNext = s.failNext[0], s.failNext[1:]
	}
	switch fail {
	case Fail500:
		apiError(w, 500, "Internal Server Error")
		return
	case Fail429, Fail429Wait:
		after := "0"
		if fail == Fail429Wait {
			after = "1"
		}
		w.Header().Set("Retry-After", after)
		apiError(w, 429, "Too Many Requests")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key != "" && !s.GoToSocial {
		if id := s.keys[key]; id != "" {
			writeJSON(w, 200, s.find(id).Status)
			return
		}
	}
	created := time.Now().UTC()
	if body.ScheduledAt != "" {
		at, err := time.Parse(time.RFC3339Nano, body.ScheduledAt)
		if err != nil || !s.GoToSocial || at.After(time.Now()) {
			apiError(w, 422, "scheduled_at must be at least 5 minutes in the future")
			return
		}
		created = at
		if mentionRE.MatchString(body.Status) {
			apiError(w, 422, "backdated statuses may not mention other accounts")
			return
		}
	}
	if body.InReplyToID != "" && s.find(body.InReplyToID) == nil {
		apiError(w, 404, "in_reply_to_id not found")
		return
	}
	for _, id := range body.MediaIDs {
		if s.media[id] == nil {
			apiError(w, 422, "media not found")
			return
		}
	}
	s.next++
	st := &Status{Text: body.Status, MediaIDs: body.MediaIDs}
	st.ID = ulidTime(created) + fmt.Sprintf("%016d", s.next) // sorts by time, as ULIDs do
	st.URI = "http://new.example/users/alice/statuses/" + st.ID
	st.CreatedAt, st.SpoilerText, st.Sensitive = created, body.SpoilerText, body.Sensitive
	st.Visibility, st.Language, st.InReplyToID = body.Visibility, body.Language, body.InReplyToID
	st.Content = "<p>" + strings.ReplaceAll(html.EscapeString(body.Status), "\n", "<br>") + "</p>"
	for _, m := range body.MediaIDs {
		st.MediaAttachments = append(st.MediaAttachments, mastodonapi.MediaAttachment{ID: m, Description: s.media[m].Description})
	}
	s.statuses = append(s.statuses, st)
	if key != "" {
		s.keys[key] = st.ID
	}
	if fail == FailLost {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
	}
	writeJSON(w, 200, st.Status)
}

// status returns the entity of an own or remote status, or nil.
func (s *Server) status(id string) *mastodonapi.Status {
	if st := s.find(id); st != nil {
		c := st.Status
		return &c
	}
	for uri, rid := range s.remote {
		if rid == id {
			return &mastodonapi.Status{ID: id, URI: uri, URL: uri}
		}
	}
	return nil
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	out := []mastodonapi.Status{}
	if id, ok := s.remote[q]; ok {
		out = append(out, *s.status(id))
	}
	for _, st := range s.statuses {
		if st.URI == q {
			out = append(out, st.Status)
		}
	}
	writeJSON(w, 200, map[string]any{"accounts": []any{}, "statuses": out, "hashtags": []any{}})
}

func (s *Server) get(w http.ResponseWriter, id string) {
	st := s.status(id)
	if st == nil {
		apiError(w, 404, "Not Found")
		return
	}
	_, st.Reblogged = s.boosted[id]
	writeJSON(w, 200, st)
}

// reblog boosts a status; a second boost is refused on GoToSocial (422)
// and answered with the first on Mastodon.
func (s *Server) reblog(w http.ResponseWriter, id string) {
	st := s.status(id)
	if st == nil {
		apiError(w, 404, "Not Found")
		return
	}
	if b, ok := s.boosted[id]; ok {
		if s.GoToSocial {
			apiError(w, 422, "status already boosted")
			return
		}
		writeJSON(w, 200, mastodonapi.Status{ID: b, Reblog: st, Reblogged: true})
		return
	}
	s.next++
	b := "b" + strconv.Itoa(s.next)
	s.boosted[id] = b
	st.Reblogged = true
	writeJSON(w, 200, mastodonapi.Status{ID: b, Reblog: st, Reblogged: true})
}

func (s *Server) find(id string) *Status {
	for _, st := range s.statuses {
		if st.ID == id {
			return st
		}
	}
	return nil
}

// list answers the account's statuses, highest id first.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	all := slices.Clone(s.statuses)
	slices.SortFunc(all, func(a, b *Status) int { return strings.Compare(b.ID, a.ID) })
	maxID := r.URL.Query().Get("max_id")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	out := []mastodonapi.Status{}
	for _, st := range all {
		if maxID != "" && st.ID >= maxID {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, st.Status)
	}
	writeJSON(w, 200, out)
}

// ulidTime is the time part of a ULID: 48 bits of Unix milliseconds in
// Crockford's base 32.
func ulidTime(t time.Time) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	ms := uint64(max(t.UnixMilli(), 0))
	var b [10]byte
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[ms&31]
		ms >>= 5
	}
	return string(b[:])
}
