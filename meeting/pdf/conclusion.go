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

const (
	opConclusion = "conclusion"
	opFollowUp   = "follow-up report"
)

// followLabels are the words of a conclusion and of the follow-up report
// in one language.
type followLabels struct {
	kinds                                                         map[string]string
	draft, meeting, item, committee, approved, published, tasks   string
	task, assignee, deadline, progress, state, conclusion         string
	states                                                        map[string]string
	report, reportMade, open, late, done, total, none, noTasks    string
	imported                                                      string
	footerConclusion, footerReport, layout, dateLayout, made, sep string
}

var followVI = followLabels{
	kinds: map[string]string{office.KindConclusion: "KẾT LUẬN", office.KindResolution: "NGHỊ QUYẾT"},
	draft: "(Dự thảo — chưa được duyệt)", meeting: "Cuộc họp", item: "Nội dung", committee: "Cơ quan",
	approved: "Duyệt", published: "Ban hành", tasks: "Nhiệm vụ được giao",
	task: "Nhiệm vụ", assignee: "Người/đơn vị thực hiện", deadline: "Thời hạn", progress: "Tiến độ", state: "Tình trạng", conclusion: "Văn bản",
	states: map[string]string{office.TaskOpen: "Đang thực hiện", office.TaskLate: "Quá hạn", office.TaskDone: "Hoàn thành", office.TaskImported: "Chưa xong khi lưu trữ"},
	report: "BÁO CÁO THEO DÕI THỰC HIỆN NHIỆM VỤ", reportMade: "Số liệu đến %s.",
	imported: "Nhiệm vụ của kết luận khôi phục từ bản lưu trữ (chỉ để xem, không tính vào số liệu trên): %d",
	open:     "Đang thực hiện", late: "Quá hạn", done: "Hoàn thành", total: "Tổng số", none: "không có", noTasks: "Chưa có nhiệm vụ nào được giao.",
	footerConclusion: "%s — Trang %d/%d", footerReport: "Báo cáo theo dõi nhiệm vụ — Trang %d/%d",
	layout: "15:04 ngày 02/01/2006", dateLayout: "02/01/2006", made: "Lập lúc %s.", sep: "; ",
}

var followEN = followLabels{
	kinds: map[string]string{office.KindConclusion: "CONCLUSION", office.KindResolution: "RESOLUTION"},
	draft: "(Draft — not approved)", meeting: "Meeting", item: "Agenda item", committee: "Body",
	approved: "Approved", published: "Published", tasks: "Tasks assigned",
	task: "Task", assignee: "Assignee", deadline: "Deadline", progress: "Progress", state: "Status", conclusion: "Document",
	states: map[string]string{office.TaskOpen: "Open", office.TaskLate: "Overdue", office.TaskDone: "Done", office.TaskImported: "Not done when archived"},
	report: "TASK FOLLOW-UP REPORT", reportMade: "Figures as of %s.",
	imported: "Tasks of conclusions imported from an archive (read only, not counted above): %d",
	open:     "Open", late: "Overdue", done: "Done", total: "Total", none: "none", noTasks: "No task has been assigned yet.",
	footerConclusion: "%s — Page %d/%d", footerReport: "Task follow-up report — Page %d/%d",
	layout: "15:04, 2 January 2006", dateLayout: "2 Jan 2006", made: "Made at %s.", sep: "; ",
}

func followLang(lang string) (*followLabels, error) {
	switch lang {
	case "", "vi":
		return &followVI, nil
	case "en":
		return &followEN, nil
	}
	return nil, meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
}

// Conclusion writes a conclusion or resolution as PDF to dst in lang:
// "KẾT LUẬN" (or "NGHỊ QUYẾT") with its number, the committee, the
// meeting and agenda item, the title, the text and the table of its tasks
// (a draft is marked as such). Times in loc (nil: UTC+7). This is the
// file a signer signs (meeting/pdf/sign works on any PDF the engine
// writes).
func (e *Engine) Conclusion(ctx context.Context, dst io.Writer, c *office.Conclusion, lang string, loc *time.Location) error {
	if c == nil || !c.Exists() {
		return meeting.Errorf(meeting.Invalid, "Không có kết luận.", "no conclusion")
	}
	l, err := followLang(lang)
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	var out bytes.Buffer
	if err := e.do(ctx, opConclusion, opOutput, func() error { return writeConclusion(&out, c, l, loc) }); err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write conclusion: %w", err)
	}
	return nil
}

func writeConclusion(w io.Writer, c *office.Conclusion, l *followLabels, loc *time.Location) error {
	cv, err := newCanvas()
	if err != nil {
		return err
	}
	heading := c.Heading()
	f := newFlow(cv, func(n, total int) string { return fmt.Sprintf(l.footerConclusion, heading, n, total) })
	m := &minutesWriter{f: f}
	f.newPage()
	if err := f.centred(regular, 11, black, strings.ToUpper(c.CommitteeName)); err != nil {
		return err
	}
	if c.Numbered != "" {
		if err := f.centred(regular, 11, black, "Số "+c.Numbered); err != nil {
			return err
		}
	}
	f.space(8)
	if err := f.centred(bold, 16, navy, l.kinds[c.Kind]); err != nil {
		return err
	}
	f.space(4)
	if err := f.centred(bold, 13, black, c.Title); err != nil {
		return err
	}
	if c.Status == office.StatusDraft {
		f.space(2)
		if err := f.centred(regular, 10, grey, l.draft); err != nil {
			return err
		}
	}
	f.rule()
	f.space(6)
	at := func(t time.Time) string { return t.In(loc).Format(l.layout) }
	m.para(regular, 11, 0, l.committee+": "+c.CommitteeName)
	m.para(regular, 11, 0, l.meeting+": "+c.MeetingTitle)
	m.para(regular, 11, 0, l.item+": "+c.AgendaTitle)
	if !c.Approved.IsZero() {
		m.para(regular, 11, 0, l.approved+": "+at(c.Approved))
	}
	if !c.Published.IsZero() {
		m.para(regular, 11, 0, l.published+": "+at(c.Published))
	}
	f.space(6)
	for _, line := range strings.Split(c.Text, "\n") {
		m.para(regular, 11, 0, line)
	}
	if len(c.Tasks) > 0 {
		m.heading(l.tasks)
		rows := make([]tableRow, 0, len(c.Tasks))
		for i, t := range c.Tasks {
			rows = append(rows, tableRow{cells: []string{strconv.Itoa(i+1) + ". " + t.Title, t.Assignee.Name, t.Deadline.In(loc).Format(l.dateLayout)}})
		}
		if m.err == nil {
			m.err = f.table([]column{{0.55, left}, {0.28, left}, {0.17, right}}, 10, []string{l.task, l.assignee, l.deadline}, rows)
		}
	}
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return cv.write(w)
}

// FollowUpReport writes the follow-up of tasks per committee (báo cáo theo
// dõi thực hiện nhiệm vụ) at now to dst in lang: per committee the counts
// of open, late and done tasks, then each task with its conclusion,
// assignee, deadline, progress and status — the late ones in red.
func (e *Engine) FollowUpReport(ctx context.Context, dst io.Writer, committees []office.CommitteeTasks, lang string, loc *time.Location, now time.Time) error {
	l, err := followLang(lang)
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	var out bytes.Buffer
	if err := e.do(ctx, opFollowUp, opOutput, func() error { return writeFollowUp(&out, committees, l, loc, now) }); err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write follow-up report: %w", err)
	}
	return nil
}

func writeFollowUp(w io.Writer, committees []office.CommitteeTasks, l *followLabels, loc *time.Location, now time.Time) error {
	cv, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(cv, func(n, total int) string { return fmt.Sprintf(l.footerReport, n, total) })
	m := &minutesWriter{f: f}
	f.newPage()
	if err := f.centred(bold, 16, navy, l.report); err != nil {
		return err
	}
	f.space(2)
	if err := f.centred(regular, 10, grey, fmt.Sprintf(l.reportMade, now.In(loc).Format(l.layout))); err != nil {
		return err
	}
	f.rule()
	f.space(6)
	if len(committees) == 0 {
		m.para(regular, 11, 0, l.noTasks)
	}
	for _, ct := range committees {
		m.heading(ct.Name)
		m.para(bold, 11, 0, fmt.Sprintf("%s: %d — %s: %d — %s: %d — %s: %d", l.total, ct.Open+ct.Late+ct.Done, l.open, ct.Open, l.late, ct.Late, l.done, ct.Done))
		f.space(4)
		// A table of tasks, each row in its colour (nil: the text's).
		table := func(tasks []office.TaskRow, colour func(office.TaskRow) *rgb) {
			rows := make([]tableRow, 0, len(tasks))
			for _, t := range tasks {
				rows = append(rows, tableRow{cells: []string{t.Title, t.Heading, t.Assignee.Name, t.Deadline.In(loc).Format(l.dateLayout), strconv.Itoa(t.Percent) + " %", l.states[t.State]}, colour: colour(t)})
			}
			if m.err == nil && len(rows) > 0 {
				m.err = f.table([]column{{0.3, left}, {0.18, left}, {0.18, left}, {0.12, right}, {0.09, right}, {0.13, left}}, 9,
					[]string{l.task, l.conclusion, l.assignee, l.deadline, l.progress, l.state}, rows)
			}
		}
		table(ct.Tasks, func(t office.TaskRow) *rgb {
			if t.State == office.TaskLate {
				col := red
				return &col
			}
			return nil
		})
		// Imported conclusions' tasks: history, apart and not counted.
		if len(ct.Imported) > 0 {
			f.space(4)
			m.para(bold, 10, 0, fmt.Sprintf(l.imported, len(ct.Imported)))
			f.space(2)
			table(ct.Imported, func(office.TaskRow) *rgb { col := grey; return &col })
		}
	}
	f.space(10)
	m.para(regular, 9, 0, fmt.Sprintf(l.made, now.In(loc).Format(l.layout)))
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return cv.write(w)
}
