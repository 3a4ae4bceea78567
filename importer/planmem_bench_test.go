package importer_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
)

// planInput returns n current follows and an n-row file sharing half of
// them, a fifth of those with a changed setting.
func planInput(n int) (*importer.State, []importer.Row) {
	state := &importer.State{Following: make([]importer.Row, n)}
	yes, no := true, false
	for i := range n {
		state.Following[i] = importer.Row{Account: fmt.Sprintf("user%d@host%d.example", i, i%997), ShowBoosts: &yes, Notify: &no}
	}
	rows := make([]importer.Row, n)
	for i := range rows {
		j := i + n/2
		show := i%5 != 0
		rows[i] = importer.Row{Line: i + 2, Account: fmt.Sprintf("user%d@host%d.example", j, j%997), ShowBoosts: &show}
	}
	return state, rows
}

// heapObjects returns the bytes of live and not yet swept heap objects.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeap samples the heap every millisecond until stop is closed and
// returns the largest value seen.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, heapObjects())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak }
}

// BenchmarkPlanMemory plans 1,000,000 current follows against a
// 1,000,000-row file in each mode. Besides B/op it reports the input's
// heap (input-MB), the plan's own heap at its peak beyond the input
// (peak-MB, sampled, garbage not yet collected included), the plan kept
// (plan-MB) and the bytes allocated per byte of input (alloc/input).
func BenchmarkPlanMemory(b *testing.B) {
	const n = 1_000_000
	state, rows := planInput(n)
	runtime.GC()
	base := heapObjects()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	input := float64(ms.HeapAlloc)
	for _, mode := range []importer.Mode{importer.Merge, importer.Overwrite} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			var peak, kept uint64
			var allocated uint64
			for b.Loop() {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				before := ms.TotalAlloc
				stop := make(chan struct{})
				wait := peakHeap(stop)
				p, err := (&importer.Planner{FollowLimit: -1}).Plan(importer.Following, mode, state, rows)
				close(stop)
				peak = max(peak, wait())
				if err != nil || len(p.Actions) == 0 {
					b.Fatal(err)
				}
				runtime.ReadMemStats(&ms)
				allocated = ms.TotalAlloc - before
				runtime.GC()
				kept = heapObjects() - base
				runtime.KeepAlive(p)
			}
			b.ReportMetric(input/1e6, "input-MB")
			b.ReportMetric(float64(peak-base)/1e6, "peak-MB")
			b.ReportMetric(float64(kept)/1e6, "plan-MB")
			b.ReportMetric(float64(allocated)/input, "alloc/input")
		})
	}
}
