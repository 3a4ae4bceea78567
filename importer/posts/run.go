package posts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/internal/backoff"
	"github.com/fediport/fediport/internal/journal"
)

// Retry defaults of an [Importer]. A Mastodon server answers a burst
// beyond its post limit with a wait of up to three hours, which an
// import waits out rather than fail.
const (
	DefaultMaxAttempts   = backoff.DefaultMaxAttempts
	DefaultBaseDelay     = backoff.DefaultBaseDelay
	DefaultMaxDelay      = backoff.DefaultMaxDelay
	DefaultMaxRetryAfter = 4 * time.Hour
)

// Outcome is what became of one post in [Progress].
type Outcome string

// The outcomes of a post.
const (
	Posted  Outcome = "posted"  // created now
	Resumed Outcome = "resumed" // created by an earlier run, found in the journal or on the server
	Failed  Outcome = "failed"  // not created; see Progress.Err
)

// Progress is how far an import has come, passed to
// [Importer.Progress] after each post (Post and Outcome set) and when a
// rate limit makes it wait (Wait set).
type Progress struct {
	// Done is how many posts of the plan have been handled (posted,
	// resumed or failed), of Total.
	Done, Total int
	// Posted, Resumed and Failed count the posts so far; Media the files
	// uploaded.
	Posted, Resumed, Failed, Media int
	// Post is the post just handled, and Outcome what became of it; Err
	// is why it failed.
	Post    *Post
	Outcome Outcome
	Err     error
	// Wait, when not zero, is how long the import now waits for a rate
	// limit (the destination's stated one, or a server's 429); Waited
	// is the total so far.
	Wait, Waited time.Duration
	// Left is an estimate of the time the rest takes: the pace so far,
	// or the rate limits' least, whichever is longer.
	Left time.Duration
}

// Failure is a post that was not created.
type Failure struct {
	// ID and URL name the original status; Published is its date.
	ID, URL   string
	Published time.Time
	// Detail says why, for people; Err is the error.
	Detail string
	Err    error
}

// Temporary reports whether running the import again may post it: the
// server failed or could not be reached, rather than refusing the post.
func (f *Failure) Temporary() bool { return backoff.IsTemporary(f.Err) }

// Result is what an import did.
type Result struct {
	// Plan is the plan the import followed.
	Plan *Plan
	// Posted counts the posts created by this run, Media the files it
	// uploaded, Resumed the posts an earlier run had created.
	Posted, Media, Resumed int
	// Failed lists the posts not created, in order.
	Failed []Failure
	// Skipped counts the statuses not posted, by reason (as the plan).
	Skipped map[string]int
	// Changed counts the changes made to the posts that exist now, by
	// kind.
	Changed map[ChangeKind]int
	// Waited is the time spent waiting for rate limits.
	Waited time.Duration
}

// record is one line of the journal. One record may say several
// things, so that a post costs one write and one fsync: that the last
// post was created (Done, New) and that the next is about to be sent
// (Try), or that a file was uploaded.
type record struct {
	// Done is the original URI of a post the server created, as New.
	Done string `json:"done,omitempty"`
	New  string `json:"new,omitempty"`
	// Media is the original URI of a post whose file I was uploaded as
	// MediaID.
	Media   string `json:"media,omitempty"`
	I       int    `json:"i,omitempty"`
	MediaID string `json:"m,omitempty"`
	// Try is the original URI of a post about to be sent: until a record
	// says it is Done, a later run looks for it on the server first.
	Try string `json:"try,omitempty"`
}

// header binds a journal to an archive and a destination account.
type header struct {
	Format  string `json:"format"`
	Archive string `json:"archive"`
	Account string `json:"account"`
}

// Run imports the archive's posts into dst: it asks dst what it can
// carry, plans, and posts each post in order, uploading its media first,
// threading replies under the copies of their parents, and keeping to
// the destination's rate limits. With a Journal, a run after a crash
// goes on where the last stopped: posts it recorded are not posted again,
// and a post it was sending when it stopped is looked for on the server
// ([Destination.Find]) before it is sent again with the same idempotency
// key.
//
// It returns an error, with nothing posted, when dst refuses (a bad
// token) or the archive cannot be read; an error of the archive's stream
// or of the journal midway stops it, and the Result says what was done.
// Posts that fail are listed in Result.Failed and do not stop the
// others; a reply whose parent failed links the original instead.
func (im *Importer) Run(ctx context.Context, r *archive.Reader, dst Destination) (*Result, error) {
	if _, ok := dst.(Booster); im.Boosts && !ok {
		return nil, fmt.Errorf("posts: %T cannot boost (Importer.Boosts is set)", dst)
	}
	caps, err := dst.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	refs := im.refs(r)
	plan, err := im.plan(r, caps, refs)
	if err != nil {
		return nil, err
	}
	ru := &runner{im: im, r: r, dst: dst, caps: caps, start: time.Now(), refs: refs,
		made: map[uriKey]string{}, done: map[uriKey]bool{}, tried: map[uriKey]bool{}, media: map[mediaKey]string{},
		res:    &Result{Plan: plan, Changed: map[ChangeKind]int{}},
		policy: backoff.Policy{MaxAttempts: im.MaxAttempts, BaseDelay: im.BaseDelay, MaxDelay: im.MaxDelay, MaxRetryAfter: im.maxRetryAfter()},
		posts:  window{rate: caps.PostRate}, uploads: window{rate: caps.MediaRate},
	}
	ru.pr.Total = plan.Posts
	if im.Journal != "" {
		if err := ru.openJournal(); err != nil {
			return nil, err
		}
		defer ru.j.Close()
		defer ru.flush()
	}
	skipped := &Plan{}
	for p, err := range im.posts(r, caps, skipped, refs) {
		if err != nil {
			var pe *PostError
			if errors.As(err, &pe) {
				continue
			}
			return ru.result(skipped), err
		}
		if err := ru.post(ctx, p); err != nil {
			return ru.result(skipped), err
		}
	}
	return ru.result(skipped), nil
}

// flush records the last post created, if it is not yet.
func (ru *runner) flush() {
	if ru.pending.Done != "" {
		ru.record(record{}) // an error here costs a look on the server next time, nothing more
	}
}

func (im *Importer) maxRetryAfter() time.Duration {
	if im.MaxRetryAfter > 0 {
		return im.MaxRetryAfter
	}
	return DefaultMaxRetryAfter
}

type mediaKey struct {
	id uriKey
	i  int
}

// runner is one run of an import.
type runner struct {
	im    *Importer
	r     *archive.Reader
	dst   Destination
	caps  Capabilities
	j     *journal.Journal
	start time.Time

	// Maps of original statuses, keyed by their URIs' hashes. Memory
	// grows with the threads and boosts, not with the archive: made holds
	// the new ids of the statuses others reply to or boost (refs), done
	// and tried what a journal says (on a resumed run).
	refs  map[uriKey]struct{}
	made  map[uriKey]string // new ids of refs
	done  map[uriKey]bool   // created by an earlier run
	tried map[uriKey]bool   // sent by an earlier run, and not known to be done
	media map[mediaKey]string

	policy         backoff.Policy
	posts, uploads window

	// pending is the last post created, recorded with the next record.
	pending record

	res *Result
	pr  Progress
}

func (ru *runner) result(skipped *Plan) *Result {
	ru.res.Skipped = skipped.Skipped
	ru.res.Waited = ru.pr.Waited
	return ru.res
}

// openJournal opens the journal and replays it.
func (ru *runner) openJournal() error {
	arch := ""
	if a, err := ru.r.Actor(); err == nil {
		arch = a.ID
	}
	h, err := json.Marshal(header{Format: "fediport-posts 1", Archive: arch, Account: ru.caps.Account})
	if err != nil {
		return err
	}
	j, err := journal.Open(ru.im.Journal, h)
	if errors.Is(err, journal.ErrMismatch) {
		return fmt.Errorf("%w: %s: %w", ErrJournalMismatch, ru.im.Journal, err)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	for payload, err := range j.Replay() {
		if err != nil {
			j.Close()
			return fmt.Errorf("%w: %w", ErrJournal, err)
		}
		var rec record
		if err := json.Unmarshal(payload, &rec); err != nil {
			j.Close()
			return fmt.Errorf("%w: %s: record %q: %w", ErrJournal, ru.im.Journal, payload, err)
		}
		if rec.Done != "" {
			ru.created(keyOf(rec.Done), rec.New)
			ru.done[keyOf(rec.Done)] = true
			delete(ru.tried, keyOf(rec.Done))
		}
		if rec.Media != "" {
			ru.media[mediaKey{keyOf(rec.Media), rec.I}] = rec.MediaID
		}
		if rec.Try != "" {
			ru.tried[keyOf(rec.Try)] = true
		}
	}
	ru.j = j
	return nil
}

// record appends rec to the journal, with the post created last if it
// is not recorded yet.
func (ru *runner) record(rec record) error {
	if ru.j == nil {
		return nil
	}
	if ru.pending.Done != "" {
		rec.Done, rec.New = ru.pending.Done, ru.pending.New
		ru.pending = record{}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := ru.j.Append(b); err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	return nil
}

// post makes one post, or finds it made. Only an error that must stop
// the import (the journal, the context) is returned; a failed post is
// listed in the result.
func (ru *runner) post(ctx context.Context, p *Post) error {
	k := keyOf(p.ID)
	if ru.done[k] {
		return ru.finish(p, Resumed, nil)
	}
	if ru.tried[k] {
		// The last run sent it and stopped before it heard back.
		id, err := ru.find(ctx, p)
		if err != nil {
			return ru.fail(ctx, p, fmt.Errorf("looking for a copy made by the last run: %w", err))
		}
		if id != "" {
			if err := ru.record(record{Done: p.ID, New: id}); err != nil {
				return err
			}
			ru.created(k, id)
			delete(ru.tried, k)
			return ru.finish(p, Resumed, nil)
		}
	}
	req := Request{IdempotencyKey: ru.key(p)}
	if p.ReplyTo != "" {
		if id, ok := ru.made[keyOf(p.ReplyTo)]; ok {
			req.InReplyToID = id
		} else {
			// The parent failed: link the original instead.
			p.Text = "In reply to " + p.ReplyTo + "\n\n" + p.Text
			p.Changes = append(p.Changes, Change{Kind: ReplyAsLink, Detail: p.ReplyTo})
			p.ReplyTo = ""
		}
	}
	ids, reused, err := ru.uploadAll(ctx, p)
	if err != nil {
		return ru.fail(ctx, p, err)
	}
	req.MediaIDs = ids
	if !ru.tried[k] {
		if err := ru.record(record{Try: p.ID}); err != nil {
			return err
		}
		ru.tried[k] = true
	}
	id, err := ru.create(ctx, p, req)
	if err != nil && reused && !backoff.IsTemporary(err) && ctx.Err() == nil {
		// Files an earlier run uploaded may be gone: servers remove
		// media left unattached for a while. Upload them again, once.
		for i := range p.Media {
			delete(ru.media, mediaKey{k, i})
		}
		if req.MediaIDs, _, err = ru.uploadAll(ctx, p); err == nil {
			id, err = ru.create(ctx, p, req)
		}
	}
	if err != nil {
		return ru.fail(ctx, p, err)
	}
	// Recorded with the next record (or at the end of the run): should
	// the run die before, the next looks for it on the server, as for
	// any post tried and not recorded done.
	ru.pending = record{Done: p.ID, New: id}
	ru.created(k, id)
	delete(ru.tried, k)
	return ru.finish(p, Posted, nil)
}

// create sends p, retrying; before a retry it looks for a copy the last
// attempt may have made without an answer.
func (ru *runner) create(ctx context.Context, p *Post, req Request) (string, error) {
	var id string
	err := ru.retry(ctx, &ru.posts, func(attempt int) error {
		if attempt > 1 {
			if found, err := ru.find(ctx, p); err == nil && found != "" {
				id = found
				return nil
			}
		}
		var err error
		if p.Boost != "" {
			// Checked by Run: a destination boosts when Boosts is set.
			id, err = ru.dst.(Booster).Boost(ctx, p.Boost, ru.made[keyOf(p.Boost)])
		} else {
			id, err = ru.dst.Create(ctx, p, req)
		}
		return err
	})
	return id, err
}

// uploadAll uploads p's media, or takes the ids an earlier run recorded
// (reused then says so). A file the destination refuses for good is left
// out and reported ([MediaRejected]); any other failure fails the post.
func (ru *runner) uploadAll(ctx context.Context, p *Post) (ids []string, reused bool, err error) {
	for i := range p.Media {
		if _, ok := ru.media[mediaKey{keyOf(p.ID), i}]; ok {
			reused = true
		}
		id, err := ru.upload(ctx, p, i)
		switch {
		case err == nil:
			ids = append(ids, id)
		case ctx.Err() != nil || errors.Is(err, ErrJournal):
			return nil, false, err
		case backoff.IsTemporary(err):
			return nil, false, fmt.Errorf("uploading %s: %w", p.Media[i].Path, err)
		default:
			// Refused for good (a type or size the server does not
			// take): the post goes without it.
			p.Changes = append(p.Changes, Change{Kind: MediaRejected, Detail: p.Media[i].Path + ": " + err.Error()})
		}
	}
	return ids, reused, nil
}

// created notes the new id of k if a later post needs it.
func (ru *runner) created(k uriKey, id string) {
	if _, ok := ru.refs[k]; ok {
		ru.made[k] = id
	}
}

func (ru *runner) find(ctx context.Context, p *Post) (string, error) {
	var id string
	err := ru.retry(ctx, nil, func(int) error {
		var err error
		id, err = ru.dst.Find(ctx, p)
		return err
	})
	return id, err
}

// upload uploads media i of p, or returns the id an earlier run got.
func (ru *runner) upload(ctx context.Context, p *Post, i int) (string, error) {
	k := mediaKey{keyOf(p.ID), i}
	if id, ok := ru.media[k]; ok {
		return id, nil
	}
	m := &p.Media[i]
	var id string
	err := ru.retry(ctx, &ru.uploads, func(int) error {
		f, err := ru.r.Open(m.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		id, err = ru.dst.Upload(ctx, m, io.LimitReader(f, max(m.Size, 0)+1))
		return err
	})
	if err != nil {
		return "", err
	}
	if err := ru.record(record{Media: p.ID, I: i, MediaID: id}); err != nil {
		return "", err
	}
	ru.media[k] = id
	ru.res.Media++
	ru.pr.Media++
	return id, nil
}

// retry calls try until it succeeds, fails for good, or the attempts are
// spent, keeping to the rate window w (if not nil) and waiting out the
// server's rate limits.
func (ru *runner) retry(ctx context.Context, w *window, try func(attempt int) error) error {
	for attempt := 1; ; attempt++ {
		if w != nil {
			if d := w.wait(time.Now()); d > 0 {
				ru.waiting(d)
				if err := backoff.Sleep(ctx, d); err != nil {
					return err
				}
			}
			w.add(time.Now())
		}
		err := try(attempt)
		if err == nil || !backoff.IsTemporary(err) || ctx.Err() != nil {
			return err
		}
		if attempt >= ru.policy.Attempts() {
			return err
		}
		after := time.Duration(0)
		var apiErr *mastodonapi.Error
		if errors.As(err, &apiErr) {
			after = apiErr.RetryAfter
		}
		d, ok := ru.policy.Wait(attempt, after)
		if !ok {
			return err
		}
		if after > 0 {
			ru.waiting(d)
		}
		if err := backoff.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (ru *runner) waiting(d time.Duration) {
	ru.pr.Waited += d
	if ru.im.Progress != nil {
		pr := ru.pr
		pr.Wait, pr.Post, pr.Outcome, pr.Err = d, nil, "", nil
		pr.Left = ru.left() + d
		ru.im.Progress(pr)
	}
}

func (ru *runner) fail(ctx context.Context, p *Post, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, ErrJournal) {
		return err
	}
	ru.res.Failed = append(ru.res.Failed, Failure{ID: p.ID, URL: p.URL, Published: p.Published, Detail: err.Error(), Err: err})
	return ru.finish(p, Failed, err)
}

func (ru *runner) finish(p *Post, o Outcome, err error) error {
	switch o {
	case Posted:
		ru.res.Posted++
		ru.pr.Posted++
	case Resumed:
		ru.res.Resumed++
		ru.pr.Resumed++
	case Failed:
		ru.pr.Failed++
	}
	if o != Failed {
		for _, c := range p.Changes {
			ru.res.Changed[c.Kind]++
		}
	}
	ru.pr.Done++
	if ru.im.Progress != nil {
		pr := ru.pr
		pr.Post, pr.Outcome, pr.Err, pr.Wait = p, o, err, 0
		pr.Left = ru.left()
		ru.im.Progress(pr)
	}
	return nil
}

// left estimates the time the rest of the import takes.
func (ru *runner) left() time.Duration {
	rest := ru.pr.Total - ru.pr.Done
	if rest <= 0 {
		return 0
	}
	var pace time.Duration
	if n := ru.pr.Posted + ru.pr.Failed; n > 0 {
		pace = time.Since(ru.start) / time.Duration(n) * time.Duration(rest)
	}
	mediaLeft := max(ru.res.Plan.Media-ru.pr.Media, 0)
	return max(pace, ru.caps.Estimate(rest, mediaLeft))
}

// key is the idempotency key of p: the same for every attempt at p into
// this account, and different for any other post or account.
func (ru *runner) key(p *Post) string {
	h := sha256.Sum256([]byte("fediport-posts\x00" + ru.caps.Account + "\x00" + p.ID))
	return hex.EncodeToString(h[:16])
}

// window keeps to a rate limit: at most rate.N events in any rate.Per.
type window struct {
	rate  Rate
	times []time.Time // the last rate.N events, oldest first
}

// wait returns how long to wait before the next event.
func (w *window) wait(now time.Time) time.Duration {
	if w.rate.N <= 0 || len(w.times) < w.rate.N {
		return 0
	}
	return max(w.times[0].Add(w.rate.Per).Sub(now), 0)
}

func (w *window) add(now time.Time) {
	if w.rate.N <= 0 {
		return
	}
	if len(w.times) == w.rate.N {
		w.times = append(w.times[:0], w.times[1:]...)
	}
	w.times = append(w.times, now)
}

// uriKey stands for a status URI in the maps an import keeps of every
// post (done, tried, planned): 16 bytes of its SHA-256 instead of the
// URI, so that they cost about a third as much. Two URIs share a key
// with a probability of about n²/2^129: never, in practice.
type uriKey [16]byte

func keyOf(uri string) uriKey {
	h := sha256.Sum256([]byte(uri))
	return uriKey(h[:16])
}
