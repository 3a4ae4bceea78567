package migrate

import (
	"fmt"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

// TestKnownSchemesBounded checks that the per-host memory of signature
// schemes forgets the oldest hosts beyond its bound.
func TestKnownSchemesBounded(t *testing.T) {
	var k knownSchemes
	for i := range maxKnownSchemes + 100 {
		k.set(fmt.Sprintf("h%d.example", i), activitypub.SchemeRFC9421)
	}
	k.set("h200.example", activitypub.SchemeCavage) // an update, not a new host
	if len(k.m) != maxKnownSchemes || len(k.order) != maxKnownSchemes {
		t.Fatalf("remembers %d hosts (%d in order), want %d", len(k.m), len(k.order), maxKnownSchemes)
	}
	if _, ok := k.get("h99.example"); ok {
		t.Errorf("h99.example, among the oldest, is still remembered")
	}
	if s, ok := k.get("h200.example"); !ok || s != activitypub.SchemeCavage {
		t.Errorf("h200.example = %q, %v; want draft-cavage", s, ok)
	}
	if s, ok := k.get(fmt.Sprintf("h%d.example", maxKnownSchemes+99)); !ok || s != activitypub.SchemeRFC9421 {
		t.Errorf("newest host = %q, %v", s, ok)
	}
}
