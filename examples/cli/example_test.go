package cli_test

import (
	"fmt"
	"os"

	"github.com/fediport/fediport/examples/cli"
)

// A program's -h comes from its own doc comment: the first paragraph and
// the indented command lines.
func ExampleNew() {
	source := `// Command hello greets.
//
//	hello [-name NAME]
package main
`
	cmd := cli.New("hello", source, os.Stdout, os.Stdout)
	name := cmd.Flags.String("name", "world", "who to greet")
	if _, err := cmd.Parse([]string{"-name", "alice"}); err != nil {
		os.Exit(cmd.Exit(err))
	}
	fmt.Println("hello,", *name)
	fmt.Println(cli.Plural(1, "post", ""), cli.Plural(3, "reply", "replies"))
	// Output:
	// hello, alice
	// 1 post 3 replies
}
