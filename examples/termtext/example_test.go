package termtext_test

import (
	"fmt"

	"github.com/fediport/fediport/examples/termtext"
)

func ExampleEscape() {
	name := "Mallory\x1b]0;you have been hacked\x07"
	fmt.Println("moved from " + termtext.Escape(name))
	// Output: moved from Mallory\x1b]0;you have been hacked\x07
}
