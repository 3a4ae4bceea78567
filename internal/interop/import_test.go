package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/importer/importertest"
	"github.com/fediport/fediport/importer/mastodonapi"
)

// exported reads one of g's GoToSocial CSV exports back with package
// importer, as "list,account" or "account" strings, sorted.
func exported(t *testing.T, g *gts, name string, typ importer.Type) []string {
	t.Helper()
	data := g.export(name)
	r := importer.NewReader(bytes.NewReader(data), typ)
	r.FileName = name + ".csv"
	rows, err := r.ReadAll()
	if errors.Is(err, importer.ErrEmpty) {
		return []string{}
	}
	if err != nil {
		t.Fatalf("export %s of %s: %v\n%s", name, g.acct, err, data)
	}
	out := []string{}
	for _, row := range rows {
		s := row.Account
		if row.List != "" {
			s = row.List + "," + s
		}
		out = append(out, strings.ToLower(s))
	}
	slices.Sort(out)
	return out
}

func wantSet(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// eventuallySet waits up to a minute for g's export name to hold want.
func eventuallySet(t *testing.T, g *gts, name string, typ importer.Type, want ...string) {
	t.Helper()
	slices.Sort(want)
	var got []string
	deadline := time.Now().Add(time.Minute)
	for {
		if got = exported(t, g, name, typ); slices.Equal(got, want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	wantSet(t, name, got, want...)
}

// bookmarks returns the URIs of g's bookmarks.
func bookmarks(g *gts) []string {
	g.t.Helper()
	var ss []struct {
		URI string `json:"uri"`
	}
	g.call(http.MethodGet, "/api/v1/bookmarks?limit=80", nil, &ss)
	out := []string{}
	for _, s := range ss {
		out = append(out, s.URI)
	}
	slices.Sort(out)
	return out
}

// importArgs are mastodon-import's arguments for g.
func importArgs(g *gts, args ...string) []string {
	return append([]string{"-server", g.base, "-token", g.token}, args...)
}

// TestImportEveryType imports every CSV type into dave@old.test with
// mastodon-import, in merge mode and then in overwrite mode, and reads
// the result back through GoToSocial's own CSV exports; csv-inspect
// reads those exports, its 0-byte files included.
func TestImportEveryType(t *testing.T) {
	peers(t)
	dave, bob := account(t, "dave", "old"), account(t, "bob", "new")
	for _, u := range []string{"blockme", "muteme", "muteme2", "lister", "locked"} {
		if _, err := env.fp.AddUser(u, u == "locked"); err != nil {
			t.Fatal(err)
		}
	}
	var st struct {
		URI string `json:"uri"`
	}
	bob.call(http.MethodPost, "/api/v1/statuses", url.Values{"status": {"bookmark me"}, "visibility": {"public"}}, &st)
	dir := t.TempDir()

	// GoToSocial's exports of an account that follows nobody: 0-byte
	// files for empty lists and blocks (the others have a header), which
	// csv-inspect reads as zero rows by their names. (bob@new.test follows
	// dave since TestMoveToGoToSocial.)
	for _, name := range []string{"following", "followers", "lists", "blocks", "mutes"} {
		file := filepath.Join(dir, name+".csv")
		data := dave.export(name)
		writeFile(t, file, data)
		code, out, _ := program(t, "csv-inspect", "-json", file)
		if (name == "lists" || name == "blocks") && len(data) != 0 {
			t.Errorf("GoToSocial's %s export of nothing is %d bytes, not 0", name, len(data))
		}
		if code != 0 || (name != "followers" && !strings.Contains(out, `"rows": []`)) {
			t.Errorf("csv-inspect of the empty %s export: exit %d\n%s", name, code, out)
		}
	}

	// Merge: every type at once, followers and domain blocks among them.
	writeFile(t, filepath.Join(dir, "following.csv"), []byte("Account address,Show boosts,Notify on new posts,Languages\n"+
		"bob@new.test,true,false,de\ncarol@old.test,false,true,\nlocked@fp.test,true,false,\n"))
	writeFile(t, filepath.Join(dir, "followers.csv"), []byte("Account address\nalice@new.test\n"))
	writeFile(t, filepath.Join(dir, "blocks.csv"), []byte("blockme@fp.test\n"))
	writeFile(t, filepath.Join(dir, "mutes.csv"), []byte("Account address,Hide notifications\nmuteme@fp.test,true\n"))
	writeFile(t, filepath.Join(dir, "domain_blocks.csv"), []byte("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\nspam.example,suspend,false,false,,false\n"))
	writeFile(t, filepath.Join(dir, "bookmarks.csv"), []byte(st.URI+"\n"))
	writeFile(t, filepath.Join(dir, "lists.csv"), []byte("Friends,bob@new.test\nFriends,lister@fp.test\n"))
	files := []string{}
	for _, n := range []string{"following", "followers", "domain_blocks", "blocks", "mutes", "bookmarks", "lists"} {
		files = append(files, filepath.Join(dir, n+".csv"))
	}
	code, out, _ := program(t, "mastodon-import", importArgs(dave, files...)...)
	if code != 3 {
		t.Errorf("merge: exit %d, want 3 (domain blocks unsupported)", code)
	}
	for _, want := range []string{
		"followers.csv: skipped: followers cannot be imported",
		"domain_blocks.csv: skipped, not supported by the server",
		"requested: follow locked@fp.test",
		"lists.csv: done",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("merge output lacks %q", want)
		}
	}
	// Remote follows are requests until the remote server accepts.
	eventuallySet(t, dave, "following", importer.Following, "bob@new.test", "carol@old.test", "lister@fp.test")
	wantSet(t, "blocks", exported(t, dave, "blocks", importer.Blocking), "blockme@fp.test")
	wantSet(t, "mutes", exported(t, dave, "mutes", importer.Muting), "muteme@fp.test")
	wantSet(t, "lists", exported(t, dave, "lists", importer.Lists), "friends,bob@new.test", "friends,lister@fp.test")
	wantSet(t, "bookmarks", bookmarks(dave), st.URI)
	exports := filepath.Join(dir, "exports")
	if err := os.Mkdir(exports, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"following", "lists", "blocks", "mutes"} {
		file := filepath.Join(exports, name+".csv")
		writeFile(t, file, dave.export(name))
		if code, out, _ := program(t, "csv-inspect", file); code != 0 || !strings.Contains(out, "0 bad rows") {
			t.Errorf("csv-inspect of the %s export: exit %d", name, code)
		}
	}

	// The same merge again changes nothing: no languages to compare on
	// GoToSocial, members of lists already followed; the locked account
	// is requested again.
	code, out, _ = program(t, "mastodon-import", importArgs(dave, files[0], files[3], files[4], files[5], files[6])...)
	if code != 0 {
		t.Errorf("second merge: exit %d", code)
	}
	for _, f := range []string{"blocks.csv: 0 applied, 0 resumed, 0 failed of 0", "lists.csv: 0 applied, 0 resumed, 0 failed of 0", "following.csv: 1 applied, 0 resumed, 0 failed of 1"} {
		if !strings.Contains(out, f) {
			t.Errorf("second merge output lacks %q", f)
		}
	}

	// Overwrite: GoToSocial's 0-byte export of empty blocks needs
	// -confirm-empty.
	writeFile(t, filepath.Join(dir, "following.csv"), []byte("carol@old.test\nlister@fp.test\n"))
	writeFile(t, filepath.Join(dir, "mutes.csv"), []byte("muteme2@fp.test\n"))
	writeFile(t, filepath.Join(dir, "lists.csv"), []byte("Friends,lister@fp.test\nOthers,carol@old.test\n"))
	writeFile(t, filepath.Join(dir, "blocks.csv"), nil)
	writeFile(t, filepath.Join(dir, "bookmarks.csv"), nil)
	over := []string{files[0], files[4], files[6]}
	code, out, _ = program(t, "mastodon-import", importArgs(dave, append([]string{"-mode", "overwrite"}, append(over, files[3])...)...)...)
	if code != 3 || !strings.Contains(out, "blocks.csv: failed") {
		t.Errorf("overwrite with an empty blocks file: exit %d, want 3 and the file refused", code)
	}
	wantSet(t, "blocks kept", exported(t, dave, "blocks", importer.Blocking), "blockme@fp.test")
	code, _, _ = program(t, "mastodon-import", importArgs(dave, "-mode", "overwrite", "-confirm-empty", files[3], files[5])...)
	if code != 0 {
		t.Errorf("confirmed empty overwrite: exit %d", code)
	}
	eventuallySet(t, dave, "following", importer.Following, "carol@old.test", "lister@fp.test")
	eventuallySet(t, dave, "mutes", importer.Muting, "muteme2@fp.test")
	wantSet(t, "lists", exported(t, dave, "lists", importer.Lists), "friends,lister@fp.test", "others,carol@old.test")
	wantSet(t, "blocks", exported(t, dave, "blocks", importer.Blocking))
	wantSet(t, "bookmarks", bookmarks(dave))
}

// TestAlreadyInList adds a member to a GoToSocial list twice: the 422
// GoToSocial answers ("already in list") means done.
func TestAlreadyInList(t *testing.T) {
	peers(t)
	carol := account(t, "carol", "old")
	c := &mastodonapi.Client{BaseURL: carol.base, Token: carol.token}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.CreateList(ctx, "Twice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Follow(ctx, "bob@new.test", importer.FollowOptions{}); err != nil && !errors.Is(err, importer.ErrRequested) {
		t.Fatal(err)
	}
	bobID := carol.lookup("bob@new.test")
	eventually(t, time.Minute, "carol does not follow bob@new.test", func() bool { return carol.relationship(bobID).Following })
	for i := range 2 {
		if err := c.AddToList(ctx, "Twice", "bob@new.test"); err != nil {
			t.Errorf("AddToList #%d: %v", i+1, err)
		}
	}
	// And GoToSocial's messages are not repeated: a 422 of its own.
	err := c.AddToList(ctx, "Twice", "dave@old.test") // not followed
	var e *mastodonapi.Error
	if errors.As(err, &e) && strings.Count(err.Error(), "Unprocessable Entity") > 1 {
		t.Errorf("error repeats itself: %v", err)
	}
}

// TestImportKilledAndResumed kills mastodon-import with SIGKILL in the
// middle of an import with a journal, and runs it again: it resumes and
// every follow ends up on GoToSocial.
func TestImportKilledAndResumed(t *testing.T) {
	peers(t)
	alice := account(t, "alice", "new")
	const n = 30
	var csv strings.Builder
	want := []string{}
	for i := range n {
		name := fmt.Sprintf("kill%02d", i)
		if _, err := env.fp.AddUser(name, false); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&csv, "%s@fp.test\n", name)
		want = append(want, name+"@fp.test")
	}
	dir := t.TempDir()
	file, journal := filepath.Join(dir, "follows.csv"), filepath.Join(dir, "journal")
	writeFile(t, file, []byte(csv.String()))
	args := importArgs(alice, "-state", journal, "-concurrency", "1", file)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, "mastodon-import"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	follows := func() int {
		k := 0
		for _, a := range env.fp.Inbox() {
			if a.Type == "Follow" && strings.HasPrefix(a.User, "kill") {
				k++
			}
		}
		return k
	}
	if err := env.fp.Wait(ctx, func() bool { return follows() >= 8 }); err != nil {
		t.Fatalf("the import did not get going: %v\n%s", err, &out)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	t.Logf("killed after %d follows:\n%s", follows(), &out)
	if _, err := os.Stat(journal); err != nil {
		t.Fatalf("no journal after the kill: %v", err)
	}
	if got := len(exported(t, alice, "following", importer.Following)); got == n {
		t.Fatalf("the import finished before the kill")
	}

	code, stdout, _ := program(t, "mastodon-import", args...)
	if code != 0 || !strings.Contains(stdout, "resuming the following import") {
		t.Errorf("resumed run: exit %d, want 0 and resuming", code)
	}
	eventuallySet(t, alice, "following", importer.Following, want...)
}

// TestGoToSocialConforms runs package importertest's conformance check
// of a destination on mastodonapi.Client against a real GoToSocial, as
// carol@old.test, on a local account and a remote one. GoToSocial has no
// per-account domain blocks, so the Client is given without its
// DomainBlocker; bookmarks are not checked. It comes last in the file:
// carol's blocks undo follows other tests set up.
func TestGoToSocialConforms(t *testing.T) {
	peers(t)
	carol := account(t, "carol", "old")
	c := &mastodonapi.Client{BaseURL: carol.base, Token: carol.token}
	dst := c.Destination()
	dst.DomainBlocker = nil
	importertest.TestDestination(t, dst, c, importertest.Subjects{
		Accounts: [2]string{"dave@old.test", "bob@new.test"},
		List:     "Conformance",
	})
}
