package mastodonapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/fediport/fediport/importer"
)

// relationshipBatch is how many ids one relationships request asks for.
const relationshipBatch = 40

// ReadState reads what the account has now for type t, following the
// Link headers of each collection:
//
//   - following: /api/v1/accounts/:id/following, with the follow settings
//     from /api/v1/accounts/relationships ([importer.State.NoFollowLanguages]
//     when the relationships have no languages member, as GoToSocial's);
//   - muting: /api/v1/mutes, with muting_notifications from the
//     relationships;
//   - blocking: /api/v1/blocks; domain_blocking: /api/v1/domain_blocks;
//     bookmarks: /api/v1/bookmarks (the statuses' URIs);
//   - lists: /api/v1/lists and /api/v1/lists/:id/accounts, and the
//     follows as for following, since the plan follows a member the
//     account does not follow yet.
//
// A server without per-account domain blocks (GoToSocial answers 404)
// gives an error wrapping [importer.ErrUnsupported].
//
// Every read is retried as package importer's engine retries actions:
// a rate limit (429) is waited out (announced through
// [Client.OnRateLimit]), other temporary failures ([Error.Temporary])
// are tried again after a backoff.
//
// FollowersCount is always filled in (/api/v1/accounts/verify_credentials).
// Accounts are user@domain, local ones too.
func (c *Client) ReadState(ctx context.Context, t importer.Type) (*importer.State, error) {
	var me account
	if _, err := c.read(ctx, "/api/v1/accounts/verify_credentials", nil, &me); err != nil {
		return nil, err
	}
	if me.ID == "" {
		return nil, fmt.Errorf("%w: verify_credentials without an id", ErrUnexpected)
	}
	st := &importer.State{FollowersCount: me.FollowersCount}
	var err error
	switch t {
	case importer.Following:
		if err := c.following(ctx, me.ID, st); err != nil {
			return nil, err
		}
	case importer.Muting:
		st.Muting, err = c.accountRows(ctx, "/api/v1/mutes", func(row *importer.Row, r relationship) {
			row.HideNotifications = &r.MutingNotifications
		})
		if err != nil {
			return nil, err
		}
	case importer.Blocking:
		if st.Blocking, err = c.accountList(ctx, "/api/v1/blocks"); err != nil {
			return nil, err
		}
	case importer.DomainBlocking:
		err = pages(ctx, c, "/api/v1/domain_blocks", func(ds []string) {
			st.DomainBlocking = append(st.DomainBlocking, ds...)
		})
		if errors.Is(err, ErrNotFound) {
			// GoToSocial has no per-account domain blocks.
			return nil, fmt.Errorf("%w: mastodonapi: the server has no per-account domain blocks (%w)", importer.ErrUnsupported, err)
		}
		if err != nil {
			return nil, err
		}
	case importer.Bookmarks:
		err = pages(ctx, c, "/api/v1/bookmarks", func(ss []status) {
			for _, s := range ss {
				c.cache(&c.statuses, s.URI, s.ID)
				st.Bookmarks = append(st.Bookmarks, s.URI)
			}
		})
		if err != nil {
			return nil, err
		}
	case importer.Lists:
		// The plan follows a member before adding it, unless the
		// account follows it already.
		if err := c.following(ctx, me.ID, st); err != nil {
			return nil, err
		}
		var ls []listEntity
		if _, err := c.read(ctx, "/api/v1/lists", nil, &ls); err != nil {
			return nil, err
		}
		for _, l := range ls {
			members, err := c.accountList(ctx, "/api/v1/lists/"+url.PathEscape(l.ID)+"/accounts")
			if err != nil {
				return nil, err
			}
			st.Lists = append(st.Lists, importer.List{Title: l.Title, Members: members})
		}
	default:
		return nil, fmt.Errorf("%w: mastodonapi: no state for type %q", importer.ErrUnsupported, t)
	}
	return st, nil
}

// following fills in st.Following and st.NoFollowLanguages for the
// account with id.
func (c *Client) following(ctx context.Context, id string, st *importer.State) error {
	noLanguages := false
	rows, err := c.accountRows(ctx, "/api/v1/accounts/"+url.PathEscape(id)+"/following", func(row *importer.Row, r relationship) {
		row.ShowBoosts, row.Notify = &r.ShowingReblogs, &r.Notifying
		if r.Languages == nil {
			// No languages member at all (GoToSocial): the server keeps
			// no per-follow languages; Mastodon's null means all.
			noLanguages = true
		}
		var langs []string
		if json.Unmarshal(r.Languages, &langs) == nil && len(langs) > 0 {
			row.Languages = langs
		}
	})
	if err != nil {
		return err
	}
	st.Following, st.NoFollowLanguages = rows, noLanguages
	return nil
}

// Self returns the address of the token's account as user@domain
// (/api/v1/accounts/verify_credentials, with the server's domain from
// [Client.Domain]): what [importer.Planner.Self] wants, so a plan
// does not make the account follow, block or mute itself.
func (c *Client) Self(ctx context.Context) (string, error) {
	var me account
	if _, err := c.read(ctx, "/api/v1/accounts/verify_credentials", nil, &me); err != nil {
		return "", err
	}
	if me.ID == "" || strings.TrimPrefix(me.Acct, "@") == "" {
		return "", fmt.Errorf("%w: verify_credentials without an id or acct", ErrUnexpected)
	}
	return c.fullAcct(ctx, me)
}

// pages GETs path and the pages its Link headers name as next, passing
// each page's entries to f.
func pages[T any](ctx context.Context, c *Client, path string, f func([]T)) error {
	maxPages := c.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	target := path
	query := url.Values{"limit": {"80"}}
	seen := map[string]bool{}
	for range maxPages {
		var page []T
		h, err := c.read(ctx, target, query, &page)
		if err != nil {
			return err
		}
		f(page)
		next := nextLink(h.Get("Link"))
		if next == "" || len(page) == 0 || seen[next] {
			return nil
		}
		seen[next] = true
		target, query = next, nil
	}
	return fmt.Errorf("%w: %s has more than %d pages (Client.MaxPages)", ErrUnexpected, path, maxPages)
}

// nextLink returns the URL of the rel="next" link of a Link header.
func nextLink(h string) string {
	for part := range strings.SplitSeq(h, ",") {
		target, params, ok := strings.Cut(part, ";")
		if !ok {
			continue
		}
		target = strings.TrimSpace(target)
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "rel") {
				for rel := range strings.FieldsSeq(strings.Trim(v, `"`)) {
					if rel == "next" {
						return target[1 : len(target)-1]
					}
				}
			}
		}
	}
	return ""
}

func (c *Client) accountPages(ctx context.Context, path string) ([]account, error) {
	var out []account
	err := pages(ctx, c, path, func(as []account) { out = append(out, as...) })
	return out, err
}

// accountRows returns a collection of accounts as rows of full
// addresses, set filling in each row's settings from the account's
// relationship.
func (c *Client) accountRows(ctx context.Context, path string, set func(*importer.Row, relationship)) ([]importer.Row, error) {
	accts, err := c.accountPages(ctx, path)
	if err != nil {
		return nil, err
	}
	rels, err := c.relationships(ctx, accts)
	if err != nil {
		return nil, err
	}
	var rows []importer.Row
	for _, a := range accts {
		full, err := c.fullAcct(ctx, a)
		if err != nil {
			return nil, err
		}
		row := importer.Row{Account: full}
		if r, ok := rels[a.ID]; ok {
			set(&row, r)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// accountList returns the full addresses of a collection of accounts.
func (c *Client) accountList(ctx context.Context, path string) ([]string, error) {
	accts, err := c.accountPages(ctx, path)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(accts))
	for _, a := range accts {
		full, err := c.fullAcct(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, full)
	}
	return out, nil
}

// fullAcct returns a's address as user@domain and caches its id.
func (c *Client) fullAcct(ctx context.Context, a account) (string, error) {
	acct := strings.TrimPrefix(a.Acct, "@")
	if !strings.Contains(acct, "@") {
		d, err := c.Domain(ctx)
		if err != nil {
			return "", err
		}
		acct += "@" + d
	}
	if a.ID != "" {
		c.cache(&c.accounts, normAcct(acct), a.ID)
	}
	return acct, nil
}

// Domain returns the server's account domain: LocalDomain if set, else
// what the server says (/api/v2/instance, else /api/v1/instance), asked
// once.
func (c *Client) Domain(ctx context.Context) (string, error) {
	if c.LocalDomain != "" {
		return c.LocalDomain, nil
	}
	c.mu.Lock()
	d := c.domain
	c.mu.Unlock()
	if d != "" {
		return d, nil
	}
	var v2 struct {
		Domain string `json:"domain"`
	}
	_, err := c.read(ctx, "/api/v2/instance", nil, &v2)
	d = v2.Domain
	if err != nil || d == "" {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", err
		}
		var v1 struct {
			URI string `json:"uri"`
		}
		if _, err := c.read(ctx, "/api/v1/instance", nil, &v1); err != nil {
			return "", err
		}
		d = v1.URI
		if u, err := url.Parse(d); err == nil && u.Host != "" {
			d = u.Host // Akkoma and Pleroma give a URL
		}
	}
	if d == "" {
		return "", fmt.Errorf("%w: the server did not say its domain; set Client.LocalDomain", ErrUnexpected)
	}
	c.mu.Lock()
	c.domain = d
	c.mu.Unlock()
	return d, nil
}

type relationship struct {
	ID                  string          `json:"id"`
	ShowingReblogs      bool            `json:"showing_reblogs"`
	Notifying           bool            `json:"notifying"`
	Languages           json.RawMessage `json:"languages"` // nil when absent
	MutingNotifications bool            `json:"muting_notifications"`
}

// relationships fetches the relationships with accts, by id.
func (c *Client) relationships(ctx context.Context, accts []account) (map[string]relationship, error) {
	out := make(map[string]relationship, len(accts))
	for i := 0; i < len(accts); i += relationshipBatch {
		q := url.Values{}
		for _, a := range accts[i:min(i+relationshipBatch, len(accts))] {
			q.Add("id[]", a.ID)
		}
		var rels []relationship
		if _, err := c.read(ctx, "/api/v1/accounts/relationships", q, &rels); err != nil {
			return nil, err
		}
		for _, r := range rels {
			out[r.ID] = r
		}
	}
	return out, nil
}
