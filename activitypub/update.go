package activitypub

import (
	"bytes"
	"encoding/json"
)

// Update is an Update activity announcing a changed actor document: after
// adding an alias, setting movedTo or undoing it. [NewUpdate] builds one
// as Mastodon sends it. Decoding keeps every member, as [Actor] does.
type Update struct {
	Context json.RawMessage
	ID      string
	Type    string
	// Actor is the actor whose document changed.
	Actor string
	// To and CC are the addressing; Mastodon addresses the public.
	To []string
	CC []string
	// Object is the changed actor document, in full.
	Object *Actor
	// Members holds every member as decoded; see [Actor].
	Members []Member
}

var updateFields = []field[Update]{
	rawField("@context", func(u *Update) *json.RawMessage { return &u.Context }),
	unique(stringField("id", func(u *Update) *string { return &u.ID })),
	unique(stringField("type", func(u *Update) *string { return &u.Type })),
	stringsField("to", func(u *Update) *[]string { return &u.To }),
	stringsField("cc", func(u *Update) *[]string { return &u.CC }),
	unique(iriField("actor", func(u *Update) *string { return &u.Actor })),
	unique(compactField(objectField[Update, Actor]("object", func(u *Update) **Actor { return &u.Object }))),
}

// compactField encodes f's value without insignificant whitespace, as
// Mastodon (and go-ap) write an embedded object: an actor decoded from a
// pretty-printed document is embedded on one line.
func compactField[T any](f field[T]) field[T] {
	encode := f.encode
	f.encode = func(t *T) (json.RawMessage, error) {
		b, err := encode(t)
		if err != nil || b == nil {
			return b, err
		}
		var out bytes.Buffer
		out.Grow(len(b))
		if err := json.Compact(&out, b); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	return f
}

// NewUpdate returns the Update activity that announces actor's changed
// document, as Mastodon sends it: "@context" Mastodon's actor context
// ([ActorContext]), addressed to the public ([PublicCollection]), with
// the full actor inline. id is the activity's id; Mastodon uses
// "<actor id>#updates/<unix time>".
func NewUpdate(id string, actor *Actor) *Update {
	return &Update{
		Context: ActorContext(),
		ID:      id,
		Type:    "Update",
		Actor:   actor.ID,
		To:      []string{PublicCollection},
		Object:  actor,
	}
}

// UnmarshalJSON decodes the activity, keeping every member.
func (u *Update) UnmarshalJSON(data []byte) error {
	*u = Update{}
	members, err := decodeObject(data, u, updateFields)
	u.Members = members
	return err
}

// MarshalJSON encodes the activity. An Update built by [NewUpdate]
// encodes byte for byte as Mastodon's does: "@context", id, type, to,
// actor, then the actor document (see [Actor.MarshalJSON]) on one line.
func (u *Update) MarshalJSON() ([]byte, error) {
	return encodeObject(u, updateFields, u.Members)
}
