package render_test

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
)

// collidingEntries are media entries whose names clash on a
// case-insensitive file system, where a file is named like a folder, or
// whose names are too long to be written as they are.
var collidingEntries = []string{
	"media_attachments/files/000/000/001/original/A.png",
	"media_attachments/files/000/000/001/original/a.png",
	"media_attachments/files/000/000/002/original/F.PNG/g.png",                                // a folder named like f.png, in another case
	"media_attachments/files/000/000/002/original/f.png",                                      // then the file
	"media_attachments/files/000/000/003/original/h.png",                                      // a file, then
	"media_attachments/files/000/000/003/original/H.png/i.png",                                // a folder of its name in another case
	"media_attachments/Files/000/000/004/original/j.png",                                      // a folder spelled otherwise
	"media_attachments/files/000/000/005/original/" + strings.Repeat("x", 300) + ".png",       // a name too long for file systems
	"media_attachments/files/000/000/006/original/" + strings.Repeat("d/", 2100) + "deep.png", // a path too long for file systems
}

// writeColliding writes an archive with one status per colliding
// entry, each entry a PNG of its own colour, and one more status that
// shows A.png again. It returns the archive's path and the bytes of
// each entry.
func writeColliding(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "colliding.zip")
	w, err := archive.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.SetActor(actorFor())
	data := map[string][]byte{}
	for i, e := range collidingEntries {
		data[e] = pngBytes(t, color.RGBA{uint8(30 * i), 100, 200, 255})
		if err := w.AddFile(e, bytes.NewReader(data[e])); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	for i, e := range append(collidingEntries, collidingEntries[0]) {
		id := fmt.Sprintf("%s/statuses/%d", actorID, i+1)
		err := w.AddStatus(&archive.Status{
			Index: -1, Offset: -1, Activity: "Create", ActivityID: id + "/activity", Actor: actorID,
			Type: "Note", ID: id, URL: id, AttributedTo: actorID, Visibility: archive.Public,
			Published:   time.Date(2023, 3, 1, 10, i, 0, 0, time.UTC),
			Content:     "<p>media</p>",
			Attachments: []archive.Attachment{{Type: "Document", MediaType: "image/png", URL: e, Name: e}},
		})
		if err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p, data
}

func actorFor() *activitypub.Actor {
	return &activitypub.Actor{ID: actorID, Type: "Person", PreferredUsername: "tricky", Inbox: actorID + "/inbox"}
}

var imgRE = regexp.MustCompile(`<img src="(media/[^"]+)" alt="([^"]+)"`)

func TestRenderCollidingMediaNames(t *testing.T) {
	t.Parallel()
	src, data := writeColliding(t)
	for _, format := range []outFormat{formatHTML, formatMarkdown} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "site")
			c := config{Format: format}
			sum, err := c.Render(context.Background(), openArchive(t, src), out)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			// The first entry is shown twice and counted once: files, not
			// references.
			if sum.Missing != 0 || sum.Media != len(collidingEntries) {
				t.Errorf("summary: %d media, %d missing, want %d and 0; problems %v", sum.Media, sum.Missing, len(collidingEntries), sum.Problems)
			}
			if format != formatHTML {
				return
			}
			srcOf := map[string]string{} // entry -> output path
			for _, m := range imgRE.FindAllStringSubmatch(readFile(t, filepath.Join(out, "index.html")), -1) {
				if prev, ok := srcOf[m[2]]; ok && prev != m[1] {
					t.Errorf("%s shown as %s and as %s, want one name", m[2], prev, m[1])
				}
				srcOf[m[2]] = m[1]
			}
			// Output paths as a case-insensitive file system sees them:
			// no file may be another file or the folder of one.
			files := map[string]string{}
			dirs := map[string]string{}
			for _, e := range collidingEntries {
				s, ok := srcOf[e]
				if !ok {
					t.Errorf("%s not shown", e)
					continue
				}
				if got, want := readFile(t, filepath.Join(out, filepath.FromSlash(s))), string(data[e]); got != want {
					t.Errorf("%s: %s holds another file's bytes", e, s)
				}
				low := strings.ToLower(s)
				if other, ok := files[low]; ok {
					t.Errorf("%s and %s both written as %s on a case-insensitive file system", other, e, s)
				}
				files[low] = e
				for d := path.Dir(s); d != "."; d = path.Dir(d) {
					if prev, ok := dirs[strings.ToLower(d)]; ok && prev != d {
						t.Errorf("folder %s spelled %s elsewhere: the same folder on a case-insensitive file system", d, prev)
					}
					dirs[strings.ToLower(d)] = d
				}
			}
			for low, e := range files {
				if _, ok := dirs[low]; ok {
					t.Errorf("%s written as a file where another's folder is", e)
				}
			}
			// The common case keeps the archive path.
			for _, e := range []string{collidingEntries[0], collidingEntries[2], collidingEntries[4]} {
				if got, want := srcOf[e], "media/"+e; got != want {
					t.Errorf("first of a clash: shown as %s, want %s", got, want)
				}
			}
		})
	}
}
