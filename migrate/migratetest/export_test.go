package migratetest_test

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

// What a reference instance exports reads back through package archive
// and the importer with the same data.
func TestExportSourceRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, other := start(t), start(t)
	must[*migratetest.Account](t)(s.CreateAccount("alice", migratetest.Profile{Name: "Alice"}))
	must[*migratetest.Account](t)(other.CreateAccount("bob", migratetest.Profile{}))
	img := []byte("not really a png")
	p := must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{Text: "hi", Summary: "cw", Media: []migratetest.MediaUpload{{MediaType: "image/png", Description: "alt", Data: img}}}))
	must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{Text: "dm", Visibility: migratetest.Direct, Mentions: []string{other.Handle("bob")}}))
	must[*migratetest.Post](t)(s.Post(ctx, "alice", migratetest.PostOptions{Text: "poll", Poll: &migratetest.Poll{Options: []string{"a", "b"}, Votes: []int{2, 5}}}))
	must[migrate.FollowState](t)(s.FollowWith(ctx, "alice", other.Handle("bob"), migrate.FollowSettings{ShowBoosts: false, Notify: true, Languages: []string{"fr"}}))
	check(t, s.Bookmark("alice", p.ID))

	dir := t.TempDir()
	res := must[*export.Result](t)((&export.Exporter{LocalDomain: s.Host}).WriteDir(ctx, dir, s.Exporter("alice").Sources()))
	if res.Statuses != 2 || res.DirectSkipped != 1 || res.Media != 1 {
		t.Errorf("result: %+v", res)
	}

	r := must[*archive.Reader](t)(archive.Open(filepath.Join(dir, export.DefaultArchiveName)))
	defer r.Close()
	a := must[*activitypub.Actor](t)(r.Actor())
	if a.ID != s.ActorID("alice") || a.Name != "Alice" {
		t.Errorf("actor: %s %q", a.ID, a.Name)
	}
	var got []*archive.Status
	for st, err := range r.Statuses() {
		check(t, err)
		got = append(got, st)
	}
	if len(got) != 2 || got[0].ID != p.ID || got[0].Summary != "cw" || got[1].Poll == nil || got[1].Poll.Options[1].Votes != 5 {
		t.Fatalf("statuses: %+v", got)
	}
	f := must[fs.File](t)(r.OpenMedia(&got[0].Attachments[0]))
	data := must[[]byte](t)(io.ReadAll(f))
	f.Close()
	if diff := cmp.Diff(img, data); diff != "" {
		t.Errorf("media (-want +got):\n%s", diff)
	}

	csv := must[*os.File](t)(os.Open(filepath.Join(dir, importer.FileName(importer.Following))))
	defer csv.Close()
	rows := must[[]importer.Row](t)(importer.NewReader(csv, importer.Following).ReadAll())
	if len(rows) != 1 || rows[0].Account != other.Handle("bob") || *rows[0].ShowBoosts || !*rows[0].Notify || rows[0].Languages[0] != "fr" {
		t.Errorf("follows: %+v", rows)
	}
}
