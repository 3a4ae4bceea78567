// Package heapsample measures the peak heap a piece of work uses, for
// the memory benchmarks of several packages.
//
// [Peak] collects garbage, runs a function while a goroutine reads
// [runtime.MemStats] every 5 ms, and returns the largest HeapInuse
// seen. It is a sample: a peak shorter than 5 ms can be missed.
package heapsample
