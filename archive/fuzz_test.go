package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// seeds returns every file of testdata, for the fuzz corpora.
func seeds(f *testing.F) [][]byte {
	f.Helper()
	paths, _ := filepath.Glob("testdata/*")
	var out [][]byte
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.IsDir() || filepath.Ext(p) == ".md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// documented reports whether err is one of the package's errors.
func documented(err error) bool {
	for _, sentinel := range []error{ErrNotArchive, ErrInsecurePath, ErrCorrupt, ErrTruncated, ErrMalformed, ErrLimit,
		fs.ErrNotExist} {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}

// fuzzLimits keep each run small.
// Small enough that no input takes long: a fuzz run near its deadline
// fails with "context deadline exceeded" when one input is slow.
var fuzzLimits = Limits{MaxTotalBytes: 2 << 20, MaxEntryBytes: 1 << 20, MaxItemBytes: 256 << 10, MaxEntries: 64}

// smallSeeds repacks the JSON entries of the fixtures, with the outbox cut
// to its first items, as ZIP and .tar.gz: whole fixtures make each fuzz
// run take seconds.
func smallSeeds(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, p := range []string{"testdata/mastodon-2023-07-zip.zip", "testdata/mastodon-2022-12-targz.tar.gz"} {
		r, err := Open(p)
		if err != nil {
			f.Fatal(err)
		}
		files := map[string][]byte{}
		for _, name := range []string{"actor.json", "likes.json", "bookmarks.json"} {
			files[name], _ = fs.ReadFile(r, name)
		}
		var items []string
		for s, err := range r.Statuses() {
			if err != nil || len(items) == 3 {
				break
			}
			items = append(items, string(s.Raw))
		}
		r.Close()
		files["outbox.json"] = []byte(outboxOf(items...))
		var zbuf bytes.Buffer
		zw := zip.NewWriter(&zbuf)
		var tbuf bytes.Buffer
		gz := gzip.NewWriter(&tbuf)
		tw := tar.NewWriter(gz)
		for _, name := range []string{"outbox.json", "actor.json", "likes.json", "bookmarks.json"} {
			w, _ := zw.Create(name)
			w.Write(files[name])
			tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: int64(len(files[name])), Mode: 0o444})
			tw.Write(files[name])
		}
		zw.Close()
		tw.Close()
		gz.Close()
		out = append(out, zbuf.Bytes(), tbuf.Bytes(), files["outbox.json"])
	}
	return out
}

// FuzzReader opens arbitrary bytes as an archive (every form the content
// can be sniffed as) and reads everything: it must not panic, and must
// fail only with documented errors. The corpus is the fixtures' JSON
// repacked small (see smallSeeds) and the bare outbox fixture.
func FuzzReader(f *testing.F) {
	f.Add([]byte(outboxOf(noteItem)))
	if data, err := os.ReadFile("testdata/outbox-small-signed.json"); err == nil {
		f.Add(data)
	}
	for _, s := range smallSeeds(f) {
		f.Add(s)
		f.Add(s[:len(s)*2/3]) // cut short: the ZIP is recovered from its local headers
	}
	f.Fuzz(checkReader)
}

// checkReader opens data as an archive and reads all of it: no panic, and
// documented errors only.
func checkReader(t *testing.T, data []byte) {
	c := Config{Limits: fuzzLimits}
	r, err := c.newFileReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if !documented(err) {
			t.Fatalf("undocumented error: %v", err)
		}
		return
	}
	for _, err := range r.Statuses() {
		if err != nil && !documented(err) {
			t.Fatalf("undocumented error: %v", err)
		}
	}
	r.Validate()
	fs.WalkDir(r, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if f, err := r.Open(name); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
		}
		return nil
	})
}

// FuzzOutbox decodes arbitrary bytes as outbox.json: no panic, documented
// errors only, and every status decoded round-trips through the writer's
// encoding to the same typed status.
func FuzzOutbox(f *testing.F) {
	for _, s := range seeds(f) {
		if len(s) > 0 && s[0] == '{' {
			f.Add(s)
		}
	}
	f.Add([]byte(outboxOf(noteItem)))
	f.Add([]byte(`{"orderedItems":[],"orderedItems":[` + noteItem + `]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var info collectionInfo
		for it, err := range collectionItems(bytes.NewReader(data), "outbox.json", fuzzLimits.withDefaults(), &info) {
			if err != nil {
				if !documented(err) {
					t.Fatalf("undocumented error: %v", err)
				}
				return
			}
			s, err := decodeStatus(bytes.Clone(it.value), it.index, it.offset)
			if err != nil {
				continue
			}
			enc, err := appendStatus(nil, s, "")
			if err != nil {
				t.Fatal(err)
			}
			s2, err := decodeStatus(enc, it.index, it.offset)
			if err != nil {
				t.Fatalf("re-decoding %s: %v", enc, err)
			}
			if utf8.Valid(it.value) && (s2.ID != s.ID || s2.Content != s.Content || s2.Summary != s.Summary) {
				t.Fatalf("round trip changed the status:\n%+v\n%+v", s, s2)
			}
		}
	})
}
