package journal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func replayAll(t *testing.T, j *Journal) []string {
	t.Helper()
	var got []string
	for p, err := range j.Replay() {
		if err != nil {
			t.Fatalf("Replay: %v", err)
		}
		got = append(got, string(p))
	}
	return got
}

func mustOpen(t *testing.T, path string, header []byte) *Journal {
	t.Helper()
	j, err := Open(path, header)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestAppendReopenReplay(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	hdr := []byte(`{"plan":"p1"}`)
	j := mustOpen(t, path, hdr)
	want := []string{`{"i":0}`, "", "with\ttab", strings.Repeat("x", MaxRecordBytes)}
	for _, r := range want {
		if err := j.Append([]byte(r)); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	if diff := cmp.Diff(want, replayAll(t, j)); diff != "" {
		t.Errorf("Replay before reopen (-want +got):\n%s", diff)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Append([]byte("late")); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	j2 := mustOpen(t, path, hdr)
	if j2.Len() != len(want) {
		t.Errorf("Len = %d, want %d", j2.Len(), len(want))
	}
	if diff := cmp.Diff(want, replayAll(t, j2)); diff != "" {
		t.Errorf("Replay after reopen (-want +got):\n%s", diff)
	}
	got, err := ReadHeader(path)
	if err != nil || !bytes.Equal(got, hdr) {
		t.Errorf("ReadHeader = %q, %v; want %q", got, err, hdr)
	}
	// The file is the documented format.
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "fediport-journal 1\n{\"plan\":\"p1\"}\t") {
		t.Errorf("file starts %q", b[:40])
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want the journal only", len(ents))
	}
}

func TestOpenEmptyFileCreates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	j := mustOpen(t, path, []byte("h"))
	if err := j.Append([]byte("r")); err != nil {
		t.Fatal(err)
	}
	if h, err := ReadHeader(path); err != nil || string(h) != "h" {
		t.Errorf("ReadHeader = %q, %v", h, err)
	}
}

func TestOpenMismatch(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j := mustOpen(t, path, []byte("job A"))
	j.Append([]byte("r"))
	j.Close()
	_, err := Open(path, []byte("job B"))
	var je *Error
	if !errors.Is(err, ErrMismatch) || !errors.As(err, &je) || je.Line != 2 || je.Path != path {
		t.Fatalf("Open with another header = %v, want *Error at line 2 wrapping ErrMismatch", err)
	}
}

func TestAppendRejects(t *testing.T) {
	t.Parallel()
	j := mustOpen(t, filepath.Join(t.TempDir(), "j"), nil)
	for name, p := range map[string][]byte{
		"newline":  []byte("a\nb"),
		"too long": bytes.Repeat([]byte("x"), MaxRecordBytes+1),
	} {
		if err := j.Append(p); err == nil {
			t.Errorf("%s: Append succeeded", name)
		}
	}
	if j.Len() != 0 {
		t.Errorf("Len = %d after refused appends", j.Len())
	}
	if _, err := Open(filepath.Join(t.TempDir(), "k"), []byte("a\nb")); err == nil {
		t.Error("Open took a header holding a newline")
	}
}

// build returns a journal file of header and records, as Append writes it.
func build(header string, records ...string) []byte {
	b := []byte(magic + "\n")
	b = appendLine(b, []byte(header))
	for _, r := range records {
		b = appendLine(b, []byte(r))
	}
	return b
}

func TestOpenDamaged(t *testing.T) {
	t.Parallel()
	good := build("h", "r1", "r2")
	r1off := int64(len(build("h")))
	tests := []struct {
		name     string
		data     []byte
		want     []string // records after a successful Open
		wantSize int      // file size after Open
		wantLine int      // line of the error; 0 if Open succeeds
		wantOff  int64
	}{
		{"intact", good, []string{"r1", "r2"}, len(good), 0, 0},
		{"torn tail without LF", append(bytes.Clone(good), "r3\t0"...), []string{"r1", "r2"}, len(good), 0, 0},
		{"torn tail, bad checksum", append(bytes.Clone(good), "r3\t00000000\n"...), []string{"r1", "r2"}, len(good), 0, 0},
		{"torn tail of zeros", append(bytes.Clone(good), make([]byte, 3*MaxRecordBytes)...), []string{"r1", "r2"}, len(good), 0, 0},
		{"damaged record before the last", bytes.Replace(bytes.Clone(good), []byte("r1"), []byte("R1"), 1), nil, len(good), 3, r1off},
		{"oversize line before the last", append(append(build("h", "r1"), bytes.Repeat([]byte("x"), MaxRecordBytes+100)...), "\n"+string(appendLine(nil, []byte("r2")))...), nil, 0, 4, int64(len(build("h", "r1")))},
		{"bad magic", append([]byte("fediport-journal 2\n"), good[len(magic)+1:]...), nil, len(good), 1, 0},
		{"bad header checksum", bytes.Replace(bytes.Clone(good), []byte("h\t"), []byte("H\t"), 1), nil, len(good), 2, int64(len(magic) + 1)},
		{"no header", []byte(magic + "\n"), nil, len(magic) + 1, 2, int64(len(magic) + 1)},
		{"not a journal", []byte("hello"), nil, 5, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "j")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := Open(path, []byte("h"))
			if tt.wantLine != 0 {
				var je *Error
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &je) || je.Line != tt.wantLine || je.Offset != tt.wantOff {
					t.Fatalf("Open = %v, want *Error at line %d offset %d wrapping ErrCorrupt", err, tt.wantLine, tt.wantOff)
				}
				if b, _ := os.ReadFile(path); !bytes.Equal(b, tt.data) {
					t.Error("Open changed a corrupt journal")
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer j.Close()
			if diff := cmp.Diff(tt.want, replayAll(t, j)); diff != "" {
				t.Errorf("Replay (-want +got):\n%s", diff)
			}
			if fi, _ := os.Stat(path); fi.Size() != int64(tt.wantSize) {
				t.Errorf("file size %d after Open, want %d", fi.Size(), tt.wantSize)
			}
			// Appending after a dropped torn record gives an intact file.
			if err := j.Append([]byte("r3")); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, build("h", append(tt.want, "r3")...)) {
				t.Errorf("file after Append = %q", b)
			}
		})
	}
}

func TestConcurrentAppend(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j := mustOpen(t, path, []byte("h"))
	const workers, each = 16, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := j.Append(fmt.Appendf(nil, "%d-%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	// Replays concurrent with the appends see whole records only.
	for range 5 {
		for _, err := range j.Replay() {
			if err != nil {
				t.Fatalf("Replay during appends: %v", err)
			}
		}
	}
	wg.Wait()
	j.Close()
	j2 := mustOpen(t, path, []byte("h"))
	seen := map[string]bool{}
	for _, r := range replayAll(t, j2) {
		seen[r] = true
	}
	if len(seen) != workers*each || j2.Len() != workers*each {
		t.Errorf("reopened journal holds %d distinct records (Len %d), want %d", len(seen), j2.Len(), workers*each)
	}
}

func TestReplayStopsEarly(t *testing.T) {
	t.Parallel()
	j := mustOpen(t, filepath.Join(t.TempDir(), "j"), nil)
	for _, r := range []string{"a", "b", "c"} {
		j.Append([]byte(r))
	}
	n := 0
	for range j.Replay() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("loop ran %d times after break", n)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := ReadHeader(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "bad")
	os.WriteFile(path, []byte("nope\n"), 0o600)
	if _, err := ReadHeader(path); !errors.Is(err, ErrCorrupt) {
		t.Errorf("bad file: %v", err)
	}
}
