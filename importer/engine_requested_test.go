package importer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

// TestApplyRequested: a follow the server took as a request awaiting
// approval (a locked account) is done, not failed, not retried, and
// listed in Result.Requested.
func TestApplyRequested(t *testing.T) {
	t.Parallel()
	calls := 0
	d := newMemDest()
	d.Fail = func(call string) error {
		if call == "follow locked@x.example" {
			calls++
			return fmt.Errorf("%w: locked@x.example", importer.ErrRequested)
		}
		return nil
	}
	plan := &importer.Plan{Type: importer.Following, Actions: []importer.Action{
		{Kind: importer.ActionFollow, Account: "open@x.example", Line: 1},
		{Kind: importer.ActionFollow, Account: "locked@x.example", Line: 2},
	}}
	res, err := fast().Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || len(res.Failed) != 0 || calls != 1 {
		t.Errorf("applied %d, failed %v, %d calls; want 2 applied, none failed, 1 call", res.Applied, res.Failed, calls)
	}
	if diff := cmp.Diff([]importer.Action{plan.Actions[1]}, res.Requested); diff != "" {
		t.Errorf("Requested (-want +got):\n%s", diff)
	}
}
