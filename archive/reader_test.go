package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	fixtureZip    = "testdata/mastodon-2023-07-zip.zip"
	fixtureTarGz  = "testdata/mastodon-2022-12-targz.tar.gz"
	fixtureOutbox = "testdata/outbox-small-signed.json"
)

func collect(t *testing.T, r *Reader) []*Status {
	t.Helper()
	var out []*Status
	for s, err := range r.Statuses() {
		if err != nil {
			t.Fatalf("Statuses: %v", err)
		}
		out = append(out, s)
	}
	return out
}

// count counts the values of seq before its first error, which it
// returns.
func count[T any](seq iter.Seq2[T, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestOpenFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		path                      string
		format                    Format
		creates, announces        int
		totalItems                int
		likesMissing, hasActor    bool
		bookmarks                 int
		mediaFiles                int
		movedTo                   bool
		wantVisibilities          []Visibility
		minLikes                  int
		attachmentsWithLocalEntry int
	}{
		{name: "zip 2023: totalItems 19 but 18 items, one JPEG", path: fixtureZip, format: FormatZIP,
			creates: 18, totalItems: 19, hasActor: true, mediaFiles: 1, minLikes: 1, attachmentsWithLocalEntry: 1,
			wantVisibilities: []Visibility{Public}},
		{name: "tar.gz 2022: 190 Create, 34 Announce, totalItems 223, moved actor", path: fixtureTarGz, format: FormatTarGz,
			creates: 190, announces: 34, totalItems: 223, hasActor: true, movedTo: true, minLikes: 100,
			wantVisibilities: []Visibility{Public, Unlisted, Private, Direct}},
		{name: "bare outbox: totalItems 1 but 2 items", path: fixtureOutbox, format: FormatOutbox,
			creates: 2, totalItems: 1, likesMissing: true, wantVisibilities: []Visibility{Public}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Open(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Format() != tt.format {
				t.Errorf("Format = %q, want %q", r.Format(), tt.format)
			}
			statuses := collect(t, r)
			creates, announces := 0, 0
			vis := map[Visibility]bool{}
			for i, s := range statuses {
				if s.Index != i {
					t.Errorf("status %d has Index %d", i, s.Index)
				}
				if len(s.Raw) == 0 || s.Raw[0] != '{' {
					t.Errorf("status %d: Raw not kept", i)
				}
				switch s.Activity {
				case "Create":
					creates++
					vis[s.Visibility] = true
					if s.Published.IsZero() || s.Content == "" || s.ID == "" {
						t.Errorf("Create %d lacks published, content or id: %+v", i, s)
					}
				case "Announce":
					announces++
					if s.ID == "" {
						t.Errorf("Announce %d has no object", i)
					}
				}
			}
			if creates != tt.creates || announces != tt.announces {
				t.Errorf("creates, announces = %d, %d; want %d, %d", creates, announces, tt.creates, tt.announces)
			}
			for _, v := range tt.wantVisibilities {
				if !vis[v] {
					t.Errorf("no %s status found", v)
				}
			}
			total, err := r.TotalItems()
			if err != nil || total == nil || *total != tt.totalItems {
				t.Errorf("TotalItems = %v, %v; want %d", total, err, tt.totalItems)
			}
			likes, err := count(r.Likes())
			if tt.likesMissing {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Likes error = %v, want ErrNotExist", err)
				}
			} else if err != nil || likes < tt.minLikes {
				t.Errorf("Likes = %d, %v; want at least %d", likes, err, tt.minLikes)
			}
			a, err := r.Actor()
			if tt.hasActor {
				if err != nil || a.ID == "" || a.Outbox != "outbox.json" {
					t.Errorf("Actor = %+v, %v", a, err)
				}
				if tt.movedTo && a.MovedTo == "" {
					t.Error("actor has no movedTo")
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Actor error = %v, want ErrNotExist", err)
			}
			if got := len(r.MediaFiles()); got != tt.mediaFiles {
				t.Errorf("MediaFiles = %d, want %d", got, tt.mediaFiles)
			}
			opened := 0
			for _, s := range statuses {
				for _, at := range s.Media() {
					f, err := r.OpenMedia(&at)
					if err != nil {
						if !errors.Is(err, fs.ErrNotExist) {
							t.Errorf("OpenMedia(%s): %v", at.URL, err)
						}
						continue
					}
					data, err := io.ReadAll(f)
					f.Close()
					if err != nil || len(data) == 0 {
						t.Errorf("reading %s: %d bytes, %v", at.Path, len(data), err)
					}
					opened++
				}
			}
			if opened != tt.attachmentsWithLocalEntry {
				t.Errorf("opened %d media, want %d", opened, tt.attachmentsWithLocalEntry)
			}
		})
	}
}

// forms builds every form of the 2023 fixture: the ZIP, a re-zipped
// ZIP with a nested top folder (and macOS litter), a folder, a tar.gz.
func forms(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	r, err := Open(fixtureZip)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	unpacked := filepath.Join(dir, "unpacked")
	if err := os.CopyFS(unpacked, r); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(dir, "nested.zip")
	writeZip(t, nested, func(zw *zip.Writer) {
		copyInto(t, r, func(name string) io.Writer {
			w, err := zw.Create("archive-20230720/" + name)
			if err != nil {
				t.Fatal(err)
			}
			return w
		})
		w, _ := zw.Create("__MACOSX/archive-20230720/._outbox.json")
		w.Write([]byte("junk"))
	})
	tgz := filepath.Join(dir, "archive.tar.gz")
	f, err := os.Create(tgz)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	fs.WalkDir(r, ".", func(name string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		data, _ := fs.ReadFile(r, name)
		tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(data)), Mode: 0o444, Typeflag: tar.TypeReg})
		tw.Write(data)
		return nil
	})
	tw.Close()
	gz.Close()
	f.Close()
	return map[string]string{"zip": fixtureZip, "nested zip": nested, "dir": unpacked, "tar.gz": tgz}
}

func writeZip(t *testing.T, path string, fill func(*zip.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	fill(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func copyInto(t *testing.T, fsys fs.FS, create func(name string) io.Writer) {
	t.Helper()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		_, err = create(name).Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestForms(t *testing.T) {
	t.Parallel()
	ref, err := Open(fixtureZip)
	if err != nil {
		t.Fatal(err)
	}
	want := collect(t, ref)
	wantFiles := []string{"actor.json", "avatar.png", "bookmarks.json", "header.png", "likes.json",
		"media_attachments/files/110/285/480/112/204/631/original/adc294faa4f49e38.jpg", "outbox.json"}
	wantFormat := map[string]Format{"zip": FormatZIP, "nested zip": FormatZIP, "dir": FormatDir, "tar.gz": FormatTarGz}
	for name, path := range forms(t) {
		t.Run(name, func(t *testing.T) {
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Format() != wantFormat[name] {
				t.Errorf("Format = %q, want %q", r.Format(), wantFormat[name])
			}
			if diff := cmp.Diff(want, collect(t, r)); diff != "" {
				t.Errorf("statuses differ (-want +got):\n%s", diff)
			}
			var files []string
			fs.WalkDir(r, ".", func(name string, d fs.DirEntry, err error) error {
				if !d.IsDir() {
					files = append(files, name)
				}
				return nil
			})
			if diff := cmp.Diff(wantFiles, files); diff != "" {
				t.Errorf("files differ (-want +got):\n%s", diff)
			}
			if err := fstest.TestFS(r, wantFiles...); err != nil {
				t.Error(err)
			}
			if _, err := r.Avatar(); err != nil {
				t.Errorf("Avatar: %v", err)
			}
		})
	}
}

func TestFSTarGzFixture(t *testing.T) {
	t.Parallel()
	r, err := Open(fixtureTarGz)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := fstest.TestFS(r, "actor.json", "outbox.json", "likes.json", "bookmarks.json"); err != nil {
		t.Error(err)
	}
}

func TestNewReaderBytes(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(fixtureZip)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(collect(t, r)); got != 18 {
		t.Errorf("%d statuses, want 18", got)
	}
	// Cut short, the real archive still gives what is there: the
	// statuses before the cut, then ErrTruncated.
	for _, cut := range []int{100, 8000, len(data) / 2} {
		r, err := NewReader(bytes.NewReader(data[:cut]), int64(cut))
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		n, err := count(r.Statuses())
		if !errors.Is(err, ErrTruncated) && !(n == 18 && err == nil) {
			t.Errorf("cut at %d: %d statuses then %v, want ErrTruncated", cut, n, err)
		}
		if cut == len(data)/2 && n != 18 {
			t.Errorf("cut at %d (in the media): %d statuses, want 18", cut, n)
		}
		if !errors.Is(r.damage, ErrTruncated) {
			t.Errorf("cut at %d: damage %v, want ErrTruncated", cut, r.damage)
		}
	}
	if _, err := NewReader(bytes.NewReader(data[:20]), 20); !errors.Is(err, ErrTruncated) {
		t.Errorf("ZIP cut in its first header: error %v, want ErrTruncated", err)
	}
	if _, err := NewReader(strings.NewReader("PK\x05\x06garbage"), 13); !errors.Is(err, ErrNotArchive) {
		t.Errorf("garbage: error %v, want ErrNotArchive", err)
	}
}

func outboxOf(items ...string) string {
	return `{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection","totalItems":7,"orderedItems":[` +
		strings.Join(items, ",") + `]}`
}

const noteItem = `{"id":"https://a.example/users/u/statuses/1/activity","type":"Create","actor":"https://a.example/users/u","published":"2024-01-02T03:04:05Z","to":"https://www.w3.org/ns/activitystreams#Public","object":{"id":"https://a.example/users/u/statuses/1","type":"Note","content":"<p>hi</p>","contentMap":{"zhCn":"<p>hi</p>"},"published":"2024-01-02T03:04:05Z"}}`

func openString(t *testing.T, l Limits, outbox string) *Reader {
	t.Helper()
	p := filepath.Join(t.TempDir(), "outbox.json")
	if err := os.WriteFile(p, []byte(outbox), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Config{Limits: l}
	r, err := c.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestDuplicateOrderedItems(t *testing.T) {
	t.Parallel()
	doc := `{"id":"outbox.json","type":"OrderedCollection","orderedItems":[],"totalItems":3,"orderedItems":[` + noteItem + `,` + noteItem + `]}`
	r := openString(t, Limits{}, doc)
	got := collect(t, r)
	if len(got) != 2 {
		t.Fatalf("%d statuses, want 2", len(got))
	}
	if got[0].Language != "zhCn" || got[0].Visibility != Public || got[1].Index != 1 {
		t.Errorf("got %+v", got[0])
	}
	rep := r.Validate()
	if rep.DuplicateItemArrays != 1 || rep.TotalItems == nil || *rep.TotalItems != 3 {
		t.Errorf("report: duplicate arrays %d, totalItems %v", rep.DuplicateItemArrays, rep.TotalItems)
	}
}

func TestTruncatedOutbox(t *testing.T) {
	t.Parallel()
	doc := outboxOf(noteItem, noteItem, noteItem)
	cut := doc[:len(doc)-len(noteItem)/2]
	r := openString(t, Limits{}, cut)
	n := 0
	var last error
	for s, err := range r.Statuses() {
		if err != nil {
			if s != nil {
				t.Fatalf("terminal error came with a status")
			}
			last = err
			break
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d statuses before the error, want 2", n)
	}
	var e *Error
	if !errors.As(last, &e) || e.Entry != "outbox.json" || !errors.Is(last, ErrCorrupt) {
		t.Fatalf("error = %v, want *Error in outbox.json wrapping ErrCorrupt", last)
	}
	if e.Offset <= 0 {
		t.Errorf("error has no offset: %v", e)
	}
}

func TestTruncatedTarGz(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(fixtureTarGz)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cut.tar.gz")
	if err := os.WriteFile(p, data[:len(data)*3/4], 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p)
	if err != nil {
		t.Fatalf("Open: %v (the entries before the damage should be readable)", err)
	}
	defer r.Close()
	n, last := count(r.Statuses())
	if n == 0 || last == nil {
		t.Fatalf("read %d statuses then %v; want some statuses then an error", n, last)
	}
	var e *Error
	if !errors.As(last, &e) || e.Entry != "outbox.json" || e.Index != n {
		t.Errorf("error %v does not name outbox.json and item %d", last, n)
	}
	if !errors.Is(last, ErrCorrupt) || !errors.Is(last, ErrTruncated) {
		t.Errorf("error %v does not wrap ErrTruncated and ErrCorrupt", last)
	}
	if errs := r.Validate().Errors; len(errs) == 0 || !errors.Is(errs[0], ErrTruncated) {
		t.Errorf("Validate reports %v, want ErrTruncated first", errs)
	}
}

func TestBadItemContinues(t *testing.T) {
	t.Parallel()
	bad := `{"id":"x","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}}`
	r := openString(t, Limits{}, outboxOf(noteItem, bad, noteItem))
	var ok, failed int
	for s, err := range r.Statuses() {
		if err != nil {
			if s == nil || s.Index != 1 || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, %v; want item 1 with ErrMalformed", s, err)
			}
			failed++
			continue
		}
		ok++
	}
	if ok != 2 || failed != 1 {
		t.Errorf("ok %d, failed %d; want 2, 1", ok, failed)
	}
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	const pub = "https://www.w3.org/ns/activitystreams#Public"
	tests := []struct {
		name   string
		to, cc string // JSON
		objTo  string // JSON, "" to leave out of the object
		objCc  string // JSON, "" to leave out of the object
		want   Visibility
	}{
		{"public array", `["` + pub + `"]`, `["https://a.example/users/u/followers"]`, "", "", Public},
		{"public string", `"` + pub + `"`, `[]`, "", "", Public},
		{"as:Public compact", `"as:Public"`, `[]`, "", "", Public},
		{"bare Public", `["Public"]`, `[]`, "", "", Public},
		{"unlisted", `["https://a.example/users/u/followers"]`, `["` + pub + `"]`, "", "", Unlisted},
		{"followers only", `["https://a.example/users/u/followers"]`, `[]`, "", "", Private},
		{"direct", `["https://b.example/users/v"]`, `[]`, "", "", Direct},
		{"object addressing wins", `["` + pub + `"]`, `[]`, `["https://b.example/users/v"]`, "", Direct},
		// Mastodon reads @object['cc'] || @json['cc']: each list falls
		// back on its own.
		{"object to, activity cc", `["https://b.example/users/v"]`, `["` + pub + `"]`, `["https://a.example/users/u/followers"]`, "", Unlisted},
		{"object cc, activity to", `["` + pub + `"]`, `[]`, "", `["https://a.example/users/u/followers"]`, Public},
		{"empty object to does not fall back", `["` + pub + `"]`, `[]`, `[]`, `[]`, Direct},
		{"null object to falls back", `"as:Public"`, `[]`, `null`, "", Public},
		{"direct: only mentioned actors", `["https://b.example/users/v","https://c.example/users/w"]`, `[]`, "", "", Direct},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := `{"id":"o","type":"Note","content":""`
			if tt.objTo != "" {
				obj += `,"to":` + tt.objTo
			}
			if tt.objCc != "" {
				obj += `,"cc":` + tt.objCc
			}
			obj += `}`
			item := `{"id":"a","type":"Create","to":` + tt.to + `,"cc":` + tt.cc + `,"object":` + obj + `}`
			s, err := decodeStatus([]byte(item), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if s.Visibility != tt.want {
				t.Errorf("Visibility = %s, want %s", s.Visibility, tt.want)
			}
		})
	}
}

func TestMediaPath(t *testing.T) {
	t.Parallel()
	const p = "media_attachments/files/110/285/480/112/204/631/original/adc294faa4f49e38.jpg"
	tests := []struct{ name, url, want string }{
		{"as Mastodon writes it", p, p},
		{"leading slash (CDN setups)", "/" + p, p},
		{"system prefix", "/system/" + p, p},
		{"CDN host", "https://cdn.example/some/bucket/" + p, p},
		{"query string", "https://cdn.example/" + p + "?v=2", p},
		{"escape attempt", "media_attachments/../../etc/passwd", ""},
		{"remote URL with no media folder", "https://x.example/a.png", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MediaPath(tt.url); got != tt.want {
				t.Errorf("MediaPath(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestStatusShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		item string
		want *Status
	}{
		{
			name: "boost of a bare URI",
			item: `{"id":"https://a.example/users/u/statuses/2/activity","type":"Announce","actor":"https://a.example/users/u","published":"2024-01-02T03:04:05Z","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://b.example/users/v"],"object":"https://b.example/users/v/statuses/9"}`,
			want: &Status{Activity: "Announce", ActivityID: "https://a.example/users/u/statuses/2/activity", Actor: "https://a.example/users/u",
				ID: "https://b.example/users/v/statuses/9", Published: mustTime("2024-01-02T03:04:05Z"),
				To: []string{"https://www.w3.org/ns/activitystreams#Public"}, Cc: []string{"https://b.example/users/v"}, Visibility: Public},
		},
		{
			name: "poll, closed true, Akkoma list of links, link preview, emoji",
			item: `{"id":"act","type":"Create","actor":"u","object":{"id":"q","type":"Question","content":"c","anyOf":[{"type":"Note","name":"a","replies":{"type":"Collection","totalItems":3}},{"name":"b","replies":{"totalItems":1.0}}],"endTime":"2024-02-01T00:00:00Z","closed":true,"votersCount":4,` +
				`"attachment":[{"type":"Document","mediaType":"image/png","url":[{"type":"Link","mediaType":"image/png","href":"https://akkoma.example/media/media_attachments/files/000/000/001/original/x.png"}],"name":"alt","focalPoint":[0.5,-0.25],"width":"10","height":20.0},{"type":"Link","href":"https://news.example/a"}],` +
				`"tag":{"type":"Emoji","name":":cat:","id":"https://a.example/emojis/1","icon":{"type":"Image","mediaType":"image/png","url":"https://a.example/cat.png"}}}}`,
			want: &Status{Activity: "Create", ActivityID: "act", Actor: "u", Type: "Question", ID: "q", Content: "c", Visibility: Direct,
				Poll: &Poll{Multiple: true, Options: []PollOption{{"a", 3}, {"b", 1}}, EndTime: mustTime("2024-02-01T00:00:00Z"), Closed: mustTime("2024-02-01T00:00:00Z"), VotersCount: 4},
				Attachments: []Attachment{
					{Type: "Document", MediaType: "image/png", URL: "https://akkoma.example/media/media_attachments/files/000/000/001/original/x.png", Name: "alt", FocalPoint: &[2]float64{0.5, -0.25}, Width: 10, Height: 20, Path: "media_attachments/files/000/000/001/original/x.png"},
					{Type: "Link", URL: "https://news.example/a"},
				},
				Emoji: []Emoji{{ID: "https://a.example/emojis/1", Name: ":cat:", IconURL: "https://a.example/cat.png", MediaType: "image/png"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeStatus([]byte(tt.item), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Status{}, "Raw")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
