package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

func TestMoveCheck(t *testing.T) {
	ctx := context.Background()
	old, nw := &migratetest.Server{KeyBits: 1024}, &migratetest.Server{KeyBits: 1024}
	old.Start()
	defer old.Close()
	nw.Start()
	defer nw.Close()
	for _, s := range []*migratetest.Server{old, nw} {
		if _, err := s.CreateAccount("alice", migratetest.Profile{}); err != nil {
			t.Fatal(err)
		}
	}
	oldH, newH := "@"+old.Handle("alice"), nw.Handle("alice")

	runJSON := func(args ...string) (output, int, string) {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"-json", "-allow-private"}, args...), &stdout, &stderr)
		var out output
		if code != 1 {
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatalf("output %q: %v", stdout.String(), err)
			}
		}
		return out, code, stderr.String()
	}

	out, code, _ := runJSON(oldH, newH)
	if code != 3 || out.Ready || len(out.Problems) != 1 || !strings.Contains(out.Problems[0], "add "+old.Handle("alice")+" as an alias") {
		t.Errorf("before alias: code %d, %+v", code, out)
	}

	m, err := nw.Mover("alice")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := nw.Actor("alice")
	if _, err := m.AddAlias(ctx, a, oldH); err != nil {
		t.Fatal(err)
	}
	out, code, _ = runJSON(oldH, nw.ActorID("alice"))
	want := output{
		Ready:    true,
		Origin:   account{ID: old.ActorID("alice"), AlsoKnownAs: []string{}},
		Target:   account{ID: nw.ActorID("alice"), AlsoKnownAs: []string{old.ActorID("alice")}},
		Problems: []string{},
	}
	if code != 0 {
		t.Errorf("after alias: exit %d", code)
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("after alias (-want +got):\n%s", diff)
	}

	// Text output.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-allow-private", oldH, newH}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "ready:") {
		t.Errorf("text: exit %d, %q", code, stdout.String())
	}
	// Without -allow-private, loopback is refused: an error, exit 1.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{oldH, newH}, &stdout, &stderr); code != 1 || stderr.String() != "move-check: "+old.Host+" is a loopback or private address, refused by default; give -allow-private to reach it (for local testing)\n" {
		t.Errorf("without -allow-private: exit %d, %q", code, stderr.String())
	}
	// An unknown account is a problem, not an error.
	out, code, _ = runJSON(oldH, "@nobody@"+nw.Host)
	if code != 3 || len(out.Problems) != 1 {
		t.Errorf("unknown target: exit %d, %+v", code, out)
	}
	// A flag after the accounts.
	stdout.Reset()
	if code := run([]string{oldH, newH, "-allow-private"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "ready:") {
		t.Errorf("flag last: exit %d, %q", code, stdout.String())
	}
}
