package archive_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"sync"
	"testing"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/archivegen"
)

// benchStatuses is the size of the generated archive benchmarks read.
const benchStatuses = 20000

var benchArchive = sync.OnceValues(func() ([]byte, []byte) {
	var buf bytes.Buffer
	if _, err := archivegen.Write(&buf, archivegen.Options{Statuses: benchStatuses, Media: 200, Seed: 1, Likes: 1000}); err != nil {
		panic(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	outbox, err := fs.ReadFile(r, "outbox.json")
	if err != nil {
		panic(err)
	}
	return buf.Bytes(), outbox
})

// openBench opens the generated ZIP with c.
func openBench(b *testing.B, c archive.Config, zipped []byte) *archive.Reader {
	b.Helper()
	r, err := c.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// reportStatusRate reports statuses/s for a benchmark that handles
// benchStatuses statuses an iteration.
func reportStatusRate(b *testing.B) {
	b.ReportMetric(float64(benchStatuses*b.N)/b.Elapsed().Seconds(), "statuses/s")
}

// BenchmarkReaderStatuses decodes every status of a generated ZIP
// archive (inflating included), with decoding in the reading goroutine
// (serial) and spread over GOMAXPROCS workers (parallel, the default);
// bytes are those of outbox.json.
func BenchmarkReaderStatuses(b *testing.B) {
	for _, bc := range []struct {
		name        string
		concurrency int
	}{{"serial", 1}, {"parallel", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			zipped, outbox := benchArchive()
			c := archive.Config{Concurrency: bc.concurrency}
			b.SetBytes(int64(len(outbox)))
			b.ReportAllocs()
			for b.Loop() {
				r := openBench(b, c, zipped)
				n := 0
				for _, err := range r.Statuses() {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != benchStatuses {
					b.Fatalf("%d statuses", n)
				}
			}
			reportStatusRate(b)
		})
	}
}

// BenchmarkInflateOutbox is the floor: inflating outbox.json alone.
func BenchmarkInflateOutbox(b *testing.B) {
	zipped, outbox := benchArchive()
	b.SetBytes(int64(len(outbox)))
	b.ReportAllocs()
	for b.Loop() {
		r := openBench(b, archive.Config{}, zipped)
		f, err := r.Open("outbox.json")
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// naiveOutbox is how a program decodes an outbox with encoding/json in
// one go.
type naiveOutbox struct {
	TotalItems   int `json:"totalItems"`
	OrderedItems []struct {
		ID        string          `json:"id"`
		Type      string          `json:"type"`
		Actor     string          `json:"actor"`
		Published string          `json:"published"`
		To        json.RawMessage `json:"to"`
		Cc        json.RawMessage `json:"cc"`
		Object    json.RawMessage `json:"object"`
	} `json:"orderedItems"`
}

type naiveNote struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Summary    *string           `json:"summary"`
	InReplyTo  *string           `json:"inReplyTo"`
	Published  string            `json:"published"`
	URL        string            `json:"url"`
	To         []string          `json:"to"`
	Cc         []string          `json:"cc"`
	Sensitive  bool              `json:"sensitive"`
	Content    string            `json:"content"`
	ContentMap map[string]string `json:"contentMap"`
	Attachment []struct {
		MediaType  string    `json:"mediaType"`
		URL        string    `json:"url"`
		Name       *string   `json:"name"`
		Blurhash   string    `json:"blurhash"`
		FocalPoint []float64 `json:"focalPoint"`
		Width      int       `json:"width"`
		Height     int       `json:"height"`
	} `json:"attachment"`
	Tag []struct {
		Type string `json:"type"`
		Name string `json:"name"`
		Href string `json:"href"`
	} `json:"tag"`
}

// BenchmarkNaiveUnmarshal is the same work done the naive way: the whole
// outbox read into memory and decoded with encoding/json.Unmarshal
// (inflating included).
func BenchmarkNaiveUnmarshal(b *testing.B) {
	zipped, outbox := benchArchive()
	b.SetBytes(int64(len(outbox)))
	b.ReportAllocs()
	for b.Loop() {
		r := openBench(b, archive.Config{}, zipped)
		data, err := fs.ReadFile(r, "outbox.json")
		if err != nil {
			b.Fatal(err)
		}
		var o naiveOutbox
		if err := json.Unmarshal(data, &o); err != nil {
			b.Fatal(err)
		}
		for _, it := range o.OrderedItems {
			if len(it.Object) > 0 && it.Object[0] == '{' {
				var n naiveNote
				if err := json.Unmarshal(it.Object, &n); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	reportStatusRate(b)
}

// BenchmarkWriter writes the statuses of the generated archive (no
// media) to a ZIP; bytes are those of the outbox written.
func BenchmarkWriter(b *testing.B) {
	_, outbox := benchArchive()
	g := archivegen.New(archivegen.Options{Statuses: benchStatuses, Seed: 1})
	statuses := make([]*archive.Status, benchStatuses)
	for i := range statuses {
		statuses[i] = g.Status(i)
	}
	b.SetBytes(int64(len(outbox)))
	b.ReportAllocs()
	for b.Loop() {
		w := archive.NewWriter(io.Discard)
		w.TempDir = b.TempDir()
		w.SetActor(g.Actor())
		for _, s := range statuses {
			if err := w.AddStatus(s); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportStatusRate(b)
}

// BenchmarkValidate is what archive-inspect does: one pass over every
// collection of the generated archive, statuses decoded without Raw.
func BenchmarkValidate(b *testing.B) {
	zipped, outbox := benchArchive()
	b.SetBytes(int64(len(outbox)))
	b.ReportAllocs()
	for b.Loop() {
		r := openBench(b, archive.Config{}, zipped)
		if rep := r.Validate(); rep.Items != benchStatuses {
			b.Fatalf("%d items", rep.Items)
		}
	}
	reportStatusRate(b)
}
