package importer_test

import (
	"os"

	"github.com/fediport/fediport/importer"
)

// The failures report is opened in spreadsheets: a cell that would run as
// a formula is written as text, behind an apostrophe. An export keeps
// every cell as it is.
func ExampleWriteActions_formulas() {
	failed := []importer.Action{
		{Kind: importer.ActionAddToList, List: `=HYPERLINK("https://evil.example","click")`, Account: "bob@remote.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "ann@remote.example"},
	}
	importer.WriteActions(os.Stdout, importer.Lists, failed)

	importer.WriteRows(os.Stdout, importer.Lists, []importer.Row{{List: "=1+1", Account: "eve@remote.example"}})
	// Output:
	// "'=HYPERLINK(""https://evil.example"",""click"")",bob@remote.example
	// Friends,ann@remote.example
	// =1+1,eve@remote.example
}
