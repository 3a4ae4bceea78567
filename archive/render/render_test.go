package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/archive/render"
	"github.com/fediport/fediport/internal/archivegen"
)

// renderTricky renders the tricky archive and returns the output folder.
func renderTricky(t *testing.T, format outFormat) (string, *render.Result) {
	t.Helper()
	src := writeTricky(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "site")
	c := config{Format: format}
	sum, err := c.Render(context.Background(), openArchive(t, src), out)
	if err != nil {
		t.Fatal(err)
	}
	return out, sum
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var articleRE = regexp.MustCompile(`(?s)<article id="s-[0-9a-f]{16}".*?</article>`)

// article returns the article of the tricky status with that name.
func article(t *testing.T, page, name string) string {
	t.Helper()
	for _, a := range articleRE.FindAllString(page, -1) {
		if strings.Contains(a, `href="https://social.example/@tricky/`+name+`"`) {
			return a
		}
	}
	t.Fatalf("no article for status %q", name)
	return ""
}

func TestRenderHTMLTricky(t *testing.T) {
	t.Parallel()
	out, sum := renderTricky(t, formatHTML)
	index := readFile(t, filepath.Join(out, "index.html"))

	// Everything the site holds, for the checks that no page may fail.
	var all strings.Builder
	htmlFiles := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		htmlFiles++
		page := readFile(t, p)
		if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src &#39;self&#39; data:; media-src &#39;self&#39;; style-src &#39;self&#39;; script-src &#39;self&#39;`) {
			t.Errorf("%s: no Content-Security-Policy meta tag", p)
		}
		all.WriteString(page)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if htmlFiles < 6 {
		t.Errorf("%d HTML files written, want index, page, months, likes, bookmarks, search", htmlFiles)
	}
	site := all.String()
	for _, bad := range []string{"pwned", "onerror=", "onclick=", "onmouseover=", "javascript:", "tracker.example", "embed.example", "x.example/o", "<iframe", "<object", "<style", "style=", "<img src=\"x\"", "display:none"} {
		if strings.Contains(site, bad) {
			t.Errorf("rendered site contains %q", bad)
		}
	}
	// Every page loads time.js (local times); search.html also loads
	// its index and search.js. No other script is written.
	if got := strings.Count(site, `<script src="time.js"></script>`); got != htmlFiles {
		t.Errorf("%d pages of %d load time.js", got, htmlFiles)
	}
	if got := strings.Count(site, "<script"); got != htmlFiles+2 {
		t.Errorf("%d script tags in the site, want time.js on each of %d pages and the 2 of search.html", got, htmlFiles)
	}

	tests := []struct {
		name   string
		status string
		want   []string
		reason string
	}{
		{"script stripped", "script", []string{"<p>beforeafter</p>"}, "script element and its text removed"},
		{"handlers stripped", "onerror", []string{`<a href="https://ok.example/page" rel="nofollow noreferrer">fine link</a>`, "js link"}, "javascript: link loses its href, style and onclick go"},
		{"remote embeds removed", "remote", []string{"<p>remote image</p>"}, "img, iframe, object and style removed"},
		{"content warning collapsed", "cw", []string{`<details class="cw"><summary>Content warning: spoiler alert</summary>`, "hidden behind a warning", `class="media sensitive"`, `type="checkbox" class="reveal"`, `alt="a red square"`, `src="media/media_attachments/files/000/000/007/original/0000000000000007.png"`}, "CW in details, sensitive media behind a reveal toggle"},
		{"poll results", "poll", []string{"Poll, one choice", "4 people voted", "closed", `<span class="option">tea</span> <meter min="0" max="100" value="75">75%</meter> <span class="votes">75% · 3 votes</span>`, "25% · 1 vote<"}, "options with shares and counts"},
		{"reply in thread", "reply", []string{"Thread continues from the post above", "Unlisted"}, "self-reply joins its parent's thread"},
		{"reply to another account", "other", []string{`In reply to <a href="https://remote.example/users/bob/statuses/1" rel="nofollow noopener noreferrer" title="https://remote.example/users/bob/statuses/1">@bob@remote.example</a>`, "Direct"}, "parent outside the archive linked to its URI, shown as its author"},
		{"edited, language, visibility", "edited", []string{`<span class="edited">edited <time datetime="2023-03-01T10:20:00Z">`, `lang="zh-CN"`, "Followers only", `<span class="tag">#tag</span>`, "<strong>bold</strong>"}, "edit time, BCP 47 tag from zhCn"},
		{"video and unsafe media", "video", []string{`<video src="media/media_attachments/files/000/000/008/original/0000000000000008.mp4" controls preload="none" aria-label="a short clip">`, `<p class="missing">Media file not in the archive: <a href="https://cdn.example/system/media_attachments/files/000/000/010/original/000000000000000a.png" rel="nofollow noopener noreferrer">original file on cdn.example</a>.</p>`, `<p class="missing">Media file not in the archive; see <a href="https://social.example/@tricky/video" rel="nofollow noopener noreferrer">the original post</a>.</p>`, `<a href="media/media_attachments/files/000/000/009/original/0000000000000009_svg.bin" download type="application/octet-stream">Attached file (image/svg&#43;xml), to download</a>`}, "CDN url resolved, escaping paths not copied, svg an inert download, a missing file links to its original or to the post"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := article(t, index, tt.status)
			for _, w := range tt.want {
				if !strings.Contains(a, w) {
					t.Errorf("%s: article lacks %q\n%s", tt.reason, w, a)
				}
			}
		})
	}

	t.Run("boost", func(t *testing.T) {
		want := `Boosted <a href="https://remote.example/users/bob/statuses/99" rel="nofollow noopener noreferrer" title="https://remote.example/users/bob/statuses/99">@bob@remote.example</a>`
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks the boost %q", want)
		}
	})
	t.Run("thread grouping", func(t *testing.T) {
		re := regexp.MustCompile(`(?s)<section class="thread" aria-label="Thread of 2 posts">.*?</section>`)
		th := re.FindString(index)
		cw, reply := strings.Index(th, "/@tricky/cw\""), strings.Index(th, "/@tricky/reply\"")
		if cw < 0 || reply < 0 || cw > reply {
			t.Errorf("thread section does not hold the CW post then its reply:\n%s", th)
		}
	})
	t.Run("profile", func(t *testing.T) {
		for _, w := range []string{
			`<h1 id="profile-name">Tricky &lt;b&gt;Name&lt;/b&gt;</h1>`,
			`<p class="handle">@tricky@social.example</p>`,
			`This account has moved</strong> to <a href="https://new.example/users/tricky"`,
			`<a href="https://old.example/users/tricky"`,
			`<div class="bio"><p>bio</p></div>`,
			`<dt>Site</dt><dd><a href="https://site.example" rel="nofollow noreferrer">site.example</a></dd>`,
			`<img class="avatar" src="avatar.png"`,
			`<img class="header-img" src="header.png"`,
		} {
			if !strings.Contains(index, w) {
				t.Errorf("profile lacks %q", w)
			}
		}
	})
	t.Run("files", func(t *testing.T) {
		src := writeTricky(t, t.TempDir())
		r := openArchive(t, src)
		f, err := r.Open(archive.MediaEntry(7, "0000000000000007.png"))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		want.ReadFrom(f)
		f.Close()
		got, err := os.ReadFile(filepath.Join(out, "media", archive.MediaEntry(7, "0000000000000007.png")))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got) {
			t.Error("copied media differs from the archive's")
		}
		if _, err := os.Stat(filepath.Join(out, "media", archive.MediaEntry(9, "0000000000000009.svg"))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("SVG media was copied under its own name (stat: %v); it must not be", err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(out), "evil.png")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a file was written outside the output: %v", err)
		}
	})
	t.Run("summary", func(t *testing.T) {
		want := render.Result{Posts: 9, Boosts: 1, Pages: 1, Months: 1, Media: 3, Missing: 2, Likes: 2, Bookmarks: 1}
		got := *sum
		got.Problems = nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
		if len(sum.Problems) != 2 {
			t.Errorf("problems = %v, want the 2 media not copied", sum.Problems)
		}
	})
	t.Run("search index", func(t *testing.T) {
		entries := readIndex(t, out)
		if len(entries) != 10 {
			t.Fatalf("index has %d entries, want 10", len(entries))
		}
		var cw []any
		for _, e := range entries {
			if strings.Contains(e[6].(string), "spoiler alert") {
				cw = e
			}
		}
		want := []any{1.0, nil, 1677665040.0, "public", 1.0, 0.0, "spoiler alert hidden behind a warning", nil}
		if cw == nil {
			t.Fatal("no index entry for the CW post")
		}
		cw[1] = nil
		if diff := cmp.Diff(want, cw); diff != "" {
			t.Errorf("CW entry (-want +got):\n%s", diff)
		}
	})
	t.Run("likes", func(t *testing.T) {
		likes := readFile(t, filepath.Join(out, "likes.html"))
		for _, w := range []string{`<a href="https://remote.example/users/bob/statuses/5"`, "<li>tag:remote.example,2017-01-01:objectId=5:objectType=Status</li>"} {
			if !strings.Contains(likes, w) {
				t.Errorf("likes.html lacks %q", w)
			}
		}
	})
}

// readIndex decodes index.js.
func readIndex(t *testing.T, out string) [][]any {
	t.Helper()
	js := readFile(t, filepath.Join(out, "index.js"))
	_, body, ok := strings.Cut(js, "window.fediportIndex = ")
	if !ok {
		t.Fatalf("index.js does not assign window.fediportIndex:\n%.200s", js)
	}
	var entries [][]any
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimSpace(body), ";")), &entries); err != nil {
		t.Fatalf("index.js is not a JSON array: %v", err)
	}
	return entries
}

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	out, sum := renderTricky(t, formatMarkdown)
	var names []string
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"2023-03.md", "avatar.png", "bookmarks.md", "header.png", "index.md", "likes.md", "media"}, names); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if sum.Pages != 1 || sum.Posts != 9 || sum.Boosts != 1 {
		t.Errorf("summary = %+v", sum)
	}
	month := readFile(t, filepath.Join(out, "2023-03.md"))
	for _, w := range []string{
		"# Tricky \\<b\\>Name\\</b\\>, March 2023",
		"## 1 Mar 2023, 10:01 UTC\n\n[Original](https://social.example/@tricky/script) · Public · language en\n\nbeforeafter\n",
		"**Content warning:** spoiler alert\n\nhidden behind a warning\n\n- (sensitive) ![a red square](media/media_attachments/files/000/000/007/original/0000000000000007.png)\n",
		"Poll (one choice, 4 voters, closed 2 Mar 2023, 10:05 UTC):\n\n- tea: 3 votes (75%)\n- coffee: 1 votes (25%)\n",
		"Boost of [@bob@remote.example](https://remote.example/users/bob/statuses/99) · Public",
		"In reply to [@bob@remote.example](https://remote.example/users/bob/statuses/1)",
		"edited text with **bold** and #tag",
		"language zh-CN · edited 1 Mar 2023, 10:20 UTC",
		"[fine link](https://ok.example/page)",
		"- [video: a short clip](media/media_attachments/files/000/000/008/original/0000000000000008.mp4)",
		"- Media not in the archive: not in the archive ([original file](https://cdn.example/system/media_attachments/files/000/000/010/original/000000000000000a.png))",
	} {
		if !strings.Contains(month, w) {
			t.Errorf("2023-03.md lacks %q", w)
		}
	}
	for _, bad := range []string{"<script", "pwned", "tracker.example", "javascript:", "onerror="} {
		if strings.Contains(month, bad) {
			t.Errorf("2023-03.md contains %q", bad)
		}
	}
	index := readFile(t, filepath.Join(out, "index.md"))
	for _, w := range []string{"**This account has moved** to <https://new.example/users/tricky>", "- [March 2023](2023-03.md): 10 posts", "[Likes](likes.md) (2)", "![Avatar](avatar.png)", "- **Site**: [site.example](https://site.example)"} {
		if !strings.Contains(index, w) {
			t.Errorf("index.md lacks %q\n%s", w, index)
		}
	}
}

func TestRenderRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	src := generated(t, t.TempDir(), 20)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := writeSite(context.Background(), openArchive(t, src), out)
	if !errors.Is(err, render.ErrNotEmpty) {
		t.Fatalf("Render into a non-empty folder: %v, want ErrNotEmpty", err)
	}
	if names := listDir(t, out); !cmp.Equal([]string{"notes.txt"}, names) {
		t.Errorf("refused render wrote files: %v", names)
	}
	c := config{Force: true}
	if _, err := c.Render(context.Background(), openArchive(t, src), out); err != nil {
		t.Fatalf("Render with Force: %v", err)
	}
	if got := readFile(t, filepath.Join(out, "notes.txt")); got != "mine" {
		t.Errorf("Force changed a file it does not own: %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("Force render wrote no index.html: %v", err)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestRenderStaysInsideOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		link string // a symbolic link planted in the output, to a folder outside
	}{
		{"media folder links out", "media"},
		{"page links out", "index.html"},
		{"stylesheet links out", "style.css"},
	}
	src := writeTricky(t, t.TempDir())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			outside := t.TempDir()
			target := outside
			if strings.Contains(tt.link, ".") {
				target = filepath.Join(outside, "victim")
			}
			out := t.TempDir()
			if err := os.Symlink(target, filepath.Join(out, tt.link)); err != nil {
				t.Fatal(err)
			}
			c := config{Force: true}
			_, err := c.Render(context.Background(), openArchive(t, src), out)
			if err == nil {
				t.Error("Render followed a symbolic link out of the output folder without error")
			}
			if names := listDir(t, outside); len(names) != 0 {
				t.Errorf("files written outside the output: %v", names)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	src := generated(t, t.TempDir(), 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := writeSite(ctx, openArchive(t, src), t.TempDir()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}
}

func TestRenderPaging(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "gen.zip")
	m, err := archivegen.WriteFile(p, archivegen.Options{Statuses: 450, Media: 20, Seed: 3, Likes: 2500})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "site")
	c := config{PageSize: 100}
	sum, err := c.Render(context.Background(), openArchive(t, p), out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Posts != m.Creates || sum.Boosts != m.Announces || sum.Pages != 5 || sum.Likes != 2500 {
		t.Errorf("summary %+v, want %d posts, %d boosts, 5 pages, 2500 likes", sum, m.Creates, m.Announces)
	}
	tests := []struct {
		file     string
		articles int
		newer    string // href of the newer link, "" when none
		older    string
		reason   string
	}{
		{"page-1.html", 100, "page-2.html", "", "the oldest page links only to newer posts"},
		{"page-3.html", 100, "page-4.html", "page-2.html", "a middle page links both ways"},
		{"page-5.html", 50, "", "page-4.html", "the newest page holds the remainder"},
		{"index.html", 50, "", "page-4.html", "index.html is the newest page"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := readFile(t, filepath.Join(out, tt.file))
			if got := len(articleRE.FindAllString(page, -1)); got != tt.articles {
				t.Errorf("%s: %d articles, want %d", tt.reason, got, tt.articles)
			}
			for rel, want := range map[string]string{"prev": tt.newer, "next": tt.older} {
				re := regexp.MustCompile(`rel="` + rel + `" href="([^"]+)"`)
				got := ""
				if m := re.FindStringSubmatch(page); m != nil {
					got = m[1]
				}
				if got != want {
					t.Errorf("%s: rel=%s link %q, want %q", tt.reason, rel, got, want)
				}
			}
		})
	}
	t.Run("newest first", func(t *testing.T) {
		page := readFile(t, filepath.Join(out, "page-3.html"))
		re := regexp.MustCompile(`<a class="date" href="#s-[0-9a-f]+"><time datetime="([^"]+)"`)
		var times []string
		for _, m := range re.FindAllStringSubmatch(page, -1) {
			times = append(times, m[1])
		}
		// Thread replies come after their parent; the first post of
		// each group is newer than the first of the next.
		if len(times) < 2 || times[0] < times[len(times)-1] {
			t.Errorf("page-3 is not newest first: first %v, last %v", times[0], times[len(times)-1])
		}
	})
	t.Run("parent links", func(t *testing.T) {
		// Item 300 replies to item 299 (archivegen: every 6th item
		// replies to the one before); both are on page 3 and shown as
		// a thread; a reply at a page boundary links to the older page.
		page := readFile(t, filepath.Join(out, "page-4.html"))
		if !strings.Contains(page, `In reply to <a href="page-3.html#s-`) {
			t.Error("page-4 has no reply linked to its parent on page-3")
		}
		if !strings.Contains(page, "Thread continues from the post above") {
			t.Error("page-4 shows no thread")
		}
	})
	t.Run("likes paged", func(t *testing.T) {
		for file, want := range map[string]string{"likes.html": `<ol class="uris" start="1">`, "likes-2.html": `<ol class="uris" start="1001">`, "likes-3.html": `<ol class="uris" start="2001">`} {
			if !strings.Contains(readFile(t, filepath.Join(out, file)), want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	})
	if got := len(readIndex(t, out)); got != 450 {
		t.Errorf("search index has %d entries, want 450", got)
	}
}

// TestRenderSkipped checks, for both formats, that an item that cannot
// be decoded and an activity that is neither a post nor a boost are
// counted as skipped and listed as problems, the post around them
// rendered, and that a cancelled context stops either renderer.
func TestRenderSkipped(t *testing.T) {
	t.Parallel()
	outbox := filepath.Join(t.TempDir(), "outbox.json")
	doc := `{"type":"OrderedCollection","orderedItems":[` +
		`{"id":"https://example.social/users/a/statuses/1/activity","type":"Create","actor":"https://example.social/users/a","published":"2023-01-02T03:04:05Z",` +
		`"object":{"id":"https://example.social/users/a/statuses/1","type":"Note","published":"2023-01-02T03:04:05Z","content":"<p>hi</p>"}},` +
		`{"id":"x","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}},` +
		`{"id":"l","type":"Like","object":"https://example.social/users/b/statuses/2"}]}`
	if err := os.WriteFile(outbox, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []outFormat{formatHTML, formatMarkdown} {
		t.Run(string(format), func(t *testing.T) {
			c := config{Format: format}
			sum, err := c.Render(context.Background(), openArchive(t, outbox), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			got := [3]int{sum.Posts, sum.Skipped, len(sum.Problems)}
			// Problems also holds the missing actor.json.
			if want := [3]int{1, 2, 3}; got != want {
				t.Errorf("posts, skipped, problems = %v, want %v (problems %v)", got, want, sum.Problems)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := c.Render(ctx, openArchive(t, outbox), t.TempDir()); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled context: %v, want context.Canceled", err)
			}
		})
	}
}

// TestRenderDamagedAvatar checks that an avatar the archive cannot give
// whole (its checksum fails) is left out as a problem, as a damaged
// media file is, instead of stopping the rendering.
func TestRenderDamagedAvatar(t *testing.T) {
	t.Parallel()
	avatar := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("avatar bytes ", 20))
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	w.TempDir = t.TempDir()
	if err := w.AddAvatar("png", bytes.NewReader(avatar)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	z := buf.Bytes()
	i := bytes.Index(z, avatar) // stored uncompressed
	if i < 0 {
		t.Fatal("avatar bytes not found in the ZIP")
	}
	z[i+len(avatar)-1] ^= 0xff
	p := filepath.Join(t.TempDir(), "damaged.zip")
	if err := os.WriteFile(p, z, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []outFormat{formatHTML, formatMarkdown} {
		t.Run(string(format), func(t *testing.T) {
			c := config{Format: format}
			sum, err := c.Render(context.Background(), openArchive(t, p), t.TempDir())
			if err != nil {
				t.Fatalf("Render stopped on a damaged avatar: %v", err)
			}
			found := false
			for _, e := range sum.Problems {
				found = found || strings.HasPrefix(e.Error(), "avatar: ")
			}
			if !found {
				t.Errorf("no avatar problem in %v", sum.Problems)
			}
		})
	}
}
