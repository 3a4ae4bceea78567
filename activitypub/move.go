package activitypub

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Move is a Move activity: the account Actor (which is also the Object)
// has moved to Target. Decoding keeps every member, as [Actor] does, and
// refuses a document that repeats id, type, actor, object or target with a
// *[DuplicateMemberError].
type Move struct {
	Context json.RawMessage
	ID      string
	Type    string
	Target  string
	Actor   string
	Object  string
	// To and CC are the addressing. Mastodon sends neither; GoToSocial
	// addresses the origin's followers collection.
	To []string
	CC []string
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

var moveFields = []field[Move]{
	rawField("@context", func(m *Move) *json.RawMessage { return &m.Context }),
	unique(stringField("id", func(m *Move) *string { return &m.ID })),
	unique(stringField("type", func(m *Move) *string { return &m.Type })),
	unique(iriField("target", func(m *Move) *string { return &m.Target })),
	unique(iriField("actor", func(m *Move) *string { return &m.Actor })),
	unique(iriField("object", func(m *Move) *string { return &m.Object })),
	stringsField("to", func(m *Move) *[]string { return &m.To }),
	stringsField("cc", func(m *Move) *[]string { return &m.CC }),
}

// iriField holds an IRI that may arrive as a string or as an object with
// an "id"; it is encoded as a string.
func iriField[T any](name string, p func(*T) *string) field[T] {
	f := stringField(name, p)
	f.decode = func(t *T, raw json.RawMessage) error {
		if isNull(raw) {
			*p(t) = ""
			return nil
		}
		s, err := decodeIRI(raw)
		if err != nil {
			return err
		}
		*p(t) = s
		return nil
	}
	return f
}

// MoveID returns the id Mastodon gives the n-th Move of an actor:
// "<actor id>#moves/<n>".
func MoveID(actorID string, n int64) string {
	return actorID + "#moves/" + strconv.FormatInt(n, 10)
}

// NewMove returns a Move of origin to target with the given id, in
// Mastodon's form: "@context" ActivityStreams, actor and object both the
// origin, and no addressing. Set To to the origin's followers collection
// for GoToSocial's form.
func NewMove(id, origin, target string) *Move {
	return &Move{
		Context: json.RawMessage(`"` + ActivityStreamsContext + `"`),
		ID:      id,
		Type:    "Move",
		Target:  target,
		Actor:   origin,
		Object:  origin,
	}
}

// ParseMove decodes a Move activity. It fails with a *[DocumentError]
// when data is larger than [MaxDocumentBytes], is not a JSON object, or
// is not a Move; it does not check the Move against any account: see
// [VerifyMove].
func ParseMove(data []byte) (*Move, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &DocumentError{Kind: "move", Reason: DocumentTooLarge}
	}
	m := new(Move)
	if err := m.UnmarshalJSON(data); err != nil {
		return nil, &DocumentError{Kind: "move", Reason: DocumentMalformed, Err: err}
	}
	if m.Type != "Move" {
		return nil, &DocumentError{Kind: "move", ID: m.ID, Reason: DocumentWrongType, Err: MoveWrongType}
	}
	var missing []string
	for _, f := range [...]struct{ name, v string }{{"id", m.ID}, {"actor", m.Actor}, {"object", m.Object}, {"target", m.Target}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		return nil, &DocumentError{Kind: "move", ID: m.ID, Reason: DocumentMalformed, Err: fmt.Errorf("no %s", strings.Join(missing, ", "))}
	}
	return m, nil
}

// UnmarshalJSON decodes the activity, keeping every member.
func (m *Move) UnmarshalJSON(data []byte) error {
	*m = Move{}
	members, err := decodeObject(data, m, moveFields)
	m.Members = members
	return err
}

// MarshalJSON encodes the activity. A Move built by [NewMove] encodes
// byte for byte as Mastodon's does.
func (m *Move) MarshalJSON() ([]byte, error) {
	return encodeObject(m, moveFields, m.Members)
}

// VerifyMove checks a Move against the documents of its origin and target
// accounts, as a receiving server must before it moves followers: the
// Move's actor equals its object and the origin's id; its target is the
// target's id; origin and target differ; the target lists the origin's id
// in alsoKnownAs, compared exactly; and the target is neither suspended
// nor itself moved elsewhere.
//
// VerifyMove does no I/O. The caller must have authenticated the Move as
// coming from its actor (an HTTP signature by the origin's key) and must
// have fetched the target freshly, not from a cache, for the alias check
// to mean anything: the Move's own body proves nothing about the target.
//
// It returns nil or a *[MoveError] listing every failed check (a
// [MoveReason]); it unwraps to [ErrMoveRefused].
func VerifyMove(m *Move, origin, target *Actor) error {
	if m == nil || origin == nil || target == nil {
		return errors.New("activitypub: VerifyMove of a nil move or account")
	}
	var failed []MoveReason
	if m.Type != "Move" {
		failed = append(failed, MoveWrongType)
	}
	if m.Actor != m.Object {
		failed = append(failed, MoveActorMismatch)
	}
	if m.Actor == "" || m.Actor != origin.ID {
		failed = append(failed, MoveOriginMismatch)
	}
	if m.Target == "" || m.Target != target.ID {
		failed = append(failed, MoveTargetMismatch)
	}
	if origin.ID == target.ID || m.Target == m.Actor {
		failed = append(failed, MoveToSelf)
	}
	if origin.ID == "" || !target.HasAlias(origin.ID) {
		failed = append(failed, MoveAliasMissing)
	}
	if target.Suspended {
		failed = append(failed, MoveTargetSuspended)
	}
	if target.MovedTo != "" {
		failed = append(failed, MoveTargetMoved)
	}
	if failed == nil {
		return nil
	}
	return &MoveError{MoveID: m.ID, Origin: m.Actor, Target: m.Target, Reasons: failed}
}
