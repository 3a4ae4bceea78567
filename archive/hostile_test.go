package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type zipFile struct {
	name string
	data []byte
	mode os.FileMode // 0: regular
}

func zipBytes(t *testing.T, files ...zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.mode != 0 {
			h.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarGzBytes(t *testing.T, headers ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, h := range headers {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write(bytes.Repeat([]byte("{"), int(h.Size)))
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

func TestHostile(t *testing.T) {
	t.Parallel()
	outbox := []byte(outboxOf(noteItem))
	zeros := make([]byte, 4<<20)
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		// read runs after a successful open; nil means open must fail.
		read bool
		want error
	}{
		{name: "dot-dot entry", data: zipBytes(t, zipFile{name: "../outbox.json", data: outbox}), want: ErrInsecurePath},
		{name: "dot-dot inside", data: zipBytes(t, zipFile{name: "a/../../x", data: outbox}), want: ErrInsecurePath},
		{name: "absolute path", data: zipBytes(t, zipFile{name: "/etc/passwd", data: outbox}), want: ErrInsecurePath},
		{name: "backslash", data: zipBytes(t, zipFile{name: `media_attachments\x.jpg`, data: outbox}), want: ErrInsecurePath},
		{name: "drive letter", data: zipBytes(t, zipFile{name: "C:/Windows/x", data: outbox}), want: ErrInsecurePath},
		{name: "drive-relative", data: zipBytes(t, zipFile{name: "c:outbox.json", data: outbox}), want: ErrInsecurePath},
		{name: "NUL in name", data: zipBytes(t, zipFile{name: "outbox.json\x00.png", data: outbox}), want: ErrInsecurePath},
		{name: "tar drive letter", data: tarGzBytes(t, &tar.Header{Name: "D:/outbox.json", Typeflag: tar.TypeReg, Size: 1}), want: ErrInsecurePath},
		{name: "zip symlink", data: zipBytes(t, zipFile{name: "outbox.json", data: []byte("/etc/passwd"), mode: os.ModeSymlink | 0o777}), want: ErrInsecurePath},
		{name: "tar symlink", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}), want: ErrInsecurePath},
		{name: "tar hard link", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeLink, Linkname: "../x"}), want: ErrInsecurePath},
		{name: "tar dot-dot", data: tarGzBytes(t, &tar.Header{Name: "../outbox.json", Typeflag: tar.TypeReg, Size: 1}), want: ErrInsecurePath},
		{name: "duplicate entries", data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}, zipFile{name: "outbox.json", data: outbox}), want: ErrCorrupt},
		{name: "too many entries", limits: Limits{MaxEntries: 2},
			data: zipBytes(t, zipFile{name: "a"}, zipFile{name: "b"}, zipFile{name: "c"}), want: errTooManyEntries},
		{name: "tar too many entries", limits: Limits{MaxEntries: 1},
			data: tarGzBytes(t, &tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1}, &tar.Header{Name: "b", Typeflag: tar.TypeReg, Size: 1}), want: errTooManyEntries},
		{name: "entry too large", limits: Limits{MaxEntryBytes: 10}, data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}), want: errEntryTooLarge},
		{name: "total too large", limits: Limits{MaxTotalBytes: int64(len(outbox)) + 5},
			data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}, zipFile{name: "likes.json", data: outbox}), want: errTooLarge},
		{name: "zip bomb ratio", data: zipBytes(t, zipFile{name: "outbox.json", data: zeros}), want: errCompressionRatio},
		{name: "zip compressed size lies (ratio)", data: lieCompressedSize(t, zipBytes(t, zipFile{name: "outbox.json", data: zeros}), 1<<30), want: errCompressionRatio},
		{name: "zip overlapping entries (whole-archive ratio)", limits: Limits{MaxCompressionRatio: 3},
			data: overlapEntries(t, zipBytes(t, zipFile{name: "outbox.json", data: []byte(noise(2 << 20))}), 4), want: errCompressionRatio},
		{name: "tar entry of another type counts against the total", limits: Limits{MaxTotalBytes: 1 << 20},
			data: tarGzBytes(t, &tar.Header{Name: "x", Typeflag: 'Z', Size: 2 << 20}, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeReg, Size: 1}), want: errTooLarge},
		{name: "tar.gz bomb ratio", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeReg, Size: 4 << 20}), want: errCompressionRatio},
		{name: "nesting too deep", read: true,
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(`{"id":"a","type":"Create","object":` + nested(100) + `}`))}), want: errTooDeep},
		{name: "deep context member", read: true,
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(`{"@context":` + nested(1000) + `,"orderedItems":[]}`)}), want: errTooDeep},
		{name: "item too large", read: true, limits: Limits{MaxItemBytes: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}), want: errItemTooLarge},
		{name: "item far too large (window)", read: true, limits: Limits{MaxItemBytes: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(`"` + noise(1<<20) + `"`))}), want: errItemTooLarge},
		{name: "top-level member too large", read: true, limits: Limits{MaxItemBytes: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(`{"@context":"` + noise(1<<20) + `","orderedItems":[]}`)}), want: errItemTooLarge},
		{name: "not JSON", read: true, data: zipBytes(t, zipFile{name: "outbox.json", data: []byte("<html>")}), want: ErrMalformed},
		{name: "not an object", read: true, data: zipBytes(t, zipFile{name: "outbox.json", data: []byte("[1,2]")}), want: ErrMalformed},
		{name: "not an archive", data: []byte("hello, world"), want: ErrNotArchive},
		{name: "gzip but not tar", data: gzipOf([]byte("hello")), want: ErrNotArchive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "input")
			if err := os.WriteFile(p, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			c := Config{Limits: tt.limits}
			r, err := c.Open(p)
			if !tt.read {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Open error = %v, want %v", err, tt.want)
				}
				checkLimitError(t, err, tt.want, tt.limits)
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			for _, err = range r.Statuses() {
				if err != nil {
					break
				}
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Statuses error = %v, want %v", err, tt.want)
			}
			checkLimitError(t, err, tt.want, tt.limits)
			var e *Error
			if !errors.As(err, &e) || e.Entry != "outbox.json" {
				t.Errorf("error %v does not name outbox.json", err)
			}
		})
	}
}

// checkLimitError checks that an error for a limit, want, is what callers
// branch on: ErrLimit, and a *LimitError naming the field of Limits.
func checkLimitError(t *testing.T, err, want error, limits Limits) {
	t.Helper()
	w, ok := want.(*LimitError)
	if !ok {
		return
	}
	var le *LimitError
	if !errors.Is(err, ErrLimit) || !errors.As(err, &le) || le.Limit != w.Limit {
		t.Errorf("error %v: want ErrLimit and a *LimitError for %s", err, w.Limit)
		return
	}
	f := reflect.ValueOf(limits.withDefaults()).FieldByName(le.Limit)
	if !f.IsValid() {
		t.Errorf("LimitError.Limit %q is no field of Limits", le.Limit)
		return
	}
	if le.Max != f.Int() || !strings.HasSuffix(err.Error(), fmt.Sprintf("(%s is %d)", le.Limit, f.Int())) {
		t.Errorf("error %q: Max %d, want %s's value %d, named in the message", err, le.Max, le.Limit, f.Int())
	}
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write(b)
	gz.Close()
	return buf.Bytes()
}

func TestDirSymlinkRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "outbox.json"), []byte(outboxOf()), 0o644)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "actor.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrInsecurePath) {
		t.Errorf("Open = %v, want ErrInsecurePath", err)
	}
}

// noise returns n bytes of text that does not compress much.
func noise(n int) string {
	var b strings.Builder
	x := uint32(1)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[x%36])
	}
	return b.String()
}

// centralRecords returns the offsets of the central directory records of
// a ZIP written by archive/zip (no comment, no Zip64).
func centralRecords(t *testing.T, z []byte) (eocd int, records []int) {
	t.Helper()
	eocd = bytes.LastIndex(z, []byte("PK\x05\x06"))
	if eocd < 0 {
		t.Fatal("no end of central directory")
	}
	off := int(binary.LittleEndian.Uint32(z[eocd+16:]))
	n := int(binary.LittleEndian.Uint16(z[eocd+10:]))
	for range n {
		if !bytes.HasPrefix(z[off:], []byte("PK\x01\x02")) {
			t.Fatal("bad central directory record")
		}
		records = append(records, off)
		off += 46 + int(binary.LittleEndian.Uint16(z[off+28:])) + int(binary.LittleEndian.Uint16(z[off+30:])) + int(binary.LittleEndian.Uint16(z[off+32:]))
	}
	return eocd, records
}

// lieCompressedSize makes the central directory claim a compressed size
// for every entry, so that the declared ratio looks harmless.
func lieCompressedSize(t *testing.T, z []byte, size uint32) []byte {
	t.Helper()
	z = bytes.Clone(z)
	_, recs := centralRecords(t, z)
	for _, off := range recs {
		binary.LittleEndian.PutUint32(z[off+20:], size)
	}
	return z
}

// overlapEntries repeats the first central directory record n times
// under other names of the same length, every copy pointing at the same
// compressed bytes: the overlapping-entries zip bomb.
func overlapEntries(t *testing.T, z []byte, n int) []byte {
	t.Helper()
	eocd, recs := centralRecords(t, z)
	first := recs[0]
	rec := z[first : first+46+int(binary.LittleEndian.Uint16(z[first+28:]))]
	out := bytes.Clone(z[:first])
	cd := len(out)
	for i := range n {
		r := bytes.Clone(rec)
		r[46] = byte('a' + i) // a distinct name of the same length
		out = append(out, r...)
	}
	end := bytes.Clone(z[eocd : eocd+22])
	binary.LittleEndian.PutUint16(end[8:], uint16(n))
	binary.LittleEndian.PutUint16(end[10:], uint16(n))
	binary.LittleEndian.PutUint32(end[12:], uint32(len(out)-cd))
	binary.LittleEndian.PutUint32(end[16:], uint32(cd))
	return append(out, end...)
}

func TestZipDeclaredSizeLies(t *testing.T) {
	t.Parallel()
	// The central directory says outbox.json is 10 bytes; it inflates
	// to more. Reading stops with an error naming the entry.
	z := zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(noteItem, noteItem, noteItem))})
	_, recs := centralRecords(t, z)
	binary.LittleEndian.PutUint32(z[recs[0]+24:], 10)
	r, err := NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for _, err := range r.Statuses() {
		last = err
	}
	var e *Error
	if !errors.Is(last, ErrCorrupt) || !errors.As(last, &e) || e.Entry != "outbox.json" {
		t.Errorf("Statuses error = %v, want ErrCorrupt naming outbox.json", last)
	}
}

func TestDirFileGrowsPastLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "outbox.json")
	if err := os.WriteFile(p, []byte(outboxOf()), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Config{Limits: Limits{MaxEntryBytes: 1000}}
	r, err := c.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := os.WriteFile(p, []byte(outboxOf(noteItem, noteItem, noteItem, noteItem)), 0o644); err != nil {
		t.Fatal(err)
	}
	var last error
	for _, err := range r.Statuses() {
		last = err
	}
	if !errors.Is(last, errEntryTooLarge) {
		t.Errorf("Statuses error = %v, want errEntryTooLarge", last)
	}
}

func TestZipCorruptEntryNamesTheItem(t *testing.T) {
	t.Parallel()
	items := make([]string, 300)
	for i := range items {
		items[i] = strings.Replace(noteItem, "<p>hi</p>", "<p>"+noise(200+i)+"</p>", 1)
	}
	z := zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(items...))})
	// The central directory says outbox.json is two thirds of its size:
	// the zip reader fails when more comes out.
	_, recs := centralRecords(t, z)
	usize := binary.LittleEndian.Uint32(z[recs[0]+24:])
	binary.LittleEndian.PutUint32(z[recs[0]+24:], usize*2/3)
	for _, workers := range []int{1, 4} {
		r, err := (&Config{Concurrency: workers}).NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		n, last := count(r.Statuses())
		var e *Error
		if n == 0 || !errors.As(last, &e) || !errors.Is(last, ErrCorrupt) || e.Entry != "outbox.json" || e.Index != n {
			t.Errorf("%d workers: %d statuses then %v; want some, then ErrCorrupt naming outbox.json and item %d", workers, n, last, n)
		}
	}
}

// TestInsecurePathUnderGODEBUG checks that zipinsecurepath=0, which makes
// the zip package report insecure names itself, still gives
// ErrInsecurePath and not ErrNotArchive. Not parallel: it sets GODEBUG.
func TestInsecurePathUnderGODEBUG(t *testing.T) {
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	z := zipBytes(t, zipFile{name: "../outbox.json", data: []byte(outboxOf())})
	_, err := NewReader(bytes.NewReader(z), int64(len(z)))
	if !errors.Is(err, ErrInsecurePath) {
		t.Errorf("NewReader = %v, want ErrInsecurePath", err)
	}
	// Secure names still open.
	z = zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf())})
	if _, err := NewReader(bytes.NewReader(z), int64(len(z))); err != nil {
		t.Errorf("NewReader of a clean archive = %v", err)
	}
}
