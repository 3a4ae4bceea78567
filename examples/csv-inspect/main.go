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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fediport/fediport/importer"
	"github.com/fediport/fediport/internal/termtext"
)

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
	fs := flag.NewFlagSet("csv-inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	typeName := fs.String("type", "", "import type: following, followers, muting, blocking, domain_blocking, bookmarks, lists (guessed if absent)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: csv-inspect [-type T] [-json] FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	rep, err := inspect(fs.Arg(0), *typeName)
	if err != nil {
		fmt.Fprintln(stderr, "csv-inspect:", termtext.Escape(err.Error()))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(termtext.JSONWriter(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "csv-inspect:", err)
			return 1
		}
		return 0
	}
	printSummary(stdout, fs.Arg(0), rep)
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

	rep := &report{Rows: []map[string]any{}, Errors: []rowError{}, Warnings: []string{}}
	name := filepath.Base(path)
	if typeName == "" {
		t, reason := importer.DetectType(head, name)
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
			return nil, err
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
	fmt.Fprintf(w, "%s: %s file with %s: %d rows, %d bad rows\n",
		filepath.Base(path), rep.Type, header, len(rep.Rows), len(rep.Errors))
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
