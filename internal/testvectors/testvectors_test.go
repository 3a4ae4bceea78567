package testvectors

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	v, err := Parse("x", []byte("expect: ok\nreason: r\n\n-- a --\n{}\n-- b --\nline1\nline2\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Vector{
		Name:     "x",
		Expect:   "ok",
		Header:   map[string]string{"expect": "ok", "reason": "r"},
		Sections: map[string][]byte{"a": []byte("{}\n"), "b": []byte("line1\nline2\n")},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"expect: ok", "reason: r\n\nx", "no colon\n\nx"} {
		if _, err := Parse("bad", []byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}
