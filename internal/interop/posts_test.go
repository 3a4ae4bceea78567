package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/posts"
	"github.com/fediport/fediport/internal/archivegen"
)

// postImportFixture is importer/posts' test archive (see its
// fixture_test.go): a thread of three (public, unlisted with a content
// warning and an image with alt text and focal point, private), a
// mention of bob@new.test, a reply to bob, a closed poll, a direct
// message to bob, a boost, a post whose image is missing, an edited post.
var postImportFixture = filepath.Join("..", "..", "importer", "posts", "testdata", "posts.zip")

var buildPostImport sync.Once

// postImport runs examples/post-import, built once, and returns its exit
// code and output.
func postImport(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	buildPostImport.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(env.bin, "post-import"), "github.com/fediport/fediport/examples/post-import")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building post-import: %v\n%s", err, out)
		}
	})
	return program(t, "post-import", args...)
}

// gtsStatus is the part of GoToSocial's Status entity the tests read.
type gtsStatus struct {
	ID          string    `json:"id"`
	CreatedAt   time.Time `json:"created_at"`
	Content     string    `json:"content"`
	SpoilerText string    `json:"spoiler_text"`
	Sensitive   bool      `json:"sensitive"`
	Visibility  string    `json:"visibility"`
	Language    string    `json:"language"`
	InReplyToID string    `json:"in_reply_to_id"`
	Mentions    []struct {
		Acct string `json:"acct"`
	} `json:"mentions"`
	Media []struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		Meta        struct {
			Focus *struct{ X, Y float64 } `json:"focus"`
		} `json:"meta"`
	} `json:"media_attachments"`
}

// statuses returns every status of g's account, newest first.
func (g *gts) statuses() []gtsStatus {
	g.t.Helper()
	var me struct {
		ID string `json:"id"`
	}
	g.call(http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &me)
	var all []gtsStatus
	maxID := ""
	for range 100 {
		q := url.Values{"limit": {"40"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		var page []gtsStatus
		g.call(http.MethodGet, "/api/v1/accounts/"+me.ID+"/statuses?"+q.Encode(), nil, &page)
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		maxID = page[len(page)-1].ID
	}
	return all
}

// notifications returns how many notifications g's account has.
func (g *gts) notifications() int {
	g.t.Helper()
	var ns []json.RawMessage
	g.call(http.MethodGet, "/api/v1/notifications?limit=80", nil, &ns)
	return len(ns)
}

// TestPostImport imports importer/posts' test archive into
// carol@old.test with post-import, direct messages included, and reads
// the posts back through GoToSocial's API: dates, order, threading,
// content warning, media with alt text and focal point, each
// visibility, the poll as text, no mention left, and no notification to
// bob@new.test, whom the archive mentions and replies to. A second run
// with the same state posts nothing again.
func TestPostImport(t *testing.T) {
	peers(t)
	carol, bob := account(t, "carol", "old"), account(t, "bob", "new")
	before := len(carol.statuses())
	bobNotes := bob.notifications()
	state := filepath.Join(t.TempDir(), "state")
	args := []string{"-server", carol.base, "-token", carol.token, "-include-direct", "-state", state, "-json", postImportFixture}

	code, stdout, _ := postImport(t, args...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Posted, Media, Resumed, Failed int
		Skipped, Changed               map[string]int
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if res.Posted != 9 || res.Media != 1 || res.Failed != 0 || res.Changed["mention-defused"] != 3 || res.Changed["poll-as-text"] != 1 ||
		res.Changed["media-missing"] != 1 || res.Changed["reply-as-link"] != 1 || res.Skipped["boost"] != 1 || res.Skipped["like"] != 2 {
		t.Errorf("result %+v", res)
	}

	all := carol.statuses()
	if len(all)-before != 9 {
		t.Fatalf("%d statuses after the import, want %d", len(all), before+9)
	}
	// Newest first by id: the imported ones, backdated to 2019, are the
	// oldest of the account, in the archive's order.
	got := slices.Clone(all[len(all)-9:])
	slices.Reverse(got)
	wantDays := []int{2, 3, 4, 5, 6, 7, 9, 10, 12}
	wantVis := []string{"public", "unlisted", "public", "private", "public", "direct", "public", "public", "private"}
	for i, s := range got {
		want := time.Date(2019, 1, wantDays[i], 10, 30, 0, 0, time.UTC)
		if !s.CreatedAt.Equal(want) {
			t.Errorf("status %d created %v, want %v", i, s.CreatedAt, want)
		}
		if s.Visibility != wantVis[i] {
			t.Errorf("status %d visibility %s, want %s", i, s.Visibility, wantVis[i])
		}
		if len(s.Mentions) != 0 {
			t.Errorf("status %d mentions %+v", i, s.Mentions)
		}
	}
	if got[1].InReplyToID != got[0].ID || got[8].InReplyToID != got[1].ID || got[3].InReplyToID != "" {
		t.Errorf("threading: %q->%q, %q->%q, %q", got[1].InReplyToID, got[0].ID, got[8].InReplyToID, got[1].ID, got[3].InReplyToID)
	}
	if s := got[1]; s.SpoilerText != "red things" || !s.Sensitive || len(s.Media) != 1 || s.Media[0].Description != "a red square" ||
		s.Media[0].Meta.Focus == nil || s.Media[0].Meta.Focus.X != 0.5 || s.Media[0].Meta.Focus.Y != -0.25 {
		t.Errorf("status with media: %+v", s)
	}
	for i, want := range map[int]string{0: "#intro", 2: "bob@new.test look at this", 3: "In reply to http://new.test/users/bob/statuses/",
		4: "tea: 3 (75%)", 6: "This one lost its picture"} {
		if !strings.Contains(stripTags(got[i].Content), want) {
			t.Errorf("status %d content %q lacks %q", i, got[i].Content, want)
		}
	}
	if got[6].Language != "en" || got[7].Language != "zh" {
		t.Errorf("languages %q %q", got[6].Language, got[7].Language)
	}
	// A post whose answer was lost is found again through the API (what
	// a run after a crash does before sending a post again): each one.
	checkFound(t, &posts.GoToSocial{Client: &mastodonapi.Client{BaseURL: carol.base, Token: carol.token}},
		&posts.Importer{IncludeDirect: true}, got)

	time.Sleep(2 * time.Second) // a notification would be delivered by now
	if n := bob.notifications(); n != bobNotes {
		t.Errorf("bob@new.test has %d notifications, had %d before the import", n, bobNotes)
	}

	code, stdout, _ = postImport(t, args...)
	if code != 0 || !strings.Contains(stdout, `"resumed":9`) || !strings.Contains(stdout, `"posted":0`) {
		t.Errorf("second run: exit %d, %s", code, stdout)
	}
	if n := len(carol.statuses()); n != len(all) {
		t.Errorf("second run made %d statuses more", n-len(all))
	}
}

// stripTags drops HTML tags, for looking for text in a status.
// checkFound asks dst to find each post im plans from the fixture, as
// a run after a crash does before sending a post again, and checks it
// finds the status got holds for it, in order.
func checkFound(t *testing.T, dst posts.Destination, im *posts.Importer, got []gtsStatus) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	caps, err := dst.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := archive.Open(postImportFixture)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	i := 0
	for p, err := range im.Posts(r, caps, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if id, err := dst.Find(ctx, p); err != nil || i >= len(got) || id != got[i].ID {
			t.Errorf("Find(post %d) = %q, %v; want %s", i, id, err, got[min(i, len(got)-1)].ID)
		}
		i++
	}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&amp;", "&", "&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(b.String())
}

// TestPostImportKilledAndResumed imports a generated archive of 400
// statuses into dave@old.test, kills post-import with SIGKILL midway,
// and runs it again: every planned post exists exactly once. It logs
// the posts per second GoToSocial took (its rate limits are off).
func TestPostImportKilledAndResumed(t *testing.T) {
	peers(t)
	dave := account(t, "dave", "old")
	dir := t.TempDir()
	file := filepath.Join(dir, "gen.zip")
	if _, err := archivegen.WriteFile(file, archivegen.Options{Statuses: 400, Seed: 7, NoQuirks: true}); err != nil {
		t.Fatal(err)
	}
	existing := map[string]bool{} // what other tests left on dave (e.g. TestGoToSocialBoostsTwice's two boosts)
	for _, s := range dave.statuses() {
		existing[s.ID] = true
	}
	before := len(existing)
	state := filepath.Join(dir, "state")
	args := []string{"-server", dave.base, "-token", dave.token, "-target", "gotosocial", "-state", state, file}

	code, stdout, _ := postImport(t, "-dry-run", "-json", "-server", dave.base, "-target", "gotosocial", file)
	var plan struct{ Planned int }
	if err := json.Unmarshal([]byte(stdout), &plan); code != 0 || err != nil || plan.Planned < 100 {
		t.Fatalf("dry run: exit %d, %v, %s", code, err, stdout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, "post-import"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var me struct {
			StatusesCount int `json:"statuses_count"`
		}
		dave.call(http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &me)
		return me.StatusesCount
	}
	base := count()
	deadline := time.Now().Add(2 * time.Minute)
	for count()-base < plan.Planned/4 {
		if time.Now().After(deadline) {
			t.Fatalf("the import did not get going:\n%s", &out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := count() - base
	t.Logf("killed after %d of %d posts (%.0f posts/s)", killedAt, plan.Planned, float64(killedAt)/time.Since(start).Seconds())
	if killedAt >= plan.Planned {
		t.Fatalf("the import finished before the kill")
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("no journal after the kill: %v", err)
	}

	start = time.Now()
	code, stdout, _ = postImport(t, append([]string{"-json"}, args...)...)
	elapsed := time.Since(start)
	var res struct{ Posted, Resumed, Failed int }
	if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
		t.Fatalf("rerun: exit %d, %v", code, err)
	}
	t.Logf("rerun: %d posted, %d resumed in %v: %.0f posts/s into GoToSocial", res.Posted, res.Resumed, elapsed, float64(res.Posted)/elapsed.Seconds())
	if res.Posted+res.Resumed != plan.Planned || res.Failed != 0 {
		t.Errorf("rerun: %+v, want %d posted or resumed", res, plan.Planned)
	}
	all := dave.statuses()
	if n := len(all) - before; n != plan.Planned {
		t.Errorf("%d statuses imported, want exactly %d", n, plan.Planned)
	}
	seen := map[string]bool{}
	for _, s := range all {
		if existing[s.ID] {
			continue
		}
		k := s.CreatedAt.Format(time.RFC3339Nano) + "\x00" + s.Content
		if seen[k] {
			t.Errorf("posted twice: %s %.60q", s.CreatedAt, s.Content)
		}
		seen[k] = true
	}
}

// TestPostImportBoosts imports, with -boosts, an archive holding a post
// and a boost of a status of bob@new.test into alice@new.test: the post
// is backdated, the boost made again (GoToSocial then shows the status
// as boosted by alice), and a second run boosts nothing twice.
func TestPostImportBoosts(t *testing.T) {
	peers(t)
	alice, bob := account(t, "alice", "new"), account(t, "bob", "new")
	var orig struct {
		ID  string `json:"id"`
		URI string `json:"uri"`
	}
	bob.call(http.MethodPost, "/api/v1/statuses", url.Values{"status": {"boost me"}, "visibility": {"public"}}, &orig)

	dir := t.TempDir()
	file := filepath.Join(dir, "boosts.zip")
	w, err := archive.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	me := "https://old.example/users/alice"
	w.AddStatus(&archive.Status{Activity: "Create", Type: "Note", ID: me + "/statuses/1", Actor: me, Visibility: archive.Public,
		Published: time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC), Content: "<p>before the boost</p>"})
	w.AddStatus(&archive.Status{Activity: "Announce", ActivityID: me + "/statuses/2/activity", ID: orig.URI, Actor: me,
		Visibility: archive.Public, Published: time.Date(2020, 3, 2, 9, 0, 0, 0, time.UTC)})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	args := []string{"-server", alice.base, "-token", alice.token, "-boosts", "-json", "-state", filepath.Join(dir, "state"), file}
	code, stdout, _ := postImport(t, args...)
	if code != 0 || !strings.Contains(stdout, `"posted":2`) || !strings.Contains(stdout, `"boosted-now":1`) {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	var st struct {
		Reblogged bool `json:"reblogged"`
	}
	alice.call(http.MethodGet, "/api/v1/statuses/"+orig.ID, nil, &st)
	if !st.Reblogged {
		t.Errorf("bob's status is not boosted by alice")
	}
	code, stdout, _ = postImport(t, args...)
	if code != 0 || !strings.Contains(stdout, `"resumed":2`) || !strings.Contains(stdout, `"posted":0`) {
		t.Errorf("second run: exit %d: %s", code, stdout)
	}
}

// TestPostImportMastodonTarget imports importer/posts' test archive into
// alice@new.test as into a server that cannot backdate (-target
// mastodon): the posts are made now, federated, with the original date
// and a link in the text, unlisted at most; their mentions of
// bob@new.test, a local account here, notify him of nothing. Each post
// is then found again through the API, as a run after a crash does.
func TestPostImportMastodonTarget(t *testing.T) {
	peers(t)
	alice, bob := account(t, "alice", "new"), account(t, "bob", "new")
	bobNotes := bob.notifications()
	before := len(alice.statuses())
	code, stdout, _ := postImport(t, "-server", alice.base, "-token", alice.token, "-target", "mastodon", "-json", postImportFixture)
	if code != 0 || !strings.Contains(stdout, `"posted":8`) || !strings.Contains(stdout, `"date-in-text":8`) {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	all := alice.statuses()
	if len(all)-before != 8 {
		t.Fatalf("%d statuses made, want 8", len(all)-before)
	}
	got := slices.Clone(all[:8])
	slices.Reverse(got) // oldest first: made in the archive's order
	for i, s := range got {
		text := stripTags(s.Content)
		if !strings.Contains(text, "Originally posted ") || !strings.Contains(text, "2019") {
			t.Errorf("status %d: %q states no date", i, text)
		}
		if s.Visibility == "public" || len(s.Mentions) != 0 || s.CreatedAt.Year() == 2019 {
			t.Errorf("status %d: %s, mentions %v, created %v", i, s.Visibility, s.Mentions, s.CreatedAt)
		}
	}
	if got[1].InReplyToID != got[0].ID || len(got[1].Media) != 1 || got[1].Media[0].Description != "a red square" {
		t.Errorf("thread and media: %+v", got[1])
	}

	checkFound(t, &posts.Mastodon{Client: &mastodonapi.Client{BaseURL: alice.base, Token: alice.token}},
		&posts.Importer{}, got)
	time.Sleep(2 * time.Second)
	if n := bob.notifications(); n != bobNotes {
		t.Errorf("bob@new.test has %d notifications, had %d before the import", n, bobNotes)
	}
}

// realArchive is a real Mastodon export (July 2023, a ZIP of 18 Create
// items, one with a JPEG, and 3 likes), kept in package archive's
// testdata (origin: ../shared/fixtures/archives/mastodon-2023-07-zip.zip).
var realArchive = filepath.Join("..", "..", "archive", "testdata", "mastodon-2023-07-zip.zip")

// TestPostImportRealArchive imports a real Mastodon export, not one
// fediport wrote, into carol@old.test with post-import, and reads the
// posts back: each of the 18 is there once, at its original date, with
// its visibility, no mention left, the JPEG attached to the post that
// had it, the 3 replies to its own posts threaded under their copies,
// and a second run posts nothing.
func TestPostImportRealArchive(t *testing.T) {
	peers(t)
	carol := account(t, "carol", "old")
	type orig struct {
		published time.Time
		vis       string
		media     int
	}
	var want []orig
	r, err := archive.Open(realArchive)
	if err != nil {
		t.Fatal(err)
	}
	for s, err := range r.Statuses() {
		if err != nil {
			t.Fatal(err)
		}
		if s.Activity == "Create" {
			want = append(want, orig{s.Published.UTC().Truncate(time.Second), string(s.Visibility), len(s.Attachments)})
		}
	}
	r.Close()
	if len(want) != 18 {
		t.Fatalf("the archive has %d Create items, its origin note says 18", len(want))
	}
	slices.SortFunc(want, func(a, b orig) int { return a.published.Compare(b.published) })

	before := carol.statuses()
	args := []string{"-server", carol.base, "-token", carol.token, "-json", "-state", filepath.Join(t.TempDir(), "state"), realArchive}
	code, stdout, _ := postImport(t, args...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Posted, Media, Failed int
		Skipped, Changed      map[string]int
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if res.Posted != 18 || res.Media != 1 || res.Failed != 0 || res.Skipped["like"] != 3 ||
		res.Changed["mention-defused"] != 19 || res.Changed["reply-as-link"] != 1 {
		t.Errorf("result %+v", res)
	}

	seen := map[string]bool{}
	for _, s := range before {
		seen[s.ID] = true
	}
	var got []gtsStatus
	for _, s := range carol.statuses() {
		if !seen[s.ID] {
			got = append(got, s)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d new statuses, want %d", len(got), len(want))
	}
	slices.SortFunc(got, func(a, b gtsStatus) int { return a.CreatedAt.Compare(b.CreatedAt) })
	imported, threaded := map[string]bool{}, 0
	for _, s := range got {
		imported[s.ID] = true
	}
	for i, s := range got {
		if imported[s.InReplyToID] {
			threaded++
		}
		if !s.CreatedAt.Truncate(time.Second).Equal(want[i].published) || s.Visibility != want[i].vis || len(s.Media) != want[i].media {
			t.Errorf("status %d: %v %s %d media, want %v %s %d", i, s.CreatedAt, s.Visibility, len(s.Media), want[i].published, want[i].vis, want[i].media)
		}
		if len(s.Mentions) != 0 {
			t.Errorf("status %d mentions %+v", i, s.Mentions)
		}
	}

	if threaded != 3 { // the archive's 3 replies to its own posts
		t.Errorf("%d posts reply to an imported post, want 3", threaded)
	}

	code, stdout, _ = postImport(t, args...)
	if code != 0 || !strings.Contains(stdout, `"resumed":18`) || !strings.Contains(stdout, `"posted":0`) {
		t.Errorf("second run: exit %d, %s", code, stdout)
	}
}
