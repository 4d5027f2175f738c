package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

// run decides and applies each command as actor, failing the test on a
// refusal: the meeting core makes the state the minutes are written from.
func run(tb testing.TB, s *meeting.State, now *time.Time, actor string, cmds ...meeting.Command) {
	tb.Helper()
	for _, cmd := range cmds {
		*now = now.Add(time.Second)
		evs, err := meeting.Decide(s, meeting.Actor{Participant: actor}, cmd, *now)
		if err != nil {
			tb.Fatalf("%s by %s: %v", cmd.CommandName(), actor, err)
		}
		for _, e := range evs {
			if err := s.Apply(e); err != nil {
				tb.Fatalf("%s by %s: applying %s: %v", cmd.CommandName(), actor, e.Type(), err)
			}
		}
	}
}

// standingCommittee is a plenum of 11 voters (the small meeting's chair
// and three delegates, and e1…e7), e7 absent for the whole meeting with an
// approved reason, that elects a counting committee (d2, d1, d3), then its
// standing committee: 4 seats, 5 names, base the members less the excused
// (10), so 6 votes are needed. Round 1 elects three and leaves a seat (5
// votes are not enough); round 2 fills it. Then a confidence vote on two
// people.
func standingCommittee(tb testing.TB) *meeting.State {
	tb.Helper()
	s := meeting.NewState()
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	cmds := meetingtest.SmallMeeting("hn-bch")
	publish := cmds[len(cmds)-1]
	run(tb, s, &now, "sec", cmds[:len(cmds)-1]...)
	for i := 1; i <= 7; i++ {
		run(tb, s, &now, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: fmt.Sprintf("e%d", i),
			Name: fmt.Sprintf("Ủy viên Số %d", i), Role: meeting.RoleDelegate, Room: "main"}})
	}
	run(tb, s, &now, "sec", publish)
	run(tb, s, &now, "sec", meeting.ExcuseAbsence{Participant: "e7", Reason: "Đi công tác nước ngoài (được Ban Thường vụ đồng ý)"})
	run(tb, s, &now, "chair", meeting.OpenSession{})
	present := []string{"chair", "d1", "d2", "d3", "e1", "e2", "e3", "e4", "e5", "e6"}
	for _, v := range present[1:] {
		run(tb, s, &now, v, meeting.CheckIn{})
	}
	show := func(poll string) {
		run(tb, s, &now, "chair", meeting.OpenPoll{Poll: poll})
		for _, v := range present {
			run(tb, s, &now, v, meeting.CastBallot{Poll: poll, Choice: "for", BallotID: poll + v})
		}
		run(tb, s, &now, "chair", meeting.ClosePoll{Poll: poll, Tally: meeting.Tally{"for": len(present), "against": 0, "abstain": 0}})
	}
	run(tb, s, &now, "sec", meeting.ProposeCommittee{Poll: "bkp", Members: []string{"d2", "d1", "d3"}})
	show("bkp")
	names := []string{"Nguyễn Văn Ánh", "Trần Thị Bảo", "Lê Quốc Cường", "Phạm Hữu Dũng", "Vũ Thị Hạnh"}
	var cands []meeting.Candidate
	for i, n := range names {
		cands = append(cands, meeting.Candidate{ID: fmt.Sprintf("c%d", i+1), Name: n, BirthYear: 1970 + i, Position: "Tỉnh ủy viên"})
	}
	run(tb, s, &now, "sec", meeting.CreateElection{Election: meeting.Election{ID: "btv", Title: "Bầu Ban Thường vụ Tỉnh ủy khóa XVI",
		Kind: meeting.KindElection, Seats: 4, Candidates: cands, Base: meeting.BaseOfficial}})
	show(s.Elections["btv"].Approval)
	round := func(election string, marks []string) {
		run(tb, s, &now, "chair", meeting.OpenElectionRound{Election: election})
		e := s.Elections[election]
		poll := e.Rounds[len(e.Rounds)-1]
		for i, m := range marks {
			run(tb, s, &now, present[i], meeting.CastBallot{Poll: poll, Marks: m, BallotID: poll + present[i]})
		}
		run(tb, s, &now, "chair", meeting.ClosePoll{Poll: poll, Tally: meeting.Tally{meeting.BallotChoice: len(marks)}, Ballots: marks})
	}
	// c1 9, c2 7, c3 6, c4 5, c5 3 votes; one ballot strikes every name.
	round("btv", []string{"11110", "11110", "11110", "11110", "11101", "11001", "11001", "10110", "10000", "00000"})
	// c4 and c5 for the seat left: c4 7, c5 3.
	round("btv", []string{"10", "10", "10", "10", "10", "10", "10", "01", "01", "01"})
	run(tb, s, &now, "sec", meeting.CreateElection{Election: meeting.Election{ID: "tn", Title: "Lấy phiếu tín nhiệm Thường trực Tỉnh ủy",
		Kind: meeting.KindConfidence, Candidates: []meeting.Candidate{
			{ID: "p1", Name: "Hoàng Thị Nguyệt", Position: "Bí thư Tỉnh ủy"}, {ID: "p2", Name: "Đỗ Minh Khoa", Position: "Phó Bí thư Thường trực"}}}})
	round("tn", []string{"hm", "hm", "hh", "hl", "mm", "hm", "hl", "h-", "hm", "ml"})
	return s
}

func TestCountingInputFrom(t *testing.T) {
	s := standingCommittee(t)
	in, err := CountingInputFrom(s, "btv")
	if err != nil {
		t.Fatal(err)
	}
	if in.Base != (CountingBase{Kind: BaseMembers, Convened: 11, Excused: 1, Value: 10}) {
		t.Errorf("base %+v, want 11 members, 1 excused, 10", in.Base)
	}
	if len(in.Committee) != 3 || in.Committee[0] != (CommitteeMember{Name: "Trần Văn Đức", Head: true}) || in.Committee[1].Head {
		t.Errorf("committee %+v, want d2 (Trần Văn Đức) first and head", in.Committee)
	}
	if len(in.Rounds) != 2 {
		t.Fatalf("%d rounds, want 2", len(in.Rounds))
	}
	r1 := in.Rounds[0]
	if r1.Issued != 10 || r1.Returned != 10 || r1.Valid != 9 || r1.Invalid != 1 || r1.Open {
		t.Errorf("round 1 ballots %d/%d/%d/%d open %v, want 10/10/9/1", r1.Issued, r1.Returned, r1.Valid, r1.Invalid, r1.Open)
	}
	var got []string
	for _, c := range r1.Candidates {
		got = append(got, fmt.Sprintf("%s %d %.2f %v", c.Name, c.Votes, c.Share, c.Elected))
	}
	want := []string{"Nguyễn Văn Ánh 9 90.00 true", "Trần Thị Bảo 7 70.00 true", "Lê Quốc Cường 6 60.00 true", "Phạm Hữu Dũng 5 50.00 false", "Vũ Thị Hạnh 3 30.00 false"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("round 1 %q, want %q", got, want)
	}
	if r2 := in.Rounds[1]; r2.Number != 2 || r2.Seats != 1 || len(r2.Candidates) != 2 || !r2.Candidates[0].Elected || r2.Candidates[0].Votes != 7 {
		t.Errorf("round 2 %+v, want c4 elected with 7 for the seat left", r2)
	}
	conf, err := CountingInputFrom(s, "tn")
	if err != nil {
		t.Fatal(err)
	}
	if !conf.Confidence || len(conf.Rounds) != 1 {
		t.Fatalf("confidence input %+v", conf)
	}
	p1, p2 := conf.Rounds[0].Candidates[0], conf.Rounds[0].Candidates[1]
	if p1.High != 8 || p1.Mid != 2 || p1.Low != 0 || p2.High != 1 || p2.Mid != 5 || p2.Low != 3 || p2.None != 1 {
		t.Errorf("levels %+v / %+v", p1, p2)
	}
	for _, tt := range []struct {
		id   string
		code meeting.Code
	}{{"nope", meeting.NotFound}} {
		_, err := CountingInputFrom(s, tt.id)
		wantCode(t, err, tt.code)
	}
	_, err = CountingInputFrom(meeting.NewState(), "btv")
	wantCode(t, err, meeting.Invalid)
}

// TestCountingMinutesBeforeTheVote: an election prepared but not yet voted
// on has minutes that say so, and no section in the meeting's minutes.
func TestCountingMinutesBeforeTheVote(t *testing.T) {
	e := mustEngine(t, Config{})
	s := standingCommittee(t)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	run(t, s, &now, "sec", meeting.CreateElection{Election: meeting.Election{ID: "ubkt", Title: "Bầu Ủy ban Kiểm tra Tỉnh ủy",
		Kind: meeting.KindElection, Seats: 2, Candidates: []meeting.Candidate{{ID: "k1", Name: "Tạ Văn Khải"}, {ID: "k2", Name: "Lò Thị Mai"}}}})
	in, err := CountingInputFrom(s, "ubkt")
	if err != nil || len(in.Rounds) != 0 || in.Listed != 2 {
		t.Fatalf("input %+v, %v; want no round, 2 names listed", in, err)
	}
	var out bytes.Buffer
	if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
		t.Fatal(err)
	}
	wantText(t, flat(t, out.Bytes()), "Bầu Ủy ban Kiểm tra Tỉnh ủy", "Số lượng cần bầu: 2 đồng chí.", "Danh sách bầu cử: 2 đồng chí. Danh sách không có số dư",
		"III. KẾT QUẢ KIỂM PHIẾU Chưa bỏ phiếu.")
	out.Reset()
	if err := e.Minutes(context.Background(), &out, s, "vi"); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, out.Bytes(), "-raw"); strings.Contains(text, "3. Bầu Ủy ban Kiểm tra") {
		t.Errorf("an election not voted on has a section in the minutes")
	}
}

func TestElectionMinutesFromState(t *testing.T) {
	e := mustEngine(t, Config{})
	s := standingCommittee(t)
	t.Run("counting minutes", func(t *testing.T) {
		in, err := CountingInputFrom(s, "btv")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := e.CountingMinutes(context.Background(), &out, in, "vi"); err != nil {
			t.Fatal(err)
		}
		text := flat(t, out.Bytes())
		wantText(t, text, "BIÊN BẢN KIỂM PHIẾU", "Bầu Ban Thường vụ Tỉnh ủy khóa XVI",
			"Phiên họp thường kỳ Ủy ban nhân dân tỉnh tiến hành bầu Ban Thường vụ Tỉnh ủy khóa XVI theo",
			"1. Trần Văn Đức — Trưởng ban", "2. Nguyễn Thị Hương — Ủy viên",
			"Số ủy viên chính thức: 11; vắng mặt suốt thời gian hội nghị có lý do được chấp thuận: 1.",
			"Cơ sở tính kết quả: số ủy viên chính thức, trừ số vắng mặt có lý do được chấp thuận: 10 đồng chí.",
			"Lần bỏ phiếu thứ 1", "Số phiếu phát ra: 10; Số phiếu thu về: 10.", "Số phiếu hợp lệ: 9; Số phiếu không hợp lệ: 1 (gạch tên tất cả: 1).", "Lần bỏ phiếu thứ 1 (từ 08:0",
			"1 Nguyễn Văn Ánh 1970 9 90,00% trúng cử", "3 Lê Quốc Cường 1972 6 60,00% trúng cử", "4 Phạm Hữu Dũng 1973 5 50,00% 5 Vũ Thị Hạnh",
			"Số người trúng cử (3) chưa đủ số lượng cần bầu (4).",
			"Lần bỏ phiếu thứ 2", "1. Phạm Hữu Dũng — 7 (70,00%)",
			"TRƯỞNG BAN", "Trần Văn Đức", "Hoàng Thị Thu Hà", "Chuỗi kiểm chứng")
	})
	t.Run("meeting minutes have the elections", func(t *testing.T) {
		for _, tt := range []struct{ lang, heading, elected, conf string }{
			{"vi", "IV. BẦU CỬ VÀ LẤY PHIẾU TÍN NHIỆM", "Trúng cử (3/4): Nguyễn Văn Ánh (9; 90,00%), Trần Thị Bảo (7; 70,00%), Lê Quốc Cường (6; 60,00%). Chưa đủ số lượng cần bầu.",
				"Hoàng Thị Nguyệt: tín nhiệm cao 8 (80,00%), tín nhiệm 2 (20,00%), tín nhiệm thấp 0 (0,00%)"},
			{"en", "IV. ELECTIONS AND CONFIDENCE VOTES", "Elected (3 of 4): Nguyễn Văn Ánh (9; 90.00%), Trần Thị Bảo (7; 70.00%), Lê Quốc Cường (6; 60.00%). Seats remain to fill.",
				"Hoàng Thị Nguyệt: high confidence 8 (80.00%), confidence 2 (20.00%), low confidence 0 (0.00%)"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				var out bytes.Buffer
				if err := e.Minutes(context.Background(), &out, s, tt.lang); err != nil {
					t.Fatal(err)
				}
				text := strings.Join(strings.Fields(pdfText(t, out.Bytes(), "-raw")), " ")
				wantText(t, text, tt.heading, "1. Bầu Ban Thường vụ Tỉnh ủy khóa XVI", "2. Lấy phiếu tín nhiệm Thường trực Tỉnh ủy",
					tt.elected, "Phạm Hữu Dũng (7; 70", tt.conf)
				// A round is not an ordinary secret poll of the minutes.
				if strings.Contains(text, "Phiếu bầu") || strings.Contains(text, "ballot: 10") {
					t.Errorf("a round is printed as an ordinary poll")
				}
			})
		}
	})
}
