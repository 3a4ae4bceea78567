package posts_test

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/posts"
)

var update = flag.Bool("update", false, "rewrite testdata/posts.zip")

// The fixture's account and the accounts it mentions. bob@new.test is
// an account of the GoToSocial peers (../shared/peers/gotosocial), so
// that internal/interop can check that importing mentions of him
// notifies him of nothing.
const (
	fixActor = "https://old.example/users/alice"
	bobHref  = "http://new.test/users/bob"
	bobReply = "http://new.test/users/bob/statuses/01HZZZZZZZZZZZZZZZZZZZZZZZ"
)

func day(d int) time.Time { return time.Date(2019, 1, d, 10, 30, 0, 0, time.UTC) }

func st(n int) string {
	return fixActor + "/statuses/1000" + string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// redPNG is an 8x8 red PNG: small, and an image every server takes.
func redPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// fixtureStatuses are the statuses of testdata/posts.zip, oldest first:
// a thread of three with a content warning and an image with alt text
// and focal point, a mention of another account, a reply to another
// account, a closed poll, a direct message, a boost, a post whose image
// is missing, an edited post, and each visibility.
func writeFixture(w *archive.Writer) error {
	w.Modified = time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)
	w.SetActor(&activitypub.Actor{ID: fixActor, Type: "Person", PreferredUsername: "alice",
		Inbox: fixActor + "/inbox", Outbox: fixActor + "/outbox", Followers: fixActor + "/followers", URL: "https://old.example/@alice"})
	img, err := w.AddMedia(1, "red.png", bytes.NewReader(redPNG()))
	if err != nil {
		return err
	}
	focus := [2]float64{0.5, -0.25}
	mk := func(n int, d time.Time, vis archive.Visibility, html string) *archive.Status {
		return &archive.Status{Index: -1, Offset: -1, Activity: "Create", ActivityID: st(n) + "/activity", Actor: fixActor,
			Type: "Note", ID: st(n), URL: "https://old.example/@alice/1000" + string(rune('0'+n/10)) + string(rune('0'+n%10)),
			AttributedTo: fixActor, Published: d, Visibility: vis, Content: html, Language: "en"}
	}
	s1 := mk(1, day(2), archive.Public, `<p>Hello <b>world</b>, a first post <a href="https://old.example/tags/intro" class="mention hashtag" rel="tag">#<span>intro</span></a></p><p>Second paragraph &amp; more: <a href="https://example.com/a/very/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/lo</span><span class="invisible">ng/path</span></a></p>`)
	s1.Hashtags = []archive.Tag{{Type: "Hashtag", Name: "#intro", Href: "https://old.example/tags/intro"}}
	s2 := mk(2, day(3), archive.Unlisted, `<p>A reply to myself, with a picture</p>`)
	s2.InReplyTo = st(1)
	s2.Summary = "red things"
	s2.Sensitive = true
	s2.Attachments = []archive.Attachment{{Type: "Document", MediaType: "image/png", URL: img, Name: "a red square", FocalPoint: &focus, Width: 8, Height: 8}}
	s3 := mk(3, day(4), archive.Public, `<p><span class="h-card" translate="no"><a href="`+bobHref+`" class="u-url mention">@<span>bob</span></a></span> look at this, and mail me@old.example</p>`)
	s3.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@new.test", Href: bobHref}}
	s4 := mk(4, day(5), archive.Private, `<p><span class="h-card"><a href="`+bobHref+`" class="u-url mention">@<span>bob</span></a></span> I agree</p>`)
	s4.InReplyTo = bobReply
	s4.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@new.test", Href: bobHref}}
	s5 := mk(5, day(6), archive.Public, `<p>Tea or coffee?</p>`)
	s5.Type = "Question"
	s5.Poll = &archive.Poll{Options: []archive.PollOption{{Name: "tea", Votes: 3}, {Name: "coffee", Votes: 1}}, EndTime: day(7), Closed: day(7), VotersCount: 4}
	s6 := mk(6, day(7), archive.Direct, `<p><span class="h-card"><a href="`+bobHref+`" class="u-url mention">@<span>bob</span></a></span> a secret</p>`)
	s6.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@new.test", Href: bobHref}}
	boost := &archive.Status{Index: -1, Offset: -1, Activity: "Announce", ActivityID: fixActor + "/statuses/2000/activity", Actor: fixActor,
		ID: "http://new.test/users/bob/statuses/01HYYYYYYYYYYYYYYYYYYYYYYY", Published: day(8), Visibility: archive.Public}
	s8 := mk(8, day(9), archive.Public, `<p>This one lost its picture</p>`)
	s8.Attachments = []archive.Attachment{{Type: "Document", MediaType: "image/jpeg", URL: "/media_attachments/files/000/000/009/original/gone.jpg", Name: "gone"}}
	s9 := mk(9, day(10), archive.Public, `<p>Edited, second version</p>`)
	s9.Updated = day(11)
	s9.Language = "zhCn"
	s10 := mk(10, day(12), archive.Private, `<p>The end of the thread</p>`)
	s10.InReplyTo = st(2)
	for _, s := range []*archive.Status{s1, s2, s3, s4, s5, s6, boost, s8, s9, s10} {
		if err := w.AddStatus(s); err != nil {
			return err
		}
	}
	w.AddLike("http://new.test/users/bob/statuses/01HXXXXXXXXXXXXXXXXXXXXXXX")
	w.AddLike("http://new.test/users/bob/statuses/01HWWWWWWWWWWWWWWWWWWWWWWW")
	return nil
}

func fixtureBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	w := archive.NewWriter(&b)
	if err := writeFixture(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFixture keeps testdata/posts.zip what writeFixture writes: the
// same posts come out of both (go test -run TestFixture -update rewrites
// it). Posts are compared rather than bytes, so that a change in how
// package archive lays out a ZIP does not make the fixture stale.
func TestFixture(t *testing.T) {
	want := fixtureBytes(t)
	file := filepath.Join("testdata", "posts.zip")
	if *update {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fresh := filepath.Join(t.TempDir(), "posts.zip")
	if err := os.WriteFile(fresh, want, 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []*posts.Post {
		r, err := archive.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []*posts.Post
		for p, err := range (&posts.Importer{IncludeDirect: true, Boosts: true}).Posts(r, posts.Capabilities{}, nil) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		return out
	}
	if d := cmp.Diff(read(fresh), read(file)); d != "" {
		t.Errorf("%s differs from writeFixture's output (-want +got), run go test -run TestFixture -update:\n%s", file, d)
	}
}

func openFixture(t testing.TB) *archive.Reader {
	t.Helper()
	r, err := archive.Open(filepath.Join("testdata", "posts.zip"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
