package pdf

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

func commentTable() CommentTable {
	at := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	return CommentTable{Meeting: "Hội nghị Ban Thường vụ Tỉnh ủy", Title: "Dự thảo Nghị quyết về chuyển đổi số",
		Deadline: time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC), Versions: 2, Rows: []CommentRow{
			{Version: 1, Page: 2, Kind: "text", Quote: "tăng 7,8% so với cùng kỳ", Text: "Đề nghị nêu rõ nguồn số liệu thống kê.",
				Author: "Nguyễn Thị Ánh", Title: "Phó Bí thư", At: at},
			{Version: 2, Page: 3, Kind: "region", Text: "=Bổ sung lộ trình thực hiện giai đoạn 2027–2030.", Author: "Trần Văn Đức", At: at.Add(time.Hour), Shared: true},
		}}
}

// TestCommentTablePDF: the table of comments' Vietnamese words come out of
// the PDF exactly (pdftotext); English too; an unknown language is refused.
func TestCommentTablePDF(t *testing.T) {
	e := mustEngine(t, Config{FontDir: t.TempDir()})
	made := time.Date(2026, 12, 10, 11, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	tab := commentTable()
	tab.Closed = true
	if err := e.CommentTablePDF(context.Background(), &buf, tab, "vi", nil, made); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	wantText(t, text, "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO", "Dự thảo Nghị quyết về chuyển đổi số", "Hội nghị Ban Thường vụ Tỉnh ủy",
		"Hạn góp ý: 17:00 ngày 10/12/2026 (đã kết thúc)", "Số phiên bản: 2; Số ý kiến: 2",
		// Cells wrap in their columns: each line is checked.
		"tăng 7,8% so với cùng", "Đề nghị nêu rõ nguồn số liệu", "thống kê.", "Nguyễn Thị Ánh, Phó", "Trần Văn Đức",
		"Trang 2, đoạn", "văn bản (bản", "Trang 3, vùng", "đánh dấu (bản", "(gửi ban", "soạn thảo)", "(công", "Người góp ý",
		"=Bổ sung lộ trình thực hiện giai", "đoạn 2027–2030.")
	buf.Reset()
	if err := e.CommentTablePDF(context.Background(), &buf, tab, "en", nil, made); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, buf.Bytes()), "TABLE OF COMMENTS ON THE DRAFT", "selected text", "Nguyễn Thị Ánh")
	buf.Reset()
	if err := e.CommentTablePDF(context.Background(), &buf, CommentTable{Title: "Trống", Versions: 1}, "vi", nil, made); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, buf.Bytes()), "Chưa có ý kiến góp ý.")
	wantCode(t, e.CommentTablePDF(context.Background(), &buf, tab, "fr", nil, made), meeting.Invalid)
}

// TestCommentTableCSV: a UTF-8 byte order mark, bilingual headers, one row
// per comment, formula-like cells defused.
func TestCommentTableCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := CommentTableCSV(&buf, commentTable(), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][5] != "Ý kiến / Comment" {
		t.Fatalf("rows %q", rows)
	}
	want := []string{"1", "1", "2", "text", "tăng 7,8% so với cùng kỳ", "Đề nghị nêu rõ nguồn số liệu thống kê.", "Nguyễn Thị Ánh", "Phó Bí thư", "2026-12-04T09:30:00+07:00", "team"}
	if !reflect.DeepEqual(rows[1], want) {
		t.Fatalf("row 1 %q, want %q", rows[1], want)
	}
	if rows[2][5] != "'=Bổ sung lộ trình thực hiện giai đoạn 2027–2030." || rows[2][9] != "all" {
		t.Fatalf("row 2 %q", rows[2])
	}
}

// TestPageWordsAndCompare: two generated versions differing in one
// sentence on their second page. The words pdfcpu's content extraction
// gives are the words pdftotext reads, and the comparison marks exactly
// the sentence changed.
func TestPageWordsAndCompare(t *testing.T) {
	e := mustEngine(t, Config{FontDir: t.TempDir()})
	old := mustGenerate(t, e, "Dự thảo Nghị quyết", 2, "Tổng sản phẩm trên địa bàn tăng 7,8% so với cùng kỳ.")
	new := mustGenerate(t, e, "Dự thảo Nghị quyết", 3, "Tổng sản phẩm trên địa bàn tăng 8,1% so với cùng kỳ năm trước.")
	ow, err := e.PageWords(context.Background(), bytes.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := e.PageWords(context.Background(), bytes.NewReader(new))
	if err != nil {
		t.Fatal(err)
	}
	if len(ow) != 2 || len(nw) != 3 {
		t.Fatalf("pages %d, %d", len(ow), len(nw))
	}
	for i, words := range ow {
		if want := strings.Fields(pdfText(t, old, "-f", itoa(i+1), "-l", itoa(i+1))); !reflect.DeepEqual(words, want) {
			t.Fatalf("page %d: pdfcpu read %q, pdftotext %q", i+1, words, want)
		}
	}
	cmp := ComparePages(ow, nw)
	if len(cmp) != 3 {
		t.Fatalf("%d pages compared", len(cmp))
	}
	// Page 1: the title page says how many pages there are.
	if cmp[0].Status != "changed" || cmp[2].Status != "added" {
		t.Fatalf("statuses %s, %s, %s", cmp[0].Status, cmp[1].Status, cmp[2].Status)
	}
	p2 := cmp[1]
	var ins, rem []string
	for _, c := range p2.Changes {
		switch c.Op {
		case "+":
			ins = append(ins, c.Text)
		case "-":
			rem = append(rem, c.Text)
		}
	}
	// The body repeats down the page: each repetition shows the change.
	if p2.Status != "changed" || len(ins) == 0 || ins[0] != "8,1%" || rem[0] != "7,8%" || !strings.Contains(strings.Join(ins, "|"), "năm trước.") {
		t.Fatalf("page 2: inserted %q, removed %q", ins, rem)
	}
	if p2.Coarse {
		t.Fatal("a small change compared coarsely")
	}
	// Garbage is refused as damaged.
	if _, err := e.PageWords(context.Background(), bytes.NewReader([]byte("%PDF-1.7\nnot really"))); err == nil {
		t.Fatal("garbage read")
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n))) }

func TestDiffWords(t *testing.T) {
	w := strings.Fields
	tests := []struct {
		name string
		a, b string
		want []Change
	}{
		{"same", "a b c", "a b c", []Change{{"=", "a b c"}}},
		{"inserted", "a c", "a b c", []Change{{"=", "a"}, {"+", "b"}, {"=", "c"}}},
		{"removed", "a b c", "a c", []Change{{"=", "a"}, {"-", "b"}, {"=", "c"}}},
		{"replaced", "Đồng ý tăng 7,8%", "Đồng ý tăng 8,1%", []Change{{"=", "Đồng ý tăng"}, {"-", "7,8%"}, {"+", "8,1%"}}},
		{"empty to text", "", "x y", []Change{{"+", "x y"}}},
		{"text to empty", "x y", "", []Change{{"-", "x y"}}},
		{"both empty", "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DiffWords(w(tc.a), w(tc.b)); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
