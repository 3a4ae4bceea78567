package migratetest_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/migrate"
	"github.com/fediport/fediport/migrate/migratetest"
)

func readCSV(t *testing.T, dir string, typ importer.Type) []importer.Row {
	t.Helper()
	f := must[*os.File](t)(os.Open(filepath.Join(dir, importer.FileName(typ))))
	defer f.Close()
	rows := must[[]importer.Row](t)(importer.NewReader(f, typ).ReadAll())
	for i := range rows {
		rows[i].Line = 0
	}
	return rows
}

// TestExportImportAdapters exports an account whose relationships went
// through the corner cases (a list member who blocked the account, a
// followed account since deleted, mutes with and without notifications, a
// boost), and imports the files on another server.
func TestExportImportAdapters(t *testing.T) {
	ctx := context.Background()
	s, other, dst := start(t), start(t), start(t)
	for _, u := range []string{"alice", "erin"} {
		must[*migratetest.Account](t)(s.CreateAccount(u, migratetest.Profile{}))
	}
	for _, u := range []string{"bob", "carol", "dave", "zed"} {
		must[*migratetest.Account](t)(other.CreateAccount(u, migratetest.Profile{}))
	}
	must[*migratetest.Account](t)(dst.CreateAccount("alice", migratetest.Profile{}))

	bobPost := must[*migratetest.Post](t)(other.Post(ctx, "bob", migratetest.PostOptions{Text: "boost me"}))
	boost := must[*migratetest.Post](t)(s.Boost("alice", bobPost.ID))
	must[migrate.FollowState](t)(s.FollowWith(ctx, "alice", other.Handle("bob"), migrate.FollowSettings{ShowBoosts: false, Notify: true, Languages: []string{"de"}}))
	must[migrate.FollowState](t)(s.Follow(ctx, "alice", other.Handle("carol")))
	must[migrate.FollowState](t)(s.Follow(ctx, "alice", "erin"))
	l := must[*migratetest.List](t)(s.CreateList("alice", "Friends"))
	for _, m := range []string{other.Handle("bob"), other.Handle("carol"), "erin"} {
		check(t, s.AddToList(ctx, "alice", l.ID, m))
	}
	// carol blocks alice: alice's follow of carol ends, and with it carol's
	// place in the list.
	check(t, other.Block(ctx, "carol", s.Handle("alice")))
	// erin's account is deleted; her address stays known.
	check(t, s.Delete("erin"))
	check(t, s.Mute(ctx, "alice", other.Handle("dave"), true))
	check(t, s.Mute(ctx, "alice", other.Handle("zed"), false))

	dir := t.TempDir()
	must[*export.Result](t)((&export.Exporter{LocalDomain: s.Host}).WriteDir(ctx, dir, s.Exporter("alice").Sources()))

	yes, no := true, false
	wantRows := map[importer.Type][]importer.Row{
		importer.Following: {
			{Account: s.Handle("erin"), ShowBoosts: &yes, Notify: &no},
			{Account: other.Handle("bob"), ShowBoosts: &no, Notify: &yes, Languages: []string{"de"}},
		},
		importer.Muting: {
			{Account: other.Handle("dave"), HideNotifications: &yes},
			{Account: other.Handle("zed"), HideNotifications: &no},
		},
		importer.Lists: {
			{List: "Friends", Account: s.Handle("erin")},
			{List: "Friends", Account: other.Handle("bob")},
		},
	}
	for typ, want := range wantRows {
		byAccount := cmpopts.SortSlices(func(a, b importer.Row) bool { return a.Account < b.Account })
		if diff := cmp.Diff(want, readCSV(t, dir, typ), byAccount); diff != "" {
			t.Errorf("%s (-want +got):\n%s", importer.FileName(typ), diff)
		}
	}

	r := must[*archive.Reader](t)(archive.Open(filepath.Join(dir, export.DefaultArchiveName)))
	defer r.Close()
	var got [][2]string
	for st, err := range r.Statuses() {
		check(t, err)
		got = append(got, [2]string{st.ActivityID, st.ID})
	}
	if diff := cmp.Diff([][2]string{{boost.ID, bobPost.ID}}, got); diff != "" {
		t.Errorf("boost [activity id, object] (-want +got):\n%s", diff)
	}

	// Import the mutes on another server: hide notifications carries over.
	imp := dst.Importer("alice")
	for _, typ := range []importer.Type{importer.Muting} {
		state := must[*importer.State](t)(imp.ReadState(ctx, typ))
		plan := must[*importer.Plan](t)((&importer.Planner{LocalDomain: dst.Host}).Plan(typ, importer.Merge, state, readCSV(t, dir, typ)))
		res := must[*importer.Result](t)((&importer.Engine{}).Apply(ctx, plan, importer.DestinationOf(imp)))
		if len(res.Failed) != 0 {
			t.Fatalf("%s: failed: %v", typ, res.Failed)
		}
	}
	type mute struct{ Muting, Hide bool }
	gotMutes := []mute{}
	for _, id := range []string{other.ActorID("dave"), other.ActorID("zed")} {
		rl := rel(t, dst, "alice", id)
		gotMutes = append(gotMutes, mute{rl.Muting, rl.MuteNotifications})
	}
	if diff := cmp.Diff([]mute{{true, true}, {true, false}}, gotMutes); diff != "" {
		t.Errorf("imported mutes (-want +got):\n%s", diff)
	}
}

// TestDeleteWhileServing reads a deleted account's actor while it is
// being deleted (run with -race).
func TestDeleteWhileServing(t *testing.T) {
	s := start(t)
	must[*migratetest.Account](t)(s.CreateAccount("erin", migratetest.Profile{}))
	var wg sync.WaitGroup
	started := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if g == 0 && i == 5 {
					close(started)
				}
				resp, err := isolatedClient.Get(s.ActorID("erin"))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	<-started
	check(t, s.Delete("erin"))
	wg.Wait()
	resp := must[*http.Response](t)(isolatedClient.Get(s.ActorID("erin")))
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("deleted actor: status %d, want 410", resp.StatusCode)
	}
}

// isolatedClient sends the tests' own requests over a transport of its
// own: httptest.Server.Close closes http.DefaultTransport's idle
// connections, which fails a request another parallel test is dialling
// with "http: CloseIdleConnections called".
var isolatedClient = &http.Client{Transport: &http.Transport{}}
