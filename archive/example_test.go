package archive_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
)

// Count the posts and boosts of an archive, whatever its form.
func ExampleOpen() {
	r, err := archive.Open("testdata/mastodon-2023-07-zip.zip")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	posts, boosts := 0, 0
	for s, err := range r.Statuses() {
		if err != nil {
			log.Fatal(err)
		}
		if s.IsBoost() {
			boosts++
		} else {
			posts++
		}
	}
	total, _ := r.TotalItems()
	fmt.Printf("%s: %d posts, %d boosts; the outbox claims %d\n", r.Format(), posts, boosts, *total)
	// Output: zip: 18 posts, 0 boosts; the outbox claims 19
}

// Validate reports what a user should know about an archive: here one
// written with package archive's Writer, whose outbox claims a status
// more than it holds, one attachment's file missing and one file no
// status shows.
func ExampleReader_Validate() {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	w.SetActor(&activitypub.Actor{ID: "https://example.social/users/alice", Type: "Person", PreferredUsername: "alice"})
	total := 4 // as Mastodon writes it: the account's status count
	w.TotalItems = &total
	for i := range 3 {
		s := &archive.Status{
			Activity:   "Create",
			Type:       "Note",
			ID:         fmt.Sprintf("https://example.social/users/alice/statuses/%d", i+1),
			Actor:      "https://example.social/users/alice",
			Content:    "<p>Hello</p>",
			Visibility: archive.Public,
		}
		if i == 1 { // its file is not added: missing
			s.Attachments = []archive.Attachment{{Type: "Image", MediaType: "image/png", URL: archive.MediaEntry(7, "lost.png")}}
		}
		if err := w.AddStatus(s); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := w.AddMedia(8, "stray.png", strings.NewReader("no status shows me")); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	rep := r.Validate()
	fmt.Printf("posts: %d, boosts: %d, media files: %d\n", rep.Creates, rep.Announces, rep.MediaFiles)
	for _, w := range rep.Warnings() {
		fmt.Println("warning:", w)
	}
	// Output:
	// posts: 3, boosts: 0, media files: 1
	// warning: outbox declares totalItems 4 but holds 3 items
	// warning: missing media media_attachments/files/000/000/007/original/lost.png of https://example.social/users/alice/statuses/2
	// warning: media file without status: media_attachments/files/000/000/008/original/stray.png
}

// Write an archive with one post and its picture, then read it back.
func ExampleNewWriter() {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	path, err := w.AddMedia(42, "cat.png", strings.NewReader("not really a PNG"))
	if err != nil {
		log.Fatal(err)
	}
	err = w.AddStatus(&archive.Status{
		Type:       "Note",
		ID:         "https://example.social/users/alice/statuses/1",
		Actor:      "https://example.social/users/alice",
		Content:    "<p>Look at my cat</p>",
		Language:   "en",
		Visibility: archive.Unlisted,
		Attachments: []archive.Attachment{
			{MediaType: "image/png", URL: path, Name: "a cat, sleeping"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for s, err := range r.Statuses() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Visibility, s.Language, s.Content)
		for _, a := range s.Attachments {
			fmt.Println(a.Path, "alt:", a.Name)
		}
	}
	// Output:
	// unlisted en <p>Look at my cat</p>
	// media_attachments/files/000/000/042/original/cat.png alt: a cat, sleeping
}

// MediaPath finds the entry behind an attachment URL however the server
// prefixed it.
func ExampleMediaPath() {
	fmt.Println(archive.MediaPath("https://cdn.example/system/media_attachments/files/000/000/001/original/a.jpg?v=1"))
	// Output: media_attachments/files/000/000/001/original/a.jpg
}
