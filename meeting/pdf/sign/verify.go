package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Signature is what Verify found of one signature.
type Signature struct {
	// Field is the signature field's name.
	Field string `json:"field"`
	// Name is the signer's name as written in the signature dictionary.
	Name string `json:"name"`
	// Signer is the common name of the signer's certificate; Subject its
	// whole distinguished name.
	Signer  string `json:"signer"`
	Subject string `json:"subject"`
	// Chain lists the subjects from the signer to the trust root when the
	// chain was built (Trusted), else the certificates the signature carries.
	Chain []string `json:"chain"`
	// Trusted says the signer's certificate chains to one of the roots
	// given to Verify at the signing time; TrustError says why not.
	Trusted    bool   `json:"trusted"`
	TrustError string `json:"trust_error,omitempty"`
	// SigningTime is the claimed time (/M).
	SigningTime time.Time `json:"signing_time"`
	// Timestamp is the RFC 3161 time of a B-T signature; TimestampAuthority
	// the authority's name. TimestampTrusted: its chain reached a root.
	Timestamp          *time.Time `json:"timestamp,omitempty"`
	TimestampAuthority string     `json:"timestamp_authority,omitempty"`
	TimestampTrusted   bool       `json:"timestamp_trusted,omitempty"`
	// Level is "B-B" or "B-T" (PAdES baseline) for a valid
	// ETSI.CAdES.detached signature, else the sub-filter.
	Level string `json:"level"`
	// Valid says the signature is intact: its digest matches the bytes it
	// covers and its CMS signature verifies. Error says why not.
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
	// Revision is the byte length of the document this signature signed;
	// WholeDocument says nothing was appended after it.
	Revision      int  `json:"revision"`
	WholeDocument bool `json:"whole_document"`
	// Unchanged says the document is the one signed, or later updates only
	// added signatures (and their fields); Changes describes what else
	// changed when it is false.
	Unchanged bool   `json:"unchanged"`
	Changes   string `json:"changes,omitempty"`
}

// Verify returns the signatures of pdf, oldest first. roots is the trust
// anchors to build each signer's chain to; nil checks no chain (Trusted
// stays false). An error means pdf could not be read; a bad signature is
// reported in its Signature, not as an error.
func Verify(pdf []byte, roots *x509.CertPool) ([]Signature, error) {
	doc, err := readPDF(pdf)
	if err != nil {
		return nil, err
	}
	fields, err := signatureFields(doc.ctx)
	if err != nil {
		return nil, err
	}
	var out []Signature
	for _, f := range fields {
		s := verifyOne(pdf, doc.ctx, f, roots)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Revision < out[j].Revision })
	// What happened after each signature.
	for i := range out {
		s := &out[i]
		if !s.Valid {
			continue
		}
		if s.WholeDocument {
			s.Unchanged = true
			continue
		}
		changes, err := laterChanges(pdf, s.Revision, doc.ctx)
		if err != nil {
			s.Changes = err.Error()
			continue
		}
		s.Unchanged, s.Changes = changes == "", changes
	}
	return out, nil
}

type sigField struct {
	name string
	v    types.Dict
}

// signatureFields walks the AcroForm's fields for signed signature fields.
func signatureFields(ctx *model.Context) ([]sigField, error) {
	root, err := ctx.DereferenceDict(*ctx.Root)
	if err != nil || root == nil {
		return nil, fmt.Errorf("%w: no catalog", ErrNotPDF)
	}
	form, err := ctx.DereferenceDict(root["AcroForm"])
	if err != nil || form == nil {
		return nil, nil
	}
	fieldsArr, err := ctx.DereferenceArray(form["Fields"])
	if err != nil {
		return nil, fmt.Errorf("%w: bad AcroForm fields", ErrNotPDF)
	}
	var out []sigField
	seen := map[int]bool{}
	var walk func(a types.Array, prefix string, depth int)
	walk = func(a types.Array, prefix string, depth int) {
		if depth > 32 {
			return
		}
		for _, o := range a {
			if r, ok := o.(types.IndirectRef); ok {
				if seen[r.ObjectNumber.Value()] {
					continue
				}
				seen[r.ObjectNumber.Value()] = true
			}
			fd, err := ctx.DereferenceDict(o)
			if err != nil || fd == nil {
				continue
			}
			name := prefix + decodeText(fd["T"])
			if kids, err := ctx.DereferenceArray(fd["Kids"]); err == nil && len(kids) > 0 {
				walk(kids, name+".", depth+1)
			}
			if ft, ok := fd["FT"].(types.Name); !ok || ft != "Sig" {
				continue
			}
			v, err := ctx.DereferenceDict(fd["V"])
			if err != nil || v == nil {
				continue // an empty signature field
			}
			out = append(out, sigField{name: name, v: v})
		}
	}
	walk(fieldsArr, "", 0)
	return out, nil
}

// verifyOne checks one signature value dictionary.
func verifyOne(pdf []byte, ctx *model.Context, f sigField, roots *x509.CertPool) Signature {
	s := Signature{Field: f.name, Name: decodeText(f.v["Name"])}
	if m := decodeText(f.v["M"]); m != "" {
		s.SigningTime, _ = parsePDFDate(m)
	}
	fail := func(format string, a ...any) Signature {
		s.Valid, s.Error = false, fmt.Sprintf(format, a...)
		return s
	}
	sub, _ := f.v["SubFilter"].(types.Name)
	s.Level = string(sub)
	br, err := ctx.DereferenceArray(f.v["ByteRange"])
	if err != nil || len(br) != 4 {
		return fail("no byte range")
	}
	var r [4]int
	for i, o := range br {
		n, ok := o.(types.Integer)
		if !ok || n < 0 {
			return fail("bad byte range")
		}
		r[i] = n.Value()
	}
	a, b := r[1], r[2]
	end := r[2] + r[3]
	if r[0] != 0 || a >= b || end > len(pdf) || b-a < 2 || pdf[a] != '<' || pdf[b-1] != '>' {
		return fail("the byte range does not leave out exactly the signature's contents")
	}
	s.Revision, s.WholeDocument = end, end == len(pdf)
	hexed := pdf[a+1 : b-1]
	raw := make([]byte, hex.DecodedLen(len(hexed)))
	if _, err := hex.Decode(raw, hexed); err != nil {
		return fail("the signature's contents are not hexadecimal")
	}
	// The bytes left out must be this dictionary's /Contents.
	if hl, ok := f.v["Contents"].(types.HexLiteral); ok {
		if got, err := hl.Bytes(); err != nil || !bytes.Equal(bytes.TrimRight(got, "\x00"), bytes.TrimRight(raw, "\x00")) {
			return fail("the byte range leaves out other bytes than the signature's contents")
		}
	} else {
		return fail("the signature's contents are not a hexadecimal string")
	}
	if sub != "ETSI.CAdES.detached" && sub != "adbe.pkcs7.detached" {
		return fail("sub-filter %q is not supported", sub)
	}
	p, err := parseSignedData(raw)
	if err != nil {
		return fail("%v", err)
	}
	s.Signer, s.Subject = p.signer.Subject.CommonName, p.signer.Subject.String()
	h := newHash(p.digestAlg)
	h.Write(pdf[:a])
	h.Write(pdf[b:end])
	if !bytes.Equal(h.Sum(nil), p.messageDigest) {
		return fail("the document's bytes do not match the signed digest: it was changed")
	}
	s.Valid = true
	if sub == "ETSI.CAdES.detached" {
		if p.hasSigningCertV2 {
			s.Level = "B-B"
		} else {
			s.Level = "CAdES without signing-certificate-v2"
		}
	}
	at := s.SigningTime
	if len(p.timeStampToken) > 0 {
		d := sha256.Sum256(p.signature)
		ts, err := checkTimeStampToken(p.timeStampToken, d[:])
		if err != nil {
			return fail("%v", err)
		}
		t := ts.genTime
		s.Timestamp, s.TimestampAuthority = &t, ts.signer.Subject.CommonName
		if s.Level == "B-B" {
			s.Level = "B-T"
		}
		at = t
		if roots != nil {
			_, err := ts.signer.Verify(x509.VerifyOptions{
				Roots: roots, Intermediates: poolOf(ts.certs), CurrentTime: t,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
			})
			s.TimestampTrusted = err == nil
		}
	}
	for _, c := range p.certs {
		s.Chain = append(s.Chain, c.Subject.String())
	}
	if roots == nil {
		s.TrustError = "no trust roots given"
		return s
	}
	if at.IsZero() {
		at = time.Now()
	}
	chains, err := p.signer.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: poolOf(p.certs), CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		s.TrustError = err.Error()
		return s
	}
	s.Trusted, s.Chain = true, nil
	for _, c := range chains[0] {
		s.Chain = append(s.Chain, c.Subject.String())
	}
	return s
}

func poolOf(certs []*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// laterChanges compares the revision of pdf ending at end (what a
// signature signed) with the whole document (final) and returns "" when
// the updates after it only added signatures: new objects, the catalog
// changed only in /AcroForm, the AcroForm only by new signature fields,
// pages only by new signature widgets. Else it says what changed.
func laterChanges(pdf []byte, end int, final *model.Context) (string, error) {
	rev, err := readPDF(pdf[:end])
	if err != nil {
		return "", fmt.Errorf("the signed revision cannot be read: %v", err)
	}
	if rev.ctx.Root == nil || final.Root == nil || rev.ctx.Root.ObjectNumber != final.Root.ObjectNumber {
		return "the document's catalog was replaced", nil
	}
	var changes []string
	nrs := make([]int, 0, len(rev.ctx.Table))
	for n := range rev.ctx.Table {
		nrs = append(nrs, n)
	}
	sort.Ints(nrs)
	for _, n := range nrs {
		re := rev.ctx.Table[n]
		if n == 0 || re == nil || re.Free {
			continue
		}
		if isXRefStream(re.Object) {
			continue
		}
		fe := final.Table[n]
		if fe == nil || fe.Free {
			changes = append(changes, fmt.Sprintf("object %d was deleted", n))
			continue
		}
		if sameEntry(rev.ctx, final, re, fe) {
			continue
		}
		if why := allowedChange(rev.ctx, final, n, re.Object, fe.Object); why != "" {
			changes = append(changes, why)
		}
	}
	if len(changes) > 5 {
		changes = append(changes[:5], fmt.Sprintf("and %d more", len(changes)-5))
	}
	return strings.Join(changes, "; "), nil
}

func isXRefStream(o types.Object) bool {
	sd, ok := o.(types.StreamDict)
	if !ok {
		return false
	}
	t := sd.Type()
	return t != nil && *t == "XRef"
}

// sameEntry says the object is read from the same place in both: then it
// is the same bytes, covered by the signature.
func sameEntry(rev, final *model.Context, re, fe *model.XRefTableEntry) bool {
	// pdfcpu clears Compressed once it has read an object stream; the
	// stream's number stays.
	rc, fc := re.ObjectStream != nil, fe.ObjectStream != nil
	if rc != fc {
		return false
	}
	if !rc {
		return re.Offset != nil && fe.Offset != nil && *re.Offset == *fe.Offset
	}
	if re.ObjectStreamInd == nil || fe.ObjectStreamInd == nil ||
		*re.ObjectStream != *fe.ObjectStream || *re.ObjectStreamInd != *fe.ObjectStreamInd {
		return false
	}
	rs, fs := rev.Table[*re.ObjectStream], final.Table[*fe.ObjectStream]
	return rs != nil && fs != nil && rs.ObjectStream == nil && fs.ObjectStream == nil &&
		rs.Offset != nil && fs.Offset != nil && *rs.Offset == *fs.Offset
}

// allowedChange returns "" when object n changed from was to now only by
// what adding a signature changes, else a description.
func allowedChange(rev, final *model.Context, n int, was, now types.Object) string {
	wd, ok1 := was.(types.Dict)
	nd, ok2 := now.(types.Dict)
	if !ok1 || !ok2 {
		if ws, ok := was.(types.StreamDict); ok {
			if ns, ok := now.(types.StreamDict); ok && ws.Dict.PDFString() == ns.Dict.PDFString() && bytes.Equal(ws.Raw, ns.Raw) {
				return ""
			}
		}
		return fmt.Sprintf("object %d was changed", n)
	}
	if n == rev.Root.ObjectNumber.Value() {
		if without(wd, "AcroForm") != without(nd, "AcroForm") {
			return "the document's catalog was changed"
		}
		return checkForm(rev, final)
	}
	if t := wd.Type(); t != nil && *t == "Page" {
		if without(wd, "Annots") != without(nd, "Annots") {
			return fmt.Sprintf("a page (object %d) was changed", n)
		}
		wa, _ := rev.DereferenceArray(wd["Annots"])
		na, err := final.DereferenceArray(nd["Annots"])
		if err != nil {
			return fmt.Sprintf("a page's annotations (object %d) cannot be read", n)
		}
		return addedOnly(final, wa, na, "annotation", n)
	}
	// The AcroForm object itself.
	if root, err := rev.DereferenceDict(*rev.Root); err == nil {
		if r, ok := root["AcroForm"].(types.IndirectRef); ok && r.ObjectNumber.Value() == n {
			if without(wd, "Fields", "SigFlags") != without(nd, "Fields", "SigFlags") {
				return "the form was changed"
			}
			return checkForm(rev, final)
		}
	}
	if wd.PDFString() == nd.PDFString() {
		return "" // rewritten as it was
	}
	return fmt.Sprintf("object %d was changed", n)
}

// checkForm checks that every field of rev's form is still in final's and
// that the new ones are signature fields.
func checkForm(rev, final *model.Context) string {
	rf, err1 := formFields(rev)
	ff, err2 := formFields(final)
	if err1 != nil || err2 != nil {
		return "the form cannot be read"
	}
	return addedOnly(final, rf, ff, "form field", 0)
}

func formFields(ctx *model.Context) (types.Array, error) {
	root, err := ctx.DereferenceDict(*ctx.Root)
	if err != nil {
		return nil, err
	}
	form, err := ctx.DereferenceDict(root["AcroForm"])
	if err != nil || form == nil {
		return nil, err
	}
	return ctx.DereferenceArray(form["Fields"])
}

// addedOnly checks that now holds every element of was, in order, and that
// each element added is a signature field or widget.
func addedOnly(final *model.Context, was, now types.Array, what string, n int) string {
	if len(now) < len(was) {
		return fmt.Sprintf("a %s was removed", what)
	}
	for i := range was {
		if was[i].PDFString() != now[i].PDFString() {
			return fmt.Sprintf("a %s was replaced", what)
		}
	}
	for _, o := range now[len(was):] {
		d, err := final.DereferenceDict(o)
		if err != nil || d == nil {
			return fmt.Sprintf("a %s was added that cannot be read", what)
		}
		if ft, ok := d["FT"].(types.Name); ok && ft == "Sig" {
			continue
		}
		if p, err := final.DereferenceDict(d["Parent"]); err == nil && p != nil {
			if ft, ok := p["FT"].(types.Name); ok && ft == "Sig" {
				continue
			}
		}
		return fmt.Sprintf("a %s other than a signature was added", what)
	}
	return ""
}

// without returns d's PDF text without keys.
func without(d types.Dict, keys ...string) string {
	c := d.Clone().(types.Dict)
	for _, k := range keys {
		delete(c, k)
	}
	return c.PDFString()
}

// decodeText returns a PDF text string's value: UTF-16BE with a byte order
// mark, else PDFDocEncoding (read as Latin-1, which it is for letters).
func decodeText(o types.Object) string {
	var b []byte
	switch v := o.(type) {
	case types.HexLiteral:
		b, _ = v.Bytes()
	case types.StringLiteral:
		u, err := types.Unescape(v.Value())
		if err != nil {
			return v.Value()
		}
		b = u
	default:
		return ""
	}
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// ErrNoSignature is returned by callers that need at least one signature.
var ErrNoSignature = errors.New("sign: the document has no signature")
