package render

import (
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// policy is the allow-list post HTML, bios and profile fields are
// sanitised with. It keeps the markup Mastodon itself keeps for remote
// posts (paragraphs, line breaks, links, emphasis, lists, quotes, code)
// and drops everything else: scripts, styles, event handlers, images,
// iframes, forms. Links keep only http, https and mailto targets and
// are marked nofollow noopener noreferrer.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "a", "b", "strong", "i", "em", "u", "s", "del", "ins",
		"sub", "sup", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	// Mastodon's classes that shorten long links and mark mentions.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(?:(?:h-card|invisible|ellipsis|mention|hashtag|u-url|status-link)\s?)+$`)).OnElements("a", "span")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(?:reversed)?$`)).OnElements("ol")
	return p
})

// Sanitize returns post HTML reduced to the allow-list the rendered
// site uses: see the package documentation, # Security.
func Sanitize(s string) string {
	return policy().Sanitize(s)
}

// plainText returns the text of an HTML fragment, with paragraphs and
// line breaks as spaces, whitespace collapsed, and at most limit bytes
// (cut at a rune boundary).
func plainText(s string, limit int) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	space := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
	}
	skip := false
	for b.Len() < limit {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return truncate(strings.TrimSpace(b.String()), limit)
		case xhtml.TextToken:
			raw := z.Text()
			if skip {
				skip = false
				continue
			}
			if startsWithSpace(raw) {
				space()
			}
			if text := strings.Join(strings.Fields(string(raw)), " "); text != "" {
				b.WriteString(text)
				if endsWithSpace(raw) {
					b.WriteByte(' ')
				}
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "br", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "div":
				space()
			case "script", "style", "textarea", "title":
				// Their contents come as one raw text token: skip it.
				skip = tt == xhtml.StartTagToken
			}
		}
	}
	return truncate(strings.TrimSpace(b.String()), limit)
}

func startsWithSpace(b []byte) bool { return len(b) > 0 && isSpace(b[0]) }
func endsWithSpace(b []byte) bool   { return len(b) > 0 && isSpace(b[len(b)-1]) }
func isSpace(c byte) bool           { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(c byte) bool { return c&0xC0 != 0x80 }
