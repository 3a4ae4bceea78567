package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/importer"
)

// DefaultArchiveName is the file name [WriteDir] gives the archive when
// [Options.ArchiveName] is empty.
const DefaultArchiveName = "archive.zip"

// writeBuffer is the size of the buffer in front of each output.
const writeBuffer = 256 << 10

// Options configure an export. The zero value writes what fediport writes
// by default: everything the source has except direct messages.
type Options struct {
	// IncludeDirect includes direct messages (statuses addressed only to
	// the accounts they mention) in outbox.json, as Mastodon does. By
	// default they are left out, with their media.
	IncludeDirect bool
	// LocalDomain completes bare user names in the CSV files ("bob"
	// becomes "bob@LocalDomain"), as Mastodon writes local accounts.
	LocalDomain string
	// ArchiveName is the archive's file name in [WriteDir]'s folder
	// ([DefaultArchiveName] when empty). Mastodon names its archives
	// "archive-<UTC time>-<random hex>.zip".
	ArchiveName string
	// TempDir is where the outbox (and, for a bundle, the CSV files) are
	// spooled before they go into the ZIP; "" means [os.TempDir]. The
	// spool files are removed whatever happens.
	TempDir string
	// Modified is the modification time given to the ZIP entries; zero
	// means the time of writing.
	Modified time.Time
	// Progress, if not nil, is called after each item written (status,
	// media file, like, CSV row), from the goroutine running the export.
	// It should return quickly.
	Progress func(Progress)
}

// Progress is how far an export has come: Items written (statuses, media
// files, likes, bookmarks, CSV rows) and Bytes written to the output so
// far. outbox.json is spooled and copied into the ZIP at the end, so
// Bytes grows in a step then.
type Progress struct {
	Items int64
	Bytes int64
}

// Result is what an export wrote.
type Result struct {
	// Files are the files written: paths for [WriteDir] (the CSV files,
	// then the archive), entry names of the CSV files for [WriteBundle].
	Files []string
	// Statuses is the number of outbox items written; DirectSkipped the
	// number of direct messages left out (see [Options.IncludeDirect]).
	Statuses      int
	DirectSkipped int
	// Media is the number of media files written (avatar and header
	// included) and MediaBytes their size.
	Media      int
	MediaBytes int64
	// SkippedMedia lists the media files left out because they could not
	// be read. The statuses still refer to them, as in Mastodon's
	// archives.
	SkippedMedia []*MediaError
	// Likes and Bookmarks are the numbers of URIs in likes.json and
	// bookmarks.json.
	Likes, Bookmarks int
	// Rows is the number of data rows of each CSV file written; a type is
	// present when its file was written.
	Rows map[importer.Type]int
	// Bytes is the size of everything written.
	Bytes int64
}

// WriteDir exports the account behind src into the folder dir (created,
// with mode 0700, if missing): the archive ZIP (named
// [Options.ArchiveName]) through package archive, and, for each optional
// interface src implements, the CSV file Mastodon serves for it
// (following_accounts.csv, followers.csv, muted_accounts.csv,
// blocked_accounts.csv, blocked_domains.csv, bookmarks.csv, lists.csv)
// through package importer's writer.
//
// Every file is written under a temporary name in dir and renamed only
// once all of them are complete and synced, the archive last, so a crash
// never leaves a part-written file under a final name; on error or
// cancellation the temporary files are removed and no file of this export
// appears. (Should a rename itself fail, the files renamed before it stay:
// they are complete.) Existing files of a source that no longer implements an
// interface are not touched: export into a fresh folder.
//
// Statuses are written with the addressing Mastodon gives each visibility
// when the source leaves To and Cc nil: public to the public collection
// with the followers in cc; unlisted to the followers with the public
// collection in cc; followers-only to the followers; direct to the
// mentioned accounts (mentioned accounts are added to cc otherwise). Direct
// messages are left out unless [Options.IncludeDirect] is set.
//
// Media are copied as streams. A media file that cannot be opened is
// reported in [Result.SkippedMedia] and left out; the export goes on.
// The error returned is a [*SourceError] when a source fails, a
// [*StatusError] for a status that cannot be written, the context's error
// when ctx is done, or an I/O error; the Result then tells how far the
// export came.
func WriteDir(ctx context.Context, dir string, src ActorSource, opts Options) (*Result, error) {
	j := newJob(ctx, src, &opts)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return j.res, err
	}
	name := opts.ArchiveName
	if name == "" {
		name = DefaultArchiveName
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		return j.res, fmt.Errorf("export: archive name %q is not a file name", name)
	}
	for _, t := range importer.Types() {
		if name == importer.FileName(t) {
			return j.res, fmt.Errorf("export: archive name %q is the name of a CSV file", name)
		}
	}
	var temps []*tempFile
	cleanup := func() {
		for _, t := range temps {
			t.discard()
		}
	}
	create := func(name string) (*tempFile, error) {
		t, err := createTemp(ctx, dir, name, &j.bytes)
		if err != nil {
			return nil, err
		}
		temps = append(temps, t)
		return t, nil
	}
	at, err := create(name)
	if err != nil {
		return j.res, err
	}
	aw := archive.NewWriter(at)
	aw.TempDir, aw.Modified = opts.TempDir, opts.Modified
	err = j.writeArchive(aw)
	if err == nil {
		err = j.writeCSVs(aw, func(name string) (io.Writer, func() error, error) {
			t, err := create(name)
			if err != nil {
				return nil, nil, err
			}
			return t, func() error { return nil }, nil
		})
	}
	if err != nil {
		aw.Abort()
		cleanup()
		return j.res, err
	}
	if err := aw.Close(); err != nil {
		cleanup()
		return j.res, err
	}
	if err := ctx.Err(); err != nil {
		cleanup()
		return j.res, err
	}
	// Sync and close every file, then rename them: the CSV files first,
	// the archive last.
	for _, t := range temps {
		if err := t.finish(); err != nil {
			cleanup()
			return j.res, err
		}
	}
	order := append(temps[1:len(temps):len(temps)], temps[0])
	for _, t := range order {
		if err := os.Rename(t.f.Name(), t.final); err != nil {
			cleanup()
			return j.res, err
		}
		t.renamed = true
		j.res.Files = append(j.res.Files, t.final)
	}
	syncDir(dir)
	j.res.Bytes = j.bytes
	j.progress()
	return j.res, nil
}

// WriteBundle writes everything [WriteDir] writes as one ZIP to w, for a
// "download everything" button: the archive's entries (actor.json,
// outbox.json, media, ...) with the CSV files next to them at the top
// level. The bundle is itself an archive that package archive reads.
// The CSV files are spooled in [Options.TempDir] before they are added.
//
// On error, what was written to w is not a usable ZIP; see
// [WriteBundleFile] for a file that appears only when complete.
func WriteBundle(ctx context.Context, w io.Writer, src ActorSource, opts Options) (*Result, error) {
	j := newJob(ctx, src, &opts)
	bw := bufio.NewWriterSize(w, writeBuffer)
	aw := archive.NewWriter(&countWriter{ctx: ctx, w: bw, n: &j.bytes})
	aw.TempDir, aw.Modified = opts.TempDir, opts.Modified
	var spools []*os.File
	defer func() {
		for _, f := range spools {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	err := j.writeArchive(aw)
	if err == nil {
		err = j.writeCSVs(aw, func(name string) (io.Writer, func() error, error) {
			f, err := os.CreateTemp(opts.TempDir, "fediport-"+name+".*.tmp")
			if err != nil {
				return nil, nil, err
			}
			spools = append(spools, f)
			done := func() error {
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return err
				}
				if err := aw.AddFile(name, &ctxReader{ctx: ctx, r: f}); err != nil {
					return err
				}
				j.res.Files = append(j.res.Files, name)
				return nil
			}
			return f, done, nil
		})
	}
	if err != nil {
		aw.Abort()
		return j.res, err
	}
	if err := aw.Close(); err != nil {
		return j.res, err
	}
	if err := bw.Flush(); err != nil {
		return j.res, err
	}
	j.res.Bytes = j.bytes
	j.progress()
	return j.res, nil
}

// WriteBundleFile writes the bundle [WriteBundle] writes to the file at
// path, through a temporary file in the same folder that is renamed to
// path only when complete; on error or cancellation no file is left at
// path.
func WriteBundleFile(ctx context.Context, path string, src ActorSource, opts Options) (*Result, error) {
	var n int64
	t, err := createTemp(ctx, filepath.Dir(path), filepath.Base(path), &n)
	if err != nil {
		return &Result{Rows: map[importer.Type]int{}}, err
	}
	res, err := WriteBundle(ctx, t, src, opts)
	if err == nil {
		err = t.finish()
	}
	if err == nil {
		err = os.Rename(t.f.Name(), path)
	}
	if err != nil {
		t.discard()
		return res, err
	}
	syncDir(filepath.Dir(path))
	return res, nil
}

// tempFile is an output file written under a temporary name, through a
// buffer (the ZIP writer makes many small writes). Its writes are counted
// and stop once the context is done, as a [countWriter]'s.
type tempFile struct {
	countWriter // writes to bw
	f           *os.File
	bw          *bufio.Writer
	final       string
	closed      bool
	renamed     bool
}

func createTemp(ctx context.Context, dir, name string, n *int64) (*tempFile, error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, writeBuffer)
	return &tempFile{countWriter: countWriter{ctx: ctx, w: bw, n: n}, f: f, bw: bw, final: filepath.Join(dir, name)}, nil
}

// finish flushes, syncs and closes the file.
func (t *tempFile) finish() error {
	err := t.bw.Flush()
	if err == nil {
		err = t.f.Sync()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	t.closed = true
	return err
}

// discard closes and removes the file, unless it was renamed.
func (t *tempFile) discard() {
	if !t.closed {
		t.f.Close()
		t.closed = true
	}
	if !t.renamed {
		os.Remove(t.f.Name())
	}
}

// syncDir makes renames in dir durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// countWriter counts the bytes written through it, and stops writes once
// its context is done (so that the end of a large ZIP, written by
// archive.Writer.Close, stops on cancellation too).
type countWriter struct {
	ctx context.Context
	w   io.Writer
	n   *int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// ctxReader fails reads once its context is done, so that copying a
// large stream stops on cancellation.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// errNoMediaSource is the reason media files are skipped when the source
// is not a MediaSource.
var errNoMediaSource = fmt.Errorf("source does not open media files: %w", fs.ErrNotExist)

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
