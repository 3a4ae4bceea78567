package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/google/go-cmp/cmp"
)

const token = "secret"

func setup(t *testing.T) (*mastodonapitest.Server, string, string) {
	t.Helper()
	fake := mastodonapitest.New("new.example", "me", token)
	for _, a := range []string{"alice@old.example", "bob@far.example", "carol@far.example", "spam@bad.example"} {
		fake.AddRemoteAccount(a)
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	files := map[string]string{
		"following_accounts.csv": "Account address,Show boosts,Notify on new posts,Languages\n" +
			"alice@old.example,false,true,\"de, en\"\nbob@far.example,true,false,\nnobody@gone.example,true,false,\n",
		"lists.csv":           "Friends,carol@far.example\nFriends,alice@old.example\n",
		"blocked_domains.csv": "spam.example\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return fake, srv.URL, dir
}

func TestImport(t *testing.T) {
	fake, url, dir := setup(t)
	var stdout, stderr bytes.Buffer
	args := []string{"-server", url, "-token", token, "-state", filepath.Join(dir, "journal"),
		filepath.Join(dir, "following_accounts.csv"), filepath.Join(dir, "lists.csv"), filepath.Join(dir, "blocked_domains.csv")}
	code := run(context.Background(), args, &stdout, &stderr, display{})
	if code != 3 {
		t.Fatalf("exit %d, want 3 (one row failed)\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	want := mastodonapitest.State{
		Following: map[string]mastodonapitest.Follow{
			"alice@old.example": {Reblogs: false, Notify: true, Languages: []string{"de", "en"}},
			"bob@far.example":   {Reblogs: true},
			"carol@far.example": {Reblogs: true},
		},
		Mutes:        map[string]bool{},
		DomainBlocks: []string{"spam.example"},
		Lists:        map[string][]string{"Friends": {"alice@old.example", "carol@far.example"}},
	}
	if diff := cmp.Diff(want, fake.Snapshot()); diff != "" {
		t.Errorf("server state (-want +got):\n%s", diff)
	}
	failures, err := os.ReadFile(filepath.Join(dir, "following_accounts_failures.csv"))
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := "Account address,Show boosts,Notify on new posts,Languages\nnobody@gone.example,true,false,\n"
	if diff := cmp.Diff(wantCSV, string(failures)); diff != "" {
		t.Errorf("failures CSV (-want +got):\n%s", diff)
	}
	for _, s := range []string{"importing as following", "importing as lists", "importing as domain_blocking", "2 applied, 0 resumed, 1 failed of 3"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, &stdout)
		}
	}
	if !strings.Contains(stderr.String(), "nobody@gone.example") {
		t.Errorf("stderr does not name the failed row:\n%s", &stderr)
	}
	// Finished journals are removed.
	if m, _ := filepath.Glob(filepath.Join(dir, "journal*")); len(m) != 0 {
		t.Errorf("journals left: %v", m)
	}
}

func TestDryRun(t *testing.T) {
	fake, url, dir := setup(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-server", url, "-token", token, "-dry-run", filepath.Join(dir, "lists.csv")}, &stdout, &stderr, display{})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, &stderr)
	}
	for _, s := range []string{"plan for a merge lists import", `create-list "Friends"`, "follow carol@far.example", `add-to-list "Friends" alice@old.example`} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, &stdout)
		}
	}
	if st := fake.Snapshot(); len(st.Following) != 0 || len(st.Lists) != 0 {
		t.Errorf("dry run changed the account: %+v", st)
	}
}

func TestResume(t *testing.T) {
	fake, url, dir := setup(t)
	file := filepath.Join(dir, "lists.csv")
	journal := filepath.Join(dir, "journal")
	// An import cut short: cancel once the list exists.
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	progress := &cancelAfter{w: &stderr, n: 2, cancel: cancel}
	code := run(ctx, []string{"-server", url, "-token", token, "-state", journal, "-concurrency", "1", file}, &stdout, progress, display{set: true})
	if code != 1 {
		t.Fatalf("interrupted run: exit %d, want 1\n%s", code, &stderr)
	}
	if _, err := os.Stat(journal); err != nil {
		t.Fatalf("no journal after the interrupted run: %v", err)
	}
	// The resumed run takes its plan from the journal.
	stdout.Reset()
	code = run(context.Background(), []string{"-server", url, "-token", token, "-state", journal, file}, &stdout, &stderr, display{})
	if code != 0 {
		t.Fatalf("resumed run: exit %d\n%s", code, &stderr)
	}
	if !strings.Contains(stdout.String(), "resuming") || !strings.Contains(stdout.String(), "2 resumed") {
		t.Errorf("stdout:\n%s", &stdout)
	}
	if diff := cmp.Diff(map[string][]string{"Friends": {"alice@old.example", "carol@far.example"}}, fake.Snapshot().Lists); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
}

// cancelAfter cancels after n progress lines (plain lines, each Set
// shown).
type cancelAfter struct {
	w      *bytes.Buffer
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(" of 5 actions")) {
		c.n--
		if c.n == 0 {
			c.cancel()
		}
	}
	return c.w.Write(p)
}

func TestProgress(t *testing.T) {
	tests := []struct {
		name string
		disp display
		args []string
		want []string // in stderr, in order
		not  string   // not in stderr
	}{
		{"terminal: a live bar, cleared at the end", display{set: true, live: true}, nil,
			[]string{"\r\x1b[K[====                ] 1 of 5 actions", "\r\x1b[K[====================] 5 of 5 actions", "\r\x1b[K"}, "\n"},
		{"not a terminal: plain lines", display{set: true}, nil,
			[]string{"1 of 5 actions", "\n", "5 of 5 actions", "\n"}, "\r"},
		{"-quiet: nothing", display{set: true}, []string{"-quiet"}, nil, "actions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url, dir := setup(t)
			var stdout, stderr bytes.Buffer
			args := append([]string{"-server", url, "-token", token, "-concurrency", "1", filepath.Join(dir, "lists.csv")}, tt.args...)
			if code := run(context.Background(), args, &stdout, &stderr, tt.disp); code != 0 {
				t.Fatalf("exit %d\n%s", code, &stderr)
			}
			rest := stderr.String()
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("stderr lacks %q (in order):\n%q", w, stderr.String())
				}
				rest = rest[i+len(w):]
			}
			if tt.not != "" && strings.Contains(stderr.String(), tt.not) {
				t.Errorf("stderr holds %q:\n%q", tt.not, stderr.String())
			}
		})
	}
}

func TestUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-server", "http://127.0.0.1:1"}, &stdout, &stderr, display{}); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-server", "x", "-token", "y", "-mode", "replace", "f"}, &stdout, &stderr, display{}); code != 2 {
		t.Errorf("bad mode: exit %d, want 2", code)
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"-server", "x", "-token", "y", "-type", "contacts", "f"}, &stdout, &stderr, display{}); code != 2 || !strings.Contains(stderr.String(), "-type") {
		t.Errorf("bad type: exit %d (%s), want 2 and a word about -type", code, stderr.String())
	}
}

// TestFailuresPerInput: two inputs of one type in one folder each get
// their own failures CSV, named after the input; rows naming the account
// itself are skipped, not failed.
func TestFailuresPerInput(t *testing.T) {
	_, url, dir := setup(t)
	header := "Account address,Show boosts,Notify on new posts,Languages\n"
	files := map[string]string{
		"a.csv": header + "bob@far.example,true,false,\nnobody@gone.example,true,false,\nme@new.example,true,false,\n",
		"a.txt": header + "ghost@gone.example,true,false,\n",
		"b.csv": header + "phantom@gone.example,true,false,\n",
	}
	var args []string
	for _, name := range []string{"a.csv", "a.txt", "b.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, filepath.Join(dir, name))
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"-server", url, "-token", token, "-type", "following"}, args...), &stdout, &stderr, display{})
	if code != 3 {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	want := map[string]string{
		"a_failures.csv":     header + "nobody@gone.example,true,false,\n",
		"a.txt_failures.csv": header + "ghost@gone.example,true,false,\n",
		"b_failures.csv":     header + "phantom@gone.example,true,false,\n",
	}
	got := map[string]string{}
	m, _ := filepath.Glob(filepath.Join(dir, "*failures*"))
	for _, p := range m {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(p)] = string(b)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures CSVs (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr.String(), "skipped line 4, me@new.example: the account cannot follow itself") {
		t.Errorf("stderr does not report the skipped self row:\n%s", &stderr)
	}
}

func TestFailuresPath(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
		want   []string
	}{
		{"Mastodon's names", []string{"d/following_accounts.csv", "d/lists.csv"}, []string{"d/following_accounts_failures.csv", "d/lists_failures.csv"}},
		{"same stem", []string{"d/a.csv", "d/a.txt"}, []string{"d/a_failures.csv", "d/a.txt_failures.csv"}},
		{"never an input", []string{"d/a.csv", "d/a_failures.csv"}, []string{"d/a.csv_failures.csv", "d/a_failures_failures.csv"}},
		{"other folders", []string{"x/a.csv", "y/a.csv"}, []string{"x/a_failures.csv", "y/a_failures.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken := map[string]bool{}
			for _, in := range tt.inputs {
				taken[filepath.Clean(in)] = true
			}
			var got []string
			for _, in := range tt.inputs {
				got = append(got, filepath.ToSlash(failuresPath(in, taken)))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failuresPath (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFailuresFileIsNotFollowedThroughALink(t *testing.T) {
	_, url, dir := setup(t)
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "following_accounts_failures.csv")
	if err := os.Symlink(victim, out); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-server", url, "-token", token, filepath.Join(dir, "following_accounts.csv")}, &stdout, &stderr, display{})
	if code != 3 {
		t.Fatalf("exit %d, want 3 (one row failed)\n%s", code, &stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the file the link pointed to was overwritten: %q", b)
	}
	fi, err := os.Lstat(out)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() {
		t.Errorf("the failures CSV is %v, want a regular file in place of the link", fi.Mode())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the failures CSV has mode %v: it holds the follow list, only its owner may read it", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "nobody@gone.example") {
		t.Errorf("the failures CSV lacks the failed row: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
