package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

const opCommentTable = "comment table"

// CommentRow is one comment of a draft's table of comments.
type CommentRow struct {
	Version int
	Page    int
	// Kind is "page", "region" or "text" (meeting.DraftComment.Kind).
	Kind   string
	Quote  string
	Text   string
	Author string // the author's name
	Title  string // the author's title (chức vụ)
	At     time.Time
	Shared bool
}

// CommentTable is a draft's table of comments (bảng tổng hợp ý kiến):
// its rows in order of version, page and time.
type CommentTable struct {
	Meeting  string // the meeting's title
	Title    string // the draft's title (its current version's)
	Deadline time.Time
	Closed   bool // closed or past its deadline when made
	Versions int
	Rows     []CommentRow
}

type commentLabels struct {
	heading, meeting, deadline, open, closed, versions, count                 string
	no, where, quote, text, author, page, region, textOn, version, none, made string
	shared, private, footer, layout                                           string
}

var commentVI = commentLabels{
	heading: "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO", meeting: "Hội nghị", deadline: "Hạn góp ý",
	open: "đang lấy ý kiến", closed: "đã kết thúc", versions: "Số phiên bản", count: "Số ý kiến",
	no: "TT", where: "Vị trí", quote: "Nội dung được góp ý", text: "Ý kiến góp ý", author: "Người góp ý",
	page: "Trang %d", region: "vùng đánh dấu", textOn: "đoạn văn bản", version: "bản %d", none: "Chưa có ý kiến góp ý.",
	made: "Lập lúc %s.", shared: "công khai", private: "gửi ban soạn thảo",
	footer: "Bảng tổng hợp ý kiến — %s — Trang %d/%d", layout: "15:04 ngày 02/01/2006",
}

var commentEN = commentLabels{
	heading: "TABLE OF COMMENTS ON THE DRAFT", meeting: "Meeting", deadline: "Comments until",
	open: "open for comments", closed: "closed", versions: "Versions", count: "Comments",
	no: "No.", where: "Where", quote: "Text commented on", text: "Comment", author: "By",
	page: "Page %d", region: "marked region", textOn: "selected text", version: "version %d", none: "No comments yet.",
	made: "Made at %s.", shared: "visible to all", private: "to the drafting team",
	footer: "Table of comments — %s — Page %d/%d", layout: "15:04, 2 January 2006",
}

func commentLabelsFor(lang string) (*commentLabels, error) {
	switch lang {
	case "", "vi":
		return &commentVI, nil
	case "en":
		return &commentEN, nil
	}
	return nil, meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
}

// where says where a comment is: page, version and what it is on.
func (l *commentLabels) place(r CommentRow, versions int) string {
	s := fmt.Sprintf(l.page, r.Page)
	switch r.Kind {
	case "region":
		s += ", " + l.region
	case "text":
		s += ", " + l.textOn
	}
	if versions > 1 {
		s += " (" + fmt.Sprintf(l.version, r.Version) + ")"
	}
	return s
}

// CommentTablePDF writes a draft's table of comments as an A4 PDF in
// Vietnamese (lang "vi", the default) or English: the draft, its deadline,
// then one ruled row per comment — where it is, the quoted text, the
// comment, its author with title and time.
func (e *Engine) CommentTablePDF(ctx context.Context, dst io.Writer, t CommentTable, lang string, loc *time.Location, made time.Time) error {
	l, err := commentLabelsFor(lang)
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	var out bytes.Buffer
	err = e.do(ctx, opCommentTable, opOutput, func() error { return writeCommentTable(&out, t, l, loc, made) })
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write comment table: %w", err)
	}
	return nil
}

func writeCommentTable(w io.Writer, t CommentTable, l *commentLabels, loc *time.Location, made time.Time) error {
	cv, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(cv, func(n, total int) string { return fmt.Sprintf(l.footer, t.Title, n, total) })
	m := &minutesWriter{f: f}
	f.newPage()
	if err := f.centred(bold, 15, navy, l.heading); err != nil {
		return err
	}
	f.space(4)
	if err := f.centred(bold, 13, black, t.Title); err != nil {
		return err
	}
	f.rule()
	f.space(6)
	at := func(x time.Time) string { return x.In(loc).Format(l.layout) }
	state := l.open
	if t.Closed {
		state = l.closed
	}
	m.para(regular, 11, 0, l.meeting+": "+t.Meeting)
	m.para(regular, 11, 0, l.deadline+": "+at(t.Deadline)+" ("+state+")")
	m.para(regular, 11, 0, fmt.Sprintf("%s: %d; %s: %d", l.versions, t.Versions, l.count, len(t.Rows)))
	f.space(6)
	if m.err != nil {
		return m.err
	}
	if len(t.Rows) == 0 {
		m.para(regular, 11, 0, l.none)
	} else {
		rows := make([]tableRow, 0, len(t.Rows))
		for i, r := range t.Rows {
			who := r.Author
			if r.Title != "" {
				who += ", " + r.Title
			}
			vis := l.private
			if r.Shared {
				vis = l.shared
			}
			who += " — " + at(r.At) + " (" + vis + ")"
			rows = append(rows, tableRow{cells: []string{strconv.Itoa(i + 1), l.place(r, t.Versions), r.Quote, r.Text, who}})
		}
		m.err = f.table([]column{{0.06, right}, {0.16, left}, {0.22, left}, {0.34, left}, {0.22, left}}, 9,
			[]string{l.no, l.where, l.quote, l.text, l.author}, rows)
	}
	f.space(10)
	m.para(regular, 9, 0, fmt.Sprintf(l.made, made.In(loc).Format(l.layout)))
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return cv.write(w)
}

// CommentTableCSV writes the table of comments as CSV with a UTF-8 byte
// order mark (so that a spreadsheet reads the Vietnamese right) and
// bilingual headers, one row per comment.
func CommentTableCSV(w io.Writer, t CommentTable, loc *time.Location) error {
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	bw := &errWriter{w: w}
	bw.Write([]byte("\uFEFF"))
	cw := newCSVWriter(bw)
	cw.Write([]string{"TT / No.", "Phiên bản / Version", "Trang / Page", "Loại / Kind", "Nội dung được góp ý / Quote",
		"Ý kiến / Comment", "Người góp ý / Author", "Chức vụ / Title", "Thời gian / Time", "Phạm vi / Visibility"})
	for i, r := range t.Rows {
		vis := "team"
		if r.Shared {
			vis = "all"
		}
		cw.Write([]string{strconv.Itoa(i + 1), strconv.Itoa(r.Version), strconv.Itoa(r.Page), r.Kind, csvSafe(nfc(r.Quote)),
			csvSafe(nfc(r.Text)), csvSafe(nfc(r.Author)), csvSafe(nfc(r.Title)), r.At.In(loc).Format(time.RFC3339), vis})
	}
	return bw.err
}
