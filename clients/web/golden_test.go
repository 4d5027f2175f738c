package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

var update = flag.Bool("update", false, "rewrite test/golden/fold.json from the Go domain")

// goldenPath is the file the TypeScript fold test replays (test/fold.golden.test.ts).
var goldenPath = filepath.Join("test", "golden", "fold.json")

// golden is a meeting's event log and the state Go's Apply folds it into.
type golden struct {
	Events []meeting.Event `json:"events"`
	State  *meeting.State  `json:"state"`
}

type step struct {
	actor string
	cmd   meeting.Command
}

// session is a meeting played through every kind of event the web client folds.
func session() []step {
	var steps []step
	for _, c := range meetingtest.SmallMeeting("m1") {
		steps = append(steps, step{meetingtest.Secretary.Participant, c})
	}
	chair, d1, d2, d3 := meetingtest.Chair, meetingtest.Delegates[0], meetingtest.Delegates[1], meetingtest.Delegates[2]
	sec := meetingtest.Secretary.Participant
	return append(steps,
		step{sec, meeting.UpdateMeeting{Place: "Hội trường Tỉnh ủy"}},
		step{sec, meeting.AddRoom{Room: meeting.Room{ID: "district-a", Name: "Điểm cầu huyện Phong Điền"}}},
		step{sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "d4", Name: "Huỳnh Văn Sơn", Role: meeting.RoleDelegate, Room: "district-a", Seat: "B01"}}},
		step{sec, meeting.UpdateParticipant{Participant: meeting.Participant{ID: "d4", Name: "Huỳnh Văn Sơn", Title: "Bí thư Huyện ủy Phong Điền", Role: meeting.RoleDelegate, Room: "main", Seat: "A07"}}},
		step{sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "obs", Name: "Nguyễn Hữu Phước", Role: meeting.RoleObserver, Room: "main"}}},
		step{sec, meeting.RemoveParticipant{Participant: "obs"}},
		step{sec, meeting.AddAgendaItem{Item: meeting.Item{ID: "i2a", Parent: "i2", Title: "Tờ trình của Ban Tổ chức Tỉnh ủy"}}},
		step{sec, meeting.AddAgendaItem{Item: meeting.Item{ID: "i2b", Parent: "i2", Title: "Ý kiến thẩm định"}}},
		step{sec, meeting.MoveAgendaItem{Item: "i3", Index: 0}},
		step{sec, meeting.MoveAgendaItem{Item: "i2b", Index: 0}},
		step{sec, meeting.AddDocument{Document: meeting.Document{ID: "doc2", Title: "Dự toán ngân sách 2027", Pages: 4, SHA256: strings.Repeat("cd", 32), Confidential: true}}},
		step{sec, meeting.AttachDocument{Item: "i2a", Document: "doc2"}},
		step{sec, meeting.AddProposal{Proposal: meeting.Proposal{ID: "pr1", Title: "Thông qua dự toán", Status: meeting.ProposalDraft}, Item: "i2a"}},
		step{sec, meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Thông qua dự toán", Proposal: "pr1", Secret: true,
			Rule: meeting.Rule{Base: meeting.BaseMembers, Threshold: meeting.Absolute, QuorumPercent: 50}}}},
		// Issue 13 (6): registered contributions prepared before the session.
		step{sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c1", Participant: d1, Topic: "Phát triển kinh tế số", Item: "i2a"}}},
		step{sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c2", Participant: d2, Topic: "Chuyển đổi số trong y tế"}}},
		step{sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c3", Participant: d3, Topic: "Cải cách hành chính"}}},
		step{sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c4", Participant: "d4", Topic: "Hạ tầng số cấp huyện"}}},
		step{sec, meeting.MoveContribution{Contribution: "c3", Index: 0}},
		step{sec, meeting.RemoveContribution{Contribution: "c2"}},
		step{chair, meeting.OpenSession{}},
		step{d1, meeting.CheckIn{}},
		step{d2, meeting.CheckIn{}},
		step{chair, meeting.CheckIn{}},
		step{sec, meeting.CheckIn{Participant: d3}},
		step{chair, meeting.SetCurrentItem{Item: "i2"}},
		step{chair, meeting.ShowDocument{Document: "doc1", Page: 1}},
		step{chair, meeting.TurnPage{Page: 3}},
		step{chair, meeting.HandPresentation{To: d1}},
		step{d1, meeting.TurnPage{Page: 4}},
		step{chair, meeting.HandPresentation{To: ""}},
		step{chair, meeting.SetFollowing{Room: "district-a", Follow: false}},
		step{chair, meeting.ShowInRoom{Room: "district-a", Document: "doc1", Page: 2}},
		step{chair, meeting.SetFollowing{Room: "district-a", Follow: true}},
		step{chair, meeting.SetFollowing{Room: "district-a", Follow: false}},
		step{d1, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: "doc1", Page: 2, Kind: meeting.AnnotationNote,
			Color: "#FFD400", Rect: [4]float64{0.5, 0.5, 0.5, 0.5}, Text: "Hỏi lại số liệu quý III"}}},
		step{d1, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "h1", Document: "doc1", Page: 3, Kind: meeting.AnnotationHighlight,
			Color: "#FFFF00", Rect: [4]float64{0.1, 0.2, 0.6, 0.25}}}},
		step{d1, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "k1", Document: "doc1", Page: 3, Kind: meeting.AnnotationInk,
			Color: "#FF0000", Points: [][2]float64{{0.1, 0.1}, {0.2, 0.15}, {0.3, 0.1}}}}},
		step{d1, meeting.DeleteAnnotation{ID: "h1"}},
		step{chair, meeting.SaveAnnotation{Shared: true, Annotation: meeting.Annotation{ID: "s1", Document: "doc1", Page: 4, Kind: meeting.AnnotationHighlight,
			Color: "#00AAFF", Rect: [4]float64{0.2, 0.3, 0.8, 0.35}}}},
		step{chair, meeting.SaveAnnotation{Shared: true, Annotation: meeting.Annotation{ID: "s2", Document: "doc1", Page: 4, Kind: meeting.AnnotationNote,
			Color: "#00AAFF", Rect: [4]float64{0.1, 0.1, 0.1, 0.1}, Text: "Điểm cần biểu quyết"}}},
		step{chair, meeting.DeleteAnnotation{ID: "s2", Shared: true}},
		step{d2, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: "doc1", Page: 1, Kind: meeting.AnnotationNote,
			Color: "#FFD400", Rect: [4]float64{0.3, 0.3, 0.3, 0.3}, Text: "Ý kiến riêng"}}},
		step{d2, meeting.DeleteAnnotation{ID: "n1"}},
		step{d1, meeting.RequestFloor{}},
		step{d2, meeting.RequestFloor{Topic: "Ý kiến về dự toán ngân sách", Kind: meeting.SpeechQuestion}},
		step{d3, meeting.RequestFloor{Kind: meeting.SpeechOrder}},
		step{d3, meeting.WithdrawFloor{}},
		step{chair, meeting.GiveFloor{}},
		step{chair, meeting.EndFloor{}},
		step{chair, meeting.GiveFloor{Contribution: "c3"}},
		step{d1, meeting.RequestFloor{Topic: "Thủ tục biểu quyết", Kind: meeting.SpeechOrder}},
		step{chair, meeting.GiveFloor{Participant: d2}},
		step{chair, meeting.OpenPoll{Poll: "v1"}},
		step{d1, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}},
		step{d2, meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "b2"}},
		step{chair, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b3"}},
		step{chair, meeting.ClosePoll{Poll: "v1", Tally: meeting.Tally{"for": 2, "against": 1}}},
		step{chair, meeting.OpenPoll{Poll: "v2"}},
		step{d1, meeting.CastBallot{Poll: "v2", Choice: "against", BallotID: "b4"}},
		step{chair, meeting.ClosePoll{Poll: "v2", Tally: meeting.Tally{"against": 1}}},
		// Issue 13 (2): an absence with a reason not approved, then
		// approved; a substitute who votes for the member; the rules.
		step{sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "pho", Name: "Đặng Văn Phó", Title: "Phó Bí thư Huyện ủy", Role: meeting.RoleObserver, Room: "main"}}},
		step{sec, meeting.MarkAbsent{Participant: "d4", Reason: "Bận việc riêng"}},
		step{chair, meeting.MarkAbsent{Participant: "d4", Reason: "Đi công tác", Approved: true}},
		step{sec, meeting.SetAttendanceRules{Rules: meeting.AttendanceRules{SubstitutesVote: true, ExcusedOffBase: true}}},
		step{sec, meeting.SeatSubstitute{Participant: "pho", For: "d4"}},
		step{"pho", meeting.CheckIn{}},
		step{sec, meeting.CreatePoll{Poll: meeting.Poll{ID: "v3", Question: "Thông qua chương trình công tác", Rule: meeting.Rule{Base: meeting.BasePresent, Threshold: meeting.Absolute}}}},
		step{chair, meeting.OpenPoll{Poll: "v3"}},
		step{"pho", meeting.CastBallot{Poll: "v3", Choice: "for", BallotID: "p1"}},
		step{chair, meeting.ClosePoll{Poll: "v3", Tally: meeting.Tally{"for": 1}}},
		step{sec, meeting.SeatSubstitute{Participant: "pho"}},
		step{sec, meeting.SetAttendanceRules{Rules: meeting.AttendanceRules{}}},
		// Issue 10: an election with a paper room — the committee and the list
		// approved by show of hands, a round with tablet ballots and a paper
		// sheet typed three times (one mismatch, resolved), an excused absence.
		step{sec, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Thường vụ", Kind: "election", Seats: 4,
			Candidates: []meeting.Candidate{{ID: "c01", Name: "Nguyễn Văn Ánh", BirthYear: 1970, Position: "Phó Bí thư"}, {ID: "c02", Name: "Trần Thị Bích Ngọc"},
				{ID: "c03", Name: "Lê Hoàng Cường", BirthYear: 1968}, {ID: "c04", Name: "Phạm Đức Dũng"}, {ID: "c05", Name: "Võ Thị Hồng Nhung"}},
			Base: "convened", PaperRooms: []string{"district-a"}}}},
		step{sec, meeting.ProposeCommittee{Poll: "bkp", Members: []string{d1, d2, d3}}},
		step{chair, meeting.OpenPoll{Poll: "bkp"}},
		step{d1, meeting.CastBallot{Poll: "bkp", Choice: "for", BallotID: "k1"}},
		step{d2, meeting.CastBallot{Poll: "bkp", Choice: "for", BallotID: "k2"}},
		step{chair, meeting.CastBallot{Poll: "bkp", Choice: "for", BallotID: "k3"}},
		step{chair, meeting.ClosePoll{Poll: "bkp", Tally: meeting.Tally{"for": 3}}},
		step{chair, meeting.OpenPoll{Poll: "bch-approval"}},
		step{d1, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "a1"}},
		step{d2, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "a2"}},
		step{chair, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "a3"}},
		step{chair, meeting.ClosePoll{Poll: "bch-approval", Tally: meeting.Tally{"for": 3}}},
		step{sec, meeting.ExcuseAbsence{Participant: "d4", Reason: "Đi công tác (được Ban Thường vụ đồng ý)"}},
		step{chair, meeting.OpenElectionRound{Election: "bch"}},
		step{d1, meeting.CastBallot{Poll: "bch-r1", Marks: "11110", BallotID: "e1"}},
		step{chair, meeting.CastBallot{Poll: "bch-r1", Marks: "01111", BallotID: "e2"}},
		step{d1, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 1, Marks: "11101"}},
		step{d2, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 1, Marks: "11101"}},
		step{d3, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 1, Marks: "11100"}},
		step{d1, meeting.ResolvePaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 1, Marks: "11101"}},
		step{d1, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 2, Marks: "10111"}},
		step{d2, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 2, Marks: "10111"}},
		step{d3, meeting.EnterPaperBallot{Poll: "bch-r1", Room: "district-a", Sheet: 2, Marks: "10111"}},
		step{chair, meeting.ClosePoll{Poll: "bch-r1", Tally: meeting.Tally{meeting.BallotChoice: 2}, Ballots: []string{"11110", "01111"}}},
		step{d2, meeting.CheckOut{}},
		step{chair, meeting.SetCurrentItem{Item: "i2a"}},
		// Issue 12: secrecy levels, their rules, the chair's leave for the
		// linked displays, a take-back, and the close that takes back the rest.
		step{sec, meeting.SetSecrecyRules{Level: meeting.ToiMat, Rules: meeting.LevelRules{Watermark: true, Offline: true, LinkedDisplays: true}}},
		step{sec, meeting.SetDocumentLevel{Document: "doc2", Level: meeting.TuyetMat}},
		step{chair, meeting.AllowRoomDisplay{Document: "doc2", Allow: true}},
		step{sec, meeting.AddDocument{Document: meeting.Document{ID: "doc3", Title: "Báo cáo nội bộ", Pages: 2, SHA256: strings.Repeat("ef", 32), Level: meeting.Mat}}},
		step{sec, meeting.AddDocument{Document: meeting.Document{ID: "doc4", Title: "Phương án nhân sự", Pages: 1, SHA256: strings.Repeat("12", 32)}}},
		step{sec, meeting.SetDocumentLevel{Document: "doc4", Level: meeting.ToiMat}},
		step{sec, meeting.SetDocumentLevel{Document: "doc4", Level: meeting.NotSecret}},
		step{sec, meeting.SetDocumentLevel{Document: "doc4", Level: meeting.ToiMat}},
		step{chair, meeting.TakeBackDocument{Document: "doc3"}},
		step{chair, meeting.Adjourn{}},
		step{chair, meeting.CloseMeeting{}},
	)
}

// play runs the session through the Go domain.
func play(tb testing.TB) golden {
	tb.Helper()
	var g golden
	st := meeting.NewState()
	now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	for i, s := range session() {
		now = now.Add(time.Second)
		evs, err := meeting.Decide(st, meeting.Actor{Participant: s.actor}, s.cmd, now)
		if err != nil {
			tb.Fatalf("step %d %s by %s: %v", i, s.cmd.CommandName(), s.actor, err)
		}
		for _, e := range evs {
			if err := st.Apply(e); err != nil {
				tb.Fatalf("step %d: applying %s: %v", i, e.Type(), err)
			}
			g.Events = append(g.Events, e)
		}
	}
	g.State = st
	return g
}

// TestGoldenFold keeps test/golden/fold.json, the event log and final state
// the TypeScript fold is checked against, in step with the Go domain. Run
// `go test ./clients/web -run Golden -update` after changing the domain.
func TestGoldenFold(t *testing.T) {
	g := play(t)
	got, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		t.Fatalf("encoding the golden file: %v", err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatalf("writing %s: %v", goldenPath, err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("reading %s (run with -update to create it): %v", goldenPath, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the Go domain: run `go test ./clients/web -run Golden -update` and then `npm test`\n%s", goldenPath, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return fmt.Sprintf("at byte %d:\n got: %q\nwant: %q", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
		}
	}
	return fmt.Sprintf("lengths differ: %d and %d", len(a), len(b))
}
