package mastodonapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// rawBody is a request body [Client.do] sends as it is, with its
// content type and extra headers, instead of encoding a value as JSON:
// a multipart upload, or JSON sent with an Idempotency-Key.
type rawBody struct {
	r           io.Reader
	contentType string
	header      http.Header
}

func (b *rawBody) setHeaders(h http.Header) {
	if b.contentType != "" {
		h.Set("Content-Type", b.contentType)
	}
	for k, v := range b.header {
		h[k] = v
	}
}

// NewStatus is a status to create with [Client.PostStatus] (the
// parameters of POST /api/v1/statuses).
type NewStatus struct {
	// Status is the text, as plain text: the server finds the links,
	// mentions and hashtags in it.
	Status string
	// SpoilerText is the content warning.
	SpoilerText string
	// Sensitive marks the media as sensitive.
	Sensitive bool
	// Language is an ISO 639 code, or "" for the account's default.
	Language string
	// Visibility is "public", "unlisted", "private" or "direct"; ""
	// means the account's default.
	Visibility string
	// InReplyToID is the id of the status this one replies to.
	InReplyToID string
	// MediaIDs are attachments uploaded before ([Client.UploadMedia]).
	MediaIDs []string
	// ScheduledAt, if not zero, schedules the status. GoToSocial
	// creates a status whose time is in the past at once, backdated to
	// that time, without federating it or notifying anyone; Mastodon
	// refuses a time less than five minutes ahead.
	ScheduledAt time.Time
	// ContentType, if not empty, is how the server reads Status:
	// "text/plain" or "text/markdown" (GoToSocial, Akkoma and Pleroma
	// take it; Mastodon ignores it and reads plain text).
	ContentType string
	// IdempotencyKey, if not empty, is sent as the Idempotency-Key
	// header: Mastodon answers a second request with the same key, for
	// an hour, with the status the first one created.
	IdempotencyKey string
}

// Status is the part of the API's Status entity that [Client.PostStatus]
// and [Client.AccountStatuses] return.
type Status struct {
	ID          string    `json:"id"`
	URI         string    `json:"uri"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
	Content     string    `json:"content"` // HTML
	SpoilerText string    `json:"spoiler_text"`
	Sensitive   bool      `json:"sensitive"`
	Visibility  string    `json:"visibility"`
	Language    string    `json:"language"`
	InReplyToID string    `json:"in_reply_to_id"`
	// Reblogged says whether the token's account boosted the status.
	Reblogged bool `json:"reblogged"`
	// Reblog is the boosted status, when this one is a boost.
	Reblog *Status `json:"reblog"`
	// Mentions are the accounts the status mentions.
	Mentions []struct {
		ID   string `json:"id"`
		Acct string `json:"acct"`
	} `json:"mentions"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
}

// PostStatus creates a status (POST /api/v1/statuses) and returns it.
// The request is sent once: a failure that may have created the status
// (no answer) is for the caller to check, with the same IdempotencyKey
// or by reading the account's statuses.
func (c *Client) PostStatus(ctx context.Context, s *NewStatus) (*Status, error) {
	body := map[string]any{"status": s.Status}
	if s.SpoilerText != "" {
		body["spoiler_text"] = s.SpoilerText
	}
	if s.Sensitive {
		body["sensitive"] = true
	}
	if s.Language != "" {
		body["language"] = s.Language
	}
	if s.Visibility != "" {
		body["visibility"] = s.Visibility
	}
	if s.InReplyToID != "" {
		body["in_reply_to_id"] = s.InReplyToID
	}
	if len(s.MediaIDs) > 0 {
		body["media_ids"] = s.MediaIDs
	}
	if s.ContentType != "" {
		body["content_type"] = s.ContentType
	}
	if !s.ScheduledAt.IsZero() {
		body["scheduled_at"] = s.ScheduledAt.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("mastodonapi: %w", err)
	}
	raw := &rawBody{r: bytes.NewReader(b), contentType: "application/json"}
	if s.IdempotencyKey != "" {
		raw.header = http.Header{"Idempotency-Key": {s.IdempotencyKey}}
	}
	var st Status
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/statuses", nil, raw, &st); err != nil {
		return nil, err
	}
	if st.ID == "" {
		return nil, &Error{Method: http.MethodPost, Path: "/api/v1/statuses", StatusCode: http.StatusOK, Err: ErrUnexpected, Message: "no status id"}
	}
	return &st, nil
}

// StatusQuery pages through [Client.AccountStatuses]: statuses with ids
// below MaxID (newest first), at most Limit (the server caps it, at 40
// in Mastodon).
type StatusQuery struct {
	MaxID string
	Limit int
}

// AccountStatuses returns one page of an account's statuses, newest
// first (GET /api/v1/accounts/:id/statuses), retrying as reads do.
func (c *Client) AccountStatuses(ctx context.Context, accountID string, q StatusQuery) ([]Status, error) {
	v := url.Values{}
	if q.MaxID != "" {
		v.Set("max_id", q.MaxID)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out []Status
	if _, err := c.read(ctx, "/api/v1/accounts/"+url.PathEscape(accountID)+"/statuses", v, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetStatus returns one status by id (GET /api/v1/statuses/:id).
func (c *Client) GetStatus(ctx context.Context, id string) (*Status, error) {
	var st Status
	if _, err := c.read(ctx, "/api/v1/statuses/"+url.PathEscape(id), nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Reblog boosts the status with this id (POST
// /api/v1/statuses/:id/reblog) and returns the boost. The request is
// sent once; Mastodon answers a second boost of the same status with
// the first, but GoToSocial makes another one, so a caller that may be
// retrying asks first: [Status.Reblogged] of [Client.GetStatus] says
// whether the account boosted it.
func (c *Client) Reblog(ctx context.Context, id string) (*Status, error) {
	var st Status
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/statuses/"+url.PathEscape(id)+"/reblog", nil, nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Account is the part of the API's Account entity that
// [Client.VerifyCredentials] returns.
type Account struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

// VerifyCredentials returns the token's account (GET
// /api/v1/accounts/verify_credentials): the way to check a token before
// acting with it.
func (c *Client) VerifyCredentials(ctx context.Context) (*Account, error) {
	var a Account
	if _, err := c.read(ctx, "/api/v1/accounts/verify_credentials", nil, &a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, &Error{Method: http.MethodGet, Path: "/api/v1/accounts/verify_credentials", StatusCode: http.StatusOK, Err: ErrUnexpected, Message: "no account id"}
	}
	return &a, nil
}

// InstanceLimits are the limits a server states for statuses and media
// (configuration in /api/v2/instance); a zero field is one it did not
// state.
type InstanceLimits struct {
	// Version is the server's version string ("4.3.0",
	// "0.20.0-rc1+git-57cb4fe" for GoToSocial).
	Version string
	// SourceURL is where the server's source is
	// ("https://github.com/mastodon/mastodon"; GoToSocial's names
	// gotosocial): what software it runs.
	SourceURL string
	// MaxCharacters is the longest status text.
	MaxCharacters int
	// MaxMediaAttachments is the most attachments of one status.
	MaxMediaAttachments int
	// MaxDescriptionCharacters is the longest alt text (GoToSocial
	// states it; Mastodon allows 1,500).
	MaxDescriptionCharacters int
	// ImageSizeLimit and VideoSizeLimit are the largest uploads, in
	// bytes.
	ImageSizeLimit, VideoSizeLimit int64
}

// ReadInstanceLimits reads the server's limits from /api/v2/instance,
// falling back to /api/v1/instance (Mastodon before 4.0 and others),
// which states them in the same "configuration" member. Both are public:
// a Client without a Token may call it.
func (c *Client) ReadInstanceLimits(ctx context.Context) (*InstanceLimits, error) {
	var inst struct {
		Version       string `json:"version"`
		SourceURL     string `json:"source_url"`
		Configuration struct {
			Statuses struct {
				MaxCharacters       int `json:"max_characters"`
				MaxMediaAttachments int `json:"max_media_attachments"`
			} `json:"statuses"`
			MediaAttachments struct {
				ImageSizeLimit           int64 `json:"image_size_limit"`
				VideoSizeLimit           int64 `json:"video_size_limit"`
				DescriptionLimit         int   `json:"description_limit"`
				MaxDescriptionCharacters int   `json:"max_description_characters"`
			} `json:"media_attachments"`
		} `json:"configuration"`
	}
	if _, err := c.read(ctx, "/api/v2/instance", nil, &inst); err != nil {
		if _, err1 := c.read(ctx, "/api/v1/instance", nil, &inst); err1 != nil {
			return nil, err
		}
	}
	cf := inst.Configuration
	l := &InstanceLimits{
		Version:                  inst.Version,
		SourceURL:                inst.SourceURL,
		MaxCharacters:            cf.Statuses.MaxCharacters,
		MaxMediaAttachments:      cf.Statuses.MaxMediaAttachments,
		MaxDescriptionCharacters: max(cf.MediaAttachments.DescriptionLimit, cf.MediaAttachments.MaxDescriptionCharacters),
		ImageSizeLimit:           cf.MediaAttachments.ImageSizeLimit,
		VideoSizeLimit:           cf.MediaAttachments.VideoSizeLimit,
	}
	return l, nil
}
