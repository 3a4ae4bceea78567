package importer

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Default limits of a plan, as Mastodon has them.
const (
	// DefaultFollowLimit is the most accounts an account may follow
	// unless it has many followers: 7,500.
	DefaultFollowLimit = 7500
	// FollowLimitRatio lets an account with many followers follow up to
	// 1.1 times its followers count, if that is more than
	// DefaultFollowLimit.
	FollowLimitRatio = 1.1
	// DefaultMaxLists is the most lists an account may have: 50.
	DefaultMaxLists = 50
)

// Planner computes plans ([Planner.Plan]). Its fields are its
// configuration; the zero value applies Mastodon's limits.
type Planner struct {
	// LocalDomain is the domain of the server the plan is for. Addresses
	// on it compare equal to bare user names, which is how servers
	// report local accounts.
	LocalDomain string
	// FollowLimit is the most accounts the account may follow once the
	// plan is applied. 0 means Mastodon's rule: 7,500, or 1.1 x
	// State.FollowersCount if that is more. Negative means no limit.
	//
	// The plan counts the distinct accounts the account would follow
	// after it: in [Merge] mode its current follows plus the accounts of
	// the file (or, for lists, the members) it does not follow yet; in
	// [Overwrite] mode the file's distinct accounts. Mastodon's import
	// form counts more crudely, every data row plus, in merge mode, the
	// current follows, so it refuses to merge again a large file it has
	// already applied; counting the real outcome keeps "a merge applied
	// twice converges" true and refuses exactly the imports that would
	// reach the limit. A plan that adds no follow is never refused.
	FollowLimit int
	// MaxLists is the most lists the account may have once a lists plan
	// is applied ([DefaultMaxLists] when 0; no limit when negative).
	MaxLists int
	// Self is the importing account's own address (user@domain, or a
	// bare name on LocalDomain), compared by [AccountKey]. If set, a
	// follows, blocks or mutes row naming it is left out of the plan and
	// reported in [Plan.Skipped] (servers refuse an account following,
	// blocking or muting itself), and a lists row naming it adds it to
	// the list without following it, as Mastodon's import does. Empty
	// means unknown: such rows become actions, which the server refuses.
	Self string
}

// followLimit returns the follow limit for a state.
func (o *Planner) followLimit(s *State) int {
	if o.FollowLimit != 0 {
		return o.FollowLimit
	}
	return max(DefaultFollowLimit, int(math.Round(float64(s.FollowersCount)*FollowLimitRatio)))
}

// Plan computes the actions that bring an account from what it has
// (current; nil means nothing) to what the rows of an import file of type
// t say, in mode m. It does no I/O: the same inputs give the same plan.
//
// Accounts are matched as Mastodon matches them, by address with the
// local domain dropped, and kinder: see [AccountKey]. Domains are matched
// by [DomainKey], bookmarks by exact URI, lists by exact title. When a
// file names the same subject more than once, its last row counts (as
// Mastodon's) and the action keeps the place of the first.
//
// In [Merge] mode the plan adds what the account lacks and updates what
// changed: a follow whose show-boosts, notify or languages setting
// differs from a row's, a mute whose hide-notifications setting differs.
// A setting a row leaves empty is left as it is, and so are languages
// when the destination keeps none ([State.NoFollowLanguages]). Applying
// a merge plan and planning the same file again gives an empty plan.
//
// In [Overwrite] mode the plan also removes what the file lacks: it
// unfollows, unblocks, unmutes, removes bookmarks, and unblocks domains
// the file does not name. For domain blocks it computes the difference
// where Mastodon unblocks every domain and blocks the file's again: the
// end state is the same, with no moment where a blocked domain is let
// through. For lists it deletes the lists the file does not name and
// removes from the others the members the file does not list, where
// Mastodon empties every list and fills it again: the same end state,
// with fewer calls.
//
// For lists, the plan creates the lists the account lacks and follows a
// member the account does not follow before adding it (servers only let
// a list hold followed accounts). Lists are named by title, and an
// account may have several lists with one title: the plan treats them as
// one list whose members are the union of theirs. So in [Overwrite] mode
// a member the file lacks is removed if it is in any of them (a
// [ListEditor] removes it from every list with the title, a
// [ListManager] deletes every list with the title), and both lists end
// up cleared of what the file lacks, as Mastodon clears both.
//
// Actions come in a fixed order: removals first (sorted, so the order
// does not depend on the order of current), then additions and updates in
// file order; for lists: deletions, member removals, list creations, then
// for each row a follow if needed and the addition.
//
// With [Planner.Self] set, rows that would make the account follow,
// block or mute itself are left out and listed in [Plan.Skipped]; the
// account is still added to its own lists, without a follow.
//
// Plan refuses [Followers] with [ErrFollowersImport], a plan that would
// exceed the follow limit with a [*FollowLimitError], and one that would
// exceed the list limit with [ErrTooManyLists].
func (opts *Planner) Plan(t Type, m Mode, current *State, rows []Row) (*Plan, error) {
	if current == nil {
		current = &State{}
	}
	if m != Merge && m != Overwrite {
		return nil, fmt.Errorf("importer: unknown mode %v", m)
	}
	pl := planRun{t: t, m: m, cur: current, opts: opts, k: newKeyer(opts.LocalDomain)}
	if strings.TrimSpace(opts.Self) != "" {
		pl.self = pl.k.account(opts.Self)
	}
	var err error
	switch t {
	case Following:
		err = pl.following(rows)
	case Muting:
		err = pl.muting(rows)
	case Blocking:
		err = pl.accounts(rows, current.Blocking, ActionBlock, ActionUnblock)
	case DomainBlocking:
		err = pl.plainSet(rows, current.DomainBlocking, func(r Row) string { return r.Domain }, DomainKey, ActionBlockDomain, ActionUnblockDomain)
	case Bookmarks:
		err = pl.plainSet(rows, current.Bookmarks, func(r Row) string { return r.URI }, strings.TrimSpace, ActionBookmark, ActionUnbookmark)
	case Lists:
		err = pl.lists(rows)
	case Followers:
		return nil, ErrFollowersImport
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownType, string(t))
	}
	if err != nil {
		return nil, err
	}
	return &Plan{Type: t, Mode: m, Actions: pl.out, Skipped: pl.skipped}, nil
}

type planRun struct {
	t       Type
	m       Mode
	cur     *State
	opts    *Planner
	k       keyer
	self    string // key of Planner.Self, or ""
	out     []Action
	skipped []SkippedRow
}

// dropSelf returns rows without those naming the account itself, which
// it records as skipped: the account cannot verb itself.
func (pl *planRun) dropSelf(rows []Row, verb string) []Row {
	if pl.self == "" {
		return rows
	}
	isSelf := func(r Row) bool { return pl.k.account(r.Account) == pl.self }
	if !slices.ContainsFunc(rows, isSelf) {
		return rows
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		if !isSelf(r) {
			out = append(out, r)
			continue
		}
		pl.skipped = append(pl.skipped, SkippedRow{Line: r.Line, Account: r.Account, Detail: "the account cannot " + verb + " itself"})
	}
	return out
}

// dedupe returns the rows with one row per key, the last row of each
// key in the place of the first, their keys, and the index of each key
// in them. A row whose key is empty is an error. When no key repeats,
// rows itself is returned, not a copy.
func dedupe(rows []Row, key func(Row) string, what string) ([]Row, []string, map[string]int, error) {
	idx := make(map[string]int, len(rows))
	keys := make([]string, 0, len(rows))
	var out []Row // a copy of rows, made at the first repeated key
	for i, r := range rows {
		k := key(r)
		if k == "" {
			return nil, nil, nil, fmt.Errorf("%w: line %d has no %s", ErrInvalidRow, r.Line, what)
		}
		if j, ok := idx[k]; ok {
			if out == nil {
				out = append(make([]Row, 0, len(rows)), rows[:i]...)
			}
			out[j] = r
			continue
		}
		idx[k] = len(keys)
		keys = append(keys, k)
		if out != nil {
			out = append(out, r)
		}
	}
	if out == nil {
		out = rows
	}
	return out, keys, idx, nil
}

// removals returns, in overwrite mode, the current entries to remove:
// the index of the first entry of each key (keys[i] is entry i's) that
// the file lacks, sorted by key. In merge mode it returns nil.
func (pl *planRun) removals(keys []string, inFile map[string]int) []int {
	if pl.m != Overwrite {
		return nil
	}
	n := 0
	for _, k := range keys {
		if _, ok := inFile[k]; !ok {
			n++
		}
	}
	rm := make([]int, 0, n)
	for i, k := range keys {
		if _, ok := inFile[k]; !ok {
			rm = append(rm, i)
		}
	}
	// Stable, so that of entries with one key the first comes first and
	// stays.
	slices.SortStableFunc(rm, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	return slices.CompactFunc(rm, func(a, b int) bool { return keys[a] == keys[b] })
}

func (pl *planRun) checkFollowLimit(following int, added int) error {
	limit := pl.opts.followLimit(pl.cur)
	if added > 0 && limit >= 0 && following > limit {
		return &FollowLimitError{Limit: limit, Following: following}
	}
	return nil
}

func (pl *planRun) following(rows []Row) error {
	rows = pl.dropSelf(rows, "follow")
	rows, keys, inFile, err := dedupe(rows, func(r Row) string { return pl.k.account(r.Account) }, "account address")
	if err != nil {
		return err
	}
	cur, curKeys := pl.current(pl.cur.Following)
	added := 0
	for _, k := range keys {
		if cur[k] == nil {
			added++
		}
	}
	total := len(cur) + added
	if pl.m == Overwrite {
		total = len(keys)
	}
	if err := pl.checkFollowLimit(total, added); err != nil {
		return err
	}
	rm := pl.removals(curKeys, inFile)
	var emit []int
	for i := range rows {
		if c := cur[keys[i]]; c == nil || followChanged(c, &rows[i], !pl.cur.NoFollowLanguages) {
			emit = append(emit, i)
		}
	}
	// The plan's actions are its largest part: allocated once, at size.
	pl.out = slices.Grow(pl.out, len(rm)+len(emit))
	for _, i := range rm {
		pl.out = append(pl.out, Action{Kind: ActionUnfollow, Account: pl.cur.Following[i].Account})
	}
	for _, i := range emit {
		r := &rows[i]
		pl.out = append(pl.out, Action{
			Kind:    ActionFollow,
			Account: r.Account,
			Follow:  FollowOptions{ShowBoosts: r.ShowBoosts, Notify: r.Notify, Languages: r.Languages},
			Line:    r.Line,
		})
	}
	return nil
}

// current indexes the account's follows or mutes by key, the first of
// a key counting, and returns the key of each.
func (pl *planRun) current(rows []Row) (map[string]*Row, []string) {
	cur := make(map[string]*Row, len(rows))
	keys := make([]string, len(rows))
	for i := range rows {
		k := pl.k.account(rows[i].Account)
		keys[i] = k
		if _, dup := cur[k]; !dup {
			cur[k] = &rows[i]
		}
	}
	return cur, keys
}

// followChanged reports whether a row sets a follow setting to another
// value than the current follow has. Unset current settings count as the
// defaults. Languages count only when the destination keeps them.
func followChanged(c, r *Row, languages bool) bool {
	if r.ShowBoosts != nil && *r.ShowBoosts != boolOr(c.ShowBoosts, true) {
		return true
	}
	if r.Notify != nil && *r.Notify != boolOr(c.Notify, false) {
		return true
	}
	return languages && r.Languages != nil && !sameLanguages(r.Languages, c.Languages)
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// sameLanguages compares language lists as sets, regardless of case.
func sameLanguages(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, 0, len(l))
		for _, s := range l {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

func (pl *planRun) muting(rows []Row) error {
	rows = pl.dropSelf(rows, "mute")
	rows, keys, inFile, err := dedupe(rows, func(r Row) string { return pl.k.account(r.Account) }, "account address")
	if err != nil {
		return err
	}
	cur, curKeys := pl.current(pl.cur.Muting)
	rm := pl.removals(curKeys, inFile)
	var emit []int
	for i := range rows {
		r := &rows[i]
		if c := cur[keys[i]]; c == nil || (r.HideNotifications != nil && *r.HideNotifications != boolOr(c.HideNotifications, true)) {
			emit = append(emit, i)
		}
	}
	pl.out = slices.Grow(pl.out, len(rm)+len(emit))
	for _, i := range rm {
		pl.out = append(pl.out, Action{Kind: ActionUnmute, Account: pl.cur.Muting[i].Account})
	}
	for _, i := range emit {
		r := &rows[i]
		pl.out = append(pl.out, Action{Kind: ActionMute, Account: r.Account, HideNotifications: r.HideNotifications, Line: r.Line})
	}
	return nil
}

// accounts plans a plain set of accounts (blocks).
func (pl *planRun) accounts(rows []Row, current []string, add, remove ActionKind) error {
	rows = pl.dropSelf(rows, "block")
	return pl.plainSet(rows, current, func(r Row) string { return r.Account }, pl.k.account, add, remove)
}

// plainSet plans a plain set: accounts, domains or URIs.
func (pl *planRun) plainSet(rows []Row, current []string, subject func(Row) string, keyOf func(string) string, add, remove ActionKind) error {
	what := "subject"
	set := func(a *Action, v string) {
		switch add {
		case ActionBlockDomain:
			a.Domain = v
		case ActionBookmark:
			a.URI = v
		default:
			a.Account = v
		}
	}
	rows, keys, inFile, err := dedupe(rows, func(r Row) string { return keyOf(subject(r)) }, what)
	if err != nil {
		return err
	}
	curKeys := make([]string, len(current))
	have := make(map[string]bool, len(current))
	for i, c := range current {
		curKeys[i] = keyOf(c)
		have[curKeys[i]] = true
	}
	rm := pl.removals(curKeys, inFile)
	n := 0
	for _, k := range keys {
		if !have[k] {
			n++
		}
	}
	pl.out = slices.Grow(pl.out, len(rm)+n)
	for _, i := range rm {
		a := Action{Kind: remove}
		set(&a, current[i])
		pl.out = append(pl.out, a)
	}
	for i, r := range rows {
		if have[keys[i]] {
			continue
		}
		a := Action{Kind: add, Line: r.Line}
		set(&a, subject(r))
		pl.out = append(pl.out, a)
	}
	return nil
}

func (pl *planRun) lists(rows []Row) error {
	f, err := pl.readLists(rows)
	if err != nil {
		return err
	}
	cur := pl.currentLists(f)
	if err := pl.checkListLimit(f, cur); err != nil {
		return err
	}
	toFollow, err := pl.listFollows(f)
	if err != nil {
		return err
	}
	if pl.m == Overwrite {
		pl.listRemovals(f)
	}
	pl.listAdditions(f, cur, toFollow)
	return nil
}

// listMember is an account, by key, in a list, by title.
type listMember struct {
	list, key string
}

// listsFile is what a lists file asks for.
type listsFile struct {
	titles    []string        // in order of first appearance
	named     map[string]bool // the titles
	firstLine map[string]int  // of each title
	members   map[listMember]bool
	adds      []Row    // one row per member, in file order
	addKeys   []string // the account key of each of adds
}

// readLists gathers the lists and members of a lists file.
func (pl *planRun) readLists(rows []Row) (*listsFile, error) {
	f := &listsFile{named: map[string]bool{}, firstLine: map[string]int{}, members: map[listMember]bool{}}
	for _, r := range rows {
		if r.List == "" || r.Account == "" {
			return nil, fmt.Errorf("%w: line %d needs a list title and an account address", ErrInvalidRow, r.Line)
		}
		if !f.named[r.List] {
			f.named[r.List] = true
			f.titles = append(f.titles, r.List)
			f.firstLine[r.List] = r.Line
		}
		m := listMember{r.List, pl.k.account(r.Account)}
		if f.members[m] {
			continue
		}
		f.members[m] = true
		f.adds = append(f.adds, r)
		f.addKeys = append(f.addKeys, m.key)
	}
	return f, nil
}

// currentLists is what the account's lists hold, of those that stay.
type currentLists struct {
	members map[listMember]bool
	titles  map[string]bool
	n       int // lists that stay
}

// currentLists reads the account's lists. Titles can repeat; lists with
// one title count as one list whose members are the union of theirs (the
// destination interfaces name lists by title). In overwrite mode the
// lists the file does not name are left out: they go.
func (pl *planRun) currentLists(f *listsFile) currentLists {
	c := currentLists{members: map[listMember]bool{}, titles: map[string]bool{}}
	for _, l := range pl.cur.Lists {
		if pl.m == Overwrite && !f.named[l.Title] {
			continue
		}
		c.n++
		c.titles[l.Title] = true
		for _, a := range l.Members {
			c.members[listMember{l.Title, pl.k.account(a)}] = true
		}
	}
	return c
}

// checkListLimit refuses a plan that would leave more than MaxLists
// lists.
func (pl *planRun) checkListLimit(f *listsFile, cur currentLists) error {
	created := 0
	for _, t := range f.titles {
		if !cur.titles[t] {
			created++
		}
	}
	maxLists := pl.opts.MaxLists
	if maxLists == 0 {
		maxLists = DefaultMaxLists
	}
	if created > 0 && maxLists > 0 && cur.n+created > maxLists {
		return fmt.Errorf("%w: the import would make %d lists, more than %d", ErrTooManyLists, cur.n+created, maxLists)
	}
	return nil
}

// listFollows returns the members to follow before adding them, checked
// against the follow limit (counted distinct, as for a follows import).
// The account is added to its own lists unfollowed.
func (pl *planRun) listFollows(f *listsFile) (map[string]bool, error) {
	following := make(map[string]bool, len(pl.cur.Following))
	for _, fo := range pl.cur.Following {
		following[pl.k.account(fo.Account)] = true
	}
	toFollow := make(map[string]bool)
	for _, k := range f.addKeys {
		if !following[k] && k != pl.self {
			toFollow[k] = true
		}
	}
	if err := pl.checkFollowLimit(len(following)+len(toFollow), len(toFollow)); err != nil {
		return nil, err
	}
	return toFollow, nil
}

// listRemovals plans, for an overwrite, the deletion of the lists the
// file does not name and the removal of the members it does not list,
// each sorted.
func (pl *planRun) listRemovals(f *listsFile) {
	var gone []string
	seen := make(map[string]bool)
	for _, l := range pl.cur.Lists {
		if !f.named[l.Title] && !seen[l.Title] {
			seen[l.Title] = true
			gone = append(gone, l.Title)
		}
	}
	slices.Sort(gone)
	for _, t := range gone {
		pl.out = append(pl.out, Action{Kind: ActionDeleteList, List: t})
	}
	var rms []Action
	done := make(map[listMember]bool)
	for _, l := range pl.cur.Lists {
		if !f.named[l.Title] {
			continue
		}
		for _, a := range l.Members {
			m := listMember{l.Title, pl.k.account(a)}
			if f.members[m] || done[m] {
				continue
			}
			done[m] = true
			rms = append(rms, Action{Kind: ActionRemoveFromList, List: l.Title, Account: a})
		}
	}
	slices.SortFunc(rms, func(a, b Action) int {
		if c := strings.Compare(a.List, b.List); c != 0 {
			return c
		}
		return strings.Compare(a.Account, b.Account)
	})
	pl.out = append(pl.out, rms...)
}

// listAdditions plans the creation of the lists the account lacks, then
// for each member in file order a follow if needed and the addition.
func (pl *planRun) listAdditions(f *listsFile, cur currentLists, toFollow map[string]bool) {
	for _, t := range f.titles {
		if !cur.titles[t] {
			pl.out = append(pl.out, Action{Kind: ActionCreateList, List: t, Line: f.firstLine[t]})
		}
	}
	for i, r := range f.adds {
		k := f.addKeys[i]
		if toFollow[k] {
			delete(toFollow, k)
			pl.out = append(pl.out, Action{Kind: ActionFollow, Account: r.Account, Line: r.Line})
		}
		if !cur.members[listMember{r.List, k}] {
			pl.out = append(pl.out, Action{Kind: ActionAddToList, List: r.List, Account: r.Account, Line: r.Line})
		}
	}
}
