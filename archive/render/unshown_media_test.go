package render_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
	src := filepath.Join(t.TempDir(), "a.tar.gz")
	writeTarGz(t, src, []tarEntry{
		{"outbox.json", []byte(outbox)},
		{shownFile, []byte("\x89PNG shown")},
		{hiddenFile, []byte("\x89PNG hidden")},
		{"actor.json", []byte(`{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`)},
	})
	out := filepath.Join(t.TempDir(), "out")
	sum, err := writeSite(context.Background(), openArchive(t, src), out)
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
