package importer

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits, as Mastodon has them. [Reader] and [Planner] take them from
// here when their fields are zero.
const (
	// DefaultMaxBytes is the largest file a Reader reads: 20 MiB.
	DefaultMaxBytes = 20 << 20
	// DefaultMaxRows is the most data rows a Reader reads: 20,000.
	DefaultMaxRows = 20000
	// MaxListTitle is the longest list title, in characters.
	MaxListTitle = 256
)

// A Reader reads the rows of one import file of one [Type], following
// Mastodon's rules for reading imports and kinder where those rules fail
// users (see the package documentation).
//
// Set the exported fields before reading. The zero value of each applies
// Mastodon's default.
type Reader struct {
	// LocalDomain is the domain of the server the file is imported into.
	// Bare user names ("bob") are completed with it ("bob@LocalDomain");
	// when it is empty they are left bare, which servers read as local
	// accounts.
	LocalDomain string
	// MaxBytes is the largest file accepted ([DefaultMaxBytes] when 0; no
	// limit when negative). A larger file is refused with [ErrTooLarge].
	MaxBytes int64
	// MaxRows is the most data rows accepted, blank lines and the header
	// not counted ([DefaultMaxRows] when 0; no limit when negative). A
	// file with more is refused with [ErrTooManyRows]. Blank lines (and
	// lines of only commas) are bounded by the same number, counted
	// apart: a file with more of them is refused with ErrTooManyRows too.
	MaxRows int
	// FileName names the file in errors.
	FileName string

	r        io.Reader
	t        Type
	used     bool
	estimate int // upper bound of the rows, known once the file is loaded
	header   bool
	columns  []string
}

// NewReader returns a Reader of an import file of type t read from r.
func NewReader(r io.Reader, t Type) *Reader {
	return &Reader{r: r, t: t}
}

// Header reports whether the file has a header line. It is known once
// the first row (or error) has been read.
func (r *Reader) Header() bool { return r.header }

// Columns returns the names of the columns the file's rows are read
// with: the header's cells if it has one, in file order, the type's
// default columns otherwise. Cells under a name the type does not read
// are dropped. It is known once the first row (or error) has been read.
func (r *Reader) Columns() []string { return r.columns }

// ReadAll reads every row. Rows that cannot be used are left out and
// reported together in the returned error, an [errors.Join] of
// [*ParseError] values that each unwrap to [ErrInvalidRow]; the good rows
// are returned with it. When the file as a whole cannot be used, ReadAll
// returns no rows and that error.
func (r *Reader) ReadAll() ([]Row, error) {
	var rows []Row
	var bad []error
	for row, err := range r.Rows() {
		if rows == nil {
			rows = make([]Row, 0, r.estimate)
		}
		if err != nil {
			if errors.Is(err, ErrInvalidRow) {
				bad = append(bad, err)
				continue
			}
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, errors.Join(bad...)
}

// Rows returns an iterator over the file's data rows, in file order.
//
// A row that cannot be used (a bad account address, say) is yielded as
// a [*ParseError] that unwraps to [ErrInvalidRow], with the row's line
// and cell, and reading goes on. Any other error ends the iteration: the
// file cannot be used as a whole ([ErrTooLarge], [ErrEmpty],
// [ErrIncompatibleType], [ErrMalformed], an error of the underlying
// reader), and the rows yielded before it must be discarded. This can
// happen late: [ErrTooManyRows] comes at the first row past the limit.
//
// The file is read into memory (at most MaxBytes) before the first row
// is yielded. The iterator can be used once; breaking out of the loop
// early is fine.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		if r.used {
			yield(Row{}, errors.New("importer: Reader.Rows called more than once"))
			return
		}
		r.used = true
		data, err := r.load()
		if err != nil {
			yield(Row{}, err)
			return
		}
		r.parse(data, yield)
	}
}

// fail wraps err in a ParseError for the reader's file.
func (r *Reader) fail(line, col int, err error) *ParseError {
	return &ParseError{File: r.FileName, Line: line, Column: col, Err: err}
}

// load reads the whole input within the size limit and checks it is
// UTF-8 text. It drops a leading byte order mark.
func (r *Reader) load() (string, error) {
	if !r.t.valid() {
		return "", r.fail(0, 0, fmt.Errorf("%w %q", ErrUnknownType, string(r.t)))
	}
	limit := r.MaxBytes
	if limit == 0 {
		limit = DefaultMaxBytes
	}
	var b strings.Builder
	src := r.r
	if limit > 0 {
		src = io.LimitReader(r.r, limit+1)
	}
	if _, err := io.Copy(&b, src); err != nil {
		return "", fmt.Errorf("importer: reading %s: %w", r.name(), err)
	}
	s := b.String()
	if limit > 0 && int64(len(s)) > limit {
		return "", r.fail(0, 0, fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, limit))
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	if i := strings.IndexByte(s, 0); i >= 0 {
		return "", r.fail(lineAt(s, i), 0, fmt.Errorf("%w: NUL byte", ErrMalformed))
	}
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			c, n := utf8.DecodeRuneInString(s[i:])
			if c == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return "", r.fail(lineAt(s, i), 0, fmt.Errorf("%w: invalid UTF-8", ErrMalformed))
	}
	r.estimate = countLines(s) + 1
	if m := r.MaxRows; m >= 0 {
		if m == 0 {
			m = DefaultMaxRows
		}
		r.estimate = min(r.estimate, m)
	}
	return s, nil
}

func (r *Reader) name() string {
	if r.FileName != "" {
		return r.FileName
	}
	return "import file"
}

// lineAt returns the 1-based line of byte offset i.
func lineAt(s string, i int) int {
	return countLines(s[:i]) + 1
}

// countLines returns the number of line ends in s: LF, CRLF and CR alone
// each count once.
func countLines(s string) int {
	return strings.Count(s, "\n") + strings.Count(s, "\r") - strings.Count(s, "\r\n")
}

// parse reads the records of data and yields its rows.
func (r *Reader) parse(data string, yield func(Row, error) bool) {
	maxRows := r.MaxRows
	if maxRows == 0 {
		maxRows = DefaultMaxRows
	}
	p := parser{s: data, line: 1, lf: -1, cr: -1}
	var (
		cols   []column
		first  = true
		n      int
		blanks int
		slab   slab
	)
	for {
		line, err := p.record()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				pe.File = r.FileName
			}
			r.columns = nil
			yield(Row{}, err)
			return
		}
		if blank(p.fields) {
			// Blank lines are bounded too, by the same number, so that
			// a file of them cannot be read without end.
			blanks++
			if maxRows > 0 && blanks > maxRows {
				yield(Row{}, r.fail(line, 0, fmt.Errorf("%w: the file contains more than %d blank lines", ErrTooManyRows, maxRows)))
				return
			}
			continue
		}
		if first {
			first = false
			var header bool
			cols, header, err = r.readHeader(p.fields)
			if err != nil {
				yield(Row{}, r.fail(line, 0, err))
				return
			}
			if header {
				continue
			}
		}
		n++
		if maxRows > 0 && n > maxRows {
			yield(Row{}, r.fail(line, 0, fmt.Errorf("%w: the file contains more than %d rows", ErrTooManyRows, maxRows)))
			return
		}
		row, col, err := r.convert(p.fields, cols, &slab)
		if err != nil {
			if !yield(Row{Line: line}, r.fail(line, col, err)) {
				return
			}
			continue
		}
		row.Line = line
		if !yield(row, nil) {
			return
		}
	}
	if first {
		yield(Row{}, r.fail(0, 0, ErrEmpty))
	}
}

// blank reports whether every field of a record is empty or spaces: a
// blank line, or one of only commas.
func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// readHeader decides whether the first record is a header and returns
// the columns the rows are read with.
func (r *Reader) readHeader(fields []string) (cols []column, header bool, err error) {
	first := strings.TrimSpace(fields[0])
	if !isFirstHeader(first) || r.listTitledListName(fields) {
		r.columns = requiredColumns(r.t)
		cols = make([]column, len(r.columns))
		for i, name := range r.columns {
			cols[i] = headerColumn[name]
		}
		return cols, false, nil
	}
	r.header = true
	want := expectedColumns(r.t)
	cols = make([]column, len(fields))
	seen := make(map[string]bool, len(fields))
	for i, f := range fields {
		name := strings.TrimSpace(f)
		if seen[name] || !contains(want, name) {
			continue // unknown or repeated: dropped, the first one counts
		}
		seen[name] = true
		cols[i] = headerColumn[name]
		r.columns = append(r.columns, name)
	}
	for _, name := range requiredColumns(r.t) {
		if !seen[name] {
			return nil, true, fmt.Errorf("%w: the header has no %q column", ErrIncompatibleType, name)
		}
	}
	return cols, true, nil
}

// listTitledListName reports whether a first lists line that starts with
// "List name" is data rather than a header: a list titled "List name"
// whose second cell is an account address, as a header would name that
// column "Account address".
func (r *Reader) listTitledListName(fields []string) bool {
	if r.t != Lists || len(fields) < 2 || strings.TrimSpace(fields[0]) != hList {
		return false
	}
	_, err := r.account(fields[1])
	return err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// convert turns a record into a row. On error it returns the 1-based
// cell of the problem.
func (r *Reader) convert(fields []string, cols []column, sl *slab) (row Row, col int, err error) {
	var have [colList + 1]bool
	for i, f := range fields {
		if i >= len(cols) {
			break
		}
		c := cols[i]
		have[c] = true
		switch c {
		case colAccount:
			if row.Account, err = r.account(f); err != nil {
				return Row{}, i + 1, err
			}
		case colShowBoosts:
			if v, ok := parseBool(f); ok {
				row.ShowBoosts = sl.bool(v)
			}
		case colNotify:
			if v, ok := parseBool(f); ok {
				row.Notify = sl.bool(v)
			}
		case colHide:
			if v, ok := parseBool(f); ok {
				row.HideNotifications = sl.bool(v)
			}
		case colLanguages:
			row.Languages = sl.languages(f)
		case colDomain:
			if row.Domain, err = domain(f); err != nil {
				return Row{}, i + 1, err
			}
		case colURI:
			if row.URI, err = statusURI(f); err != nil {
				return Row{}, i + 1, err
			}
		case colList:
			if row.List, err = listTitle(f); err != nil {
				return Row{}, i + 1, err
			}
		}
	}
	// A short row lacks cells: the subject of the row must be there.
	for i, c := range cols {
		if c == colDrop || have[c] {
			continue
		}
		switch c {
		case colAccount:
			return Row{}, i + 1, fmt.Errorf("%w: missing", errInvalidAccount)
		case colDomain:
			return Row{}, i + 1, fmt.Errorf("%w: missing", errInvalidDomain)
		case colURI:
			return Row{}, i + 1, fmt.Errorf("%w: missing", errInvalidURI)
		case colList:
			return Row{}, i + 1, fmt.Errorf("%w: missing", errInvalidList)
		}
	}
	return row, 0, nil
}

// account reads an account address cell: trimmed, the apostrophe of an
// escaped formula ([Writer.EscapeFormulas]) and one leading "@" dropped,
// a bare name completed with LocalDomain. No address holds an
// apostrophe, so dropping it is never ambiguous.
func (r *Reader) account(cell string) (string, error) {
	a := strings.TrimSpace(cell)
	if len(a) > 1 && a[0] == '\'' && isFormula(a[1:]) {
		a = strings.TrimSpace(a[1:])
	}
	a = strings.TrimPrefix(a, "@")
	if a == "" {
		return "", fmt.Errorf("%w: empty", errInvalidAccount)
	}
	user, host, found := strings.Cut(a, "@")
	if !validUser(user) {
		return "", fmt.Errorf("%w %q", errInvalidAccount, a)
	}
	if !found {
		if r.LocalDomain != "" {
			return a + "@" + r.LocalDomain, nil
		}
		return a, nil
	}
	if _, ok := hostKey(host); !ok {
		return "", fmt.Errorf("%w %q: bad domain", errInvalidAccount, a)
	}
	return a, nil
}

// domain reads a domain cell: trimmed and lower-cased, as Mastodon does.
func domain(cell string) (string, error) {
	d := strings.TrimSpace(cell)
	if d == "" {
		return "", fmt.Errorf("%w: empty", errInvalidDomain)
	}
	if _, ok := hostKey(d); !ok {
		return "", fmt.Errorf("%w %q", errInvalidDomain, d)
	}
	return strings.ToLower(d), nil
}

// statusURI reads a bookmarks cell: an absolute URI (https, or the
// tag: URIs of OStatus days).
func statusURI(cell string) (string, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return "", fmt.Errorf("%w: empty", errInvalidURI)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") || strings.ContainsAny(s, " \t") {
		return "", fmt.Errorf("%w %q", errInvalidURI, s)
	}
	return s, nil
}

// listTitle reads a list title cell: trimmed, not empty, at most
// MaxListTitle characters.
func listTitle(cell string) (string, error) {
	s := strings.TrimFunc(cell, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	if s == "" {
		return "", fmt.Errorf("%w: empty", errInvalidList)
	}
	if utf8.RuneCountInString(s) > MaxListTitle {
		return "", fmt.Errorf("%w: longer than %d characters", errInvalidList, MaxListTitle)
	}
	return s, nil
}

// slab hands out small values from shared chunks, so that a row's
// booleans and languages cost no allocation of their own. Values are
// never shared between rows.
type slab struct {
	bools []bool
	strs  []string
}

func (s *slab) bool(v bool) *bool {
	if len(s.bools) == 0 {
		s.bools = make([]bool, 1024)
	}
	p := &s.bools[0]
	*p = v
	s.bools = s.bools[1:]
	return p
}

func (s *slab) languages(cell string) []string {
	if strings.TrimSpace(cell) == "" {
		return nil
	}
	n := strings.Count(cell, ",") + 1
	if len(s.strs) < n {
		s.strs = make([]string, max(256, n))
	}
	out := s.strs[:0:n]
	for part := range strings.SplitSeq(cell, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	s.strs = s.strs[n:]
	return out[:len(out):len(out)]
}

// parser splits CSV text into records. Fields are substrings of the
// text; only quoted fields with doubled quotes are copied.
//
// Every search is bounded by the record it is for, so parsing is linear
// in the size of the text whatever its line ends (LF, CRLF or CR alone):
// the next LF and the next CR are each searched for again only once
// passed, so a file with none of one of them is scanned for it once.
type parser struct {
	s      string
	pos    int
	line   int
	lf, cr int // offsets of the next LF and CR at or after pos, or len(s)
	fields []string
}

// maxCells is the most cells a record may hold: Mastodon's files have at
// most a few, and a line of commas must not cost a slice element each.
const maxCells = 1024

// next returns the offset of the next c at or after pos, using and
// updating the cached offset *at.
func (p *parser) next(at *int, c byte) int {
	if *at < p.pos {
		*at = len(p.s)
		if i := strings.IndexByte(p.s[p.pos:], c); i >= 0 {
			*at = p.pos + i
		}
	}
	return *at
}

// record reads the next record into p.fields and returns the line it
// starts on, or io.EOF.
func (p *parser) record() (int, error) {
	if p.pos >= len(p.s) {
		return 0, io.EOF
	}
	start := p.line
	end := min(p.next(&p.lf, '\n'), p.next(&p.cr, '\r'))
	line := p.s[p.pos:end]
	if strings.IndexByte(line, '"') >= 0 {
		return start, p.slow()
	}
	// Fast path: an unquoted line.
	p.fields = p.fields[:0]
	for {
		i := strings.IndexByte(line, ',')
		if i < 0 {
			p.fields = append(p.fields, line)
			break
		}
		if len(p.fields) == maxCells-1 {
			return start, p.tooManyCells(start)
		}
		p.fields = append(p.fields, line[:i])
		line = line[i+1:]
	}
	p.pos = skipLineEnd(p.s, end)
	p.line++
	return start, nil
}

func (p *parser) tooManyCells(line int) error {
	return &ParseError{Line: line, Column: maxCells + 1,
		Err: fmt.Errorf("%w: more than %d cells on a line", ErrMalformed, maxCells)}
}

// skipLineEnd returns the offset after the line end at i (CRLF, CR or
// LF), or i at the end of s.
func skipLineEnd(s string, i int) int {
	if i >= len(s) {
		return i
	}
	if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
		return i + 2
	}
	return i + 1
}

// slow reads a record that holds quotes or lone carriage returns.
// It is lenient: a quote inside an unquoted field is kept as a
// character, and text after a closing quote is appended to the field.
func (p *parser) slow() error {
	p.fields = p.fields[:0]
	s := p.s
	i := p.pos
	for {
		var field string
		if i < len(s) && s[i] == '"' {
			openLine := p.line
			i++
			start := i
			var buf []byte
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return &ParseError{Line: openLine, Column: len(p.fields) + 1,
						Err: fmt.Errorf("%w: a quoted field never ends", ErrMalformed)}
				}
				p.line += countLines(s[i : i+j])
				if i+j+1 < len(s) && s[i+j+1] == '"' {
					buf = append(buf, s[i:i+j+1]...)
					i += j + 2
					continue
				}
				if buf != nil {
					field = string(append(buf, s[i:i+j]...))
				} else {
					field = s[start : i+j]
				}
				i += j + 1
				break
			}
			if k := fieldEnd(s[i:]); k > 0 {
				field += s[i : i+k]
				i += k
			}
		} else {
			k := fieldEnd(s[i:])
			field = s[i : i+k]
			i += k
		}
		if len(p.fields) == maxCells {
			return p.tooManyCells(p.line)
		}
		p.fields = append(p.fields, field)
		if i >= len(s) {
			p.pos = i
			return nil
		}
		switch s[i] {
		case ',':
			i++
			continue
		case '\r':
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '\n':
			i++
		}
		p.line++
		p.pos = i
		return nil
	}
}

// fieldEnd returns the length of the unquoted text at the start of s.
func fieldEnd(s string) int {
	if k := strings.IndexAny(s, ",\r\n"); k >= 0 {
		return k
	}
	return len(s)
}
