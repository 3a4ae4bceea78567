// Package interop tests fediport against real fediverse servers that it
// does not control: today two GoToSocial instances (old.test and
// new.test, from ../shared/peers/gotosocial), federating with a small
// server built here from fediport's public packages only (fp.test).
//
// The tests run when FEDIPORT_GTS_TOKENS names the tokens file the
// peers' start.sh writes (export TOKEN_OLD_ALICE=... lines) and skip,
// saying so, otherwise:
//
//	flock -o /tmp/fediport-gts.lock ../shared/peers/gotosocial/start.sh
//	FEDIPORT_GTS_TOKENS=/tmp/gts-tokens.env go test -race -count=1 ./internal/interop/...
//	../shared/peers/gotosocial/stop.sh
//
// The suite changes the peers' accounts for good (it moves accounts,
// which GoToSocial refuses to do twice), so each run needs freshly
// started peers. The fediport side listens on 127.0.0.4:80 as fp.test
// (FEDIPORT_INTEROP_ADDR changes the address), a name the peers must
// resolve: the suite adds it to /etc/hosts when it can. Its accounts'
// keys are kept in $TMPDIR/fediport-interop-keys, since the peers cache
// the keys they have fetched.
//
// What it covers: WebFinger and signed fetches of GoToSocial actors,
// keys and paged collections; move-check before and after the alias and
// after the move; a Move sent by GoToSocial verified and accepted by
// migrate.Receiver; a Move sent by migrate.Mover that makes a GoToSocial
// follower follow the new account; every CSV type imported with
// mastodon-import in merge and overwrite mode, read back through
// GoToSocial's CSV exports; an import killed with SIGKILL and resumed;
// csv-inspect on GoToSocial's exports, its 0-byte files included.
//
// Post import (posts_test.go) runs examples/post-import against
// GoToSocial's client API: importer/posts' test archive imported
// backdated and read back (dates, order, threading, content warning,
// media with alt text and focal point, each visibility, the poll as
// text, no mention left, no notification to the account it mentions,
// and each post found again as a run after a crash looks for it:
// TestPostImport); a generated archive of 400 statuses with post-import
// killed by SIGKILL midway and run again, leaving exactly one copy of
// each post (TestPostImportKilledAndResumed, which logs posts per
// second); boosts made again, once (TestPostImportBoosts); and -target
// mastodon, posts made now with their date in the text
// (TestPostImportMastodonTarget). The same code runs in the unit tests
// against package mastodonapitest's test server, which answers as
// GoToSocial or as Mastodon.
//
// [Server] is that fediport side: WebFinger, actors with keys, inboxes
// that verify HTTP signatures, accept follows and hand Moves to a
// [migrate.Receiver], and an instance actor whose key signs every fetch
// (GoToSocial answers 401 to unsigned fetches).
package interop
