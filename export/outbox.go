package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"mime"
	"path"
	"slices"
	"strings"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer"
)

// peekSize is how much of a media file is read before its entry is
// created: a read error within it skips the file, after it the ZIP entry
// cannot be taken back and the export fails.
const peekSize = 256 << 10

// job is one export in progress.
type job struct {
	ctx   context.Context
	src   Sources
	opts  *Exporter
	res   *Result
	actor *activitypub.Actor

	items, bytes int64

	peek    *bufio.Reader
	entries map[string]bool   // media entries handed out
	made    map[string]string // entries made up, by attachment URL and path
	seq     uint64
}

func (e *Exporter) newJob(ctx context.Context, src Sources) *job {
	return &job{
		ctx: ctx, src: src, opts: e,
		res:     &Result{Rows: map[importer.Type]int{}, Missing: src.missing()},
		entries: map[string]bool{},
		made:    map[string]string{},
	}
}

func (j *job) progress() {
	if j.opts.Progress != nil {
		j.opts.Progress(Progress{Items: j.items, Bytes: j.bytes})
	}
}

// tick counts an item written and checks for cancellation.
func (j *job) tick() error {
	j.items++
	j.progress()
	return j.ctx.Err()
}

// writeArchive writes the actor, images, statuses with their media and
// likes into aw; bookmarks come with the CSV files.
func (j *job) writeArchive(aw *archive.Writer) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if j.src.Actor == nil {
		return fmt.Errorf("%w: Sources.Actor is nil", ErrInvalidActor)
	}
	actor, err := j.src.Actor.Actor(j.ctx)
	if err != nil {
		return &SourceError{What: "actor", Err: err}
	}
	if actor == nil || actor.ID == "" {
		return ErrInvalidActor
	}
	j.actor = actor
	aw.SetActor(actor)
	if is := j.src.Images; is != nil {
		if err := j.image(aw, "avatar", is.OpenAvatar, aw.AddAvatar); err != nil {
			return err
		}
		if err := j.image(aw, "header", is.OpenHeader, aw.AddHeader); err != nil {
			return err
		}
	}
	if ss := j.src.Statuses; ss != nil {
		i := 0
		for s, err := range orEmpty(ss.Statuses(j.ctx)) {
			if err != nil {
				return &SourceError{What: "statuses", Index: i, Err: err}
			}
			if err := j.ctx.Err(); err != nil {
				return err
			}
			if err := j.status(aw, i, s); err != nil {
				return err
			}
			i++
		}
	}
	if ls := j.src.Likes; ls != nil {
		for uri, err := range orEmpty(ls.Likes(j.ctx)) {
			if err != nil {
				return &SourceError{What: "likes", Index: j.res.Likes, Err: err}
			}
			aw.AddLike(uri)
			j.res.Likes++
			if err := j.tick(); err != nil {
				return err
			}
		}
	}
	return j.ctx.Err()
}

// image copies the avatar or header.
func (j *job) image(aw *archive.Writer, what string, open func(context.Context) (io.ReadCloser, string, error), add func(string, io.Reader) error) error {
	rc, ext, err := open(j.ctx)
	if err == nil && rc == nil {
		return nil // no image, said without an error
	}
	if isNotExist(err) {
		return nil
	}
	if err != nil {
		if cerr := j.ctx.Err(); cerr != nil {
			return cerr
		}
		j.res.SkippedMedia = append(j.res.SkippedMedia, &MediaError{Entry: what, Err: err})
		return nil
	}
	ext = strings.TrimPrefix(ext, ".")
	if !cleanExt(ext) {
		rc.Close()
		j.res.SkippedMedia = append(j.res.SkippedMedia, &MediaError{Entry: what, Err: fmt.Errorf("bad file extension %q", ext)})
		return nil
	}
	return j.copyMedia("", what+"."+ext, rc, func(r io.Reader) error { return add(ext, r) })
}

// copyMedia copies one media file into the archive with add. A file that
// fails to open or to read within its first peekSize bytes is reported
// and skipped; a failure later is fatal, since the ZIP entry is written.
func (j *job) copyMedia(status, entry string, rc io.ReadCloser, add func(io.Reader) error) error {
	defer rc.Close()
	if j.peek == nil {
		j.peek = bufio.NewReaderSize(nil, peekSize)
	}
	j.peek.Reset(&ctxReader{ctx: j.ctx, r: rc})
	defer j.peek.Reset(nil)
	if _, err := j.peek.Peek(peekSize); err != nil && err != io.EOF {
		if cerr := j.ctx.Err(); cerr != nil {
			return cerr
		}
		j.res.SkippedMedia = append(j.res.SkippedMedia, &MediaError{Status: status, Entry: entry, Err: err})
		return nil
	}
	n := &countReader{r: j.peek}
	if err := add(n); err != nil {
		if cerr := j.ctx.Err(); cerr != nil {
			return cerr
		}
		if n.err != nil {
			// The source failed after the entry was begun.
			return &MediaError{Status: status, Entry: entry, Err: n.err}
		}
		return err // writing the archive failed: not the media's fault
	}
	j.res.Media++
	j.res.MediaBytes += n.n
	return j.tick()
}

// countReader counts the bytes read through it and keeps the read
// error, so that a failing source can be told from a failing output.
type countReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// orEmpty returns seq, or an empty sequence when a source gave none.
func orEmpty[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	if seq == nil {
		return func(func(T, error) bool) {}
	}
	return seq
}

// status writes one status and its media files.
func (j *job) status(aw *archive.Writer, i int, s *archive.Status) error {
	if s == nil {
		return &StatusError{Index: i, Detail: "nil status"}
	}
	if s.ID == "" {
		return &StatusError{Index: i, Detail: "no id"}
	}
	vis := s.Visibility
	if s.To != nil || s.Cc != nil {
		// What is written decides what readers see.
		vis = archive.VisibilityOf(s.To, s.Cc)
	}
	switch vis {
	case archive.Public, archive.Unlisted, archive.Private, archive.Direct:
	case "":
		return &StatusError{Index: i, ID: s.ID, Detail: "no visibility and no addressing"}
	default:
		return &StatusError{Index: i, ID: s.ID, Detail: fmt.Sprintf("unknown visibility %q", vis)}
	}
	if vis == archive.Direct && !j.opts.IncludeDirect {
		j.res.DirectSkipped++
		return nil
	}
	c := *s
	c.Visibility = vis
	if c.Actor == "" {
		c.Actor = j.actor.ID
	}
	if c.Type != "" && c.AttributedTo == "" {
		c.AttributedTo = c.Actor
	}
	if c.To == nil && c.Cc == nil {
		c.To, c.Cc = j.addressing(&c)
	}
	if len(c.Attachments) > 0 {
		c.Attachments = slices.Clone(c.Attachments)
		for k := range c.Attachments {
			a := &c.Attachments[k]
			if a.IsLink() {
				continue
			}
			entry, fresh := j.entry(a)
			orig := s.Attachments[k]
			a.URL, a.Path = entry, entry
			if !fresh {
				continue
			}
			if err := j.media(aw, &c, &orig, entry); err != nil {
				return err
			}
		}
	}
	if err := aw.AddStatus(&c); err != nil {
		return err
	}
	j.res.Statuses++
	return j.tick()
}

// media opens and copies the file of one attachment.
func (j *job) media(aw *archive.Writer, s *archive.Status, a *archive.Attachment, entry string) error {
	ms := j.src.Media
	if ms == nil {
		j.res.SkippedMedia = append(j.res.SkippedMedia, &MediaError{Status: s.ID, Entry: entry, Err: errNoMediaSource})
		return nil
	}
	rc, err := ms.OpenMedia(j.ctx, a)
	if err == nil && rc == nil {
		err = fmt.Errorf("OpenMedia returned no reader: %w", fs.ErrNotExist)
	}
	if err != nil {
		if cerr := j.ctx.Err(); cerr != nil {
			return cerr
		}
		j.res.SkippedMedia = append(j.res.SkippedMedia, &MediaError{Status: s.ID, Entry: entry, Err: err})
		return nil
	}
	return j.copyMedia(s.ID, entry, rc, func(r io.Reader) error { return aw.AddFile(entry, r) })
}

// addressing returns the to and cc Mastodon gives a status of c's
// visibility (ActivityPub::TagManager#to and #cc).
func (j *job) addressing(c *archive.Status) (to, cc []string) {
	followers := j.actor.Followers
	if followers == "" || c.Actor != j.actor.ID {
		followers = c.Actor + "/followers"
	}
	var mentions []string
	for _, m := range c.Mentions {
		if m.Href != "" && !slices.Contains(mentions, m.Href) {
			mentions = append(mentions, m.Href)
		}
	}
	cc = []string{}
	if c.Activity == "Announce" && c.AttributedTo != "" && c.AttributedTo != c.Actor {
		cc = append(cc, c.AttributedTo)
	}
	switch c.Visibility {
	case archive.Public:
		return []string{activitypub.PublicCollection}, append(append(cc, followers), mentions...)
	case archive.Unlisted:
		return []string{followers}, append(append(cc, activitypub.PublicCollection), mentions...)
	case archive.Private:
		return []string{followers}, append(cc, mentions...)
	}
	if mentions == nil {
		mentions = []string{}
	}
	return mentions, cc
}

// entry returns the archive entry of a media attachment, and whether it
// is the first attachment to name it (so its file is to be written).
func (j *job) entry(a *archive.Attachment) (string, bool) {
	p := a.Path
	if !validEntry(p) {
		p = archive.MediaPath(a.URL)
	}
	if validEntry(p) {
		if j.entries[p] {
			return p, false
		}
		j.entries[p] = true
		return p, true
	}
	key := a.URL + "\x00" + a.Path
	if e, ok := j.made[key]; ok && key != "\x00" {
		return e, false
	}
	u := a.URL
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	ext := path.Ext(u)
	if !cleanExt(strings.TrimPrefix(ext, ".")) {
		ext = ""
		if exts, _ := mime.ExtensionsByType(a.MediaType); len(exts) > 0 {
			ext = exts[0]
		}
	}
	for {
		j.seq++
		e := archive.MediaEntry(j.seq, fmt.Sprintf("%016x%s", j.seq, ext))
		if !j.entries[e] {
			j.entries[e] = true
			j.made[key] = e
			return e, true
		}
	}
}

// validEntry reports whether p can be a media entry as it is: a clean
// path in Mastodon's media folder that package archive accepts (no
// backslash, drive letter or NUL).
func validEntry(p string) bool {
	return strings.HasPrefix(p, "media_attachments/files/") && fs.ValidPath(p) &&
		!strings.ContainsAny(p, "\\:\x00") && !strings.HasSuffix(p, "/")
}

// cleanExt reports whether ext (without the dot) is a plausible file
// extension: 1 to 10 ASCII letters and digits.
func cleanExt(ext string) bool {
	if ext == "" || len(ext) > 10 {
		return false
	}
	for _, r := range ext {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
