package journal

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds hostile bytes to the reader: it must not panic, and
// either fail with a positioned *Error wrapping ErrCorrupt, or return a
// header and records that encode back to the intact prefix it reports.
func FuzzDecode(f *testing.F) {
	good := build(`{"plan":1}`, `{"i":0}`, "r\t2", "")
	f.Add(good)
	f.Add(append(bytes.Clone(good), "torn"...))
	f.Add(append(bytes.Clone(good), "x\t00000000\n"...))
	f.Add(bytes.Replace(bytes.Clone(good), []byte(`"i"`), []byte(`"j"`), 1))
	f.Add(build(""))
	f.Add([]byte(magic + "\n"))
	f.Add([]byte(magic))
	f.Add([]byte{})
	// Oversize lines (over 64 KiB) are left to TestOpenDamaged: inputs that
	// large slow the fuzzer to a crawl.
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs [][]byte
		c, err := decode(bytes.NewReader(data), "fuzz", func(p []byte) error {
			recs = append(recs, bytes.Clone(p))
			return nil
		})
		if err != nil {
			var je *Error
			if !errors.As(err, &je) || !errors.Is(err, ErrCorrupt) || je.Line < 1 || je.Offset < 0 || je.Offset > int64(len(data)) {
				t.Fatalf("error %v is not a positioned *Error wrapping ErrCorrupt", err)
			}
			return
		}
		if c.end > int64(len(data)) || c.torn != (c.end < int64(len(data))) || c.records != len(recs) {
			t.Fatalf("contents %+v inconsistent with %d bytes, %d records", c, len(data), len(recs))
		}
		var raw []string
		for _, r := range recs {
			raw = append(raw, string(r))
		}
		if again := build(string(c.header), raw...); !bytes.Equal(again, data[:c.end]) {
			t.Fatalf("re-encoded %q, intact prefix %q", again, data[:c.end])
		}
	})
}
