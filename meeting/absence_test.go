package meeting

import (
	"fmt"
	"testing"
)

// TestMarkAbsent: the office records an absence with its reason, approved
// or not, before or during the meeting; an approved one of a member who
// never came is the "absent for the whole meeting with an approved reason"
// of the election rules (Excused); a check-in clears it.
func TestMarkAbsent(t *testing.T) {
	l := published(t)
	evs := l.run(t, step{"sec", MarkAbsent{Participant: "d3", Reason: "Đi công tác nước ngoài", Approved: true}},
		step{"chair", MarkAbsent{Participant: "d4", Reason: "Việc gia đình"}})
	for viewer, want := range map[string]bool{"d3": true, "chair": true, "sec": true, "d1": false, "obs": false} {
		if Visible(l.s, evs[0], viewer) != want {
			t.Errorf("d3's absence visible to %s: %v, want %v", viewer, !want, want)
		}
	}
	if a := l.s.Participants["d3"].Absence; a == nil || !a.Approved || a.During || l.s.Participants["d3"].Excused != "Đi công tác nước ngoài" {
		t.Fatalf("d3: %+v", l.s.Participants["d3"])
	}
	if a := l.s.Participants["d4"].Absence; a == nil || a.Approved || l.s.Participants["d4"].Excused != "" {
		t.Fatalf("d4: %+v", l.s.Participants["d4"])
	}
	l.run(t, step{"chair", OpenSession{}}, step{"d2", CheckIn{}}, step{"d2", CheckOut{}},
		step{"sec", MarkAbsent{Participant: "d2", Reason: "Họp đột xuất", Approved: true}})
	// d2 came, then left: absent with an approved reason, during the
	// meeting, but not for the whole meeting.
	if p := l.s.Participants["d2"]; p.Absence == nil || !p.Absence.During || !p.Absence.Approved || p.Excused != "" {
		t.Fatalf("d2: %+v", p)
	}
	l.run(t, step{"d3", CheckIn{}})
	if p := l.s.Participants["d3"]; p.Absence != nil || p.Excused != "" || !p.Attended {
		t.Fatalf("d3 checked in: %+v", p)
	}
	l.run(t, step{"sec", MarkAbsent{Participant: "d4", Reason: ""}})
	if p := l.s.Participants["d4"]; p.Absence != nil {
		t.Fatalf("d4 withdrawn: %+v", p)
	}

	refusals := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"a delegate", "d1", MarkAbsent{Participant: "d4", Reason: "x"}, Forbidden},
		{"present", "sec", MarkAbsent{Participant: "d3", Reason: "x"}, Conflict},
		{"not a member", "sec", MarkAbsent{Participant: "obs", Reason: "x"}, Invalid},
		{"unknown", "sec", MarkAbsent{Participant: "zz", Reason: "x"}, NotFound},
		{"approved without a reason", "sec", MarkAbsent{Participant: "d4", Approved: true}, Invalid},
		{"excused after attending", "sec", ExcuseAbsence{Participant: "d2", Reason: "x"}, Conflict},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			if evs, err := Decide(l.s, Actor{Participant: tt.actor}, tt.cmd, l.now); ErrorCode(err) != tt.want || evs != nil {
				t.Fatalf("got %v %v, want %s", evs, err, tt.want)
			}
		})
	}
	l.run(t, step{"chair", OpenPoll{Poll: "v1"}})
	if _, err := Decide(l.s, Actor{Participant: "sec"}, MarkAbsent{Participant: "d4", Reason: "x"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("an absence changed during a poll: %v", err)
	}
}

// TestAbsenceExcusedFoldsAsBefore: an old log's AbsenceExcused sets Excused
// exactly as it did, and reads as an approved absence.
func TestAbsenceExcusedFoldsAsBefore(t *testing.T) {
	l := published(t)
	l.run(t, step{"sec", ExcuseAbsence{Participant: "d3", Reason: "Ốm"}})
	if p := l.s.Participants["d3"]; p.Excused != "Ốm" || p.Absence == nil || !p.Absence.Approved || p.Absence.Reason != "Ốm" {
		t.Fatalf("%+v", p)
	}
	l.run(t, step{"sec", ExcuseAbsence{Participant: "d3", Reason: ""}})
	if p := l.s.Participants["d3"]; p.Excused != "" || p.Absence != nil {
		t.Fatalf("%+v", p)
	}
}

// TestSubstitute: a substitute reads what the member may read, votes for
// them only where the meeting allows (one ballot per member, whoever casts
// it), never in an election, and stands down when the member comes.
func TestSubstitute(t *testing.T) {
	l := published(t)
	// doc2 is confidential, for d1.
	if l.s.CanRead("obs", "doc2") {
		t.Fatal("the observer reads doc2 before standing in")
	}
	l.run(t, step{"sec", MarkAbsent{Participant: "d1", Reason: "Đi công tác", Approved: true}},
		step{"sec", SeatSubstitute{Participant: "obs", For: "d1"}})
	if l.s.Participants["obs"].For != "d1" || l.s.Participants["d1"].Substitute != "obs" {
		t.Fatalf("not linked: %+v %+v", l.s.Participants["obs"], l.s.Participants["d1"])
	}
	if !l.s.CanRead("obs", "doc2") || l.s.ViewFor("obs").Documents["doc2"].Withheld || l.s.LeanViewFor("obs").Documents["doc2"].Withheld {
		t.Fatal("the substitute does not read the member's confidential document")
	}
	if l.s.LeanShared("obs") {
		t.Fatal("a substitute's lean view is shared with others'")
	}
	for _, tt := range []struct {
		name string
		cmd  SeatSubstitute
		want Code
	}{
		{"a member as substitute", SeatSubstitute{Participant: "d2", For: "d3"}, Invalid},
		{"for a non-member", SeatSubstitute{Participant: "obs", For: "sec"}, Invalid},
		{"a second substitute", SeatSubstitute{Participant: "obs", For: "d3"}, Conflict},
		{"unknown member", SeatSubstitute{Participant: "obs", For: "zz"}, NotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if evs, err := Decide(l.s, Actor{Participant: "sec"}, tt.cmd, l.now); ErrorCode(err) != tt.want || evs != nil {
				t.Fatalf("got %v %v, want %s", evs, err, tt.want)
			}
		})
	}
	if _, err := Decide(l.s, Actor{Participant: "chair"}, SeatSubstitute{Participant: "obs", For: "d3"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("the chair seated a substitute: %v", err)
	}
	l.run(t, step{"chair", OpenSession{}}, step{"obs", CheckIn{}}, step{"d2", CheckIn{}}, step{"chair", OpenPoll{Poll: "v1"}})
	// By default a substitute does not vote.
	if _, err := Decide(l.s, Actor{Participant: "obs"}, CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("a substitute voted by default: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "sec"}, SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true}}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("the rules changed during a poll: %v", err)
	}
	l.run(t, step{"chair", ClosePoll{Poll: "v1", Tally: Tally{}}},
		step{"sec", SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true}}},
		step{"sec", CreatePoll{Poll: Poll{ID: "v3", Question: "Thông qua chương trình"}}},
		step{"chair", OpenPoll{Poll: "v3"}})
	evs := l.run(t, step{"obs", CastBallot{Poll: "v3", Choice: "against", BallotID: "b"}})
	if b := evs[0].Data.(BallotCast); b.Voter != "d1" || evs[0].Actor != "obs" || l.s.BallotVoter("obs") != "d1" {
		t.Fatalf("the substitute's ballot: %+v by %s", b, evs[0].Actor)
	}
	if !Visible(l.s, evs[0], "obs") || !Visible(l.s, evs[0], "d1") || Visible(l.s, evs[0], "d2") {
		t.Fatal("the substitute's ballot reaches the wrong viewers")
	}
	if v := l.s.LeanViewFor("obs").Polls["v3"].Voters; v["d1"] != "against" {
		t.Fatalf("the substitute's view of the ballot: %v", v)
	}
	if _, err := Decide(l.s, Actor{Participant: "obs"}, CastBallot{Poll: "v3", Choice: "for", BallotID: "c"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a second ballot for d1: %v", err)
	}
	// d1 comes: the substitute stands down, and d1 has voted already.
	l.run(t, step{"d1", CheckIn{}})
	if l.s.Participants["obs"].For != "" || l.s.Participants["d1"].Substitute != "" || l.s.CanRead("obs", "doc2") {
		t.Fatalf("the substitute did not stand down: %+v", l.s.Participants["obs"])
	}
	if _, err := Decide(l.s, Actor{Participant: "d1"}, CastBallot{Poll: "v3", Choice: "for", BallotID: "d"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("d1 voted twice: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "obs"}, CastBallot{Poll: "v3", Choice: "for", BallotID: "e"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("an unseated substitute voted: %v", err)
	}
	r := l.run(t, step{"chair", ClosePoll{Poll: "v3", Tally: Tally{"against": 1}}})[0].Data.(PollClosed).Result
	if r.Cast != 1 || r.Counts["against"] != 1 {
		t.Fatalf("result %+v", r)
	}
}

// TestSubstituteNoElection: a substitute never votes in an election round.
func TestSubstituteNoElection(t *testing.T) {
	l := electionLog(t, 0)
	l.run(t, step{"sec", SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true}}})
	l.run(t, step{"d4", CheckOut{}})
	l.run(t, step{"sec", SeatSubstitute{Participant: "obs", For: "d4"}}, step{"obs", CheckIn{}})
	l.run(t, step{"sec", CreateElection{Election: Election{ID: "bt", Title: "Bầu Bí thư", Seats: 1, Candidates: candidates(1)}}})
	approve(t, l, "bt")
	l.run(t, step{"chair", OpenElectionRound{Election: "bt"}})
	if _, err := Decide(l.s, Actor{Participant: "obs"}, CastBallot{Poll: "bt-r1", Marks: "1", BallotID: "b"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("a substitute voted in an election: %v", err)
	}
}

// TestBasesWithAbsences: the notes' example (11 members, one absent for
// the whole meeting with an approved reason, 10 present: 6 needed, 5 not
// enough) for each base, and what the rules change.
func TestBasesWithAbsences(t *testing.T) {
	absolute := func(base Base) *Poll {
		return &Poll{Choices: DefaultChoices(), Rule: Rule{Base: base, Threshold: Absolute}}
	}
	tests := []struct {
		name     string
		base     Base
		tu       Turnout
		votes    int
		wantBase int
		passed   bool
	}{
		{"members, excused stay on: 5 of 11", BaseMembers, Turnout{Members: 11, Present: 10, Excused: 1}, 5, 11, false},
		{"members, excused stay on: 6 of 11", BaseMembers, Turnout{Members: 11, Present: 10, Excused: 1}, 6, 11, true},
		{"members, excused off: 5 of 10", BaseMembers, Turnout{Members: 11, Present: 10, Excused: 1, ExcusedOff: true}, 5, 10, false},
		{"members, excused off: 6 of 10", BaseMembers, Turnout{Members: 11, Present: 10, Excused: 1, ExcusedOff: true}, 6, 10, true},
		// Where the rule matters: 12 members, one excused: 6 of 11 passes,
		// 6 of 12 does not.
		{"12 members, excused on: 6", BaseMembers, Turnout{Members: 12, Present: 11, Excused: 1}, 6, 12, false},
		{"12 members, excused off: 6", BaseMembers, Turnout{Members: 12, Present: 11, Excused: 1, ExcusedOff: true}, 6, 11, true},
		{"present: 5 of 10", BasePresent, Turnout{Members: 11, Present: 10, Excused: 1}, 5, 10, false},
		{"present: 6 of 10", BasePresent, Turnout{Members: 11, Present: 10, Excused: 1}, 6, 10, true},
		// 10 present and a voting substitute for the eleventh: 11.
		{"present with a substitute: 6 of 11", BasePresent, Turnout{Members: 11, Present: 10, Substitutes: 1}, 6, 11, true},
		{"present with a substitute: 5 of 11", BasePresent, Turnout{Members: 11, Present: 10, Substitutes: 1}, 5, 11, false},
		{"cast: 6 of 10", BaseCast, Turnout{Members: 11, Present: 10, Excused: 1, ExcusedOff: true}, 6, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			against := 10 - tt.votes
			if tt.base == BasePresent && tt.tu.Substitutes > 0 {
				against = 11 - tt.votes
			}
			r := ResultFor(absolute(tt.base), Tally{"for": tt.votes, "against": against}, tt.tu)
			if r.Base != tt.wantBase || r.Passed != tt.passed {
				t.Fatalf("base %d passed %v, want %d %v (%+v)", r.Base, r.Passed, tt.wantBase, tt.passed, r)
			}
		})
	}
}

// TestTurnout: the bases folded from a meeting: 11 members, one absent
// with an approved reason, one absent with a reason not approved and a
// voting substitute, nine present.
func TestTurnout(t *testing.T) {
	l := published(t)
	for i := 1; i <= 6; i++ {
		l.run(t, step{"sec", AddParticipant{Participant: Participant{ID: fmt.Sprintf("e%d", i), Name: "Ủy viên", Role: RoleDelegate, Room: "main"}}})
	}
	// 11 members: chair, d1–d4, e1–e6.
	l.run(t, step{"sec", MarkAbsent{Participant: "e6", Reason: "Đi công tác nước ngoài", Approved: true}},
		step{"sec", MarkAbsent{Participant: "e5", Reason: "Bận việc riêng"}},
		step{"sec", SeatSubstitute{Participant: "obs", For: "e5"}},
		step{"chair", OpenSession{}})
	for _, v := range voterIDs(l.s) {
		if v != "e6" && v != "e5" && !l.s.Participants[v].Present {
			l.run(t, step{v, CheckIn{}})
		}
	}
	l.run(t, step{"obs", CheckIn{}})
	if tu := l.s.Turnout(); tu != (Turnout{Members: 11, Present: 9, Excused: 1}) {
		t.Fatalf("turnout %+v", tu)
	}
	l.run(t, step{"sec", SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true, ExcusedOffBase: true}}})
	if tu := l.s.Turnout(); tu != (Turnout{Members: 11, Present: 9, Excused: 1, ExcusedOff: true, Substitutes: 1}) {
		t.Fatalf("turnout %+v", tu)
	}
	l.run(t, step{"sec", CreatePoll{Poll: Poll{ID: "m", Question: "Thông qua", Rule: Rule{Base: BaseMembers, Threshold: Absolute}}}},
		step{"chair", OpenPoll{Poll: "m"}})
	voters := []string{"chair", "d1", "d2", "d3", "d4", "obs"}
	for _, v := range voters {
		l.run(t, step{v, CastBallot{Poll: "m", Choice: "for", BallotID: v}})
	}
	r := l.run(t, step{"chair", ClosePoll{Poll: "m", Tally: Tally{"for": 6}}})[0].Data.(PollClosed).Result
	if r.Base != 10 || r.Excused != 1 || r.Substitutes != 1 || !r.Passed {
		t.Fatalf("result %+v", r)
	}
}
