package mastodonapitest

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a Mastodon API test server holding one account: the
// token's. It is an [http.Handler]; serve it with httptest.NewServer.
// Set the exported fields before serving.
type Server struct {
	// Token is the bearer token every request must carry.
	Token string
	// LocalDomain is the server's domain: its accounts' acct has no
	// domain part in responses.
	LocalDomain string
	// FollowLimit, if > 0, is how many accounts the account may follow;
	// a follow beyond it gets 422.
	FollowLimit int
	// RateLimitEvery, if > 0, makes every RateLimitEvery-th request
	// fail with [Fail429Wait].
	RateLimitEvery int
	// RateLimitWait is how far ahead a [Fail429Wait] sets the reset
	// time (default [DefaultRateLimitWait]).
	RateLimitWait time.Duration
	// PageSize, if > 0, is the longest page served, whatever limit= asks
	// (default: 40, and limit= may ask for up to 80).
	PageSize int
	// GoToSocial makes the server answer as GoToSocial does where it
	// differs from Mastodon (see the package documentation): backdated
	// statuses, no Idempotency-Key, no per-account domain blocks.
	GoToSocial bool

	mu        sync.Mutex
	seq       int64
	requests  int
	accounts  map[string]*account // by id
	byAcct    map[string]string   // lower-case user@domain -> id
	statuses  map[string]*status  // by id
	byURI     map[string]string
	me        string
	followers int
	following map[string]*follow // by account id
	blocks    map[string]int64
	mutes     map[string]*mute
	domains   map[string]int64
	bookmarks map[string]int64 // by status id
	lists     map[string]*list
	calls     map[string]int
	failNext  map[string][]Failure // by route

	posted  []*Status           // own statuses, in the order created
	media   map[string]*Media   // uploads, by id
	keys    map[string]string   // Idempotency-Key -> status id
	boosted map[string][]string // status id -> ids of the account's boosts of it
	posts   int                 // status creations asked for with the token
	uploads int                 // uploads accepted
}

type account struct {
	id, user, domain string
	known            bool // false: found only by a resolving search
}

type status struct {
	id, uri string
	known   bool
	own     *Status // nil for another account's status
}

type follow struct {
	rec              int64
	reblogs, notify  bool
	languages        []string
	languagesPresent bool
}

type mute struct {
	rec           int64
	notifications bool
}

type list struct {
	id, title string
	members   map[string]int64
}

// New returns a server for the account user@localDomain, reached with
// token.
func New(localDomain, user, token string) *Server {
	s := &Server{
		Token:       token,
		LocalDomain: localDomain,
		accounts:    map[string]*account{},
		byAcct:      map[string]string{},
		statuses:    map[string]*status{},
		byURI:       map[string]string{},
		following:   map[string]*follow{},
		blocks:      map[string]int64{},
		mutes:       map[string]*mute{},
		domains:     map[string]int64{},
		bookmarks:   map[string]int64{},
		lists:       map[string]*list{},
		calls:       map[string]int{},
		failNext:    map[string][]Failure{},
		media:       map[string]*Media{},
		keys:        map[string]string{},
		boosted:     map[string][]string{},
	}
	s.me = s.AddAccount(user + "@" + localDomain)
	return s
}

func (s *Server) next() int64 { s.seq++; return s.seq }

func (s *Server) addAccount(acct string, known bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(acct)
	if id, ok := s.byAcct[key]; ok {
		return id
	}
	user, domain, _ := strings.Cut(acct, "@")
	id := strconv.FormatInt(100000+s.next(), 10)
	s.accounts[id] = &account{id: id, user: user, domain: domain, known: known}
	s.byAcct[key] = id
	return id
}

// AddAccount adds an account the server knows (found by lookup) and
// returns its id.
func (s *Server) AddAccount(acct string) string { return s.addAccount(acct, true) }

// AddRemoteAccount adds an account the server finds only with a
// resolving search (as if fetched by WebFinger), and returns its id.
func (s *Server) AddRemoteAccount(acct string) string { return s.addAccount(acct, false) }

// AddStatus adds a status of another account, found by a resolving
// search for its URI (and then bookmarked or boosted), and returns its
// id.
func (s *Server) AddStatus(uri string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.byURI[uri]; ok {
		return id
	}
	id := strconv.FormatInt(200000+s.next(), 10)
	s.statuses[id] = &status{id: id, uri: uri}
	s.byURI[uri] = id
	return id
}

// SetFollowersCount sets the account's followers count.
func (s *Server) SetFollowersCount(n int) {
	s.mu.Lock()
	s.followers = n
	s.mu.Unlock()
}

// Requests returns how many requests the server has answered.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Calls returns how many requests each route ("POST /api/v1/accounts/{id}/follow") got.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// Follow is a follow as Snapshot reports it.
type Follow struct {
	Reblogs, Notify bool
	Languages       []string
}

// State is what the account has, with accounts as user@domain.
type State struct {
	Following    map[string]Follow
	Blocks       []string
	Mutes        map[string]bool // value: notifications muted too
	DomainBlocks []string
	Bookmarks    []string
	Lists        map[string][]string
}

// Snapshot returns the account's state, sorted.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	full := func(id string) string { a := s.accounts[id]; return a.user + "@" + a.domain }
	st := State{Following: map[string]Follow{}, Mutes: map[string]bool{}, Lists: map[string][]string{}}
	for id, f := range s.following {
		st.Following[full(id)] = Follow{Reblogs: f.reblogs, Notify: f.notify, Languages: f.languages}
	}
	for id := range s.blocks {
		st.Blocks = append(st.Blocks, full(id))
	}
	for id, m := range s.mutes {
		st.Mutes[full(id)] = m.notifications
	}
	st.DomainBlocks = slices.Collect(maps.Keys(s.domains))
	for id := range s.bookmarks {
		st.Bookmarks = append(st.Bookmarks, s.statuses[id].uri)
	}
	for _, l := range s.lists {
		members := []string{}
		for id := range l.members {
			members = append(members, full(id))
		}
		sort.Strings(members)
		st.Lists[l.title] = members
	}
	sort.Strings(st.Blocks)
	sort.Strings(st.DomainBlocks)
	sort.Strings(st.Bookmarks)
	return st
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	route, args := s.route(r.Method, r.URL.Path)
	s.calls[route]++
	public := route == "GET /api/v2/instance" || route == "GET /api/v1/instance"
	if !public && r.Header.Get("Authorization") != "Bearer "+s.Token {
		writeError(w, http.StatusUnauthorized, "The access token is invalid")
		return
	}
	if route == "POST /api/v1/statuses" {
		s.posts++ // failed or not
	}
	f := s.failure(route)
	if s.fail(w, f) {
		return
	}
	p, err := params(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c := &call{s: s, w: w, r: r, p: p, args: args}
	if f == FailLost {
		s.serveLost(c, route)
		return
	}
	s.serve(c, route)
}

// serve answers the request c to route.
func (s *Server) serve(c *call, route string) {
	if s.GoToSocial && strings.HasSuffix(route, " /api/v1/domain_blocks") {
		// GoToSocial has no per-account domain blocks.
		writeError(c.w, http.StatusNotFound, "Not Found")
		return
	}
	if !s.serveAccounts(c, route) && !s.serveDomainsAndBookmarks(c, route) && !s.serveLists(c, route) &&
		!s.serveStatuses(c, route) {
		writeError(c.w, http.StatusNotFound, "Not found")
	}
}

// serveAccounts answers the routes of accounts and their relationships;
// it reports false for another route.
func (s *Server) serveAccounts(c *call, route string) bool {
	switch route {
	case "GET /api/v2/instance", "GET /api/v1/instance":
		c.instance()
	case "GET /api/v1/accounts/verify_credentials":
		a := c.account(s.me)
		a["followers_count"] = s.followers
		a["following_count"] = len(s.following)
		c.json(a)
	case "GET /api/v1/accounts/lookup":
		c.lookup()
	case "GET /api/v2/search":
		c.search()
	case "GET /api/v1/accounts/relationships":
		var out []any
		for _, id := range c.p["id"] {
			if _, ok := s.accounts[id]; ok {
				out = append(out, c.relationship(id))
			}
		}
		c.json(out)
	case "POST /api/v1/accounts/{id}/follow":
		c.follow()
	case "POST /api/v1/accounts/{id}/unfollow":
		c.onAccount(func(id string) {
			delete(s.following, id)
			for _, l := range s.lists {
				delete(l.members, id)
			}
		})
	case "POST /api/v1/accounts/{id}/block":
		c.onAccount(func(id string) {
			if _, ok := s.blocks[id]; !ok {
				s.blocks[id] = s.next()
			}
			delete(s.following, id)
		})
	case "POST /api/v1/accounts/{id}/unblock":
		c.onAccount(func(id string) { delete(s.blocks, id) })
	case "POST /api/v1/accounts/{id}/mute":
		c.onAccount(func(id string) {
			m := s.mutes[id]
			if m == nil {
				m = &mute{rec: s.next()}
				s.mutes[id] = m
			}
			m.notifications = c.bool("notifications", true)
		})
	case "POST /api/v1/accounts/{id}/unmute":
		c.onAccount(func(id string) { delete(s.mutes, id) })
	case "GET /api/v1/accounts/{id}/following":
		if c.args[0] != s.me {
			writeError(c.w, http.StatusNotFound, "Record not found")
			return true
		}
		c.accountPage(recs(s.following, func(f *follow) int64 { return f.rec }))
	case "GET /api/v1/blocks":
		c.accountPage(recs(s.blocks, func(v int64) int64 { return v }))
	case "GET /api/v1/mutes":
		c.accountPage(recs(s.mutes, func(m *mute) int64 { return m.rec }))
	case "GET /api/v1/lists/{id}/accounts", "POST /api/v1/lists/{id}/accounts", "DELETE /api/v1/lists/{id}/accounts":
		c.listAccounts()
	default:
		return false
	}
	return true
}

// serveDomainsAndBookmarks answers the routes of domain blocks and
// bookmarks; it reports false for another route.
func (s *Server) serveDomainsAndBookmarks(c *call, route string) bool {
	switch route {
	case "GET /api/v1/domain_blocks":
		page := c.page(recs(s.domains, func(v int64) int64 { return v }))
		c.json(page)
	case "POST /api/v1/domain_blocks", "DELETE /api/v1/domain_blocks":
		d := strings.ToLower(strings.TrimSpace(c.str("domain")))
		if d == "" {
			writeError(c.w, http.StatusUnprocessableEntity, "Validation failed: Domain can't be blank")
			return true
		}
		if c.r.Method == http.MethodPost {
			if _, ok := s.domains[d]; !ok {
				s.domains[d] = s.next()
			}
		} else {
			delete(s.domains, d)
		}
		c.json(map[string]any{})
	case "GET /api/v1/bookmarks":
		ids := c.page(recs(s.bookmarks, func(v int64) int64 { return v }))
		out := []any{}
		for _, id := range ids {
			out = append(out, c.status(id))
		}
		c.json(out)
	case "POST /api/v1/statuses/{id}/bookmark", "POST /api/v1/statuses/{id}/unbookmark":
		id := c.args[0]
		st, ok := s.statuses[id]
		if !ok || !st.known {
			writeError(c.w, http.StatusNotFound, "Record not found")
			return true
		}
		if strings.HasSuffix(route, "/bookmark") {
			if _, ok := s.bookmarks[id]; !ok {
				s.bookmarks[id] = s.next()
			}
		} else {
			delete(s.bookmarks, id)
		}
		c.json(c.status(id))
	default:
		return false
	}
	return true
}

// serveLists answers the routes of lists; it reports false for another
// route.
func (s *Server) serveLists(c *call, route string) bool {
	switch route {
	case "GET /api/v1/lists":
		out := []any{}
		for _, l := range sortedLists(s.lists) {
			out = append(out, map[string]any{"id": l.id, "title": l.title, "replies_policy": "list"})
		}
		c.json(out)
	case "POST /api/v1/lists":
		title := c.str("title")
		if title == "" {
			writeError(c.w, http.StatusUnprocessableEntity, "Validation failed: Title can't be blank")
			return true
		}
		if len(s.lists) >= 50 {
			writeError(c.w, http.StatusUnprocessableEntity, "Validation failed: You have reached the maximum number of lists")
			return true
		}
		l := &list{id: strconv.FormatInt(300000+s.next(), 10), title: title, members: map[string]int64{}}
		s.lists[l.id] = l
		c.json(map[string]any{"id": l.id, "title": l.title, "replies_policy": "list"})
	case "DELETE /api/v1/lists/{id}":
		if _, ok := s.lists[c.args[0]]; !ok {
			writeError(c.w, http.StatusNotFound, "Record not found")
			return true
		}
		delete(s.lists, c.args[0])
		c.json(map[string]any{})
	case "GET /api/v1/lists/{id}/accounts", "POST /api/v1/lists/{id}/accounts", "DELETE /api/v1/lists/{id}/accounts":
		c.listAccounts()
	default:
		return false
	}
	return true
}

// route maps a path to its pattern and the {id} it holds.
func (s *Server) route(method, path string) (string, []string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var args []string
	// api/v1/accounts/{id}/x, api/v1/statuses/{id}/x, api/v1/lists/{id}[/accounts]
	if len(parts) >= 4 && parts[0] == "api" && parts[1] == "v1" {
		switch parts[2] {
		case "accounts":
			if len(parts) == 5 {
				args = append(args, parts[3])
				parts[3] = "{id}"
			}
		case "statuses", "lists", "media":
			args = append(args, parts[3])
			parts[3] = "{id}"
		}
	}
	return method + " /" + strings.Join(parts, "/"), args
}

type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	p    url.Values
	args []string
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (c *call) json(v any) {
	if v == nil {
		v = []any{}
	}
	json.NewEncoder(c.w).Encode(v)
}

func (c *call) str(k string) string { return c.p.Get(k) }

func (c *call) bool(k string, def bool) bool {
	v, ok := c.p[k]
	if !ok || len(v) == 0 || v[0] == "" {
		return def
	}
	switch strings.ToLower(v[0]) {
	case "false", "0", "f", "off", "no":
		return false
	}
	return true
}

func (s *Server) acct(id string) string {
	a := s.accounts[id]
	if strings.EqualFold(a.domain, s.LocalDomain) {
		return a.user
	}
	return a.user + "@" + a.domain
}

func (c *call) account(id string) map[string]any {
	a := c.s.accounts[id]
	return map[string]any{
		"id": id, "username": a.user, "acct": c.s.acct(id),
		"url": "https://" + a.domain + "/@" + a.user, "display_name": "",
	}
}

func (c *call) status(id string) map[string]any {
	st := c.s.statuses[id]
	if st.own != nil {
		return c.ownStatus(st.own)
	}
	boosted := len(c.s.boosted[id]) > 0
	return map[string]any{"id": id, "uri": st.uri, "url": st.uri, "content": "", "reblogged": boosted}
}

func (c *call) relationship(id string) map[string]any {
	f, following := c.s.following[id]
	m, muting := c.s.mutes[id]
	_, blocking := c.s.blocks[id]
	rel := map[string]any{
		"id": id, "following": following, "showing_reblogs": following && f.reblogs,
		"notifying": following && f.notify, "languages": nil, "blocking": blocking,
		"muting": muting, "muting_notifications": muting && m.notifications,
		"followed_by": false, "requested": false, "domain_blocking": false,
	}
	if following && f.languagesPresent {
		rel["languages"] = f.languages
	}
	if c.s.GoToSocial {
		delete(rel, "languages") // GoToSocial keeps no languages of a follow
	}
	return rel
}

// find returns the id of a known account by acct (user, or user@domain).
func (s *Server) find(acct string, resolve bool) (string, bool) {
	key := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(acct), "@"))
	if !strings.Contains(key, "@") {
		key += "@" + strings.ToLower(s.LocalDomain)
	}
	id, ok := s.byAcct[key]
	if !ok {
		return "", false
	}
	a := s.accounts[id]
	if !a.known {
		if !resolve {
			return "", false
		}
		a.known = true
	}
	return id, true
}

func (c *call) lookup() {
	id, ok := c.s.find(c.str("acct"), false)
	if !ok {
		writeError(c.w, http.StatusNotFound, "Record not found")
		return
	}
	c.json(c.account(id))
}

func (c *call) search() {
	q := c.str("q")
	resolve := c.bool("resolve", false)
	out := map[string]any{"accounts": []any{}, "statuses": []any{}, "hashtags": []any{}}
	typ := c.str("type")
	if typ == "" || typ == "accounts" {
		if id, ok := c.s.find(q, resolve); ok {
			out["accounts"] = []any{c.account(id)}
		}
	}
	if typ == "" || typ == "statuses" {
		if id, ok := c.s.byURI[q]; ok && (resolve || c.s.statuses[id].known) {
			c.s.statuses[id].known = true
			out["statuses"] = []any{c.status(id)}
		}
	}
	c.json(out)
}

// onAccount runs f on the account {id} and answers its relationship.
func (c *call) onAccount(f func(id string)) {
	id := c.args[0]
	if a, ok := c.s.accounts[id]; !ok || !a.known {
		writeError(c.w, http.StatusNotFound, "Record not found")
		return
	}
	f(id)
	c.json(c.relationship(id))
}

func (c *call) follow() {
	id := c.args[0]
	if a, ok := c.s.accounts[id]; !ok || !a.known {
		writeError(c.w, http.StatusNotFound, "Record not found")
		return
	}
	if id == c.s.me {
		writeError(c.w, http.StatusForbidden, "This action is not allowed")
		return
	}
	f := c.s.following[id]
	if f == nil {
		if c.s.FollowLimit > 0 && len(c.s.following) >= c.s.FollowLimit {
			writeError(c.w, http.StatusUnprocessableEntity,
				fmt.Sprintf("Validation failed: You cannot follow more than %d people", c.s.FollowLimit))
			return
		}
		f = &follow{rec: c.s.next(), reblogs: true}
		c.s.following[id] = f
	}
	if _, ok := c.p["reblogs"]; ok {
		f.reblogs = c.bool("reblogs", true)
	}
	if _, ok := c.p["notify"]; ok {
		f.notify = c.bool("notify", false)
	}
	if langs, ok := c.p["languages"]; ok {
		f.languagesPresent = len(langs) > 0
		f.languages = nil
		for _, l := range langs {
			if l != "" {
				f.languages = append(f.languages, l)
			}
		}
		if len(f.languages) == 0 {
			f.languagesPresent = false
		}
	}
	c.json(c.relationship(id))
}

func (c *call) listAccounts() {
	l, ok := c.s.lists[c.args[0]]
	if !ok {
		writeError(c.w, http.StatusNotFound, "Record not found")
		return
	}
	switch c.r.Method {
	case http.MethodGet:
		c.accountPage(recs(l.members, func(v int64) int64 { return v }))
		return
	case http.MethodPost:
		ids := c.p["account_ids"]
		for _, id := range ids {
			if a, ok := c.s.accounts[id]; !ok || !a.known {
				writeError(c.w, http.StatusNotFound, "Record not found")
				return
			}
			if _, ok := l.members[id]; ok {
				msg := "Validation failed: Account has already been taken"
				if c.s.GoToSocial {
					msg = fmt.Sprintf("Unprocessable Entity: account %s is already in list %s", id, l.id)
				}
				writeError(c.w, http.StatusUnprocessableEntity, msg)
				return
			}
			if _, ok := c.s.following[id]; !ok {
				if c.s.GoToSocial {
					writeError(c.w, http.StatusNotFound, fmt.Sprintf("Not Found: account %s not currently followed", id))
				} else {
					writeError(c.w, http.StatusUnprocessableEntity, "Validation failed: Account must be followed")
				}
				return
			}
		}
		for _, id := range ids {
			l.members[id] = c.s.next()
		}
	case http.MethodDelete:
		for _, id := range c.p["account_ids"] {
			delete(l.members, id)
		}
	}
	c.json(map[string]any{})
}

type keyed[K comparable] struct {
	key K
	rec int64
}

// recs returns the keys of m with their record ids, newest first.
func recs[K comparable, V any](m map[K]V, rec func(V) int64) []keyed[K] {
	out := make([]keyed[K], 0, len(m))
	for k, v := range m {
		out = append(out, keyed[K]{k, rec(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rec > out[j].rec })
	return out
}

// page cuts one page out of items (newest first) by max_id and limit,
// sets the Link header, and returns the page's keys.
func page[K comparable](c *call, items []keyed[K]) []K {
	most := 80
	if c.s.PageSize > 0 {
		most = c.s.PageSize
	}
	limit := min(40, most)
	if l, err := strconv.Atoi(c.str("limit")); err == nil && l > 0 {
		limit = min(l, most)
	}
	if maxID, err := strconv.ParseInt(c.str("max_id"), 10, 64); err == nil {
		i := sort.Search(len(items), func(i int) bool { return items[i].rec < maxID })
		items = items[i:]
	}
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	out := make([]K, 0, len(items))
	for _, it := range items {
		out = append(out, it.key)
	}
	if len(items) > 0 {
		u := url.URL{Scheme: "http", Host: c.r.Host, Path: c.r.URL.Path}
		var links []string
		if more {
			u.RawQuery = url.Values{"limit": {strconv.Itoa(limit)}, "max_id": {strconv.FormatInt(items[len(items)-1].rec, 10)}}.Encode()
			links = append(links, "<"+u.String()+`>; rel="next"`)
		}
		u.RawQuery = url.Values{"limit": {strconv.Itoa(limit)}, "min_id": {strconv.FormatInt(items[0].rec, 10)}}.Encode()
		links = append(links, "<"+u.String()+`>; rel="prev"`)
		c.w.Header().Set("Link", strings.Join(links, ", "))
	}
	return out
}

func (c *call) page(items []keyed[string]) []string { return page(c, items) }

func (c *call) accountPage(items []keyed[string]) {
	out := []any{}
	for _, id := range c.page(items) {
		out = append(out, c.account(id))
	}
	c.json(out)
}

func sortedLists(m map[string]*list) []*list {
	out := slices.Collect(maps.Values(m))
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// params merges the query, a form body and a JSON body; "x[]" keys are
// stored as "x", JSON booleans as "true"/"false".
func params(r *http.Request) (url.Values, error) {
	v := url.Values{}
	add := func(k, s string) { v[strings.TrimSuffix(k, "[]")] = append(v[strings.TrimSuffix(k, "[]")], s) }
	for k, ss := range r.URL.Query() {
		for _, s := range ss {
			add(k, s)
		}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&body); err != nil {
			return nil, fmt.Errorf("bad JSON body: %v", err)
		}
		for k, x := range body {
			switch x := x.(type) {
			case []any:
				v[k] = []string{} // present, maybe empty
				for _, e := range x {
					add(k, fmt.Sprint(e))
				}
			case nil:
			default:
				add(k, fmt.Sprint(x))
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, ss := range r.PostForm {
			for _, s := range ss {
				add(k, s)
			}
		}
	}
	return v, nil
}
