package prescan

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
)

// samples are the data the decoders are checked on: empty, short, runs,
// random, and long enough to cross chunk boundaries.
func samples() [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 200_000)
	for i := range random {
		random[i] = byte(r.IntN(256))
	}
	runs := bytes.Repeat([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabc"), 300)
	return [][]byte{{}, []byte("x"), []byte("BT /F1 12 Tf (Dais) Tj ET"), make([]byte, 100_003), runs, random}
}

func readAllDecoded(t *testing.T, name string, enc []byte, parms value) []byte {
	t.Helper()
	r := decoder(name, bytes.NewReader(enc), parms)
	if r == nil {
		t.Fatalf("no decoder for %s", name)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// rlEncode is a simple RunLengthDecode encoder (for the test).
func rlEncode(b []byte) []byte {
	var out bytes.Buffer
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] == b[i] && j-i < 128 {
			j++
		}
		if j-i >= 2 {
			out.WriteByte(byte(257 - (j - i)))
			out.WriteByte(b[i])
			i = j
			continue
		}
		j = i
		for j < len(b) && j-i < 128 && (j+1 >= len(b) || b[j] != b[j+1]) {
			j++
		}
		if j == i {
			j = i + 1
		}
		out.WriteByte(byte(j - i - 1))
		out.Write(b[i:j])
		i = j
	}
	out.WriteByte(128)
	return out.Bytes()
}

// TestDecoders checks each streaming decoder against a reference encoder:
// pdfcpu's LZW (EarlyChange 1), Go's (EarlyChange 0), Go's hex and
// ASCII85 with white space and 'z' groups, and a RunLength encoder.
func TestDecoders(t *testing.T) {
	for i, src := range samples() {
		// Flate.
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(src)
		w.Close()
		if got := readAllDecoded(t, "FlateDecode", z.Bytes(), value{}); !bytes.Equal(got, src) {
			t.Errorf("sample %d: Flate decoded %d bytes, want %d", i, len(got), len(src))
		}
		// LZW, early change (pdfcpu's encoder).
		f, err := filter.NewFilter(filter.LZW, map[string]int{"EarlyChange": 1})
		if err != nil {
			t.Fatal(err)
		}
		er, err := f.Encode(bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := io.ReadAll(er)
		if got := readAllDecoded(t, "LZWDecode", enc, value{}); !bytes.Equal(got, src) {
			t.Errorf("sample %d: LZW (early change) decoded %d bytes, want %d", i, len(got), len(src))
		}
		// LZW without early change (Go's encoder).
		var l bytes.Buffer
		lw := lzw.NewWriter(&l, lzw.MSB, 8)
		lw.Write(src)
		lw.Close()
		parms := value{kind: tDictOpen, dict: map[string]value{"EarlyChange": {kind: tNum, num: 0, int: true}}}
		if got := readAllDecoded(t, "LZWDecode", l.Bytes(), parms); !bytes.Equal(got, src) {
			t.Errorf("sample %d: LZW (no early change) decoded %d bytes, want %d", i, len(got), len(src))
		}
		// ASCIIHex, with white space, lower and upper case.
		h := hex.EncodeToString(src)
		h = strings.ToUpper(h[:len(h)/2]) + "\n " + h[len(h)/2:] + ">"
		if got := readAllDecoded(t, "ASCIIHexDecode", []byte(h), value{}); !bytes.Equal(got, src) {
			t.Errorf("sample %d: ASCIIHex decoded %d bytes, want %d", i, len(got), len(src))
		}
		// ASCII85 (Go writes 'z' for zero groups), with a line break.
		a := make([]byte, ascii85.MaxEncodedLen(len(src)))
		a = a[:ascii85.Encode(a, src)]
		a = append(append(a[:len(a)/2:len(a)/2], append([]byte("\r\n"), a[len(a)/2:]...)...), "~>"...)
		if got := readAllDecoded(t, "ASCII85Decode", a, value{}); !bytes.Equal(got, src) {
			t.Errorf("sample %d: ASCII85 decoded %d bytes, want %d", i, len(got), len(src))
		}
		// RunLength.
		if got := readAllDecoded(t, "RunLengthDecode", rlEncode(src), value{}); !bytes.Equal(got, src) {
			t.Errorf("sample %d: RunLength decoded %d bytes, want %d", i, len(got), len(src))
		}
	}
	if decoder("DCTDecode", bytes.NewReader(nil), value{}) != nil {
		t.Error("DCTDecode has a decoder: images are not decoded")
	}
}

// pdfWith builds a one-page PDF whose page content stream is content
// (unfiltered) and whose page dictionary ends with pageExtra.
func pdfWith(pageExtra, content string, more ...string) []byte {
	objs := append([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + pageExtra + " >>",
		"<< /Length " + itoa(len(content)) + " >>\nstream\n" + content + "\nendstream",
	}, more...)
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	for i, o := range objs {
		b.WriteString(itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func itoa(n int) string { return strconv.Itoa(n) }

func reason(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// TestScan checks the answers of Scan on small, hand-made files: what is
// refused and why, and what is not mistaken for nesting or active content.
func TestScan(t *testing.T) {
	lim := Limits{MaxDepth: 8}
	deep := strings.Repeat("[", 9) + strings.Repeat("]", 9)
	ok8 := strings.Repeat("[", 7) + strings.Repeat("]", 7) // in the page dictionary: 8 deep
	tests := []struct {
		name   string
		b      []byte
		want   Reason
		active Active
	}{
		{"plain", pdfWith("", "BT (hi) Tj ET"), "", 0},
		{"depth at the limit", pdfWith("/X "+ok8, "BT (hi) Tj ET"), "", 0},
		{"depth beyond the limit", pdfWith("/X "+deep, "BT (hi) Tj ET"), ReasonDepth, 0},
		{"deep in content", pdfWith("", deep+" TJ"), ReasonDepth, 0},
		{"brackets in a string are not nesting", pdfWith("/X ("+deep+")", "BT ("+deep+") Tj ET"), "", 0},
		{"brackets in a comment are not nesting", pdfWith("", "% "+deep+"\nBT (x) Tj ET"), "", 0},
		{"brackets in inline image data are not nesting", pdfWith("", "BI /W 4 /H 4 /BPC 8 /CS /G ID "+deep+" EI Q"), "", 0},
		{"hex strings are not dictionaries", pdfWith("", "<"+strings.Repeat("41", 20)+"> Tj"), "", 0},
		{"JavaScript", pdfWith("/AA << /O << /S /JavaScript /JS (x) >> >>", "q Q"), "", JavaScript},
		{"escaped name", pdfWith("/AA << /O << /S /J#61vaScript >> >>", "q Q"), "", JavaScript},
		{"a name in a string is not content", pdfWith("/X (/JavaScript /XFA)", "q Q"), "", 0},
		{"a name in a content stream is not content", pdfWith("", "/JavaScript BDC EMC"), "", 0},
		{"embedded file", pdfWith("/X << /Type /EmbeddedFile >>", "q Q"), "", EmbeddedFiles},
		{"xfa", pdfWith("/X << /XFA 5 0 R >>", "q Q"), "", XFA},
		{"long filter chain", pdfWith("", "q Q", "<< /Filter [/AHx /AHx /AHx /AHx /AHx] /Length 1 >>\nstream\n>\nendstream"), ReasonFilter, 0},
		{"huge image", pdfWith("", "q Q", "<< /Subtype /Image /Width 100000 /Height 100000 /Length 1 >>\nstream\nx\nendstream"), ReasonImage, 0},
		{"huge predictor rows", pdfWith("", "q Q", "<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 99999999 /Colors 4 >> /Length 1 >>\nstream\nx\nendstream"), ReasonFilter, 0},
		{"declared size", append(pdfWith("", "q Q"), "trailer << /Size 99999999 >>"...), ReasonObjects, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Scan(context.Background(), tt.b, lim)
			if got := reason(err); got != tt.want {
				t.Fatalf("Scan = %+v, %v; want reason %q", rep, err, tt.want)
			}
			if err == nil && rep.Active != tt.active {
				t.Errorf("Active = %b, want %b", rep.Active, tt.active)
			}
		})
	}
}

// TestBudgets checks the byte budgets: one stream, every stage counted
// (white space that decodes to nothing still counts), and the whole file.
func TestBudgets(t *testing.T) {
	z := func(b []byte) string {
		var out bytes.Buffer
		w := zlib.NewWriter(&out)
		w.Write(b)
		w.Close()
		return out.String()
	}
	stream := func(filters string, data string) string {
		return "<< /Type /DaisData /Filter " + filters + " /Length " + itoa(len(data)) + " >>\nstream\n" + data + "\nendstream"
	}
	lim := Limits{MaxStreamBytes: 1 << 20, MaxDecodedBytes: 3 << 20, DecodedPerByte: 1, MaxHeldBytes: 1 << 20}
	spaces := z(bytes.Repeat([]byte{' '}, 2<<20))
	half := z(make([]byte, 900<<10))
	tests := []struct {
		name string
		b    []byte
		want Reason
	}{
		{"a stream within its budget", pdfWith("", "q Q", stream("/FlateDecode", half)), ""},
		{"a stream beyond its budget", pdfWith("", "q Q", stream("/FlateDecode", z(make([]byte, 2<<20)))), ReasonBomb},
		{"white space counts", pdfWith("", "q Q", stream("[/FlateDecode /ASCIIHexDecode]", spaces)), ReasonBomb},
		{"the file's budget", pdfWith("", "q Q", stream("/FlateDecode", half), stream("/FlateDecode", half), stream("/FlateDecode", half), stream("/FlateDecode", half)), ReasonBomb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Scan(context.Background(), tt.b, lim)
			if got := reason(err); got != tt.want {
				t.Fatalf("Scan = %+v, %v; want reason %q", rep, err, tt.want)
			}
		})
	}
	t.Run("a cancelled scan stops", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		b := pdfWith("", "q Q", stream("/FlateDecode", z(make([]byte, 8<<20))))
		_, err := Scan(ctx, b, Limits{})
		if reason(err) != ReasonTime {
			t.Fatalf("Scan = %v, want the time refusal", err)
		}
	})
}
