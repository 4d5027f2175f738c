package prescan

import (
	"bufio"
	"io"
)

// content reads a decoded content stream from r and refuses it when its
// arrays and dictionaries (TJ arrays, marked-content properties, inline
// image dictionaries) nest deeper than MaxDepth. Strings, comments and
// inline image data are skipped. Nothing is kept.
func (s *scanner) content(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	depth := 0
	var word []byte
	endWord := func() error {
		if string(word) == "ID" {
			word = word[:0]
			return skipInlineImage(br)
		}
		word = word[:0]
		return nil
	}
	open := func() error {
		depth++
		if depth > s.rep.Depth {
			s.rep.Depth = depth
		}
		if depth > s.lim.MaxDepth {
			return refuse(ReasonDepth, "arrays or dictionaries nested more than %d deep in a content stream", s.lim.MaxDepth)
		}
		return nil
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if !isWhite(c) && !isDelim(c) {
			if len(word) < 8 {
				word = append(word, c)
			} else {
				word = append(word[:0], 'x') // a long word is not "ID"
			}
			continue
		}
		if err := endWord(); err != nil {
			return err
		}
		switch c {
		case '%':
			if _, err := br.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
				return nil
			}
		case '(':
			if err := skipLiteral(br); err != nil {
				return nil
			}
		case '<':
			if n, err := br.Peek(1); err == nil && n[0] == '<' {
				br.ReadByte()
				if err := open(); err != nil {
					return err
				}
				continue
			}
			if _, err := br.ReadSlice('>'); err != nil && err != bufio.ErrBufferFull {
				return nil
			}
		case '>':
			if n, err := br.Peek(1); err == nil && n[0] == '>' {
				br.ReadByte()
				depth = max(depth-1, 0)
			}
		case '[':
			if err := open(); err != nil {
				return err
			}
		case ']':
			depth = max(depth-1, 0)
		}
	}
}

func skipLiteral(br *bufio.Reader) error {
	depth := 1
	for depth > 0 {
		c, err := br.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case '\\':
			if _, err := br.ReadByte(); err != nil {
				return err
			}
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	return nil
}

// skipInlineImage skips an inline image's data, up to "EI" between white
// space (or the end).
func skipInlineImage(br *bufio.Reader) error {
	var a, b, c byte = ' ', 0, 0 // the last three bytes
	for {
		x, err := br.ReadByte()
		if err != nil {
			return nil
		}
		if isWhite(a) && b == 'E' && c == 'I' && isWhite(x) {
			return nil
		}
		a, b, c = b, c, x
	}
}
