// Command archive-html renders a Mastodon export archive into a static
// site that opens from disk, with no server and no network, or into
// Markdown files, one per month.
//
//	go run ./examples/archive-html -o site archive-2024.zip
//	go run ./examples/archive-html -format md -o notes archive-2024.tar.gz
//
// The archive can be a ZIP, a .tar.gz, an unpacked folder or a bare
// outbox.json. The output folder must be empty unless -force is given.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/fediport/fediport/archive"
	archivehtml "github.com/fediport/fediport/archive/html"
)

func main() {
	out := flag.String("o", "", "output `folder` (required)")
	format := flag.String("format", "html", "output format: html or md")
	force := flag.Bool("force", false, "write into a folder that already holds files")
	pageSize := flag.Int("page-size", archivehtml.DefaultPageSize, "posts per timeline page (at most 500)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: archive-html -o DIR [-format html|md] [-force] ARCHIVE\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, flag.Arg(0), *out, archivehtml.Config{
		Format:   archivehtml.Format(*format),
		PageSize: *pageSize,
		Force:    *force,
	}); err != nil {
		fmt.Fprintln(os.Stderr, "archive-html:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in, out string, c archivehtml.Config) error {
	r, err := archive.Open(in)
	if err != nil {
		return err
	}
	defer r.Close()
	sum, err := c.Render(ctx, r, out)
	if err != nil {
		return err
	}
	for _, p := range sum.Problems {
		fmt.Fprintln(os.Stderr, "warning:", p)
	}
	entry := "index.html"
	if sum.Format == archivehtml.FormatMarkdown {
		entry = "index.md"
	}
	abs, err := filepath.Abs(filepath.Join(out, entry))
	if err != nil {
		abs = filepath.Join(out, entry)
	}
	fmt.Printf("%s archive: %d posts, %d boosts, %d media files (%d missing), %d likes, %d bookmarks, %d months, %d pages\n",
		r.Format(), sum.Posts, sum.Boosts, sum.Media, sum.Missing, sum.Likes, sum.Bookmarks, sum.Months, sum.Pages)
	fmt.Printf("open %s\n", abs)
	return nil
}
