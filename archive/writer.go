package archive

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zip"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/internal/atomicfile"
)

// outboxContext is the "@context" Mastodon gives outbox.json: the
// ActivityStreams context and the terms its statuses use.
const outboxContext = `["` + activitypub.ActivityStreamsContext + `",{"ostatus":"http://ostatus.org#","atomUri":"ostatus:atomUri","inReplyToAtomUri":"ostatus:inReplyToAtomUri","conversation":"ostatus:conversation","sensitive":"as:sensitive","toot":"http://joinmastodon.org/ns#","votersCount":"toot:votersCount","blurhash":"toot:blurhash","focalPoint":{"@container":"@list","@id":"toot:focalPoint"},"Hashtag":"as:Hashtag","Emoji":"toot:Emoji"}]`

// Writer writes an archive in Mastodon's layout as a ZIP: actor.json,
// outbox.json, likes.json, bookmarks.json, avatar and header, and media
// under media_attachments/files/<id partition>/original/.
//
// Statuses are added one at a time and spooled to a temporary file (in
// TempDir), so that media can be added in any order between them; the
// outbox entry is written at Close. Media and images are copied into the
// ZIP as streams when added. Memory stays flat apart from likes and
// bookmarks, which are kept (as strings) until Close.
//
// The first error a method returns is sticky: later calls return it.
type Writer struct {
	// TempDir is where the outbox is spooled; "" means os.TempDir().
	TempDir string
	// TotalItems, when set, is written as the outbox's totalItems instead
	// of the number of statuses added (Mastodon writes the account's
	// status count).
	TotalItems *int
	// Modified is the modification time of the entries; zero means the
	// time each entry is written.
	Modified time.Time

	zw        *zip.Writer
	actor     *activitypub.Actor
	avatar    string
	header    string
	likes     []string
	bookmarks []string
	names     map[string]bool

	spool    *os.File
	spoolBuf *bufio.Writer
	n        int
	buf      []byte

	err    error
	closed bool

	// file is the file Create writes, committed by Close.
	file *atomicfile.File
}

// NewWriter returns a Writer that writes a ZIP archive to w. The caller
// must call [Writer.Close] to finish it.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w), names: map[string]bool{}}
}

// Create returns a Writer that writes the archive at path. It writes to
// a temporary file in the same folder, which a successful Close syncs to
// disk and renames to path, syncing the folder, so that after a crash
// path holds the old file or the whole archive; on error, or after
// [Writer.Abort], no file is left at path. A symbolic link at path is
// replaced, never followed. The file is readable by its owner only (mode
// 0600): an archive holds direct messages.
func Create(path string) (*Writer, error) {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil, err
	}
	w := NewWriter(f)
	w.file = f
	w.TempDir = filepath.Dir(path)
	return w, nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

func (w *Writer) usable() error {
	if w.closed {
		return errWriterClosed
	}
	return w.err
}

// SetActor sets the actor written to actor.json at Close. Its outbox,
// likes and bookmarks are pointed at the archive's files, and its icon
// and image at the avatar and header when they are added.
func (w *Writer) SetActor(a *activitypub.Actor) { w.actor = a }

// AddLike records a liked status URI for likes.json.
func (w *Writer) AddLike(uri string) { w.likes = append(w.likes, uri) }

// AddBookmark records a bookmarked status URI for bookmarks.json.
func (w *Writer) AddBookmark(uri string) { w.bookmarks = append(w.bookmarks, uri) }

// idPartition returns the folders Mastodon stores a media attachment
// under: the id zero-padded to 9 digits and split in groups of 3
// ("000/000/001"; an 18-digit id gives 6 groups). As in Paperclip, ids
// of a billion and more are padded to 12 digits instead, and digits
// beyond the last full group are dropped.
func idPartition(id uint64) string {
	s := fmt.Sprintf("%09d", id)
	if id >= 1_000_000_000 {
		s = fmt.Sprintf("%012d", id)
	}
	var b strings.Builder
	for i := 0; i+3 <= len(s); i += 3 {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// MediaEntry returns the entry name of a media file:
// media_attachments/files/<id partition>/original/<name>, where the id
// partition is the id zero-padded to 9 digits and split in groups of 3
// ("000/000/001"; an 18-digit id gives 6 groups); as in Paperclip, ids of
// a billion and more are padded to 12 digits instead, and digits beyond
// the last full group are dropped.
func MediaEntry(id uint64, name string) string {
	return "media_attachments/files/" + idPartition(id) + "/original/" + name
}

// AddMedia copies a media file into the archive at [MediaEntry](id,
// name) and returns that entry name, which is what an attachment's URL
// should be.
func (w *Writer) AddMedia(id uint64, name string, r io.Reader) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("archive: bad media file name %q: %w", name, ErrInsecurePath)
	}
	entry := MediaEntry(id, name)
	return entry, w.AddFile(entry, r)
}

// AddAvatar copies the avatar into the archive as avatar.<ext> (ext
// without the dot, "png").
func (w *Writer) AddAvatar(ext string, r io.Reader) error {
	name := "avatar." + strings.TrimPrefix(ext, ".")
	if err := w.AddFile(name, r); err != nil {
		return err
	}
	w.avatar = name
	return nil
}

// AddHeader copies the header image into the archive as header.<ext>.
func (w *Writer) AddHeader(ext string, r io.Reader) error {
	name := "header." + strings.TrimPrefix(ext, ".")
	if err := w.AddFile(name, r); err != nil {
		return err
	}
	w.header = name
	return nil
}

// AddFile copies r into the archive as the named entry, stored without
// compression (media files are compressed already). The name must be a
// clean relative path not used before; the files Close writes
// (actor.json, outbox.json, likes.json, bookmarks.json) cannot be added
// this way.
func (w *Writer) AddFile(name string, r io.Reader) error {
	if err := w.usable(); err != nil {
		return err
	}
	if n, _, err := cleanName(name); err != nil || n != name || name == "" {
		return fmt.Errorf("archive: entry %q: %w", name, ErrInsecurePath)
	}
	switch name {
	case "actor.json", "outbox.json", "likes.json", "bookmarks.json":
		return fmt.Errorf("archive: entry %q is written by Close", name)
	}
	if w.names[name] {
		return fmt.Errorf("archive: duplicate entry %q", name)
	}
	w.names[name] = true
	fw, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: w.modified()})
	if err != nil {
		return w.fail(err)
	}
	if _, err := io.Copy(fw, r); err != nil {
		return w.fail(fmt.Errorf("archive: writing %s: %w", name, err))
	}
	return nil
}

// AddFS copies the files of fsys into the archive, except actor.json,
// outbox.json, likes.json and bookmarks.json, which Close writes: with a
// [Reader] as fsys it copies the media, avatar and header of another
// archive. An avatar.<ext> or header.<ext> at the root becomes the
// actor's icon or image.
func (w *Writer) AddFS(fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch name {
		case "actor.json", "outbox.json", "likes.json", "bookmarks.json":
			return nil
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := w.AddFile(name, f); err != nil {
			return err
		}
		switch strings.TrimSuffix(name, path.Ext(name)) {
		case "avatar":
			w.avatar = name
		case "header":
			w.header = name
		}
		return nil
	})
}

// AddStatus appends a status to the outbox. The typed fields are written
// in Mastodon's shapes, followed by the members of s.Raw the typed
// fields do not cover (atomUri, replies, signature, ...). When To and Cc
// are both nil they are derived from Visibility, Actor (or the actor set
// with SetActor) and Mentions. An attachment's url is its URL, or its Path
// when URL is empty. A status with an OtherTags member that is not valid
// JSON is refused; the Writer stays usable.
func (w *Writer) AddStatus(s *Status) error {
	if err := w.usable(); err != nil {
		return err
	}
	if w.spool == nil {
		f, err := os.CreateTemp(w.TempDir, "fediport-outbox-*.json")
		if err != nil {
			return w.fail(err)
		}
		w.spool = f
		w.spoolBuf = bufio.NewWriterSize(f, 256<<10)
	}
	actorID := ""
	if w.actor != nil {
		actorID = w.actor.ID
	}
	b, err := appendStatus(w.buf[:0], s, actorID)
	if err != nil {
		return err // nothing was written: the Writer is still usable
	}
	w.buf = b
	if w.n > 0 {
		w.spoolBuf.WriteByte(',')
	}
	if _, err := w.spoolBuf.Write(b); err != nil {
		return w.fail(err)
	}
	w.n++
	return nil
}

// Abort stops writing: the spool is removed and, for a Writer from
// [Create], the temporary file too, leaving nothing at the path.
func (w *Writer) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.removeSpool()
	if w.file != nil {
		return w.file.Abort()
	}
	return nil
}

func (w *Writer) removeSpool() {
	if w.spool != nil {
		w.spool.Close()
		os.Remove(w.spool.Name())
		w.spool = nil
	}
}

// Close writes actor.json, outbox.json, likes.json and bookmarks.json and
// finishes the ZIP. For a Writer from [Create] it then moves the file to
// its path; on any error the file is removed instead.
func (w *Writer) Close() error {
	if w.closed {
		return errWriterClosed
	}
	err := w.finish()
	w.closed = true
	w.removeSpool()
	if w.file != nil {
		if err != nil {
			w.file.Abort()
			return err
		}
		return w.file.Commit()
	}
	return err
}

func (w *Writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if w.actor != nil {
		data, err := w.actorJSON()
		if err != nil {
			return err
		}
		if err := w.writeJSON("actor.json", func(out io.Writer) error { _, err := out.Write(data); return err }); err != nil {
			return err
		}
	}
	if err := w.writeJSON("outbox.json", w.writeOutbox); err != nil {
		return err
	}
	if err := w.writeJSON("likes.json", uriCollection("likes.json", w.likes)); err != nil {
		return err
	}
	if err := w.writeJSON("bookmarks.json", uriCollection("bookmarks.json", w.bookmarks)); err != nil {
		return err
	}
	return w.zw.Close()
}

func (w *Writer) writeJSON(name string, write func(io.Writer) error) error {
	fw, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.modified()})
	if err != nil {
		return w.fail(err)
	}
	if err := write(fw); err != nil {
		return w.fail(fmt.Errorf("archive: writing %s: %w", name, err))
	}
	return nil
}

func (w *Writer) writeOutbox(out io.Writer) error {
	total := w.n
	if w.TotalItems != nil {
		total = *w.TotalItems
	}
	head := `{"@context":` + outboxContext + `,"id":"outbox.json","type":"OrderedCollection","totalItems":` + strconv.Itoa(total) + `,`
	head += `"orderedItems":[`
	if _, err := io.WriteString(out, head); err != nil {
		return err
	}
	if w.spool != nil {
		if err := w.spoolBuf.Flush(); err != nil {
			return err
		}
		if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(out, bufio.NewReaderSize(w.spool, 256<<10)); err != nil {
			return err
		}
	}
	_, err := io.WriteString(out, "]}")
	return err
}

func uriCollection(id string, uris []string) func(io.Writer) error {
	return func(out io.Writer) error {
		b := []byte(`{"@context":"` + activitypub.ActivityStreamsContext + `","id":"` + id + `","type":"OrderedCollection","orderedItems":[`)
		for i, u := range uris {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, u)
		}
		b = append(b, "]}"...)
		_, err := out.Write(b)
		return err
	}
}

func (w *Writer) actorJSON() ([]byte, error) {
	a := *w.actor
	a.Outbox = "outbox.json"
	a.Likes = "likes.json"
	a.Bookmarks = "bookmarks.json"
	if len(a.Context) == 0 {
		a.Context = activitypub.ActorContext()
	}
	image := func(old *activitypub.Image, name string) *activitypub.Image {
		if name == "" {
			return old
		}
		var img activitypub.Image
		if old != nil {
			img = *old
		} else {
			img.Type = "Image"
		}
		img.URL = name
		if mt := mime.TypeByExtension(filepath.Ext(name)); mt != "" {
			img.MediaType = mt
		}
		return &img
	}
	a.Icon = image(a.Icon, w.avatar)
	a.Image = image(a.Image, w.header)
	return a.MarshalJSON()
}

func (w *Writer) modified() time.Time {
	if !w.Modified.IsZero() {
		return w.Modified
	}
	return time.Now().UTC().Truncate(time.Second)
}
