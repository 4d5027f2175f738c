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
)

const opRegister = "copy register"

// registerLabels are the words of the copy register, per language.
type registerLabels struct {
	heading, meeting, made, status                      string
	documents, copies, confirmations, outstanding       string
	rules                                               string
	colsDocs, colsCopies, colsConfirm, colsOut, colsRul []string
	none, noDevice, yes, no, takenBack, closedReason    string
	bySecretary, stillOut, allBack                      string
	footer                                              string // meeting title, page, total
	dateLayout                                          string
	statuses                                            map[meeting.Status]string
}

var viRegister = registerLabels{
	heading: "SỔ THEO DÕI TÀI LIỆU MẬT", meeting: "Hội nghị", made: "Lập lúc", status: "Tình trạng hội nghị",
	documents: "I. TÀI LIỆU MẬT", copies: "II. BẢN SAO ĐÃ PHÁT", confirmations: "III. XÁC NHẬN ĐÃ XÓA BẢN SAO", outstanding: "IV. BẢN SAO CHƯA XÓA (THEO THIẾT BỊ)",
	rules:       "V. QUY ĐỊNH THEO ĐỘ MẬT",
	colsDocs:    []string{"Mã", "Tên tài liệu", "Độ mật", "Bản sao", "Chưa xóa", "Thu hồi"},
	colsCopies:  []string{"Số", "Thời gian", "Người nhận", "Thiết bị", "Tài liệu (phiên bản)", "Dấu chìm", "Đã xóa"},
	colsConfirm: []string{"Số", "Thời gian", "Người báo", "Thiết bị", "Tài liệu", "Bản sao"},
	colsOut:     []string{"Người giữ", "Thiết bị", "Tài liệu", "Bản sao", "Đã thu hồi"},
	colsRul:     []string{"Độ mật", "Dấu chìm theo người đọc", "Lưu ngoại tuyến", "Tải về, in", "Chỉ khi trình chiếu", "Màn hình điểm cầu"},
	none:        "Không có.", noDevice: "(không rõ)", yes: "có", no: "không", takenBack: "đã thu hồi",
	closedReason: "khi bế mạc", bySecretary: "theo lệnh thu hồi",
	stillOut: "Còn %d bản sao chưa được xác nhận đã xóa.", allBack: "Mọi bản sao đã được xác nhận đã xóa.",
	footer:     "Sổ theo dõi tài liệu mật — %s — Trang %d/%d",
	dateLayout: "15:04 02/01/2006",
	statuses: map[meeting.Status]string{meeting.StatusDraft: "đang chuẩn bị", meeting.StatusPublished: "đã công bố",
		meeting.StatusInSession: "đang họp", meeting.StatusAdjourned: "tạm nghỉ", meeting.StatusClosed: "đã bế mạc"},
}

var enRegister = registerLabels{
	heading: "REGISTER OF SECRET DOCUMENTS AND THEIR COPIES", meeting: "Meeting", made: "Made at", status: "Meeting status",
	documents: "I. SECRET DOCUMENTS", copies: "II. COPIES SERVED", confirmations: "III. DELETIONS CONFIRMED", outstanding: "IV. COPIES NOT YET DELETED (BY DEVICE)",
	rules:       "V. RULES BY LEVEL",
	colsDocs:    []string{"Id", "Title", "Level", "Copies", "Not deleted", "Taken back"},
	colsCopies:  []string{"No.", "Time", "Reader", "Device", "Document (version)", "Watermark", "Deleted"},
	colsConfirm: []string{"No.", "Time", "Reported by", "Device", "Documents", "Copies"},
	colsOut:     []string{"Holder", "Device", "Documents", "Copies", "Taken back"},
	colsRul:     []string{"Level", "Watermark per reader", "Offline copies", "Download, print", "Only while presented", "Linked rooms' displays"},
	none:        "None.", noDevice: "(unknown)", yes: "yes", no: "no", takenBack: "taken back",
	closedReason: "at the close", bySecretary: "by order",
	stillOut: "%d copies are not yet confirmed deleted.", allBack: "Every copy has been confirmed deleted.",
	footer:     "Register of secret documents — %s — Page %d of %d",
	dateLayout: "2 Jan 2006 15:04",
	statuses: map[meeting.Status]string{meeting.StatusDraft: "being prepared", meeting.StatusPublished: "published",
		meeting.StatusInSession: "in session", meeting.StatusAdjourned: "adjourned", meeting.StatusClosed: "closed"},
}

// CopyRegister writes the copy register (sổ theo dõi tài liệu mật) to dst
// as PDF, in lang ("vi", the default, or "en"): the meeting's secret
// documents with their levels and take-backs, every copy served (who,
// which document and version, which watermark, when, to which device),
// every tablet's confirmation of deletion, the copies still out by device,
// and the rules of each level. Times are written in loc (nil: UTC+7);
// made is when the register was made.
func (e *Engine) CopyRegister(ctx context.Context, dst io.Writer, r meeting.Register, lang string, loc *time.Location, made time.Time) error {
	l := &viRegister
	switch lang {
	case "", "vi":
	case "en":
		l = &enRegister
		lang = "en"
	default:
		return meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
	}
	if loc == nil {
		loc = time.FixedZone("ICT", 7*60*60)
	}
	var out bytes.Buffer
	err := e.do(ctx, opRegister, opOutput, func() error {
		return writeRegister(&out, &r, l, lang, loc, made)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write copy register: %w", err)
	}
	return nil
}

func writeRegister(w io.Writer, r *meeting.Register, l *registerLabels, lang string, loc *time.Location, made time.Time) error {
	c, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(c, func(n, total int) string { return fmt.Sprintf(l.footer, r.Title, n, total) })
	m := &minutesWriter{f: f, l: &vi}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(l.dateLayout)
	}
	device := func(d string) string {
		if d == "" {
			return l.noDevice
		}
		return d
	}
	titles := map[string]string{}
	for _, d := range r.Documents {
		titles[d.ID] = d.Title
	}
	docName := func(id string) string {
		if t := titles[id]; t != "" {
			return t
		}
		return id
	}
	table := func(cols []column, header []string, rows []tableRow) {
		if len(rows) == 0 {
			m.para(regular, 10, 0, l.none)
			return
		}
		if m.err == nil {
			m.err = f.table(cols, 8.5, header, rows)
		}
	}

	f.newPage()
	if m.err = f.centred(bold, 15, navy, l.heading); m.err != nil {
		return m.err
	}
	f.space(2)
	if m.err = f.centred(bold, 12, black, r.Title); m.err != nil {
		return m.err
	}
	f.rule()
	f.space(6)
	m.para(regular, 10.5, 0, l.meeting+": "+r.Title+" ("+r.Meeting+")")
	m.para(regular, 10.5, 0, l.status+": "+l.statuses[r.Status])
	if !made.IsZero() {
		m.para(regular, 10.5, 0, l.made+": "+at(made))
	}

	m.heading(l.documents)
	var rows []tableRow
	for _, d := range r.Documents {
		back := ""
		if d.TakenBack != nil {
			why := l.bySecretary
			if d.TakenBack.Reason == meeting.TakeBackClosed {
				why = l.closedReason
			}
			back = at(d.TakenBack.At) + " (" + why + ")"
		}
		rows = append(rows, tableRow{cells: []string{d.ID, d.Title, d.Level.Label(lang), strconv.Itoa(d.Copies), strconv.Itoa(d.Outstanding), back}, bold: d.TakenBack != nil && d.Outstanding > 0})
	}
	table([]column{{0.14, left}, {0.32, left}, {0.12, left}, {0.09, right}, {0.1, right}, {0.23, left}}, l.colsDocs, rows)

	m.heading(l.copies)
	rows = nil
	for _, cp := range r.Copies {
		version := cp.Version
		if len(version) > 12 {
			version = version[:12]
		}
		deleted := ""
		if cp.Deleted != nil {
			deleted = at(cp.Deleted.At) + " (#" + strconv.FormatUint(cp.Deleted.Seq, 10) + ")"
		}
		rows = append(rows, tableRow{cells: []string{
			strconv.FormatUint(cp.Seq, 10), at(cp.At), cp.Name, device(cp.Device),
			docName(cp.Document) + " [" + cp.Level.Label(lang) + "] (" + version + ", " + cp.Kind + ")",
			cp.Watermark + ": " + cp.WatermarkText, deleted}})
	}
	table([]column{{0.06, right}, {0.11, left}, {0.14, left}, {0.11, left}, {0.2, left}, {0.26, left}, {0.12, left}}, l.colsCopies, rows)

	m.heading(l.confirmations)
	rows = nil
	for _, cf := range r.Confirmations {
		names := make([]string, len(cf.Documents))
		for i, id := range cf.Documents {
			names[i] = docName(id)
		}
		rows = append(rows, tableRow{cells: []string{strconv.FormatUint(cf.Seq, 10), at(cf.At), cf.Name, device(cf.Device), strings.Join(names, "; "), strconv.Itoa(cf.Copies)}})
	}
	table([]column{{0.07, right}, {0.15, left}, {0.2, left}, {0.15, left}, {0.33, left}, {0.1, right}}, l.colsConfirm, rows)

	m.heading(l.outstanding)
	rows = nil
	total := 0
	for _, o := range r.Outstanding {
		names := make([]string, len(o.Documents))
		for i, id := range o.Documents {
			names[i] = docName(id)
		}
		back := l.no
		if o.TakenBack {
			back = l.yes
		}
		total += o.Copies
		rows = append(rows, tableRow{cells: []string{o.Name, device(o.Device), strings.Join(names, "; "), strconv.Itoa(o.Copies), back}, bold: o.TakenBack})
	}
	table([]column{{0.22, left}, {0.16, left}, {0.38, left}, {0.1, right}, {0.14, centre}}, l.colsOut, rows)
	f.space(4)
	if total > 0 {
		m.para(bold, 10.5, 0, fmt.Sprintf(l.stillOut, total))
	} else {
		m.para(regular, 10.5, 0, l.allBack)
	}

	m.heading(l.rules)
	rows = nil
	yn := func(b bool) string {
		if b {
			return l.yes
		}
		return l.no
	}
	for _, lv := range meeting.SecretLevels {
		ru := r.Levels[lv]
		rows = append(rows, tableRow{cells: []string{lv.Label(lang), yn(ru.Watermark), yn(ru.Offline), yn(ru.Download), yn(ru.PresentedOnly), yn(ru.LinkedDisplays)}})
	}
	table([]column{{0.16, left}, {0.17, centre}, {0.16, centre}, {0.16, centre}, {0.17, centre}, {0.18, centre}}, l.colsRul, rows)
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return c.write(w)
}
