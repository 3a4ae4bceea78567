package journal

import (
	"bufio"
	"errors"
	"hash/crc32"
	"io"
)

// lineReader reads a journal's lines, counting them and their offsets.
type lineReader struct {
	br   *bufio.Reader
	line int   // lines read so far
	off  int64 // offset of the next line
}

// line is one line of a journal as read.
type line struct {
	b        []byte // without its LF; nil if too long
	no       int    // 1-based line number
	off      int64  // offset of its first byte
	size     int64  // bytes it takes in the file, LF included
	complete bool   // it ended in LF (not at EOF)
	tooLong  bool   // it held more than max bytes (they were skipped)
}

// next reads the next line, of at most max bytes before its LF. It
// returns io.EOF at the end of the input, and never holds more than
// max+1 bytes of a line: the rest of a longer one is skipped.
func (lr *lineReader) next(max int) (line, error) {
	l := line{no: lr.line + 1, off: lr.off}
	var buf []byte
	for {
		chunk, err := lr.br.ReadSlice('\n')
		l.size += int64(len(chunk))
		if !l.tooLong {
			if len(buf)+len(chunk) > max+1 {
				l.tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == nil {
			l.complete = true
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if l.size == 0 {
				return l, io.EOF
			}
			break
		}
		return l, err
	}
	if l.complete && !l.tooLong {
		buf = buf[:len(buf)-1]
	}
	if !l.tooLong {
		if buf == nil {
			buf = []byte{}
		}
		l.b = buf
	}
	lr.line++
	lr.off += l.size
	return l, nil
}

// parse returns the payload of a checksummed line, or why it is not one.
func parse(l line, max int) ([]byte, string) {
	switch {
	case l.tooLong:
		return nil, "line longer than its limit"
	case !l.complete:
		return nil, "line without its end"
	}
	b := l.b
	tab := -1
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\t' {
			tab = i
			break
		}
	}
	if tab < 0 || len(b)-tab-1 != 8 {
		return nil, "line without its checksum"
	}
	payload := b[:tab]
	if len(payload) > max {
		return nil, "line longer than its limit"
	}
	sum, ok := parseHex32(b[tab+1:])
	if !ok {
		return nil, "line without its checksum"
	}
	if sum != crc32.ChecksumIEEE(payload) {
		return nil, "checksum mismatch"
	}
	return payload, ""
}

// parseHex32 parses exactly 8 lowercase hex digits.
func parseHex32(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint32(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint32(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// appendLine appends payload's journal line: payload, tab, CRC-32 in
// hex, LF.
func appendLine(dst, payload []byte) []byte {
	const hexdigits = "0123456789abcdef"
	dst = append(dst, payload...)
	dst = append(dst, '\t')
	sum := crc32.ChecksumIEEE(payload)
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, hexdigits[sum>>uint(shift)&0xf])
	}
	return append(dst, '\n')
}

func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }

// contents is what a journal's bytes say.
type contents struct {
	header []byte
	// start is the offset of the first record, just past the header.
	start int64
	// end is the length of the intact part: magic, header and whole
	// records. The file is cut there and new records go there.
	end int64
	// records is how many whole records there are.
	records int
	// torn reports that a last record, cut short or damaged, follows end.
	torn bool
}

// readHeader reads the magic and header lines.
func readHeader(lr *lineReader, path string) ([]byte, error) {
	l, err := lr.next(len(magic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &Error{Path: path, Line: 1, Err: err}
	}
	if err != nil || !l.complete || l.tooLong || string(l.b) != magic {
		return nil, corrupt(path, 1, 0, "not a fediport journal")
	}
	l, err = lr.next(MaxHeaderBytes + 9)
	if errors.Is(err, io.EOF) {
		return nil, corrupt(path, 2, lr.off, "no header")
	}
	if err != nil {
		return nil, &Error{Path: path, Line: 2, Offset: l.off, Err: err}
	}
	h, why := parse(l, MaxHeaderBytes)
	if why != "" {
		return nil, corrupt(path, 2, l.off, "header: %s", why)
	}
	return h, nil
}

// decode reads a whole journal from r and calls record, if not nil, with
// each intact record's payload (valid only during the call). It does no
// I/O but reading r, and holds no more than one line in memory.
//
// A damaged or cut line is tolerated only as the last one: then torn is
// set and end is where it starts. Anything else wrong is an [*Error]
// wrapping [ErrCorrupt]; an error from record is returned as is.
func decode(r io.Reader, path string, record func([]byte) error) (contents, error) {
	lr := &lineReader{br: newReader(r)}
	h, err := readHeader(lr, path)
	if err != nil {
		return contents{}, err
	}
	c := contents{header: h, start: lr.off}
	c.records, c.end, c.torn, err = decodeRecords(lr, path, true, record)
	if err != nil {
		return contents{}, err
	}
	return c, nil
}

// decodeRecords reads records from lr to the end of its input, calling
// record with each. It returns how many there were and the end of the
// intact ones. If allowTorn, a damaged last line is dropped and reported
// as torn; otherwise it is an [*Error] too.
func decodeRecords(lr *lineReader, path string, allowTorn bool, record func([]byte) error) (n int, end int64, torn bool, err error) {
	for {
		l, err := lr.next(MaxRecordBytes + 9)
		if errors.Is(err, io.EOF) {
			return n, lr.off, false, nil
		}
		if err != nil {
			return n, 0, false, &Error{Path: path, Line: l.no, Offset: l.off, Err: err}
		}
		p, why := parse(l, MaxRecordBytes)
		if why != "" {
			// Torn or damaged: tolerated only as the very last line.
			_, perr := lr.br.Peek(1)
			if errors.Is(perr, io.EOF) && allowTorn {
				return n, l.off, true, nil
			}
			if perr != nil && !errors.Is(perr, io.EOF) {
				return n, 0, false, &Error{Path: path, Line: l.no + 1, Offset: lr.off, Err: perr}
			}
			return n, 0, false, corrupt(path, l.no, l.off, "record: %s", why)
		}
		if record != nil {
			if err := record(p); err != nil {
				return n, 0, false, err
			}
		}
		n++
	}
}
