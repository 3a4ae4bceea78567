package render

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fediport/fediport/archive"
	xhtml "golang.org/x/net/html"
)

// maxQuoteDepth bounds the quote levels Markdown output shows.
const maxQuoteDepth = 8

// markdown converts sanitised post HTML to Markdown: paragraphs, line
// breaks, links, emphasis, code, quotes and lists. Text is escaped so
// that nothing in a post becomes markup, raw HTML included.
func markdown(h string) string {
	var m mdWriter
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			return strings.TrimSpace(string(m.b))
		case xhtml.TextToken:
			m.text(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			m.tag(z, tt == xhtml.EndTagToken)
		}
	}
}

// mdWriter is the state of one conversion of HTML to Markdown.
type mdWriter struct {
	b     []byte
	hrefs []string // open links, "" for one not shown as a link
	quote int      // depth of blockquotes
	pre   bool     // in a <pre> block
}

func (m *mdWriter) hasSuffix(s string) bool {
	return strings.HasSuffix(string(m.b[max(len(m.b)-len(s), 0):]), s)
}

// newline ends the line (blank: the paragraph) and begins the next with
// the quote prefix.
func (m *mdWriter) newline(blank bool) {
	for len(m.b) > 0 && m.b[len(m.b)-1] == ' ' {
		m.b = m.b[:len(m.b)-1]
	}
	if len(m.b) == 0 {
		return
	}
	// Deeper quotes are written at maxQuoteDepth: a prefix for every
	// level would make hostile nesting quadratic in size.
	prefix := strings.Repeat("> ", min(m.quote, maxQuoteDepth))
	if blank && !m.hasSuffix("\n\n") {
		if !m.hasSuffix("\n") {
			m.b = append(m.b, '\n')
		}
		m.b = append(m.b, strings.TrimRight(prefix, " ")+"\n"...)
	} else if !blank && !m.hasSuffix("\n") {
		m.b = append(m.b, '\n')
	}
	m.b = append(m.b, prefix...)
}

// text writes a text token: verbatim in code blocks (control characters
// and fences defused), escaped with its spaces folded elsewhere.
func (m *mdWriter) text(raw []byte) {
	if m.pre {
		code := strings.Map(func(r rune) rune {
			if isControl(r) && r != '\n' && r != '\t' {
				return utf8.RuneError
			}
			return r
		}, string(raw))
		m.b = append(m.b, strings.ReplaceAll(code, "```", "` ` `")...)
		return
	}
	t := strings.Join(strings.Fields(string(raw)), " ")
	if t == "" {
		return
	}
	if startsWithSpace(raw) && len(m.b) > 0 && !m.hasSuffix(" ") && !m.hasSuffix("\n") {
		m.b = append(m.b, ' ')
	}
	m.b = append(m.b, escapeMarkdown(t)...)
	if endsWithSpace(raw) {
		m.b = append(m.b, ' ')
	}
}

// tag writes the Markdown of a start or end tag.
func (m *mdWriter) tag(z *xhtml.Tokenizer, end bool) {
	name, hasAttr := z.TagName()
	switch string(name) {
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol":
		m.newline(true)
	case "br":
		m.b = append(m.b, "  "...)
		m.newline(false)
	case "li":
		if !end {
			m.newline(false)
			m.b = append(m.b, "- "...)
		}
	case "blockquote":
		if end {
			m.quote = max(m.quote-1, 0)
		} else {
			m.quote++
		}
		m.newline(true)
	case "pre":
		m.newline(true)
		m.b = append(m.b, "```"...)
		m.newline(false)
		m.pre = !end
		if end {
			m.newline(true)
		}
	case "code":
		if !m.pre {
			m.b = append(m.b, '`')
		}
	case "strong", "b":
		m.b = append(m.b, "**"...)
	case "em", "i":
		m.b = append(m.b, '_')
	case "del", "s":
		m.b = append(m.b, "~~"...)
	case "a":
		m.link(z, end, hasAttr)
	}
}

// link opens a link with '[' (when its href is a web URL) or closes the
// innermost one with its target.
func (m *mdWriter) link(z *xhtml.Tokenizer, end, hasAttr bool) {
	if end {
		if n := len(m.hrefs); n > 0 {
			href := m.hrefs[n-1]
			m.hrefs = m.hrefs[:n-1]
			if href != "" {
				m.b = append(m.b, "]("+markdownURL(href)+")"...)
			}
		}
		return
	}
	href := ""
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		if string(k) == "href" {
			href = webURL(string(v))
		}
	}
	m.hrefs = append(m.hrefs, href)
	if href != "" {
		m.b = append(m.b, '[')
	}
}

// escapeMarkdown backslash-escapes the ASCII punctuation Markdown gives
// a meaning to anywhere in a line, HTML's < and &, and what would start
// a block at the beginning of s (a heading, a list item, a quote).
func escapeMarkdown(s string) string {
	var b strings.Builder
	digits := true
	for i, r := range s {
		if isControl(r) {
			// A control character or line break would end the line or
			// reach a terminal that shows the file: it is replaced.
			b.WriteRune(utf8.RuneError)
			continue
		}
		switch {
		case strings.ContainsRune("\\`*_[]<>&|~", r),
			i == 0 && strings.ContainsRune("#-+=", r),
			digits && i > 0 && (r == '.' || r == ')'):
			b.WriteByte('\\')
		}
		digits = digits && '0' <= r && r <= '9'
		b.WriteRune(r)
	}
	return b.String()
}

// isControl reports whether r is a C0 or C1 control character, DEL,
// or a Unicode line or paragraph separator.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x2028 || r == 0x2029
}

// markdownURL makes a URL safe as a link destination or inside an
// autolink: white space, control characters, bytes beyond ASCII, angle
// brackets, parentheses and backslashes are percent-encoded, so that
// the URL stays on its line and in its link.
func markdownURL(u string) string {
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("<>()\\`", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdLink writes a URL from the archive as an autolink when it is an
// http or https URL, and as escaped text otherwise (a javascript: URL
// is never a link).
func mdLink(u string) string {
	if w := webURL(u); w != "" {
		return "<" + markdownURL(w) + ">"
	}
	return mdText(u)
}

// mdRef writes a link to a status of another account as a reader sees
// it, "[@bob@example.social](https://...)"; an OStatus tag: URI as
// "a post on host", and other URIs as text.
func mdRef(uri string) string {
	who := authorOf(uri)
	if who != "" && webURL(uri) != "" {
		return "[" + mdText(who) + "](" + markdownURL(uri) + ")"
	}
	if who != "" {
		return mdText(who)
	}
	return mdLink(uri)
}

// mdText escapes one line of plain text, newlines folded.
func mdText(s string) string {
	return escapeMarkdown(strings.Join(strings.Fields(s), " "))
}

// renderMarkdown writes one Markdown file per month, oldest post first
// in each, plus index.md, likes.md and bookmarks.md. Statuses are
// written as they stream: nothing is held but the open month file.
func renderMarkdown(ctx context.Context, ar *archive.Reader, root *output, prof *profile, sum *Result) error {
	mf := &monthFiles{root: root, prof: prof, seen: map[string]int{}}
	defer mf.close()
	for st, err := range shownStatuses(ctx, ar, root, sum) {
		if err != nil {
			return err
		}
		if err := root.post(sum); err != nil {
			return err
		}
		p, err := preparePost(st, ar, root, sum)
		if err != nil {
			return err
		}
		if p.Boost {
			sum.Boosts++
		} else {
			sum.Posts++
		}
		w, err := mf.writer(p.Published, sum)
		if err != nil {
			return err
		}
		writePostMarkdown(w, p)
	}
	if err := mf.close(); err != nil {
		return err
	}
	sum.Pages, sum.Months = len(mf.months), len(mf.months)

	var err error
	if sum.Likes, err = writeMarkdownList(root, "likes.md", "Likes", ar.Likes(), sum); err != nil {
		return err
	}
	if sum.Bookmarks, err = writeMarkdownList(root, "bookmarks.md", "Bookmarks", ar.Bookmarks(), sum); err != nil {
		return err
	}
	return writeMarkdownIndex(root, prof, mf.months, sum)
}

// monthFile is one month's Markdown file.
type monthFile struct {
	key, label string // "2023-01", "January 2023"
	count      int    // statuses in it
}

// monthFiles writes the month files of a Markdown rendering, one open at
// a time: statuses come in outbox order, which is by date but for the
// odd one out, whose month's file is appended to.
type monthFiles struct {
	root   *output
	prof   *profile
	months []monthFile
	seen   map[string]int // index in months, by key
	cur    *countedFile
	w      *bufio.Writer
	curKey string
}

// writer returns the writer of the month file of a status published at
// t, opening the file (and counting a page) when it is not the open one,
// and counts the status in it.
func (mf *monthFiles) writer(t time.Time, sum *Result) (*bufio.Writer, error) {
	key := t.Format("2006-01")
	if mf.cur == nil || key != mf.curKey {
		if err := mf.open(key, t, sum); err != nil {
			return nil, err
		}
	}
	mf.months[mf.seen[key]].count++
	return mf.w, nil
}

// open closes the open month file and opens that of key, beginning it
// with its title when it is new.
func (mf *monthFiles) open(key string, t time.Time, sum *Result) error {
	if err := mf.close(); err != nil {
		return err
	}
	flag := os.O_TRUNC
	_, ok := mf.seen[key]
	if ok { // a month seen before: out-of-order statuses
		flag = os.O_APPEND
	} else {
		sum.Pages = len(mf.months)
		if err := mf.root.page(sum); err != nil {
			return err
		}
	}
	f, err := mf.root.create(key+".md", flag)
	if err != nil {
		return err
	}
	mf.cur, mf.w, mf.curKey = f, bufio.NewWriterSize(f, 64<<10), key
	if !ok {
		mf.seen[key] = len(mf.months)
		mf.months = append(mf.months, monthFile{key: key, label: t.Format("January 2006")})
		fmt.Fprintf(mf.w, "# %s, %s\n\n[Index](index.md)\n", mdText(mf.prof.Name), t.Format("January 2006"))
	}
	return nil
}

// close flushes and closes the open month file, if any.
func (mf *monthFiles) close() error {
	if mf.cur == nil {
		return nil
	}
	err := mf.w.Flush()
	if cerr := mf.cur.Close(); err == nil {
		err = cerr
	}
	mf.cur = nil
	if err != nil {
		return fmt.Errorf("render: writing %s.md: %w", mf.curKey, err)
	}
	return nil
}

// writeMarkdownIndex writes index.md: the profile and the months, newest
// first, and links to the likes and bookmarks.
func writeMarkdownIndex(root *output, prof *profile, months []monthFile, sum *Result) error {
	var b strings.Builder
	writeProfileMarkdown(&b, prof)
	fmt.Fprintf(&b, "## Months\n\n")
	slices.SortFunc(months, func(a, b monthFile) int { return strings.Compare(b.key, a.key) })
	for _, m := range months {
		n := "posts"
		if m.count == 1 {
			n = "post"
		}
		fmt.Fprintf(&b, "- [%s](%s.md): %d %s\n", m.label, m.key, m.count, n)
	}
	if len(months) == 0 {
		b.WriteString("This archive has no posts.\n")
	}
	fmt.Fprintf(&b, "\n[Likes](likes.md) (%d) · [Bookmarks](bookmarks.md) (%d)\n", sum.Likes, sum.Bookmarks)
	return root.writeFile("index.md", []byte(b.String()))
}

// writeProfileMarkdown writes the profile at the top of index.md.
func writeProfileMarkdown(b *strings.Builder, prof *profile) {
	fmt.Fprintf(b, "# %s\n\n", mdText(prof.Name))
	if prof.Handle != "" {
		fmt.Fprintf(b, "%s\n\n", mdText(prof.Handle))
	}
	if prof.Avatar != "" {
		fmt.Fprintf(b, "![Avatar](%s)\n\n", markdownURL(prof.Avatar))
	}
	if prof.Header != "" {
		fmt.Fprintf(b, "![Header image](%s)\n\n", markdownURL(prof.Header))
	}
	if prof.Moved != "" {
		fmt.Fprintf(b, "**This account has moved** to %s.\n\n", mdLink(prof.Moved))
	}
	if len(prof.Aliases) > 0 {
		b.WriteString("**Also known as:**\n\n")
		for _, a := range prof.Aliases {
			fmt.Fprintf(b, "- %s\n", mdLink(a))
		}
		b.WriteString("\n")
	}
	if md := markdown(prof.Bio); md != "" {
		b.WriteString(md + "\n\n")
	}
	for _, f := range prof.Fields {
		fmt.Fprintf(b, "- **%s**: %s\n", mdText(f.Name), markdown(f.Value))
	}
	if len(prof.Fields) > 0 {
		b.WriteString("\n")
	}
}

// writePostMarkdown writes one post as a section of a month file.
func writePostMarkdown(w *bufio.Writer, p *post) {
	fmt.Fprintf(w, "\n## %s\n\n", shownDate(p.Published))
	w.WriteString(postMetaMarkdown(p) + "\n\n")
	if p.ReplyTo != "" {
		fmt.Fprintf(w, "In reply to %s\n\n", mdRef(p.ReplyTo))
	}
	if p.CW != "" {
		fmt.Fprintf(w, "**Content warning:** %s\n\n", mdText(p.CW))
	}
	if md := markdown(p.Content); md != "" {
		w.WriteString(md + "\n\n")
	}
	writeMediaMarkdown(w, p)
	if p.Poll != nil {
		writePollMarkdown(w, p.Poll)
	}
	if len(p.Hashtags) > 0 {
		tags := make([]string, len(p.Hashtags))
		for i, t := range p.Hashtags {
			tags[i] = "\\#" + mdText(t)
		}
		w.WriteString("Tags: " + strings.Join(tags, " ") + "\n")
	}
}

// postMetaMarkdown returns the line under a post's date: the boosted
// post or a link to the original, visibility, language, edit date.
func postMetaMarkdown(p *post) string {
	var meta []string
	if p.Boost {
		meta = append(meta, "Boost of "+mdRef(p.BoostOf))
	} else if u := webURL(p.URL); u != "" {
		meta = append(meta, "[Original]("+markdownURL(u)+")")
	}
	if p.Visibility != "" {
		meta = append(meta, visibilityLabel(p.Visibility))
	}
	if p.Lang != "" {
		meta = append(meta, "language "+mdText(p.Lang))
	}
	if !p.Edited.IsZero() {
		meta = append(meta, "edited "+shownDate(p.Edited))
	}
	return strings.Join(meta, " · ")
}

// writeMediaMarkdown writes a post's media and link previews as a list.
func writeMediaMarkdown(w *bufio.Writer, p *post) {
	for _, m := range p.Media {
		alt := mdText(m.Alt)
		switch {
		case m.Missing:
			orig := ""
			if u := webURL(m.Orig); u != "" {
				orig = " ([original file](" + markdownURL(u) + "))"
			}
			fmt.Fprintf(w, "- Media not in the archive: %s%s\n", alt, orig)
		case m.Kind == "image":
			sens := ""
			if p.Sensitive {
				sens = "(sensitive) "
			}
			fmt.Fprintf(w, "- %s![%s](%s)\n", sens, alt, markdownURL(m.Src))
		default:
			label := m.Kind
			if alt != "" {
				label += ": " + alt
			}
			fmt.Fprintf(w, "- [%s](%s)\n", label, markdownURL(m.Src))
		}
	}
	for _, l := range p.Links {
		if u := webURL(l.Href); u != "" {
			title := l.Title
			if title == "" {
				title = u
			}
			fmt.Fprintf(w, "- Link: [%s](%s)\n", mdText(title), markdownURL(u))
		}
	}
	if len(p.Media)+len(p.Links) > 0 {
		w.WriteString("\n")
	}
}

// writePollMarkdown writes a poll with its results.
func writePollMarkdown(w *bufio.Writer, q *poll) {
	kind := "one choice"
	if q.Multiple {
		kind = "several choices"
	}
	state := ""
	if !q.Ends.IsZero() {
		state = ", ends " + shownDate(q.Ends)
		if q.Closed {
			state = ", closed " + shownDate(q.Ends)
		}
	}
	fmt.Fprintf(w, "Poll (%s, %d voters%s):\n\n", kind, q.Voters, state)
	for _, o := range q.Options {
		fmt.Fprintf(w, "- %s: %d votes (%d%%)\n", mdText(o.Name), o.Votes, o.Percent)
	}
	w.WriteString("\n")
}

// writeMarkdownList writes likes.md or bookmarks.md, streaming.
func writeMarkdownList(root *output, name, heading string, uris iter.Seq2[string, error], sum *Result) (int, error) {
	f, err := root.create(name, os.O_TRUNC)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# %s\n\n", heading)
	n := 0
	for uri, err := range uris {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				sum.problem(err)
			}
			break
		}
		n++
		fmt.Fprintf(w, "%d. %s\n", n, mdLink(uri))
	}
	if n == 0 {
		w.WriteString("None in this archive.\n")
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("render: writing %s: %w", name, err)
	}
	return n, nil
}
