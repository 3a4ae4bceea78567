package posts_test

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
	"testing"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
)

// server is a small Mastodon client API on loopback, with GoToSocial's
// behaviour when gts is set: scheduled_at in the past backdates, and a
// backdated post that mentions or replies to another account, or
// carries a poll, is refused (422).
type server struct {
	t   testing.TB
	gts bool

	mu       sync.Mutex
	statuses []*fakeStatus
	media    map[string]*fakeMedia
	keys     map[string]string // idempotency key -> status id
	next     int
	// failNext makes the next status POSTs fail: "500" answers 500,
	// "lost" creates the status and then breaks the connection, "429"
	// answers 429 with Retry-After: 0.
	failNext []string
	posts    int // POST /api/v1/statuses received
	uploads  int
	srv      *httptest.Server
}

type fakeStatus struct {
	mastodonapi.Status
	text     string
	mediaIDs []string
}

type fakeMedia struct {
	id, desc, focus, name, ctype string
	size                         int
}

func newServer(t testing.TB, gts bool) *server {
	s := &server{t: t, gts: gts, media: map[string]*fakeMedia{}, keys: map[string]string{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *server) client() *mastodonapi.Client {
	return &mastodonapi.Client{BaseURL: s.srv.URL, Token: "tok", HTTPClient: s.srv.Client()}
}

var mentionRE = regexp.MustCompile(`(?:^|[^\w@/])@\w+(?:@[\w.-]+\w)?`)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok" {
		writeJSON(w, 401, map[string]string{"error": "The access token is invalid"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := r.URL.Path
	switch {
	case p == "/api/v1/accounts/verify_credentials":
		writeJSON(w, 200, map[string]string{"id": "1", "username": "alice", "acct": "alice", "url": "http://new.example/@alice"})
	case p == "/api/v2/instance":
		writeJSON(w, 200, map[string]any{"version": "test", "configuration": map[string]any{
			"statuses":          map[string]int{"max_characters": 5000, "max_media_attachments": 4},
			"media_attachments": map[string]int{"image_size_limit": 10 << 20, "description_limit": 1500}}})
	case p == "/api/v2/media" && r.Method == http.MethodPost:
		s.upload(w, r)
	case strings.HasPrefix(p, "/api/v1/media/"):
		m := s.media[strings.TrimPrefix(p, "/api/v1/media/")]
		if m == nil {
			writeJSON(w, 404, map[string]string{"error": "Not Found"})
			return
		}
		writeJSON(w, 200, map[string]string{"id": m.id, "url": "http://new.example/m/" + m.id, "description": m.desc})
	case p == "/api/v1/statuses" && r.Method == http.MethodPost:
		s.create(w, r)
	case strings.HasPrefix(p, "/api/v1/accounts/1/statuses"):
		s.list(w, r)
	default:
		writeJSON(w, 404, map[string]string{"error": "Not Found"})
	}
}

func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		writeJSON(w, 422, map[string]string{"error": "no file"})
		return
	}
	data, _ := io.ReadAll(f)
	s.next++
	s.uploads++
	m := &fakeMedia{id: "m" + strconv.Itoa(s.next), desc: r.FormValue("description"), focus: r.FormValue("focus"),
		name: fh.Filename, ctype: fh.Header.Get("Content-Type"), size: len(data)}
	s.media[m.id] = m
	writeJSON(w, 200, map[string]string{"id": m.id, "url": "http://new.example/m/" + m.id, "description": m.desc})
}

func (s *server) create(w http.ResponseWriter, r *http.Request) {
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
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	fail := ""
	if len(s.failNext) > 0 {
		fail, s.failNext = s.failNext[0], s.failNext[1:]
	}
	switch fail {
	case "500":
		writeJSON(w, 500, map[string]string{"error": "Internal Server Error"})
		return
	case "429":
		w.Header().Set("Retry-After", "0")
		writeJSON(w, 429, map[string]string{"error": "Too Many Requests"})
		return
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" && !s.gts {
		if id := s.keys[k]; id != "" {
			writeJSON(w, 200, s.find(id).Status)
			return
		}
	}
	created := time.Now().UTC()
	if body.ScheduledAt != "" {
		at, err := time.Parse(time.RFC3339Nano, body.ScheduledAt)
		if err != nil || !s.gts || at.After(time.Now()) {
			writeJSON(w, 422, map[string]string{"error": "scheduled_at must be at least 5 minutes in the future"})
			return
		}
		created = at
		if mentionRE.MatchString(body.Status) {
			writeJSON(w, 422, map[string]string{"error": "backdated status may not mention other accounts"})
			return
		}
	}
	if body.InReplyToID != "" && s.find(body.InReplyToID) == nil {
		writeJSON(w, 404, map[string]string{"error": "in_reply_to_id not found"})
		return
	}
	for _, id := range body.MediaIDs {
		if s.media[id] == nil {
			writeJSON(w, 422, map[string]string{"error": "media not found"})
			return
		}
	}
	s.next++
	// Ids sort by time, as GoToSocial's ULIDs do (backdated ones too).
	id := ulidTime(created) + fmt.Sprintf("%016d", s.next)
	st := &fakeStatus{text: body.Status, mediaIDs: body.MediaIDs}
	st.ID, st.CreatedAt, st.SpoilerText, st.Sensitive = id, created, body.SpoilerText, body.Sensitive
	st.Visibility, st.Language, st.InReplyToID = body.Visibility, body.Language, body.InReplyToID
	st.Content = "<p>" + strings.ReplaceAll(html.EscapeString(body.Status), "\n", "<br>") + "</p>"
	for _, m := range body.MediaIDs {
		st.MediaAttachments = append(st.MediaAttachments, mastodonapi.MediaAttachment{ID: m, Description: s.media[m].desc})
	}
	s.statuses = append(s.statuses, st)
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		s.keys[k] = id
	}
	if fail == "lost" {
		// Created, and the answer never arrives.
		hj, ok := w.(http.Hijacker)
		if ok {
			c, _, _ := hj.Hijack()
			c.Close()
			return
		}
	}
	writeJSON(w, 200, st.Status)
}

func (s *server) find(id string) *fakeStatus {
	for _, st := range s.statuses {
		if st.ID == id {
			return st
		}
	}
	return nil
}

// list answers an account's statuses, newest (highest id) first.
func (s *server) list(w http.ResponseWriter, r *http.Request) {
	all := slices.Clone(s.statuses)
	slices.SortFunc(all, func(a, b *fakeStatus) int { return strings.Compare(b.ID, a.ID) })
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

// byText returns the statuses whose text contains sub.
func (s *server) byText(sub string) []*fakeStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*fakeStatus
	for _, st := range s.statuses {
		if strings.Contains(st.text, sub) {
			out = append(out, st)
		}
	}
	return out
}

// ulidTime is the time part of a ULID: 48 bits of Unix milliseconds in
// Crockford's base 32.
func ulidTime(t time.Time) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	ms := uint64(t.UnixMilli())
	var b [10]byte
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[ms&31]
		ms >>= 5
	}
	return string(b[:])
}
