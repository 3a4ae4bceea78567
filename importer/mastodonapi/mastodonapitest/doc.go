// Package mastodonapitest is a Mastodon API test server: an in-memory
// server with the part of Mastodon's client API that imports use, to test
// code built on package importer/mastodonapi, importer/posts (or any
// Mastodon client) without a real server, as net/http/httptest tests
// HTTP code.
//
// [New] makes a [Server] holding one account, reached with a bearer
// token; serve it with httptest.NewServer and point a
// [github.com/fediport/fediport/importer/mastodonapi.Client] at it. It
// keeps real state, which its methods return:
//
//   - for CSV imports, follows with their settings, blocks, mutes, domain
//     blocks, bookmarks, lists and their members ([Server.Snapshot]);
//   - for post import, the statuses the account posted ([Server.Statuses]),
//     the files it uploaded ([Server.Media]) and the statuses it boosted
//     ([Server.Boosted]).
//
// The routes: GET /api/v2/instance (and v1; public, with the limits of
// statuses and media), verify_credentials, accounts/lookup,
// /api/v2/search (accounts and statuses), accounts/relationships,
// accounts/:id/{follow,unfollow,block,unblock,mute,unmute,following,
// statuses}, blocks, mutes, domain_blocks, bookmarks,
// statuses/:id/{bookmark,unbookmark,reblog}, lists and lists/:id/accounts,
// POST /api/v1/statuses, GET /api/v1/statuses/:id, POST /api/v2/media and
// GET /api/v1/media/:id. Anything else is 404.
//
// It behaves as Mastodon does where clients depend on it:
//
//   - every request but the instance's must carry the token (401
//     otherwise);
//   - accounts are found by lookup if the server knows them
//     ([Server.AddAccount]), or only by a resolving search
//     ([Server.AddRemoteAccount]); other accounts' statuses by a resolving
//     search for their URI ([Server.AddStatus]);
//   - follow, block, mute, bookmark and list membership are
//     find-or-create; a list holds only followed accounts;
//   - collections are paginated with Link headers ([Server.PageSize]), the
//     account's statuses by max_id, highest id first; status ids sort by
//     creation time, as Mastodon's and GoToSocial's do;
//   - a follow beyond [Server.FollowLimit] gets 422.
//
// With [Server.GoToSocial] set it answers as GoToSocial does where the two
// differ:
//
//   - scheduled_at in the past backdates a status to that time (Mastodon:
//     422), and a backdated status that mentions another account or
//     replies to another account's status is refused (422);
//   - the Idempotency-Key header is ignored (Mastodon answers a repeated
//     key with the status it created);
//   - a second boost of a status makes another boost, as GoToSocial
//     does (Mastodon answers with the first boost);
//   - there are no per-account domain blocks (404), relationships carry
//     no languages member, and list refusals are worded as GoToSocial's
//     ("already in list" 422, "not currently followed" 404);
//   - the instance's source_url names gotosocial, and a rate limit's
//     X-RateLimit-Reset is a Unix time rather than an ISO 8601 one.
//
// Failures are injected one way: [Server.FailNext] queues failures for a
// route ([Fail500], [Fail429], [Fail429Wait], and [FailLost], which does
// the work and loses the answer), and [Server.RateLimitEvery] makes every
// nth request a [Fail429Wait]. [Server.Calls] and [Server.Requests] count
// what a client asked.
//
// It is a test double, not a promise of either server's behaviour beyond
// what is listed here; internal/interop tests the clients against a real
// GoToSocial.
package mastodonapitest
