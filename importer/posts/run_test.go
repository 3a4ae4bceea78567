package posts_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/importer/posts"
)

func fastImporter(journal string) *posts.Importer {
	return &posts.Importer{Journal: journal, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
}

// TestRunGoToSocial imports the fixture into a GoToSocial-like server
// and reads back what it holds: dates, threading, media with alt text
// and focus, content warnings, no mention of another account.
func TestRunGoToSocial(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	var prog []posts.Progress
	im := fastImporter(filepath.Join(t.TempDir(), "journal"))
	im.Progress = func(p posts.Progress) { prog = append(prog, p) }
	res, err := im.Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 8 || res.Media != 1 || res.Resumed != 0 || len(res.Failed) != 0 {
		t.Fatalf("result = %+v", res)
	}
	wantChanged := map[posts.ChangeKind]int{posts.MentionDefused: 2, posts.ReplyAsLink: 1, posts.PollAsText: 1,
		posts.MediaMissing: 1, posts.EditHistoryDropped: 1}
	if d := cmp.Diff(wantChanged, res.Changed); d != "" {
		t.Errorf("changed (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]int{"boost": 1, "direct": 1, "like": 2}, res.Skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	// Order and dates: created in the archive's order, with its dates.
	var dates []string
	for _, s := range srv.Statuses() {
		dates = append(dates, s.CreatedAt.Format(time.RFC3339))
	}
	want := []string{"2019-01-02T10:30:00Z", "2019-01-03T10:30:00Z", "2019-01-04T10:30:00Z", "2019-01-05T10:30:00Z",
		"2019-01-06T10:30:00Z", "2019-01-09T10:30:00Z", "2019-01-10T10:30:00Z", "2019-01-12T10:30:00Z"}
	if d := cmp.Diff(want, dates); d != "" {
		t.Errorf("dates (-want +got):\n%s", d)
	}
	s := srv.Statuses()
	if s[1].InReplyToID != s[0].ID || s[7].InReplyToID != s[1].ID || s[3].InReplyToID != "" {
		t.Errorf("threading: %q %q %q", s[1].InReplyToID, s[7].InReplyToID, s[3].InReplyToID)
	}
	if s[1].SpoilerText != "red things" || !s[1].Sensitive || s[1].Visibility != "unlisted" || len(s[1].MediaIDs) != 1 {
		t.Errorf("status 2: %+v", s[1])
	}
	m := srv.Media(s[1].MediaIDs[0])
	if m.Description != "a red square" || m.Focus != "0.5,-0.25" || m.Name != "red.png" || m.ContentType != "image/png" || m.Size != len(redPNG()) {
		t.Errorf("media = %+v", m)
	}
	if len(prog) != 8 || prog[7].Done != 8 || prog[7].Total != 8 || prog[7].Posted != 8 || prog[7].Media != 1 || prog[7].Outcome != posts.Posted {
		t.Errorf("last progress = %+v (%d calls)", prog[len(prog)-1], len(prog))
	}

	// Run again with the journal: nothing is posted twice.
	res, err = im.Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 0 || res.Resumed != 8 || res.Media != 0 || len(srv.Statuses()) != 8 || srv.Uploads() != 1 {
		t.Errorf("second run: %+v, %d statuses, %d uploads", res, len(srv.Statuses()), srv.Uploads())
	}
}

// killer is a destination that dies (cancels the run) right after the
// server created the nth status, before the answer is back: the window
// between "created" and "recorded in the journal".
type killer struct {
	posts.Destination
	n      int
	cancel context.CancelFunc
	before bool // die before sending the nth status instead
}

func (k *killer) Create(ctx context.Context, p *posts.Post, req posts.Request) (string, error) {
	if k.before && k.n == 1 {
		k.cancel()
		return "", context.Canceled
	}
	id, err := k.Destination.Create(ctx, p, req)
	k.n--
	if k.n == 0 {
		k.cancel()
		return "", context.Canceled
	}
	return id, err
}

// TestRunKilledBetweenCreateAndJournal: a run that dies after the server
// created a status and before the journal recorded it, run again, finds
// that status on the server instead of posting it again, and posts the
// rest: exactly one copy of each post, for either destination.
func TestRunKilledBetweenCreateAndJournal(t *testing.T) {
	t.Parallel()
	for _, gts := range []bool{true, false} {
		srv := newServer(t, gts)
		dst := srv.Destination
		journal := filepath.Join(t.TempDir(), "journal")
		ctx, cancel := context.WithCancel(context.Background())
		_, err := fastImporter(journal).Run(ctx, openFixture(t), &killer{Destination: dst(), n: 3, cancel: cancel})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("gts=%v: killed run: %v", gts, err)
		}
		if len(srv.Statuses()) != 3 {
			t.Fatalf("gts=%v: %d statuses after the kill, want 3", gts, len(srv.Statuses()))
		}
		res, err := fastImporter(journal).Run(context.Background(), openFixture(t), dst())
		if err != nil {
			t.Fatal(err)
		}
		if res.Resumed != 3 || res.Posted != 5 || len(srv.Statuses()) != 8 {
			t.Errorf("gts=%v: rerun %+v, %d statuses, want 8", gts, res, len(srv.Statuses()))
		}
		seen := map[string]bool{}
		all := srv.Statuses()
		for _, s := range all {
			if seen[s.Text] {
				t.Errorf("gts=%v: posted twice: %q", gts, s.Text)
			}
			seen[s.Text] = true
		}
		if all[7].InReplyToID != all[1].ID {
			t.Errorf("gts=%v: the thread lost its parent across runs", gts)
		}
	}
}

// TestRunLostAnswer: the server creates a status and the connection
// breaks before the answer; the retry finds the status instead of
// posting it again. On Mastodon the idempotency key alone would do; the
// GoToSocial-like server here ignores it.
func TestRunLostAnswer(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	srv.FailNext("POST /api/v1/statuses", mastodonapitest.FailLost, mastodonapitest.Fail500, mastodonapitest.Fail429)
	res, err := fastImporter("").Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 8 || len(res.Failed) != 0 || len(srv.Statuses()) != 8 {
		t.Errorf("result %+v, %d statuses", res, len(srv.Statuses()))
	}
}

// TestRunHonoursRetryAfter: a 429 with a reset time is waited out for
// as long as the server asked, then the post goes through.
func TestRunHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	srv.FailNext("POST /api/v1/statuses", mastodonapitest.Fail429Wait)
	start := time.Now()
	res, err := fastImporter("").Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 8 || len(res.Failed) != 0 {
		t.Errorf("result %+v", res)
	}
	if res.Waited < time.Second || time.Since(start) < time.Second {
		t.Errorf("waited %v (ran %v), want the 1 s the server asked for", res.Waited, time.Since(start))
	}
}

// TestRunFailures: a post the server refuses is listed with its reason
// and does not stop the others; a reply to it links the original; a
// refused post is not temporary.
func TestRunFailures(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	dst := &refuse{Destination: &posts.GoToSocial{Client: srv.Client()}, text: "A reply to myself"}
	res, err := fastImporter("").Run(context.Background(), openFixture(t), dst)
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 7 || len(res.Failed) != 1 {
		t.Fatalf("result %+v", res)
	}
	f := res.Failed[0]
	if f.ID != st(2) || !strings.Contains(f.Detail, "422") || f.Temporary() {
		t.Errorf("failure = %+v, temporary %v", f, f.Temporary())
	}
	end := byText(srv, "The end of the thread")
	if len(end) != 1 || end[0].InReplyToID != "" || !strings.HasPrefix(end[0].Text, "In reply to "+st(2)) {
		t.Errorf("reply to the failed post: %+v", end)
	}
}

type refuse struct {
	posts.Destination
	text string
}

func (r *refuse) Create(ctx context.Context, p *posts.Post, req posts.Request) (string, error) {
	if strings.Contains(p.Text, r.text) {
		return "", &mastodonapi.Error{Method: "POST", Path: "/api/v1/statuses", StatusCode: 422, Err: mastodonapi.ErrRejected, Message: "no"}
	}
	return r.Destination.Create(ctx, p, req)
}

// TestRunTemporaryFailure: a server that keeps failing leaves the post
// failed and temporary, to be tried again by the next run.
func TestRunTemporaryFailure(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	srv.FailNext("POST /api/v1/statuses", mastodonapitest.Fail500, mastodonapitest.Fail500, mastodonapitest.Fail500,
		mastodonapitest.Fail500, mastodonapitest.Fail500)
	journal := filepath.Join(t.TempDir(), "journal")
	res, err := fastImporter(journal).Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 || !res.Failed[0].Temporary() || res.Posted != 7 {
		t.Fatalf("result %+v", res)
	}
	res, err = fastImporter(journal).Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 1 || res.Resumed != 7 || len(srv.Statuses()) != 8 {
		t.Errorf("rerun %+v, %d statuses", res, len(srv.Statuses()))
	}
}

// TestRunBadToken: a refused token stops the import before any post.
func TestRunBadToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	c := srv.Client()
	c.Token = "wrong"
	_, err := fastImporter("").Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: c})
	if !errors.Is(err, mastodonapi.ErrUnauthorized) || srv.Posts() != 0 {
		t.Errorf("err = %v, %d posts", err, srv.Posts())
	}
}

// TestRunJournalOfAnotherAccount: a journal is bound to its account.
func TestRunJournalOfAnotherAccount(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	journal := filepath.Join(t.TempDir(), "journal")
	other := &fixedCaps{Destination: &posts.GoToSocial{Client: srv.Client()}, account: "mallory@elsewhere"}
	if _, err := fastImporter(journal).Run(context.Background(), openFixture(t), other); err != nil {
		t.Fatal(err)
	}
	_, err := fastImporter(journal).Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if !errors.Is(err, posts.ErrJournalMismatch) {
		t.Errorf("err = %v, want ErrJournalMismatch", err)
	}
}

type fixedCaps struct {
	posts.Destination
	account string
}

func (f *fixedCaps) Capabilities(ctx context.Context) (posts.Capabilities, error) {
	c, err := f.Destination.Capabilities(ctx)
	c.Account = f.account
	return c, err
}

// TestRunMastodonRateLimit: the stated rate limit spaces the posts and
// is reported as waits; the estimate says so up front.
func TestRunMastodonRateLimit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, false)
	dst := &posts.Mastodon{Client: srv.Client(), PostRate: posts.Rate{N: 3, Per: 60 * time.Millisecond}, MediaRate: posts.Rate{N: -1}}
	var waits int
	im := fastImporter("")
	im.Progress = func(p posts.Progress) {
		if p.Wait > 0 {
			waits++
		}
	}
	caps, err := dst.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan, err := im.Plan(openFixture(t), caps)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Wait != 120*time.Millisecond {
		t.Errorf("estimate %v, want 120ms (8 posts, 3 per 60ms)", plan.Wait)
	}
	res, err := im.Run(context.Background(), openFixture(t), dst)
	if err != nil {
		t.Fatal(err)
	}
	if res.Posted != 8 || waits < 2 || res.Waited <= 0 {
		t.Errorf("posted %d, %d waits, waited %v", res.Posted, waits, res.Waited)
	}
	for _, s := range srv.Statuses() {
		if !strings.Contains(s.Text, "Originally posted") || s.Visibility == "public" {
			t.Errorf("status %q (%s)", s.Text, s.Visibility)
		}
	}
}

// server is a Mastodon API test server on loopback.
type server struct {
	*mastodonapitest.Server
	URL string
}

// Client returns a client of the server's account.
func (s server) Client() *mastodonapi.Client {
	return &mastodonapi.Client{BaseURL: s.URL, Token: token}
}

const token = "test-token"

// Destination returns a new destination for the server's account: a
// posts.GoToSocial if the server answers as GoToSocial, else a
// posts.Mastodon.
func (s server) Destination() posts.Destination {
	if s.GoToSocial {
		return &posts.GoToSocial{Client: s.Client()}
	}
	return &posts.Mastodon{Client: s.Client()}
}

// newServer starts a test server for alice@new.example, answering as
// GoToSocial if gts, else as Mastodon.
func newServer(t testing.TB, gts bool) server {
	s := mastodonapitest.New("new.example", "alice", token)
	s.GoToSocial = gts
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return server{s, hs.URL}
}

// byText returns the statuses whose text contains sub.
func byText(srv server, sub string) []mastodonapitest.Status {
	var out []mastodonapitest.Status
	for _, st := range srv.Statuses() {
		if strings.Contains(st.Text, sub) {
			out = append(out, st)
		}
	}
	return out
}

// TestRunStaleMedia: a run dies after uploading a post's file and before
// posting it; by the next run the server has removed the unattached file.
// The post refused for it is uploaded again and made, with its file.
func TestRunStaleMedia(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	journal := filepath.Join(t.TempDir(), "journal")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := fastImporter(journal).Run(ctx, openFixture(t), &killer{Destination: &posts.GoToSocial{Client: srv.Client()}, n: 2, before: true, cancel: cancel})
	if !errors.Is(err, context.Canceled) || srv.Uploads() != 1 || len(srv.Statuses()) != 1 {
		t.Fatalf("killed run: %v, %d uploads, %d statuses", err, srv.Uploads(), len(srv.Statuses()))
	}
	srv.DropUnattachedMedia()
	res, err := fastImporter(journal).Run(context.Background(), openFixture(t), &posts.GoToSocial{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	s := byText(srv, "A reply to myself")
	if res.Posted != 7 || res.Resumed != 1 || len(res.Failed) != 0 || srv.Uploads() != 2 || len(s) != 1 || len(s[0].MediaIDs) != 1 {
		t.Errorf("rerun %+v, %d uploads, %+v", res, srv.Uploads(), s)
	}
}

// TestRunBoosts: with Boosts, the archive's boost is made again, in its
// place; a rerun after a kill between the boost and the journal does not
// boost twice (GoToSocial makes a second boost, Mastodon answers with
// the first: so the run asks Find whether the account boosted it before
// boosting again).
func TestRunBoosts(t *testing.T) {
	t.Parallel()
	for _, gts := range []bool{true, false} {
		srv := newServer(t, gts)
		target := srv.AddStatus("http://new.test/users/bob/statuses/01HYYYYYYYYYYYYYYYYYYYYYYY")
		dst := srv.Destination
		journal := filepath.Join(t.TempDir(), "journal")
		ctx, cancel := context.WithCancel(context.Background())
		im := fastImporter(journal)
		im.Boosts = true
		_, err := im.Run(ctx, openFixture(t), &killBoost{Booster: dst().(posts.Booster), Destination: dst(), cancel: cancel})
		if !errors.Is(err, context.Canceled) || !slices.Equal(srv.Boosted(), []string{target}) {
			t.Fatalf("gts=%v: killed run %v, boosted %v", gts, err, srv.Boosted())
		}
		res, err := im.Run(context.Background(), openFixture(t), dst())
		if err != nil {
			t.Fatal(err)
		}
		if res.Posted != 3 || res.Resumed != 6 || len(res.Failed) != 0 || res.Changed[posts.BoostedNow] != 1 || res.Skipped[posts.SkipBoost] != 0 {
			t.Errorf("gts=%v: rerun %+v", gts, res)
		}
		if !slices.Equal(srv.Boosted(), []string{target}) || len(srv.Statuses()) != 8 {
			t.Errorf("gts=%v: boosted %v, %d statuses", gts, srv.Boosted(), len(srv.Statuses()))
		}
	}
}

// killBoost dies right after the boost is made.
type killBoost struct {
	posts.Destination
	posts.Booster
	cancel context.CancelFunc
}

func (k *killBoost) Boost(ctx context.Context, uri, id string) (string, error) {
	k.Booster.Boost(ctx, uri, id)
	k.cancel()
	return "", context.Canceled
}

// TestRunBoostsUnsupported: asking for boosts of a destination that
// cannot boost fails before anything is posted.
func TestRunBoostsUnsupported(t *testing.T) {
	t.Parallel()
	srv := newServer(t, true)
	im := fastImporter("")
	im.Boosts = true
	_, err := im.Run(context.Background(), openFixture(t), &refuse{Destination: &posts.GoToSocial{Client: srv.Client()}})
	if err == nil || !strings.Contains(err.Error(), "cannot boost") || srv.Posts() != 0 {
		t.Errorf("err = %v, %d posts", err, srv.Posts())
	}
}
