package importer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
)

// The engine's tests apply plans to importertest's in-memory destination,
// which behaves as Mastodon does: follow, block, mute and list membership
// are find-or-create, adding an account to a list needs the list and a
// follow, Fail can make any call fail, and Calls records every call.

func newMemDest() *importertest.Destination { return &importertest.Destination{} }

// slow makes each call of d take a random time up to maxDelay, and then
// asks next (if not nil) whether it fails.
func slow(d *importertest.Destination, maxDelay time.Duration, next func(call string) error) {
	d.Fail = func(call string) error {
		time.Sleep(rand.N(maxDelay))
		if next != nil {
			return next(call)
		}
		return nil
	}
}

// snapshot returns the destination's state as sorted lines.
func snapshot(d *importertest.Destination) []string {
	ctx := context.Background()
	var out []string
	read := func(t importer.Type) *importer.State {
		st, err := d.ReadState(ctx, t)
		if err != nil {
			panic(err) // every type is known
		}
		return st
	}
	lists := read(importer.Lists)
	for _, r := range lists.Following {
		out = append(out, "follow "+r.Account+" "+fmtOpts(r))
	}
	for _, l := range lists.Lists {
		out = append(out, "list "+l.Title)
		for _, a := range l.Members {
			out = append(out, "member "+l.Title+" "+a)
		}
	}
	for _, a := range read(importer.Blocking).Blocking {
		out = append(out, "block "+a)
	}
	for _, r := range read(importer.Muting).Muting {
		out = append(out, fmt.Sprintf("mute %s %t", r.Account, *r.HideNotifications))
	}
	for _, x := range read(importer.DomainBlocking).DomainBlocking {
		out = append(out, "domain "+x)
	}
	for _, x := range read(importer.Bookmarks).Bookmarks {
		out = append(out, "bookmark "+x)
	}
	sort.Strings(out)
	return out
}

func fmtOpts(r importer.Row) string {
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	l := "-"
	if r.Languages != nil {
		l = "[" + strings.Join(r.Languages, ",") + "]"
	}
	return b(r.ShowBoosts) + " " + b(r.Notify) + " " + l
}

func ptr[T any](v T) *T { return &v }

// errPermanent is a destination error the engine must not retry.
var errPermanent = errors.New("permanent failure")

// followerOnly implements Follower alone.
type followerOnly struct{ d *importertest.Destination }

func (f followerOnly) Follow(ctx context.Context, acct string, o importer.FollowOptions) error {
	return f.d.Follow(ctx, acct, o)
}

func (f followerOnly) Unfollow(ctx context.Context, acct string) error {
	return f.d.Unfollow(ctx, acct)
}

// onlyFollower hides every method but Follow and Unfollow.
func onlyFollower(d *importertest.Destination) importer.Destination {
	return importer.Destination{Follower: followerOnly{d}}
}
