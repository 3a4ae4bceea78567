package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
	"github.com/google/go-cmp/cmp"
)

func mixedPlan() *importer.Plan {
	p := listsPlan(3, 4)
	p.Actions = append(p.Actions,
		importer.Action{Kind: importer.ActionBlock, Account: "spammer@bad.example", Line: 7},
		importer.Action{Kind: importer.ActionMute, Account: "loud@x.example", HideNotifications: ptr(false)},
		importer.Action{Kind: importer.ActionUnblockDomain, Domain: "old.example"},
		importer.Action{Kind: importer.ActionBlockDomain, Domain: "spam.example"},
		importer.Action{Kind: importer.ActionBookmark, URI: "https://x.example/statuses/1"},
		importer.Action{Kind: importer.ActionFollow, Account: "opts@x.example",
			Follow: importer.FollowOptions{ShowBoosts: ptr(false), Notify: ptr(true), Languages: []string{"de"}}},
	)
	return p
}

// applyJournaled applies plan to d with a journal at path.
func applyJournaled(t *testing.T, ctx context.Context, path string, plan *importer.Plan, d *importertest.Destination) (*importer.Result, error) {
	t.Helper()
	j, err := importer.OpenJournal(path, plan)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := fast()
	e.Journal = j
	return e.Apply(ctx, plan, importer.DestinationOf(d))
}

func TestJournalResume(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal")
	plan := mixedPlan()
	d := newMemDest()
	d.Fail = func(call string) error {
		if call == "block spammer@bad.example" {
			return errPermanent
		}
		return nil
	}
	// Stop after 10 actions.
	ctx, cancel := context.WithCancel(context.Background())
	j, err := importer.OpenJournal(path, plan)
	if err != nil {
		t.Fatal(err)
	}
	e := fast()
	e.Concurrency = 2
	e.Journal = j
	e.Progress = func(p importer.Progress) {
		if p.Done+p.Failed == 10 {
			cancel()
		}
	}
	first, err := e.Apply(ctx, plan, importer.DestinationOf(d))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want canceled", err)
	}
	recorded := j.Recorded()
	j.Close()
	if recorded < 10 || recorded >= len(plan.Actions) {
		t.Fatalf("recorded %d of %d", recorded, len(plan.Actions))
	}

	// The plan comes back from the journal, and the second run does the rest.
	stored, err := importer.ReadJournalPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plan, stored); diff != "" {
		t.Fatalf("stored plan (-want +got):\n%s", diff)
	}
	second, err := applyJournaled(t, context.Background(), path, stored, d)
	if err != nil {
		t.Fatal(err)
	}
	if second.Resumed != recorded {
		t.Errorf("Resumed = %d, want %d", second.Resumed, recorded)
	}
	if got := first.Applied + second.Applied + len(second.Failed); got != len(plan.Actions) {
		t.Errorf("applied %d + %d, failed %d: want %d in all", first.Applied, second.Applied, len(second.Failed), len(plan.Actions))
	}
	calls := map[string]int{}
	for _, c := range d.Calls() {
		calls[c]++
	}
	for c, n := range calls {
		if n != 1 {
			t.Errorf("%q called %d times", c, n)
		}
	}
	if len(second.Failed) != 1 || second.Failed[0].Action.Account != "spammer@bad.example" {
		t.Fatalf("Failed = %+v, want the block", second.Failed)
	}

	// A third run does nothing, and reports the failure from the journal.
	before := len(d.Calls())
	third, err := applyJournaled(t, context.Background(), path, plan, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Calls()) != before || third.Resumed != len(plan.Actions) || third.Applied != 0 {
		t.Errorf("third run: %+v, %d new calls", third, len(d.Calls())-before)
	}
	var rec *importer.RecordedError
	if len(third.Failed) != 1 || !errors.As(third.Failed[0].Err, &rec) || rec.Message != errPermanent.Error() {
		t.Errorf("third run failures %+v, want the recorded block failure", third.Failed)
	}
}

func TestJournalOtherPlan(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal")
	plan := mixedPlan()
	if _, err := applyJournaled(t, context.Background(), path, plan, newMemDest()); err != nil {
		t.Fatal(err)
	}
	other := mixedPlan()
	other.Actions[0].List = "Another"
	_, err := importer.OpenJournal(path, other)
	if !errors.Is(err, importer.ErrJournalMismatch) {
		t.Fatalf("OpenJournal for another plan: %v, want ErrJournalMismatch", err)
	}
	var je *importer.JournalError
	if !errors.As(err, &je) || je.Path != path {
		t.Errorf("error %v is not a *JournalError for %s", err, path)
	}

	// A journal opened for one plan refuses to apply another.
	j, err := importer.OpenJournal(path, plan)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := fast()
	e.Journal = j
	if _, err := e.Apply(context.Background(), other, importer.DestinationOf(newMemDest())); !errors.Is(err, importer.ErrJournalMismatch) {
		t.Errorf("Apply of another plan: %v, want ErrJournalMismatch", err)
	}
}

func TestJournalDamage(t *testing.T) {
	t.Parallel()
	plan := mixedPlan()
	// A complete journal, to cut up.
	full := filepath.Join(t.TempDir(), "journal")
	if _, err := applyJournaled(t, context.Background(), full, plan, newMemDest()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last LF
	header := lines[0] + lines[1]
	records := lines[2:]

	tests := []struct {
		name      string
		content   string
		wantErr   error // nil: opens
		wantDone  int   // records kept
		wantBytes int   // file size after opening, when it opens
	}{
		{"torn last record", header + records[0] + records[1] + records[2][:10], nil, 2, len(header + records[0] + records[1])},
		{"last record without LF", header + records[0] + strings.TrimSuffix(records[1], "\n"), nil, 1, len(header + records[0])},
		{"last record with bad checksum", header + records[0] + strings.Replace(records[1], `"ok":true`, `"ok":fals`, 1), nil, 1, len(header + records[0])},
		{"damage before the last record", header + records[0][:5] + "\n" + records[1], importer.ErrJournalCorrupt, 0, 0},
		{"bad checksum before the last record", header + strings.Replace(records[0], "true", "TRUE", 1) + records[1], importer.ErrJournalCorrupt, 0, 0},
		{"record twice", header + records[0] + records[0], importer.ErrJournalCorrupt, 0, 0},
		{"not a journal", "index,ok\n1,true\n", importer.ErrJournalCorrupt, 0, 0},
		{"torn header", lines[0] + lines[1][:len(lines[1])/2], importer.ErrJournalCorrupt, 0, 0},
		{"header hash altered", lines[0] + strings.Replace(lines[1], `"hash":"`, `"hash":"0`, 1), importer.ErrJournalCorrupt, 0, 0},
		{"empty file starts afresh", "", nil, 0, len(header)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "journal")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := importer.OpenJournal(path, plan)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("OpenJournal: %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if j.Recorded() != tt.wantDone {
				t.Errorf("Recorded = %d, want %d", j.Recorded(), tt.wantDone)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != int64(tt.wantBytes) {
				t.Errorf("size after open = %v (%v), want %d", fi.Size(), err, tt.wantBytes)
			}
			// The journal goes on from there and finishes the plan, on a
			// destination that has what the journal says was done.
			d := newMemDest()
			if _, err := fast().Apply(context.Background(), plan, importer.DestinationOf(d)); err != nil {
				t.Fatal(err)
			}
			e := fast()
			e.Journal = j
			res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
			if err != nil {
				t.Fatal(err)
			}
			if res.Resumed != tt.wantDone || res.Applied != len(plan.Actions)-tt.wantDone {
				t.Errorf("result %+v", res)
			}
			if _, err := importer.OpenJournal(path, plan); err != nil {
				t.Errorf("reopening the finished journal: %v", err)
			}
		})
	}
}
