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
	"github.com/fediport/fediport/internal/atomicfile"
)

// DefaultArchiveName is the file name [Exporter.WriteDir] gives the
// archive when [Exporter.ArchiveName] is empty.
const DefaultArchiveName = "archive.zip"

// writeBuffer is the size of the buffer in front of each output.
const writeBuffer = 256 << 10

// Exporter writes exports. Its fields are its configuration; the zero
// value writes what fediport writes by default: everything the sources
// give except direct messages. An Exporter may be used for several
// exports, at the same time too, as long as its fields do not change.
type Exporter struct {
	// IncludeDirect includes direct messages (statuses addressed only to
	// the accounts they mention) in outbox.json, as Mastodon does. By
	// default they are left out, with their media.
	IncludeDirect bool
	// LocalDomain completes bare user names in the CSV files ("bob"
	// becomes "bob@LocalDomain"), as Mastodon writes local accounts.
	LocalDomain string
	// ArchiveName is the archive's file name in [Exporter.WriteDir]'s
	// folder ([DefaultArchiveName] when empty). Mastodon names its
	// archives "archive-<UTC time>-<random hex>.zip".
	ArchiveName string
	// TempDir is where the outbox (and, for a bundle, the CSV files) are
	// spooled before they go into the ZIP; "" means [os.TempDir]. The
	// spool files are removed whatever happens.
	TempDir string
	// Modified is the modification time given to the ZIP entries; zero
	// means the time of writing.
	Modified time.Time
	// Progress, if not nil, is called after each item written (status,
	// media file, like, CSV row), from the goroutine running the export,
	// one call at a time. It should return quickly.
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
	// Files are the files written: paths for [Exporter.WriteDir] (the
	// CSV files, then the archive), entry names of the CSV files for
	// [Exporter.WriteBundle].
	Files []string
	// Missing names the fields of [Sources] that were nil, in the order
	// of the struct ("Statuses", "Media", ..., "Lists"): the parts of
	// the export left out for want of a source.
	Missing []string
	// Statuses is the number of outbox items written; DirectSkipped the
	// number of direct messages left out (see [Exporter.IncludeDirect]).
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

// WriteDir exports the account src gives into the folder dir (created,
// with mode 0700, if missing): the archive ZIP (named
// [Exporter.ArchiveName]) through package archive, and, for each
// CSV source src has, the CSV file Mastodon serves for it
// (following_accounts.csv, followers.csv, muted_accounts.csv,
// blocked_accounts.csv, blocked_domains.csv, bookmarks.csv, lists.csv)
// through package importer's writer.
//
// Every file is written under a temporary name in dir, synced, and
// renamed only once all of them are complete, the archive last, with
// the folder synced after each rename, so a crash never leaves a
// part-written file under a final name; on error or cancellation the
// temporary files are removed and no file of this export appears.
// (Should a rename itself fail, the files renamed before it stay: they
// are complete.) Existing files of a part whose source is now nil are
// not touched: export into a fresh folder.
//
// Statuses are written with the addressing Mastodon gives each visibility
// when the source leaves To and Cc nil: public to the public collection
// with the followers in cc; unlisted to the followers with the public
// collection in cc; followers-only to the followers; direct to the
// mentioned accounts (mentioned accounts are added to cc otherwise). Direct
// messages are left out unless [Exporter.IncludeDirect] is set.
//
// Media are copied as streams. A media file that cannot be opened is
// reported in [Result.SkippedMedia] and left out; the export goes on.
// The error returned is a [*SourceError] when a source fails, a
// [*StatusError] for a status that cannot be written, the context's error
// when ctx is done, or an I/O error; the Result then tells how far the
// export came.
func (e *Exporter) WriteDir(ctx context.Context, dir string, src Sources) (*Result, error) {
	j := e.newJob(ctx, src)
	name, err := e.archiveName()
	if err != nil {
		return j.res, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return j.res, err
	}
	var files []*output // the archive, then the CSV files
	defer func() {
		for _, f := range files {
			f.file.Abort() // removes the files not renamed
		}
	}()
	create := func(name string) (*output, error) {
		f, err := createOutput(ctx, filepath.Join(dir, name), &j.bytes)
		if err == nil {
			files = append(files, f)
		}
		return f, err
	}
	if err := j.writeDirFiles(name, create); err != nil {
		return j.res, err
	}
	if err := j.commit(files); err != nil {
		return j.res, err
	}
	j.res.Bytes = j.bytes
	j.progress()
	return j.res, nil
}

// archiveName returns the file name of the archive in WriteDir's folder,
// checking that it is a plain name and not that of a CSV file.
func (e *Exporter) archiveName() (string, error) {
	name := e.ArchiveName
	if name == "" {
		name = DefaultArchiveName
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("export: archive name %q is not a file name", name)
	}
	for _, t := range csvTypes {
		if name == importer.FileName(t) {
			return "", fmt.Errorf("export: archive name %q is the name of a CSV file", name)
		}
	}
	return name, nil
}

// writeDirFiles writes the archive and the CSV files of WriteDir, each
// into a file made by create, the archive first.
func (j *job) writeDirFiles(archiveName string, create func(string) (*output, error)) error {
	at, err := create(archiveName)
	if err != nil {
		return err
	}
	aw := j.newArchiveWriter(at)
	err = j.writeArchive(aw)
	if err == nil {
		err = j.writeCSVs(aw, func(name string) (io.Writer, func() error, error) {
			f, err := create(name)
			if err != nil {
				return nil, nil, err
			}
			return f, func() error { return nil }, nil
		})
	}
	if err != nil {
		aw.Abort()
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return j.ctx.Err()
}

// commit syncs every file of WriteDir, then puts each in place: the CSV
// files first, the archive (files[0]) last.
func (j *job) commit(files []*output) error {
	for _, f := range files {
		if err := f.close(); err != nil {
			return err
		}
	}
	for _, f := range append(files[1:len(files):len(files)], files[0]) {
		if err := f.file.Commit(); err != nil {
			return err
		}
		j.res.Files = append(j.res.Files, f.file.Name())
	}
	return nil
}

// newArchiveWriter returns the archive Writer of the job, writing to w.
func (j *job) newArchiveWriter(w io.Writer) *archive.Writer {
	aw := archive.NewWriter(w)
	aw.TempDir, aw.Modified = j.opts.TempDir, j.opts.Modified
	return aw
}

// WriteBundle writes everything [Exporter.WriteDir] writes as one ZIP to
// w, for a "download everything" button: the archive's entries
// (actor.json, outbox.json, media, ...) with the CSV files next to them
// at the top level. The bundle is itself an archive that package archive
// reads. The CSV files are spooled in [Exporter.TempDir] before they are
// added.
//
// On error, what was written to w is not a usable ZIP; see
// [Exporter.WriteBundleFile] for a file that appears only when complete.
func (e *Exporter) WriteBundle(ctx context.Context, w io.Writer, src Sources) (*Result, error) {
	j := e.newJob(ctx, src)
	bw := bufio.NewWriterSize(w, writeBuffer)
	aw := j.newArchiveWriter(&countWriter{ctx: ctx, w: bw, n: &j.bytes})
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
			f, err := os.CreateTemp(e.TempDir, "fediport-"+name+".*.tmp")
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

// WriteBundleFile writes the bundle [Exporter.WriteBundle] writes to the
// file at path, through a temporary file in the same folder that is
// synced and renamed to path only when complete, the folder synced
// after; on error or cancellation no file is left at path.
func (e *Exporter) WriteBundleFile(ctx context.Context, path string, src Sources) (*Result, error) {
	var n int64
	f, err := createOutput(ctx, path, &n)
	if err != nil {
		return &Result{Rows: map[importer.Type]int{}, Missing: src.missing()}, err
	}
	defer f.file.Abort()
	res, err := e.WriteBundle(ctx, f, src)
	if err == nil {
		err = f.close()
	}
	if err == nil {
		err = f.file.Commit()
	}
	return res, err
}

// output is a file of the export, written under a temporary name through
// a buffer (the ZIP writer makes many small writes) and put in place by
// its Commit. Its writes are counted and stop once the context is done,
// as a [countWriter]'s.
type output struct {
	countWriter // writes to bw
	file        *atomicfile.File
	bw          *bufio.Writer
}

func createOutput(ctx context.Context, path string, n *int64) (*output, error) {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, writeBuffer)
	return &output{countWriter: countWriter{ctx: ctx, w: bw, n: n}, file: f, bw: bw}, nil
}

// close flushes the buffer and syncs and closes the file, without
// putting it in place.
func (o *output) close() error {
	if err := o.bw.Flush(); err != nil {
		return err
	}
	return o.file.Close()
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

// errNoMediaSource is the reason media files are skipped when
// Sources.Media is nil.
var errNoMediaSource = fmt.Errorf("no media source (Sources.Media is nil): %w", fs.ErrNotExist)

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
