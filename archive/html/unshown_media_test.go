package html_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"

	archivehtml "github.com/fediport/fediport/archive/html"
)

// TestTarGzUnshownMedia: the media of an activity that is not shown (an
// Update) are not copied from a .tar.gz, whose media are copied before
// the posts, just as they are not from a ZIP or a folder.
func TestTarGzUnshownMedia(t *testing.T) {
	t.Parallel()
	note := func(id, file string) string {
		return `{"id":"https://a.example/users/u/statuses/` + id + `","type":"Note","content":"<p>post</p>","published":"2020-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"attachment":[{"type":"Document","mediaType":"image/png","url":"/` + file + `"}]}`
	}
	const shownFile, hiddenFile = "media_attachments/files/000/000/001/original/shown.png", "media_attachments/files/000/000/002/original/hidden.png"
	outbox := `{"id":"outbox.json","type":"OrderedCollection","orderedItems":[` +
		`{"id":"https://a.example/users/u/statuses/1/activity","type":"Create","actor":"https://a.example/users/u","published":"2020-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"object":` + note("1", shownFile) + `},` +
		`{"id":"https://a.example/users/u/statuses/2/update","type":"Update","actor":"https://a.example/users/u","published":"2020-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"object":` + note("2", hiddenFile) + `}]}`
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, data string }{
		{"outbox.json", outbox},
		{shownFile, "\x89PNG shown"},
		{hiddenFile, "\x89PNG hidden"},
		{"actor.json", `{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Size: int64(len(f.data)), Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.data))
	}
	tw.Close()
	gz.Close()
	src := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	sum, err := archivehtml.Render(context.Background(), openArchive(t, src), out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Posts != 1 || sum.Media != 1 {
		t.Errorf("%d posts, %d media; want 1 and 1", sum.Posts, sum.Media)
	}
	if _, err := os.Stat(filepath.Join(out, "media", filepath.FromSlash(shownFile))); err != nil {
		t.Errorf("shown post's media not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "media", filepath.FromSlash(hiddenFile))); err == nil {
		t.Errorf("media of the Update, which is not shown, copied into the output")
	}
}
