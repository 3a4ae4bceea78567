// Package importertest provides test doubles for package importer's
// destinations, as net/http/httptest and testing/fstest do for theirs:
//
//   - [Destination], an in-memory account that makes every kind of change
//     an import plans and reports its state, behaving as Mastodon does
//     where the engine depends on it; use it to test code that builds,
//     applies or reports plans without a server;
//   - [TestDestination], a conformance check a host runs against its own
//     destination (its database, its server's API) to learn whether
//     package importer's engine can drive it: find-or-create additions,
//     removals of what is absent that succeed, follow and mute settings
//     that are updated, lists named by title that hold followed accounts,
//     all confirmed by reading the state back.
//
// For a server with the Mastodon client API, importer/mastodonapi is the
// destination and importer/mastodonapi/mastodonapitest a test server.
package importertest
