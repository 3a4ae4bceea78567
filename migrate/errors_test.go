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

// TestProblemSharedReasons: a Problem unwraps to activitypub's reason for
// exactly the checks a receiving server makes too, as PreflightReason's
// documentation lists them, so one errors.Is serves both sides.
func TestProblemSharedReasons(t *testing.T) {
	t.Parallel()
	shared := []error{activitypub.ErrIDMismatch, activitypub.MoveToSelf, activitypub.MoveTargetSuspended, activitypub.MoveTargetMoved, activitypub.MoveAliasMissing}
	tests := []struct {
		reason migrate.PreflightReason
		want   error // nil: none of shared
	}{
		{migrate.PreflightOriginGone, nil},
		{migrate.PreflightTargetGone, nil},
		{migrate.PreflightSignatureRequired, nil},
		{migrate.PreflightIDMismatch, activitypub.ErrIDMismatch},
		{migrate.PreflightToSelf, activitypub.MoveToSelf},
		{migrate.PreflightAlreadyMoved, nil},
		{migrate.PreflightOriginSuspended, nil},
		{migrate.PreflightTargetSuspended, activitypub.MoveTargetSuspended},
		{migrate.PreflightTargetMoved, activitypub.MoveTargetMoved},
		{migrate.PreflightAliasMissing, activitypub.MoveAliasMissing},
		{migrate.PreflightCooldown, nil},
	}
	for _, tt := range tests {
		err := &migrate.Problem{Reason: tt.reason, Advice: "x"}
		if !errors.Is(err, migrate.ErrNotReady) || !errors.Is(err, tt.reason) {
			t.Errorf("%v: not ErrNotReady and its reason", tt.reason)
		}
		for _, s := range shared {
			if got := errors.Is(err, s); got != (s == tt.want) {
				t.Errorf("%v: errors.Is(%v) = %v", tt.reason, s, got)
			}
		}
	}
}
