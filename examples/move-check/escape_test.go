package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEscapesControls: aliases a remote server returns reach the
// terminal with their control characters escaped, in text and JSON.
func TestEscapesControls(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		base := srv.URL
		switch r.URL.Path {
		case "/users/old":
			fmt.Fprintf(w, `{"@context":"https://www.w3.org/ns/activitystreams","id":"%s/users/old","type":"Person","preferredUsername":"old","inbox":"%s/users/old/inbox"}`, base, base)
		case "/users/new":
			fmt.Fprintf(w, `{"@context":"https://www.w3.org/ns/activitystreams","id":"%s/users/new","type":"Person","preferredUsername":"new","inbox":"%s/users/new/inbox","alsoKnownAs":["https://x.example/\u001b]0;pwned\u0007\u009b2J\u202e"]}`, base, base)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, json := range []bool{false, true} {
		args := []string{"-allow-private", srv.URL + "/users/old", srv.URL + "/users/new"}
		if json {
			args = append([]string{"-json"}, args...)
		}
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if code != 3 || !strings.Contains(out, "x.example") {
			t.Fatalf("json %v: exit %d, want 3 with the alias shown:\n%s", json, code, out)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("json %v: output holds %q:\n%q", json, bad, out)
			}
		}
	}
}
