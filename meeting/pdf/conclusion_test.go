package pdf

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

func publishedConclusion() *office.Conclusion {
	at := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	return &office.Conclusion{ID: "kl-1", Kind: office.KindConclusion, Committee: "btv", CommitteeName: "Ban Thường vụ Tỉnh ủy", Chair: "m1",
		Meeting: "m", MeetingTitle: "Hội nghị Ban Thường vụ tháng 12", AgendaItem: "a2", AgendaTitle: "Dự toán ngân sách năm 2027",
		Title: "Kết luận về dự toán ngân sách năm 2027", Text: "Ban Thường vụ thống nhất thông qua dự toán.\nGiao các cơ quan triển khai.",
		Status: office.StatusPublished, Series: "KL/TU", Year: 2026, Number: 15, Numbered: "15-KL/TU", Approved: at, Published: at, Version: 4,
		Tasks: []office.Task{
			{ID: "t1", Title: "Hoàn thiện dự toán trình HĐND", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "m3", Name: "Đặng Quốc Việt"}, Deadline: at.Add(48 * time.Hour), Percent: 100, Done: at.Add(24 * time.Hour)},
			{ID: "t2", Title: "Tuyên truyền kết quả", Assignee: office.Assignee{Kind: office.AssignUnit, Name: "Ban Tuyên giáo"}, Deadline: at.Add(72 * time.Hour), Percent: 20},
		}}
}

// TestConclusionPDF: the conclusion's number, heading, body and tasks, in
// both languages, DejaVu with full diacritics (read back by pdftotext).
func TestConclusionPDF(t *testing.T) {
	e := mustEngine(t, Config{FontDir: t.TempDir()})
	c := publishedConclusion()
	var buf bytes.Buffer
	if err := e.Conclusion(context.Background(), &buf, c, "vi", nil); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-raw")), " ")
	wantText(t, text, "BAN THƯỜNG VỤ TỈNH ỦY", "Số 15-KL/TU", "KẾT LUẬN", "Kết luận về dự toán ngân sách năm 2027",
		"Cuộc họp: Hội nghị Ban Thường vụ tháng 12", "Nội dung: Dự toán ngân sách năm 2027", "Giao các cơ quan triển khai.",
		"Nhiệm vụ được giao", "Hoàn thiện dự toán trình HĐND", "Ban Tuyên giáo", "06/12/2026", "Kết luận số 15-KL/TU — Trang 1/1")
	buf.Reset()
	c.Kind, c.Numbered, c.Status = office.KindResolution, "", office.StatusDraft
	if err := e.Conclusion(context.Background(), &buf, c, "en", nil); err != nil {
		t.Fatal(err)
	}
	wantText(t, strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-raw")), " "), "RESOLUTION", "(Draft — not approved)", "Tasks assigned")
	wantCode(t, e.Conclusion(context.Background(), &buf, c, "fr", nil), meeting.Invalid)
	wantCode(t, e.Conclusion(context.Background(), &buf, &office.Conclusion{}, "vi", nil), meeting.Invalid)
}

// TestFollowUpReport: the counts per committee and each task's status,
// late ones first.
func TestFollowUpReport(t *testing.T) {
	e := mustEngine(t, Config{FontDir: t.TempDir()})
	now := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	dash := office.Dashboard([]*office.Conclusion{publishedConclusion()}, now)
	var buf bytes.Buffer
	if err := e.FollowUpReport(context.Background(), &buf, dash, "vi", nil, now); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-raw")), " ")
	wantText(t, text, "BÁO CÁO THEO DÕI THỰC HIỆN NHIỆM VỤ", "Số liệu đến 10:00 ngày 06/12/2026", "Ban Thường vụ Tỉnh ủy",
		"Tổng số: 2 — Đang thực hiện: 0 — Quá hạn: 1 — Hoàn thành: 1", "Tuyên truyền kết quả", "Quá hạn", "Hoàn thành", "Kết luận số 15-KL/TU")
	if i, j := strings.Index(text, "Tuyên truyền kết quả"), strings.Index(text, "Hoàn thiện dự toán"); i < 0 || j < i {
		t.Fatalf("the late task is not listed first:\n%s", text)
	}

	// An imported conclusion's tasks: listed apart, in no count.
	old := publishedConclusion()
	old.ID, old.Number, old.Numbered, old.Year = "kl-cu", 3, "03-KL/TU", 2019
	old.Tasks[1].Title = "Rà soát quy hoạch cũ"
	old.Archived = &meeting.ArchiveMark{Archive: strings.Repeat("ab", 32), Events: 4}
	buf.Reset()
	if err := e.FollowUpReport(context.Background(), &buf, office.Dashboard([]*office.Conclusion{publishedConclusion(), old}, now), "vi", nil, now); err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-raw")), " ")
	wantText(t, text, "Tổng số: 2 — Đang thực hiện: 0 — Quá hạn: 1 — Hoàn thành: 1",
		"Nhiệm vụ của kết luận khôi phục từ bản lưu trữ (chỉ để xem, không tính vào số liệu trên): 2", "Rà soát quy hoạch cũ", "Kết luận số 03-KL/TU")
	if i, j := strings.Index(text, "khôi phục từ bản lưu trữ"), strings.Index(text, "Rà soát quy hoạch cũ"); i < 0 || j < i {
		t.Fatalf("the imported task is not listed apart, after the counted ones:\n%s", text)
	}
	buf.Reset()
	if err := e.FollowUpReport(context.Background(), &buf, nil, "en", nil, now); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, buf.Bytes()), "TASK FOLLOW-UP REPORT", "No task has been assigned yet.")
}

// TestMinutesListConclusions: the minutes list, under their agenda item,
// the conclusions given with their tasks.
func TestMinutesListConclusions(t *testing.T) {
	e := mustEngine(t, Config{})
	s := testState(0)
	var out bytes.Buffer
	item := s.Agenda[0]
	err := e.MinutesWith(context.Background(), &out, s, "vi", []MinutesConclusion{{AgendaItem: item.ID, Heading: "Kết luận số 15-KL/TU",
		Title: "Kết luận về dự toán", Tasks: []string{"Hoàn thiện dự toán — Sở Tài chính, hạn 05/12/2026"}}})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
	wantText(t, text, item.Title, "Kết luận số 15-KL/TU: Kết luận về dự toán", "Hoàn thiện dự toán — Sở Tài chính, hạn 05/12/2026")
}
