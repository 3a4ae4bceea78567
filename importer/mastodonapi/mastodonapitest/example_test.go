package mastodonapitest_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"time"

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

// Answering as GoToSocial, the server backdates a status posted with
// scheduled_at in the past, and refuses one that would mention someone.
func ExampleServer_goToSocial() {
	s := mastodonapitest.New("new.example", "alice", "token")
	s.GoToSocial = true
	srv := httptest.NewServer(s)
	defer srv.Close()

	ctx := context.Background()
	client := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
	at := time.Date(2019, 1, 2, 10, 30, 0, 0, time.UTC)
	st, err := client.PostStatus(ctx, &mastodonapi.NewStatus{Status: "hello, 2019", ScheduledAt: at})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.CreatedAt.Format(time.DateOnly), len(s.Statuses()))
	_, err = client.PostStatus(ctx, &mastodonapi.NewStatus{Status: "hi @bob@far.example", ScheduledAt: at})
	fmt.Println(err)
	// Output:
	// 2019-01-02 1
	// mastodonapi: POST /api/v1/statuses: 422 Unprocessable Entity: backdated statuses may not mention other accounts
}

// FailNext makes the next requests to a route fail: here the server
// creates the status and loses the answer, so the client cannot know.
func ExampleServer_FailNext() {
	s := mastodonapitest.New("new.example", "alice", "token")
	srv := httptest.NewServer(s)
	defer srv.Close()

	s.FailNext("POST /api/v1/statuses", mastodonapitest.FailLost, mastodonapitest.Fail500)
	client := &mastodonapi.Client{BaseURL: srv.URL, Token: "token"}
	for range 3 {
		_, err := client.PostStatus(context.Background(), &mastodonapi.NewStatus{Status: "hello"})
		fmt.Println(err != nil, len(s.Statuses()))
	}
	// Output:
	// true 1
	// true 1
	// false 2
}
