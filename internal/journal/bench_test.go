package journal

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkAppend appends 100-byte records, each on disk before Append
// returns, from 1 and from 16 goroutines: concurrent appends share one
// write and one fsync.
func BenchmarkAppend(b *testing.B) {
	payload := []byte(fmt.Sprintf(`{"i":12345,"key":"follow\u0000someone@example.com","ok":true,"pad":%q}`, "0123456789012"))
	for _, workers := range []int{1, 16} {
		b.Run(fmt.Sprintf("goroutines=%d", workers), func(b *testing.B) {
			j, err := Open(filepath.Join(b.TempDir(), "j"), []byte("bench"))
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			b.SetBytes(int64(len(payload) + 10))
			b.ReportAllocs()
			var wg sync.WaitGroup
			next := make(chan struct{})
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range next {
						if err := j.Append(payload); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for b.Loop() {
				next <- struct{}{}
			}
			close(next)
			wg.Wait()
		})
	}
}

// BenchmarkReplay reads back a journal of 10,000 records.
func BenchmarkReplay(b *testing.B) {
	path := filepath.Join(b.TempDir(), "j")
	j, err := Open(path, []byte("bench"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	// One write of many records, through the same code as Append's.
	for i := range 10000 {
		j.pending = appendLine(j.pending, fmt.Appendf(nil, `{"i":%d,"ok":true}`, i))
		j.queued++
	}
	j.mu.Lock()
	j.flush()
	j.mu.Unlock()
	if j.err != nil {
		b.Fatal(j.err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range j.Replay() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "records/s")
}
