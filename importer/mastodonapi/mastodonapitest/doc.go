// Package mastodonapitest is a Mastodon API test server: an in-memory
// server with the part of Mastodon's client API that imports use, to test
// code built on package importer/mastodonapi (or any Mastodon client)
// without a real server, as net/http/httptest tests HTTP code.
//
// [New] makes a [Server] holding one account, reached with a bearer
// token; serve it with httptest.NewServer and point a
// [github.com/fediport/fediport/importer/mastodonapi.Client] at it. It keeps real state (follows with their
// settings, blocks, mutes, domain blocks, bookmarks, lists and their
// members), which [Server.Snapshot] returns, and behaves as Mastodon does
// where imports depend on it:
//
//   - every request must carry the token (401 otherwise);
//   - accounts are found by /api/v1/accounts/lookup if the server knows
//     them ([Server.AddAccount]), or only by a resolving search
//     ([Server.AddRemoteAccount]); statuses by a resolving search for
//     their URI ([Server.AddStatus]); anything else is 404;
//   - follow, block, mute, bookmark and list membership are
//     find-or-create; a list holds only followed accounts (422);
//   - collections are paginated with Link headers ([Server.PageSize]);
//   - a follow beyond [Server.FollowLimit] gets 422, and every
//     [Server.RateLimitEvery]-th request 429 with Mastodon's
//     X-RateLimit-Reset header.
//
// [Server.Calls] and [Server.Requests] count what a client asked.
//
// It is a test double, not a promise of Mastodon's behaviour beyond what
// is listed here; internal/interop tests the client against a real
// GoToSocial.
package mastodonapitest
