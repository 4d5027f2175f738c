package hostile

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
)

// builder assembles a PDF object by object: object n is objs[n-1].
type builder struct {
	objs []string
	// objStmN, when set, is the /N written for the object stream in
	// place of its true count.
	objStmN int
}

// add appends an object and returns its number.
func (b *builder) add(body string) int {
	b.objs = append(b.objs, body)
	return len(b.objs)
}

// stream appends a stream object with dict (without /Length) and data.
func (b *builder) stream(dict string, data []byte) int {
	return b.add(streamBody(dict, data))
}

func streamBody(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// set replaces object n.
func (b *builder) set(n int, body string) { b.objs[n-1] = body }

// page makes the usual skeleton: 1 catalog (catalogExtra), 2 pages, 3 a
// page (pageExtra, MediaBox A4 unless pageExtra has one) with content 4.
func page(catalogExtra, pageExtra string, content []byte) *builder {
	b := &builder{}
	b.add("<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>")
	b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	box := "/MediaBox [0 0 595 842]"
	if strings.Contains(pageExtra, "/MediaBox") {
		box = ""
	}
	b.add("<< /Type /Page /Parent 2 0 R " + box + " /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R " + pageExtra + " >>")
	b.stream("/Filter /FlateDecode", deflate(content))
	b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return b
}

// helloContent is a page content stream that writes one line.
var helloContent = []byte("BT /F1 24 Tf 72 760 Td (Dais hostile corpus) Tj ET\n")

// pdf writes the objects with a classic cross-reference table; trailer
// extra goes in the trailer.
func (b *builder) pdf(trailerExtra string) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(b.objs))
	for i, o := range b.objs {
		offs[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, trailerExtra, xref)
	return out.Bytes()
}

// pdfObjStm writes the objects numbered in packed into one object stream
// (its data passed through encode, which returns the /Filter entry and the
// encoded bytes) and the rest as usual, with a cross-reference stream
// whose dictionary holds xrefExtra.
func (b *builder) pdfObjStm(packed []int, encode func([]byte) (string, []byte), xrefExtra string) []byte {
	in := map[int]int{} // object number → index in the object stream
	var head, body bytes.Buffer
	for i, n := range packed {
		in[n] = i
		fmt.Fprintf(&head, "%d %d ", n, body.Len())
		body.WriteString(b.objs[n-1])
		body.WriteString("\n")
	}
	data := append(head.Bytes(), body.Bytes()...)
	filter, enc := encode(data)
	n := len(packed)
	if b.objStmN != 0 {
		n = b.objStmN
	}
	stm := len(b.objs) + 1
	xrefNr := stm + 1

	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, xrefNr+1)
	for i, o := range b.objs {
		if _, ok := in[i+1]; ok {
			continue
		}
		offs[i+1] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	offs[stm] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", stm,
		streamBody(fmt.Sprintf("/Type /ObjStm /N %d /First %d %s", n, head.Len(), filter), enc))
	offs[xrefNr] = out.Len()
	var x bytes.Buffer
	x.Write([]byte{0, 0, 0, 0, 0xff})
	for n := 1; n <= xrefNr; n++ {
		if i, ok := in[n]; ok {
			x.Write([]byte{2, byte(stm >> 16), byte(stm >> 8), byte(stm), byte(i)})
			continue
		}
		o := offs[n]
		x.Write([]byte{1, byte(o >> 16), byte(o >> 8), byte(o), 0})
	}
	xd := deflate(x.Bytes())
	fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", xrefNr,
		streamBody(fmt.Sprintf("/Type /XRef /Size %d /W [1 3 1] /Root 1 0 R /Filter /FlateDecode %s", xrefNr+1, xrefExtra), xd))
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", offs[xrefNr])
	return out.Bytes()
}

// deflate compresses b with zlib.
func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestCompression)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// deflateRepeat compresses n copies of chunk with zlib (fast level: the
// data is one repeated pattern).
func deflateRepeat(chunk []byte, n int) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	for range n {
		w.Write(chunk)
	}
	w.Close()
	return out.Bytes()
}

// zeros is 1 MiB of zero bytes.
var zeros = make([]byte, 1<<20)

// doubleZeros is n MiB of zeros compressed twice.
func doubleZeros(n int) []byte { return deflate(deflateRepeat(zeros, n)) }

// lzwEncode compresses b with LZW as PDF reads it with /EarlyChange 0.
func lzwEncode(chunk []byte, n int) []byte {
	var out bytes.Buffer
	w := lzw.NewWriter(&out, lzw.MSB, 8)
	for range n {
		w.Write(chunk)
	}
	w.Close()
	return out.Bytes()
}

// nested returns n opening and n closing brackets around an integer.
func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + "0" + strings.Repeat(close, n)
}

// nestedDict returns n dictionaries each holding the next under /A.
func nestedDict(n int) string {
	return strings.Repeat("<</A ", n) + "0" + strings.Repeat(">>", n)
}

// deflateRepeatAfter compresses head followed by n copies of chunk.
func deflateRepeatAfter(head, chunk []byte, n int) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	w.Write(head)
	for range n {
		w.Write(chunk)
	}
	w.Close()
	return out.Bytes()
}

// inflate decompresses zlib data (the generator's own).
func inflate(b []byte) []byte {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		panic(err)
	}
	return out
}
