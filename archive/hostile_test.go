package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
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
		if h.Typeflag == tar.TypeReg {
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
		{name: "zip symlink", data: zipBytes(t, zipFile{name: "outbox.json", data: []byte("/etc/passwd"), mode: os.ModeSymlink | 0o777}), want: ErrInsecurePath},
		{name: "tar symlink", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}), want: ErrInsecurePath},
		{name: "tar hard link", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeLink, Linkname: "../x"}), want: ErrInsecurePath},
		{name: "tar dot-dot", data: tarGzBytes(t, &tar.Header{Name: "../outbox.json", Typeflag: tar.TypeReg, Size: 1}), want: ErrInsecurePath},
		{name: "duplicate entries", data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}, zipFile{name: "outbox.json", data: outbox}), want: ErrCorrupt},
		{name: "too many entries", limits: Limits{MaxEntries: 2},
			data: zipBytes(t, zipFile{name: "a"}, zipFile{name: "b"}, zipFile{name: "c"}), want: ErrTooManyEntries},
		{name: "tar too many entries", limits: Limits{MaxEntries: 1},
			data: tarGzBytes(t, &tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1}, &tar.Header{Name: "b", Typeflag: tar.TypeReg, Size: 1}), want: ErrTooManyEntries},
		{name: "entry too large", limits: Limits{MaxEntrySize: 10}, data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}), want: ErrEntryTooLarge},
		{name: "total too large", limits: Limits{MaxTotalSize: int64(len(outbox)) + 5},
			data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}, zipFile{name: "likes.json", data: outbox}), want: ErrTooLarge},
		{name: "zip bomb ratio", data: zipBytes(t, zipFile{name: "outbox.json", data: zeros}), want: ErrCompressionRatio},
		{name: "tar.gz bomb ratio", data: tarGzBytes(t, &tar.Header{Name: "outbox.json", Typeflag: tar.TypeReg, Size: 4 << 20}), want: ErrCompressionRatio},
		{name: "nesting too deep", read: true,
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(`{"id":"a","type":"Create","object":` + nested(100) + `}`))}), want: ErrTooDeep},
		{name: "deep context member", read: true,
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(`{"@context":` + nested(1000) + `,"orderedItems":[]}`)}), want: ErrTooDeep},
		{name: "item too large", read: true, limits: Limits{MaxItemSize: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: outbox}), want: ErrItemTooLarge},
		{name: "item far too large (window)", read: true, limits: Limits{MaxItemSize: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(outboxOf(`"` + noise(1<<20) + `"`))}), want: ErrItemTooLarge},
		{name: "top-level member too large", read: true, limits: Limits{MaxItemSize: 100},
			data: zipBytes(t, zipFile{name: "outbox.json", data: []byte(`{"@context":"` + noise(1<<20) + `","orderedItems":[]}`)}), want: ErrItemTooLarge},
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
			var e *Error
			if !errors.As(err, &e) || e.Entry != "outbox.json" {
				t.Errorf("error %v does not name outbox.json", err)
			}
		})
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
