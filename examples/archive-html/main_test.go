package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/archivegen"
)

// runArgs runs the program and returns its exit code and output.
func runArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// generated writes a synthetic archive of n statuses, as a ZIP or
// unpacked. Statuses are 17 minutes apart: 2,600 span two months.
func generated(t *testing.T, n int, unpacked bool) (string, *archivegen.Manifest) {
	t.Helper()
	o := archivegen.Options{Statuses: n, Media: n / 15, Seed: 7, Likes: 5, Bookmarks: 2}
	if unpacked {
		dir := filepath.Join(t.TempDir(), "archive")
		m, err := archivegen.WriteDir(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		return dir, m
	}
	p := filepath.Join(t.TempDir(), "archive.zip")
	m, err := archivegen.WriteFile(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return p, m
}

var summaryRE = regexp.MustCompile(`(?m)^[\w.]+ archive: (\d+) posts?, (\d+) boosts?, `)

func TestRunRenders(t *testing.T) {
	t.Parallel()
	zip, mz := generated(t, 60, false)
	dir, md := generated(t, 60, true)
	tests := []struct {
		name          string
		archive       string
		posts, boosts int
	}{
		{"generated zip", zip, mz.Creates, mz.Announces},
		{"generated folder", dir, md.Creates, md.Announces},
		{"mastodon 2023 zip", "../../archive/testdata/mastodon-2023-07-zip.zip", 18, 0},
		{"mastodon 2022 tar.gz", "../../archive/testdata/mastodon-2022-12-targz.tar.gz", 190, 34},
		{"bare outbox", "../../archive/testdata/outbox-small-signed.json", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "site")
			code, stdout, stderr := runArgs(t, "-o", out, tt.archive)
			if code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
			}
			index, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatalf("no index.html: %v", err)
			}
			if !bytes.Contains(index, []byte("<article ")) {
				t.Error("index.html shows no post")
			}
			m := summaryRE.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("no summary line in stdout:\n%s", stdout)
			}
			if got, want := m[1]+" posts, "+m[2]+" boosts", fmt.Sprintf("%d posts, %d boosts", tt.posts, tt.boosts); got != want {
				t.Errorf("summary says %s, want %s", got, want)
			}
			abs, _ := filepath.Abs(filepath.Join(out, "index.html"))
			if !strings.Contains(stdout, "open "+abs+"\n") {
				t.Errorf("stdout does not say to open %s:\n%s", abs, stdout)
			}
			if runtime.GOOS != "windows" {
				st, err := os.Stat(filepath.Join(out, "index.html"))
				if err != nil {
					t.Fatal(err)
				}
				if perm := st.Mode().Perm(); perm != 0o600 {
					t.Errorf("index.html mode %o, want 0600 without -public", perm)
				}
			}
		})
	}
}

func TestRunPublic(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		return // no Unix modes to compare
	}
	src, _ := generated(t, 60, false)
	// The umask decides what -public gives; find it with a probe file.
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	pst, err := os.Stat(probe)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := runArgs(t, "-public", "-o", out, src); code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	st, err := os.Stat(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Mode().Perm(), pst.Mode().Perm(); got != want {
		t.Errorf("-public: index.html mode %o, want %o (0644 less the umask)", got, want)
	}
}

func TestRunRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	src, _ := generated(t, 60, false)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runArgs(t, "-o", out, src)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(stderr, "archive-html: ") || !strings.Contains(stderr, "not empty") {
		t.Errorf("stderr %q, want one line saying the folder is not empty", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("refused run wrote into the folder: %d entries", len(entries))
	}

	// -force writes beside the file that was there.
	if code, _, stderr := runArgs(t, "-force", "-o", out, src); code != 0 {
		t.Fatalf("-force: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(out, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("-force changed notes.txt: %q, %v", b, err)
	}
}

func TestRunMarkdownMonths(t *testing.T) {
	t.Parallel()
	src, _ := generated(t, 3000, false)
	// The months of the archive's posts, read here independently.
	r, err := archive.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for st, err := range r.Statuses() {
		if err != nil {
			continue
		}
		if name := st.Published.UTC().Format("2006-01") + ".md"; !slices.Contains(want, name) {
			want = append(want, name)
		}
	}
	r.Close()
	slices.Sort(want)
	if len(want) < 2 {
		t.Fatalf("generated archive spans %d months, want several", len(want))
	}

	out := filepath.Join(t.TempDir(), "notes")
	code, stdout, stderr := runArgs(t, "-format", "md", "-o", out, src)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	got, err := filepath.Glob(filepath.Join(out, "[0-9][0-9][0-9][0-9]-[0-9][0-9].md"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("month files (-want +got):\n%s", diff)
	}
	for _, name := range append(want[:1:1], "index.md", "likes.md") {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", name, len(b), err)
		}
	}
	abs, _ := filepath.Abs(filepath.Join(out, "index.md"))
	if !strings.Contains(stdout, "open "+abs+"\n") {
		t.Errorf("stdout does not say to open %s:\n%s", abs, stdout)
	}
}

func TestRunFails(t *testing.T) {
	t.Parallel()
	notArchive := filepath.Join(t.TempDir(), "junk.zip")
	if err := os.WriteFile(notArchive, []byte("this is not a zip file"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, _ := generated(t, 60, false)
	tests := []struct {
		name string
		args func(out string) []string
		code int
		want string // in stderr
	}{
		{"archive missing", func(out string) []string { return []string{"-o", out, filepath.Join(t.TempDir(), "nope.zip")} }, 1, "archive-html: "},
		{"not an archive", func(out string) []string { return []string{"-o", out, notArchive} }, 1, "archive-html: "},
		{"unknown format", func(out string) []string { return []string{"-format", "pdf", "-o", out, src} }, 2, `unknown output format "pdf"`},
		{"no output folder", func(string) []string { return []string{src} }, 2, "archive-html: missing -o DIR"},
		{"two archives", func(out string) []string { return []string{"-o", out, src, src} }, 2, "archive-html: expected one ARCHIVE, got 2"},
		{"unknown flag", func(out string) []string { return []string{"-x", "-o", out, src} }, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "site")
			code, stdout, stderr := runArgs(t, tt.args(out)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if tt.code == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("output folder made by a failed run (%v)", err)
			}
		})
	}
}

// TestRunIncomplete: an archive whose outbox is missing or cut short,
// or that ends early, is rendered as far as it goes, the summary is
// printed, then the error, exit 1.
func TestRunIncomplete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	os.MkdirAll(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "actor.json"), []byte(`{"id":"https://a.example/u","type":"Person","preferredUsername":"u\u001b[2J"}`), 0o644)
	src, _ := generated(t, 60, false)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cutZip := filepath.Join(dir, "cut.zip")
	os.WriteFile(cutZip, data[:len(data)/2], 0o644)
	item := `{"id":"https://a.example/s/1/activity","type":"Create","published":"2020-01-01T00:00:00Z","object":{"id":"https://a.example/s/1","type":"Note","content":"<p>first</p>","published":"2020-01-01T00:00:00Z"}}`
	doc := `{"orderedItems":[` + item + `,` + item + `]}`
	cutJSON := filepath.Join(dir, "cut.json")
	os.WriteFile(cutJSON, []byte(doc[:len(doc)-40]), 0o644)
	for _, tt := range []struct{ name, path, want string }{
		{"folder without outbox.json", folder, "folder has no outbox.json"},
		{"outbox cut short", cutJSON, "truncated JSON"},
		{"ZIP cut short", cutZip, "the file ends early: was the download complete?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "site")
			code, stdout, stderr := runArgs(t, "-o", out, tt.path)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, "archive-html: ") || !strings.Contains(last, tt.want) {
				t.Errorf("last stderr line %q, want the error with %q", last, tt.want)
			}
			if !summaryRE.MatchString(stdout) || !strings.Contains(stdout, "open ") {
				t.Errorf("stdout %q, want the summary of what was read", stdout)
			}
			if strings.ContainsRune(stdout+stderr, 0x1b) {
				t.Error("a control character reached the output")
			}
		})
	}
}

// TestRunCountsMediaFiles: the summary line counts the media files
// copied, not the posts that show them: an archive holding one image
// that 40 posts show reports one (it said 8333 media files for an
// archive holding 1).
func TestRunCountsMediaFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	entry := archive.MediaEntry(1, "shared.png")
	var items []string
	for i := range 40 {
		items = append(items, fmt.Sprintf(`{"id":"https://a.example/users/u/statuses/%d/activity","type":"Create","actor":"https://a.example/users/u","published":"2020-01-01T00:%02d:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":"https://a.example/users/u/statuses/%d","type":"Note","content":"<p>post</p>","published":"2020-01-01T00:%02d:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"attachment":[{"type":"Document","mediaType":"image/png","url":"/%s"}]}}`,
			i, i, i, i, entry))
	}
	src := filepath.Join(dir, "archive")
	for name, body := range map[string]string{
		"outbox.json": `{"id":"outbox.json","type":"OrderedCollection","orderedItems":[` + strings.Join(items, ",") + `]}`,
		"actor.json":  `{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`,
		entry:         "\x89PNG\r\n\x1a\n", // the bytes are not looked at
	} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runArgs(t, "-o", filepath.Join(dir, "site"), src)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`(\d+) posts, .*?(\d+) media files?`).FindStringSubmatch(stdout)
	if m == nil || m[1] != "40" || m[2] != "1" {
		t.Errorf("summary %q, want 40 posts and 1 media file", stdout)
	}
	if !strings.Contains(stdout, " 1 media file (") || !strings.Contains(stdout, " 1 page\n") {
		t.Errorf("summary %q: want singular counts (1 media file, 1 page)", stdout)
	}
}
