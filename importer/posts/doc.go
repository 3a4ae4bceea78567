// Package posts imports the posts of a Mastodon export archive into an
// account on another server: the most requested thing a move leaves
// behind (mastodon#12423).
//
// It is built as package importer is, in the same three steps, each
// usable on its own:
//
//  1. Read: [archive.Open] reads any archive; the posts come out of it
//     oldest first, with their media, as [Post] values.
//  2. Plan: [Importer.Plan] says beforehand what a run would post, skip
//     and change on a destination of given [Capabilities], and how long
//     its rate limits make it take ([Plan.Wait]); [Importer.Posts] streams
//     the posts themselves, each with its changes, for a dry run.
//  3. Apply: [Importer.Run] posts them to a [Destination], a small
//     interface the compiler checks (Capabilities, Upload, Create, Find;
//     a [Booster] boosts too), such as [GoToSocial] or [Mastodon] over a
//     [mastodonapi.Client]; a host may write its own.
//
// [Importer] is the configuration: its fields are its settings, the zero
// value works, and each default is a DefaultXxx constant. As the
// engine's, its retries are MaxAttempts, BaseDelay, MaxDelay and
// MaxRetryAfter (the one implementation, internal/backoff), its progress
// is a field Progress func([Progress]) called from one goroutine and
// returning quickly, and its [Importer.Journal] is the one crash-safe
// journal of fediport (internal/journal, as importer's Journal), bound
// to the archive and the destination account.
// Errors unwrap to a handful of sentinels (such as [ErrTooLarge] and
// [ErrJournalMismatch]); a [Failure] says with Temporary whether a later
// run may post it.
//
// Package importer/mastodonapi/mastodonapitest is a Mastodon API test
// server that answers as Mastodon or as GoToSocial, for tests of
// programs built on this package.
//
// # What is imported
//
// Posts, oldest first, so that a reply to one's own earlier post is
// threaded under its copy; an edited post as its latest version (an
// archive holds no other). Kept where the destination can: the text (the
// archive's HTML turned into plain text the server parses again for
// links and hashtags), content warning, sensitive flag, language,
// visibility, media with alt text and focal point (uploaded first).
// Boosts and likes are not posts: they are skipped and counted, as are
// direct messages unless [Importer.IncludeDirect]. With [Importer.Boosts]
// a [Booster] destination boosts again what the archive boosted, in its
// place: a boost made now ([BoostedNow]), since no server backdates one,
// and it notifies the author. [Importer.Visibility]
// keeps each post's visibility or lowers every post to at most unlisted
// or private; [Importer.Since] and [Importer.Until] select by date.
//
// What a destination cannot carry is changed visibly and counted by
// [ChangeKind], never dropped silently: a mention of another account
// becomes "user@host", which notifies nobody; a reply to someone else
// becomes a post linking the original; a poll becomes text listing its
// options and results; a post whose media file is missing from the
// archive (many archives are downloaded without media) is posted without
// it ([MediaMissing]). A status is never dropped for what it lacks.
//
// # Destinations
//
// [GoToSocial] backdates: POST /api/v1/statuses with scheduled_at in the
// past creates the status with its original date, unfederated, in no
// timeline, notifying nobody; such a post may mention and reply only to
// its own account and cannot carry a poll. [Mastodon] is any server
// with the Mastodon client API: it cannot backdate, so the original
// date and a link are stated in each post, visibility is lowered to
// unlisted by default, and Mastodon's limits of 300 posts per 3 hours
// and 30 uploads per 30 minutes are kept to, with the time they take
// estimated up front ([Plan.Wait]).
//
// # Resuming
//
// With [Importer.Journal], a run records each post it is about to send,
// each file it uploaded and each post the server created (original
// status to new id), in the one crash-safe journal of fediport. A run
// started again after a crash, a SIGKILL or a day-long rate limit skips
// what was recorded, reuses uploaded files, and looks on the server for a
// post that was sent but not recorded ([Destination.Find]) before sending
// it again with the same Idempotency-Key, so no post is made twice or
// missed. Posts that fail are listed with their reason in
// [Result.Failed]; [Failure.Temporary] says whether a later run may
// post them.
//
// # Security
//
// Archives are hostile input: the archive package bounds what it reads;
// here a status's HTML is bounded by [Importer.MaxBytes] (1 MiB,
// [ErrTooLarge]) and the posts of one import by [Importer.MaxPosts]. The
// HTML is tokenized, never rendered; only http and https links are kept
// as links. The token is handled by package mastodonapi, which sends it
// only to the server named.
//
// # Compatibility
//
// Tested live against GoToSocial 0.20 (internal/interop: backdating,
// media, threads, boosts, a SIGKILL midway) and against Mastodon's
// documented API (package importer/mastodonapi/mastodonapitest, a test
// server that answers as Mastodon or as GoToSocial, which programs may
// use in their tests too). Mastodon honours
// the Idempotency-Key only for an hour, and not every server honours it
// at all, which is why a post in doubt is looked for before it is sent
// again.
package posts
