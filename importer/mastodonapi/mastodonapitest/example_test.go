package mastodonapitest_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// Apply a follows import to the test server, through the Mastodon API
// client, and look at the account's state.
func Example() {
	s := mastodonapitest.New("new.example", "me", "token")
	s.AddAccount("alice@old.example")
	s.AddRemoteAccount("bob@far.example") // found by a resolving search only
	srv := httptest.NewServer(s)
	defer srv.Close()

	ctx := context.Background()
	client := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
	current, err := client.ReadState(ctx, importer.Following)
	if err != nil {
		fmt.Println(err)
		return
	}
	rows := []importer.Row{{Account: "alice@old.example"}, {Account: "bob@far.example"}, {Account: "gone@old.example"}}
	plan, err := (&importer.Planner{}).Plan(importer.Following, importer.Merge, current, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := (&importer.Engine{Concurrency: 1}).Apply(ctx, plan, client.Destination())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d applied, %d failed\n", res.Applied, len(res.Failed))
	for _, acct := range slices.Sorted(maps.Keys(s.Snapshot().Following)) {
		fmt.Println("follows", acct)
	}
	for _, f := range res.Failed {
		fmt.Println("failed:", f.Err)
	}
	// Output:
	// 2 applied, 1 failed
	// follows alice@old.example
	// follows bob@far.example
	// failed: mastodonapi: account gone@old.example not found
}
