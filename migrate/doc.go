// Package migrate moves a fediverse account's social graph from one
// server to another, on both sides, as Mastodon does: the new account
// lists the old one as an alias, the old account announces a Move and
// becomes a redirect, and each follower's server checks the Move and
// re-follows the new account. It builds on package activitypub for
// documents, HTTP signatures and fetching.
//
// A wrong check here lets an attacker steal followers, so verification is
// the heart of the package: see # Security.
//
// # Where to start
//
// On the new account's server: [Mover.AddAlias] (resolve the old account
// with WebFinger, fetch it freshly, store its actor URI in alsoKnownAs and
// federate the Update) and, optionally, [Mover.CopyProfile] (display
// name and bio, and when asked avatar, header and profile fields: the step
// fediport's source article promises and Mastodon lacks).
//
// On the old account's server: a [Checker] is the pre-flight check, the
// one way in (alias, cooldown, suspension, ...): [Checker.Check] resolves
// and fetches both accounts freshly, and each failure is a *[Problem]
// that tells the user what to do (the examples/move-check program is a
// Checker in a main). [Mover.Move] runs the same checks, sets movedTo,
// builds the Move in Mastodon's form ([BuildMove]) and delivers it and the
// actor Update through a [Deliverer] to the deduplicated [Inboxes] of
// followers, blockers and relays. [Mover.Redirect] and [Mover.Unredirect]
// set and clear movedTo without a Move.
//
// On a server receiving a Move: [Receiver.ReceiveRequest] (from an inbox
// request) or [Receiver.Receive] (from an activity whose signature the host
// verified) accepts or refuses it, then a [Transfer] moves the server's
// local followers (accepted follows only: pending follow requests stay
// with the origin, as in Mastodon), blocks and mutes of the origin to the
// target, through small interfaces the host implements ([Relationships],
// [RelatedAccounts], [FollowWriter], [ListWriter], [ModerationWriter]).
// Answer the inbox request with [StatusCode].
//
// When both accounts live on one server: [Mover.MoveLocal] rewrites the
// local follows at once through a [FollowRewriter] ([Transfer.MoveLocal]),
// with no federation for them.
//
// [Steps] is the decision guide as code: from a [Goal] (leave for good,
// move to another server, start fresh on the same server) the ordered
// [Step]s, each of a [StepKind].
//
// # Configuration
//
// The working types ([Checker], [Mover], [Deliverer], [Transfer],
// [Receiver]) are configured by their exported fields, whose zero values
// work except where a field says it is required; each default is a
// DefaultXxx constant. Methods do the work. Progress is reported through a
// field Progress holding a func of one value ([DeliveryProgress],
// [TransferProgress]), called from one goroutine at a time. Retries follow
// MaxAttempts, BaseDelay and MaxDelay (exponential, full jitter), an
// inbox's Retry-After up to MaxRetryAfter, and a per-host breaker
// (HostFailures, HostCooldown): the same knobs, and the same code, as
// package importer's engine.
//
// # Job queues
//
// Both long-running parts are made of independent, idempotent units a
// host can put on its own job queue instead of running them in process:
// a [TransferUnit] per local account ([Transfer.Units] streams them,
// [Transfer.Run] runs one; run it again after a crash), and a
// [DeliveryUnit] per inbox ([Deliverer.Deliver] sends one, once, and its
// *[DeliveryError] says whether a failure is temporary;
// [Deliverer.RetryDelay] says when to try again). The in-process runners,
// [Transfer.RunAll] and [Deliverer.DeliverAll], bound concurrency, stream
// (memory does not grow with the number of followers) and resume: the
// transfer by idempotence, the delivery through a [DeliveryLog], an
// append-only file fsync'd per success (fediport's one journal format,
// CRC'd lines with torn-tail recovery), so that a killed process does not
// send twice to an inbox that accepted.
// Package github.com/fediport/fediport/migrate/riverjobs, a module of its
// own, runs both on River, a job queue in SQLite or PostgreSQL, across
// worker processes and machines.
//
// # Testing a host
//
// Package github.com/fediport/fediport/migrate/migratetest has in-memory
// implementations of the interfaces above, conformance checks a host runs
// against its own (TestTransferStore, TestMoveRecorder), and a whole
// fediverse instance on loopback for tests and examples.
//
// # Errors
//
// Callers branch on a handful of sentinels: a move that cannot go ahead
// yet ([ErrNotReady]: a *[PreflightError] of *[Problem]s, each with a
// [PreflightReason] and advice for the user), a Move a receiving server
// refused ([ErrMoveRefused]: a *[RefusedError] whose [RefusalReason] says
// why, and which [StatusCode] turns into the inbox's answer), a follow the
// target refused ([ErrFollowRefused]), an inbox that did not accept
// ([ErrDeliveryFailed], [ErrHostPutAside]: a *[DeliveryError] whose
// Temporary method says whether to try again), and [ErrTooManyAliases],
// [ErrNotRedirected], [ErrUnknownGoal]. Reasons are errors too, so
// errors.Is matches them; checks a receiving server shares with
// package activitypub also match activitypub's reason
// (activitypub.MoveAliasMissing, say).
//
// # Security
//
// A receiving server accepts a Move only when the request's HTTP signature
// verifies (Digest against the body, Date within the window), the signing
// key belongs to the Move's actor and lives on the actor's host, actor and
// object are the same, and the target, fetched freshly through a client
// that refuses private and loopback addresses, oversized and slow answers,
// exists, is not suspended, has not moved on, and lists the origin in
// alsoKnownAs, compared exactly (activitypub.VerifyMove). Nothing in the
// Move's body is trusted: an alias claimed there counts for nothing. Each
// origin is processed at most once per [ReplayWindow]. Refusals are
// *[RefusedError]s whose [RefusalReason] names the attack, and
// change nothing in the store; testdata/vectors/attacks holds one vector
// per attack, run over real HTTP.
//
// Deliveries go through activitypub.NewTransport, which refuses to dial
// non-public addresses unless [Deliverer.AllowPrivate]; redirects are not
// followed. Profile copies copy image URLs, not images: a host should
// fetch and store its own copies through a client that refuses private
// addresses.
//
// # Compatibility
//
// Moves are sent in Mastodon's exact form ("#moves/<n>" ids, no
// addressing) and GoToSocial's form is accepted. The rules are Mastodon's
// (4.x): a 30-day [Cooldown] between moves, a 7-day [ReplayWindow], 256
// aliases at most ([MaxAliases]), follows moved with their show-boosts,
// notify and languages settings and list memberships, blocks and mutes
// carried over, the origin unfollowed only once the new follow was
// delivered. fediport goes further than Mastodon in copying the profile,
// which is explicit and optional.
package migrate
