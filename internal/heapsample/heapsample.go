package heapsample

import (
	"runtime"
	"sync"
	"time"
)

// Interval is how often [Peak] reads the heap in use.
const Interval = 5 * time.Millisecond

// Peak collects garbage, runs f, and returns the largest
// runtime.MemStats.HeapInuse, in bytes, read before, during (every
// [Interval]) and after it. The sampler stops even if f does not
// return (testing.B.Fatal ends the goroutine).
func Peak(f func()) (peak uint64) {
	runtime.GC()
	var sampled uint64 // written by the sampler only, read after wg.Wait
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(Interval)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			sampled = max(sampled, ms.HeapInuse)
			select {
			case <-done:
				runtime.ReadMemStats(&ms)
				sampled = max(sampled, ms.HeapInuse)
				return
			case <-t.C:
			}
		}
	})
	defer func() {
		close(done)
		wg.Wait()
		peak = sampled
	}()
	f()
	return 0 // set by the deferred function
}
