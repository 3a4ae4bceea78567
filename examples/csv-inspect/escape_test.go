package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEscapesControls: control characters from the file reach the
// terminal escaped, in errors and rows, text and JSON.
func TestEscapesControls(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "lists.csv")
	csv := "Friends\u009b2J\u202e,alice@social.example\nbad\x1b]0;pwned\x07,bad\x1b[2J\n"
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{p}, {"-json", p}} {
		var stdout, stderr bytes.Buffer
		run(args, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%v: output holds %q:\n%q", args, bad, out)
			}
		}
		if !strings.Contains(out, "Friends") || !strings.Contains(out, "bad") {
			t.Errorf("%v: the bad row is not reported:\n%s", args, out)
		}
	}
}
