package activitypub

import (
	"bufio"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
)

// TestRFC9421Vector checks the signature base and the signature of the
// Ed25519 example of RFC 9421 (Appendix B.2.6, key from B.1.4): the
// specification's own bytes, not fediport's.
func TestRFC9421Vector(t *testing.T) {
	t.Parallel()
	raw := "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\r\n" +
		"Content-Length: 18\r\n" +
		`Signature-Input: sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"` + "\r\n" +
		"Signature: sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:\r\n" +
		"\r\n" +
		`{"hello": "world"}`
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := parseMessageSignatures(r)
	if err != nil || len(sigs) != 1 || sigs[0].err != nil {
		t.Fatalf("parse: %v, %+v", err, sigs)
	}
	s := sigs[0]
	if s.label != "sig-b26" || s.keyID != "test-key-ed25519" || s.created != 1618884473 {
		t.Errorf("parsed %+v", s)
	}
	wantBase := `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	bases, err := signatureBases(r, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(bases[0]); got != wantBase {
		t.Errorf("signature base:\n%s\nwant:\n%s", got, wantBase)
	}
	pub, err := ParsePublicKeyPEM("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n")
	if err != nil {
		t.Fatal(err)
	}
	alg, err := verifyMessageSignature(pub.(ed25519.PublicKey), "", bases, s.signature)
	if err != nil || alg != AlgorithmEd25519 {
		t.Errorf("verify = %q, %v", alg, err)
	}
	if reason := checkContentDigest(r.Header.Values("Content-Digest"), []byte(`{"hello": "world"}`)); reason != "" {
		t.Errorf("Content-Digest of the RFC's body: %s", reason)
	}
}
