package activitypub_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// FuzzVerifyRFC9421 feeds hostile Signature-Input, Signature and
// Content-Digest fields to Verify: it must not panic, must refuse with a
// *SignatureError, and must never accept (the fuzzer cannot forge the
// Ed25519 signature over a changed request).
func FuzzVerifyRFC9421(f *testing.F) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	pemText, err := activitypub.MarshalPublicKeyPEM(key.Public())
	if err != nil {
		f.Fatal(err)
	}
	keys := activitypub.KeyResolverFunc(func(_ context.Context, id string, _ bool) (*activitypub.PublicKey, error) {
		return &activitypub.PublicKey{ID: id, Owner: "https://a.example/users/x", PublicKeyPem: pemText}, nil
	})
	now := time.Unix(1700000000, 0)
	req, err := http.NewRequest(http.MethodPost, "https://b.example/inbox", strings.NewReader("{}"))
	if err != nil {
		f.Fatal(err)
	}
	s := &activitypub.Signer{KeyID: "https://a.example/users/x#k", Key: key, Scheme: activitypub.SchemeRFC9421, Now: func() time.Time { return now }}
	if err := s.Sign(req, []byte("{}")); err != nil {
		f.Fatal(err)
	}
	f.Add(req.Header.Get("Signature-Input"), req.Header.Get("Signature"), req.Header.Get("Content-Digest"), "{}!")
	f.Add(`a=("@method" "@authority" "@path");created=1700000000;keyid="k";alg="ed25519", b=();keyid="x"`, `a=:AAAA:, b=:AA==:`, `sha-512=:AA==:`, "")
	f.Add(`sig1=("@query" "@request-target" "@scheme" "x";sf);expires=1;nonce="n";tag="t"`, `sig1=?1`, `sha-256=1`, "x")
	f.Fuzz(func(t *testing.T, input, signature, digest, body string) {
		r, err := http.NewRequest(http.MethodPost, "https://b.example/inbox", strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
		r.Header.Set("Content-Type", "application/activity+json")
		r.Header.Set("Signature-Input", input)
		r.Header.Set("Signature", signature)
		r.Header.Set("Content-Digest", digest)
		v := &activitypub.Verifier{Keys: keys, Now: func() time.Time { return now }}
		got, err := v.Verify(context.Background(), r)
		if err == nil {
			if body == "{}" && input == req.Header.Get("Signature-Input") {
				return // the seed itself
			}
			t.Fatalf("Verify accepted %+v", got)
		}
		var se *activitypub.SignatureError
		if !errors.As(err, &se) {
			t.Fatalf("error %T is not a *SignatureError: %v", err, err)
		}
	})
}
