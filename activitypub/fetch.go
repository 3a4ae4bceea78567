package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of [Client].
const (
	// DefaultMaxBytes is the largest response body a Client reads, and
	// the largest request body a [Verifier] reads: 1 MiB, as Mastodon.
	DefaultMaxBytes = 1 << 20
	// DefaultFetchTimeout bounds one fetch, redirects included.
	DefaultFetchTimeout = 10 * time.Second
	// DefaultMaxRedirects is how many redirects a fetch follows.
	DefaultMaxRedirects = 3
	// DefaultMaxPages is how many pages [Client.FetchCollection] reads.
	DefaultMaxPages = 100
	// DefaultUserAgent is the User-Agent a Client sends.
	DefaultUserAgent = "fediport (+https://github.com/fediport/fediport)"
)

// Client fetches ActivityPub documents and WebFinger records over HTTPS,
// treating every server as hostile: it caps response sizes, bounds time
// and redirects, and refuses to connect to non-public addresses. The zero
// value is ready to use. A Client is safe for concurrent use; do not copy
// or change it after first use.
type Client struct {
	// HTTPClient sends the requests. nil means a client over
	// [NewTransport](AllowPrivate), which checks every address dialled.
	// When set, its Transport is used as is: the address checks are then
	// its job (build it on NewTransport to keep them). Its CheckRedirect
	// is not used: the Client follows redirects itself, re-signing each.
	HTTPClient *http.Client
	// Signer, when set, signs every ActivityPub GET (authorized fetch,
	// which servers in secure mode require). WebFinger queries are not
	// signed.
	Signer *Signer
	// UserAgent is sent with every request; "" means [DefaultUserAgent].
	UserAgent string
	// MaxBytes is the largest response body read, in bytes; 0 means
	// [DefaultMaxBytes].
	MaxBytes int64
	// Timeout bounds each fetch, redirects included; 0 means
	// [DefaultFetchTimeout]. [Client.FetchCollection] applies it per page.
	Timeout time.Duration
	// MaxRedirects is how many redirects a fetch follows; 0 means
	// [DefaultMaxRedirects], a negative value none.
	MaxRedirects int
	// MaxPages is how many collection pages [Client.FetchCollection]
	// fetches; 0 means [DefaultMaxPages].
	MaxPages int
	// AllowPrivate lets the Client connect to loopback, private and other
	// non-public addresses: for tests and local development only.
	AllowPrivate bool
	// AllowHTTP lets the Client fetch plain http URLs, and makes WebFinger
	// queries use http: for tests and local development only.
	AllowHTTP bool

	once sync.Once
	hc   *http.Client
}

func (c *Client) httpClient() *http.Client {
	c.once.Do(func() {
		var hc http.Client
		if c.HTTPClient != nil {
			hc = *c.HTTPClient
		} else {
			hc.Transport = NewTransport(c.AllowPrivate)
		}
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.hc = &hc
	})
	return c.hc
}

func (c *Client) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

// Media types a fetch accepts.
var (
	activityMediaTypes  = []string{"application/activity+json", "application/ld+json", "application/json"}
	webfingerMediaTypes = []string{"application/jrd+json", "application/json"}
)

// response is a fetched document.
type response struct {
	body []byte
	url  *url.URL // after redirects
}

// Fetch fetches the ActivityPub document at rawURL and returns its body:
// a GET with Accept [AcceptActivityJSON], signed when c.Signer is set.
// It fails with a *[FetchError] (an invalid URL, [ErrInvalidAddress]; a
// plain http URL, a non-public address, too many redirects or a response
// that is not activity+json, ld+json or json, [ErrRefused]; a body over
// c.MaxBytes, [ErrTooLarge]; [context.DeadlineExceeded] after c.Timeout),
// or a *[StatusError] ([ErrNotFound], [ErrGone]).
func (c *Client) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	resp, err := c.get(ctx, rawURL, AcceptActivityJSON, activityMediaTypes, true)
	if err != nil {
		return nil, err
	}
	return resp.body, nil
}

// FetchActor fetches and decodes the actor document at rawURL (see
// [Client.Fetch]) and checks it with [Actor.Check].
//
// As Mastodon's fetch_resource does, the document's id decides: when it is
// rawURL (fragment removed), the actor is returned. When it differs (a
// profile URL such as GoToSocial's /@name, or Mastodon's /users/name
// answering for /ap/users/<id>), the id must be an http(s) URL on
// rawURL's host, and is fetched in turn once: the document there must
// have exactly that id, and is the one returned. Anything else (an id on
// another host, an id whose own document names yet another id or is
// missing) fails with a *[FetchError] wrapping [ErrIDMismatch], or the error of
// the second fetch. A server can thus only speak for its own actors, and
// a URL on it only for the actor that URL itself serves.
func (c *Client) FetchActor(ctx context.Context, rawURL string) (*Actor, error) {
	actor, err := c.fetchActorDoc(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	want, _, _ := strings.Cut(rawURL, "#")
	if actor.ID == want {
		return actor, nil
	}
	if !sameHostURL(actor.ID, want) {
		return nil, fetchErr(rawURL, FetchIDMismatch, "got id %q, on another host", actor.ID)
	}
	// The id is authoritative only when its own document says so.
	again, err := c.fetchActorDoc(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	if again.ID != actor.ID {
		return nil, fetchErr(rawURL, FetchIDMismatch, "got id %q, whose document has id %q", actor.ID, again.ID)
	}
	return again, nil
}

// fetchActorDoc fetches, decodes and checks one actor document.
func (c *Client) fetchActorDoc(ctx context.Context, rawURL string) (*Actor, error) {
	resp, err := c.get(ctx, rawURL, AcceptActivityJSON, activityMediaTypes, true)
	if err != nil {
		return nil, err
	}
	actor, err := ParseActor(resp.body)
	if err != nil {
		return nil, &FetchError{URL: rawURL, Err: err}
	}
	if err := actor.Check(); err != nil {
		return nil, &FetchError{URL: rawURL, Err: err}
	}
	return actor, nil
}

// sameHostURL reports whether id is an absolute http(s) URL with the host
// (and port) of ref.
func sameHostURL(id, ref string) bool {
	u, err := url.Parse(id)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	r, err := url.Parse(ref)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// checkID applies [Client.FetchCollection]'s id rule: id is requested
// (fragment removed) or a URL on the host the document was served from.
func checkID(id, requested string, final *url.URL) error {
	want, _, _ := strings.Cut(requested, "#")
	if id == want {
		return nil
	}
	u, err := url.Parse(id)
	if err == nil && u.Host != "" && strings.EqualFold(u.Host, final.Host) && (u.Scheme == "https" || u.Scheme == final.Scheme) {
		return nil
	}
	return fetchErr(requested, FetchIDMismatch, "got id %q from %s", id, final.Redacted())
}

// get performs a GET of rawURL, following redirects.
func (c *Client) get(ctx context.Context, rawURL, accept string, mediaTypes []string, sign bool) (*response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	maxRedirects := c.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	u, err := c.checkURL(rawURL)
	if err != nil {
		err.URL = rawURL
		return nil, err
	}
	for hops := 0; ; hops++ {
		resp, err := c.do(ctx, u, accept, sign)
		if err != nil {
			return nil, networkErr(ctx, rawURL, err)
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			loc := resp.Header.Get("Location")
			drain(resp.Body)
			if hops >= maxRedirects {
				return nil, fetchErr(rawURL, FetchTooManyRedirects, "more than %d", max(maxRedirects, 0))
			}
			next, err := u.Parse(loc)
			if err != nil || loc == "" {
				return nil, fetchErr(rawURL, FetchInvalidURL, "redirect to %q", loc)
			}
			var ferr *FetchError
			if u, ferr = c.checkURL(next.String()); ferr != nil {
				ferr.URL, ferr.Err = rawURL, fmt.Errorf("redirect: %w", ferr.Err)
				return nil, ferr
			}
			continue
		}
		defer resp.Body.Close()
		body, err := c.readBody(ctx, rawURL, u, resp, mediaTypes)
		if err != nil {
			return nil, err
		}
		return &response{body: body, url: u}, nil
	}
}

// readBody checks a final response's status and media type and reads its
// body, at most c.MaxBytes.
func (c *Client) readBody(ctx context.Context, rawURL string, u *url.URL, resp *http.Response, mediaTypes []string) ([]byte, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		drain(resp.Body)
		return nil, &StatusError{URL: u.Redacted(), StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header, time.Now())}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || !slices.Contains(mediaTypes, mt) {
		return nil, fetchErr(rawURL, FetchContentType, "%q", resp.Header.Get("Content-Type"))
	}
	limit := c.maxBytes()
	if resp.ContentLength > limit {
		return nil, fetchErr(rawURL, FetchTooLarge, "Content-Length %d exceeds %d", resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, networkErr(ctx, rawURL, err)
	}
	if int64(len(body)) > limit {
		return nil, fetchErr(rawURL, FetchTooLarge, "more than %d bytes", limit)
	}
	return body, nil
}

// networkErr reports a fetch that failed on the network, or was refused
// by the dialler, saying so when it ran out of time.
func networkErr(ctx context.Context, rawURL string, err error) *FetchError {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	var ae *AddressError
	if errors.As(err, &ae) {
		return &FetchError{URL: rawURL, Reason: FetchPrivateAddress, Err: ae}
	}
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe
	}
	return &FetchError{URL: rawURL, Err: err}
}

// do sends one GET.
func (c *Client) do(ctx context.Context, u *url.URL, accept string, sign bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &FetchError{Reason: FetchInvalidURL, Err: err}
	}
	req.Header.Set("Accept", accept)
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	if sign && c.Signer != nil {
		if err := c.Signer.Sign(req, nil); err != nil {
			return nil, err
		}
	}
	resp, err := c.httpClient().Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		// Its message repeats the URL, which the FetchError names.
		err = ue.Err
	}
	return resp, err
}

// checkURL parses rawURL and checks its scheme and, when the host is an
// IP literal, its address (names are checked when dialled).
// The error's URL is for the caller to set.
func (c *Client) checkURL(rawURL string) (*url.URL, *FetchError) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, &FetchError{Reason: FetchInvalidURL, Err: fmt.Errorf("%q", rawURL)}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !c.AllowHTTP {
			return nil, &FetchError{Reason: FetchInsecureScheme, Err: errors.New(u.Redacted())}
		}
	default:
		return nil, &FetchError{Reason: FetchInvalidURL, Err: fmt.Errorf("%q", rawURL)}
	}
	u.Fragment, u.RawFragment = "", ""
	if !c.AllowPrivate {
		if a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !isPublicAddress(a) {
			return nil, &FetchError{Reason: FetchPrivateAddress, Err: &AddressError{Addr: u.Host}}
		}
		if h := strings.ToLower(u.Hostname()); h == "localhost" || strings.HasSuffix(h, ".localhost") {
			return nil, &FetchError{Reason: FetchPrivateAddress, Err: &AddressError{Addr: u.Host}}
		}
	}
	return u, nil
}

func drain(r io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, r, 4<<10)
	r.Close()
}

// ResolveKey implements [KeyResolver] by fetching keyID, so a Client can
// be a [Verifier]'s Keys. It has no cache, so refresh changes nothing.
//
// The document at keyID (fragment removed) may be the owner's actor
// document, whose publicKey must have id keyID and the actor as owner, or
// a key document (GoToSocial's /main-key, say), whose owner is then
// fetched and must list keyID as its publicKey. An actor document found at
// keyID whose id is not keyID without its fragment is fetched again from
// its id, which must list the key: a document cannot speak for another
// URL, even on its own host. Either way the returned
// key's Owner is an actor that claims the key; when not, the error wraps
// [ErrKeyOwner].
func (c *Client) ResolveKey(ctx context.Context, keyID string, refresh bool) (*PublicKey, error) {
	resp, err := c.get(ctx, keyID, AcceptActivityJSON, activityMediaTypes, true)
	if err != nil {
		return nil, err
	}
	var probe struct {
		PublicKey    json.RawMessage `json:"publicKey"`
		PublicKeyPem string          `json:"publicKeyPem"`
	}
	if err := json.Unmarshal(resp.body, &probe); err != nil {
		return nil, &FetchError{URL: keyID, Reason: FetchMalformed, Err: err}
	}
	if len(probe.PublicKey) > 0 && string(probe.PublicKey) != "null" {
		actor, err := ParseActor(resp.body)
		if err != nil {
			return nil, &FetchError{URL: keyID, Err: err}
		}
		if err := checkID(actor.ID, keyID, resp.url); err != nil {
			return nil, err
		}
		if want, _, _ := strings.Cut(keyID, "#"); actor.ID != want {
			// A document speaks for an actor at another URL (even on
			// the same host: an uploaded file, say) only when that
			// actor's own document confirms the key.
			owner, err := c.FetchActor(ctx, actor.ID)
			if err != nil {
				return nil, err
			}
			if owner.ID != actor.ID {
				return nil, fetchErr(keyID, FetchIDMismatch, "actor %s answered as %s", actor.ID, owner.ID)
			}
			actor = owner
		}
		return actorKey(actor, keyID)
	}
	var key PublicKey
	if err := json.Unmarshal(resp.body, &key); err != nil || key.PublicKeyPem == "" {
		return nil, fetchErr(keyID, FetchMalformed, "neither an actor nor a key")
	}
	if key.ID != keyID {
		return nil, fetchErr(keyID, FetchIDMismatch, "got key id %q", key.ID)
	}
	if key.Owner == "" {
		return nil, &FetchError{URL: keyID, Err: fmt.Errorf("%w: key has no owner", ErrKeyOwner)}
	}
	owner, err := c.FetchActor(ctx, key.Owner)
	if err != nil {
		return nil, err
	}
	return actorKey(owner, keyID)
}

// actorKey returns actor's key if its id is keyID and its owner actor.
func actorKey(actor *Actor, keyID string) (*PublicKey, error) {
	k := actor.PublicKey
	if k == nil || k.ID != keyID {
		return nil, &FetchError{URL: keyID, Err: fmt.Errorf("%w: actor %s does not list key %s", ErrKeyOwner, actor.ID, keyID)}
	}
	if k.Owner != actor.ID {
		return nil, &FetchError{URL: keyID, Err: fmt.Errorf("%w: key owner %q is not actor %s", ErrKeyOwner, k.Owner, actor.ID)}
	}
	return k, nil
}
