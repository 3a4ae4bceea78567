package render

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMediaNames(t *testing.T) {
	t.Parallel()
	const dir = "media_attachments/files/000/000/001/original/"
	tests := []struct {
		name   string
		paths  []string // archive paths, assigned in order
		want   []string // output paths; a regexp when it starts with ^
		reason string
	}{
		{"mastodon paths kept", []string{dir + "0000000000000001.png", dir + "0000000000000002.jpg"},
			[]string{"media/" + dir + "0000000000000001.png", "media/" + dir + "0000000000000002.jpg"}, "the common case stays readable"},
		{"same path twice", []string{dir + "A.png", dir + "A.png"},
			[]string{"media/" + dir + "A.png", "media/" + dir + "A.png"}, "one file, one name"},
		{"case clash", []string{dir + "A.png", dir + "a.png", dir + "a.png"},
			[]string{"media/" + dir + "A.png", `^media/` + dir + `a-[0-9a-f]{8}\.png$`, `^media/` + dir + `a-[0-9a-f]{8}\.png$`}, "the later file gets a hash suffix, the same each time"},
		{"file then its folder", []string{"x/f.png", "x/f.png/g.png"},
			[]string{"media/x/f.png", `^media/_/[0-9a-f]{12}-g\.png$`}, "a folder cannot be made where a file is"},
		{"folder then a file of its name", []string{"x/F.png/g.png", "x/f.png"},
			[]string{"media/x/F.png/g.png", `^media/x/f-[0-9a-f]{8}\.png$`}, "a file cannot be made where a folder is, in any case"},
		{"folder spelled otherwise", []string{"x/a/1.png", "X/a/2.png"},
			[]string{"media/x/a/1.png", `^media/_/[0-9a-f]{12}-2\.png$`}, "X and x are one folder on macOS and Windows"},
		{"unsafe bytes", []string{"x/a:b?.png", "x/a*b\".png", "x/café.png", "x/cafe\u0301.png"},
			[]string{"media/x/a_b_.png", `^media/x/a_b_-[0-9a-f]{8}\.png$`, "media/x/caf__.png", "media/x/cafe__.png"}, "invalid or normalisation-dependent names replaced, clashes after that renamed"},
		{"long names", []string{"x/" + strings.Repeat("y", 120) + ".png", strings.Repeat("d/", 120) + "k.png", "x/z." + strings.Repeat("e", 120)},
			[]string{`^media/_/[0-9a-f]{12}-y{48}\.png$`, `^media/_/[0-9a-f]{12}-k\.png$`, `^media/_/[0-9a-f]{12}-z\.bin$`}, "names file systems refuse made short, an extension kept"},
		{"windows device names", []string{"con/nul.png", "x/COM1.tar.png", "x/trailing."},
			[]string{"media/_con/_nul.png", "media/x/_COM1.tar.png", "media/x/trailing_"}, "names Windows reserves"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMediaNames()
			var got []string
			for _, p := range tt.paths {
				name, ok := m.assign(p)
				if !ok {
					t.Fatalf("%s: no name", p)
				}
				got = append(got, name)
			}
			for i := range got {
				if re := tt.want[i]; strings.HasPrefix(re, "^") && regexp.MustCompile(re).MatchString(got[i]) {
					tt.want[i] = got[i]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
			// Whatever the case: distinct paths get distinct files, and
			// no file is another's folder.
			files := map[string]string{}
			for i, name := range got {
				low := strings.ToLower(name)
				if p, ok := files[low]; ok && p != tt.paths[i] {
					t.Errorf("%s and %s share %s", p, tt.paths[i], name)
				}
				files[low] = tt.paths[i]
			}
			for _, name := range got {
				for d := path.Dir(name); d != "."; d = path.Dir(d) {
					if p, ok := files[strings.ToLower(d)]; ok {
						t.Errorf("%s is a folder of %s and the file of %s", d, name, p)
					}
				}
			}
		})
	}
}

func TestMediaNamesStable(t *testing.T) {
	t.Parallel()
	// Two renderings of one archive give the same names, whatever the
	// seed of the table.
	paths := []string{"x/A.png", "x/a.png", "x/a.png/b.png"}
	var runs [2][]string
	for i := range runs {
		m := newMediaNames()
		for _, p := range paths {
			name, _ := m.assign(p)
			runs[i] = append(runs[i], name)
		}
	}
	if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
		t.Errorf("names differ between renderings (-first +second):\n%s", diff)
	}
}
