// Command csv-inspect reads a Mastodon import file and reports what an
// import would see in it: its type, whether it has a header, its rows,
// the rows that cannot be used and why, and warnings such as a type that
// does not match the file.
//
//	go run ./examples/csv-inspect [-type T] [-json] FILE
//
// T is one of following, followers, muting, blocking, domain_blocking,
// bookmarks, lists; without -type it is guessed from the header and the
// file name. With -json the report is one JSON object. The exit status is
// 0 when the file can be imported (even if some rows cannot), 1 when it
// cannot (wrong type, too large, not CSV, not a regular file: a named
// pipe or a device is refused rather than read), 2 for bad usage. An empty
// file (GoToSocial exports an empty list as 0 bytes) holds no rows when
// its type is known, from -type or its name.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fediport/fediport/examples/cli"
	"github.com/fediport/fediport/examples/termtext"
	"github.com/fediport/fediport/importer"
)

//go:embed main.go
var source string

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// report is the JSON output.
type report struct {
	Type     importer.Type    `json:"type"`
	Header   bool             `json:"header"`
	Rows     []map[string]any `json:"rows"`
	Errors   []rowError       `json:"errors"`
	Warnings []string         `json:"warnings"`

	guess string // why the type was guessed, for the summary
}

type rowError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func run(args []string, stdout, stderr io.Writer) int {
	c := cli.New("csv-inspect", source, stdout, stderr)
	typeName := c.Flags.String("type", "", "import `type`: "+typeList()+" (guessed if absent)")
	asJSON := c.Flags.Bool("json", false, "print one JSON object")
	files, err := c.Parse(args)
	switch {
	case err != nil:
	case len(files) != 1:
		err = cli.Usagef("expected one FILE, got %d", len(files))
	case *typeName != "":
		if _, terr := importer.ParseType(*typeName); terr != nil {
			err = cli.Usagef("-type %q is not an import type; valid types: %s", *typeName, typeList())
		}
	}
	if err != nil {
		return c.Exit(err)
	}
	rep, err := inspect(files[0], *typeName)
	if err != nil {
		return c.Exit(errors.New(termtext.Escape(err.Error())))
	}
	if *asJSON {
		enc := json.NewEncoder(termtext.JSONWriter(stdout))
		enc.SetIndent("", "  ")
		return c.Exit(enc.Encode(rep))
	}
	printSummary(stdout, files[0], rep)
	return 0
}

// inspect reads the file as the given type (guessed when empty). It
// returns an error when the file cannot be imported.
func inspect(path, typeName string) (*report, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10) // the start of the file, for guessing
	name := filepath.Base(path)
	if what := notCSV(head); what != "" {
		return nil, fmt.Errorf("%s: %s", name, what)
	}

	rep := &report{Rows: []map[string]any{}, Errors: []rowError{}, Warnings: []string{}}
	if typeName == "" {
		t, reason := importer.DetectType(head, name)
		if t == "" && len(head) == 0 {
			return nil, fmt.Errorf("%s: an empty file, with no header to tell its type: give -type to read it as an empty list of that type", name)
		}
		if t == "" {
			return nil, fmt.Errorf("%s: cannot tell the import type; give -type", name)
		}
		rep.Type, rep.guess = t, reason
	} else {
		t, err := importer.ParseType(typeName)
		if err != nil {
			return nil, fmt.Errorf("%w %q", err, typeName)
		}
		rep.Type = t
		if err := importer.CheckType(t, head, name); err != nil {
			rep.Warnings = append(rep.Warnings, strings.TrimPrefix(err.Error(), "importer: "))
		}
	}

	r := importer.NewReader(br, rep.Type)
	r.FileName = name
	var rows []importer.Row
	for row, err := range r.Rows() {
		if err == nil {
			rows = append(rows, row)
			continue
		}
		if errors.Is(err, importer.ErrEmpty) {
			// GoToSocial exports an empty list as a 0-byte file: with
			// the type known, it holds no rows.
			rep.Warnings = append(rep.Warnings, "the file is empty: no rows")
			break
		}
		if !errors.Is(err, importer.ErrInvalidRow) {
			return nil, explain(err)
		}
		var pe *importer.ParseError
		errors.As(err, &pe)
		msg := strings.TrimPrefix(pe.Err.Error(), "importer: ")
		rep.Errors = append(rep.Errors, rowError{Line: pe.Line, Column: pe.Column, Message: msg})
	}
	rep.Header = r.Header()
	cols := map[string]bool{}
	for _, c := range r.Columns() {
		cols[c] = true
	}
	for _, row := range rows {
		rep.Rows = append(rep.Rows, jsonRow(rep.Type, cols, row))
	}
	if rep.Type == importer.Followers {
		rep.Warnings = append(rep.Warnings, strings.TrimPrefix(importer.ErrFollowersImport.Error(), "importer: "))
	}
	return rep, nil
}

// typeList returns the import types, for messages: "following,
// followers, ...".
func typeList() string {
	names := make([]string, len(importer.Types()))
	for i, t := range importer.Types() {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// notCSV says what the start of a file shows it to be when it is plainly
// not a CSV file: a ZIP or gzip archive, binary data. It returns
// "" for anything that may be CSV; text in another encoding than UTF-8 is
// left to the reader, which says so.
func notCSV(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "this is a ZIP archive, not a CSV file: use archive-inspect for a Mastodon export archive, or unpack the CSV files from it"
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "this is a gzip file, not a CSV file: use archive-inspect for a .tar.gz export archive, or unpack the CSV files from it"
	case bytes.IndexByte(head, 0) >= 0:
		return "binary data, not a CSV file"
	}
	return ""
}

// explain rewords an error of the reader that ends the file: an
// unterminated quote is named as such, with its line, rather than as an
// encoding problem.
func explain(err error) error {
	var pe *importer.ParseError
	if errors.Is(err, importer.ErrMalformed) && errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "quoted field never ends") {
		return fmt.Errorf("%s: line %d: a quoted field never ends: a \" opens it and no closing \" follows", pe.File, pe.Line)
	}
	return err
}

// jsonRow returns the fields of a row for its type, leaving out those
// whose column the file lacks. An empty cell of a column the file has is
// null.
func jsonRow(t importer.Type, cols map[string]bool, r importer.Row) map[string]any {
	m := map[string]any{}
	opt := func(key, column string, v any) {
		if cols[column] {
			m[key] = v
		}
	}
	switch t {
	case importer.Following:
		m["account"] = r.Account
		opt("showBoosts", "Show boosts", r.ShowBoosts)
		opt("notify", "Notify on new posts", r.Notify)
		opt("languages", "Languages", r.Languages)
	case importer.Muting:
		m["account"] = r.Account
		opt("hideNotifications", "Hide notifications", r.HideNotifications)
	case importer.Blocking, importer.Followers:
		m["account"] = r.Account
	case importer.DomainBlocking:
		m["domain"] = r.Domain
	case importer.Bookmarks:
		m["uri"] = r.URI
	case importer.Lists:
		m["list"] = r.List
		m["account"] = r.Account
	}
	return m
}

func printSummary(w io.Writer, path string, rep *report) {
	header := "no header"
	if rep.Header {
		header = "a header"
	}
	fmt.Fprintf(w, "%s: %s file with %s: %s, %s\n",
		filepath.Base(path), rep.Type, header, cli.Plural(int64(len(rep.Rows)), "row", ""), cli.Plural(int64(len(rep.Errors)), "bad row", ""))
	if rep.guess != "" {
		fmt.Fprintf(w, "type guessed: %s\n", rep.guess)
	}
	for i, row := range rep.Rows {
		if i == 5 {
			fmt.Fprintf(w, "  ... %d more\n", len(rep.Rows)-i)
			break
		}
		b, _ := json.Marshal(row)
		fmt.Fprintf(w, "  %s\n", termtext.JSON(b))
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "error: line %d: %s\n", e.Line, termtext.Escape(e.Message))
	}
	for _, s := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", termtext.Escape(s))
	}
}
