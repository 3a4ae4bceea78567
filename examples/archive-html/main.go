// Command archive-html renders a Mastodon export archive into a static
// site that opens from disk, with no server and no network, or into
// Markdown files, one per month.
//
//	go run ./examples/archive-html -o site archive-2024.zip
//	go run ./examples/archive-html -format md -o notes archive-2024.tar.gz
//
// The archive can be a ZIP, a .tar.gz, an unpacked folder or a bare
// outbox.json. The output folder must be empty unless -force is given.
// The output holds direct messages and followers-only posts, so it is
// readable by its owner only unless -public is given. Progress is shown
// on standard error; -quiet turns it off.
//
// It exits 0 when the whole archive was rendered; 1 when rendering
// fails, and also, after writing and printing what was read, when the
// outbox is missing, cut short or corrupt or the file ends early (an
// interrupted download); 2 for a usage error. Text from the archive is
// printed with control characters escaped.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/archive/render"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
)

//go:embed main.go
var source string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// newProgress returns the progress shown on w while rendering; tests
// replace it to see every line.
var newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgress(w, "status", "statuses") }

// run is the program: it parses args, renders, reports on stdout and
// stderr, and returns the exit code: 0 when the output is written, 1
// when rendering fails, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := cli.New("archive-html", source, stdout, stderr)
	flags := cmd.Flags
	out := flags.String("o", "", "output `folder` (required)")
	format := flags.String("format", "html", "output format: html or md")
	force := flags.Bool("force", false, "write into a folder that already holds files")
	public := flags.Bool("public", false, "make the output readable by all users, to publish it (it holds every post, direct ones included)")
	pageSize := flags.Int("page-size", render.DefaultPageSize, "posts per timeline page (at most 500)")
	quiet := cmd.QuietFlag()
	paths, err := cmd.Parse(args)
	switch {
	case err != nil:
	case *out == "":
		err = cli.Usagef("missing -o DIR: the folder to write the site into")
	case len(paths) != 1:
		err = cli.Usagef("expected one ARCHIVE, got %d", len(paths))
	case *format != "html" && *format != "md":
		err = cli.Usagef("unknown output format %q: html or md", *format)
	}
	if err != nil {
		return cmd.Exit(err)
	}
	rd := &render.Renderer{
		PageSize:      *pageSize,
		Force:         *force,
		WorldReadable: *public,
	}
	var progress *cli.Progress
	if !*quiet {
		progress = newProgress(stderr)
		rd.Progress = func(p render.Progress) { progress.Set(p.Statuses, 0) }
	}
	err = renderArchive(ctx, paths[0], *out, rd, *format == "md", progress.Above(stdout), progress.Above(stderr))
	progress.Finish()
	if err != nil {
		return cmd.Exit(errors.New(termtext.Escape(err.Error())))
	}
	return 0
}

// renderArchive renders the archive as a site, or as Markdown when md
// is set, and prints what it wrote. It returns an error when rendering
// fails or, after printing, when part of the archive could not be read:
// the outbox (the rendering's error) or the file itself, cut short.
func renderArchive(ctx context.Context, in, out string, rd *render.Renderer, md bool, stdout, stderr io.Writer) error {
	r, err := archive.Open(in)
	if err != nil {
		return err
	}
	defer r.Close()
	write := rd.WriteSite
	if md {
		write = rd.WriteMarkdown
	}
	sum, err := write(ctx, r, out)
	if sum == nil {
		return err
	}
	for _, p := range sum.Problems {
		fmt.Fprintln(stderr, "warning:", termtext.Escape(p.Error()))
		if err == nil && errors.Is(p, archive.ErrTruncated) {
			err = p
		}
	}
	entry := "index.html"
	if md {
		entry = "index.md"
	}
	n := func(count int, noun string) string { return cli.Plural(int64(count), noun, "") }
	fmt.Fprintf(stdout, "%s archive: %s, %s, %s (%d missing), %s, %s, %s, %s\n",
		r.Format(), n(sum.Posts, "post"), n(sum.Boosts, "boost"), n(sum.Media, "media file"), sum.Missing,
		n(sum.Likes, "like"), n(sum.Bookmarks, "bookmark"), n(sum.Months, "month"), n(sum.Pages, "page"))
	if _, serr := os.Stat(filepath.Join(out, entry)); serr == nil {
		abs, aerr := filepath.Abs(filepath.Join(out, entry))
		if aerr != nil {
			abs = filepath.Join(out, entry)
		}
		fmt.Fprintf(stdout, "open %s\n", abs)
	}
	return err
}
