// Package poststest is a test double for package posts: a small
// Mastodon client API server on loopback that takes statuses and media
// uploads, and behaves as GoToSocial does for backdated posts when asked.
// Tests of a program that imports posts run it against a [Server], as
// net/http/httptest's servers are used.
package poststest
