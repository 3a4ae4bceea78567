package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
)

// csvSentinels names the errors test vectors can expect.
var csvSentinels = map[string]error{
	"ErrTooLarge":         importer.ErrTooLarge,
	"ErrTooManyRows":      importer.ErrTooManyRows,
	"ErrEmpty":            importer.ErrEmpty,
	"ErrIncompatibleType": importer.ErrIncompatibleType,
	"ErrMalformed":        importer.ErrMalformed,
	"ErrUnknownType":      importer.ErrUnknownType,
	"ErrInvalidAccount":   importer.ExportedErrInvalidAccount,
	"ErrInvalidDomain":    importer.ExportedErrInvalidDomain,
	"ErrInvalidURI":       importer.ExportedErrInvalidURI,
	"ErrInvalidList":      importer.ExportedErrInvalidList,
}

// csvVector is one scenario of testdata/vectors.
type csvVector struct {
	name     string
	typ      importer.Type
	local    string
	maxBytes int64
	maxRows  int
	header   string
	rows     []string // "row: ..." and "rowerror: ..." lines, in order
	err      string
	errLine  int
	payload  []byte
}

func loadVectors(t testing.TB) []csvVector {
	t.Helper()
	paths, err := filepath.Glob("testdata/vectors/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	var out []csvVector
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		head, payload, ok := bytes.Cut(b, []byte("\n--\n"))
		if !ok {
			t.Fatalf("%s: no -- line", p)
		}
		v := csvVector{name: strings.TrimSuffix(filepath.Base(p), ".txt"), payload: payload}
		for _, l := range strings.Split(string(head), "\n") {
			k, val, _ := strings.Cut(l, ": ")
			switch k {
			case "type":
				v.typ = importer.Type(val)
			case "local-domain":
				v.local = val
			case "max-bytes":
				n, _ := strconv.ParseInt(val, 10, 64)
				v.maxBytes = n
			case "max-rows":
				v.maxRows, _ = strconv.Atoi(val)
			case "header":
				v.header = val
			case "row", "rowerror":
				v.rows = append(v.rows, k+": "+val)
			case "error":
				v.err = val
			case "error-line":
				v.errLine, _ = strconv.Atoi(val)
			default:
				t.Fatalf("%s: unknown key %q", p, k)
			}
		}
		out = append(out, v)
	}
	return out
}

// formatRow renders the fields of a row that a type reads.
func formatRow(t importer.Type, r importer.Row) string {
	b := func(p *bool) string {
		if p == nil {
			return "nil"
		}
		return strconv.FormatBool(*p)
	}
	switch t {
	case importer.Following:
		langs := "nil"
		if r.Languages != nil {
			q := make([]string, len(r.Languages))
			for i, l := range r.Languages {
				q[i] = strconv.Quote(l)
			}
			langs = "[" + strings.Join(q, " ") + "]"
		}
		return fmt.Sprintf("%d account=%q showBoosts=%s notify=%s languages=%s", r.Line, r.Account, b(r.ShowBoosts), b(r.Notify), langs)
	case importer.Muting:
		return fmt.Sprintf("%d account=%q hideNotifications=%s", r.Line, r.Account, b(r.HideNotifications))
	case importer.Blocking, importer.Followers:
		return fmt.Sprintf("%d account=%q", r.Line, r.Account)
	case importer.DomainBlocking:
		return fmt.Sprintf("%d domain=%q", r.Line, r.Domain)
	case importer.Bookmarks:
		return fmt.Sprintf("%d uri=%q", r.Line, r.URI)
	case importer.Lists:
		return fmt.Sprintf("%d list=%q account=%q", r.Line, r.List, r.Account)
	}
	return "?"
}

// sentinelName returns the name of the most specific sentinel err
// unwraps to.
func sentinelName(err error) string {
	best := ""
	for name, s := range csvSentinels {
		if errors.Is(err, s) && (best == "" || errors.Is(s, csvSentinels[best])) {
			best = name
		}
	}
	return best
}

func TestVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			r := importer.NewReader(bytes.NewReader(v.payload), v.typ)
			r.LocalDomain = v.local
			r.MaxBytes = v.maxBytes
			r.MaxRows = v.maxRows
			r.FileName = v.name + ".csv"
			var got []string
			var fatal error
			for row, err := range r.Rows() {
				if err == nil {
					got = append(got, "row: "+formatRow(v.typ, row))
					continue
				}
				var pe *importer.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is not a *ParseError", err)
				}
				if pe.File != v.name+".csv" {
					t.Errorf("ParseError.File = %q", pe.File)
				}
				if !errors.Is(err, importer.ErrInvalidRow) {
					fatal = err
					continue
				}
				if pe.Line != row.Line {
					t.Errorf("row error line %d, row line %d", pe.Line, row.Line)
				}
				got = append(got, fmt.Sprintf("rowerror: %d:%d %s", pe.Line, pe.Column, sentinelName(err)))
			}
			if v.err != "" {
				if fatal == nil || sentinelName(fatal) != v.err {
					t.Fatalf("error = %v, want %s", fatal, v.err)
				}
				var pe *importer.ParseError
				errors.As(fatal, &pe)
				if v.errLine != 0 && pe.Line != v.errLine {
					t.Errorf("error line = %d, want %d (%v)", pe.Line, v.errLine, fatal)
				}
				return
			}
			if fatal != nil {
				t.Fatalf("unexpected error: %v", fatal)
			}
			if diff := cmp.Diff(v.rows, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if want := v.header == "true"; r.Header() != want {
				t.Errorf("Header() = %v, want %v", r.Header(), want)
			}
		})
	}
}

func bp(v bool) *bool { return &v }

func readFixture(t *testing.T, path string, typ importer.Type, local string) ([]importer.Row, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/csv", path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := importer.NewReader(f, typ)
	r.LocalDomain = local
	r.FileName = path
	return r.ReadAll()
}

func TestReadFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		path  string
		typ   importer.Type
		local string
		want  []importer.Row
	}{
		{
			name: "mastodon export of follows, with blank lines and languages",
			path: "mastodon-spec/following_accounts.csv", typ: importer.Following,
			want: []importer.Row{
				{Line: 3, Account: "user@example.com", ShowBoosts: bp(true), Notify: bp(false)},
				{Line: 5, Account: "user@test.com", ShowBoosts: bp(true), Notify: bp(true), Languages: []string{"en", "fr"}},
			},
		},
		{
			name: "header-less list of accounts, read as follows",
			path: "mastodon-spec/imports.txt", typ: importer.Following,
			want: []importer.Row{{Line: 1, Account: "user@example.com"}, {Line: 3, Account: "user@test.com"}},
		},
		{
			name: "bare local names are completed with the local domain",
			path: "mastodon-spec/mute-imports.txt", typ: importer.Muting, local: "cb6e6126.ngrok.io",
			want: []importer.Row{{Line: 1, Account: "bob@cb6e6126.ngrok.io"}, {Line: 3, Account: "eve@example.com"}},
		},
		{
			name: "unknown Stealth column is dropped",
			path: "mastodon-spec/new-block-imports.txt", typ: importer.Blocking,
			want: []importer.Row{{Line: 2, Account: "bob"}, {Line: 3, Account: "eve@example.com"}},
		},
		{
			name: "3.x two-column follows",
			path: "mastodon-spec/new-following-imports.txt", typ: importer.Following,
			want: []importer.Row{{Line: 2, Account: "bob", ShowBoosts: bp(true)}, {Line: 3, Account: "eve@example.com", ShowBoosts: bp(false)}},
		},
		{
			name: "mutes with hide notifications",
			path: "mastodon-spec/new-mute-imports.txt", typ: importer.Muting,
			want: []importer.Row{{Line: 2, Account: "bob", HideNotifications: bp(true)}, {Line: 3, Account: "eve@example.com", HideNotifications: bp(false)}},
		},
		{
			name: "admin domain-block format is a domain-blocks file",
			path: "mastodon-spec/domain_blocks.csv", typ: importer.DomainBlocking,
			want: []importer.Row{{Line: 2, Domain: "bad.domain"}, {Line: 3, Domain: "worse.domain"}, {Line: 4, Domain: "reject.media"}, {Line: 5, Domain: "reject.follows"}},
		},
		{
			name: "header-less lists",
			path: "mastodon-spec/lists.csv", typ: importer.Lists,
			want: []importer.Row{
				{Line: 1, List: "Mastodon project", Account: "gargron@example.com"},
				{Line: 2, List: "Mastodon project", Account: "mastodon@example.com"},
				{Line: 3, List: "test", Account: "foo@example.com"},
			},
		},
		{
			name: "bookmarks",
			path: "mastodon-spec/bookmark-imports.txt", typ: importer.Bookmarks,
			want: []importer.Row{
				{Line: 1, URI: "https://example.com/statuses/1312"},
				{Line: 2, URI: "https://local.com/users/foo/statuses/42"},
				{Line: 3, URI: "https://unknown-remote.com/users/bar/statuses/1"},
				{Line: 4, URI: "https://example.com/statuses/direct"},
			},
		},
		{
			name: "gotosocial followers, with ports",
			path: "gotosocial/followers.csv", typ: importer.Followers,
			want: []importer.Row{{Line: 2, Account: "1happyturtle@localhost:8080"}, {Line: 3, Account: "admin@localhost:8080"}},
		},
		{
			name: "gotosocial follows export",
			path: "gotosocial/following_accounts.csv", typ: importer.Following,
			want: []importer.Row{
				{Line: 2, Account: "1happyturtle@localhost:8080", ShowBoosts: bp(true), Notify: bp(false)},
				{Line: 3, Account: "admin@localhost:8080", ShowBoosts: bp(true), Notify: bp(false)},
			},
		},
		{
			name: "gotosocial mutes export with no rows",
			path: "gotosocial/muted_accounts.csv", typ: importer.Muting,
			want: nil,
		},
		{
			name: "gotosocial lists",
			path: "gotosocial/lists.csv", typ: importer.Lists,
			want: []importer.Row{
				{Line: 1, List: "Cool Ass Posters From This Instance", Account: "1happyturtle@localhost:8080"},
				{Line: 2, List: "Cool Ass Posters From This Instance", Account: "admin@localhost:8080"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readFixture(t, tt.path, tt.typ, tt.local)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAllCollectsRowErrors(t *testing.T) {
	t.Parallel()
	in := "bob@remote.example\nnot valid\neve@other.example\nalso not\n"
	rows, err := importer.NewReader(strings.NewReader(in), importer.Blocking).ReadAll()
	if len(rows) != 2 {
		t.Errorf("got %d rows, want the 2 good ones", len(rows))
	}
	if !errors.Is(err, importer.ExportedErrInvalidAccount) || !errors.Is(err, importer.ErrInvalidRow) {
		t.Fatalf("err = %v, want invalid account rows", err)
	}
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var pe *importer.ParseError
		if errors.As(e, &pe) {
			lines = append(lines, pe.Line)
		}
	}
	if diff := cmp.Diff([]int{2, 4}, lines); diff != "" {
		t.Errorf("error lines (-want +got):\n%s", diff)
	}
}

func TestParseErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := importer.NewReader(strings.NewReader("Friends,not an address\n"), importer.Lists).ReadAll()
	want := `importer: line 1, column 2: invalid account address "not an address"`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	r := importer.NewReader(strings.NewReader(""), importer.Lists)
	r.FileName = "lists.csv"
	_, err = r.ReadAll()
	if want := "importer: lists.csv: empty CSV file"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestReaderOptions(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("bob@remote.example\n", importer.DefaultMaxRows+1)
	if _, err := importer.NewReader(strings.NewReader(big), importer.Blocking).ReadAll(); !errors.Is(err, importer.ErrTooManyRows) {
		t.Errorf("default row limit: err = %v", err)
	}
	r := importer.NewReader(strings.NewReader(big), importer.Blocking)
	r.MaxRows = -1
	if rows, err := r.ReadAll(); err != nil || len(rows) != importer.DefaultMaxRows+1 {
		t.Errorf("no row limit: %d rows, err %v", len(rows), err)
	}
	huge := bytes.Repeat([]byte("a"), importer.DefaultMaxBytes+1)
	if _, err := importer.NewReader(bytes.NewReader(huge), importer.Blocking).ReadAll(); !errors.Is(err, importer.ErrTooLarge) {
		t.Errorf("default size limit: err = %v", err)
	}
	if _, err := importer.NewReader(strings.NewReader("x"), "contacts").ReadAll(); !errors.Is(err, importer.ErrUnknownType) {
		t.Errorf("unknown type: err = %v", err)
	}
}

type brokenSource struct{}

func (brokenSource) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReaderPassesReadErrors(t *testing.T) {
	t.Parallel()
	_, err := importer.NewReader(brokenSource{}, importer.Blocking).ReadAll()
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
}

func TestRowsSingleUseAndEarlyBreak(t *testing.T) {
	t.Parallel()
	r := importer.NewReader(strings.NewReader("a@x.example\nb@x.example\n"), importer.Blocking)
	n := 0
	for _, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("read %d rows before break", n)
	}
	for _, err := range r.Rows() {
		if err == nil {
			t.Error("second use of Rows yielded a row")
		}
	}
}

func TestColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		typ  importer.Type
		want []string
	}{
		{"default following", "bob@x.example\n", importer.Following, []string{"Account address"}},
		{"default lists", "L,bob@x.example\n", importer.Lists, []string{"List name", "Account address"}},
		{"header order, unknown dropped", "Account address,Colour,Languages\nbob@x.example,red,de\n", importer.Following, []string{"Account address", "Languages"}},
		{"mute columns of a follows file", "Account address,Show boosts\nbob@x.example,true\n", importer.Muting, []string{"Account address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := importer.NewReader(strings.NewReader(tt.in), tt.typ)
			if _, err := r.ReadAll(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.Columns()); diff != "" {
				t.Errorf("Columns (-want +got):\n%s", diff)
			}
		})
	}
}
