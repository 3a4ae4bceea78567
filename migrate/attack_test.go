package migrate_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/fediport/fediport/migrate"
)

// memRecords is a MoveRecorder in memory.
type memRecords struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (m *memRecords) RecordMove(_ context.Context, origin, _ string, at, since time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[string]time.Time{}
	}
	if t, ok := m.last[origin]; ok && !t.Before(since) {
		return false, nil
	}
	m.last[origin] = at
	return true, nil
}

func (m *memRecords) snapshot() map[string]time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]time.Time{}
	for k, v := range m.last {
		out[k] = v
	}
	return out
}

// expectations maps the names vectors use in "expect:" to errors.
var expectations = map[string]error{
	"RefusalUnsigned":          migrate.RefusalUnsigned,
	"RefusalNotSignedByActor":  migrate.RefusalNotSignedByActor,
	"RefusalKeyHost":           migrate.RefusalKeyHost,
	"RefusalReplay":            migrate.RefusalReplay,
	"RefusalTargetUnavailable": migrate.RefusalTargetUnavailable,
	"ErrNoSignature":           activitypub.ErrNoSignature,
	"ErrDateSkew":              activitypub.SignatureStale,
	"ErrDigestMismatch":        activitypub.SignatureDigest,
	"ErrKeyUnavailable":        activitypub.ErrKeyUnavailable,
	"ErrAliasMissing":          activitypub.MoveAliasMissing,
	"ErrMoveActorMismatch":     activitypub.MoveActorMismatch,
	"ErrMoveToSelf":            activitypub.MoveToSelf,
	"ErrTargetSuspended":       activitypub.MoveTargetSuspended,
	"ErrTargetMoved":           activitypub.MoveTargetMoved,
	"ErrGone":                  activitypub.ErrGone,
	"ErrPrivateAddress":        activitypub.FetchPrivateAddress,
	"ErrResponseTooLarge":      activitypub.FetchTooLarge,
	"DeadlineExceeded":         context.DeadlineExceeded,
}

// attackWorld is a server hosting the accounts of a vector (home), a
// server hosting a key for another host's actor (other), and a receiving
// server whose inbox runs a Receiver.
type attackWorld struct {
	home, other *httptest.Server
	target      []byte // served at /users/new
}

func actorDoc(base, name, keyID string, key int, t testing.TB) []byte {
	pem, _ := activitypub.MarshalPublicKeyPEM(&testKey(t, key).PublicKey)
	a := &activitypub.Actor{
		Context: activitypub.ActorContext(), ID: base + "/users/" + name, Type: "Person", PreferredUsername: name,
		Inbox:     base + "/users/" + name + "/inbox",
		PublicKey: &activitypub.PublicKey{ID: keyID, Owner: base + "/users/" + name, PublicKeyPem: pem},
	}
	b, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newAttackWorld(t *testing.T) *attackWorld {
	w := &attackWorld{}
	w.other = httptest.NewServer(nil)
	w.home = httptest.NewServer(nil)
	home, other := w.home.URL, w.other.URL
	serve := func(rw http.ResponseWriter, body []byte) {
		rw.Header().Set("Content-Type", "application/activity+json")
		rw.Write(body)
	}
	pem2, _ := activitypub.MarshalPublicKeyPEM(&testKey(t, 2).PublicKey)
	w.other.Config.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/keys/alice-ext" {
			http.NotFound(rw, r)
			return
		}
		serve(rw, []byte(`{"id":"`+other+`/keys/alice-ext","owner":"`+home+`/users/alice-ext","publicKeyPem":`+strings.ReplaceAll(`"`+strings.ReplaceAll(pem2, "\n", `\n`)+`"`, "\r", "")+`}`))
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/users/alice", func(rw http.ResponseWriter, r *http.Request) {
		serve(rw, actorDoc(home, "alice", home+"/users/alice#main-key", 0, t))
	})
	mux.HandleFunc("/users/mallory", func(rw http.ResponseWriter, r *http.Request) {
		serve(rw, actorDoc(home, "mallory", home+"/users/mallory#main-key", 1, t))
	})
	mux.HandleFunc("/users/alice-ext", func(rw http.ResponseWriter, r *http.Request) {
		serve(rw, actorDoc(home, "alice-ext", other+"/keys/alice-ext", 2, t))
	})
	mux.HandleFunc("/users/new", func(rw http.ResponseWriter, r *http.Request) { serve(rw, w.target) })
	mux.HandleFunc("/users/gone", func(rw http.ResponseWriter, r *http.Request) { http.Error(rw, "gone", http.StatusGone) })
	mux.HandleFunc("/big", func(rw http.ResponseWriter, r *http.Request) {
		serve(rw, append([]byte(`{"id":"x","padding":"`), bytes.Repeat([]byte("a"), 2<<20)...))
	})
	mux.HandleFunc("/slow", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/activity+json")
		rw.WriteHeader(http.StatusOK)
		rw.Write([]byte(`{"id":`))
		rw.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/redirect", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, home+"/users/new", http.StatusFound)
	})
	w.home.Config.Handler = mux
	t.Cleanup(w.home.Close)
	t.Cleanup(w.other.Close)
	return w
}

func (w *attackWorld) expand(b []byte) []byte {
	return bytes.ReplaceAll(bytes.TrimSpace(b), []byte("{{home}}"), []byte(w.home.URL))
}

// receiver builds the receiving side a vector asks for.
func (w *attackWorld) receiver(v *testvectors.Vector) (*migrate.Receiver, *memRecords) {
	keys := &activitypub.Client{AllowHTTP: true, AllowPrivate: v.Header["keys"] != "public-only"}
	actors := &activitypub.Client{AllowHTTP: true, AllowPrivate: v.Header["fetch"] == ""}
	if d, err := time.ParseDuration(v.Header["timeout"]); err == nil {
		actors.Timeout = d
	}
	if v.Header["fetch"] == "public-dialer" {
		// A resolver that sends every name to the home server, as if
		// public.example were a public host.
		addr := w.home.Listener.Addr().String()
		tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
		actors.HTTPClient = &http.Client{Transport: tr}
	}
	rec := &memRecords{}
	return &migrate.Receiver{Actors: actors, Records: rec, Verifier: &activitypub.Verifier{Keys: keys}}, rec
}

// post sends body to inbox, signed as the vector says.
func (w *attackWorld) post(t *testing.T, v *testvectors.Vector, inbox string, body []byte) {
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var s *activitypub.Signer
	switch v.Header["sign"] {
	case "", "alice":
		s = &activitypub.Signer{KeyID: w.home.URL + "/users/alice#main-key", Key: testKey(t, 0)}
	case "mallory":
		s = &activitypub.Signer{KeyID: w.home.URL + "/users/mallory#main-key", Key: testKey(t, 1)}
	case "alice-ext":
		s = &activitypub.Signer{KeyID: w.other.URL + "/keys/alice-ext", Key: testKey(t, 2)}
	case "none":
		req.Header.Set("Content-Type", "application/activity+json")
	default:
		t.Fatalf("unknown sign: %q", v.Header["sign"])
	}
	if s != nil {
		if d := v.Header["date"]; d != "" {
			off, err := time.ParseDuration(d)
			if err != nil {
				t.Fatal(err)
			}
			s.Now = func() time.Time { return time.Now().Add(off) }
		}
		if err := s.Sign(req, body); err != nil {
			t.Fatal(err)
		}
	}
	if v.Header["tamper"] == "body" {
		changed := bytes.Replace(body, []byte("/users/new"), []byte("/users/evil"), 1)
		req.Body = http.NoBody
		req = req.Clone(context.Background())
		req.Body = nopCloser{bytes.NewReader(changed)}
		req.ContentLength = int64(len(changed))
	}
	resp, err := isolatedClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func TestAttackVectors(t *testing.T) {
	vectors, err := testvectors.Load("testdata/vectors/attacks")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			w := newAttackWorld(t)
			move, err := v.Section("move")
			if err != nil {
				t.Fatal(err)
			}
			target, err := v.Section("target")
			if err != nil {
				t.Fatal(err)
			}
			w.target = w.expand(target)
			body := w.expand(move)
			rcv, records := w.receiver(v)
			type result struct {
				err    error
				status int
			}
			results := make(chan result, 2)
			inbox := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				_, err := rcv.ReceiveRequest(r.Context(), r)
				rw.WriteHeader(migrate.StatusCode(err))
				results <- result{err, migrate.StatusCode(err)}
			}))
			defer inbox.Close()

			if v.Header["replay"] == "yes" {
				w.post(t, v, inbox.URL+"/inbox", body)
				if r := <-results; r.err != nil {
					t.Fatalf("first delivery refused: %v", r.err)
				}
			}
			before := records.snapshot()
			w.post(t, v, inbox.URL+"/inbox", body)
			r := <-results
			if v.Expect == "accepted" {
				if r.err != nil || r.status != http.StatusAccepted {
					t.Fatalf("refused: %v", r.err)
				}
				if len(records.snapshot()) != 1 {
					t.Errorf("accepted move not recorded")
				}
				return
			}
			if r.err == nil {
				t.Fatalf("accepted; want %s", v.Expect)
			}
			var re *migrate.RefusedError
			if !errors.Is(r.err, migrate.ErrMoveRefused) || !errors.As(r.err, &re) || re.Reason == 0 {
				t.Errorf("error %v: want a *RefusedError with a Reason, matching ErrMoveRefused", r.err)
			}
			for _, name := range strings.Fields(v.Expect) {
				want, ok := expectations[name]
				if !ok {
					t.Fatalf("unknown expectation %q", name)
				}
				if !errors.Is(r.err, want) {
					t.Errorf("error %v\ndoes not match %s", r.err, name)
				}
			}
			if after := records.snapshot(); len(after) != len(before) || !after[w.home.URL+"/users/alice"].Equal(before[w.home.URL+"/users/alice"]) {
				t.Errorf("store changed: %v -> %v", before, after)
			}
			if r.status == http.StatusAccepted && v.Expect != "RefusalReplay" {
				t.Errorf("refused move answered %d", r.status)
			}
		})
	}
}

// isolatedClient sends the tests' own requests over a transport of its
// own: httptest.Server.Close closes http.DefaultTransport's idle
// connections, which fails a request another parallel test is dialling
// with "http: CloseIdleConnections called".
var isolatedClient = &http.Client{Transport: &http.Transport{}}
