package render_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/archive"
)

// TestCutMediaNotLeft renders the real 2023 ZIP cut short inside its
// media file, as an interrupted download leaves it: the post shows the
// media missing, and no part of the file is left in the output.
func TestCutMediaNotLeft(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../testdata/mastodon-2023-07-zip.zip")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "cut.zip")
	if err := os.WriteFile(src, data[:6000], 0o644); err != nil { // outbox.json whole, the JPEG cut
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	sum, err := writeSite(context.Background(), openArchive(t, src), out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Posts != 18 || sum.Media != 0 || sum.Missing != 1 {
		t.Errorf("%d posts, %d media, %d missing; want 18, 0, 1", sum.Posts, sum.Media, sum.Missing)
	}
	cut := false
	for _, p := range sum.Problems {
		cut = cut || errors.Is(p, archive.ErrTruncated)
		if strings.Contains(p.Error(), "writing") {
			t.Errorf("problem %q: a failed read called a failed write", p)
		}
	}
	if !cut {
		t.Errorf("problems %v, want one wrapping ErrTruncated", sum.Problems)
	}
	filepath.WalkDir(filepath.Join(out, "media"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("part of a cut media file left in the output: %s", p)
		}
		return nil
	})
}
