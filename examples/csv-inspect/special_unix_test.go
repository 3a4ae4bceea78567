//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBounded runs csv-inspect and fails the test if it has not returned
// within a minute: what it is given must not make it hang.
func runBounded(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(args, &stdout, &stderr) }()
	select {
	case code := <-done:
		return code, stderr.String()
	case <-time.After(time.Minute):
		t.Fatalf("csv-inspect %q still running after a minute", args)
		return 0, ""
	}
}

func TestRefusesFilesThatAreNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "following_accounts.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"a named pipe with no writer would block the open and the read", fifo, "not a regular file (a named pipe)"},
		{"a folder", dir, "a folder, not a CSV file"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ name, path, want string }{"/dev/zero never ends", "/dev/zero", "not a regular file (a character device)"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stderr := runBounded(t, "-type", "blocking", tt.path)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, tt.want)
			}
		})
	}
}
