package activitypub_test

import (
	"errors"
	"fmt"

	"github.com/fediport/fediport/activitypub"
)

// A Move in Mastodon's form, as the old account's server sends it.
func ExampleNewMove() {
	origin := "https://old.example/users/alice"
	m := activitypub.NewMove(activitypub.MoveID(origin, 42), origin, "https://new.example/users/alice")
	out, _ := m.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// {"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/42","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}
}

// A receiving server checks a Move against the origin and a freshly
// fetched target before it moves anyone.
func ExampleVerifyMove() {
	m, _ := activitypub.ParseMove([]byte(`{"id":"https://old.example/users/alice#moves/1","type":"Move",
		"actor":"https://old.example/users/alice","object":"https://old.example/users/alice",
		"target":"https://new.example/users/alice"}`))
	origin, _ := activitypub.ParseActor([]byte(`{"id":"https://old.example/users/alice"}`))

	// The target has not listed the origin as an alias yet.
	target, _ := activitypub.ParseActor([]byte(`{"id":"https://new.example/users/alice"}`))
	err := activitypub.VerifyMove(m, origin, target)
	var me *activitypub.MoveError
	if errors.As(err, &me) {
		fmt.Println(me.Reasons, me.Has(activitypub.MoveAliasMissing))
	}

	// Once it has, the Move is accepted.
	target.AlsoKnownAs = append(target.AlsoKnownAs, origin.ID)
	fmt.Println(activitypub.VerifyMove(m, origin, target))
	// Output:
	// [activitypub: target does not list the origin in alsoKnownAs] true
	// <nil>
}

// Decoding and encoding an actor keeps members this package does not know.
func ExampleParseActor() {
	a, err := activitypub.ParseActor([]byte(`{"id":"https://new.example/users/alice","type":"Person","alsoKnownAs":"https://old.example/users/alice","someExtension":{"x":1}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.AlsoKnownAs)
	a.Name = "Alice"
	out, _ := a.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// [https://old.example/users/alice]
	// {"id":"https://new.example/users/alice","type":"Person","alsoKnownAs":"https://old.example/users/alice","someExtension":{"x":1},"name":"Alice"}
}
