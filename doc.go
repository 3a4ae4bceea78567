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
//     outbox, streaming and safe against hostile files.
//     [github.com/fediport/fediport/archive/render] writes any archive, with
//     a Renderer, as a static site (or Markdown) a person can read offline.
//   - [github.com/fediport/fediport/importer] reads and writes the CSV
//     lists (follows, mutes, blocks, domain blocks, bookmarks, lists,
//     followers), plans a merge or overwrite import (Planner), and applies
//     the plan to a typed Destination with a resumable Engine;
//     [github.com/fediport/fediport/importer/mastodonapi] is a destination
//     for any server with the Mastodon client API.
//   - [github.com/fediport/fediport/importer/posts] brings an archive's
//     posts to the new account: backdated on GoToSocial, dated in the text
//     elsewhere, resumable.
//   - [github.com/fediport/fediport/activitypub] is the vocabulary: actor
//     documents with Mastodon's extensions (alsoKnownAs, movedTo,
//     publicKey), the Move activity and the pure check a receiving server
//     makes, WebFinger, HTTP signatures and a signed fetch client that
//     refuses private addresses. It speaks its own types;
//     [github.com/fediport/fediport/activitypub/goap] converts them to and
//     from go-ap's vocabulary for servers built on go-ap.
//   - [github.com/fediport/fediport/migrate] is the account move on both
//     sides: aliases, the pre-flight check (Checker), sending the Move
//     (Mover, Deliverer), receiving one (Receiver) and transferring a
//     server's local followers (Transfer).
//   - [github.com/fediport/fediport/export] builds a Mastodon-compatible
//     export (archive and CSVs) from any server's data, read through typed
//     Sources, written by an Exporter.
//
// The module github.com/fediport/fediport/migrate/riverjobs, nested in
// this repository with a go.mod of its own so that only its users pull
// River and its database drivers, runs migrate's follower transfer and
// Move delivery as River jobs on SQLite or PostgreSQL, over many worker
// processes.
//
// # One shape
//
// The packages follow one set of conventions, so that what is learnt in
// one holds in the others:
//
//   - Configuration is a struct whose exported fields are its options and
//     whose zero value works, each default a DefaultXxx constant; methods
//     on it do the work (archive.Config, render.Renderer, export.Exporter,
//     importer.Engine, migrate.Deliverer, activitypub.Client). A
//     constructor exists only where an argument is required
//     (archive.NewReader, importer.NewReader).
//   - Progress is a field Progress func(P), P a value struct, called from
//     one goroutine at a time.
//   - Size limits are MaxBytes (DefaultMaxBytes), counts MaxItems,
//     MaxRows, MaxPages and the like.
//   - Retries are MaxAttempts, BaseDelay and MaxDelay (exponential, full
//     jitter), a Retry-After honoured up to MaxRetryAfter, and a per-host
//     breaker (HostFailures, HostCooldown); an error that may pass has a
//     Temporary() bool method, and a RetryAfter field when the peer said
//     when.
//   - Each package has one var block of sentinels, for the conditions
//     callers branch on; the finer reason is in a typed error's field
//     (Reason, a typed constant that errors.Is also matches; Detail, words
//     for people; Err, the underlying error), and the typed error unwraps
//     to the sentinel. Messages start with the package's name.
//   - Large collections stream as iter.Seq2[T, error], single use.
//
// # Test doubles
//
// A host implements small interfaces; the doubles and conformance checks
// for them sit next to the interfaces, as net/http/httptest and
// testing/fstest do: [github.com/fediport/fediport/migrate/migratetest]
// (in-memory stores, TestTransferStore and TestMoveRecorder, and a whole
// fediverse instance on loopback, Server),
// [github.com/fediport/fediport/importer/importertest] (an in-memory import
// destination and TestDestination),
// and [github.com/fediport/fediport/importer/mastodonapi/mastodonapitest]
// (a Mastodon API test server, with a GoToSocial mode: the CSV import's
// calls, and the statuses and media post import makes). Every Example and every program in examples/
// uses public packages only, so each can be copied into a module of one's
// own.
//
// # Where to start
//
// Tool builders (archive viewers, backup tools) start with package archive;
// importers with package importer; servers that federate start with package
// activitypub and then migrate. The runnable programs in examples/ show each
// in a few lines; examples/quickstart runs a whole move between three
// in-process servers (migratetest.Server). The programs share a
// command-line shell, examples/cli (flags, help, exit codes, progress) and
// examples/termtext (untrusted text made safe for a terminal): public so
// that a copied program builds, but plumbing outside the SDK's
// compatibility promise.
//
// # Import graph
//
// The leaves import no other fediport package except as shown; export and
// migrate compose them. Nothing but the programs in examples/ imports
// examples/cli or examples/termtext, and no package imports another's
// internals.
//
//	activitypub            (leaf: go-fed/httpsig)
//	activitypub/goap    -> activitypub
//	importer               (leaf)
//	archive             -> activitypub
//	migrate             -> activitypub
//	migrate/migratetest -> migrate, activitypub, archive, export, importer, importer/mastodonapi/mastodonapitest
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
