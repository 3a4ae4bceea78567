package export_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

// account is what a server knows of one account. A real server would
// read its database in these methods; each one it has makes one more part
// of the export, once set in the Sources.
type account struct {
	posts   []*archive.Status
	files   map[string][]byte
	follows []export.Follow
	lists   []importer.List
}

func (a *account) Actor(context.Context) (*activitypub.Actor, error) {
	return &activitypub.Actor{
		ID:                "https://social.example/users/alice",
		Type:              "Person",
		PreferredUsername: "alice",
		Name:              "Alice",
		Followers:         "https://social.example/users/alice/followers",
	}, nil
}

func (a *account) Statuses(context.Context) iter.Seq2[*archive.Status, error] {
	return func(yield func(*archive.Status, error) bool) {
		for _, p := range a.posts {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func (a *account) OpenMedia(_ context.Context, at *archive.Attachment) (io.ReadCloser, error) {
	b, ok := a.files[at.URL]
	if !ok {
		return nil, os.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (a *account) Follows(context.Context) iter.Seq2[export.Follow, error] {
	return func(yield func(export.Follow, error) bool) {
		for _, f := range a.follows {
			if !yield(f, nil) {
				return
			}
		}
	}
}

func (a *account) Lists(context.Context) iter.Seq2[importer.List, error] {
	return func(yield func(importer.List, error) bool) {
		for _, l := range a.lists {
			if !yield(l, nil) {
				return
			}
		}
	}
}

func exampleAccount() *account {
	post := func(n int, vis archive.Visibility, text string) *archive.Status {
		return &archive.Status{
			ID:         fmt.Sprintf("https://social.example/users/alice/statuses/%d", n),
			Type:       "Note",
			Published:  time.Date(2024, 1, n, 9, 0, 0, 0, time.UTC),
			Content:    "<p>" + text + "</p>",
			Visibility: vis,
		}
	}
	hello := post(1, archive.Public, "Hello, fediverse")
	hello.Attachments = []archive.Attachment{{
		MediaType: "image/png", Name: "a drawing",
		URL: "/system/media_attachments/files/000/000/001/original/5f3c9a1b2e4d6f70.png",
	}}
	secret := post(2, archive.Direct, "Just between us")
	secret.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@remote.example", Href: "https://remote.example/users/bob"}}
	return &account{
		posts: []*archive.Status{hello, secret, post(3, archive.Private, "Followers only")},
		files: map[string][]byte{hello.Attachments[0].URL: []byte("\x89PNG...")},
		follows: []export.Follow{
			{Account: "bob@remote.example", ShowBoosts: true, Languages: []string{"de", "en"}},
			{Account: "carol", ShowBoosts: true, Notify: true},
		},
		lists: []importer.List{{Title: "Friends", Members: []string{"bob@remote.example"}}},
	}
}

// sources are the parts of the export the account gives: the compiler
// checks that it has each method.
func sources(a *account) export.Sources {
	return export.Sources{Actor: a, Statuses: a, Media: a, Follows: a, Lists: a}
}

// Export an account into a folder: the archive and one CSV file for each
// kind of data the sources give.
func ExampleExporter_WriteDir() {
	dir, err := os.MkdirTemp("", "export-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	e := export.Exporter{
		LocalDomain: "social.example", // local accounts are written user@social.example
		TempDir:     dir,
	}
	res, err := e.WriteDir(context.Background(), dir, sources(exampleAccount()))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Files {
		fmt.Println(filepath.Base(f))
	}
	fmt.Printf("%d statuses, %d direct message left out, %d media file\n", res.Statuses, res.DirectSkipped, res.Media)
	fmt.Println("no source for:", res.Missing)

	csv, err := os.ReadFile(filepath.Join(dir, "following_accounts.csv"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(csv))

	// The archive reads back with package archive.
	r, err := archive.Open(filepath.Join(dir, "archive.zip"))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for s, err := range r.Statuses() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Visibility, s.To, s.Cc)
		for _, a := range s.Media() {
			fmt.Println("  media:", a.URL, r.Has(a.URL))
		}
	}
	// Output:
	// following_accounts.csv
	// lists.csv
	// archive.zip
	// 2 statuses, 1 direct message left out, 1 media file
	// no source for: [Images Likes Bookmarks Followers Mutes Blocks DomainBlocks]
	// Account address,Show boosts,Notify on new posts,Languages
	// bob@remote.example,true,false,"de, en"
	// carol@social.example,true,true,
	// public [https://www.w3.org/ns/activitystreams#Public] [https://social.example/users/alice/followers]
	//   media: media_attachments/files/000/000/001/original/5f3c9a1b2e4d6f70.png true
	// private [https://social.example/users/alice/followers] []
}

// Write everything as one ZIP for a "download everything" button,
// including direct messages as Mastodon does.
func ExampleExporter_WriteBundle() {
	var buf bytes.Buffer
	e := export.Exporter{IncludeDirect: true, LocalDomain: "social.example"}
	res, err := e.WriteBundle(context.Background(), &buf, sources(exampleAccount()))
	if err != nil {
		log.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Statuses, "statuses;", res.Files)
	f, err := r.Open("lists.csv")
	if err != nil {
		log.Fatal(err)
	}
	rows, err := importer.NewReader(f, importer.Lists).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %s\n", rows[0].List, rows[0].Account)
	// Output:
	// 3 statuses; [following_accounts.csv lists.csv]
	// Friends: bob@remote.example
}

// Apply Mastodon's rate policy before starting an export.
func ExampleCheckRate() {
	last := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	now := last.Add(3 * 24 * time.Hour)
	if err := export.CheckRate(last, now); err != nil {
		fmt.Println(err)
	}
	fmt.Println("next:", export.NextAllowed(last).Format(time.DateTime))
	// Output:
	// export: an archive was made at 2024-05-01T10:00:00Z; the next is allowed from 2024-05-07T10:00:00Z
	// next: 2024-05-07 10:00:00
}
