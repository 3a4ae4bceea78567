package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/cli/clitest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("archive-inspect prints a summary of a Mastodon export archive"),
		clitest.Usage("no archive", "archive-inspect", "expected one PATH, got 0", "-json"),
		clitest.Usage("two archives", "archive-inspect", "expected one PATH, got 2", "a.zip", "b.zip"),
		clitest.Usage("unknown flag", "archive-inspect", "flag provided but not defined: -jsn", "a.zip", "-jsn"),
		{Name: "flag after the file", Args: []string{"../../archive/testdata/mastodon-2023-07-zip.zip", "-json"}, Code: 0, Stdout: `"format": "zip"`},
		{Name: "text, plurals", Args: []string{"../../archive/testdata/outbox-small-signed.json"}, Code: 0, Stdout: "outbox declares 1 item\n"},
	})
}

// TestProgress reads an archive with every progress line shown, as plain
// lines (not a terminal), and with -quiet.
func TestProgress(t *testing.T) {
	defer func(f func(io.Writer) *cli.Progress) { newProgress = f }(newProgress)
	newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgressEvery(w, false, 0, "outbox item", "") }
	const path = "../../archive/testdata/outbox-small-signed.json"
	code, stdout, stderr := runCLI(t, path)
	if code != 0 || !strings.Contains(stdout, "2 posts") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stderr, "1 outbox item") || !strings.Contains(stderr, "\n2 outbox items") || strings.Contains(stderr, "\r") {
		t.Errorf("progress lines:\n%q", stderr)
	}
	if _, _, stderr := runCLI(t, "-quiet", path); stderr != "" {
		t.Errorf("-quiet: stderr %q", stderr)
	}
}
