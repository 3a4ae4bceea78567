package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

// fast is an engine with short waits, for tests.
func fast() *importer.Engine {
	return &importer.Engine{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
}

func TestApplyAllKinds(t *testing.T) {
	t.Parallel()
	d := newMemDest()
	ctx := context.Background()
	for _, err := range []error{
		d.Follow(ctx, "old@x.example", importer.FollowOptions{}),
		d.Block(ctx, "old@x.example"),
		d.Mute(ctx, "old@x.example", true),
		d.BlockDomain(ctx, "old.example"),
		d.Bookmark(ctx, "https://x.example/s/0"),
		d.CreateList(ctx, "Old"), d.AddToList(ctx, "Old", "old@x.example"),
		d.CreateList(ctx, "Keep"), d.AddToList(ctx, "Keep", "old@x.example"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	plan := &importer.Plan{Type: importer.Lists, Actions: []importer.Action{
		{Kind: importer.ActionFollow, Account: "a@x.example", Follow: importer.FollowOptions{ShowBoosts: ptr(false), Languages: []string{"de", "en"}}},
		{Kind: importer.ActionUnfollow, Account: "old@x.example"},
		{Kind: importer.ActionBlock, Account: "b@y.example"},
		{Kind: importer.ActionUnblock, Account: "old@x.example"},
		{Kind: importer.ActionMute, Account: "c@y.example"},
		{Kind: importer.ActionMute, Account: "e@y.example", HideNotifications: ptr(false)},
		{Kind: importer.ActionUnmute, Account: "old@x.example"},
		{Kind: importer.ActionBlockDomain, Domain: "spam.example"},
		{Kind: importer.ActionUnblockDomain, Domain: "old.example"},
		{Kind: importer.ActionBookmark, URI: "https://x.example/s/1"},
		{Kind: importer.ActionUnbookmark, URI: "https://x.example/s/0"},
		{Kind: importer.ActionDeleteList, List: "Old"},
		{Kind: importer.ActionRemoveFromList, List: "Keep", Account: "old@x.example"},
		{Kind: importer.ActionCreateList, List: "New"},
		{Kind: importer.ActionAddToList, List: "New", Account: "a@x.example"},
	}}
	res, err := fast().Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"block b@y.example",
		"bookmark https://x.example/s/1",
		"domain spam.example",
		"follow a@x.example false false [de,en]", // a new follow notifies only if asked
		"list Keep",
		"list New",
		"member New a@x.example",
		"mute c@y.example true",
		"mute e@y.example false",
	}
	if diff := cmp.Diff(want, snapshot(d)); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if res.Applied != len(plan.Actions) || len(res.Failed) != 0 || res.Total != len(plan.Actions) {
		t.Errorf("result = %+v, want all %d applied", res, len(plan.Actions))
	}
}

// listsPlan is a lists import: for each list, create it, then follow and
// add each member; members are shared between lists.
func listsPlan(lists, members int) *importer.Plan {
	p := &importer.Plan{Type: importer.Lists}
	followed := map[string]bool{}
	for l := range lists {
		title := fmt.Sprintf("List %d", l)
		p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionCreateList, List: title})
		for m := range members {
			acct := fmt.Sprintf("u%d@h%d.example", (l*7+m)%(members*2), m%5)
			if !followed[acct] {
				followed[acct] = true
				p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionFollow, Account: acct})
			}
			p.Actions = append(p.Actions, importer.Action{Kind: importer.ActionAddToList, List: title, Account: acct})
		}
	}
	return p
}

func TestApplyOrderUnderConcurrency(t *testing.T) {
	t.Parallel()
	plan := listsPlan(20, 15)
	d := newMemDest()
	slow(d, 200*time.Microsecond, nil)
	e := fast()
	e.Concurrency = 16
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	// The destination refuses an add before its list or its follow.
	for _, f := range res.Failed {
		t.Errorf("failed: %s: %v", f.Action.Key(), f.Err)
	}
	seq := newMemDest()
	if _, err := (&importer.Engine{Concurrency: 1}).Apply(context.Background(), plan, importer.DestinationOf(seq)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snapshot(seq), snapshot(d)); diff != "" {
		t.Errorf("concurrent state differs from sequential (-seq +concurrent):\n%s", diff)
	}
	if got := len(d.Calls()); got != len(plan.Actions) {
		t.Errorf("%d calls, want one per action (%d)", got, len(plan.Actions))
	}
}

func TestApplyDependencyFailed(t *testing.T) {
	t.Parallel()
	plan := &importer.Plan{Type: importer.Lists, Actions: []importer.Action{
		{Kind: importer.ActionCreateList, List: "Broken"},
		{Kind: importer.ActionFollow, Account: "a@x.example"},
		{Kind: importer.ActionAddToList, List: "Broken", Account: "a@x.example"},
		{Kind: importer.ActionCreateList, List: "Fine"},
		{Kind: importer.ActionFollow, Account: "gone@x.example"},
		{Kind: importer.ActionAddToList, List: "Fine", Account: "gone@x.example"},
		{Kind: importer.ActionAddToList, List: "Fine", Account: "a@x.example"},
		{Kind: importer.ActionFollow, Account: "nare@xn--69aa8bzb.xn--y9a3aq"},
		{Kind: importer.ActionAddToList, List: "Fine", Account: "Nare@թութ.հայ"},
	}}
	d := newMemDest()
	d.Fail = func(call string) error {
		if call == "create-list Broken" || call == "follow gone@x.example" || call == "follow nare@xn--69aa8bzb.xn--y9a3aq" {
			return errPermanent
		}
		return nil
	}
	res, err := fast().Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Failed {
		why := "own"
		if errors.Is(f.Err, importer.ErrDependencyFailed) {
			why = "dependency"
		}
		got = append(got, f.Action.Key()+" "+why)
	}
	want := []string{
		plan.Actions[0].Key() + " own",
		plan.Actions[2].Key() + " dependency",
		plan.Actions[4].Key() + " own",
		plan.Actions[5].Key() + " dependency",
		plan.Actions[7].Key() + " own",
		plan.Actions[8].Key() + " dependency",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	for _, c := range d.Calls() {
		if strings.HasPrefix(c, "add-to-list Broken") || strings.Contains(c, "add-to-list Fine gone@") || c == "add-to-list Fine "+importer.AccountKey("Nare@թութ.հայ", "") {
			t.Errorf("tried %q although what it needs failed", c)
		}
	}
	if res.Applied != 3 {
		t.Errorf("Applied = %d, want 3", res.Applied)
	}
}

func TestApplyUnsupported(t *testing.T) {
	t.Parallel()
	plan := &importer.Plan{Type: importer.Following, Actions: []importer.Action{
		{Kind: importer.ActionFollow, Account: "a@x"},
		{Kind: importer.ActionBlock, Account: "b@x"},
		{Kind: importer.ActionAddToList, List: "L", Account: "a@x"},
	}}
	d := newMemDest()
	_, err := fast().Apply(context.Background(), plan, onlyFollower(d))
	if !errors.Is(err, importer.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
	for _, s := range []string{"Blocker", "ListEditor"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	if n := len(d.Calls()); n != 0 {
		t.Errorf("%d calls made before refusing", n)
	}
	if err := importer.Check(&importer.Plan{Actions: plan.Actions[:1]}, onlyFollower(d)); err != nil {
		t.Errorf("Check of follows on a Follower: %v", err)
	}
}

func TestApplyRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		failures    int   // how many calls fail before success
		err         error // what they fail with
		wantCalls   int
		wantFailed  bool
		maxAttempts int
	}{
		{"transient then ok", 2, &importer.TemporaryError{Err: errors.New("502")}, 3, false, 0},
		{"transient past MaxAttempts", 100, &importer.TemporaryError{Err: errors.New("502")}, 3, true, 3},
		{"permanent is not retried", 100, errPermanent, 1, true, 0},
		{"own type with Temporary method", 1, tempErr{}, 2, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			d := newMemDest()
			d.Fail = func(string) error {
				if int(calls.Add(1)) <= tt.failures {
					return tt.err
				}
				return nil
			}
			e := fast()
			e.MaxAttempts = tt.maxAttempts
			plan := &importer.Plan{Type: importer.Blocking, Actions: []importer.Action{{Kind: importer.ActionBlock, Account: "a@x.example"}}}
			res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
			if err != nil {
				t.Fatal(err)
			}
			if got := int(calls.Load()); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if got := len(res.Failed) == 1; got != tt.wantFailed {
				t.Errorf("failed = %v, want %v (%+v)", got, tt.wantFailed, res.Failed)
			}
			if tt.wantFailed && !errors.Is(res.Failed[0].Err, tt.err) {
				t.Errorf("failure %v does not wrap %v", res.Failed[0].Err, tt.err)
			}
		})
	}
}

type tempErr struct{}

func (tempErr) Error() string   { return "try again" }
func (tempErr) Temporary() bool { return true }

func TestApplyRateLimitPausesEveryone(t *testing.T) {
	t.Parallel()
	const wait = 40 * time.Millisecond
	var (
		mu       sync.Mutex
		limitAt  time.Time
		starts   []time.Time
		limitHit bool
	)
	d := newMemDest()
	d.Fail = func(call string) error {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if !limitHit {
			limitHit, limitAt = true, now
			return &importer.TemporaryError{Err: errors.New("429"), RetryAfter: wait}
		}
		starts = append(starts, now)
		return nil
	}
	plan := &importer.Plan{Type: importer.Blocking}
	for i := range 20 {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionBlock, Account: fmt.Sprintf("u%d@x.example", i)})
	}
	e := fast()
	e.Concurrency = 1 // calls after the 429 all start after it
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 || res.Applied != 20 {
		t.Fatalf("result %+v, want 20 applied", res)
	}
	if len(starts) != 20 {
		t.Fatalf("%d successful calls, want 20 (the limited one retried)", len(starts))
	}
	if first := starts[0].Sub(limitAt); first < wait {
		t.Errorf("next call %v after the 429, want at least %v", first, wait)
	}
}

func TestApplyRateLimitTooLong(t *testing.T) {
	t.Parallel()
	d := newMemDest()
	d.Fail = func(string) error { return &importer.TemporaryError{Err: errors.New("429"), RetryAfter: time.Hour} }
	e := fast()
	e.MaxRetryAfter = time.Minute
	plan := &importer.Plan{Type: importer.Blocking, Actions: []importer.Action{{Kind: importer.ActionBlock, Account: "a@x"}}}
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 {
		t.Fatalf("Failed = %v, want the action given up", res.Failed)
	}
}

func TestApplyCircuitBreaker(t *testing.T) {
	t.Parallel()
	plan := &importer.Plan{Type: importer.Following}
	for i := range 10 {
		plan.Actions = append(plan.Actions,
			importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@down.example", i)},
			importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@up.example", i)})
	}
	var downCalls atomic.Int32
	d := newMemDest()
	d.Fail = func(call string) error {
		if strings.HasSuffix(call, "@down.example") {
			downCalls.Add(1)
			return &importer.TemporaryError{Err: errors.New("connection refused")}
		}
		return nil
	}
	e := fast()
	e.Concurrency = 1
	e.MaxAttempts = 1
	e.HostFailures = 3
	e.HostCooldown = time.Hour
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if got := downCalls.Load(); got != 3 {
		t.Errorf("down.example called %d times, want 3 (then its circuit opens)", got)
	}
	if res.Applied != 10 {
		t.Errorf("Applied = %d, want the 10 up.example follows", res.Applied)
	}
	var unavailable int
	for _, f := range res.Failed {
		if !strings.HasSuffix(f.Action.Account, "@down.example") {
			t.Errorf("unexpected failure %s", f.Action.Key())
		}
		if errors.Is(f.Err, importer.ErrHostUnavailable) {
			unavailable++
		}
	}
	if len(res.Failed) != 10 || unavailable != 7 {
		t.Errorf("%d failed, %d of them host unavailable; want 10 and 7", len(res.Failed), unavailable)
	}
}

func TestApplyCircuitBreakerWaits(t *testing.T) {
	t.Parallel()
	plan := &importer.Plan{Type: importer.Following}
	for i := range 6 {
		plan.Actions = append(plan.Actions, importer.Action{Kind: importer.ActionFollow, Account: fmt.Sprintf("u%d@flaky.example", i)})
	}
	var calls atomic.Int32
	d := newMemDest()
	d.Fail = func(call string) error {
		if calls.Add(1) <= 2 { // the host is down for two calls
			return &importer.TemporaryError{Err: errors.New("timeout")}
		}
		return nil
	}
	e := fast()
	e.Concurrency = 1
	e.HostFailures = 2
	e.HostCooldown = 20 * time.Millisecond
	e.WaitForHosts = true
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 6 || len(res.Failed) != 0 {
		t.Errorf("result %+v, want all 6 applied after the host came back", res)
	}
}

func TestApplyProgress(t *testing.T) {
	t.Parallel()
	plan := listsPlan(3, 4)
	var got []importer.Progress
	d := newMemDest()
	d.Fail = func(call string) error {
		if strings.HasPrefix(call, "follow u1@") {
			return errPermanent
		}
		return nil
	}
	e := fast()
	e.Concurrency = 3
	e.Progress = func(p importer.Progress) { got = append(got, p) }
	res, err := e.Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(plan.Actions) {
		t.Fatalf("%d progress calls, want %d", len(got), len(plan.Actions))
	}
	failedSeen := 0
	seen := map[string]bool{}
	for i, p := range got {
		if p.Done+p.Failed != i+1 || p.Total != len(plan.Actions) {
			t.Errorf("progress %d = %+v", i, p)
		}
		// Each call tells the action that finished, and its failure.
		seen[p.Action.Key()] = true
		if p.Err != nil {
			failedSeen++
			if !errors.Is(p.Err, errPermanent) && !errors.Is(p.Err, importer.ErrDependencyFailed) {
				t.Errorf("progress %d: Err = %v", i, p.Err)
			}
		}
		if p.Resumed {
			t.Errorf("progress %d: Resumed without a journal", i)
		}
	}
	if len(seen) != len(plan.Actions) || failedSeen != len(res.Failed) {
		t.Errorf("progress named %d distinct actions and %d failures; want %d and %d", len(seen), failedSeen, len(plan.Actions), len(res.Failed))
	}
	last := got[len(got)-1]
	if last.Failed != len(res.Failed) || last.Done != res.Applied || last.Failed == 0 {
		t.Errorf("last progress %+v, result applied %d failed %d", last, res.Applied, len(res.Failed))
	}
}

func TestApplyCanceled(t *testing.T) {
	t.Parallel()
	plan := listsPlan(4, 10)
	d := newMemDest()
	ctx, cancel := context.WithCancel(context.Background())
	e := fast()
	var n atomic.Int32
	e.Progress = func(importer.Progress) {
		if n.Add(1) == 10 {
			cancel()
		}
	}
	res, err := e.Apply(ctx, plan, importer.DestinationOf(d))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || res.Applied < 10 || res.Applied >= len(plan.Actions) || len(res.Failed) != 0 {
		t.Fatalf("result %+v: want a partial run without failures", res)
	}
}

func TestFailedRowsAndFileNames(t *testing.T) {
	t.Parallel()
	r := &importer.Result{Type: importer.Following, Failed: []importer.Failure{
		{Action: importer.Action{Kind: importer.ActionFollow, Account: "a@x"}, Err: errPermanent},
		{Action: importer.Action{Kind: importer.ActionUnfollow, Account: "b@x"}, Err: errPermanent},
		{Action: importer.Action{Kind: importer.ActionAddToList, List: "L", Account: "c@x"}, Err: errPermanent},
	}}
	want := []importer.Action{r.Failed[0].Action, r.Failed[2].Action}
	if diff := cmp.Diff(want, r.FailedRows()); diff != "" {
		t.Errorf("FailedRows (-want +got):\n%s", diff)
	}
	names := map[importer.Type]string{
		importer.Following:      "following_accounts_failures.csv",
		importer.Blocking:       "blocked_accounts_failures.csv",
		importer.Muting:         "muted_accounts_failures.csv",
		importer.DomainBlocking: "blocked_domains_failures.csv",
		importer.Bookmarks:      "bookmarks_failures.csv",
		importer.Lists:          "lists_failures.csv",
		importer.Followers:      "",
	}
	for typ, want := range names {
		if got := importer.FailuresFileName(typ); got != want {
			t.Errorf("FailuresFileName(%s) = %q, want %q", typ, got, want)
		}
	}
}

func TestWriteFailures(t *testing.T) {
	t.Parallel()
	plan := &importer.Plan{Type: importer.Lists, Actions: []importer.Action{
		{Kind: importer.ActionCreateList, List: "Friends"},
		{Kind: importer.ActionFollow, Account: "gone@x.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "gone@x.example"},
		{Kind: importer.ActionFollow, Account: "ok@x.example"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "ok@x.example"},
	}}
	d := newMemDest()
	d.Fail = func(call string) error {
		if call == "follow gone@x.example" {
			return errPermanent
		}
		return nil
	}
	res, err := fast().Apply(context.Background(), plan, importer.DestinationOf(d))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.WriteFailures(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("Friends,gone@x.example\n", b.String()); diff != "" {
		t.Errorf("failures CSV (-want +got):\n%s", diff)
	}
}
