package render_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/archive/render"
	"github.com/fediport/fediport/internal/archivegen"
)

const actorID = "https://social.example/users/tricky"

// pngBytes returns a small valid PNG of one colour.
func pngBytes(t testing.TB, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// trickyStatuses are statuses whose rendering is easy to get wrong.
// Their ids end in the name the tests find them by.
func trickyStatuses() []*archive.Status {
	at := func(min int) time.Time { return time.Date(2023, 3, 1, 10, min, 0, 0, time.UTC) }
	note := func(name string, min int, content string) *archive.Status {
		id := actorID + "/statuses/" + name
		return &archive.Status{
			Index: -1, Offset: -1, Activity: "Create", ActivityID: id + "/activity", Actor: actorID,
			Type: "Note", ID: id, URL: "https://social.example/@tricky/" + name, AttributedTo: actorID,
			Published: at(min), Content: content, Language: "en", Visibility: archive.Public,
		}
	}
	script := note("script", 1, `<p>before<script>window.pwned=1</script>after</p>`)
	onerror := note("onerror", 2, `<p>x<img src="x" onerror="window.pwned=2">y <a href="javascript:alert(1)" onclick="alert(2)">js link</a> <a href="https://ok.example/page" style="color:red">fine link</a></p>`)
	remote := note("remote", 3, `<p>remote<img src="https://tracker.example/pixel.gif"> <iframe src="https://embed.example/"></iframe><object data="https://x.example/o"></object><style>body{display:none}</style>image</p>`)
	cw := note("cw", 4, `<p>hidden behind a warning</p>`)
	cw.Summary = "spoiler alert"
	cw.Sensitive = true
	cw.Attachments = []archive.Attachment{{Type: "Document", MediaType: "image/png", URL: archive.MediaEntry(7, "0000000000000007.png"), Name: "a red square"}}
	poll := note("poll", 5, `<p>which one?</p>`)
	poll.Type = "Question"
	poll.Poll = &archive.Poll{EndTime: at(5).Add(24 * time.Hour), Closed: at(5).Add(24 * time.Hour), VotersCount: 4,
		Options: []archive.PollOption{{Name: "tea", Votes: 3}, {Name: "coffee", Votes: 1}}}
	boost := &archive.Status{Index: -1, Offset: -1, Activity: "Announce", ActivityID: actorID + "/statuses/boost/activity", Actor: actorID,
		ID: "https://remote.example/users/bob/statuses/99", Published: at(6), Visibility: archive.Public,
		To: []string{activitypub.PublicCollection}, Cc: []string{actorID + "/followers"}}
	reply := note("reply", 7, `<p>a reply to myself</p>`)
	reply.InReplyTo = cw.ID
	reply.Visibility = archive.Unlisted
	other := note("other", 8, `<p>a reply to bob</p>`)
	other.InReplyTo = "https://remote.example/users/bob/statuses/1"
	other.Visibility = archive.Direct
	other.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@remote.example", Href: "https://remote.example/users/bob"}}
	edited := note("edited", 9, `<p>edited text with <strong>bold</strong> and #tag</p>`)
	edited.Updated = at(20)
	edited.Language = "zhCn"
	edited.Hashtags = []archive.Tag{{Type: "Hashtag", Name: "#tag", Href: "https://social.example/tags/tag"}}
	edited.Visibility = archive.Private
	video := note("video", 10, `<p>a clip</p>`)
	video.Attachments = []archive.Attachment{
		{Type: "Document", MediaType: "video/mp4", URL: "https://cdn.example/system/" + archive.MediaEntry(8, "0000000000000008.mp4"), Name: "a short clip"},
		{Type: "Document", MediaType: "image/svg+xml", URL: archive.MediaEntry(9, "0000000000000009.svg"), Name: "svg"},
		{Type: "Document", MediaType: "image/png", URL: "media_attachments/../../../evil.png", Name: "escape"},
		{Type: "Document", MediaType: "image/png", URL: "https://cdn.example/system/" + archive.MediaEntry(10, "000000000000000a.png"), Name: "not in the archive"},
	}
	return []*archive.Status{script, onerror, remote, cw, poll, boost, reply, other, edited, video}
}

// writeTricky writes an archive of the tricky statuses at dir/tricky.zip.
func writeTricky(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "tricky.zip")
	w, err := archive.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.Modified = time.Date(2023, 3, 2, 0, 0, 0, 0, time.UTC)
	w.SetActor(&activitypub.Actor{
		ID: actorID, Type: "Person", PreferredUsername: "tricky", Name: "Tricky <b>Name</b>",
		Summary: `<p>bio<script>window.pwned=3</script><img src="https://tracker.example/bio.gif"></p>`,
		Inbox:   actorID + "/inbox", URL: "https://social.example/@tricky",
		MovedTo:     "https://new.example/users/tricky",
		AlsoKnownAs: []string{"https://old.example/users/tricky"},
		Attachment:  []activitypub.Field{{Type: "PropertyValue", Name: "Site", Value: `<a href="https://site.example" onmouseover="x()">site.example</a>`}},
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	must(w.AddAvatar("png", bytes.NewReader(pngBytes(t, color.RGBA{40, 90, 200, 255}))))
	must(w.AddHeader("png", bytes.NewReader(pngBytes(t, color.RGBA{200, 160, 40, 255}))))
	_, err = w.AddMedia(7, "0000000000000007.png", bytes.NewReader(pngBytes(t, color.RGBA{220, 30, 30, 255})))
	must(err)
	_, err = w.AddMedia(8, "0000000000000008.mp4", bytes.NewReader([]byte("not really a video")))
	must(err)
	_, err = w.AddMedia(9, "0000000000000009.svg", bytes.NewReader([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)))
	must(err)
	for _, s := range trickyStatuses() {
		must(w.AddStatus(s))
	}
	w.AddLike("https://remote.example/users/bob/statuses/5")
	w.AddLike("tag:remote.example,2017-01-01:objectId=5:objectType=Status")
	w.AddBookmark("https://remote.example/users/carol/statuses/6")
	must(w.Close())
	return p
}

// generated writes a synthetic archive of n statuses into dir.
func generated(t testing.TB, dir string, n int) string {
	t.Helper()
	p := filepath.Join(dir, "gen.zip")
	if _, err := archivegen.WriteFile(p, archivegen.Options{Statuses: n, Media: n / 20, Seed: 1, Likes: n / 10, Bookmarks: n / 50}); err != nil {
		t.Fatal(err)
	}
	return p
}

// tarEntry is one file of a .tar.gz written by writeTarGz.
type tarEntry struct {
	name string
	data []byte
}

// writeTarGz writes a .tar.gz at path holding files, in this order.
func writeTarGz(t testing.TB, path string, files []tarEntry) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Size: int64(len(f.data)), Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func openArchive(t testing.TB, path string) *archive.Reader {
	t.Helper()
	r, err := archive.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// outFormat says which of a Renderer's methods a test calls.
type outFormat string

const (
	formatHTML     outFormat = "html" // Renderer.WriteSite
	formatMarkdown outFormat = "md"   // Renderer.WriteMarkdown
)

// config is a Renderer with the format to write, for tests that run
// over both formats.
type config struct {
	Format        outFormat
	PageSize      int
	Force         bool
	WorldReadable bool
	Limits        render.Limits
	Progress      func(render.Progress)
}

// Render renders a with WriteSite or WriteMarkdown, as c.Format says.
func (c *config) Render(ctx context.Context, a *archive.Reader, dir string) (*render.Result, error) {
	rd := render.Renderer{PageSize: c.PageSize, Force: c.Force, WorldReadable: c.WorldReadable, Limits: c.Limits, Progress: c.Progress}
	if c.Format == formatMarkdown {
		return rd.WriteMarkdown(ctx, a, dir)
	}
	return rd.WriteSite(ctx, a, dir)
}

// writeSite renders a as a site with the zero Renderer.
func writeSite(ctx context.Context, a *archive.Reader, dir string) (*render.Result, error) {
	var rd render.Renderer
	return rd.WriteSite(ctx, a, dir)
}
