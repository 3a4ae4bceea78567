package importer

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/fediport/fediport/internal/backoff"
)

// Apply carries out plan on dst, whose fields must be set for the kinds
// of action the plan holds ([Follower], [Blocker], [Muter],
// [DomainBlocker], [Bookmarker], [ListManager], [ListEditor]); see
// [Check].
//
// Up to e.Concurrency actions run at once, but an action never starts
// before the earlier actions of the plan it depends on have finished:
// actions about the same account, domain, status URI, list, or list
// member run in plan order, so a list is created before members are
// added and an account is followed before it is added to a list. An
// addition to a list whose creation, or whose
// member's follow, failed is not tried; it fails with
// [ErrDependencyFailed].
//
// Transient errors are retried with backoff, rate limits are waited out,
// and failing hosts are put aside (see [Engine]). Permanent failures are
// collected in [Result.Failed]; they do not make Apply return an error.
// Apply returns an error when it could not start (unsupported
// destination, journal for another plan), when the journal cannot be
// written, or when ctx is done; the Result then tells what was done, and
// with a journal, Apply of the same plan picks up from there.
func (e *Engine) Apply(ctx context.Context, plan *Plan, dst Destination) (*Result, error) {
	if err := Check(plan, dst); err != nil {
		return nil, err
	}
	if e.Journal != nil {
		if err := e.Journal.bind(plan); err != nil {
			return nil, err
		}
	}
	r := &run{
		e:    e,
		plan: plan,
		dst:  dst,
		gate: &backoff.Gate{},
		// The engine's defaults are internal/backoff's, which a field
		// <= 0 takes.
		policy: &backoff.Policy{
			MaxAttempts:   e.MaxAttempts,
			BaseDelay:     e.BaseDelay,
			MaxDelay:      e.MaxDelay,
			MaxRetryAfter: e.MaxRetryAfter,
		},
		breaker: &backoff.Breaker{
			HostFailures: e.HostFailures,
			HostCooldown: e.HostCooldown,
		},
	}
	return r.apply(ctx)
}

func orDefault[T ~int | ~int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// dependencies returns, for each action of a plan, the indexes of the
// earlier actions that must finish before it starts. The rules, over the
// subjects an action touches:
//
//   - follow, unfollow, block, unblock, mute and unmute change the account
//     (compared by [AccountKey], so case, a leading @ and an IDN domain in
//     Unicode or punycode do not matter; a bare local name is taken to be
//     any account with that user name); block-domain and unblock-domain
//     the domain (compared by [DomainKey]); bookmark and unbookmark the status URI; create-list and
//     delete-list the list (by title);
//   - add-to-list and remove-from-list read the list and the account and
//     change the membership (list, account);
//   - an action that changes a subject waits for every earlier action
//     touching it; an action that reads a subject waits for the earlier
//     ones that change it.
//
// So members of one list are added concurrently, but after the list is
// created and after each member is followed, and an unblock-domain of an
// overwrite finishes before a block of the same domain.
func dependencies(actions []Action) [][]int {
	type res struct {
		writer  int
		readers []int
	}
	table := map[string]*res{}
	get := func(k string) *res {
		r := table[k]
		if r == nil {
			r = &res{writer: -1}
			table[k] = r
		}
		return r
	}
	deps := make([][]int, len(actions))
	for i, a := range actions {
		var d []int
		write := func(k string) {
			r := get(k)
			if r.writer >= 0 {
				d = append(d, r.writer)
			}
			d = append(d, r.readers...)
			r.writer, r.readers = i, nil
		}
		read := func(k string) {
			r := get(k)
			if r.writer >= 0 {
				d = append(d, r.writer)
			}
			r.readers = append(r.readers, i)
		}
		key := AccountKey(a.Account, "")
		user, _, full := strings.Cut(key, "@")
		// A bare name is a local account of a server the actions do not
		// name: it changes every address with its user name, and an
		// address reads its bare name.
		changeAcct := func() {
			if full {
				read("n\x00" + user)
				write("a\x00" + key)
			} else {
				write("n\x00" + user)
			}
		}
		list := "l\x00" + a.List
		switch a.Kind {
		case ActionFollow, ActionUnfollow, ActionBlock, ActionUnblock, ActionMute, ActionUnmute:
			changeAcct()
		case ActionBlockDomain, ActionUnblockDomain:
			write("d\x00" + DomainKey(a.Domain))
		case ActionBookmark, ActionUnbookmark:
			write("u\x00" + a.URI)
		case ActionCreateList, ActionDeleteList:
			write(list)
		case ActionAddToList, ActionRemoveFromList:
			read(list)
			if full {
				read("n\x00" + user)
				read("a\x00" + key)
			} else {
				write("n\x00" + user)
			}
			write("m\x00" + a.List + "\x00" + key)
		}
		slices.Sort(d)
		deps[i] = slices.Compact(d)
	}
	return deps
}

// hard reports whether a failure of dep makes a (which depends on it)
// pointless: a list member's add after a failed list creation or follow.
func hard(a, dep Action) bool {
	if a.Kind != ActionAddToList {
		return false
	}
	return (dep.Kind == ActionCreateList && dep.List == a.List) ||
		(dep.Kind == ActionFollow && sameAccount(dep.Account, a.Account))
}

// sameAccount reports whether two addresses may name one account: equal
// by [AccountKey], or one a bare name and the other an address with that
// user name (a bare name is local to a server the actions do not name).
func sameAccount(x, y string) bool {
	kx, ky := AccountKey(x, ""), AccountKey(y, "")
	if kx == ky {
		return true
	}
	ux, _, fx := strings.Cut(kx, "@")
	uy, _, fy := strings.Cut(ky, "@")
	return fx != fy && ux == uy
}

// hostOf returns the remote host an action concerns, for circuit
// breaking, or "" when it concerns none.
func hostOf(a Action) string {
	switch a.Kind {
	case ActionFollow, ActionUnfollow, ActionBlock, ActionUnblock, ActionMute, ActionUnmute, ActionAddToList, ActionRemoveFromList:
		if i := strings.LastIndexByte(a.Account, '@'); i >= 0 {
			return DomainKey(a.Account[i+1:])
		}
	case ActionBookmark, ActionUnbookmark:
		if u, err := url.Parse(a.URI); err == nil {
			return strings.ToLower(u.Host)
		}
	}
	return ""
}

// run is one Apply: the plan's actions, the state of each, and what is
// ready to start.
type run struct {
	e       *Engine
	plan    *Plan
	dst     Destination
	gate    *backoff.Gate
	policy  *backoff.Policy
	breaker *backoff.Breaker

	// Set by schedule, used by the loop's goroutine only.
	actions    []Action
	deps       [][]int // earlier actions each waits for
	dependents [][]int // later actions waiting for each
	waiting    []int   // unfinished deps of each; -1: found in the journal
	state      []int
	errs       []error
	ready      indexHeap // actions whose deps are done, to start in plan order
	queued     []bool    // pushed on ready once
	requested  []int     // follows done as requests
	prog       Progress
	res        *Result
	journalErr error // the first failure to write the journal
}

type outcome struct {
	i   int
	err error
}

const (
	statePending = iota
	stateOK
	stateFailed
)

// indexHeap is a min-heap of action indexes: ready actions start in plan
// order.
type indexHeap []int

func (h indexHeap) Len() int           { return len(h) }
func (h indexHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h indexHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *indexHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *indexHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// apply runs the plan: it replays the journal, then hands ready actions
// to the workers until every action is finished or the run stops.
func (r *run) apply(ctx context.Context) (*Result, error) {
	r.schedule()
	r.replayJournal()
	for i := range r.actions {
		if r.waiting[i] == 0 {
			r.push(i)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	results := make(chan outcome)
	for range orDefault(r.e.Concurrency, DefaultConcurrency) {
		go func() {
			for i := range work {
				results <- outcome{i, r.exec(ctx, r.actions[i])}
			}
		}()
	}
	stopping, stopErr := r.dispatch(ctx, cancel, work, results)
	close(work)
	return r.result(ctx, stopping, stopErr)
}

// schedule computes the dependencies of the plan's actions and sets up
// their state.
func (r *run) schedule() {
	r.actions = r.plan.Actions
	n := len(r.actions)
	r.res = &Result{Type: r.plan.Type, Total: n}
	r.prog = Progress{Total: n}
	r.deps = dependencies(r.actions)
	r.dependents = make([][]int, n)
	r.waiting = make([]int, n)
	for i, d := range r.deps {
		r.waiting[i] = len(d)
		for _, j := range d {
			r.dependents[j] = append(r.dependents[j], i)
		}
	}
	r.state = make([]int, n)
	r.errs = make([]error, n)
	r.queued = make([]bool, n)
}

// push makes action i ready to start, once.
func (r *run) push(i int) {
	if !r.queued[i] && r.state[i] == statePending {
		r.queued[i] = true
		heap.Push(&r.ready, i)
	}
}

// finish records the outcome of action i and releases its dependents.
func (r *run) finish(i int, err error, fromJournal bool) {
	if errors.Is(err, ErrRequested) {
		// Done, awaiting approval: nothing to retry.
		r.requested = append(r.requested, i)
		err = nil
	}
	if !fromJournal && r.e.Journal != nil && r.journalErr == nil {
		r.journalErr = r.e.Journal.record(i, r.actions[i], err)
	}
	if err != nil {
		r.state[i] = stateFailed
		r.errs[i] = err
		r.prog.Failed++
	} else {
		r.state[i] = stateOK
		r.prog.Done++
		if !fromJournal {
			r.res.Applied++
		}
	}
	if fromJournal {
		r.res.Resumed++
	}
	if r.e.Progress != nil {
		r.prog.Action, r.prog.Err, r.prog.Resumed = r.actions[i], err, fromJournal
		r.e.Progress(r.prog)
	}
	for _, k := range r.dependents[i] {
		r.waiting[k]--
		if r.waiting[k] == 0 {
			r.push(k)
		}
	}
}

// replayJournal finishes the actions the journal holds, in plan order, so
// dependents are released as in a fresh run.
func (r *run) replayJournal() {
	j := r.e.Journal
	if j == nil {
		return
	}
	for i := range r.actions {
		if _, ok := j.outcomes[i]; ok {
			r.waiting[i] = -1 // never becomes ready
		}
	}
	for i := range r.actions {
		if rec, ok := j.outcomes[i]; ok {
			var err error
			if !rec.ok {
				err = &RecordedError{Message: rec.msg}
			}
			r.finish(i, err, true)
		}
	}
}

// settleFailedDeps finishes, without a worker, the ready actions at the
// head of the queue whose hard dependency failed.
func (r *run) settleFailedDeps() {
	for r.ready.Len() > 0 {
		i := r.ready[0]
		failedDep := -1
		for _, d := range r.deps[i] {
			if r.state[d] == stateFailed && hard(r.actions[i], r.actions[d]) {
				failedDep = d
				break
			}
		}
		if failedDep < 0 {
			return
		}
		heap.Pop(&r.ready)
		r.finish(i, fmt.Errorf("%w: %s: %v", ErrDependencyFailed, r.actions[failedDep].Kind, r.errs[failedDep]), false)
		if r.journalErr != nil {
			return
		}
	}
}

// dispatch hands ready actions to the workers over work and takes their
// outcomes from results, until every action is finished, or ctx is done
// or the journal cannot be written (then it cancels the others and waits
// for those in flight). It reports whether the run stopped early, and the
// journal's error.
func (r *run) dispatch(ctx context.Context, cancel context.CancelFunc, work chan<- int, results <-chan outcome) (stopping bool, stopErr error) {
	inflight := 0
	// done is ctx.Done() until the run is stopping, then nil: once
	// stopping, the loop only waits for the actions in flight, and a
	// closed channel in the select would make it spin.
	done := ctx.Done()
	stop := func() {
		if r.journalErr != nil && !stopping {
			stopping, stopErr = true, r.journalErr
			cancel()
		}
	}
	for {
		if stopping {
			done = nil
		} else {
			r.settleFailedDeps()
			stop()
		}
		if inflight == 0 && (stopping || r.ready.Len() == 0) {
			return stopping, stopErr
		}
		var send chan<- int
		next := -1
		if !stopping && r.ready.Len() > 0 {
			send, next = work, r.ready[0]
		}
		select {
		case send <- next:
			heap.Pop(&r.ready)
			inflight++
		case o := <-results:
			inflight--
			if o.err != nil && ctx.Err() != nil {
				// Interrupted, not failed: not journaled, so a resumed
				// run tries it again.
				stopping = true
				continue
			}
			r.finish(o.i, o.err, false)
			stop()
		case <-done:
			stopping = true
		}
	}
}

// result gathers the Result and the error Apply returns.
func (r *run) result(ctx context.Context, stopping bool, stopErr error) (*Result, error) {
	res := r.res
	for i, s := range r.state {
		if s == stateFailed {
			res.Failed = append(res.Failed, Failure{Action: r.actions[i], Err: r.errs[i]})
		}
	}
	slices.Sort(r.requested)
	for _, i := range r.requested {
		res.Requested = append(res.Requested, r.actions[i])
	}
	if stopErr != nil {
		return res, stopErr
	}
	if stopping {
		if err := ctx.Err(); err != nil {
			// Report the caller's reason, not our own cancel.
			return res, context.Cause(ctx)
		}
	}
	if r.prog.Done+r.prog.Failed != len(r.actions) {
		return res, errors.New("importer: internal error: plan not finished")
	}
	return res, nil
}
