package activitypub_test

import (
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

// FuzzParseAccount checks that ParseAccount never panics and that an
// account it accepts parses back from its String and URI forms.
func FuzzParseAccount(f *testing.F) {
	for _, s := range []string{
		"alice@example.com", "@alice@example.com", "acct:alice@example.com",
		"user@localhost:8080", "user@münchen.example", "user@[::1]:3000",
		"user@127.0.0.1", "al ice@x", "a@b@c", "acct:@a@b", "user@example.com.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := activitypub.ParseAccount(in)
		if err != nil {
			return
		}
		if a.User == "" || a.Host == "" || strings.ContainsAny(a.Host, " /@") {
			t.Fatalf("ParseAccount(%q) = %+v", in, a)
		}
		for _, form := range []string{a.String(), a.URI(), "@" + a.String()} {
			again, err := activitypub.ParseAccount(form)
			if err != nil {
				t.Fatalf("ParseAccount(%q) (from %q): %v", form, in, err)
			}
			if again != a {
				t.Fatalf("ParseAccount(%q) = %+v, want %+v", form, again, a)
			}
		}
	})
}
