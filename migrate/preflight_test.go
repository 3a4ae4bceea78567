package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/google/go-cmp/cmp"
)

const (
	oldID = "https://old.example/users/alice"
	newID = "https://new.example/users/alice"
)

func actor(id, user string, aliases ...string) *activitypub.Actor {
	return &activitypub.Actor{ID: id, Type: "Person", PreferredUsername: user, Inbox: id + "/inbox", AlsoKnownAs: aliases}
}

var day = 24 * time.Hour
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func sentinels(err error, candidates ...error) []error {
	var got []error
	for _, c := range candidates {
		if errors.Is(err, c) {
			got = append(got, c)
		}
	}
	return got
}

var allPreflight = []error{
	migrate.PreflightOriginGone, migrate.PreflightTargetGone, activitypub.MoveToSelf, migrate.PreflightAlreadyMoved,
	migrate.PreflightOriginSuspended, activitypub.MoveTargetSuspended, activitypub.MoveTargetMoved,
	activitypub.MoveAliasMissing, migrate.PreflightCooldown,
}

// preflight runs the pre-flight check of a Checker over the two
// documents given, as if fetched, and the last move given.
func preflight(t *testing.T, origin, target *activitypub.Actor, lastMove time.Time) error {
	t.Helper()
	c := migrate.Checker{
		Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
			switch id {
			case target.ID:
				return target, nil
			case origin.ID:
				return origin, nil
			}
			return nil, activitypub.ErrNotFound
		}),
		History: migrate.MoveHistoryFunc(func(context.Context, string) (time.Time, error) { return lastMove, nil }),
		Now:     func() time.Time { return t0 },
	}
	rep, err := c.Check(context.Background(), origin.ID, target.ID)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep.Err()
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		origin, target func() *activitypub.Actor
		lastMove       time.Time
		want           []error
	}{
		{"ready", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { return actor(newID, "alice", oldID) }, time.Time{}, nil},
		{"ready after cooldown", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { return actor(newID, "alice", oldID) }, t0.Add(-30 * day), nil},
		{"alias missing", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { return actor(newID, "alice") }, time.Time{}, []error{activitypub.MoveAliasMissing}},
		{"alias differs by a trailing slash", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { return actor(newID, "alice", oldID+"/") }, time.Time{}, []error{activitypub.MoveAliasMissing}},
		{"move to self", func() *activitypub.Actor { return actor(oldID, "alice", oldID) }, func() *activitypub.Actor { return actor(oldID, "alice", oldID) }, time.Time{}, []error{activitypub.MoveToSelf}},
		{"already moved there", func() *activitypub.Actor { a := actor(oldID, "alice"); a.MovedTo = newID; return a }, func() *activitypub.Actor { return actor(newID, "alice", oldID) }, time.Time{}, []error{migrate.PreflightAlreadyMoved}},
		{"origin suspended", func() *activitypub.Actor { a := actor(oldID, "alice"); a.Suspended = true; return a }, func() *activitypub.Actor { return actor(newID, "alice", oldID) }, time.Time{}, []error{migrate.PreflightOriginSuspended}},
		{"target suspended and moved", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor {
			a := actor(newID, "alice", oldID)
			a.Suspended, a.MovedTo = true, "https://third.example/users/a"
			return a
		}, time.Time{}, []error{activitypub.MoveTargetSuspended, activitypub.MoveTargetMoved}},
		{"target deleted", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { a := actor(newID, "alice", oldID); a.Type = "Tombstone"; return a }, time.Time{}, []error{migrate.PreflightTargetGone}},
		{"cooldown", func() *activitypub.Actor { return actor(oldID, "alice") }, func() *activitypub.Actor { return actor(newID, "alice", oldID) }, t0.Add(-29 * day), []error{migrate.PreflightCooldown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := preflight(t, tt.origin(), tt.target(), tt.lastMove)
			if diff := cmp.Diff(tt.want, sentinels(err, allPreflight...), cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("Preflight sentinels (-want +got):\n%s\nerror: %v", diff, err)
			}
			var pe *migrate.PreflightError
			if (tt.want == nil) != (err == nil) || (err != nil && (!errors.As(err, &pe) || len(pe.Problems) != len(tt.want))) {
				t.Errorf("Preflight = %v, want %d problems", err, len(tt.want))
			}
			if err != nil && !errors.Is(err, migrate.ErrNotReady) {
				t.Errorf("Preflight = %v, does not match ErrNotReady", err)
			}
			if pe != nil {
				for _, p := range pe.Problems {
					if !errors.Is(p, p.Reason) || !slices.ContainsFunc(tt.want, func(w error) bool { return errors.Is(p, w) }) {
						t.Errorf("problem %v (reason %v) matches none of %v", p, p.Reason, tt.want)
					}
				}
			}
		})
	}
}

func TestPreflightAdvice(t *testing.T) {
	t.Parallel()
	err := preflight(t, actor(oldID, "alice"), actor(newID, "alice"), t0.Add(-day))
	for _, want := range []string{"add alice@old.example as an alias on the new account alice@new.example first", "wait until 2025-06-30"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Preflight error %q does not say %q", err, want)
		}
	}
}

func TestCheckerResolvesFreshly(t *testing.T) {
	t.Parallel()
	docs := map[string]*activitypub.Actor{oldID: actor(oldID, "alice"), newID: actor(newID, "alice", oldID)}
	fetches := 0
	c := migrate.Checker{
		Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
			fetches++
			if a, ok := docs[id]; ok {
				return a, nil
			}
			return nil, &activitypub.StatusError{URL: id, StatusCode: 410}
		}),
		Handles: migrate.HandleResolverFunc(func(_ context.Context, h string) (string, error) {
			switch strings.TrimPrefix(h, "@") {
			case "alice@old.example":
				return oldID, nil
			case "alice@new.example":
				return newID, nil
			}
			return "", &activitypub.StatusError{URL: h, StatusCode: 404}
		}),
		History: migrate.MoveHistoryFunc(func(context.Context, string) (time.Time, error) { return t0.Add(-40 * day), nil }),
		Now:     func() time.Time { return t0 },
	}
	rep, err := c.Check(context.Background(), "@alice@old.example", "alice@new.example")
	if err != nil || !rep.Ready() || rep.Err() != nil {
		t.Fatalf("Check = %+v, %v; want ready", rep, err)
	}
	if fetches != 2 {
		t.Errorf("fetched %d actors, want 2", fetches)
	}
	rep, err = c.Check(context.Background(), "@alice@old.example", "https://new.example/users/gone")
	if err != nil || rep.Ready() || !errors.Is(rep.Err(), migrate.PreflightTargetGone) {
		t.Errorf("Check of a gone target = %v, %v; want ErrTargetGone", rep.Err(), err)
	}
	rep, err = c.Check(context.Background(), "@nobody@old.example", newID)
	if err != nil || !errors.Is(rep.Err(), migrate.PreflightOriginGone) {
		t.Errorf("Check of an unknown origin = %v, %v; want ErrOriginGone", rep.Err(), err)
	}
}

func TestSteps(t *testing.T) {
	t.Parallel()
	actions := func(g migrate.Goal) []migrate.StepKind {
		steps, err := migrate.Steps(g)
		if err != nil {
			t.Fatal(err)
		}
		var out []migrate.StepKind
		for _, s := range steps {
			out = append(out, s.Kind)
		}
		return out
	}
	tests := []struct {
		goal string
		want []migrate.StepKind
	}{
		{"leave", []migrate.StepKind{migrate.StepExport, migrate.StepDelete}},
		{"move", []migrate.StepKind{migrate.StepExport, migrate.StepCreate, migrate.StepAlias, migrate.StepPreflight, migrate.StepCopyProfile, migrate.StepMove, migrate.StepImport}},
		{"same-server", []migrate.StepKind{migrate.StepCreate, migrate.StepAlias, migrate.StepCopyProfile, migrate.StepMoveLocal, migrate.StepExport}},
	}
	for _, tt := range tests {
		g, err := migrate.ParseGoal(tt.goal)
		if err != nil {
			t.Fatal(err)
		}
		if g.String() != tt.goal {
			t.Errorf("ParseGoal(%q).String() = %q", tt.goal, g)
		}
		if diff := cmp.Diff(tt.want, actions(g)); diff != "" {
			t.Errorf("Steps(%s) (-want +got):\n%s", tt.goal, diff)
		}
	}
	if _, err := migrate.ParseGoal("stay"); !errors.Is(err, migrate.ErrUnknownGoal) {
		t.Errorf("ParseGoal(stay) = %v, want ErrUnknownGoal", err)
	}
	if _, err := migrate.Steps(0); !errors.Is(err, migrate.ErrUnknownGoal) {
		t.Errorf("Steps(0) = %v, want ErrUnknownGoal", err)
	}
}

// TestCheckerIDMismatch serves actor documents over HTTP whose id is not
// the URL they are served at, and checks that the pre-flight reports a
// problem instead of trusting them, whether the ActorFetcher is an
// activitypub.Client or a naive fetcher that trusts any document.
func TestCheckerIDMismatch(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := srv.URL + "/users/"
		doc := map[string]*activitypub.Actor{
			"/users/old": actor(u+"old", "old"),
			// Served at /users/new, claims /users/x, whose own document
			// claims /users/y.
			"/users/new": actor(u+"x", "x", u+"old"),
			"/users/x":   actor(u+"y", "y", u+"old"),
			// Claims an actor on another host.
			"/users/far": actor("https://victim.example/users/bob", "bob", u+"old"),
			// Claims an id on this host with user info, which
			// FetchActor does not follow.
			"/users/cred": actor(strings.Replace(u, "://", "://mallory@", 1)+"alice", "alice", u+"old"),
			// A profile URL whose id confirms itself.
			"/@alice":      actor(u+"alice", "alice", u+"old"),
			"/users/alice": actor(u+"alice", "alice", u+"old"),
		}[r.URL.Path]
		if doc == nil {
			http.NotFound(w, r)
			return
		}
		b, err := doc.MarshalJSON()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	client := &activitypub.Client{AllowPrivate: true, AllowHTTP: true}
	fetchers := map[string]migrate.ActorFetcher{
		"activitypub.Client": client,
		"naive fetcher": migrate.ActorFetcherFunc(func(ctx context.Context, id string) (*activitypub.Actor, error) {
			body, err := client.Fetch(ctx, id)
			if err != nil {
				return nil, err
			}
			return activitypub.ParseActor(body)
		}),
	}
	tests := []struct {
		name, target string
		want         []error
	}{
		{"id whose document names another id", "/users/new", []error{activitypub.ErrIDMismatch}},
		{"id on another host", "/users/far", []error{activitypub.ErrIDMismatch}},
		{"id with user info", "/users/cred", []error{activitypub.ErrIDMismatch}},
		{"profile URL confirmed by its id", "/@alice", nil},
	}
	for fname, f := range fetchers {
		for _, tt := range tests {
			t.Run(fname+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := migrate.Checker{Actors: f, Now: func() time.Time { return t0 }}
				rep, err := c.Check(context.Background(), srv.URL+"/users/old", srv.URL+tt.target)
				if err != nil {
					t.Fatalf("Check = %v, want a report", err)
				}
				got := sentinels(rep.Err(), append(slices.Clone(allPreflight), activitypub.ErrIDMismatch)...)
				if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
					t.Errorf("problems (-want +got):\n%s\nreport: %v", diff, rep.Err())
				}
				if tt.want == nil && rep.Target.ID != srv.URL+"/users/alice" {
					t.Errorf("target %s, want the document at its id", rep.Target.ID)
				}
				// Mover.fetch applies the same rule: an alias is only
				// stored for a document its id confirms.
				var saved []string
				m := migrate.Mover{Actors: f, Accounts: migrate.AccountWriterFunc(func(_ context.Context, a *activitypub.Actor, _ time.Time) error {
					saved = append(saved, a.AlsoKnownAs...)
					return nil
				})}
				_, err = m.AddAlias(context.Background(), actor(newID, "alice"), srv.URL+tt.target)
				wantSaved := []string{srv.URL + "/users/alice"}
				if tt.want != nil {
					wantSaved = nil
					if !errors.Is(err, activitypub.ErrIDMismatch) {
						t.Errorf("Mover.AddAlias = %v, want ErrIDMismatch", err)
					}
				} else if err != nil {
					t.Errorf("Mover.AddAlias: %v", err)
				}
				if diff := cmp.Diff(wantSaved, saved); diff != "" {
					t.Errorf("aliases saved (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestCheckerProfileURLFetchedOnce checks that an activitypub.Client,
// which confirms a profile URL's actor itself, is not made to fetch that
// actor a second time.
func TestCheckerProfileURLFetchedOnce(t *testing.T) {
	t.Parallel()
	var (
		srv  *httptest.Server
		mu   sync.Mutex
		hits = map[string]int{}
	)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		u := srv.URL + "/users/"
		doc := map[string]*activitypub.Actor{
			"/users/old":   actor(u+"old", "old"),
			"/@alice":      actor(u+"alice", "alice", u+"old"),
			"/users/alice": actor(u+"alice", "alice", u+"old"),
		}[r.URL.Path]
		if doc == nil {
			http.NotFound(w, r)
			return
		}
		b, err := doc.MarshalJSON()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	c := migrate.Checker{Actors: &activitypub.Client{AllowPrivate: true, AllowHTTP: true}, Now: func() time.Time { return t0 }}
	rep, err := c.Check(context.Background(), srv.URL+"/users/old", srv.URL+"/@alice")
	if err != nil || !rep.Ready() {
		t.Fatalf("Check = %+v, %v; want ready", rep, err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"/users/old": 1, "/@alice": 1, "/users/alice": 1}
	if diff := cmp.Diff(want, hits); diff != "" {
		t.Errorf("requests per path (-want +got):\n%s", diff)
	}
}

// TestCheckFetchFailures: a failed fetch of either account is a Problem
// naming that account and what to do, or, when the user cannot act on
// it, an error naming which account.
func TestCheckFetchFailures(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	tests := []struct {
		name        string
		failing     string // the account whose fetch fails
		err         error
		want        error  // the Problem's reason; nil: Check fails
		wantMessage string // in the advice, or in Check's error
	}{
		{"origin gone", oldID, activitypub.ErrGone, migrate.PreflightOriginGone, "check the old account's address"},
		{"target missing", newID, activitypub.ErrNotFound, migrate.PreflightTargetGone, "create the new account first"},
		{"origin mismatch", oldID, activitypub.ErrIDMismatch, migrate.PreflightIDMismatch, "check the old account's address"},
		{"target mismatch", newID, activitypub.ErrIDMismatch, migrate.PreflightIDMismatch, "check the new account's address"},
		{"target 401", newID, &activitypub.StatusError{StatusCode: http.StatusUnauthorized}, migrate.PreflightSignatureRequired, "new.example answered 401"},
		{"origin network", oldID, boom, nil, "migrate: old account: connection reset"},
		{"target network", newID, boom, nil, "migrate: new account: connection reset"},
	}
	for _, tt := range tests {
		c := &migrate.Checker{Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
			switch id {
			case tt.failing:
				return nil, tt.err
			case oldID:
				return actor(oldID, "alice"), nil
			}
			return actor(newID, "alice", oldID), nil
		})}
		rep, err := c.Check(context.Background(), oldID, newID)
		if tt.want == nil {
			if err == nil || !errors.Is(err, boom) || !strings.Contains(err.Error(), tt.wantMessage) {
				t.Errorf("%s: Check = %v, want an error with %q", tt.name, err, tt.wantMessage)
			}
			continue
		}
		if err != nil || len(rep.Problems) != 1 || !errors.Is(rep.Problems[0], tt.want) || !strings.Contains(rep.Problems[0].Advice, tt.wantMessage) {
			t.Errorf("%s: Check = %+v, %v; want one %v problem saying %q", tt.name, rep, err, tt.want, tt.wantMessage)
		}
	}
}
