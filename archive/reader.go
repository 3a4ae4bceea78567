package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zip"

	"github.com/fediport/fediport/activitypub"
)

// Format is the container form an archive was read from.
type Format string

// The forms [Open] reads.
const (
	FormatZIP    Format = "zip"    // Mastodon 4.2 and later
	FormatTarGz  Format = "tar.gz" // Mastodon before 4.2
	FormatDir    Format = "dir"    // an unpacked archive
	FormatOutbox Format = "outbox" // a bare outbox.json
)

// Config holds the options of a [Reader]. The zero value is ready to use
// and applies the default [Limits].
type Config struct {
	Limits Limits
	// Concurrency is how many goroutines decode statuses while one reads
	// the outbox; 0 means GOMAXPROCS, 1 decodes in the caller's goroutine.
	// Statuses are yielded in order either way.
	Concurrency int
	// Progress, if not nil, is called by [Reader.Validate] after each
	// outbox item read, from the goroutine running it. It should return
	// quickly.
	Progress func(Progress)
}

// Progress is how far [Reader.Validate] has come: the outbox Items read
// so far.
type Progress struct {
	Items int64
}

// Reader reads an export archive. It is an [io/fs.FS] over the archive's
// entries, with the nested top folder of a re-zipped archive stripped,
// and streams the archive's collections: [Reader.Statuses],
// [Reader.Likes], [Reader.Bookmarks].
//
// A Reader is safe for concurrent use; each iterator it returns is single
// use.
type Reader struct {
	format      Format
	limits      Limits
	concurrency int
	be          backend
	closer      io.Closer
	damage      error // a ZIP cut short, a .tar.gz damaged after its first entries
	progress    func(Progress)

	files map[string]*entry
	order []string                 // file names in the order stored
	dirs  map[string][]fs.DirEntry // directory -> sorted children

	mu     sync.Mutex
	outbox *outboxInfo // set after a complete pass over the outbox
}

// Open opens the archive at path with the default limits: a ZIP, a
// .tar.gz, a folder holding an unpacked archive, or a bare outbox.json.
// See [Config.Open].
func Open(path string) (*Reader, error) {
	var c Config
	return c.Open(path)
}

// NewReader reads a ZIP archive from r, which has the given size, with
// the default limits. See [Config.NewReader].
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	var c Config
	return c.NewReader(r, size)
}

// Open opens the archive at path: a ZIP, a .tar.gz, a folder holding an
// unpacked archive, or a bare outbox.json, recognised by their content,
// not their names. The caller must call [Reader.Close].
func (c *Config) Open(name string) (*Reader, error) {
	r, err := c.open(name)
	if err != nil {
		return nil, err
	}
	r.concurrency = c.Concurrency
	r.progress = c.Progress
	return r, nil
}

func (c *Config) open(name string) (*Reader, error) {
	l := c.Limits.withDefaults()
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		root, err := os.OpenRoot(name)
		if err != nil {
			return nil, err
		}
		files, dirs, err := dirEntries(root, name, l)
		if err != nil {
			root.Close()
			return nil, err
		}
		r, err := newReader(FormatDir, l, dirBackend{root: root, limits: l}, files, dirs)
		if err != nil {
			root.Close()
			return nil, err
		}
		r.closer = root
		return r, nil
	}
	// A FIFO would block the open and the reads, a device (/dev/zero)
	// would never end: only regular files are read.
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = notRegular(name, info)
		}
		return nil, err
	}
	r, err := c.newFileReader(f, info.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

func notRegular(name string, info fs.FileInfo) error {
	return &Error{Entry: name, Index: -1, Offset: -1, Err: fmt.Errorf("%w: not a regular file or folder (%v)", ErrNotArchive, info.Mode().Type())}
}

// newFileReader sniffs the content of a file.
func (c *Config) newFileReader(ra io.ReaderAt, size int64) (*Reader, error) {
	l := c.Limits.withDefaults()
	var head [512]byte
	n, err := ra.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	h := head[:n]
	if size == 0 {
		return nil, &Error{Index: -1, Offset: -1, Err: fmt.Errorf("%w: empty file", ErrNotArchive)}
	}
	switch {
	case bytes.HasPrefix(h, []byte("PK\x03\x04")), bytes.HasPrefix(h, []byte("PK\x05\x06")):
		return c.NewReader(ra, size)
	case bytes.HasPrefix(h, []byte{0x1f, 0x8b}):
		b := &tarBackend{ra: ra, size: size, limits: l}
		files, dirs, damage, err := tarEntries(b)
		if err != nil {
			return nil, err
		}
		r, err := newReader(FormatTarGz, l, b, files, dirs)
		if err != nil {
			return nil, err
		}
		r.damage = damage
		return r, nil
	}
	h = bytes.TrimLeft(bytes.TrimPrefix(h, []byte(utf8BOM)), " \t\r\n")
	if len(h) > 0 && h[0] == '{' {
		if size > l.MaxEntryBytes {
			return nil, entryErr("outbox.json", errEntryTooLarge.at(l.MaxEntryBytes))
		}
		files := []*entry{{name: "outbox.json", size: size}}
		return newReader(FormatOutbox, l, fileBackend{ra: ra, size: size}, files, nil)
	}
	return nil, &Error{Index: -1, Offset: -1, Err: ErrNotArchive}
}

// NewReader reads a ZIP archive from r, which has the given size.
func (c *Config) NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	l := c.Limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		// With GODEBUG=zipinsecurepath=0 the zip package reports names
		// it finds insecure but returns the reader: zipEntries refuses
		// them with this package's error.
		err = nil
	}
	var damage error
	var cut string
	if err != nil {
		var head [4]byte
		if _, herr := r.ReadAt(head[:], 0); herr != nil || string(head[:]) != "PK\x03\x04" {
			return nil, &Error{Index: -1, Offset: -1, Err: fmt.Errorf("%w: %w", ErrNotArchive, err)}
		}
		// A ZIP that starts well but has no readable central directory:
		// most likely a download cut short. Recover what is there.
		var last string
		if zr, cut, last, err = recoverZip(r, size, l); err != nil {
			return nil, err
		}
		damage = &Error{Entry: last, Index: -1, Offset: -1, Err: ErrTruncated}
	}
	files, dirs, err := zipEntries(zr, size, l)
	if err != nil {
		return nil, err
	}
	for _, e := range files {
		if cut != "" && e.zf.Name == cut {
			e.cut = true
		}
	}
	rd, err := newReader(FormatZIP, l, zipBackend{limits: l}, files, dirs)
	if err != nil {
		return nil, err
	}
	rd.concurrency = c.Concurrency
	rd.progress = c.Progress
	rd.damage = damage
	return rd, nil
}

func newReader(f Format, l Limits, be backend, files []*entry, dirNames []string) (*Reader, error) {
	prefix := nestedPrefix(files)
	r := &Reader{
		format: f,
		limits: l,
		be:     be,
		files:  make(map[string]*entry, len(files)),
		dirs:   map[string][]fs.DirEntry{".": nil},
	}
	strip := func(name string) (string, bool) {
		if prefix == "" {
			return name, true
		}
		rest, ok := strings.CutPrefix(name, prefix)
		return rest, ok && rest != ""
	}
	isDir := map[string]bool{".": true}
	var addDir func(d string)
	addDir = func(d string) {
		if isDir[d] {
			return
		}
		isDir[d] = true
		parent := path.Dir(d)
		addDir(parent)
		r.dirs[d] = nil
		r.dirs[parent] = append(r.dirs[parent], fs.FileInfoToDirEntry(dirInfo{name: path.Base(d)}))
	}
	for _, d := range dirNames {
		if d, ok := strip(d); ok {
			if r.files[d] != nil {
				return nil, entryErr(d, fmt.Errorf("%w: a file and a folder with the same name", ErrCorrupt))
			}
			addDir(d)
		}
	}
	for _, e := range files {
		name, ok := strip(e.name)
		if !ok {
			continue
		}
		if r.files[name] != nil || isDir[name] {
			return nil, entryErr(name, fmt.Errorf("%w: duplicate entry", ErrCorrupt))
		}
		e.name = name
		r.files[name] = e
		r.order = append(r.order, name)
		dir := path.Dir(name)
		if r.files[dir] != nil {
			return nil, entryErr(dir, fmt.Errorf("%w: a file and a folder with the same name", ErrCorrupt))
		}
		addDir(dir)
		r.dirs[dir] = append(r.dirs[dir], fs.FileInfoToDirEntry(fileInfo{e}))
	}
	for d := range isDir {
		if r.files[d] != nil {
			return nil, entryErr(d, fmt.Errorf("%w: a file and a folder with the same name", ErrCorrupt))
		}
	}
	for _, children := range r.dirs {
		slices.SortFunc(children, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	return r, nil
}

// Format reports the container form the archive was read from.
func (r *Reader) Format() Format { return r.format }

// Close releases the file the Reader was opened from, if any.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// StoredOrder returns the names of the archive's files in the order the
// container stores them (by name for a folder). Opening files in this
// order reads a .tar.gz in one pass; opening one stored before the last
// one read inflates the stream again from its start.
func (r *Reader) StoredOrder() []string { return slices.Clone(r.order) }

// Has reports whether the archive has a file with this name.
func (r *Reader) Has(name string) bool { return r.files[name] != nil }

// openEntry opens a file for streaming, with positioned errors.
func (r *Reader) openEntry(name string) (io.ReadCloser, error) {
	e := r.files[name]
	if e == nil {
		if name == "outbox.json" {
			return nil, r.noOutbox()
		}
		return nil, &Error{Entry: name, Index: -1, Offset: -1, Err: fs.ErrNotExist}
	}
	rc, err := r.be.open(e)
	if err != nil {
		return nil, entryErr(name, err)
	}
	return rc, nil
}

// noOutbox is the error of an archive without outbox.json, saying what
// was expected where.
func (r *Reader) noOutbox() error {
	where := map[Format]string{FormatZIP: "this ZIP holds", FormatTarGz: "this .tar.gz holds", FormatDir: "folder has"}[r.format]
	if where == "" {
		where = "the archive has"
	}
	return &Error{Index: -1, Offset: -1, Err: &wrapped{"archive: " + where + " no outbox.json", fs.ErrNotExist}}
}

// Actor reads actor.json. The icon and image URLs of an archive's actor
// name the avatar and header entries ("avatar.png"); see
// [Reader.Avatar].
func (r *Reader) Actor() (*activitypub.Actor, error) {
	data, err := r.readSmall("actor.json", activitypub.MaxDocumentBytes)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if err := checkDepth(data, r.limits.MaxDepth); err != nil {
		return nil, entryErr("actor.json", err)
	}
	a, err := activitypub.ParseActor(data)
	if err != nil {
		return nil, entryErr("actor.json", fmt.Errorf("%w: %w", ErrMalformed, err))
	}
	return a, nil
}

// readSmall reads a whole entry of at most max bytes.
func (r *Reader) readSmall(name string, max int64) ([]byte, error) {
	rc, err := r.openEntry(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, entryErr(name, err)
	}
	if int64(len(data)) > max {
		return nil, entryErr(name, errItemTooLarge.at(max))
	}
	return data, nil
}

// Avatar opens the avatar image: the entry avatar.<ext> at the root of
// the archive (the first by name if there are several), which is what
// the icon of an archive's actor names. It wraps [io/fs.ErrNotExist]
// when there is none.
func (r *Reader) Avatar() (fs.File, error) { return r.openProfileImage("avatar") }

// Header opens the header image, like [Reader.Avatar].
func (r *Reader) Header() (fs.File, error) { return r.openProfileImage("header") }

func (r *Reader) openProfileImage(base string) (fs.File, error) {
	for _, d := range r.dirs["."] {
		if !d.IsDir() && strings.TrimSuffix(d.Name(), path.Ext(d.Name())) == base {
			return r.Open(d.Name())
		}
	}
	return nil, &Error{Entry: base + ".*", Index: -1, Offset: -1, Err: fs.ErrNotExist}
}

// --- fs.FS ---

// Open opens the named entry or folder of the archive. It implements
// [io/fs.FS].
func (r *Reader) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if children, ok := r.dirs[name]; ok {
		return &dirFile{info: dirInfo{name: path.Base(name)}, entries: children}, nil
	}
	e := r.files[name]
	if e == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	rc, err := r.be.open(e)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{rc: rc, info: fileInfo{e}}, nil
}

// Stat returns information about the named entry or folder without
// opening it. It implements [io/fs.StatFS].
func (r *Reader) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if _, ok := r.dirs[name]; ok {
		return dirInfo{name: path.Base(name)}, nil
	}
	if e := r.files[name]; e != nil {
		return fileInfo{e}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists the named folder, sorted by name. It implements
// [io/fs.ReadDirFS].
func (r *Reader) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	children, ok := r.dirs[name]
	if !ok {
		if r.files[name] != nil {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(children), nil
}

type fileInfo struct{ e *entry }

func (fi fileInfo) Name() string       { return path.Base(fi.e.name) }
func (fi fileInfo) Size() int64        { return fi.e.size }
func (fi fileInfo) Mode() fs.FileMode  { return 0o444 }
func (fi fileInfo) ModTime() time.Time { return fi.e.modTime }
func (fi fileInfo) IsDir() bool        { return false }
func (fi fileInfo) Sys() any           { return nil }

type dirInfo struct{ name string }

func (di dirInfo) Name() string       { return di.name }
func (di dirInfo) Size() int64        { return 0 }
func (di dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (di dirInfo) ModTime() time.Time { return time.Time{} }
func (di dirInfo) IsDir() bool        { return true }
func (di dirInfo) Sys() any           { return nil }

type file struct {
	rc     io.ReadCloser
	info   fileInfo
	closed bool
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }

func (f *file) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.info.e.name, Err: fs.ErrClosed}
	}
	return f.rc.Read(p)
}

func (f *file) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.info.e.name, Err: fs.ErrClosed}
	}
	f.closed = true
	return f.rc.Close()
}

type dirFile struct {
	info    dirInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }

func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

func (d *dirFile) Close() error { return nil }

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}

// bufferedReader is the slack the collection decoder's window allows
// for read-ahead.
const bufferedReader = 64 << 10
