package posts

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// fullwidthAt replaces the "@" of a bare "@name" in a post's text: it
// reads as an at sign, and no server takes it for a mention.
const fullwidthAt = "\uFF20"

// textOptions says how HTML becomes a destination's plain text.
type textOptions struct {
	// mentions maps a mention's href (an actor URL or id) to its full
	// address, "@user@host", from the status's Mention tags.
	mentions map[string]string
	// self is the href of the destination account, whose mentions are
	// kept; "" keeps none.
	self string
}

// textResult is the text of a status and what became of its mentions.
type textResult struct {
	text string
	// defused counts the mentions turned into text that notifies nobody.
	defused int
}

// htmlToText turns a status's HTML, as Mastodon writes it (paragraphs,
// line breaks, links, mentions and hashtags as links, URLs cut with
// "invisible" and "ellipsis" spans), into the plain text a server
// accepts in POST /api/v1/statuses, which finds links, mentions and
// hashtags in it again. Links keep their whole URL; a link whose text
// is not its URL becomes "text (URL)". Mentions of accounts other than
// opts.self become "user@host", which no server takes for a mention;
// a bare "@name" outside a mention gets a full-width at sign for the
// same reason. Block elements become line breaks; every other tag is
// dropped and its text kept; entities are decoded.
//
// It never fails: the tokenizer reads any bytes. The caller bounds the
// input's size.
func htmlToText(src string, opts textOptions) textResult {
	z := html.NewTokenizer(strings.NewReader(src))
	var w textWriter
	var link *linkState
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if link != nil {
				w.defused += link.flush(&w, opts)
			}
			return textResult{text: w.finish(), defused: w.defused}
		case html.TextToken:
			if link != nil {
				link.text.Write(z.Text())
				continue
			}
			w.text(string(z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "br":
				w.newline(1)
			case "p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6":
				w.newline(2)
			case "li":
				w.newline(1)
				w.raw("- ")
			case "a":
				if link != nil { // nested: end the outer one
					w.defused += link.flush(&w, opts)
				}
				link = &linkState{}
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "href":
						link.href = string(v)
					case "class":
						link.class = string(v)
					}
				}
				if tt == html.SelfClosingTagToken {
					w.defused += link.flush(&w, opts)
					link = nil
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a":
				if link != nil {
					w.defused += link.flush(&w, opts)
					link = nil
				}
			case "p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6":
				w.newline(2)
			}
		}
	}
}

// linkState collects the text of an <a> element.
type linkState struct {
	href, class string
	text        strings.Builder
}

// flush writes the link and returns 1 if it was a mention it defused.
func (l *linkState) flush(w *textWriter, opts textOptions) int {
	text := strings.TrimSpace(l.text.String())
	classes := strings.Fields(l.class)
	has := func(c string) bool {
		for _, x := range classes {
			if x == c {
				return true
			}
		}
		return false
	}
	addr, isMention := opts.mentions[l.href]
	if !isMention && has("mention") && !has("hashtag") && strings.HasPrefix(text, "@") {
		isMention, addr = true, text
	}
	switch {
	case isMention:
		if opts.self != "" && l.href == opts.self {
			w.raw(addr)
			return 0
		}
		w.raw(strings.TrimPrefix(addr, "@"))
		return 1
	case has("hashtag") || strings.HasPrefix(text, "#"):
		w.text(text)
		return 0
	}
	href := l.href
	if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") {
		w.text(text) // not a web link: keep what it says
		return 0
	}
	bare := strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://")
	switch text {
	case "", href, bare, strings.TrimSuffix(href, "/"), strings.TrimSuffix(bare, "/"):
		w.raw(href)
	default:
		w.text(text)
		w.raw(" (" + href + ")")
	}
	return 0
}

// textWriter accumulates plain text, collapsing the whitespace HTML
// does not show and keeping the line breaks it does.
type textWriter struct {
	b        bytes.Buffer
	pending  int  // line breaks owed before the next text
	space    bool // a space is owed before the next text
	defused  int
	lastRune rune
	// openAt says the text written ends with an at sign at the start of
	// a word: what comes next, if it starts with a letter, digit or
	// underscore, would make it a mention.
	openAt bool
}

func (w *textWriter) newline(n int) {
	if w.b.Len() == 0 {
		return
	}
	w.pending = max(w.pending, n)
	w.space = false
}

// text writes HTML text: runs of whitespace are one space, and a bare
// "@name" is defused.
func (w *textWriter) text(s string) {
	for _, f := range splitSpace(s) {
		if f == "" {
			if w.b.Len() > 0 && w.pending == 0 {
				w.space = true
			}
			continue
		}
		d, open := w.defuse(f)
		w.raw(d)
		w.openAt = open
	}
}

// defuse replaces the "@" of "@name" (an at sign at the start of a word,
// followed by a letter, digit or underscore) with a full-width one. It
// also reports whether s ends with an at sign at the start of a word,
// which the next text written may complete (see [textWriter.raw]).
func (w *textWriter) defuse(s string) (string, bool) {
	if !strings.Contains(s, "@") {
		return s, false
	}
	var b strings.Builder
	prev := w.lastRune
	if w.space || w.pending > 0 || w.b.Len() == 0 {
		prev = ' '
	}
	open := false
	for i, r := range s {
		open = false
		if r == '@' && !isWord(prev) && prev != '@' {
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(next) {
				b.WriteString(fullwidthAt)
				w.defused++
				prev = r
				continue
			}
			open = i == len(s)-1
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String(), open
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// raw writes s as it is, after the owed breaks or space. An at sign
// left open by the text before (as "@" in "@<b>bob</b>", the tag
// dropped) is defused when s starts a word right after it.
func (w *textWriter) raw(s string) {
	if s == "" {
		return
	}
	if w.openAt && w.pending == 0 && !w.space {
		if first, _ := utf8.DecodeRuneInString(s); isWord(first) {
			w.b.Truncate(w.b.Len() - 1) // the "@"
			w.b.WriteString(fullwidthAt)
			w.defused++
		}
	}
	w.openAt = false
	if w.b.Len() > 0 {
		if w.pending > 0 {
			w.b.WriteString(strings.Repeat("\n", w.pending))
		} else if w.space {
			w.b.WriteByte(' ')
		}
	}
	w.pending, w.space = 0, false
	w.b.WriteString(s)
	w.lastRune, _ = utf8.DecodeLastRuneInString(s)
}

func (w *textWriter) finish() string {
	return strings.ToValidUTF8(w.b.String(), "\uFFFD")
}

// splitSpace splits s into words and "" for each run of whitespace.
func splitSpace(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		switch {
		case sp && !inSpace:
			if i > start {
				out = append(out, s[start:i])
			}
			out = append(out, "")
			inSpace = true
		case !sp && inSpace:
			start = i
			inSpace = false
		}
	}
	if !inSpace && start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
