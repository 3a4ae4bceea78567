package render

import (
	"strings"
	"testing"
)

func TestMarkdownHostileNesting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		// One "> " a level on every line made 260 KB of quotes into
		// 800 MB of Markdown.
		{"deep quotes", strings.Repeat("<blockquote>x", 3000)},
		{"deep quotes with breaks", strings.Repeat("<blockquote>x<br>y", 3000)},
		{"deep links", strings.Repeat(`<a href="https://a.example/">x`, 20000)},
		{"deep lists", strings.Repeat("<ul><li>x", 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := Sanitize(tt.in)
			md := markdown(in)
			if limit := 10*len(in) + 1000; len(md) > limit {
				t.Errorf("%d bytes of HTML gave %d bytes of Markdown, want at most %d", len(in), len(md), limit)
			}
			if got := strings.Count(md, "> > > > > > > > > "); got != 0 {
				t.Errorf("quotes nest deeper than %d levels (%d lines)", maxQuoteDepth, got)
			}
		})
	}
}
