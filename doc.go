// Package fediport is a Go SDK for fediverse account portability: moving a
// Mastodon-compatible account, its content and its social graph, from one
// server to another, byte for byte compatible with Mastodon.
//
// A complete move has three parts, and fediport has a package for each,
// plus the ActivityPub vocabulary they share:
//
//   - [github.com/fediport/fediport/archive] reads and writes the export
//     archive ("Request your archive"): actor.json, the outbox of
//     statuses, likes, bookmarks and media, as ZIP, .tar.gz, folder or bare
//     outbox, streaming and safe against hostile files. Its render package
//     writes any archive as a static site (or Markdown) a person can read
//     offline.
//   - [github.com/fediport/fediport/importer] reads and writes the CSV
//     lists (follows, mutes, blocks, domain blocks, bookmarks, lists,
//     followers), plans a merge or overwrite import, and applies the plan
//     through small destination interfaces with a resumable engine; its
//     mastodonapi package is a destination for any server with the
//     Mastodon client API.
//   - [github.com/fediport/fediport/activitypub] is the vocabulary: actor
//     documents with Mastodon's extensions (alsoKnownAs, movedTo,
//     publicKey), the Move activity and the pure check a receiving server
//     makes, WebFinger, HTTP signatures and a signed fetch client that
//     refuses private addresses.
//   - [github.com/fediport/fediport/migrate] is the account move on both
//     sides: aliases, the pre-flight check, sending the Move, receiving one
//     and transferring a server's local followers.
//   - [github.com/fediport/fediport/export] builds a Mastodon-compatible
//     export (archive and CSVs) from any server's data.
//   - [github.com/fediport/fediport/importer/posts] brings an archive's
//     posts to the new account: backdated on GoToSocial, dated in the text
//     elsewhere, resumable.
//
// The module github.com/fediport/fediport/migrate/riverjobs, nested in
// this repository with a go.mod of its own so that only its users pull
// River and its database drivers, runs migrate's follower transfer and
// Move delivery as River jobs on SQLite or PostgreSQL, over many worker
// processes.
//
// # Where to start
//
// Tool builders (archive viewers, backup tools) start with package archive;
// importers with package importer; servers that federate start with package
// activitypub and then migrate. The runnable programs in examples/ show each
// in a few lines; examples/quickstart runs a whole move between three
// in-process servers (migratetest.Server, from package
// migrate/migratetest, which also has the test doubles and conformance
// checks for a server's own stores).
//
// # Import graph
//
// The leaves import no other fediport package except as shown; export and
// migrate compose them. Nothing imports examples or another package's
// internals.
//
//	activitypub            (leaf: go-fed/httpsig)
//	activitypub/goap    -> activitypub
//	importer               (leaf)
//	archive             -> activitypub
//	migrate             -> activitypub
//	migrate/migratetest -> migrate, activitypub, archive, export, importer
//	export              -> archive, importer, activitypub
//	archive/render      -> archive, activitypub
//	importer/mastodonapi -> importer
//	importer/importertest -> importer
//	importer/mastodonapi/mastodonapitest (leaf)
//	importer/posts      -> archive, importer/mastodonapi
//
// # Compatibility
//
// Formats on disk and on the wire are Mastodon's (4.2 to 4.8), read
// leniently enough for GoToSocial, Akkoma and older Mastodon exports.
// Where fediport goes further than Mastodon (leaving direct messages out of
// exports by default, a followers.csv, copying the profile during a move)
// it says so in the package that does it.
package fediport
