package documents_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// wantReason fails unless err is a refusal with code and reason.
func wantReason(tb testing.TB, err error, code meeting.Code, reason string) {
	tb.Helper()
	if me := wantCode(tb, err, code); me.Reason != reason {
		tb.Fatalf("refused %s with reason %q, want %q: %v", me.Code, me.Reason, reason, me)
	}
}

// pages splits pdftotext's output into its pages.
func pages(text string) []string {
	p := strings.Split(text, "\f")
	if len(p) > 0 && strings.TrimSpace(p[len(p)-1]) == "" {
		p = p[:len(p)-1]
	}
	return p
}

// TestSecretCopies (issue 12): a Tối mật and a Mật document; the level is
// on every page of every copy, the rules decide what a delegate gets, the
// register records each copy once per device, the take-back stops the
// copies to delegates, and the register's PDF and the minutes say it all.
func TestSecretCopies(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	up := func(title string, level meeting.SecrecyLevel) meeting.Document {
		doc, err := fx.Docs.UploadSecret(ctx, fx.Session(sec), bytes.NewReader(fx.Generate(t, title, 3)), title, level, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		fx.Execute(t, sec, meeting.AttachDocument{Item: "i2", Document: doc.ID})
		return doc
	}
	toiMat := up("Đề án nhân sự khóa mới", meeting.ToiMat)
	mat := up("Báo cáo công tác quốc phòng", meeting.Mat)
	if toiMat.Level != meeting.ToiMat || fx.State(t).Documents[toiMat.ID].Secrecy() != meeting.ToiMat {
		t.Fatalf("uploaded %+v", toiMat)
	}
	view := documents.Request{Device: "tab-d1", Kind: meeting.CopyView}

	// The viewer's copy: the level and the reader on every page.
	f, err := fx.Docs.Open(ctx, fx.Session(d1), toiMat.ID, view)
	if err != nil {
		t.Fatal(err)
	}
	ps := pages(documentstest.PDFText(t, readAll(t, f)))
	if len(ps) != 3 {
		t.Fatalf("%d pages", len(ps))
	}
	for i, p := range ps {
		documentstest.WantText(t, strings.Join(strings.Fields(p), " "), "TÀI LIỆU TỐI MẬT", "Nguyễn Thị Hương")
		if t.Failed() {
			t.Fatalf("page %d", i+1)
		}
	}
	// Again (a range request, a reload): no second register entry.
	f, err = fx.Docs.Open(ctx, fx.Session(d1), toiMat.ID, view)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	// What Tối mật refuses a delegate, by default.
	_, err = fx.Docs.Open(ctx, fx.Session(d1), toiMat.ID, documents.Request{Device: "tab-d1", Kind: meeting.CopyDownload})
	wantReason(t, err, meeting.Forbidden, meeting.ReasonNoDownload)
	_, err = fx.Docs.Open(ctx, fx.Session(d1), toiMat.ID, documents.Request{Device: "tab-d1", Kind: meeting.CopyOffline})
	wantReason(t, err, meeting.Forbidden, meeting.ReasonNoOffline)
	fx.Execute(t, d1, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: toiMat.ID, Page: 1, Kind: meeting.AnnotationNote,
		Color: "#FFCC00", Rect: [4]float64{0.1, 0.1, 0.2, 0.2}, Text: "Ghi chú"}})
	_, err = fx.Docs.Annotated(ctx, fx.Session(d1), toiMat.ID, view)
	wantReason(t, err, meeting.Forbidden, meeting.ReasonNoDownload)
	// The chair may download it; Mật may be kept offline.
	f, err = fx.Docs.Open(ctx, fx.Session(chair), toiMat.ID, documents.Request{Device: "console", Kind: meeting.CopyDownload})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, err = fx.Docs.Open(ctx, fx.Session(d1), mat.ID, documents.Request{Device: "tab-d1", Kind: meeting.CopyOffline})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	// The packet: the Mật document stamped on every page, the Tối mật
	// one left out for a delegate.
	pk, err := fx.Docs.Packet(ctx, fx.Session(d1), documents.Request{Device: "tab-d1"})
	if err != nil {
		t.Fatal(err)
	}
	text := documentstest.PDFText(t, readAll(t, pk))
	for i, p := range pages(text) {
		if !strings.Contains(strings.Join(strings.Fields(p), " "), "TÀI LIỆU MẬT") {
			t.Fatalf("packet page %d lacks the level:\n%s", i+1, p)
		}
	}
	if strings.Contains(text, "Đề án nhân sự") || !strings.Contains(text, "Báo cáo công tác quốc phòng") {
		t.Fatalf("the packet holds the Tối mật document, or not the Mật one:\n%s", text)
	}

	st := fx.State(t)
	if len(st.Copies) != 3 {
		t.Fatalf("register: %d copies, want 3 (d1's view, the chair's download, d1's offline copy)", len(st.Copies))
	}

	// The take-back: no more copies to delegates; the chair still.
	fx.Execute(t, sec, meeting.TakeBackDocument{Document: mat.ID})
	_, err = fx.Docs.Open(ctx, fx.Session(d1), mat.ID, documents.Request{Device: "tab-d1", Kind: meeting.CopyView})
	wantReason(t, err, meeting.Conflict, meeting.ReasonTakenBack)
	_, err = fx.Docs.Open(ctx, fx.Session(d2), mat.ID, documents.Request{Device: "tab-d2", Kind: meeting.CopyView})
	wantReason(t, err, meeting.Conflict, meeting.ReasonTakenBack)
	if f, err = fx.Docs.Open(ctx, fx.Session(chair), mat.ID, documents.Request{Device: "console"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Only the chair and the secretaries read the register.
	if _, err := fx.Docs.Register(ctx, fx.Session(d1)); err == nil {
		t.Fatal("a delegate read the register")
	}
	reg, err := fx.Docs.Register(ctx, fx.Session(sec))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range reg.Outstanding {
		if o.Participant == d1 && o.Device == "tab-d1" && o.TakenBack && o.Copies == 2 {
			found = true
		}
	}
	if !found || len(reg.Copies) != 4 {
		t.Fatalf("outstanding %+v, %d copies", reg.Outstanding, len(reg.Copies))
	}

	// The register's PDF, in Vietnamese and in English.
	var vi, en bytes.Buffer
	if err := fx.Docs.RegisterPDF(ctx, fx.Session(chair), &vi, "vi"); err != nil {
		t.Fatal(err)
	}
	// -raw: the text in the order it is drawn, cell by cell. pdftotext's
	// reading order interleaves the cells of a row whose cell wraps (the
	// watermark's column wraps or not by the width of the document's hash
	// prefix): "…: TÀI mới [Tối mật] LIỆU TỐI MẬT — …", 1 run in 6.
	viText := strings.Join(strings.Fields(documentstest.PDFText(t, vi.Bytes(), "-raw")), " ")
	documentstest.WantText(t, viText, "SỔ THEO DÕI TÀI LIỆU MẬT", "I. TÀI LIỆU MẬT", "II. BẢN SAO ĐÃ PHÁT",
		"III. XÁC NHẬN ĐÃ XÓA BẢN SAO", "IV. BẢN SAO CHƯA XÓA", "Nguyễn Thị Hương", "Lê Trường Lưu", "tab-d1", "console",
		"Đề án nhân sự khóa mới", "Báo cáo công tác quốc phòng", "Tối mật", "theo lệnh thu hồi",
		"TÀI LIỆU TỐI MẬT — Đại biểu Nguyễn Thị Hương", toiMat.SHA256[:12], "Sổ theo dõi tài liệu mật")
	if err := fx.Docs.RegisterPDF(ctx, fx.Session(sec), &en, "en"); err != nil {
		t.Fatal(err)
	}
	documentstest.WantText(t, strings.Join(strings.Fields(documentstest.PDFText(t, en.Bytes())), " "),
		"REGISTER OF SECRET DOCUMENTS", "COPIES SERVED", "Secret", "Confidential", "by order")
	if err := fx.Docs.RegisterPDF(ctx, fx.Session(sec), &en, "fr"); err == nil {
		t.Fatal("an unknown language was accepted")
	}

	// The minutes print each document's level and its take-back.
	var minutes bytes.Buffer
	if err := fx.Docs.Minutes(ctx, fx.Session(sec), &minutes, "vi"); err != nil {
		t.Fatal(err)
	}
	documentstest.WantText(t, strings.Join(strings.Fields(documentstest.PDFText(t, minutes.Bytes())), " "),
		"[TỐI MẬT] Đề án nhân sự khóa mới", "[MẬT] Báo cáo công tác quốc phòng", "đã thu hồi lúc")
}

// TestTuyetMatWhilePresented: a Tuyệt mật document reaches a delegate who
// is not its reader only while the chair presents it.
func TestTuyetMatWhilePresented(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	doc, err := fx.Docs.UploadSecret(ctx, fx.Session(sec), bytes.NewReader(fx.Generate(t, "Kế hoạch tác chiến", 2)), "Kế hoạch tác chiến", meeting.TuyetMat, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	view := documents.Request{Device: "tab-d2", Kind: meeting.CopyView}
	_, err = fx.Docs.Open(ctx, fx.Session(d2), doc.ID, view)
	wantReason(t, err, meeting.Forbidden, meeting.ReasonNotPresented)
	fx.Execute(t, chair, meeting.OpenSession{})
	fx.Execute(t, chair, meeting.ShowDocument{Document: doc.ID, Page: 1})
	f, err := fx.Docs.Open(ctx, fx.Session(d2), doc.ID, view)
	if err != nil {
		t.Fatalf("presented: %v", err)
	}
	for i, p := range pages(documentstest.PDFText(t, readAll(t, f))) {
		if !strings.Contains(strings.Join(strings.Fields(p), " "), "TÀI LIỆU TUYỆT MẬT") {
			t.Fatalf("page %d lacks the level", i+1)
		}
	}
	_, err = fx.Docs.Open(ctx, fx.Session(d2), doc.ID, documents.Request{Device: "tab-d2", Kind: meeting.CopyOffline})
	wantReason(t, err, meeting.Forbidden, meeting.ReasonNoOffline)
}
