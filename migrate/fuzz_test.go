package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/journal"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/fediport/fediport/migrate"
)

// deliveryLogFile returns the bytes of a delivery log holding records,
// written by internal/journal, and cut to keep bytes when keep > 0.
func deliveryLogFile(tb testing.TB, header string, records []string, keep int) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "log")
	j, err := journal.Open(path, []byte(header))
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range records {
		if err := j.Append([]byte(r)); err != nil {
			tb.Fatal(err)
		}
	}
	j.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if keep > 0 {
		b = b[:keep]
	}
	return b
}

const logHeader = "fediport migrate delivery log"

var logRecords = []string{
	`{"activity":"https://old.example/users/alice#moves/1","inbox":"https://a.example/inbox"}`,
	`{"activity":"https://old.example/users/alice#moves/1","inbox":"https://b.example/inbox"}`,
}

// FuzzDeliveryLog opens arbitrary files as delivery logs: no panic, and
// either an error or a log that takes a record and reopens with it.
func FuzzDeliveryLog(f *testing.F) {
	good := deliveryLogFile(f, logHeader, logRecords, 0)
	f.Add(good)
	f.Add(good[:len(good)-5]) // torn
	legacy, err := os.ReadFile("testdata/deliverylog/legacy.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(legacy)
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "log")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := migrate.OpenDeliveryLog(path)
		if err != nil {
			return
		}
		n := l.Len()
		if err := l.Record("a", "b"); err != nil {
			t.Fatal(err)
		}
		l.Close()
		l, err = migrate.OpenDeliveryLog(path)
		if err != nil {
			t.Fatalf("reopening: %v", err)
		}
		defer l.Close()
		if !l.Delivered("a", "b") || l.Len() < n || l.Len() > n+1 {
			t.Errorf("reopened log has %d records (had %d, added one)", l.Len(), n)
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
