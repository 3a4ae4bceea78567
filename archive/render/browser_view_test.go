package render_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// viewports are the widths the site is checked at: a phone (390x844,
// an iPhone 12 to 15) and a laptop.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"desktop", 1280, 800, false},
}

// screenshot saves a PNG of what the browser shows as name, in
// $ARCHIVE_HTML_ARTIFACTS when set (to look at them), else in a
// temporary folder.
func screenshot(t *testing.T, ctx context.Context, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	b := get(t, ctx, shot)
	dir := os.Getenv("ARCHIVE_HTML_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (set ARCHIVE_HTML_ARTIFACTS to keep it)", p)
}

// TestBrowserReaderView opens the rendered site as a reader in Tokyo
// would, on a phone and on a laptop: nothing is wider than the screen,
// boosts and replies name their author, times are shown in local time
// (UTC kept as the title), a missing media file links to its original,
// and the site opens on its newest posts, named "Latest posts".
func TestBrowserReaderView(t *testing.T) {
	ctx, _ := browser(t)
	tricky := filepath.Join(t.TempDir(), "tricky")
	if _, err := writeSite(context.Background(), openArchive(t, writeTricky(t, t.TempDir())), tricky); err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(t.TempDir(), "gen")
	c := config{PageSize: 100}
	sum, err := c.Render(context.Background(), openArchive(t, generated(t, t.TempDir(), 350)), gen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	text := func(t *testing.T, expr string) string {
		t.Helper()
		return get(t, ctx, chromedp.Evaluate[string](expr))
	}
	// wider lists what reaches past the screen's right edge: the page
	// itself (sideways scrolling) and elements of main.
	wider := func(t *testing.T) string {
		t.Helper()
		// clientWidth, not innerWidth: a phone zooms out to show a page
		// too wide, and innerWidth grows with it.
		return text(t, `[document.documentElement.scrollWidth > document.documentElement.clientWidth ? "the page, " + document.documentElement.scrollWidth + " px" : ""].concat(
			Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + "." + e.className).slice(0, 5)
		).filter(Boolean).join(", ")`)
	}
	overflow := func(t *testing.T, page string) {
		t.Helper()
		if w := wider(t); w != "" {
			t.Errorf("%s at %d px: wider than the screen: %s", page, intJS(t, ctx, `document.documentElement.clientWidth`), w)
		}
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			opts := []chromedp.EmulateViewportOption{}
			if vp.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
			}
			do(t, ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...))
			do(t, ctx, chromedp.Navigate(fileURL(tricky, "index.html")), chromedp.WaitVisible(chromedp.CSS("article.post")))
			// A phone lays the page out at its own width: the viewport
			// meta tag works.
			if w := intJS(t, ctx, `document.documentElement.clientWidth`); int64(w) != vp.width {
				t.Fatalf("viewport %d px wide, want %d", w, vp.width)
			}
			overflow(t, "index.html")
			if got := text(t, `document.querySelector(".boosted").textContent.trim()`); got != "↻ Boosted @bob@remote.example" {
				t.Errorf("boost line %q, want \"↻ Boosted @bob@remote.example\"", got)
			}
			if got := text(t, `document.querySelector(".boosted a").href`); got != "https://remote.example/users/bob/statuses/99" {
				t.Errorf("boost links to %q", got)
			}
			if got := text(t, `Array.from(document.querySelectorAll(".reply-to")).map(e => e.textContent.trim()).join(" | ")`); !strings.Contains(got, "In reply to @bob@remote.example") {
				t.Errorf("reply lines %q lack \"In reply to @bob@remote.example\"", got)
			}
			// The newest post, 10:10 UTC, at 19:10 in Tokyo; UTC stays
			// as the title.
			if got := text(t, `document.querySelector("article.post time").textContent`); got != "1 Mar 2023, 19:10 GMT+9" {
				t.Errorf("first post's time shows %q, want it in Tokyo time, \"1 Mar 2023, 19:10 GMT+9\"", got)
			}
			if got := text(t, `document.querySelector("article.post time").title`); got != "1 Mar 2023, 10:10 UTC" {
				t.Errorf("first post's time has title %q, want the UTC time", got)
			}
			if n := intJS(t, ctx, `Array.from(document.querySelectorAll("time[datetime*='T']")).filter(e => e.textContent.endsWith("UTC")).length`); n != 0 {
				t.Errorf("%d times still in UTC after time.js ran", n)
			}
			if got := text(t, `(document.querySelector(".missing a[href^='https://cdn.example/']") || {}).href || ""`); got != "https://cdn.example/system/media_attachments/files/000/000/010/original/000000000000000a.png" {
				t.Errorf("missing media links to %q, want its original URL", got)
			}
			if n := intJS(t, ctx, `Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && i.loading !== "lazy").length`); n != 0 {
				t.Errorf("%d broken images", n)
			}
			screenshot(t, ctx, "reader-"+vp.name+"-top.png", chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".missing")))
			screenshot(t, ctx, "reader-"+vp.name+"-media.png", chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".boosted")))
			screenshot(t, ctx, "reader-"+vp.name+"-boost.png", chromedp.CaptureScreenshot())

			// Search results show their times in the same format, local.
			do(t, ctx, chromedp.Navigate(fileURL(tricky, "search.html")), chromedp.WaitVisible(chromedp.CSS(`#count[data-n]`)))
			if got := text(t, `document.querySelector("#results time").textContent`); got != "1 Mar 2023, 19:10 GMT+9" {
				t.Errorf("newest search result's time shows %q, want \"1 Mar 2023, 19:10 GMT+9\"", got)
			}
			overflow(t, "search.html")

			// A generated site of 4 pages opens on the newest, named.
			do(t, ctx, chromedp.Navigate(fileURL(gen, "index.html")), chromedp.WaitVisible(chromedp.CSS("article.post")))
			overflow(t, "generated index.html")
			if got := text(t, `document.querySelector(".pageno").textContent`); got != "Latest posts" {
				t.Errorf("landing page labelled %q, want \"Latest posts\"", got)
			}
			newest := text(t, `Array.from(document.querySelectorAll("a.date time")).map(e => e.dateTime).sort().pop()`)
			do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".pager")))
			screenshot(t, ctx, "reader-"+vp.name+"-pager.png", chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)))
			label := text(t, `document.querySelector(".pageno").textContent`)
			if !strings.Contains(label, " – ") || strings.Contains(label, "Page") {
				t.Errorf("older page labelled %q, want the days it spans", label)
			}
			older := text(t, `Array.from(document.querySelectorAll("a.date time")).map(e => e.dateTime).sort().pop()`)
			if older >= newest {
				t.Errorf("the page behind \"Older posts\" has a post of %s, not older than the landing page's newest, %s", older, newest)
			}
			if loc := get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "page-"+strconv.Itoa(sum.Pages-1)+".html") {
				t.Errorf("older posts at %s", loc)
			}
			overflow(t, "an older page")
			// The check sees a post made too wide.
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("article.post").style.minWidth = (document.documentElement.clientWidth + 50) + "px"`))
			if w := wider(t); !strings.Contains(w, "the page") || !strings.Contains(w, "ARTICLE.post") {
				t.Errorf("a post wider than the screen was not seen: %q", w)
			}
			screenshot(t, ctx, "reader-"+vp.name+"-older.png", chromedp.CaptureScreenshot())
		})
	}
}
