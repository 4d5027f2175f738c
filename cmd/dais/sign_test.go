//go:build cgo

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// TestSignAndVerifyPDF: the chair signs the minutes with a certificate
// file, the secretary with her PKCS#11 token (SoftHSM2, PIN from the
// environment), each on their own side through dais sign; dais download
// signed fetches the record and dais verify-pdf shows both, trusted and
// unchanged, with their Vietnamese names; a tampered copy fails (exit 3),
// and so does it for pdfsig. A local file is signed too.
func TestSignAndVerifyPDF(t *testing.T) {
	ca := signtest.NewCA(t)
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	recs, err := records.New(records.Config{Roots: ca.Roots()}, fx.Service, fx.Store, fx.Docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	httpapi.New(fx.Access, nil).Register(mux)
	httpapi.NewRecords(fx.Access, recs, nil).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	rootFile := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(rootFile, ca.RootPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	chainFile := filepath.Join(dir, "intermediate.pem")
	if err := os.WriteFile(chainFile, ca.IntermediatePEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := signtest.WritePEM(t, dir, "chu-toa", ca.NewSigner(t, "Trần Văn Quang", "Tỉnh ủy Hòa Bình", true))
	module := signtest.SoftHSMKey(t, ca, "Token của thư ký", "2468", "thu-ky", "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình")

	chair := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_TOKEN": fx.Token(t, documentstest.Chair)}
	secretary := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_TOKEN": fx.Token(t, documentstest.Secretary), "DAIS_PIN": "2468"}

	rc, out, errOut := dais(t, chair, "sign", "-record", "minutes/vi", "-cert-file", certFile, "-key-file", keyFile, "-reason", "Chủ tọa ký biên bản")
	if rc != exitOK || !strings.Contains(out, "1 signature(s)") {
		t.Fatalf("chair's sign: exit %d, %q, %q", rc, out, errOut)
	}
	fx.Execute(t, documentstest.Chair, meeting.CloseMeeting{})
	// The token holds her certificate only: without the intermediate the
	// server cannot chain it, and refuses.
	if rc, _, errOut := dais(t, secretary, "sign", "-record", "minutes/vi", "-pkcs11-module", module, "-token-label", "Token của thư ký", "-key-label", "thu-ky"); rc != exitError || !strings.Contains(errOut, "trusted") {
		t.Fatalf("secretary's sign without the intermediate: exit %d, %q", rc, errOut)
	}
	rc, out, errOut = dais(t, secretary, "sign", "-record", "minutes/vi", "-pkcs11-module", module, "-token-label", "Token của thư ký", "-key-label", "thu-ky", "-chain", chainFile)
	if rc != exitOK || !strings.Contains(out, "2 signature(s)") || !strings.Contains(out, "Lê Thu Trang") {
		t.Fatalf("secretary's sign: exit %d, %q, %q", rc, out, errOut)
	}
	st := fx.State(t)
	if r := st.Records["minutes/vi"]; r == nil || len(r.Signatures) != 2 || r.Signatures[1].Participant != documentstest.Secretary || r.Signatures[1].Where != "token" {
		t.Fatalf("the log's record: %+v", r)
	}

	signed := filepath.Join(dir, "bien-ban-da-ky.pdf")
	if rc, _, errOut := dais(t, chair, "download", "signed", "-record", "minutes/vi", "-o", signed); rc != exitOK {
		t.Fatalf("download signed: exit %d: %s", rc, errOut)
	}
	rc, out, errOut = dais(t, nil, "verify-pdf", "-roots", rootFile, signed)
	if rc != exitOK {
		t.Fatalf("verify-pdf: exit %d, %q, %q", rc, out, errOut)
	}
	for _, want := range []string{
		"Signature 1 (Signature1): Trần Văn Quang", "Signature 2 (Signature2): Lê Thu Trang",
		"trusted: CN=Trần Văn Quang", "CN=Ban Cơ yếu Chính phủ Thử nghiệm",
		"unchanged since (later updates only added signatures)", "unchanged since (the signature covers the whole file)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("verify-pdf output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	if ps := signtest.Pdfsig(t, ca, b); len(ps) != 2 || ps[0].Validation != "Signature is Valid." || ps[1].Validation != "Signature is Valid." {
		t.Fatalf("pdfsig: %+v", ps)
	}

	// A tampered copy: both verifiers refuse it.
	i := bytes.Index(b, []byte("stream\n"))
	b[i+20] ^= 1
	tampered := filepath.Join(dir, "tampered.pdf")
	if err := os.WriteFile(tampered, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rc, out, _ = dais(t, nil, "verify-pdf", "-roots", rootFile, tampered)
	if rc != exitNotVerified || !strings.Contains(out, "valid:     NO") {
		t.Fatalf("verify-pdf on a tampered file: exit %d:\n%s", rc, out)
	}
	if ps := signtest.Pdfsig(t, ca, b); len(ps) != 2 || ps[0].Validation == "Signature is Valid." {
		t.Fatalf("pdfsig on a tampered file: %+v", ps)
	}

	// Without roots the chains are not checked: shown, not failed.
	if rc, out, _ := dais(t, nil, "verify-pdf", signed); rc != exitOK || !strings.Contains(out, "NOT trusted (no trust roots given)") {
		t.Fatalf("verify-pdf without roots: exit %d:\n%s", rc, out)
	}

	// A local file.
	local := filepath.Join(dir, "to-trinh.pdf")
	if err := os.WriteFile(local, fx.Generate(t, "Tờ trình", 2), 0o644); err != nil {
		t.Fatal(err)
	}
	if rc, out, errOut := dais(t, nil, "sign", "-cert-file", certFile, "-key-file", keyFile, local); rc != exitOK || !strings.Contains(out, "to-trinh-signed.pdf") {
		t.Fatalf("sign a local file: exit %d, %q, %q", rc, out, errOut)
	}
	if rc, out, _ := dais(t, nil, "verify-pdf", "-roots", rootFile, "-json", filepath.Join(dir, "to-trinh-signed.pdf")); rc != exitOK || !strings.Contains(out, `"signer": "Trần Văn Quang"`) {
		t.Fatalf("verify-pdf -json: exit %d:\n%s", rc, out)
	}

	t.Run("refusals", func(t *testing.T) {
		delegate := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_TOKEN": fx.Token(t, documentstest.D1)}
		for _, tt := range []struct {
			name string
			env  map[string]string
			args []string
			code int
			want string
		}{
			{"a delegate signs the minutes", delegate, []string{"sign", "-record", "minutes/vi", "-cert-file", certFile, "-key-file", keyFile}, exitError, "forbidden"},
			{"no key", chair, []string{"sign", "-record", "minutes/vi"}, exitUsage, "needs a key"},
			{"both record and file", chair, []string{"sign", "-record", "packet", "-cert-file", certFile, local}, exitUsage, "either"},
			{"a wrong PIN", map[string]string{"DAIS_PIN": "0000"}, []string{"sign", "-pkcs11-module", module, "-token-label", "Token của thư ký", local}, exitError, "token"},
			{"an unsigned file", nil, []string{"verify-pdf", local}, exitNotVerified, ""},
			{"not a PDF", nil, []string{"verify-pdf", rootFile}, exitError, "PDF"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rc, _, errOut := dais(t, tt.env, tt.args...)
				if rc != tt.code || !strings.Contains(errOut, tt.want) {
					t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", rc, tt.code, errOut, tt.want)
				}
			})
		}
	})
}
