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
		policy: &backoff.Policy{
			MaxAttempts:   orDefault(e.MaxAttempts, DefaultMaxAttempts),
			BaseDelay:     orDefault(e.BaseDelay, DefaultBaseDelay),
			MaxDelay:      orDefault(e.MaxDelay, DefaultMaxDelay),
			MaxRetryAfter: orDefault(e.MaxRetryAfter, DefaultMaxRetryAfter),
		},
		breaker: &backoff.Breaker{
			HostFailures: orDefault(e.HostFailures, DefaultHostFailures),
			HostCooldown: orDefault(e.HostCooldown, DefaultHostCooldown),
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

type run struct {
	e       *Engine
	plan    *Plan
	dst     Destination
	gate    *backoff.Gate
	policy  *backoff.Policy
	breaker *backoff.Breaker
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

func (r *run) apply(ctx context.Context) (*Result, error) {
	actions := r.plan.Actions
	n := len(actions)
	res := &Result{Type: r.plan.Type, Total: n}
	deps := dependencies(actions)
	dependents := make([][]int, n)
	waiting := make([]int, n)
	for i, d := range deps {
		waiting[i] = len(d)
		for _, j := range d {
			dependents[j] = append(dependents[j], i)
		}
	}
	state := make([]int, n)
	errs := make([]error, n)
	var ready indexHeap
	queued := make([]bool, n)
	push := func(i int) {
		if !queued[i] && state[i] == statePending {
			queued[i] = true
			heap.Push(&ready, i)
		}
	}
	var journalErr error
	prog := Progress{Total: n}

	// finish records the outcome of action i and releases its dependents.
	var requested []int
	finish := func(i int, err error, fromJournal bool) {
		if errors.Is(err, ErrRequested) {
			// Done, awaiting approval: nothing to retry.
			requested = append(requested, i)
			err = nil
		}
		if !fromJournal && r.e.Journal != nil && journalErr == nil {
			journalErr = r.e.Journal.record(i, actions[i], err)
		}
		if err != nil {
			state[i] = stateFailed
			errs[i] = err
			prog.Failed++
		} else {
			state[i] = stateOK
			prog.Done++
			if fromJournal {
				res.Resumed++
			} else {
				res.Applied++
			}
		}
		if fromJournal && err != nil {
			res.Resumed++
		}
		if r.e.Progress != nil {
			prog.Action, prog.Err, prog.Resumed = actions[i], err, fromJournal
			r.e.Progress(prog)
		}
		for _, k := range dependents[i] {
			waiting[k]--
			if waiting[k] == 0 {
				push(k)
			}
		}
	}

	if j := r.e.Journal; j != nil {
		// Replay the journal in plan order, so dependents are released
		// as in a fresh run.
		for i := range actions {
			if _, ok := j.outcomes[i]; ok {
				waiting[i] = -1 // never becomes ready
			}
		}
		for i := range actions {
			if rec, ok := j.outcomes[i]; ok {
				var err error
				if !rec.ok {
					err = &RecordedError{Message: rec.msg}
				}
				finish(i, err, true)
			}
		}
	}
	for i := range actions {
		if waiting[i] == 0 {
			push(i)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conc := orDefault(r.e.Concurrency, DefaultConcurrency)
	work := make(chan int)
	results := make(chan outcome)
	for range conc {
		go func() {
			for i := range work {
				results <- outcome{i, r.exec(ctx, actions[i])}
			}
		}()
	}

	inflight := 0
	stopping := false
	var stopErr error
	// done is ctx.Done() until the run is stopping, then nil: once
	// stopping, the loop only waits for the actions in flight, and a
	// closed channel in the select would make it spin.
	done := ctx.Done()
	for {
		if stopping {
			done = nil
		}
		// Settle ready actions whose hard dependency failed, without a
		// worker.
		for !stopping && ready.Len() > 0 {
			i := ready[0]
			failedDep := -1
			for _, d := range deps[i] {
				if state[d] == stateFailed && hard(actions[i], actions[d]) {
					failedDep = d
					break
				}
			}
			if failedDep < 0 {
				break
			}
			heap.Pop(&ready)
			finish(i, fmt.Errorf("%w: %s: %v", ErrDependencyFailed, actions[failedDep].Kind, errs[failedDep]), false)
			if journalErr != nil {
				stopping, stopErr = true, journalErr
				cancel()
			}
		}
		if inflight == 0 && (stopping || ready.Len() == 0) {
			break
		}
		var send chan int
		next := -1
		if !stopping && ready.Len() > 0 {
			send, next = work, ready[0]
		}
		select {
		case send <- next:
			heap.Pop(&ready)
			inflight++
		case o := <-results:
			inflight--
			if o.err != nil && ctx.Err() != nil {
				// Interrupted, not failed: not journaled, so a resumed
				// run tries it again.
				stopping = true
				continue
			}
			finish(o.i, o.err, false)
			if journalErr != nil && !stopping {
				stopping, stopErr = true, journalErr
				cancel()
			}
		case <-done:
			stopping = true
		}
	}
	close(work)

	for i, s := range state {
		if s == stateFailed {
			res.Failed = append(res.Failed, Failure{Action: actions[i], Err: errs[i]})
		}
	}
	slices.Sort(requested)
	for _, i := range requested {
		res.Requested = append(res.Requested, actions[i])
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
	if prog.Done+prog.Failed != n {
		return res, errors.New("importer: internal error: plan not finished")
	}
	return res, nil
}
