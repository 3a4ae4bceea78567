package posts

import (
	"context"
	"errors"
	"io"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/fediport/fediport/importer/mastodonapi"
)

// Destination is the account posts are imported into. [GoToSocial] and
// [Mastodon] implement it over the Mastodon client API; a host may write
// its own.
type Destination interface {
	// Capabilities says what the destination can carry, once, before
	// the first post; an error (a refused token) stops the import before
	// anything is posted.
	Capabilities(ctx context.Context) (Capabilities, error)
	// Upload uploads one attachment of a post, read from file, and
	// returns its id.
	Upload(ctx context.Context, m *Media, file io.Reader) (string, error)
	// Create makes the post, with the uploaded media and the reply
	// target, and returns its id. The request's IdempotencyKey is the
	// same each time the same post is tried.
	Create(ctx context.Context, p *Post, req Request) (string, error)
	// Find looks for a status an earlier attempt made from p (when a
	// crash or a lost answer left it unknown whether the server created
	// it) and returns its id, or "" when there is none.
	Find(ctx context.Context, p *Post) (string, error)
}

// Booster is a [Destination] that can boost a status again
// ([Importer.Boosts]). Its Find finds a boost too: a post whose Boost is
// set was made if the account has boosted that status.
type Booster interface {
	// Boost boosts the status with this URI, or, when id is not empty,
	// the status of the import with that id, and returns the boost's id.
	Boost(ctx context.Context, uri, id string) (string, error)
}

// Request is what [Destination.Create] needs beyond the post: the ids
// the destination gave to what was made before it.
type Request struct {
	// MediaIDs are the uploaded attachments, in order.
	MediaIDs []string
	// InReplyToID is the new id of the post this one replies to, or "".
	InReplyToID string
	// IdempotencyKey is derived from the original status and the
	// destination account: the same for every attempt at one post.
	IdempotencyKey string
}

// Capabilities is what a destination can carry. What it cannot is
// changed in the post, visibly, and reported ([ChangeKind]).
type Capabilities struct {
	// Account names the destination account ("alice@new.example"); a
	// journal is bound to it.
	Account string
	// Self is the ActivityPub id of the destination account: mentions of
	// it are kept, every other mention is defused.
	Self string
	// Backdate says that posts keep their original date. Without it,
	// the date is stated in the post ([DateInText]).
	Backdate bool
	// Polls says that polls can be posted as polls; without it they
	// become text ([PollAsText]). Neither destination here does: a
	// backdated GoToSocial post cannot carry one, and a new poll on
	// Mastodon would lose the original's results.
	Polls bool
	// Visibility is the most visible a post may be when the
	// [Importer] leaves it to the destination ([DefaultVisibility]).
	Visibility Visibility
	// MaxCharacters bounds a post's text and content warning together;
	// MaxMedia the attachments of a post; MaxDescription an alt text;
	// MaxMediaBytes one file. Zero means no limit.
	MaxCharacters, MaxMedia, MaxDescription int
	MaxMediaBytes                           int64
	// PostRate and MediaRate are the destination's rate limits on posts
	// and uploads, which an import keeps to (zero: none).
	PostRate, MediaRate Rate
}

// Rate is a rate limit: at most N in any window of Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Mastodon's limits on posting (app/lib/rate_limiter.rb): 300 statuses
// in 3 hours, 30 uploads in 30 minutes.
var (
	mastodonPostRate  = Rate{N: 300, Per: 3 * time.Hour}
	mastodonMediaRate = Rate{N: 30, Per: 30 * time.Minute}
)

// Estimate returns the least time the destination's rate limits make
// an import of posts posts and media files take.
func (c Capabilities) Estimate(posts, media int) time.Duration {
	return max(c.PostRate.least(posts), c.MediaRate.least(media))
}

// least is the least time n events take under r, starting afresh.
func (r Rate) least(n int) time.Duration {
	if r.N <= 0 || r.Per <= 0 || n <= r.N {
		return 0
	}
	return time.Duration((n-1)/r.N) * r.Per
}

// GoToSocial is a GoToSocial account as a [Destination]: posts are
// backdated (POST /api/v1/statuses with scheduled_at in the past), so
// they keep their date, are not federated, go in no timeline and notify
// nobody; such a post may mention and reply only to the account itself
// and carry no poll. Visibility is kept by default.
type GoToSocial struct {
	// Client acts as the account; set BaseURL and Token.
	Client *mastodonapi.Client
	api
}

// Mastodon is an account on a server with the Mastodon client API that
// cannot backdate, Mastodon itself among them, as a [Destination]: the
// original date is stated in each post, visibility is lowered to
// unlisted by default (so that the public timelines are not flooded
// with old posts), polls become text, and Mastodon's limits of
// 300 posts per 3 hours and 30 uploads per 30 minutes are kept to.
type Mastodon struct {
	// Client acts as the account; set BaseURL and Token.
	Client *mastodonapi.Client
	// PostRate and MediaRate are the server's limits (default
	// Mastodon's: 300 posts in 3 hours, 30 uploads in 30 minutes); a
	// negative N means none.
	PostRate, MediaRate Rate
	api
}

// Capabilities checks the token and reads the server's limits; a Client
// without a Token reads the limits alone, for a dry run.
func (g *GoToSocial) Capabilities(ctx context.Context) (Capabilities, error) {
	c, err := g.api.capabilities(ctx, g.Client)
	if err != nil {
		return c, err
	}
	c.Backdate = true
	c.Visibility = Keep
	return c, nil
}

// Upload uploads an attachment with its alt text and focal point.
func (g *GoToSocial) Upload(ctx context.Context, m *Media, file io.Reader) (string, error) {
	return upload(ctx, g.Client, m, file)
}

// Create posts p backdated to its original date.
func (g *GoToSocial) Create(ctx context.Context, p *Post, req Request) (string, error) {
	return create(ctx, g.Client, p, req, p.Published)
}

// Boost boosts a status again, now.
func (g *GoToSocial) Boost(ctx context.Context, uri, id string) (string, error) {
	return boost(ctx, g.Client, uri, id)
}

// Boost boosts a status again, now.
func (m *Mastodon) Boost(ctx context.Context, uri, id string) (string, error) {
	return boost(ctx, m.Client, uri, id)
}

// Find looks for a status with p's date, content warning and text among
// the account's statuses of that time; for a boost, whether the account
// boosted the status.
func (g *GoToSocial) Find(ctx context.Context, p *Post) (string, error) {
	if p.Boost != "" {
		return findBoost(ctx, g.Client, p.Boost)
	}
	id, err := g.api.accountID(ctx, g.Client)
	if err != nil {
		return "", err
	}
	// Backdated statuses have ids of their time (ULIDs): the page just
	// below the id of the second after p's date holds them. The newest
	// page is read too, should a server give new ids.
	for _, maxID := range []string{ulidAt(p.Published.Add(time.Second)), ""} {
		ss, err := g.Client.AccountStatuses(ctx, id, mastodonapi.StatusQuery{MaxID: maxID, Limit: 40})
		if err != nil {
			return "", err
		}
		for _, s := range ss {
			if s.CreatedAt.Sub(p.Published).Abs() < 2*time.Second && matches(&s, p) {
				return s.ID, nil
			}
		}
	}
	return "", nil
}

// Capabilities checks the token and reads the server's limits; a Client
// without a Token reads the limits alone, for a dry run.
func (m *Mastodon) Capabilities(ctx context.Context) (Capabilities, error) {
	c, err := m.api.capabilities(ctx, m.Client)
	if err != nil {
		return c, err
	}
	c.Visibility = Unlisted
	if c.MaxCharacters == 0 {
		c.MaxCharacters = 500
	}
	if c.MaxMedia == 0 {
		c.MaxMedia = 4
	}
	if c.MaxDescription == 0 {
		c.MaxDescription = 1500
	}
	c.PostRate = orRate(m.PostRate, mastodonPostRate)
	c.MediaRate = orRate(m.MediaRate, mastodonMediaRate)
	return c, nil
}

func orRate(r, def Rate) Rate {
	switch {
	case r.N < 0:
		return Rate{}
	case r.N == 0:
		return def
	}
	return r
}

// Upload uploads an attachment with its alt text and focal point.
func (m *Mastodon) Upload(ctx context.Context, med *Media, file io.Reader) (string, error) {
	return upload(ctx, m.Client, med, file)
}

// Create posts p now; its text states the original date.
func (m *Mastodon) Create(ctx context.Context, p *Post, req Request) (string, error) {
	return create(ctx, m.Client, p, req, time.Time{})
}

// Find looks for a status with p's content warning and text among the
// account's newest: posts are made one at a time, so one whose answer
// was lost is among the last.
func (m *Mastodon) Find(ctx context.Context, p *Post) (string, error) {
	if p.Boost != "" {
		return findBoost(ctx, m.Client, p.Boost)
	}
	id, err := m.api.accountID(ctx, m.Client)
	if err != nil {
		return "", err
	}
	ss, err := m.Client.AccountStatuses(ctx, id, mastodonapi.StatusQuery{Limit: 40})
	if err != nil {
		return "", err
	}
	for _, s := range ss {
		if matches(&s, p) {
			return s.ID, nil
		}
	}
	return "", nil
}

// api is what both destinations share: the account, read once.
type api struct {
	mu   sync.Mutex
	acct *mastodonapi.Account
}

var errNoClient = errors.New("posts: destination has no Client")

func (a *api) account(ctx context.Context, c *mastodonapi.Client) (*mastodonapi.Account, error) {
	if c == nil {
		return nil, errNoClient
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.acct != nil {
		return a.acct, nil
	}
	acct, err := c.VerifyCredentials(ctx)
	if err != nil {
		return nil, err
	}
	a.acct = acct
	return acct, nil
}

func (a *api) accountID(ctx context.Context, c *mastodonapi.Client) (string, error) {
	acct, err := a.account(ctx, c)
	if err != nil {
		return "", err
	}
	return acct.ID, nil
}

// capabilities checks the token and reads the server's limits; with no
// token (for a dry run), it reads the limits alone and Account is "".
func (a *api) capabilities(ctx context.Context, c *mastodonapi.Client) (Capabilities, error) {
	if c == nil {
		return Capabilities{}, errNoClient
	}
	var caps Capabilities
	if c.Token != "" {
		acct, err := a.account(ctx, c)
		if err != nil {
			return Capabilities{}, err
		}
		caps.Account = acct.Acct
		if host := hrefHost(acct.URL); host != "" && !strings.Contains(acct.Acct, "@") {
			caps.Account = acct.Acct + "@" + host
		}
	}
	lim, err := c.ReadInstanceLimits(ctx)
	if err != nil {
		return caps, err
	}
	caps.MaxCharacters = lim.MaxCharacters
	caps.MaxMedia = lim.MaxMediaAttachments
	caps.MaxDescription = lim.MaxDescriptionCharacters
	caps.MaxMediaBytes = max(lim.ImageSizeLimit, lim.VideoSizeLimit)
	return caps, nil
}

func upload(ctx context.Context, c *mastodonapi.Client, m *Media, file io.Reader) (string, error) {
	a, err := c.UploadMedia(ctx, &mastodonapi.NewMedia{File: file, Name: path.Base(m.Path),
		ContentType: m.MediaType, Description: m.Description, Focus: m.Focus})
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

func create(ctx context.Context, c *mastodonapi.Client, p *Post, req Request, at time.Time) (string, error) {
	st, err := c.PostStatus(ctx, &mastodonapi.NewStatus{
		Status: p.Text, SpoilerText: p.Spoiler, Sensitive: p.Sensitive, Language: p.Language,
		Visibility: string(p.Visibility), InReplyToID: req.InReplyToID, MediaIDs: req.MediaIDs,
		ScheduledAt: at, IdempotencyKey: req.IdempotencyKey,
		// The text is plain, whatever the account's default (GoToSocial
		// accounts may default to Markdown, which would read "- tea" as
		// a list and "*word*" as emphasis).
		ContentType: "text/plain",
	})
	if err != nil {
		return "", err
	}
	return st.ID, nil
}

func boost(ctx context.Context, c *mastodonapi.Client, uri, id string) (string, error) {
	if id == "" {
		var err error
		if id, err = c.StatusID(ctx, uri); err != nil {
			return "", err
		}
	}
	st, err := c.Reblog(ctx, id)
	if err != nil {
		return "", err
	}
	return st.ID, nil
}

// findBoost returns the id of the boosted status if the account boosted
// it, else "". A status the server cannot find was not boosted.
func findBoost(ctx context.Context, c *mastodonapi.Client, uri string) (string, error) {
	id, err := c.StatusID(ctx, uri)
	if errors.Is(err, mastodonapi.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	st, err := c.GetStatus(ctx, id)
	if err != nil || !st.Reblogged {
		return "", err
	}
	return st.ID, nil
}

// matches reports whether s, a status of the account, was made from p:
// the same content warning and the same text, compared by their letters
// and digits (the server turns the text into HTML with links).
func matches(s *mastodonapi.Status, p *Post) bool {
	if squeeze(s.SpoilerText) != squeeze(p.Spoiler) {
		return false
	}
	got := htmlToText(s.Content, textOptions{}).text
	return squeeze(got) == squeeze(p.Text)
}

// squeeze keeps the letters and digits of s.
func squeeze(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ulidAt returns the smallest ULID of the millisecond t (a 48-bit time
// and 80 zero bits, in Crockford's base 32), which sorts after every id
// made before t.
func ulidAt(t time.Time) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	ms := uint64(max(t.UnixMilli(), 0)) & (1<<48 - 1)
	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[ms&31]
		ms >>= 5
	}
	for i := 10; i < 26; i++ {
		b[i] = '0'
	}
	return string(b[:])
}

var (
	_ Booster = (*GoToSocial)(nil)
	_ Booster = (*Mastodon)(nil)
)
