package export_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

// FuzzWriteBundle exports one status with one attachment and one list
// member built from the fuzzer's strings. The property: no panic, and
// either a documented error or a bundle that reads back with the same
// status text, an attachment url that is a clean media entry holding the
// file, and the same list row.
func FuzzWriteBundle(f *testing.F) {
	f.Add("<p>hello &amp; bye</p>", "cw", "en", byte(0), "/system/media_attachments/files/000/000/001/original/abc.png", "", "Friends", "bob@remote.example")
	f.Add("<p>\u003cscript\u003e</p>", "", "zhCn", byte(1), "https://cdn.example/media_attachments/../../etc/passwd", "media_attachments/files/1/original/x.jpg", "a, \"b\"", "@carol")
	f.Add("", "", "", byte(3), "", "", "", "")
	f.Add("x\x00y", "\xff", "de", byte(2), "C:\\media_attachments\\a.png", "media_attachments/./a", " spaced ", "dave@xn--bcher-kva.example")
	f.Add("dm", "", "", byte(4), "https://files.example/a.webp?x=1#y", "", "Say \"hi\"\r\n", "bob@remote.example")
	f.Fuzz(func(t *testing.T, content, summary, lang string, vis byte, url, path, title, member string) {
		visibilities := []archive.Visibility{archive.Public, archive.Unlisted, archive.Private, archive.Direct, "", "limited"}
		s := note(1, visibilities[int(vis)%len(visibilities)])
		s.Content, s.Summary, s.Language = content, summary, lang
		s.Attachments = []archive.Attachment{{Type: "Document", MediaType: "image/png", URL: url, Path: path}}
		src := &memSource{
			actor: testActor(), statuses: []*archive.Status{s}, failStatusesAt: -1,
			media: map[string][]byte{url: []byte("file")},
			lists: []importer.List{{Title: title, Members: []string{member}}},
		}
		var buf bytes.Buffer
		res, err := writeBundle(context.Background(), &buf, src, export.Exporter{IncludeDirect: true})
		if err != nil {
			if !errors.Is(err, export.ErrInvalidStatus) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("bundle does not read: %v", err)
		}
		got := readStatuses(t, r)
		if len(got) != 1 || res.Statuses != 1 {
			t.Fatalf("read %d statuses (result %d), want 1", len(got), res.Statuses)
		}
		g := got[0]
		if utf8.ValidString(content) && g.Content != content {
			t.Errorf("content = %q, want %q", g.Content, content)
		}
		if utf8.ValidString(summary) && g.Summary != summary {
			t.Errorf("summary = %q, want %q", g.Summary, summary)
		}
		if len(g.Attachments) != 1 {
			t.Fatalf("attachments = %v", g.Attachments)
		}
		a := g.Attachments[0]
		if a.URL != a.Path || !strings.HasPrefix(a.URL, "media_attachments/files/") || !fs.ValidPath(a.URL) {
			t.Errorf("attachment url %q, path %q: not a clean media entry", a.URL, a.Path)
		}
		if b, err := readEntry(r, a.URL); err != nil || string(b) != "file" {
			t.Errorf("entry %q: %q, %v", a.URL, b, err)
		}
		if g.Visibility != s.Visibility {
			t.Errorf("visibility = %q, want %q", g.Visibility, s.Visibility)
		}
		// The list row reads back when the importer accepts it.
		lf, err := r.Open("lists.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer lf.Close()
		rows, err := importer.NewReader(lf, importer.Lists).ReadAll()
		if err == nil && len(rows) == 1 && utf8.ValidString(title) && !strings.ContainsAny(title, "\r\n") {
			if rows[0].List != strings.TrimSpace(title) {
				t.Errorf("list title = %q, want %q", rows[0].List, title)
			}
		}
	})
}

func readEntry(r *archive.Reader, name string) ([]byte, error) {
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}
