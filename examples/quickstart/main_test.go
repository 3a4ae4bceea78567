package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/examples/cli/clitest"
)

func TestQuickstartScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		// want holds patterns the report must match: each names a fact
		// of the scenario's outcome.
		want []string
		// absent holds patterns the report must not match.
		absent []string
		// files are the files the export step must leave.
		files []string
	}{
		{
			scenario: "move",
			want: []string{
				`before: add alice@\S+ as an alias on the new account`,
				`ready: both accounts resolve`,
				`copied name, summary, attachment`,
				`delivered the Move to 1 of 1 inbox`,
				`followers: 4 on the old account before, 4 on the new account now`,
				`redirects to http://\S+/users/alice \(movedTo\)`,
				`following_accounts.csv: 2 rows, 2 changes applied, 0 failed`,
				`lists.csv: 1 row, 2 changes applied, 0 failed`,
				`followers.csv: not imported: .*no account can be made to follow another`,
				`1 direct message left out, with their media: .*export.Exporter.IncludeDirect`,
				`read back: 5 posts \(1 with a poll\) and 1 boost`,
				`archive.zip +6 statuses, 1 media file`,
				`following_accounts.csv +2 rows`,
				// What the new account holds after the import.
				`Imported on alice@\S+, from the CSV files:`,
				`follows bob@\S+ \(boosts shown: false, notify: true, de, en\)`,
				`follows carol@\S+ \(boosts shown: true, notify: false, all languages\)`,
				`list "Rail friends": bob@\S+\n`,
				`blocks: spammer@\S+\n`,
				`mutes carol@\S+ \(notifications hidden: false\)`,
				`domain blocks: spam.example\n`,
				`bookmarks: 1\n`,
				`followers: 4 of 4 `,
				`1 direct message: left out of the archive by default`,
				`Files, in \S+:\n(    \S+\n){8}`,
				// The posts, imported on the new account and read back
				// from its client API.
				`8\. Import posts \(optional\)`,
				`Step 8: Import posts\n  posted 5 posts and uploaded 1 media file into alice@\S+, backdated`,
				`skipped 1, boost: a boost is not a post`,
				`changed 1, poll-as-text \(2 options\): a backdated post cannot carry a poll`,
				`read back from alice@\S+: 5 statuses, 5 dated as their originals, 1 reply threaded under its copy, media alt text "a steam engine"\n`,
				`Imported on alice@\S+, from archive.zip:\n    posts: 5, with 1 media file; 5 of them dated as their originals \(backdated\)\n    changed: 1 poll-as-text: `,
				`Left behind, and why:\n    1 boost, not posted: `,
			},
			absent: []string{`failed: `, `this server takes no posts`, `examples/post-import`},
			files:  []string{"archive.zip", "following_accounts.csv", "followers.csv", "lists.csv", "blocked_accounts.csv", "muted_accounts.csv", "blocked_domains.csv", "bookmarks.csv"},
		},
		{
			scenario: "leave",
			want:     []string{`is left as it is`, `read back: 5 posts`, `Nothing was moved: alice@\S+ stays as it is`},
			absent:   []string{`Imported on`, `Moved to`, `Import posts`},
			files:    []string{"archive.zip", "following_accounts.csv"},
		},
		{
			scenario: "same-server",
			want: []string{
				`this server moved 1 local follower itself`,
				`followers: 4 on the old account before, 4 on the new account now`,
				`redirects to http://\S+/users/alice2 \(movedTo\)`,
				`follows, lists, blocks, mutes, domain blocks and bookmarks stay with alice@\S+: import the exported CSV files on alice2@`,
			},
			absent: []string{`Imported on`, `Import posts`},
			files:  []string{"archive.zip"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			out := t.TempDir()
			var buf bytes.Buffer
			if err := run(context.Background(), &buf, tt.scenario, out); err != nil {
				t.Fatalf("run: %v\n%s", err, buf.String())
			}
			for _, p := range tt.want {
				if !regexp.MustCompile(p).MatchString(buf.String()) {
					t.Errorf("report does not match %q:\n%s", p, buf.String())
				}
			}
			for _, p := range tt.absent {
				if regexp.MustCompile(p).MatchString(buf.String()) {
					t.Errorf("report matches %q:\n%s", p, buf.String())
				}
			}
			for _, f := range tt.files {
				if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s: %v", f, err)
				}
			}
			checkPhotoIsPNG(t, filepath.Join(out, "archive.zip"))
		})
	}
	if err := run(context.Background(), &bytes.Buffer{}, "bogus", t.TempDir()); err == nil {
		t.Error("an unknown scenario ran")
	}
}

// checkPhotoIsPNG checks that the archive's one media file is a real
// image, so that a viewer shows it.
func checkPhotoIsPNG(t *testing.T, path string) {
	t.Helper()
	r, err := archive.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	media := r.MediaFiles()
	if len(media) != 1 {
		t.Fatalf("archive has media %q, want one file", media)
	}
	f, err := r.Open(media[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", media[0], err)
	}
	if cfg.Width != 24 || cfg.Height != 16 {
		t.Errorf("image is %dx%d, want 24x16", cfg.Width, cfg.Height)
	}
}

func TestCommandLine(t *testing.T) {
	clitest.Check(t, clitest.Func(runCLI), []clitest.Case{
		clitest.Help("quickstart runs a whole account move"),
		{Name: "-h lists -scenario", Args: []string{"-h"}, Stdout: "-scenario"},
		clitest.Usage("an argument is named", "quickstart", `unexpected argument "extra": the quickstart takes flags only`, "extra"),
		clitest.Usage("an unknown flag is named", "quickstart", "flag provided but not defined: -bogus", "-bogus"),
		{Name: "an unknown scenario is an error", Args: []string{"-out", t.TempDir(), "-scenario", "bogus"}, Code: 1, Stderr: `quickstart: migrate: unknown goal "bogus"`},
	})
}
