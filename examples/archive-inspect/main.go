// Command archive-inspect prints a summary of a Mastodon export archive in
// any form people have: a ZIP, a .tar.gz, an unpacked folder or a bare
// outbox.json.
//
//	go run ./examples/archive-inspect [-json] [-quiet] PATH
//
// It reads the whole archive once, streaming, and prints what it read,
// with warnings for what a user should know (missing media, a
// totalItems that differs from the items, ...). It exits 0 when the
// archive could be read to its end; 1, after printing what was read,
// when the outbox is missing, cut short or corrupt, or the file ends
// early (an interrupted download); 1 with a one-line error when it is
// not an archive at all; 2 for a usage error. Text from the archive is
// printed with control characters escaped. Progress is shown on
// standard error while the outbox is read; -quiet turns it off.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
)

//go:embed main.go
var source string

// Summary is what -json prints.
type Summary struct {
	Format       archive.Format `json:"format"`
	Actor        ActorSummary   `json:"actor"`
	Statuses     int            `json:"statuses"`
	Boosts       int            `json:"boosts"`
	Replies      int            `json:"replies"`
	Polls        int            `json:"polls"`
	WithMedia    int            `json:"withMedia"`
	Visibility   Visibility     `json:"visibility"`
	Likes        int            `json:"likes"`
	Bookmarks    int            `json:"bookmarks"`
	MediaFiles   int            `json:"mediaFiles"`
	MissingMedia int            `json:"missingMedia"`
	TotalItems   *int           `json:"totalItems"`
	Warnings     []string       `json:"warnings"`
}

// ActorSummary is the part of actor.json the summary shows.
type ActorSummary struct {
	ID                string   `json:"id"`
	PreferredUsername string   `json:"preferredUsername"`
	Name              string   `json:"name"`
	MovedTo           string   `json:"movedTo"`
	AlsoKnownAs       []string `json:"alsoKnownAs"`
}

// Visibility counts posts by visibility.
type Visibility struct {
	Public   int `json:"public"`
	Unlisted int `json:"unlisted"`
	Private  int `json:"private"`
	Direct   int `json:"direct"`
}

// Inspect opens the archive at path and summarises it. When the archive
// opens but part of it could not be read (the outbox missing, cut short
// or corrupt, a limit exceeded, the file ending early), it returns the
// summary of what was read and that error.
func Inspect(path string) (*Summary, error) {
	return inspect(path, nil)
}

// inspect is Inspect, showing how far the reading has come on progress.
func inspect(path string, progress *cli.Progress) (*Summary, error) {
	var c archive.Config
	if progress != nil {
		c.Progress = func(p archive.Progress) { progress.Set(p.Items, 0) }
	}
	r, err := c.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()

	rep := r.Validate()
	s := &Summary{
		Format:       r.Format(),
		Statuses:     rep.Creates,
		Boosts:       rep.Announces,
		Replies:      rep.Replies,
		Polls:        rep.Polls,
		WithMedia:    rep.WithMedia,
		Likes:        rep.Likes,
		Bookmarks:    rep.Bookmarks,
		MediaFiles:   rep.MediaFiles,
		MissingMedia: len(rep.MissingMedia) + rep.Overflow.MissingMedia,
		TotalItems:   rep.TotalItems,
		Warnings:     rep.Warnings(),
		Visibility: Visibility{
			Public:   rep.Visibility[archive.Public],
			Unlisted: rep.Visibility[archive.Unlisted],
			Private:  rep.Visibility[archive.Private],
			Direct:   rep.Visibility[archive.Direct],
		},
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	if a := rep.Actor; a != nil {
		s.Actor = ActorSummary{ID: a.ID, PreferredUsername: a.PreferredUsername, Name: a.Name, MovedTo: a.MovedTo, AlsoKnownAs: a.AlsoKnownAs}
	}
	if s.Actor.AlsoKnownAs == nil {
		s.Actor.AlsoKnownAs = []string{}
	}
	return s, rep.Incomplete
}

// newProgress returns the progress shown on w while the archive is read;
// tests replace it to see every line.
var newProgress = func(w io.Writer) *cli.Progress { return cli.NewProgress(w, "outbox item", "") }

func run(args []string, stdout, stderr io.Writer) int {
	c := cli.New("archive-inspect", source, stdout, stderr)
	asJSON := c.Flags.Bool("json", false, "print one JSON object")
	quiet := c.QuietFlag()
	paths, err := c.Parse(args)
	if err == nil && len(paths) != 1 {
		err = cli.Usagef("expected one PATH, got %d", len(paths))
	}
	if err != nil {
		return c.Exit(err)
	}
	var progress *cli.Progress
	if !*quiet {
		progress = newProgress(stderr)
	}
	s, err := inspect(paths[0], progress)
	progress.Finish()
	if s != nil {
		if perr := print(stdout, s, *asJSON); perr != nil {
			return c.Exit(perr)
		}
	}
	if err != nil {
		return c.Exit(fmt.Errorf("%s", termtext.Escape(err.Error())))
	}
	return 0
}

// print writes the summary as text or as one JSON object; text from the
// archive has its control characters escaped either way.
func print(w io.Writer, s *Summary, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(termtext.JSON(b), '\n'))
		return err
	}
	esc := termtext.Escape
	fmt.Fprintf(w, "%s archive of %s (%s)\n", s.Format, esc(s.Actor.PreferredUsername), esc(s.Actor.ID))
	if s.Actor.MovedTo != "" {
		fmt.Fprintf(w, "moved to %s\n", esc(s.Actor.MovedTo))
	}
	for _, a := range s.Actor.AlsoKnownAs {
		fmt.Fprintf(w, "also known as %s\n", esc(a))
	}
	n := func(count int, noun, plural string) string { return cli.Plural(int64(count), noun, plural) }
	fmt.Fprintf(w, "%s (%d public, %d unlisted, %d followers-only, %d direct), %s\n",
		n(s.Statuses, "post", ""), s.Visibility.Public, s.Visibility.Unlisted, s.Visibility.Private, s.Visibility.Direct, n(s.Boosts, "boost", ""))
	fmt.Fprintf(w, "%s, %s, %s with media\n", n(s.Replies, "reply", "replies"), n(s.Polls, "poll", ""), n(s.WithMedia, "post", ""))
	fmt.Fprintf(w, "%s, %d missing\n", n(s.MediaFiles, "media file", ""), s.MissingMedia)
	fmt.Fprintf(w, "%s, %s\n", n(s.Likes, "like", ""), n(s.Bookmarks, "bookmark", ""))
	if s.TotalItems != nil {
		fmt.Fprintf(w, "outbox declares %s\n", n(*s.TotalItems, "item", ""))
	}
	for _, warning := range s.Warnings {
		fmt.Fprintf(w, "warning: %s\n", esc(warning))
	}
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
