package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
)

const (
	capture    = "testdata/gotosocial-live-move-request.http"
	captureKey = "testdata/gotosocial-old-alice-key.pem"
)

func runJSON(t *testing.T, args ...string) (output, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-json"}, args...), strings.NewReader(""), &stdout, &stderr)
	var out output
	if code != 1 || stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("output %q (stderr %q): %v", stdout.String(), stderr.String(), err)
		}
	}
	return out, code
}

func checkOf(out output, name string) check {
	for _, c := range out.Checks {
		if c.Name == name {
			return c
		}
	}
	return check{}
}

// TestGoToSocialCapture explains the real GoToSocial delivery, verified
// at its time and refused two hours later.
func TestGoToSocialCapture(t *testing.T) {
	out, code := runJSON(t, "-key", captureKey, "-at", "2026-11-28T15:41:30Z", capture)
	if code != 0 || !out.Verified || out.Scheme != "draft-cavage" || out.KeyID != "http://old.test/users/alice/main-key" || len(out.Checks) != 6 {
		t.Fatalf("exit %d, %+v", code, out)
	}
	if c := checkOf(out, "coverage"); !c.OK || c.Reason != "covers (request-target) host date digest" {
		t.Errorf("coverage check %+v", c)
	}
	out, code = runJSON(t, "-key", captureKey, "-at", "2026-11-28T17:41:30Z", capture)
	if code != 3 || out.Verified {
		t.Fatalf("two hours later: exit %d, %+v", code, out)
	}
	if c := checkOf(out, "time"); c.OK || !strings.Contains(c.Reason, "older than") {
		t.Errorf("time check %+v", c)
	}
	if c := checkOf(out, "signature"); c.OK || !strings.Contains(c.Reason, "not checked") {
		t.Errorf("signature check %+v", c)
	}
}

// TestFetchedKey signs an RFC 9421 request with a key its actor serves on
// loopback; sigcheck fetches the key and checks its owner against the
// activity's actor.
func TestFetchedKey(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pemText, err := activitypub.MarshalPublicKeyPEM(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	var actorURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprintf(w, `{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],"id":%q,"type":"Person","preferredUsername":"alice","inbox":%q,"publicKey":{"id":%q,"owner":%q,"publicKeyPem":%q}}`,
			actorURL, actorURL+"/inbox", actorURL+"#main-key", actorURL, pemText)
	}))
	defer srv.Close()
	actorURL = srv.URL + "/users/alice"
	body := fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s#moves/1","type":"Move","actor":%q,"object":%q,"target":"https://new.example/users/alice"}`, actorURL, actorURL, actorURL)

	write := func(t *testing.T, body, signedBody string) string {
		req, err := http.NewRequest(http.MethodPost, "https://new.example/users/bob/inbox", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		s := &activitypub.Signer{KeyID: actorURL + "#main-key", Key: key, Scheme: activitypub.SchemeRFC9421}
		if err := s.Sign(req, []byte(signedBody)); err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if err := req.Write(&raw); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(t.TempDir(), "request.http")
		if err := os.WriteFile(name, raw.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	out, code := runJSON(t, "-allow-private", write(t, body, body))
	if code != 0 || out.Scheme != "rfc9421" {
		t.Fatalf("exit %d, %+v", code, out)
	}
	if c := checkOf(out, "key"); !c.OK || !strings.Contains(c.Reason, "the activity's actor is the owner") {
		t.Errorf("key check %+v", c)
	}
	tampered := strings.Replace(body, "new.example", "evil.example", 1)
	out, code = runJSON(t, "-allow-private", write(t, tampered, body))
	if code != 3 {
		t.Fatalf("tampered body: exit %d, %+v", code, out)
	}
	if c := checkOf(out, "digest"); c.OK || !strings.Contains(c.Reason, "digest does not match") {
		t.Errorf("digest check %+v", c)
	}
	// Signed and intact, but the activity speaks for another actor than
	// the key's owner: the key check fails.
	forged := strings.Replace(body, `"actor":"`+actorURL+`"`, `"actor":"https://other.example/users/mallory"`, 1)
	if forged == body {
		t.Fatal("the forged body names the same actor")
	}
	out, code = runJSON(t, "-allow-private", write(t, forged, forged))
	if code != 3 || out.Verified {
		t.Fatalf("activity of another actor: exit %d, %+v", code, out)
	}
	if c := checkOf(out, "key"); c.OK || !strings.Contains(c.Reason, "; but ") {
		t.Errorf("key check %+v, want it failed on the activity's actor", c)
	}
}

func TestUnreadable(t *testing.T) {
	if _, code := runJSON(t, filepath.Join(t.TempDir(), "absent.http")); code != 1 {
		t.Errorf("absent file: exit %d, want 1", code)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-"}, strings.NewReader("not a request"), &stdout, &stderr); code != 1 {
		t.Errorf("garbage on stdin: exit %d, want 1", code)
	}
}
