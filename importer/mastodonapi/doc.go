// Package mastodonapi applies imports to an account through the Mastodon
// client API, with an access token: it is the destination that package
// importer's [importer.Engine] drives, and the [importer.StateReader] a
// plan starts from.
//
// Reach for [Client]: set BaseURL and Token (its fields are its
// configuration; the zero value of each takes its default), read the
// current state with [Client.ReadState], compute a plan with
// [importer.Planner.Plan], and apply it with [importer.Engine.Apply] to
// [Client.Destination]. Accounts are resolved with
// /api/v1/accounts/lookup and then /api/v2/search?resolve=true (which
// makes the server fetch an account it does not know yet); statuses to
// bookmark with a resolving search for their URI. Resolved ids are
// cached for the Client's life.
//
// The same Client carries package importer/posts' post import:
// [Client.VerifyCredentials] checks the token and names the account,
// [Client.ReadInstanceLimits] reads the server's limits and software
// (public: no token needed, which is what a dry run reads),
// [Client.UploadMedia] uploads a file with its alt text and focal point
// (POST /api/v2/media, waiting for the server to process it),
// [Client.PostStatus] creates a status (POST /api/v1/statuses, with
// scheduled_at to backdate on GoToSocial and an Idempotency-Key), and
// [Client.AccountStatuses], [Client.GetStatus] and [Client.Reblog] find
// what an interrupted run made and boost again. PostStatus and Reblog
// are sent once: a failure that may have created the status is for the
// caller to check, as importer/posts does.
//
// Errors are [*Error] values (or [*NotFoundError] for what cannot be
// resolved) that unwrap to the sentinels [ErrNotFound] (404),
// [ErrRejected] (422, such as the follow limit, with the server's
// message), [ErrRateLimited] (429, with the wait from Retry-After or
// Mastodon's X-RateLimit-Reset), [ErrServer] (5xx or no answer) and
// [ErrUnauthorized]. [Error.Temporary] says whether trying again may
// work, and for a 429 [Error.RetryAfter] holds the wait; the error then
// unwraps to an [*importer.TemporaryError] carrying it, which is how the
// engine knows to wait that long. The reads of ReadState retry the
// same way, with the engine's defaults (package internal/backoff is the
// one implementation of both).
//
// Removals are idempotent: unfollowing, unblocking or unmuting an
// account the server cannot find, removing a member from a missing list,
// or deleting a missing list succeeds, as there is nothing to undo. So
// are additions, as the API's are find-or-create; a member already in a
// list is not an error.
//
// # Security
//
// The token is only ever sent to BaseURL's scheme and host: a Link
// header or an HTTP redirect pointing elsewhere (another host, another
// port, or plain http) is refused with [ErrUnexpected]. Nor is it sent
// unencrypted across a network: a plain http:// BaseURL is refused with
// [ErrPlainHTTP] unless every connection goes to a loopback address (a
// test server, a local peer) or [Client.AllowHTTP] is set. Each response
// body is bounded by
// [Client.MaxBytes] (default 8 MiB), each collection by
// [Client.MaxPages] pages, and server messages kept in errors are cut to
// 512 bytes.
//
// # Compatibility
//
// Written against Mastodon 4.x's API; the endpoints used are also those
// of GoToSocial and Akkoma/Pleroma, which differ in details, which the
// client handles: GoToSocial has no per-account domain blocks (404, an
// [importer.ErrUnsupported] type), keeps no per-follow languages
// ([importer.State.NoFollowLanguages]), words its refusals otherwise
// ("already in list": the list is read to see whether the member is
// there) and starts its messages with the status text; Akkoma's instance
// "uri" is a URL. Request bodies are JSON, which all three accept.
// internal/interop tests the client against a real GoToSocial, CSV and
// post import alike; package mastodonapitest is a test server for
// programs built on the client, answering as Mastodon or as GoToSocial,
// and importertest.TestDestination checks the client as a destination
// (TestClientConforms).
package mastodonapi
