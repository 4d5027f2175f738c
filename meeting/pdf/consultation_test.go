package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

// closedConsultation is a consultation of 5 members: 3 agree, 1 asks for
// more (Ý kiến khác), 1 does not answer; closed at the deadline.
func closedConsultation(tb testing.TB, close bool) *office.Consultation {
	tb.Helper()
	t0 := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	names := []string{"Trần Văn Bình", "Lê Thị Phương", "Đặng Quốc Việt", "Ngô Thị Hằng", "Vũ Đức Thắng"}
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy"}
	var people []office.Person
	for i, n := range names {
		id := fmt.Sprintf("m%d", i+1)
		com.Members = append(com.Members, office.Member{Person: id, Chair: i == 0})
		people = append(people, office.Person{ID: id, Name: n})
	}
	c := &office.Consultation{}
	do := func(a office.Actor, cmd office.Command, at time.Time) {
		tb.Helper()
		evs, err := office.Decide(c, a, cmd, at)
		if err != nil {
			tb.Fatalf("%s: %v", cmd.CommandName(), err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				tb.Fatal(err)
			}
		}
	}
	do(office.Actor{Secretary: true}, office.Draft{ID: "ct1", Committee: com, People: people, Title: "Đề án chuyển đổi số năm 2027",
		Questions: []office.Question{{Text: "Đồng chí có đồng ý thông qua Đề án?"}, {ID: "gopy", Kind: office.QuestionFree, Text: "Góp ý thêm"}},
		Deadline:  t0.Add(48 * time.Hour)}, t0)
	do(office.Actor{Person: "m1"}, office.Approve{}, t0)
	for i, choice := range []string{"Đồng ý", "Đồng ý", "Đồng ý", "Ý kiến khác"} {
		a := []office.Answer{{Question: "q1", Choice: choice}, {Question: "gopy", Text: "Không có ý kiến thêm."}}
		if choice == office.OtherChoice {
			a[0].Text = "Đề nghị bổ sung kinh phí cho vùng sâu, vùng xa."
			a[1].Text = "Cần lộ trình rõ ràng."
		}
		do(office.Actor{Person: fmt.Sprintf("m%d", i+1)}, office.Give{Answers: a}, t0.Add(time.Hour))
	}
	if close {
		do(office.Actor{System: true}, office.Close{}, t0.Add(48*time.Hour))
	}
	return c
}

// TestConsultationSummary: the summary's Vietnamese words come out of the
// PDF exactly (pdftotext), with the counts against all members, the
// verdict, who did not answer, and the written opinions; English too; an
// open consultation's is marked interim.
func TestConsultationSummary(t *testing.T) {
	e := mustEngine(t, Config{FontDir: t.TempDir()})
	made := time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)
	c := closedConsultation(t, true)
	var buf bytes.Buffer
	if err := e.ConsultationSummary(context.Background(), &buf, c, SummaryOptions{Made: made, ChainSeq: 8, ChainHash: strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	wantText(t, text, "Chuỗi kiểm chứng của đợt lấy ý kiến: sự kiện cuối số 8", strings.Repeat("ab", 32))
	wantText(t, text, "BÁO CÁO TỔNG HỢP Ý KIẾN", "Đề án chuyển đổi số năm 2027", "Ban Thường vụ Tỉnh ủy",
		"Lấy ý kiến bằng văn bản", "Hạn trả lời: 08:00 ngày 05/12/2026", "khi hết hạn",
		"Số thành viên được lấy ý kiến: 5; Số thành viên đã trả lời: 4", "Không trả lời: Vũ Đức Thắng",
		"quá một nửa tổng số thành viên", "Câu 1. Đồng chí có đồng ý thông qua Đề án?",
		"Đồng ý", "Không đồng ý", "Ý kiến khác", "60.0 %", "Kết quả: THÔNG QUA (3/5 đồng ý; cần ít nhất 3)",
		"Ngô Thị Hằng: Đề nghị bổ sung kinh phí cho vùng sâu, vùng xa.", "Câu 2. Góp ý thêm", "Ngô Thị Hằng: Cần lộ trình rõ ràng.")
	buf.Reset()
	if err := e.ConsultationSummary(context.Background(), &buf, c, SummaryOptions{Lang: "en", Made: made}); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, buf.Bytes()), "SUMMARY OF WRITTEN OPINIONS", "Result: PASSED (3/5 agree; at least 3 needed)", "Did not answer: Vũ Đức Thắng")
	buf.Reset()
	if err := e.ConsultationSummary(context.Background(), &buf, closedConsultation(t, false), SummaryOptions{Made: made}); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, buf.Bytes()), "Số liệu tạm tính")
	wantCode(t, e.ConsultationSummary(context.Background(), &buf, c, SummaryOptions{Lang: "fr", Made: made}), meeting.Invalid)
	wantCode(t, e.ConsultationSummary(context.Background(), &buf, &office.Consultation{}, SummaryOptions{Made: made}), meeting.Invalid)
}
