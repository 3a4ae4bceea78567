package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// fixture is importer/posts' test archive: a thread with an image, a
// mention and a reply of someone else, a poll, a direct message, a
// boost, a post whose image is missing, an edited post, two likes.
var fixture = filepath.Join("..", "..", "importer", "posts", "testdata", "posts.zip")

// testServer is a Mastodon API test server on loopback.
type testServer struct {
	*mastodonapitest.Server
	URL string
}

const token = "test-token"

// server starts a test server for alice@new.example, answering as
// GoToSocial if gts, else as Mastodon.
func server(t *testing.T, gts bool) testServer {
	s := mastodonapitest.New("new.example", "alice", token)
	s.GoToSocial = gts
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return testServer{s, hs.URL}
}

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	t.Setenv("MASTODON_TOKEN", "")
	code := run(context.Background(), args, &stdout, &stderr, 0)
	t.Logf("post-import %s\n(exit %d)\n%s%s", strings.Join(args, " "), code, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestImportJSON imports into a GoToSocial-like server found out from
// its instance (no -target), prints exactly one JSON object, and on a
// second run with the same -state posts nothing again.
func TestImportJSON(t *testing.T) {
	srv := server(t, true)
	state := filepath.Join(t.TempDir(), "state")
	code, stdout, stderr := runArgs(t, "-server", srv.URL, "-token", token, "-json", "-state", state, fixture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := decodeOne(t, stdout)
	want := map[string]any{
		"posted": 8.0, "media": 1.0, "resumed": 0.0, "failed": 0.0, "failures": []any{},
		"skipped": map[string]any{"boost": 1.0, "direct": 1.0, "like": 2.0},
		"changed": map[string]any{"mention-defused": 2.0, "reply-as-link": 1.0, "poll-as-text": 1.0, "media-missing": 1.0, "edit-history-dropped": 1.0},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON (-want +got):\n%s", d)
	}
	// The README shows this very output.
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```json\n"+stdout+"```\n") {
		t.Errorf("README.md's \"Import posts\" does not show the -json output:\n%s", stdout)
	}
	// Progress: a line per post (every is 0), the last one complete.
	if !strings.Contains(stderr, "8 of 8 posts, 1 file, 0 rate-limit waits\n") {
		t.Errorf("progress:\n%s", stderr)
	}
	if n := len(srv.Statuses()); n != 8 {
		t.Fatalf("%d statuses, want 8", n)
	}
	code, stdout, _ = runArgs(t, "-server", srv.URL, "-token", token, "-json", "-state", state, fixture)
	got = decodeOne(t, stdout)
	if code != 0 || got["resumed"] != 8.0 || got["posted"] != 0.0 || len(srv.Statuses()) != 8 {
		t.Errorf("second run: exit %d, %v, %d statuses", code, got, len(srv.Statuses()))
	}
}

// decodeOne decodes stdout, which must be exactly one JSON object.
func decodeOne(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", stdout)
	}
	return got
}

// TestDryRun prints the plan and every change, with no token, and posts
// nothing.
func TestDryRun(t *testing.T) {
	srv := server(t, false)
	code, stdout, stderr := runArgs(t, "-server", srv.URL, "-dry-run", "-target", "mastodon", fixture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"2019-01-02 unlisted, 0 files: https://old.example/@alice/100001\n  visibility-lowered: public -> unlisted\n  date-in-text: 2019-01-02\n",
		"2019-01-03 unlisted, threaded, 1 file: ",
		"  mention-defused: @bob@new.test\n",
		"  reply-as-link: http://new.test/users/bob/statuses/",
		"  poll-as-text: 2 options\n",
		"  media-missing: media_attachments/files/000/000/009/original/gone.jpg\n",
		"plan: 8 posts, 1 file to upload\n",
		"skipped: boost 1, direct 1, like 2\n",
		"changed: date-in-text 8, edit-history-dropped 1, media-missing 1, mention-defused 2, poll-as-text 1, reply-as-link 1, visibility-lowered 5\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if srv.Posts() != 0 || srv.Uploads() != 0 {
		t.Errorf("dry run posted %d, uploaded %d", srv.Posts(), srv.Uploads())
	}
}

// TestDryRunJSON: one object, with what would be posted.
func TestDryRunJSON(t *testing.T) {
	srv := server(t, true)
	code, stdout, _ := runArgs(t, "-server", srv.URL, "-dry-run", "-json", "-visibility", "private", fixture)
	got := decodeOne(t, stdout)
	if code != 0 || got["planned"] != 8.0 || got["posted"] != 0.0 || got["dry_run"] != true {
		t.Errorf("exit %d, %v", code, got)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range []string{"changed", "failed", "media", "posted", "resumed", "skipped"} {
		if !slices.Contains(keys, k) {
			t.Errorf("no %q in %v", k, keys)
		}
	}
}

// TestSomeFailed: a post the server keeps failing is listed, the others
// are posted, and the exit status is 3.
func TestSomeFailed(t *testing.T) {
	srv := server(t, true)
	srv.FailNext("POST /api/v1/statuses", mastodonapitest.Fail500, mastodonapitest.Fail500, mastodonapitest.Fail500,
		mastodonapitest.Fail500, mastodonapitest.Fail500)
	code, stdout, stderr := runArgs(t, "-server", srv.URL, "-token", token, "-target", "gotosocial", "-quiet", fixture)
	if code != 3 {
		t.Fatalf("exit %d, want 3", code)
	}
	if !strings.Contains(stdout, "posted 7, media 1, resumed 0, failed 1\n") ||
		!strings.Contains(stderr, "failed: https://old.example/@alice/100001 (2019-01-02): mastodonapi: POST /api/v1/statuses: 500 Internal Server Error (temporary, will be tried again)") {
		t.Errorf("output:\n%s\n%s", stdout, stderr)
	}
}

// TestErrorsBeforePosting: a refused token and an unreadable archive
// exit 1 with nothing posted.
func TestErrorsBeforePosting(t *testing.T) {
	srv := server(t, true)
	code, _, stderr := runArgs(t, "-server", srv.URL, "-token", "wrong", fixture)
	if code != 1 || !strings.Contains(stderr, "401 Unauthorized") || srv.Posts() != 0 {
		t.Errorf("bad token: exit %d, %q, %d posts", code, stderr, srv.Posts())
	}
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("not an archive"), 0o600)
	code, _, stderr = runArgs(t, "-server", srv.URL, "-token", token, bad)
	if code != 1 || !strings.Contains(stderr, "not an export archive") {
		t.Errorf("bad archive: exit %d, %q", code, stderr)
	}
}
