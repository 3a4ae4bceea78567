package activitypub_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/google/go-cmp/cmp"
)

// FuzzParseActor checks that decoding never panics, fails only with a
// documented error, and that what decodes encodes to a document that
// decodes to the same actor.
func FuzzParseActor(f *testing.F) {
	files, _ := filepath.Glob("testdata/actors/*.json")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, dir := range []string{"testdata/vectors/move", "testdata/vectors/actor"} {
		vectors, _ := testvectors.Load(dir)
		for _, v := range vectors {
			for _, s := range v.Sections {
				f.Add(s)
			}
		}
	}
	f.Add([]byte(`{"alsoKnownAs":"x","attachment":{"type":"PropertyValue"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := activitypub.ParseActor(data)
		if err != nil {
			if !errors.Is(err, activitypub.ErrMalformed) && !hasReason(err, activitypub.DocumentTooLarge) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		_ = a.Check()
		out, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		b, err := activitypub.ParseActor(out)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", out, err)
		}
		if diff := cmp.Diff(a, b, ignoreMembers, cmp.Comparer(func(x, y []byte) bool { return string(x) == string(y) })); diff != "" {
			t.Fatalf("round trip changed the actor (-first +second):\n%s", diff)
		}
	})
}

// FuzzParseMove checks that Move decoding and verification never panic.
func FuzzParseMove(f *testing.F) {
	vectors, _ := testvectors.Load("testdata/vectors/move")
	for _, v := range vectors {
		f.Add(v.Sections["move"], v.Sections["target"])
	}
	f.Fuzz(func(t *testing.T, move, target []byte) {
		m, err := activitypub.ParseMove(move)
		if err != nil {
			return
		}
		a, err := activitypub.ParseActor(target)
		if err != nil {
			return
		}
		origin := &activitypub.Actor{ID: m.Actor}
		_ = activitypub.VerifyMove(m, origin, a)
		if _, err := m.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzUpdate checks that Update decoding never panics, and that a decoded
// Update encodes to bytes that decode and encode again to the same bytes.
func FuzzUpdate(f *testing.F) {
	files, _ := filepath.Glob("testdata/updates/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"type":"Update","object":"https://a.example/u"}`))
	f.Add([]byte(`{"type":"Update","object":{"id":"a","id":"b"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var u activitypub.Update
		if err := u.UnmarshalJSON(data); err != nil {
			return
		}
		out, err := u.MarshalJSON()
		if err != nil {
			t.Fatalf("encoding a decoded Update: %v", err)
		}
		var again activitypub.Update
		if err := again.UnmarshalJSON(out); err != nil {
			t.Fatalf("decoding %s: %v", out, err)
		}
		out2, err := again.MarshalJSON()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("second round trip:\n%s\n%s (%v)", out, out2, err)
		}
	})
}
