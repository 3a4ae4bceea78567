package export_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

// failingFollows is a source whose follows fail after one.
type failingFollows struct{ *memSource }

func (f failingFollows) Follows(context.Context) iter.Seq2[export.Follow, error] {
	return func(yield func(export.Follow, error) bool) {
		if !yield(export.Follow{Account: "bob@remote.example"}, nil) {
			return
		}
		yield(export.Follow{}, errSourceDown)
	}
}

// TestFailuresLeaveNoFiles checks that an export that fails or is
// cancelled leaves no file in the folder, nor a spool file.
func TestFailuresLeaveNoFiles(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, tc := range []struct {
		name string
		// setup changes a full source; it returns the source to use.
		setup func(m *memSource) export.ActorSource
		// cancelAt cancels the context when progress reaches this many
		// items (0: never).
		cancelAt int64
		is       []error
	}{
		{
			name:  "source error mid-statuses",
			setup: func(m *memSource) export.ActorSource { m.failStatusesAt = 3; return m },
			is:    []error{export.ErrSource, errSourceDown},
		},
		{
			name:  "source error in a CSV file after the archive",
			setup: func(m *memSource) export.ActorSource { return failingFollows{m} },
			is:    []error{export.ErrSource, errSourceDown},
		},
		{
			name:     "cancelled during statuses",
			setup:    func(m *memSource) export.ActorSource { return m },
			cancelAt: 2,
			is:       []error{context.Canceled},
		},
		{
			name:     "cancelled during CSV files",
			setup:    func(m *memSource) export.ActorSource { return m },
			cancelAt: 16,
			is:       []error{context.Canceled},
		},
		{
			name: "media read error after its start",
			setup: func(m *memSource) export.ActorSource {
				url := m.statuses[0].Attachments[0].URL
				m.media[url] = big
				m.readErr = map[string]int{url: 512 << 10}
				return m
			},
			is: []error{export.ErrMediaUnreadable},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, bundle := range []bool{false, true} {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				opts := export.Exporter{TempDir: t.TempDir()}
				if tc.cancelAt > 0 {
					opts.Progress = func(p export.Progress) {
						if p.Items >= tc.cancelAt {
							cancel()
						}
					}
				}
				dir := t.TempDir()
				var err error
				if bundle {
					_, err = writeBundleFile(ctx, filepath.Join(dir, "bundle.zip"), tc.setup(fullSource()), opts)
				} else {
					_, err = writeDir(ctx, dir, tc.setup(fullSource()), opts)
				}
				for _, target := range tc.is {
					if !errors.Is(err, target) {
						t.Errorf("bundle %v: err = %v, want %v", bundle, err, target)
					}
				}
				if names := dirNames(t, dir); len(names) != 0 {
					t.Errorf("bundle %v: files left in the folder: %v", bundle, names)
				}
				if names := dirNames(t, opts.TempDir); len(names) != 0 {
					t.Errorf("bundle %v: spool files left: %v", bundle, names)
				}
			}
		})
	}
}

func TestUnreadableMediaSkipped(t *testing.T) {
	t.Parallel()
	const (
		gone   = "media_attachments/files/000/000/001/original/1111111111111111.jpg"
		denied = "media_attachments/files/000/000/002/original/2222222222222222.jpg"
		broken = "media_attachments/files/000/000/003/original/3333333333333333.jpg"
		fine   = "media_attachments/files/000/000/004/original/4444444444444444.jpg"
	)
	errDenied := errors.New("permission denied")
	s := note(1, archive.Public)
	for _, u := range []string{gone, denied, broken, fine} {
		s.Attachments = append(s.Attachments, archive.Attachment{Type: "Document", MediaType: "image/jpeg", URL: u})
	}
	src := &memSource{
		actor: testActor(), statuses: []*archive.Status{s}, failStatusesAt: -1,
		avatar: []byte("x"), avatarExt: "../png",
		media:    map[string][]byte{denied: {1}, broken: bytes.Repeat([]byte{1}, 1000), fine: []byte("jpeg")},
		mediaErr: map[string]error{denied: errDenied},
		readErr:  map[string]int{broken: 10},
	}
	var buf bytes.Buffer
	res, err := writeBundle(context.Background(), &buf, src, export.Exporter{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	type skipped struct {
		Status, Entry string
		NotExist      bool
	}
	var got []skipped
	for _, me := range res.SkippedMedia {
		if !errors.Is(me, export.ErrMediaUnreadable) {
			t.Errorf("%v does not unwrap to ErrMediaUnreadable", me)
		}
		got = append(got, skipped{me.Status, me.Entry, errors.Is(me, fs.ErrNotExist)})
	}
	want := []skipped{{"", "avatar", false}, {s.ID, gone, true}, {s.ID, denied, false}, {s.ID, broken, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped media (-want +got):\n%s", diff)
	}
	if !errors.Is(res.SkippedMedia[2], errDenied) {
		t.Errorf("%v does not wrap the source's error", res.SkippedMedia[2])
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{fine}, r.MediaFiles()); diff != "" {
		t.Errorf("media files (-want +got):\n%s", diff)
	}
	// The status still names every attachment, as Mastodon's archives do.
	st := readStatuses(t, r)
	if len(st) != 1 || len(st[0].Attachments) != 4 {
		t.Fatalf("statuses = %v", st)
	}
	rep := r.Validate()
	if len(rep.MissingMedia) != 3 {
		t.Errorf("Validate reports %d missing media, want 3", len(rep.MissingMedia))
	}
	if _, err := r.Avatar(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("avatar with a bad extension was written: %v", err)
	}
}

// TestCancelledBundleStream checks WriteBundle to a writer reports the
// cancellation.
func TestCancelledBundleStream(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := writeBundle(ctx, io.Discard, fullSource(), export.Exporter{TempDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// cancellingWriter cancels a context once it has received n bytes.
type cancellingWriter struct {
	n      int
	cancel context.CancelFunc
}

func (w *cancellingWriter) Write(p []byte) (int, error) {
	w.n -= len(p)
	if w.n <= 0 {
		w.cancel()
	}
	return len(p), nil
}

// TestCancelWhileClosing cancels the export while the outbox is copied into
// the ZIP, after every status has been read.
func TestCancelWhileClosing(t *testing.T) {
	t.Parallel()
	src := newGenSource(20_000)
	src.media, src.likes, src.follows = 0, 0, 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancellingWriter{n: 1, cancel: cancel}
	res, err := writeBundle(ctx, w, src, export.Exporter{TempDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := res.Statuses + res.DirectSkipped; n != 20_000 {
		t.Errorf("cancelled after %d statuses; the test wants the cancellation in Close", n)
	}
}

// nilSource has every optional source but yields nil iterators and a nil
// avatar reader: it has nothing, and says so without errors.
type nilSource struct{ actor *activitypub.Actor }

func (n nilSource) Actor(context.Context) (*activitypub.Actor, error) { return n.actor, nil }
func (nilSource) Statuses(context.Context) iter.Seq2[*archive.Status, error] {
	return nil
}
func (nilSource) Likes(context.Context) iter.Seq2[string, error]     { return nil }
func (nilSource) Bookmarks(context.Context) iter.Seq2[string, error] { return nil }
func (nilSource) Follows(context.Context) iter.Seq2[export.Follow, error] {
	return nil
}
func (nilSource) OpenAvatar(context.Context) (io.ReadCloser, string, error) { return nil, "png", nil }
func (nilSource) OpenHeader(context.Context) (io.ReadCloser, string, error) { return nil, "", nil }

// TestNilIterators checks that a source giving nil iterators and readers
// exports as empty instead of panicking.
func TestNilIterators(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	res, err := writeBundle(context.Background(), &buf, nilSource{testActor()}, export.Exporter{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{res.Statuses, res.Likes, res.Bookmarks, res.Rows[importer.Following], len(res.SkippedMedia), res.Media}
	if diff := cmp.Diff([]int{0, 0, 0, 0, 0, 0}, got); diff != "" {
		t.Errorf("[statuses likes bookmarks follows skipped media] (-want +got):\n%s", diff)
	}
	if _, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatal(err)
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

// TestOutputFailureIsNotMediaFailure checks that an output that fails while
// a media file is copied is reported as the output's error, not as an
// unreadable media file.
func TestOutputFailureIsNotMediaFailure(t *testing.T) {
	t.Parallel()
	const entry = "media_attachments/files/000/000/001/original/1111111111111111.mp4"
	s := note(1, archive.Public)
	s.Attachments = []archive.Attachment{{Type: "Document", MediaType: "video/mp4", URL: entry}}
	src := &memSource{actor: testActor(), statuses: []*archive.Status{s}, failStatusesAt: -1,
		media: map[string][]byte{entry: bytes.Repeat([]byte("video"), 1<<20)}}
	_, err := writeBundle(context.Background(), &failingWriter{n: 1 << 20}, src, export.Exporter{TempDir: t.TempDir()})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v, want the output's error", err)
	}
	if errors.Is(err, export.ErrMediaUnreadable) {
		t.Errorf("err = %v: an output failure is reported as an unreadable media file", err)
	}
}
