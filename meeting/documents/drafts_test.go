package documents_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// TestDraftForComment: a document opened for comments privately to the
// drafting team; d1 comments on a page and on a quoted text, d2 on a
// region; d2 (not on the team) sees only their own, the team sees all,
// grouped by page; version 2 (one sentence changed) is added, the old
// comments stay on version 1 and the comparison marks the sentence; the
// table of comments comes out as PDF (its Vietnamese read back by
// pdftotext) and CSV; after the close nobody comments.
func TestDraftForComment(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	gen := func(body string) []byte {
		var buf bytes.Buffer
		if err := fx.Engine.Generate(ctx, &buf, "Dự thảo Nghị quyết chuyển đổi số", 3, []string{body}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	v1, err := fx.Docs.Upload(ctx, fx.Session(sec), bytes.NewReader(gen("Năm 2027 hoàn thành kết nối mạng cho 90% xã.")), "Dự thảo Nghị quyết (lần 1)", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx.Execute(t, sec, meeting.OpenDraft{Document: v1.ID, Deadline: time.Now().Add(48 * time.Hour), Visibility: meeting.DraftPrivate})
	fx.Execute(t, d1, meeting.CommentDraft{ID: "y1", Document: v1.ID, Page: 2, Text: "Đề nghị làm rõ lộ trình."})
	fx.Execute(t, d1, meeting.CommentDraft{ID: "y2", Document: v1.ID, Page: 2, Rect: &[4]float64{0.1, 0.1, 0.5, 0.13},
		Quote: "90% xã", Text: "Nên nâng lên 100% xã, phường."})
	fx.Execute(t, d2, meeting.CommentDraft{ID: "y3", Document: v1.ID, Page: 3, Rect: &[4]float64{0.2, 0.5, 0.8, 0.6}, Text: "Bổ sung kinh phí thực hiện."})

	mine, err := fx.Docs.Comments(ctx, fx.Session(d2), v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mine.Team || !mine.Open || len(mine.Pages) != 1 || mine.Pages[0].Comments[0].ID != "y3" || mine.Pages[0].Comments[0].Kind != "region" {
		t.Fatalf("d2 sees %+v", mine)
	}
	all, err := fx.Docs.Comments(ctx, fx.Session(chair), v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !all.Team || len(all.Pages) != 2 || all.Pages[0].Page != 2 || len(all.Pages[0].Comments) != 2 || all.Pages[1].Page != 3 {
		t.Fatalf("the chair sees %+v", all.Pages)
	}
	if c := all.Pages[0].Comments[0]; c.AuthorName != "Nguyễn Thị Hương" || c.Kind != "page" {
		t.Fatalf("first comment %+v", c)
	}

	// Version 2: one sentence changed.
	v2, err := fx.Docs.Upload(ctx, fx.Session(sec), bytes.NewReader(gen("Năm 2027 hoàn thành kết nối mạng cho 100% xã, phường.")), "Dự thảo Nghị quyết (lần 2)", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx.Execute(t, sec, meeting.AddDraftVersion{Draft: v1.ID, Document: v2.ID})
	if _, err := fx.Service.Execute(ctx, documentstest.MeetingID, meeting.Actor{Participant: d1},
		meeting.CommentDraft{ID: "y4", Document: v1.ID, Page: 1, Text: "Trên bản cũ"}); !isCode(err, meeting.Conflict) {
		t.Fatalf("a comment on version 1 after version 2: %v", err)
	}
	fx.Execute(t, d1, meeting.CommentDraft{ID: "y4", Document: v2.ID, Page: 2, Text: "Đã tiếp thu, đồng ý."})
	all, err = fx.Docs.Comments(ctx, fx.Session(sec), v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Versions) != 2 || all.Versions[1].Document != v2.ID || len(all.Pages) != 3 || all.Pages[2].Version != 2 || all.Pages[0].Version != 1 {
		t.Fatalf("versions %+v pages %+v", all.Versions, all.Pages)
	}
	// The old version stays readable.
	f, err := fx.Docs.Open(ctx, fx.Session(d2), v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	cmp, err := fx.Docs.Compare(ctx, fx.Session(d2), v1.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if cmp.FromVersion != 1 || cmp.ToVersion != 2 || len(cmp.Pages) != 3 || cmp.Pages[0].Status != "same" || cmp.Pages[1].Status != "changed" {
		t.Fatalf("comparison %+v", cmp)
	}
	var ins, rem []string
	for _, c := range cmp.Pages[1].Changes {
		switch c.Op {
		case "+":
			ins = append(ins, c.Text)
		case "-":
			rem = append(rem, c.Text)
		}
	}
	if len(ins) == 0 || ins[0] != "100% xã, phường." || rem[0] != "90% xã." {
		t.Fatalf("inserted %q, removed %q", ins, rem)
	}
	if _, err := fx.Docs.Compare(ctx, fx.Session(d2), v1.ID, v1.ID, v1.ID); !isCode(err, meeting.Invalid) {
		t.Fatalf("comparing a version with itself: %v", err)
	}

	// The table of comments: the drafting team only.
	var buf bytes.Buffer
	if err := fx.Docs.CommentsPDF(ctx, fx.Session(d2), v1.ID, &buf, "vi"); !isCode(err, meeting.Forbidden) {
		t.Fatalf("d2's table: %v", err)
	}
	if err := fx.Docs.CommentsPDF(ctx, fx.Session(sec), v1.ID, &buf, "vi"); err != nil {
		t.Fatal(err)
	}
	text := documentstest.PDFText(t, buf.Bytes())
	for _, w := range []string{"BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO", "Dự thảo Nghị quyết (lần 2)", "Số phiên bản: 2; Số ý kiến: 4",
		"Đề nghị làm rõ lộ trình.", "Nguyễn Thị Hương", "Bổ sung kinh phí thực hiện."} {
		if !strings.Contains(text, w) {
			t.Errorf("the table lacks %q:\n%s", w, text)
		}
	}
	buf.Reset()
	if err := fx.Docs.CommentsCSV(ctx, fx.Session(chair), v1.ID, &buf); err != nil {
		t.Fatal(err)
	}
	if csv := buf.String(); !strings.HasPrefix(csv, "\uFEFF") || strings.Count(csv, "\n") != 5 || !strings.Contains(csv, "Nên nâng lên 100% xã, phường.") {
		t.Fatalf("csv:\n%s", csv)
	}

	// Closed: nobody comments, the comments stay.
	fx.Execute(t, sec, meeting.CloseDraft{Draft: v1.ID})
	if _, err := fx.Service.Execute(ctx, documentstest.MeetingID, meeting.Actor{Participant: d1},
		meeting.CommentDraft{ID: "y5", Document: v2.ID, Page: 1, Text: "Muộn"}); !isCode(err, meeting.Conflict) {
		t.Fatalf("a comment after the close: %v", err)
	}
	if c, err := fx.Docs.Comments(ctx, fx.Session(d1), v1.ID); err != nil || c.Open || len(c.Pages) != 2 {
		t.Fatalf("after the close d1 sees %+v, %v", c, err)
	}
	if _, err := fx.Docs.Comments(ctx, fx.Session(d1), "nope"); !isCode(err, meeting.NotFound) {
		t.Fatalf("no draft: %v", err)
	}
}

func isCode(err error, c meeting.Code) bool {
	me, ok := err.(*meeting.Error)
	return ok && me.Code == c && me.Message != "" && me.MessageVI != ""
}
