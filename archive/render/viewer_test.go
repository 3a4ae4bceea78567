package render_test

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/archivegen"
)

// sharedMediaArchive writes an archive whose n posts all show the same
// media file, as an unpacked folder, a ZIP and a .tar.gz, and returns
// their paths.
func sharedMediaArchive(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{}
	entry := archive.MediaEntry(1, "shared.png")
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf(`{"id":"https://a.example/users/u/statuses/%d/activity","type":"Create","actor":"https://a.example/users/u","published":"2020-01-01T00:%02d:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":"https://a.example/users/u/statuses/%d","type":"Note","content":"<p>post %d</p>","published":"2020-01-01T00:%02d:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"attachment":[{"type":"Document","mediaType":"image/png","url":"/%s"}]}}`,
			i, i%60, i, i, i%60, entry))
	}
	files["outbox.json"] = []byte(`{"id":"outbox.json","type":"OrderedCollection","orderedItems":[` + strings.Join(items, ",") + `]}`)
	files["actor.json"] = []byte(`{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`)
	files[entry] = pngBytes(t, color.RGBA{10, 200, 10, 255})

	unpacked := filepath.Join(dir, "unpacked")
	for name, b := range files {
		p := filepath.Join(unpacked, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"outbox.json", "actor.json", entry}

	zf, err := os.Create(filepath.Join(dir, "a.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(files[name])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()

	tf, err := os.Create(filepath.Join(dir, "a.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(tf)
	tw := tar.NewWriter(gz)
	for _, name := range names {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: int64(len(files[name])), Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
		tw.Write(files[name])
	}
	tw.Close()
	gz.Close()
	tf.Close()
	return []string{unpacked, filepath.Join(dir, "a.zip"), filepath.Join(dir, "a.tar.gz")}
}

// TestMediaCountedOnce: a media file that many posts show is copied and
// counted once, whatever the container: Result.Media counts files in
// the output, not references (an archive holding one file was reported
// as 8333 media files).
func TestMediaCountedOnce(t *testing.T) {
	t.Parallel()
	for _, src := range sharedMediaArchive(t, 30) {
		for _, format := range []outFormat{formatHTML, formatMarkdown} {
			t.Run(filepath.Base(src)+"/"+string(format), func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "site")
				c := config{Format: format}
				sum, err := c.Render(context.Background(), openArchive(t, src), out)
				if err != nil {
					t.Fatal(err)
				}
				files := 0
				filepath.WalkDir(filepath.Join(out, "media"), func(_ string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						files++
					}
					return nil
				})
				if sum.Posts != 30 || sum.Media != 1 || files != 1 || sum.Missing != 0 {
					t.Errorf("%d posts, Result.Media %d, %d files under media/, %d missing; want 30 posts showing 1 file, counted once", sum.Posts, sum.Media, files, sum.Missing)
				}
			})
		}
	}
}

var (
	// timeRE finds the <time> elements of a page that hold a moment.
	timeRE = regexp.MustCompile(`<time datetime="([^"]*T[^"]*)">([^<]*)</time>`)
	// mdDateRE finds the dates of Markdown output: headings, edits,
	// poll ends.
	mdDateRE = regexp.MustCompile(`(?m)^## (.*)$|edited ([^·\n]*UTC)|(?:ends|closed) ([^)\n]*UTC)`)
)

// TestOneDateFormat: every date and time the output shows, in HTML and
// in Markdown, is in the one format, UTC, "2 Mar 2023, 10:01 UTC"; in
// HTML each is in a <time> whose datetime time.js shows in local time.
func TestOneDateFormat(t *testing.T) {
	t.Parallel()
	const layout = "2 Jan 2006, 15:04 UTC"
	site, _ := renderTricky(t, formatHTML)
	index := readFile(t, filepath.Join(site, "index.html"))
	times := timeRE.FindAllStringSubmatch(index, -1)
	if len(times) < 12 { // 10 posts, an edit, a poll
		t.Fatalf("%d times on index.html, want at least 12", len(times))
	}
	for _, m := range times {
		at, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			t.Errorf("datetime %q: %v", m[1], err)
			continue
		}
		if want := at.UTC().Format(layout); m[2] != want {
			t.Errorf("<time datetime=%q> shows %q, want %q", m[1], m[2], want)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(site, "search.js")), `" UTC"`) {
		t.Error("search.js does not write search results' times in the same format")
	}

	md, _ := renderTricky(t, formatMarkdown)
	month := readFile(t, filepath.Join(md, "2023-03.md"))
	dates := mdDateRE.FindAllStringSubmatch(month, -1)
	if len(dates) < 12 {
		t.Fatalf("%d dates in 2023-03.md, want at least 12", len(dates))
	}
	for _, m := range dates {
		s := m[1] + m[2] + m[3]
		if _, err := time.Parse(layout, s); err != nil {
			t.Errorf("Markdown date %q is not in the format %q", s, layout)
		}
	}
}

// TestPagesNamed: a reader sees no page number counted from the oldest:
// the newest page, where index.html opens, is "Latest posts", the others
// are named by the days they span; the files keep their numbers from the
// oldest, so links between pages, replies across pages and months.html
// hold.
func TestPagesNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "gen.zip")
	if _, err := archivegen.WriteFile(src, archivegen.Options{Statuses: 450, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "site")
	c := config{PageSize: 100}
	sum, err := c.Render(context.Background(), openArchive(t, src), out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pages != 5 {
		t.Fatalf("%d pages, want 5", sum.Pages)
	}
	pageno := regexp.MustCompile(`<span class="pageno">(.*?)</span>`)
	rangeRE := regexp.MustCompile(`^<time datetime="(\d{4}-\d\d-\d\dT[\d:]+Z)" data-day>(\d{1,2} \w{3} \d{4})</time> – <time datetime="(\d{4}-\d\d-\d\dT[\d:]+Z)" data-day>(\d{1,2} \w{3} \d{4})</time>$`)
	for _, name := range []string{"index.html", "page-5.html"} {
		page := readFile(t, filepath.Join(out, name))
		for _, m := range pageno.FindAllStringSubmatch(page, -1) {
			if m[1] != "Latest posts" {
				t.Errorf("%s, the newest page, is labelled %q, want \"Latest posts\"", name, m[1])
			}
		}
		if !strings.Contains(page, "<title>") || !strings.Contains(page, `<a href="index.html"`) {
			t.Errorf("%s: no title or no link to index.html", name)
		}
	}
	var prevFrom string
	for n := 1; n <= 4; n++ {
		name := fmt.Sprintf("page-%d.html", n)
		page := readFile(t, filepath.Join(out, name))
		labels := pageno.FindAllStringSubmatch(page, -1)
		if len(labels) != 2 {
			t.Fatalf("%s: %d page labels, want 2 (above and below)", name, len(labels))
		}
		m := rangeRE.FindStringSubmatch(labels[0][1])
		if m == nil {
			t.Errorf("%s is labelled %q, want the days it spans", name, labels[0][1])
			continue
		}
		for _, pair := range [][2]string{{m[1], m[2]}, {m[3], m[4]}} {
			at, err := time.Parse(time.RFC3339, pair[0])
			if err != nil || at.Format("2 Jan 2006") != pair[1] {
				t.Errorf("%s: day %q shown for %q", name, pair[1], pair[0])
			}
		}
		if m[1] > m[3] || m[1] < prevFrom {
			t.Errorf("%s spans %s to %s, after a page from %s: not in order", name, m[1], m[3], prevFrom)
		}
		prevFrom = m[1]
		if strings.Contains(page, fmt.Sprintf("Page %d", n)) {
			t.Errorf("%s still shows its number from the oldest", name)
		}
	}
	// index.html opens on the newest posts: it holds the newest post
	// of the site.
	dateRE := regexp.MustCompile(`<a class="date" href="#s-[0-9a-f]+"><time datetime="([^"]+)"`)
	newest := func(name string) string {
		last := ""
		for _, m := range dateRE.FindAllStringSubmatch(readFile(t, filepath.Join(out, name)), -1) {
			last = max(last, m[1])
		}
		return last
	}
	landing := newest("index.html")
	for n := 1; n <= 4; n++ {
		if got := newest(fmt.Sprintf("page-%d.html", n)); got >= landing {
			t.Errorf("page-%d.html holds a post of %s, not older than the newest of index.html, %s", n, got, landing)
		}
	}
}

// TestRealArchiveReaderView renders a real Mastodon archive (2022,
// .tar.gz; archive/testdata): every boost and reply to another account
// names its author or host instead of showing a raw URL (or OStatus
// tag: URI), and each of
// its media files, absent from the export, links to the post.
func TestRealArchiveReaderView(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	sum, err := writeSite(context.Background(), openArchive(t, "../testdata/mastodon-2022-12-targz.tar.gz"), out)
	if err != nil {
		t.Fatal(err)
	}
	lineRE := regexp.MustCompile(`(Boosted|In reply to) <(?:a href|span title)="((?:https?|tag):[^"]+)"[^>]*>([^<]*)</(?:a|span)>`)
	whoRE := regexp.MustCompile(`^(@[\w.-]+@[a-z0-9.:-]+|a post on [a-z0-9.:-]+)$`)
	boosts, replies, missing := 0, 0, 0
	for n := 1; n <= sum.Pages; n++ {
		page := readFile(t, filepath.Join(out, fmt.Sprintf("page-%d.html", n)))
		for _, m := range lineRE.FindAllStringSubmatch(page, -1) {
			if m[1] == "Boosted" {
				boosts++
			} else {
				replies++
			}
			if !whoRE.MatchString(m[3]) {
				t.Errorf("%s %s shown as %q, want its author or host", m[1], m[2], m[3])
			}
		}
		missing += strings.Count(page, `<p class="missing">Media file not in the archive; see <a href="https://mastodon.social/@lmorchard/`)
	}
	if boosts != sum.Boosts || replies == 0 {
		t.Errorf("%d boost lines for %d boosts, %d reply lines", boosts, sum.Boosts, replies)
	}
	if missing != sum.Missing || missing == 0 {
		t.Errorf("%d missing media linked to their post, of %d missing", missing, sum.Missing)
	}
}
