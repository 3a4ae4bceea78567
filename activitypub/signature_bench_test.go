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
	benchSign(b, &activitypub.Signer{KeyID: testKeyID, Key: testRSAKey(b, 0)})
}

// BenchmarkVerifyRequest verifies a signed Move delivery, the key
// resolved from memory (its PEM decoded each time, as a resolver without
// a cache of decoded keys costs).
func BenchmarkVerifyRequest(b *testing.B) {
	benchVerify(b, &activitypub.Signer{KeyID: testKeyID, Key: testRSAKey(b, 0)})
}

// newBenchPost is the Move delivery the benchmarks sign, unsigned.
func newBenchPost(b *testing.B) *http.Request {
	req, err := http.NewRequest(http.MethodPost, "https://new.example/users/bob/inbox", nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// benchSign measures signer signing a Move delivery.
func benchSign(b *testing.B, signer *activitypub.Signer) {
	body := []byte(moveBody)
	req := newBenchPost(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := signer.Sign(req, body); err != nil {
			b.Fatal(err)
		}
	}
}

// benchVerify measures verifying a Move delivery signed by signer, its
// public key resolved from memory and its PEM decoded each call.
func benchVerify(b *testing.B, signer *activitypub.Signer) {
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(b, testKeyID, testActor, signer.Key)}}
	verifier := &activitypub.Verifier{Keys: keys}
	req := newBenchPost(b)
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

// benchSigners are the scheme and key combinations measured by
// BenchmarkSignSchemes and BenchmarkVerifySchemes.
func benchSigners(b *testing.B) []struct {
	name   string
	signer *activitypub.Signer
} {
	rsaKey, edKey := testRSAKey(b, 0), testEd25519Key()
	return []struct {
		name   string
		signer *activitypub.Signer
	}{
		{"cavage/rsa-sha256", &activitypub.Signer{KeyID: testKeyID, Key: rsaKey}},
		{"cavage/ed25519", &activitypub.Signer{KeyID: testKeyID, Key: edKey}},
		{"rfc9421/rsa-v1_5-sha256", &activitypub.Signer{KeyID: testKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}},
		{"rfc9421/rsa-pss-sha512", &activitypub.Signer{KeyID: testKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421, Algorithm: activitypub.AlgorithmRSAPSSSHA512}},
		{"rfc9421/ed25519", &activitypub.Signer{KeyID: testKeyID, Key: edKey, Scheme: activitypub.SchemeRFC9421}},
	}
}

// BenchmarkSignSchemes signs a Move delivery with each scheme and key
// type (RSA-2048, Ed25519).
func BenchmarkSignSchemes(b *testing.B) {
	for _, bc := range benchSigners(b) {
		b.Run(bc.name, func(b *testing.B) { benchSign(b, bc.signer) })
	}
}

// BenchmarkVerifySchemes verifies a signed Move delivery with each scheme
// and key type, the key PEM decoded each call.
func BenchmarkVerifySchemes(b *testing.B) {
	for _, bc := range benchSigners(b) {
		b.Run(bc.name, func(b *testing.B) { benchVerify(b, bc.signer) })
	}
}
