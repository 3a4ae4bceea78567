// Package archivegen generates deterministic synthetic export archives
// for tests and benchmarks: N statuses and M media files exercising
// every feature and quirk package archive reads (polls, boosts of bare
// URIs and inline notes, content warnings, languages including "zhCn",
// the four visibilities, self-threads, mentions, hashtags, custom emoji,
// attachments with focal points, link previews, CDN-prefixed media URLs,
// missing and orphan media, a repeated orderedItems key, a totalItems
// that differs from the items).
//
// The same Options always give the same bytes.
//
//	m, err := archivegen.Write(w, archivegen.Options{Statuses: 1000, Media: 50, Seed: 1})
package archivegen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/zip"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/atomicfile"
)

// Options says what to generate. The zero value generates an archive
// with an actor, no statuses and every quirk enabled.
type Options struct {
	Statuses int   // outbox items
	Media    int   // media attachments (files, missing or not)
	Seed     int64 // varies the content; the same seed gives the same bytes
	// MediaSize is the size of each media file; 0 means 512 bytes.
	MediaSize int
	// Likes and Bookmarks are the number of liked and bookmarked URIs.
	Likes, Bookmarks int
	// NoQuirks turns off the archive-level quirks: the repeated
	// orderedItems key, the totalItems mismatch, the missing and orphan
	// media files, and CDN-prefixed media URLs. Status-level features
	// (polls, boosts, content warnings, ...) are always there.
	NoQuirks bool
	// Domain is the server's host; "" means "example.social".
	Domain string
}

// Manifest says what was generated, for tests to compare with what a
// reader finds.
type Manifest struct {
	Creates, Announces int
	Replies, Polls     int
	WithMedia          int // Creates with at least one media attachment
	Visibility         map[archive.Visibility]int
	TotalItems         int // as declared
	MediaFiles         int // files written under media_attachments/
	MissingMedia       int // attachments without a file
	OrphanMedia        int // files no status refers to
	Likes, Bookmarks   int
	ActorID            string
}

// Generator builds the statuses of an archive one by one.
type Generator struct {
	o     Options
	actor string
	epoch time.Time
}

// New returns a generator for o.
func New(o Options) *Generator {
	if o.Domain == "" {
		o.Domain = "example.social"
	}
	if o.MediaSize == 0 {
		o.MediaSize = 512
	}
	return &Generator{
		o:     o,
		actor: "https://" + o.Domain + "/users/alice",
		epoch: time.Date(2022, 11, 1, 12, 0, 0, 0, time.UTC),
	}
}

// ActorID returns the generated actor's id.
func (g *Generator) ActorID() string { return g.actor }

// Actor returns the generated actor document.
func (g *Generator) Actor() *activitypub.Actor {
	a := &activitypub.Actor{
		Context:           activitypub.ActorContext(),
		ID:                g.actor,
		Type:              "Person",
		PreferredUsername: "alice",
		Name:              "Alice Example",
		Summary:           "<p>Synthetic account for tests.</p>",
		URL:               "https://" + g.o.Domain + "/@alice",
		Inbox:             g.actor + "/inbox",
		Outbox:            g.actor + "/outbox",
		Followers:         g.actor + "/followers",
		Following:         g.actor + "/following",
		Featured:          g.actor + "/collections/featured",
		FeaturedTags:      g.actor + "/collections/tags",
		Endpoints:         &activitypub.Endpoints{SharedInbox: "https://" + g.o.Domain + "/inbox"},
		PublicKey:         &activitypub.PublicKey{ID: g.actor + "#main-key", Owner: g.actor, PublicKeyPem: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"},
		Discoverable:      true,
		Published:         g.epoch,
		AlsoKnownAs:       []string{"https://old.example/users/alice"},
		Attachment:        []activitypub.Field{{Type: "PropertyValue", Name: "Site", Value: "<a href=\"https://example.org\">example.org</a>"}},
	}
	return a
}

func (g *Generator) statusURI(i int) string {
	return fmt.Sprintf("%s/statuses/%d", g.actor, 100000000000000000+i)
}

var languages = []string{"en", "de", "zhCn", "ja", "", "fr"}

// mediaOwner reports which status index media j belongs to.
func (g *Generator) mediaOwner(j int) int {
	if g.o.Statuses == 0 {
		return -1
	}
	return j * g.o.Statuses / max(g.o.Media, 1)
}

// isBoost reports whether item i is an Announce.
func (g *Generator) isBoost(i int) (boost, inline bool) {
	switch {
	case i%37 == 5:
		return true, true
	case i%10 == 3:
		return true, false
	}
	return false, false
}

// Status returns item i of the outbox. Attachments of a status are those
// media j whose owner is i: see [Generator.Write].
func (g *Generator) Status(i int) *archive.Status {
	r := rand.New(rand.NewPCG(uint64(g.o.Seed), uint64(i)))
	published := g.epoch.Add(time.Duration(i) * 17 * time.Minute)
	s := &archive.Status{Index: -1, Offset: -1, Actor: g.actor, Published: published}
	boost, inline := g.isBoost(i)
	if boost && !inline {
		return g.bareBoost(s, i, r)
	}
	s.Activity = "Create"
	s.Type = "Note"
	s.ID = g.statusURI(i)
	s.ActivityID = s.ID + "/activity"
	s.URL = fmt.Sprintf("https://%s/@alice/%d", g.o.Domain, 100000000000000000+i)
	s.AttributedTo = g.actor
	s.Conversation = fmt.Sprintf("tag:%s,2022-11-01:objectId=%d:objectType=Conversation", g.o.Domain, i/6)
	s.Language = languages[i%len(languages)]
	content := words(r)
	s.Visibility = visibility(i)
	if inline {
		s.Activity = "Announce"
		s.ActivityID = g.statusURI(i) + "/activity"
		s.Visibility = archive.Private
	}
	if i%4 == 1 || s.Visibility == archive.Direct {
		s.Mentions = []archive.Tag{{Type: "Mention", Name: "@bob@remote.example", Href: "https://remote.example/users/bob"}}
		content = `<p><span class="h-card"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> ` + content[3:]
	}
	if i%3 == 0 {
		s.Hashtags = []archive.Tag{{Type: "Hashtag", Name: "#fediport", Href: "https://" + g.o.Domain + "/tags/fediport"}}
	}
	if i%9 == 4 {
		s.Emoji = []archive.Emoji{{
			ID: "https://" + g.o.Domain + "/emojis/1", Name: ":blobcat:",
			IconURL: "https://" + g.o.Domain + "/system/custom_emojis/images/000/000/001/original/blobcat.png", MediaType: "image/png",
			Updated: g.epoch,
		}}
		content = content[:len(content)-4] + " :blobcat:</p>"
	}
	s.Content = content
	if i%5 == 1 {
		s.Summary = "spoilers"
		s.Sensitive = true
	}
	if i%6 == 0 && i > 0 {
		if b, _ := g.isBoost(i - 1); !b {
			s.InReplyTo = g.statusURI(i - 1)
		} else {
			s.InReplyTo = "https://remote.example/users/bob/statuses/42"
		}
	}
	if i%8 == 3 {
		s.Updated = published.Add(5 * time.Minute)
	}
	if i%7 == 2 && !inline {
		s.Type = "Question"
		s.Poll = newPoll(i, published, r)
	}
	if i%11 == 7 {
		s.Attachments = append(s.Attachments, archive.Attachment{Type: "Link", URL: "https://example.org/article", Name: "An article", MediaType: "text/html"})
	}
	return s
}

// bareBoost makes s item i as a boost of a remote status given by URI.
func (g *Generator) bareBoost(s *archive.Status, i int, r *rand.Rand) *archive.Status {
	s.Activity = "Announce"
	s.ActivityID = g.statusURI(i) + "/activity"
	s.ID = fmt.Sprintf("https://remote.example/users/bob/statuses/%d", 200000+r.IntN(1000000))
	s.To = []string{activitypub.PublicCollection}
	s.Cc = []string{"https://remote.example/users/bob", g.actor + "/followers"}
	s.Visibility = archive.Public
	return s
}

// words returns a paragraph of 8 to 37 words drawn from r, with escaped
// characters at its end.
func words(r *rand.Rand) string {
	vocabulary := []string{"hello", "fediverse", "archive", "portable", "toot", "moving", "day", "garden", "coffee", "tea"}
	content := "<p>"
	for k := range 8 + r.IntN(30) {
		if k > 0 {
			content += " "
		}
		content += vocabulary[r.IntN(len(vocabulary))]
	}
	return content + " &amp; &lt;3</p>"
}

// visibility returns the visibility of post i: the four in turn, direct
// every eighth.
func visibility(i int) archive.Visibility {
	switch i % 4 {
	case 1:
		return archive.Unlisted
	case 2:
		if i%8 == 2 {
			return archive.Direct
		}
		return archive.Private
	}
	return archive.Public
}

// newPoll returns the poll of post i, with 2 to 4 options whose votes
// are drawn from r; every other one is closed.
func newPoll(i int, published time.Time, r *rand.Rand) *archive.Poll {
	p := &archive.Poll{Multiple: i%14 == 2, EndTime: published.Add(24 * time.Hour)}
	for k := range 2 + i%3 {
		v := r.IntN(50)
		p.Options = append(p.Options, archive.PollOption{Name: fmt.Sprintf("option %d", k+1), Votes: v})
		p.VotersCount += v
	}
	if i%2 == 0 {
		p.Closed = p.EndTime
	}
	return p
}

// mediaName returns the id and file name of media j.
func (g *Generator) mediaName(j int) (uint64, string) {
	id := uint64(109000000000000000 + j)
	if j%4 == 1 {
		id = uint64(j + 1) // small ids: 000/000/00j partitions
	}
	ext := []string{"jpg", "png", "mp4", "webp"}[j%4]
	return id, fmt.Sprintf("%016x.%s", uint64(g.o.Seed)*7919+uint64(j)*104729, ext)
}

var mediaTypes = map[string]string{"jpg": "image/jpeg", "png": "image/png", "mp4": "video/mp4", "webp": "image/webp"}

// Write generates an archive into w as a ZIP.
func Write(w io.Writer, o Options) (*Manifest, error) {
	return New(o).Write(w)
}

// WriteFile generates an archive at path, which appears only when
// complete.
func WriteFile(path string, o Options) (*Manifest, error) {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Abort()
	m, err := New(o).Write(f)
	if err != nil {
		return nil, err
	}
	return m, f.Commit()
}

// WriteDir generates an unpacked archive in dir, which must not exist or
// be empty: the ZIP is generated in memory-flat fashion to a temporary
// file and extracted.
func WriteDir(dir string, o Options) (*Manifest, error) {
	tmp := filepath.Join(dir, ".gen.zip")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m, err := WriteFile(tmp, o)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	r, err := archive.Open(tmp)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return m, os.CopyFS(dir, r)
}

// Write generates the archive as a ZIP into w. With the quirks, the
// archive is written to a temporary file by package archive's Writer and
// then copied into w with its outbox's "orderedItems" key repeated, as
// some 2024 Mastodon builds wrote it (package archive's Writer writes
// only well-formed outboxes).
func (g *Generator) Write(w io.Writer) (*Manifest, error) {
	if g.o.NoQuirks {
		return g.write(archive.NewWriter(w))
	}
	tmp, err := os.CreateTemp("", "archivegen-*.zip")
	if err != nil {
		return nil, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	m, err := g.write(archive.NewWriter(tmp))
	if err != nil {
		return nil, err
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	return m, repeatItemsKey(w, tmp, size)
}

// repeatItemsKey copies the ZIP src into dst, writing "orderedItems":[]
// before the real array of outbox.json. Other entries are copied raw.
func repeatItemsKey(dst io.Writer, src io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(src, size)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(dst)
	for _, f := range zr.File {
		if f.Name != "outbox.json" {
			if err := zw.Copy(f); err != nil {
				return err
			}
			continue
		}
		if err := copyRepeated(zw, f); err != nil {
			return err
		}
	}
	return zw.Close()
}

// copyRepeated copies the outbox entry f into zw with its items key
// repeated. The key comes after the @context, in the first 4 KiB.
func copyRepeated(zw *zip.Writer, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
	if err != nil {
		return err
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return err
	}
	key := []byte(`"orderedItems":[`)
	if !bytes.Contains(head[:n], key) {
		return fmt.Errorf("archivegen: no %s in the outbox's first %d bytes", key, n)
	}
	if _, err := out.Write(bytes.Replace(head[:n], key, []byte(`"orderedItems":[],"orderedItems":[`), 1)); err != nil {
		return err
	}
	_, err = io.Copy(out, rc)
	return err
}

// build is the state of one generation: the writer, the manifest, and
// which media file is missing and which is an orphan (-1 for none).
type build struct {
	g               *Generator
	aw              *archive.Writer
	m               *Manifest
	quirks          bool
	missing, orphan int
}

// write generates the archive into aw and closes it.
func (g *Generator) write(aw *archive.Writer) (*Manifest, error) {
	b := &build{g: g, aw: aw, m: &Manifest{Visibility: map[archive.Visibility]int{}, ActorID: g.actor}, quirks: !g.o.NoQuirks, missing: -1, orphan: -1}
	if err := b.run(); err != nil {
		aw.Abort()
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return b.m, nil
}

// run adds the actor, images, statuses with their media, orphan media,
// likes and bookmarks.
func (b *build) run() error {
	o, aw, m := b.g.o, b.aw, b.m
	if b.quirks && o.Media >= 2 {
		b.missing = 1
	}
	if b.quirks && o.Media >= 3 {
		b.orphan = o.Media - 1
	}
	aw.SetActor(b.g.Actor())
	aw.Modified = b.g.epoch
	m.TotalItems = o.Statuses
	if b.quirks {
		total := o.Statuses + 1
		aw.TotalItems = &total
		m.TotalItems = total
	}
	if err := aw.AddAvatar("png", pseudoFile(o.Seed, -1, 256)); err != nil {
		return err
	}
	if err := aw.AddHeader("jpg", pseudoFile(o.Seed, -2, 256)); err != nil {
		return err
	}
	j := 0
	for i := range o.Statuses {
		s := b.g.Status(i)
		var err error
		if j, err = b.media(s, i, j); err != nil {
			return err
		}
		b.count(s)
		if err := aw.AddStatus(s); err != nil {
			return err
		}
	}
	for ; j < o.Media; j++ { // media past the last status: orphans
		if err := b.addOrphan(j); err != nil {
			return err
		}
	}
	for k := range o.Likes {
		aw.AddLike(fmt.Sprintf("https://remote.example/users/bob/statuses/%d", 300000+k))
	}
	for k := range o.Bookmarks {
		aw.AddBookmark(fmt.Sprintf("https://remote.example/users/carol/statuses/%d", 400000+k))
	}
	m.Likes, m.Bookmarks = o.Likes, o.Bookmarks
	return nil
}

// media adds the media files owned by status i, from media j on, as
// attachments of s (or as orphan files), and returns the next media
// index.
func (b *build) media(s *archive.Status, i, j int) (int, error) {
	o := b.g.o
	for ; j < o.Media && b.g.mediaOwner(j) <= i; j++ {
		if s.Type == "" && !b.quirks {
			break // a bare boost has no media: the next post takes it
		}
		if j == b.orphan || s.Type == "" {
			// An orphan file, or media owned by a bare boost: a file
			// with no status.
			if err := b.addOrphan(j); err != nil {
				return j, err
			}
			continue
		}
		id, name := b.g.mediaName(j)
		a := b.g.attachment(j, id, name, b.quirks)
		if j == b.missing {
			b.m.MissingMedia++
		} else {
			if _, err := b.aw.AddMedia(id, name, pseudoFile(o.Seed, j, o.MediaSize)); err != nil {
				return j, err
			}
			b.m.MediaFiles++
		}
		s.Attachments = append(s.Attachments, a)
	}
	return j, nil
}

// attachment returns the attachment of media j, stored as id/name; with
// the quirks its URL is sometimes rooted or CDN-prefixed.
func (g *Generator) attachment(j int, id uint64, name string, quirks bool) archive.Attachment {
	entry := archive.MediaEntry(id, name)
	url := entry
	if quirks {
		switch j % 3 {
		case 1:
			url = "/" + entry
		case 2:
			url = "https://cdn.example/system/" + entry
		}
	}
	a := archive.Attachment{
		Type: "Document", MediaType: mediaTypes[path.Ext(name)[1:]], URL: url, Path: entry,
		Name: fmt.Sprintf("alt text %d", j), Blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
		Width: 640 + j%7, Height: 480,
	}
	if j%2 == 0 {
		a.FocalPoint = &[2]float64{0.25, -0.5}
	}
	return a
}

// addOrphan writes media j as a file no status refers to.
func (b *build) addOrphan(j int) error {
	id, name := b.g.mediaName(j)
	if _, err := b.aw.AddMedia(id, name, pseudoFile(b.g.o.Seed, j, b.g.o.MediaSize)); err != nil {
		return err
	}
	b.m.MediaFiles++
	b.m.OrphanMedia++
	return nil
}

// count adds status s to the manifest.
func (b *build) count(s *archive.Status) {
	m := b.m
	switch s.Activity {
	case "Create":
		m.Creates++
		m.Visibility[s.Visibility]++
		if s.InReplyTo != "" {
			m.Replies++
		}
		if s.Poll != nil {
			m.Polls++
		}
		if len(s.Media()) > 0 {
			m.WithMedia++
		}
	case "Announce":
		m.Announces++
	}
}

// pseudoFile returns n deterministic bytes.
func pseudoFile(seed int64, j, n int) io.Reader {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(j)+1<<40))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return bytes.NewReader(b)
}
