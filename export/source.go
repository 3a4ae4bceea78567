package export

import (
	"context"
	"io"
	"iter"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer"
)

// Sources are where an export reads an account's data from, one field
// per part of the export. Actor is required; any other field may be nil,
// and that part is then left out of the export and named in
// [Result.Missing]. A server whose one type serves everything sets each
// field to it, so the compiler checks every method:
//
//	src := export.Sources{Actor: acct, Statuses: acct, Media: acct, Follows: acct}
//
// A method whose name is mistyped no longer satisfies its interface, and
// the assignment does not compile.
type Sources struct {
	// Actor gives actor.json. Required.
	Actor ActorSource
	// Statuses gives the statuses of outbox.json, and Media the files of
	// their attachments (without it every attachment's file is left out
	// and listed in [Result.SkippedMedia]).
	Statuses StatusSource
	Media    MediaSource
	// Images gives the avatar and the header image.
	Images ImageSource
	// Likes gives likes.json; Bookmarks gives bookmarks.json and
	// bookmarks.csv.
	Likes     LikeSource
	Bookmarks BookmarkSource
	// Follows, Followers, Mutes, Blocks, DomainBlocks and Lists give
	// following_accounts.csv, followers.csv, muted_accounts.csv,
	// blocked_accounts.csv, blocked_domains.csv and lists.csv.
	Follows      FollowSource
	Followers    FollowerSource
	Mutes        MuteSource
	Blocks       BlockSource
	DomainBlocks DomainBlockSource
	Lists        ListSource
}

// missing returns the names of the fields of s other than Actor that are
// nil, in the order of the struct.
func (s *Sources) missing() []string {
	var m []string
	for _, f := range []struct {
		name string
		nil  bool
	}{
		{"Statuses", s.Statuses == nil}, {"Media", s.Media == nil}, {"Images", s.Images == nil},
		{"Likes", s.Likes == nil}, {"Bookmarks", s.Bookmarks == nil}, {"Follows", s.Follows == nil},
		{"Followers", s.Followers == nil}, {"Mutes", s.Mutes == nil}, {"Blocks", s.Blocks == nil},
		{"DomainBlocks", s.DomainBlocks == nil}, {"Lists", s.Lists == nil},
	} {
		if f.nil {
			m = append(m, f.name)
		}
	}
	return m
}

// ActorSource gives the account's actor document, written as
// actor.json: [Sources.Actor], the one source every export needs.
type ActorSource interface {
	Actor(ctx context.Context) (*activitypub.Actor, error)
}

// StatusSource streams the account's statuses (posts and boosts) for
// outbox.json, oldest first, as Mastodon orders them (by id).
//
// Each status needs an ID and a Visibility, or To/Cc addressing from which
// one is derived; export writes To and Cc the way Mastodon addresses each
// visibility when both are nil (see [Exporter.WriteDir]). When To or Cc is set it
// is written as it is, and the visibility (which decides whether a direct
// message is left out) is derived from it, as readers of the archive will,
// whatever Visibility says. Actor and AttributedTo
// default to the actor's id. For a boost (Activity "Announce") of a status
// given by URI only (Type ""), AttributedTo may name the boosted status's
// author, who is then addressed in cc as Mastodon does.
//
// The iterator is used once per export; export stops early (breaks out
// of the loop) on cancellation or a write error. An error it yields ends
// the export, which then leaves no file behind. A nil iterator is an
// empty one, for this interface and the others.
type StatusSource interface {
	Statuses(ctx context.Context) iter.Seq2[*archive.Status, error]
}

// MediaSource opens the files behind the media attachments of statuses.
//
// The attachment given is the one the status holds, as the source made it
// (URL and Path unchanged), so a source can find its file by either. The
// entry the file gets in the archive is its Path when that is a clean path
// under "media_attachments/files/", otherwise the part of its URL from
// "media_attachments/" on ([archive.MediaPath]) when that is, as Mastodon's
// storage paths give; otherwise export makes one up with
// [archive.MediaEntry]. The
// url written in outbox.json is always that entry name.
//
// An error (or a read error within the first 256 KiB) means the file is
// left out and reported in [Result.SkippedMedia]: Mastodon too leaves
// out the files it cannot read. A read error after the first 256 KiB
// ends the export with a [*MediaError] (the ZIP entry is begun by then
// and cannot be taken back; a half file is never left in the archive).
// An error wrapping io/fs.ErrNotExist is the usual way to say a file is
// gone.
type MediaSource interface {
	OpenMedia(ctx context.Context, a *archive.Attachment) (io.ReadCloser, error)
}

// ImageSource opens the avatar and the header image, written as
// avatar.<ext> and header.<ext> (ext without the dot, such as "png").
// An error wrapping io/fs.ErrNotExist (or a nil reader and no error)
// means there is none; other errors are reported in [Result.SkippedMedia]
// and the image left out.
type ImageSource interface {
	OpenAvatar(ctx context.Context) (r io.ReadCloser, ext string, err error)
	OpenHeader(ctx context.Context) (r io.ReadCloser, ext string, err error)
}

// LikeSource streams the URIs of the statuses the account liked
// (favourited), for likes.json.
type LikeSource interface {
	Likes(ctx context.Context) iter.Seq2[string, error]
}

// BookmarkSource streams the URIs of the statuses the account bookmarked,
// for bookmarks.json in the archive and bookmarks.csv.
type BookmarkSource interface {
	Bookmarks(ctx context.Context) iter.Seq2[string, error]
}

// Follow is an account the exporting account follows, with the settings
// of the follow.
type Follow struct {
	// Account is the followed account's address, user@domain. A bare
	// user name is completed with [Exporter.LocalDomain].
	Account string
	// ShowBoosts shows the account's boosts in the home timeline
	// (Mastodon's default for a new follow is true).
	ShowBoosts bool
	// Notify notifies of the account's new posts.
	Notify bool
	// Languages limits the follow to posts in these languages (ISO 639-1
	// codes); empty means all languages.
	Languages []string
}

// FollowSource streams the accounts the account follows, for
// following_accounts.csv. Mastodon lists them newest first.
type FollowSource interface {
	Follows(ctx context.Context) iter.Seq2[Follow, error]
}

// FollowerSource streams the addresses of the accounts that follow the
// account, for followers.csv. Mastodon has no such file; GoToSocial does,
// and fediport writes it the same way. It cannot be imported: see
// [importer.ErrFollowersImport].
type FollowerSource interface {
	Followers(ctx context.Context) iter.Seq2[string, error]
}

// BlockSource streams the addresses of the accounts the account blocks,
// for blocked_accounts.csv.
type BlockSource interface {
	Blocks(ctx context.Context) iter.Seq2[string, error]
}

// Mute is an account the exporting account mutes.
type Mute struct {
	// Account is the muted account's address, user@domain.
	Account string
	// HideNotifications also hides the account's notifications
	// (Mastodon's default is true).
	HideNotifications bool
}

// MuteSource streams the accounts the account mutes, for
// muted_accounts.csv.
type MuteSource interface {
	Mutes(ctx context.Context) iter.Seq2[Mute, error]
}

// DomainBlockSource streams the domains the account blocks, for
// blocked_domains.csv. They are written lower-case, internationalised
// domains in punycode, as Mastodon stores them.
type DomainBlockSource interface {
	DomainBlocks(ctx context.Context) iter.Seq2[string, error]
}

// ListSource streams the account's lists with their members, for
// lists.csv (one row per member: a list without members is not written,
// as in Mastodon's export).
type ListSource interface {
	Lists(ctx context.Context) iter.Seq2[importer.List, error]
}
