package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/backoff"
)

// Defaults of [Deliverer] (and of [Transfer.Concurrency]); a field <= 0
// takes its default.
const (
	// DefaultConcurrency is how many requests are in flight at once.
	DefaultConcurrency = 8
	// DefaultMaxAttempts is how many times an inbox is tried per run.
	DefaultMaxAttempts = 4
	// DefaultBaseDelay bounds the wait before the first retry.
	DefaultBaseDelay = time.Second
	// DefaultMaxDelay caps the bound of the wait between retries.
	DefaultMaxDelay = 5 * time.Minute
	// DefaultMaxRetryAfter is the longest Retry-After honoured.
	DefaultMaxRetryAfter = 15 * time.Minute
	// DefaultHostFailures is how many temporary failures in a row put a
	// host aside.
	DefaultHostFailures = 5
	// DefaultHostCooldown is how long a host stays put aside.
	DefaultHostCooldown = 5 * time.Minute
	// DefaultTimeout bounds one request.
	DefaultTimeout = 10 * time.Second
)

// DeliveryUnit is one activity for one inbox: an independent unit a host
// can put on its own job queue and send with [Deliverer.Deliver].
type DeliveryUnit struct {
	Inbox    string
	Activity []byte // the encoded activity, with an "id"
}

// DeliveryProgress is what [Deliverer.Progress] is told after each inbox
// of [Deliverer.DeliverAll].
type DeliveryProgress struct {
	Inbox      string
	ActivityID string
	Err        error // nil when delivered (or already delivered)
	Done       int   // inboxes finished so far, this one included
	Total      int
}

// maxKnownSchemes bounds how many hosts a [Deliverer] remembers the
// signature scheme of.
const maxKnownSchemes = 4096

// Deliverer sends activities, HTTP-signed, to inboxes: with bounded
// concurrency, retries with exponential backoff per inbox, hosts that keep
// failing put aside without holding up the others, and, with a
// [DeliveryLog], a record of each success so that a killed run resumes
// without sending twice. Set Signer; the zero value of every other field
// works.
//
// A Deliverer is safe for concurrent use; do not change its fields while
// it runs.
type Deliverer struct {
	// Signer signs each request with the sending account's key, with
	// its Scheme first. An inbox that refuses a request with 400 or 401
	// gets it once more signed with the other scheme ("double-knock", as
	// Fedify does); the scheme that was accepted is remembered per host
	// (for up to 4096 hosts) and tried first next time.
	Signer *activitypub.Signer
	// HTTPClient sends the requests; nil means a client over
	// activitypub.NewTransport(AllowPrivate), which refuses to dial
	// non-public addresses, keeping up to Concurrency idle connections
	// per host so that a busy shared inbox is not redialled for each
	// delivery. Its redirects are not followed. A client of your own
	// should do the same: net/http keeps only 2 idle connections per
	// host by default.
	HTTPClient *http.Client
	// AllowPrivate permits inboxes at loopback and private addresses,
	// AllowHTTP plain-http inboxes: for tests and local development.
	AllowPrivate, AllowHTTP bool
	// UserAgent is sent with each request; "" means
	// activitypub.DefaultUserAgent.
	UserAgent string
	// Concurrency bounds the requests in flight (default
	// [DefaultConcurrency]).
	Concurrency int
	// MaxAttempts bounds the sends per inbox in one run of DeliverAll
	// (default [DefaultMaxAttempts]).
	MaxAttempts int
	// BaseDelay bounds the wait before the first retry, doubled for each
	// next one up to MaxDelay (defaults [DefaultBaseDelay],
	// [DefaultMaxDelay]); each wait is drawn at random up to the bound
	// ("full jitter"), or is the inbox's Retry-After when longer.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After DeliverAll waits for
	// (default [DefaultMaxRetryAfter]): an inbox that asks for a longer
	// wait is not retried in this run, which a later run (with the Log)
	// picks up. [Deliverer.RetryDelay], for job queues, honours any wait.
	MaxRetryAfter time.Duration
	// HostFailures is how many temporary failures in a row (network
	// errors, 408, 429, 5xx) put a host aside (default
	// [DefaultHostFailures]): its other inboxes fail at once with
	// [ErrHostPutAside] for HostCooldown (default [DefaultHostCooldown]),
	// after which one delivery probes the host again. A permanent refusal
	// (another 4xx) concerns one inbox and does not count.
	HostFailures int
	HostCooldown time.Duration
	// Timeout bounds each request (default [DefaultTimeout]).
	Timeout time.Duration
	// Log, when set, records each success and is consulted first, so
	// that DeliverAll run again sends only what was not accepted.
	Log *DeliveryLog
	// Progress, when set, is called after each inbox of DeliverAll, from
	// one goroutine at a time. It should return quickly.
	Progress func(DeliveryProgress)

	once    sync.Once
	hc      *http.Client
	schemes knownSchemes
}

// policy returns the Deliverer's retry policy.
func (d *Deliverer) policy() *backoff.Policy {
	return &backoff.Policy{
		MaxAttempts:   or(d.MaxAttempts, DefaultMaxAttempts),
		BaseDelay:     or(d.BaseDelay, DefaultBaseDelay),
		MaxDelay:      or(d.MaxDelay, DefaultMaxDelay),
		MaxRetryAfter: or(d.MaxRetryAfter, DefaultMaxRetryAfter),
	}
}

// or returns v, or d when v <= 0.
func or[T ~int | ~int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// knownSchemes remembers, per host, the signature scheme it accepted,
// forgetting the oldest entry beyond maxKnownSchemes.
type knownSchemes struct {
	mu    sync.Mutex
	m     map[string]activitypub.Scheme
	order []string // insertion order, for eviction
}

func (k *knownSchemes) get(host string) (activitypub.Scheme, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.m[host]
	return s, ok
}

func (k *knownSchemes) set(host string, s activitypub.Scheme) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = make(map[string]activitypub.Scheme)
	}
	if _, ok := k.m[host]; !ok {
		if len(k.order) >= maxKnownSchemes {
			delete(k.m, k.order[0])
			k.order = k.order[1:]
		}
		k.order = append(k.order, host)
	}
	k.m[host] = s
}

func otherScheme(s activitypub.Scheme) activitypub.Scheme {
	if s == activitypub.SchemeRFC9421 {
		return activitypub.SchemeCavage
	}
	return activitypub.SchemeRFC9421
}

func (d *Deliverer) client() *http.Client {
	d.once.Do(func() {
		var hc http.Client
		if d.HTTPClient != nil {
			hc = *d.HTTPClient
		} else {
			tr := activitypub.NewTransport(d.AllowPrivate)
			// Requests in flight to one host all return their
			// connection to the idle pool; the default pool of 2 would
			// close the others and dial anew for the next deliveries.
			tr.MaxIdleConnsPerHost = d.concurrency()
			tr.MaxIdleConns = max(tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
			hc.Transport = tr
		}
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		d.hc = &hc
	})
	return d.hc
}

func (d *Deliverer) concurrency() int { return or(d.Concurrency, DefaultConcurrency) }

// Deliver sends u once, signed (twice when the inbox refuses the first
// signature scheme with 400 or 401: see [Deliverer.Signer]), and returns
// nil when the inbox accepted it (2xx), else a *[DeliveryError] whose
// Temporary method says whether a later retry may succeed (network
// errors, 408, 429, 5xx). It neither retries nor consults the Log: a
// host running units on its own job queue retries with the queue's
// policy ([Deliverer.RetryDelay]) and records successes itself.
func (d *Deliverer) Deliver(ctx context.Context, u DeliveryUnit) error {
	if d.Signer == nil {
		return &DeliveryError{Inbox: u.Inbox, Err: errors.New("Deliverer has no Signer")}
	}
	target, err := url.Parse(u.Inbox)
	if err != nil || target.Host == "" || (target.Scheme != "https" && (target.Scheme != "http" || !d.AllowHTTP)) {
		return &DeliveryError{Inbox: u.Inbox, Err: fmt.Errorf("%w: inbox %q", activitypub.ErrInvalidAddress, u.Inbox)}
	}
	host := strings.ToLower(target.Host)
	first := d.Signer.Scheme
	if first == "" {
		first = activitypub.SchemeCavage
	}
	if known, ok := d.schemes.get(host); ok {
		first = known
	}
	status, wait, err := d.send(ctx, u, first)
	if err != nil {
		return err
	}
	if status == http.StatusUnauthorized || status == http.StatusBadRequest {
		// Double-knock: the inbox may not know this scheme.
		second := otherScheme(first)
		status2, wait2, err := d.send(ctx, u, second)
		switch {
		case err != nil:
			return err
		case status2 >= 200 && status2 <= 299:
			d.schemes.set(host, second)
			return nil
		case temporaryStatus(status2):
			// Worth a retry, which starts again from the preferred
			// scheme.
			status, wait = status2, wait2
		}
		// Otherwise both were refused: report the preferred scheme's
		// refusal.
	}
	if status >= 200 && status <= 299 {
		d.schemes.set(host, first)
		return nil
	}
	temp := temporaryStatus(status)
	de := &DeliveryError{Inbox: u.Inbox, StatusCode: status, temporary: temp}
	if temp {
		de.RetryAfter = backoff.ParseRetryAfter(wait, time.Now())
	}
	return de
}

// temporaryStatus reports whether an inbox's answer may change on a
// retry: 408, 429 and 5xx.
func temporaryStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// send signs u with scheme and sends it once, returning the status and
// the Retry-After header of the answer.
func (d *Deliverer) send(ctx context.Context, u DeliveryUnit, scheme activitypub.Scheme) (status int, retryAfter string, err error) {
	ctx, cancel := context.WithTimeout(ctx, or(d.Timeout, DefaultTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.Inbox, bytes.NewReader(u.Activity))
	if err != nil {
		return 0, "", &DeliveryError{Inbox: u.Inbox, Err: err}
	}
	req.Header.Set("Content-Type", activitypub.ContentTypeActivityJSON)
	ua := d.UserAgent
	if ua == "" {
		ua = activitypub.DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	signer := *d.Signer
	signer.Scheme = scheme
	if err := signer.Sign(req, u.Activity); err != nil {
		return 0, "", &DeliveryError{Inbox: u.Inbox, Err: err}
	}
	resp, err := d.client().Do(req)
	if err != nil {
		return 0, "", &DeliveryError{Inbox: u.Inbox, temporary: !errors.Is(err, activitypub.FetchPrivateAddress), Err: err}
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After"), nil
}

// DeliveryResult counts what [Deliverer.DeliverAll] did.
type DeliveryResult struct {
	Total     int // distinct inboxes
	Delivered int // accepted in this run
	Skipped   int // already recorded in the Log
	Failed    int // refused, or still failing after MaxAttempts
	PutAside  int // not attempted: their host kept failing
	// Errors holds one error per inbox that failed or was put aside:
	// *DeliveryError, some wrapping ErrHostPutAside.
	Errors []error
}

// ActivityID returns the "id" of an encoded activity, which
// [Deliverer.DeliverAll] and a [DeliveryLog] key deliveries by; it fails
// when the activity is not a JSON object with a non-empty string id.
func ActivityID(activity []byte) (string, error) {
	var probe struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(activity, &probe); err != nil || probe.ID == "" {
		return "", errors.New("migrate: activity to deliver has no id")
	}
	return probe.ID, nil
}

// DeliverAll delivers activity (an encoded activity with an "id") to each
// inbox, deduplicated, and returns what happened. Each inbox is sent to
// at most MaxAttempts times, waiting as [Deliverer.RetryDelay] says
// (the inbox's Retry-After when it asks for longer than the backoff); a
// failure does not hold up the other inboxes. With a Log, inboxes it
// records for this activity id are skipped and each success is recorded
// before being counted, so calling DeliverAll again after a crash or a
// partial failure sends only to inboxes that did not accept yet. The
// error is non-nil only when ctx ends or the Log fails; per-inbox
// failures are in the report.
func (d *Deliverer) DeliverAll(ctx context.Context, activity []byte, inboxes []string) (*DeliveryResult, error) {
	id, err := ActivityID(activity)
	if err != nil {
		return nil, err
	}
	inboxes = dedupe(inboxes)
	rep := &DeliveryResult{Total: len(inboxes)}
	hosts := &backoff.Breaker{
		HostFailures: or(d.HostFailures, DefaultHostFailures),
		HostCooldown: or(d.HostCooldown, DefaultHostCooldown),
	}
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		logErr error
	)
	work := make(chan string)
	for range min(d.concurrency(), len(inboxes)) {
		wg.Go(func() {
			for inbox := range work {
				skipped := d.Log != nil && d.Log.Delivered(id, inbox)
				var err error
				if !skipped {
					err = d.deliverWithRetry(ctx, DeliveryUnit{Inbox: inbox, Activity: activity}, hosts)
					if err == nil && d.Log != nil {
						if lerr := d.Log.Record(id, inbox); lerr != nil {
							mu.Lock()
							logErr = lerr
							mu.Unlock()
							err = lerr
						}
					}
				}
				mu.Lock()
				switch {
				case skipped:
					rep.Skipped++
				case err == nil:
					rep.Delivered++
				case errors.Is(err, ErrHostPutAside):
					rep.PutAside++
					rep.Errors = append(rep.Errors, err)
				default:
					rep.Failed++
					rep.Errors = append(rep.Errors, err)
				}
				if d.Progress != nil {
					done := rep.Skipped + rep.Delivered + rep.PutAside + rep.Failed
					d.Progress(DeliveryProgress{Inbox: inbox, ActivityID: id, Err: err, Done: done, Total: rep.Total})
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, inbox := range inboxes {
		select {
		case work <- inbox:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, logErr
}

// deliverWithRetry sends u until it succeeds, fails for good, runs out of
// attempts or its host is put aside.
func (d *Deliverer) deliverWithRetry(ctx context.Context, u DeliveryUnit, hosts *backoff.Breaker) error {
	p := d.policy()
	attempts := p.Attempts()
	host := hostOf(u.Inbox)
	var last *DeliveryError
	for i := 1; i <= attempts; i++ {
		if err := hosts.Allow(host); err != nil {
			return &DeliveryError{Inbox: u.Inbox, Attempts: i - 1, temporary: true, Err: fmt.Errorf("%w: %w", ErrHostPutAside, err)}
		}
		err := d.Deliver(ctx, u)
		if err == nil {
			hosts.Success(host)
			return nil
		}
		if ctx.Err() != nil {
			hosts.Abandon(host) // no verdict on the host
			return err
		}
		if !errors.As(err, &last) {
			hosts.Failure(host, err)
			return err
		}
		last.Attempts = i // before the breaker shares it with other goroutines
		if last.temporary {
			hosts.Failure(host, last)
		} else {
			// A host that answers 4xx for one inbox (a deleted
			// account) is up; only failures that say it is not count.
			hosts.Answered(host)
		}
		if !last.temporary || i == attempts {
			break
		}
		wait, retry := p.Wait(i, last.RetryAfter)
		if !retry {
			break // the inbox asked for more than MaxRetryAfter
		}
		if backoff.Sleep(ctx, wait) != nil {
			return last
		}
	}
	return last
}

func hostOf(inbox string) string {
	u, err := url.Parse(inbox)
	if err != nil {
		return inbox
	}
	return strings.ToLower(u.Host)
}

func dedupe(list []string) []string {
	seen := make(map[string]struct{}, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if _, ok := seen[s]; ok || s == "" {
			continue
		}
		seen[s] = struct{}{}
		out = append(out, s)
	}
	return out
}
