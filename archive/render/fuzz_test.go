package render

import (
	"io/fs"
	"net/url"
	"path"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

var fuzzSeeds = []string{
	`<p>before<script>window.pwned=1</script>after</p>`,
	`<p>x<img src="x" onerror="alert(1)">y <a href="javascript:alert(1)" onclick="alert(2)">js</a></p>`,
	`<p>remote<img src="https://tracker.example/pixel.gif"> <iframe src="https://embed.example/"></iframe><style>body{}</style></p>`,
	`<p><span class="h-card"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> hi</p>`,
	`<p><a href="https://example.org/very/long" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.org/very</span><span class="invisible">/long</span></a></p>`,
	"<blockquote><p>quoted</p></blockquote><pre><code>code ``` here</code></pre><ol start=\"3\"><li>one</li></ol>",
	`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg><math><mi xlink:href="javascript:1">`,
	`<a href="  JaVaScRiPt:alert(1)">x</a><a href="data:text/html,<script>">y</a><form action="https://x"><input></form>`,
	"# heading\n1. list <b>bold</b> &amp; &lt;3",
}

var allowedAttrs = map[string]bool{"href": true, "rel": true, "class": true, "start": true, "reversed": true}

// FuzzSanitize checks that whatever post HTML the archive holds, the
// sanitised HTML has only allowed elements and attributes and only web
// links, and that the text and Markdown converters do not fail on it.
func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		z := xhtml.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if !policyElements[tok.Data] {
				t.Fatalf("element %q survived in %q", tok.Data, out)
			}
			for _, a := range tok.Attr {
				if !allowedAttrs[a.Key] || a.Namespace != "" {
					t.Fatalf("attribute %q survived in %q", a.Key, out)
				}
				if a.Key == "href" {
					// Links are never fetched by themselves; what matters
					// is that none runs script (javascript:, data:).
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
						t.Fatalf("link %q survived in %q", a.Val, out)
					}
				}
			}
		}
		text := plainText(out, maxSearchText)
		if len(text) > maxSearchText {
			t.Fatalf("plain text of %d bytes, limit %d", len(text), maxSearchText)
		}
		md := markdown(out)
		if strings.Contains(md, "<script") || strings.Contains(md, "<img") {
			t.Fatalf("raw HTML in Markdown %q", md)
		}
	})
}

var policyElements = map[string]bool{}

func init() {
	for _, e := range []string{"p", "br", "span", "a", "b", "strong", "i", "em", "u", "s", "del", "ins",
		"sub", "sup", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"} {
		policyElements[e] = true
	}
}

// FuzzMediaNames checks that whatever media paths an archive holds,
// their output paths stay under media/, are valid and portable, and
// never clash on a case-insensitive file system: no two archive paths
// share a file, and no file is another's folder.
func FuzzMediaNames(f *testing.F) {
	f.Add("media_attachments/files/000/000/001/original/A.png\nmedia_attachments/files/000/000/001/original/a.png")
	f.Add("x/F.png/g.png\nx/f.png\nX/f.png\nx/f-00000000.png")
	f.Add("con/nul.png\nx/caf\u00e9.png\nx/cafe\u0301.png\nx/a:b.png\nx/a?b.png")
	f.Fuzz(func(t *testing.T, list string) {
		m := newMediaNames()
		files := map[string]string{} // lower-case output path -> archive path
		var names []string
		for _, p := range strings.Split(list, "\n") {
			if !fs.ValidPath(p) || p == "." {
				continue // archive.MediaPath gives only valid paths
			}
			name, ok := m.assign(p)
			if !ok {
				continue
			}
			if !strings.HasPrefix(name, "media/") || !fs.ValidPath(name) || safePath(name) != name {
				t.Fatalf("%q: output path %q not a safe path under media/", p, name)
			}
			low := strings.ToLower(name)
			if q, ok := files[low]; ok && q != p {
				t.Fatalf("%q and %q share %q", q, p, name)
			}
			files[low] = p
			names = append(names, name)
		}
		for _, name := range names {
			for d := path.Dir(name); d != "."; d = path.Dir(d) {
				if q, ok := files[strings.ToLower(d)]; ok {
					t.Fatalf("%q is the file of %q and a folder of %q", d, q, name)
				}
			}
		}
	})
}
