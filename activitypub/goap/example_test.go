package goap_test

import (
	"fmt"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/activitypub/goap"
)

// A server built on go-ap receives a Move as go-ap's type and checks it
// with fediport.
func ExampleFromMove() {
	origin := "https://old.example/users/alice"
	v := goap.ToMove(activitypub.NewMove(activitypub.MoveID(origin, 1), origin, "https://new.example/users/alice"))

	m, err := goap.FromMove(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	target := &activitypub.Actor{ID: "https://new.example/users/alice", AlsoKnownAs: []string{origin}}
	fmt.Println(activitypub.VerifyMove(m, &activitypub.Actor{ID: origin}, target))
	out, _ := m.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// <nil>
	// {"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/1","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}
}

// An Update built with go-ap carries the whole fediport actor, alsoKnownAs
// included.
func ExampleToUpdate() {
	a := &activitypub.Actor{
		ID:          "https://new.example/users/alice",
		Type:        "Person",
		Inbox:       "https://new.example/users/alice/inbox",
		AlsoKnownAs: []string{"https://old.example/users/alice"},
	}
	u := goap.ToUpdate(activitypub.NewUpdate(a.ID+"#updates/1", a))
	out, _ := goap.Encode(nil, u)
	fmt.Println(string(out))
	// Output:
	// {"id":"https://new.example/users/alice#updates/1","type":"Update","to":["https://www.w3.org/ns/activitystreams#Public"],"actor":"https://new.example/users/alice","object":{"id":"https://new.example/users/alice","type":"Person","inbox":"https://new.example/users/alice/inbox","alsoKnownAs":["https://old.example/users/alice"]}}
}
