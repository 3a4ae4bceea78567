package heapsample_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/fediport/fediport/internal/heapsample"
)

var keep [][]byte

// TestPeakSeesTransientAllocation: memory held for a while and released
// before f returns still counts.
func TestPeakSeesTransientAllocation(t *testing.T) {
	const size = 32 << 20
	busy := heapsample.Peak(func() {
		keep = append(keep, make([]byte, size))
		time.Sleep(4 * heapsample.Interval)
		keep = nil
	})
	if busy < size {
		t.Errorf("peak %d with %d bytes held", busy, size)
	}
}

// TestPeakStopsOnGoexit: when f ends its goroutine (as testing.B.Fatal
// does), the sampler still stops.
func TestPeakStopsOnGoexit(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		heapsample.Peak(func() { runtime.Goexit() })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Peak did not return after Goexit")
	}
}
