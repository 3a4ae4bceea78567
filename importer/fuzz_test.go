package importer_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fediport/fediport/importer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzReader checks that reading never panics, that every error is a
// *ParseError unwrapping to a documented sentinel, and that what is read
// survives a write and a second read unchanged.
func FuzzReader(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.payload, uint8(typeIndex(v.typ)))
	}
	filepath.WalkDir("testdata/csv", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) == ".md" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i := range importer.Types() {
			f.Add(b, uint8(i))
		}
		return nil
	})
	// The hostile shapes of issue 14: CR line ends and no quote (once
	// quadratic), blank lines and lines of commas past the bounds.
	for _, s := range []string{
		strings.Repeat("a@x.example\r", 3000),
		strings.Repeat("\r", 3000),
		strings.Repeat("\r\n,,\n", 1500),
		strings.Repeat(",", 3000),
		`"a@x.example"` + strings.Repeat(`,""`, 1100),
	} {
		f.Add([]byte(s), uint8(typeIndex(importer.Blocking)))
	}
	documented := []error{
		importer.ErrTooLarge, importer.ErrTooManyRows, importer.ErrEmpty,
		importer.ErrIncompatibleType, importer.ErrMalformed, importer.ErrInvalidRow,
	}
	f.Fuzz(func(t *testing.T, data []byte, ti uint8) {
		typ := importer.Types()[int(ti)%len(importer.Types())]
		importer.DetectType(data, "")
		r := importer.NewReader(bytes.NewReader(data), typ)
		r.LocalDomain = "local.example"
		r.MaxBytes = 1 << 16
		r.MaxRows = 1000
		var rows []importer.Row
		for row, err := range r.Rows() {
			if err == nil {
				rows = append(rows, row)
				continue
			}
			var pe *importer.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			ok := false
			for _, s := range documented {
				ok = ok || errors.Is(err, s)
			}
			if !ok {
				t.Fatalf("error %v unwraps to no documented sentinel", err)
			}
			if !errors.Is(err, importer.ErrInvalidRow) {
				return // the file is unusable as a whole: nothing to round-trip
			}
		}
		var out bytes.Buffer
		if err := importer.WriteRows(&out, typ, rows); err != nil {
			t.Fatalf("WriteRows: %v", err)
		}
		r2 := importer.NewReader(bytes.NewReader(out.Bytes()), typ)
		r2.LocalDomain = "local.example"
		r2.MaxBytes = -1
		r2.MaxRows = -1
		again, err := r2.ReadAll()
		if len(rows) == 0 && errors.Is(err, importer.ErrEmpty) {
			return
		}
		if err != nil {
			t.Fatalf("reading back %q: %v", out.Bytes(), err)
		}
		ignoreLine := cmpopts.IgnoreFields(importer.Row{}, "Line")
		if diff := cmp.Diff(rows, again, ignoreLine, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("rows changed by a write and a read of %q (-first +second):\n%s", out.Bytes(), diff)
		}
	})
}

func typeIndex(t importer.Type) int {
	for i, x := range importer.Types() {
		if x == t {
			return i
		}
	}
	return 0
}
