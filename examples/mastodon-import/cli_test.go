package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/examples/cli/clitest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	t.Setenv("MASTODON_TOKEN", "")
	code := run(context.Background(), args, &stdout, &stderr, display{})
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	_, url, dir := setup(t)
	file := filepath.Join(dir, "blocked_domains.csv")
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("mastodon-import imports Mastodon CSV exports"),
		{Name: "-h lists exit 3", Args: []string{"-h"}, Stdout: "  3  a file or a row failed"},
		clitest.Usage("no -server", "mastodon-import", "missing -server: the server to import into, such as mastodon.social", "-token", "t", "f.csv"),
		clitest.Usage("no -token", "mastodon-import", "missing -token: an access token of the account (or set $MASTODON_TOKEN)", "-server", "mastodon.social", "f.csv"),
		clitest.Usage("no file", "mastodon-import", "missing FILE: the CSV files to import", "-server", "mastodon.social", "-token", "t"),
		clitest.Usage("bad -mode", "mastodon-import", `-mode must be merge or overwrite, not "replace"`, "-server", "x", "-token", "t", "-mode", "replace", "f"),
		clitest.Usage("bad -type", "mastodon-import", `-type "contacts" is not an import type; valid types: following, muting, blocking, domain_blocking, bookmarks, lists, followers`, "f", "-server", "x", "-token", "t", "-type", "contacts"),
		{Name: "flags after the file", Args: []string{file, "-server", url, "-token", token, "-quiet"}, Code: 0, Stdout: "1 applied"},
		{Name: "plain http off the machine points at -allow-http", Args: []string{"-server", "http://192.0.2.1", "-token", "t", file}, Code: 3,
			Stderr: "the token would cross the network unencrypted; use https://, or give -allow-http to send it anyway"},
	})
}

func TestServerURL(t *testing.T) {
	for in, want := range map[string]string{
		"mastodon.social":          "https://mastodon.social",
		"mastodon.social:8443":     "https://mastodon.social:8443",
		"https://mastodon.example": "https://mastodon.example",
		"http://127.0.0.1:3000":    "http://127.0.0.1:3000",
	} {
		if got := serverURL(in); got != want {
			t.Errorf("serverURL(%q) = %q, want %q", in, got, want)
		}
	}
}
