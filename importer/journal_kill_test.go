package importer_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
	"github.com/google/go-cmp/cmp"
)

// The crash test runs the test binary again as a child process that
// applies killPlan to a file-backed destination with a journal; the
// parent kills it with SIGKILL at random points and starts it again
// until it finishes.

const (
	helperEnv   = "FEDIPORT_IMPORTER_JOURNAL_HELPER"
	helperDir   = "FEDIPORT_IMPORTER_JOURNAL_DIR"
	helperConc  = 4
	killRounds  = 8
	killPlanLen = 400
)

// killPlan is a mixed plan of about killPlanLen actions.
func killPlan() *importer.Plan {
	p := listsPlan(12, 12)
	for i := 0; len(p.Actions) < killPlanLen; i++ {
		switch i % 4 {
		case 0:
			p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionBlock, Account: fmt.Sprintf("b%d@h%d.example", i, i%7)})
		case 1:
			p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionMute, Account: fmt.Sprintf("m%d@h%d.example", i, i%7), HideNotifications: ptr(i%3 == 0)})
		case 2:
			p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionBlockDomain, Domain: fmt.Sprintf("d%d.example", i)})
		case 3:
			p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionBookmark, URI: fmt.Sprintf("https://h%d.example/s/%d", i%7, i)})
		}
	}
	return p
}

// callOf is the importertest.Destination call string of an action.
func callOf(a importer.Action) string {
	switch a.Kind {
	case importer.ActionMute:
		hide := a.HideNotifications == nil || *a.HideNotifications
		return fmt.Sprintf("mute %s %t", a.Account, hide)
	case importer.ActionBlockDomain, importer.ActionUnblockDomain:
		return a.Kind.String() + " " + a.Domain
	case importer.ActionBookmark, importer.ActionUnbookmark:
		return a.Kind.String() + " " + a.URI
	case importer.ActionCreateList, importer.ActionDeleteList:
		return a.Kind.String() + " " + a.List
	case importer.ActionAddToList, importer.ActionRemoveFromList:
		return a.Kind.String() + " " + a.List + " " + a.Account
	}
	return a.Kind.String() + " " + a.Account
}

// openFileDest returns an in-memory destination whose every call is
// appended to a log file, one write per line, before it is made, and
// which starts from the state the log holds.
func openFileDest(t testing.TB, path string, plan *importer.Plan) (*importertest.Destination, func()) {
	byCall := map[string]importer.Action{}
	for _, a := range plan.Actions {
		byCall[callOf(a)] = a
	}
	d := newMemDest()
	if data, err := os.ReadFile(path); err == nil {
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if !strings.HasSuffix(line, "\n") {
				continue // a torn last line
			}
			a, ok := byCall[strings.TrimSuffix(line, "\n")]
			if !ok {
				t.Fatalf("log line %q is no action of the plan", line)
			}
			if _, err := (&importer.Engine{}).Apply(context.Background(), &importer.Plan{Actions: []importer.Action{a}}, importer.DestinationOf(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// Slow enough for kills to land mid-way. A call counts as made once
	// its line is written: a process killed between the write and the
	// change in memory starts again from the log, with the change.
	slow(d, 2*time.Millisecond, func(call string) error {
		_, err := f.Write([]byte(call + "\n"))
		return err
	})
	return d, func() { f.Close() }
}

// TestJournalHelperProcess is the child process of TestJournalCrash; it
// does nothing in a normal test run.
func TestJournalHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		return
	}
	dir := os.Getenv(helperDir)
	plan := killPlan()
	d, closeLog := openFileDest(t, filepath.Join(dir, "dest.log"), plan)
	defer closeLog()
	j, err := importer.OpenJournal(filepath.Join(dir, "journal"), plan)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	res, err := (&importer.Engine{Concurrency: helperConc, Journal: j}).Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 {
		t.Fatalf("failures: %v", res.Failed)
	}
}

// journalIndexes returns the action indexes recorded in the journal at
// path, in file order, skipping a torn last line.
func journalIndexes(t *testing.T, path string) []int {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for n := 0; sc.Scan(); n++ {
		if n < 2 {
			continue // magic and header
		}
		rec, _, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		var r struct{ I int }
		if json.Unmarshal([]byte(rec), &r) == nil {
			out = append(out, r.I)
		}
	}
	return out
}

func TestJournalCrash(t *testing.T) {
	t.Parallel()
	plan := killPlan()
	n := len(plan.Actions)

	// The reference: an uninterrupted run.
	refDir := t.TempDir()
	ref, closeRef := openFileDest(t, filepath.Join(refDir, "dest.log"), plan)
	if _, err := (&importer.Engine{Concurrency: helperConc}).Apply(context.Background(), plan, importer.DestinationOf(ref)); err != nil {
		t.Fatal(err)
	}
	closeRef()

	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	rng := rand.New(rand.NewPCG(4, 2026))
	kills, midway := 0, 0
	for round := 0; ; round++ {
		if round > killRounds+20 {
			t.Fatal("the child never finished")
		}
		if len(journalIndexes(t, journal)) == n {
			break // done: killed after its last record
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestJournalHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"=1", helperDir+"="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if midway >= killRounds {
			if err := <-exited; err != nil {
				t.Fatalf("final run: %v\n%s", err, out.Bytes())
			}
			break
		}
		// Kill once the journal has reached a random point ahead.
		before := len(journalIndexes(t, journal))
		target := before + 1 + rng.IntN(max(1, (n-before)/3))
		var err error
	wait:
		for {
			select {
			case err = <-exited:
				break wait
			case <-time.After(time.Millisecond):
				if len(journalIndexes(t, journal)) >= target {
					cmd.Process.Signal(syscall.SIGKILL)
					err = <-exited
					kills++
					break wait
				}
			}
		}
		after := len(journalIndexes(t, journal))
		if err == nil {
			break // finished before the kill
		}
		if after < n {
			midway++
		}
		t.Logf("round %d: journal %d -> %d of %d (%v)", round, before, after, n, err)
	}
	// On a slow or loaded machine the child may outrun a kill; a few
	// mid-way kills are still needed for the test to mean anything.
	if midway < 2 {
		t.Errorf("only %d kills landed mid-way", midway)
	}

	// Recorded exactly once each.
	idx := journalIndexes(t, journal)
	seen := map[int]int{}
	for _, i := range idx {
		seen[i]++
	}
	for i := range n {
		if seen[i] != 1 {
			t.Errorf("action %d (%s) journaled %d times", i, plan.Actions[i].Key(), seen[i])
		}
	}
	// Applied at least once each; repeats only in the window a kill
	// leaves: at most one per worker per kill.
	data, err := os.ReadFile(filepath.Join(dir, "dest.log"))
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]int{}
	repeats := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		applied[line]++
		if applied[line] > 1 {
			repeats++
		}
	}
	for _, a := range plan.Actions {
		if applied[callOf(a)] == 0 {
			t.Errorf("%s never applied", a.Key())
		}
	}
	if repeats > kills*helperConc {
		t.Errorf("%d repeated calls after %d kills, want at most %d", repeats, kills, kills*helperConc)
	}
	t.Logf("%d kills, %d repeated calls", kills, repeats)

	// The same state as the uninterrupted run.
	final, closeFinal := openFileDest(t, filepath.Join(dir, "dest.log"), plan)
	closeFinal()
	if diff := cmp.Diff(snapshot(ref), snapshot(final)); diff != "" {
		t.Errorf("state after crashes (-uninterrupted +crashed):\n%s", diff)
	}
}
