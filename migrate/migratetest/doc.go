// Package migratetest provides test doubles for hosts of package
// migrate, as net/http/httptest and testing/fstest do for theirs: in-memory
// implementations of migrate's store interfaces, conformance checks a host
// runs against its own implementations, and a whole fediverse instance on
// loopback for tests and examples.
//
// # In-memory stores
//
// [Graph] is a server's social graph in memory: it implements every
// interface a [migrate.Transfer] consumes ([migrate.Relationships],
// [migrate.RelatedAccounts], [migrate.FollowWriter], [migrate.ListWriter],
// [migrate.ModerationWriter]) and [migrate.FollowRewriter], pages through
// related accounts by key as a database would, counts the calls it gets,
// and can be told to leave follows pending, refuse them, or fail them a
// number of times. [Moves] implements [migrate.MoveRecorder], [Accounts]
// [migrate.AccountWriter] and [migrate.MoveHistory].
//
// # Conformance checks
//
// A host that implements migrate's interfaces over its own database runs
// the checks in its tests, as it would run fstest.TestFS against a file
// system:
//
//	func TestStore(t *testing.T) {
//		migratetest.TestTransferStore(t, func(t *testing.T) migratetest.Store { return newTestDB(t) })
//		migratetest.TestMoveRecorder(t, func(t *testing.T) migrate.MoveRecorder { return newTestDB(t) })
//	}
//
// [TestTransferStore] checks what a Transfer relies on (relationships read
// back as written, each related account streamed once even while the
// transfer changes the graph, writes that can be repeated, and a whole
// transfer that moves everything and then has nothing left to do);
// [TestMoveRecorder] checks that recording a Move is atomic, which is what
// stops a Move from being replayed.
//
// # A loopback instance
//
// [Server] is an in-memory fediverse server on a loopback httptest
// server, built only from fediport's public API (packages activitypub and
// migrate, and archive, export and importer for its data). It serves
// WebFinger, actors, inboxes (HTTP signatures verified), outboxes,
// statuses, media, followers and following over real HTTP, federates
// follows with signed Follow/Accept/Reject/Undo deliveries, and receives
// Moves with a migrate.Receiver; examples/quickstart runs a whole move
// between three of them.
//
// Start one with [Server.Start], create accounts with
// [Server.CreateAccount], act with [Server.Post], [Server.Follow],
// [Server.Block] and the rest, read the state back with
// [Server.Relationship], [Server.Followers] and friends, check a move with
// the *migrate.Checker of [Server.Checker], and run it with the
// *migrate.Mover that [Server.Mover] returns for an account.
//
// It keeps everything in memory under one mutex, answers every inbox POST
// synchronously (a Move's followers are transferred before the inbox
// answers, so when Mover.Move returns every follower's server is done),
// and is not meant to face the Internet.
//
// A whole move between three instances:
//
//	old, nw, fol := &migratetest.Server{}, &migratetest.Server{}, &migratetest.Server{}
//	old.Start(); nw.Start(); fol.Start() // and Close them when done
//	old.CreateAccount("alice", migratetest.Profile{Name: "Alice"})
//	nw.CreateAccount("alice", migratetest.Profile{})
//	fol.CreateAccount("bob", migratetest.Profile{})
//	fol.Follow(ctx, "bob", old.Handle("alice"))        // signed Follow, Accept
//
//	newMover, _ := nw.Mover("alice")
//	a, _ := nw.Actor("alice")
//	newMover.AddAlias(ctx, a, old.Handle("alice"))     // WebFinger, fetch, Update
//
//	old.Checker().Check(ctx, old.Handle("alice"), nw.Handle("alice")) // *migrate.Report
//	oldMover, _ := old.Mover("alice")
//	o, _ := old.Actor("alice")
//	oldMover.Move(ctx, o, nw.Handle("alice"))          // Update + Move, followers move
//
//	fol.Relationship(ctx, "bob", nw.ActorID("alice")) // Following: true
//
// For a same-server move, call Mover.MoveLocal with the server itself as
// the migrate.FollowRewriter. [Server.Exporter] gives an account's data
// to package export, and [Server.Importer] applies package importer's
// plans to an account. [Server.ServeClientAPI] serves a Mastodon client
// API for an account (a mastodonapitest.Server, under /api/ on the same
// host), so that package importer/posts can import posts into it.
// Accounts are named by username in the server's own
// methods, and other accounts by address (alice@host) or actor URI. Keys
// are RSA; KeyBits 1024 makes tests faster.
package migratetest
