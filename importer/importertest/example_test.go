package importertest_test

import (
	"context"
	"fmt"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
)

// Plan and apply a lists import on an in-memory account, then read the
// account back.
func Example() {
	ctx := context.Background()
	dst := &importertest.Destination{}
	current, _ := dst.ReadState(ctx, importer.Lists)
	rows := []importer.Row{
		{Line: 1, List: "Friends", Account: "alice@old.example"},
		{Line: 2, List: "Friends", Account: "bob@old.example"},
	}
	plan, err := (&importer.Planner{}).Plan(importer.Lists, importer.Merge, current, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := (&importer.Engine{}).Apply(ctx, plan, dst.Destination())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Applied, "applied")
	after, _ := dst.ReadState(ctx, importer.Lists)
	for _, l := range after.Lists {
		fmt.Println(l.Title, l.Members)
	}
	// Output:
	// 5 applied
	// Friends [alice@old.example bob@old.example]
}
