package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutZip builds a ZIP of outbox.json (n statuses), a media file and
// actor.json, in the order Mastodon writes them, with the given method;
// described is whether sizes follow the data (Go's and streaming
// writers) or are in the local headers.
func cutZip(t *testing.T, n int, method uint16, described bool) (data []byte, outbox string, ids []string) {
	t.Helper()
	items := make([]string, n)
	for i := range items {
		ids = append(ids, fmt.Sprintf("https://a.example/users/u/statuses/%d", i))
		items[i] = strings.Replace(noteItem, "statuses/1", fmt.Sprintf("statuses/%d", i), 2)
	}
	outbox = outboxOf(items...)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, data string }{
		{"outbox.json", outbox},
		{"media_attachments/files/1/original/a.png", noise(40 << 10)},
		{"actor.json", `{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`},
	} {
		var w io.Writer
		var err error
		if described {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: method})
		} else {
			// Sizes and CRC in the local header, as a seeking writer
			// (Mastodon's rubyzip) leaves them.
			var comp bytes.Buffer
			fw := io.Writer(&comp)
			var closer io.Closer
			if method == zip.Deflate {
				dw, _ := flateWriter(&comp)
				fw, closer = dw, dw
			}
			io.WriteString(fw, f.data)
			if closer != nil {
				closer.Close()
			}
			h := &zip.FileHeader{Name: f.name, Method: method, CRC32: crc(f.data),
				CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(f.data))}
			w, err = zw.CreateRaw(h)
			if err == nil {
				_, err = w.Write(comp.Bytes())
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), outbox, ids
}

// TestZipCutShort cuts ZIPs at every point and reads them: Open
// recovers the entries from their local headers, statuses come in order
// up to the last complete one, and the damage is ErrTruncated naming
// the entry the file ends in.
func TestZipCutShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		method    uint16
		described bool
	}{
		{"deflate, sizes after the data", zip.Deflate, true},
		{"deflate, sizes in the local header", zip.Deflate, false},
		{"stored, sizes after the data", zip.Store, true},
		{"stored, sizes in the local header", zip.Store, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, outbox, ids := cutZip(t, 40, tc.method, tc.described)
			whole := openZipBytes(t, data)
			entries := map[string][]byte{}
			for _, name := range []string{"outbox.json", "media_attachments/files/1/original/a.png", "actor.json"} {
				b, err := fs.ReadFile(whole, name)
				if err != nil {
					t.Fatal(err)
				}
				entries[name] = b
			}
			prev := 0
			step := max(len(data)/300, 1)
			for cut := 40; cut < len(data); cut += step {
				c := Config{Concurrency: 1}
				r, err := c.NewReader(bytes.NewReader(data[:cut]), int64(cut))
				if err != nil {
					if !errors.Is(err, ErrTruncated) {
						t.Fatalf("cut at %d: %v, want ErrTruncated", cut, err)
					}
					continue
				}
				if r.damage == nil || !errors.Is(r.damage, ErrTruncated) {
					t.Fatalf("cut at %d: damage %v, want ErrTruncated", cut, r.damage)
				}
				// Every entry found is what was written, or a prefix of
				// it ending in ErrTruncated.
				for name, want := range entries {
					if !r.Has(name) {
						continue
					}
					f, _ := r.Open(name)
					got, err := io.ReadAll(f)
					f.Close()
					if !bytes.HasPrefix(want, got) {
						t.Fatalf("cut at %d: %s is not a prefix of what was written", cut, name)
					}
					if err != nil && !errors.Is(err, ErrTruncated) {
						t.Fatalf("cut at %d: reading %s: %v", cut, name, err)
					}
					if len(got) < len(want) && err == nil {
						t.Fatalf("cut at %d: %s ends early without an error", cut, name)
					}
				}
				if !r.Has("outbox.json") {
					continue
				}
				var got []string
				var last error
				for s, err := range r.Statuses() {
					if err != nil {
						last = err
						break
					}
					got = append(got, s.ID)
				}
				if diff := len(got); diff > len(ids) || strings.Join(got, " ") != strings.Join(ids[:len(got)], " ") {
					t.Fatalf("cut at %d: statuses are not the first ones in order", cut)
				}
				if len(got) < prev {
					t.Fatalf("cut at %d: %d statuses, fewer than %d at a shorter cut", cut, len(got), prev)
				}
				prev = len(got)
				if last != nil {
					var e *Error
					if !errors.Is(last, ErrTruncated) || !errors.As(last, &e) || e.Entry != "outbox.json" || (e.Index != len(got) && !(len(got) == 0 && e.Index == -1)) {
						t.Fatalf("cut at %d: error %v, want ErrTruncated in outbox.json at item %d", cut, last, len(got))
					}
					// Every status whose bytes were all delivered was
					// yielded.
					f, _ := r.Open("outbox.json")
					avail, _ := io.ReadAll(f)
					f.Close()
					complete := strings.Count(string(avail), `"published":"2024-01-02T03:04:05Z"}}`)
					if len(got) != complete {
						t.Fatalf("cut at %d: %d statuses, but %d are whole in the %d bytes there", cut, len(got), complete, len(avail))
					}
				} else if len(got) != len(ids) {
					t.Fatalf("cut at %d: %d statuses without an error, want %d", cut, len(got), len(ids))
				}
				rep := r.Validate()
				found := false
				for _, err := range rep.Errors {
					found = found || errors.Is(err, ErrTruncated)
				}
				if !found {
					t.Fatalf("cut at %d: Validate does not report the cut: %v", cut, rep.Errors)
				}
			}
			if prev != len(ids) {
				t.Errorf("the longest cuts gave %d statuses, want %d", prev, len(ids))
			}
			_ = outbox
		})
	}
}

// TestZipCutShortMessage: the damage names the last entry and says what
// happened.
func TestZipCutShortMessage(t *testing.T) {
	t.Parallel()
	data, _, _ := cutZip(t, 5, zip.Deflate, true)
	cut := len(data) - 200 // in the central directory
	r, err := NewReader(bytes.NewReader(data[:cut]), int64(cut))
	if err != nil {
		t.Fatal(err)
	}
	want := "archive: actor.json: the file ends early: was the download complete?"
	if r.damage == nil || r.damage.Error() != want {
		t.Errorf("damage = %v, want %q", r.damage, want)
	}
	if n, err := count(r.Statuses()); n != 5 || err != nil {
		t.Errorf("read %d statuses, %v; want 5 and no error", n, err)
	}
}

func openZipBytes(t *testing.T, data []byte) *Reader {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func flateWriter(w io.Writer) (io.WriteCloser, error) {
	return flate.NewWriter(w, flate.DefaultCompression)
}

func crc(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }

// TestBOM: a UTF-8 byte order mark before outbox.json, likes.json or
// actor.json, bare or in a ZIP, is skipped.
func TestBOM(t *testing.T) {
	t.Parallel()
	const bom = "\xef\xbb\xbf"
	outbox := bom + outboxOf(noteItem, noteItem)
	bare := openString(t, Limits{}, outbox)
	z := zipBytes(t,
		zipFile{name: "outbox.json", data: []byte(outbox)},
		zipFile{name: "likes.json", data: []byte(bom + `{"orderedItems":["https://b.example/1"]}`)},
		zipFile{name: "actor.json", data: []byte(bom + `{"id":"https://a.example/users/u","type":"Person","preferredUsername":"u"}`)},
	)
	zipped := openZipBytes(t, z)
	for name, r := range map[string]*Reader{"bare": bare, "zip": zipped} {
		n, err := count(r.Statuses())
		if n != 2 || err != nil {
			t.Errorf("%s: %d statuses, %v; want 2", name, n, err)
		}
		rep := r.Validate()
		if len(rep.Errors) != 0 {
			t.Errorf("%s: Validate errors %v", name, rep.Errors)
		}
	}
	if n, err := count(zipped.Likes()); n != 1 || err != nil {
		t.Errorf("likes: %d, %v; want 1", n, err)
	}
	if a, err := zipped.Actor(); err != nil || a.PreferredUsername != "u" {
		t.Errorf("actor: %v", err)
	}
	// Offsets still count the mark.
	for _, err := range openString(t, Limits{}, bom+`{"orderedItems":[1,}`).Statuses() {
		var e *Error
		if !errors.As(err, &e) || e.Offset != 20 {
			t.Errorf("error %v, want one at byte 20 (item 0, after the 3-byte mark)", err)
		}
		break
	}
}

// TestValidateBounded: an archive with thousands of problems of each
// kind gives a report that lists MaxListed of each and counts the rest.
func TestValidateBounded(t *testing.T) {
	t.Parallel()
	const n = 3000
	items := make([]string, 0, 2*n)
	for i := range n {
		items = append(items,
			fmt.Sprintf(`{"id":"x%d","type":"Like"}`, i),
			fmt.Sprintf(`{"id":"a%d","type":"Create","object":{"id":"s%d","type":"Note","attachment":[{"type":"Document","url":"/media_attachments/files/%d/original/gone.png"}]}}`, i, i, i),
			`{"id":"bad","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}}`)
	}
	files := []zipFile{{name: "outbox.json", data: []byte(outboxOf(items...))}}
	for i := range 250 {
		files = append(files, zipFile{name: fmt.Sprintf("media_attachments/files/o/%d.png", i), data: []byte("x")})
	}
	r := openZipBytes(t, zipBytes(t, files...))
	rep := r.Validate()
	want := Overflow{MissingMedia: n - MaxListed, OrphanMedia: 250 - MaxListed, UnknownItems: n - MaxListed, Errors: n - MaxListed}
	if rep.Overflow != want {
		t.Errorf("Overflow = %+v, want %+v", rep.Overflow, want)
	}
	if len(rep.MissingMedia) != MaxListed || len(rep.OrphanMedia) != MaxListed || len(rep.UnknownItems) != MaxListed || len(rep.Errors) != MaxListed {
		t.Errorf("lists hold %d, %d, %d, %d; want %d each", len(rep.MissingMedia), len(rep.OrphanMedia), len(rep.UnknownItems), len(rep.Errors), MaxListed)
	}
	if rep.Items != 3*n || rep.Creates != n {
		t.Errorf("counted %d items, %d creates", rep.Items, rep.Creates)
	}
	w := rep.Warnings()
	if len(w) > 4*MaxListed+10 {
		t.Errorf("%d warning lines", len(w))
	}
	if got := w[len(w)-1]; got != fmt.Sprintf("and %d more errors", n-MaxListed) {
		t.Errorf("last warning %q", got)
	}
}

// gnuSparseTarGz is a .tar.gz with outbox.json and one old-GNU sparse
// entry whose 512 bytes of data stand for logical bytes of holes.
func gnuSparseTarGz(t *testing.T, logical int64) []byte {
	t.Helper()
	var raw bytes.Buffer
	outbox := []byte(outboxOf(noteItem))
	tw := tar.NewWriter(&raw)
	tw.WriteHeader(&tar.Header{Name: "outbox.json", Typeflag: tar.TypeReg, Size: int64(len(outbox)), Mode: 0o444})
	tw.Write(outbox)
	tw.Flush()
	var h [512]byte
	octal := func(b []byte, v int64) { copy(b, fmt.Sprintf("%0*o", len(b)-1, v)) }
	copy(h[0:], "media_attachments/files/1/original/big.png")
	octal(h[100:108], 0o644)
	octal(h[108:116], 0)
	octal(h[116:124], 0)
	octal(h[124:136], 512) // physical size
	octal(h[136:148], 0)
	h[156] = 'S'
	copy(h[257:], "ustar  \x00")
	// One data region of 512 bytes at the end of the logical file.
	octal(h[386:398], logical-512)
	octal(h[398:410], 512)
	octal(h[483:495], logical) // real size
	for i := range 8 {
		h[148+i] = ' '
	}
	sum := 0
	for _, b := range h {
		sum += int(b)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	raw.Write(h[:])
	raw.Write(make([]byte, 512))
	raw.Write(make([]byte, 1024)) // end of archive
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	return gz.Bytes()
}

// TestTarSparseRefused: a sparse entry, whose holes would be made above
// the compression-ratio check, is refused.
func TestTarSparseRefused(t *testing.T) {
	t.Parallel()
	data := gnuSparseTarGz(t, 16<<30)
	// The file really is a sparse entry of 16 GiB to archive/tar.
	zr, _ := gzip.NewReader(bytes.NewReader(data))
	tr := tar.NewReader(zr)
	tr.Next()
	if h, err := tr.Next(); err != nil || h.Size != 16<<30 {
		t.Fatalf("fixture: %v, %+v", err, h)
	}
	c := Config{}
	_, err := c.newFileReader(bytes.NewReader(data), int64(len(data)))
	var e *Error
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &e) || e.Entry != "media_attachments/files/1/original/big.png" {
		t.Fatalf("error %v, want ErrCorrupt naming the sparse entry", err)
	}
}

// TestMessagesSayWhatWasExpected: an empty file, a folder or a ZIP
// without outbox.json say so, and Report.Incomplete holds what kept the
// outbox from being read to its end (not an undecodable item).
func TestMessagesSayWhatWasExpected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.zip")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Open(empty); err == nil || err.Error() != "archive: not an export archive: empty file" || !errors.Is(err, ErrNotArchive) {
		t.Errorf("empty file: %v", err)
	}
	folder := filepath.Join(dir, "folder")
	os.MkdirAll(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "actor.json"), []byte(`{"id":"https://a.example/u","type":"Person"}`), 0o644)
	zipped := filepath.Join(dir, "nooutbox.zip")
	os.WriteFile(zipped, zipBytes(t, zipFile{name: "actor.json", data: []byte(`{"id":"https://a.example/u","type":"Person"}`)}), 0o644)
	for p, want := range map[string]string{folder: "archive: folder has no outbox.json", zipped: "archive: this ZIP holds no outbox.json"} {
		r, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = count(r.Statuses())
		if err == nil || err.Error() != want || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: Statuses: %v, want %q", p, err, want)
		}
		if rep := r.Validate(); rep.Incomplete == nil || rep.Incomplete.Error() != want {
			t.Errorf("%s: Validate: Incomplete %v, want %q", p, rep.Incomplete, want)
		}
		r.Close()
	}
	bad := openString(t, Limits{}, outboxOf(noteItem, `{"id":"x","type":"Create","object":{"id":"y","type":"Note","sensitive":"very"}}`))
	if rep := bad.Validate(); rep.Incomplete != nil || len(rep.Errors) != 1 {
		t.Errorf("undecodable item: Incomplete %v, errors %v; want nil and one", rep.Incomplete, rep.Errors)
	}
	doc := outboxOf(noteItem, noteItem)
	cut := openString(t, Limits{}, doc[:len(doc)-20])
	if rep := cut.Validate(); !errors.Is(rep.Incomplete, ErrCorrupt) || rep.Creates != 1 {
		t.Errorf("cut outbox: Incomplete %v, %d creates", rep.Incomplete, rep.Creates)
	}
}
