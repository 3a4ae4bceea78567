package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEscapesControls: list names, accounts and reasons from the CSV
// file reach the terminal with their control characters escaped.
func TestEscapesControls(t *testing.T) {
	t.Parallel()
	_, url, dir := setup(t)
	p := filepath.Join(dir, "lists.csv")
	csv := "Friends\x1b]0;pwned\x07\u009b2J\u202e,carol@far.example\nFoes,nobody\x1b[2J@gone.example\nFoes,ghost@gone.example\x07\n"
	if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"-server", url, "-token", token, "-dry-run", p}, &stdout, &stderr, display{})
	out := stdout.String() + stderr.String()
	if !strings.Contains(out, "Friends") {
		t.Fatalf("the list is not shown:\n%s", out)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q:\n%q", bad, out)
		}
	}
}
