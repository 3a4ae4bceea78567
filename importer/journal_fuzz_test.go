package importer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fediport/fediport/importer"
)

// FuzzJournal opens arbitrary bytes as the journal of a fixed plan: no
// panic, and either a documented error or a journal that finishes the
// plan.
func FuzzJournal(f *testing.F) {
	plan := mixedPlan()
	// Each journal record is synced to disk; on tmpfs, where syncing
	// costs nothing, the fuzzer runs far more inputs.
	dir, err := os.MkdirTemp("/dev/shm", "fediport-fuzz-journal")
	if err != nil {
		dir = f.TempDir()
	} else {
		f.Cleanup(func() { os.RemoveAll(dir) })
	}
	full := filepath.Join(dir, "seed")
	j, err := importer.OpenJournal(full, plan)
	if err != nil {
		f.Fatal(err)
	}
	e := fast()
	e.Journal = j
	if _, err := e.Apply(context.Background(), plan, newMemDest()); err != nil {
		f.Fatal(err)
	}
	j.Close()
	data, err := os.ReadFile(full)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[:len(data)-3])
	f.Add([]byte("fediport-importer-journal 1\n{}\n"))
	f.Add([]byte{})
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, fmt.Sprintf("journal%d", n.Add(1)))
		defer os.Remove(path)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := importer.OpenJournal(path, plan)
		if err != nil {
			if !errors.Is(err, importer.ErrJournalCorrupt) && !errors.Is(err, importer.ErrJournalMismatch) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		defer j.Close()
		d := newMemDest()
		if _, err := fast().Apply(context.Background(), plan, d); err != nil {
			t.Fatal(err)
		}
		e := fast()
		e.Journal = j
		res, err := e.Apply(context.Background(), plan, d)
		if err != nil {
			t.Fatal(err)
		}
		if res.Applied+res.Resumed != len(plan.Actions) {
			t.Fatalf("applied %d + resumed %d of %d", res.Applied, res.Resumed, len(plan.Actions))
		}
	})
}
