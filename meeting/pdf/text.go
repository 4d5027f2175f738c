package pdf

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

const opText = "text extraction"

// maxPageContent bounds the decoded content of one page that the text
// extraction reads.
const maxPageContent = 16 << 20

// PageWords returns the words of each page of the PDF in r, read from the
// pages' content streams with pdfcpu (no external program): the strings
// of the text operators (Tj, TJ, ', "), decoded through each font's
// ToUnicode map (Type0 fonts with two-byte codes, simple fonts with one;
// a simple font without a map is read as Latin-1), with a space between
// text objects, lines and large TJ gaps. Text drawn inside form XObjects
// or as images is not read.
func (e *Engine) PageWords(ctx context.Context, r io.ReadSeeker) ([][]string, error) {
	b, err := e.readAll(r)
	if err != nil {
		return nil, err
	}
	var pages [][]string
	err = e.do(ctx, opText, opInput, func() error {
		var err error
		pages, err = e.pageWords(b)
		return err
	})
	return pages, err
}

func (e *Engine) pageWords(b []byte) ([][]string, error) {
	conf := e.newConf()
	conf.Optimize = false
	conf.Cmd = model.VALIDATE
	pctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		return nil, corrupt(err)
	}
	if err := api.ValidateContext(pctx); err != nil {
		return nil, corrupt(err)
	}
	xt := pctx.XRefTable
	out := make([][]string, xt.PageCount)
	for i := 1; i <= xt.PageCount; i++ {
		fonts, err := pageFonts(xt, i)
		if err != nil {
			return nil, corrupt(err)
		}
		rd, err := pdfcpu.ExtractPageContent(pctx, i)
		if err != nil {
			if errors.Is(err, model.ErrNoContent) {
				continue
			}
			return nil, corrupt(err)
		}
		if rd == nil {
			continue
		}
		content, err := io.ReadAll(io.LimitReader(rd, maxPageContent+1))
		if err != nil {
			return nil, corrupt(err)
		}
		if len(content) > maxPageContent {
			return nil, corrupt(fmt.Errorf("page %d: content over %d bytes", i, maxPageContent))
		}
		out[i-1] = strings.Fields(contentText(content, fonts))
	}
	return out, nil
}

// textFont is how one font's string bytes become text.
type textFont struct {
	twoByte bool
	cmap    map[uint32]string
}

func (f *textFont) decode(s []byte) string {
	var b strings.Builder
	step := 1
	if f != nil && f.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(s); i += step {
		code := uint32(s[i])
		if step == 2 {
			code = uint32(s[i])<<8 | uint32(s[i+1])
		}
		if f != nil && f.cmap != nil {
			if u, ok := f.cmap[code]; ok {
				b.WriteString(u)
				continue
			}
			if step == 2 {
				continue // a glyph without a letter
			}
		}
		if step == 1 {
			b.WriteRune(rune(code)) // Latin-1
		}
	}
	return b.String()
}

// pageFonts reads the fonts of page i's resources.
func pageFonts(xt *model.XRefTable, i int) (map[string]*textFont, error) {
	_, _, inh, err := xt.PageDict(i, false)
	if err != nil {
		return nil, err
	}
	fonts := map[string]*textFont{}
	if inh == nil || inh.Resources == nil {
		return fonts, nil
	}
	fd, err := xt.DereferenceDict(inh.Resources["Font"])
	if err != nil || fd == nil {
		return fonts, nil
	}
	for name, obj := range fd {
		d, err := xt.DereferenceDict(obj)
		if err != nil || d == nil {
			continue
		}
		f := &textFont{}
		if st := d.NameEntry("Subtype"); st != nil && *st == "Type0" {
			f.twoByte = true
		}
		if ref := d["ToUnicode"]; ref != nil {
			if sd, _, err := xt.DereferenceStreamDict(ref); err == nil && sd != nil {
				if err := sd.Decode(); err == nil {
					f.cmap = parseToUnicode(sd.Content)
				}
			}
		}
		fonts[name] = f
	}
	return fonts, nil
}

// parseToUnicode reads the bfchar and bfrange entries of a ToUnicode CMap.
func parseToUnicode(b []byte) map[uint32]string {
	m := map[uint32]string{}
	toks := tokenize(b)
	for i := 0; i < len(toks); i++ {
		switch toks[i].op {
		case "beginbfchar":
			for i++; i+1 < len(toks) && toks[i].op != "endbfchar"; i += 2 {
				if toks[i].kind == tokString && toks[i+1].kind == tokString {
					m[codeOf(toks[i].s)] = utf16BE(toks[i+1].s)
				}
			}
		case "beginbfrange":
			for i++; i+2 < len(toks) && toks[i].op != "endbfrange"; i += 3 {
				lo, hi := codeOf(toks[i].s), codeOf(toks[i+1].s)
				if hi < lo || hi-lo > 0xFFFF {
					continue
				}
				dst := toks[i+2]
				if dst.kind == tokString {
					base := []rune(utf16BE(dst.s))
					if len(base) == 0 {
						continue
					}
					for c := lo; c <= hi; c++ {
						r := slicesCloneRunes(base)
						r[len(r)-1] += rune(c - lo)
						m[c] = string(r)
					}
				} else if dst.kind == tokArray {
					for k, s := range dst.arr {
						m[lo+uint32(k)] = utf16BE(s)
					}
					i += dst.skip
				}
			}
		}
	}
	return m
}

func slicesCloneRunes(r []rune) []rune { return append([]rune(nil), r...) }

func codeOf(s []byte) uint32 {
	var c uint32
	for _, x := range s {
		c = c<<8 | uint32(x)
	}
	return c
}

func utf16BE(s []byte) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

type tokKind int

const (
	tokOp tokKind = iota
	tokString
	tokName
	tokNumber
	tokArray
)

type token struct {
	kind tokKind
	op   string   // an operator, a name or a number's text
	s    []byte   // a string's bytes
	arr  [][]byte // the strings of an array (TJ)
	nums []float64
	// gaps[k] is the number after arr's k-th string (a TJ adjustment)
	gaps []float64
	skip int // tokens of the array after it (parseToUnicode)
}

// tokenize splits content into tokens; arrays keep their strings and
// numbers, dictionaries are skipped, inline images jumped over.
func tokenize(b []byte) []token {
	var out []token
	var arr *token
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '(':
			s, n := literal(b[i:])
			i += n
			if arr != nil {
				arr.arr = append(arr.arr, s)
				arr.gaps = append(arr.gaps, 0)
			} else {
				out = append(out, token{kind: tokString, s: s})
			}
		case c == '<' && i+1 < len(b) && b[i+1] == '<':
			i += 2
			out = append(out, token{kind: tokOp, op: "<<"})
		case c == '>' && i+1 < len(b) && b[i+1] == '>':
			i += 2
			out = append(out, token{kind: tokOp, op: ">>"})
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return out
			}
			h := bytes.Map(func(r rune) rune {
				if isSpace(byte(r)) {
					return -1
				}
				return r
			}, b[i+1:i+j])
			if len(h)%2 == 1 {
				h = append(h, '0')
			}
			s, _ := hex.DecodeString(string(h))
			i += j + 1
			if arr != nil {
				arr.arr = append(arr.arr, s)
				arr.gaps = append(arr.gaps, 0)
			} else {
				out = append(out, token{kind: tokString, s: s})
			}
		case c == '[':
			i++
			arr = &token{kind: tokArray}
		case c == ']':
			i++
			if arr != nil {
				out = append(out, *arr)
				arr = nil
			}
		case c == '/':
			j := i + 1
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			out = append(out, token{kind: tokName, op: string(b[i+1 : j])})
			i = j
		case isDelim(c):
			i++
		default:
			j := i
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			w := string(b[i:j])
			i = j
			if f, err := strconv.ParseFloat(w, 64); err == nil {
				if arr != nil {
					if n := len(arr.gaps); n > 0 {
						arr.gaps[n-1] += f
					}
					continue
				}
				out = append(out, token{kind: tokNumber, op: w, nums: []float64{f}})
				continue
			}
			if w == "ID" { // inline image data: up to EI
				k := bytes.Index(b[i:], []byte("EI"))
				for k >= 0 && !(i+k+2 >= len(b) || isSpace(b[i+k+2])) {
					n := bytes.Index(b[i+k+2:], []byte("EI"))
					if n < 0 {
						k = -1
						break
					}
					k += 2 + n
				}
				if k < 0 {
					return out
				}
				i += k + 2
				continue
			}
			out = append(out, token{kind: tokOp, op: w})
		}
	}
	return out
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

// literal reads a literal string at the start of b (which begins with '(')
// and returns its bytes and the length read.
func literal(b []byte) ([]byte, int) {
	var out []byte
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return out, i + 1
			}
			out = append(out, c)
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r', '\n':
				if e == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			default:
				if e >= '0' && e <= '7' {
					v, n := 0, 0
					for n < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7' {
						v = v*8 + int(b[i]-'0')
						i++
						n++
					}
					i--
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
		}
	}
	return out, len(b)
}

// contentText is the text a page's content shows, with spaces between
// text objects, lines and large gaps.
func contentText(content []byte, fonts map[string]*textFont) string {
	var b strings.Builder
	var font *textFont
	var last token
	var operands []token
	for _, t := range tokenize(content) {
		if t.kind != tokOp {
			operands = append(operands, t)
			last = t
			continue
		}
		switch t.op {
		case "Tf":
			for _, o := range operands {
				if o.kind == tokName {
					font = fonts[o.op]
				}
			}
		case "Tj", "'", "\"":
			if t.op != "Tj" {
				b.WriteByte(' ')
			}
			if last.kind == tokString {
				b.WriteString(font.decode(last.s))
			}
		case "TJ":
			if last.kind == tokArray {
				for k, s := range last.arr {
					b.WriteString(font.decode(s))
					if last.gaps[k] < -200 { // a gap wider than a fifth of an em
						b.WriteByte(' ')
					}
				}
			}
		case "BT", "ET", "Td", "TD", "T*", "Tm":
			b.WriteByte(' ')
		}
		operands = operands[:0]
		last = token{}
	}
	return b.String()
}
