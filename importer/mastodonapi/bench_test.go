package mastodonapi_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fediport/fediport/importer"
)

// BenchmarkApplyFollows applies 10,000 follows through the client to the
// loopback fake, 8 at a time.
func BenchmarkApplyFollows(b *testing.B) {
	const rows = 10000
	b.ReportAllocs()
	var total int
	for b.Loop() {
		b.StopTimer()
		fake, c := newFake(b)
		plan := &importer.Plan{Type: importer.Following}
		for i := range rows {
			acct := fmt.Sprintf("u%d@h%d.example", i, i%50)
			fake.AddAccount(acct)
			plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionFollow, Account: acct})
		}
		b.StartTimer()
		res, err := (&importer.Engine{Concurrency: 8}).Apply(context.Background(), plan, c.Destination())
		if err != nil || res.Applied != rows {
			b.Fatalf("%v, %+v", err, res)
		}
		total += rows
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}
