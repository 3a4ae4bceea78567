package importer

import (
	"bufio"
	"io"
	"strings"
)

// A Writer writes rows of one [Type] as Mastodon exports them, byte for
// byte: Ruby's CSV rules (a field is quoted only when it holds a comma, a
// quote, CR or LF, quotes doubled; an empty string is written as "" and a
// nil value as nothing), LF line ends, no byte order mark, booleans
// true/false, languages joined by ", ", and a header line only for the
// types Mastodon writes one for (following, muting; and followers, as
// GoToSocial does).
//
// Writes are buffered: call [Writer.Flush] at the end.
//
// # Formulas
//
// A spreadsheet opening a CSV file runs a cell that starts with "=", "+",
// "-" or "@" as a formula ("=HYPERLINK(...)", "=cmd|..."), and cells are
// text from the files being imported, which anyone can write. By default
// a Writer writes cells as they are: byte for byte what Mastodon writes,
// for files meant to be imported again (exports, [WriteRows]). With
// [Writer.EscapeFormulas] set, as [WriteActions] sets it for the failures
// report people open, such cells are written as text instead.
type Writer struct {
	// EscapeFormulas makes the Writer write a cell a spreadsheet would
	// read as a formula as text: a cell whose first character, or first
	// after spaces, is "=", "+", "-", "@" (or their full-width forms), or
	// that starts with a tab, CR or LF, is written quoted with an
	// apostrophe before it ("=1+1" becomes "'=1+1"), as OWASP advises.
	// The [Reader] drops the apostrophe from an account address (which
	// never holds one) and keeps it in other cells: a list title so
	// escaped is no longer what Mastodon wrote. The zero value writes
	// every cell as it is.
	EscapeFormulas bool

	w       *bufio.Writer
	t       Type
	started bool
	err     error
}

// NewWriter returns a Writer of t rows to w.
func NewWriter(w io.Writer, t Type) *Writer {
	return &Writer{w: bufio.NewWriter(w), t: t}
}

// Write writes one row: the fields of its type, the others ignored.
func (w *Writer) Write(row Row) error {
	if err := w.start(); err != nil {
		return err
	}
	switch w.t {
	case Following:
		w.field(row.Account)
		w.sep()
		w.boolean(row.ShowBoosts)
		w.sep()
		w.boolean(row.Notify)
		w.sep()
		if row.Languages != nil {
			w.field(strings.Join(row.Languages, ", "))
		}
	case Muting:
		w.field(row.Account)
		w.sep()
		w.boolean(row.HideNotifications)
	case Blocking, Followers:
		w.field(row.Account)
	case DomainBlocking:
		w.field(row.Domain)
	case Bookmarks:
		w.field(row.URI)
	case Lists:
		w.field(row.List)
		w.sep()
		w.field(row.Account)
	}
	return w.end()
}

// Flush writes the header if no row was written (so an empty export
// still has it, as Mastodon's has) and any buffered data to the
// underlying writer.
func (w *Writer) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

// start checks the type and writes the header the first time.
func (w *Writer) start() error {
	if w.err != nil || w.started {
		return w.err
	}
	w.started = true
	if !w.t.valid() {
		w.err = ErrUnknownType
		return w.err
	}
	if writesHeader(w.t) {
		for i, h := range expectedColumns(w.t) {
			if i > 0 {
				w.sep()
			}
			w.field(h)
		}
		return w.end()
	}
	return nil
}

func (w *Writer) sep() { w.w.WriteByte(',') }

func (w *Writer) end() error {
	if err := w.w.WriteByte('\n'); err != nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) boolean(b *bool) {
	switch {
	case b == nil:
	case *b:
		w.w.WriteString("true")
	default:
		w.w.WriteString("false")
	}
}

// field writes a string as Ruby's CSV does (and escapes a formula if
// asked to).
func (w *Writer) field(s string) {
	if w.EscapeFormulas && isFormula(s) {
		w.w.WriteString(`"'`)
		w.quoted(s)
		return
	}
	if s != "" && !strings.ContainsAny(s, ",\"\r\n") {
		w.w.WriteString(s)
		return
	}
	w.w.WriteByte('"')
	w.quoted(s)
}

// quoted writes the rest of a quoted field: s with quotes doubled, then
// the closing quote.
func (w *Writer) quoted(s string) {
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		w.w.WriteString(s[:i+1])
		w.w.WriteByte('"')
		s = s[i+1:]
	}
	w.w.WriteString(s)
	w.w.WriteByte('"')
}

// isFormula reports whether a spreadsheet could read cell s as a
// formula: it starts with a tab, CR or LF, or, after spaces, with one of
// = + - @ or their full-width forms.
func isFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '\t', '\r', '\n':
		return true
	}
	s = strings.TrimLeft(s, " ")
	for _, p := range [...]string{"=", "+", "-", "@", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// WriteRows writes rows of type t to w as Mastodon exports them (see
// [Writer]).
func WriteRows(w io.Writer, t Type, rows []Row) error {
	cw := NewWriter(w, t)
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// WriteActions writes the actions of an import of type t as the file
// Mastodon offers for an import's failed rows ([FailuresFileName]): the
// same format as the type's export, so that importing it again in merge
// mode retries them. As Mastodon does, unset follow and mute settings are
// written with their defaults (show boosts, do not notify, hide
// notifications).
//
// The file is a report people open in a spreadsheet, so cells that would
// run as formulas are written as text ([Writer.EscapeFormulas]): such a
// cell (a list titled "=HYPERLINK(...)", say) comes back from a second
// import with an apostrophe before it. Every other cell is written as
// Mastodon writes it. For the exact cells, write the actions with
// [Writer.WriteAction] on a Writer that does not escape formulas.
//
// Only actions that a row of the type stands for are written: follows
// for following, blocks for blocking, mutes for muting, domain blocks,
// bookmarks, and list additions for lists. Others (removals of an
// overwrite, list creations, the follows a lists import makes before
// adding members) are skipped: a row always means "add".
func WriteActions(w io.Writer, t Type, actions []Action) error {
	cw := NewWriter(w, t)
	cw.EscapeFormulas = true
	for _, a := range actions {
		if err := cw.WriteAction(a); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// WriteAction writes the row that action a stands for in a file of the
// Writer's type, as [WriteActions] does, and skips an action no row of
// the type stands for.
func (w *Writer) WriteAction(a Action) error {
	yes, no := true, false
	var row Row
	switch t := w.t; {
	case t == Following && a.Kind == ActionFollow:
		row = Row{Account: a.Account, ShowBoosts: a.Follow.ShowBoosts, Notify: a.Follow.Notify, Languages: a.Follow.Languages}
		if row.ShowBoosts == nil {
			row.ShowBoosts = &yes
		}
		if row.Notify == nil {
			row.Notify = &no
		}
	case t == Muting && a.Kind == ActionMute:
		row = Row{Account: a.Account, HideNotifications: a.HideNotifications}
		if row.HideNotifications == nil {
			row.HideNotifications = &yes
		}
	case t == Blocking && a.Kind == ActionBlock:
		row = Row{Account: a.Account}
	case t == DomainBlocking && a.Kind == ActionBlockDomain:
		row = Row{Domain: a.Domain}
	case t == Bookmarks && a.Kind == ActionBookmark:
		row = Row{URI: a.URI}
	case t == Lists && a.Kind == ActionAddToList:
		row = Row{List: a.List, Account: a.Account}
	default:
		return w.start()
	}
	return w.Write(row)
}
