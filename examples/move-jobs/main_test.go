package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestRun moves 300 followers on the embedded SQLite queue, and on
// PostgreSQL when FEDIPORT_POSTGRES_URL is set.
func TestRun(t *testing.T) {
	dbs := map[string]string{"sqlite": ""}
	if url := os.Getenv("FEDIPORT_POSTGRES_URL"); url != "" {
		dbs["postgres"] = url
	} else {
		t.Log("FEDIPORT_POSTGRES_URL is not set: PostgreSQL not tested (.ci/run starts one)")
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := []string{"-n", "300", "-workers", "8"}
			if db != "" {
				args = append(args, "-database", db)
			}
			if code := run(args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
			}
			for _, want := range []string{" 300 followers of ", "done: 300/300 done, 0 failed", "followers of the new account: 300; still following the old one: 0"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-workers", "0"}, {"extra"}, {"-nope"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
