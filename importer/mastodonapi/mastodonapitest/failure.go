package mastodonapitest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// A Failure is how the server answers a request it was told to fail,
// with [Server.FailNext] or [Server.RateLimitEvery].
type Failure string

// The failures.
const (
	// Fail500 answers 500 without serving the request.
	Fail500 Failure = "500"
	// Fail429 answers 429 with a reset time already due: a rate limit
	// the client may try again at once.
	Fail429 Failure = "429"
	// Fail429Wait answers 429 with a reset time [Server.RateLimitWait]
	// ahead, a wait the client must honour.
	Fail429Wait Failure = "429-wait"
	// FailLost serves the request (a status is created, a follow made)
	// and breaks the connection before the answer: the client cannot
	// know it was done.
	FailLost Failure = "lost"
)

// DefaultRateLimitWait is the wait of a [Fail429Wait] when
// [Server.RateLimitWait] is 0.
const DefaultRateLimitWait = time.Second

// FailNext makes the next requests to route fail, one failure each, in
// order. A route is written as [Server.Calls] counts it: the method and
// the path with {id} for an id ("POST /api/v1/statuses",
// "POST /api/v1/accounts/{id}/follow").
func (s *Server) FailNext(route string, failures ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[route] = append(s.failNext[route], failures...)
}

// failure returns the failure the request to route is to get, if any:
// the next one queued for the route, else a 429 if the request is a
// RateLimitEvery-th one.
func (s *Server) failure(route string) Failure {
	if q := s.failNext[route]; len(q) > 0 {
		s.failNext[route] = q[1:]
		return q[0]
	}
	if s.RateLimitEvery > 0 && s.requests%s.RateLimitEvery == 0 {
		return Fail429Wait
	}
	return ""
}

// fail answers w with f, an error failure; it reports false for
// FailLost, which serves the request first (see [Server.serveLost]).
func (s *Server) fail(w http.ResponseWriter, f Failure) bool {
	switch f {
	case Fail500:
		writeError(w, http.StatusInternalServerError, "Internal Server Error")
	case Fail429, Fail429Wait:
		wait := time.Duration(0)
		if f == Fail429Wait {
			wait = s.RateLimitWait
			if wait <= 0 {
				wait = DefaultRateLimitWait
			}
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", "300")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", s.resetTime(time.Now().Add(wait)))
		writeError(w, http.StatusTooManyRequests, "Too many requests")
	default:
		return false
	}
	return true
}

// serveLost serves the request into a recorder, then breaks the
// connection without an answer. Where the connection cannot be taken
// over (HTTP/2, a ResponseWriter of a test), it answers 504 Gateway
// Timeout instead, as a proxy that lost the answer would.
func (s *Server) serveLost(c *call, route string) {
	w := c.w
	c.w = httptest.NewRecorder()
	s.serve(c, route)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	writeError(w, http.StatusGatewayTimeout, "Gateway Timeout")
}

// resetTime writes the time a rate limit resets as the server does:
// Mastodon an ISO 8601 time with microseconds, GoToSocial a Unix time in
// whole seconds, here rounded up with a 100ms margin for the answer's
// way to the client, so that it waits no less than it was told.
func (s *Server) resetTime(t time.Time) string {
	if s.GoToSocial {
		return strconv.FormatInt(t.Add(100*time.Millisecond+time.Second-1).Unix(), 10)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}
