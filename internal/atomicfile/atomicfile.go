package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces the file name with what write writes, as a new file of
// mode perm (less the umask). On an error before the rename, name is left
// as it was and the temporary file is removed; an error syncing the folder
// comes after name was replaced.
func Write(name string, perm fs.FileMode, write func(io.Writer) error) error {
	f, err := Create(name, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// File is a file being written under a temporary name, which replaces
// its target only when committed. Its methods are not safe for
// concurrent use.
type File struct {
	root      *os.Root
	f         *os.File
	name      string // the target, as given to Create
	tmp, base string // names in root
	closed    bool   // f is synced and closed
	done      bool   // committed or aborted
}

// Create begins a new file that will replace name, of mode perm (less
// the umask), under a temporary name in name's folder. The caller must
// end it with [File.Commit] or [File.Abort]; a deferred Abort after a
// Commit does nothing.
func Create(name string, perm fs.FileMode) (*File, error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	if base == "" || base == "." || base == ".." {
		return nil, fmt.Errorf("atomicfile: %q names no file", name)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "." + base + ".tmp-" + hex.EncodeToString(rnd[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		root.Close()
		return nil, err
	}
	return &File{root: root, f: f, name: name, tmp: tmp, base: base}, nil
}

// Name returns the name the file will have once committed.
func (f *File) Name() string { return f.name }

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.closed || f.done {
		return 0, fmt.Errorf("atomicfile: write to %s after Close", f.name)
	}
	return f.f.Write(p)
}

// Close syncs the temporary file to disk and closes it, without
// replacing the target: [File.Commit] or [File.Abort] must follow. It
// does nothing when the file is closed already.
func (f *File) Close() error {
	if f.closed || f.done {
		return nil
	}
	f.closed = true
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Commit closes the file (see [File.Close]) if needed, renames it over
// the target and syncs the folder, so that the rename survives a crash.
// On an error before the rename the temporary file is removed and the
// target left as it was; an error syncing the folder comes after the
// target was replaced.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("atomicfile: %s committed or aborted already", f.name)
	}
	if err := f.Close(); err != nil {
		f.Abort()
		return err
	}
	if err := f.root.Rename(f.tmp, f.base); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	defer f.root.Close()
	d, err := f.root.Open(".")
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// Abort closes and removes the temporary file, leaving the target as it
// was. It does nothing after [File.Commit] or a first Abort, so that it
// can be deferred.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	if !f.closed {
		f.closed = true
		f.f.Close()
	}
	err := f.root.Remove(f.tmp)
	f.root.Close()
	return err
}
