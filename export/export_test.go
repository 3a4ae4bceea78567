package export_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fediport/fediport/activitypub"
	"github.com/fediport/fediport/archive"
	"github.com/fediport/fediport/export"
	"github.com/fediport/fediport/importer"
)

const (
	followers = actorID + "/followers"
	public    = activitypub.PublicCollection
)

var csvNames = []string{
	"following_accounts.csv", "followers.csv", "muted_accounts.csv", "blocked_accounts.csv",
	"blocked_domains.csv", "bookmarks.csv", "lists.csv",
}

// readStatuses reads every status of an archive, without the fields that
// depend on where they were read from.
func readStatuses(t *testing.T, r *archive.Reader) []*archive.Status {
	t.Helper()
	var got []*archive.Status
	for s, err := range r.Statuses() {
		if err != nil {
			t.Fatalf("reading statuses: %v", err)
		}
		s.Raw, s.Index, s.Offset = nil, -1, -1
		got = append(got, s)
	}
	return got
}

func readAll(t *testing.T, seq func(func(string, error) bool)) []string {
	t.Helper()
	var got []string
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	return got
}

func readFile(t *testing.T, fsys fs.FS, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readRows reads a CSV file with the importer's reader.
func readRows(t *testing.T, data []byte, typ importer.Type) []importer.Row {
	t.Helper()
	rows, err := importer.NewReader(bytes.NewReader(data), typ).ReadAll()
	if err != nil {
		t.Fatalf("reading %s: %v", typ, err)
	}
	for i := range rows {
		rows[i].Line = 0
	}
	return rows
}

// wantStatuses is what the statuses of fullSource read back as.
func wantStatuses(src *memSource, direct bool) []*archive.Status {
	var want []*archive.Status
	for _, s := range src.statuses {
		c := *s
		c.Attachments = slices.Clone(s.Attachments)
		want = append(want, &c)
	}
	entry := func(s *archive.Status, k int, e string) {
		s.Attachments[k].URL, s.Attachments[k].Path = e, e
	}
	pub, unl, priv, dm, poll, boost, expl := want[0], want[1], want[2], want[3], want[4], want[5], want[6]
	pub.To, pub.Cc = []string{public}, []string{followers}
	entry(pub, 0, "media_attachments/files/110/000/000/000/000/001/original/0123456789abcdef.jpg")
	unl.To, unl.Cc = []string{followers}, []string{public, bob.Href}
	entry(unl, 0, "media_attachments/files/000/000/001/original/0000000000000001.png")
	entry(unl, 1, "media_attachments/files/000/000/004/original/bbbbbbbbbbbbbbbb.jpg")
	priv.To, priv.Cc = []string{followers}, []string{bob.Href}
	dm.To, dm.Cc = []string{bob.Href}, []string{}
	entry(dm, 0, "media_attachments/files/000/000/002/original/0000000000000002.png")
	poll.To, poll.Cc = []string{public}, []string{followers}
	boost.To, boost.Cc = []string{public}, []string{"https://remote.example/users/bob", followers}
	// A boost of a bare URI has no author in the archive.
	boost.AttributedTo = ""
	expl.Visibility = archive.Public
	if !direct {
		// The made-up entry numbers follow the order of writing.
		return slices.Delete(want, 3, 4)
	}
	return want
}

func wantRows() map[importer.Type][]importer.Row {
	yes, no := true, false
	return map[importer.Type][]importer.Row{
		importer.Following: {
			{Account: "bob@remote.example", ShowBoosts: &yes, Notify: &no, Languages: []string{"de", "en"}},
			{Account: "carol@other.example", ShowBoosts: &no, Notify: &yes},
			{Account: "dave@social.example", ShowBoosts: &no, Notify: &no},
		},
		importer.Followers:      {{Account: "erin@remote.example"}, {Account: "frank@social.example"}},
		importer.Muting:         {{Account: "loud@remote.example", HideNotifications: &yes}, {Account: "quiet@remote.example", HideNotifications: &no}},
		importer.Blocking:       {{Account: "spammer@spam.example"}},
		importer.DomainBlocking: {{Domain: "spam.example"}, {Domain: "xn--bcher-kva.example"}},
		importer.Bookmarks:      {{URI: "https://remote.example/users/carol/statuses/3"}, {URI: "https://remote.example/users/carol/statuses/4,5"}},
		importer.Lists: {
			{List: "Friends, close", Account: "bob@remote.example"},
			{List: "Friends, close", Account: "carol@other.example"},
			{List: `Say "hi"`, Account: "dave@social.example"},
		},
	}
}

// checkArchive checks everything fullSource exports into the archive
// (and, for a bundle, the CSV files in it).
func checkArchive(t *testing.T, r *archive.Reader, src *memSource, direct bool) {
	t.Helper()
	if diff := cmp.Diff(wantStatuses(src, direct), readStatuses(t, r), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	a, err := r.Actor()
	if err != nil {
		t.Fatal(err)
	}
	gotActor := []string{a.ID, a.Name, a.Summary, a.Outbox, a.Likes, a.Bookmarks, a.Icon.URL, a.Image.URL}
	wantActor := []string{actorID, "Alice", "<p>Test account</p>", "outbox.json", "likes.json", "bookmarks.json", "avatar.png", "header.jpg"}
	if diff := cmp.Diff(wantActor, gotActor); diff != "" {
		t.Errorf("actor (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(src.likes, readAll(t, r.Likes())); diff != "" {
		t.Errorf("likes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(src.bookmarks, readAll(t, r.Bookmarks())); diff != "" {
		t.Errorf("bookmarks (-want +got):\n%s", diff)
	}
	wantMedia := map[string][]byte{
		"avatar.png": src.avatar,
		"header.jpg": src.header,
		"media_attachments/files/110/000/000/000/000/001/original/0123456789abcdef.jpg": src.media["/system/media_attachments/files/110/000/000/000/000/001/original/0123456789abcdef.jpg"],
		"media_attachments/files/000/000/001/original/0000000000000001.png":             src.media["https://files.social.example/app/image-2.png"],
		"media_attachments/files/000/000/003/original/aaaaaaaaaaaaaaaa.mp4":             src.media["media_attachments/files/000/000/003/original/aaaaaaaaaaaaaaaa.mp4"],
	}
	if direct {
		wantMedia["media_attachments/files/000/000/002/original/0000000000000002.png"] = []byte("secret")
	}
	gotMedia := map[string][]byte{"avatar.png": readFile(t, r, "avatar.png"), "header.jpg": readFile(t, r, "header.jpg")}
	for _, name := range r.MediaFiles() {
		gotMedia[name] = readFile(t, r, name)
	}
	if diff := cmp.Diff(wantMedia, gotMedia); diff != "" {
		t.Errorf("media files (-want +got):\n%s", diff)
	}
}

func checkCSVs(t *testing.T, fsys fs.FS) {
	t.Helper()
	want := wantRows()
	for _, typ := range importer.Types() {
		got := readRows(t, readFile(t, fsys, importer.FileName(typ)), typ)
		if diff := cmp.Diff(want[typ], got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", importer.FileName(typ), diff)
		}
	}
	// Byte for byte what Mastodon writes.
	wantFollowing := "Account address,Show boosts,Notify on new posts,Languages\n" +
		"bob@remote.example,true,false,\"de, en\"\n" +
		"carol@other.example,false,true,\n" +
		"dave@social.example,false,false,\n"
	if diff := cmp.Diff(wantFollowing, string(readFile(t, fsys, "following_accounts.csv"))); diff != "" {
		t.Errorf("following_accounts.csv (-want +got):\n%s", diff)
	}
	wantLists := "\"Friends, close\",bob@remote.example\n\"Friends, close\",carol@other.example\n\"Say \"\"hi\"\"\",dave@social.example\n"
	if diff := cmp.Diff(wantLists, string(readFile(t, fsys, "lists.csv"))); diff != "" {
		t.Errorf("lists.csv (-want +got):\n%s", diff)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteDirRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		direct bool
	}{
		{"direct messages left out (default)", false},
		{"direct messages included", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := fullSource()
			dir := filepath.Join(t.TempDir(), "out")
			res, err := writeDir(context.Background(), dir, src, export.Exporter{
				IncludeDirect: tc.direct, LocalDomain: "social.example", TempDir: t.TempDir(),
			})
			if err != nil {
				t.Fatal(err)
			}
			wantNames := append(slices.Clone(csvNames), "archive.zip")
			slices.Sort(wantNames)
			if diff := cmp.Diff(wantNames, dirNames(t, dir)); diff != "" {
				t.Errorf("files in the folder (-want +got):\n%s", diff)
			}
			var wantFiles []string
			for _, n := range append(slices.Clone(csvNames), "archive.zip") {
				wantFiles = append(wantFiles, filepath.Join(dir, n))
			}
			if diff := cmp.Diff(wantFiles, res.Files); diff != "" {
				t.Errorf("Result.Files (-want +got):\n%s", diff)
			}
			r, err := archive.Open(filepath.Join(dir, "archive.zip"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			checkArchive(t, r, src, tc.direct)
			checkCSVs(t, os.DirFS(dir))

			statuses, skippedDM, media := 6, 1, 5
			if tc.direct {
				statuses, skippedDM, media = 7, 0, 6
			}
			var size int64
			for _, f := range res.Files {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				size += fi.Size()
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
				}
			}
			got := []int64{int64(res.Statuses), int64(res.DirectSkipped), int64(res.Media), int64(res.Likes), int64(res.Bookmarks), int64(len(res.SkippedMedia)), res.Bytes}
			want := []int64{int64(statuses), int64(skippedDM), int64(media), 2, 2, 1, size}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Result counts [statuses, direct skipped, media, likes, bookmarks, skipped media, bytes] (-want +got):\n%s", diff)
			}
			if len(res.SkippedMedia) == 1 {
				me := res.SkippedMedia[0]
				if me.Entry != "media_attachments/files/000/000/004/original/bbbbbbbbbbbbbbbb.jpg" || me.Status != src.statuses[1].ID {
					t.Errorf("skipped media = %+v", me)
				}
			}
			if tc.direct == false && slices.Contains(src.opened, "https://files.social.example/app/secret.png") {
				t.Error("the media of a direct message left out was opened")
			}
		})
	}
}

func TestWriteBundleRoundTrip(t *testing.T) {
	t.Parallel()
	src := fullSource()
	path := filepath.Join(t.TempDir(), "everything.zip")
	res, err := writeBundleFile(context.Background(), path, src, export.Exporter{LocalDomain: "social.example", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(csvNames, res.Files); diff != "" {
		t.Errorf("Result.Files (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != res.Bytes {
		t.Errorf("Result.Bytes = %d, file has %d", res.Bytes, fi.Size())
	}
	if names := dirNames(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("folder holds %v, want the bundle only", names)
	}
	r, err := archive.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkArchive(t, r, src, false)
	checkCSVs(t, r)
}

func TestLackingSources(t *testing.T) {
	t.Parallel()
	src := fullSource()
	for _, tc := range []struct {
		name      string
		src       export.Sources
		wantFiles []string
		statuses  int
		missing   []string
	}{
		{"actor only", export.Sources{Actor: src}, []string{"archive.zip"}, 0,
			[]string{"Statuses", "Media", "Images", "Likes", "Bookmarks", "Follows", "Followers", "Mutes", "Blocks", "DomainBlocks", "Lists"}},
		{"actor and statuses", export.Sources{Actor: src, Statuses: src}, []string{"archive.zip"}, 6,
			[]string{"Media", "Images", "Likes", "Bookmarks", "Follows", "Followers", "Mutes", "Blocks", "DomainBlocks", "Lists"}},
		{"no lists", export.Sources{Actor: src, Follows: src, Bookmarks: src}, []string{"archive.zip", "bookmarks.csv", "following_accounts.csv"}, 0,
			[]string{"Statuses", "Media", "Images", "Likes", "Followers", "Mutes", "Blocks", "DomainBlocks", "Lists"}},
		{"everything", sourcesOf(src), []string{"archive.zip", "blocked_accounts.csv", "blocked_domains.csv", "bookmarks.csv", "followers.csv", "following_accounts.csv", "lists.csv", "muted_accounts.csv"}, 6, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			e := export.Exporter{TempDir: t.TempDir()}
			res, err := e.WriteDir(context.Background(), dir, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.missing, res.Missing); diff != "" {
				t.Errorf("Result.Missing (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFiles, dirNames(t, dir)); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			r, err := archive.Open(filepath.Join(dir, "archive.zip"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := len(readStatuses(t, r)); got != tc.statuses || res.Statuses != tc.statuses {
				t.Errorf("read %d statuses, result says %d, want %d", got, res.Statuses, tc.statuses)
			}
			// Media of the statuses are skipped: the source opens none.
			if tc.src.Media == nil && tc.statuses > 0 && len(res.SkippedMedia) != 4 {
				t.Errorf("skipped media = %d, want 4 (no MediaSource)", len(res.SkippedMedia))
			}
			// likes.json and bookmarks.json are there, maybe empty.
			if _, err := r.Stat("likes.json"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestAddressing(t *testing.T) {
	t.Parallel()
	carol := archive.Tag{Type: "Mention", Name: "@carol@other.example", Href: "https://other.example/users/carol"}
	for _, tc := range []struct {
		name     string
		vis      archive.Visibility
		activity string
		author   string
		mentions []archive.Tag
		to, cc   []string
	}{
		{name: "public", vis: archive.Public, to: []string{public}, cc: []string{followers}},
		{name: "public with mentions", vis: archive.Public, mentions: []archive.Tag{bob, carol, bob}, to: []string{public}, cc: []string{followers, bob.Href, carol.Href}},
		{name: "unlisted", vis: archive.Unlisted, mentions: []archive.Tag{carol}, to: []string{followers}, cc: []string{public, carol.Href}},
		{name: "followers only", vis: archive.Private, to: []string{followers}, cc: []string{}},
		{name: "followers only with mention", vis: archive.Private, mentions: []archive.Tag{bob}, to: []string{followers}, cc: []string{bob.Href}},
		{name: "direct", vis: archive.Direct, mentions: []archive.Tag{bob, carol}, to: []string{bob.Href, carol.Href}, cc: []string{}},
		{name: "boost of another's status", vis: archive.Public, activity: "Announce", author: carol.Href, to: []string{public}, cc: []string{carol.Href, followers}},
		{name: "unlisted boost", vis: archive.Unlisted, activity: "Announce", author: carol.Href, to: []string{followers}, cc: []string{carol.Href, public}},
		{name: "self-boost", vis: archive.Private, activity: "Announce", author: actorID, to: []string{followers}, cc: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := note(1, tc.vis)
			s.Actor, s.AttributedTo, s.Mentions = "", tc.author, tc.mentions
			if tc.activity != "" {
				s.Activity, s.Type = tc.activity, ""
			}
			var buf bytes.Buffer
			_, err := writeBundle(context.Background(), &buf, &memSource{actor: testActor(), statuses: []*archive.Status{s}, failStatusesAt: -1},
				export.Exporter{IncludeDirect: true, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			got := readStatuses(t, r)
			if len(got) != 1 {
				t.Fatalf("read %d statuses, want 1", len(got))
			}
			type addr struct {
				To, Cc []string
				Vis    archive.Visibility
				Actor  string
			}
			if diff := cmp.Diff(addr{tc.to, tc.cc, tc.vis, actorID}, addr{got[0].To, got[0].Cc, got[0].Visibility, got[0].Actor}, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("addressing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMediaEntries(t *testing.T) {
	t.Parallel()
	const file = "media_attachments/files/000/000/009/original/cccccccccccccccc.gif"
	for _, tc := range []struct {
		name      string
		path, url string
		want      string
	}{
		{"path under media_attachments", file, "https://cdn.example/whatever.gif", file},
		{"Mastodon storage url", "", "/system/" + file, file},
		{"CDN url", "", "https://cdn.example/system/" + file + "?v=2", file},
		{"url of another layout", "", "https://files.example/attachment/original/01H.webp", "media_attachments/files/000/000/001/original/0000000000000001.webp"},
		{"traversal in path", "media_attachments/../../etc/passwd", "", "media_attachments/files/000/000/001/original/0000000000000001.gif"},
		{"traversal in url", "", "https://evil.example/media_attachments/../../x.gif", "media_attachments/files/000/000/001/original/0000000000000001.gif"},
		{"odd extension", "", "https://files.example/a.g?i=f", "media_attachments/files/000/000/001/original/0000000000000001.g"},
		{"no extension, media type", "", "https://files.example/blob", "media_attachments/files/000/000/001/original/0000000000000001.gif"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := note(1, archive.Public)
			a := archive.Attachment{Type: "Document", MediaType: "image/gif", URL: tc.url, Path: tc.path}
			// The same attachment twice (in one status and another) gives
			// one file.
			s.Attachments = []archive.Attachment{a, a}
			s2 := note(2, archive.Public)
			s2.Attachments = []archive.Attachment{a}
			src := &memSource{actor: testActor(), statuses: []*archive.Status{s, s2}, failStatusesAt: -1,
				media: map[string][]byte{tc.url: []byte("GIF89a")}}
			var buf bytes.Buffer
			res, err := writeBundle(context.Background(), &buf, src, export.Exporter{TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			r, err := archive.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, s := range readStatuses(t, r) {
				for _, a := range s.Attachments {
					urls = append(urls, a.URL)
				}
			}
			if diff := cmp.Diff([]string{tc.want, tc.want, tc.want}, urls); diff != "" {
				t.Errorf("attachment urls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{tc.want}, r.MediaFiles()); diff != "" {
				t.Errorf("media files (-want +got):\n%s", diff)
			}
			if string(readFile(t, r, tc.want)) != "GIF89a" || res.Media != 1 || len(src.opened) != 1 {
				t.Errorf("file not copied once: media %d, opened %v", res.Media, src.opened)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var got []export.Progress
	dir := t.TempDir()
	res, err := writeDir(context.Background(), dir, fullSource(), export.Exporter{
		TempDir:  t.TempDir(),
		Progress: func(p export.Progress) { got = append(got, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	// statuses, media files, likes, CSV rows (bookmarks are rows).
	rows := 0
	for _, n := range res.Rows {
		rows += n
	}
	wantItems := int64(res.Statuses + res.Media + res.Likes + rows)
	last := got[len(got)-1]
	if last.Items != wantItems || last.Bytes != res.Bytes {
		t.Errorf("last progress = %+v, want {Items:%d Bytes:%d}", last, wantItems, res.Bytes)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Items < got[i-1].Items || got[i].Bytes < got[i-1].Bytes {
			t.Fatalf("progress went back: %+v then %+v", got[i-1], got[i])
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		src  export.ActorSource
		opts export.Exporter
		is   error
	}{
		{"nil actor", &memSource{failStatusesAt: -1}, export.Exporter{}, export.ErrInvalidActor},
		{"status without id", &memSource{actor: testActor(), statuses: []*archive.Status{{Visibility: archive.Public}}, failStatusesAt: -1}, export.Exporter{}, export.ErrInvalidStatus},
		{"status without visibility", &memSource{actor: testActor(), statuses: []*archive.Status{note(1, "")}, failStatusesAt: -1}, export.Exporter{}, export.ErrInvalidStatus},
		{"unknown visibility", &memSource{actor: testActor(), statuses: []*archive.Status{note(1, "limited")}, failStatusesAt: -1}, export.Exporter{}, export.ErrInvalidStatus},
		{"nil status", &memSource{actor: testActor(), statuses: []*archive.Status{nil}, failStatusesAt: -1}, export.Exporter{}, export.ErrInvalidStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			_, err := writeDir(context.Background(), dir, tc.src, tc.opts)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("files left: %v", names)
			}
		})
	}
	for _, name := range []string{"../escape.zip", "sub/archive.zip", "..", "lists.csv"} {
		dir := t.TempDir()
		if _, err := writeDir(context.Background(), dir, fullSource(), export.Exporter{ArchiveName: name}); err == nil {
			t.Errorf("archive name %q was accepted", name)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("archive name %q: files left: %v", name, names)
		}
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	last := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		last    time.Time
		now     time.Time
		allowed bool
	}{
		{"never made", time.Time{}, last, true},
		{"just made", last, last.Add(time.Minute), false},
		{"a second short of 6 days", last, last.Add(6*24*time.Hour - time.Second), false},
		{"exactly 6 days", last, last.Add(6 * 24 * time.Hour), true},
		{"7 days", last, last.Add(7 * 24 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := export.CheckRate(tc.last, tc.now)
			if (err == nil) != tc.allowed {
				t.Fatalf("CheckRate = %v, allowed want %v", err, tc.allowed)
			}
			if err != nil {
				var re *export.RateError
				if !errors.As(err, &re) || !errors.Is(err, export.ErrRateLimited) || !re.Next.Equal(tc.last.Add(export.MinInterval)) {
					t.Errorf("error %v: want a *RateError for %v", err, tc.last.Add(export.MinInterval))
				}
			}
		})
	}
	if !export.NextAllowed(time.Time{}).IsZero() {
		t.Error("NextAllowed(zero) is not zero")
	}
	if got := export.NextAllowed(last); !got.Equal(last.Add(6 * 24 * time.Hour)) {
		t.Errorf("NextAllowed = %v", got)
	}
}
