package main

import (
	"testing"

	"github.com/fediport/fediport/examples/cli/clitest"
)

func TestCommandLine(t *testing.T) {
	clitest.Check(t, clitest.Func(run), []clitest.Case{
		clitest.Help("csv-inspect reads a Mastodon import file"),
		clitest.Usage("no file", "csv-inspect", "expected one FILE, got 0"),
		clitest.Usage("two files", "csv-inspect", "expected one FILE, got 2", "a.csv", "b.csv"),
		clitest.Usage("bad -type", "csv-inspect", `-type "folows" is not an import type; valid types: following, muting, blocking, domain_blocking, bookmarks, lists, followers`, "a.csv", "-type", "folows"),
		{Name: "flags after the file", Args: []string{"testdata/following_accounts.csv", "-json", "-type", "following"}, Code: 0, Stdout: `"type": "following"`},
	})
}
