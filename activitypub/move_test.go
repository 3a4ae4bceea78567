package activitypub_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/testvectors"
	"github.com/google/go-cmp/cmp"
)

var moveErrors = map[string]error{
	"MoveWrongType":       activitypub.MoveWrongType,
	"MoveActorMismatch":   activitypub.MoveActorMismatch,
	"MoveOriginMismatch":  activitypub.MoveOriginMismatch,
	"MoveTargetMismatch":  activitypub.MoveTargetMismatch,
	"MoveToSelf":          activitypub.MoveToSelf,
	"MoveAliasMissing":    activitypub.MoveAliasMissing,
	"MoveTargetSuspended": activitypub.MoveTargetSuspended,
	"MoveTargetMoved":     activitypub.MoveTargetMoved,
	"ErrMalformed":        activitypub.DocumentMalformed,
}

func TestMoveVectors(t *testing.T) {
	t.Parallel()
	vectors, err := testvectors.Load("testdata/vectors/move")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			var want error
			if v.Expect != "ok" {
				if want = moveErrors[v.Expect]; want == nil {
					t.Fatalf("unknown expect: %s", v.Expect)
				}
			}
			err := verifyVector(t, v)
			if want == nil {
				if err != nil {
					t.Fatalf("want ok (%s), got %v", v.Header["reason"], err)
				}
				return
			}
			if !hasReason(err, want) {
				t.Fatalf("want %v (%s), got %v", want, v.Header["reason"], err)
			}
			checkDuplicate(t, v, err)
			// Each vector fails for its own reason only.
			var me *activitypub.MoveError
			if errors.As(err, &me) && len(me.Reasons) != 1 {
				t.Errorf("want exactly one failed check, got %v", me.Reasons)
			}
		})
	}
}

func verifyVector(t *testing.T, v *testvectors.Vector) error {
	t.Helper()
	parse := func(name string) []byte {
		b, err := v.Section(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	m, err := activitypub.ParseMove(parse("move"))
	if err != nil {
		return err
	}
	origin, err := activitypub.ParseActor(parse("origin"))
	if err != nil {
		t.Fatal(err)
	}
	target, err := activitypub.ParseActor(parse("target"))
	if err != nil {
		t.Fatal(err)
	}
	return activitypub.VerifyMove(m, origin, target)
}

func TestNewMoveMastodonBytes(t *testing.T) {
	t.Parallel()
	// The Move Mastodon sends (FORMATS.md section 4), byte for byte.
	want := `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/42","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}`
	m := activitypub.NewMove(activitypub.MoveID("https://old.example/users/alice", 42), "https://old.example/users/alice", "https://new.example/users/alice")
	got, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseMoveGoToSocialFixtures(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"testdata/moves/gotosocial-move-activity.json", "testdata/moves/gotosocial-move-activity-docs.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := activitypub.ParseMove(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if m.Actor != m.Object || len(m.To) != 1 || !strings.HasSuffix(m.To[0], "/followers") || !strings.Contains(m.ID, "/moves/") {
			t.Errorf("%s: unexpected move %+v", file, m)
		}
		out, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(jsonValue(t, data), jsonValue(t, out)); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", file, diff)
		}
	}
}

func TestParseMoveErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     error
	}{
		{"no target", `{"id":"x","type":"Move","actor":"a","object":"a"}`, activitypub.ErrMalformed},
		{"not JSON", `{"id":`, activitypub.ErrMalformed},
		{"wrong type", `{"id":"x","type":"Undo","actor":"a","object":"a","target":"b"}`, activitypub.DocumentWrongType},
	}
	for _, tt := range tests {
		if _, err := activitypub.ParseMove([]byte(tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestNewUpdateCarriesExtensions(t *testing.T) {
	t.Parallel()
	a := &activitypub.Actor{
		Context:     activitypub.ActorContext(),
		ID:          "https://new.example/users/alice",
		Type:        "Person",
		Inbox:       "https://new.example/users/alice/inbox",
		AlsoKnownAs: []string{"https://old.example/users/alice"},
	}
	out, err := activitypub.NewUpdate(a.ID+"#updates/1", a).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Context json.RawMessage `json:"@context"`
		Type    string          `json:"type"`
		Actor   string          `json:"actor"`
		Object  struct {
			ID          string   `json:"id"`
			AlsoKnownAs []string `json:"alsoKnownAs"`
		} `json:"object"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Type != "Update" || got.Actor != a.ID || got.Object.ID != a.ID || len(got.Object.AlsoKnownAs) != 1 || len(got.Context) == 0 {
		t.Errorf("unexpected Update: %s", out)
	}
	// It decodes again to the same activity.
	var back activitypub.Update
	if err := back.UnmarshalJSON(out); err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalJSON()
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("decoded and encoded again = %s, %v; want %s", again, err, out)
	}
}

// TestUpdateBytes: NewUpdate writes, byte for byte, the Update fediport
// wrote with go-ap before (testdata/updates/ORIGIN.md).
func TestUpdateBytes(t *testing.T) {
	t.Parallel()
	built := &activitypub.Actor{ID: "https://x.example/users/a", Type: "Person", Inbox: "https://x.example/users/a/inbox"}
	files, err := filepath.Glob("testdata/updates/*.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("golden updates: %v, %v", files, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var u *activitypub.Update
		switch name {
		case "built":
			u = activitypub.NewUpdate(built.ID+"#updates/1", built)
		case "built-no-context":
			u = activitypub.NewUpdate(built.ID+"#updates/1", built)
			u.Context = nil
		default:
			data, err := os.ReadFile("testdata/actors/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			a, err := activitypub.ParseActor(data)
			if err != nil {
				t.Fatal(err)
			}
			u = activitypub.NewUpdate(a.ID+"#updates/1700000000", a)
		}
		got, err := u.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
		}
	}
}
