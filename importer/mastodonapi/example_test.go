package mastodonapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// Example imports a follows file into an account: read the file, read
// what the account follows now, plan, apply. A fake server stands in for
// a real one.
func Example() {
	fake := mastodonapitest.New("new.example", "me", "TOKEN")
	fake.AddRemoteAccount("alice@old.example")
	fake.AddRemoteAccount("bob@far.example")
	srv := httptest.NewServer(fake)
	defer srv.Close()

	ctx := context.Background()
	client := &mastodonapi.Client{BaseURL: srv.URL, Token: "TOKEN"}
	file := "Account address,Show boosts,Notify on new posts,Languages\n" +
		"alice@old.example,false,true,\n" +
		"bob@far.example,true,false,\n" +
		"nobody@gone.example,true,false,\n"
	rows, err := importer.NewReader(strings.NewReader(file), importer.Following).ReadAll()
	if err != nil {
		fmt.Println(err)
		return
	}
	current, err := client.ReadState(ctx, importer.Following)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := (&importer.Planner{LocalDomain: "new.example"}).Plan(importer.Following, importer.Merge, current, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := (&importer.Engine{}).Apply(ctx, plan, client.Destination())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d applied, %d failed\n", res.Applied, len(res.Failed))
	for _, f := range res.Failed {
		fmt.Printf("%s: %v\n", f.Action.Account, f.Err)
	}
	st, _ := client.ReadState(ctx, importer.Following)
	slices.SortFunc(st.Following, func(a, b importer.Row) int { return strings.Compare(a.Account, b.Account) })
	for _, r := range st.Following {
		fmt.Printf("following %s, boosts %t, notify %t\n", r.Account, *r.ShowBoosts, *r.Notify)
	}
	// Output:
	// 2 applied, 1 failed
	// nobody@gone.example: mastodonapi: account nobody@gone.example not found
	// following alice@old.example, boosts false, notify true
	// following bob@far.example, boosts true, notify false
}
