package posts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	bob := "https://far.example/users/bob"
	opts := textOptions{mentions: map[string]string{bob: "@bob@far.example"}}
	tests := []struct {
		name, html, want string
		defused          int
	}{
		{"paragraphs and breaks", "<p>one<br>two</p><p>three</p>", "one\ntwo\n\nthree", 0},
		{"entities", "<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;</p>", `a & b <c> "d" 'e'`, 0},
		{"whitespace collapsed", "<p>  a \n\t b  </p>", "a b", 0},
		{"cut URL made whole", `<p><a href="https://x.example/long/path"><span class="invisible">https://</span><span class="ellipsis">x.example/lo</span><span class="invisible">ng/path</span></a></p>`, "https://x.example/long/path", 0},
		{"link with a label", `<p>see <a href="https://x.example/">the site</a>.</p>`, "see the site (https://x.example/).", 0},
		{"link not on the web", `<p><a href="javascript:alert(1)">click</a></p>`, "click", 0},
		{"mention defused", `<p><span class="h-card"><a href="` + bob + `" class="u-url mention">@<span>bob</span></a></span> hi</p>`, "bob@far.example hi", 1},
		{"mention without a tag", `<p><a href="https://y.example/@carol" class="u-url mention">@carol@y.example</a> hi</p>`, "carol@y.example hi", 1},
		{"hashtag kept", `<p><a href="https://old/tags/go" class="mention hashtag" rel="tag">#<span>Go</span></a></p>`, "#Go", 0},
		{"bare at-name defused", "<p>ping @dave and @eve@z.example, mail me@x.example, meet @ 5</p>", "ping \uFF20dave and \uFF20eve@z.example, mail me@x.example, meet @ 5", 2},
		{"at sign split by a tag", "<p>@<b>dave</b> and @<a>0</a></p>", "\uFF20dave and \uFF200", 2},
		{"at sign before a space or a break", "<p>@ <b>dave</b> @<br>x</p>", "@ dave @\nx", 0},
		{"list", "<ul><li>a</li><li>b</li></ul>", "- a\n- b", 0},
		{"unclosed tags", "<p>a <b>b <a href='https://q.example'>q", "a b q (https://q.example)", 0},
		{"not HTML", "plain < text > & more", "plain < text > & more", 0},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := htmlToText(tt.html, opts)
			if got.text != tt.want || got.defused != tt.defused {
				t.Errorf("htmlToText(%q) = %q (%d defused), want %q (%d)", tt.html, got.text, got.defused, tt.want, tt.defused)
			}
		})
	}
}

func TestHTMLToTextSelf(t *testing.T) {
	t.Parallel()
	me := "https://new.example/users/me"
	got := htmlToText(`<p><a href="`+me+`" class="mention">@<span>me</span></a> note</p>`,
		textOptions{mentions: map[string]string{me: "@me@new.example"}, self: me})
	if got.text != "@me@new.example note" || got.defused != 0 {
		t.Errorf("own mention: %+v", got)
	}
}

// mentionLike matches what Mastodon and GoToSocial take for a mention:
// an ASCII at sign at the start of a word, then a name.
func mentionLike(s string) bool {
	prev := ' '
	for i, r := range s {
		if r == '@' && !isWord(prev) && prev != '@' {
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(next) {
				return true
			}
		}
		prev = r
	}
	return false
}

// FuzzHTMLToText: any bytes give valid UTF-8 text without a mention a
// server would act on, and no panic.
func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{
		"<p>a<br>b</p>", `<a href="https://x/y" class="mention">@<span>bob</span></a>`, "@a @b@c", "<ul><li>x",
		`<a href="https://x/"><span class="invisible">https://</span>x</a>`, "\xff<p>\x00</p>", "<a><a><a>@x</a>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := htmlToText(s, textOptions{mentions: map[string]string{"https://x/y": "@bob@x"}})
		if !utf8.ValidString(got.text) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if mentionLike(got.text) && !strings.Contains(s, "://") {
			// A link's URL is written as it is and may hold "/@name";
			// without links, nothing may read as a mention.
			t.Fatalf("%q gives %q, which mentions someone", s, got.text)
		}
		if got.defused < 0 {
			t.Fatal("negative count")
		}
	})
}
