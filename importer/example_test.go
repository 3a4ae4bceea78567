package importer_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/fediport/fediport/importer"
)

// Read a follows file as a user might upload it: a byte order mark, CRLF
// line ends, a blank line, a handle with a leading "@", and one line that
// is not an address.
func ExampleNewReader() {
	file := "\uFEFFAccount address,Show boosts,Notify on new posts,Languages\r\n" +
		"@alice@social.example,true,false,\"de, en\"\r\n" +
		"\r\n" +
		"bob,false,true,\r\n" +
		"not an address,true,true,\r\n"
	r := importer.NewReader(strings.NewReader(file), importer.Following)
	r.LocalDomain = "home.example"
	r.FileName = "following_accounts.csv"
	rows, err := r.ReadAll()
	for _, row := range rows {
		fmt.Println(row.Line, row.Account, *row.ShowBoosts, *row.Notify, row.Languages)
	}
	fmt.Println(err)
	// Output:
	// 2 alice@social.example true false [de en]
	// 4 bob@home.example false true []
	// importer: following_accounts.csv: line 5, column 1: invalid account address "not an address"
}

// Plan a merge of a follows file into an account: new follows are added,
// changed settings updated, and what is already as the file says is left
// alone.
func ExamplePlanner_Plan() {
	yes, no := true, false
	current := &importer.State{Following: []importer.Row{
		{Account: "alice@social.example", ShowBoosts: &yes, Notify: &no},
		{Account: "carol", ShowBoosts: &yes, Notify: &no}, // a local account
	}}
	rows := []importer.Row{
		{Line: 2, Account: "alice@social.example", Notify: &yes},
		{Line: 3, Account: "bob@other.example"},
		{Line: 4, Account: "carol@home.example"},
	}
	plan, err := (&importer.Planner{LocalDomain: "home.example"}).Plan(importer.Following, importer.Merge, current, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range plan.Actions {
		fmt.Println(a.Kind, a.Account, "line", a.Line)
	}
	// Output:
	// follow alice@social.example line 2
	// follow bob@other.example line 3
}

// A followers list cannot be imported, and the error says why.
func ExamplePlanner_Plan_followers() {
	_, err := (&importer.Planner{}).Plan(importer.Followers, importer.Merge, nil, []importer.Row{{Account: "alice@social.example"}})
	fmt.Println(errors.Is(err, importer.ErrFollowersImport))
	// Output:
	// true
}

// Write rows exactly as Mastodon exports them.
func ExampleWriteRows() {
	yes, no := true, false
	rows := []importer.Row{
		{Account: "alice@social.example", ShowBoosts: &yes, Notify: &no, Languages: []string{"de", "en"}},
		{Account: "bob@other.example", ShowBoosts: &no, Notify: &yes},
	}
	if err := importer.WriteRows(os.Stdout, importer.Following, rows); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Account address,Show boosts,Notify on new posts,Languages
	// alice@social.example,true,false,"de, en"
	// bob@other.example,false,true,
}

// Warn a user who is about to import a follows export as blocks.
func ExampleCheckType() {
	head := []byte("Account address,Show boosts,Notify on new posts,Languages\n")
	err := importer.CheckType(importer.Blocking, head, "following_accounts.csv")
	fmt.Println(err)
	// Output:
	// importer: file looks like following, not blocking (the header has "Show boosts")
}
