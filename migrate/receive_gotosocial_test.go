package migrate_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// TestReceiveGoToSocialCapture: a Receiver accepts a real Move as
// GoToSocial delivered it (testdata/gotosocial, see ORIGIN.md), signature
// and all, offline; and refuses the same request when the target does not
// list the origin. The live suite (internal/interop) does this against
// running GoToSocial peers; this runs with every go test.
func TestReceiveGoToSocialCapture(t *testing.T) {
	t.Parallel()
	sent := time.Date(2026, 11, 28, 15, 41, 12, 0, time.UTC)
	origin := readActor(t, "testdata/gotosocial/gotosocial-live-old-alice-moved.json")
	tests := []struct {
		name   string
		target func(*activitypub.Actor)
		want   error // nil: accepted
	}{
		{name: "as sent"},
		{name: "alias removed", target: func(a *activitypub.Actor) { a.AlsoKnownAs = nil }, want: activitypub.MoveAliasMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := readActor(t, "testdata/gotosocial/gotosocial-live-new-alice-aliased.json")
			if tc.target != nil {
				tc.target(target)
			}
			recorded := 0
			r := &migrate.Receiver{
				Actors: migrate.ActorFetcherFunc(func(_ context.Context, id string) (*activitypub.Actor, error) {
					if id != target.ID {
						return nil, activitypub.ErrNotFound
					}
					return target, nil
				}),
				Records: migrate.MoveRecorderFunc(func(context.Context, string, string, time.Time, time.Time) (bool, error) {
					recorded++
					return true, nil
				}),
				Verifier: &activitypub.Verifier{
					Keys: activitypub.KeyResolverFunc(func(_ context.Context, keyID string, _ bool) (*activitypub.PublicKey, error) {
						if keyID != origin.PublicKey.ID {
							return nil, activitypub.ErrNotFound
						}
						return origin.PublicKey, nil
					}),
					Now: func() time.Time { return sent },
				},
				Now: func() time.Time { return sent },
			}
			acc, err := r.ReceiveRequest(context.Background(), readCapturedRequest(t))
			if tc.want != nil {
				if !errors.Is(err, tc.want) || !errors.Is(err, migrate.ErrMoveRefused) || recorded != 0 {
					t.Fatalf("ReceiveRequest = %v (%d recorded), want %v refused, nothing recorded", err, recorded, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReceiveRequest: %v", err)
			}
			if acc.Origin != origin.ID || acc.Target.ID != target.ID || acc.Move.ID != "http://old.test/users/alice/moves/01M8HD2KM1EDXFWQ1MGEZDJS8R" || recorded != 1 {
				t.Errorf("accepted %s -> %s (Move %s), %d recorded", acc.Origin, acc.Target.ID, acc.Move.ID, recorded)
			}
		})
	}
}

func readActor(t *testing.T, path string) *activitypub.Actor {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := activitypub.ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func readCapturedRequest(t *testing.T) *http.Request {
	t.Helper()
	raw, err := os.ReadFile("testdata/gotosocial/gotosocial-live-move-request.http")
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return req
}
