package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"time"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

// memSource is an in-memory source implementing every interface.
type memSource struct {
	actor              *activitypub.Actor
	avatar, header     []byte
	avatarExt, hdrExt  string
	statuses           []*archive.Status
	media              map[string][]byte // by attachment URL
	mediaErr           map[string]error  // OpenMedia fails
	readErr            map[string]int    // reads fail after n bytes
	likes, bookmarks   []string
	follows            []export.Follow
	followers, blocks  []string
	mutes              []export.Mute
	domainBlocks       []string
	lists              []importer.List
	failStatusesAt     int // yield an error at this index; <0 never
	opened             []string
	statusesIterations int
}

func seq[T any](items []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func (m *memSource) Actor(context.Context) (*activitypub.Actor, error) { return m.actor, nil }

func (m *memSource) Statuses(ctx context.Context) iter.Seq2[*archive.Status, error] {
	m.statusesIterations++
	return func(yield func(*archive.Status, error) bool) {
		for i, s := range m.statuses {
			if i == m.failStatusesAt {
				yield(nil, errSourceDown)
				return
			}
			if !yield(s, nil) {
				return
			}
		}
	}
}

var errSourceDown = errors.New("database went away")

func (m *memSource) OpenMedia(_ context.Context, a *archive.Attachment) (io.ReadCloser, error) {
	m.opened = append(m.opened, a.URL)
	if err := m.mediaErr[a.URL]; err != nil {
		return nil, err
	}
	b, ok := m.media[a.URL]
	if !ok {
		return nil, fmt.Errorf("no file for %s: %w", a.URL, fs.ErrNotExist)
	}
	if n, ok := m.readErr[a.URL]; ok {
		return io.NopCloser(io.MultiReader(bytes.NewReader(b[:n]), errReader{})), nil
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk read error") }

func (m *memSource) OpenAvatar(context.Context) (io.ReadCloser, string, error) {
	if m.avatar == nil {
		return nil, "", fs.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(m.avatar)), m.avatarExt, nil
}

func (m *memSource) OpenHeader(context.Context) (io.ReadCloser, string, error) {
	if m.header == nil {
		return nil, "", fs.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(m.header)), m.hdrExt, nil
}

func (m *memSource) Likes(context.Context) iter.Seq2[string, error]     { return seq(m.likes) }
func (m *memSource) Bookmarks(context.Context) iter.Seq2[string, error] { return seq(m.bookmarks) }
func (m *memSource) Follows(context.Context) iter.Seq2[export.Follow, error] {
	return seq(m.follows)
}
func (m *memSource) Followers(context.Context) iter.Seq2[string, error] { return seq(m.followers) }
func (m *memSource) Blocks(context.Context) iter.Seq2[string, error]    { return seq(m.blocks) }
func (m *memSource) Mutes(context.Context) iter.Seq2[export.Mute, error] {
	return seq(m.mutes)
}
func (m *memSource) DomainBlocks(context.Context) iter.Seq2[string, error] {
	return seq(m.domainBlocks)
}
func (m *memSource) Lists(context.Context) iter.Seq2[importer.List, error] { return seq(m.lists) }

const actorID = "https://social.example/users/alice"

func testActor() *activitypub.Actor {
	return &activitypub.Actor{
		Context:           activitypub.ActorContext(),
		ID:                actorID,
		Type:              "Person",
		PreferredUsername: "alice",
		Name:              "Alice",
		Summary:           "<p>Test account</p>",
		URL:               "https://social.example/@alice",
		Inbox:             actorID + "/inbox",
		Outbox:            actorID + "/outbox",
		Followers:         actorID + "/followers",
		Following:         actorID + "/following",
		PublicKey:         &activitypub.PublicKey{ID: actorID + "#main-key", Owner: actorID, PublicKeyPem: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"},
		Published:         time.Date(2022, 11, 1, 0, 0, 0, 0, time.UTC),
	}
}

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

var bob = archive.Tag{Type: "Mention", Name: "@bob@remote.example", Href: "https://remote.example/users/bob"}

// note returns a Create of a Note with id n.
func note(n int, vis archive.Visibility) *archive.Status {
	id := fmt.Sprintf("%s/statuses/%d", actorID, 100+n)
	return &archive.Status{
		Index: -1, Offset: -1,
		Activity: "Create", ActivityID: id + "/activity", Actor: actorID,
		Type: "Note", ID: id, URL: fmt.Sprintf("https://social.example/@alice/%d", 100+n),
		AttributedTo: actorID,
		Published:    t0.Add(time.Duration(n) * time.Hour),
		Content:      fmt.Sprintf("<p>post %d, with &lt;html&gt; &amp; \"quotes\"</p>", n),
		Language:     "en",
		Visibility:   vis,
	}
}

// fullSource returns a source with one of everything.
func fullSource() *memSource {
	m := &memSource{
		actor:     testActor(),
		avatar:    []byte("avatar bytes"),
		avatarExt: "png",
		header:    []byte("header bytes"),
		hdrExt:    ".jpg",
		media: map[string][]byte{
			"/system/media_attachments/files/110/000/000/000/000/001/original/0123456789abcdef.jpg": bytes.Repeat([]byte("jpeg"), 1000),
			"https://files.social.example/app/image-2.png":                                          []byte("png data"),
			"media_attachments/files/000/000/003/original/aaaaaaaaaaaaaaaa.mp4":                     bytes.Repeat([]byte{0, 1, 2, 3}, 100_000),
		},
		mediaErr:       map[string]error{"/system/media_attachments/files/000/000/004/original/bbbbbbbbbbbbbbbb.jpg": errors.New("permission denied")},
		failStatusesAt: -1,
		likes:          []string{"https://remote.example/users/bob/statuses/1", "tag:remote.example,2017-01-01:objectId=2:objectType=Status"},
		bookmarks:      []string{"https://remote.example/users/carol/statuses/3", "https://remote.example/users/carol/statuses/4,5"},
		follows: []export.Follow{
			{Account: "bob@remote.example", ShowBoosts: true, Languages: []string{"de", "en"}},
			{Account: "@carol@other.example", Notify: true},
			{Account: "dave"},
		},
		followers:    []string{"erin@remote.example", "frank"},
		blocks:       []string{"spammer@spam.example"},
		mutes:        []export.Mute{{Account: "loud@remote.example", HideNotifications: true}, {Account: "quiet@remote.example"}},
		domainBlocks: []string{"Spam.Example", "bücher.example"},
		lists: []importer.List{
			{Title: "Friends, close", Members: []string{"bob@remote.example", "carol@other.example"}},
			{Title: "Empty"},
			{Title: `Say "hi"`, Members: []string{"dave"}},
		},
	}
	public := note(1, archive.Public)
	public.Hashtags = []archive.Tag{{Type: "Hashtag", Name: "#fediport", Href: "https://social.example/tags/fediport"}}
	public.Attachments = []archive.Attachment{
		{Type: "Document", MediaType: "image/jpeg", URL: "/system/media_attachments/files/110/000/000/000/000/001/original/0123456789abcdef.jpg", Name: "a cat", Blurhash: "UBL_:rOpGG-oBUNG", FocalPoint: &[2]float64{0.5, -0.25}, Width: 640, Height: 480},
		{Type: "Link", URL: "https://example.org/article", Name: "An article", MediaType: "text/html"},
	}
	unlisted := note(2, archive.Unlisted)
	unlisted.Mentions = []archive.Tag{bob}
	unlisted.Summary, unlisted.Sensitive = "cw", true
	unlisted.Attachments = []archive.Attachment{
		{Type: "Document", MediaType: "image/png", URL: "https://files.social.example/app/image-2.png", Name: "made-up entry"},
		{Type: "Document", MediaType: "image/jpeg", URL: "/system/media_attachments/files/000/000/004/original/bbbbbbbbbbbbbbbb.jpg", Name: "unreadable"},
	}
	private := note(3, archive.Private)
	private.Mentions = []archive.Tag{bob}
	private.InReplyTo = actorID + "/statuses/102"
	private.Attachments = []archive.Attachment{
		{Type: "Document", MediaType: "video/mp4", Path: "media_attachments/files/000/000/003/original/aaaaaaaaaaaaaaaa.mp4", URL: "media_attachments/files/000/000/003/original/aaaaaaaaaaaaaaaa.mp4", Width: 1280, Height: 720},
	}
	direct := note(4, archive.Direct)
	direct.Mentions = []archive.Tag{bob}
	direct.Attachments = []archive.Attachment{
		{Type: "Document", MediaType: "image/png", URL: "https://files.social.example/app/secret.png"},
	}
	m.media["https://files.social.example/app/secret.png"] = []byte("secret")
	poll := note(5, archive.Public)
	poll.Type = "Question"
	poll.Poll = &archive.Poll{Options: []archive.PollOption{{Name: "yes", Votes: 3}, {Name: "no", Votes: 1}}, EndTime: t0.Add(48 * time.Hour), VotersCount: 4}
	boost := &archive.Status{
		Index: -1, Offset: -1, Activity: "Announce", ActivityID: actorID + "/statuses/106/activity", Actor: actorID,
		ID: "https://remote.example/users/bob/statuses/77", AttributedTo: "https://remote.example/users/bob",
		Published: t0.Add(6 * time.Hour), Visibility: archive.Public,
	}
	explicit := note(7, "")
	explicit.To = []string{activitypub.PublicCollection}
	explicit.Cc = []string{actorID + "/followers", "https://remote.example/users/zed"}
	m.statuses = []*archive.Status{public, unlisted, private, direct, poll, boost, explicit}
	return m
}
