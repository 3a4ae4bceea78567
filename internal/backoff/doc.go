// Package backoff is fediport's one retry mechanism: how long to wait
// before trying again, and which hosts to leave alone for a while.
//
// A [Policy] gives the wait after a failed attempt: exponential from
// BaseDelay, capped at MaxDelay, drawn at random up to that bound ("full
// jitter", so that many clients that failed together do not retry
// together), or the peer's Retry-After when it asked for longer, which
// is honoured up to MaxRetryAfter and refused beyond it (the caller gives
// up rather than retrying sooner than the peer asked). MaxAttempts bounds
// the tries. [ParseRetryAfter] reads the header.
//
// A [Breaker] is a per-host circuit breaker: HostFailures temporary
// failures in a row open a host's circuit for HostCooldown; meanwhile
// [Breaker.Allow] refuses that host's attempts with an [*OpenError] (or
// [Breaker.Wait] waits), while other hosts go on. After the cooldown one
// attempt probes the host, and its outcome closes or reopens the circuit.
// A permanent answer (a 404, say) shows the host is up but does not reset
// the count, since a server that cannot reach a host often answers "not
// found"; it does close the circuit when it answers a probe.
//
// A [Gate] holds every worker back until a rate limit resets, for
// servers whose limit is per account rather than per request.
//
// Randomness and time can be injected (Policy.Rand, Breaker.Now,
// Breaker.Sleep, Gate.Now, Gate.Sleep), so tests are deterministic.
//
// Used by importer's Engine, migrate's Deliverer and importer/posts; a
// zero field takes the package default, and each user sets its own
// defaults in its own config type.
package backoff
