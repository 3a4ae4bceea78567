package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
)

// gtsLike serves fake as GoToSocial answers: no per-account domain
// blocks (404), and follows of the accounts in locked left pending.
func gtsLike(t *testing.T, fake *mastodonapitest.Server, locked map[string]bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v1/domain_blocks") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"Not Found"}`))
			return
		}
		if id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/accounts/"), "/follow"); ok && r.Method == http.MethodPost && locked[id] {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"` + id + `","following":false,"requested":true}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoesOnAfterAFailedFile imports an exported folder into a server
// without domain blocks: the followers file is refused by the importer
// itself, the domain blocks are reported as unsupported, and the files
// after them are still imported, with a summary and exit status 3; the
// same with -dry-run.
func TestGoesOnAfterAFailedFile(t *testing.T) {
	fake, _, dir := setup(t)
	url := gtsLike(t, fake, nil)
	writeFiles(t, dir, map[string]string{
		"followers.csv":     "Account address\nalice@old.example\n",
		"domain_blocks.csv": "spam.example\n",
		"blocks.csv":        "spam@bad.example\n",
	})
	files := []string{filepath.Join(dir, "followers.csv"), filepath.Join(dir, "domain_blocks.csv"), filepath.Join(dir, "blocks.csv")}
	for _, dry := range []bool{true, false} {
		args := []string{"-server", url, "-token", token}
		if dry {
			args = append(args, "-dry-run")
		}
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(args, files...), &stdout, &stderr, display{})
		if code != 3 {
			t.Errorf("dry run %t: exit %d, want 3\n%s%s", dry, code, &stdout, &stderr)
		}
		out := stdout.String()
		for _, want := range []string{
			"followers.csv: skipped: followers cannot be imported",
			"domain_blocks.csv: skipped, not supported by the server: ",
			"no per-account domain blocks",
			"blocks.csv: done: ",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run %t: stdout lacks %q:\n%s", dry, want, out)
			}
		}
		if strings.Contains(out+stderr.String(), "no state for type") {
			t.Errorf("followers refused by the client, not the importer:\n%s%s", out, &stderr)
		}
		blocked := len(fake.Snapshot().Blocks) == 1
		if blocked == dry {
			t.Errorf("dry run %t: blocks %v", dry, fake.Snapshot().Blocks)
		}
	}
}

// TestEmptyFile imports GoToSocial's 0-byte export of an empty list:
// zero rows in merge mode; an overwrite, which would remove every block,
// only with -confirm-empty.
func TestEmptyFile(t *testing.T) {
	fake, url, dir := setup(t)
	writeFiles(t, dir, map[string]string{"blocks.csv": "spam@bad.example\n", "empty": ""})
	if code := run(context.Background(), []string{"-server", url, "-token", token, filepath.Join(dir, "blocks.csv")}, new(bytes.Buffer), new(bytes.Buffer), display{}); code != 0 {
		t.Fatalf("setting up: exit %d", code)
	}
	writeFiles(t, dir, map[string]string{"blocks.csv": ""})
	file := filepath.Join(dir, "blocks.csv")
	cases := []struct {
		name    string
		args    []string
		code    int
		out     string
		blocked int
	}{
		{"merge", []string{file}, 0, "empty file: no rows", 1},
		{"type from -type", []string{"-type", "blocking", filepath.Join(dir, "empty")}, 0, "empty file: no rows", 1},
		{"overwrite refused", []string{"-mode", "overwrite", file}, 3, "-confirm-empty", 1},
		{"overwrite confirmed", []string{"-mode", "overwrite", "-confirm-empty", file}, 0, "1 applied", 0},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"-server", url, "-token", token}, c.args...), &stdout, &stderr, display{})
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.out) {
			t.Errorf("%s: exit %d, want %d and %q:\n%s%s", c.name, code, c.code, c.out, &stdout, &stderr)
		}
		if n := len(fake.Snapshot().Blocks); n != c.blocked {
			t.Errorf("%s: %d blocks, want %d", c.name, n, c.blocked)
		}
	}
}

// TestRequestedFollows reports a follow of a locked account as
// requested, not applied.
func TestRequestedFollows(t *testing.T) {
	fake, _, dir := setup(t)
	locked := fake.AddRemoteAccount("locked@far.example")
	url := gtsLike(t, fake, map[string]bool{locked: true})
	writeFiles(t, dir, map[string]string{"follows.csv": "bob@far.example\nlocked@far.example\n"})
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-server", url, "-token", token, filepath.Join(dir, "follows.csv")}, &stdout, &stderr, display{})
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
	}
	if !strings.Contains(stdout.String(), "1 follow requested, not accepted yet") || !strings.Contains(stdout.String(), "requested: follow locked@far.example") {
		t.Errorf("the pending follow is not reported as requested:\n%s", &stdout)
	}
}

// TestRateLimitAnnounced imports from a server that rate limits every
// few requests, state reads included: the import finishes, and each wait
// is announced.
func TestRateLimitAnnounced(t *testing.T) {
	fake, url, dir := setup(t)
	fake.RateLimitEvery, fake.RateLimitWait = 4, 1500*time.Millisecond
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-server", url, "-token", token, "-concurrency", "1", filepath.Join(dir, "blocked_domains.csv"), filepath.Join(dir, "lists.csv")}, &stdout, &stderr, display{})
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
	}
	if !regexp.MustCompile(`rate limited by 127\.0\.0\.1:\d+, waiting [12]s`).MatchString(stderr.String()) {
		t.Errorf("no rate-limit announcement:\n%s", &stderr)
	}
}
