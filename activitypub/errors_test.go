package activitypub_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// TestReasonSentinels: every reason unwraps, through its typed error, to
// the sentinel its documentation names, so a caller branching on the
// handful of sentinels sees every failure.
func TestReasonSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"signature absent", &activitypub.SignatureError{Reason: activitypub.SignatureAbsent}, activitypub.ErrNoSignature},
		{"signature malformed", &activitypub.SignatureError{Reason: activitypub.SignatureMalformed}, activitypub.ErrBadSignature},
		{"signature algorithm", &activitypub.SignatureError{Reason: activitypub.SignatureAlgorithm}, activitypub.ErrBadSignature},
		{"signature coverage", &activitypub.SignatureError{Reason: activitypub.SignatureCoverage}, activitypub.ErrBadSignature},
		{"signature date", &activitypub.SignatureError{Reason: activitypub.SignatureDate}, activitypub.ErrBadSignature},
		{"signature stale", &activitypub.SignatureError{Reason: activitypub.SignatureStale}, activitypub.ErrBadSignature},
		{"signature digest", &activitypub.SignatureError{Reason: activitypub.SignatureDigest}, activitypub.ErrBadSignature},
		{"signature mismatch", &activitypub.SignatureError{Reason: activitypub.SignatureMismatch}, activitypub.ErrBadSignature},
		{"body too large", &activitypub.SignatureError{Reason: activitypub.SignatureBodyTooLarge}, activitypub.ErrTooLarge},
		{"key unavailable", &activitypub.SignatureError{Reason: activitypub.SignatureKeyUnavailable}, activitypub.ErrKeyUnavailable},
		{"key owner", &activitypub.SignatureError{Reason: activitypub.SignatureKeyOwner}, activitypub.ErrKeyOwner},
		{"signer key", &activitypub.SignatureError{Reason: activitypub.SignatureInvalidKey}, activitypub.ErrInvalidKey},
		{"signer scheme", &activitypub.SignatureError{Reason: activitypub.SignatureScheme}, activitypub.ErrInvalidKey},
		{"document too large", &activitypub.DocumentError{Reason: activitypub.DocumentTooLarge}, activitypub.ErrTooLarge},
		{"document malformed", &activitypub.DocumentError{Reason: activitypub.DocumentMalformed}, activitypub.ErrMalformed},
		{"document wrong type", &activitypub.DocumentError{Reason: activitypub.DocumentWrongType}, activitypub.ErrMalformed},
		{"document key owner", &activitypub.DocumentError{Reason: activitypub.DocumentKeyOwner}, activitypub.ErrKeyOwner},
		{"move refused", &activitypub.MoveError{Reasons: []activitypub.MoveReason{activitypub.MoveAliasMissing}}, activitypub.ErrMoveRefused},
		{"invalid URL", &activitypub.FetchError{Reason: activitypub.FetchInvalidURL}, activitypub.ErrInvalidAddress},
		{"plain http", &activitypub.FetchError{Reason: activitypub.FetchInsecureScheme}, activitypub.ErrRefused},
		{"private address", &activitypub.FetchError{Reason: activitypub.FetchPrivateAddress}, activitypub.ErrRefused},
		{"redirects", &activitypub.FetchError{Reason: activitypub.FetchTooManyRedirects}, activitypub.ErrRefused},
		{"content type", &activitypub.FetchError{Reason: activitypub.FetchContentType}, activitypub.ErrRefused},
		{"pages", &activitypub.FetchError{Reason: activitypub.FetchTooManyPages}, activitypub.ErrRefused},
		{"response too large", &activitypub.FetchError{Reason: activitypub.FetchTooLarge}, activitypub.ErrTooLarge},
		{"fetched id", &activitypub.FetchError{Reason: activitypub.FetchIDMismatch}, activitypub.ErrIDMismatch},
		{"fetched document", &activitypub.FetchError{Reason: activitypub.FetchMalformed}, activitypub.ErrMalformed},
		{"404", &activitypub.StatusError{StatusCode: 404}, activitypub.ErrNotFound},
		{"410", &activitypub.StatusError{StatusCode: 410}, activitypub.ErrGone},
		{"JRD", &activitypub.WebFingerError{Reason: activitypub.WebFingerInvalidJRD}, activitypub.ErrMalformed},
		{"no self link", &activitypub.WebFingerError{Reason: activitypub.WebFingerNoSelfLink}, activitypub.ErrMalformed},
		{"subject", &activitypub.WebFingerError{Reason: activitypub.WebFingerSubjectMismatch}, activitypub.ErrIDMismatch},
		{"self unconfirmed", &activitypub.WebFingerError{Reason: activitypub.WebFingerSelfUnconfirmed}, activitypub.ErrIDMismatch},
		{"self id", &activitypub.WebFingerError{Reason: activitypub.WebFingerIDMismatch}, activitypub.ErrIDMismatch},
		{"webfinger account", &activitypub.WebFingerError{Reason: activitypub.WebFingerInvalidAccount}, activitypub.ErrInvalidAddress},
		{"account", &activitypub.AccountError{Input: "x"}, activitypub.ErrInvalidAddress},
		{"address", &activitypub.AddressError{Addr: "127.0.0.1:443"}, activitypub.ErrRefused},
		{"duplicate member", &activitypub.DuplicateMemberError{Name: "id"}, activitypub.ErrMalformed},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v does not match %v", tc.name, tc.err, tc.want)
		}
	}
	// A status other than 404 and 410 matches no sentinel.
	if err := (&activitypub.StatusError{StatusCode: 500}); errors.Is(err, activitypub.ErrNotFound) || errors.Is(err, activitypub.ErrGone) {
		t.Errorf("HTTP 500 matches a sentinel: %v", err)
	}
}

// TestFetchTemporary: a fetch that failed on the network or was answered
// 429 or 5xx says it may pass later (with the server's Retry-After); a
// refused fetch or a 404 does not.
func TestFetchTemporary(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/slow-down":
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	type temporary interface{ Temporary() bool }
	tests := []struct {
		name           string
		client         *activitypub.Client
		url            string
		want           bool
		minRetryAfter  time.Duration
		maxRetryAfter  time.Duration
		wantStatusCode int
	}{
		{name: "503 with Retry-After seconds", client: loopbackClient(), url: srv.URL + "/busy", want: true, minRetryAfter: 7 * time.Second, maxRetryAfter: 7 * time.Second, wantStatusCode: 503},
		{name: "429 with Retry-After date", client: loopbackClient(), url: srv.URL + "/slow-down", want: true, minRetryAfter: 58 * time.Minute, maxRetryAfter: time.Hour, wantStatusCode: 429},
		{name: "404", client: loopbackClient(), url: srv.URL + "/nothing", want: false, wantStatusCode: 404},
		{name: "connection refused", client: loopbackClient(), url: closedURL + "/users/alice", want: true},
		{name: "private address refused", client: &activitypub.Client{AllowHTTP: true}, url: srv.URL + "/busy", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.client.Fetch(context.Background(), tc.url)
			var tmp temporary
			if !errors.As(err, &tmp) {
				t.Fatalf("Fetch = %v: no Temporary method", err)
			}
			if got := tmp.Temporary(); got != tc.want {
				t.Errorf("Temporary() = %v, want %v (%v)", got, tc.want, err)
			}
			if tc.wantStatusCode == 0 {
				return
			}
			var se *activitypub.StatusError
			if !errors.As(err, &se) || se.StatusCode != tc.wantStatusCode {
				t.Fatalf("Fetch = %v, want HTTP %d", err, tc.wantStatusCode)
			}
			if se.RetryAfter < tc.minRetryAfter || se.RetryAfter > tc.maxRetryAfter {
				t.Errorf("RetryAfter = %v, want %v to %v", se.RetryAfter, tc.minRetryAfter, tc.maxRetryAfter)
			}
		})
	}
}

// TestStaleSignatureCarriesDate: a signature refused for its age names
// the date it was refused for, in SignatureError.Created.
func TestStaleSignatureCarriesDate(t *testing.T) {
	t.Parallel()
	key := testRSAKey(t, 0)
	body := []byte(`{"type":"Move"}`)
	req := httptest.NewRequest(http.MethodPost, "https://new.example/inbox", bytes.NewReader(body))
	signer := &activitypub.Signer{KeyID: testKeyID, Key: key, Now: fixedClock(testNow)}
	if err := signer.Sign(req, body); err != nil {
		t.Fatal(err)
	}
	keys := &staticKeys{keys: map[string]*activitypub.PublicKey{testKeyID: publicKey(t, testKeyID, testActor, key)}}
	v := &activitypub.Verifier{Keys: keys, Now: fixedClock(testNow.Add(2 * time.Hour))}
	_, err := v.Verify(context.Background(), req)
	var se *activitypub.SignatureError
	if !errors.As(err, &se) || se.Reason != activitypub.SignatureStale || !errors.Is(err, activitypub.ErrBadSignature) {
		t.Fatalf("Verify two hours later = %v, want SignatureStale", err)
	}
	if !se.Created.Equal(testNow) {
		t.Errorf("Created = %v, want %v", se.Created, testNow)
	}
	if keys.calls.Load() != 0 {
		t.Errorf("a stale signature cost %d key lookups", keys.calls.Load())
	}
}

// TestSignerErrors: a Signer that cannot sign says why, as an
// ErrInvalidKey with the reason in its field.
func TestSignerErrors(t *testing.T) {
	t.Parallel()
	_, edKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		signer *activitypub.Signer
		want   activitypub.SignatureReason
	}{
		{"no key", &activitypub.Signer{KeyID: testKeyID}, activitypub.SignatureInvalidKey},
		{"key id with a quote", &activitypub.Signer{KeyID: `a"b`, Key: edKey}, activitypub.SignatureInvalidKey},
		{"unknown scheme", &activitypub.Signer{KeyID: testKeyID, Key: edKey, Scheme: "rfc9999"}, activitypub.SignatureScheme},
		{"RSA algorithm with an Ed25519 key", &activitypub.Signer{KeyID: testKeyID, Key: edKey, Scheme: activitypub.SchemeRFC9421, Algorithm: activitypub.AlgorithmRSAPSSSHA512}, activitypub.SignatureInvalidKey},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(http.MethodGet, "https://new.example/users/bob", nil)
		err := tc.signer.Sign(req, nil)
		var se *activitypub.SignatureError
		if !errors.As(err, &se) || se.Reason != tc.want || !errors.Is(err, activitypub.ErrInvalidKey) {
			t.Errorf("%s: Sign = %v, want reason %v and ErrInvalidKey", tc.name, err, tc.want)
		}
	}
}
