package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

// TestSignedFetches runs move-check against a server that answers 401
// to unsigned fetches, as GoToSocial does: without a key the 401 is a
// problem (exit 3) that says how to supply one; with -key and -key-id
// every fetch is signed and the check goes through.
func TestSignedFetches(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Signature"), `keyId="`+srv.URL+`/actor#main-key"`) {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		id := srv.URL + r.URL.Path
		a := &activitypub.Actor{ID: id, Type: "Person", PreferredUsername: filepath.Base(r.URL.Path), Inbox: id + "/inbox"}
		if r.URL.Path == "/users/new" {
			a.AlsoKnownAs = []string{srv.URL + "/users/old"}
		}
		w.Header().Set("Content-Type", activitypub.ContentTypeActivityJSON)
		json.NewEncoder(w).Encode(a)
	}))
	defer srv.Close()
	oldURL, newURL := srv.URL+"/users/old", srv.URL+"/users/new"

	var stdout, stderr bytes.Buffer
	code := run([]string{"-allow-private", oldURL, newURL}, &stdout, &stderr)
	if code != 3 || !strings.Contains(stdout.String(), "requires signed fetches") || !strings.Contains(stdout.String(), "-key FILE -key-id URL") {
		t.Errorf("unsigned: exit %d, want 3 and a problem saying how to sign:\n%s%s", code, stdout.String(), stderr.String())
	}

	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"-allow-private", "-key", keyFile, "-key-id", srv.URL + "/actor#main-key", oldURL, newURL}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "ready") {
		t.Errorf("signed: exit %d, want 0:\n%s%s", code, stdout.String(), stderr.String())
	}
	if code := run([]string{"-allow-private", "-key", keyFile, oldURL, newURL}, &stdout, &stderr); code != 2 {
		t.Errorf("-key without -key-id: exit %d, want 2 (bad usage)", code)
	}
}
