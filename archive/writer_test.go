package archive_test

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/internal/archivegen"
)

// ignorePosition leaves out what differs between two archives holding
// the same data: where an item sits and its raw bytes.
var ignorePosition = cmpopts.IgnoreFields(archive.Status{}, "Index", "Offset", "Raw")

func readAll(t *testing.T, r *archive.Reader) []*archive.Status {
	t.Helper()
	var out []*archive.Status
	for s, err := range r.Statuses() {
		if err != nil {
			t.Fatalf("Statuses: %v", err)
		}
		out = append(out, s)
	}
	return out
}

func openBytes(t *testing.T, b []byte) *archive.Reader {
	t.Helper()
	r, err := archive.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// everyField is a status with every typed field set.
func everyField() []*archive.Status {
	const actor = "https://example.social/users/alice"
	return []*archive.Status{
		{
			Index: -1, Offset: -1,
			Activity: "Create", ActivityID: actor + "/statuses/1/activity", Actor: actor,
			Type: "Question", ID: actor + "/statuses/1", URL: "https://example.social/@alice/1", AttributedTo: actor,
			Published: ts("2024-05-06T07:08:09Z"), Updated: ts("2024-05-06T08:00:00.5Z"),
			Summary: "cw: spoilers", Sensitive: true, Content: `<p>poll &amp; "quotes" <3 ünïcode</p>`, Language: "zhCn",
			To: []string{activitypub.PublicCollection}, Cc: []string{actor + "/followers", "https://b.example/users/bob"},
			Visibility:   archive.Public,
			InReplyTo:    "https://b.example/users/bob/statuses/7",
			Conversation: "tag:example.social,2024-05-06:objectId=1:objectType=Conversation",
			Mentions:     []archive.Tag{{Type: "Mention", Name: "@bob@b.example", Href: "https://b.example/users/bob"}},
			Hashtags:     []archive.Tag{{Type: "Hashtag", Name: "#go", Href: "https://example.social/tags/go"}},
			Emoji:        []archive.Emoji{{ID: "https://example.social/emojis/3", Name: ":cat:", IconURL: "https://example.social/cat.png", MediaType: "image/png", Updated: ts("2020-01-01T00:00:00Z")}},
			OtherTags:    []stdjson.RawMessage{stdjson.RawMessage(`{"type":"Place","name":"Paris"}`)},
			Attachments: []archive.Attachment{
				{Type: "Document", MediaType: "image/jpeg", URL: "media_attachments/files/000/000/042/original/abc.jpg", Name: "alt text",
					Blurhash: "UBL_:rOpGG", FocalPoint: &[2]float64{0.5, -0.25}, Width: 640, Height: 480,
					Path: "media_attachments/files/000/000/042/original/abc.jpg"},
				{Type: "Link", URL: "https://news.example/a", Name: "An article", MediaType: "text/html"},
			},
			Poll: &archive.Poll{Multiple: true, Options: []archive.PollOption{{Name: "yes", Votes: 3}, {Name: "no", Votes: 0}},
				EndTime: ts("2024-05-07T07:08:09Z"), Closed: ts("2024-05-07T07:08:09Z"), VotersCount: 3},
		},
		{
			Index: -1, Offset: -1,
			Activity: "Announce", ActivityID: actor + "/statuses/2/activity", Actor: actor,
			ID: "https://b.example/users/bob/statuses/8", Published: ts("2024-05-06T07:09:00Z"),
			To: []string{activitypub.PublicCollection}, Cc: []string{"https://b.example/users/bob"}, Visibility: archive.Public,
		},
		{
			Index: -1, Offset: -1,
			Activity: "Create", ActivityID: actor + "/statuses/3/activity", Actor: actor, Type: "Note", ID: actor + "/statuses/3",
			AttributedTo: actor, Published: ts("2024-05-06T07:10:00Z"), Content: "<p>dm</p>",
			To: []string{"https://b.example/users/bob"}, Cc: []string{}, Visibility: archive.Direct,
		},
	}
}

func TestRoundTripEveryField(t *testing.T) {
	t.Parallel()
	want := everyField()
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	w.TempDir = t.TempDir()
	for _, s := range want {
		if err := w.AddStatus(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.AddMedia(42, "abc.jpg", strings.NewReader("jpeg bytes")); err != nil {
		t.Fatal(err)
	}
	w.AddLike("https://b.example/users/bob/statuses/1")
	w.AddBookmark("tag:b.example,2018:objectId=5:objectType=Status")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r := openBytes(t, buf.Bytes())
	got := readAll(t, r)
	if diff := cmp.Diff(want, got, ignorePosition); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	f, err := r.OpenMedia(&got[0].Attachments[0])
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	if string(data) != "jpeg bytes" {
		t.Errorf("media = %q", data)
	}
	var likes, bookmarks []string
	for u, err := range r.Likes() {
		if err != nil {
			t.Fatal(err)
		}
		likes = append(likes, u)
	}
	for u, err := range r.Bookmarks() {
		if err != nil {
			t.Fatal(err)
		}
		bookmarks = append(bookmarks, u)
	}
	if diff := cmp.Diff([]string{"https://b.example/users/bob/statuses/1"}, likes); diff != "" {
		t.Errorf("likes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"tag:b.example,2018:objectId=5:objectType=Status"}, bookmarks); diff != "" {
		t.Errorf("bookmarks (-want +got):\n%s", diff)
	}
	total, _ := r.TotalItems()
	if total == nil || *total != 3 {
		t.Errorf("totalItems = %v, want 3", total)
	}
}

func TestWriterDerivesAddressing(t *testing.T) {
	t.Parallel()
	tests := []archive.Visibility{archive.Public, archive.Unlisted, archive.Private, archive.Direct}
	for _, v := range tests {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			w := archive.NewWriter(&buf)
			w.TempDir = t.TempDir()
			s := &archive.Status{Type: "Note", ID: "https://a.example/users/u/statuses/1", Actor: "https://a.example/users/u", Visibility: v,
				Mentions: []archive.Tag{{Type: "Mention", Name: "@v@b.example", Href: "https://b.example/users/v"}}}
			if err := w.AddStatus(s); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := readAll(t, openBytes(t, buf.Bytes()))
			if got[0].Visibility != v {
				t.Errorf("Visibility = %s, want %s (to %v cc %v)", got[0].Visibility, v, got[0].To, got[0].Cc)
			}
		})
	}
}

// TestFixturesSurviveRewrite reads each real archive, writes it again
// with the Writer and reads the result: the statuses, actor, likes,
// bookmarks and media must be equal.
func TestFixturesSurviveRewrite(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"testdata/mastodon-2023-07-zip.zip", "testdata/mastodon-2022-12-targz.tar.gz", "testdata/outbox-small-signed.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			r1, err := archive.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r1.Close()
			var buf bytes.Buffer
			w := archive.NewWriter(&buf)
			w.TempDir = t.TempDir()
			actor, actorErr := r1.Actor()
			if actorErr == nil {
				w.SetActor(actor)
			}
			total, _ := r1.TotalItems()
			w.TotalItems = total
			want := readAll(t, r1)
			for _, s := range want {
				if err := w.AddStatus(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.AddFS(r1); err != nil {
				t.Fatal(err)
			}
			likes1, _ := collectURIs(r1.Likes())
			for _, u := range likes1 {
				w.AddLike(u)
			}
			bm1, _ := collectURIs(r1.Bookmarks())
			for _, u := range bm1 {
				w.AddBookmark(u)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}

			r2 := openBytes(t, buf.Bytes())
			if diff := cmp.Diff(want, readAll(t, r2), ignorePosition); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			// Members the typed fields do not cover survive too.
			got := readAll(t, r2)
			for i := range want {
				for _, member := range []string{`"atomUri"`, `"signature"`, `"replies"`} {
					if bytes.Contains(want[i].Raw, []byte(member)) != bytes.Contains(got[i].Raw, []byte(member)) {
						t.Errorf("item %d: member %s lost", i, member)
					}
				}
			}
			if total2, _ := r2.TotalItems(); !cmp.Equal(total, total2) {
				t.Errorf("totalItems %v, then %v", total, total2)
			}
			if actorErr == nil {
				a2, err := r2.Actor()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(actor, a2, cmpopts.IgnoreFields(activitypub.Actor{}, "Members"),
					cmpopts.IgnoreFields(activitypub.Image{}, "Members"), cmpopts.IgnoreFields(activitypub.PublicKey{}, "Members"),
					cmpopts.IgnoreFields(activitypub.Endpoints{}, "Members"), cmpopts.IgnoreFields(activitypub.Field{}, "Members"),
					cmpopts.IgnoreFields(activitypub.Actor{}, "Likes", "Bookmarks")); diff != "" {
					t.Errorf("actor (-want +got):\n%s", diff)
				}
			}
			likes2, _ := collectURIs(r2.Likes())
			if diff := cmp.Diff(likes1, likes2, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("likes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(r1.MediaFiles(), r2.MediaFiles()); diff != "" {
				t.Errorf("media (-want +got):\n%s", diff)
			}
			for _, name := range append(r1.MediaFiles(), "avatar.png", "header.png") {
				a, errA := fs.ReadFile(r1, name)
				b, errB := fs.ReadFile(r2, name)
				if !bytes.Equal(a, b) || (errA == nil) != (errB == nil) {
					t.Errorf("%s differs after rewrite (%v, %v)", name, errA, errB)
				}
			}
		})
	}
}

func collectURIs(seq func(func(string, error) bool)) ([]string, error) {
	var out []string
	for u, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, u)
	}
	return out, nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestCreateLeavesNoHalfFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "archive.zip")

	w, err := archive.Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	w.AddStatus(everyField()[0])
	if _, err := w.AddMedia(1, "x.jpg", failingReader{}); err == nil {
		t.Fatal("AddMedia from a failing reader succeeded")
	}
	if err := w.AddStatus(everyField()[1]); err == nil {
		t.Error("the first error is not sticky")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after an error succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}

	w, err = archive.Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	w.AddStatus(everyField()[0])
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left behind after Abort: %v", entries)
	}

	w, _ = archive.Create(dest)
	w.AddStatus(everyField()[0])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := archive.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := readAll(t, r); len(got) != 1 {
		t.Errorf("%d statuses, want 1", len(got))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("want only the archive in the folder, got %v", entries)
	}
}

func TestMediaPartition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   uint64
		want string
	}{
		{1, "000/000/001"},
		{146459, "000/146/459"},
		{110285480112204631, "110/285/480/112/204/631"},
		// Paperclip pads ids from a billion on to 12 digits.
		{1_000_000_000, "001/000/000/000"},
		{12_345_678_901, "012/345/678/901"},
		{999_999_999, "999/999/999"},
		// Groups of 3 from the left; a 19-digit id drops its last digit.
		{1234567890123456789, "123/456/789/012/345/678"},
	}
	for _, tt := range tests {
		want := "media_attachments/files/" + tt.want + "/original/a.png"
		if got := archive.MediaEntry(tt.id, "a.png"); got != want {
			t.Errorf("MediaEntry(%d, a.png) = %q, want %q", tt.id, got, want)
		}
	}
}

// TestGeneratedValidate checks Validate against what the generator says
// it wrote, for every form.
func TestGeneratedValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := archivegen.Options{Statuses: 400, Media: 60, Seed: 7, Likes: 12, Bookmarks: 5}
	zipPath := filepath.Join(dir, "gen.zip")
	m, err := archivegen.WriteFile(zipPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := archivegen.WriteDir(filepath.Join(dir, "unpacked"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, m2); diff != "" {
		t.Fatalf("generator is not deterministic (-first +second):\n%s", diff)
	}
	for _, path := range []string{zipPath, filepath.Join(dir, "unpacked")} {
		r, err := archive.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rep := r.Validate()
		r.Close()
		if rep.Errors != nil {
			t.Errorf("%s: errors %v", path, rep.Errors)
		}
		got := &archivegen.Manifest{
			Creates: rep.Creates, Announces: rep.Announces, Replies: rep.Replies, Polls: rep.Polls,
			WithMedia: rep.WithMedia, Visibility: rep.Visibility, TotalItems: *rep.TotalItems,
			MediaFiles: rep.MediaFiles, MissingMedia: len(rep.MissingMedia), OrphanMedia: len(rep.OrphanMedia),
			Likes: rep.Likes, Bookmarks: rep.Bookmarks, ActorID: m.ActorID,
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("%s: report differs from manifest (-want +got):\n%s", path, diff)
		}
		if rep.DuplicateItemArrays != 1 {
			t.Errorf("DuplicateItemArrays = %d, want 1", rep.DuplicateItemArrays)
		}
		for _, v := range []archive.Visibility{archive.Public, archive.Unlisted, archive.Private, archive.Direct} {
			if m.Visibility[v] == 0 {
				t.Errorf("generator made no %s status", v)
			}
		}
		if m.Polls == 0 || m.Replies == 0 || m.MissingMedia == 0 || m.OrphanMedia == 0 {
			t.Errorf("generator lacks a feature: %+v", m)
		}
		if len(rep.Warnings()) == 0 {
			t.Error("no warnings for an archive full of quirks")
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	opts := archivegen.Options{Statuses: 50, Media: 5, Seed: 3}
	if _, err := archivegen.Write(&a, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := archivegen.Write(&b, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same options gave different bytes")
	}
}

func TestWriterRefusesInvalidOtherTags(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	bad := everyField()[0]
	bad.OtherTags = []stdjson.RawMessage{stdjson.RawMessage(`{"type":"Place","name":`)}
	if err := w.AddStatus(bad); err == nil {
		t.Fatal("AddStatus of a status with a broken tag succeeded")
	}
	good := everyField()[1]
	if err := w.AddStatus(good); err != nil {
		t.Fatalf("AddStatus after a refused status: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if len(got) != 1 || got[0].ID != good.ID {
		t.Errorf("read back %d statuses, want only %s", len(got), good.ID)
	}
}

// TestValidateReportsTheActor: Validate reads actor.json once and gives
// it in the Report, so a caller need not read it again.
func TestValidateReportsTheActor(t *testing.T) {
	t.Parallel()
	for _, withActor := range []bool{true, false} {
		var buf bytes.Buffer
		w := archive.NewWriter(&buf)
		if withActor {
			w.SetActor(&activitypub.Actor{ID: "https://example.social/users/alice", Type: "Person", PreferredUsername: "alice"})
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		rep := r.Validate()
		switch {
		case withActor && (rep.Actor == nil || rep.Actor.PreferredUsername != "alice" || rep.MissingActor):
			t.Errorf("with actor.json: Actor %+v, MissingActor %v", rep.Actor, rep.MissingActor)
		case !withActor && (rep.Actor != nil || !rep.MissingActor):
			t.Errorf("without actor.json: Actor %+v, MissingActor %v", rep.Actor, rep.MissingActor)
		}
	}
}

// TestWriterAfterClose checks that a Writer used after Close refuses
// instead of writing into a finished ZIP.
func TestWriterAfterClose(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := archive.NewWriter(&buf)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := buf.Len()
	if err := w.AddStatus(&archive.Status{ID: "https://example.com/s/1", Activity: "Create", Type: "Note"}); err == nil || !strings.HasPrefix(err.Error(), "archive: ") {
		t.Errorf("AddStatus after Close = %v, want an archive error", err)
	}
	if err := w.Close(); err == nil {
		t.Error("second Close = nil, want an error")
	}
	if buf.Len() != n {
		t.Errorf("%d bytes written after Close", buf.Len()-n)
	}
}
