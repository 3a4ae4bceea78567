package termtext

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "alice@example.com", "alice@example.com"},
		{"non-ASCII letters are unchanged", "Zoë 日本", "Zoë 日本"},
		{"ESC and CSI sequences", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"OSC title with BEL", "\x1b]0;owned\x07", `\x1b]0;owned\x07`},
		{"line breaks and tabs", "a\nb\r\tc", `a\nb\r\tc`},
		{"DEL and C1 CSI", "x\x7f\u009b31m", `x\x7f\u009b31m`},
		{"bidirectional override", "abc\u202edcba", `abc\u202edcba`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid UTF-8", "a\xffb", `a\xffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestJSONKeepsTheValue(t *testing.T) {
	t.Parallel()
	in := map[string]string{"name": "a\x1b[2J\u009b\u202e\x7fz", "ok": "Zoë"}
	b, _ := json.Marshal(in)
	out := JSON(b)
	for _, c := range out {
		if c == 0x7f || c == 0x1b {
			t.Fatalf("JSON output holds byte %#x: %s", c, out)
		}
	}
	for _, bad := range []string{"\u009b", "\u202e"} {
		if strings.Contains(string(out), bad) {
			t.Fatalf("JSON output holds %q: %s", bad, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["name"] != in["name"] || back["ok"] != "Zoë" {
		t.Errorf("value changed: %v, %q", err, back)
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("a\x1b[2Jb\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		for _, r := range out {
			if unsafe(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, out, r)
			}
		}
		b, err := json.Marshal(s)
		if err != nil {
			return
		}
		var back string
		if err := json.Unmarshal(JSON(b), &back); err != nil {
			t.Fatalf("JSON broke %s: %v", b, err)
		}
		var want string
		json.Unmarshal(b, &want)
		if back != want {
			t.Fatalf("JSON changed %q to %q", want, back)
		}
	})
}

func TestJSONWriter(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := json.NewEncoder(JSONWriter(&b)).Encode([]string{"a\u009bb\u202e"}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), `["a\u009bb\u202e"]`+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
