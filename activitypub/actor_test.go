package activitypub_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreMembers compares documents by their typed fields only.
var ignoreMembers = cmp.Options{
	cmpopts.IgnoreFields(activitypub.Actor{}, "Members"),
	cmpopts.IgnoreFields(activitypub.PublicKey{}, "Members"),
	cmpopts.IgnoreFields(activitypub.Endpoints{}, "Members"),
	cmpopts.IgnoreFields(activitypub.Image{}, "Members"),
	cmpopts.IgnoreFields(activitypub.Field{}, "Members"),
	cmpopts.IgnoreFields(activitypub.Move{}, "Members"),
}

// jsonValue decodes data into generic JSON values, for comparing documents
// by meaning rather than by bytes.
func jsonValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, data)
	}
	return v
}

func TestActorRoundTripFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/actors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a, err := activitypub.ParseActor(data)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Check(); err != nil {
				t.Errorf("Check: %v", err)
			}
			out, err := a.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonValue(t, data), jsonValue(t, out)); diff != "" {
				t.Errorf("round trip changed the document (-want +got):\n%s", diff)
			}
			// Decoding the output again gives the same typed actor.
			b, err := activitypub.ParseActor(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, b, ignoreMembers); diff != "" {
				t.Errorf("second decode differs (-first +second):\n%s", diff)
			}
		})
	}
}

func TestActorFields(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/actors/gotosocial-actor-aliased-and-moved.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := activitypub.ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{a.ID, a.Type, a.MovedTo, a.AlsoKnownAs, a.PublicKey.ID, a.PublicKey.Owner, a.Discoverable, a.ManuallyApprovesFollowers, a.Icon.MediaType, a.SharedInbox()}
	want := []any{
		"http://localhost:8080/users/the_mighty_zork", "Person",
		"http://localhost:8080/users/1happyturtle",
		[]string{"http://localhost:8080/users/1happyturtle"},
		"http://localhost:8080/users/the_mighty_zork/main-key",
		"http://localhost:8080/users/the_mighty_zork",
		true, false, "image/jpeg",
		"http://localhost:8080/users/the_mighty_zork/inbox",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestActorEdits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		edit func(*activitypub.Actor)
		want string
	}{
		{
			name: "unchanged document keeps its bytes",
			in:   `{"id":"https://a.example/u","name":"\u003cb\u003e","alsoKnownAs":"https://b.example/u","discoverable":false,"x":{"y":[1, 2]}}`,
			edit: func(*activitypub.Actor) {},
			want: `{"id":"https://a.example/u","name":"\u003cb\u003e","alsoKnownAs":"https://b.example/u","discoverable":false,"x":{"y":[1, 2]}}`,
		},
		{
			name: "alsoKnownAs as a string becomes an array when changed",
			in:   `{"id":"https://a.example/u","alsoKnownAs":"https://b.example/u"}`,
			edit: func(a *activitypub.Actor) { a.AlsoKnownAs = append(a.AlsoKnownAs, "https://c.example/u") },
			want: `{"id":"https://a.example/u","alsoKnownAs":["https://b.example/u","https://c.example/u"]}`,
		},
		{
			name: "cleared movedTo is removed",
			in:   `{"id":"https://a.example/u","movedTo":"https://b.example/u","z":1}`,
			edit: func(a *activitypub.Actor) { a.MovedTo = "" },
			want: `{"id":"https://a.example/u","z":1}`,
		},
		{
			name: "new fields follow the document's members",
			in:   `{"id":"https://a.example/u","z":1}`,
			edit: func(a *activitypub.Actor) { a.MovedTo = "https://b.example/u"; a.Suspended = true },
			want: `{"id":"https://a.example/u","z":1,"suspended":true,"movedTo":"https://b.example/u"}`,
		},
		{
			name: "a member of the wrong shape is kept as it was",
			in:   `{"id":"https://a.example/u","movedTo":{"weird":true},"publicKey":[1]}`,
			edit: func(*activitypub.Actor) {},
			want: `{"id":"https://a.example/u","movedTo":{"weird":true},"publicKey":[1]}`,
		},
		{
			name: "a duplicate member keeps its last value",
			in:   `{"id":"https://a.example/u","name":"first","name":"second"}`,
			edit: func(a *activitypub.Actor) {},
			want: `{"id":"https://a.example/u","name":"second"}`,
		},
		{
			name: "nested unknown members survive an edit beside them",
			in:   `{"id":"https://a.example/u","endpoints":{"sharedInbox":"https://a.example/inbox","oauth":"x"}}`,
			edit: func(a *activitypub.Actor) { a.Endpoints.SharedInbox = "https://a.example/shared" },
			want: `{"id":"https://a.example/u","endpoints":{"sharedInbox":"https://a.example/shared","oauth":"x"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := activitypub.ParseActor([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(a)
			out, err := a.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseActorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"not an object", []byte(`["x"]`), activitypub.ErrMalformed},
		{"truncated", []byte(`{"id":"https://a.example/u"`), activitypub.ErrMalformed},
		{"trailing data", []byte(`{"id":"x"} {}`), activitypub.ErrMalformed},
		{"too large", append([]byte(`{"x":"`), make([]byte, activitypub.MaxDocumentBytes)...), activitypub.DocumentTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := activitypub.ParseActor(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseActor error = %v, want %v", err, tt.want)
			}
			var de *activitypub.DocumentError
			if !errors.As(err, &de) || de.Kind != "actor" {
				t.Errorf("error %T is not a *DocumentError for an actor", err)
			}
		})
	}
}

func TestActorCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"ok", `{"id":"https://a.example/u","inbox":"https://a.example/u/inbox","publicKey":{"id":"https://a.example/u#k","owner":"https://a.example/u"}}`, nil},
		{"no id", `{"inbox":"https://a.example/u/inbox"}`, activitypub.ErrMalformed},
		{"relative id", `{"id":"/u","inbox":"https://a.example/u/inbox"}`, activitypub.ErrMalformed},
		{"no inbox", `{"id":"https://a.example/u"}`, activitypub.ErrMalformed},
		{"key of another owner", `{"id":"https://a.example/u","inbox":"https://a.example/i","publicKey":{"id":"https://b.example/k","owner":"https://b.example/v"}}`, activitypub.ErrKeyOwner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := activitypub.ParseActor([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Check(); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("Check() = %v, want %v", err, tt.want)
			}
		})
	}
}
