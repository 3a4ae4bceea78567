package goap

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fediport/fediport/activitypub"
	vocab "github.com/go-ap/activitypub"
)

// actorItem is a fediport actor as a go-ap Item.
type actorItem activitypub.Actor

// ActorItem returns a as a go-ap Item: it can be the object of activities
// built with go-ap (an Update of the actor, say), and go-ap encodes it in
// full, every member kept, as [activitypub.Actor.MarshalJSON] does.
func ActorItem(a *activitypub.Actor) vocab.Item { return (*actorItem)(a) }

func (a *actorItem) GetID() vocab.ID    { return vocab.ID(a.ID) }
func (a *actorItem) GetLink() vocab.IRI { return vocab.IRI(a.ID) }
func (a *actorItem) GetType() vocab.ActivityVocabularyType {
	return vocab.ActivityVocabularyType(a.Type)
}
func (a *actorItem) IsLink() bool                 { return false }
func (a *actorItem) IsObject() bool               { return true }
func (a *actorItem) IsCollection() bool           { return false }
func (a *actorItem) MarshalJSON() ([]byte, error) { return (*activitypub.Actor)(a).MarshalJSON() }

// ToActor converts a to go-ap's Actor, through its JSON encoding and
// go-ap's decoder. Members go-ap has no field for are lost (see the
// package documentation).
func ToActor(a *activitypub.Actor) (*vocab.Actor, error) {
	data, err := a.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("goap: encoding actor %s: %w", a.ID, err)
	}
	v := new(vocab.Actor)
	if err := v.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("goap: decoding actor %s with go-ap: %w", a.ID, err)
	}
	return v, nil
}

// FromActor converts go-ap's Actor to fediport's, through go-ap's JSON
// encoding and [activitypub.ParseActor]. The actor has no "@context":
// set it (to [activitypub.ActorContext], say) before serving it.
func FromActor(v *vocab.Actor) (*activitypub.Actor, error) {
	if v == nil {
		return nil, errors.New("goap: nil actor")
	}
	data, err := vocab.MarshalJSON(v)
	if err != nil {
		return nil, fmt.Errorf("goap: encoding actor %s with go-ap: %w", v.ID, err)
	}
	a, err := activitypub.ParseActor(data)
	if err != nil {
		return nil, fmt.Errorf("goap: %w", err)
	}
	return a, nil
}

// ToMove converts m to go-ap's Move: id, actor, object, target, to and cc.
// Members go-ap has no field for are not carried over.
func ToMove(m *activitypub.Move) *vocab.Move {
	v := vocab.MoveNew(vocab.ID(m.ID), vocab.IRI(m.Object))
	v.Actor = vocab.IRI(m.Actor)
	v.Target = vocab.IRI(m.Target)
	v.To = iris(m.To)
	v.CC = iris(m.CC)
	return v
}

// FromMove converts go-ap's Move to fediport's, in Mastodon's form (see
// [activitypub.NewMove]) with v's to and cc. It fails when v is not a Move
// or lacks an id, actor, object or target.
func FromMove(v *vocab.Move) (*activitypub.Move, error) {
	if v == nil {
		return nil, errors.New("goap: nil move")
	}
	if v.Type != vocab.MoveType {
		return nil, fmt.Errorf("goap: activity %s of type %q: %w", v.ID, v.Type, activitypub.MoveWrongType)
	}
	actor, object, target := link(v.Actor), link(v.Object), link(v.Target)
	if v.ID == "" || actor == "" || object == "" || target == "" {
		return nil, fmt.Errorf("goap: move %s lacks an id, actor, object or target: %w", v.ID, activitypub.ErrMalformed)
	}
	m := activitypub.NewMove(string(v.ID), actor, target)
	m.Object = object
	m.To = links(v.To)
	m.CC = links(v.CC)
	return m, nil
}

// ToUpdate converts u to go-ap's Update, with u's actor document as its
// object in full (see [ActorItem]).
func ToUpdate(u *activitypub.Update) *vocab.Update {
	var object vocab.Item
	if u.Object != nil {
		object = ActorItem(u.Object)
	}
	v := vocab.UpdateNew(vocab.ID(u.ID), object)
	v.Actor = vocab.IRI(u.Actor)
	v.To = iris(u.To)
	v.CC = iris(u.CC)
	return v
}

// FromUpdate converts go-ap's Update of an actor to fediport's, with
// Mastodon's "@context" ([activitypub.ActorContext]). Its object is the
// fediport actor itself when v was made by [ToUpdate]; otherwise it is
// converted with [FromActor]. It fails when v is not an Update or its
// object is not an actor document.
func FromUpdate(v *vocab.Update) (*activitypub.Update, error) {
	if v == nil {
		return nil, errors.New("goap: nil update")
	}
	if v.Type != vocab.UpdateType {
		return nil, fmt.Errorf("goap: activity %s of type %q is not an Update: %w", v.ID, v.Type, activitypub.ErrMalformed)
	}
	var actor *activitypub.Actor
	switch o := v.Object.(type) {
	case *actorItem:
		actor = (*activitypub.Actor)(o)
	default:
		va, err := vocab.ToActor(v.Object)
		if err != nil || va == nil || va.ID == "" {
			return nil, fmt.Errorf("goap: update %s: object is not an actor document: %w", v.ID, activitypub.ErrMalformed)
		}
		if actor, err = FromActor(va); err != nil {
			return nil, err
		}
	}
	u := activitypub.NewUpdate(string(v.ID), actor)
	u.Actor = link(v.Actor)
	u.To = links(v.To)
	u.CC = links(v.CC)
	return u, nil
}

// Encode encodes a go-ap activity or object with the "@context" given (raw
// JSON: a string or an array) as its first member, which go-ap's own
// encoding leaves out. Encode(activitypub.ActorContext(), ToUpdate(u))
// writes what u.MarshalJSON writes for an Update made by
// [activitypub.NewUpdate].
func Encode(context json.RawMessage, v vocab.Item) ([]byte, error) {
	body, err := vocab.MarshalJSON(v)
	if err != nil {
		return nil, fmt.Errorf("goap: %w", err)
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, errors.New("goap: encoding did not produce an object")
	}
	if len(context) == 0 {
		return body, nil
	}
	if !json.Valid(context) {
		return nil, errors.New("goap: invalid @context")
	}
	out := make([]byte, 0, len(body)+len(context)+16)
	out = append(out, `{"@context":`...)
	out = append(out, context...)
	if len(body) > 2 {
		out = append(out, ',')
	}
	return append(out, body[1:]...), nil
}

func iris(ss []string) vocab.ItemCollection {
	if ss == nil {
		return nil
	}
	out := make(vocab.ItemCollection, len(ss))
	for i, s := range ss {
		out[i] = vocab.IRI(s)
	}
	return out
}

func link(it vocab.Item) string {
	if vocab.IsNil(it) {
		return ""
	}
	return string(it.GetLink())
}

func links(c vocab.ItemCollection) []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c))
	for _, it := range c {
		out = append(out, link(it))
	}
	return out
}
