package render_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fediport/fediport/archive/render"
	"github.com/fediport/fediport/internal/archivegen"
)

// BenchmarkRender renders generated archives of 10,000 and 100,000
// statuses (one media file per 20 statuses); bytes are those of the
// archive file.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			dir := b.TempDir()
			src := filepath.Join(dir, "gen.zip")
			if _, err := archivegen.WriteFile(src, archivegen.Options{Statuses: n, Media: n / 20, Seed: 1, Likes: n / 10, Bookmarks: n / 50}); err != nil {
				b.Fatal(err)
			}
			st, err := os.Stat(src)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := openArchive(b, src)
				out := filepath.Join(dir, "site"+strconv.Itoa(i))
				i++
				if _, err := writeSite(context.Background(), r, out); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkSanitize sanitises a typical post.
func BenchmarkSanitize(b *testing.B) {
	post := `<p><span class="h-card"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> hello fediverse archive &amp; &lt;3 <a href="https://example.social/tags/fediport" class="mention hashtag" rel="tag">#<span>fediport</span></a></p>`
	b.SetBytes(int64(len(post)))
	b.ReportAllocs()
	for b.Loop() {
		render.Sanitize(post)
	}
}
