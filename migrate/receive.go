package migrate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fediport/fediport/activitypub"
)

// ReplayWindow is how long a receiving server ignores further Moves of an
// origin after accepting one: 7 days, as Mastodon.
const ReplayWindow = 7 * 24 * time.Hour

// MoveRecorder records the Moves a receiving server accepted, so that
// each origin is processed at most once per [ReplayWindow].
//
// RecordMove must be atomic: it records that a Move of origin to target
// was accepted at time at, unless a Move of origin was already recorded
// at or after since, and reports whether it recorded it.
type MoveRecorder interface {
	RecordMove(ctx context.Context, origin, target string, at, since time.Time) (bool, error)
}

// MoveRecorderFunc adapts a function to [MoveRecorder].
type MoveRecorderFunc func(ctx context.Context, origin, target string, at, since time.Time) (bool, error)

// RecordMove calls f.
func (f MoveRecorderFunc) RecordMove(ctx context.Context, origin, target string, at, since time.Time) (bool, error) {
	return f(ctx, origin, target, at, since)
}

// Receiver decides whether a server accepts an incoming Move. Set Actors
// and Records; Verifier is needed by [Receiver.ReceiveRequest] only.
// A Receiver is safe for concurrent use.
type Receiver struct {
	// Actors fetches the target freshly. Required. An
	// *activitypub.Client refuses private addresses unless told
	// otherwise, and caps the size and time of answers.
	Actors ActorFetcher
	// Records enforces one Move per origin per ReplayWindow. Required.
	Records MoveRecorder
	// Verifier checks HTTP signatures in [Receiver.ReceiveRequest].
	Verifier *activitypub.Verifier
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Accepted is a Move a [Receiver] accepted: the followers of Origin on
// this server are to be moved to Target.
type Accepted struct {
	Move   *activitypub.Move
	Origin string             // the Move's actor, which signed it
	Target *activitypub.Actor // as fetched while checking the Move
	At     time.Time
}

// ReceiveRequest handles an inbox POST that carries a Move: it verifies
// the request's HTTP signature with r.Verifier, decodes the Move and calls
// [Receiver.Receive]. A request that is not signed, or whose signature
// fails (another key, a stale or future Date, a body changed after
// signing), is refused with [RefusalUnsigned] and the activitypub signature
// error. A body that is not a Move fails with an error wrapping
// activitypub.MoveWrongType, leaving the request's body readable again for
// the host's own inbox handling.
//
// Answer the request with [StatusCode] of the error.
func (r *Receiver) ReceiveRequest(ctx context.Context, req *http.Request) (*Accepted, error) {
	if r.Verifier == nil {
		return nil, errors.New("migrate: Receiver has no Verifier")
	}
	v, err := r.Verifier.Verify(ctx, req)
	if err != nil {
		return nil, &RefusedError{Reason: RefusalUnsigned, Err: err}
	}
	m, err := activitypub.ParseMove(v.Body)
	if err != nil {
		return nil, err
	}
	return r.Receive(ctx, m, v)
}

// Receive decides on a Move whose request's signature was verified by
// signer (nil when it was not signed). It accepts the Move only when:
//
//   - actor and object are the same (activitypub.MoveActorMismatch);
//   - the signer owns the Move's actor ([RefusalNotSignedByActor]) with a key
//     on the actor's own host ([RefusalKeyHost]);
//   - the target differs from the actor (activitypub.MoveToSelf);
//   - the target, fetched freshly, exists and could be fetched
//     ([RefusalTargetUnavailable]), and passes activitypub.VerifyMove: it
//     lists the actor in alsoKnownAs, is not suspended and has not moved
//     on (activitypub.MoveAliasMissing, MoveTargetSuspended,
//     MoveTargetMoved);
//   - no Move of the actor was accepted within [ReplayWindow]
//     ([RefusalReplay]), which is then recorded.
//
// Refusals are *[RefusedError]s and change nothing in the store.
// Accepting records the Move; moving the followers is the caller's next
// step ([Transfer]).
func (r *Receiver) Receive(ctx context.Context, m *activitypub.Move, signer *activitypub.Verified) (*Accepted, error) {
	if m == nil {
		return nil, &RefusedError{Reason: RefusalInvalid, Err: activitypub.MoveWrongType}
	}
	refuse := func(r RefusalReason, err error) (*Accepted, error) {
		return nil, &RefusedError{MoveID: m.ID, Origin: m.Actor, Target: m.Target, Reason: r, Err: err}
	}
	if signer == nil {
		return refuse(RefusalUnsigned, nil)
	}
	if m.Type != "Move" {
		return refuse(RefusalInvalid, activitypub.MoveWrongType)
	}
	if m.Actor != m.Object {
		return refuse(RefusalInvalid, activitypub.MoveActorMismatch)
	}
	if err := signer.CheckActor(m.Actor); err != nil {
		return refuse(RefusalNotSignedByActor, err)
	}
	if !sameHost(signer.KeyID, m.Actor) {
		return refuse(RefusalKeyHost, fmt.Errorf("key %s, actor %s", signer.KeyID, m.Actor))
	}
	if m.Target == m.Actor {
		return refuse(RefusalInvalid, activitypub.MoveToSelf)
	}
	target, err := r.Actors.FetchActor(ctx, m.Target)
	if err != nil {
		return refuse(RefusalTargetUnavailable, err)
	}
	if err := activitypub.VerifyMove(m, &activitypub.Actor{ID: m.Actor}, target); err != nil {
		return refuse(RefusalInvalid, err)
	}
	at := now(r.Now)
	ok, err := r.Records.RecordMove(ctx, m.Actor, target.ID, at, at.Add(-ReplayWindow))
	if err != nil {
		return nil, fmt.Errorf("migrate: recording move of %s: %w", m.Actor, err)
	}
	if !ok {
		return refuse(RefusalReplay, nil)
	}
	return &Accepted{Move: m, Origin: m.Actor, Target: target, At: at}, nil
}

// sameHost reports whether a and b are absolute http(s) URLs without
// user info on the same host (and port), compared case-insensitively:
// the rule activitypub.Client.FetchActor applies to an actor's id.
func sameHost(a, b string) bool {
	ha, ok := httpHost(a)
	if !ok {
		return false
	}
	hb, ok := httpHost(b)
	return ok && strings.EqualFold(ha, hb)
}

func httpHost(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false
	}
	return u.Host, true
}

// StatusCode returns the HTTP status an inbox should answer a Move with,
// given what [Receiver.ReceiveRequest] or [Receiver.Receive] returned:
// 202 Accepted when err is nil or a replay (the sender did nothing wrong
// and should not retry); 401 when the request is not authenticated or not
// by the Move's actor; 413 for an oversized body; 400 for a document that
// is not a valid Move; 422 for a Move refused on its merits; 503 when the
// target could not be fetched (the sender may retry later); 500 otherwise.
func StatusCode(err error) int {
	switch {
	case err == nil, errors.Is(err, RefusalReplay):
		return http.StatusAccepted
	case errors.Is(err, activitypub.SignatureBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, RefusalUnsigned), errors.Is(err, RefusalNotSignedByActor), errors.Is(err, RefusalKeyHost):
		return http.StatusUnauthorized
	case errors.Is(err, RefusalTargetUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, activitypub.ErrMalformed), errors.Is(err, activitypub.MoveWrongType), errors.Is(err, activitypub.DocumentTooLarge):
		return http.StatusBadRequest
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}
