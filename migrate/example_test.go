package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// The pre-flight check tells the user what is missing. Here the
// accounts come from memory; give a Checker an *activitypub.Client and
// migrate.WebFinger(client) to check live servers.
func ExampleChecker_Check() {
	origin := &activitypub.Actor{ID: "https://old.example/users/alice", PreferredUsername: "alice", Inbox: "https://old.example/users/alice/inbox"}
	target := &activitypub.Actor{ID: "https://new.example/users/alice", PreferredUsername: "alice", Inbox: "https://new.example/users/alice/inbox"}
	c := &migrate.Checker{
		Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
			for _, a := range []*activitypub.Actor{origin, target} {
				if a.ID == id {
					return a, nil
				}
			}
			return nil, activitypub.ErrNotFound
		}),
	}

	report, err := c.Check(context.Background(), origin.ID, target.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range report.Problems {
		fmt.Println(p.Advice)
	}
	fmt.Println(errors.Is(report.Err(), activitypub.MoveAliasMissing))

	target.AlsoKnownAs = []string{origin.ID}
	report, _ = c.Check(context.Background(), origin.ID, target.ID)
	fmt.Println(report.Ready())
	// Output:
	// add alice@old.example as an alias on the new account alice@new.example first (its alsoKnownAs must list https://old.example/users/alice)
	// true
	// true
}

// The decision guide turns a goal into steps.
func ExampleSteps() {
	goal, _ := migrate.ParseGoal("move")
	steps, _ := migrate.Steps(goal)
	for i, s := range steps {
		opt := ""
		if s.Optional {
			opt = " (optional)"
		}
		fmt.Printf("%d. %s%s\n", i+1, s.Title, opt)
	}
	// Output:
	// 1. Export your data
	// 2. Create the new account on the other server
	// 3. Add the old account as an alias of the new one
	// 4. Check that everything is ready
	// 5. Copy the profile (optional)
	// 6. Move the old account
	// 7. Import on the new account
}

// BuildMove returns the Move in Mastodon's exact form, and the actor with
// movedTo set.
func ExampleBuildMove() {
	origin := &activitypub.Actor{ID: "https://old.example/users/alice"}
	out, _ := migrate.BuildMove(origin, "https://new.example/users/alice", time.Unix(42, 0))
	fmt.Println(string(out.Move))
	fmt.Println(out.Actor.MovedTo)
	// Output:
	// {"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/42","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}
	// https://new.example/users/alice
}

// A receiving server refuses a Move whose target does not list the
// origin, whatever the Move claims.
func ExampleReceiver_Receive() {
	target := &activitypub.Actor{ID: "https://new.example/users/alice", Inbox: "https://new.example/users/alice/inbox"}
	r := &migrate.Receiver{
		Actors: migrate.ActorFetcherFunc(func(context.Context, string) (*activitypub.Actor, error) { return target, nil }),
		Records: migrate.MoveRecorderFunc(func(context.Context, string, string, time.Time, time.Time) (bool, error) {
			return true, nil
		}),
	}
	m := activitypub.NewMove("https://old.example/users/alice#moves/1", "https://old.example/users/alice", target.ID)
	// The signer, as the host's signature verification found it.
	signer := &activitypub.Verified{KeyID: "https://old.example/users/alice#main-key", Actor: "https://old.example/users/alice"}

	_, err := r.Receive(context.Background(), m, signer)
	fmt.Println(errors.Is(err, activitypub.MoveAliasMissing), migrate.StatusCode(err))

	target.AlsoKnownAs = []string{"https://old.example/users/alice"}
	acc, err := r.Receive(context.Background(), m, signer)
	fmt.Println(acc.Origin, "->", acc.Target.ID, err)
	// Output:
	// true 422
	// https://old.example/users/alice -> https://new.example/users/alice <nil>
}

// CopyProfile copies the display name and bio, and more when asked.
func ExampleCopyProfile() {
	old := &activitypub.Actor{ID: "https://old.example/users/alice", Name: "Alice", Summary: "<p>Gardener.</p>",
		Attachment: []activitypub.Field{{Type: "PropertyValue", Name: "Pronouns", Value: "she/her"}}}
	account := &activitypub.Actor{ID: "https://new.example/users/alice"}
	copied, changed := migrate.CopyProfile(account, old, migrate.ProfileFields)
	fmt.Println(copied.Name, copied.Summary, changed)
	// Output:
	// Alice <p>Gardener.</p> [name summary attachment]
}
