package activitypub_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
)

// FuzzParseSignatureHeader checks that ParseSignatureHeader never panics
// and that what it accepts survives String and a second parse.
func FuzzParseSignatureHeader(f *testing.F) {
	files, _ := filepath.Glob("testdata/signatures/*.http")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\r\n")) {
			if v, ok := bytes.CutPrefix(line, []byte("Signature: ")); ok {
				f.Add(string(v))
			}
		}
	}
	f.Add(`keyId="https://a.example/users/x#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2ln"`)
	f.Add(` Signature = "c2ln" , Headers="Date  Host" ,  KEYID="k", foo=bar,, created=1700000000, expires=1700000300`)
	f.Add(`keyId="a\"b\\c",signature=c2ln`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := activitypub.ParseSignatureHeader(in)
		if err != nil {
			return
		}
		out := p.String()
		again, err := activitypub.ParseSignatureHeader(out)
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", out, err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", in, out, diff)
		}
	})
}
