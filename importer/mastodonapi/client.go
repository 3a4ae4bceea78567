package mastodonapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/importer"
)

// Defaults of a [Client]; a zero field takes its default.
const (
	// DefaultMaxBytes bounds one response body.
	DefaultMaxBytes = 8 << 20
	// DefaultMaxPages bounds the pages read for one collection (80
	// entries each).
	DefaultMaxPages = 2000
	// DefaultUserAgent is sent when UserAgent is empty.
	DefaultUserAgent = "fediport-importer (+https://github.com/fediport/fediport)"
)

// maxErrorMessage bounds the server message kept in an [Error].
const maxErrorMessage = 512

// maxErrorBody bounds what is read of an error response's body, whose
// only use is the message.
const maxErrorBody = 64 << 10

// Client is a destination for package importer's [importer.Engine] that
// acts on one account of a server with the Mastodon client API. It
// implements every interface of an [importer.Destination]
// ([importer.FullDestination]; [Client.Destination] returns it as one)
// and [importer.StateReader].
//
// Set the fields, then use the Client; it is safe for concurrent use and
// must not be copied after first use. It caches the ids of the accounts,
// statuses and lists it resolves; make a new Client to forget them.
type Client struct {
	// BaseURL is the server's address, such as "https://mastodon.example".
	BaseURL string
	// Token is an OAuth access token of the account, with the scopes
	// read:follows write:follows read:blocks write:blocks read:mutes
	// write:mutes read:bookmarks write:bookmarks read:lists write:lists
	// read:accounts read:search (or read and write).
	Token string
	// HTTPClient makes the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// UserAgent is sent with every request (default [DefaultUserAgent]).
	UserAgent string
	// LocalDomain is the server's account domain, used to turn the
	// server's bare local names into user@domain. If empty, ReadState asks
	// the server (/api/v2/instance, else /api/v1/instance).
	LocalDomain string
	// MaxBytes bounds each successful response body (default
	// [DefaultMaxBytes]); a larger one is [ErrTooLarge].
	// Of an error response (not 2xx) only a prefix is read, for the
	// message: the error is classified by its status code whatever the
	// body's size.
	MaxBytes int64
	// MaxPages bounds the pages read for one collection (default
	// [DefaultMaxPages]).
	MaxPages int
	// AllowHTTP lets a plain http:// BaseURL reach a server on another
	// machine, sending the token unencrypted. Without it, plain HTTP is
	// used only for connections to loopback addresses (127.0.0.0/8, ::1,
	// whatever name resolves to them), as for a test server; any other
	// is refused with [ErrPlainHTTP] before the token is sent.
	AllowHTTP bool
	// OnRateLimit, if not nil, is called each time the server answers
	// 429 Too Many Requests, with the server's host and how long it asked
	// to wait ([Error.RetryAfter]) before the call is tried again: by the
	// Client itself for the reads of [Client.ReadState], by package
	// importer's engine for the actions. It may be called from several
	// goroutines at once and should return quickly.
	OnRateLimit func(host string, wait time.Duration)

	mu       sync.Mutex
	accounts map[string]string   // lower-case acct -> id
	statuses map[string]string   // uri -> id
	listMu   sync.Mutex          // serialises list creation and deletion
	lists    map[string]string   // title -> id of the first list with it
	listIDs  map[string][]string // title -> ids of every list with it; under listMu
	listsOK  bool
	domain   string
	// guarded is guardedFrom with connections held to loopback, for
	// plain http:// (plainhttp.go); under mu.
	guarded, guardedFrom *http.Transport
}

// The Client implements every destination interface of package importer.
var (
	_ importer.FullDestination = (*Client)(nil)
	_ importer.StateReader     = (*Client)(nil)
)

// Destination returns c as the destination of every kind of change
// package importer's [importer.Engine.Apply] makes.
func (c *Client) Destination() importer.Destination { return importer.DestinationOf(c) }

// do sends one request and decodes a 2xx JSON answer into out (if not
// nil). target is a path below BaseURL, or an absolute URL on the same
// server (from a Link header). body, if not nil, is sent as JSON.
func (c *Client) do(ctx context.Context, method, target string, query url.Values, body, out any) (http.Header, error) {
	base, err := url.Parse(strings.TrimSuffix(c.BaseURL, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("mastodonapi: invalid BaseURL %q", c.BaseURL)
	}
	var u *url.URL
	if strings.HasPrefix(target, "/") {
		// A path, ours or a relative Link's, which may have a query.
		p, q, _ := strings.Cut(target, "?")
		u = &url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path + p, RawQuery: q}
	} else {
		u, err = url.Parse(target)
		if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
			// Never send the token to another server.
			return nil, fmt.Errorf("%w: %s %s: link to another server", ErrUnexpected, method, target)
		}
	}
	if query != nil {
		u.RawQuery = query.Encode()
	}
	path := u.Path
	var rd io.Reader
	raw, _ := body.(*rawBody) // a body that is not JSON, or carries headers (statuses.go)
	if raw != nil {
		rd = raw.r
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("mastodonapi: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("mastodonapi: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if raw != nil {
		raw.setHeaders(req.Header)
	}
	hc := c.httpClient(base)
	if hc.Transport, err = c.plainHTTP(base, hc.Transport); err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrPlainHTTP) {
			return nil, fmt.Errorf("%s %s: %w", method, path, plainHTTPError(base.Host))
		}
		if errors.Is(err, errRedirect) {
			return nil, fmt.Errorf("%w: %s %s: %w", ErrUnexpected, method, path, err)
		}
		return nil, &Error{Method: method, Path: path, Err: err}
	}
	defer resp.Body.Close()
	return c.response(ctx, resp, method, path, base.Host, out)
}

// response reads resp, the answer to method path on host: a 2xx body
// (bounded by MaxBytes) decoded into out, if not nil, or an [*Error].
func (c *Client) response(ctx context.Context, resp *http.Response, method, path, host string, out any) (http.Header, error) {
	limit := c.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	failed := resp.StatusCode < 200 || resp.StatusCode > 299
	if failed {
		// An error is classified by its status (a huge 502 page is still
		// a temporary failure); only a prefix of the body is read, for the
		// message.
		limit = min(limit, maxErrorBody)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil && !failed {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Method: method, Path: path, Err: err}
	}
	if !failed && int64(len(data)) > limit {
		return nil, &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Err: ErrTooLarge,
			Message: fmt.Sprintf("body over %d bytes", limit)}
	}
	if failed {
		return nil, c.failure(resp, data, method, path, host)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Err: ErrUnexpected,
				Message: "decoding response: " + err.Error()}
		}
	}
	return resp.Header, nil
}

// failure is the [*Error] of a response that is not 2xx, whose body
// starts with data: the server's message, and for a 429 the wait it asks.
func (c *Client) failure(resp *http.Response, data []byte, method, path, host string) *Error {
	e := &Error{Method: method, Path: path, StatusCode: resp.StatusCode, Err: sentinel(resp.StatusCode)}
	var msg struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(data, &msg) == nil {
		// GoToSocial starts its messages with the status text,
		// which Error already says.
		e.Message = strings.TrimPrefix(msg.Error, http.StatusText(resp.StatusCode)+": ")
		if e.Message == http.StatusText(resp.StatusCode) {
			e.Message = ""
		}
		if len(e.Message) > maxErrorMessage {
			// Cut at a character: JSON decoding left the message
			// valid UTF-8, only the cut can split a character.
			e.Message = strings.ToValidUTF8(e.Message[:maxErrorMessage], "")
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = rateLimitWait(resp.Header, time.Now())
		if c.OnRateLimit != nil {
			c.OnRateLimit(host, e.RetryAfter)
		}
	}
	return e
}

// errRedirect is the error of a redirect to another server.
var errRedirect = errors.New("redirect to another server refused")

// httpClient returns a copy of the HTTP client that refuses redirects
// away from base's scheme and host. [http.Client] drops the token on a
// redirect to another host name, but keeps it for the same name on
// another port, for a subdomain, and from https to http.
func (c *Client) httpClient(base *url.URL) *http.Client {
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	cp := *hc
	check := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != base.Scheme || req.URL.Host != base.Host {
			return fmt.Errorf("%w (to %s://%s)", errRedirect, req.URL.Scheme, req.URL.Host)
		}
		if check != nil {
			return check(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cp
}

// account is the part of Mastodon's Account entity the client uses.
type account struct {
	ID             string `json:"id"`
	Acct           string `json:"acct"`
	FollowersCount int    `json:"followers_count"`
}

// status is the part of Mastodon's Status entity the client uses.
type status struct {
	ID  string `json:"id"`
	URI string `json:"uri"`
	URL string `json:"url"`
}

func normAcct(acct string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(acct), "@"))
}

func (c *Client) cached(m *map[string]string, k string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := (*m)[k]
	return id, ok
}

func (c *Client) cache(m *map[string]string, k, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = id
}

// AccountID resolves an address (user@domain, or a local name) to the
// server's account id: a lookup among accounts the server knows, then a
// search that asks the account's server (WebFinger). An address neither
// finds is a [*NotFoundError].
func (c *Client) AccountID(ctx context.Context, acct string) (string, error) {
	key := normAcct(acct)
	if id, ok := c.cached(&c.accounts, key); ok {
		return id, nil
	}
	var a account
	_, err := c.do(ctx, http.MethodGet, "/api/v1/accounts/lookup", url.Values{"acct": {key}}, nil, &a)
	switch {
	case err == nil && a.ID != "":
		c.cache(&c.accounts, key, a.ID)
		return a.ID, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return "", err
	}
	var res struct {
		Accounts []account `json:"accounts"`
	}
	q := url.Values{"q": {key}, "resolve": {"true"}, "type": {"accounts"}, "limit": {"5"}}
	if _, err := c.do(ctx, http.MethodGet, "/api/v2/search", q, nil, &res); err != nil {
		return "", err
	}
	// Compare as package importer does: Mastodon answers IDN domains in
	// Unicode where the file may have punycode, or the other way round,
	// and a local account's acct has no domain.
	local := c.knownDomain()
	want := importer.AccountKey(key, local)
	user, _, _ := strings.Cut(want, "@")
	for _, a := range res.Accounts {
		got := importer.AccountKey(a.Acct, local)
		if a.ID != "" && (got == want || (!strings.Contains(got, "@") && got == user && c.isLocal(key))) {
			c.cache(&c.accounts, key, a.ID)
			return a.ID, nil
		}
	}
	return "", &NotFoundError{What: "account", Name: acct}
}

// knownDomain returns the server's domain if the client knows it
// without asking, else "".
func (c *Client) knownDomain() string {
	if c.LocalDomain != "" {
		return c.LocalDomain
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.domain
}

// isLocal reports whether key (lower-case user@domain) is on the
// server, as far as the client knows without asking.
func (c *Client) isLocal(key string) bool {
	_, domain, ok := strings.Cut(key, "@")
	if !ok {
		return true
	}
	d := strings.ToLower(c.knownDomain())
	return d != "" && domain == d
}

// accountCall resolves acct and POSTs to /api/v1/accounts/:id/verb.
func (c *Client) accountCall(ctx context.Context, acct, verb string, body any) error {
	id, err := c.AccountID(ctx, acct)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, "/api/v1/accounts/"+url.PathEscape(id)+"/"+verb, nil, body, nil)
	return err
}

// undo is accountCall for removals: an account the server cannot find
// is not followed, blocked or muted, so there is nothing to undo.
func (c *Client) undo(ctx context.Context, acct, verb string) error {
	err := c.accountCall(ctx, acct, verb, nil)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	return err
}

// Follow follows acct with the given settings (POST
// /api/v1/accounts/:id/follow with reblogs, notify, languages); for an
// account already followed it updates the settings given. A follow the
// server took as a request not accepted yet (a locked account, or a
// remote account whose server has not answered) returns an error
// wrapping [importer.ErrRequested], which the engine counts as done and
// reports as requested.
func (c *Client) Follow(ctx context.Context, acct string, opts importer.FollowOptions) error {
	body := map[string]any{}
	if opts.ShowBoosts != nil {
		body["reblogs"] = *opts.ShowBoosts
	}
	if opts.Notify != nil {
		body["notify"] = *opts.Notify
	}
	if opts.Languages != nil {
		body["languages"] = opts.Languages
	}
	id, err := c.AccountID(ctx, acct)
	if err != nil {
		return err
	}
	var rel struct {
		Following bool `json:"following"`
		Requested bool `json:"requested"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/accounts/"+url.PathEscape(id)+"/follow", nil, body, &rel); err != nil {
		return err
	}
	if rel.Requested && !rel.Following {
		// A locked account, or a remote one whose server has not
		// accepted yet.
		return fmt.Errorf("%w: %s", importer.ErrRequested, acct)
	}
	return nil
}

// Unfollow unfollows acct; an account the server does not know is not
// followed, and is not an error.
func (c *Client) Unfollow(ctx context.Context, acct string) error {
	return c.undo(ctx, acct, "unfollow")
}

// Block blocks acct.
func (c *Client) Block(ctx context.Context, acct string) error {
	return c.accountCall(ctx, acct, "block", nil)
}

// Unblock unblocks acct; an unknown account is not an error.
func (c *Client) Unblock(ctx context.Context, acct string) error {
	return c.undo(ctx, acct, "unblock")
}

// Mute mutes acct, and its notifications if hideNotifications.
func (c *Client) Mute(ctx context.Context, acct string, hideNotifications bool) error {
	return c.accountCall(ctx, acct, "mute", map[string]any{"notifications": hideNotifications})
}

// Unmute unmutes acct; an unknown account is not an error.
func (c *Client) Unmute(ctx context.Context, acct string) error {
	return c.undo(ctx, acct, "unmute")
}

// BlockDomain blocks a domain (POST /api/v1/domain_blocks).
func (c *Client) BlockDomain(ctx context.Context, domain string) error {
	_, err := c.do(ctx, http.MethodPost, "/api/v1/domain_blocks", nil, map[string]any{"domain": domain}, nil)
	return err
}

// UnblockDomain unblocks a domain (DELETE /api/v1/domain_blocks).
func (c *Client) UnblockDomain(ctx context.Context, domain string) error {
	_, err := c.do(ctx, http.MethodDelete, "/api/v1/domain_blocks", nil, map[string]any{"domain": domain}, nil)
	return err
}

// StatusID resolves a status URI to the server's status id with a
// resolving search; a status it cannot find is a [*NotFoundError].
func (c *Client) StatusID(ctx context.Context, uri string) (string, error) {
	if id, ok := c.cached(&c.statuses, uri); ok {
		return id, nil
	}
	var res struct {
		Statuses []status `json:"statuses"`
	}
	q := url.Values{"q": {uri}, "resolve": {"true"}, "type": {"statuses"}, "limit": {"5"}}
	if _, err := c.do(ctx, http.MethodGet, "/api/v2/search", q, nil, &res); err != nil {
		return "", err
	}
	for _, s := range res.Statuses {
		if s.ID != "" && (s.URI == uri || s.URL == uri) {
			c.cache(&c.statuses, uri, s.ID)
			return s.ID, nil
		}
	}
	return "", &NotFoundError{What: "status", Name: uri}
}

// Bookmark bookmarks the status with this URI.
func (c *Client) Bookmark(ctx context.Context, uri string) error {
	id, err := c.StatusID(ctx, uri)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, "/api/v1/statuses/"+url.PathEscape(id)+"/bookmark", nil, nil, nil)
	return err
}

// Unbookmark removes the bookmark of the status with this URI; a status
// the server cannot find is not bookmarked, and is not an error.
func (c *Client) Unbookmark(ctx context.Context, uri string) error {
	id, err := c.StatusID(ctx, uri)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, "/api/v1/statuses/"+url.PathEscape(id)+"/unbookmark", nil, nil, nil)
	return err
}

type listEntity struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// loadLists fills the title -> id cache once. Called with listMu held.
func (c *Client) loadLists(ctx context.Context) error {
	if c.listsOK {
		return nil
	}
	var ls []listEntity
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/lists", nil, nil, &ls); err != nil {
		return err
	}
	c.mu.Lock()
	c.lists = map[string]string{}
	c.listIDs = map[string][]string{}
	for _, l := range ls {
		if _, dup := c.lists[l.Title]; !dup { // the first of equal titles
			c.lists[l.Title] = l.ID
		}
		c.listIDs[l.Title] = append(c.listIDs[l.Title], l.ID)
	}
	c.mu.Unlock()
	c.listsOK = true
	return nil
}

// ListID returns the id of the account's list with this title; a missing
// list is a [*NotFoundError].
func (c *Client) ListID(ctx context.Context, title string) (string, error) {
	c.listMu.Lock()
	defer c.listMu.Unlock()
	if err := c.loadLists(ctx); err != nil {
		return "", err
	}
	if id, ok := c.cached(&c.lists, title); ok {
		return id, nil
	}
	return "", &NotFoundError{What: "list", Name: title}
}

// CreateList creates a list with this title, unless the account has one.
func (c *Client) CreateList(ctx context.Context, title string) error {
	c.listMu.Lock()
	defer c.listMu.Unlock()
	if err := c.loadLists(ctx); err != nil {
		return err
	}
	if _, ok := c.cached(&c.lists, title); ok {
		return nil
	}
	var l listEntity
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/lists", nil, map[string]any{"title": title}, &l); err != nil {
		return err
	}
	if l.ID == "" {
		return &Error{Method: http.MethodPost, Path: "/api/v1/lists", StatusCode: 200, Err: ErrUnexpected, Message: "no list id"}
	}
	c.cache(&c.lists, title, l.ID)
	c.listIDs[title] = append(c.listIDs[title], l.ID)
	return nil
}

// listsTitled returns the ids of every list of the account with this
// title, the first (the one [Client.ListID] returns) first.
func (c *Client) listsTitled(ctx context.Context, title string) ([]string, error) {
	c.listMu.Lock()
	defer c.listMu.Unlock()
	if err := c.loadLists(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(c.listIDs[title]), nil
}

// DeleteList deletes every list with this title (Mastodon lets an
// account have several); a missing list is not an error.
func (c *Client) DeleteList(ctx context.Context, title string) error {
	c.listMu.Lock()
	defer c.listMu.Unlock()
	if err := c.loadLists(ctx); err != nil {
		return err
	}
	for len(c.listIDs[title]) > 0 {
		id := c.listIDs[title][0]
		_, err := c.do(ctx, http.MethodDelete, "/api/v1/lists/"+url.PathEscape(id), nil, nil, nil)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		c.listIDs[title] = c.listIDs[title][1:]
	}
	delete(c.listIDs, title)
	c.mu.Lock()
	delete(c.lists, title)
	c.mu.Unlock()
	return nil
}

// AddToList adds acct, which the account must follow, to the list with
// this title (the first, when several have it, as Mastodon's import
// does). A member already in the list is not an error: when the server
// refuses the addition (422), the list is read, and an account it holds
// counts as added. A refusal (422 or 404) while the follow of acct is
// still a request (GoToSocial lists only accepted follows) is an
// [*importer.TemporaryError], which the engine tries again.
func (c *Client) AddToList(ctx context.Context, title, acct string) error {
	lid, err := c.ListID(ctx, title)
	if err != nil {
		return err
	}
	aid, err := c.AccountID(ctx, acct)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, "/api/v1/lists/"+url.PathEscape(lid)+"/accounts", nil,
		map[string]any{"account_ids": []string{aid}}, nil)
	var e *Error
	if errors.As(err, &e) && e.StatusCode == http.StatusUnprocessableEntity {
		// Mastodon says "Account has already been taken", GoToSocial
		// "account ... is already in list ...": whatever the wording, a
		// member the list already holds is done.
		if in, lerr := c.inList(ctx, lid, aid); lerr == nil && in {
			return nil
		}
	}
	if e != nil && (e.StatusCode == http.StatusUnprocessableEntity || e.StatusCode == http.StatusNotFound) {
		// GoToSocial lists only followed accounts ("not currently
		// followed", 404), and a follow of a remote account stays
		// requested until its server accepts it: worth trying again
		// shortly.
		if c.followRequested(ctx, aid) {
			return &importer.TemporaryError{Err: err}
		}
	}
	return err
}

// followRequested reports whether the account follows aid only as a
// request not yet accepted.
func (c *Client) followRequested(ctx context.Context, aid string) bool {
	var rels []struct {
		Following bool `json:"following"`
		Requested bool `json:"requested"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/accounts/relationships", url.Values{"id[]": {aid}}, nil, &rels); err != nil {
		return false
	}
	return len(rels) == 1 && rels[0].Requested && !rels[0].Following
}

// inList reports whether the list lid holds the account aid.
func (c *Client) inList(ctx context.Context, lid, aid string) (bool, error) {
	members, err := c.accountPages(ctx, "/api/v1/lists/"+url.PathEscape(lid)+"/accounts")
	if err != nil {
		return false, err
	}
	for _, m := range members {
		if m.ID == aid {
			return true, nil
		}
	}
	return false, nil
}

// RemoveFromList removes acct from every list with this title (Mastodon
// lets an account have several, and package importer's plan treats them
// as one list); a missing list or account is not an error.
func (c *Client) RemoveFromList(ctx context.Context, title, acct string) error {
	lids, err := c.listsTitled(ctx, title)
	if err != nil || len(lids) == 0 {
		return err
	}
	aid, err := c.AccountID(ctx, acct)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, lid := range lids {
		_, err = c.do(ctx, http.MethodDelete, "/api/v1/lists/"+url.PathEscape(lid)+"/accounts", nil,
			map[string]any{"account_ids": []string{aid}}, nil)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
