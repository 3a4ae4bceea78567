package migratetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/migrate/migratetest"
	"github.com/google/go-cmp/cmp"
)

// An import file applied through the engine reaches the account, and
// applying it again changes nothing.
func TestImportTarget(t *testing.T) {
	ctx := context.Background()
	s, other := start(t), start(t)
	must[*migratetest.Account](t)(s.CreateAccount("alice", migratetest.Profile{}))
	must[*migratetest.Account](t)(other.CreateAccount("bob", migratetest.Profile{}))
	must[*migratetest.Account](t)(other.CreateAccount("carol", migratetest.Profile{}))
	dst := s.Importer("alice")

	files := []struct {
		t    importer.Type
		data string
	}{
		{importer.Following, "Account address,Show boosts,Notify on new posts,Languages\n" +
			other.Handle("bob") + ",false,true,\"de, en\"\n" + other.Handle("carol") + ",true,false,\n"},
		{importer.Blocking, "spammer@" + other.Host + "\n"},
		{importer.Muting, "Account address,Hide notifications\n" + other.Handle("carol") + ",false\n"},
		{importer.DomainBlocking, "spam.example\n"},
		{importer.Lists, "Friends," + other.Handle("bob") + "\n"},
		{importer.Bookmarks, "https://remote.example/statuses/1\n"},
	}
	must[*migratetest.Account](t)(other.CreateAccount("spammer", migratetest.Profile{}))
	for round := 0; round < 2; round++ {
		for _, f := range files {
			rows, err := importer.NewReader(strings.NewReader(f.data), f.t).ReadAll()
			check(t, err)
			state := must[*importer.State](t)(dst.ReadState(ctx, f.t))
			plan := must[*importer.Plan](t)((&importer.Planner{LocalDomain: s.Host}).Plan(f.t, importer.Merge, state, rows))
			if round == 1 && len(plan.Actions) != 0 {
				t.Errorf("%s: re-applying a merge planned %v", f.t, plan.Actions)
			}
			res, err := (&importer.Engine{}).Apply(ctx, plan, importer.DestinationOf(dst))
			check(t, err)
			if len(res.Failed) != 0 {
				t.Fatalf("%s: failed: %v", f.t, res.Failed)
			}
		}
	}
	following := s.Following("alice")
	if len(following) != 2 {
		t.Fatalf("following: %+v", following)
	}
	bob := following[0]
	if bob.ID != other.ActorID("bob") {
		bob = following[1]
	}
	if diff := cmp.Diff([]string{"de", "en"}, bob.Settings.Languages); diff != "" || bob.Settings.ShowBoosts || !bob.Settings.Notify {
		t.Errorf("bob's follow settings: %+v %s", bob.Settings, diff)
	}
	got := [][]string{s.Blocks("alice"), s.Mutes("alice"), s.DomainBlocks("alice"), s.Bookmarks("alice")}
	want := [][]string{{other.ActorID("spammer")}, {other.ActorID("carol")}, {"spam.example"}, {"https://remote.example/statuses/1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	lists := s.Lists("alice")
	if len(lists) != 1 || lists[0].Title != "Friends" || len(lists[0].Members) != 1 || lists[0].Members[0] != other.ActorID("bob") {
		t.Errorf("lists: %+v", lists)
	}
}
