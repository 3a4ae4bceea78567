// Package interop tests fediport against real fediverse servers that it
// does not control: today two GoToSocial instances (old.test and
// new.test, from ../shared/peers/gotosocial), federating with a small
// server built here from fediport's public packages only (fp.test).
//
// The tests run when FEDIPORT_GTS_TOKENS names the tokens file the
// peers' start.sh writes (export TOKEN_OLD_ALICE=... lines) and skip,
// saying so, otherwise:
//
//	flock /tmp/fediport-gts.lock ../shared/peers/gotosocial/start.sh
//	FEDIPORT_GTS_TOKENS=/tmp/gts-tokens.env go test -race ./internal/interop/...
//	flock /tmp/fediport-gts.lock ../shared/peers/gotosocial/stop.sh
//
// The suite changes the peers' accounts for good (it moves accounts,
// which GoToSocial refuses to do twice), so each run needs freshly
// started peers. The fediport side listens on 127.0.0.4:80 as fp.test
// (FEDIPORT_INTEROP_ADDR changes the address), a name the peers must
// resolve: the suite adds it to /etc/hosts when it can.
//
// [Server] is that fediport side: WebFinger, actors with keys, inboxes
// that verify HTTP signatures, accept follows and hand Moves to a
// [migrate.Receiver], and an instance actor whose key signs every fetch
// (GoToSocial answers 401 to unsigned fetches).
package interop
