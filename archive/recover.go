package archive

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"
)

// A ZIP cut short (an interrupted download) has no central directory:
// recoverZip walks its local headers from the start, as `zip -FF` does,
// and builds a central directory for the entries it found, which the
// zip package then reads like any other. The entry the file ends in is
// kept with what of it is there; reading it fails with ErrTruncated where
// the data ends, so a cut outbox yields every complete status first.

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigDescriptor = 0x08074b50
	sigEnd        = 0x06054b50
	sigEnd64      = 0x06064b50
	sigLocator64  = 0x07064b50
	flagDescribed = 0x8 // sizes and CRC follow the data
)

// recovered is one entry found from its local header.
type recovered struct {
	name             []byte
	version, flags   uint16
	method           uint16
	modTime, modDate uint16
	crc              uint32
	csize, usize     uint64
	offset           int64 // of the local header
}

// recoverZip returns a zip.Reader over the entries of a ZIP whose central
// directory is missing or damaged, the name of the entry the data ends
// in ("" when every entry found is whole), and the name of the last entry
// found. It fails when no entry can be found.
func recoverZip(ra io.ReaderAt, size int64, l Limits) (zr *zip.Reader, cut, last string, err error) {
	var entries []recovered
	off := int64(0)
	end := int64(0) // end of the last data kept
	for len(entries) < l.MaxEntries+1 {
		e, next, whole, err := recoverEntry(ra, size, off, l)
		if err != nil {
			return nil, "", "", err
		}
		if e == nil {
			break
		}
		entries = append(entries, *e)
		end = next
		if !whole {
			cut = string(e.name)
			break
		}
		off = next
	}
	if len(entries) == 0 {
		return nil, "", "", &Error{Index: -1, Offset: -1, Err: ErrTruncated}
	}
	last = string(entries[len(entries)-1].name)
	dir := centralDirectory(entries, end)
	zr, err = zip.NewReader(&appendedReaderAt{ra: ra, n: end, tail: dir}, end+int64(len(dir)))
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		err = nil
	}
	if err != nil {
		return nil, "", "", &Error{Index: -1, Offset: -1, Err: ErrTruncated}
	}
	return zr, cut, last, nil
}

// recoverEntry reads the entry whose local header is at off. It returns
// nil at anything that is not a whole local header (the end of the file,
// the start of a central directory, garbage), else the entry, where the
// next header would start and whether the entry's data is all there.
func recoverEntry(ra io.ReaderAt, size, off int64, l Limits) (e *recovered, next int64, whole bool, err error) {
	var h [30]byte
	if _, err := ra.ReadAt(h[:], off); err != nil {
		return nil, 0, false, nil
	}
	le := binary.LittleEndian
	if le.Uint32(h[0:]) != sigLocal {
		return nil, 0, false, nil
	}
	e = &recovered{
		version: le.Uint16(h[4:]),
		flags:   le.Uint16(h[6:]),
		method:  le.Uint16(h[8:]),
		modTime: le.Uint16(h[10:]),
		modDate: le.Uint16(h[12:]),
		crc:     le.Uint32(h[14:]),
		csize:   uint64(le.Uint32(h[18:])),
		usize:   uint64(le.Uint32(h[22:])),
		offset:  off,
	}
	nameLen, extraLen := int64(le.Uint16(h[26:])), int64(le.Uint16(h[28:]))
	ne := make([]byte, nameLen+extraLen)
	if _, err := ra.ReadAt(ne, off+30); err != nil {
		return nil, 0, false, nil
	}
	e.name = ne[:nameLen]
	zip64 := false
	for extra := ne[nameLen:]; len(extra) >= 4; {
		tag, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if 4+n > len(extra) {
			break
		}
		if tag == 0x0001 {
			zip64 = true
			f := extra[4 : 4+n]
			if e.usize == 0xFFFFFFFF && len(f) >= 8 {
				e.usize, f = le.Uint64(f), f[8:]
			}
			if e.csize == 0xFFFFFFFF && len(f) >= 8 {
				e.csize = le.Uint64(f)
			}
		}
		extra = extra[4+n:]
	}
	data := off + 30 + nameLen + extraLen
	if e.method != zip.Store && e.method != zip.Deflate {
		return nil, 0, false, nil // nothing this reader could open
	}
	if e.flags&flagDescribed == 0 && data+int64(e.csize) <= size {
		return e, data + int64(e.csize), true, nil
	}
	// The sizes follow the data, or the data is cut: read it to find
	// where it ends and what it holds.
	avail := size - data
	if e.flags&flagDescribed == 0 {
		avail = min(avail, int64(e.csize))
	}
	csize, usize, crc, done, err := scanData(io.NewSectionReader(ra, data, avail), e.method, l)
	if err != nil {
		return nil, 0, false, &Error{Entry: string(e.name), Index: -1, Offset: -1, Err: err}
	}
	e.csize, e.usize, e.crc = uint64(csize), uint64(usize), crc
	if !done {
		return e, size, false, nil
	}
	next = data + csize
	if e.flags&flagDescribed != 0 {
		// Skip the descriptor: an optional signature, the CRC and both
		// sizes (8 bytes each in a ZIP64 entry).
		var d [4]byte
		if _, err := ra.ReadAt(d[:], next); err == nil && le.Uint32(d[:]) == sigDescriptor {
			next += 4
		}
		if zip64 {
			next += 4 + 16
		} else {
			next += 4 + 8
		}
		next = min(next, size)
	}
	return e, next, true, nil
}

// byteCounter counts what a decompressor takes from a buffered reader; it
// is an io.ByteReader, so flate reads no further than its stream.
type byteCounter struct {
	r *bufio.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *byteCounter) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// scanData reads an entry's data from r (which ends where the file or
// the declared data ends) and returns the compressed and uncompressed
// sizes and CRC of what is there, and whether the data is whole. Stored
// data of unknown size ends at a data descriptor that gives its size.
func scanData(r io.Reader, method uint16, l Limits) (csize, usize int64, crc uint32, done bool, err error) {
	bc := &byteCounter{r: bufio.NewReaderSize(r, 64<<10)}
	h := crc32.NewIEEE()
	if method == zip.Store {
		// Stored data is whole when r ends where it was declared to; for
		// data of unknown size, a descriptor whose size matches ends it.
		var win []byte
		for {
			b, err := bc.ReadByte()
			if err != nil {
				h.Write(win)
				return bc.n, bc.n, h.Sum32(), false, nil
			}
			win = append(win, b)
			if n := len(win); n >= 16 && binary.LittleEndian.Uint32(win[n-16:]) == sigDescriptor {
				dataLen := bc.n - 16
				if int64(binary.LittleEndian.Uint32(win[n-8:])) == dataLen&0xFFFFFFFF {
					h.Write(win[:n-16])
					return dataLen, dataLen, h.Sum32(), true, nil
				}
			}
			if len(win) > 64<<10 {
				h.Write(win[:len(win)-16])
				win = append(win[:0], win[len(win)-16:]...)
			}
			if bc.n > l.MaxEntryBytes {
				return 0, 0, 0, false, errEntryTooLarge.at(l.MaxEntryBytes)
			}
		}
	}
	fr := flate.NewReader(bc)
	defer fr.Close()
	buf := make([]byte, 32<<10)
	for {
		n, rerr := fr.Read(buf)
		h.Write(buf[:n])
		usize += int64(n)
		if usize > l.MaxEntryBytes {
			return 0, 0, 0, false, errEntryTooLarge.at(l.MaxEntryBytes)
		}
		if usize > ratioFloor && usize/max(bc.n, 1) > l.MaxCompressionRatio {
			return 0, 0, 0, false, errCompressionRatio.at(l.MaxCompressionRatio)
		}
		if rerr == io.EOF {
			return bc.n, usize, h.Sum32(), true, nil
		}
		if rerr != nil {
			// Cut short (or damaged where it ends): what was inflated
			// is what can be read.
			return bc.n, usize, h.Sum32(), false, nil
		}
	}
}

// centralDirectory builds a central directory and its end records for
// entries, placed at offset at.
func centralDirectory(entries []recovered, at int64) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	w16 := func(v uint16) { b.Write(le.AppendUint16(nil, v)) }
	w32 := func(v uint32) { b.Write(le.AppendUint32(nil, v)) }
	w64 := func(v uint64) { b.Write(le.AppendUint64(nil, v)) }
	for _, e := range entries {
		big := e.csize >= 0xFFFFFFFF || e.usize >= 0xFFFFFFFF || e.offset >= 0xFFFFFFFF
		w32(sigCentral)
		w16(e.version)
		w16(e.version)
		w16(e.flags &^ flagDescribed) // sizes and CRC are here now
		w16(e.method)
		w16(e.modTime)
		w16(e.modDate)
		w32(e.crc)
		if big {
			w32(0xFFFFFFFF)
			w32(0xFFFFFFFF)
		} else {
			w32(uint32(e.csize))
			w32(uint32(e.usize))
		}
		w16(uint16(len(e.name)))
		if big {
			w16(28)
		} else {
			w16(0)
		}
		w16(0) // comment
		w16(0) // disk
		w16(0) // internal attributes
		w32(0) // external attributes
		if big {
			w32(0xFFFFFFFF)
		} else {
			w32(uint32(e.offset))
		}
		b.Write(e.name)
		if big {
			w16(0x0001)
			w16(24)
			w64(e.usize)
			w64(e.csize)
			w64(uint64(e.offset))
		}
	}
	dirLen := int64(b.Len())
	n := len(entries)
	if n >= 0xFFFF || at >= 0xFFFFFFFF || dirLen >= 0xFFFFFFFF {
		end64 := at + dirLen
		w32(sigEnd64)
		w64(44)
		w16(45)
		w16(45)
		w32(0)
		w32(0)
		w64(uint64(n))
		w64(uint64(n))
		w64(uint64(dirLen))
		w64(uint64(at))
		w32(sigLocator64)
		w32(0)
		w64(uint64(end64))
		w32(1)
		w32(sigEnd)
		w16(0)
		w16(0)
		w16(0xFFFF)
		w16(0xFFFF)
		w32(0xFFFFFFFF)
		w32(0xFFFFFFFF)
		w16(0)
		return b.Bytes()
	}
	w32(sigEnd)
	w16(0)
	w16(0)
	w16(uint16(n))
	w16(uint16(n))
	w32(uint32(dirLen))
	w32(uint32(at))
	w16(0)
	return b.Bytes()
}

// appendedReaderAt reads the first n bytes of ra followed by tail.
type appendedReaderAt struct {
	ra   io.ReaderAt
	n    int64
	tail []byte
}

func (a *appendedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	read := 0
	if off < a.n {
		k := min(int64(len(p)), a.n-off)
		m, err := a.ra.ReadAt(p[:k], off)
		read += m
		if err != nil && !(err == io.EOF && int64(m) == k) {
			return read, err
		}
		p, off = p[k:], a.n
	}
	if len(p) == 0 {
		return read, nil
	}
	t := off - a.n
	if t >= int64(len(a.tail)) {
		return read, io.EOF
	}
	m := copy(p, a.tail[t:])
	read += m
	if m < len(p) {
		return read, io.EOF
	}
	return read, nil
}
