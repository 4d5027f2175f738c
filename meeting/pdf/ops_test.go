package pdf

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/dais-meeting/dais/meeting"
)

func TestGenerate(t *testing.T) {
	e := mustEngine(t, Config{MaxPages: 100})
	title := "Nghị quyết của " + dangBo + " tỉnh"
	body := []string{"Đại biểu " + nameHuong + " phát biểu: " + tanThanh + " với dự thảo."}
	for _, n := range []int{1, 2, 7} {
		t.Run(fmt.Sprintf("%d pages", n), func(t *testing.T) {
			b := mustGenerate(t, e, title, n, body...)
			if got := mustPages(t, e, b); got != n {
				t.Fatalf("pages = %d, want %d", got, n)
			}
			text := pdfText(t, b)
			wantText(t, text, title, fmt.Sprintf("Trang %d/%d", n, n))
			if n > 1 {
				wantText(t, text, nameHuong, dangBo, tanThanh)
			}
		})
	}
	t.Run("decomposed input comes out composed", func(t *testing.T) {
		// "Hương" with the horn and the tone mark as combining marks.
		b := mustGenerate(t, e, "Hu\u031bo\u031bng", 1)
		wantText(t, pdfText(t, b), "Hương")
	})
	for _, tt := range []struct {
		name  string
		title string
		pages int
	}{
		{"no pages", "Tài liệu", 0},
		{"too many pages", "Tài liệu", 101},
		{"no title", "  ", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			wantCode(t, e.Generate(context.Background(), &buf, tt.title, tt.pages, nil), meeting.Invalid)
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on error", buf.Len())
			}
		})
	}
}

func TestWatermark(t *testing.T) {
	e := mustEngine(t, Config{})
	src := mustGenerate(t, e, "Báo cáo mật của "+dangBo, 4, "Ý kiến: "+tanThanh+".")
	text := "TÀI LIỆU MẬT — Đại biểu " + nameHuong + " — Ghế A03 — 03/12/2026"
	var out bytes.Buffer
	if err := e.Watermark(context.Background(), bytes.NewReader(src), &out, text); err != nil {
		t.Fatalf("Watermark: %v", err)
	}
	if got := mustPages(t, e, out.Bytes()); got != 4 {
		t.Fatalf("pages = %d, want 4", got)
	}
	for n := 1; n <= 4; n++ {
		page := pdfText(t, out.Bytes(), "-f", fmt.Sprint(n), "-l", fmt.Sprint(n))
		if !strings.Contains(page, text) {
			t.Errorf("page %d lacks the watermark %q:\n%s", n, text, clip(page, 2000))
		}
	}
	wantText(t, pdfText(t, out.Bytes()), dangBo, tanThanh, nameHuong)
	has, err := api.HasWatermarks(bytes.NewReader(out.Bytes()), model.NewDefaultConfiguration())
	if err != nil || !has {
		t.Errorf("HasWatermarks = %v, %v; want true", has, err)
	}

	for _, tt := range []struct {
		name string
		src  []byte
		text string
	}{
		{"empty text", src, " \n "},
		{"text too long", src, strings.Repeat("Mật ", 60)},
		{"not a PDF", []byte("xin chào"), text},
		{"truncated", src[:len(src)/2], text},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			wantCode(t, e.Watermark(context.Background(), bytes.NewReader(tt.src), &buf, tt.text), meeting.Invalid)
		})
	}
}

func TestAnnotate(t *testing.T) {
	e := mustEngine(t, Config{})
	src := mustGenerate(t, e, "Dự thảo nghị quyết", 4)
	note := "Đề nghị " + nameHuong + " làm rõ số liệu của " + dangBo + "; " + tanThanh + " về nguyên tắc."
	anns := []meeting.Annotation{
		{ID: "a1", Document: "d1", Page: 2, Kind: "highlight", Color: "#FFEB3B", Rect: [4]float64{0.1, 0.1, 0.9, 0.14}},
		{ID: "a2", Document: "d1", Page: 2, Kind: "ink", Color: "#1565C0", Points: [][2]float64{{0.1, 0.3}, {0.4, 0.32}, {0.6, 0.5}}},
		{ID: "a3", Document: "d1", Page: 3, Kind: "note", Color: "#C62828", Rect: [4]float64{0.55, 0.93}, Text: note},
		{ID: "a4", Document: "d1", Page: 3, Kind: "ink", Color: "#000000", Points: [][2]float64{{0.5, 0.5}}},
	}
	var out bytes.Buffer
	if err := e.Annotate(context.Background(), bytes.NewReader(src), &out, anns); err != nil {
		t.Fatalf("Annotate: %v", err)
	}
	if got := mustPages(t, e, out.Bytes()); got != 4 {
		t.Fatalf("pages = %d, want 4", got)
	}
	// -raw keeps content order: the note's lines come out whole even where
	// the note lies over the page's own text.
	page3 := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw", "-f", "3", "-l", "3")), " ")
	wantText(t, page3, note)
	page1 := pdfText(t, out.Bytes(), "-raw", "-f", "1", "-l", "1")
	if strings.Contains(page1, nameHuong) {
		t.Errorf("page 1 has the note of page 3")
	}

	t.Run("no annotations copies the document", func(t *testing.T) {
		var buf bytes.Buffer
		if err := e.Annotate(context.Background(), bytes.NewReader(src), &buf, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), src) {
			t.Error("the copy differs from the source")
		}
	})
	for _, tt := range []struct {
		name string
		ann  meeting.Annotation
	}{
		{"page beyond the end", meeting.Annotation{ID: "x", Document: "d1", Page: 5, Kind: "highlight", Color: "#FFFF00", Rect: [4]float64{0, 0, 1, 1}}},
		{"page zero", meeting.Annotation{ID: "x", Document: "d1", Page: 0, Kind: "highlight", Color: "#FFFF00", Rect: [4]float64{0, 0, 1, 1}}},
		{"bad colour", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "highlight", Color: "yellow", Rect: [4]float64{0, 0, 1, 1}}},
		{"outside the page", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "highlight", Color: "#FFFF00", Rect: [4]float64{0, 0, 1.5, 1}}},
		{"empty highlight", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "highlight", Color: "#FFFF00", Rect: [4]float64{0.5, 0.5, 0.5, 0.6}}},
		{"ink without points", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "ink", Color: "#FFFF00"}},
		{"note without text", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "note", Color: "#FFFF00"}},
		{"unknown kind", meeting.Annotation{ID: "x", Document: "d1", Page: 1, Kind: "stamp", Color: "#FFFF00"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			wantCode(t, e.Annotate(context.Background(), bytes.NewReader(src), &buf, []meeting.Annotation{tt.ann}), meeting.Invalid)
		})
	}
}

func TestPacket(t *testing.T) {
	e := mustEngine(t, Config{})
	d1 := mustGenerate(t, e, "Báo cáo chính trị", 3)
	d2 := mustGenerate(t, e, "Phụ lục số liệu", 2)
	d3 := mustGenerate(t, e, "Dự thảo nghị quyết", 4)
	items := []PacketItem{
		{Title: "1. Báo cáo của " + dangBo, Documents: []PacketDocument{
			{Title: "Báo cáo chính trị", PDF: bytes.NewReader(d1)},
			{Title: "Phụ lục số liệu", PDF: bytes.NewReader(d2)},
		}},
		{Title: "2. Thông qua nghị quyết", Documents: []PacketDocument{
			{Title: "Dự thảo nghị quyết", PDF: bytes.NewReader(d3)},
		}},
		{Title: "3. Bế mạc"}, // no documents, no bookmark
	}
	var out bytes.Buffer
	if err := e.Packet(context.Background(), &out, items); err != nil {
		t.Fatalf("Packet: %v", err)
	}
	if got := mustPages(t, e, out.Bytes()); got != 9 {
		t.Fatalf("pages = %d, want 9", got)
	}
	bms, err := api.Bookmarks(bytes.NewReader(out.Bytes()), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("Bookmarks: %v", err)
	}
	type mark struct {
		title string
		page  int
		kids  []mark
	}
	want := []mark{
		{"1. Báo cáo của " + dangBo, 1, []mark{{"Báo cáo chính trị", 1, nil}, {"Phụ lục số liệu", 4, nil}}},
		{"2. Thông qua nghị quyết", 6, []mark{{"Dự thảo nghị quyết", 6, nil}}},
	}
	if len(bms) != len(want) {
		t.Fatalf("got %d top bookmarks, want %d: %+v", len(bms), len(want), bms)
	}
	for i, w := range want {
		got := bms[i]
		if got.Title != w.title || got.PageFrom != w.page || len(got.Kids) != len(w.kids) {
			t.Errorf("bookmark %d = %q p.%d (%d kids), want %q p.%d (%d kids)", i, got.Title, got.PageFrom, len(got.Kids), w.title, w.page, len(w.kids))
			continue
		}
		for j, wk := range w.kids {
			if k := got.Kids[j]; k.Title != wk.title || k.PageFrom != wk.page {
				t.Errorf("bookmark %d.%d = %q p.%d, want %q p.%d", i, j, k.Title, k.PageFrom, wk.title, wk.page)
			}
		}
	}
	wantText(t, pdfText(t, out.Bytes(), "-f", "6", "-l", "6"), "Dự thảo nghị quyết")

	t.Run("no documents", func(t *testing.T) {
		var buf bytes.Buffer
		wantCode(t, e.Packet(context.Background(), &buf, []PacketItem{{Title: "Trống"}}), meeting.Invalid)
	})
	t.Run("bad document", func(t *testing.T) {
		var buf bytes.Buffer
		items := []PacketItem{{Title: "Hỏng", Documents: []PacketDocument{{Title: "x", PDF: bytes.NewReader([]byte("không phải PDF"))}}}}
		wantCode(t, e.Packet(context.Background(), &buf, items), meeting.Invalid)
	})
}

// testState builds a closed meeting with two rooms, extra delegates,
// a named poll that passed and a secret one that failed.
func testState(extra int) *meeting.State {
	s := meeting.NewState()
	s.ID, s.Title = "m1", "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh — "+dangBo
	s.StartsAt = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	s.Place = "Hội trường Ủy ban nhân dân tỉnh"
	s.Status = meeting.StatusClosed
	s.Rooms = []meeting.Room{{ID: "main", Name: "Hội trường chính", Main: true}, {ID: "hb", Name: "Điểm cầu huyện Hòa Bình"}}
	add := func(p meeting.Participant) {
		s.Participants[p.ID] = &p
		s.Order = append(s.Order, p.ID)
	}
	add(meeting.Participant{ID: "chair", Name: "Trần Văn Quang", Title: "Chủ tịch HĐND tỉnh", Role: meeting.RoleChair, Room: "main", Seat: "A01", Present: true})
	add(meeting.Participant{ID: "sec", Name: "Lê Thu Trang", Role: meeting.RoleSecretary, Room: "main", Present: true})
	add(meeting.Participant{ID: "huong", Name: nameHuong, Title: "Giám đốc Sở Tài chính", Role: meeting.RoleDelegate, Room: "main", Seat: "A03", Present: true})
	add(meeting.Participant{ID: "dung", Name: "Phạm Minh Dũng", Role: meeting.RoleDelegate, Room: "hb", Seat: "B07", Present: true})
	add(meeting.Participant{ID: "khoa", Name: "Đỗ Đăng Khoa", Role: meeting.RoleDelegate, Room: "hb", Seat: "B08",
		Absence: &meeting.Absence{Reason: "Ốm", During: true}})
	// Absent for the whole meeting with an approved reason, and
	// represented by a substitute.
	add(meeting.Participant{ID: "hai", Name: "Vũ Thị Hải", Role: meeting.RoleDelegate, Room: "main", Seat: "A05",
		Absence: &meeting.Absence{Reason: "Đi công tác nước ngoài", Approved: true}, Excused: "Đi công tác nước ngoài", Substitute: "pho"})
	add(meeting.Participant{ID: "pho", Name: "Đặng Văn Phó", Title: "Phó Giám đốc Sở Ngoại vụ", Role: meeting.RoleObserver, Room: "main", For: "hai", Present: true})
	// The linked room's operator (never checked in), a guest and the room's screen: none is a member.
	add(meeting.Participant{ID: "sec2", Name: "Ngô Văn Bình", Role: meeting.RoleSecretary, Room: "hb"})
	add(meeting.Participant{ID: "obs", Name: "Đinh Thị Lan", Role: meeting.RoleObserver, Room: "main", Present: true})
	add(meeting.Participant{ID: "tv", Name: "Màn hình hội trường", Role: meeting.RoleDisplay, Room: "main"})
	at := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, time.UTC) }
	s.Floor.Speeches = []meeting.Speech{
		{Participant: "huong", Item: "i2", From: at(8, 30), To: at(8, 37)},
		{Participant: "dung", Item: "i2", From: at(8, 37), To: at(8, 41), Topic: "Ý kiến về dự toán ngân sách", Kind: meeting.SpeechQuestion},
		{Participant: "huong", From: at(8, 45), To: at(8, 46), Kind: meeting.SpeechOrder},
		{Participant: "dung", Item: "i2a", From: at(8, 50), To: at(9, 0), Topic: "Phát triển kinh tế số", Kind: meeting.SpeechContribution, Contribution: "c1"},
		{Participant: "khoa", From: at(9, 5), Topic: "Giáo dục"},
	}
	s.Floor.Queue = []string{"huong"}
	s.Floor.Requests = map[string]meeting.FloorRequest{"huong": {Topic: "Thủ tục biểu quyết", Kind: meeting.SpeechOrder, At: at(9, 6)}}
	for i := range extra {
		add(meeting.Participant{ID: fmt.Sprintf("x%03d", i), Name: fmt.Sprintf("Đại biểu Số %03d", i), Role: meeting.RoleDelegate,
			Room: []string{"main", "hb"}[i%2], Seat: fmt.Sprintf("C%03d", i), Present: i%3 != 0})
	}
	s.Documents["d1"] = &meeting.Document{ID: "d1", Title: "Báo cáo kinh tế – xã hội năm 2026", Pages: 48}
	s.Documents["d2"] = &meeting.Document{ID: "d2", Title: "Dự thảo Nghị quyết về ngân sách", Pages: 12}
	s.Proposals["p1"] = &meeting.Proposal{ID: "p1", Title: "Nghị quyết về dự toán ngân sách năm 2027", Status: meeting.ProposalAdopted}
	s.Agenda = []meeting.Item{
		{ID: "i1", Title: "Khai mạc kỳ họp"},
		{ID: "i2", Title: "Báo cáo tình hình kinh tế – xã hội", Presenter: "huong", Documents: []string{"d1"}},
		{ID: "i2a", Parent: "i2", Title: "Thảo luận ở tổ", Documents: []string{"d2"}, Proposals: []string{"p1"}},
		{ID: "i3", Title: "Bế mạc"},
	}
	voters := map[string]string{"chair": "for", "huong": "for", "dung": "against"}
	counts := map[string]int{"for": 2, "against": 1}
	for i := range extra {
		id := fmt.Sprintf("x%03d", i)
		c := []string{"for", "for", "abstain"}[i%3]
		voters[id] = c
		counts[c]++
	}
	cast := len(voters)
	s.Polls["v1"] = &meeting.Poll{ID: "v1", Question: "Thông qua Nghị quyết về dự toán ngân sách năm 2027?", Proposal: "p1",
		Choices: meeting.DefaultChoices(), Rule: meeting.Rule{Base: meeting.BasePresent, Threshold: meeting.Absolute, QuorumPercent: 50},
		Status: meeting.PollDone, Voters: voters,
		Result: &meeting.Result{Counts: counts, Cast: cast, Members: 4 + extra, Present: 3 + extra, Base: 3 + extra, QuorumOK: true, Passed: true}}
	s.Polls["v2"] = &meeting.Poll{ID: "v2", Question: "Bầu Phó Chủ tịch HĐND tỉnh (phiếu kín)", Secret: true,
		Choices: meeting.DefaultChoices(), Rule: meeting.Rule{Base: meeting.BaseMembers, Threshold: meeting.TwoThirds},
		Status: meeting.PollDone, Voters: map[string]string{"chair": "", "huong": "", "dung": ""},
		Result: &meeting.Result{Counts: map[string]int{"for": 1, "against": 2}, Cast: 3, Members: 4, Present: 3, Base: 4, QuorumOK: true}}
	s.Polls["v3"] = &meeting.Poll{ID: "v3", Question: "Chương trình kỳ họp tiếp theo", Choices: meeting.DefaultChoices(),
		Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}, Status: meeting.PollReady}
	s.PollOrder = []string{"v1", "v2", "v3"}
	return s
}

func TestMinutes(t *testing.T) {
	e := mustEngine(t, Config{})
	s := testState(0)
	t.Run("vi", func(t *testing.T) {
		var out bytes.Buffer
		if err := e.Minutes(context.Background(), &out, s, ""); err != nil {
			t.Fatalf("Minutes: %v", err)
		}
		mustPages(t, e, out.Bytes())
		text := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
		wantText(t, text, "BIÊN BẢN PHIÊN HỌP", s.Title, "08:00, ngày 03/12/2026", s.Place,
			"Chủ tọa: Trần Văn Quang", "Thư ký: Lê Thu Trang",
			"Hội trường chính — có mặt 2/3 người", "Điểm cầu huyện Hòa Bình — có mặt 1/2 người",
			"Vũ Thị Hải — Ghế A05 — vắng mặt, có lý do: Đi công tác nước ngoài (được chấp thuận); người dự thay: Đặng Văn Phó",
			"Đỗ Đăng Khoa — Ghế B08 — vắng mặt, có lý do: Ốm (không được chấp thuận, báo trong khi họp)",
			"Vắng mặt có lý do được chấp thuận: 1; lý do không được chấp thuận: 1.",
			"Người dự thay (không biểu quyết) 1. Đặng Văn Phó (dự thay đồng chí Vũ Thị Hải) — Phó Giám đốc Sở Ngoại vụ — có mặt",
			"Thành phần phục vụ 1. Lê Thu Trang (thư ký) 2. Ngô Văn Bình (thư ký) — Điểm cầu huyện Hòa Bình",
			"Khách mời 1. Đinh Thị Lan (khách mời)",
			"Các ý kiến phát biểu 1. "+nameHuong+": 08:30:00 – 08:37:00 (Báo cáo tình hình kinh tế – xã hội)",
			"2. Phạm Minh Dũng: 08:37:00 – 08:41:00 — Chất vấn: Ý kiến về dự toán ngân sách (Báo cáo tình hình kinh tế – xã hội)",
			"3. "+nameHuong+": 08:45:00 – 08:46:00 — Kiến nghị về thủ tục 4.",
			"4. Phạm Minh Dũng: 08:50:00 – 09:00:00 — Tham luận: Phát triển kinh tế số (Thảo luận ở tổ)",
			"5. Đỗ Đăng Khoa: 09:05:00 – đang phát biểu — Phát biểu: Giáo dục",
			"Đăng ký phát biểu: "+nameHuong+" (Kiến nghị về thủ tục: Thủ tục biểu quyết)",
			nameHuong+" — Giám đốc Sở Tài chính — Ghế A03 — có mặt", "Đỗ Đăng Khoa — Ghế B08 — vắng mặt",
			"Người trình bày: "+nameHuong, "Báo cáo kinh tế – xã hội năm 2026 (48 trang)",
			"Thông qua Nghị quyết về dự toán ngân sách năm 2027?", "quá một nửa số đại biểu có mặt",
			tanThanh+": 2", "Không tán thành: 1", "Kết quả: THÔNG QUA",
			tanThanh+" (2): Trần Văn Quang, "+nameHuong, "Không tán thành (1): Phạm Minh Dũng", "Không biểu quyết (0): không có",
			"bỏ phiếu kín", "Kết quả: KHÔNG THÔNG QUA", "Chưa biểu quyết.", "III. CÁC BIỂU QUYẾT KHÁC", dangBo)
		// Staff, guests and screens are never counted absent; a screen is not listed.
		for _, who := range []string{"Lê Thu Trang — vắng mặt", "Ngô Văn Bình (thư ký) — vắng mặt", "Màn hình hội trường"} {
			if strings.Contains(text, who) {
				t.Errorf("the minutes say %q", who)
			}
		}
		// Nothing links a secret ballot to a voter.
		polls, _, _ := strings.Cut(text, "Các ý kiến phát biểu")
		if i := strings.Index(polls, "Bầu Phó Chủ tịch"); i >= 0 && strings.Contains(polls[i:], "Phạm Minh Dũng") {
			t.Errorf("the secret poll names a voter")
		}
	})
	t.Run("en", func(t *testing.T) {
		var out bytes.Buffer
		if err := e.Minutes(context.Background(), &out, s, "en"); err != nil {
			t.Fatalf("Minutes: %v", err)
		}
		text := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
		wantText(t, text, "MINUTES OF THE MEETING", "Staff 1. Lê Thu Trang (secretary)",
			"Vũ Thị Hải — Seat A05 — absent, reason: Đi công tác nước ngoài (approved); substitute: Đặng Văn Phó",
			"Đỗ Đăng Khoa — Seat B08 — absent, reason: Ốm (not approved, given during the meeting)",
			"Substitutes (not voting) 1. Đặng Văn Phó (substituting for Vũ Thị Hải)", "Speakers 1.", "2. Phạm Minh Dũng: 08:37:00 – 08:41:00 — Question: Ý kiến về dự toán ngân sách",
			"3. "+nameHuong+": 08:45:00 – 08:46:00 — Point of order 4.", "4. Phạm Minh Dũng: 08:50:00 – 09:00:00 — Contribution: Phát triển kinh tế số",
			"5. Đỗ Đăng Khoa: 09:05:00 – still speaking — Speech: Giáo dục", "Asked to speak: "+nameHuong+" (Point of order: Thủ tục biểu quyết)", "Result: PASSED", "more than half of the members present", nameHuong, tanThanh)
	})
	t.Run("many participants paginate", func(t *testing.T) {
		big := testState(300)
		var out bytes.Buffer
		if err := e.Minutes(context.Background(), &out, big, "vi"); err != nil {
			t.Fatalf("Minutes: %v", err)
		}
		pages := mustPages(t, e, out.Bytes())
		if pages < 5 {
			t.Fatalf("pages = %d, want the 300 delegates to need at least 5", pages)
		}
		text := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
		wantText(t, text, fmt.Sprintf("Trang %d/%d", pages, pages))
		// Footers sit between the lines of a paragraph that runs on.
		text = regexp.MustCompile(` ?Biên bản — [^T]*— Trang \d+/\d+`).ReplaceAllString(text, "")
		// Every delegate appears in the attendance and in the named vote:
		// no line ran off a page.
		for i := range 300 {
			name := fmt.Sprintf("Đại biểu Số %03d", i)
			if n := strings.Count(text, name); n < 2 {
				t.Errorf("%s appears %d times, want at least 2", name, n)
				break
			}
		}
		// Lines stay inside the page: nothing between the text and the footer.
		for n := 1; n <= pages; n++ {
			bottom := pdfText(t, out.Bytes(), "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), "-y", "772", "-H", "28", "-x", "0", "-W", "596")
			if strings.TrimSpace(bottom) != "" {
				t.Errorf("page %d has text in its bottom margin: %q", n, bottom)
			}
		}
	})
	t.Run("refusals", func(t *testing.T) {
		var buf bytes.Buffer
		wantCode(t, e.Minutes(context.Background(), &buf, meeting.NewState(), "vi"), meeting.Invalid)
		wantCode(t, e.Minutes(context.Background(), &buf, s, "fr"), meeting.Invalid)
	})
}

func TestBallotsCSV(t *testing.T) {
	s := testState(0)
	s.Participants["dung"].Name = "=HYPERLINK(\"x\")"
	var buf bytes.Buffer
	if err := BallotsCSV(&buf, s); err != nil {
		t.Fatalf("BallotsCSV: %v", err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte order mark: % x", b[:min(8, len(b))])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	want := [][]string{
		{"v1", "Thông qua Nghị quyết về dự toán ngân sách năm 2027?", "Trần Văn Quang", "A01", "Hội trường chính", tanThanh},
		{"v1", "Thông qua Nghị quyết về dự toán ngân sách năm 2027?", nameHuong, "A03", "Hội trường chính", tanThanh},
		{"v1", "Thông qua Nghị quyết về dự toán ngân sách năm 2027?", "'=HYPERLINK(\"x\")", "B07", "Điểm cầu huyện Hòa Bình", "Không tán thành"},
		// The secret poll: one row saying why there are no names, in both languages.
		{"v2", "Bầu Phó Chủ tịch HĐND tỉnh (phiếu kín)", secretNote, "", "", ""},
	}
	if len(rows) != 1+len(want) {
		t.Fatalf("got %d rows, want a header and %d:\n%q", len(rows), len(want), rows)
	}
	for i, w := range want {
		if strings.Join(rows[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i+1], w)
		}
	}
}

// TestConcurrent runs 16 goroutines mixing every operation on one Engine;
// run with -race.
func TestConcurrent(t *testing.T) {
	e := mustEngine(t, Config{Concurrency: 2})
	src := mustGenerate(t, e, "Tài liệu dùng chung", 3)
	s := testState(5)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			var out bytes.Buffer
			var err error
			switch g % 6 {
			case 0:
				_, err = e.Validate(ctx, bytes.NewReader(src))
			case 1:
				err = e.Watermark(ctx, bytes.NewReader(src), &out, fmt.Sprintf("Đại biểu %s — Ghế A%02d", nameHuong, g))
			case 2:
				err = e.Annotate(ctx, bytes.NewReader(src), &out, []meeting.Annotation{
					{ID: "n", Document: "d", Page: 1 + g%3, Kind: "note", Color: "#FF0000", Rect: [4]float64{0.1, 0.1}, Text: "Ghi chú " + dangBo}})
			case 3:
				err = e.Packet(ctx, &out, []PacketItem{{Title: "Mục", Documents: []PacketDocument{{Title: "A", PDF: bytes.NewReader(src)}, {Title: "B", PDF: bytes.NewReader(src)}}}})
			case 4:
				err = e.Minutes(ctx, &out, s, "vi")
			case 5:
				err = e.Generate(ctx, &out, "Tài liệu", 2, nil)
			}
			if err == nil && g%6 != 0 {
				_, err = e.Validate(ctx, bytes.NewReader(out.Bytes()))
			}
			if err != nil {
				errs <- fmt.Errorf("goroutine %d (op %d): %w", g, g%6, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
