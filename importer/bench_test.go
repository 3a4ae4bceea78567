package importer_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/fediport/fediport/importer"
)

// followsFile returns a follows export of n rows, as Mastodon writes it;
// one row in ten restricts languages.
func followsFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Account address,Show boosts,Notify on new posts,Languages\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d@host%d.example,%v,%v,", i, i%997, i%3 != 0, i%7 == 0)
		if i%10 == 0 {
			b.WriteString(`"de, en"`)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkReaderFollows parses a 1,000,000-row follows file.
func BenchmarkReaderFollows(b *testing.B) {
	const n = 1_000_000
	data := followsFile(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for b.Loop() {
		r := importer.NewReader(bytes.NewReader(data), importer.Following)
		r.MaxBytes, r.MaxRows = -1, -1
		rows := 0
		for _, err := range r.Rows() {
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(n*b.N), "allocs/row")
}

// BenchmarkReadAllFollows is BenchmarkReaderFollows collecting the rows
// in a slice, as ReadAll does.
func BenchmarkReadAllFollows(b *testing.B) {
	const n = 1_000_000
	data := followsFile(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := importer.NewReader(bytes.NewReader(data), importer.Following)
		r.MaxBytes, r.MaxRows = -1, -1
		rows, err := r.ReadAll()
		if err != nil || len(rows) != n {
			b.Fatal(len(rows), err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriterFollows writes a 1,000,000-row follows file.
func BenchmarkWriterFollows(b *testing.B) {
	const n = 1_000_000
	data := followsFile(n)
	r := importer.NewReader(bytes.NewReader(data), importer.Following)
	r.MaxBytes, r.MaxRows = -1, -1
	rows, err := r.ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := importer.WriteRows(&out, importer.Following, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPlanFollows plans 100,000 current follows against a
// 100,000-row file that shares half of them and changes settings of some.
func BenchmarkPlanFollows(b *testing.B) {
	const n = 100_000
	state := &importer.State{}
	for i := range n {
		yes, no := true, false
		state.Following = append(state.Following, importer.Row{Account: fmt.Sprintf("user%d@host%d.example", i, i%997), ShowBoosts: &yes, Notify: &no})
	}
	rows := make([]importer.Row, n)
	for i := range rows {
		j := i + n/2
		show := i%5 != 0
		rows[i] = importer.Row{Line: i + 2, Account: fmt.Sprintf("user%d@host%d.example", j, j%997), ShowBoosts: &show}
	}
	for _, mode := range []importer.Mode{importer.Merge, importer.Overwrite} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := (&importer.Planner{FollowLimit: -1}).Plan(importer.Following, mode, state, rows)
				if err != nil || len(p.Actions) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// blocksFile returns a blocks file of about size bytes with line ends
// eol and no quote, as the hostile file of issue 14 had them.
func blocksFile(size int, eol string) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "user%d@host%d.example%s", i, i%997, eol)
	}
	return b.Bytes()
}

// BenchmarkReaderLineEnds parses blocks files of several sizes with each
// line-end style. Parsing is linear: MB/s stays flat across sizes and
// styles (CR alone was quadratic before).
func BenchmarkReaderLineEnds(b *testing.B) {
	for _, eol := range []struct{ name, s string }{{"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}} {
		for _, size := range []int{256 << 10, 2 << 20, 16 << 20} {
			data := blocksFile(size, eol.s)
			b.Run(fmt.Sprintf("%s/%dKiB", eol.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					r := importer.NewReader(bytes.NewReader(data), importer.Blocking)
					r.MaxRows = -1
					for _, err := range r.Rows() {
						if err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
