package migrate

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/fediport/fediport/activitypub"
)

// ActorFetcher fetches an actor document freshly, bypassing any cache: the
// checks of a move mean nothing against a stale copy. *activitypub.Client
// implements it, refusing private addresses, oversized and slow answers.
// A fetch of an account that does not exist or was deleted should fail
// with an error wrapping activitypub.ErrNotFound or activitypub.ErrGone.
type ActorFetcher interface {
	FetchActor(ctx context.Context, id string) (*activitypub.Actor, error)
}

// ActorFetcherFunc adapts a function to [ActorFetcher].
type ActorFetcherFunc func(ctx context.Context, id string) (*activitypub.Actor, error)

// FetchActor calls f.
func (f ActorFetcherFunc) FetchActor(ctx context.Context, id string) (*activitypub.Actor, error) {
	return f(ctx, id)
}

// fetchExact fetches the actor at id with f and makes sure the document
// is the one its own id serves, as activitypub.Client.FetchActor does
// (this guards other ActorFetchers): a document whose id is not id
// (fragment removed), such as a profile URL's, must name an id on id's
// host, which is fetched in turn and must have exactly that id. Otherwise
// the error wraps activitypub.ErrIDMismatch.
func fetchExact(ctx context.Context, f ActorFetcher, id string) (*activitypub.Actor, error) {
	if c, ok := f.(*activitypub.Client); ok {
		// Its FetchActor applies this very rule: checking again would
		// fetch a profile URL's actor a second time.
		return c.FetchActor(ctx, id)
	}
	a, err := f.FetchActor(ctx, id)
	if err != nil {
		return nil, err
	}
	want, _, _ := strings.Cut(id, "#")
	if a == nil {
		return nil, fmt.Errorf("%w: no actor document for %s", activitypub.ErrIDMismatch, want)
	}
	if a.ID == want {
		return a, nil
	}
	if !sameHost(a.ID, want) {
		return nil, fmt.Errorf("%w: %s served an actor with id %q, on another host", activitypub.ErrIDMismatch, want, a.ID)
	}
	b, err := f.FetchActor(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if b == nil || b.ID != a.ID {
		got := ""
		if b != nil {
			got = b.ID
		}
		return nil, fmt.Errorf("%w: %s served an actor with id %q, whose document has id %q", activitypub.ErrIDMismatch, want, a.ID, got)
	}
	return b, nil
}

// HandleResolver turns an account address (alice@example.com, with or
// without a leading @) into its actor URI, with WebFinger.
type HandleResolver interface {
	ResolveHandle(ctx context.Context, handle string) (actorID string, err error)
}

// HandleResolverFunc adapts a function to [HandleResolver].
type HandleResolverFunc func(ctx context.Context, handle string) (string, error)

// ResolveHandle calls f.
func (f HandleResolverFunc) ResolveHandle(ctx context.Context, handle string) (string, error) {
	return f(ctx, handle)
}

// IsHandle reports whether s is an account address (user@host, @user@host
// or acct:user@host) rather than an actor URL.
func IsHandle(s string) bool {
	if strings.Contains(s, "://") {
		return false
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "acct:"), "@")
	user, host, ok := strings.Cut(s, "@")
	return ok && user != "" && host != "" && !strings.ContainsAny(host, "@/ ")
}

// resolveID returns the actor URI of account, an actor URL or a handle.
func resolveID(ctx context.Context, r HandleResolver, account string) (string, error) {
	if !IsHandle(account) {
		return account, nil
	}
	if r == nil {
		return "", fmt.Errorf("migrate: cannot resolve %s: no HandleResolver", account)
	}
	id, err := r.ResolveHandle(ctx, account)
	if err != nil {
		return "", fmt.Errorf("migrate: resolving %s: %w", account, err)
	}
	return id, nil
}

// handle returns the account address of a, user@host: its webfinger
// member when it has one, else its preferredUsername at its id's host.
// It returns the id itself when neither is known.
func handle(a *activitypub.Actor) string {
	if a == nil {
		return ""
	}
	if a.Webfinger != "" {
		return strings.TrimPrefix(a.Webfinger, "acct:")
	}
	if u, err := url.Parse(a.ID); err == nil && u.Host != "" && a.PreferredUsername != "" {
		return a.PreferredUsername + "@" + u.Host
	}
	return a.ID
}

// WebFinger returns a [HandleResolver] that resolves account addresses
// with c's WebFinger lookup (activitypub.Client.WebFinger): the actor URI
// is the answer's self link.
func WebFinger(c *activitypub.Client) HandleResolver {
	return HandleResolverFunc(func(ctx context.Context, handle string) (string, error) {
		res, err := c.WebFinger(ctx, handle)
		if err != nil {
			return "", err
		}
		return res.Self, nil
	})
}
