package goap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/activitypub/goap"
	"github.com/fediport/fediport/internal/testvectors"
	vocab "github.com/go-ap/activitypub"
	"github.com/google/go-cmp/cmp"
)

// moves returns every Move the tests round-trip: the "move" section of
// each Move vector that parses, and the real GoToSocial Moves.
func moves(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	vectors, err := testvectors.Load("../testdata/vectors/move")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		if b, ok := v.Sections["move"]; ok {
			out["vector "+v.Name] = b
		}
	}
	files, err := filepath.Glob("../testdata/moves/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// actors returns every actor document the tests round-trip: the "actor",
// "origin" and "target" sections of the vectors that parse and pass
// Check, and the real documents from Mastodon and GoToSocial.
func actors(t *testing.T) map[string]*activitypub.Actor {
	t.Helper()
	out := map[string]*activitypub.Actor{}
	add := func(name string, data []byte) {
		a, err := activitypub.ParseActor(data)
		if err != nil || a.Check() != nil {
			return // the vectors of malformed actors
		}
		out[name] = a
	}
	for _, dir := range []string{"../testdata/vectors/actor", "../testdata/vectors/move"} {
		vectors, err := testvectors.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vectors {
			for _, s := range []string{"actor", "origin", "target"} {
				if b, ok := v.Sections[s]; ok {
					add("vector "+v.Name+" "+s, b)
				}
			}
		}
	}
	files, err := filepath.Glob("../testdata/actors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(filepath.Base(f), b)
	}
	if len(out) < 10 {
		t.Fatalf("only %d actors to round-trip", len(out))
	}
	return out
}

// TestMoveRoundTrip: a Move converted to go-ap and back keeps its id,
// actor, object, target and addressing, and is in Mastodon's form.
func TestMoveRoundTrip(t *testing.T) {
	t.Parallel()
	n := 0
	for name, data := range moves(t) {
		m, err := activitypub.ParseMove(data)
		if err != nil {
			continue // vectors of malformed Moves
		}
		n++
		v := goap.ToMove(m)
		if v.Type != vocab.MoveType || string(v.ID) != m.ID {
			t.Errorf("%s: ToMove = %+v", name, v)
		}
		back, err := goap.FromMove(v)
		if err != nil {
			t.Fatalf("%s: FromMove: %v", name, err)
		}
		type core struct {
			ID, Type, Actor, Object, Target string
			To, CC                          []string
		}
		want := core{m.ID, m.Type, m.Actor, m.Object, m.Target, m.To, m.CC}
		got := core{back.ID, back.Type, back.Actor, back.Object, back.Target, back.To, back.CC}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", name, diff)
		}
		// Without addressing, it is exactly what NewMove builds.
		if m.To == nil && m.CC == nil && m.Actor == m.Object {
			wantBytes, _ := activitypub.NewMove(m.ID, m.Actor, m.Target).MarshalJSON()
			gotBytes, err := back.MarshalJSON()
			if err != nil || !bytes.Equal(gotBytes, wantBytes) {
				t.Errorf("%s: FromMove encodes as %s, %v; want %s", name, gotBytes, err, wantBytes)
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d Moves round-tripped", n)
	}
}

// TestFromMoveRefuses: FromMove refuses what is not a usable Move.
func TestFromMoveRefuses(t *testing.T) {
	t.Parallel()
	follow := vocab.MoveNew("https://old.example/users/alice#moves/1", vocab.IRI("https://old.example/users/alice"))
	follow.Type = vocab.FollowType
	if _, err := goap.FromMove(follow); !errors.Is(err, activitypub.MoveWrongType) {
		t.Errorf("FromMove(Follow) = %v, want MoveWrongType", err)
	}
	noTarget := vocab.MoveNew("https://old.example/users/alice#moves/1", vocab.IRI("https://old.example/users/alice"))
	noTarget.Actor = vocab.IRI("https://old.example/users/alice")
	if _, err := goap.FromMove(noTarget); !errors.Is(err, activitypub.ErrMalformed) {
		t.Errorf("FromMove without target = %v, want ErrMalformed", err)
	}
	if _, err := goap.FromMove(nil); err == nil {
		t.Error("FromMove(nil) succeeded")
	}
}

// TestUpdateRoundTrip: for every actor, the Update built with go-ap
// (ToUpdate, Encode) has the bytes of activitypub's own, and converts back
// to the same Update; through go-ap's Actor struct it keeps what go-ap
// has fields for.
func TestUpdateRoundTrip(t *testing.T) {
	t.Parallel()
	for name, a := range actors(t) {
		u := activitypub.NewUpdate(a.ID+"#updates/1", a)
		want, err := u.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		v := goap.ToUpdate(u)
		got, err := goap.Encode(activitypub.ActorContext(), v)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: go-ap Update:\ngot  %s (%v)\nwant %s", name, got, err, want)
		}
		back, err := goap.FromUpdate(v)
		if err != nil {
			t.Fatalf("%s: FromUpdate: %v", name, err)
		}
		if again, err := back.MarshalJSON(); err != nil || !bytes.Equal(again, want) {
			t.Errorf("%s: FromUpdate(ToUpdate(u)) encodes as\n%s (%v), want\n%s", name, again, err, want)
		}
		// An Update whose object is go-ap's own Actor struct.
		va, err := goap.ToActor(a)
		if err != nil {
			t.Fatalf("%s: ToActor: %v", name, err)
		}
		plain := vocab.UpdateNew(vocab.ID(u.ID), va)
		plain.Actor = vocab.IRI(a.ID)
		back, err = goap.FromUpdate(plain)
		if err != nil {
			t.Fatalf("%s: FromUpdate of a go-ap actor: %v", name, err)
		}
		if back.Object.ID != a.ID || back.Actor != a.ID || back.ID != u.ID {
			t.Errorf("%s: FromUpdate of a go-ap actor = %+v", name, back)
		}
	}
}

// TestActorRoundTrip: an actor converted to go-ap's Actor and back keeps
// every member go-ap has a field for, relative IRIs aside.
func TestActorRoundTrip(t *testing.T) {
	t.Parallel()
	type carried struct {
		ID, Type, PreferredUsername, Name, Summary, URL string
		Inbox, Outbox, Followers, Following             string
		SharedInbox                                     string
		KeyID, KeyOwner, KeyPem                         string
		Published                                       string
	}
	view := func(a *activitypub.Actor) carried {
		c := carried{ID: a.ID, Type: a.Type, PreferredUsername: a.PreferredUsername, Name: a.Name, Summary: a.Summary, URL: a.URL,
			Inbox: a.Inbox, Outbox: a.Outbox, Followers: a.Followers, Following: a.Following, SharedInbox: a.SharedInbox()}
		if a.Endpoints == nil || a.Endpoints.SharedInbox == "" {
			c.SharedInbox = ""
		}
		if k := a.PublicKey; k != nil {
			c.KeyID, c.KeyOwner, c.KeyPem = k.ID, k.Owner, k.PublicKeyPem
		}
		// go-ap drops relative IRIs, such as an archive's "outbox.json".
		for _, p := range []*string{&c.URL, &c.Inbox, &c.Outbox, &c.Followers, &c.Following} {
			if u, err := url.Parse(*p); err != nil || !u.IsAbs() {
				*p = ""
			}
		}
		if !a.Published.IsZero() {
			c.Published = a.Published.UTC().String()
		}
		return c
	}
	for name, a := range actors(t) {
		v, err := goap.ToActor(a)
		if err != nil {
			t.Fatalf("%s: ToActor: %v", name, err)
		}
		if string(v.ID) != a.ID || v.Inbox == nil || string(v.Inbox.GetLink()) != a.Inbox {
			t.Errorf("%s: ToActor = id %s inbox %v", name, v.ID, v.Inbox)
		}
		back, err := goap.FromActor(v)
		if err != nil {
			t.Fatalf("%s: FromActor: %v", name, err)
		}
		if diff := cmp.Diff(view(a), view(back)); diff != "" {
			t.Errorf("%s: round trip through go-ap (-want +got):\n%s", name, diff)
		}
	}
}

// TestActorItem: an actor handed to go-ap as an Item is encoded in full,
// with the members go-ap does not know.
func TestActorItem(t *testing.T) {
	t.Parallel()
	a := &activitypub.Actor{ID: "https://new.example/users/alice", Type: "Person", Inbox: "https://new.example/users/alice/inbox",
		AlsoKnownAs: []string{"https://old.example/users/alice"}}
	it := goap.ActorItem(a)
	if it.GetID() != "https://new.example/users/alice" || it.GetType() != vocab.PersonType || !it.IsObject() || it.IsLink() || it.IsCollection() {
		t.Errorf("ActorItem = %v %v", it.GetID(), it.GetType())
	}
	out, err := vocab.MarshalJSON(it)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		AlsoKnownAs []string `json:"alsoKnownAs"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got.AlsoKnownAs) != 1 {
		t.Errorf("go-ap encoding = %s, %v; want alsoKnownAs kept", out, err)
	}
}
