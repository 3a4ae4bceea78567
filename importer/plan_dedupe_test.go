package importer_test

import (
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

// TestPlanRepeatedSubjects pins how repeats are planned, in the current
// state and in the file, for each kind of set: one removal per key, with
// the first entry's address, sorted by key; the file's last row of a key
// in the place of its first.
func TestPlanRepeatedSubjects(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	tests := []struct {
		name  string
		typ   importer.Type
		state importer.State
		rows  []importer.Row
		want  []importer.Action
	}{
		{
			name: "follows",
			typ:  importer.Following,
			state: importer.State{Following: []importer.Row{
				{Account: "Zed@Y.example"}, {Account: "bob@x.example"}, {Account: "zed@y.example"}, {Account: "Ann@y.example"},
			}},
			rows: []importer.Row{
				{Line: 1, Account: "new@z.example", ShowBoosts: &yes},
				{Line: 2, Account: "bob@x.example"},
				{Line: 3, Account: "NEW@z.example", ShowBoosts: &no},
			},
			want: []importer.Action{
				{Kind: importer.ActionUnfollow, Account: "Ann@y.example"},
				{Kind: importer.ActionUnfollow, Account: "Zed@Y.example"},
				{Kind: importer.ActionFollow, Account: "NEW@z.example", Follow: importer.FollowOptions{ShowBoosts: &no}, Line: 3},
			},
		},
		{
			name: "mutes",
			typ:  importer.Muting,
			state: importer.State{Muting: []importer.Row{
				{Account: "eve@x.example", HideNotifications: &yes}, {Account: "EVE@x.example"}, {Account: "kim@x.example"},
			}},
			rows: []importer.Row{
				{Line: 1, Account: "kim@x.example", HideNotifications: &yes},
				{Line: 2, Account: "kim@x.example", HideNotifications: &no},
			},
			want: []importer.Action{
				{Kind: importer.ActionUnmute, Account: "eve@x.example"},
				{Kind: importer.ActionMute, Account: "kim@x.example", HideNotifications: &no, Line: 2},
			},
		},
		{
			name:  "domain blocks",
			typ:   importer.DomainBlocking,
			state: importer.State{DomainBlocking: []string{"b.example", "A.example", "a.example", "keep.example"}},
			rows: []importer.Row{
				{Line: 1, Domain: "new.example"}, {Line: 2, Domain: "keep.example"}, {Line: 3, Domain: "NEW.example"},
			},
			want: []importer.Action{
				{Kind: importer.ActionUnblockDomain, Domain: "A.example"},
				{Kind: importer.ActionUnblockDomain, Domain: "b.example"},
				{Kind: importer.ActionBlockDomain, Domain: "NEW.example", Line: 3},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := (&importer.Planner{LocalDomain: testLocal}).Plan(tt.typ, importer.Overwrite, &tt.state, tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Actions); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}
