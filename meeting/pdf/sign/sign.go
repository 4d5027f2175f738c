// Package sign adds PAdES signatures to PDF documents and verifies them.
//
// A signature is written as an incremental update (the original bytes are
// kept as they are, new objects are appended), so signing a signed document
// again — the chair, then the secretary — leaves the earlier signatures
// valid. Each signature is a CMS SignedData (RFC 5652), detached, with the
// content-type, message-digest and signing-certificate-v2 (RFC 5035) signed
// attributes and the signer's certificate chain: the ETSI.CAdES.detached
// sub-filter of PAdES baseline B-B (ETSI EN 319 142-1). With a Timestamper
// the signature value is time-stamped by an RFC 3161 authority and the token
// is kept as the signature-time-stamp unsigned attribute: B-T. Signatures are
// approval signatures (no /DocMDP certification): any number may follow each
// other, and Verify says for each whether later updates only added
// signatures.
//
// The key is a crypto.Signer: a software key, or a PKCS#11 token (package
// token). Functions here keep no state; they are safe for concurrent use.
package sign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"crypto"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/unicode/norm"
)

// Signer is a private key and its certificate chain.
type Signer struct {
	// Key signs SHA-256 digests (RSA PKCS#1 v1.5 or ECDSA).
	Key crypto.Signer
	// Chain is the signer's certificate first, then the intermediates
	// (the root may be left out). All of it goes into the signature.
	Chain []*x509.Certificate
}

// Options describe one signature.
type Options struct {
	// Name is the signer's name written in the signature dictionary; empty
	// means the common name of the signer's certificate.
	Name string
	// Reason, Location and ContactInfo are written when not empty.
	Reason, Location, ContactInfo string
	// Time is the claimed signing time (/M); zero means now.
	Time time.Time
	// TSA, when set, time-stamps the signature (B-T); nil gives B-B.
	TSA Timestamper
}

// Errors returned by Sign and Verify for documents they cannot handle.
var (
	ErrEncrypted = errors.New("sign: the document is encrypted")
	ErrNotPDF    = errors.New("sign: not a readable PDF")
)

var startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// Sign returns pdf with one more signature by s, appended as an
// incremental update. pdf is not changed.
func Sign(ctx context.Context, pdf []byte, s Signer, o Options) ([]byte, error) {
	if s.Key == nil || len(s.Chain) == 0 {
		return nil, errors.New("sign: a key and its certificate are needed")
	}
	if _, err := signatureAlgorithm(s.Key.Public()); err != nil {
		return nil, err
	}
	if !publicKeysEqual(s.Key.Public(), s.Chain[0].PublicKey) {
		return nil, errors.New("sign: the key does not belong to the signer's certificate")
	}
	doc, err := readPDF(pdf)
	if err != nil {
		return nil, err
	}
	if o.Time.IsZero() {
		o.Time = time.Now()
	}
	if o.Name == "" {
		o.Name = s.Chain[0].Subject.CommonName
	}
	u, err := doc.appendSignature(pdf, s, o)
	if err != nil {
		return nil, err
	}
	// The digest covers everything but the /Contents hex string.
	h := sha256.New()
	h.Write(u.out[:u.contentsAt])
	h.Write(u.out[u.contentsEnd:])
	digest := h.Sum(nil)
	in := cmsInput{contentType: oidData, digest: digest, key: s.Key, chain: s.Chain}
	if o.TSA != nil {
		in.unsigned = func(signature []byte) ([][]byte, error) {
			d := sha256.Sum256(signature)
			tok, err := o.TSA.Timestamp(ctx, d[:])
			if err != nil {
				return nil, err
			}
			return [][]byte{attribute(oidAttrTimeStampToken, tok)}, nil
		}
	}
	cms, err := buildSignedData(in)
	if err != nil {
		return nil, err
	}
	hexed := hex.EncodeToString(cms)
	room := u.contentsEnd - u.contentsAt - 2
	if len(hexed) > room {
		return nil, fmt.Errorf("sign: the signature (%d bytes) does not fit its placeholder (%d)", len(cms), room/2)
	}
	copy(u.out[u.contentsAt+1:], hexed)
	return u.out, nil
}

// document is what Sign needs to know of the PDF it appends to.
type document struct {
	ctx       *model.Context
	prevXRef  int64
	xrefTable bool // the last cross-reference section is a table, not a stream
}

// readPDF reads pdf with pdfcpu (no validation), refusing encrypted files.
func readPDF(pdf []byte) (d *document, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("%w: %v", ErrNotPDF, r)
		}
	}()
	m := startxrefRE.FindSubmatch(tailOf(pdf))
	if m == nil {
		return nil, fmt.Errorf("%w: no startxref at its end", ErrNotPDF)
	}
	prev, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil || prev <= 0 || prev >= int64(len(pdf)) {
		return nil, fmt.Errorf("%w: startxref out of the file", ErrNotPDF)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Optimize = false
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, ErrEncrypted
	}
	if ctx.Root == nil {
		return nil, fmt.Errorf("%w: no catalog", ErrNotPDF)
	}
	return &document{ctx: ctx, prevXRef: prev, xrefTable: bytes.HasPrefix(bytes.TrimLeft(pdf[prev:], " \r\n\t"), []byte("xref"))}, nil
}

func tailOf(b []byte) []byte {
	if len(b) > 2048 {
		return b[len(b)-2048:]
	}
	return b
}

// update is a document with a signature appended whose /Contents is still
// zeros.
type update struct {
	out                     []byte
	contentsAt, contentsEnd int // the /Contents hex string, '<' to after '>'
}

// catalogDict returns the catalog of the document.
func (d *document) catalogDict() (types.Dict, error) {
	return d.ctx.DereferenceDict(*d.ctx.Root)
}

// firstPage returns the first page's dictionary and object number.
func (d *document) firstPage(root types.Dict) (types.Dict, int, error) {
	obj, ok := root["Pages"]
	for depth := 0; ok && depth < 64; depth++ {
		ref, isRef := obj.(types.IndirectRef)
		if !isRef {
			return nil, 0, errors.New("sign: page tree node is not an indirect object")
		}
		node, err := d.ctx.DereferenceDict(ref)
		if err != nil || node == nil {
			return nil, 0, fmt.Errorf("sign: bad page tree: %v", err)
		}
		if t := node.Type(); t != nil && *t == "Page" {
			return node, ref.ObjectNumber.Value(), nil
		}
		kids, err := d.ctx.DereferenceArray(node["Kids"])
		if err != nil || len(kids) == 0 {
			return nil, 0, errors.New("sign: the document has no page")
		}
		obj, ok = kids[0], true
	}
	return nil, 0, errors.New("sign: the document has no page")
}

// appendSignature writes the incremental update: the signature value, its
// field (merged with an invisible widget on the first page), the AcroForm,
// the catalog and the first page, then a cross-reference section of the
// same kind as the previous one.
func (d *document) appendSignature(pdf []byte, s Signer, o Options) (*update, error) {
	root, err := d.catalogDict()
	if err != nil || root == nil {
		return nil, fmt.Errorf("sign: no catalog: %v", err)
	}
	page, pageNr, err := d.firstPage(root)
	if err != nil {
		return nil, err
	}
	size := 0
	if d.ctx.Size != nil {
		size = *d.ctx.Size
	}
	for n := range d.ctx.Table {
		size = max(size, n+1)
	}
	next := size
	alloc := func() int { next++; return next - 1 }
	sigNr, fieldNr := alloc(), alloc()

	// The AcroForm: kept in its object when it has one, else a new one.
	form := types.Dict{}
	formNr := 0
	switch v := root["AcroForm"].(type) {
	case types.IndirectRef:
		fd, err := d.ctx.DereferenceDict(v)
		if err != nil {
			return nil, fmt.Errorf("sign: bad AcroForm: %v", err)
		}
		form, formNr = fd.Clone().(types.Dict), v.ObjectNumber.Value()
	case types.Dict:
		form = v.Clone().(types.Dict)
	}
	if formNr == 0 {
		formNr = alloc()
	}
	var fields types.Array
	if f, ok := form["Fields"]; ok {
		a, err := d.ctx.DereferenceArray(f)
		if err != nil {
			return nil, fmt.Errorf("sign: bad AcroForm fields: %v", err)
		}
		fields = append(fields, a...)
	}
	fieldName := fmt.Sprintf("Signature%d", len(fields)+1)
	fields = append(fields, *types.NewIndirectRef(fieldNr, 0))
	form["Fields"] = fields
	form["SigFlags"] = types.Integer(3)

	newRoot := root.Clone().(types.Dict)
	newRoot["AcroForm"] = *types.NewIndirectRef(formNr, 0)

	newPage := page.Clone().(types.Dict)
	var annots types.Array
	if a, ok := page["Annots"]; ok {
		arr, err := d.ctx.DereferenceArray(a)
		if err != nil {
			return nil, fmt.Errorf("sign: bad page annotations: %v", err)
		}
		annots = append(annots, arr...)
	}
	newPage["Annots"] = append(annots, *types.NewIndirectRef(fieldNr, 0))

	chainLen := 0
	for _, c := range s.Chain {
		chainLen += len(c.Raw)
	}
	contentsLen := 8192 + chainLen
	if o.TSA != nil {
		contentsLen += 16384
	}

	var b bytes.Buffer
	b.Write(pdf)
	if len(pdf) > 0 && pdf[len(pdf)-1] != '\n' {
		b.WriteByte('\n')
	}
	offsets := map[int]int{}
	begin := func(nr int) {
		offsets[nr] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", nr)
	}
	end := func() { b.WriteString("\nendobj\n") }

	// The signature value.
	begin(sigNr)
	b.WriteString("<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached")
	fmt.Fprintf(&b, "/M%s/Name%s", pdfDate(o.Time), textString(o.Name))
	for _, kv := range [][2]string{{"Reason", o.Reason}, {"Location", o.Location}, {"ContactInfo", o.ContactInfo}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "/%s%s", kv[0], textString(kv[1]))
		}
	}
	b.WriteString("/ByteRange")
	byteRangeAt := b.Len()
	b.WriteString("[0 0000000000 0000000000 0000000000]")
	b.WriteString("/Contents")
	contentsAt := b.Len()
	b.WriteByte('<')
	b.Write(bytes.Repeat([]byte("0"), 2*contentsLen))
	b.WriteByte('>')
	contentsEnd := b.Len()
	b.WriteString(">>")
	end()

	// The field, merged with its widget: invisible, printed never.
	begin(fieldNr)
	fmt.Fprintf(&b, "<</Type/Annot/Subtype/Widget/FT/Sig/T%s/V %d 0 R/F 132/Rect[0 0 0 0]/P %d 0 R>>", textString(fieldName), sigNr, pageNr)
	end()

	begin(formNr)
	b.WriteString(form.PDFString())
	end()
	begin(d.ctx.Root.ObjectNumber.Value())
	b.WriteString(newRoot.PDFString())
	end()
	begin(pageNr)
	b.WriteString(newPage.PDFString())
	end()

	trailer := types.Dict{
		"Root": *d.ctx.Root,
		"Prev": types.Integer(int(d.prevXRef)),
	}
	if d.ctx.Info != nil {
		trailer["Info"] = *d.ctx.Info
	}
	idSeed := sha256.Sum256(b.Bytes()[len(pdf):])
	newID := types.HexLiteral(hex.EncodeToString(idSeed[:16]))
	if len(d.ctx.ID) == 2 {
		trailer["ID"] = types.Array{d.ctx.ID[0], newID}
	} else {
		trailer["ID"] = types.Array{newID, newID}
	}
	if d.xrefTable {
		xref := b.Len()
		writeXRefTable(&b, offsets)
		trailer["Size"] = types.Integer(next)
		fmt.Fprintf(&b, "trailer\n%s\nstartxref\n%d\n%%%%EOF\n", trailer.PDFString(), xref)
	} else {
		xrefNr := alloc()
		offsets[xrefNr] = b.Len()
		trailer["Size"] = types.Integer(next)
		writeXRefStream(&b, xrefNr, offsets, trailer)
		fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", offsets[xrefNr])
	}
	out := b.Bytes()
	br := fmt.Sprintf("[0 %010d %010d %010d]", contentsAt, contentsEnd, len(out)-contentsEnd)
	copy(out[byteRangeAt:], br)
	return &update{out: out, contentsAt: contentsAt, contentsEnd: contentsEnd}, nil
}

// sortedKeys returns the object numbers of offsets in increasing order.
func sortedKeys(offsets map[int]int) []int {
	nrs := make([]int, 0, len(offsets))
	for n := range offsets {
		nrs = append(nrs, n)
	}
	for i := 1; i < len(nrs); i++ {
		for j := i; j > 0 && nrs[j] < nrs[j-1]; j-- {
			nrs[j], nrs[j-1] = nrs[j-1], nrs[j]
		}
	}
	return nrs
}

// runs groups sorted object numbers into consecutive subsections.
func runs(nrs []int) [][]int {
	var out [][]int
	for i, n := range nrs {
		if i == 0 || n != nrs[i-1]+1 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], n)
	}
	return out
}

func writeXRefTable(b *bytes.Buffer, offsets map[int]int) {
	b.WriteString("xref\n")
	for _, r := range runs(sortedKeys(offsets)) {
		fmt.Fprintf(b, "%d %d\n", r[0], len(r))
		for _, n := range r {
			fmt.Fprintf(b, "%010d 00000 n\r\n", offsets[n])
		}
	}
}

// writeXRefStream writes an uncompressed cross-reference stream object
// (PDF 32000-1 7.5.8) listing offsets, with trailer's entries.
func writeXRefStream(b *bytes.Buffer, nr int, offsets map[int]int, trailer types.Dict) {
	var data bytes.Buffer
	var index types.Array
	for _, r := range runs(sortedKeys(offsets)) {
		index = append(index, types.Integer(r[0]), types.Integer(len(r)))
		for _, n := range r {
			o := offsets[n]
			data.Write([]byte{1, byte(o >> 24), byte(o >> 16), byte(o >> 8), byte(o), 0})
		}
	}
	d := trailer.Clone().(types.Dict)
	d["Type"] = types.Name("XRef")
	d["W"] = types.Array{types.Integer(1), types.Integer(4), types.Integer(1)}
	d["Index"] = index
	d["Length"] = types.Integer(data.Len())
	fmt.Fprintf(b, "%d 0 obj\n%s\nstream\n", nr, d.PDFString())
	b.Write(data.Bytes())
	b.WriteString("\nendstream\nendobj\n")
}

// textString returns s as a PDF text string: UTF-16BE with a byte order
// mark, hex-encoded, NFC-normalised first (so "Nguyễn" is one code point a
// letter whichever way it was typed).
func textString(s string) string {
	s = norm.NFC.String(s)
	u := utf16.Encode([]rune(s))
	buf := make([]byte, 2+2*len(u))
	buf[0], buf[1] = 0xfe, 0xff
	for i, c := range u {
		buf[2+2*i], buf[3+2*i] = byte(c>>8), byte(c)
	}
	return "<" + strings.ToUpper(hex.EncodeToString(buf)) + ">"
}

// pdfDate returns t as a PDF date string, (D:YYYYMMDDHHmmSS+HH'mm').
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// parsePDFDate reads a PDF date string's text (D:YYYYMMDDHHmmSS+HH'mm').
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z", "20060102150405"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad PDF date %q", s)
}
