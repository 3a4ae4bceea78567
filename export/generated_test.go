package export_test

import (
	"context"
	"io"
	"io/fs"
	"iter"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/internal/archivegen"
)

// archiveSource exports what an archive holds: a source over an
// archive.Reader.
type archiveSource struct{ r *archive.Reader }

func (s archiveSource) Actor(context.Context) (*activitypub.Actor, error) { return s.r.Actor() }
func (s archiveSource) Statuses(context.Context) iter.Seq2[*archive.Status, error] {
	return s.r.Statuses()
}
func (s archiveSource) OpenMedia(_ context.Context, a *archive.Attachment) (io.ReadCloser, error) {
	return s.r.OpenMedia(a)
}
func (s archiveSource) OpenAvatar(context.Context) (io.ReadCloser, string, error) {
	return image(s.r.Avatar())
}
func (s archiveSource) OpenHeader(context.Context) (io.ReadCloser, string, error) {
	return image(s.r.Header())
}
func (s archiveSource) Likes(context.Context) iter.Seq2[string, error]     { return s.r.Likes() }
func (s archiveSource) Bookmarks(context.Context) iter.Seq2[string, error] { return s.r.Bookmarks() }

func image(f fs.File, err error) (io.ReadCloser, string, error) {
	if err != nil {
		return nil, "", err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, "", err
	}
	return f, strings.TrimPrefix(path.Ext(fi.Name()), "."), nil
}

// exportedStatuses reads the statuses of an archive as exporting them
// writes them: each media attachment's url is its entry name.
func exportedStatuses(t *testing.T, r *archive.Reader) []*archive.Status {
	t.Helper()
	want := readStatuses(t, r)
	for _, s := range want {
		for k := range s.Attachments {
			if a := &s.Attachments[k]; !a.IsLink() {
				a.URL = a.Path
			}
		}
	}
	return want
}

// checkCopied checks that the archive exported from orig has its likes,
// bookmarks and actor.
func checkCopied(t *testing.T, orig, r *archive.Reader) {
	t.Helper()
	if diff := cmp.Diff(readAll(t, orig.Likes()), readAll(t, r.Likes()), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("likes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(readAll(t, orig.Bookmarks()), readAll(t, r.Bookmarks()), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("bookmarks (-want +got):\n%s", diff)
	}
	wa, err := orig.Actor()
	if err != nil {
		t.Fatal(err)
	}
	ga, err := r.Actor()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wa, ga, cmpopts.IgnoreFields(activitypub.Actor{}, "Members")); diff != "" {
		t.Errorf("actor (-want +got):\n%s", diff)
	}
}

// TestGeneratedRoundTrip exports the content of generated archives (every
// quirk package archive reads) and checks the result reads back the same.
func TestGeneratedRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    archivegen.Options
	}{
		{"quirks", archivegen.Options{Statuses: 500, Media: 60, Likes: 30, Bookmarks: 20, Seed: 1}},
		{"no quirks", archivegen.Options{Statuses: 300, Media: 40, Likes: 5, Seed: 2, NoQuirks: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig := filepath.Join(t.TempDir(), "orig.zip")
			m, err := archivegen.WriteFile(orig, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			or, err := archive.Open(orig)
			if err != nil {
				t.Fatal(err)
			}
			defer or.Close()
			want := exportedStatuses(t, or)
			for _, direct := range []bool{true, false} {
				dir := t.TempDir()
				res, err := writeDir(context.Background(), dir, archiveSource{or}, export.Exporter{IncludeDirect: direct, TempDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				r, err := archive.Open(filepath.Join(dir, "archive.zip"))
				if err != nil {
					t.Fatal(err)
				}
				got := readStatuses(t, r)
				w := want
				if !direct {
					w = slices.DeleteFunc(slices.Clone(want), func(s *archive.Status) bool { return s.Visibility == archive.Direct })
					if n := len(want) - len(w); n != m.Visibility[archive.Direct] || res.DirectSkipped != n || n == 0 {
						t.Errorf("left out %d direct messages (result: %d), generated %d", n, res.DirectSkipped, m.Visibility[archive.Direct])
					}
				}
				if diff := cmp.Diff(w, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("direct %v: statuses (-want +got):\n%s", direct, diff)
				}
				// Every media file a kept status names is copied, byte for
				// byte; missing ones are reported.
				var wantMedia []string
				for _, s := range w {
					for _, a := range s.Media() {
						if or.Has(a.Path) && !slices.Contains(wantMedia, a.Path) {
							wantMedia = append(wantMedia, a.Path)
						}
					}
				}
				slices.Sort(wantMedia)
				if len(w) < tc.o.Statuses/2 || len(wantMedia) < tc.o.Media/2 {
					t.Fatalf("only %d statuses and %d media files to compare", len(w), len(wantMedia))
				}
				if diff := cmp.Diff(wantMedia, r.MediaFiles()); diff != "" {
					t.Errorf("direct %v: media files (-want +got):\n%s", direct, diff)
				}
				for _, name := range wantMedia {
					if string(readFile(t, or, name)) != string(readFile(t, r, name)) {
						t.Errorf("%s differs", name)
					}
				}
				if direct && len(res.SkippedMedia) != m.MissingMedia {
					t.Errorf("skipped media = %v, generated %d missing", res.SkippedMedia, m.MissingMedia)
				}
				checkCopied(t, or, r)
				r.Close()
			}
		})
	}
}

// TestRealArchiveRoundTrip exports the content of real archives again and
// checks it reads back the same: statuses (LD signatures and other members
// kept), media, likes, bookmarks and the actor.
func TestRealArchiveRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"mastodon-2023-07-zip.zip", "mastodon-2022-12-targz.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			or, err := archive.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer or.Close()
			want := exportedStatuses(t, or)
			dir := t.TempDir()
			res, err := writeDir(context.Background(), dir, archiveSource{or}, export.Exporter{IncludeDirect: true, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			r, err := archive.Open(filepath.Join(dir, "archive.zip"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := readStatuses(t, r)
			if len(got) < 18 {
				t.Fatalf("only %d statuses", len(got))
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(or.MediaFiles(), r.MediaFiles(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("media files (-want +got):\n%s", diff)
			}
			for _, m := range r.MediaFiles() {
				if string(readFile(t, or, m)) != string(readFile(t, r, m)) {
					t.Errorf("%s differs", m)
				}
			}
			checkCopied(t, or, r)
			// The .tar.gz holds JSON only: its media are reported missing.
			if missing := len(or.Validate().MissingMedia); len(res.SkippedMedia) != missing {
				t.Errorf("skipped media: %v, want %d", res.SkippedMedia, missing)
			}
		})
	}
}
