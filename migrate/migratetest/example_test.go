package migratetest_test

import (
	"context"
	"fmt"

	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
)

// A Graph stands in for a server's database in a test of a transfer.
func ExampleGraph() {
	const origin, target = "https://old.example/users/alice", "https://new.example/users/alice"
	var g migratetest.Graph
	g.Set("bob", origin, migrate.Relationship{Following: true, Lists: []string{"friends"}})
	g.Set("carol", origin, migrate.Relationship{Blocking: true})
	g.Lock(target) // the new account approves followers

	stats, err := g.Transfer().RunAll(context.Background(), origin, target)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d units: %d pending, %d unfollowed, %d blocked\n", stats.Units, stats.Pending, stats.Unfollowed, stats.Blocked)
	fmt.Println(g.Calls())
	// Output:
	// 2 units: 1 pending, 1 unfollowed, 1 blocked
	// [follow bob https://new.example/users/alice lists bob https://new.example/users/alice [friends] unfollow bob https://old.example/users/alice]
}

// A whole move between three servers on loopback: the new account lists
// the old one as an alias, the pre-flight check passes, and the Move makes
// bob's server follow the new account.
func ExampleServer() {
	ctx := context.Background()
	old, nw, friends := &migratetest.Server{KeyBits: 1024}, &migratetest.Server{KeyBits: 1024}, &migratetest.Server{KeyBits: 1024}
	for _, s := range []*migratetest.Server{old, nw, friends} {
		s.Start()
		defer s.Close()
	}
	for _, a := range []struct {
		s    *migratetest.Server
		user string
	}{{old, "alice"}, {nw, "alice"}, {friends, "bob"}} {
		if _, err := a.s.CreateAccount(a.user, migratetest.Profile{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	if _, err := friends.Follow(ctx, "bob", old.Handle("alice")); err != nil {
		fmt.Println(err)
		return
	}

	newMover, _ := nw.Mover("alice")
	account, _ := nw.Actor("alice")
	if _, err := newMover.AddAlias(ctx, account, old.Handle("alice")); err != nil {
		fmt.Println(err)
		return
	}
	report, err := old.Checker().Check(ctx, old.Handle("alice"), nw.Handle("alice"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ready:", report.Ready())

	oldMover, _ := old.Mover("alice")
	origin, _ := old.Actor("alice")
	res, err := oldMover.Move(ctx, origin, nw.Handle("alice"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Move delivered to", res.Deliveries[1].Delivered, "inbox")
	r, _ := friends.Relationship(ctx, "bob", nw.ActorID("alice"))
	fmt.Println("bob follows the new account:", r.Following)
	// Output:
	// ready: true
	// Move delivered to 1 inbox
	// bob follows the new account: true
}
