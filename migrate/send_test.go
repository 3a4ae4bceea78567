package migrate_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/migrate"
	"github.com/google/go-cmp/cmp"
)

func TestBuildMoveMastodonForm(t *testing.T) {
	t.Parallel()
	origin := actor(oldID, "alice")
	out, err := migrate.BuildMove(origin, newID, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://old.example/users/alice#moves/1748779200","type":"Move","target":"https://new.example/users/alice","actor":"https://old.example/users/alice","object":"https://old.example/users/alice"}`
	if diff := cmp.Diff(want, string(out.Move)); diff != "" {
		t.Errorf("Move (-want +got):\n%s", diff)
	}
	if origin.MovedTo != "" {
		t.Error("BuildMove changed its argument")
	}
	if out.Actor.MovedTo != newID {
		t.Errorf("actor movedTo = %q", out.Actor.MovedTo)
	}
	var upd struct {
		Context         json.RawMessage `json:"@context"`
		ID, Type, Actor string
		To              []string
		Object          struct{ ID, MovedTo string }
	}
	if err := json.Unmarshal(out.Update, &upd); err != nil {
		t.Fatal(err)
	}
	if upd.Type != "Update" || upd.ID != oldID+"#updates/1748779200000" || upd.Actor != oldID || upd.Object.MovedTo != newID || len(upd.Context) == 0 {
		t.Errorf("Update = %s", out.Update)
	}
	again, _ := migrate.BuildMove(origin, newID, t0)
	if !slices.Equal(again.Move, out.Move) || !slices.Equal(again.Update, out.Update) {
		t.Error("BuildMove is not deterministic")
	}
	if len(out.Activities()) != 2 {
		t.Errorf("Activities() has %d, want Update and Move", len(out.Activities()))
	}
}

func TestRedirectAndUndo(t *testing.T) {
	t.Parallel()
	out, err := migrate.BuildRedirect(actor(oldID, "alice"), newID, t0)
	if err != nil || out.Move != nil || out.Actor.MovedTo != newID {
		t.Fatalf("BuildRedirect = %+v, %v", out, err)
	}
	undo, err := migrate.BuildUndoRedirect(out.Actor, t0)
	if err != nil || undo.Actor.MovedTo != "" {
		t.Fatalf("BuildUndoRedirect = %+v, %v", undo, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(undo.Update, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["object"].(map[string]any)["movedTo"]; ok {
		t.Errorf("undone redirect still has movedTo: %s", undo.Update)
	}
	if _, err := migrate.BuildUndoRedirect(undo.Actor, t0); !errors.Is(err, migrate.ErrNotRedirected) {
		t.Errorf("undoing twice = %v, want ErrNotRedirected", err)
	}
	if _, err := migrate.BuildRedirect(actor(oldID, "alice"), oldID, t0); !errors.Is(err, activitypub.MoveToSelf) {
		t.Errorf("redirect to self = %v", err)
	}
}

func TestAliases(t *testing.T) {
	t.Parallel()
	acct := actor(newID, "alice", "https://older.example/users/a")
	a, changed, err := migrate.AddAlias(acct, oldID)
	if err != nil || !changed {
		t.Fatalf("AddAlias = %v, %v", changed, err)
	}
	if diff := cmp.Diff([]string{"https://older.example/users/a", oldID}, a.AlsoKnownAs); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if len(acct.AlsoKnownAs) != 1 {
		t.Error("AddAlias changed its argument")
	}
	if _, changed, _ := migrate.AddAlias(a, oldID); changed {
		t.Error("adding an alias twice changed the account")
	}
	if _, _, err := migrate.AddAlias(a, newID); !errors.Is(err, activitypub.MoveToSelf) {
		t.Errorf("alias to self = %v", err)
	}
	full := actor(newID, "alice")
	for i := range migrate.MaxAliases {
		full.AlsoKnownAs = append(full.AlsoKnownAs, "https://x.example/users/"+string(rune('a'+i%26))+string(rune('0'+i/26)))
	}
	if _, _, err := migrate.AddAlias(full, oldID); !errors.Is(err, migrate.ErrTooManyAliases) {
		t.Errorf("alias %d = %v, want ErrTooManyAliases", migrate.MaxAliases+1, err)
	}
	r, changed := migrate.RemoveAlias(a, oldID)
	if !changed || r.HasAlias(oldID) || !a.HasAlias(oldID) {
		t.Errorf("RemoveAlias = %v, %v", r.AlsoKnownAs, changed)
	}
	if _, changed := migrate.RemoveAlias(r, oldID); changed {
		t.Error("removing a missing alias changed the account")
	}
}

func TestCopyProfile(t *testing.T) {
	t.Parallel()
	src := actor(oldID, "alice")
	src.Name, src.Summary = "Alice", "<p>bio</p>"
	src.Icon = &activitypub.Image{Type: "Image", MediaType: "image/png", URL: "https://old.example/a.png"}
	src.Image = &activitypub.Image{Type: "Image", MediaType: "image/png", URL: "https://old.example/h.png"}
	src.Attachment = []activitypub.Field{{Type: "PropertyValue", Name: "Site", Value: "x"}}
	tests := []struct {
		name        string
		parts       migrate.ProfileParts
		wantChanged []string
	}{
		{"name and bio only", 0, []string{"name", "summary"}},
		{"everything", migrate.ProfileAvatar | migrate.ProfileHeader | migrate.ProfileFields, []string{"name", "summary", "icon", "image", "attachment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := actor(newID, "alice2")
			dst.Attachment = []activitypub.Field{{Type: "IdentityProof", Name: "keep"}}
			got, changed := migrate.CopyProfile(dst, src, tt.parts)
			if diff := cmp.Diff(tt.wantChanged, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
			if got.Name != "Alice" || got.Summary != "<p>bio</p>" || dst.Name != "" {
				t.Errorf("copy = %q %q, dst %q", got.Name, got.Summary, dst.Name)
			}
			if tt.parts&migrate.ProfileFields != 0 && len(got.Attachment) != 2 {
				t.Errorf("attachments = %+v", got.Attachment)
			}
			if _, again := migrate.CopyProfile(got, src, tt.parts); again != nil {
				t.Errorf("second copy changed %v", again)
			}
		})
	}
}

func TestInboxesPreferSharedAndDedupe(t *testing.T) {
	t.Parallel()
	rs := []migrate.Recipient{
		{Inbox: "https://a.example/users/1/inbox", SharedInbox: "https://a.example/inbox"},
		{Inbox: "https://a.example/users/2/inbox", SharedInbox: "https://a.example/inbox"},
		{Inbox: "https://b.example/users/1/inbox"},
		{Inbox: "https://relay.example/inbox"},
		{Inbox: "https://b.example/users/1/inbox"},
	}
	got, err := migrate.Inboxes(func(yield func(migrate.Recipient, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://a.example/inbox", "https://b.example/users/1/inbox", "https://relay.example/inbox"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Inboxes (-want +got):\n%s", diff)
	}
}
