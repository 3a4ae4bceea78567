package mastodonapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi"
)

// apiServer serves handler on loopback and returns a Client for it.
func apiServer(t *testing.T, handler http.HandlerFunc) *mastodonapi.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &mastodonapi.Client{BaseURL: srv.URL, Token: token, HTTPClient: srv.Client()}
}

func TestPostStatus(t *testing.T) {
	t.Parallel()
	var got map[string]any
	var key, auth, ctype string
	c := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/statuses" {
			http.NotFound(w, r)
			return
		}
		key, auth, ctype = r.Header.Get("Idempotency-Key"), r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		json.NewDecoder(r.Body).Decode(&got)
		io.WriteString(w, `{"id":"42","created_at":"2019-01-02T10:30:00.000Z","content":"<p>hi</p>","visibility":"unlisted"}`)
	})
	at := time.Date(2019, 1, 2, 10, 30, 0, 0, time.UTC)
	st, err := c.PostStatus(context.Background(), &mastodonapi.NewStatus{Status: "hi", SpoilerText: "cw", Sensitive: true,
		Language: "en", Visibility: "unlisted", InReplyToID: "41", MediaIDs: []string{"m1", "m2"}, ScheduledAt: at, IdempotencyKey: "k1", ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if st.ID != "42" || !st.CreatedAt.Equal(at) || st.Visibility != "unlisted" {
		t.Errorf("status = %+v", st)
	}
	if key != "k1" || auth != "Bearer "+token || ctype != "application/json" {
		t.Errorf("headers: key %q auth %q type %q", key, auth, ctype)
	}
	want := map[string]any{"status": "hi", "spoiler_text": "cw", "sensitive": true, "language": "en", "visibility": "unlisted",
		"in_reply_to_id": "41", "media_ids": []any{"m1", "m2"}, "content_type": "text/plain", "scheduled_at": "2019-01-02T10:30:00Z"}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("body = %s\nwant   %s", gb, wb)
	}
}

// TestPostStatusRefused: errors are the client's usual ones.
func TestPostStatusRefused(t *testing.T) {
	t.Parallel()
	c := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"error":"Validation failed: Text character limit of 500 exceeded"}`)
	})
	_, err := c.PostStatus(context.Background(), &mastodonapi.NewStatus{Status: "x"})
	var e *mastodonapi.Error
	if !errors.Is(err, mastodonapi.ErrRejected) || !errors.As(err, &e) || !strings.Contains(e.Message, "character limit") || e.Temporary() {
		t.Errorf("err = %v", err)
	}
}

func TestUploadMedia(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	polls := 0
	var desc, focus, name, ctype, data string
	c := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v2/media":
			f, fh, err := r.FormFile("file")
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(f)
			desc, focus, name, ctype, data = r.FormValue("description"), r.FormValue("focus"), fh.Filename, fh.Header.Get("Content-Type"), string(b)
			w.WriteHeader(http.StatusAccepted) // still processing
			io.WriteString(w, `{"id":"m9","type":"video","url":null}`)
		case r.URL.Path == "/api/v1/media/m9":
			polls++
			if polls < 2 {
				w.WriteHeader(http.StatusPartialContent)
				io.WriteString(w, `{"id":"m9","url":null}`)
				return
			}
			io.WriteString(w, `{"id":"m9","type":"video","url":"https://x/m9.mp4","description":"a \"clip\"","meta":{"focus":{"x":0.5,"y":-0.25}}}`)
		default:
			http.NotFound(w, r)
		}
	})
	a, err := c.UploadMedia(context.Background(), &mastodonapi.NewMedia{File: strings.NewReader("MOVIE"), Name: `cl"ip.mp4`,
		ContentType: "video/mp4", Description: `a "clip"`, Focus: &[2]float64{0.5, -0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "m9" || a.URL != "https://x/m9.mp4" || a.Meta.Focus == nil || a.Meta.Focus.Y != -0.25 || polls != 2 {
		t.Errorf("attachment %+v after %d polls", a, polls)
	}
	if desc != `a "clip"` || focus != "0.5,-0.25" || name != `cl"ip.mp4` || ctype != "video/mp4" || data != "MOVIE" {
		t.Errorf("form: %q %q %q %q %q", desc, focus, name, ctype, data)
	}
}

// TestUploadMediaReadError: a file that fails to read fails the upload,
// and UploadMedia does not return before it stopped reading it.
func TestUploadMediaReadError(t *testing.T) {
	t.Parallel()
	c := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"id":"m1","url":"https://x/1"}`)
	})
	_, err := c.UploadMedia(context.Background(), &mastodonapi.NewMedia{File: io.MultiReader(strings.NewReader("abc"), errReader{})})
	if err == nil {
		t.Error("upload of an unreadable file succeeded")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestAccountStatusesAndCredentials(t *testing.T) {
	t.Parallel()
	c := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/accounts/verify_credentials":
			io.WriteString(w, `{"id":"7","username":"alice","acct":"alice","url":"https://new.example/@alice"}`)
		case "/api/v1/accounts/7/statuses":
			if r.URL.Query().Get("max_id") != "01ABC" || r.URL.Query().Get("limit") != "40" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			io.WriteString(w, `[{"id":"2","spoiler_text":"cw","media_attachments":[{"id":"m","description":"alt"}]},{"id":"1"}]`)
		case "/api/v2/instance":
			w.WriteHeader(http.StatusNotFound)
		case "/api/v1/instance":
			io.WriteString(w, `{"version":"3.5.3","configuration":{"statuses":{"max_characters":500,"max_media_attachments":4},"media_attachments":{"image_size_limit":10485760,"video_size_limit":41943040}}}`)
		default:
			http.NotFound(w, r)
		}
	})
	ctx := context.Background()
	a, err := c.VerifyCredentials(ctx)
	if err != nil || a.ID != "7" || a.Acct != "alice" {
		t.Fatalf("account %+v, %v", a, err)
	}
	ss, err := c.AccountStatuses(ctx, a.ID, mastodonapi.StatusQuery{MaxID: "01ABC", Limit: 40})
	if err != nil || len(ss) != 2 || ss[0].SpoilerText != "cw" || ss[0].MediaAttachments[0].Description != "alt" {
		t.Fatalf("statuses %+v, %v", ss, err)
	}
	l, err := c.ReadInstanceLimits(ctx)
	if err != nil || l.MaxCharacters != 500 || l.MaxMediaAttachments != 4 || l.VideoSizeLimit != 40<<20 || l.Version != "3.5.3" {
		t.Errorf("limits %+v, %v", l, err)
	}
}
