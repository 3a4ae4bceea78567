package activitypub

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors of [Client]. A *[FetchError] or *[StatusError] wraps them; match
// them with [errors.Is]. A fetch that runs out of time matches
// [context.DeadlineExceeded].
var (
	// ErrInvalidURL means a URL is not an absolute http(s) URL.
	ErrInvalidURL = errors.New("activitypub: invalid URL")
	// ErrInsecureScheme means a URL, or a redirect, is not https and
	// [Client.AllowHTTP] is false.
	ErrInsecureScheme = errors.New("activitypub: URL is not https")
	// ErrPrivateAddress means a host resolved to, or is, a loopback,
	// private, link-local or otherwise non-public address and
	// [Client.AllowPrivate] is false. See [IsPublicAddress].
	ErrPrivateAddress = errors.New("activitypub: address is not public")
	// ErrTooManyRedirects means a fetch was redirected more than
	// [Client.MaxRedirects] times.
	ErrTooManyRedirects = errors.New("activitypub: too many redirects")
	// ErrResponseTooLarge means a response body exceeds [Client.MaxBody].
	ErrResponseTooLarge = errors.New("activitypub: response too large")
	// ErrContentType means a response is not JSON of the expected kind.
	ErrContentType = errors.New("activitypub: unexpected content type")
	// ErrIDMismatch means a fetched document's id does not belong where
	// it was fetched from (see [Client.FetchActor]), or a WebFinger self
	// link does not name the actor's id.
	ErrIDMismatch = errors.New("activitypub: document id does not match its URL")
	// ErrTooManyPages means a collection has more than
	// [Client.MaxPages] pages.
	ErrTooManyPages = errors.New("activitypub: too many collection pages")
	// ErrHTTPStatus means a server answered with a status other than
	// 2xx, 404 and 410.
	ErrHTTPStatus = errors.New("activitypub: unexpected HTTP status")
	// ErrNotFound means a server answered 404 Not Found.
	ErrNotFound = errors.New("activitypub: not found")
	// ErrGone means a server answered 410 Gone: the account or document
	// was deleted.
	ErrGone = errors.New("activitypub: gone")
)

// FetchError reports a failed fetch of URL.
type FetchError struct {
	URL string
	Err error
}

// Error describes the failure, naming its subject.
func (e *FetchError) Error() string {
	return fmt.Sprintf("activitypub: fetching %s: %v", e.URL, e.Err)
}

// Unwrap returns the underlying error.
func (e *FetchError) Unwrap() error { return e.Err }

// StatusError reports an HTTP response whose status is not 2xx. It
// unwraps to [ErrNotFound] for 404, [ErrGone] for 410 and [ErrHTTPStatus]
// otherwise.
type StatusError struct {
	URL        string
	StatusCode int
}

// Error describes the failure, naming its subject.
func (e *StatusError) Error() string {
	return fmt.Sprintf("activitypub: fetching %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// Unwrap returns [ErrNotFound], [ErrGone] or [ErrHTTPStatus].
func (e *StatusError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusGone:
		return ErrGone
	}
	return ErrHTTPStatus
}
