package sign_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
)

const (
	chairName     = "Trần Văn Quang"
	secretaryName = "Lê Thu Trang"
	orgName       = "Tỉnh ủy Hòa Bình"
)

var signedAt = time.Date(2026, 12, 3, 10, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// generated returns a three-page PDF written by our engine (cross-reference
// stream, object streams).
func generated(tb testing.TB) []byte {
	tb.Helper()
	e, err := pdf.New(pdf.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	var b bytes.Buffer
	if err := e.Generate(context.Background(), &b, "Biên bản phiên họp thứ 12", 3, []string{"Nghị quyết về kế hoạch đầu tư công năm 2027."}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// classic returns a one-page PDF with a classic cross-reference table.
func classic() []byte { return signtest.ClassicPDF() }

func mustSign(tb testing.TB, doc []byte, s sign.Signer, o sign.Options) []byte {
	tb.Helper()
	out, err := sign.Sign(context.Background(), doc, s, o)
	if err != nil {
		tb.Fatalf("Sign: %v", err)
	}
	if !bytes.HasPrefix(out, doc) {
		tb.Fatal("Sign changed the bytes it was given: not an incremental update")
	}
	return out
}

func mustVerify(tb testing.TB, doc []byte, ca *signtest.CA) []sign.Signature {
	tb.Helper()
	sigs, err := sign.Verify(doc, ca.Roots())
	if err != nil {
		tb.Fatalf("Verify: %v", err)
	}
	return sigs
}

// TestSignStacked signs a document twice (the chair, then the secretary),
// on both kinds of cross-reference, with RSA and ECDSA keys: both
// signatures are valid, trusted and unchanged, for our verifier and for
// pdfsig, and the names keep their diacritics.
func TestSignStacked(t *testing.T) {
	ca := signtest.NewCA(t)
	chair := ca.NewSigner(t, chairName, orgName, false)
	secretary := ca.NewSigner(t, secretaryName, orgName, true)
	for _, tc := range []struct {
		name string
		doc  []byte
	}{
		{"xref-stream", generated(t)},
		{"xref-table", classic()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			one := mustSign(t, tc.doc, chair, sign.Options{Reason: "Chủ tọa ký biên bản", Location: "Hòa Bình", Time: signedAt})
			two := mustSign(t, one, secretary, sign.Options{Reason: "Thư ký ký biên bản", Time: signedAt.Add(time.Minute)})
			sigs := mustVerify(t, two, ca)
			if len(sigs) != 2 {
				t.Fatalf("Verify found %d signatures, want 2: %+v", len(sigs), sigs)
			}
			for i, want := range []string{chairName, secretaryName} {
				s := sigs[i]
				if !s.Valid || !s.Trusted || !s.Unchanged || s.Signer != want || s.Name != want || s.Level != "B-B" {
					t.Errorf("signature %d = %+v, want valid, trusted, unchanged B-B by %s", i, s, want)
				}
				if len(s.Chain) != 3 || !strings.Contains(s.Chain[2], "Ban Cơ yếu Chính phủ Thử nghiệm") {
					t.Errorf("signature %d chain = %q, want signer, intermediate, Vietnamese root", i, s.Chain)
				}
				if !s.SigningTime.Equal(signedAt.Add(time.Duration(i) * time.Minute)) {
					t.Errorf("signature %d time = %v", i, s.SigningTime)
				}
			}
			if sigs[0].WholeDocument || !sigs[1].WholeDocument {
				t.Errorf("whole document = %v, %v; want false, true", sigs[0].WholeDocument, sigs[1].WholeDocument)
			}
			ps := signtest.Pdfsig(t, ca, two)
			if len(ps) != 2 {
				t.Fatalf("pdfsig found %d signatures, want 2", len(ps))
			}
			for i, want := range []string{chairName, secretaryName} {
				if ps[i].Validation != "Signature is Valid." || ps[i].Signer != want || ps[i].Trust != "Certificate is Trusted." {
					t.Errorf("pdfsig signature %d = %+v, want valid and trusted by %s", i, ps[i], want)
				}
			}
		})
	}
}

// TestTampered changes one byte of a signed document — inside the signed
// range, then after it in a later update — and both verifiers say so.
func TestTampered(t *testing.T) {
	ca := signtest.NewCA(t)
	chair := ca.NewSigner(t, chairName, orgName, false)
	doc := generated(t)
	signed := mustSign(t, doc, chair, sign.Options{Time: signedAt})

	t.Run("inside", func(t *testing.T) {
		bad := bytes.Clone(signed)
		at := bytes.Index(bad, []byte("/MediaBox"))
		if at < 0 {
			// Object streams hide the page: flip a byte of the first stream instead.
			at = bytes.Index(bad, []byte("stream\n")) + 10
		}
		bad[at+1] ^= 0x01
		sigs, err := sign.Verify(bad, ca.Roots())
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if len(sigs) != 1 || sigs[0].Valid || sigs[0].Unchanged {
			t.Fatalf("tampered: %+v, want one invalid signature", sigs)
		}
		ps := signtest.Pdfsig(t, ca, bad)
		if len(ps) != 1 || ps[0].Validation == "Signature is Valid." {
			t.Fatalf("pdfsig on a tampered file: %+v, want not valid", ps)
		}
	})

	t.Run("appended", func(t *testing.T) {
		// A later update that replaces the catalog's page tree: the
		// signature stays intact over its bytes, but the document changed.
		next := appendUpdate(t, signed)
		sigs := mustVerify(t, next, ca)
		if len(sigs) != 1 || !sigs[0].Valid || sigs[0].Unchanged || sigs[0].Changes == "" {
			t.Fatalf("after an update: %+v, want valid but changed", sigs)
		}
	})
}

// appendUpdate appends an incremental update to doc that rewrites its
// catalog with a /OpenAction — a change that is not a signature.
func appendUpdate(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	root, prev := catalogOf(tb, doc)
	var b bytes.Buffer
	b.Write(doc)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<</Type/Catalog/Pages %s/AcroForm %s/OpenAction[%s/Fit]>>\nendobj\n", root.nr, root.pages, root.form, root.pages)
	xref := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<</Type/XRef/W[1 4 1]/Index[%d 1]/Size %d/Root %d 0 R/Prev %d/Length 6>>\nstream\n", root.size, root.nr, root.size+1, root.nr, prev)
	b.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0})
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

type catalogInfo struct {
	nr, size int
	pages    string
	form     string
}

// catalogOf finds the catalog's object number, its /Pages reference, the
// trailer's size and the last startxref of a document Sign wrote (its
// catalog is written in clear by the signature's update).
func catalogOf(tb testing.TB, doc []byte) (catalogInfo, int) {
	tb.Helper()
	var c catalogInfo
	i := bytes.LastIndex(doc, []byte("/Type/Catalog"))
	j := bytes.LastIndex(doc[:i], []byte(" 0 obj"))
	k := bytes.LastIndexByte(doc[:j], '\n')
	fmt.Sscanf(string(doc[k+1:j]), "%d", &c.nr)
	obj := doc[j:i]
	ref := func(key string) string {
		m := regexp.MustCompile(key + ` (\d+ \d+ R)`).FindSubmatch(obj)
		if m == nil {
			tb.Fatalf("catalogOf: no %s in %q", key, obj)
		}
		return string(m[1])
	}
	c.pages, c.form = ref("/Pages"), ref("/AcroForm")
	s := bytes.LastIndex(doc, []byte("/Size "))
	fmt.Sscanf(string(doc[s+6:]), "%d", &c.size)
	var prev int
	x := bytes.LastIndex(doc, []byte("startxref"))
	fmt.Sscanf(string(doc[x+10:]), "%d", &prev)
	if c.nr == 0 || c.size == 0 || prev == 0 {
		tb.Fatalf("catalogOf: %+v prev %d", c, prev)
	}
	return c, prev
}

// TestTimestamped signs with an in-process RFC 3161 authority: B-T, its
// time and authority reported, pdfsig still valid.
func TestTimestamped(t *testing.T) {
	ca := signtest.NewCA(t)
	tsa := ca.NewTSA(t)
	stamped := time.Date(2026, 12, 3, 3, 31, 0, 0, time.UTC)
	tsa.Now = func() time.Time { return stamped }
	srv := httptest.NewServer(tsa)
	t.Cleanup(srv.Close)
	chair := ca.NewSigner(t, chairName, orgName, false)
	signed := mustSign(t, generated(t), chair, sign.Options{Time: signedAt, TSA: &sign.TSAClient{URL: srv.URL, Client: srv.Client()}})
	sigs := mustVerify(t, signed, ca)
	if len(sigs) != 1 {
		t.Fatalf("got %d signatures", len(sigs))
	}
	s := sigs[0]
	if !s.Valid || !s.Trusted || s.Level != "B-T" || s.Timestamp == nil || !s.Timestamp.Equal(stamped) ||
		s.TimestampAuthority != "Máy chủ cấp dấu thời gian Thử nghiệm" || !s.TimestampTrusted {
		t.Fatalf("B-T signature = %+v", s)
	}
	ps := signtest.Pdfsig(t, ca, signed)
	if len(ps) != 1 || ps[0].Validation != "Signature is Valid." || ps[0].Signer != chairName {
		t.Fatalf("pdfsig: %+v", ps)
	}
}

// TestUntrusted: a signer from another CA is valid but not trusted.
func TestUntrusted(t *testing.T) {
	ca, other := signtest.NewCA(t), signtest.NewCA(t)
	s := other.NewSigner(t, chairName, orgName, true)
	signed := mustSign(t, classic(), s, sign.Options{Time: signedAt})
	sigs := mustVerify(t, signed, ca)
	if len(sigs) != 1 || !sigs[0].Valid || sigs[0].Trusted || sigs[0].TrustError == "" {
		t.Fatalf("foreign CA: %+v, want valid and untrusted", sigs)
	}
	sigs, err := sign.Verify(signed, nil)
	if err != nil || len(sigs) != 1 || sigs[0].Trusted || sigs[0].TrustError != "no trust roots given" {
		t.Fatalf("no roots: %+v, %v", sigs, err)
	}
}

// TestSignRefuses: wrong inputs give an error and no output.
func TestSignRefuses(t *testing.T) {
	ca := signtest.NewCA(t)
	a := ca.NewSigner(t, chairName, orgName, false)
	b := ca.NewSigner(t, secretaryName, orgName, false)
	mixed := sign.Signer{Key: a.Key, Chain: b.Chain}
	for _, tc := range []struct {
		name string
		doc  []byte
		s    sign.Signer
	}{
		{"not a pdf", []byte("hello"), a},
		{"cut short", classic()[:200], a},
		{"key of another certificate", classic(), mixed},
		{"no key", classic(), sign.Signer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := sign.Sign(context.Background(), tc.doc, tc.s, sign.Options{})
			if err == nil || out != nil {
				t.Fatalf("Sign = %d bytes, %v; want an error", len(out), err)
			}
		})
	}
	if _, err := sign.Verify([]byte("%PDF-1.4 nothing"), nil); !errors.Is(err, sign.ErrNotPDF) {
		t.Fatalf("Verify(garbage) = %v, want ErrNotPDF", err)
	}
}

// TestTimestampRefused: an authority that fails makes Sign fail.
func TestTimestampRefused(t *testing.T) {
	ca := signtest.NewCA(t)
	srv := httptest.NewServer(nil) // 404 for everything
	t.Cleanup(srv.Close)
	_, err := sign.Sign(context.Background(), classic(), ca.NewSigner(t, chairName, orgName, true),
		sign.Options{TSA: &sign.TSAClient{URL: srv.URL}})
	if err == nil || !strings.Contains(err.Error(), "time-stamp") {
		t.Fatalf("Sign with a failing authority: %v", err)
	}
}

// TestLoadFiles reads a PEM key and chain written by signtest, and signs.
func TestLoadFiles(t *testing.T) {
	ca := signtest.NewCA(t)
	dir := t.TempDir()
	for _, ec := range []bool{false, true} {
		keyFile, certFile := signtest.WritePEM(t, dir, fmt.Sprint("signer-", ec), ca.NewSigner(t, secretaryName, orgName, ec))
		s, err := sign.LoadFiles(certFile, keyFile, "")
		if err != nil {
			t.Fatalf("LoadFiles: %v", err)
		}
		if len(s.Chain) != 2 || s.Chain[0].Subject.CommonName != secretaryName {
			t.Fatalf("chain = %v", s.Chain)
		}
		sigs := mustVerify(t, mustSign(t, classic(), s, sign.Options{Time: signedAt}), ca)
		if len(sigs) != 1 || !sigs[0].Valid || !sigs[0].Trusted {
			t.Fatalf("signed with the loaded key: %+v", sigs)
		}
	}
	if _, err := sign.LoadFiles(filepath.Join(dir, "missing.pem"), "", ""); err == nil {
		t.Fatal("LoadFiles(missing) succeeded")
	}
	_, certOnly := signtest.WritePEM(t, dir, "other", ca.NewSigner(t, chairName, orgName, true))
	if _, err := sign.LoadFiles(certOnly, "", ""); err == nil {
		t.Fatal("LoadFiles without a key succeeded")
	}
}
