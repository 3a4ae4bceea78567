package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

// BenchmarkSignRequest signs a Move delivery with a 2048-bit RSA key.
func BenchmarkSignRequest(b *testing.B) {
	key := testRSAKey(b, 0)
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key}
	body := []byte(moveBody)
	req, err := http.NewRequest(http.MethodPost, "https://new.example/users/bob/inbox", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := signer.Sign(req, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRequest verifies a signed Move delivery, the key
// resolved from memory (its PEM decoded each time, as a resolver without
// a cache of decoded keys costs).
func BenchmarkVerifyRequest(b *testing.B) {
	key := testRSAKey(b, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(b, testKeyID, testActor, key)}}
	verifier := &activitypub.Verifier{Keys: keys}
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key}
	req, err := http.NewRequest(http.MethodPost, "https://new.example/users/bob/inbox", nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := signer.Sign(req, []byte(moveBody)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(moveBody)))
	b.ReportAllocs()
	for b.Loop() {
		req.Body = readCloser(moveBody)
		if _, err := verifier.Verify(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyGoToSocialCapture verifies the captured GoToSocial
// delivery.
func BenchmarkVerifyGoToSocialCapture(b *testing.B) {
	req, body := readCapture(b)
	verifier := &activitypub.Verifier{Keys: captureKeys(b), Now: fixedClock(captureDate)}
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req.Body = readCloser(string(body))
		if _, err := verifier.Verify(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func readCloser(s string) *nopCloser { return &nopCloser{strings.NewReader(s)} }

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
