// Package importer reads and writes the CSV files Mastodon exports and
// imports (follows, mutes, blocks, domain blocks, bookmarks, lists, and
// GoToSocial's followers list), computes what an import changes on an
// account, and applies those changes to a server.
//
// An import is three steps, each usable on its own:
//
//  1. Read the file: [NewReader] and [Reader.ReadAll] (or [Reader.Rows] to
//     stream). [DetectType] guesses the type of a file and [CheckType]
//     warns when it differs from the one the user chose.
//  2. Plan: [Planner.Plan] is a pure function from what the account has
//     ([State], which a [StateReader] reports) and what the file says
//     ([Row]) to a [Plan], an ordered list of [Action] values, in [Merge]
//     or [Overwrite] mode. A [Planner]'s fields are its limits; the zero
//     value applies Mastodon's.
//  3. Apply: an [Engine] (its fields are its settings; the zero value
//     works) carries out a plan on a [Destination], a struct with one
//     field per kind of change, each a small interface ([Follower],
//     [Blocker], [Muter], [DomainBlocker], [Bookmarker], [ListManager],
//     [ListEditor]), so the compiler checks the methods and [Check] names
//     what a plan needs and a destination lacks. [DestinationOf] fills
//     every field from a value that makes every change
//     ([FullDestination]). Package importer/mastodonapi is such a
//     destination for any server with the Mastodon client API
//     (Client.Destination).
//
// Package importer/importertest has an in-memory destination, for tests
// and examples, and TestDestination, a conformance check a host runs
// against its own destination; importer/mastodonapi/mastodonapitest is
// a Mastodon API test server.
//
// To write files, use [NewWriter] or [WriteRows]; [WriteActions] writes
// the failed actions of an import as Mastodon's failures file
// ([FailuresFileName]), ready to import again. [FileName] gives the name
// Mastodon uses for each type's export.
//
// # Reading
//
// The Reader follows Mastodon's rules (app/models/form/import.rb): a file
// has a header only when its first cell is exactly "Account address",
// "#domain", "#uri" or "List name"; otherwise the type's default columns
// apply and the first line is data. Columns the type does not read are
// dropped, so a follows export is also a valid blocks or mutes file and
// the admin "#domain,#severity,..." export a valid domain-blocks file. A
// header that lacks the type's columns is refused with
// [ErrIncompatibleType]. Addresses are trimmed and lose one leading "@";
// booleans are read as Mastodon reads them (empty is unset; "0", "f",
// "false" and "off", in any case, are false; anything else, including
// "no", is true); languages are split on commas; domains are lower-cased.
//
// It is kinder than Mastodon where Mastodon fails users: a UTF-8 byte
// order mark is dropped, CRLF and CR line ends, blank lines and lines of
// commas are accepted, cells and header names may carry spaces, a stray
// quote is kept as a character, and a bare user name is completed with
// [Reader.LocalDomain]. Internationalised domains and ports are accepted
// and compared as punycode, lower-case ([AccountKey], [DomainKey]). A row
// that cannot be used, such as one with a bad address, is reported with
// its line and cell ([ParseError] unwrapping to [ErrInvalidRow]) and the
// others are still read.
//
// # Writing
//
// The Writer writes what Mastodon writes, byte for byte: Ruby's CSV
// quoting (only fields holding a comma, quote, CR or LF are quoted, so
// unlike encoding/csv a leading space is not), LF line ends, no byte
// order mark, true and false, languages joined by ", ", and a header only
// for follows, mutes (and followers, as GoToSocial writes it). Reading a
// file, writing its rows and reading them again gives the same rows.
//
// The failures report ([WriteActions], [Result.WriteFailures]) is the
// exception, since people open it in spreadsheets: a cell that would run
// as a formula ("=HYPERLINK(...)") is written as text, behind an
// apostrophe ([Writer.EscapeFormulas]). Exports and [WriteRows] write
// every cell as it is.
//
// # Planning
//
// [Planner.Plan] matches accounts as Mastodon does, by address without the
// local domain, and also regardless of case and IDN form. Merge adds
// what is missing and updates changed follow and mute settings (a setting
// the file leaves empty is left alone), so a merge applied twice changes
// nothing the second time. Overwrite also removes what the file lacks.
// A lists import creates missing lists and follows a member before adding
// it. Importing followers is refused with [ErrFollowersImport]: no account
// can be made to follow another; the followers of an old account come to
// the new one through the move itself (package migrate).
//
// # Applying
//
// [Engine.Apply] runs a plan's actions with bounded concurrency, keeping
// the order between actions that depend on each other (a list is created
// before members are added, a member is followed before it is added). It
// retries transient failures with backoff, waits when the server rate
// limits, stops calling a remote host that keeps failing while the other
// hosts go on, reports progress, and collects the actions that failed
// with their reasons; [Engine.Progress] hears of each finished action.
// A destination's error that may pass has a method Temporary() bool, or
// wraps a [*TemporaryError] whose RetryAfter says how long to wait. With
// a [Journal] it records each finished action in
// an append-only file, so an import killed half way and started again
// with the same plan finishes without repeating or skipping an action.
//
// # Security
//
// Files are hostile input. The Reader holds the whole file in memory, at
// most [Reader.MaxBytes] ([DefaultMaxBytes], 20 MiB, as Mastodon), and
// reads at most [Reader.MaxRows] data rows ([DefaultMaxRows], 20,000);
// past those limits it returns [ErrTooLarge] or [ErrTooManyRows]. Files
// that are not UTF-8 text, hold NUL bytes or a quote that never closes
// are refused with [ErrMalformed], as is a line of more than 1,024
// cells. Blank lines are bounded by [Reader.MaxRows] too, counted apart
// from the data rows. Parsing is linear in the size of the file whatever
// its line ends (LF, CRLF or CR alone). [Planner.Plan] accepts any number of
// rows, and its memory is linear in them: beyond its input it takes less
// heap than the input holds (BenchmarkPlanMemory: 1,000,000 follows
// against 1,000,000 rows, either mode). A plan is refused when it would make the account follow more than
// [Planner.FollowLimit] accounts (Mastodon's 7,500, or 1.1 times the
// followers count) with a [*FollowLimitError], or hold more than
// [Planner.MaxLists] lists (50) with [ErrTooManyLists].
//
// # Compatibility
//
// The formats are those of Mastodon 2.x to 4.x (including the header-less
// follows files of 2017 and the two-column "Account address,Show boosts"
// files of 3.x), GoToSocial's exports (which add ports and a followers
// list) and files made by hand. The follow limit is Mastodon's (7,500, or
// 1.1 times the followers), counted on the follows the account would
// have after the plan, where Mastodon's import form adds the file's rows
// to the current follows (see [Planner.FollowLimit]). Imports apply
// to any server with the Mastodon client API (Mastodon, GoToSocial,
// Akkoma) through importer/mastodonapi.
package importer
