package mastodonapitest

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is a status the account posted, as [Server.Statuses] reports
// it.
type Status struct {
	ID, URI     string
	CreatedAt   time.Time
	Text        string // as posted
	Content     string // HTML, as served
	SpoilerText string
	Sensitive   bool
	Visibility  string
	Language    string
	InReplyToID string
	MediaIDs    []string
}

// Media is an uploaded file, as [Server.Media] reports it.
type Media struct {
	ID, Description, Focus, Name, ContentType string
	Size                                      int
}

// Statuses returns the statuses the account posted, in the order they
// were created.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, len(s.posted))
	for i, st := range s.posted {
		out[i] = *st
		out[i].MediaIDs = slices.Clone(st.MediaIDs)
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

// Posts returns how many status creations were asked for with the
// token, refused and failed ones included.
func (s *Server) Posts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts
}

// Uploads returns how many files were uploaded.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads
}

// Boosted returns the ids of the statuses the account boosted, sorted,
// once per boost: a status boosted twice (GoToSocial makes a second
// boost) is listed twice.
func (s *Server) Boosted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, boosts := range s.boosted {
		for range boosts {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// DropUnattachedMedia forgets the uploaded files no status holds, as
// servers do after a while (Mastodon and GoToSocial remove unattached
// media after a day or so).
func (s *Server) DropUnattachedMedia() {
	s.mu.Lock()
	defer s.mu.Unlock()
	held := map[string]bool{}
	for _, st := range s.posted {
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

// serveStatuses answers the routes of the account's own statuses and
// media; it reports false for another route.
func (s *Server) serveStatuses(c *call, route string) bool {
	switch route {
	case "POST /api/v1/statuses":
		c.createStatus()
	case "GET /api/v1/statuses/{id}":
		if _, ok := s.statuses[c.args[0]]; !ok {
			writeError(c.w, http.StatusNotFound, "Record not found")
			return true
		}
		c.json(c.status(c.args[0]))
	case "POST /api/v1/statuses/{id}/reblog":
		c.reblog()
	case "GET /api/v1/accounts/{id}/statuses":
		c.accountStatuses()
	case "POST /api/v2/media", "POST /api/v1/media":
		c.upload()
	case "GET /api/v1/media/{id}":
		m := s.media[c.args[0]]
		if m == nil {
			writeError(c.w, http.StatusNotFound, "Record not found")
			return true
		}
		c.json(c.media(m))
	default:
		return false
	}
	return true
}

// instance answers /api/v2/instance (and v1): the domain, what software
// it is and the limits of statuses and media.
func (c *call) instance() {
	src := "https://github.com/mastodon/mastodon"
	if c.s.GoToSocial {
		src = "https://github.com/superseriousbusiness/gotosocial"
	}
	c.json(map[string]any{"domain": c.s.LocalDomain, "title": "mastodonapitest", "version": "test", "source_url": src,
		"configuration": map[string]any{
			"statuses":          map[string]int{"max_characters": 5000, "max_media_attachments": 4},
			"media_attachments": map[string]int{"image_size_limit": 10 << 20, "description_limit": 1500},
		}})
}

// mentionRE is what a server takes for a mention.
var mentionRE = regexp.MustCompile(`(?:^|[^\w@/])@\w+(?:@[\w.-]+\w)?`)

// mentionsOthers reports whether text mentions an account other than the
// server's own (as "@user" or "@user@domain").
func (c *call) mentionsOthers(text string) bool {
	me := c.s.accounts[c.s.me].user
	for _, m := range mentionRE.FindAllString(text, -1) {
		m = m[strings.IndexByte(m, '@')+1:]
		if !strings.EqualFold(m, me) && !strings.EqualFold(m, me+"@"+c.s.LocalDomain) {
			return true
		}
	}
	return false
}

// newStatus is the body of POST /api/v1/statuses.
type newStatus struct {
	text, spoiler, language, visibility, inReplyTo, scheduledAt string
	sensitive                                                   bool
	mediaIDs                                                    []string
}

func (c *call) newStatus() newStatus {
	return newStatus{text: c.str("status"), spoiler: c.str("spoiler_text"), language: c.str("language"),
		visibility: c.str("visibility"), inReplyTo: c.str("in_reply_to_id"), scheduledAt: c.str("scheduled_at"),
		sensitive: c.bool("sensitive", false), mediaIDs: c.p["media_ids"]}
}

// createStatus answers POST /api/v1/statuses. Mastodon honours an
// Idempotency-Key and refuses scheduled_at in the past; GoToSocial
// ignores the key and backdates a status to a past scheduled_at, unless
// it mentions or replies to another account.
func (c *call) createStatus() {
	s := c.s
	body := c.newStatus()
	key := c.r.Header.Get("Idempotency-Key")
	if key != "" && !s.GoToSocial {
		if id := s.keys[key]; id != "" {
			c.json(c.status(id))
			return
		}
	}
	created := time.Now().UTC()
	if body.scheduledAt != "" {
		at, err := time.Parse(time.RFC3339Nano, body.scheduledAt)
		if err != nil || !s.GoToSocial || at.After(time.Now()) {
			writeError(c.w, http.StatusUnprocessableEntity, "scheduled_at must be at least 5 minutes in the future")
			return
		}
		if c.mentionsOthers(body.text) {
			writeError(c.w, http.StatusUnprocessableEntity, "backdated statuses may not mention other accounts")
			return
		}
		if r := s.statuses[body.inReplyTo]; body.inReplyTo != "" && r != nil && r.own == nil {
			writeError(c.w, http.StatusUnprocessableEntity, "backdated statuses may only reply to the account's own statuses")
			return
		}
		created = at
	}
	if r := s.statuses[body.inReplyTo]; body.inReplyTo != "" && (r == nil || r.own == nil && !r.known) {
		writeError(c.w, http.StatusNotFound, "in_reply_to_id not found")
		return
	}
	for _, id := range body.mediaIDs {
		if s.media[id] == nil {
			writeError(c.w, http.StatusUnprocessableEntity, "media not found")
			return
		}
	}
	st := &Status{Text: body.text, MediaIDs: body.mediaIDs, CreatedAt: created, SpoilerText: body.spoiler,
		Sensitive: body.sensitive, Visibility: body.visibility, Language: body.language, InReplyToID: body.inReplyTo}
	if st.Visibility == "" {
		st.Visibility = "public"
	}
	// Ids sort by time, as Mastodon's snowflakes and GoToSocial's ULIDs do.
	st.ID = ulidTime(created) + fmt.Sprintf("%016d", s.next())
	st.URI = "https://" + s.LocalDomain + "/users/" + s.accounts[s.me].user + "/statuses/" + st.ID
	st.Content = "<p>" + strings.ReplaceAll(html.EscapeString(body.text), "\n", "<br>") + "</p>"
	s.posted = append(s.posted, st)
	s.statuses[st.ID] = &status{id: st.ID, uri: st.URI, known: true, own: st}
	s.byURI[st.URI] = st.ID
	if key != "" {
		s.keys[key] = st.ID
	}
	c.json(c.ownStatus(st))
}

// ownStatus is the entity of one of the account's statuses.
func (c *call) ownStatus(st *Status) map[string]any {
	media := []any{}
	for _, id := range st.MediaIDs {
		if m := c.s.media[id]; m != nil {
			media = append(media, c.media(m))
		}
	}
	var reply any
	if st.InReplyToID != "" {
		reply = st.InReplyToID
	}
	boosted := len(c.s.boosted[st.ID]) > 0
	return map[string]any{
		"id": st.ID, "uri": st.URI, "url": st.URI, "created_at": st.CreatedAt.Format("2006-01-02T15:04:05.000Z07:00"),
		"content": st.Content, "spoiler_text": st.SpoilerText, "sensitive": st.Sensitive, "visibility": st.Visibility,
		"language": st.Language, "in_reply_to_id": reply, "reblogged": boosted, "reblog": nil,
		"mentions": []any{}, "media_attachments": media, "account": c.account(c.s.me),
	}
}

// reblog boosts a status; a second boost makes another on GoToSocial
// (200, a new boost) and is answered with the first on Mastodon.
func (c *call) reblog() {
	s := c.s
	id := c.args[0]
	st, ok := s.statuses[id]
	if !ok || st.own == nil && !st.known {
		writeError(c.w, http.StatusNotFound, "Record not found")
		return
	}
	boosts := s.boosted[id]
	if len(boosts) == 0 || s.GoToSocial {
		boosts = append(boosts, strconv.FormatInt(400000+s.next(), 10))
		s.boosted[id] = boosts
	}
	b := boosts[len(boosts)-1]
	if !s.GoToSocial {
		b = boosts[0]
	}
	c.json(map[string]any{"id": b, "reblogged": true, "reblog": c.status(id), "account": c.account(s.me)})
}

// accountStatuses answers the account's statuses, highest id first,
// paged by max_id and limit (at most 40).
func (c *call) accountStatuses() {
	if c.args[0] != c.s.me {
		c.json([]any{}) // no other account posts here
		return
	}
	all := slices.Clone(c.s.posted)
	slices.SortFunc(all, func(a, b *Status) int { return strings.Compare(b.ID, a.ID) })
	maxID := c.str("max_id")
	limit, _ := strconv.Atoi(c.str("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	out := []any{}
	for _, st := range all {
		if maxID != "" && st.ID >= maxID {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, c.ownStatus(st))
	}
	c.json(out)
}

// upload answers POST /api/v2/media: a multipart form with the file,
// its description and focus.
func (c *call) upload() {
	r := c.r
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		writeError(c.w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	c.s.uploads++
	m := &Media{ID: strconv.FormatInt(500000+c.s.next(), 10), Description: r.FormValue("description"),
		Focus: r.FormValue("focus"), Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Size: len(data)}
	c.s.media[m.ID] = m
	c.json(c.media(m))
}

// media is the entity of an uploaded file.
func (c *call) media(m *Media) map[string]any {
	a := map[string]any{"id": m.ID, "type": "image", "url": "https://" + c.s.LocalDomain + "/media/" + m.ID,
		"description": m.Description, "meta": map[string]any{}}
	if x, y, ok := strings.Cut(m.Focus, ","); ok {
		fx, errx := strconv.ParseFloat(x, 64)
		fy, erry := strconv.ParseFloat(y, 64)
		if errx == nil && erry == nil {
			a["meta"] = map[string]any{"focus": map[string]float64{"x": fx, "y": fy}}
		}
	}
	return a
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
