package activitypub_test

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// Fedify (TypeScript, npm @fedify/fedify, pinned in
// testdata/fedify/package.json) is the independent implementation these
// tests check fediport against. .ci/run installs it; elsewhere run
// `npm ci` in activitypub/testdata/fedify.
const fedifyDir = "testdata/fedify"

// fedifyNode returns the node binary, or skips the test saying why.
func fedifyNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("Node.js is not installed: the Fedify interoperability tests need it (.ci/run installs it)")
	}
	if _, err := os.Stat(filepath.Join(fedifyDir, "node_modules", "@fedify", "fedify", "package.json")); err != nil {
		t.Skip("Fedify is not installed: run `npm ci` in activitypub/testdata/fedify (.ci/run does)")
	}
	return node
}

type fedifySigned struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
}

// TestFedifySignsFediportVerifies has Fedify sign requests with RFC 9421
// and draft-cavage and send them to a fediport server on loopback, then
// checks that each tampered copy is refused.
func TestFedifySignsFediportVerifies(t *testing.T) {
	node := fedifyNode(t)
	t.Parallel()
	key := testRSAKey(t, 0)
	const keyID = "https://old.example/keys/alice-rsa"
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{keyID: publicKey(t, keyID, testActor, key)}}
	verifier := &activitypub.Verifier{Keys: keys}
	var mu sync.Mutex
	results := map[string]error{}
	schemes := map[string]activitypub.Scheme{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := verifier.Verify(r.Context(), r)
		mu.Lock()
		results[r.URL.Path] = err
		if err == nil {
			schemes[r.URL.Path] = got.Scheme
		}
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)

	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	type request struct {
		Spec    string  `json:"spec"`
		Method  string  `json:"method"`
		URL     string  `json:"url"`
		Body    *string `json:"body"`
		Expires bool    `json:"expires,omitempty"`
	}
	body := moveBody
	requests := []request{
		{Spec: "rfc9421", Method: "POST", URL: srv.URL + "/rfc9421/inbox", Body: &body},
		{Spec: "draft-cavage-http-signatures", Method: "POST", URL: srv.URL + "/cavage/inbox", Body: &body},
		{Spec: "rfc9421", Method: "GET", URL: srv.URL + "/rfc9421/users/alice?page=1"},
		{Spec: "draft-cavage-http-signatures", Method: "GET", URL: srv.URL + "/cavage/users/alice"},
		{Spec: "rfc9421", Method: "POST", URL: srv.URL + "/rfc9421-expires/inbox", Body: &body, Expires: true},
	}
	job, err := json.Marshal(map[string]any{
		"keyId":         keyID,
		"privateKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"requests":      requests,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "interop.mjs", "sign")
	cmd.Dir = fedifyDir
	cmd.Stdin = strings.NewReader(string(job))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node interop.mjs sign: %v\n%s", err, stderr.String())
	}
	var signed []fedifySigned
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(requests) {
		t.Fatalf("node output %q: %v", out, err)
	}
	for i, r := range requests {
		path := strings.TrimPrefix(r.URL, srv.URL)
		path, _, _ = strings.Cut(path, "?")
		mu.Lock()
		err, scheme := results[path], schemes[path]
		mu.Unlock()
		if signed[i].Status != http.StatusAccepted || err != nil {
			t.Errorf("%s %s signed by Fedify (%s): status %d, Verify: %v", r.Method, path, r.Spec, signed[i].Status, err)
			continue
		}
		want := activitypub.SchemeRFC9421
		if r.Spec != "rfc9421" {
			want = activitypub.SchemeCavage
		}
		if scheme != want {
			t.Errorf("%s %s verified as %s, want %s", r.Method, path, scheme, want)
		}
	}

	// Each signed request again, built from the headers Fedify wrote:
	// as signed it verifies; each change to what is covered fails.
	rebuild := func(t *testing.T, i int) *http.Request {
		r := requests[i]
		var b io.Reader
		if r.Body != nil {
			b = strings.NewReader(*r.Body)
		}
		req := httptest.NewRequest(r.Method, r.URL, b)
		for k, v := range signed[i].Headers {
			req.Header.Set(k, v)
		}
		return req
	}
	tampers := []struct {
		name   string
		tamper func(req *http.Request)
		want   error
	}{
		{name: "as signed"},
		{name: "method", tamper: func(req *http.Request) { req.Method = http.MethodPut }, want: activitypub.SignatureMismatch},
		{name: "path", tamper: func(req *http.Request) { req.URL.Path = strings.Replace(req.URL.Path, "inbox", "outbox", 1) }, want: activitypub.SignatureMismatch},
		{name: "host", tamper: func(req *http.Request) { req.Host = "evil.example" }, want: activitypub.SignatureMismatch},
		{name: "date", tamper: shiftDate, want: activitypub.SignatureMismatch},
		{name: "body", tamper: func(req *http.Request) {
			setBody(req, strings.Replace(moveBody, "new.example", "evil.example", 1))
		}, want: activitypub.SignatureDigest},
	}
	for _, i := range []int{0, 1} {
		for _, tc := range tampers {
			t.Run(requests[i].Spec+"/"+tc.name, func(t *testing.T) {
				req := rebuild(t, i)
				if tc.tamper != nil {
					tc.tamper(req)
				}
				_, err := verifier.Verify(context.Background(), req)
				if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
					t.Errorf("Verify = %v, want %v", err, tc.want)
				}
			})
		}
	}
	t.Run("rfc9421/created changed", func(t *testing.T) {
		req := rebuild(t, 0)
		bumpCreated(t, req)
		if _, err := verifier.Verify(context.Background(), req); err == nil {
			t.Errorf("Verify accepted a changed created parameter: %s", req.Header.Get("Signature-Input"))
		}
	})
	// Fedify's expires is an hour after created: 70 minutes later it has
	// not passed by more than MaxSkew, but MaxAge has.
	t.Run("rfc9421/expires does not lift MaxAge", func(t *testing.T) {
		req := rebuild(t, 4)
		if !strings.Contains(req.Header.Get("Signature-Input"), "expires=") {
			t.Fatalf("Fedify wrote no expires: %s", req.Header.Get("Signature-Input"))
		}
		late := &activitypub.Verifier{Keys: keys, Now: func() time.Time { return time.Now().Add(70 * time.Minute) }}
		if _, err := late.Verify(context.Background(), req); !hasReason(err, activitypub.SignatureStale) {
			t.Errorf("Verify 70 minutes later = %v, want SignatureStale", err)
		}
	})
}

// TestFediportSignsFedifyVerifies signs requests with fediport and sends
// them to Fedify's verifyRequest, served by Node on loopback.
func TestFediportSignsFedifyVerifies(t *testing.T) {
	node := fedifyNode(t)
	t.Parallel()
	rsaKey, edKey := testRSAKey(t, 0), testEd25519Key()
	const rsaKeyID, edKeyID = "https://old.example/keys/alice-rsa", "https://old.example/keys/alice-ed25519"
	keyDoc := func(id string, key any) map[string]any {
		return map[string]any{
			"@context":     "https://w3id.org/security/v1",
			"id":           id,
			"type":         "CryptographicKey",
			"owner":        testActor,
			"publicKeyPem": publicKey(t, id, testActor, key).PublicKeyPem,
		}
	}
	job, err := json.Marshal(map[string]any{"keys": map[string]any{rsaKeyID: keyDoc(rsaKeyID, rsaKey), edKeyID: keyDoc(edKeyID, edKey)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "interop.mjs", "verify")
	cmd.Dir = fedifyDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	if _, err := stdin.Write(append(job, '\n')); err != nil {
		t.Fatal(err)
	}
	ready := make(chan int, 1)
	go func() {
		var hello struct{ Port int }
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && json.Unmarshal([]byte(line), &hello) == nil {
			ready <- hello.Port
		}
		close(ready)
	}()
	var port int
	select {
	case p, ok := <-ready:
		if !ok || p == 0 {
			t.Fatalf("Fedify's verifier did not start: %s", stderr.String())
		}
		port = p
	case <-ctx.Done():
		t.Fatalf("Fedify's verifier did not start in time: %s", stderr.String())
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)

	tests := []struct {
		name   string
		signer *activitypub.Signer
		method string
		tamper func(req *http.Request)
		want   int
	}{
		{name: "draft-cavage RSA POST", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodPost, want: http.StatusAccepted},
		{name: "draft-cavage RSA GET", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodGet, want: http.StatusAccepted},
		{name: "RFC 9421 RSA POST", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost, want: http.StatusAccepted},
		{name: "RFC 9421 RSA GET", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodGet, want: http.StatusAccepted},
		{name: "RFC 9421 Ed25519 POST", signer: &activitypub.Signer{KeyID: edKeyID, Key: edKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost, want: http.StatusAccepted},
		{name: "RFC 9421 path changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.URL.Path = "/users/carol/inbox" }, want: http.StatusUnauthorized},
		{name: "RFC 9421 body changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { setBody(req, strings.Replace(moveBody, "new.example", "evil.example", 1)) }, want: http.StatusUnauthorized},
		{name: "RFC 9421 content-type changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.Header.Set("Content-Type", "text/plain") }, want: http.StatusUnauthorized},
		{name: "RFC 9421 method changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.Method = http.MethodPut }, want: http.StatusUnauthorized},
		{name: "RFC 9421 created changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { bumpCreated(t, req) }, want: http.StatusUnauthorized},
		{name: "RFC 9421 host changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.Host = "evil.example" }, want: http.StatusUnauthorized},
		{name: "RFC 9421 date changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey, Scheme: activitypub.SchemeRFC9421}, method: http.MethodPost,
			tamper: func(req *http.Request) { shiftDate(req) }, want: http.StatusUnauthorized},
		{name: "draft-cavage host changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.Host = "evil.example" }, want: http.StatusUnauthorized},
		{name: "draft-cavage date changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodPost,
			tamper: func(req *http.Request) { shiftDate(req) }, want: http.StatusUnauthorized},
		{name: "draft-cavage body changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodPost,
			tamper: func(req *http.Request) { setBody(req, strings.Replace(moveBody, "new.example", "evil.example", 1)) }, want: http.StatusUnauthorized},
		{name: "draft-cavage path changed", signer: &activitypub.Signer{KeyID: rsaKeyID, Key: rsaKey}, method: http.MethodPost,
			tamper: func(req *http.Request) { req.URL.Path = "/users/carol/inbox" }, want: http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b io.Reader
			var body []byte
			if tc.method == http.MethodPost {
				b, body = strings.NewReader(moveBody), []byte(moveBody)
			}
			req, err := http.NewRequestWithContext(ctx, tc.method, base+"/users/bob/inbox", b)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.signer.Sign(req, body); err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				tc.tamper(req)
			}
			resp, err := isolatedClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("Fedify answered %d %s, want %d\nrequest headers: %v", resp.StatusCode, msg, tc.want, req.Header)
			}
		})
	}
}

// bumpCreated adds a second to the created parameter of the request's
// Signature-Input.
func bumpCreated(t *testing.T, req *http.Request) {
	t.Helper()
	in := req.Header.Get("Signature-Input")
	i := strings.Index(in, "created=")
	if i < 0 {
		t.Fatalf("Signature-Input %s has no created", in)
	}
	i += len("created=")
	j := i
	for j < len(in) && in[j] >= '0' && in[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(in[i:j], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Signature-Input", in[:i]+strconv.FormatInt(n+1, 10)+in[j:])
}

// shiftDate moves the request's Date a second on.
func shiftDate(req *http.Request) {
	d, _ := http.ParseTime(req.Header.Get("Date"))
	req.Header.Set("Date", d.Add(time.Second).Format(http.TimeFormat))
}
