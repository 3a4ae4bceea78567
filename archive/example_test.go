package archive_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/archivegen"
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

// Validate reports what a user should know about an archive.
func ExampleReader_Validate() {
	var buf bytes.Buffer
	if _, err := archivegen.Write(&buf, archivegen.Options{Statuses: 30, Media: 4, Seed: 1}); err != nil {
		log.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	rep := r.Validate()
	fmt.Printf("%d posts, %d boosts, %d polls, %d media files\n", rep.Creates, rep.Announces, rep.Polls, rep.MediaFiles)
	for _, w := range rep.Warnings() {
		fmt.Println("warning:", w)
	}
	// Output:
	// 26 posts, 4 boosts, 3 polls, 3 media files
	// warning: outbox declares totalItems 31 but holds 30 items
	// warning: outbox repeats orderedItems 2 times
	// warning: missing media /media_attachments/files/000/000/002/original/000000000001b808.png of https://example.social/users/alice/statuses/100000000000000007
	// warning: media file without status: media_attachments/files/109/000/000/000/000/003/original/000000000004ea3a.webp
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
