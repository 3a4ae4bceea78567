//go:build unix

package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInspectFIFO: a FIFO is refused at once, not waited on.
func TestInspectFIFO(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "outbox.json")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{p}, &stdout, &stderr) }()
	select {
	case code := <-done:
		if code != 1 || !strings.Contains(stderr.String(), "not a regular file or folder") {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("archive-inspect still waiting on a FIFO after 10 s")
	}
}
