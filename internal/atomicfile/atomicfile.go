// Package atomicfile writes a file whole or not at all, without following
// links.
//
// [Write] writes to a new file under a temporary name in the target's
// folder, created exclusively (so never an existing file, nor through a
// link planted under that name), syncs it to disk, renames it over the
// target and syncs the folder, so that after a crash the target is either
// the old file or the whole new one. The target's name is replaced, never
// opened: a symbolic link there is replaced by the new file and the file
// it pointed to is left untouched. All of it goes through an [os.Root] of
// the folder.
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
func Write(name string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	if base == "" || base == "." || base == ".." {
		return fmt.Errorf("atomicfile: %q names no file", name)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()

	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "." + base + ".tmp-" + hex.EncodeToString(rnd[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := root.Rename(tmp, base); err != nil {
		return err
	}
	// The rename is durable once the folder is synced.
	d, err := root.Open(".")
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
