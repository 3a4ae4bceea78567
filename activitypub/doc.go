// Package activitypub is the ActivityPub vocabulary account portability
// needs: actor documents with Mastodon's extensions, the Move activity and
// the checks a receiving server makes, WebFinger, HTTP signatures, and a
// signed fetch client that is safe to point at untrusted URLs.
//
// It speaks its own types, which keep every member of a document:
// decoders that map JSON onto fixed structs (go-ap's, say) drop what they
// do not know (alsoKnownAs, movedTo, PropertyValue values, relative IRIs
// such as an archive's "outbox.json"). Servers built on
// github.com/go-ap/activitypub convert with the subpackage
// [github.com/fediport/fediport/activitypub/goap], the one place go-ap's
// types appear.
//
// # Actors
//
// [ParseActor] decodes an actor document into an [Actor]. Decoding keeps
// every member, so a decoded actor encodes again without loss and with its
// unchanged members byte for byte; [Actor.Check] says whether it is usable.
// alsoKnownAs is read from a string or an array.
//
// # Moves
//
// [NewMove] builds a Move in Mastodon's exact form and [ParseMove] reads
// one. [VerifyMove] is the pure check a server makes before it moves
// followers to the Move's target: it compares the Move with the origin and
// target actor documents and lists every failed check in a *[MoveError]
// ([MoveAliasMissing], [MoveTargetSuspended], ...). It does no I/O: the
// caller authenticates the request and fetches the target freshly
// (package migrate does both). [NewUpdate] builds the Update that
// announces a changed actor (an alias added, movedTo set), byte for byte
// as Mastodon sends it.
//
// # HTTP signatures, fetching and WebFinger
//
// [Signer] signs outgoing requests with draft-cavage HTTP signatures as
// Mastodon does: POSTs cover "(request-target) host date digest
// content-type" with a SHA-256 Digest of the body, GETs "(request-target)
// host date accept", and the algorithm is written "rsa-sha256" (RSA keys) or
// "hs2019" (Ed25519). [Verifier] checks incoming requests as Mastodon does:
// rsa-sha256 or hs2019 (absent means hs2019), the header order the signature
// gives, coverage of date or (created), host on GET and digest on POST, the
// Digest against the body (capped at 1 MiB), and a Date from 1 h 5 min old
// to 1 h ahead. Keys come from a [KeyResolver] (a [Client] is one), are
// fetched once more when a signature fails (keys rotate), and are not
// assumed to end in "#main-key"; [Verified.CheckActor] ties the signer to an
// activity's actor. Every failure is a *[SignatureError] whose Reason
// says which check failed ([SignatureStale], [SignatureDigest], ...).
// Signatures are made and checked with go-fed/httpsig; fediport parses the
// Signature header itself (go-fed's parser breaks on spaces) and does the
// checks go-fed skips (Digest, Date). RFC 9421 HTTP Message Signatures
// (a Signature-Input header) are verified beside draft-cavage, with
// RSA v1.5, RSA-PSS and Ed25519 keys and RFC 9530 Content-Digest, and
// [Signer.Scheme] signs with them; [Verified.Scheme] says which verified.
// Both are tested against Fedify and RFC 9421's own example.
//
// [Client] fetches actors ([Client.FetchActor]), any document
// ([Client.Fetch]) and collections page by page ([Client.FetchCollection]),
// signing GETs when given a [Signer], and resolves accounts with WebFinger
// ([Client.WebFinger], [Client.ResolveActor]): user@host, @user@host,
// acct:user@host (internationalised domains in punycode, ports kept) or an
// actor URL. [WebFingerHandler] serves /.well-known/webfinger from a lookup
// function.
//
// # Security
//
// A [Client] fetches https only, and refuses loopback, private,
// link-local, multicast, CGNAT and other non-public addresses when it dials,
// after name resolution, so neither DNS rebinding nor a redirect can reach
// them; AllowPrivate and AllowHTTP lift this for tests. Responses are capped
// at 1 MiB ([Client.MaxBytes]), fetches at 10 s and 3 redirects,
// collections at 100 pages. A
// fetched actor's id must be the URL fetched; a document at another URL
// (a profile page) counts only once its id, on the same host, is fetched
// and serves exactly that id, as Mastodon's fetch_resource does. So a
// server speaks only for its own actors, and a URL only for the actor it
// serves. A WebFinger self link naming an actor on another host than the
// account's must be confirmed by the actor's host with a reverse query
// ([WebFingerSelfUnconfirmed]), as Mastodon checks.
//
// Documents are limited to [MaxDocumentBytes] (1 MiB). Parsers never panic
// on input and are fuzzed, the JSON codec against encoding/json. Alias
// checks compare actor URIs exactly, as Mastodon does: a different case or
// a trailing slash is another actor.
//
// # Errors
//
// Callers branch on a handful of sentinels: a request not signed
// ([ErrNoSignature]) or its signature refused ([ErrBadSignature]); a key
// that cannot be had ([ErrKeyUnavailable]), is another actor's
// ([ErrKeyOwner]) or cannot be used ([ErrInvalidKey]); a document that is
// malformed ([ErrMalformed]), too large ([ErrTooLarge]) or not where it
// claims to be ([ErrIDMismatch]); a Move refused ([ErrMoveRefused]); an
// invalid URL or account address ([ErrInvalidAddress]); a fetch refused
// ([ErrRefused]); a document not found ([ErrNotFound]) or deleted
// ([ErrGone]). Each comes in a typed error naming its subject, whose
// Reason field holds the finer reason: [SignatureReason],
// [DocumentReason], [MoveReason], [FetchReason], [WebFingerReason].
// Reasons are errors too, so errors.Is matches them as it matches
// syscall.Errno values. A fetch that may pass later reports it with a
// Temporary method (*[FetchError], *[StatusError], which also carries the
// server's Retry-After).
//
// # Compatibility
//
// Actor documents from Mastodon 2.x to 4.8 (key ids "#main-key" and
// 4.7's "#rsa-<hex>", actor paths "/users/<name>" and 4.5's
// "/ap/users/<id>"), GoToSocial and Akkoma. Moves in Mastodon's form (no
// addressing, "#moves/<n>" ids) and GoToSocial's ("to" the followers
// collection, "/moves/<ULID>" ids) are read; Mastodon's is written.
package activitypub
