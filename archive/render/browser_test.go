package render_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile and no
// background networking, and returns a context for chromedp actions.
// It records every request whose URL is neither file: nor data:, and
// every JavaScript dialog (which only an injected script would open);
// the test fails on either when it ends, unless it took them with
// [observer.take]. It skips the test when Chromium is not installed.
func browser(t *testing.T) (context.Context, *observer) {
	t.Helper()
	exe := chromiumPath
	if _, err := os.Stat(exe); err != nil {
		found, lerr := exec.LookPath("chromium")
		if lerr != nil {
			t.Skipf("browser test skipped: Chromium is not installed (%s: %v); install Debian's chromium package to run it", chromiumPath, err)
		}
		exe = found
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 1400),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	obs := new(observer)
	mu, leaks, dialogs := &obs.mu, &obs.leaks, &obs.dialogs
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
				mu.Lock()
				*leaks = append(*leaks, u)
				mu.Unlock()
			}
		case *page.EventJavascriptDialogOpening:
			mu.Lock()
			*dialogs = append(*dialogs, e.Message)
			mu.Unlock()
			// fn must not run commands itself.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	}
	if err != nil {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		leaks, dialogs := obs.take()
		for _, u := range leaks {
			t.Errorf("the site made a request outside file://: %s", u)
		}
		for _, d := range dialogs {
			t.Errorf("a script opened a dialog: %q", d)
		}
	})
	return ctx, obs
}

// observer holds what [browser] saw that a rendered site must never do.
type observer struct {
	mu      sync.Mutex
	leaks   []string // requests outside file: and data:
	dialogs []string // JavaScript dialogs opened
}

// take returns and forgets what was seen so far.
func (o *observer) take() (leaks, dialogs []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	leaks, dialogs = o.leaks, o.dialogs
	o.leaks, o.dialogs = nil, nil
	return leaks, dialogs
}

// TestBrowserObserverSeesLeaks shows that the checks the other browser
// tests rely on can fail: a page that loads a remote image and opens a
// dialog is caught on both counts.
func TestBrowserObserverSeesLeaks(t *testing.T) {
	ctx, obs := browser(t)
	dir := t.TempDir()
	page := `<!doctype html><title>leak</title><img src="http://127.0.0.1:9/leak.png" alt=""><script>alert("injected")</script>`
	if err := os.WriteFile(filepath.Join(dir, "leak.html"), []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(fileURL(dir, "leak.html")))
	var leaks, dialogs []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		l, d := obs.take()
		leaks, dialogs = append(leaks, l...), append(dialogs, d...)
		if len(leaks) > 0 && len(dialogs) > 0 {
			break
		}
	}
	if len(leaks) != 1 || !strings.HasPrefix(leaks[0], "http://127.0.0.1:9/") {
		t.Errorf("remote request not seen: %q", leaks)
	}
	if len(dialogs) != 1 || dialogs[0] != "injected" {
		t.Errorf("dialog not seen: %q", dialogs)
	}
}

func fileURL(dir, name string) string {
	return "file://" + filepath.ToSlash(filepath.Join(dir, name))
}

// intJS evaluates a JavaScript expression giving a number.
func intJS(t *testing.T, ctx context.Context, expr string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return n
}

// do runs actions, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// get runs one action that gives a value, failing the test on error.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserSite(t *testing.T) {
	ctx, _ := browser(t)
	src := generated(t, t.TempDir(), 700)
	out := filepath.Join(t.TempDir(), "site")
	c := config{PageSize: 100}
	sum, err := c.Render(context.Background(), openArchive(t, src), out)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("timeline renders", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(fileURL(out, "index.html")), chromedp.WaitVisible(chromedp.CSS("article.post")))
		if n := intJS(t, ctx, `document.querySelectorAll("main article.post").length`); n != 100 {
			t.Errorf("index.html shows %d posts, want 100", n)
		}
		if title := get(t, ctx, chromedp.Title()); !strings.Contains(title, "Alice Example") {
			t.Errorf("title %q lacks the account name", title)
		}
		// The stylesheet loaded (a file beside the page, allowed by the
		// CSP): posts have a border.
		if n := intJS(t, ctx, `parseInt(getComputedStyle(document.querySelector("article.post")).borderTopWidth)`); n < 1 {
			t.Error("style.css is not applied")
		}
		shot := get(t, ctx, chromedp.CaptureScreenshot())
		dir := os.Getenv("ARCHIVE_HTML_ARTIFACTS")
		if dir == "" {
			dir = t.TempDir()
		}
		name := filepath.Join(dir, "archive-html-index.png")
		if err := os.WriteFile(name, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the first page: %s (set ARCHIVE_HTML_ARTIFACTS to keep it)", name)
	})

	t.Run("content warning opens on click", func(t *testing.T) {
		if n := intJS(t, ctx, `document.querySelectorAll("details.cw[open]").length`); n != 0 {
			t.Fatalf("%d content warnings open before any click", n)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("details.cw > summary")))
		visible := get(t, ctx, chromedp.Evaluate[bool](`(() => { const d = document.querySelector("details.cw"); const c = d.querySelector(".content"); return d.open && c.getBoundingClientRect().height > 0 })()`))
		if !visible {
			t.Error("the content warning did not open to show the post")
		}
	})

	t.Run("pages navigate", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)))
		loc := get(t, ctx, chromedp.Location())
		want := "page-" + strconv.Itoa(sum.Pages-1) + ".html"
		if !strings.HasSuffix(loc, want) {
			t.Errorf("older posts link went to %s, want %s", loc, want)
		}
		if n := intJS(t, ctx, `document.querySelectorAll("main article.post").length`); n != 100 {
			t.Errorf("%s shows %d posts, want 100", want, n)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[rel="prev"]`)), chromedp.WaitNotPresent(chromedp.CSS(`a[rel="prev"]`)))
		loc = get(t, ctx, chromedp.Location())
		if want := "page-" + strconv.Itoa(sum.Pages) + ".html"; !strings.HasSuffix(loc, want) {
			t.Errorf("newer posts link went to %s, want %s", loc, want)
		}
	})

	t.Run("search narrows the list", func(t *testing.T) {
		count := `parseInt(document.getElementById("count").dataset.n || "-1")`
		do(t, ctx, chromedp.Navigate(fileURL(out, "search.html")), chromedp.WaitVisible(chromedp.CSS(`#count[data-n]`)))
		all := intJS(t, ctx, count)
		if all != sum.Posts {
			t.Errorf("empty search matches %d posts, want all %d", all, sum.Posts)
		}
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#q"), "coffee garden"))
		text := intJS(t, ctx, count)
		if text <= 0 || text >= all {
			t.Errorf("searching text gives %d of %d posts, want fewer but some", text, all)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#media")))
		media := intJS(t, ctx, count)
		if media >= text {
			t.Errorf("has-media filter gives %d of %d posts, want fewer", media, text)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#media")), chromedp.SetValue(chromedp.CSS("#vis"), "direct"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("vis").dispatchEvent(new Event("change", {bubbles: true}))`))
		direct := intJS(t, ctx, count)
		if direct <= 0 || direct >= text {
			t.Errorf("visibility filter gives %d of %d posts, want fewer but some", direct, text)
		}
		// A result links to its post on a timeline page.
		do(t, ctx, chromedp.Click(chromedp.CSS("#results li a")), chromedp.WaitVisible(chromedp.CSS("article.post:target")))
		if loc := get(t, ctx, chromedp.Location()); !strings.Contains(loc, "/page-") || !strings.Contains(loc, "#s-") {
			t.Errorf("search result led to %s", loc)
		}
		// The search box of a timeline page hands its query over.
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#quick-q"), "fediverse\n"), chromedp.WaitVisible(chromedp.CSS(`#count[data-n]`)))
		if n := intJS(t, ctx, count); n <= 0 || n >= all {
			t.Errorf("search from a timeline page matches %d of %d", n, all)
		}
		if q := get(t, ctx, chromedp.Value(chromedp.CSS("#q"))); q != "fediverse" {
			t.Errorf("search page text box holds %q, want the query handed over", q)
		}
	})
}

func TestBrowserHostileContent(t *testing.T) {
	ctx, _ := browser(t)
	src := writeTricky(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "site")
	if _, err := writeSite(context.Background(), openArchive(t, src), out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "search.html", "likes.html", "months.html"} {
		do(t, ctx, chromedp.Navigate(fileURL(out, name)), chromedp.WaitReady(chromedp.CSS("footer")))
		if get(t, ctx, chromedp.Evaluate[bool](`window.pwned !== undefined`)) {
			t.Errorf("%s: a script from the archive ran", name)
		}
	}
	// Sensitive media is blurred until it is clicked.
	do(t, ctx, chromedp.Navigate(fileURL(out, "index.html")), chromedp.WaitVisible(chromedp.CSS("details.cw")), chromedp.Click(chromedp.CSS("details.cw > summary")))
	filter := `getComputedStyle(document.querySelector(".sensitive img")).filter`
	// Opening the warning starts loading the (lazy) image: wait for it.
	get(t, ctx, chromedp.Poll[bool](`document.querySelector(".sensitive img").complete`))
	before := get(t, ctx, chromedp.Evaluate[string](filter))
	do(t, ctx, chromedp.Click(chromedp.CSS(".sensitive img")))
	after := get(t, ctx, chromedp.Evaluate[string](filter))
	if !strings.Contains(before, "blur") || after != "none" {
		t.Errorf("sensitive image filter %q before a click and %q after, want blur then none", before, after)
	}
	// Images from the archive load (the CSP allows files beside the page).
	if n := intJS(t, ctx, `document.querySelector(".sensitive img").naturalWidth`); n != 8 {
		t.Errorf("archive image not loaded: naturalWidth %d, want 8", n)
	}
}

// TestBrowserMediaNeverRuns opens every media file of a rendered site in
// Chromium, as a reader following a link would: files named as pages or
// scripts (.shtml, .xht, .svg, ...) are inert downloads, so none of the
// scripts they hold runs.
func TestBrowserMediaNeverRuns(t *testing.T) {
	ctx, _ := browser(t)
	dir := t.TempDir()
	src, _ := mediaArchive(t, dir)
	out := filepath.Join(dir, "site")
	if _, err := writeSite(context.Background(), openArchive(t, src), out); err != nil {
		t.Fatal(err)
	}
	var media []string
	filepath.WalkDir(filepath.Join(out, "media"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			media = append(media, p)
		}
		return nil
	})
	if len(media) == 0 {
		t.Fatal("no media written")
	}
	for _, p := range media {
		do(t, ctx, chromedp.Navigate("about:blank"))
		// A download aborts the navigation: the page stays blank.
		chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.ToSlash(p)))
		time.Sleep(100 * time.Millisecond)
		if get(t, ctx, chromedp.Evaluate[bool](`window.pwned !== undefined`)) {
			t.Errorf("opening %s ran its script", filepath.Base(p))
		}
	}
}
