package posts_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer/mastodonapi"
	"github.com/fediport/fediport/importer/mastodonapi/mastodonapitest"
	"github.com/fediport/fediport/importer/posts"
)

// printer is a Destination that prints what it is asked to post: a
// stand-in for posts.GoToSocial or posts.Mastodon.
type printer struct{ n int }

func (d *printer) Capabilities(context.Context) (posts.Capabilities, error) {
	return posts.Capabilities{Account: "alice@new.example", Backdate: true, Visibility: posts.Keep}, nil
}

func (d *printer) Upload(_ context.Context, m *posts.Media, f io.Reader) (string, error) {
	n, err := io.Copy(io.Discard, f)
	fmt.Printf("upload %d bytes, alt %q\n", n, m.Description)
	return "m1", err
}

func (d *printer) Create(_ context.Context, p *posts.Post, req posts.Request) (string, error) {
	d.n++
	fmt.Printf("post %s %s %q media %v reply-to %q\n", p.Published.Format(time.DateOnly), p.Visibility, p.Text, req.MediaIDs, req.InReplyToID)
	return fmt.Sprint("new", d.n), nil
}

func (d *printer) Find(context.Context, *posts.Post) (string, error) { return "", nil }

func Example() {
	// An archive of three statuses: a post with a picture, a reply to
	// it that mentions someone else, and a boost.
	var zip bytes.Buffer
	w := archive.NewWriter(&zip)
	file, _ := w.AddMedia(1, "cat.png", bytes.NewReader([]byte("not really a PNG")))
	me := "https://old.example/users/alice"
	w.AddStatus(&archive.Status{Activity: "Create", Type: "Note", ID: me + "/statuses/1", Actor: me,
		Published: time.Date(2020, 5, 1, 12, 0, 0, 0, time.UTC), Visibility: archive.Public,
		Content:     "<p>My cat</p>",
		Attachments: []archive.Attachment{{Type: "Image", MediaType: "image/png", URL: file, Name: "a grey cat"}}})
	w.AddStatus(&archive.Status{Activity: "Create", Type: "Note", ID: me + "/statuses/2", Actor: me,
		Published: time.Date(2020, 5, 2, 12, 0, 0, 0, time.UTC), Visibility: archive.Unlisted, InReplyTo: me + "/statuses/1",
		Content:  `<p><a href="https://far.example/users/bob" class="u-url mention">@<span>bob</span></a> this is her</p>`,
		Mentions: []archive.Tag{{Type: "Mention", Name: "@bob@far.example", Href: "https://far.example/users/bob"}}})
	w.AddStatus(&archive.Status{Activity: "Announce", ID: "https://far.example/users/bob/statuses/9", Actor: me,
		Published: time.Date(2020, 5, 3, 12, 0, 0, 0, time.UTC), Visibility: archive.Public})
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(zip.Bytes()), int64(zip.Len()))
	if err != nil {
		log.Fatal(err)
	}

	im := &posts.Importer{} // with Journal set, a second run would post nothing twice
	res, err := im.Run(context.Background(), r, &printer{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("posted", res.Posted, "media", res.Media, "skipped", res.Skipped, "changed", res.Changed)
	// Output:
	// upload 16 bytes, alt "a grey cat"
	// post 2020-05-01 public "My cat" media [m1] reply-to ""
	// post 2020-05-02 unlisted "bob@far.example this is her" media [] reply-to "new1"
	// posted 2 media 1 skipped map[boost:1] changed map[mention-defused:1]
}

// Importing into a GoToSocial account: here mastodonapitest's server,
// answering as GoToSocial, stands in for it, as httptest's servers do.
func ExampleGoToSocial() {
	gts := mastodonapitest.New("new.example", "alice", "TOKEN")
	gts.GoToSocial = true
	srv := httptest.NewServer(gts)
	defer srv.Close()
	r, err := archive.Open("testdata/posts.zip")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	dst := &posts.GoToSocial{Client: &mastodonapi.Client{BaseURL: srv.URL, Token: "TOKEN"}}
	im := &posts.Importer{Journal: ""} // set a file to make a rerun resume
	res, err := im.Run(context.Background(), r, dst)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("posted", res.Posted, "failed", len(res.Failed))
	for _, s := range gts.Statuses()[:2] {
		fmt.Println(s.CreatedAt.Format(time.DateOnly), s.Visibility, s.SpoilerText, len(s.MediaIDs))
	}
	// Output:
	// posted 8 failed 0
	// 2019-01-02 public  0
	// 2019-01-03 unlisted red things 1
}
