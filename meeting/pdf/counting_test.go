package pdf

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// Family, middle and given names to make 70 distinct Vietnamese full names
// with every kind of diacritic.
var (
	hoTen = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"}
	dem   = []string{"Văn", "Thị", "Đức", "Minh", "Hữu", "Ngọc", "Quốc"}
	ten   = []string{"Ánh", "Bảo", "Cường", "Dũng", "Hương", "Khoa", "Lộc", "Mỹ", "Nguyệt", "Phượng"}
)

func candidateName(i int) string {
	return hoTen[i%len(hoTen)] + " " + dem[(i/len(hoTen))%len(dem)] + " " + ten[(i*3+i/len(hoTen))%len(ten)]
}

// congress is a provincial congress electing 55 of 70 names: round 1
// elects 53 and leaves a tie of three for the last two seats; round 2
// fills them.
func congress() CountingInput {
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	in := CountingInput{
		Meeting: "Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI", Place: "Hội trường Trung tâm Hội nghị tỉnh",
		Title: "Ban Chấp hành Đảng bộ tỉnh khóa XVI, nhiệm kỳ 2025–2030", Seats: 55,
		Base:    CountingBase{Kind: BaseConvened, Convened: 350, Value: 350},
		Present: 348,
		Committee: []CommitteeMember{{Name: "Đinh Thị Lan", Head: true}, {Name: "Ngô Văn Bình"}, {Name: "Phùng Quốc Việt"},
			{Name: "Tạ Thu Thủy"}, {Name: "Lương Thế Vinh Nguyễn Hoàng Đức Trưởng"}},
		ChainSeq: 4211, ChainHash: "9f2c1e0d4b7a6c5e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
	}
	r1 := CountingRound{Number: 1, Opened: at, Closed: at.Add(20 * time.Minute), Issued: 348, Returned: 347, Valid: 344, Invalid: 3,
		TooMany: 2, AllStruck: 1,
		Rooms: []RoomCount{{Name: "Hội trường chính", Issued: 300, Returned: 299}, {Name: "Điểm cầu huyện Hòa Bình", Paper: true, Issued: 48, Returned: 48}}}
	for i := range 70 {
		votes := 340 - i*3 // 340 … 133: the first 55 above half of 350 (>175) are i ≤ 54 … see below
		c := CountedCandidate{Name: candidateName(i), Born: 1965 + i%20, Votes: votes, Share: float64(votes) * 100 / 350}
		switch {
		case i < 53:
			c.Elected = true
		case i == 53 || i == 54 || i == 55: // three tied for the last two seats
			c.Votes, c.Share = 180, 180*100/350.0
		default:
			c.Votes, c.Share = 170-i, float64(170-i)*100/350
		}
		r1.Candidates = append(r1.Candidates, c)
	}
	r1.Tied = []string{candidateName(53), candidateName(54), candidateName(55)}
	r2 := CountingRound{Number: 2, Seats: 2, Opened: at.Add(40 * time.Minute), Closed: at.Add(50 * time.Minute), Issued: 348, Returned: 348, Valid: 348,
		Candidates: []CountedCandidate{
			{Name: candidateName(53), Votes: 250, Share: 71.43, Elected: true},
			{Name: candidateName(54), Votes: 160, Share: 45.71},
			{Name: candidateName(55), Votes: 220, Share: 62.86, Elected: true},
		}}
	in.Rounds = []CountingRound{r1, r2}
	return in
}

// flat is the PDF's text with runs of white space made one space and the
// page footers taken out.
func flat(tb testing.TB, b []byte) string {
	text := strings.Join(strings.Fields(pdfText(tb, b, "-raw")), " ")
	return regexp.MustCompile(` ?(Biên bản kiểm phiếu|Minutes of the count) — [^—]*— (Trang \d+/\d+|Page \d+ of \d+)`).ReplaceAllString(text, "")
}

func TestCountingMinutes(t *testing.T) {
	e := mustEngine(t, Config{})
	in := congress()
	t.Run("election in Vietnamese", func(t *testing.T) {
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, ""); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		pages := mustPages(t, e, out.Bytes())
		if pages < 2 {
			t.Errorf("pages = %d, want the 70 names and two rounds to need at least 2", pages)
		}
		raw := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
		wantText(t, raw, fmt.Sprintf("Biên bản kiểm phiếu — %s — Trang %d/%d", in.Title, pages, pages))
		text := flat(t, out.Bytes())
		wantText(t, text, "ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẠI HỘI ĐẠI BIỂU ĐẢNG BỘ TỈNH LẦN THỨ XVI",
			"Hội trường Trung tâm Hội nghị tỉnh, ngày 03 tháng 12 năm 2026",
			"BIÊN BẢN KIỂM PHIẾU", in.Title,
			"Hôm nay, lúc 09:30 ngày 03/12/2026, tại Hội trường Trung tâm Hội nghị tỉnh, Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI tiến hành bầu Ban Chấp hành Đảng bộ tỉnh khóa XVI, nhiệm kỳ 2025–2030 theo Quy chế",
			"Quyết định số 190-QĐ/TW ngày 10/10/2024",
			"I. BAN KIỂM PHIẾU", "1. Đinh Thị Lan — Trưởng ban", "2. Ngô Văn Bình — Ủy viên",
			"Số lượng cần bầu: 55 đồng chí.", "Danh sách bầu cử: 70 đồng chí. Số dư: 15 đồng chí (27,27% so với số lượng cần bầu).",
			"Cơ sở tính kết quả: tổng số đại biểu được triệu tập: 350 đồng chí.", "Số đại biểu có mặt khi bỏ phiếu: 348 đồng chí.",
			"Lần bỏ phiếu thứ 1 (từ 09:30 đến 09:50)",
			"Số phiếu phát ra: 348; Số phiếu thu về: 347 (trong đó phiếu giấy: 48).",
			"Số phiếu hợp lệ: 344; Số phiếu không hợp lệ: 3 (để lại nhiều hơn số lượng cần bầu: 2; gạch tên tất cả: 1).",
			"Phòng họp Hình thức bỏ phiếu Phát ra Thu về", "Hội trường chính máy tính bảng 300 299", "Điểm cầu huyện Hòa Bình phiếu giấy (nhập ba lần) 48 48",
			"TT Họ và tên Năm sinh Số phiếu bầu Tỷ lệ Ghi chú",
			"1 "+candidateName(0)+" 1965 340 97,14% trúng cử",
			"54 "+candidateName(53)+" 1978 180 51,43%",
			"70 "+candidateName(69)+" 1974 101 28,86%",
			"Những đồng chí sau đây trúng cử (xếp theo số phiếu từ cao đến thấp, đạt quá một nửa so với tổng số đại biểu được triệu tập):",
			"1. "+candidateName(0)+" — 340 (97,14%)", "53. "+candidateName(52)+" — 184 (52,57%)",
			"Các đồng chí sau đây có số phiếu bằng nhau ở vị trí cuối cùng: "+strings.Join(in.Rounds[0].Tied, ", "),
			"Lần bỏ phiếu thứ 2 (từ 10:10 đến 10:20)",
			"1. "+candidateName(53)+" — 250 (71,43%) 2. "+candidateName(55)+" — 220 (62,86%)",
			"Biên bản được lập lúc 10:20 ngày 03/12/2026.",
			"BAN KIỂM PHIẾU", "TRƯỞNG BAN", "ỦY VIÊN", "Đinh Thị Lan", "Phùng Quốc Việt", "Tạ Thu Thủy",
			"Chuỗi kiểm chứng: sự kiện cuối số 4211", in.ChainHash)
		// Every name of the list is printed, whole.
		for i := range 70 {
			if !strings.Contains(text, candidateName(i)) {
				t.Errorf("%s is missing", candidateName(i))
			}
		}
		// The second round says nothing of a shortfall: both seats filled.
		if _, r2, _ := strings.Cut(text, "Lần bỏ phiếu thứ 2"); strings.Contains(r2, "chưa đủ số lượng") {
			t.Errorf("round 2 reports a shortfall")
		}
	})
	t.Run("election in English", func(t *testing.T) {
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "en"); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "COMMUNIST PARTY OF VIETNAM", "MINUTES OF THE COUNT", "Decision 190-QĐ/TW", "I. COUNTING COMMITTEE",
			"1. Đinh Thị Lan — Head", "Seats to fill: 55.", "Surplus: 15 (27.27% of the seats).",
			"Base of the result: the delegates convened: 350.", "Ballots issued: 348; Ballots returned: 347 (of which on paper: 48).",
			"kept more names than seats: 2", "1 "+candidateName(0)+" 1965 340 97.14% elected", "Tied for the last seat:", "HEAD")
	})
	t.Run("a committee's base and a shortfall", func(t *testing.T) {
		// The standing committee elected by the plenum: 11 members, one
		// excused, so 6 votes are needed; 5 are not enough.
		in := CountingInput{Meeting: "Hội nghị lần thứ nhất Ban Chấp hành Đảng bộ tỉnh", Title: "Bầu Ban Thường vụ Tỉnh ủy", Seats: 3,
			Date:      time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
			Base:      CountingBase{Kind: BaseMembers, Convened: 11, Excused: 1, Value: 10},
			Committee: []CommitteeMember{{Name: "Vũ Thị Hạnh"}, {Name: "Kiều Văn Sơn"}, {Name: "Mạc Đăng Khoa"}},
			Rounds: []CountingRound{{Number: 1, Closed: time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC), Issued: 10, Returned: 10, Valid: 10,
				Candidates: []CountedCandidate{{Name: "Nguyễn Văn Ánh", Votes: 9, Share: 90, Elected: true}, {Name: "Trần Thị Bảo", Votes: 6, Share: 60, Elected: true},
					{Name: "Lê Quốc Cường", Votes: 5, Share: 50}, {Name: "Phạm Hữu Dũng", Votes: 4, Share: 40}}}}}
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "Hôm nay, ngày 03/12/2026, Hội nghị lần thứ nhất Ban Chấp hành Đảng bộ tỉnh tiến hành bầu Ban Thường vụ Tỉnh ủy theo", "Số ủy viên chính thức: 11; vắng mặt suốt thời gian hội nghị có lý do được chấp thuận: 1.",
			"Cơ sở tính kết quả: số ủy viên chính thức, trừ số vắng mặt có lý do được chấp thuận: 10 đồng chí.",
			"Số dư: 1 đồng chí (33,33% so với số lượng cần bầu)",
			"3 Lê Quốc Cường 5 50,00%", "1. Nguyễn Văn Ánh — 9 (90,00%) 2. Trần Thị Bảo — 6 (60,00%)",
			"Số người trúng cử (2) chưa đủ số lượng cần bầu (3).", "1. Vũ Thị Hạnh — Thành viên", "THÀNH VIÊN")
		if strings.Contains(text, "Lần bỏ phiếu thứ") {
			t.Errorf("a single round is numbered")
		}
		if strings.Contains(text, "Lê Quốc Cường — 5") {
			t.Errorf("half of the base is listed as elected")
		}
	})
	t.Run("no surplus: agree and disagree", func(t *testing.T) {
		in := CountingInput{Meeting: "Hội nghị Ban Chấp hành", Title: "Bí thư Tỉnh ủy", Seats: 1,
			Base: CountingBase{Kind: BaseMembers, Convened: 55, Value: 55},
			Rounds: []CountingRound{{Number: 1, Closed: time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC), Issued: 55, Returned: 55, Valid: 55, Agreement: true, AgainstKnown: true,
				Candidates: []CountedCandidate{{Name: "Hoàng Thị Nguyệt", Born: 1971, Votes: 53, Share: 96.36, Against: 1, Elected: true}}}}}
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "Danh sách bầu cử: 1 đồng chí. Danh sách không có số dư",
			"TT Họ và tên Năm sinh Đồng ý Tỷ lệ Không đồng ý Ghi chú", "1 Hoàng Thị Nguyệt 1971 53 96,36% 1 trúng cử")
	})
	t.Run("confidence vote", func(t *testing.T) {
		in := CountingInput{Meeting: "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh", Title: "các chức danh do Hội đồng nhân dân tỉnh bầu", Confidence: true,
			Base:      CountingBase{Kind: BaseConvened, Convened: 60, Value: 60},
			Committee: []CommitteeMember{{Name: "Đinh Thị Lan", Head: true}, {Name: "Ngô Văn Bình"}},
			Rounds: []CountingRound{{Number: 1, Closed: time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC), Issued: 58, Returned: 58, Valid: 58,
				Candidates: []CountedCandidate{
					{Name: "Nguyễn Thị Hương", Position: "Chủ tịch Hội đồng nhân dân tỉnh", High: 40, Mid: 15, Low: 3, HighShare: 68.97, MidShare: 25.86, LowShare: 5.17},
					{Name: "Phạm Minh Dũng", Position: "Chủ tịch Ủy ban nhân dân tỉnh", High: 30, Mid: 20, Low: 7, None: 1, HighShare: 51.72, MidShare: 34.48, LowShare: 12.07, NoneShare: 1.72},
				}}}}
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "BIÊN BẢN KIỂM PHIẾU LẤY PHIẾU TÍN NHIỆM", "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh tiến hành lấy phiếu tín nhiệm các chức danh do Hội đồng nhân dân tỉnh bầu theo Quy định số 96-QĐ/TW ngày 02/02/2023 của Bộ Chính trị",
			"Danh sách bầu cử: 2 đồng chí.", "Kết quả cụ thể (số phiếu và tỷ lệ so với tổng số phiếu hợp lệ):",
			"TT Họ và tên, chức vụ Tín nhiệm cao Tín nhiệm Tín nhiệm thấp Không hợp lệ",
			"Nguyễn Thị Hương — Chủ tịch Hội đồng nhân dân tỉnh", "40 (68,97%) 15 (25,86%) 3 (5,17%) 0 (0,00%)",
			"30 (51,72%) 20 (34,48%) 7 (12,07%) 1 (1,72%)")
		for _, no := range []string{"Số lượng cần bầu", "trúng cử"} {
			if strings.Contains(text, no) {
				t.Errorf("a confidence vote's minutes say %q", no)
			}
		}
	})
	t.Run("a round still open", func(t *testing.T) {
		in := congress()
		in.Rounds = in.Rounds[:1]
		in.Rounds[0].Open, in.Rounds[0].Closed = true, time.Time{}
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
			t.Fatalf("CountingMinutes: %v", err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "Đang bỏ phiếu: chưa có kết quả.")
		if strings.Contains(text, "Số phiếu hợp lệ") {
			t.Errorf("an open round prints counts")
		}
	})
	t.Run("refusals", func(t *testing.T) {
		var buf bytes.Buffer
		wantCode(t, e.CountingMinutes(context.Background(), &buf, CountingInput{}, "vi"), meeting.Invalid)
		wantCode(t, e.CountingMinutes(context.Background(), &buf, in, "fr"), meeting.Invalid)
		if buf.Len() != 0 {
			t.Errorf("a refusal wrote %d bytes", buf.Len())
		}
	})
}

func TestSubject(t *testing.T) {
	tests := []struct{ title, verb, want string }{
		{"Bầu Ban Chấp hành Đảng bộ tỉnh", "bầu", "bầu Ban Chấp hành Đảng bộ tỉnh"},
		{"BẦU Bí thư Tỉnh ủy", "bầu", "bầu Bí thư Tỉnh ủy"},
		{"Ban Thường vụ Tỉnh ủy", "bầu", "bầu Ban Thường vụ Tỉnh ủy"},
		{"Bầu", "bầu", "bầu Bầu"},
		{"Lấy phiếu tín nhiệm các chức danh", "lấy phiếu tín nhiệm", "lấy phiếu tín nhiệm các chức danh"},
		{"Election of the committee", "election of", "election of the committee"},
		{"the committee", "election of", "election of the committee"},
	}
	for _, tt := range tests {
		if got := subject(tt.title, tt.verb); got != tt.want {
			t.Errorf("subject(%q, %q) = %q, want %q", tt.title, tt.verb, got, tt.want)
		}
	}
}
