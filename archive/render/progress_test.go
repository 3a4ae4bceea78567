package render_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/archive/render"
)

// TestProgress renders in both formats with a Progress callback: it is
// called once per status rendered, counting up to the posts and boosts
// of the summary.
func TestProgress(t *testing.T) {
	src := generated(t, t.TempDir(), 120)
	for _, format := range []outFormat{formatHTML, formatMarkdown} {
		t.Run(string(format), func(t *testing.T) {
			var calls, last int64
			c := config{Format: format, Progress: func(p render.Progress) {
				calls++
				if p.Statuses != last+1 {
					t.Errorf("Statuses %d after %d", p.Statuses, last)
				}
				last = p.Statuses
			}}
			sum, err := c.Render(context.Background(), openArchive(t, src), filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(sum.Posts + sum.Boosts); last != want || calls != want || want == 0 {
				t.Errorf("progress ended at %d after %d calls, want %d (posts and boosts)", last, calls, want)
			}
		})
	}
}
