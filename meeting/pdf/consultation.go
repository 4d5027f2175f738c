package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

const opConsultation = "consultation summary"

// consultLabels are the words of a consultation's summary in one language.
type consultLabels struct {
	heading, interim, committee, form, formText, sent, deadline, closed string
	byDeadline, byChair, asked, answered, notAnswered, rule             string
	rules                                                               map[string]string
	question, choice, count, share, free, opinions, noOpinion           string
	passed, failed, resultLine, documents, pages, footer, made, none    string
	layout, chain                                                       string
}

var consultVI = consultLabels{
	heading: "BÁO CÁO TỔNG HỢP Ý KIẾN", interim: "(Số liệu tạm tính — đang lấy ý kiến)",
	committee: "Cơ quan lấy ý kiến", form: "Hình thức", formText: "Lấy ý kiến bằng văn bản",
	sent: "Ngày gửi phiếu", deadline: "Hạn trả lời", closed: "Kết thúc",
	byDeadline: "khi hết hạn", byChair: "do người chủ trì kết thúc",
	asked: "Số thành viên được lấy ý kiến", answered: "Số thành viên đã trả lời", notAnswered: "Không trả lời",
	rule: "Nguyên tắc", rules: map[string]string{
		"":                        "thông qua khi quá một nửa tổng số thành viên đồng ý",
		office.MajorityAllMembers: "thông qua khi quá một nửa tổng số thành viên đồng ý",
		office.MajorityAnswered:   "thông qua khi quá một nửa số thành viên trả lời đồng ý",
		office.MajorityTwoThirds:  "thông qua khi ít nhất hai phần ba tổng số thành viên đồng ý"},
	question: "Câu %d. %s", choice: "Phương án", count: "Số ý kiến", share: "Tỷ lệ trên tổng số thành viên",
	free: "Câu hỏi lấy ý kiến tự do (không biểu quyết).", opinions: "Ý kiến bằng văn bản:", noOpinion: "Không có ý kiến bằng văn bản.",
	passed: "Kết quả: THÔNG QUA", failed: "Kết quả: KHÔNG THÔNG QUA", resultLine: " (%d/%d đồng ý; cần ít nhất %d)",
	documents: "Tài liệu kèm theo", pages: "%d trang",
	footer: "Báo cáo tổng hợp ý kiến — %s — Trang %d/%d", made: "Lập lúc %s.", none: "không có",
	layout: "15:04 ngày 02/01/2006",
	chain:  "Chuỗi kiểm chứng của đợt lấy ý kiến: sự kiện cuối số %d, mã băm SHA-256:",
}

var consultEN = consultLabels{
	heading: "SUMMARY OF WRITTEN OPINIONS", interim: "(Interim figures — the consultation is open)",
	committee: "Consulting body", form: "Form", formText: "Written consultation",
	sent: "Sent", deadline: "Deadline", closed: "Closed",
	byDeadline: "at the deadline", byChair: "by the chair",
	asked: "Members consulted", answered: "Members who answered", notAnswered: "Did not answer",
	rule: "Rule", rules: map[string]string{
		"":                        "passes when more than half of all members agree",
		office.MajorityAllMembers: "passes when more than half of all members agree",
		office.MajorityAnswered:   "passes when more than half of those who answered agree",
		office.MajorityTwoThirds:  "passes when at least two thirds of all members agree"},
	question: "Question %d. %s", choice: "Choice", count: "Answers", share: "Share of all members",
	free: "A free question (nothing is voted).", opinions: "Written opinions:", noOpinion: "No written opinion.",
	passed: "Result: PASSED", failed: "Result: NOT PASSED", resultLine: " (%d/%d agree; at least %d needed)",
	documents: "Documents", pages: "%d pages",
	footer: "Summary of written opinions — %s — Page %d/%d", made: "Made at %s.", none: "none",
	layout: "15:04, 2 January 2006",
	chain:  "The consultation's audit chain: last event %d, SHA-256 hash:",
}

// SummaryOptions are what a consultation's summary prints besides the
// consultation.
type SummaryOptions struct {
	// Lang is "vi" (the default) or "en".
	Lang string
	// Loc is where times are read (nil: UTC+7, Vietnam).
	Loc *time.Location
	// Made is when the summary is made.
	Made time.Time
	// ChainSeq and ChainHash are the consultation log's last event and
	// its audit chain link (hex) when the summary was made; "": not printed.
	ChainSeq  uint64
	ChainHash string
}

// ConsultationSummary writes the summary of a consultation (báo cáo tổng
// hợp ý kiến) to dst: the committee, the dates, how many members were
// asked and answered and who did not, the rule, then each question with its
// count per choice against all members, whether it passed, and the written
// opinions with their authors; at the end the log's audit chain link. An
// open consultation's summary is marked as interim.
func (e *Engine) ConsultationSummary(ctx context.Context, dst io.Writer, c *office.Consultation, o SummaryOptions) error {
	lang, loc, made := o.Lang, o.Loc, o.Made
	if c == nil || !c.Exists() {
		return meeting.Errorf(meeting.Invalid, "Không có đợt lấy ý kiến để tổng hợp.", "no consultation to sum up")
	}
	l := &consultVI
	switch lang {
	case "", "vi":
	case "en":
		l = &consultEN
	default:
		return meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
	}
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	var out bytes.Buffer
	err := e.do(ctx, opConsultation, opOutput, func() error {
		return writeConsultation(&out, c, l, loc, made, o)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write consultation summary: %w", err)
	}
	return nil
}

func writeConsultation(w io.Writer, c *office.Consultation, l *consultLabels, loc *time.Location, made time.Time, o SummaryOptions) error {
	cv, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(cv, func(n, total int) string { return fmt.Sprintf(l.footer, c.Title, n, total) })
	m := &minutesWriter{f: f}
	f.newPage()
	if err := f.centred(bold, 16, navy, l.heading); err != nil {
		return err
	}
	f.space(4)
	if err := f.centred(bold, 13, black, c.Title); err != nil {
		return err
	}
	res := c.Result
	if res == nil {
		s := office.Summarize(c)
		res = &s
		f.space(2)
		if err := f.centred(regular, 10, grey, l.interim); err != nil {
			return err
		}
	}
	f.rule()
	f.space(6)
	at := func(t time.Time) string { return t.In(loc).Format(l.layout) }
	m.para(regular, 11, 0, l.committee+": "+c.CommitteeName)
	m.para(regular, 11, 0, l.form+": "+l.formText)
	if !c.Approved.IsZero() {
		m.para(regular, 11, 0, l.sent+": "+at(c.Approved))
	}
	m.para(regular, 11, 0, l.deadline+": "+at(c.Deadline))
	if !c.Closed.IsZero() {
		by := l.byChair
		if c.ClosedBy == "deadline" {
			by = l.byDeadline
		}
		m.para(regular, 11, 0, l.closed+": "+at(c.Closed)+" ("+by+")")
	}
	m.para(regular, 11, 0, fmt.Sprintf("%s: %d; %s: %d", l.asked, res.Members, l.answered, res.Answered))
	names := make([]string, 0, len(res.NotAnswered))
	for _, p := range res.NotAnswered {
		mem, _ := c.Member(p)
		names = append(names, mem.Name)
	}
	if len(names) == 0 {
		names = []string{l.none}
	}
	m.para(regular, 11, 0, l.notAnswered+": "+strings.Join(names, ", "))
	m.para(regular, 11, 0, l.rule+": "+l.rules[c.Majority])
	if len(c.Documents) > 0 {
		var ds []string
		for _, d := range c.Documents {
			ds = append(ds, d.Title+" ("+fmt.Sprintf(l.pages, d.Pages)+")")
		}
		m.para(regular, 11, 0, l.documents+": "+strings.Join(ds, "; "))
	}
	for i, q := range c.Questions {
		var r office.QuestionResult
		for _, x := range res.Questions {
			if x.Question == q.ID {
				r = x
			}
		}
		m.heading(fmt.Sprintf(l.question, i+1, q.Text))
		if m.err != nil {
			return m.err
		}
		if q.Kind == office.QuestionFree {
			m.para(regular, 11, 0, l.free)
		} else {
			rows := make([]tableRow, 0, len(r.Counts))
			for _, cc := range r.Counts {
				share := "—"
				if res.Members > 0 {
					share = strconv.FormatFloat(100*float64(cc.Count)/float64(res.Members), 'f', 1, 64) + " %"
				}
				rows = append(rows, tableRow{cells: []string{cc.Choice, strconv.Itoa(cc.Count), share}})
			}
			if m.err == nil {
				m.err = f.table([]column{{0.5, left}, {0.2, right}, {0.3, right}}, 10, []string{l.choice, l.count, l.share}, rows)
			}
			f.space(4)
			if r.Passed != nil {
				agree := 0
				if len(r.Counts) > 0 {
					agree = r.Counts[0].Count
				}
				verdict := l.failed
				if *r.Passed {
					verdict = l.passed
				}
				m.para(bold, 11, 0, verdict+fmt.Sprintf(l.resultLine, agree, r.Base, r.Needed))
			}
		}
		f.space(4)
		if len(r.Opinions) == 0 {
			m.para(regular, 10, 0, l.noOpinion)
			continue
		}
		m.para(bold, 10, 0, l.opinions)
		for _, o := range r.Opinions {
			who := o.Name
			if o.Choice != "" && o.Choice != office.OtherChoice {
				who += " (" + o.Choice + ")"
			}
			for j, line := range strings.Split(o.Text, "\n") {
				if j == 0 {
					line = "– " + who + ": " + line
				}
				m.para(regular, 10, 12, line)
			}
		}
	}
	f.space(10)
	m.para(regular, 9, 0, fmt.Sprintf(l.made, made.In(loc).Format(l.layout)))
	if o.ChainHash != "" {
		f.space(6)
		m.para(regular, 8, 0, fmt.Sprintf(l.chain, o.ChainSeq))
		m.para(regular, 8, 0, o.ChainHash)
	}
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return cv.write(w)
}
