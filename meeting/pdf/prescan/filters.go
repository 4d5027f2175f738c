package prescan

import (
	"bufio"
	"compress/zlib"
	"errors"
	"io"
)

// decoder returns a reader of r decoded by filter (parms its parameters),
// or nil for a filter this package does not decode. Predictors are not
// applied: they never make data larger, and their row sizes are checked
// apart (checkParms).
func decoder(filter string, r io.Reader, parms value) io.Reader {
	switch filter {
	case "FlateDecode", "Fl":
		z, err := zlib.NewReader(r)
		if err != nil {
			return errReader{damaged{err}}
		}
		return flateReader{z}
	case "LZWDecode", "LZW":
		early := 1
		if parms.kind == tDictOpen {
			if x, ok := parms.dict["EarlyChange"]; ok && x.kind == tNum && x.num == 0 {
				early = 0
			}
		}
		return newLZW(r, early)
	case "ASCIIHexDecode", "AHx":
		return newHex(r)
	case "ASCII85Decode", "A85":
		return newA85(r)
	case "RunLengthDecode", "RL":
		return newRL(r)
	}
	return nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

var errBadData = errors.New("prescan: bad encoded data")

// damaged marks an error of Flate data.
type damaged struct{ err error }

func (d damaged) Error() string { return "damaged Flate data: " + d.err.Error() }

// flateReader tags the errors of its zlib reader as damage.
type flateReader struct{ r io.Reader }

func (f flateReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		var e *Error
		if !errors.As(err, &e) {
			err = damaged{err}
		}
	}
	return n, err
}

// bulk runs a byte decoder over chunks of its input: feed appends the
// decoding of in to out and says whether the end of data was seen.
type bulk struct {
	r    io.Reader
	in   []byte
	out  []byte
	off  int
	done bool
	err  error
	feed func(in, out []byte) ([]byte, bool, error)
}

func newBulk(r io.Reader, chunk int, feed func(in, out []byte) ([]byte, bool, error)) *bulk {
	return &bulk{r: r, in: make([]byte, chunk), feed: feed}
}

func (b *bulk) Read(p []byte) (int, error) {
	for b.off == len(b.out) {
		if b.done {
			if b.err != nil {
				return 0, b.err
			}
			return 0, io.EOF
		}
		m, err := b.r.Read(b.in)
		b.out, b.off = b.out[:0], 0
		var end bool
		var ferr error
		b.out, end, ferr = b.feed(b.in[:m], b.out)
		switch {
		case ferr != nil:
			b.done, b.err = true, ferr
		case end:
			b.done = true
		case err == io.EOF:
			b.done = true
			b.out, _, _ = b.feed(nil, b.out) // flush
		case err != nil:
			b.done, b.err = true, err
		}
	}
	n := copy(p, b.out[b.off:])
	b.off += n
	return n, nil
}

// hexDecoder decodes ASCIIHexDecode.
type hexDecoder struct {
	hi   byte
	half bool
}

func newHex(r io.Reader) io.Reader {
	h := &hexDecoder{}
	return newBulk(r, 32<<10, h.feed)
}

func (h *hexDecoder) feed(in, out []byte) ([]byte, bool, error) {
	if in == nil { // the end: a lone digit is followed by 0
		if h.half {
			out = append(out, h.hi<<4)
			h.half = false
		}
		return out, true, nil
	}
	for _, c := range in {
		if isWhite(c) {
			continue
		}
		if c == '>' {
			out, _, _ = h.feed(nil, out)
			return out, true, nil
		}
		v, ok := unhex(c)
		if !ok {
			return out, true, errBadData
		}
		if h.half {
			out = append(out, h.hi<<4|v)
			h.half = false
		} else {
			h.hi, h.half = v, true
		}
	}
	return out, false, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// a85Decoder decodes ASCII85Decode.
type a85Decoder struct {
	g [5]byte
	k int
}

func newA85(r io.Reader) io.Reader {
	a := &a85Decoder{}
	return newBulk(r, 32<<10, a.feed)
}

func (a *a85Decoder) feed(in, out []byte) ([]byte, bool, error) {
	if in == nil {
		return a.flush(out)
	}
	for _, c := range in {
		switch {
		case isWhite(c):
		case c == '~':
			return a.flush(out)
		case c == 'z' && a.k == 0:
			out = append(out, 0, 0, 0, 0)
		case c < '!' || c > 'u':
			return out, true, errBadData
		default:
			a.g[a.k] = c - '!'
			a.k++
			if a.k == 5 {
				v := uint64(0)
				for _, x := range a.g {
					v = v*85 + uint64(x)
				}
				if v > 0xffffffff {
					return out, true, errBadData
				}
				out = append(out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
				a.k = 0
			}
		}
	}
	return out, false, nil
}

// flush ends a partial group.
func (a *a85Decoder) flush(out []byte) ([]byte, bool, error) {
	k := a.k
	a.k = 0
	if k == 0 {
		return out, true, nil
	}
	if k == 1 {
		return out, true, errBadData
	}
	for i := k; i < 5; i++ {
		a.g[i] = 'u' - '!'
	}
	v := uint64(0)
	for _, x := range a.g {
		v = v*85 + uint64(x)
	}
	if v > 0xffffffff {
		return out, true, errBadData
	}
	w := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	return append(out, w[:k-1]...), true, nil
}

// rlDecoder decodes RunLengthDecode.
type rlDecoder struct {
	lit    int // literal bytes still to copy
	repeat int // 0, or the length of a run whose byte comes next
}

func newRL(r io.Reader) io.Reader {
	l := &rlDecoder{}
	return newBulk(r, 4<<10, l.feed)
}

func (l *rlDecoder) feed(in, out []byte) ([]byte, bool, error) {
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case l.lit > 0:
			n := min(l.lit, len(in)-i)
			out = append(out, in[i:i+n]...)
			l.lit -= n
			i += n - 1
		case l.repeat > 0:
			for range l.repeat {
				out = append(out, c)
			}
			l.repeat = 0
		case c == 128:
			return out, true, nil
		case c < 128:
			l.lit = int(c) + 1
		default:
			l.repeat = 257 - int(c)
		}
	}
	return out, in == nil, nil
}

// lzwReader decodes LZWDecode (MSB first, 9 to 12 bit codes, EarlyChange).
type lzwReader struct {
	r      *bufio.Reader
	early  int
	bits   uint32
	nbits  uint
	width  uint
	next   int
	prev   int
	prefix [4096]uint16
	suffix [4096]byte
	length [4096]uint16
	out    []byte
	buf    [4096]byte
	done   bool
}

func newLZW(r io.Reader, early int) *lzwReader {
	l := &lzwReader{r: bufio.NewReader(r), early: early}
	for i := 0; i < 256; i++ {
		l.suffix[i], l.length[i] = byte(i), 1
	}
	l.reset()
	return l
}

func (l *lzwReader) reset() { l.width, l.next, l.prev = 9, 258, -1 }

func (l *lzwReader) code() (int, bool) {
	for l.nbits < l.width {
		c, err := l.r.ReadByte()
		if err != nil {
			return 0, false
		}
		l.bits = l.bits<<8 | uint32(c)
		l.nbits += 8
	}
	l.nbits -= l.width
	return int(l.bits>>l.nbits) & (1<<l.width - 1), true
}

// str writes the string of code into l.buf and returns it.
func (l *lzwReader) str(code int) []byte {
	n := int(l.length[code])
	s := l.buf[:n]
	for i := n - 1; i >= 0; i-- {
		s[i] = l.suffix[code]
		code = int(l.prefix[code])
	}
	return s
}

func (l *lzwReader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if l.done {
			return 0, io.EOF
		}
		c, ok := l.code()
		if !ok || c == 257 {
			l.done = true
			continue
		}
		if c == 256 {
			l.reset()
			continue
		}
		if l.prev < 0 {
			if c > 255 {
				return 0, errBadData
			}
			l.out = l.str(c)
			l.prev = c
			continue
		}
		var first byte
		switch {
		case c < l.next && c != 256 && c != 257:
			s := l.str(c)
			first = s[0]
		case c == l.next:
			first = l.str(l.prev)[0]
		default:
			return 0, errBadData
		}
		if l.next < 4096 && int(l.length[l.prev]) < 4095 {
			l.prefix[l.next], l.suffix[l.next], l.length[l.next] = uint16(l.prev), first, l.length[l.prev]+1
			l.next++
			if l.next+l.early >= 1<<l.width && l.width < 12 {
				l.width++
			}
		}
		if c >= l.next {
			return 0, errBadData
		}
		l.out = l.str(c)
		l.prev = c
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}
