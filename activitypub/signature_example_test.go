package activitypub_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/fediport/fediport/activitypub"
)

// ExampleSigner signs an inbox delivery as Mastodon does and verifies it
// as the receiving server would.
func ExampleSigner() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	pemText, err := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		panic(err)
	}
	const keyID = "https://old.example/users/alice#main-key"

	// Sending side.
	body := []byte(`{"type":"Move","actor":"https://old.example/users/alice"}`)
	req, err := http.NewRequest(http.MethodPost, "https://new.example/inbox", strings.NewReader(string(body)))
	if err != nil {
		panic(err)
	}
	signer := &activitypub.Signer{KeyID: keyID, Key: key}
	if err := signer.Sign(req, body); err != nil {
		panic(err)
	}
	p, _ := activitypub.ParseSignatureHeader(req.Header.Get("Signature"))
	fmt.Println("algorithm:", p.Algorithm)
	fmt.Println("headers:", strings.Join(p.Headers, " "))

	// Receiving side: keys would be fetched (see Client.ResolveKey).
	verifier := &activitypub.Verifier{Keys: activitypub.KeyResolverFunc(
		func(ctx context.Context, id string, refresh bool) (*activitypub.PublicKey, error) {
			return &activitypub.PublicKey{ID: id, Owner: "https://old.example/users/alice", PublicKeyPem: pemText}, nil
		})}
	signed, err := verifier.Verify(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println("signed by:", signed.Actor)
	fmt.Println("actor check:", signed.CheckActor("https://old.example/users/alice"))
	// Output:
	// algorithm: rsa-sha256
	// headers: (request-target) host date digest content-type
	// signed by: https://old.example/users/alice
	// actor check: <nil>
}

// ExampleSigner_rfc9421 signs an inbox delivery with RFC 9421 HTTP
// Message Signatures and an Ed25519 key, and verifies it.
func ExampleSigner_rfc9421() {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	pemText, err := activitypub.MarshalPublicKeyPEM(pub)
	if err != nil {
		panic(err)
	}
	body := []byte(`{"type":"Move","actor":"https://old.example/users/alice"}`)
	req, err := http.NewRequest(http.MethodPost, "https://new.example/inbox", strings.NewReader(string(body)))
	if err != nil {
		panic(err)
	}
	signer := &activitypub.Signer{KeyID: "https://old.example/users/alice#ed25519-key", Key: key, Scheme: activitypub.SchemeRFC9421}
	if err := signer.Sign(req, body); err != nil {
		panic(err)
	}
	input := req.Header.Get("Signature-Input")
	fmt.Println("covered:", input[:strings.Index(input, ")")+1])

	verifier := &activitypub.Verifier{Keys: activitypub.KeyResolverFunc(
		func(ctx context.Context, id string, refresh bool) (*activitypub.PublicKey, error) {
			return &activitypub.PublicKey{ID: id, Owner: "https://old.example/users/alice", PublicKeyPem: pemText}, nil
		})}
	signed, err := verifier.Verify(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println("scheme:", signed.Scheme, signed.Label, signed.Algorithm)
	fmt.Println("signed by:", signed.Actor)
	// Output:
	// covered: sig1=("@method" "@target-uri" "@authority" "date" "content-type" "content-digest")
	// scheme: rfc9421 sig1 ed25519
	// signed by: https://old.example/users/alice
}

// A host reads a request's key id before verifying it, to refuse a
// blocked domain without fetching its key.
func ExampleParseSignatureHeader() {
	p, err := activitypub.ParseSignatureHeader(`keyId="https://blocked.example/users/mallory#main-key", algorithm="rsa-sha256", headers="(request-target) host date digest", signature="c2lnbmF0dXJl"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(p.KeyID)
	fmt.Println(u.Host, p.CoveredHeaders())
	// Output: blocked.example [(request-target) host date digest]
}
