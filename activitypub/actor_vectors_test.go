package activitypub_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/google/go-cmp/cmp"
)

var actorErrors = map[string]error{
	"ErrMalformed":        activitypub.DocumentMalformed,
	"ErrKeyOwner":         activitypub.DocumentKeyOwner,
	"ErrDocumentTooLarge": activitypub.DocumentTooLarge,
}

// TestActorVectors decodes and checks each actor vector: "expect: ok"
// vectors must decode, pass Check, encode without loss, and have the
// fields their headers give (id, movedTo, alsoKnownAs as space-separated
// IRIs, sharedInbox, keyId, webfinger); the others must fail with the
// named error, in ParseActor or in Check.
func TestActorVectors(t *testing.T) {
	t.Parallel()
	vectors, err := testvectors.Load("testdata/vectors/actor")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			data, err := v.Section("actor")
			if err != nil {
				t.Fatal(err)
			}
			a, err := activitypub.ParseActor(data)
			if err == nil {
				err = a.Check()
			}
			if v.Expect != "ok" {
				want := actorErrors[v.Expect]
				if want == nil {
					t.Fatalf("unknown expect: %s", v.Expect)
				}
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %v (%s)", err, want, v.Header["reason"])
				}
				checkDuplicate(t, v, err)
				return
			}
			if err != nil {
				t.Fatalf("want ok (%s), got %v", v.Header["reason"], err)
			}
			out, err := a.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonValue(t, data), jsonValue(t, out)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			keyID := ""
			if a.PublicKey != nil {
				keyID = a.PublicKey.ID
			}
			got := map[string]string{
				"id":          a.ID,
				"movedTo":     a.MovedTo,
				"alsoKnownAs": strings.Join(a.AlsoKnownAs, " "),
				"sharedInbox": a.SharedInbox(),
				"keyId":       keyID,
				"webfinger":   a.Webfinger,
			}
			for k, want := range v.Header {
				if k == "expect" || k == "reason" {
					continue
				}
				g, ok := got[k]
				if !ok {
					t.Fatalf("unknown header %q", k)
				}
				if g != want {
					t.Errorf("%s = %q, want %q", k, g, want)
				}
			}
		})
	}
}

// checkDuplicate checks, for a vector with a "duplicate:" header, that err
// is a *DuplicateMemberError naming that member.
func checkDuplicate(t *testing.T, v *testvectors.Vector, err error) {
	t.Helper()
	name, ok := v.Header["duplicate"]
	if !ok {
		return
	}
	var dup *activitypub.DuplicateMemberError
	if !errors.As(err, &dup) {
		t.Fatalf("got %v, want a *DuplicateMemberError (%s)", err, v.Header["reason"])
	}
	if dup.Name != name {
		t.Errorf("duplicate member %q, want %q", dup.Name, name)
	}
}
