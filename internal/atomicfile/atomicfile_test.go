package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fediport/fediport/internal/atomicfile"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestWriteNewFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "out.csv")
	if err := atomicfile.Write(name, 0o600, writeString("hello\n")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("read %q, %v", b, err)
	}
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 || !fi.Mode().IsRegular() {
		t.Errorf("mode %v, want a regular file only its owner reads", fi.Mode())
	}
	assertOnly(t, dir, "out.csv")
}

func TestWriteReplacesALinkNotItsTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "out.csv")
	if err := os.Symlink(victim, name); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(name, 0o600, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("out.csv is %v, %v; want a regular file in place of the link", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(name); string(b) != "new" {
		t.Errorf("out.csv = %q", b)
	}
}

func TestWriteFailureLeavesTheOldFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(name, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := atomicfile.Write(name, 0o600, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(name); string(b) != "old" {
		t.Errorf("out.csv = %q, want the old file", b)
	}
	assertOnly(t, dir, "out.csv")
}

func TestWriteIntoADirectoryFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "out.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(filepath.Join(dir, "out.csv"), 0o600, writeString("x")); err == nil {
		t.Error("replacing a folder succeeded")
	}
	assertOnly(t, dir, "out.csv")
}

// assertOnly checks that dir holds exactly the named entry: no temporary
// file was left behind.
func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != name {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q, want only %q", names, name)
	}
}

func TestFileCommitsOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	if err := os.WriteFile(b, []byte("old b"), 0o600); err != nil {
		t.Fatal(err)
	}
	fa, err := atomicfile.Create(a, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := atomicfile.Create(b, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fa, "new a")
	io.WriteString(fb, "new b")
	for _, f := range []*atomicfile.File{fa, fb} {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(a); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a.csv exists before its commit: %v", err)
	}
	if got, _ := os.ReadFile(b); string(got) != "old b" {
		t.Errorf("b.csv = %q before its commit, want the old file", got)
	}
	if err := fa.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := fb.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := fa.Abort(); err != nil { // deferred Abort after Commit: nothing
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(a); string(got) != "new a" {
		t.Errorf("a.csv = %q, want the committed file", got)
	}
	if got, _ := os.ReadFile(b); string(got) != "old b" {
		t.Errorf("b.csv = %q after Abort, want the old file", got)
	}
	if _, err := fa.Write([]byte("x")); err == nil {
		t.Error("a write after Commit succeeded")
	}
	if err := fa.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("folder holds %d entries, want a.csv and b.csv only", len(ents))
	}
}
