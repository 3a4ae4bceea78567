package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/cli/clitest"
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

var runCLI = clitest.Func(run)

func TestCommandLine(t *testing.T) {
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("move-jobs moves the followers of an account on a job queue"),
		clitest.Usage("-n 0", "move-jobs", "-n must be at least 1, not 0", "-n", "0"),
		clitest.Usage("-workers 0", "move-jobs", "-workers must be at least 1, not 0", "-workers", "0"),
		clitest.Usage("an argument", "move-jobs", `unexpected argument "extra": move-jobs takes flags only`, "extra", "-n", "5"),
		clitest.Usage("unknown flag", "move-jobs", "flag provided but not defined: -nope", "-nope"),
	})
}

// TestProgress checks the plain progress lines, with every poll shown,
// and that -quiet shows none.
func TestProgress(t *testing.T) {
	defer func(f func(io.Writer) *cli.Progress) { newProgress = f }(newProgress)
	newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgressEvery(w, false, 0, "follower", "") }
	code, stdout, stderr := runCLI(t, "-n", "40", "-workers", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if !strings.HasSuffix(stderr, "40 of 40 followers\n") && !strings.Contains(stderr, "40 of 40 followers, ") {
		t.Errorf("stderr lacks the last progress line:\n%s", stderr)
	}
	code, stdout, stderr = runCLI(t, "-n", "1", "-workers", "1", "-quiet")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "1 follower of ") || !strings.Contains(stdout, ", 1 worker)") {
		t.Errorf("-quiet: exit %d, stderr %q, want 0 and nothing\n%s", code, stderr, stdout)
	}
}
