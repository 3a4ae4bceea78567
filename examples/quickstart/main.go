// Command quickstart shows an account move with fediport.
//
// This first version shows the part of the move that exists so far: the
// new account lists the old one as an alias, the old account's server
// builds the Move, and a follower's server checks it.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/fediport/fediport/activitypub"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	origin := &activitypub.Actor{ID: "https://old.example/users/alice", Type: "Person", Inbox: "https://old.example/users/alice/inbox"}
	target := &activitypub.Actor{ID: "https://new.example/users/alice", Type: "Person", Inbox: "https://new.example/users/alice/inbox"}

	move := activitypub.NewMove(activitypub.MoveID(origin.ID, 1), origin.ID, target.ID)
	body, err := move.MarshalJSON()
	if err != nil {
		return err
	}
	fmt.Printf("1. the old account's server builds the Move:\n   %s\n", body)

	err = activitypub.VerifyMove(move, origin, target)
	if !errors.Is(err, activitypub.ErrAliasMissing) {
		return fmt.Errorf("want the move refused before the alias exists, got %v", err)
	}
	fmt.Printf("2. before the alias exists, a follower's server refuses it:\n   %v\n", err)

	target.AlsoKnownAs = append(target.AlsoKnownAs, origin.ID)
	if err := activitypub.VerifyMove(move, origin, target); err != nil {
		return err
	}
	fmt.Println("3. once the new account lists the old one in alsoKnownAs, the Move is accepted")
	return nil
}
