package export_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strconv"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/internal/archivegen"
	"github.com/fediport/fediport/internal/heapsample"
)

// genSource streams generated statuses, with a media file on every
// statuses/media-th one, without holding them: what a server reading its
// database row by row looks like.
type genSource struct {
	g               *archivegen.Generator
	statuses, media int
	mediaSize       int
	likes, follows  int
	// pool, when set, holds generated statuses that are handed out in
	// turn with a new id (a cheap source, to measure export alone).
	pool []*archive.Status
}

func newGenSource(statuses int) *genSource {
	g := archivegen.New(archivegen.Options{Statuses: 1000, Seed: 1})
	s := &genSource{g: g, statuses: statuses, media: 1000, mediaSize: 64 << 10, likes: 5000, follows: 2000}
	for i := range 1000 {
		s.pool = append(s.pool, g.Status(i))
	}
	return s
}

func (s *genSource) Actor(context.Context) (*activitypub.Actor, error) { return s.g.Actor(), nil }

func (s *genSource) Statuses(context.Context) iter.Seq2[*archive.Status, error] {
	return func(yield func(*archive.Status, error) bool) {
		every := max(s.statuses/max(s.media, 1), 1)
		m := 0
		for i := range s.statuses {
			var st *archive.Status
			if s.pool != nil {
				c := *s.pool[i%len(s.pool)]
				c.ID = c.ID + "-" + strconv.Itoa(i)
				st = &c
			} else {
				st = s.g.Status(i)
			}
			if i%every == 0 && m < s.media && st.Type != "" {
				id := uint64(109000000000000000 + m)
				st.Attachments = append(st.Attachments, archive.Attachment{
					Type: "Document", MediaType: "image/jpeg", Name: "alt",
					URL: "/system/" + archive.MediaEntry(id, fmt.Sprintf("%016x.jpg", id)),
				})
				m++
			}
			if !yield(st, nil) {
				return
			}
		}
	}
}

func (s *genSource) OpenMedia(context.Context, *archive.Attachment) (io.ReadCloser, error) {
	return &patternReader{n: s.mediaSize}, nil
}

func (s *genSource) Likes(context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for i := range s.likes {
			if !yield(fmt.Sprintf("https://remote.example/users/bob/statuses/%d", i), nil) {
				return
			}
		}
	}
}

func (s *genSource) Follows(context.Context) iter.Seq2[export.Follow, error] {
	return func(yield func(export.Follow, error) bool) {
		for i := range s.follows {
			if !yield(export.Follow{Account: fmt.Sprintf("user%d@remote%d.example", i, i%50), ShowBoosts: true, Languages: []string{"en"}}, nil) {
				return
			}
		}
	}
}

// patternReader yields n bytes of an incompressible-looking pattern
// without allocating.
type patternReader struct {
	n, off int
	x      uint64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(len(b), p.n-p.off)]
	for i := range b {
		p.x = p.x*6364136223846793005 + 1442695040888963407
		b[i] = byte(p.x >> 56)
	}
	p.off += len(b)
	return len(b), nil
}

func (p *patternReader) Close() error { return nil }

// BenchmarkWriteDir exports generated accounts: 100,000 statuses with
// 1,000 media files of 64 KiB (and 10,000 statuses, to show memory does
// not grow with them), 5,000 likes and 2,000 follows. It reports the
// bytes written per second and the peak heap in use.
func BenchmarkWriteDir(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("statuses=%d/media=1000", n), func(b *testing.B) {
			src := newGenSource(n)
			tmp := b.TempDir()
			b.ReportAllocs()
			var peak uint64
			var bytes int64
			for b.Loop() {
				dir := b.TempDir()
				p := heapsample.Peak(func() {
					res, err := writeDir(context.Background(), dir, src, export.Exporter{TempDir: tmp, IncludeDirect: true})
					if err != nil {
						b.Fatal(err)
					}
					if res.Statuses != n || res.Media != 1000 {
						b.Fatalf("wrote %d statuses, %d media", res.Statuses, res.Media)
					}
					bytes = res.Bytes
				})
				peak = max(peak, p)
			}
			b.SetBytes(bytes)
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkWriteDirLiveHeap shows that the memory an export holds does
// not grow with the number of statuses: it forces a collection five times
// during each export and reports the largest live heap seen
// ("live-heap-MB"), next to the peak heap in use sampled every 5 ms
// ("peak-heap-MB", which includes garbage not yet collected). Run it with
// -benchtime=1x.
func BenchmarkWriteDirLiveHeap(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 300_000} {
		b.Run(fmt.Sprintf("statuses=%d", n), func(b *testing.B) {
			src := newGenSource(n)
			tmp := b.TempDir()
			var live, peak uint64
			for b.Loop() {
				dir := b.TempDir()
				p := heapsample.Peak(func() {
					_, err := writeDir(context.Background(), dir, src, export.Exporter{
						TempDir: tmp, IncludeDirect: true,
						Progress: func(p export.Progress) {
							if p.Items%int64(n/5) == 0 {
								runtime.GC()
								var ms runtime.MemStats
								runtime.ReadMemStats(&ms)
								live = max(live, ms.HeapAlloc)
							}
						},
					})
					if err != nil {
						b.Fatal(err)
					}
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
