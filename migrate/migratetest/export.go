package migratetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"strings"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

// Exporter returns the export source of a local account: it implements
// export's source interfaces for the actor, statuses, media, bookmarks,
// follows, followers, blocks, mutes, domain blocks and lists, with
// accounts named by address.
func (s *Server) Exporter(username string) *ExportSource {
	return &ExportSource{s: s, user: username}
}

// ExportSource is one local account's data as package export reads it.
type ExportSource struct {
	s    *Server
	user string
}

// Sources returns the parts of an export e gives: everything but likes
// and the profile images.
func (e *ExportSource) Sources() export.Sources {
	return export.Sources{
		Actor: e, Statuses: e, Media: e, Bookmarks: e, Follows: e, Followers: e,
		Blocks: e, Mutes: e, DomainBlocks: e, Lists: e,
	}
}

// Actor returns the account's actor document.
func (e *ExportSource) Actor(context.Context) (*activitypub.Actor, error) {
	return e.s.Actor(e.user)
}

// Statuses yields the account's posts and boosts, oldest first.
func (e *ExportSource) Statuses(ctx context.Context) iter.Seq2[*archive.Status, error] {
	return func(yield func(*archive.Status, error) bool) {
		for _, p := range e.s.Posts(e.user) {
			st, err := e.status(ctx, p)
			if !yield(st, err) || err != nil {
				return
			}
		}
	}
}

func (e *ExportSource) status(ctx context.Context, p *Post) (*archive.Status, error) {
	st := &archive.Status{
		Index: -1, Offset: -1,
		Actor: p.Author, AttributedTo: p.Author,
		Published: p.Published,
	}
	if p.BoostOf != "" {
		// A boost's own URI is its activity's id (…/statuses/N/activity),
		// as in Mastodon's outbox.
		st.Activity, st.ActivityID, st.ID = "Announce", p.ID, p.BoostOf
		st.Visibility = archive.Public
		return st, nil
	}
	st.Activity, st.ActivityID, st.Type = "Create", p.ID+"/activity", "Note"
	st.ID, st.URL = p.ID, p.ID
	st.Summary, st.Sensitive, st.Content, st.Language = p.Summary, p.Sensitive, p.Content, "en"
	st.Visibility = archive.Visibility(p.Visibility)
	st.InReplyTo = p.InReplyTo
	for _, m := range p.Mentions {
		addr, err := e.s.Address(ctx, m)
		if err != nil {
			return nil, err
		}
		st.Mentions = append(st.Mentions, archive.Tag{Type: "Mention", Name: "@" + addr, Href: m})
	}
	for _, m := range p.Media {
		st.Attachments = append(st.Attachments, archive.Attachment{Type: "Document", MediaType: m.MediaType, URL: m.URL, Name: m.Description})
	}
	if p.Poll != nil {
		st.Type = "Question"
		poll := &archive.Poll{Multiple: p.Poll.Multiple, EndTime: p.Poll.EndTime}
		for i, o := range p.Poll.Options {
			poll.Options = append(poll.Options, archive.PollOption{Name: o, Votes: p.Poll.Votes[i]})
			poll.VotersCount += p.Poll.Votes[i]
		}
		st.Poll = poll
	}
	return st, nil
}

// OpenMedia opens the file of a media attachment.
func (e *ExportSource) OpenMedia(_ context.Context, a *archive.Attachment) (io.ReadCloser, error) {
	id, ok := strings.CutPrefix(a.URL, e.s.URL+"/media/")
	e.s.mu.Lock()
	m := e.s.media[id]
	e.s.mu.Unlock()
	if !ok || m == nil {
		return nil, fmt.Errorf("migratetest: media %s: %w", a.URL, fs.ErrNotExist)
	}
	return io.NopCloser(bytes.NewReader(m.Data)), nil
}

// Bookmarks yields the URIs of bookmarked statuses.
func (e *ExportSource) Bookmarks(context.Context) iter.Seq2[string, error] {
	return seq(e.s.Bookmarks(e.user))
}

// Follows yields the accounts followed, with their settings, pending
// requests included (Mastodon's export lists accepted follows only).
func (e *ExportSource) Follows(ctx context.Context) iter.Seq2[export.Follow, error] {
	return func(yield func(export.Follow, error) bool) {
		for _, f := range e.s.Following(e.user) {
			addr, err := e.s.Address(ctx, f.ID)
			fl := export.Follow{Account: addr, ShowBoosts: f.Settings.ShowBoosts, Notify: f.Settings.Notify, Languages: f.Settings.Languages}
			if !yield(fl, err) || err != nil {
				return
			}
		}
	}
}

// Followers yields the addresses of the account's followers.
func (e *ExportSource) Followers(ctx context.Context) iter.Seq2[string, error] {
	return e.addresses(ctx, e.s.Followers(e.user))
}

// Blocks yields the addresses of blocked accounts.
func (e *ExportSource) Blocks(ctx context.Context) iter.Seq2[string, error] {
	return e.addresses(ctx, e.s.Blocks(e.user))
}

// Mutes yields the muted accounts.
func (e *ExportSource) Mutes(ctx context.Context) iter.Seq2[export.Mute, error] {
	return func(yield func(export.Mute, error) bool) {
		a, err := e.s.account(e.user)
		if err != nil {
			yield(export.Mute{}, err)
			return
		}
		for _, id := range e.s.Mutes(e.user) {
			addr, err := e.s.Address(ctx, id)
			e.s.mu.Lock()
			hide := e.s.mutes[pair{a.ID, id}]
			e.s.mu.Unlock()
			if !yield(export.Mute{Account: addr, HideNotifications: hide}, err) || err != nil {
				return
			}
		}
	}
}

// DomainBlocks yields the blocked domains.
func (e *ExportSource) DomainBlocks(context.Context) iter.Seq2[string, error] {
	return seq(e.s.DomainBlocks(e.user))
}

// Lists yields the account's lists with their members' addresses.
func (e *ExportSource) Lists(ctx context.Context) iter.Seq2[importer.List, error] {
	return func(yield func(importer.List, error) bool) {
		for _, l := range e.s.Lists(e.user) {
			list := importer.List{Title: l.Title}
			var err error
			for _, id := range l.Members {
				var addr string
				if addr, err = e.s.Address(ctx, id); err != nil {
					break
				}
				list.Members = append(list.Members, addr)
			}
			if !yield(list, err) || err != nil {
				return
			}
		}
	}
}

func (e *ExportSource) addresses(ctx context.Context, ids []string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, id := range ids {
			addr, err := e.s.Address(ctx, id)
			if !yield(addr, err) || err != nil {
				return
			}
		}
	}
}

func seq(items []string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
