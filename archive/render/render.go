package render

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
)

// Page sizes of the HTML timeline.
const (
	// DefaultPageSize is the number of posts on one timeline page when
	// [Renderer.PageSize] is zero.
	DefaultPageSize = 100
	// MaxPageSize bounds [Renderer.PageSize]: larger values are lowered
	// to it, so that no page grows too big for a browser.
	MaxPageSize = 500
	// listPageSize is the number of links on one page of likes or
	// bookmarks.
	listPageSize = 1000
	// maxSearchText bounds the text of one post kept in the search
	// index, in bytes.
	maxSearchText = 2000
	// maxProblems bounds the problems a Result lists; the counts go on.
	maxProblems = 100
)

// Renderer renders archives: [Renderer.WriteSite] writes a static HTML
// site, [Renderer.WriteMarkdown] Markdown files. Its fields configure
// it; the zero value writes into an empty folder, with [DefaultPageSize]
// posts a page and the default [Limits], readable by its owner only. A
// Renderer may be used for several renderings, one at a time.
type Renderer struct {
	// PageSize is the number of timeline posts on one HTML page; 0
	// means DefaultPageSize, and values over MaxPageSize are lowered
	// to it. Markdown has one file a month whatever it is.
	PageSize int
	// Force allows writing into a folder that already holds files.
	// Files the rendering writes replace those of the same name; other
	// files are left alone.
	Force bool
	// WorldReadable makes the output readable by every user of the
	// computer (files 0644, folders 0755, less the umask), for a site
	// meant to be published. By default the output is private, files
	// 0600 and folders 0700, like the archive itself: it holds direct
	// messages and followers-only posts.
	WorldReadable bool
	// Limits bound what the rendering writes; the zero value applies
	// the defaults.
	Limits Limits
	// Progress, if not nil, is called after each status rendered (post
	// or boost), from the goroutine running the rendering, one call at
	// a time. It should return quickly.
	Progress func(Progress)
}

// Progress is how far a rendering has come: the Statuses (posts and
// boosts) rendered so far.
type Progress struct {
	Statuses int64
}

// Limits bound the output of a rendering, against archives made to
// fill a disk (an 87 KB ZIP can hold a million tiny posts). A zero field
// means its default; a negative one, no limit. Reaching one stops the
// rendering with a [*LimitError].
type Limits struct {
	// MaxPosts bounds the statuses rendered, posts and boosts. Default
	// 2,000,000 (more than the largest real accounts).
	MaxPosts int
	// MaxPages bounds the timeline pages (HTML) or month files
	// (Markdown). Default 100,000.
	MaxPages int
	// MaxBytes bounds the bytes of the pages, Markdown files and search
	// index written; copies of media, bounded by [archive.Limits], do not
	// count. Default 16 GiB.
	MaxBytes int64
}

// Default limits; see [Limits].
const (
	DefaultMaxPosts = 2_000_000
	DefaultMaxPages = 100_000
	DefaultMaxBytes = 16 << 30
)

func (l Limits) withDefaults() Limits {
	const unlimited = 1 << 62
	if l.MaxPosts == 0 {
		l.MaxPosts = DefaultMaxPosts
	} else if l.MaxPosts < 0 {
		l.MaxPosts = unlimited
	}
	if l.MaxPages == 0 {
		l.MaxPages = DefaultMaxPages
	} else if l.MaxPages < 0 {
		l.MaxPages = unlimited
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	} else if l.MaxBytes < 0 {
		l.MaxBytes = unlimited
	}
	return l
}

// Result says what a rendering wrote and what it could not read.
type Result struct {
	Posts     int // statuses rendered (Creates)
	Boosts    int // Announces rendered
	Pages     int // timeline pages (HTML) or month files (Markdown)
	Months    int // months with at least one status
	Media     int // distinct media files copied into the output (a file several posts show counts once)
	Missing   int // attachments whose file is not in the archive (or not copied)
	Likes     int
	Bookmarks int
	// Problems lists, at most 100, what could not be read or copied:
	// undecodable outbox items, a truncated outbox, missing media. The
	// rendering goes on past them; the site shows what was readable.
	Problems []error
	// Skipped counts the outbox items left out: those that could not be
	// read and activities that are neither posts nor boosts.
	Skipped int
}

func (s *Result) problem(err error) {
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, err)
	}
}

// shown reports whether a status is rendered: posts and boosts, not
// other activities.
func shown(st *archive.Status) bool { return st.Activity == "Create" || st.Activity == "Announce" }

// shownStatuses yields the posts and boosts of the archive, in outbox
// order, for both renderers. Items that cannot be read and activities
// that are not shown are counted in sum.Skipped and listed in its
// problems; a stream that ends early ends the loop, leaving what was
// read to render, its error in root.ended. When ctx is done it yields ctx's error, once, and
// stops.
func shownStatuses(ctx context.Context, ar *archive.Reader, root *output, sum *Result) iter.Seq2[*archive.Status, error] {
	return func(yield func(*archive.Status, error) bool) {
		var rendered int64
		for st, err := range ar.Statuses() {
			if err != nil {
				sum.Skipped++
				sum.problem(err)
				if st == nil {
					root.ended = err
					return // the stream ended: render what was read
				}
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !shown(st) {
				sum.Skipped++
				sum.problem(fmt.Errorf("outbox item %d: %s activity not shown", st.Index, st.Activity))
				continue
			}
			st.Raw = nil // never shown: let it go
			if !yield(st, nil) {
				return
			}
			if root.progress != nil {
				rendered++
				root.progress(Progress{Statuses: rendered})
			}
		}
	}
}

// WriteSite renders the archive a as a static HTML site into the folder
// dir, whose entry point is dir/index.html; see [Renderer.WriteMarkdown]
// for Markdown. It creates dir if needed (mode 0700, or 0755 with
// WorldReadable). It refuses a folder that holds files unless Force is
// set ([ErrNotEmpty]), and writes nothing outside dir: every file is made
// through an [os.Root] opened on dir, so even a symbolic link planted in
// dir cannot lead a write out of it.
//
// Statuses are streamed from the archive; memory stays flat whatever
// their number, apart from 12 bytes or so a post for the map that links
// replies to their parents. Items that cannot be read are counted in
// [Result.Skipped] and listed in [Result.Problems], and rendering
// goes on. WriteSite returns an error for what stops it: an unusable
// folder, a write that fails, a [Limits] reached ([*LimitError]), ctx
// being done. When the outbox is missing, cut short or corrupt, the
// whole output is still written, showing what was read, and WriteSite
// returns the archive's error for it (wrapping [io/fs.ErrNotExist] or
// [archive.ErrCorrupt], say).
func (rd *Renderer) WriteSite(ctx context.Context, a *archive.Reader, dir string) (*Result, error) {
	size := rd.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	return rd.write(ctx, a, dir, func(root *output, prof *profile, sum *Result) error {
		return renderHTML(ctx, a, root, prof, size, sum)
	})
}

// WriteMarkdown renders the archive a as Markdown into the folder dir:
// one file a month (2023-01.md), an index.md with the profile and the
// months, likes.md and bookmarks.md, with the media copied beside them.
// The folder, its modes, the limits and the errors are those of
// [Renderer.WriteSite]; [Limits.MaxPages] bounds the month files.
func (rd *Renderer) WriteMarkdown(ctx context.Context, a *archive.Reader, dir string) (*Result, error) {
	return rd.write(ctx, a, dir, func(root *output, prof *profile, sum *Result) error {
		return renderMarkdown(ctx, a, root, prof, sum)
	})
}

// write opens the output folder, loads the profile, copies the media of
// a .tar.gz ahead and runs body, the renderer of one format.
func (rd *Renderer) write(ctx context.Context, a *archive.Reader, dir string, body func(*output, *profile, *Result) error) (*Result, error) {
	root, err := openOutput(dir, rd.Force, rd.WorldReadable)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	root.limits = rd.Limits.withDefaults()
	root.progress = rd.Progress
	sum := &Result{}
	prof, err := loadProfile(a, root, sum)
	if err != nil {
		return sum, err
	}
	if a.Format() == archive.FormatTarGz {
		if err := prepareMedia(ctx, a, root); err != nil {
			return sum, err
		}
	}
	err = body(root, prof, sum)
	if err == nil && root.ended != nil {
		err = root.ended
	}
	return sum, err
}

// Modes of the files and folders written: private unless
// [Renderer.WorldReadable].
const (
	privateFile fs.FileMode = 0o600
	privateDir  fs.FileMode = 0o700
	publicFile  fs.FileMode = 0o644
	publicDir   fs.FileMode = 0o755
)

// output is the folder written: every file is made through its root,
// with its modes, and media files get their names from its table.
type output struct {
	root              *os.Root
	fileMode, dirMode fs.FileMode
	media             mediaNames
	// copies holds the media files copied, by a hash of their archive
	// path (mediaKey): each is copied once, however many posts show
	// it. With ahead set they were all copied before the posts were
	// rendered (see prepareMedia); otherwise as the posts come.
	copies map[uint64]copied
	ahead  bool
	// progress is Renderer.Progress, called by shownStatuses.
	progress func(Progress)

	limits  Limits
	written int64 // bytes of pages, Markdown and index written
	ended   error // what ended the outbox early, returned by the rendering
}

// mediaKey is the key of the media file at archive path name in
// o.copies: a hash seeded at random for each rendering, so that no
// archive can be made for two paths to share one.
func (o *output) mediaKey(name string) uint64 {
	return maphash.String(o.media.seed, name)
}

// countedFile is a file of the output whose writes count against
// [Limits.MaxBytes].
type countedFile struct {
	*os.File
	o *output
}

func (f *countedFile) Write(p []byte) (int, error) {
	if f.o.written+int64(len(p)) > f.o.limits.MaxBytes {
		return 0, &outputError{&LimitError{Limit: "MaxBytes", Max: f.o.limits.MaxBytes}}
	}
	n, err := f.File.Write(p)
	f.o.written += int64(n)
	return n, err
}

// post counts one more status rendered, failing at [Limits.MaxPosts].
func (o *output) post(sum *Result) error {
	if int64(sum.Posts+sum.Boosts) >= int64(o.limits.MaxPosts) {
		return &LimitError{Limit: "MaxPosts", Max: int64(o.limits.MaxPosts)}
	}
	return nil
}

// page checks that one more page or month file may be written.
func (o *output) page(sum *Result) error {
	if int64(sum.Pages) >= int64(o.limits.MaxPages) {
		return &LimitError{Limit: "MaxPages", Max: int64(o.limits.MaxPages)}
	}
	return nil
}

func (o *output) Close() error { return o.root.Close() }

// openOutput creates dir if needed, checks that it is empty (unless
// force) and opens it as a root for all writes.
func openOutput(dir string, force, public bool) (*output, error) {
	o := &output{fileMode: privateFile, dirMode: privateDir, media: newMediaNames(), copies: map[uint64]copied{}}
	if public {
		o.fileMode, o.dirMode = publicFile, publicDir
	}
	if err := os.MkdirAll(dir, o.dirMode); err != nil {
		return nil, fmt.Errorf("render: output folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("render: output folder: %w", err)
	}
	if !force {
		f, err := root.Open(".")
		if err != nil {
			root.Close()
			return nil, fmt.Errorf("render: output folder: %w", err)
		}
		names, err := f.Readdirnames(1)
		f.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			root.Close()
			return nil, fmt.Errorf("render: output folder: %w", err)
		}
		if len(names) > 0 {
			root.Close()
			return nil, fmt.Errorf("%w: %s", ErrNotEmpty, dir)
		}
	}
	o.root = root
	return o, nil
}

// create creates or truncates the file name of the output for writing,
// with the output's file mode. A private rendering with Force also
// takes group and other access away from a file that was there.
func (o *output) create(name string, flag int) (*countedFile, error) {
	f, err := o.createFile(name, flag)
	if err != nil {
		return nil, err
	}
	return &countedFile{File: f, o: o}, nil
}

// createFile is create for media copies, whose bytes are not counted.
func (o *output) createFile(name string, flag int) (*os.File, error) {
	f, err := o.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|flag, o.fileMode)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if o.fileMode == privateFile && runtime.GOOS != "windows" {
		st, err := f.Stat()
		if err == nil && st.Mode().Perm()&0o077 != 0 {
			err = f.Chmod(st.Mode().Perm() &^ 0o077)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("render: %s: %w", name, err)
		}
	}
	return f, nil
}

// writeFile writes b as the file name of the output.
func (o *output) writeFile(name string, b []byte) error {
	f, err := o.create(name, os.O_TRUNC)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("render: writing %s: %w", name, err)
	}
	return nil
}

// profile is what the pages show of the account.
type profile struct {
	Actor   *activitypub.Actor // nil when actor.json is missing or bad
	Name    string             // display name, or the username
	Handle  string             // @user@host
	Avatar  string             // path in the output, "" when none
	Header  string
	Bio     string // sanitised HTML
	Fields  []field
	Moved   string // movedTo URI
	Aliases []string
	Bot     bool
}

type field struct {
	Name  string
	Value string // sanitised HTML
}

// loadProfile reads the actor and copies the avatar and header.
func loadProfile(r *archive.Reader, root *output, sum *Result) (*profile, error) {
	p := &profile{Name: "Archive"}
	a, err := r.Actor()
	if err != nil {
		sum.problem(fmt.Errorf("actor.json: %w", err))
	} else {
		p.Actor = a
		p.Name = a.Name
		if p.Name == "" {
			p.Name = a.PreferredUsername
		}
		if p.Name == "" {
			p.Name = "Archive"
		}
		if a.PreferredUsername != "" {
			p.Handle = "@" + a.PreferredUsername
			if h := hostOf(a.ID); h != "" {
				p.Handle += "@" + h
			}
		}
		p.Bio = Sanitize(a.Summary)
		for _, f := range a.Attachment {
			if f.Type == "PropertyValue" {
				p.Fields = append(p.Fields, field{Name: f.Name, Value: Sanitize(f.Value)})
			}
		}
		p.Moved = a.MovedTo
		p.Aliases = a.AlsoKnownAs
		p.Bot = a.Type == "Service" || a.Type == "Application"
	}
	for _, img := range []struct {
		name string
		open func() (fs.File, error)
		dst  *string
	}{{"avatar", r.Avatar, &p.Avatar}, {"header", r.Header, &p.Header}} {
		f, err := img.open()
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				sum.problem(fmt.Errorf("%s: %w", img.name, err))
			}
			continue
		}
		ext := ""
		if st, err := f.Stat(); err == nil {
			ext = imageExt(st.Name())
		}
		if ext == "" {
			f.Close()
			sum.problem(fmt.Errorf("%s: not an image file name, left out", img.name))
			continue
		}
		name := img.name + ext
		err = copyFile(root, name, f)
		f.Close()
		if isOutputError(err) {
			return p, err
		}
		if err != nil { // a damaged file in the archive: left out
			sum.problem(fmt.Errorf("%s: %w", img.name, err))
			continue
		}
		*img.dst = name
	}
	return p, nil
}

// imageExt returns the lower-case extension of an image file name, or
// "" when it is not one a browser shows as an image (SVG is left out:
// opened on its own it could run scripts).
func imageExt(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if slices.Contains(imageExts, ext) {
		return ext
	}
	return ""
}

// hostOf returns the host of an absolute URL, or "".
func hostOf(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// copyFile copies src into the output at name, creating its folders.
// Failures to write are *outputError values: they stop a rendering,
// where a file the archive cannot give only leaves a gap.
func copyFile(root *output, name string, src io.Reader) error {
	if d := path.Dir(name); d != "." {
		if err := root.root.MkdirAll(d, root.dirMode); err != nil {
			return &outputError{fmt.Errorf("render: %w", err)}
		}
	}
	f, err := root.createFile(name, os.O_TRUNC)
	if err != nil {
		return &outputError{err}
	}
	_, err = io.Copy(outputWriter{f}, src)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = &outputError{cerr}
	}
	if err != nil {
		if !isOutputError(err) {
			// The source failed (an entry cut short): no part of a file
			// is left in the output, where the post shows it missing.
			root.root.Remove(name)
			return fmt.Errorf("render: copying %s: %w", name, err)
		}
		return fmt.Errorf("render: writing %s: %w", name, err)
	}
	return nil
}

// outputError marks an error writing the output.
type outputError struct{ err error }

func (e *outputError) Error() string { return e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// outputWriter marks the errors of its writer as output errors.
type outputWriter struct{ w io.Writer }

func (o outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		err = &outputError{err}
	}
	return n, err
}

// isOutputError reports whether err comes from writing the output.
func isOutputError(err error) bool {
	var o *outputError
	return errors.As(err, &o)
}
