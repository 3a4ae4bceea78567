package importer_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fediport/fediport/importer"
)

// printDest is a destination that prints what it is asked to do: a
// Follower, ListManager and ListEditor.
type printDest struct{}

func (printDest) Follow(_ context.Context, acct string, _ importer.FollowOptions) error {
	if acct == "gone@old.example" {
		return fmt.Errorf("account not found")
	}
	fmt.Println("follow", acct)
	return nil
}

func (printDest) Unfollow(_ context.Context, acct string) error {
	fmt.Println("unfollow", acct)
	return nil
}

func (printDest) CreateList(_ context.Context, title string) error {
	fmt.Println("create list", title)
	return nil
}

func (printDest) DeleteList(_ context.Context, title string) error {
	fmt.Println("delete list", title)
	return nil
}

func (printDest) AddToList(_ context.Context, title, acct string) error {
	fmt.Println("add", acct, "to", title)
	return nil
}

func (printDest) RemoveFromList(_ context.Context, title, acct string) error {
	fmt.Println("remove", acct, "from", title)
	return nil
}

func ExampleEngine_Apply() {
	plan := &importer.Plan{Type: importer.Lists, Actions: []importer.Action{
		{Kind: importer.ActionCreateList, List: "Friends"},
		{Kind: importer.ActionFollow, Account: "alice@old.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "alice@old.example"},
		{Kind: importer.ActionFollow, Account: "gone@old.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "gone@old.example"},
	}}
	// One action at a time, so the output has a fixed order.
	e := &importer.Engine{Concurrency: 1}
	dst := importer.Destination{Follower: printDest{}, ListManager: printDest{}, ListEditor: printDest{}}
	res, err := e.Apply(context.Background(), plan, dst)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d applied, %d failed\n", res.Applied, len(res.Failed))
	for _, f := range res.Failed {
		fmt.Printf("%s: %v\n", f.Action.Kind, f.Err)
	}
	fmt.Print("\n", importer.FailuresFileName(res.Type), ":\n")
	res.WriteFailures(os.Stdout)
	// Output:
	// create list Friends
	// follow alice@old.example
	// add alice@old.example to Friends
	// 3 applied, 2 failed
	// follow: account not found
	// add-to-list: importer: a required action failed: follow: account not found
	//
	// lists_failures.csv:
	// Friends,gone@old.example
}
