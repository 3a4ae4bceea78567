package archive

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"
)

// outboxInfo is what the last complete pass over outbox.json learnt.
type outboxInfo struct {
	totalItems *int
	arrays     int
	items      int
}

// Statuses streams the items of outbox.json, oldest first, decoding one
// item at a time: memory stays flat however large the outbox.
//
// The iterator is single use; breaking out of the loop early stops the
// reading and releases the entry. Each *Status is new and owned by the
// caller.
//
// An error with a non-nil *Status means that one item is valid JSON but
// could not be decoded into the typed fields (its Raw, Index and Offset
// are set); iteration goes on if the loop continues. An error with a nil
// *Status ends the stream: a truncated or corrupt outbox, a limit
// exceeded, or a missing outbox.json. Statuses read before such an error
// have been yielded. Errors are [*Error] values naming the entry, item
// index and byte offset.
//
// Items of every orderedItems array are yielded in order: some 2024
// archives write the key twice, the first time with an empty array.
func (r *Reader) Statuses() iter.Seq2[*Status, error] { return r.statuses(true) }

// statuses is Statuses; without keepRaw the statuses have no Raw, which
// lets the raw items share reused buffers.
func (r *Reader) statuses(keepRaw bool) iter.Seq2[*Status, error] {
	return r.readStatuses(keepRaw, false)
}

// scanStatuses is statuses without Raw whose *Status values are reused
// once the loop body returns: the caller may keep the strings of a
// status, never the *Status or its slices. Validate reads this way,
// sparing an allocation per item.
func (r *Reader) scanStatuses() iter.Seq2[*Status, error] {
	return r.readStatuses(false, true)
}

func (r *Reader) readStatuses(keepRaw, reuse bool) iter.Seq2[*Status, error] {
	return func(yield func(*Status, error) bool) {
		rc, err := r.openEntry("outbox.json")
		if err != nil {
			yield(nil, err)
			return
		}
		defer rc.Close()
		var info collectionInfo
		items := collectionItems(rc, "outbox.json", r.limits, &info)
		var complete bool
		if workers := r.workers(); workers > 1 {
			complete = decodeParallel(items, workers, keepRaw, reuse, &info, yield)
		} else {
			complete = decodeSerial(items, keepRaw, reuse, &info, yield)
		}
		if complete {
			r.mu.Lock()
			r.outbox = &outboxInfo{totalItems: info.totalItems, arrays: info.arrays, items: info.items}
			r.mu.Unlock()
		}
	}
}

func (r *Reader) workers() int {
	if r.concurrency > 0 {
		return r.concurrency
	}
	return runtime.GOMAXPROCS(0)
}

// decodeOne decodes an item into s, or a new status when s is nil.
func decodeOne(s *Status, it rawItem, keepRaw bool) (*Status, error) {
	if s == nil {
		s = new(Status)
	}
	err := decodeInto(s, it.value, it.index, it.offset)
	if !keepRaw {
		s.Raw = nil
	}
	if err != nil {
		err = &Error{Entry: "outbox.json", Index: it.index, Offset: it.offset, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	}
	return s, err
}

// decodeSerial decodes the items in the caller's goroutine. It reports
// whether the collection was read to its end.
func decodeSerial(items iter.Seq2[rawItem, error], keepRaw, reuse bool, info *collectionInfo, yield func(*Status, error) bool) bool {
	var s *Status
	if reuse {
		s = new(Status)
	}
	for it, err := range items {
		if err != nil {
			yield(nil, err)
			return false
		}
		if keepRaw {
			it.value = bytes.Clone(it.value)
		}
		if !yield(decodeOne(s, it, keepRaw)) {
			return false
		}
	}
	return info.complete
}

// batch is a run of items decoded by one worker.
type batch struct {
	items    []rawItem
	statuses []*Status
	errs     []error
	err      error // terminal error after the items
	done     chan struct{}
	buf      []byte // holds the items' bytes when Raw is not kept
	reused   *[batchSize]Status
}

var (
	batchBuffers  = sync.Pool{New: func() any { return new([]byte) }}
	batchStatuses = sync.Pool{New: func() any { return new([batchSize]Status) }}
)

const batchSize = 64

// decodeParallel reads the items in one goroutine and decodes them in
// workers, yielding in order. Memory is bounded by the batches in
// flight (about 2*workers*batchSize items). It reports whether the
// collection was read to its end.
func decodeParallel(items iter.Seq2[rawItem, error], workers int, keepRaw, reuse bool, info *collectionInfo, yield func(*Status, error) bool) bool {
	work := make(chan *batch, workers)
	ordered := make(chan *batch, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() { decodeBatches(work, keepRaw) })
	}
	wg.Go(func() { readBatches(items, work, ordered, stop, keepRaw, reuse) })
	defer func() {
		close(stop)
		for range ordered { // let the reader finish
		}
		wg.Wait()
	}()
	for b := range ordered {
		<-b.done
		b.releaseBuf()
		for i := range b.statuses {
			if !yield(b.statuses[i], b.errs[i]) {
				return false
			}
		}
		b.releaseStatuses()
		if b.err != nil {
			yield(nil, b.err)
			return false
		}
	}
	return info.complete
}

// decodeBatches is a worker of decodeParallel: it decodes the items of
// each batch from work and closes the batch's done.
func decodeBatches(work <-chan *batch, keepRaw bool) {
	for b := range work {
		b.statuses = make([]*Status, len(b.items))
		b.errs = make([]error, len(b.items))
		for i, it := range b.items {
			var s *Status
			if b.reused != nil {
				s = &b.reused[i]
			}
			b.statuses[i], b.errs[i] = decodeOne(s, it, keepRaw)
		}
		close(b.done)
	}
}

// readBatches is the reader of decodeParallel: it cuts the items into
// batches, each sent to ordered (for the caller, in order) and then to
// work (for a worker), until the items end or stop is closed. It closes
// work and ordered when it returns.
func readBatches(items iter.Seq2[rawItem, error], work, ordered chan<- *batch, stop <-chan struct{}, keepRaw, reuse bool) {
	defer close(work)
	defer close(ordered)
	send := func(b *batch) bool {
		select {
		case ordered <- b:
		case <-stop:
			return false
		}
		select {
		case work <- b:
			return true
		case <-stop:
			close(b.done)
			return false
		}
	}
	b := newBatch(keepRaw, reuse)
	for it, err := range items {
		if err != nil {
			b.err = err
			break
		}
		b.add(it, keepRaw)
		if len(b.items) == batchSize {
			if !send(b) {
				return
			}
			b = newBatch(keepRaw, reuse)
		}
	}
	send(b)
}

// newBatch returns an empty batch, with a pooled buffer for the items'
// bytes unless keepRaw, and pooled statuses to decode into if reuse.
func newBatch(keepRaw, reuse bool) *batch {
	b := &batch{done: make(chan struct{})}
	if !keepRaw {
		b.buf = (*batchBuffers.Get().(*[]byte))[:0]
	}
	if reuse {
		b.reused = batchStatuses.Get().(*[batchSize]Status)
	}
	return b
}

// add appends an item to the batch. Its bytes are valid only until the
// next item is read: they are cloned (keepRaw) or copied into the
// batch's buffer.
func (b *batch) add(it rawItem, keepRaw bool) {
	if keepRaw {
		it.value = bytes.Clone(it.value)
	} else {
		// Items point into the batch's buffer; earlier items are
		// re-pointed if appending moved it.
		old := b.buf
		b.buf = append(b.buf, it.value...)
		if len(old) > 0 && &old[0] != &b.buf[0] {
			off := 0
			for i := range b.items {
				n := len(b.items[i].value)
				b.items[i].value = b.buf[off : off+n : off+n]
				off += n
			}
		}
		n := len(it.value)
		it.value = b.buf[len(b.buf)-n : len(b.buf) : len(b.buf)]
	}
	b.items = append(b.items, it)
}

// releaseBuf returns the buffer of the decoded items to its pool.
func (b *batch) releaseBuf() {
	if b.buf != nil {
		buf := b.buf
		b.items, b.buf = nil, nil
		batchBuffers.Put(&buf)
	}
}

// releaseStatuses returns the reused statuses to their pool, once the
// caller is done with them.
func (b *batch) releaseStatuses() {
	if b.reused != nil {
		*b.reused = [batchSize]Status{} // hold nothing of these items
		batchStatuses.Put(b.reused)
		b.reused = nil
	}
}

// TotalItems returns the totalItems outbox.json declares, or nil when it
// has none. It is the account's status count when the archive was made,
// which real archives show differs from the number of items: never use
// it to size or check anything. It reads the start of the outbox, or the
// whole of it when totalItems comes after the items, unless a pass of
// [Reader.Statuses] has already ended.
func (r *Reader) TotalItems() (*int, error) {
	r.mu.Lock()
	o := r.outbox
	r.mu.Unlock()
	if o != nil {
		return o.totalItems, nil
	}
	rc, err := r.openEntry("outbox.json")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var info collectionInfo
	for _, err := range collectionItems(rc, "outbox.json", r.limits, &info) {
		if err != nil {
			return nil, err
		}
		if info.totalItems != nil {
			return info.totalItems, nil
		}
	}
	return info.totalItems, nil
}

// Likes streams the status URIs of likes.json (which may be OStatus
// "tag:" URIs in old archives). Like [Reader.Statuses], it is single use,
// ends at the first error, and yields an error wrapping
// [io/fs.ErrNotExist] when the archive has no likes.json (archives from
// 2018 and before).
func (r *Reader) Likes() iter.Seq2[string, error] { return r.uris("likes.json") }

// Bookmarks streams the status URIs of bookmarks.json, like
// [Reader.Likes].
func (r *Reader) Bookmarks() iter.Seq2[string, error] { return r.uris("bookmarks.json") }

func (r *Reader) uris(name string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		rc, err := r.openEntry(name)
		if err != nil {
			yield("", err)
			return
		}
		defer rc.Close()
		var info collectionInfo
		for s, err := range stringItems(rc, name, r.limits, &info) {
			if !yield(s, err) || err != nil {
				return
			}
		}
	}
}

var _ io.Closer = (*Reader)(nil)
