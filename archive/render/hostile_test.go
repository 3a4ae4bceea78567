package render_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/archive/render"
)

// writeHostileActor writes an archive whose actor, aliases and boosts
// carry javascript: URLs, line breaks, tabs and terminal escapes.
func writeHostileActor(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "hostile.zip")
	w, err := archive.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.SetActor(&activitypub.Actor{
		ID: actorID, Type: "Person", PreferredUsername: "x\x1b[2Jy",
		Name:        "Name\n[pwn]: https://evil.example/def\n# Injected heading\x07",
		Inbox:       actorID + "/inbox",
		MovedTo:     "javascript:alert(1)",
		AlsoKnownAs: []string{"javascript:alert(2)", "https://ok.example/a\n# Heading from an alias\n[d]: https://evil.example/", "https://ok.example/b\t>c"},
		Attachment:  []activitypub.Field{{Type: "PropertyValue", Name: "Field\n# Heading from a field\t", Value: "v\x1b]0;title\x07"}},
	})
	at := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, boost := range []string{"javascript:alert(3)", "https://remote.example/s/1\n# Heading from a boost\n", "https://remote.example/s/2"} {
		if err := w.AddStatus(&archive.Status{Index: -1, Offset: -1, Activity: "Announce", ActivityID: actorID + "/statuses/b" + string(rune('0'+i)) + "/activity",
			Actor: actorID, ID: boost, Published: at.Add(time.Duration(i) * time.Minute), Visibility: archive.Public,
			To: []string{activitypub.PublicCollection}}); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	note := &archive.Status{Index: -1, Offset: -1, Activity: "Create", ActivityID: actorID + "/statuses/n/activity", Actor: actorID,
		Type: "Note", ID: actorID + "/statuses/n", URL: "https://social.example/@x/n\n[e]: https://evil.example/", AttributedTo: actorID,
		Published: at.Add(time.Hour), Content: "<p>text\x1b[31m red <a href=\"https://a.example/x\ny\">link</a></p><pre>code\x1b[0m\n# not a heading</pre>",
		Summary: "cw\n# Heading from a warning", InReplyTo: "javascript:alert(4)", Visibility: archive.Public}
	if err := w.AddStatus(note); err != nil {
		w.Abort()
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMarkdownHostileFields: in Markdown output, only http(s) URLs are
// links, and no field can start a line of its own (a heading, a link
// definition) or carry a control character.
func TestMarkdownHostileFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeHostileActor(t, dir)
	out := filepath.Join(dir, "out")
	c := config{Format: formatMarkdown}
	if _, err := c.Render(context.Background(), openArchive(t, src), out); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	md := all.String()
	for _, bad := range []string{"<javascript:", "](javascript:", "\x1b", "\x07"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown holds %q", bad)
		}
	}
	for _, re := range []string{`(?m)^\s*#+ (Injected|Heading from)`, `(?m)^\s*\[[a-z]+\]:`} {
		if m := regexp.MustCompile(re).FindString(md); m != "" {
			t.Errorf("a field starts a line of its own: %q", m)
		}
	}
	for _, want := range []string{"<https://ok.example/a%0A#%20Heading%20from%20an%20alias%0A[d]:%20https://evil.example/>", "<https://ok.example/b%09%3Ec>", "Boost of [a post on remote.example](https://remote.example/s/2)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}

// TestMediaAllowList: media whose names a browser or a web server would
// treat as a page or a script are written as inert .bin downloads and
// never linked as a page; only Mastodon's image, video and audio
// extensions keep theirs.
// mediaArchive writes an archive with one post whose attachments are
// files named as pages and scripts, and a few real media names; each
// file is a script that sets window.pwned. It returns the archive's
// path and the number of files.
func mediaArchive(t *testing.T, dir string) (string, int) {
	t.Helper()
	p := filepath.Join(dir, "media.zip")
	w, err := archive.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.SetActor(&activitypub.Actor{ID: actorID, Type: "Person", PreferredUsername: "m", Inbox: actorID + "/inbox"})
	files := []struct{ name, mediaType string }{
		{"a.shtml", "image/png"}, {"b.shtm", "image/png"}, {"c.xht", "image/png"}, {"d.xhtm", "video/mp4"},
		{"e.xbl", "image/png"}, {"f.html", "image/png"}, {"g.svg", "image/svg+xml"}, {"h.php", "image/png"},
		{"i.php.png", "image/png"}, {"noext", "image/png"}, {"k.png", "image/svg+xml"}, {"l.PNG", "image/png"},
		{"m.mp4", "video/mp4"}, {"n.opus", "audio/ogg"}, {"o.jpg", ""},
	}
	var atts []archive.Attachment
	for i, f := range files {
		id := uint64(i + 1)
		if _, err := w.AddMedia(id, f.name, strings.NewReader(`<script>window.pwned=1</script>`)); err != nil {
			w.Abort()
			t.Fatal(err)
		}
		atts = append(atts, archive.Attachment{Type: "Document", MediaType: f.mediaType, URL: archive.MediaEntry(id, f.name), Name: f.name})
	}
	if err := w.AddStatus(&archive.Status{Index: -1, Offset: -1, Activity: "Create", ActivityID: actorID + "/statuses/1/activity", Actor: actorID,
		Type: "Note", ID: actorID + "/statuses/1", AttributedTo: actorID, Published: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		Content: "<p>media</p>", Visibility: archive.Public, Attachments: atts}); err != nil {
		w.Abort()
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p, len(files)
}

func TestMediaAllowList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, nfiles := mediaArchive(t, dir)
	out := filepath.Join(dir, "out")
	sum, err := writeSite(context.Background(), openArchive(t, p), out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Media != nfiles || sum.Missing != 0 {
		t.Errorf("%d media written, %d missing; want %d and 0", sum.Media, sum.Missing, nfiles)
	}
	allowed := regexp.MustCompile(`^[^.]+\.(png|jpg|PNG|mp4|opus|bin)$`)
	var written []string
	filepath.WalkDir(filepath.Join(out, "media"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			written = append(written, d.Name())
			if !allowed.MatchString(d.Name()) {
				t.Errorf("media written as %s", d.Name())
			}
		}
		return nil
	})
	for _, want := range []string{"a_shtml.bin", "g_svg.bin", "i_php.png", "noext.bin", "k_png.bin", "l.PNG", "m.mp4", "n.opus", "o.jpg"} {
		found := false
		for _, n := range written {
			found = found || n == want
		}
		if !found {
			t.Errorf("no media file %s among %v", want, written)
		}
	}
	index := readFile(t, filepath.Join(out, "index.html"))
	for _, m := range regexp.MustCompile(`<a href="(media/[^"]+)"([^>]*)>`).FindAllStringSubmatch(index, -1) {
		if strings.HasSuffix(m[1], ".bin") != strings.Contains(m[2], "download") {
			t.Errorf("link %s%s: a .bin file must be a download, and only it", m[1], m[2])
		}
	}
	if strings.Contains(index, `src="media/`) && regexp.MustCompile(`src="media/[^"]+\.bin"`).MatchString(index) {
		t.Error("a .bin file is shown inline")
	}
}

// TestRenderLimits: each output limit stops the rendering with its own
// *LimitError, and nothing beyond it is written.
func TestRenderLimits(t *testing.T) {
	t.Parallel()
	src := generated(t, t.TempDir(), 3000) // 3000 posts 17 minutes apart: two months
	tests := []struct {
		name   string
		config config
		limit  string
	}{
		{"posts, HTML", config{Limits: render.Limits{MaxPosts: 50}}, "MaxPosts"},
		{"posts, Markdown", config{Format: formatMarkdown, Limits: render.Limits{MaxPosts: 50}}, "MaxPosts"},
		{"pages", config{PageSize: 10, Limits: render.Limits{MaxPages: 3}}, "MaxPages"},
		{"month files", config{Format: formatMarkdown, Limits: render.Limits{MaxPages: 1}}, "MaxPages"},
		{"bytes, HTML", config{Limits: render.Limits{MaxBytes: 100_000}}, "MaxBytes"},
		{"bytes, Markdown", config{Format: formatMarkdown, Limits: render.Limits{MaxBytes: 20_000}}, "MaxBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			sum, err := tt.config.Render(context.Background(), openArchive(t, src), out)
			var le *render.LimitError
			if !errors.Is(err, render.ErrLimit) || !errors.As(err, &le) || le.Limit != tt.limit {
				t.Fatalf("error %v, want a *LimitError for %s", err, tt.limit)
			}
			switch tt.limit {
			case "MaxPosts":
				if n := sum.Posts + sum.Boosts; n != tt.config.Limits.MaxPosts {
					t.Errorf("%d statuses rendered, want %d", n, tt.config.Limits.MaxPosts)
				}
			case "MaxPages":
				if sum.Pages != tt.config.Limits.MaxPages {
					t.Errorf("%d pages, want %d", sum.Pages, tt.config.Limits.MaxPages)
				}
			case "MaxBytes":
				var total int64
				filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+"media"+string(filepath.Separator)) && !strings.HasSuffix(p, ".png") {
						info, _ := d.Info()
						total += info.Size()
					}
					return nil
				})
				if total > tt.config.Limits.MaxBytes {
					t.Errorf("%d bytes written, over MaxBytes %d", total, tt.config.Limits.MaxBytes)
				}
			}
		})
	}
	// Without limits set, the defaults let a real rendering through.
	if _, err := writeSite(context.Background(), openArchive(t, src), t.TempDir()); err != nil {
		t.Errorf("default limits: %v", err)
	}
}

// TestRenderIncompleteOutbox: with the outbox missing or cut short, the
// site is still written with what was read, and Render returns the
// archive's error for it.
func TestRenderIncompleteOutbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	os.MkdirAll(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "actor.json"), []byte(`{"id":"https://a.example/u","type":"Person","preferredUsername":"u"}`), 0o644)
	item := `{"id":"https://a.example/s/1/activity","type":"Create","published":"2020-01-01T00:00:00Z","object":{"id":"https://a.example/s/1","type":"Note","content":"<p>first</p>","published":"2020-01-01T00:00:00Z"}}`
	doc := `{"orderedItems":[` + item + `,` + item + `]}`
	cut := filepath.Join(dir, "cut.json")
	os.WriteFile(cut, []byte(doc[:len(doc)-40]), 0o644)
	for _, tt := range []struct {
		path  string
		want  error
		posts int
	}{{folder, fs.ErrNotExist, 0}, {cut, archive.ErrCorrupt, 1}} {
		out := filepath.Join(t.TempDir(), "out")
		sum, err := writeSite(context.Background(), openArchive(t, tt.path), out)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.path, err, tt.want)
		}
		if sum == nil || sum.Posts != tt.posts {
			t.Errorf("%s: summary %+v, want %d posts", tt.path, sum, tt.posts)
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			t.Errorf("%s: no index.html: %v", tt.path, err)
		}
	}
}
