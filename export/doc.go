// Package export writes a complete, Mastodon-compatible export of an
// account from any server's data: the archive ZIP that Mastodon's
// "Request your archive" gives (actor.json, outbox.json, likes.json,
// bookmarks.json, avatar, header and media), and the CSV files of its
// "Data export" page (follows, followers, mutes, blocks, domain blocks,
// bookmarks and lists), ready to import elsewhere.
//
// A server describes its data with small source interfaces, one concern
// each, gathered in a [Sources] struct: [ActorSource] (required), and
// [StatusSource], [MediaSource], [ImageSource], [LikeSource],
// [BookmarkSource], [FollowSource], [FollowerSource], [BlockSource],
// [MuteSource], [DomainBlockSource] and [ListSource]. Each is a typed
// field, so the compiler checks every method a server implements; a nil
// field leaves its part out, and [Result.Missing] names the parts left
// out that way. Large collections are streamed with iterators
// (iter.Seq2[T, error]); media are opened as streams.
//
// An [Exporter] does the export; its fields are its options (direct
// messages, the local domain, names, a [Progress] callback) and its zero
// value is ready to use:
//
//   - [Exporter.WriteDir] writes the archive and the CSV files into a
//     folder, each under a temporary name renamed only when everything is
//     complete and synced;
//   - [Exporter.WriteBundle] (or [Exporter.WriteBundleFile]) writes all
//     of it as one ZIP, for a "download everything" button: an archive
//     with the CSV files at its top level, which package archive reads
//     like any other.
//
// For a server whose type acct serves the actor, statuses and follows:
//
//	e := export.Exporter{LocalDomain: "social.example"}
//	res, err := e.WriteDir(ctx, dir, export.Sources{Actor: acct, Statuses: acct, Follows: acct})
//
// [CheckRate] and [NextAllowed] apply Mastodon's rate policy, one archive
// per [MinInterval] (6 days).
//
// The archive is written by package archive's Writer and the CSV files by
// package importer's Writer, so everything exported reads back through
// [archive.Reader] and [importer.Reader] with the same data.
//
// Memory stays flat in the number of statuses: statuses are streamed to a
// spool file (see [Exporter.TempDir]) and media files copied as streams.
// What grows with the account is small: likes and bookmarks (kept as
// strings until the archive is closed, by package archive) and the names
// of the media entries written (so that two attachments naming one file
// share it).
//
// # Compatibility
//
// The files are those of Mastodon 4.2 and later, byte for byte where
// Mastodon's are deterministic: the archive layout, outbox items in
// Mastodon's shapes with the addressing Mastodon gives each visibility
// (public: to the public collection, cc the followers; unlisted: to the
// followers, cc the public collection; followers-only: to the followers;
// direct: to the mentioned accounts; mentioned accounts in cc otherwise),
// media under media_attachments/files/<id partition>/original/ with each
// attachment's url equal to its entry name, and CSV files with Mastodon's
// names, headers and quoting.
//
// fediport differs from Mastodon in two places, following the article
// the project started from:
//
//   - Direct messages are left out by default (Mastodon includes them, and
//     [Exporter.IncludeDirect] does too). Their media files are left out with
//     them.
//   - followers.csv is written when [Sources.Followers] is set
//     (Mastodon has no such file; GoToSocial's has the same form: header
//     "Account address", one address a line). It is for the user's records:
//     package importer refuses to import it, since no account can be made to
//     follow another.
//
// Like Mastodon, a media file that cannot be read is left out and the
// export goes on; its attachment stays in outbox.json, and the file is
// listed in [Result.SkippedMedia]. Lists without members are lost in
// lists.csv, as in Mastodon's. Mastodon keeps an archive 7 days
// ([Retention]); keeping and serving the files is the host's business.
//
// # Security
//
// An export holds private data (followers-only posts, blocks, and direct
// messages when included). Files are created with mode 0600 and
// [Exporter.WriteDir]'s folder, when it creates it, with mode 0700. Entry names
// come from the source's media paths only when they are clean relative
// paths under media_attachments/files/; any other attachment gets an entry
// name made by export, so a media URL cannot place a file outside that
// folder of the archive. Spool files in [Exporter.TempDir] are removed
// when the export ends, whether it succeeds or not.
package export
