package meeting

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// candidates makes n candidates c1…cn with Vietnamese names.
func candidates(n int) []Candidate {
	out := make([]Candidate, n)
	for i := range out {
		out[i] = Candidate{ID: fmt.Sprintf("c%d", i+1), Name: fmt.Sprintf("Nguyễn Văn Ứng %d", i+1), BirthYear: 1970 + i%20, Position: "Ủy viên"}
	}
	return out
}

// electionLog is the test meeting in session with delegates e1…e<n> added
// in the main hall and checked in (d1–d4 and the chair checked in too).
func electionLog(tb testing.TB, n int) *log {
	tb.Helper()
	l := published(tb)
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("e%d", i)
		l.run(tb, step{"sec", AddParticipant{Participant: Participant{ID: id, Name: "Đại biểu " + id, Role: RoleDelegate, Room: "main"}}})
	}
	l.run(tb, step{"chair", OpenSession{}})
	for _, p := range l.s.Order {
		if l.s.Participants[p].Voter() && !l.s.Participants[p].Present {
			l.run(tb, step{p, CheckIn{}})
		}
	}
	return l
}

// voters returns the ids of the voters, in the order they were added.
func voterIDs(s *State) []string {
	var out []string
	for _, id := range s.Order {
		if s.Participants[id].Voter() {
			out = append(out, id)
		}
	}
	return out
}

// approve runs an election's approval poll: everyone present votes for.
func approve(tb testing.TB, l *log, election string) {
	tb.Helper()
	poll := l.s.Elections[election].Approval
	l.run(tb, step{"chair", OpenPoll{Poll: poll}})
	n := 0
	for _, v := range voterIDs(l.s) {
		if l.s.Participants[v].Present {
			l.run(tb, step{v, CastBallot{Poll: poll, Choice: "for", BallotID: "b"}})
			n++
		}
	}
	l.run(tb, step{"chair", ClosePoll{Poll: poll, Tally: Tally{"for": n, "against": 0, "abstain": 0}}})
}

// castRound casts marks[i] for the i-th voter and closes the round with
// the box's ballots (the same marks, reversed: a box gives no order).
func castRound(tb testing.TB, l *log, poll string, marks []string) *ElectionResult {
	tb.Helper()
	var vs []string
	for _, v := range voterIDs(l.s) {
		if l.s.Participants[v].Present {
			vs = append(vs, v)
		}
	}
	for i, m := range marks {
		l.run(tb, step{vs[i], CastBallot{Poll: poll, Marks: m, BallotID: "b" + vs[i]}})
	}
	box := slices.Clone(marks)
	slices.Reverse(box)
	l.run(tb, step{"chair", ClosePoll{Poll: poll, Tally: Tally{BallotChoice: len(marks)}, Ballots: box}})
	return l.s.Polls[poll].Result.Election
}

func TestElectionListSize(t *testing.T) {
	for _, tc := range []struct {
		seats, names int
		ok           bool
	}{
		{55, 70, true}, {55, 71, true}, {55, 72, false}, {10, 13, true}, {10, 14, false},
		{3, 3, true}, {1, 1, true}, {3, 2, false}, {0, 1, false},
	} {
		t.Run(fmt.Sprintf("%d names for %d seats", tc.names, tc.seats), func(t *testing.T) {
			l := draft(t)
			_, err := Decide(l.s, Actor{Participant: "sec"}, CreateElection{Election: Election{ID: "bch", Title: "Bầu Ban Chấp hành",
				Seats: tc.seats, Candidates: candidates(tc.names)}}, l.now)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				e := asError(t, err)
				if e.Code != Invalid || e.MessageVI == "" || e.Message == "" {
					t.Fatalf("refusal %+v, want an Invalid error in both languages", e)
				}
				if tc.names > tc.seats && tc.seats > 0 && !strings.Contains(e.MessageVI, "30%") {
					t.Fatalf("the refusal does not give the rule: %s", e.MessageVI)
				}
			}
		})
	}
}

func TestValidBallot(t *testing.T) {
	strike := &Poll{Style: StyleStrike, Seats: 2, Candidates: []string{"a", "b", "c"}}
	agree := &Poll{Style: StyleAgree, Seats: 3, Candidates: []string{"a", "b", "c"}}
	conf := &Poll{Style: StyleConfidence, Candidates: []string{"a", "b"}}
	for _, tc := range []struct {
		name  string
		p     *Poll
		marks string
		valid bool
	}{
		{"keeps as many as seats", strike, "110", true},
		{"keeps fewer than seats", strike, "100", true},
		{"keeps more than seats", strike, "111", false},
		{"strikes every name", strike, "000", false},
		{"agree with all", agree, "111", true},
		{"disagree with all", agree, "000", true},
		{"both and neither boxes", agree, "*-1", true},
		{"confidence", conf, "hl", true},
		{"confidence without marks", conf, "--", true},
		{"void paper", strike, PaperVoid, false},
		{"malformed", strike, "1x0", false},
		{"too short", strike, "11", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, vi, en := ValidBallot(tc.p, tc.marks)
			if ok != tc.valid || (!ok && (vi == "" || en == "")) {
				t.Fatalf("ValidBallot(%q) = %v %q %q, want %v with reasons", tc.marks, ok, vi, en, tc.valid)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		n, base int
		want    float64
	}{{1, 3, 33.33}, {2, 3, 66.66}, {100001, 200000, 50}, {1001, 2001, 50.02}, {3, 5, 60}, {1, 0, 0}} {
		if got := percent(tc.n, tc.base); got != tc.want {
			t.Errorf("percent(%d, %d) = %v, want %v", tc.n, tc.base, got, tc.want)
		}
	}
}

func TestElect(t *testing.T) {
	for _, tc := range []struct {
		name    string
		seats   int
		base    int
		votes   []int
		elected []string
		next    *NextRound
	}{
		{"all above half", 2, 10, []int{9, 6, 5}, []string{"c1", "c2"}, nil},
		{"highest first, up to the seats", 2, 10, []int{6, 9, 8}, []string{"c2", "c3"}, nil},
		{"exactly half is not enough", 2, 10, []int{9, 5, 5}, []string{"c1"}, &NextRound{Reason: NextShort, Candidates: []string{"c2", "c3"}, Seats: 1}},
		{"the rule's example: 11 members, 6 needed", 1, 11, []int{6, 5}, []string{"c1"}, nil},
		{"5 of 11 is not enough", 1, 11, []int{5, 5}, nil, &NextRound{Reason: NextShort, Candidates: []string{"c1", "c2"}, Seats: 1}},
		{"tie at the last seat", 2, 10, []int{9, 7, 7, 2}, []string{"c1"}, &NextRound{Reason: NextTie, Candidates: []string{"c2", "c3"}, Seats: 1}},
		{"tie for every seat", 1, 10, []int{7, 7, 1}, nil, &NextRound{Reason: NextTie, Candidates: []string{"c1", "c2"}, Seats: 1}},
		{"tie below the last seat elects both", 3, 10, []int{7, 7, 9, 1}, []string{"c3", "c1", "c2"}, nil},
		{"nobody above half", 2, 10, []int{5, 4, 3}, nil, &NextRound{Reason: NextShort, Candidates: []string{"c1", "c2", "c3"}, Seats: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &ElectionResult{Base: tc.base, Seats: tc.seats}
			p := &Poll{Seats: tc.seats}
			for i, v := range tc.votes {
				r.Candidates = append(r.Candidates, CandidateResult{ID: fmt.Sprintf("c%d", i+1), Votes: v})
			}
			elect(r, p)
			if !slices.Equal(r.Elected, tc.elected) || !reflect.DeepEqual(r.NextRound, tc.next) {
				t.Fatalf("elected %v, next %+v; want %v, %+v", r.Elected, r.NextRound, tc.elected, tc.next)
			}
		})
	}
}

// TestElectionRun runs an election of 4 seats from 5 names with 10 voters:
// the list approved by show of hands; round 1 elects one and ends in a tie
// of four at 6 votes for the 3 seats left; the chair opens round 2 among
// the tied, which fills them.
func TestElectionRun(t *testing.T) {
	l := electionLog(t, 5) // chair, d1–d4, e1–e5: 10 voters
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bch", Title: "Bầu Ban Thường vụ", Seats: 4, Candidates: candidates(5)}}})
	if _, err := Decide(l.s, Actor{Participant: "chair"}, OpenElectionRound{Election: "bch"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("round opened before the list was approved: %v", err)
	}
	approve(t, l, "bch")
	if !l.s.Elections["bch"].Approved {
		t.Fatal("the list was not approved")
	}
	evs := l.run(t, step{"chair", OpenElectionRound{Election: "bch"}})
	if len(evs) != 2 || l.s.Polls["bch-r1"].Status != PollOpen || l.s.Polls["bch-r1"].Style != StyleStrike {
		t.Fatalf("round 1: %v", l.s.Polls["bch-r1"])
	}
	// Two invalid ballots (keeps all five; strikes all); eight that keep
	// c1 and three of the other four, each of them struck twice.
	marks := []string{"11111", "00000", "10111", "10111", "11011", "11011", "11101", "11101", "11110", "11110"}
	r := castRound(t, l, "bch-r1", marks)
	if r.Valid != 8 || r.Invalid != 2 || r.Returned != 10 || r.Issued != 10 || r.Base != 10 ||
		!reflect.DeepEqual(r.InvalidReasons, map[string]int{InvalidTooMany: 1, InvalidAllStruck: 1}) {
		t.Fatalf("counts %+v", r)
	}
	if p := l.s.Polls["bch-r1"]; p.OpenedAt.IsZero() || !p.ClosedAt.After(p.OpenedAt) {
		t.Fatalf("round 1 opened %v, closed %v", p.OpenedAt, p.ClosedAt)
	}
	var got []int
	for _, c := range r.Candidates {
		got = append(got, c.Votes)
	}
	if !slices.Equal(got, []int{8, 6, 6, 6, 6}) || r.Candidates[0].Share != 80 || r.Candidates[1].Share != 60 {
		t.Fatalf("votes %v, %+v", got, r.Candidates)
	}
	if !slices.Equal(r.Elected, []string{"c1"}) || r.NextRound == nil || r.NextRound.Reason != NextTie || r.NextRound.Seats != 3 ||
		!slices.Equal(r.NextRound.Candidates, []string{"c2", "c3", "c4", "c5"}) {
		t.Fatalf("result %+v next %+v", r, r.NextRound)
	}
	if l.s.Polls["bch-r1"].Result.Passed {
		t.Fatal("a round with seats left passed")
	}
	// Round 2 among the four for three seats.
	l.run(t, step{"chair", OpenElectionRound{Election: "bch"}})
	p2 := l.s.Polls["bch-r2"]
	if p2.Round != 2 || p2.Seats != 3 || !slices.Equal(p2.Candidates, []string{"c2", "c3", "c4", "c5"}) || p2.Style != StyleStrike {
		t.Fatalf("round 2: %+v", p2)
	}
	r2 := castRound(t, l, "bch-r2", []string{"1110", "1110", "1110", "1110", "1110", "1110", "1101", "1101", "1011", "0111"})
	if !slices.Equal(r2.Elected, []string{"c2", "c3", "c4"}) || r2.NextRound != nil || !l.s.Polls["bch-r2"].Result.Passed {
		t.Fatalf("round 2: %+v", r2)
	}
	// A recount from the box's ballots agrees; one ballot changed does not.
	if err := Recount(l.s, "bch-r1", marks); err != nil {
		t.Fatalf("recount: %v", err)
	}
	changed := slices.Clone(marks)
	changed[2] = "11110"
	if err := Recount(l.s, "bch-r1", changed); ErrorCode(err) != Conflict {
		t.Fatalf("a changed ballot recounted the same: %v", err)
	}
	e := l.s.Elections["bch"]
	if !slices.Equal(e.Elected, []string{"c1", "c2", "c3", "c4"}) || !slices.Equal(e.Rounds, []string{"bch-r1", "bch-r2"}) {
		t.Fatalf("election %+v", e)
	}
	if _, err := Decide(l.s, Actor{Participant: "chair"}, OpenElectionRound{Election: "bch"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a third round was opened: %v", err)
	}
	// Every round is kept, and replays the same.
	replay := NewState()
	for _, ev := range l.events {
		if err := replay.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	if string(mustJSON(t, replay)) != string(mustJSON(t, l.s)) {
		t.Fatal("the replay differs")
	}
}

// TestElectionSecrecyInEvents: an election ballot's event names the voter,
// never the marks; the marks are refused from a named poll and malformed
// marks are refused.
func TestElectionSecrecyInEvents(t *testing.T) {
	l := electionLog(t, 0)
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bch", Title: "Bầu", Seats: 1, Candidates: candidates(1)}}})
	approve(t, l, "bch")
	l.run(t, step{"chair", OpenElectionRound{Election: "bch"}})
	evs := l.run(t, step{"d1", CastBallot{Poll: "bch-r1", Marks: "*", BallotID: "x"}})
	b, _ := json.Marshal(evs[0])
	if strings.Contains(string(b), `"*"`) || strings.Contains(string(b), "marks") || strings.Contains(string(b), "choice") {
		t.Fatalf("the ballot's event carries its marks: %s", b)
	}
	for _, tc := range []struct {
		name string
		cmd  CastBallot
		code Code
	}{
		{"malformed", CastBallot{Poll: "bch-r1", Marks: "2", BallotID: "x"}, Invalid},
		{"wrong length", CastBallot{Poll: "bch-r1", Marks: "11", BallotID: "x"}, Invalid},
		{"a choice", CastBallot{Poll: "bch-r1", Choice: "for", BallotID: "x"}, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decide(l.s, Actor{Participant: "d2"}, tc.cmd, l.now); ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

// TestPaperBallots: a room on paper; three committee members type every
// sheet; a mismatch blocks the close until resolved; the paper count adds
// to the electronic one.
func TestPaperBallots(t *testing.T) {
	l := electionLog(t, 3) // e1–e3 in the main hall; d4 in r2
	// The committee: e1, e2, e3 by show of hands.
	l.run(t, step{"sec", ProposeCommittee{Poll: "bkp", Members: []string{"e1", "e2", "e3"}}})
	// Proposed for the committee: not a candidate either.
	if _, err := Decide(l.s, Actor{Participant: "sec"}, CreateElection{Election: Election{ID: "x", Title: "X", Seats: 1,
		Candidates: []Candidate{{ID: "k", Name: "Ứng viên", Participant: "e3"}}}}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a member proposed for the committee was listed: %v", err)
	}
	l.run(t, step{"chair", OpenPoll{Poll: "bkp"}})
	l.run(t, step{"d1", CastBallot{Poll: "bkp", Choice: "for", BallotID: "x"}})
	evs := l.run(t, step{"chair", ClosePoll{Poll: "bkp", Tally: Tally{"for": 1, "against": 0, "abstain": 0}}})
	if len(evs) != 2 || !slices.Equal(l.s.Committee, []string{"e1", "e2", "e3"}) {
		t.Fatalf("committee %v after %d events", l.s.Committee, len(evs))
	}
	// A committee member cannot be a candidate.
	if _, err := Decide(l.s, Actor{Participant: "sec"}, CreateElection{Election: Election{ID: "x", Title: "X", Seats: 1,
		Candidates: []Candidate{{ID: "k", Name: "Ứng viên", Participant: "e2"}}}}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a committee member was listed: %v", err)
	}
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bch", Title: "Bầu", Seats: 1, Candidates: candidates(1), PaperRooms: []string{"r2"}}}})
	approve(t, l, "bch")
	l.run(t, step{"chair", OpenElectionRound{Election: "bch"}})
	if _, err := Decide(l.s, Actor{Participant: "d4"}, CastBallot{Poll: "bch-r1", Marks: "1", BallotID: "x"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a delegate of a paper room voted on the tablet: %v", err)
	}
	// Nobody moves a voter out of the paper room during the round (they
	// would vote twice), nor excuses them by an update.
	moved := *l.s.Participants["d4"]
	moved.Room = "main"
	if _, err := Decide(l.s, Actor{Participant: "sec"}, UpdateParticipant{Participant: moved}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a paper-room voter was moved during the round: %v", err)
	}
	excused := *l.s.Participants["d3"]
	excused.Excused = "x"
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, UpdateParticipant{Participant: excused}, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("UpdateParticipant set an excuse: %v, %v", evs, err)
	}
	if _, err := Decide(l.s, Actor{Participant: "d1"}, EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "1"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("a delegate not on the committee entered a paper ballot: %v", err)
	}
	// Sheet 1 agrees, sheet 2 has a mismatch (e3 typed 01).
	for _, m := range []string{"e1", "e2", "e3"} {
		l.run(t, step{m, EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "1"}})
	}
	l.run(t, step{"e1", EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 2, Marks: "1"}},
		step{"e2", EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 2, Marks: "1"}},
		step{"e3", EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 2, Marks: "0"}})
	if st := l.s.Polls["bch-r1"].Paper["r2"][2].Status; st != SheetMismatch {
		t.Fatalf("sheet 2 is %s", st)
	}
	// The electronic ballots: everyone present in the main hall.
	var marks []string
	for _, v := range voterIDs(l.s) {
		if l.s.Participants[v].Room == "main" {
			l.run(t, step{v, CastBallot{Poll: "bch-r1", Marks: "1", BallotID: "b"}})
			marks = append(marks, "1")
		}
	}
	closeCmd := ClosePoll{Poll: "bch-r1", Tally: Tally{BallotChoice: len(marks)}, Ballots: marks}
	_, err := Decide(l.s, Actor{Participant: "chair"}, closeCmd, l.now)
	if ErrorCode(err) != Conflict || !strings.Contains(err.Error(), "r2 #2") {
		t.Fatalf("closed with a mismatch: %v", err)
	}
	l.run(t, step{"e2", ResolvePaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 2, Marks: "1"}})
	l.run(t, step{"chair", closeCmd})
	r := l.s.Polls["bch-r1"].Result.Election
	if r.Returned != len(marks)+2 || r.Valid != r.Returned || r.Candidates[0].Votes != r.Returned {
		t.Fatalf("result %+v", r)
	}
	if i := slices.IndexFunc(r.Rooms, func(rc RoomCount) bool { return rc.Room == "r2" }); !r.Rooms[i].Paper || r.Rooms[i].Returned != 2 || r.Rooms[i].Issued != 1 {
		t.Fatalf("room r2 %+v", r.Rooms[i])
	}
	// A snapshot of it decodes to the same state.
	var back State
	if err := json.Unmarshal(mustJSON(t, l.s), &back); err != nil || string(mustJSON(t, &back)) != string(mustJSON(t, l.s)) {
		t.Fatalf("the snapshot does not round-trip: %v", err)
	}
	// Who sees the paper entries: not a delegate, the committee yes.
	if v := l.s.ViewFor("d1"); v.Polls["bch-r1"].Paper != nil {
		t.Fatal("a delegate sees the paper entries")
	}
	if v := l.s.ViewFor("e1"); v.Polls["bch-r1"].Paper == nil || len(v.Polls["bch-r1"].Voters) > 1 {
		t.Fatal("a committee member does not see the entries, or sees who voted")
	}
}

// TestConfidenceVote: three levels per person, counts and shares.
func TestConfidenceVote(t *testing.T) {
	l := electionLog(t, 0) // 5 voters
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "tn", Title: "Lấy phiếu tín nhiệm", Kind: KindConfidence, Candidates: candidates(2)}}})
	// Regulation 96: two thirds of those convened present; 3 of 5 is not.
	l.run(t, step{"d1", CheckOut{}}, step{"d2", CheckOut{}})
	if _, err := Decide(l.s, Actor{Participant: "chair"}, OpenElectionRound{Election: "tn"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a confidence vote opened with 3 of 5 present: %v", err)
	}
	l.run(t, step{"d1", CheckIn{}}, step{"d2", CheckIn{}})
	l.run(t, step{"chair", OpenElectionRound{Election: "tn"}})
	r := castRound(t, l, "tn-r1", []string{"hm", "hl", "m-", "h*", "lh"})
	want := []map[string]int{
		{LevelHigh: 3, LevelMedium: 1, LevelLow: 1, LevelNone: 0},
		{LevelHigh: 1, LevelMedium: 1, LevelLow: 1, LevelNone: 2},
	}
	for i, w := range want {
		if !reflect.DeepEqual(r.Candidates[i].Levels, w) {
			t.Fatalf("candidate %d: %v, want %v", i, r.Candidates[i].Levels, w)
		}
	}
	if r.Candidates[0].Shares[LevelHigh] != 60 || r.Valid != 5 || len(r.Elected) != 0 {
		t.Fatalf("result %+v", r)
	}
}

// TestExcusedBase: counted against the members, those absent with an
// approved reason come off the base (the rule's example: 11 members, one
// excused → 10, 6 votes needed).
func TestExcusedBase(t *testing.T) {
	l := published(t)
	for i := 1; i <= 6; i++ {
		l.run(t, step{"sec", AddParticipant{Participant: Participant{ID: fmt.Sprintf("e%d", i), Name: "Ủy viên", Role: RoleDelegate, Room: "main"}}})
	}
	// 11 members: chair, d1–d4, e1–e6. e6 is excused.
	l.run(t, step{"sec", ExcuseAbsence{Participant: "e6", Reason: "Đi công tác nước ngoài"}})
	l.run(t, step{"chair", OpenSession{}})
	for _, v := range voterIDs(l.s) {
		if v != "e6" && !l.s.Participants[v].Present {
			l.run(t, step{v, CheckIn{}})
		}
	}
	if _, err := Decide(l.s, Actor{Participant: "sec"}, ExcuseAbsence{Participant: "d1", Reason: "x"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a present member was excused: %v", err)
	}
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bt", Title: "Bầu Bí thư", Seats: 1, Base: BaseOfficial, Candidates: candidates(1)}}})
	approve(t, l, "bt")
	l.run(t, step{"chair", OpenElectionRound{Election: "bt"}})
	if l.s.Polls["bt-r1"].Style != StyleAgree {
		t.Fatalf("one name for one seat is not an agree ballot")
	}
	// 5 agree of 10: not elected.
	r := castRound(t, l, "bt-r1", []string{"1", "1", "1", "1", "1", "0", "0", "-", "*", "0"})
	if r.Base != 10 || r.Candidates[0].Votes != 5 || r.Candidates[0].Against != 3 || len(r.Elected) != 0 || r.Valid != 10 {
		t.Fatalf("result %+v", r)
	}
}

// TestCreatePollMakesOrdinaryPolls: CreatePoll cannot make a round, an
// approval or a committee poll (they have their own commands and checks).
func TestCreatePollMakesOrdinaryPolls(t *testing.T) {
	l := electionLog(t, 0)
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bch", Title: "Bầu", Seats: 1, Candidates: candidates(1)}}})
	l.run(t, step{"sec", CreatePoll{Poll: Poll{ID: "x", Question: "Giả", Kind: KindElection, Election: "bch", Candidates: []string{"c1"},
		Seats: 1, Style: StyleAgree, Approves: "bch", Committee: []string{"d1"}}}})
	p := l.s.Polls["x"]
	if p.Kind != "" || p.Election != "" || p.Approves != "" || p.Committee != nil || p.Candidates != nil || len(l.s.Elections["bch"].Rounds) != 0 {
		t.Fatalf("CreatePoll made %+v", p)
	}
}
