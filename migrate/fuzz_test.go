package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/fediport/fediport/migrate"
)

// FuzzJournal opens arbitrary journal files: no panic, and either
// ErrJournalCorrupt or a journal that reopens with the same records.
func FuzzJournal(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/journal/*.jsonl")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "j")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := migrate.OpenJournal(path)
		if err != nil {
			if !errors.Is(err, migrate.ErrJournalCorrupt) {
				t.Fatalf("OpenJournal: %v, want ErrJournalCorrupt", err)
			}
			return
		}
		n := j.Len()
		if err := j.Record("a", "b"); err != nil {
			t.Fatal(err)
		}
		j.Close()
		j, err = migrate.OpenJournal(path)
		if err != nil {
			t.Fatalf("reopening: %v", err)
		}
		defer j.Close()
		if !j.Delivered("a", "b") || j.Len() < n || j.Len() > n+1 {
			t.Errorf("reopened journal has %d records (had %d, added one)", j.Len(), n)
		}
	})
}

// FuzzReceive feeds arbitrary Move bodies, signed by alice, to a Receiver
// whose target lists alice: no panic, and a Move is accepted only when it
// is alice's Move of herself to that target.
func FuzzReceive(f *testing.F) {
	vectors, err := testvectors.Load("testdata/vectors/attacks")
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vectors {
		if b, ok := v.Sections["move"]; ok {
			f.Add(b)
		}
	}
	const home = "{{home}}"
	target := &activitypub.Actor{ID: home + "/users/new", Inbox: home + "/users/new/inbox", AlsoKnownAs: []string{home + "/users/alice"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := activitypub.ParseMove(body)
		if err != nil {
			return
		}
		r := &migrate.Receiver{
			Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
				if id == target.ID {
					return target, nil
				}
				return nil, activitypub.ErrNotFound
			}),
			Records: &memRecords{},
		}
		signer := &activitypub.Verified{KeyID: home + "/users/alice#main-key", Actor: home + "/users/alice"}
		acc, err := r.Receive(context.Background(), m, signer)
		if err != nil {
			var re *migrate.RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a RefusedError", err)
			}
			return
		}
		if acc.Origin != signer.Actor || m.Object != signer.Actor || m.Target != target.ID {
			t.Fatalf("accepted %+v", m)
		}
	})
}
