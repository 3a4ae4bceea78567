package importer

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDependencies(t *testing.T) {
	t.Parallel()
	follow := func(a string) Action { return Action{Kind: ActionFollow, Account: a} }
	add := func(l, a string) Action {
		return Action{Kind: ActionAddToList, List: l, Account: a}
	}
	create := func(l string) Action { return Action{Kind: ActionCreateList, List: l} }
	tests := []struct {
		name    string
		actions []Action
		want    [][]int
	}{
		{"independent follows run together",
			[]Action{follow("a@x"), follow("b@x"), follow("c@y")},
			[][]int{nil, nil, nil}},
		{"same account in order, case-insensitively",
			[]Action{follow("a@x"), {Kind: ActionUnfollow, Account: "A@X"}, {Kind: ActionBlock, Account: "a@x"}},
			[][]int{nil, {0}, {1}}},
		{"member after its list and its follow",
			[]Action{create("L"), follow("a@x"), add("L", "a@x"), add("L", "b@x")},
			[][]int{nil, nil, {0, 1}, {0}}},
		{"members of one list are added together",
			[]Action{create("L"), add("L", "a@x"), add("L", "b@x"), add("M", "a@x")},
			[][]int{nil, {0}, {0}, nil}},
		{"deleting a list waits for its members",
			[]Action{add("L", "a@x"), {Kind: ActionRemoveFromList, List: "L", Account: "b@x"}, {Kind: ActionDeleteList, List: "L"}},
			[][]int{nil, nil, {0, 1}}},
		{"same membership in order",
			[]Action{{Kind: ActionRemoveFromList, List: "L", Account: "a@x"}, add("L", "a@x")},
			[][]int{nil, {0}}},
		{"unfollow waits for adds reading the account",
			[]Action{add("L", "a@x"), {Kind: ActionUnfollow, Account: "a@x"}},
			[][]int{nil, {0}}},
		{"same account in punycode and Unicode",
			[]Action{create("L"), follow("nare@xn--69aa8bzb.xn--y9a3aq"), add("M", "@Nare@թութ.հայ"), add("L", "nare@XN--69AA8BZB.xn--y9a3aq")},
			[][]int{nil, nil, {1}, {0, 1}}},
		{"a bare name waits for addresses with its user name, and they for it",
			[]Action{follow("alice@local.example"), add("L", "alice"), follow("alice"), add("M", "alice@other.example"), follow("alice@other.example")},
			[][]int{nil, {0}, {1}, {2}, {2, 3}}},
		{"domain unblock before block of the same domain",
			[]Action{{Kind: ActionUnblockDomain, Domain: "a.example"}, {Kind: ActionUnblockDomain, Domain: "b.example"}, {Kind: ActionBlockDomain, Domain: "A.example"}},
			[][]int{nil, nil, {0}}},
		{"bookmarks by URI",
			[]Action{{Kind: ActionUnbookmark, URI: "u1"}, {Kind: ActionBookmark, URI: "u2"}, {Kind: ActionBookmark, URI: "u1"}},
			[][]int{nil, nil, {0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dependencies(tt.actions)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Dependencies (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkDependencies computes the dependencies of a 10,000-action
// lists plan: 50 lists of 100 members, each member followed first.
func BenchmarkDependencies(b *testing.B) {
	var actions []Action
	followed := map[string]bool{}
	for l := range 50 {
		title := fmt.Sprintf("List %d", l)
		actions = append(actions, Action{Kind: ActionCreateList, List: title})
		for m := range 100 {
			acct := fmt.Sprintf("u%d@h%d.example", (l*7+m)%200, m%5)
			if !followed[acct] {
				followed[acct] = true
				actions = append(actions, Action{Kind: ActionFollow, Account: acct})
			}
			actions = append(actions, Action{Kind: ActionAddToList, List: title, Account: acct})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		dependencies(actions)
	}
}
