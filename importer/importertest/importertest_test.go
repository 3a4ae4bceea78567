package importertest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
	"github.com/google/go-cmp/cmp"
)

var subjects = importertest.Subjects{
	Accounts:  [2]string{"alice@old.example", "bob@far.example"},
	Domain:    "spam.example",
	StatusURI: "https://old.example/statuses/1",
}

func TestDestinationConforms(t *testing.T) {
	t.Parallel()
	d := &importertest.Destination{}
	importertest.TestDestination(t, d.Destination(), d, subjects)
	// The check leaves the account as it found it.
	for _, typ := range importer.Types() {
		st, err := d.ReadState(context.Background(), typ)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&importer.State{}, st); diff != "" {
			t.Errorf("state of %s after the check (-want +got):\n%s", typ, diff)
		}
	}
}

// broken is a destination whose Follow is not find-or-create and whose
// Unmute does nothing, for the check to catch.
type broken struct{ *importertest.Destination }

func (b broken) Follow(ctx context.Context, acct string, o importer.FollowOptions) error {
	st, _ := b.ReadState(ctx, importer.Following)
	for _, r := range st.Following {
		if r.Account == acct {
			return errors.New("already followed")
		}
	}
	return b.Destination.Follow(ctx, acct, o)
}

func (b broken) Unmute(context.Context, string) error { return nil }

// TestBrokenDestinationHelper runs the check on a broken destination;
// TestDestinationCatches runs it in a child process and expects it to
// fail, naming what is wrong.
func TestBrokenDestinationHelper(t *testing.T) {
	if os.Getenv("IMPORTERTEST_BROKEN") != "1" {
		t.Skip("run by TestDestinationCatches in a child process")
	}
	b := broken{&importertest.Destination{}}
	importertest.TestDestination(t, importer.DestinationOf(b), b, subjects)
}

func TestDestinationCatches(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenDestinationHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "IMPORTERTEST_BROKEN=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the check passed a broken destination:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestBrokenDestinationHelper/Follower",
		"Follow (call 2 of 2): already followed",
		"--- FAIL: TestBrokenDestinationHelper/Muter",
		"holds bob@far.example after Unmute",
		"--- PASS: TestBrokenDestinationHelper/Blocker",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDestinationFail(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	d := &importertest.Destination{Fail: func(call string) error {
		if call == "block x@y.example" {
			return boom
		}
		return nil
	}}
	ctx := context.Background()
	if err := d.Block(ctx, "X@y.example"); !errors.Is(err, boom) {
		t.Fatalf("Block = %v, want boom", err)
	}
	if err := d.AddToList(ctx, "L", "x@y.example"); err == nil {
		t.Error("AddToList to a missing list succeeded")
	}
	d.CreateList(ctx, "L")
	if err := d.AddToList(ctx, "L", "x@y.example"); err == nil {
		t.Error("AddToList of an account not followed succeeded")
	}
	want := []string{"block x@y.example", "add-to-list L x@y.example", "create-list L", "add-to-list L x@y.example"}
	if diff := cmp.Diff(want, d.Calls()); diff != "" {
		t.Errorf("Calls (-want +got):\n%s", diff)
	}
	if st, _ := d.ReadState(ctx, importer.Blocking); len(st.Blocking) != 0 {
		t.Errorf("a failed Block changed the state: %q", st.Blocking)
	}
}
