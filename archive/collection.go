package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeOptions are the jsontext options of every decoder here: duplicate
// names are allowed (2024 archives repeat "orderedItems") and invalid
// UTF-8 is kept rather than refused (old archives carry it).
var decodeOptions = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// windowReader fails with errItemTooLarge when a reader reads past max,
// which the collection decoder moves forward before each value: it
// bounds how much one JSON value can make the decoder buffer.
type windowReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (w *windowReader) Read(p []byte) (int, error) {
	if w.n >= w.max {
		return 0, errItemTooLarge
	}
	if rest := w.max - w.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := w.r.Read(p)
	w.n += int64(n)
	return n, err
}

// collectionInfo is what a pass over a collection learnt besides its
// items.
type collectionInfo struct {
	totalItems *int
	arrays     int  // orderedItems (or items) members met
	complete   bool // the pass reached the end of the document
	items      int  // items yielded
}

// rawItem is one element of a collection's item array.
type rawItem struct {
	value  jsontext.Value // valid until the next item
	index  int
	offset int64
}

// collectionItems streams the elements of every "orderedItems" (or
// "items") array of the JSON object read from src. Elements of every such
// array are yielded in order: a document that repeats the key yields the
// elements of each (real archives repeat it with an empty array first).
// After the last element or an error, info holds what was learnt.
func collectionItems(src io.Reader, entry string, l Limits, info *collectionInfo) iter.Seq2[rawItem, error] {
	return func(yield func(rawItem, error) bool) {
		src, bom := skipBOM(src)
		w := &windowReader{r: src}
		c := &collectionScan{entry: entry, l: l, info: info, w: w, in: w, abs: bom}
		c.dec = jsontext.NewDecoder(c.in, decodeOptions)
		if err := c.object(yield); err != nil {
			if err != errStopped {
				yield(rawItem{}, err)
			}
			return
		}
		info.complete = true
	}
}

// errStopped says the consumer of collectionItems stopped the loop.
var errStopped = errors.New("archive: iteration stopped")

// collectionScan is one pass of collectionItems over a document.
type collectionScan struct {
	entry string
	l     Limits
	info  *collectionInfo
	w     *windowReader
	// in is what the current decoder reads from: the source at first,
	// then, after an item array, what the splitter had buffered but not
	// used followed by what the splitter had not read yet. Each reader
	// goes on exactly where the previous one stopped: the next splitter
	// reads the decoder's unread buffer and then in, never the source
	// directly, or whatever of in was not read is lost.
	in  io.Reader
	dec *jsontext.Decoder
	// abs is the offset in the entry of the current decoder's input: the
	// decoder is replaced after each item array (see resume).
	abs   int64
	index int // of the next item
}

// window lets the decoder read one more value of at most MaxItemBytes.
func (c *collectionScan) window() {
	c.w.max = c.abs + c.dec.InputOffset() + 2*int64(c.l.MaxItemBytes) + bufferedReader
}

// object reads the collection object member by member, yielding the
// items of its arrays. It returns errStopped when yield asks to stop.
func (c *collectionScan) object(yield func(rawItem, error) bool) error {
	c.window()
	tok, err := c.dec.ReadToken()
	if err != nil {
		return c.fail(-1, -1, err)
	}
	if tok.Kind() != '{' {
		return c.fail(-1, -1, fmt.Errorf("%w: not a JSON object", ErrMalformed))
	}
	for {
		c.window()
		tok, err := c.dec.ReadToken()
		if err != nil {
			return c.fail(-1, -1, err)
		}
		if tok.Kind() == '}' {
			break
		}
		if err := c.member(tok.String(), yield); err != nil {
			return err
		}
	}
	// Nothing but white space may follow.
	if _, err := c.dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("%w: data after the collection", ErrMalformed)
		}
		return c.fail(-1, -1, err)
	}
	return nil
}

// member reads the value of the member name: an item array, totalItems,
// or another value, which is checked against the limits and dropped.
func (c *collectionScan) member(name string, yield func(rawItem, error) bool) error {
	switch name {
	case "orderedItems", "items":
		if c.dec.PeekKind() != '[' {
			if err := c.dec.SkipValue(); err != nil {
				return c.fail(-1, -1, err)
			}
			return nil
		}
		return c.items(yield)
	case "totalItems":
		v, err := c.dec.ReadValue()
		if err != nil {
			return c.fail(-1, -1, err)
		}
		if n, err := strconv.Atoi(string(v)); err == nil {
			c.info.totalItems = &n
		} else {
			c.info.totalItems = nil
		}
	default:
		v, err := c.dec.ReadValue()
		if err != nil {
			return c.fail(-1, -1, err)
		}
		if len(v) > c.l.MaxItemBytes {
			return c.fail(-1, -1, errItemTooLarge)
		}
		if err := checkDepth(v, c.l.MaxDepth); err != nil {
			return c.fail(-1, -1, err)
		}
	}
	return nil
}

// items yields the elements of the item array the decoder is at, then
// resumes decoding after it.
func (c *collectionScan) items(yield func(rawItem, error) bool) error {
	c.info.arrays++
	if _, err := c.dec.ReadToken(); err != nil {
		return c.fail(-1, -1, err)
	}
	// The items are split by a scanner much cheaper than the decoder
	// (which would validate each item twice: here and when decoding it);
	// decoding an item validates it.
	c.w.max = 1 << 62 // the splitter bounds its own buffer
	sp := &splitter{
		r:        io.MultiReader(bytes.NewReader(bytes.Clone(c.dec.UnreadBuffer())), c.in),
		off:      c.abs + c.dec.InputOffset(),
		first:    true,
		maxItem:  c.l.MaxItemBytes,
		maxDepth: c.l.MaxDepth,
	}
	for {
		v, off, done, err := sp.next()
		if err != nil {
			return c.fail(c.index, off, err)
		}
		if done {
			break
		}
		c.info.items++
		if !yield(rawItem{value: v, index: c.index, offset: off}, nil) {
			return errStopped
		}
		c.index++
	}
	return c.resume(sp)
}

// resume goes on with a new decoder where the splitter stopped, in the
// middle of the object: a synthetic member makes that a valid start.
func (c *collectionScan) resume(sp *splitter) error {
	const resume = `{"":0`
	c.abs = sp.off - int64(len(resume))
	c.in = io.MultiReader(strings.NewReader(resume), bytes.NewReader(sp.buf[sp.pos:]), sp.r)
	c.dec = jsontext.NewDecoder(c.in, decodeOptions)
	c.window()
	for range 3 {
		if _, err := c.dec.ReadToken(); err != nil {
			return c.fail(-1, -1, err)
		}
	}
	return nil
}

// fail returns err as an *Error at item index (-1 for none) and byte
// offset off (-1 for where the decoder is), classified: a limit, a
// truncation (ErrCorrupt) or malformed JSON.
func (c *collectionScan) fail(index int, off int64, err error) error {
	if off < 0 {
		off = c.abs + c.dec.InputOffset()
	}
	if errors.Is(err, errItemTooLarge) {
		err = errItemTooLarge.at(int64(c.l.MaxItemBytes))
	} else if !isLimitErr(err) {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) {
			off = c.abs + se.ByteOffset
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
			err = fmt.Errorf("%w: truncated JSON", ErrCorrupt)
		} else if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrMalformed) {
			err = fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	var pe *Error
	if errors.As(err, &pe) {
		// A positioned error from below (a corrupt entry, a limit of the
		// container) gets the item it broke. The decoder's own wrapping
		// ("jsontext: read error") says nothing more: the *Error is the
		// error.
		e := *pe
		if pe.Index < 0 && index >= 0 && pe.Entry == c.entry {
			e.Index = index
		}
		return &e
	}
	return &Error{Entry: c.entry, Index: index, Offset: off, Err: err}
}

// utf8BOM is the byte order mark some editors and tools put at the start
// of a UTF-8 file; JSON parsers refuse it, readers of exports accept it.
const utf8BOM = "\xef\xbb\xbf"

// skipBOM returns src without a leading UTF-8 byte order mark, and how
// many bytes were skipped.
func skipBOM(src io.Reader) (io.Reader, int64) {
	var head [3]byte
	n, err := io.ReadFull(src, head[:])
	if n == 3 && string(head[:]) == utf8BOM {
		return src, 3
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return io.MultiReader(bytes.NewReader(head[:n]), &errReader{err}), 0
	}
	return io.MultiReader(bytes.NewReader(head[:n]), src), 0
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

func isLimitErr(err error) bool {
	return errors.Is(err, errItemTooLarge) || errors.Is(err, errTooDeep) ||
		errors.Is(err, errEntryTooLarge) || errors.Is(err, errTooLarge) ||
		errors.Is(err, errCompressionRatio)
}

// checkDepth fails with errTooDeep when the JSON text v nests deeper
// than max. v is valid JSON; strings are skipped.
func checkDepth(v []byte, max int) error {
	depth := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			// Skip to the closing quote: the next quote not escaped.
			for {
				j := bytes.IndexByte(v[i+1:], '"')
				if j < 0 {
					return nil
				}
				i += 1 + j
				k := i - 1
				for k >= 0 && v[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break
				}
			}
		case '{', '[':
			depth++
			if depth > max {
				return errTooDeep.at(int64(max))
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// stringItems streams a collection whose items are strings (likes,
// bookmarks). An item that is an object contributes its "id".
func stringItems(src io.Reader, entry string, l Limits, info *collectionInfo) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for it, err := range collectionItems(src, entry, l, info) {
			if err != nil {
				yield("", err)
				return
			}
			var s string
			switch it.value.Kind() {
			case '"':
				u, err := jsontext.AppendUnquote(nil, it.value)
				if err != nil {
					yield("", &Error{Entry: entry, Index: it.index, Offset: it.offset, Err: fmt.Errorf("%w: %w", ErrMalformed, err)})
					return
				}
				s = string(u)
			case '{':
				s = idOf(it.value)
			}
			if s == "" {
				if !yield("", &Error{Entry: entry, Index: it.index, Offset: it.offset, Err: fmt.Errorf("%w: item is not a URI", ErrMalformed)}) {
					return
				}
				continue
			}
			if !yield(s, nil) {
				return
			}
		}
	}
}

// splitter cuts the elements of a JSON array out of a stream without
// decoding them: it tracks strings and nesting only, enforcing the item
// size and depth limits. What it yields is valid JSON when the input is;
// decoding each item checks the rest.
type splitter struct {
	r     io.Reader
	buf   []byte
	pos   int   // next byte of buf to read; the start of the current item
	off   int64 // offset in the entry of buf[pos]
	eof   bool
	err   error // a read error that came with bytes, for the next read
	first bool  // no element read yet

	maxItem, maxDepth int
}

const splitChunk = 64 << 10

// more reads into buf, first moving the bytes from pos to the start. It
// reports whether any byte was added.
func (s *splitter) more() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.err != nil {
		return false, s.err
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.pos = 0
	}
	if cap(s.buf)-len(s.buf) < splitChunk/2 {
		nb := make([]byte, len(s.buf), max(2*cap(s.buf), splitChunk))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			if n > 0 {
				// Use the bytes first; the error comes at the next read.
				s.err = err
				return true, nil
			}
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// peek returns the next byte that is not white space, or ok false at the
// end of the input.
func (s *splitter) peek() (c byte, ok bool, err error) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r', '\n':
				s.pos++
				s.off++
			default:
				return c, true, nil
			}
		}
		got, err := s.more()
		if err != nil || !got {
			return 0, false, err
		}
	}
}

var errTruncated = fmt.Errorf("%w: truncated JSON", ErrCorrupt)

// next returns the next element (valid until the next call) and its
// offset, or done at the closing bracket.
func (s *splitter) next() (v []byte, off int64, done bool, err error) {
	c, ok, err := s.peek()
	if err != nil || !ok {
		return nil, s.off, false, cmpErr(err, errTruncated)
	}
	if c == ']' {
		s.pos++
		s.off++
		return nil, 0, true, nil
	}
	if !s.first {
		if c != ',' {
			return nil, s.off, false, fmt.Errorf("%w: expected ',' or ']' after an item, found %q", ErrMalformed, c)
		}
		s.pos++
		s.off++
		if c, ok, err = s.peek(); err != nil || !ok {
			return nil, s.off, false, cmpErr(err, errTruncated)
		}
	}
	s.first = false
	off = s.off
	var i int // end of the item, from pos
	switch c {
	case '"':
		if i, err = s.scanString(0); err != nil {
			return nil, off, false, err
		}
	case '{', '[':
		depth := 0
		for {
			if i > s.maxItem {
				return nil, off, false, errItemTooLarge.at(int64(s.maxItem))
			}
			if s.pos+i >= len(s.buf) {
				if got, err := s.more(); err != nil || !got {
					return nil, off + int64(i), false, cmpErr(err, errTruncated)
				}
				continue
			}
			switch s.buf[s.pos+i] {
			case '"':
				if i, err = s.scanString(i); err != nil {
					return nil, off, false, err
				}
				continue
			case '{', '[':
				if depth++; depth > s.maxDepth {
					return nil, off, false, errTooDeep.at(int64(s.maxDepth))
				}
			case '}', ']':
				depth--
			}
			i++
			if depth == 0 {
				break
			}
		}
	default: // a literal or a number: up to a delimiter
		for {
			if s.pos+i >= len(s.buf) {
				got, err := s.more()
				if err != nil {
					return nil, off, false, err
				}
				if !got {
					break
				}
				continue
			}
			if b := s.buf[s.pos+i]; b == ',' || b == ']' || b == '}' || b == ' ' || b == '\t' || b == '\r' || b == '\n' {
				break
			}
			if i++; i > s.maxItem {
				return nil, off, false, errItemTooLarge.at(int64(s.maxItem))
			}
		}
		if i == 0 {
			return nil, off, false, fmt.Errorf("%w: unexpected %q", ErrMalformed, c)
		}
	}
	if i > s.maxItem {
		return nil, off, false, errItemTooLarge.at(int64(s.maxItem))
	}
	v = s.buf[s.pos : s.pos+i]
	s.pos += i
	s.off += int64(i)
	return v, off, false, nil
}

// scanString returns the index (from pos) after the string whose opening
// quote is at index i.
func (s *splitter) scanString(i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(s.buf[s.pos+j:], '"')
		if k < 0 {
			if len(s.buf)-s.pos > s.maxItem {
				return 0, errItemTooLarge.at(int64(s.maxItem))
			}
			got, err := s.more()
			if err != nil || !got {
				return 0, cmpErr(err, errTruncated)
			}
			continue
		}
		q := j + k // index of the quote, from pos
		bs := 0
		for p := s.pos + q - 1; p > s.pos+i && s.buf[p] == '\\'; p-- {
			bs++
		}
		j = q + 1
		if bs%2 == 0 {
			return j, nil
		}
	}
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
