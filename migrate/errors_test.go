package migrate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
)

// TestRefusedErrorMessage checks that a Move refused by activitypub's
// checks is described once, by the checks that failed, and still
// matches its sentinel, its reason and activitypub's reasons.
func TestRefusedErrorMessage(t *testing.T) {
	t.Parallel()
	target := &activitypub.Actor{ID: "https://new.example/users/a", Inbox: "https://new.example/inbox", Suspended: true}
	m := activitypub.NewMove("https://old.example/users/a#moves/1", "https://old.example/users/a", target.ID)
	err := error(&migrate.RefusedError{MoveID: m.ID, Origin: m.Actor, Target: m.Target, Reason: migrate.RefusalInvalid,
		Err: activitypub.VerifyMove(m, &activitypub.Actor{ID: m.Actor}, target)})
	msg := err.Error()
	if strings.Count(msg, "refused") != 1 || strings.Count(msg, m.ID) != 1 || !strings.HasPrefix(msg, "migrate: ") {
		t.Errorf("message %q: want one subject, once refused", msg)
	}
	for _, want := range []error{migrate.ErrMoveRefused, migrate.RefusalInvalid, activitypub.ErrMoveRefused, activitypub.MoveAliasMissing, activitypub.MoveTargetSuspended} {
		if !errors.Is(err, want) {
			t.Errorf("%v does not match %v", err, want)
		}
	}
	if got := migrate.StatusCode(err); got != 422 {
		t.Errorf("StatusCode = %d, want 422", got)
	}
}
