package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// TestSignConclusion: an administrator (the office's staff) signs an
// approved conclusion's PDF with a certificate file through dais sign
// -conclusion; the server takes it back as the conclusion's record, and
// dais verify-pdf of the current version shows the signer, trusted. A
// draft cannot be signed; without an account token the command says so.
func TestSignConclusion(t *testing.T) {
	ctx := context.Background()
	ca := signtest.NewCA(t)
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	acc := account.New(fx.Store, account.Options{Params: account.Params{Memory: 64, Time: 1, Threads: 1}, SetupSecret: "s"})
	en := acc.NewEnrolment("huong")
	key, _ := account.DecodeSecret(en.Secret)
	if _, err := acc.Setup(ctx, "s", account.NewAccount{ID: "huong", Name: "Nguyễn Thị Hương", Password: adminPW}, en.Secret, account.TOTPCode(key, time.Now().Add(-30*time.Second))); err != nil {
		t.Fatal(err)
	}
	reg := committees.New(fx.Store, nil, nil, committees.Options{})
	meetingtest.Committee(t, reg, office.Person{ID: "chu", Name: "Bùi Văn Tỉnh"}, office.Person{ID: "an", Name: "Nguyễn Văn An"})
	svc := conclusions.New(fx.Store, reg, fakeAgenda{}, nil, onePage{}, conclusions.Options{})
	recs, err := records.NewConclusions(records.Config{Roots: ca.Roots()}, svc, fx.Store, fx.Engine, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	httpapi.NewAccounts(acc, nil, fx.Access, fx.Service, testAdminToken, nil).Register(mux)
	capi := httpapi.NewConclusions(fx.Access, acc, reg, svc, fx.Engine, 1<<20, nil)
	capi.Register(mux)
	httpapi.NewConclusionRecords(capi, recs).Register(mux)
	cons := consultations.New(fx.Store, reg, nil, onePage{}, consultations.Options{RemindBefore: -1})
	srecs, err := records.NewConsultations(records.Config{Roots: ca.Roots()}, cons, fx.Store, fx.Engine, nil)
	if err != nil {
		t.Fatal(err)
	}
	sapi := httpapi.NewConsultations(fx.Access, fx.Service, acc, reg, cons, fx.Engine, 1<<20, nil)
	sapi.Register(mux)
	httpapi.NewConsultationRecords(sapi, srecs).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	sec := office.Actor{Secretary: true, Staff: true, Account: "huong"}
	k, err := svc.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "Kết luận về dự toán ngân sách năm 2027",
		Text: "Ban Thường vụ thống nhất thông qua dự toán."})
	if err != nil {
		t.Fatal(err)
	}
	rc, out, errOut := daisIn(t, map[string]string{"DAIS_SERVER": srv.URL}, adminPW+"\n", "login", "-code", account.TOTPCode(key, time.Now()), "huong")
	if rc != exitOK {
		t.Fatalf("login: exit %d: %s", rc, errOut)
	}
	admin := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_ACCOUNT_TOKEN": strings.TrimSpace(out)}
	dir := t.TempDir()
	keyFile, certFile := signtest.WritePEM(t, dir, "van-phong", ca.NewSigner(t, "Lê Thu Trang", "Văn phòng Tỉnh ủy Hòa Bình", true))
	rootFile := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(rootFile, ca.RootPEM(), 0o644); err != nil {
		t.Fatal(err)
	}

	if rc, _, errOut := dais(t, admin, "sign", "-conclusion", k.ID, "-cert-file", certFile, "-key-file", keyFile); rc != exitError || !strings.Contains(errOut, "not approved") {
		t.Fatalf("signing a draft: exit %d, %q", rc, errOut)
	}
	if rc, _, errOut := dais(t, map[string]string{"DAIS_SERVER": srv.URL}, "sign", "-conclusion", k.ID, "-cert-file", certFile, "-key-file", keyFile); rc != exitUsage || !strings.Contains(errOut, "DAIS_ACCOUNT_TOKEN") {
		t.Fatalf("without an account: exit %d, %q", rc, errOut)
	}
	if _, err := svc.Approve(ctx, k.ID, office.Actor{Person: "chu"}); err != nil {
		t.Fatal(err)
	}
	rc, out, errOut = dais(t, admin, "sign", "-conclusion", k.ID, "-cert-file", certFile, "-key-file", keyFile, "-reason", "Văn phòng ký kết luận")
	if rc != exitOK || !strings.Contains(out, "conclusion/vi signed by Lê Thu Trang; the record now has 1 signature(s)") {
		t.Fatalf("dais sign -conclusion: exit %d, %q, %q", rc, out, errOut)
	}
	c, err := svc.Get(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Records["conclusion/vi"]
	if r == nil || len(r.Signatures) != 1 || r.Signatures[0].Participant != "account:huong" || r.Signatures[0].Where != "token" {
		t.Fatalf("the conclusion's record: %+v", r)
	}
	pdfBytes, _, err := recs.Current(ctx, sec, k.ID, "conclusion/vi")
	if err != nil {
		t.Fatal(err)
	}
	signed := filepath.Join(dir, "ket-luan.pdf")
	if err := os.WriteFile(signed, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if rc, out, _ := dais(t, nil, "verify-pdf", "-roots", rootFile, signed); rc != exitOK || !strings.Contains(out, "Lê Thu Trang") {
		t.Fatalf("verify-pdf of the signed conclusion: exit %d\n%s", rc, out)
	}

	// A consultation's summary: refused while open, signed once closed.
	lyk, err := cons.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về Đề án chuyển đổi số", Deadline: time.Now().Add(48 * time.Hour),
		Questions: []office.Question{{ID: "q1", Text: "Đồng ý thông qua Đề án?"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cons.Execute(ctx, lyk.ID, office.Actor{Person: "chu"}, office.Approve{}); err != nil {
		t.Fatal(err)
	}
	if rc, _, errOut := dais(t, admin, "sign", "-consultation", lyk.ID, "-cert-file", certFile, "-key-file", keyFile); rc != exitError || !strings.Contains(errOut, "not closed") {
		t.Fatalf("signing an open consultation's summary: exit %d, %q", rc, errOut)
	}
	if rc, _, errOut := dais(t, admin, "sign", "-consultation", lyk.ID, "-conclusion", k.ID, "-cert-file", certFile, "-key-file", keyFile); rc != exitUsage || !strings.Contains(errOut, "not both") {
		t.Fatalf("both -consultation and -conclusion: exit %d, %q", rc, errOut)
	}
	if _, err := cons.Execute(ctx, lyk.ID, office.Actor{Person: "chu"}, office.Close{}); err != nil {
		t.Fatal(err)
	}
	rc, out, errOut = dais(t, admin, "sign", "-consultation", lyk.ID, "-cert-file", certFile, "-key-file", keyFile)
	if rc != exitOK || !strings.Contains(out, "summary/vi signed by Lê Thu Trang; the record now has 1 signature(s)") {
		t.Fatalf("dais sign -consultation: exit %d, %q, %q", rc, out, errOut)
	}
	got, _ := cons.Get(ctx, lyk.ID)
	if r := got.Records["summary/vi"]; r == nil || len(r.Signatures) != 1 || r.Signatures[0].Participant != "account:huong" || r.Signatures[0].Where != "token" {
		t.Fatalf("the summary's record: %+v", r)
	}
}
