// Package archive reads and writes the export archive Mastodon produces
// ("Request your archive"): actor.json, the outbox of statuses, likes,
// bookmarks, the avatar and header images, and media attachments.
//
// To read, reach for [Open]: it takes any form people actually have, a
// ZIP (Mastodon 4.2 and later), a .tar.gz (before 4.2), a ZIP someone
// unpacked and zipped again (one nested top folder, which is stripped),
// an unpacked folder, or a bare outbox.json, and tells them apart by
// content. [NewReader] reads ZIP bytes from an [io.ReaderAt]. The
// [Reader] is an [io/fs.FS] over the entries and streams the collections:
//
//   - [Reader.Statuses] decodes outbox.json one item at a time into a
//     typed [Status] (posts, polls, boosts, content warnings, languages,
//     visibility, mentions, hashtags, emoji, attachments), keeping each
//     item's raw JSON; memory stays flat on multi-GB archives.
//   - [Reader.Actor] decodes actor.json as an [activitypub.Actor].
//   - [Reader.Likes] and [Reader.Bookmarks] stream status URIs.
//   - [Reader.OpenMedia] opens the file behind an attachment.
//   - [Reader.Validate] reads everything once and returns a [Report] of
//     what a user should know (missing media, orphan files, a totalItems
//     that does not match, unknown items), without failing on it.
//
// [Config] holds the reading options ([Limits], decoding concurrency, a
// [Progress] callback for [Reader.Validate]); its zero value applies the
// defaults, and its methods [Config.Open] and [Config.NewReader] are
// [Open] and [NewReader] with those options.
//
// To write, [NewWriter] (or [Create] for a path, which never leaves a
// half-written file: the file is synced and renamed into place, and its
// folder synced, on Close) produces a ZIP in Mastodon's layout and JSON
// shapes; statuses are added one at a time and media are copied as
// streams. The Writer's exported fields (TempDir, TotalItems, Modified)
// are set after NewWriter. Reading what the Writer wrote gives back the
// same statuses.
//
// Iterators are single use. Breaking out of a loop early stops the
// reading and releases the entry.
//
// Reading is streaming and parallel: one goroutine inflates outbox.json
// and cuts it into items, [Config.Concurrency] goroutines decode them, and
// statuses come out in order. A 1 GB outbox reads in about the time
// `unzip -p` takes to inflate it, in about 20 MB, at the default GC
// setting. Decoding allocates little besides the statuses themselves:
// repeated short strings (types, the account, addressing, tag names) are
// interned with package unique and shared by every status.
//
// Out of scope: rendering statuses (package
// github.com/fediport/fediport/archive/render writes an archive as a
// static site or Markdown), importing them into a server, and the CSV
// exports (package importer).
//
// # Security
//
// Archives come from users and the network: every parser treats its input
// as hostile. [Limits] bound the total uncompressed size (64 GiB), the size
// of one entry (16 GiB), the compression ratio (500, against zip bombs),
// the number of entries (1,000,000), the JSON nesting depth (64) and the
// size of one JSON item (4 MiB); exceeding one gives a [*LimitError]
// naming it and its value, which wraps [ErrLimit]. Set them through [Config].
//
// Entry names that are absolute, start with a drive letter ("C:"),
// contain "..", a backslash or a NUL, and
// symbolic or hard links (in a ZIP, a .tar.gz or an unpacked folder) are
// refused with [ErrInsecurePath]: the Reader never follows them and never
// extracts anything to disk. Duplicate entry names are refused with
// [ErrCorrupt]. Media paths computed from attachment URLs are checked the
// same way ([MediaPath]).
//
// A truncated or corrupt archive gives an [*Error] naming the entry, and
// for JSON collections the item index and byte offset; the statuses read
// before the damage are delivered first. A ZIP cut short (an interrupted
// download, with no central directory) is read from its local headers,
// as `zip -FF` does: whole entries are whole, the entry the file ends in
// gives what is there and then [ErrTruncated] ("the file ends early: was
// the download complete?"), so every complete status of a cut outbox is
// delivered; [Reader.Validate] reports the cut naming the last entry. A
// .tar.gz whose stream ends early reports [ErrTruncated] too, and its
// sparse entries, whose holes would be made above the ratio check, are
// refused. Only regular files and folders are opened: a FIFO or a device
// is refused rather than waited on. A UTF-8 byte order mark before a
// JSON file is skipped. [Reader.Validate] lists at most [MaxListed]
// problems of each kind and counts the rest.
//
// A .tar.gz cannot seek: it is indexed once when opened (inflating it
// all, storing nothing), and opening an entry inflates again from the
// start unless a previous read left the stream before that entry; reading
// entries in the order of [Reader.StoredOrder] costs one pass.
//
// # Compatibility
//
// Read: Mastodon archives from 2018 (no likes or bookmarks, .tar.gz) to
// 4.8 (ZIP and Zip64, escaped HTML, "orderedItems" written twice with the
// first one empty after the 1.5 KB @context of 4.2, link-preview
// attachments), and the shapes GoToSocial
// and Akkoma use where they differ (addressing as a string or an array,
// "as:Public", url as a list of Link objects, CDN-prefixed media URLs,
// numbers written as strings). totalItems is reported, never trusted:
// Mastodon writes the account's status count, which differs from the
// items. Visibility is derived from addressing as Mastodon does.
//
// Written: the layout of Mastodon 4.2+ (ZIP, media at
// media_attachments/files/<id partition>/original/<name>, actor.json
// pointing at outbox.json, likes.json, bookmarks.json, avatar and header)
// with the outbox @context Mastodon uses. Members of a status the typed
// fields do not cover (atomUri, replies, LD signatures) are copied from
// [Status.Raw], so a read and a write lose nothing a reader can see.
package archive
