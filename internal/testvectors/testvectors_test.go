package testvectors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       *Vector
	}{
		{
			name: "sections",
			data: "expect: ok\nreason: r\n\n-- a --\n{}\n-- b --\nline1\nline2\n",
			want: &Vector{
				Name: "sections", Expect: "ok",
				Header:   map[string]string{"expect": "ok", "reason": "r"},
				Sections: map[string][]byte{"a": []byte("{}\n"), "b": []byte("line1\nline2\n")},
			},
		},
		{
			name: "unnamed section",
			data: "expect: ok\n\n{}\nx",
			want: &Vector{
				Name: "unnamed section", Expect: "ok",
				Header:   map[string]string{"expect": "ok"},
				Sections: map[string][]byte{"": []byte("{}\nx\n")},
			},
		},
		{
			name: "empty section",
			data: "expect: ok\n\n-- a --\n-- b --\nb\n",
			want: &Vector{
				Name: "empty section", Expect: "ok",
				Header:   map[string]string{"expect": "ok"},
				Sections: map[string][]byte{"a": {}, "b": []byte("b\n")},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Parse(tc.name, []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, v); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"expect: ok", "reason: r\n\nx", "no colon\n\nx"} {
		if _, err := Parse("bad", []byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil {
		t.Error("Load of a folder without vectors succeeded")
	}
	for name, data := range map[string]string{"b.txt": "expect: 2\n\nb", "a.txt": "expect: 1\n\na", "c.json": "{}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Name+"="+v.Expect)
	}
	if diff := cmp.Diff([]string{"a=1", "b=2"}, got); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(dir, "z.txt"), []byte("no header"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load of a folder with a malformed vector succeeded")
	}
}
