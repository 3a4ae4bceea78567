package main

import (
	"bytes"
	"testing"

	"github.com/fediport/fediport/internal/cli/clitest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("archive-inspect", "archive-inspect prints a summary of a Mastodon export archive"),
		clitest.Usage("no archive", "archive-inspect", "expected one PATH, got 0", "-json"),
		clitest.Usage("two archives", "archive-inspect", "expected one PATH, got 2", "a.zip", "b.zip"),
		clitest.Usage("unknown flag", "archive-inspect", "flag provided but not defined: -jsn", "a.zip", "-jsn"),
		{Name: "flag after the file", Args: []string{"../../archive/testdata/mastodon-2023-07-zip.zip", "-json"}, Code: 0, Stdout: `"format": "zip"`},
		{Name: "text, plurals", Args: []string{"../../archive/testdata/outbox-small-signed.json"}, Code: 0, Stdout: "outbox declares 1 item\n"},
	})
}
