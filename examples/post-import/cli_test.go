package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/fediport/fediport/examples/cli/clitest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	t.Setenv("MASTODON_TOKEN", "")
	code := run(context.Background(), args, &stdout, &stderr, 0)
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("post-import imports the posts of a Mastodon export archive"),
		{Name: "-h lists exit 3", Args: []string{"-h"}, Stdout: "  3  some posts failed"},
		clitest.Usage("no -server", "post-import", "missing -server: the server to import into, such as gts.example", "-token", "t", "a.zip"),
		clitest.Usage("no -token", "post-import", "missing -token: an access token of the account (or set $MASTODON_TOKEN)", "-server", "x", "a.zip"),
		clitest.Usage("no archive", "post-import", "missing ARCHIVE: the export archive to import", "-server", "x", "-token", "t"),
		clitest.Usage("two archives", "post-import", "one ARCHIVE at a time, not 2", "-server", "x", "-token", "t", "a.zip", "b.zip"),
		clitest.Usage("bad -target", "post-import", `-target must be gotosocial or mastodon, not "pleroma"`, "-server", "x", "-token", "t", "-target", "pleroma", "a.zip"),
		clitest.Usage("bad -visibility", "post-import", `-visibility must be keep, public, unlisted or private, not "direct"`, "a.zip", "-server", "x", "-token", "t", "-visibility", "direct"),
		clitest.Usage("bad -since", "post-import", `-since "yesterday" is not a date (2006-01-02) or a time (2006-01-02T15:04:05Z)`, "-server", "x", "-token", "t", "-since", "yesterday", "a.zip"),
		clitest.Usage("until before since", "post-import", "-until must be after -since", "-server", "x", "-token", "t", "-since", "2020-01-02", "-until", "2020-01-01", "a.zip"),
	})
}

func TestServerURL(t *testing.T) {
	for in, want := range map[string]string{
		"gts.example":           "https://gts.example",
		"https://gts.example/":  "https://gts.example",
		"http://127.0.0.1:8080": "http://127.0.0.1:8080",
	} {
		if got := serverURL(in); got != want {
			t.Errorf("serverURL(%q) = %q, want %q", in, got, want)
		}
	}
}
