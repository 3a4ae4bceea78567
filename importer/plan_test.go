package importer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

const testLocal = "local.example"

// applyPlan applies a plan to a copy of a state as a server would, the
// tiny in-test destination of the convergence tests. It checks the
// plan's order: a list exists before members are added, and members are
// followed first.
func applyPlan(t *testing.T, s importer.State, p *importer.Plan) importer.State {
	t.Helper()
	key := func(a string) string { return importer.AccountKey(a, testLocal) }
	// Copy what is changed in place.
	s.Following = slices.Clone(s.Following)
	s.Muting = slices.Clone(s.Muting)
	lists := make([]importer.List, len(s.Lists))
	for i, l := range s.Lists {
		lists[i] = importer.List{Title: l.Title, Members: slices.Clone(l.Members)}
	}
	s.Lists = lists
	removeStr := func(list []string, k func(string) string, v string) []string {
		return slices.DeleteFunc(list, func(x string) bool { return k(x) == k(v) })
	}
	for _, a := range p.Actions {
		switch a.Kind {
		case importer.ActionFollow:
			i := slices.IndexFunc(s.Following, func(r importer.Row) bool { return key(r.Account) == key(a.Account) })
			if i < 0 {
				yes, no := true, false
				s.Following = append(s.Following, importer.Row{Account: a.Account, ShowBoosts: &yes, Notify: &no})
				i = len(s.Following) - 1
			}
			f := &s.Following[i]
			if a.Follow.ShowBoosts != nil {
				f.ShowBoosts = a.Follow.ShowBoosts
			}
			if a.Follow.Notify != nil {
				f.Notify = a.Follow.Notify
			}
			if a.Follow.Languages != nil {
				f.Languages = a.Follow.Languages
			}
		case importer.ActionUnfollow:
			s.Following = slices.DeleteFunc(s.Following, func(r importer.Row) bool { return key(r.Account) == key(a.Account) })
		case importer.ActionMute:
			i := slices.IndexFunc(s.Muting, func(r importer.Row) bool { return key(r.Account) == key(a.Account) })
			hide := true
			if a.HideNotifications != nil {
				hide = *a.HideNotifications
			}
			if i < 0 {
				s.Muting = append(s.Muting, importer.Row{Account: a.Account, HideNotifications: &hide})
			} else if a.HideNotifications != nil {
				s.Muting[i].HideNotifications = &hide
			}
		case importer.ActionUnmute:
			s.Muting = slices.DeleteFunc(s.Muting, func(r importer.Row) bool { return key(r.Account) == key(a.Account) })
		case importer.ActionBlock:
			s.Blocking = append(removeStr(s.Blocking, key, a.Account), a.Account)
		case importer.ActionUnblock:
			s.Blocking = removeStr(s.Blocking, key, a.Account)
		case importer.ActionBlockDomain:
			s.DomainBlocking = append(removeStr(s.DomainBlocking, importer.DomainKey, a.Domain), a.Domain)
		case importer.ActionUnblockDomain:
			s.DomainBlocking = removeStr(s.DomainBlocking, importer.DomainKey, a.Domain)
		case importer.ActionBookmark:
			s.Bookmarks = append(removeStr(s.Bookmarks, strings.TrimSpace, a.URI), a.URI)
		case importer.ActionUnbookmark:
			s.Bookmarks = removeStr(s.Bookmarks, strings.TrimSpace, a.URI)
		case importer.ActionCreateList:
			s.Lists = append(s.Lists, importer.List{Title: a.List})
		case importer.ActionDeleteList:
			s.Lists = slices.DeleteFunc(s.Lists, func(l importer.List) bool { return l.Title == a.List })
		case importer.ActionAddToList, importer.ActionRemoveFromList:
			i := slices.IndexFunc(s.Lists, func(l importer.List) bool { return l.Title == a.List })
			if i < 0 {
				t.Fatalf("%s before the list exists", a.Key())
			}
			if a.Kind == importer.ActionRemoveFromList {
				for j := range s.Lists {
					if s.Lists[j].Title == a.List {
						s.Lists[j].Members = removeStr(s.Lists[j].Members, key, a.Account)
					}
				}
				continue
			}
			if !slices.ContainsFunc(s.Following, func(r importer.Row) bool { return key(r.Account) == key(a.Account) }) {
				t.Fatalf("%s before following the account", a.Key())
			}
			s.Lists[i].Members = append(removeStr(s.Lists[i].Members, key, a.Account), a.Account)
		default:
			t.Fatalf("unexpected action %v", a.Kind)
		}
	}
	return s
}

// keys renders a plan compactly for comparison.
func keys(p *importer.Plan) []string {
	var out []string
	for _, a := range p.Actions {
		s := a.Key()
		if a.Kind == importer.ActionFollow {
			s += " " + followString(a.Follow)
		}
		if a.Kind == importer.ActionMute && a.HideNotifications != nil {
			s += fmt.Sprintf(" hide=%v", *a.HideNotifications)
		}
		out = append(out, s)
	}
	return out
}

func followString(o importer.FollowOptions) string {
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	l := "-"
	if o.Languages != nil {
		l = strings.Join(o.Languages, "|")
	}
	return "boosts=" + b(o.ShowBoosts) + " notify=" + b(o.Notify) + " langs=" + l
}

func TestPlannerPlan(t *testing.T) {
	t.Parallel()
	state := &importer.State{
		Following: []importer.Row{
			{Account: "bob@remote.example", ShowBoosts: bp(true), Notify: bp(false)},
			{Account: "alice", ShowBoosts: bp(true), Notify: bp(false)},
			{Account: "eve@Other.Example", ShowBoosts: bp(false), Notify: bp(false), Languages: []string{"en", "de"}},
			{Account: "zed@gone.example", ShowBoosts: bp(true), Notify: bp(false)},
		},
		Muting:         []importer.Row{{Account: "troll@remote.example", HideNotifications: bp(true)}, {Account: "noisy@remote.example", HideNotifications: bp(false)}},
		Blocking:       []string{"spam@remote.example", "old@remote.example"},
		DomainBlocking: []string{"spam.example", "xn--69aa8bzb.xn--y9a3aq"},
		Bookmarks:      []string{"https://remote.example/s/1", "https://remote.example/s/2"},
		Lists: []importer.List{
			{Title: "Friends", Members: []string{"bob@remote.example", "zed@gone.example"}},
			{Title: "Old", Members: []string{"alice"}},
		},
	}
	tests := []struct {
		name string
		typ  importer.Type
		mode importer.Mode
		rows []importer.Row
		want []string
	}{
		{
			name: "follows merge: local suffix stripped, domain case and languages order ignored, empty settings left alone",
			typ:  importer.Following, mode: importer.Merge,
			rows: []importer.Row{
				{Line: 2, Account: "alice@local.example", ShowBoosts: bp(true)},
				{Line: 3, Account: "@eve@other.example", Languages: []string{"de", "EN"}},
				{Line: 4, Account: "bob@remote.example", Notify: bp(true)},
				{Line: 5, Account: "new@remote.example"},
			},
			want: []string{
				`follow "" "bob@remote.example" "" "" boosts=- notify=true langs=-`,
				`follow "" "new@remote.example" "" "" boosts=- notify=- langs=-`,
			},
		},
		{
			name: "follows overwrite: unfollow what the file lacks, first",
			typ:  importer.Following, mode: importer.Overwrite,
			rows: []importer.Row{{Line: 2, Account: "alice@local.example"}, {Line: 3, Account: "new@remote.example", ShowBoosts: bp(false)}},
			want: []string{
				`unfollow "" "bob@remote.example" "" ""`,
				`unfollow "" "eve@Other.Example" "" ""`,
				`unfollow "" "zed@gone.example" "" ""`,
				`follow "" "new@remote.example" "" "" boosts=false notify=- langs=-`,
			},
		},
		{
			name: "follows: the last row of a repeated account counts",
			typ:  importer.Following, mode: importer.Merge,
			rows: []importer.Row{{Line: 1, Account: "new@remote.example", Notify: bp(true)}, {Line: 2, Account: "x@y.example"}, {Line: 3, Account: "NEW@remote.example", Notify: bp(false)}},
			want: []string{
				`follow "" "NEW@remote.example" "" "" boosts=- notify=false langs=-`,
				`follow "" "x@y.example" "" "" boosts=- notify=- langs=-`,
			},
		},
		{
			name: "mutes merge: change hide notifications, add new with default",
			typ:  importer.Muting, mode: importer.Merge,
			rows: []importer.Row{{Account: "troll@remote.example"}, {Account: "noisy@remote.example", HideNotifications: bp(true)}, {Account: "new@remote.example"}},
			want: []string{
				`mute "" "noisy@remote.example" "" "" hide=true`,
				`mute "" "new@remote.example" "" ""`,
			},
		},
		{
			name: "mutes overwrite",
			typ:  importer.Muting, mode: importer.Overwrite,
			rows: []importer.Row{{Account: "troll@remote.example", HideNotifications: bp(true)}},
			want: []string{`unmute "" "noisy@remote.example" "" ""`},
		},
		{
			name: "blocks overwrite",
			typ:  importer.Blocking, mode: importer.Overwrite,
			rows: []importer.Row{{Account: "spam@remote.example"}, {Account: "new@remote.example"}},
			want: []string{`unblock "" "old@remote.example" "" ""`, `block "" "new@remote.example" "" ""`},
		},
		{
			name: "domain blocks overwrite, IDN compared as punycode",
			typ:  importer.DomainBlocking, mode: importer.Overwrite,
			rows: []importer.Row{{Domain: "ԹՈՒԹ.հայ"}, {Domain: "new.example"}},
			want: []string{`unblock-domain "" "" "spam.example" ""`, `block-domain "" "" "new.example" ""`},
		},
		{
			name: "bookmarks merge",
			typ:  importer.Bookmarks, mode: importer.Merge,
			rows: []importer.Row{{URI: "https://remote.example/s/2"}, {URI: "https://remote.example/s/3"}},
			want: []string{`bookmark "" "" "" "https://remote.example/s/3"`},
		},
		{
			name: "bookmarks overwrite",
			typ:  importer.Bookmarks, mode: importer.Overwrite,
			rows: []importer.Row{{URI: "https://remote.example/s/2"}},
			want: []string{`unbookmark "" "" "" "https://remote.example/s/1"`},
		},
		{
			name: "lists merge: create, follow before adding, skip members",
			typ:  importer.Lists, mode: importer.Merge,
			rows: []importer.Row{
				{Line: 1, List: "Friends", Account: "bob@remote.example"},
				{Line: 2, List: "Friends", Account: "alice@local.example"},
				{Line: 3, List: "Work", Account: "new@remote.example"},
				{Line: 4, List: "Work", Account: "bob@remote.example"},
			},
			want: []string{
				`create-list "Work" "" "" ""`,
				`add-to-list "Friends" "alice@local.example" "" ""`,
				`follow "" "new@remote.example" "" "" boosts=- notify=- langs=-`,
				`add-to-list "Work" "new@remote.example" "" ""`,
				`add-to-list "Work" "bob@remote.example" "" ""`,
			},
		},
		{
			name: "lists overwrite: delete unnamed lists, remove members not listed",
			typ:  importer.Lists, mode: importer.Overwrite,
			rows: []importer.Row{{Line: 1, List: "Friends", Account: "bob@remote.example"}},
			want: []string{
				`delete-list "Old" "" "" ""`,
				`remove-from-list "Friends" "zed@gone.example" "" ""`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := (&importer.Planner{LocalDomain: testLocal}).Plan(tt.typ, tt.mode, state, tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != tt.typ || p.Mode != tt.mode {
				t.Errorf("plan is %s/%s", p.Type, p.Mode)
			}
			if diff := cmp.Diff(tt.want, keys(p)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanConverges applies plans to a state and plans again: the second
// plan must be empty, for every type and mode, and an overwrite must
// leave exactly what the file holds.
func TestPlanConverges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	acct := func() string {
		domains := []string{"remote.example", "Other.Example", "թութ.հայ", "localhost:8080", testLocal, ""}
		d := domains[rng.IntN(len(domains))]
		u := fmt.Sprintf("u%d", rng.IntN(40))
		if d == "" {
			return u
		}
		return u + "@" + d
	}
	optBool := func() *bool {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return bp(true)
		}
		return bp(false)
	}
	for round := range 30 {
		state := importer.State{}
		for range rng.IntN(30) {
			state.Following = append(state.Following, importer.Row{Account: acct(), ShowBoosts: bp(rng.IntN(2) == 0), Notify: bp(rng.IntN(2) == 0)})
			state.Muting = append(state.Muting, importer.Row{Account: acct(), HideNotifications: bp(rng.IntN(2) == 0)})
			state.Blocking = append(state.Blocking, acct())
			state.DomainBlocking = append(state.DomainBlocking, fmt.Sprintf("d%d.example", rng.IntN(40)))
			state.Bookmarks = append(state.Bookmarks, fmt.Sprintf("https://x.example/s/%d", rng.IntN(40)))
		}
		for l := range rng.IntN(4) {
			list := importer.List{Title: fmt.Sprintf("L%d", l)}
			for range rng.IntN(5) {
				a := acct()
				state.Following = append(state.Following, importer.Row{Account: a})
				list.Members = append(list.Members, a)
			}
			state.Lists = append(state.Lists, list)
		}
		var rows []importer.Row
		for i := range rng.IntN(40) {
			var langs []string
			if rng.IntN(3) == 0 {
				langs = []string{"de", "en"}[:1+rng.IntN(2)]
			}
			rows = append(rows, importer.Row{
				Line: i + 1, Account: acct(), ShowBoosts: optBool(), Notify: optBool(), Languages: langs,
				HideNotifications: optBool(),
				Domain:            fmt.Sprintf("D%d.example", rng.IntN(40)),
				URI:               fmt.Sprintf("https://x.example/s/%d", rng.IntN(40)),
				List:              fmt.Sprintf("L%d", rng.IntN(5)),
			})
		}
		for _, typ := range []importer.Type{importer.Following, importer.Muting, importer.Blocking, importer.DomainBlocking, importer.Bookmarks, importer.Lists} {
			for _, mode := range []importer.Mode{importer.Merge, importer.Overwrite} {
				name := fmt.Sprintf("round %d %s %s", round, typ, mode)
				opts := importer.Planner{LocalDomain: testLocal}
				p, err := opts.Plan(typ, mode, &state, rows)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				after := applyPlan(t, state, p)
				again, err := opts.Plan(typ, mode, &after, rows)
				if err != nil {
					t.Fatalf("%s: replan: %v", name, err)
				}
				if len(again.Actions) != 0 {
					t.Errorf("%s: second plan not empty: %v", name, keys(again))
				}
				if mode == importer.Overwrite && typ == importer.Blocking {
					want := map[string]bool{}
					for _, r := range rows {
						want[importer.AccountKey(r.Account, testLocal)] = true
					}
					got := map[string]bool{}
					for _, b := range after.Blocking {
						got[importer.AccountKey(b, testLocal)] = true
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s: blocks after overwrite (-want +got):\n%s", name, diff)
					}
				}
			}
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	t.Parallel()
	state := importer.State{Blocking: []string{"a@x.example", "c@x.example", "b@x.example", "d@x.example"}}
	rows := []importer.Row{{Account: "z@x.example"}, {Account: "y@x.example"}}
	first, err := (&importer.Planner{}).Plan(importer.Blocking, importer.Overwrite, &state, rows)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(state.Blocking)
	second, err := (&importer.Planner{}).Plan(importer.Blocking, importer.Overwrite, &state, rows)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("plans differ with the state's order (-first +second):\n%s", diff)
	}
}

func TestPlanRefusals(t *testing.T) {
	t.Parallel()
	many := func(n int) []importer.Row {
		rows := make([]importer.Row, n)
		for i := range rows {
			rows[i] = importer.Row{Account: fmt.Sprintf("u%d@remote.example", i)}
		}
		return rows
	}
	following := func(n int) *importer.State {
		s := &importer.State{}
		for i := range n {
			s.Following = append(s.Following, importer.Row{Account: fmt.Sprintf("old%d@remote.example", i)})
		}
		return s
	}
	lists := func(n int) *importer.State {
		s := &importer.State{}
		for i := range n {
			s.Lists = append(s.Lists, importer.List{Title: fmt.Sprint(i)})
		}
		return s
	}
	tests := []struct {
		name    string
		typ     importer.Type
		mode    importer.Mode
		state   *importer.State
		rows    []importer.Row
		opts    importer.Planner
		wantErr error
		limit   int
	}{
		{name: "followers", typ: importer.Followers, rows: many(1), wantErr: importer.ErrFollowersImport},
		{name: "unknown type", typ: "contacts", wantErr: importer.ErrUnknownType},
		{name: "merge counts current follows", typ: importer.Following, state: following(7000), rows: many(501), wantErr: importer.ErrFollowLimit, limit: 7500},
		{name: "merge at the limit", typ: importer.Following, state: following(7000), rows: many(500)},
		{name: "already followed rows are not counted", typ: importer.Following, state: following(7500), rows: []importer.Row{{Account: "old1@remote.example"}}},
		{name: "overwrite counts the file only", typ: importer.Following, mode: importer.Overwrite, state: following(7000), rows: many(7500)},
		{name: "overwrite over the limit", typ: importer.Following, mode: importer.Overwrite, rows: many(7501), wantErr: importer.ErrFollowLimit, limit: 7500},
		{name: "1.1 x followers", typ: importer.Following, state: &importer.State{FollowersCount: 10000}, rows: many(11001), wantErr: importer.ErrFollowLimit, limit: 11000},
		{name: "1.1 x followers, within", typ: importer.Following, state: &importer.State{FollowersCount: 10000}, rows: many(11000)},
		{name: "explicit limit", typ: importer.Following, rows: many(11), opts: importer.Planner{FollowLimit: 10}, wantErr: importer.ErrFollowLimit, limit: 10},
		{name: "no limit", typ: importer.Following, rows: many(8000), opts: importer.Planner{FollowLimit: -1}},
		{name: "list members count as follows", typ: importer.Lists, state: following(7500), rows: []importer.Row{{List: "L", Account: "new@remote.example"}}, wantErr: importer.ErrFollowLimit, limit: 7500},
		{name: "too many lists", typ: importer.Lists, state: lists(50), rows: []importer.Row{{List: "new", Account: "a@x.example"}}, wantErr: importer.ErrTooManyLists},
		{name: "overwrite frees list slots", typ: importer.Lists, mode: importer.Overwrite, state: lists(50), rows: []importer.Row{{List: "new", Account: "a@x.example"}}},
		{name: "row without subject", typ: importer.Blocking, rows: []importer.Row{{Line: 3}}, wantErr: importer.ErrInvalidRow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.opts.Plan(tt.typ, tt.mode, tt.state, tt.rows)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var le *importer.FollowLimitError
			if tt.limit != 0 && (!errors.As(err, &le) || le.Limit != tt.limit) {
				t.Errorf("err = %v, want limit %d", err, tt.limit)
			}
		})
	}
}

func TestAccountKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, local, want string }{
		{"bob@remote.example", "", "bob@remote.example"},
		{" @Bob@Remote.Example ", "", "bob@remote.example"},
		{"bob@local.example", "local.example", "bob"},
		{"bob@LOCAL.example", "local.example", "bob"},
		{"bob", "local.example", "bob"},
		{"nare@թութ.հայ", "", "nare@xn--69aa8bzb.xn--y9a3aq"},
		{"nare@xn--69aa8bzb.xn--y9a3aq", "", "nare@xn--69aa8bzb.xn--y9a3aq"},
		{"user@LocalHost:8080", "localhost:8080", "user"},
		{"user@localhost:8080", "localhost", "user@localhost:8080"},
	}
	for _, tt := range tests {
		if got := importer.AccountKey(tt.in, tt.local); got != tt.want {
			t.Errorf("AccountKey(%q, %q) = %q, want %q", tt.in, tt.local, got, tt.want)
		}
	}
	if got := importer.DomainKey(" Թութ.ՀԱՅ. "); got != "xn--69aa8bzb.xn--y9a3aq" {
		t.Errorf("DomainKey = %q", got)
	}
}

// TestPlanListsDuplicateTitles: an account may have two lists with one
// title; the plan treats them as one list with the members of both.
func TestPlanListsDuplicateTitles(t *testing.T) {
	t.Parallel()
	state := &importer.State{
		Following: []importer.Row{{Account: "a@x.example"}, {Account: "b@x.example"}, {Account: "c@x.example"}},
		Lists: []importer.List{
			{Title: "L", Members: []string{"a@x.example", "b@x.example"}},
			{Title: "L", Members: []string{"c@x.example"}},
		},
	}
	tests := []struct {
		name string
		mode importer.Mode
		rows []importer.Row
		want []string
	}{
		{"merge: a member of the second list is a member",
			importer.Merge,
			[]importer.Row{{Line: 1, List: "L", Account: "c@x.example"}, {Line: 2, List: "L", Account: "a@x.example"}},
			nil},
		{"overwrite: members the file lacks are removed from either list",
			importer.Overwrite,
			[]importer.Row{{Line: 1, List: "L", Account: "b@x.example"}},
			[]string{`remove-from-list "L" "a@x.example" "" ""`, `remove-from-list "L" "c@x.example" "" ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := (&importer.Planner{}).Plan(importer.Lists, tt.mode, state, tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, keys(p)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanSelf: rows naming the importing account are skipped with a
// reason instead of becoming actions the server refuses; in a lists
// import the account joins its own list without following itself.
func TestPlanSelf(t *testing.T) {
	t.Parallel()
	state := &importer.State{Lists: []importer.List{{Title: "L"}}}
	tests := []struct {
		name    string
		typ     importer.Type
		mode    importer.Mode
		self    string
		rows    []importer.Row
		want    []string
		skipped []importer.SkippedRow
	}{
		{"follows, self by bare name", importer.Following, importer.Overwrite, "me",
			[]importer.Row{{Line: 1, Account: "@Me@local.example"}, {Line: 2, Account: "bob@remote.example"}},
			[]string{`follow "" "bob@remote.example" "" "" boosts=- notify=- langs=-`},
			[]importer.SkippedRow{{Line: 1, Account: "@Me@local.example", Detail: "the account cannot follow itself"}}},
		{"blocks", importer.Blocking, importer.Merge, "me@local.example",
			[]importer.Row{{Line: 1, Account: "me"}},
			nil,
			[]importer.SkippedRow{{Line: 1, Account: "me", Detail: "the account cannot block itself"}}},
		{"mutes", importer.Muting, importer.Merge, "me@local.example",
			[]importer.Row{{Line: 3, Account: "ME@LOCAL.EXAMPLE"}},
			nil,
			[]importer.SkippedRow{{Line: 3, Account: "ME@LOCAL.EXAMPLE", Detail: "the account cannot mute itself"}}},
		{"lists: added to its own list, not followed", importer.Lists, importer.Merge, "me@local.example",
			[]importer.Row{{Line: 1, List: "L", Account: "me@local.example"}, {Line: 2, List: "L", Account: "bob@remote.example"}},
			[]string{
				`add-to-list "L" "me@local.example" "" ""`,
				`follow "" "bob@remote.example" "" "" boosts=- notify=- langs=-`,
				`add-to-list "L" "bob@remote.example" "" ""`,
			},
			nil},
		{"without Self the row is an action", importer.Blocking, importer.Merge, "",
			[]importer.Row{{Line: 1, Account: "me"}},
			[]string{`block "" "me" "" ""`},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := (&importer.Planner{LocalDomain: testLocal, Self: tt.self}).Plan(tt.typ, tt.mode, state, tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, keys(p)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.skipped, p.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}
