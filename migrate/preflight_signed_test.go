package migrate_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// TestCheckerSignatureRequired runs the check against a server that, as
// GoToSocial and Mastodon in authorized-fetch mode do, answers 401 to
// unsigned fetches: the 401 is a problem in the report saying signed
// fetches are required, not an error, and with a Signer the same check
// goes through.
func TestCheckerSignatureRequired(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") == "" {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		base := srv.URL + "/users/"
		var a *activitypub.Actor
		switch r.URL.Path {
		case "/users/old":
			a = actor(base+"old", "old")
		case "/users/new":
			a = actor(base+"new", "new", base+"old")
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", activitypub.ContentTypeActivityJSON)
		json.NewEncoder(w).Encode(a)
	}))
	defer srv.Close()
	oldURL, newURL := srv.URL+"/users/old", srv.URL+"/users/new"

	unsigned := &migrate.Checker{Actors: &activitypub.Client{AllowPrivate: true, AllowHTTP: true}}
	rep, err := unsigned.Check(context.Background(), oldURL, newURL)
	if err != nil {
		t.Fatalf("Check: %v; want a report with a problem", err)
	}
	if rep.Ready() || !errors.Is(rep.Err(), migrate.PreflightSignatureRequired) {
		t.Fatalf("Check = %v; want ErrSignatureRequired", rep.Err())
	}
	if advice := rep.Problems[0].Advice; !strings.Contains(advice, "signed fetches") || !strings.Contains(advice, "401") {
		t.Errorf("advice %q does not say signed fetches are required", advice)
	}

	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := &activitypub.Signer{KeyID: srv.URL + "/actor#main-key", Key: key}
	signed := &migrate.Checker{Actors: &activitypub.Client{AllowPrivate: true, AllowHTTP: true, Signer: signer}}
	rep, err = signed.Check(context.Background(), oldURL, newURL)
	if err != nil || !rep.Ready() {
		t.Fatalf("signed Check = %v, %v; want ready", rep.Err(), err)
	}
}

// TestCheckerErrorNamesURLOnce: a fetch that fails outright is an error
// that names the URL once.
func TestCheckerErrorNamesURLOnce(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/users/old"
	srv.Close() // nothing answers now
	c := &migrate.Checker{Actors: &activitypub.Client{AllowPrivate: true, AllowHTTP: true}}
	_, err := c.Check(context.Background(), u, u+"2")
	if err == nil {
		t.Fatal("Check against a closed server succeeded")
	}
	if n := strings.Count(err.Error(), u); n != 1 {
		t.Errorf("error names %s %d times: %v", u, n, err)
	}
}

// TestCheckerSignatureRefused: a server that answers 401 to a signed
// fetch too is a problem in the report naming the key it refused, not an
// error.
func TestCheckerSignatureRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	}))
	defer srv.Close()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyID := srv.URL + "/actor#main-key"
	c := &migrate.Checker{Actors: &activitypub.Client{AllowPrivate: true, AllowHTTP: true, Signer: &activitypub.Signer{KeyID: keyID, Key: key}}}
	rep, err := c.Check(context.Background(), srv.URL+"/users/old", srv.URL+"/users/new")
	if err != nil {
		t.Fatalf("Check: %v; want a report with a problem", err)
	}
	if rep.Ready() || !errors.Is(rep.Err(), migrate.PreflightSignatureRequired) {
		t.Fatalf("Check = %v; want ErrSignatureRequired", rep.Err())
	}
	if advice := rep.Problems[0].Advice; !strings.Contains(advice, "signed fetch") || !strings.Contains(advice, keyID) {
		t.Errorf("advice %q does not name the refused key %s", advice, keyID)
	}
}
