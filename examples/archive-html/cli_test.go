package main

import (
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/internal/cli/clitest"
)

func TestCommandLine(t *testing.T) {
	src, _ := generated(t, 30, false)
	clitest.Check(t, runArgs, []clitest.Case{
		clitest.Help("archive-html", "archive-html renders a Mastodon export archive into a static site"),
		clitest.Usage("no -o", "archive-html", "missing -o DIR: the folder to write the site into", src),
		clitest.Usage("no archive", "archive-html", "expected one ARCHIVE, got 0", "-o", filepath.Join(t.TempDir(), "site")),
		clitest.Usage("two archives", "archive-html", "expected one ARCHIVE, got 2", "-o", filepath.Join(t.TempDir(), "site"), src, src),
		{Name: "flags after the archive", Args: []string{src, "-o", filepath.Join(t.TempDir(), "site"), "-quiet"}, Code: 0, Stdout: "open "},
	})
}
