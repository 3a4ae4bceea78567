package render_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/archive/render"
)

// writeArchive writes a small archive to path with package archive's
// Writer: ten posts, two with a picture, two boosts and three likes.
func writeArchive(path string) error {
	w, err := archive.Create(path)
	if err != nil {
		return err
	}
	defer w.Abort()
	const alice = "https://example.social/users/alice"
	w.SetActor(&activitypub.Actor{ID: alice, Type: "Person", PreferredUsername: "alice", Name: "Alice"})
	if err := w.AddAvatar("png", strings.NewReader("an avatar")); err != nil {
		return err
	}
	if err := w.AddHeader("jpg", strings.NewReader("a header")); err != nil {
		return err
	}
	start := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 12 {
		s := &archive.Status{
			Activity:   "Create",
			Type:       "Note",
			ID:         fmt.Sprintf("%s/statuses/%d", alice, i+1),
			Published:  start.Add(time.Duration(i) * time.Hour),
			Content:    fmt.Sprintf("<p>Post number %d</p>", i+1),
			Visibility: archive.Public,
		}
		if i%6 == 5 { // a boost of someone else's post
			s = &archive.Status{Activity: "Announce", ID: fmt.Sprintf("https://other.example/users/bob/statuses/%d", i), Published: s.Published, Visibility: archive.Public}
		}
		if i == 2 || i == 7 {
			entry, err := w.AddMedia(uint64(i), "photo.png", strings.NewReader("a photo"))
			if err != nil {
				return err
			}
			s.Attachments = []archive.Attachment{{Type: "Image", MediaType: "image/png", URL: entry, Name: "a photo"}}
		}
		if err := w.AddStatus(s); err != nil {
			return err
		}
	}
	for i := range 3 {
		w.AddLike(fmt.Sprintf("https://other.example/users/bob/statuses/%d", 100+i))
	}
	return w.Close()
}

// openExampleArchive writes the small archive into a new temporary
// folder, dir, and opens it; done closes it and removes the folder.
func openExampleArchive() (r *archive.Reader, dir string, done func()) {
	dir, err := os.MkdirTemp("", "render-example")
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "archive.zip")
	if err := writeArchive(path); err != nil {
		log.Fatal(err)
	}
	if r, err = archive.Open(path); err != nil {
		log.Fatal(err)
	}
	return r, dir, func() { r.Close(); os.RemoveAll(dir) }
}

// Render a small archive into a site and list the files written.
func Example() {
	r, tmp, done := openExampleArchive()
	defer done()
	site := filepath.Join(tmp, "site")
	rd := render.Renderer{PageSize: 5}
	sum, err := rd.WriteSite(context.Background(), r, site)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d posts, %d boosts, %d pages, %d media files\n", sum.Posts, sum.Boosts, sum.Pages, sum.Media)
	fs.WalkDir(os.DirFS(site), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(p, "media/") {
			fmt.Println(p)
		}
		return err
	})
	// Output:
	// 10 posts, 2 boosts, 3 pages, 2 media files
	// avatar.png
	// bookmarks.html
	// header.jpg
	// index.html
	// index.js
	// likes.html
	// months.html
	// page-1.html
	// page-2.html
	// page-3.html
	// search.html
	// search.js
	// style.css
	// time.js
}

// Write the same archive as Markdown, one file a month.
func ExampleRenderer_WriteMarkdown() {
	r, tmp, done := openExampleArchive()
	defer done()
	var rd render.Renderer
	sum, err := rd.WriteMarkdown(context.Background(), r, filepath.Join(tmp, "notes"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d posts in %d month files, %d likes\n", sum.Posts, sum.Pages, sum.Likes)
	// Output:
	// 10 posts in 1 month files, 3 likes
}

// Sanitize keeps the markup of a post and drops what could run or load.
func ExampleSanitize() {
	fmt.Println(render.Sanitize(`<p onclick="steal()">Hi <img src="https://tracker.example/p.gif"><script>alert(1)</script><a href="https://example.org">there</a></p>`))
	// Output:
	// <p>Hi <a href="https://example.org" rel="nofollow noreferrer">there</a></p>
}
