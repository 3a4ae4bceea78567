package mastodonapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/internal/backoff"
)

// The errors a [Client] returns unwrap to these; the engine of package
// importer retries the temporary ones ([Error.Temporary]).
var (
	// ErrNotFound means the server does not know the account, status or
	// list (HTTP 404, or a search that found nothing). Permanent.
	ErrNotFound = errors.New("mastodonapi: not found")
	// ErrUnauthorized means the token was refused (HTTP 401 or 403).
	// Permanent.
	ErrUnauthorized = errors.New("mastodonapi: unauthorized")
	// ErrRejected means the server refused the request as invalid (HTTP
	// 422), such as a follow beyond the follow limit. Permanent; the
	// server's message is in [Error.Message].
	ErrRejected = errors.New("mastodonapi: rejected")
	// ErrRateLimited means the server's rate limit was hit (HTTP 429).
	// Temporary: [Error.RetryAfter] says how long to wait.
	ErrRateLimited = errors.New("mastodonapi: rate limited")
	// ErrServer means the server failed (HTTP 5xx) or could not be
	// reached. Temporary.
	ErrServer = errors.New("mastodonapi: server unavailable")
	// ErrTooLarge means a successful (2xx) response body was
	// larger than [Client.MaxBytes]. Permanent. An error response
	// is classified by its status code, whatever its size.
	ErrTooLarge = errors.New("mastodonapi: response too large")
	// ErrUnexpected means any other answer: another status code, a body
	// that is not the JSON expected, or a Link header or redirect to
	// another server.
	ErrUnexpected = errors.New("mastodonapi: unexpected response")
	// ErrPlainHTTP means BaseURL is plain http:// to a server that is not
	// on this machine (loopback), and [Client.AllowHTTP] is not set: the
	// token would cross the network unencrypted. Permanent.
	ErrPlainHTTP = errors.New("mastodonapi: token refused to plain HTTP")
)

// unixTimeFloor tells a Unix time (2001 and later) from a number of
// seconds in an X-RateLimit-Reset header.
const unixTimeFloor = 1_000_000_000

// DefaultRateLimitWait is the wait [Error.RetryAfter] holds for a 429
// that says nothing about when the limit resets.
const DefaultRateLimitWait = 30 * time.Second

// Error is a failed API request.
type Error struct {
	// Method and Path are the request's (the path without query).
	Method, Path string
	// StatusCode is the HTTP status, or 0 when no response came.
	StatusCode int
	// Message is the server's "error" message, if any.
	Message string
	// RetryAfter is, for a 429, how long the server asked to wait, from
	// Retry-After or X-RateLimit-Reset ([DefaultRateLimitWait] if it did
	// not say); 0 for other errors.
	RetryAfter time.Duration
	// Err is the sentinel ([ErrNotFound] etc.) or, with StatusCode 0, the
	// transport's error.
	Err error
}

// Error returns "mastodonapi: METHOD PATH: status: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mastodonapi: ")
	b.WriteString(e.Method + " " + e.Path + ": ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode))
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel the error stands for, and the transport's
// error when there is one. For a 429 the sentinel comes wrapped in an
// [*importer.TemporaryError] carrying RetryAfter, so that package
// importer's engine waits as long as the server asked.
func (e *Error) Unwrap() []error {
	switch {
	case e.StatusCode == 0:
		return []error{ErrServer, e.Err}
	case e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0:
		return []error{&importer.TemporaryError{Err: e.Err, RetryAfter: e.RetryAfter}}
	}
	return []error{e.Err}
}

// Temporary reports whether trying again later may work: no response,
// 408, 429 or 5xx.
func (e *Error) Temporary() bool {
	c := e.StatusCode
	return c == 0 || c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500
}

// NotFoundError says an account, status or list could not be found or
// resolved. It unwraps to [ErrNotFound].
type NotFoundError struct {
	// What is "account", "status" or "list".
	What string
	// Name is the address, URI or title.
	Name string
}

// Error returns "mastodonapi: account NAME not found".
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("mastodonapi: %s %s not found", e.What, e.Name)
}

// Unwrap returns [ErrNotFound].
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

func sentinel(code int) error {
	switch {
	case code == http.StatusNotFound:
		return ErrNotFound
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return ErrUnauthorized
	case code == http.StatusUnprocessableEntity:
		return ErrRejected
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code >= 500 || code == http.StatusRequestTimeout:
		return ErrServer
	}
	return ErrUnexpected
}

// rateLimitWait reads how long a 429 asks to wait: Retry-After (seconds
// or an HTTP date), else X-RateLimit-Reset: an ISO 8601 time in
// Mastodon, a Unix time in GoToSocial (and a number of seconds to wait
// in some others, told apart from a Unix time by its size). A time
// already past is a wait of 1ms; no usable header, [DefaultRateLimitWait].
func rateLimitWait(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d := backoff.ParseRetryAfter(v, now); d > 0 {
			return d
		}
		if _, err := strconv.Atoi(v); err == nil || validHTTPTime(v) {
			return time.Millisecond // "0", or a date past
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return max(t.Sub(now), time.Millisecond)
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			if n < unixTimeFloor {
				return max(time.Duration(n)*time.Second, time.Millisecond)
			}
			return max(time.Unix(n, 0).Sub(now), time.Millisecond)
		}
	}
	return DefaultRateLimitWait
}

func validHTTPTime(v string) bool {
	_, err := http.ParseTime(v)
	return err == nil
}
