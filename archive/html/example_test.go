package html_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/fediport/fediport/archive"
	archivehtml "github.com/fediport/fediport/archive/html"
	"github.com/fediport/fediport/internal/archivegen"
)

// Render a small archive into a site and list the files written.
func Example() {
	tmp, err := os.MkdirTemp("", "archive-html-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "archive.zip")
	if _, err := archivegen.WriteFile(src, archivegen.Options{Statuses: 12, Media: 2, Seed: 1, Likes: 3, NoQuirks: true}); err != nil {
		log.Fatal(err)
	}

	r, err := archive.Open(src)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	site := filepath.Join(tmp, "site")
	c := archivehtml.Config{PageSize: 5}
	sum, err := c.Render(context.Background(), r, site)
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

// Sanitize keeps the markup of a post and drops what could run or load.
func ExampleSanitize() {
	fmt.Println(archivehtml.Sanitize(`<p onclick="steal()">Hi <img src="https://tracker.example/p.gif"><script>alert(1)</script><a href="https://example.org">there</a></p>`))
	// Output:
	// <p>Hi <a href="https://example.org" rel="nofollow noreferrer">there</a></p>
}
