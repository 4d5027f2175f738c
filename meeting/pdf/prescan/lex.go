package prescan

import (
	"bytes"
	"strconv"
)

// The token kinds of the PDF syntax (ISO 32000-1, 7.2–7.3).
type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tName
	tString
	tKeyword
	tArrOpen
	tArrClose
	tDictOpen
	tDictClose
	tOther // a stray delimiter
)

type token struct {
	kind       tokKind
	start, end int // b[start:end] is the token's text
}

func isWhite(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip returns the position of the next token at or after pos: white space
// and comments are skipped.
func skip(b []byte, pos int) int {
	for pos < len(b) {
		c := b[pos]
		if isWhite(c) {
			pos++
			continue
		}
		if c == '%' {
			for pos < len(b) && b[pos] != '\n' && b[pos] != '\r' {
				pos++
			}
			continue
		}
		break
	}
	return pos
}

// next returns the token at or after pos.
func next(b []byte, pos int) token {
	pos = skip(b, pos)
	if pos >= len(b) {
		return token{kind: tEOF, start: len(b), end: len(b)}
	}
	c := b[pos]
	switch c {
	case '[':
		return token{tArrOpen, pos, pos + 1}
	case ']':
		return token{tArrClose, pos, pos + 1}
	case '<':
		if pos+1 < len(b) && b[pos+1] == '<' {
			return token{tDictOpen, pos, pos + 2}
		}
		end := bytes.IndexByte(b[pos+1:], '>')
		if end < 0 {
			return token{tString, pos, len(b)}
		}
		return token{tString, pos, pos + 1 + end + 1}
	case '>':
		if pos+1 < len(b) && b[pos+1] == '>' {
			return token{tDictClose, pos, pos + 2}
		}
		return token{tOther, pos, pos + 1}
	case '(':
		return token{tString, pos, literalEnd(b, pos)}
	case '/':
		end := pos + 1
		for end < len(b) && !isWhite(b[end]) && !isDelim(b[end]) {
			end++
		}
		return token{tName, pos, end}
	case ')', '{', '}':
		return token{tOther, pos, pos + 1}
	}
	end := pos
	for end < len(b) && !isWhite(b[end]) && !isDelim(b[end]) {
		end++
	}
	if isNumber(b[pos:end]) {
		return token{tNum, pos, end}
	}
	return token{tKeyword, pos, end}
}

// literalEnd returns the position after the literal string that opens at
// b[pos] == '(': balanced parentheses, backslash escapes.
func literalEnd(b []byte, pos int) int {
	depth := 0
	for i := pos; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

func isNumber(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case (c == '+' || c == '-') && i == 0:
		case c == '.':
		default:
			return false
		}
	}
	return digits > 0
}

// isInt reports whether the number token s has no fraction.
func isInt(s []byte) bool { return bytes.IndexByte(s, '.') < 0 }

func parseNum(s []byte) float64 {
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		// "--5", "1.2.3": readers take what they can; so does the scan.
		return 0
	}
	return f
}

// nameText decodes a name token (with its slash) into its text: #xx escapes
// are resolved, so /J#61vaScript is JavaScript.
func nameText(s []byte) string {
	s = s[1:]
	if bytes.IndexByte(s, '#') < 0 {
		return string(s)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(string(s[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}
