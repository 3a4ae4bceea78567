package activitypub_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-fed/httpsig"
	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
)

const (
	testActor = "https://old.example/users/alice"
	testKeyID = "https://old.example/users/alice#rsa-6f1c"
)

var (
	keyOnce sync.Once
	rsaKeys [2]*rsa.PrivateKey
)

// testRSAKey returns one of two RSA keys made once per test binary.
func testRSAKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		for j := range rsaKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[j] = k
		}
	})
	return rsaKeys[i]
}

func publicKey(t testing.TB, id, owner string, key any) *activitypub.PublicKey {
	t.Helper()
	var pub any
	switch k := key.(type) {
	case *rsa.PrivateKey:
		pub = &k.PublicKey
	case ed25519.PrivateKey:
		pub = k.Public()
	}
	pemText, err := activitypub.MarshalPublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	return &activitypub.PublicKey{ID: id, Owner: owner, PublicKeyPem: pemText}
}

// staticKeys resolves keys from a map and counts calls.
type staticKeys struct {
	keys     map[string]*activitypub.PublicKey
	calls    atomic.Int32
	refresh  atomic.Int32
	rotated  *activitypub.PublicKey // returned on refresh, when set
	failWith error
}

func (s *staticKeys) ResolveKey(_ context.Context, keyID string, refresh bool) (*activitypub.PublicKey, error) {
	s.calls.Add(1)
	if refresh {
		s.refresh.Add(1)
		if s.rotated != nil {
			return s.rotated, nil
		}
	}
	if s.failWith != nil {
		return nil, s.failWith
	}
	k, ok := s.keys[keyID]
	if !ok {
		return nil, activitypub.ErrNotFound
	}
	return k, nil
}

var testNow = time.Date(2026, 11, 28, 15, 41, 12, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// inboxServer runs a real server whose handler verifies requests with v,
// answering 202 and recording the result.
type inboxServer struct {
	*httptest.Server
	mu       sync.Mutex
	verified *activitypub.Verified
	err      error
	body     []byte
}

func newInboxServer(t *testing.T, v *activitypub.Verifier) *inboxServer {
	t.Helper()
	s := &inboxServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		verified, err := v.Verify(r.Context(), r)
		var body []byte
		if err == nil {
			body, _ = io.ReadAll(r.Body) // Verify leaves the body readable
		}
		s.mu.Lock()
		s.verified, s.err, s.body = verified, err, body
		s.mu.Unlock()
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *inboxServer) result() (*activitypub.Verified, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified, s.body, s.err
}

const moveBody = `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/42","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}`

func newSignedPost(t *testing.T, url string, signer *activitypub.Signer, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.Sign(req, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) {
	t.Helper()
	resp, err := isolatedClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// sendVerified sends req to srv and checks that srv verified it as want,
// and that its handler could read want.Body after Verify.
func sendVerified(t *testing.T, srv *inboxServer, req *http.Request, want *activitypub.Verified) *activitypub.Verified {
	t.Helper()
	send(t, req)
	got, body, err := srv.result()
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Verified (-want +got):\n%s", diff)
	}
	if string(body) != string(want.Body) {
		t.Errorf("handler read body %q after Verify, want %q", body, want.Body)
	}
	return got
}

func TestSignedPostVerifies(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow.Add(30 * time.Second))})
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}

	req := newSignedPost(t, srv.URL+"/users/bob/inbox?x=1", signer, moveBody)
	sig := req.Header.Get("Signature")
	for _, want := range []string{`keyId="` + testKeyID + `"`, `algorithm="rsa-sha256"`, `headers="(request-target) host date digest content-type"`} {
		if !strings.Contains(sig, want) {
			t.Errorf("Signature header %q lacks %s", sig, want)
		}
	}
	sum := sha256.Sum256([]byte(moveBody))
	if got, want := req.Header.Get("Digest"), "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("Digest = %q, want %q", got, want)
	}
	if got, want := req.Header.Get("Date"), "Sat, 28 Nov 2026 15:41:12 GMT"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	if req.Header.Get("Host") != "" {
		t.Errorf("Sign left a Host header in the header map")
	}
	got := sendVerified(t, srv, req, &activitypub.Verified{
		Scheme:    activitypub.SchemeCavage,
		KeyID:     testKeyID,
		Actor:     testActor,
		Algorithm: "rsa-sha256",
		Headers:   []string{"(request-target)", "host", "date", "digest", "content-type"},
		Body:      []byte(moveBody),
	})
	if err := got.CheckActor(testActor); err != nil {
		t.Errorf("CheckActor(signer) = %v", err)
	}
	if err := got.CheckActor("https://evil.example/users/mallory"); !errors.Is(err, activitypub.ErrKeyOwner) {
		t.Errorf("CheckActor(other) = %v, want ErrKeyOwner", err)
	}
}

func TestSignedGetVerifies(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow)})
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/users/alice/outbox?page=true", nil)
	if err := signer.Sign(req, nil); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Accept"); got != activitypub.AcceptActivityJSON {
		t.Errorf("Accept = %q", got)
	}
	send(t, req)
	got, _, err := srv.result()
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if diff := cmp.Diff([]string{"(request-target)", "host", "date", "accept"}, got.Headers); diff != "" {
		t.Errorf("covered headers (-want +got):\n%s", diff)
	}
}

func TestSignEd25519(t *testing.T) {
	t.Parallel()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow)})
	req := newSignedPost(t, srv.URL+"/inbox", &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}, moveBody)
	if sig := req.Header.Get("Signature"); !strings.Contains(sig, `algorithm="hs2019"`) {
		t.Errorf("Signature %q: want algorithm hs2019 for Ed25519", sig)
	}
	send(t, req)
	if got, _, err := srv.result(); err != nil || got.Algorithm != "hs2019" {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
}

// TestSignAgain checks a request can be signed twice (a retry), which
// go-fed/httpsig alone refuses ("Digest is already set").
func TestSignAgain(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow.Add(time.Minute))})
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}
	req := newSignedPost(t, srv.URL+"/inbox", signer, moveBody)
	signer.Now = fixedClock(testNow.Add(time.Minute))
	if err := signer.Sign(req, []byte(moveBody)); err != nil {
		t.Fatalf("second Sign: %v", err)
	}
	if n := len(req.Header.Values("Signature")); n != 1 {
		t.Errorf("%d Signature headers after signing twice, want 1", n)
	}
	send(t, req)
	if _, _, err := srv.result(); err != nil {
		t.Fatalf("Verify after re-signing: %v", err)
	}
}

// TestGoFedVerifiesSigned checks that what Signer writes is accepted by
// go-fed/httpsig's own verifier, as GoToSocial uses it.
func TestGoFedVerifiesSigned(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	req := newSignedPost(t, "https://new.example/users/bob/inbox", &activitypub.Signer{KeyID: testKeyID, Key: key}, moveBody)
	req.Header.Set("Host", req.Host) // go-fed reads Host from the header map
	v, err := httpsig.NewVerifier(req)
	if err != nil {
		t.Fatal(err)
	}
	if v.KeyId() != testKeyID {
		t.Errorf("go-fed read keyId %q", v.KeyId())
	}
	if err := v.Verify(&key.PublicKey, httpsig.RSA_SHA256); err != nil {
		t.Errorf("go-fed Verify: %v", err)
	}
}

// signWithGoFed signs req the way another server might: with go-fed and
// the headers given, Host set by hand.
func signWithGoFed(t *testing.T, req *http.Request, key *rsa.PrivateKey, body []byte, headers ...string) {
	t.Helper()
	req.Header.Set("Date", testNow.Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	defer req.Header.Del("Host")
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignRequest(key, testKeyID, req, body); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRefusals(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	other := testRSAKey(t, 1)
	goodKey := publicKey(t, testKeyID, testActor, key)
	tests := []struct {
		name     string
		method   string
		verifier func(v *activitypub.Verifier, keys *staticKeys)
		tamper   func(t *testing.T, req *http.Request) // after signing
		sign     func(t *testing.T, req *http.Request) // instead of Signer
		body     string
		want     error
		wantKeys int32 // resolver calls, -1 for any
	}{
		{
			name: "body changed after signing",
			tamper: func(t *testing.T, req *http.Request) {
				setBody(req, strings.Replace(moveBody, "new.example", "evil.example", 1))
			},
			want: activitypub.SignatureDigest,
		},
		{
			name: "body and digest changed together",
			tamper: func(t *testing.T, req *http.Request) {
				body := strings.Replace(moveBody, "new.example", "evil.example", 1)
				setBody(req, body)
				sum := sha256.Sum256([]byte(body))
				req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
			},
			want:     activitypub.SignatureMismatch,
			wantKeys: 2,
		},
		{
			name:     "signed header changed",
			tamper:   func(t *testing.T, req *http.Request) { req.Header.Set("Content-Type", "text/plain") },
			want:     activitypub.SignatureMismatch,
			wantKeys: 2,
		},
		{
			name: "date changed",
			tamper: func(t *testing.T, req *http.Request) {
				req.Header.Set("Date", testNow.Add(time.Minute).Format(http.TimeFormat))
			},
			want:     activitypub.SignatureMismatch,
			wantKeys: 2,
		},
		{
			name: "date too old",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) {
				v.Now = fixedClock(testNow.Add(time.Hour + 6*time.Minute))
			},
			want: activitypub.SignatureStale,
		},
		{
			name: "date too far ahead",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) {
				v.Now = fixedClock(testNow.Add(-time.Hour - time.Minute))
			},
			want: activitypub.SignatureStale,
		},
		{
			// created is not covered, so it is not signed: a replay of
			// a stale request must not pass by adding a fresh one.
			name: "stale date, uncovered created added",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) {
				v.Now = fixedClock(testNow.Add(2 * time.Hour))
			},
			tamper: func(t *testing.T, req *http.Request) {
				setParam(t, req, func(p *activitypub.SignatureParams) {
					p.Algorithm = activitypub.AlgorithmHS2019
					p.Created = testNow.Add(2 * time.Hour).Unix()
				})
			},
			want: activitypub.SignatureStale,
		},
		{
			name: "stale date, uncovered expires added",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) {
				v.Now = fixedClock(testNow.Add(2 * time.Hour))
			},
			tamper: func(t *testing.T, req *http.Request) {
				setParam(t, req, func(p *activitypub.SignatureParams) {
					p.Expires = testNow.Add(3 * time.Hour).Unix()
				})
			},
			want: activitypub.SignatureStale,
		},
		{
			name:   "date unparsable",
			tamper: func(t *testing.T, req *http.Request) { req.Header.Set("Date", "yesterday") },
			want:   activitypub.SignatureDate,
		},
		{
			name:     "key resolves to another owner",
			verifier: func(_ *activitypub.Verifier, keys *staticKeys) { keys.failWith = activitypub.ErrKeyOwner },
			want:     activitypub.ErrKeyOwner,
			wantKeys: 1,
		},
		{
			name: "key has no owner",
			verifier: func(_ *activitypub.Verifier, keys *staticKeys) {
				keys.keys[testKeyID] = publicKey(t, testKeyID, "", key)
			},
			want:     activitypub.ErrKeyOwner,
			wantKeys: 1,
		},
		{
			name:     "key unknown",
			verifier: func(_ *activitypub.Verifier, keys *staticKeys) { delete(keys.keys, testKeyID) },
			want:     activitypub.ErrKeyUnavailable,
			wantKeys: 1,
		},
		{
			name: "signed with another key, refetch does not help",
			verifier: func(_ *activitypub.Verifier, keys *staticKeys) {
				keys.keys[testKeyID] = publicKey(t, testKeyID, testActor, other)
			},
			want:     activitypub.SignatureMismatch,
			wantKeys: 2,
		},
		{
			name: "algorithm not supported",
			tamper: func(t *testing.T, req *http.Request) {
				setParam(t, req, func(p *activitypub.SignatureParams) { p.Algorithm = "rsa-sha512" })
			},
			want: activitypub.SignatureAlgorithm,
		},
		{
			name: "hmac algorithm refused",
			tamper: func(t *testing.T, req *http.Request) {
				setParam(t, req, func(p *activitypub.SignatureParams) { p.Algorithm = "hmac-sha256" })
			},
			want: activitypub.SignatureAlgorithm,
		},
		{
			name: "POST without digest coverage",
			sign: func(t *testing.T, req *http.Request) {
				req.Header.Set("Content-Type", "application/activity+json")
				signWithGoFed(t, req, key, nil, "(request-target)", "host", "date", "content-type")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name: "no date nor (created) coverage",
			sign: func(t *testing.T, req *http.Request) {
				signWithGoFed(t, req, key, []byte(moveBody), "(request-target)", "host", "digest")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name:   "GET without host coverage",
			method: http.MethodGet,
			sign: func(t *testing.T, req *http.Request) {
				req.Header.Set("Accept", activitypub.AcceptActivityJSON)
				signWithGoFed(t, req, key, nil, "(request-target)", "date", "accept")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name:   "covered header removed",
			tamper: func(t *testing.T, req *http.Request) { req.Header.Del("Content-Type") },
			want:   activitypub.SignatureCoverage,
		},
		{
			name:   "no signature",
			tamper: func(t *testing.T, req *http.Request) { req.Header.Del("Signature") },
			want:   activitypub.SignatureAbsent,
		},
		{
			name:   "two signatures",
			tamper: func(t *testing.T, req *http.Request) { req.Header.Add("Signature", req.Header.Get("Signature")) },
			want:   activitypub.SignatureMalformed,
		},
		{
			name:   "garbled signature header",
			tamper: func(t *testing.T, req *http.Request) { req.Header.Set("Signature", `keyId="a",signature=`) },
			want:   activitypub.SignatureMalformed,
		},
		{
			name: "RFC 9421 signature without created, date or content-digest",
			tamper: func(t *testing.T, req *http.Request) {
				req.Header.Set("Signature-Input", `sig1=("@method" "@target-uri");keyid="k"`)
				req.Header.Set("Signature", `sig1=:AAAA:`)
			},
			want: activitypub.SignatureCoverage,
		},
		{
			// The first hole: such a signature was valid at any path of
			// any server.
			name: "POST covering only date and digest",
			sign: func(t *testing.T, req *http.Request) {
				signWithGoFed(t, req, key, []byte(moveBody), "date", "digest")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name: "POST without host coverage",
			sign: func(t *testing.T, req *http.Request) {
				signWithGoFed(t, req, key, []byte(moveBody), "(request-target)", "date", "digest")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name: "POST without (request-target) coverage",
			sign: func(t *testing.T, req *http.Request) {
				signWithGoFed(t, req, key, []byte(moveBody), "host", "date", "digest")
			},
			want: activitypub.SignatureCoverage,
		},
		{
			name:     "body too large",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) { v.MaxBytes = 64 },
			want:     activitypub.SignatureBodyTooLarge,
		},
		{
			name:     "no key resolver",
			verifier: func(v *activitypub.Verifier, _ *staticKeys) { v.Keys = nil },
			want:     activitypub.ErrKeyUnavailable,
			wantKeys: -1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: goodKey}}
			v := &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow)}
			if tc.verifier != nil {
				tc.verifier(v, keys)
			}
			srv := newInboxServer(t, v)
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			var body io.Reader
			if method == http.MethodPost {
				body = strings.NewReader(moveBody)
			}
			req, err := http.NewRequest(method, srv.URL+"/users/bob/inbox", body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sign != nil {
				tc.sign(t, req)
			} else {
				signer := &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}
				var b []byte
				if method == http.MethodPost {
					b = []byte(moveBody)
				}
				if err := signer.Sign(req, b); err != nil {
					t.Fatal(err)
				}
			}
			if tc.tamper != nil {
				tc.tamper(t, req)
			}
			send(t, req)
			got, _, err := srv.result()
			if !hasReason(err, tc.want) {
				t.Fatalf("Verify = %+v, %v; want error %v", got, err, tc.want)
			}
			var se *activitypub.SignatureError
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *SignatureError", err)
			}
			want := tc.wantKeys
			if want >= 0 && keys.calls.Load() != want {
				t.Errorf("key resolver called %d times, want %d", keys.calls.Load(), want)
			}
		})
	}
}

func setBody(req *http.Request, body string) {
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
}

func setParam(t *testing.T, req *http.Request, edit func(*activitypub.SignatureParams)) {
	t.Helper()
	p, err := activitypub.ParseSignatureHeader(req.Header.Get("Signature"))
	if err != nil {
		t.Fatal(err)
	}
	edit(p)
	req.Header.Set("Signature", p.String())
}

// TestVerifyExpiresKeepsMaxAge checks the second hole: a covered
// (expires) used to lift MaxAge, so a (created) 10 hours old was accepted
// while its (expires) lay ahead. go-fed signs with (created) at the
// system clock and (expires) 12 hours later; the verifier's clock moves.
func TestVerifyExpiresKeepsMaxAge(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	signed := time.Now()
	req, err := http.NewRequest(http.MethodPost, "https://new.example/users/bob/inbox", strings.NewReader(moveBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Host", req.URL.Host)
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{"(request-target)", "host", "(created)", "(expires)", "digest"}, httpsig.Signature, 12*3600)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignRequest(key, testKeyID, req, []byte(moveBody)); err != nil {
		t.Fatal(err)
	}
	req.Header.Del("Host")
	tests := []struct {
		name  string
		later time.Duration
		want  error
	}{
		{name: "half an hour later", later: 30 * time.Minute},
		{name: "10 hours later, before (expires)", later: 10 * time.Hour, want: activitypub.SignatureStale},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &activitypub.Verifier{Keys: keys, Now: fixedClock(signed.Add(tc.later))}
			req.Body = readCloser(moveBody)
			got, err := v.Verify(context.Background(), req)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if tc.want == nil && !slices.Contains(got.Headers, "(expires)") {
				t.Errorf("covered %q, want (expires) among them", got.Headers)
			}
		})
	}
}

// TestVerifyKeyRotation checks that a signature that fails with a cached
// key verifies after one re-fetch of the key.
func TestVerifyKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := testRSAKey(t, 0), testRSAKey(t, 1)
	keys := &staticKeys{
		keys:    map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, oldKey)},
		rotated: publicKey(t, testKeyID, testActor, newKey),
	}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow)})
	send(t, newSignedPost(t, srv.URL+"/inbox", &activitypub.Signer{KeyID: testKeyID, Key: newKey, Now: fixedClock(testNow)}, moveBody))
	if _, _, err := srv.result(); err != nil {
		t.Fatalf("Verify with rotated key: %v", err)
	}
	if got := keys.refresh.Load(); got != 1 {
		t.Errorf("%d refreshing lookups, want 1", got)
	}
}

// TestVerifyHeaderSpaces checks that a Signature header with spaces after
// its commas, which go-fed's own parser rejects, verifies.
func TestVerifyHeaderSpaces(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	srv := newInboxServer(t, &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow)})
	req := newSignedPost(t, srv.URL+"/inbox", &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}, moveBody)
	req.Header.Set("Signature", strings.ReplaceAll(req.Header.Get("Signature"), `",`, `", `))
	send(t, req)
	if _, _, err := srv.result(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// readCapture reads the GoToSocial request captured on the wire.
func readCapture(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	raw, err := os.ReadFile("testdata/signatures/gotosocial-live-move-request.http")
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return req, body
}

func captureKeys(t testing.TB) *staticKeys {
	t.Helper()
	data, err := os.ReadFile("testdata/signatures/gotosocial-live-old-alice-moved.json")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := activitypub.ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	return &staticKeys{keys: map[string]*activitypub.PublicKey{actor.PublicKey.ID: actor.PublicKey}}
}

var captureDate = time.Date(2026, 11, 28, 15, 41, 12, 0, time.UTC)

// TestVerifyGoToSocialCapture verifies a real Move delivery as GoToSocial
// sent it, with the key its actor publishes.
func TestVerifyGoToSocialCapture(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		now    time.Time
		tamper func(req *http.Request, body []byte) *http.Request
		want   error
	}{
		{name: "as sent", now: captureDate},
		{name: "an hour later", now: captureDate.Add(time.Hour)},
		{name: "two hours later", now: captureDate.Add(2 * time.Hour), want: activitypub.SignatureStale},
		{
			name: "body byte changed",
			now:  captureDate,
			tamper: func(req *http.Request, body []byte) *http.Request {
				b := bytes.Replace(body, []byte("new.test"), []byte("evi.test"), 1)
				req.Body = io.NopCloser(bytes.NewReader(b))
				return req
			},
			want: activitypub.SignatureDigest,
		},
		{
			name: "delivered to another inbox",
			now:  captureDate,
			tamper: func(req *http.Request, body []byte) *http.Request {
				req.RequestURI = "/users/carol/inbox"
				return req
			},
			want: activitypub.SignatureMismatch,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, body := readCapture(t)
			if tc.tamper != nil {
				req = tc.tamper(req, body)
			}
			v := &activitypub.Verifier{Keys: captureKeys(t), Now: fixedClock(tc.now)}
			got, err := v.Verify(context.Background(), req)
			if !hasReason(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				return
			}
			want := &activitypub.Verified{
				Scheme:    activitypub.SchemeCavage,
				KeyID:     "http://old.test/users/alice/main-key",
				Actor:     "http://old.test/users/alice",
				Algorithm: "hs2019",
				Headers:   []string{"(request-target)", "host", "date", "digest"},
				Body:      body,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Verified (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSignatureHeader(t *testing.T) {
	t.Parallel()
	sig := []byte("signature bytes")
	b64 := base64.StdEncoding.EncodeToString(sig)
	tests := []struct {
		name  string
		in    string
		want  *activitypub.SignatureParams
		fails bool
	}{
		{
			name: "Mastodon form",
			in:   `keyId="https://a.example/users/x#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="` + b64 + `"`,
			want: &activitypub.SignatureParams{KeyID: "https://a.example/users/x#main-key", Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "host", "date", "digest", "content-type"}, Signature: sig},
		},
		{
			name: "spaces, other order, mixed case, unknown parameter",
			in:   ` Signature = "` + b64 + `" , Headers="Date  Host" ,  KEYID="k", foo=bar,, created=1700000000`,
			want: &activitypub.SignatureParams{KeyID: "k", Headers: []string{"date", "host"}, Signature: sig, Created: 1700000000},
		},
		{
			name: "escaped quote and comma in key id",
			in:   `keyId="https://a.example/k,\"1\"",signature="` + b64 + `"`,
			want: &activitypub.SignatureParams{KeyID: `https://a.example/k,"1"`, Signature: sig},
		},
		{
			name: "unpadded base64",
			in:   `keyId=k,signature="` + strings.TrimRight(b64, "=") + `"`,
			want: &activitypub.SignatureParams{KeyID: "k", Signature: sig},
		},
		{name: "empty", in: ``, fails: true},
		{name: "no key id", in: `signature="` + b64 + `"`, fails: true},
		{name: "no signature", in: `keyId="k"`, fails: true},
		{name: "repeated key id", in: `keyId="a",keyId="b",signature="` + b64 + `"`, fails: true},
		{name: "unterminated quote", in: `keyId="k,signature="` + b64, fails: true},
		{name: "bad base64", in: `keyId="k",signature="@@@"`, fails: true},
		{name: "negative created", in: `keyId="k",created=-5,signature="` + b64 + `"`, fails: true},
		{name: "junk after value", in: `keyId="k" x,signature="` + b64 + `"`, fails: true},
		{name: "empty headers", in: `keyId="k",headers="",signature="` + b64 + `"`, fails: true},
		{name: "too long", in: `keyId="` + strings.Repeat("a", activitypub.MaxSignatureHeaderBytes) + `",signature="` + b64 + `"`, fails: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := activitypub.ParseSignatureHeader(tc.in)
			if tc.fails {
				if !hasReason(err, activitypub.SignatureMalformed) {
					t.Fatalf("ParseSignatureHeader = %+v, %v; want SignatureMalformed", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			again, err := activitypub.ParseSignatureHeader(got.String())
			if err != nil {
				t.Fatalf("parsing String() %q: %v", got.String(), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignerRefusesBadKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		signer *activitypub.Signer
	}{
		{"no key", &activitypub.Signer{KeyID: testKeyID}},
		{"no key id", &activitypub.Signer{Key: testRSAKey(t, 0)}},
		{"key id with a quote", &activitypub.Signer{KeyID: `https://a.example/"k`, Key: testRSAKey(t, 0)}},
		{"HMAC secret", &activitypub.Signer{KeyID: testKeyID, Key: []byte("secret")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "https://a.example/", nil)
			if err := tc.signer.Sign(req, nil); !errors.Is(err, activitypub.ErrInvalidKey) {
				t.Errorf("Sign = %v, want ErrInvalidKey", err)
			}
		})
	}
}

func TestKeysPEM(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	pemText, err := activitypub.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := activitypub.ParsePublicKeyPEM(pemText)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(pub) {
		t.Errorf("ParsePublicKeyPEM(MarshalPublicKeyPEM(k)) != k")
	}
	for _, bad := range []string{"", "not a key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", strings.Repeat("A", 16<<10+1)} {
		if _, err := activitypub.ParsePublicKeyPEM(bad); !errors.Is(err, activitypub.ErrInvalidKey) {
			t.Errorf("ParsePublicKeyPEM(%.20q) = %v, want ErrInvalidKey", bad, err)
		}
	}
	if _, err := activitypub.MarshalPublicKeyPEM("nope"); !errors.Is(err, activitypub.ErrInvalidKey) {
		t.Errorf("MarshalPublicKeyPEM(string) = %v, want ErrInvalidKey", err)
	}
}

// isolatedClient sends the tests' own requests over a transport of its
// own: httptest.Server.Close closes http.DefaultTransport's idle
// connections, which fails a request another parallel test is dialling
// with "http: CloseIdleConnections called".
var isolatedClient = &http.Client{Transport: &http.Transport{}}
