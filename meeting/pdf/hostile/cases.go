// Package hostile generates the corpus of hostile PDFs an upload must
// survive: deep nesting, decompression bombs, absurd pages, lying counts
// and cross-references, and active content (JavaScript, embedded files,
// XFA) to remove. Each Case says what Dais answers: refused with a reason,
// or accepted with some kinds of content removed.
//
// The small files are committed in meeting/pdf/testdata/hostile (written
// by `go run ./cmd/dais-hostile-pdf write`); the large ones (Large) are
// made when a test needs them.
package hostile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Want is the expected answer for a file.
type Want struct {
	// Refused is the reason of the refusal (pdf.Refusal's values), or ""
	// when the file is accepted.
	Refused string
	// Removed lists the kinds of active content an accepted file has
	// removed (meeting.Removed*), in their order.
	Removed []string
}

// Case is one file of the corpus.
type Case struct {
	// Name is the file's name without ".pdf".
	Name string
	// Class groups the cases for the measurements (depth, bomb, page,
	// pages, objects, xref, image, filter, active, clean).
	Class string
	// About says what the file does, in one line.
	About string
	Want  Want
	// Large files are not committed: Make is called when they are needed.
	Large bool
	// MeasureOnly files are for the measurements, not the table test:
	// accepted, but slow to check under the race detector.
	MeasureOnly bool
	Make        func() []byte
}

// Depth is the nesting of the deep arrays, DictDepth of the deep
// dictionaries: tens of thousands.
const (
	Depth     = 50_000
	DictDepth = 20_000
)

func refused(r string) Want { return Want{Refused: r} }

func removed(kinds ...string) Want { return Want{Removed: kinds} }

// Cases returns the corpus.
func Cases() []Case {
	return []Case{
		// Clean files: accepted, nothing removed.
		{Name: "clean", Class: "clean", About: "one page, nothing special", Want: Want{},
			Make: func() []byte { return page("", "", helloContent).pdf("") }},
		{Name: "clean-objstm", Class: "clean", About: "one page, its objects in a compressed object stream and an xref stream", Want: Want{},
			Make: func() []byte {
				return page("", "", helloContent).pdfObjStm([]int{1, 2, 3, 5}, flate, "")
			}},
		{Name: "clean-goto-openaction", Class: "clean", About: "an /OpenAction that only opens page 1 (kept)", Want: Want{},
			Make: func() []byte { return page("/OpenAction [3 0 R /Fit]", "", helloContent).pdf("") }},

		// Nesting.
		{Name: "depth-array", Class: "depth", About: "an array nested 50,000 deep in the page dictionary", Want: refused("depth"),
			Make: func() []byte { return page("", "/Dais "+nested("[", "]", Depth), helloContent).pdf("") }},
		{Name: "depth-dict", Class: "depth", About: "dictionaries nested 20,000 deep in the page dictionary", Want: refused("depth"),
			Make: func() []byte { return page("", "/Dais "+nestedDict(DictDepth), helloContent).pdf("") }},
		{Name: "depth-content", Class: "depth", About: "a TJ array nested 50,000 deep in the page's content stream", Want: refused("depth"),
			Make: func() []byte {
				c := "BT /F1 12 Tf 72 700 Td " + nested("[", "]", Depth) + " TJ ET\n"
				return page("", "", []byte(c)).pdf("")
			}},
		{Name: "depth-content-dict", Class: "depth", About: "marked-content properties nested 20,000 deep in a content stream", Want: refused("depth"),
			Make: func() []byte {
				c := "/Span " + nestedDict(DictDepth) + " BDC EMC\n"
				return page("", "", []byte(c)).pdf("")
			}},
		{Name: "depth-objstm", Class: "depth", About: "an array nested 50,000 deep inside a compressed object stream", Want: refused("depth"),
			Make: func() []byte {
				b := page("", "/Dais 6 0 R", helloContent)
				b.add(nested("[", "]", Depth))
				return b.pdfObjStm([]int{1, 2, 3, 5, 6}, flate, "")
			}},
		{Name: "depth-xrefstm", Class: "depth", About: "an array nested 50,000 deep in the cross-reference stream's dictionary", Want: refused("depth"),
			Make: func() []byte {
				return page("", "", helloContent).pdfObjStm([]int{1, 2, 3, 5}, flate, "/Dais "+nested("[", "]", Depth))
			}},
		{Name: "depth-trailer", Class: "depth", About: "dictionaries nested 20,000 deep in the trailer", Want: refused("depth"),
			Make: func() []byte { return page("", "", helloContent).pdf("/Dais " + nestedDict(DictDepth)) }},
		{Name: "depth-hidden-in-stream", Class: "depth", About: "a deep object inside another stream's data, named by a lying xref", Want: refused("depth"),
			Make: hiddenInStream},

		// Pages.
		{Name: "page-zero-area", Class: "page", About: "a page whose MediaBox is [0 0 0 0]", Want: refused("page"),
			Make: func() []byte { return page("", "/MediaBox [0 0 0 0]", helloContent).pdf("") }},
		{Name: "page-zero-height", Class: "page", About: "a page 595 pt wide and 0 high", Want: refused("page"),
			Make: func() []byte { return page("", "/MediaBox [0 0 595 0]", helloContent).pdf("") }},
		{Name: "page-negative-area", Class: "page", About: "a page whose box runs backwards: [0 0 -595 -842]", Want: refused("page"),
			Make: func() []byte { return page("", "/MediaBox [0 0 -595 -842]", helloContent).pdf("") }},
		{Name: "page-absurd", Class: "page", About: "a page 10,000,000 pt wide", Want: refused("page"),
			Make: func() []byte { return page("", "/MediaBox [0 0 10000000 842]", helloContent).pdf("") }},
		{Name: "page-absurd-userunit", Class: "page", About: "a 14,400 pt page with /UserUnit 75,000", Want: refused("page"),
			Make: func() []byte { return page("", "/MediaBox [0 0 14400 14400] /UserUnit 75000", helloContent).pdf("") }},
		{Name: "page-zero-inherited", Class: "page", About: "a zero-area MediaBox inherited from the page tree", Want: refused("page"),
			Make: func() []byte {
				b := page("", "/MediaBox [0 0 0 0]", helloContent)
				b.set(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 0 0] >>")
				b.set(3, "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
				return b.pdf("")
			}},
		{Name: "page-cropbox-zero", Class: "page", About: "an A4 page whose CropBox is a point", Want: refused("page"),
			Make: func() []byte { return page("", "/CropBox [10 10 10 10]", helloContent).pdf("") }},

		// The page tree.
		{Name: "pages-count-lie", Class: "pages", About: "a page tree that declares 2,000,000,000 pages and has one", Want: refused("damaged"),
			Make: func() []byte {
				b := page("", "", helloContent)
				b.set(2, "<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>")
				return b.pdf("")
			}},
		{Name: "pages-cycle", Class: "pages", About: "a page tree whose node is its own grandchild", Want: refused("damaged"),
			Make: func() []byte {
				b := page("", "", helloContent)
				b.set(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>")
				b.add("<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>")
				return b.pdf("")
			}},
		{Name: "pages-too-many", Class: "pages", About: "2,001 pages, one more than the limit", Want: refused("pages"),
			Make: func() []byte { return manyPages(2001) }},
		{Name: "ref-loop", Class: "pages", About: "the page's resources are a reference to a reference to itself", Want: refused("damaged"),
			Make: func() []byte {
				b := page("", "", helloContent)
				b.set(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 6 0 R /Contents 4 0 R >>")
				b.add("7 0 R")
				b.add("6 0 R")
				return b.pdf("")
			}},

		// Object counts.
		{Name: "objects-size", Class: "objects", About: "a trailer that declares 2,000,000,000 objects", Want: refused("objects"),
			Make: func() []byte {
				p := page("", "", helloContent).pdf("")
				return bytes.Replace(p, []byte("/Size 6 "), []byte("/Size 2000000000 "), 1)
			}},
		{Name: "objects-objstm-n", Class: "objects", About: "an object stream that declares 5,000,000 objects", Want: refused("objects"),
			Make: func() []byte {
				b := page("", "", helloContent)
				b.objStmN = 5_000_000
				return b.pdfObjStm([]int{1, 2, 3, 5}, flate, "")
			}},
		{Name: "objects-xref-index", Class: "objects", About: "a cross-reference stream whose /Index claims 2,000,000,000 entries", Want: refused("objects"),
			Make: func() []byte {
				return page("", "", helloContent).pdfObjStm([]int{1, 2, 3, 5}, flate, "/Index [0 2000000000]")
			}},
		{Name: "objects-many-objstm", Class: "objects", About: "600,000 objects in an object stream (a 14 MB file, made by the tests)", Want: refused("objects"), Large: true,
			Make: func() []byte { return manyObjects(600_000) }},
		{Name: "objects-many-body", Class: "objects", About: "100,001 objects in the body, one more than the limit", Want: refused("objects"), Large: true,
			Make: func() []byte { return bodyObjects(100_001) }},
		{Name: "objects-near-limit", Class: "objects", About: "99,000 objects in the body: accepted, the most an upload may cost", Want: Want{}, Large: true, MeasureOnly: true,
			Make: func() []byte { return bodyObjects(99_000) }},
		{Name: "values-many", Class: "objects", About: "an array of 3,000,000 numbers (pdfcpu would hold about 170 MiB)", Want: refused("objects"), Large: true,
			Make: func() []byte {
				return page("", "/Dais ["+strings.Repeat("1 ", 3_000_000)+"]", helloContent).pdf("")
			}},
		{Name: "objects-rich", Class: "objects", About: "80,000 objects, each a dictionary with an array and a string", Want: refused("objects"), Large: true,
			Make: func() []byte { return richObjects(80_000) }},
		{Name: "objects-rich-accepted", Class: "objects", About: "50,000 objects, each a dictionary with an array and a string: accepted", Want: Want{}, Large: true, MeasureOnly: true,
			Make: func() []byte { return richObjects(50_000) }},

		// Decompression bombs.
		{Name: "bomb-flate2-content", Class: "bomb", About: "a page content stream, Flate twice, inflating to 4 GiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				b.set(4, streamBody("/Filter [/FlateDecode /FlateDecode]", doubleZeros(4096)))
				return b.pdf("")
			}},
		{Name: "bomb-flate2-objstm", Class: "bomb", About: "an object stream, Flate twice, inflating to 1 GiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", helloContent)
				return b.pdfObjStm([]int{1, 2, 3, 5}, func(data []byte) (string, []byte) {
					// The objects, then 1 GiB of zeros (white space to
					// a reader) after them.
					return "/Filter [/FlateDecode /FlateDecode]", deflate(concatDeflate(data, 1024))
				}, "")
			}},
		{Name: "bomb-flate2-xrefstm", Class: "bomb", About: "a cross-reference stream, Flate twice, inflating to 1 GiB", Want: refused("bomb"),
			Make: func() []byte {
				p := page("", "", helloContent).pdfObjStm([]int{1, 2, 3, 5}, flate, "")
				return xrefBomb(p)
			}},
		{Name: "bomb-flate-many", Class: "bomb", About: "40 streams of 16 MiB each, 640 MiB in all", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", helloContent)
				d := doubleZeros(16)
				for range 40 {
					b.stream("/Type /DaisData /Filter [/FlateDecode /FlateDecode]", d)
				}
				return b.pdf("")
			}},
		{Name: "bomb-lzw", Class: "bomb", About: "Flate then LZW, inflating to 300 MiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				l := lzwEncode(zeros, 300)
				b.set(4, streamBody("/Filter [/FlateDecode /LZWDecode] /DecodeParms [null << /EarlyChange 0 >>]", deflate(l)))
				return b.pdf("")
			}},
		{Name: "bomb-runlength", Class: "bomb", About: "Flate then RunLength, inflating to 2 GiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				pair := bytes.Repeat([]byte{0x81, 0x00}, 1<<19) // 1 MiB of runs of 128 zeros
				b.set(4, streamBody("/Filter [/FlateDecode /RunLengthDecode]", deflateRepeat(pair, 32)))
				return b.pdf("")
			}},
		{Name: "bomb-hex-spaces", Class: "bomb", About: "Flate twice then ASCIIHex over 1 GiB of spaces: nothing comes out", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				sp := bytes.Repeat([]byte{' '}, 1<<20)
				b.set(4, streamBody("/Filter [/FlateDecode /FlateDecode /ASCIIHexDecode]", deflate(deflateRepeat(sp, 1024))))
				return b.pdf("")
			}},
		{Name: "bomb-ascii85", Class: "bomb", About: "Flate twice then ASCII85 of 'z's, inflating to 2 GiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				z := bytes.Repeat([]byte{'z'}, 1<<20)
				b.set(4, streamBody("/Filter [/FlateDecode /FlateDecode /ASCII85Decode]", deflate(deflateRepeat(z, 512))))
				return b.pdf("")
			}},
		{Name: "bomb-unused-stream", Class: "bomb", About: "a stream nothing refers to, Flate twice, inflating to 4 GiB", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", helloContent)
				b.stream("/Filter [/FlateDecode /FlateDecode]", doubleZeros(4096))
				return b.pdf("")
			}},
		{Name: "bomb-flate-single", Class: "bomb", About: "a content stream, Flate once, inflating to 300 MiB (a 380 KB file)", Want: refused("bomb"),
			Make: func() []byte {
				b := page("", "", nil)
				b.set(4, streamBody("/Filter /FlateDecode", deflateRepeat(zeros, 300)))
				return b.pdf("")
			}},

		// Filters and images.
		{Name: "filter-chain-long", Class: "filter", About: "a content stream behind six Flate filters", Want: refused("filter"),
			Make: func() []byte {
				d := helloContent
				for range 6 {
					d = deflate(d)
				}
				b := page("", "", nil)
				b.set(4, streamBody("/Filter [/FlateDecode /FlateDecode /FlateDecode /FlateDecode /FlateDecode /FlateDecode]", d))
				return b.pdf("")
			}},
		{Name: "filter-predictor-columns", Class: "filter", About: "a PNG predictor with 2,000,000,000 columns", Want: refused("filter"),
			Make: func() []byte {
				b := page("", "", nil)
				b.set(4, streamBody("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2000000000 >>", deflate(helloContent)))
				return b.pdf("")
			}},
		{Name: "image-huge", Class: "image", About: "an image declared 100,000 × 100,000 pixels", Want: refused("image"),
			Make: func() []byte {
				b := page("", "", []byte("q 100 0 0 100 72 600 cm /Im1 Do Q\n"))
				b.set(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >>")
				b.stream("/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflate(zeros[:1000]))
				return b.pdf("")
			}},

		// Cross-reference tables that lie.
		{Name: "xref-offsets-wrong", Class: "xref", About: "every offset of the xref table off by 7 bytes", Want: refused("damaged"),
			Make: func() []byte { return shiftOffsets(page("", "", helloContent).pdf(""), 7) }},
		{Name: "xref-prev-loop", Class: "xref", About: "a trailer whose /Prev points at its own xref section", Want: refused("damaged"),
			Make: func() []byte {
				p := page("", "", helloContent).pdf("")
				x := bytes.LastIndex(p, []byte("xref\n0 "))
				return bytes.Replace(p, []byte("/Root 1 0 R  >>"), fmt.Appendf(nil, "/Root 1 0 R /Prev %d >>", x), 1)
			}},

		// Active content: accepted with it removed (the meeting's default).
		{Name: "js-openaction", Class: "active", About: "JavaScript run when the document opens", Want: removed("javascript"),
			Make: func() []byte {
				return page("/OpenAction << /S /JavaScript /JS (app.alert\\('Dais'\\);) >>", "", helloContent).pdf("")
			}},
		{Name: "js-names", Class: "active", About: "document-level JavaScript in the /JavaScript name tree, the code in a stream", Want: removed("javascript"),
			Make: func() []byte {
				b := page("/Names << /JavaScript 6 0 R >>", "", helloContent)
				b.add("<< /Names [(init) 7 0 R] >>")
				b.add("<< /S /JavaScript /JS 8 0 R >>")
				b.stream("", []byte("app.alert('Dais');"))
				return b.pdf("")
			}},
		{Name: "js-page-aa", Class: "active", About: "JavaScript run when the page opens (/AA /O) and a chained /Next", Want: removed("javascript"),
			Make: func() []byte {
				return page("", "/AA << /O << /S /JavaScript /JS (this.print\\(\\);) /Next << /S /Launch /F (calc.exe) >> >> >>", helloContent).pdf("")
			}},
		{Name: "js-link", Class: "active", About: "a link annotation whose action is JavaScript, another a Launch, one a javascript: URI", Want: removed("javascript"),
			Make: func() []byte {
				b := page("", "/Annots [6 0 R 7 0 R 8 0 R]", helloContent)
				b.add("<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A << /S /JavaScript /JS (app.alert\\(1\\)) >> >>")
				b.add("<< /Type /Annot /Subtype /Link /Rect [72 650 200 670] /A << /S /Launch /F (cmd.exe) >> >>")
				b.add("<< /Type /Annot /Subtype /Link /Rect [72 600 200 620] /A << /S /URI /URI (javascript:alert\\(1\\)) >> >>")
				return b.pdf("")
			}},
		{Name: "js-objstm", Class: "active", About: "an /OpenAction JavaScript inside a compressed object stream", Want: removed("javascript"),
			Make: func() []byte {
				b := page("/OpenAction 6 0 R", "", helloContent)
				b.add("<< /S /JavaScript /JS (app.alert\\('Dais'\\);) >>")
				return b.pdfObjStm([]int{1, 2, 3, 5, 6}, flate, "")
			}},
		{Name: "js-hex-name", Class: "active", About: "JavaScript named with #-escapes: /S /J#61vaScript /J#53", Want: removed("javascript"),
			Make: func() []byte {
				return page("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>", "", helloContent).pdf("")
			}},
		{Name: "js-field-aa", Class: "active", About: "a form field whose keystroke action is JavaScript", Want: removed("javascript"),
			Make: func() []byte {
				b := page("/AcroForm << /Fields [6 0 R] >>", "/Annots [6 0 R]", helloContent)
				b.add("<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /DA (/Helv 0 Tf 0 g) /Rect [72 500 300 520] /P 3 0 R /AA << /K << /S /JavaScript /JS (event.rc = true;) >> >> >>")
				return b.pdf("")
			}},
		{Name: "embedded-files", Class: "active", About: "an executable in the /EmbeddedFiles name tree", Want: removed("embedded_files"),
			Make: func() []byte {
				b := page("/Names << /EmbeddedFiles 6 0 R >>", "", helloContent)
				b.add("<< /Names [(setup.exe) 7 0 R] >>")
				b.add("<< /Type /Filespec /F (setup.exe) /UF (setup.exe) /EF << /F 8 0 R >> >>")
				b.stream("/Type /EmbeddedFile /Subtype /application#2Foctet-stream", []byte("MZ this is not really a program"))
				return b.pdf("")
			}},
		{Name: "file-attachment", Class: "active", About: "a file attachment annotation on the page", Want: removed("embedded_files"),
			Make: func() []byte {
				b := page("", "/Annots [6 0 R]", helloContent)
				b.add("<< /Type /Annot /Subtype /FileAttachment /Rect [72 700 90 718] /FS 7 0 R /Contents (read me) >>")
				b.add("<< /Type /Filespec /F (macro.docm) /EF << /F 8 0 R >> >>")
				b.stream("/Type /EmbeddedFile", []byte("PK not really a document"))
				return b.pdf("")
			}},
		{Name: "xfa", Class: "active", About: "an XFA form beside an AcroForm", Want: removed("xfa"),
			Make: func() []byte {
				b := page("/AcroForm << /Fields [] /XFA 6 0 R >> /NeedsRendering true", "", helloContent)
				b.stream("", []byte("<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"><template><script>app.alert(1)</script></template></xdp:xdp>"))
				return b.pdf("")
			}},
		{Name: "all-active", Class: "active", About: "JavaScript, an embedded file and XFA together", Want: removed("javascript", "embedded_files", "xfa"),
			Make: func() []byte {
				b := page("/OpenAction 6 0 R /Names << /EmbeddedFiles 7 0 R >> /AcroForm << /Fields [] /XFA [(template) 10 0 R] >>", "", helloContent)
				b.add("<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
				b.add("<< /Names [(a.exe) 8 0 R] >>")
				b.add("<< /Type /Filespec /F (a.exe) /EF << /F 9 0 R >> >>")
				b.stream("/Type /EmbeddedFile", []byte("MZ"))
				b.stream("", []byte("<template/>"))
				return b.pdf("")
			}},
	}
}

func flate(data []byte) (string, []byte) { return "/Filter /FlateDecode", deflate(data) }

// concatDeflate compresses data followed by n MiB of zeros (white space
// after the last object of an object stream).
func concatDeflate(data []byte, n int) []byte { return deflateRepeatAfter(data, zeros, n) }

// manyPages is a PDF of n empty A4 pages.
func manyPages(n int) []byte {
	b := &builder{}
	b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("")
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", i+3)
		b.add("<< /Type /Page /Parent 2 0 R >>")
	}
	b.set(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>", kids.String(), n))
	return b.pdf("")
}

// manyObjects is one page and n small objects ("0") packed in one object
// stream, with a cross-reference stream naming each, both uncompressed
// (about 23 bytes an object). Written directly: the generic builder and
// compression are too slow for this many objects under the race detector.
func manyObjects(n int) []byte {
	b := page("", "", helloContent)
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(b.objs)+1)
	for i, o := range b.objs {
		offs[i+1] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	first := len(b.objs) + 1 // the first packed object
	stm := first + n
	var head []byte
	for i := range n {
		head = strconv.AppendInt(head, int64(first+i), 10)
		head = append(head, ' ')
		head = strconv.AppendInt(head, int64(2*i), 10)
		head = append(head, ' ')
	}
	data := append(head, bytes.Repeat([]byte("0\n"), n)...)
	stmOff := out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", stm,
		streamBody(fmt.Sprintf("/Type /ObjStm /N %d /First %d", n, len(head)), data))
	xrefNr := stm + 1
	xrefOff := out.Len()
	x := []byte{0, 0, 0, 0, 0, 0, 0xff}
	entry := func(typ byte, a, c int) {
		x = append(x, typ, byte(a>>16), byte(a>>8), byte(a), byte(c>>16), byte(c>>8), byte(c))
	}
	for i := 1; i < first; i++ {
		entry(1, offs[i], 0)
	}
	for i := range n {
		entry(2, stm, i)
	}
	entry(1, stmOff, 0)
	entry(1, xrefOff, 0)
	fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", xrefNr,
		streamBody(fmt.Sprintf("/Type /XRef /Size %d /W [1 3 3] /Root 1 0 R", xrefNr+1), x))
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes()
}

// bodyObjects is one page and n null objects in the body, each named by
// the xref table.
func bodyObjects(n int) []byte {
	b := page("", "", helloContent)
	for range n {
		b.objs = append(b.objs, "null")
	}
	return b.pdf("")
}

// richObjects is one page and n objects, each a dictionary with an array
// and a string, all named by one array.
func richObjects(n int) []byte {
	b := page("", "/Dais 6 0 R", helloContent)
	var refs strings.Builder
	for i := range n {
		fmt.Fprintf(&refs, "%d 0 R ", i+7)
	}
	b.add("[" + refs.String() + "]")
	for range n {
		b.objs = append(b.objs, "<< /A [1 2 3] /B (x) >>")
	}
	return b.pdf("")
}

// hiddenInStream hides "6 0 obj [[[…]]] endobj" inside the data of an
// unfiltered stream, object 6 of the xref pointing there.
func hiddenInStream() []byte {
	b := page("", "/Dais 6 0 R", helloContent)
	b.add("null")
	hidden := "6 0 obj\n" + nested("[", "]", Depth) + "\nendobj\n"
	b.stream("/Type /DaisData", []byte("padding\n"+hidden))
	p := b.pdf("")
	at := bytes.Index(p, []byte("6 0 obj\n[[[["))
	// Point object 6 of the table at the hidden copy.
	x := bytes.LastIndex(p, []byte("xref\n0 "))
	lines := bytes.Split(p[x:], []byte("\n"))
	// lines: "xref", "0 N", entry 0, entry 1, … entry 6 is lines[8].
	lines[8] = fmt.Appendf(nil, "%010d 00000 n ", at)
	return append(p[:x:x], bytes.Join(lines, []byte("\n"))...)
}

// shiftOffsets adds d to every in-use offset of the last xref table.
func shiftOffsets(p []byte, d int) []byte {
	x := bytes.LastIndex(p, []byte("xref\n0 "))
	lines := bytes.Split(p[x:], []byte("\n"))
	for i, l := range lines {
		if len(l) == 19 && bytes.HasSuffix(l, []byte(" n ")) {
			var off int
			fmt.Sscanf(string(l[:10]), "%d", &off)
			lines[i] = fmt.Appendf(nil, "%010d 00000 n ", off+d)
		}
	}
	return append(p[:x:x], bytes.Join(lines, []byte("\n"))...)
}

// xrefBomb replaces the cross-reference stream of p (written by
// pdfObjStm) by one whose data, Flate twice, is its entries followed by
// 1 GiB of zeros.
func xrefBomb(p []byte) []byte {
	i := bytes.LastIndex(p, []byte("/Type /XRef"))
	objStart := bytes.LastIndex(p[:i], []byte(" 0 obj\n"))
	objStart = bytes.LastIndexByte(p[:objStart], '\n') + 1
	dictEnd := bytes.Index(p[i:], []byte(">>\nstream\n")) + i
	dict := string(p[i:dictEnd])
	dict = strings.Replace(dict, "/Filter /FlateDecode", "/Filter [/FlateDecode /FlateDecode]", 1)
	dict = dict[:strings.Index(dict, "/Length")]
	dataStart := dictEnd + len(">>\nstream\n")
	dataEnd := bytes.Index(p[dataStart:], []byte("\nendstream")) + dataStart
	entries := inflate(p[dataStart:dataEnd])
	data := deflate(deflateRepeatAfter(entries, zeros, 1024))
	var out bytes.Buffer
	out.Write(p[:objStart])
	head := p[objStart : bytes.Index(p[objStart:], []byte("obj\n"))+objStart+4]
	out.Write(head)
	out.WriteString(streamBody(dict, data))
	out.WriteString("\nendobj\n")
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", objStart)
	return out.Bytes()
}

// Load returns the file of c from the corpus folder dir when it is there
// (the committed files), else makes it.
func (c Case) Load(dir string) []byte {
	if b, err := os.ReadFile(filepath.Join(dir, c.Name+".pdf")); err == nil {
		return b
	}
	return c.Make()
}
