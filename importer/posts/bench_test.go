package posts_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/importer/posts"
	"github.com/fediport/fediport/internal/archivegen"
	"github.com/fediport/fediport/internal/heapsample"
)

// genArchive writes a generated archive of n statuses (with m media
// files) once per benchmark binary and returns its path.
var genCache sync.Map

func genArchive(b *testing.B, n, m int) string {
	b.Helper()
	key := strconv.Itoa(n) + "/" + strconv.Itoa(m)
	if p, ok := genCache.Load(key); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "posts-bench-")
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "gen.zip")
	if _, err := archivegen.WriteFile(file, archivegen.Options{Statuses: n, Media: m, Seed: 1, NoQuirks: true}); err != nil {
		b.Fatal(err)
	}
	genCache.Store(key, file)
	return file
}

func openGen(b *testing.B, file string) *archive.Reader {
	b.Helper()
	r, err := archive.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// memDest is a destination that keeps nothing: what the engine costs
// on its own.
type memDest struct{ n atomic.Int64 }

func (d *memDest) Capabilities(context.Context) (posts.Capabilities, error) {
	return posts.Capabilities{Account: "bench@local", Backdate: true, Visibility: posts.Keep}, nil
}
func (d *memDest) Upload(_ context.Context, _ *posts.Media, f io.Reader) (string, error) {
	_, err := io.Copy(io.Discard, f)
	return "m" + strconv.FormatInt(d.n.Add(1), 10), err
}
func (d *memDest) Create(context.Context, *posts.Post, posts.Request) (string, error) {
	return "s" + strconv.FormatInt(d.n.Add(1), 10), nil
}
func (d *memDest) Find(context.Context, *posts.Post) (string, error) { return "", nil }

// BenchmarkRunEngine is the engine's own cost per post: reading the
// archive twice (plan, then run), turning HTML into text, journaling,
// into a destination that does nothing.
func BenchmarkRunEngine(b *testing.B) {
	for _, journal := range []bool{false, true} {
		name := "no-journal"
		if journal {
			name = "journal"
		}
		b.Run(name, func(b *testing.B) {
			file := genArchive(b, 5000, 0)
			b.ReportAllocs()
			var posted int
			for b.Loop() {
				im := &posts.Importer{}
				if journal {
					im.Journal = filepath.Join(b.TempDir(), "j")
				}
				r := openGen(b, file)
				res, err := im.Run(context.Background(), r, &memDest{})
				r.Close()
				if err != nil {
					b.Fatal(err)
				}
				posted += res.Posted
			}
			b.ReportMetric(float64(posted)/b.Elapsed().Seconds(), "posts/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(posted), "ns/post")
		})
	}
}

// BenchmarkRunLoopback posts into mastodonapitest's server over HTTP on
// loopback, as into a GoToSocial with no rate limits.
func BenchmarkRunLoopback(b *testing.B) {
	file := genArchive(b, 2000, 0)
	b.ReportAllocs()
	var posted int
	for b.Loop() {
		s := mastodonapitest.New("new.example", "alice", token)
		s.GoToSocial = true
		srv := httptest.NewServer(s)
		r := openGen(b, file)
		c := &mastodonapi.Client{BaseURL: srv.URL, Token: token}
		res, err := (&posts.Importer{}).Run(context.Background(), r, &posts.GoToSocial{Client: c})
		r.Close()
		srv.Close()
		if err != nil {
			b.Fatal(err)
		}
		posted += res.Posted
	}
	b.ReportMetric(float64(posted)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkRunMemory imports archives of 10,000 and 100,000 statuses into a
// destination that keeps nothing, with a journal (on /dev/shm when there
// is one: the fsyncs are not what is measured), and reports the peak
// heap in use, sampled every 5 ms.
func BenchmarkRunMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { runMemory(b, n) })
	}
}

func runMemory(b *testing.B, n int) {
	file := genArchive(b, n, 0)
	var peak uint64
	for b.Loop() {
		peak = max(peak, heapsample.Peak(func() {
			r := openGen(b, file)
			defer r.Close()
			dir := b.TempDir()
			if shm, err := os.MkdirTemp("/dev/shm", "posts-bench-"); err == nil {
				dir = shm
				defer os.RemoveAll(shm)
			}
			res, err := (&posts.Importer{Journal: filepath.Join(dir, "j")}).Run(context.Background(), r, &memDest{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.Posted), "posts")
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
