package importer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fediport/fediport/importer"
)

// BenchmarkEngineOverhead applies 10,000 follows to an in-memory
// destination, 8 at a time: the engine's own cost per action.
func BenchmarkEngineOverhead(b *testing.B) {
	const rows = 10000
	plan := &importer.Plan{Type: importer.Following}
	for i := range rows {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@h%d.example", i, i%50)})
	}
	b.ReportAllocs()
	var total int
	for b.Loop() {
		d := newMemDest()
		res, err := (&importer.Engine{Concurrency: 8}).Apply(context.Background(), plan, importer.DestinationOf(d))
		if err != nil || res.Applied != rows {
			b.Fatalf("%v, %+v", err, res)
		}
		total += rows
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}
