//go:build unix

package archive

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenRefusesNonRegular: a FIFO, a device or a symbolic link to one
// is refused at once rather than read forever or waited on.
func TestOpenRefusesNonRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "outbox.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "zero.zip")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/zero", "/dev/null", link} {
		done := make(chan error, 1)
		go func() {
			r, err := Open(p)
			if err == nil {
				r.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotArchive) {
				t.Errorf("Open(%s) = %v, want ErrNotArchive", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Open(%s) still running after 10 s", p)
		}
	}
}
