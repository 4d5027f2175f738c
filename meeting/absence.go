package meeting

import "fmt"

// Attendance with reasons: a member marked absent with a reason (approved
// or not), a substitute (người dự thay) seated for an absent member, and
// the meeting's rules of what they change in the bases of its polls.
//
// The rules Dais follows (docs/attendance.md):
//   - Quy chế bầu cử trong Đảng (190-QĐ/TW, art. on the result): an
//     election counted against the members leaves off those absent for the
//     whole meeting with a reason the convening committee approved. The
//     approval is the convening body's (its presiding officer's): the
//     office records it (MarkAbsent by a secretary or the chair, with
//     Approved); the event's actor says who recorded it.
//   - A committee's ordinary decisions (the model working rules,
//     162-QĐ/TW and the committees' own): "more than half of the members"
//     counts every member, the excused among them. A body whose rules
//     take the excused off that base too sets AttendanceRules.ExcusedOffBase.
//   - A substitute (cử cấp phó dự họp thay) attends, reads what the member
//     may read and speaks, but does not vote unless the body's rules allow
//     it (AttendanceRules.SubstitutesVote, off by default); never in an
//     election or a confidence vote (a ballot is personal: no one votes for
//     another).

// Absence is why a member is not at the meeting: a reason, whether the
// convening body approved it, and whether it was recorded while the
// meeting was in session (During) rather than before.
type Absence struct {
	Reason   string `json:"reason"`
	Approved bool   `json:"approved,omitempty"`
	During   bool   `json:"during,omitempty"`
}

// AttendanceRules are a meeting's rules for absences and substitutes.
type AttendanceRules struct {
	// SubstitutesVote lets a seated substitute vote in ordinary polls for
	// the member they stand in for (never in an election round).
	SubstitutesVote bool `json:"substitutes_vote,omitempty"`
	// ExcusedOffBase takes the members absent for the whole meeting with
	// an approved reason off the base of an ordinary poll counted against
	// the members (BaseMembers), as elections always do.
	ExcusedOffBase bool `json:"excused_off_base,omitempty"`
}

// Commands of attendance with reasons.
type (
	// MarkAbsent records that a member is absent, with a reason and
	// whether it was approved (a secretary or the chair); an empty Reason
	// withdraws it. A check-in clears it.
	MarkAbsent struct {
		Participant string `json:"participant"`
		Reason      string `json:"reason"`
		Approved    bool   `json:"approved,omitempty"`
	}
	// SeatSubstitute seats Participant (an observer) as the substitute of
	// the absent member For (a secretary); an empty For unseats them. The
	// member's check-in unseats them too.
	SeatSubstitute struct {
		Participant string `json:"participant"`
		For         string `json:"for"`
	}
	// SetAttendanceRules sets the meeting's AttendanceRules (a secretary),
	// not while a poll is open.
	SetAttendanceRules struct {
		Rules AttendanceRules `json:"rules"`
	}
)

// Events of attendance with reasons.
type (
	// AbsenceMarked: Reason empty withdraws the absence.
	AbsenceMarked struct {
		Participant string `json:"participant"`
		Reason      string `json:"reason,omitempty"`
		Approved    bool   `json:"approved,omitempty"`
		During      bool   `json:"during,omitempty"`
	}
	// SubstituteSeated: For empty unseats Participant.
	SubstituteSeated struct {
		Participant string `json:"participant"`
		For         string `json:"for,omitempty"`
	}
	AttendanceRulesSet struct {
		Rules AttendanceRules `json:"rules"`
	}
)

func (MarkAbsent) CommandName() string         { return "MarkAbsent" }
func (SeatSubstitute) CommandName() string     { return "SeatSubstitute" }
func (SetAttendanceRules) CommandName() string { return "SetAttendanceRules" }

func (AbsenceMarked) EventType() string      { return "AbsenceMarked" }
func (SubstituteSeated) EventType() string   { return "SubstituteSeated" }
func (AttendanceRulesSet) EventType() string { return "AttendanceRulesSet" }

func (d decider) needOffice() error {
	if d.me.Role != RoleSecretary && d.me.Role != RoleChair {
		return Errorf(Forbidden, "Chỉ thư ký hoặc chủ tọa mới được ghi vắng mặt", "only a secretary or the chair may record an absence")
	}
	return nil
}

func (c MarkAbsent) decide(d decider) ([]Event, error) {
	if err := d.needOffice(); err != nil {
		return nil, err
	}
	p := d.s.Participants[c.Participant]
	if p == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
	}
	if !p.Voter() {
		return nil, Errorf(Invalid, "Chỉ thành viên chính thức mới được ghi vắng mặt", "only a member can be marked absent")
	}
	if err := checkText("the reason", "lý do", c.Reason, false, MaxTextLength); err != nil {
		return nil, err
	}
	if c.Reason == "" && c.Approved {
		return nil, Errorf(Invalid, "Thiếu lý do vắng mặt", "the reason is missing")
	}
	if c.Reason != "" && p.Present {
		return nil, Errorf(Conflict, "Đồng chí %s đang có mặt", "%s is present", p.Name)
	}
	if d.s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Không thể ghi vắng khi đang biểu quyết", "absences cannot change while a poll is open")
	}
	during := c.Reason != "" && (d.s.Status == StatusInSession || d.s.Status == StatusAdjourned)
	if a := p.Absence; (a == nil && c.Reason == "" && p.Excused == "") ||
		(a != nil && a.Reason == c.Reason && a.Approved == c.Approved) {
		return nil, nil
	}
	return d.emit(AbsenceMarked{Participant: p.ID, Reason: c.Reason, Approved: c.Approved, During: during})
}

func (c SeatSubstitute) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	sub := s.Participants[c.Participant]
	if sub == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
	}
	if s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Không thể thay đổi người dự thay khi đang biểu quyết", "substitutes cannot change while a poll is open")
	}
	if c.For == "" {
		if sub.For == "" {
			return nil, nil
		}
		return d.emit(SubstituteSeated{Participant: sub.ID})
	}
	m := s.Participants[c.For]
	if m == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.For)
	}
	if sub.For == m.ID {
		return nil, nil
	}
	if sub.Role != RoleObserver {
		return nil, Errorf(Invalid, "Người dự thay phải là khách mời (không phải thành viên, thư ký hay màn hình)",
			"a substitute must be an observer (not a member, a secretary or a display)")
	}
	if !m.Voter() {
		return nil, Errorf(Invalid, "Chỉ thành viên chính thức mới có người dự thay", "only a member can have a substitute")
	}
	if m.Present {
		return nil, Errorf(Conflict, "Đồng chí %s đang có mặt", "%s is present", m.Name)
	}
	if sub.For != "" {
		return nil, Errorf(Conflict, "%s đang dự thay một đồng chí khác", "%s already stands in for another member", sub.Name)
	}
	if m.Substitute != "" {
		return nil, Errorf(Conflict, "Đồng chí %s đã có người dự thay", "%s already has a substitute", m.Name)
	}
	return d.emit(SubstituteSeated{Participant: sub.ID, For: m.ID})
}

func (c SetAttendanceRules) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	if d.s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Không thể đổi quy tắc khi đang biểu quyết", "the rules cannot change while a poll is open")
	}
	if d.s.AttendanceRules == c.Rules {
		return nil, nil
	}
	return d.emit(AttendanceRulesSet(c))
}

func (d AbsenceMarked) fits(s *State, full bool) error {
	if err := s.person(d.Participant); err != nil {
		return err
	}
	if p := s.Participants[d.Participant]; p != nil && full && !p.Voter() {
		return fmt.Errorf("%q is not a member", d.Participant)
	}
	return nil
}

func (d AbsenceMarked) change(s *State, e Event) {
	p := s.Participants[d.Participant]
	if p == nil { // a lean view holds only its viewer
		return
	}
	if d.Reason == "" {
		p.Absence, p.Excused = nil, ""
		return
	}
	p.Absence = &Absence{Reason: d.Reason, Approved: d.Approved, During: d.During}
	p.Excused = ""
	if d.Approved && !p.Attended {
		// Absent for the whole meeting with an approved reason (so
		// far: a check-in clears it).
		p.Excused = d.Reason
	}
}

// visibleTo: an absence's reason (a health matter, say) reaches the member
// concerned and the viewers who are not lean (the chair, the secretaries,
// the displays), as a check-in does; the other tablets need it not. The
// log and the minutes keep it.
func (d AbsenceMarked) visibleTo(s *State, p *Participant, viewer string) bool {
	return viewer == d.Participant || !LeanRole(p.Role)
}

func (d SubstituteSeated) fits(s *State, full bool) error {
	if err := s.person(d.Participant); err != nil {
		return err
	}
	if d.For != "" {
		if err := s.person(d.For); err != nil {
			return err
		}
	}
	if !full {
		return nil
	}
	sub, m := s.Participants[d.Participant], s.Participants[d.For]
	if d.For == "" {
		return nil
	}
	return need(sub.Role == RoleObserver && sub.For == "" && m.Voter() && m.Substitute == "",
		"%q cannot stand in for %q", d.Participant, d.For)
}

func (d SubstituteSeated) change(s *State, e Event) {
	s.RosterSeq = e.Seq // the roster shows who stands in for whom
	sub := s.Participants[d.Participant]
	if d.For == "" {
		if sub != nil {
			if m := s.Participants[sub.For]; m != nil && m.Substitute == sub.ID {
				m.Substitute = ""
			}
			sub.For = ""
		} else {
			// A lean view: the member's own entry may be here.
			for _, m := range s.Participants {
				if m.Substitute == d.Participant {
					m.Substitute = ""
				}
			}
		}
		return
	}
	if sub != nil {
		sub.For = d.For
	}
	if m := s.Participants[d.For]; m != nil {
		m.Substitute = d.Participant
	}
}

func (d AttendanceRulesSet) fits(s *State, full bool) error { return nil }

func (d AttendanceRulesSet) change(s *State, e Event) { s.AttendanceRules = d.Rules }

// unseat takes the substitute of member off (the member came).
func (s *State) unseat(member *Participant) {
	if sub := s.Participants[member.Substitute]; sub != nil && sub.For == member.ID {
		sub.For = ""
	}
	member.Substitute = ""
}

// BallotVoter returns whose ballot participant id casts in ordinary polls:
// the member they stand in for when they are a seated substitute and the
// meeting lets substitutes vote, their own otherwise.
func (s *State) BallotVoter(id string) string {
	if p := s.Participants[id]; p != nil && p.For != "" && s.AttendanceRules.SubstitutesVote {
		return p.For
	}
	return id
}

// Turnout is what a poll's base is counted from when it closes.
type Turnout struct {
	// Members are the meeting's voters; Present those of them checked in.
	Members int
	Present int
	// Excused are the members absent for the whole meeting with an
	// approved reason, taken off a base counted against the members when
	// the rules say so (ExcusedOff).
	Excused    int
	ExcusedOff bool
	// Substitutes are the substitutes checked in for absent members who
	// may vote for them: counted as present on a base of those present.
	Substitutes int
}

// Turnout counts the meeting's attendance as an ordinary poll's base needs
// it.
func (s *State) Turnout() Turnout {
	t := Turnout{ExcusedOff: s.AttendanceRules.ExcusedOffBase}
	for _, p := range s.Participants {
		switch {
		case p.Voter():
			t.Members++
			if p.Present {
				t.Present++
			} else if p.Excused != "" {
				t.Excused++
			}
		case p.For != "" && p.Present && s.AttendanceRules.SubstitutesVote:
			if m := s.Participants[p.For]; m != nil && m.Voter() && !m.Present {
				t.Substitutes++
			}
		}
	}
	return t
}
