package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
)

// entry is one regular file of the archive.
type entry struct {
	name    string // cleaned name, nested top folder stripped
	size    int64
	modTime time.Time

	zf      *zip.File // zip
	cut     bool      // zip: the entry a ZIP cut short ends in
	ord     int       // tar: ordinal of its header in the stream
	diskRel string    // dir: path relative to the root
}

// backend opens the entries of one container form.
type backend interface {
	open(e *entry) (io.ReadCloser, error)
}

// cleanName checks a raw entry name and returns it cleaned of a leading
// "./" and, for directories, of its trailing slash.
func cleanName(raw string) (name string, isDir bool, err error) {
	name = raw
	if strings.Contains(name, `\`) || strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) {
		return "", false, ErrInsecurePath
	}
	for strings.HasPrefix(name, "./") {
		name = name[2:]
	}
	if strings.HasSuffix(name, "/") {
		isDir = true
		name = strings.TrimRight(name, "/")
	}
	if name == "" || name == "." {
		return "", true, nil // the root itself
	}
	if !fs.ValidPath(name) || hasDriveLetter(name) {
		return "", false, ErrInsecurePath
	}
	return name, isDir, nil
}

// hasDriveLetter reports whether a name starts with a Windows drive
// ("C:", "c:foo"), which names an absolute or drive-relative path there.
func hasDriveLetter(name string) bool {
	if len(name) < 2 || name[1] != ':' {
		return false
	}
	c := name[0] | 0x20
	return 'a' <= c && c <= 'z'
}

// --- ZIP ---

type zipBackend struct{ limits Limits }

func (b zipBackend) open(e *entry) (io.ReadCloser, error) {
	rc, err := e.zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return &checkedReader{rc: rc, max: b.limits.MaxEntryBytes, name: e.name, cut: e.cut}, nil
}

// zipEntries indexes a ZIP of the given size. Sizes come from the
// central directory, which a hostile file can fill with lies: reading
// fails (ErrCorrupt) when an entry inflates past its declared size, so
// the declared sizes bound what is read; the declared compressed size is
// capped at the size of the file for the ratio check, and the whole
// archive's declared size is checked against the file's size too, which
// catches entries that overlap to reuse the same compressed bytes.
func zipEntries(zr *zip.Reader, size int64, l Limits) ([]*entry, []string, error) {
	if len(zr.File) > l.MaxEntries {
		return nil, nil, &Error{Index: -1, Offset: -1, Err: errTooManyEntries.at(int64(l.MaxEntries))}
	}
	var files []*entry
	var dirs []string
	var total int64
	for _, f := range zr.File {
		name, isDir, err := cleanName(f.Name)
		if err != nil {
			return nil, nil, entryErr(f.Name, err)
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, entryErr(f.Name, ErrInsecurePath)
		}
		if isDir || f.Mode().IsDir() {
			if name != "" {
				dirs = append(dirs, name)
			}
			continue
		}
		if name == "" {
			return nil, nil, entryErr(f.Name, ErrInsecurePath)
		}
		usize := f.UncompressedSize64
		if usize > uint64(l.MaxEntryBytes) {
			return nil, nil, entryErr(name, errEntryTooLarge.at(l.MaxEntryBytes))
		}
		total += int64(usize)
		if total > l.MaxTotalBytes {
			return nil, nil, entryErr(name, errTooLarge.at(l.MaxTotalBytes))
		}
		csize := min(f.CompressedSize64, uint64(max(size, 0)))
		if usize > ratioFloor && (csize == 0 || usize/csize > uint64(l.MaxCompressionRatio)) {
			return nil, nil, entryErr(name, errCompressionRatio.at(l.MaxCompressionRatio))
		}
		files = append(files, &entry{name: name, size: int64(usize), modTime: f.Modified, zf: f})
	}
	if total > ratioFloor && total/max(size, 1) > l.MaxCompressionRatio {
		return nil, nil, &Error{Index: -1, Offset: -1, Err: errCompressionRatio.at(l.MaxCompressionRatio)}
	}
	return files, dirs, nil
}

// checkedReader turns the errors of an entry's decompressor into
// positioned errors and enforces the per-entry limit. In the entry a
// ZIP cut short ends in (cut), any end of the data is ErrTruncated.
type checkedReader struct {
	rc   io.ReadCloser
	n    int64
	max  int64
	name string
	cut  bool
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, &Error{Entry: c.name, Index: -1, Offset: c.max, Err: errEntryTooLarge.at(c.max)}
	}
	if err != nil && c.cut && !isLimitErr(err) {
		return n, &Error{Entry: c.name, Index: -1, Offset: c.n, Err: ErrTruncated}
	}
	if err != nil && err != io.EOF {
		var e *Error
		if !errors.As(err, &e) {
			err = &Error{Entry: c.name, Index: -1, Offset: c.n, Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
		}
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.rc.Close() }

// --- tar.gz ---

// tarBackend reads a .tar.gz without seeking: the stream is indexed once
// at open; opening an entry inflates the stream again from the start up
// to the entry, except that a cursor left after a closed entry is reused
// when the next entry asked for comes later in the stream, so reading
// entries in stream order costs one pass.
type tarBackend struct {
	ra     io.ReaderAt
	size   int64
	limits Limits

	mu  sync.Mutex
	cur *tarCursor
}

type tarCursor struct {
	tr   *tar.Reader
	next int // ordinal of the next header
}

func (b *tarBackend) newCursor() (*tarCursor, error) {
	cr := &countReader{r: io.NewSectionReader(b.ra, 0, b.size)}
	gz, err := gzip.NewReader(cr)
	if err != nil {
		return nil, err
	}
	return &tarCursor{tr: tar.NewReader(&ratioReader{r: gz, in: cr, max: b.limits.MaxCompressionRatio})}, nil
}

func (b *tarBackend) open(e *entry) (io.ReadCloser, error) {
	b.mu.Lock()
	c := b.cur
	b.cur = nil
	b.mu.Unlock()
	if c == nil || c.next > e.ord {
		var err error
		if c, err = b.newCursor(); err != nil {
			return nil, &Error{Entry: e.name, Index: -1, Offset: -1, Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
		}
	}
	for c.next <= e.ord {
		_, err := c.tr.Next()
		c.next++
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, &Error{Entry: e.name, Index: -1, Offset: -1, Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
		}
	}
	return &tarFile{b: b, c: c, r: checkedReader{rc: io.NopCloser(c.tr), max: b.limits.MaxEntryBytes, name: e.name}}, nil
}

type tarFile struct {
	b   *tarBackend
	c   *tarCursor
	r   checkedReader
	bad bool
}

func (f *tarFile) Read(p []byte) (int, error) {
	if f.c == nil {
		return 0, fs.ErrClosed
	}
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		f.bad = true
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// The gzip stream ends in the entry: the file is cut short.
			err = &Error{Entry: f.r.name, Index: -1, Offset: f.r.n, Err: ErrTruncated}
		}
	}
	return n, err
}

func (f *tarFile) Close() error {
	if f.c == nil {
		return fs.ErrClosed
	}
	if !f.bad {
		f.b.mu.Lock()
		f.b.cur = f.c
		f.b.mu.Unlock()
	}
	f.c = nil
	return nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// tarEntries indexes a .tar.gz. A truncated or damaged stream after at
// least one complete header is not fatal: the entries indexed so far are
// returned with damage set, and reading the damaged entry fails where
// the damage is.
func tarEntries(b *tarBackend) (files []*entry, dirs []string, damage error, err error) {
	l := b.limits
	cr := &countReader{r: io.NewSectionReader(b.ra, 0, b.size)}
	gz, err := gzip.NewReader(cr)
	if err != nil {
		return nil, nil, nil, &Error{Index: -1, Offset: -1, Err: fmt.Errorf("%w: %w", ErrNotArchive, err)}
	}
	tr := tar.NewReader(&ratioReader{r: gz, in: cr, max: l.MaxCompressionRatio})
	var total int64
	for ord := 0; ; ord++ {
		h, err := tr.Next()
		if err == io.EOF {
			return files, dirs, nil, nil
		}
		if err != nil {
			if ord == 0 {
				return nil, nil, nil, &Error{Index: -1, Offset: -1, Err: fmt.Errorf("%w: %w", ErrNotArchive, err)}
			}
			name := ""
			if len(files) > 0 {
				name = files[len(files)-1].name
			}
			return files, dirs, &Error{Entry: name, Index: -1, Offset: -1, Err: damageErr(err)}, nil
		}
		if ord >= l.MaxEntries {
			return nil, nil, nil, &Error{Index: -1, Offset: -1, Err: errTooManyEntries.at(int64(l.MaxEntries))}
		}
		name, isDir, nerr := cleanName(h.Name)
		if nerr != nil {
			return nil, nil, nil, entryErr(h.Name, nerr)
		}
		// A sparse entry's holes are filled by the tar reader above the
		// ratio check: 714 bytes can make 16 GiB. Mastodon never writes
		// them.
		if isSparse(h) {
			return nil, nil, nil, entryErr(name, fmt.Errorf("%w: sparse file", ErrCorrupt))
		}
		// Every entry's data is inflated to reach the next header, kept
		// or not: all of it counts against the size limits. (Headers of
		// links, folders, devices and fifos have no data, whatever their
		// size field says.)
		switch h.Typeflag {
		case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
			h.Size = 0
		}
		if h.Size > l.MaxEntryBytes {
			return nil, nil, nil, entryErr(name, errEntryTooLarge.at(l.MaxEntryBytes))
		}
		total += h.Size
		if total > l.MaxTotalBytes {
			return nil, nil, nil, entryErr(name, errTooLarge.at(l.MaxTotalBytes))
		}
		switch h.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			return nil, nil, nil, entryErr(h.Name, ErrInsecurePath)
		case tar.TypeDir:
			if name != "" {
				dirs = append(dirs, name)
			}
			continue
		case tar.TypeReg: // archive/tar reports the old '\x00' type as TypeReg
		default:
			continue // devices, fifos: not archive content
		}
		if isDir || name == "" {
			return nil, nil, nil, entryErr(h.Name, ErrInsecurePath)
		}
		files = append(files, &entry{name: name, size: h.Size, modTime: h.ModTime, ord: ord})
		// Inflate the entry's data to reach the next header; the ratio
		// reader under tr checks the compression ratio as we go.
		if _, rerr := io.Copy(io.Discard, tr); rerr != nil {
			if errors.Is(rerr, errCompressionRatio) {
				return nil, nil, nil, entryErr(name, errCompressionRatio.at(l.MaxCompressionRatio))
			}
			return files, dirs, &Error{Entry: name, Index: -1, Offset: -1, Err: damageErr(rerr)}, nil
		}
	}
}

// damageErr is the error of a .tar.gz damaged after its first entries:
// ErrTruncated when the stream just ends.
func damageErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}

// isSparse reports whether a tar header is of a sparse file, in the old
// GNU form or the GNU PAX forms.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// ratioReader reads inflated bytes from r while in counts the
// compressed bytes, failing with errCompressionRatio when the stream
// inflates too much.
type ratioReader struct {
	r   io.Reader
	in  *countReader
	n   int64
	max int64
}

func (r *ratioReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	if r.n > ratioFloor && r.n/max(r.in.n, 1) > r.max {
		return n, errCompressionRatio.at(r.max)
	}
	return n, err
}

// --- folder ---

type dirBackend struct {
	root   *os.Root
	limits Limits
}

func (b dirBackend) open(e *entry) (io.ReadCloser, error) {
	f, err := b.root.Open(e.diskRel)
	if err != nil {
		return nil, err
	}
	// The file may have grown since the folder was indexed.
	return &checkedReader{rc: f, max: b.limits.MaxEntryBytes, name: e.name}, nil
}

func dirEntries(root *os.Root, dir string, l Limits) ([]*entry, []string, error) {
	var files []*entry
	var dirs []string
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return entryErr(rel, ErrInsecurePath)
		}
		if d.IsDir() {
			dirs = append(dirs, rel)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(files) >= l.MaxEntries {
			return &Error{Index: -1, Offset: -1, Err: errTooManyEntries.at(int64(l.MaxEntries))}
		}
		name, _, err := cleanName(rel)
		if err != nil {
			return entryErr(rel, err)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > l.MaxEntryBytes {
			return entryErr(name, errEntryTooLarge.at(l.MaxEntryBytes))
		}
		total += info.Size()
		if total > l.MaxTotalBytes {
			return entryErr(name, errTooLarge.at(l.MaxTotalBytes))
		}
		files = append(files, &entry{name: name, size: info.Size(), modTime: info.ModTime(), diskRel: rel})
		return nil
	})
	return files, dirs, err
}

// --- bare outbox.json ---

type fileBackend struct {
	ra   io.ReaderAt
	size int64
}

func (b fileBackend) open(*entry) (io.ReadCloser, error) {
	return io.NopCloser(io.NewSectionReader(b.ra, 0, b.size)), nil
}

// nestedPrefix returns the folder to strip when an archive was unpacked
// and zipped again: when outbox.json (or actor.json) is not at the root
// but in exactly one top-level folder.
func nestedPrefix(files []*entry) string {
	var prefix string
	n := 0
	for _, e := range files {
		switch e.name {
		case "outbox.json", "actor.json":
			return ""
		}
		dir, base := path.Split(e.name)
		if (base == "outbox.json" || base == "actor.json") && strings.Count(dir, "/") == 1 {
			if dir != prefix {
				prefix = dir
				n++
			}
		}
	}
	if n != 1 {
		return ""
	}
	return prefix
}
