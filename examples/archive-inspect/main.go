// Command archive-inspect prints a summary of a Mastodon export archive in
// any form people have: a ZIP, a .tar.gz, an unpacked folder or a bare
// outbox.json.
//
//	go run ./examples/archive-inspect [-json] PATH
//
// It reads the whole archive once, streaming, and exits 0 when the
// archive could be read (with warnings for what a user should know:
// missing media, a totalItems that differs from the items, ...), or 1
// with a one-line error when it cannot (not an archive, an insecure
// path, a limit exceeded).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/fediport/fediport/archive"
)

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

// Inspect opens the archive at path and summarises it.
func Inspect(path string) (*Summary, error) {
	r, err := archive.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()

	rep := r.Validate()
	// An error that stopped the outbox early, or a limit, makes the
	// archive unreadable; an undecodable item is only a warning.
	for _, err := range rep.Errors {
		if errors.Is(err, archive.ErrInsecurePath) || errors.Is(err, archive.ErrItemTooLarge) ||
			errors.Is(err, archive.ErrTooDeep) || errors.Is(err, archive.ErrEntryTooLarge) ||
			errors.Is(err, archive.ErrCompressionRatio) {
			return nil, err
		}
	}
	if rep.Items == 0 && len(rep.Errors) > 0 {
		return nil, rep.Errors[0]
	}
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
		MissingMedia: len(rep.MissingMedia),
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
	if a, err := r.Actor(); err == nil {
		s.Actor = ActorSummary{ID: a.ID, PreferredUsername: a.PreferredUsername, Name: a.Name, MovedTo: a.MovedTo, AlsoKnownAs: a.AlsoKnownAs}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if s.Actor.AlsoKnownAs == nil {
		s.Actor.AlsoKnownAs = []string{}
	}
	return s, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("archive-inspect", flag.ContinueOnError)
	flags.SetOutput(stderr)
	asJSON := flags.Bool("json", false, "print one JSON object")
	if err := flags.Parse(args); err != nil || flags.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: archive-inspect [-json] PATH")
		return 2
	}
	s, err := Inspect(flags.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "archive-inspect: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			fmt.Fprintf(stderr, "archive-inspect: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "%s archive of %s (%s)\n", s.Format, s.Actor.PreferredUsername, s.Actor.ID)
	if s.Actor.MovedTo != "" {
		fmt.Fprintf(stdout, "moved to %s\n", s.Actor.MovedTo)
	}
	fmt.Fprintf(stdout, "%d posts (%d public, %d unlisted, %d followers-only, %d direct), %d boosts\n",
		s.Statuses, s.Visibility.Public, s.Visibility.Unlisted, s.Visibility.Private, s.Visibility.Direct, s.Boosts)
	fmt.Fprintf(stdout, "%d replies, %d polls, %d posts with media\n", s.Replies, s.Polls, s.WithMedia)
	fmt.Fprintf(stdout, "%d media files, %d missing\n", s.MediaFiles, s.MissingMedia)
	fmt.Fprintf(stdout, "%d likes, %d bookmarks\n", s.Likes, s.Bookmarks)
	if s.TotalItems != nil {
		fmt.Fprintf(stdout, "outbox declares %d items\n", *s.TotalItems)
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
