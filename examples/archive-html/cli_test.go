package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/cli/clitest"
)

func TestCommandLine(t *testing.T) {
	src, _ := generated(t, 30, false)
	clitest.Check(t, runArgs, []clitest.Case{
		clitest.Help("archive-html renders a Mastodon export archive into a static site"),
		clitest.Usage("no -o", "archive-html", "missing -o DIR: the folder to write the site into", src),
		clitest.Usage("no archive", "archive-html", "expected one ARCHIVE, got 0", "-o", filepath.Join(t.TempDir(), "site")),
		clitest.Usage("two archives", "archive-html", "expected one ARCHIVE, got 2", "-o", filepath.Join(t.TempDir(), "site"), src, src),
		{Name: "flags after the archive", Args: []string{src, "-o", filepath.Join(t.TempDir(), "site"), "-quiet"}, Code: 0, Stdout: "open "},
	})
}

// TestProgress renders with every progress line shown, as plain lines
// (not a terminal), and with -quiet.
func TestProgress(t *testing.T) {
	defer func(f func(io.Writer) *cli.Progress) { newProgress = f }(newProgress)
	newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgressEvery(w, false, 0, "status", "statuses") }
	src, _ := generated(t, 30, false)
	code, _, stderr := runArgs(t, "-o", filepath.Join(t.TempDir(), "site"), src)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"1 status", "\n2 statuses", "\n30 statuses"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("a live line on a writer that is not a terminal:\n%q", stderr)
	}
	_, stdout, stderr := runArgs(t, "-quiet", "-o", filepath.Join(t.TempDir(), "site"), src)
	if strings.Contains(stderr, "status") {
		t.Errorf("-quiet: progress shown:\n%s", stderr)
	}
	if !strings.Contains(stdout, " archive: ") {
		t.Errorf("-quiet: no summary on stdout:\n%s", stdout)
	}
}
