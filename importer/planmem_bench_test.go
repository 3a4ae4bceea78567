package importer_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/fediport/fediport/importer"
)

// planInput returns n current follows and an n-row file sharing half of them.
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

// BenchmarkPlanMemory plans 1,000,000 current follows against a
// 1,000,000-row file in each mode and reports the peak heap the plan
// holds beyond its input (peak-MB) next to the input's size (input-MB).
func BenchmarkPlanMemory(b *testing.B) {
	const n = 1_000_000
	state, rows := planInput(n)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	input := float64(base.HeapAlloc)
	for _, mode := range []importer.Mode{importer.Merge, importer.Overwrite} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := importer.NewPlan(importer.Following, mode, state, rows, importer.PlanOptions{FollowLimit: -1})
				if err != nil || len(p.Actions) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(input/1e6, "input-MB")
		})
	}
}
