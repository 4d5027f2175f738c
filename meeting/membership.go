package meeting

import (
	"fmt"
	"slices"
)

// Membership: the participants, their sign-ins and their attendance.

func (c AddParticipant) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	p := c.Participant
	p.Present, p.Attended, p.Absence, p.For, p.Substitute = false, false, nil, "", ""
	if err := checkParticipant(p, func(id string) bool { return s.Room(id) != nil }); err != nil {
		return nil, err
	}
	if s.Participants[p.ID] != nil {
		return nil, Errorf(Conflict, "Mã đại biểu %q đã được dùng", "participant id %q is taken", p.ID)
	}
	return d.emit(ParticipantAdded{Participant: p})
}

func (c UpdateParticipant) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	p := c.Participant
	old := s.Participants[p.ID]
	if old == nil {
		if !idPattern.MatchString(p.ID) {
			return nil, badID("participant", "đại biểu", p.ID)
		}
		return nil, Errorf(NotFound, "Không có đại biểu %q trong hội nghị (chưa được thêm hoặc đã bị xóa); không thể cập nhật",
			"no participant %q in this meeting (never added, or removed); nothing to update", p.ID)
	}
	p.Present = old.Present
	p.Excused = old.Excused // ExcuseAbsence's, with its checks
	// MarkAbsent's, SeatSubstitute's and the check-ins'.
	p.Attended, p.Absence, p.For, p.Substitute = old.Attended, old.Absence, old.For, old.Substitute
	if err := checkParticipant(p, func(id string) bool { return s.Room(id) != nil }); err != nil {
		return nil, err
	}
	if p == *old {
		return nil, nil
	}
	if p.Role != old.Role {
		if old.For != "" || old.Substitute != "" {
			return nil, Errorf(Conflict, "Không thể đổi vai trò của %s khi đang có người dự thay hoặc đang dự thay; hãy bỏ người dự thay trước",
				"the role of %s cannot change while they stand in for a member or have a substitute; unseat the substitute first", old.Name)
		}
		if p.ID == d.me.ID {
			return nil, Errorf(Conflict, "Không thể tự đổi vai trò của mình", "you cannot change your own role")
		}
		if fullRole(p.Role) != fullRole(old.Role) {
			return nil, Errorf(Conflict,
				"Không thể đổi vai trò của %s từ %s sang %s: chủ tọa và thư ký xem toàn bộ hội nghị, người khác chỉ xem phần của mình; hãy xóa rồi thêm lại đại biểu",
				"%s cannot go from %s to %s: the chair and secretaries see the whole meeting, the others only their part; remove the participant and add them again",
				old.Name, old.Role, p.Role)
		}
		if LeanRole(p.Role) != LeanRole(old.Role) {
			return nil, Errorf(Conflict,
				"Không thể đổi vai trò của %s từ %s sang %s: đại biểu và khách mời nhận số người có mặt, chủ tọa, thư ký và màn hình nhận từng lượt điểm danh; hãy xóa rồi thêm lại",
				"%s cannot go from %s to %s: delegates and observers get attendance as counts, the chair, secretaries and displays every check-in; remove the participant and add them again",
				old.Name, old.Role, p.Role)
		}
		if poll := s.OpenPoll(); poll != nil && p.Voter() != old.Voter() {
			return nil, Errorf(Conflict,
				"Không thể đổi vai trò của %s khi đang biểu quyết %q: việc đó thêm hoặc bớt một người có quyền biểu quyết; hãy làm sau khi kết thúc biểu quyết",
				"the role of %s cannot change while the poll %q is open: it would add or take away a vote; do it after the poll closes",
				old.Name, poll.Question)
		}
	}
	if poll := s.OpenPoll(); poll != nil && p.Room != old.Room && p.Voter() {
		// A move in or out of a room that votes on paper during the round
		// would give a voter a paper ballot and a tablet ballot.
		if e := s.Elections[poll.Election]; e != nil && (slices.Contains(e.PaperRooms, p.Room) || slices.Contains(e.PaperRooms, old.Room)) {
			return nil, Errorf(Conflict,
				"Không thể chuyển %s vào hoặc ra khỏi phòng bỏ phiếu giấy khi đang bầu %q; hãy làm sau khi kết thúc lần bầu",
				"%s cannot move into or out of a room that votes on paper while %q is open; do it after the round closes",
				old.Name, poll.Question)
		}
	}
	return d.emit(ParticipantUpdated{Participant: p})
}

// fullRole reports whether a role sees the whole meeting (fullView).
func fullRole(r Role) bool { return r == RoleChair || r == RoleSecretary }

func (c RemoveParticipant) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	p := s.Participants[c.Participant]
	if p == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
	}
	if c.Participant == d.a.Participant {
		return nil, Errorf(Conflict, "Không thể tự xóa mình khỏi hội nghị", "you cannot remove yourself")
	}
	if s.OpenPoll() != nil {
		// Membership is the base of the open vote; and a ballot decided
		// on another node's older state must never land after the
		// removal.
		return nil, Errorf(Conflict, "Không thể xóa đại biểu khi đang biểu quyết", "a participant cannot be removed while a poll is open")
	}
	for _, poll := range s.Polls {
		if _, voted := poll.Voters[p.ID]; voted {
			return nil, Errorf(Conflict, "Không thể xóa đại biểu đã biểu quyết", "a participant who has voted cannot be removed")
		}
	}
	if s.Floor.Speaker == p.ID || s.Presentation.Presenter == p.ID {
		return nil, Errorf(Conflict, "Không thể xóa đại biểu đang phát biểu hoặc đang trình bày", "a participant who is speaking or presenting cannot be removed")
	}
	return d.emit(ParticipantRemoved{Participant: p.ID})
}

// revokeSessions signs a participant out: a secretary's decision.
func (d decider) revokeSessions(c RevokeSessions) ([]Event, error) {
	if d.me.Role != RoleSecretary {
		return nil, Errorf(Forbidden, "Chỉ thư ký mới được thu hồi phiên đăng nhập", "only a secretary may revoke sessions")
	}
	if d.s.Participants[c.Participant] == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
	}
	if len(c.Session) > 128 {
		return nil, Errorf(Invalid, "Mã phiên không hợp lệ", "invalid session id")
	}
	return d.emit(SessionsRevoked{Participant: c.Participant, Session: c.Session})
}

// maxEndedSessions bounds one EndAccountSessions: an account opens a
// meeting a few times a day and a session lives a week at most.
const maxEndedSessions = 1000

// endAccountSessions ends sessions an account opened: the office's
// decision (Actor.Office), taken when an administrator disables it.
func (d decider) endAccountSessions(c EndAccountSessions) ([]Event, error) {
	if d.a.Office == "" || d.a.Participant != "" {
		return nil, Errorf(Forbidden, "Chỉ quản trị viên, khi khóa tài khoản, mới kết thúc được các phiên của tài khoản", "only an administrator disabling the account ends its sessions")
	}
	if c.Account == "" || len(c.Account) > 128 || len(d.a.Office) > 128 || len(c.Sessions) > maxEndedSessions {
		return nil, Errorf(Invalid, "Yêu cầu kết thúc phiên không hợp lệ", "invalid request to end sessions")
	}
	var out []EventData
	seen := map[ParticipantSession]bool{}
	for _, ps := range c.Sessions {
		if ps.Session == "" || len(ps.Session) > 128 {
			return nil, Errorf(Invalid, "Mã phiên không hợp lệ", "invalid session id")
		}
		if seen[ps] || d.s.Participants[ps.Participant] == nil {
			continue
		}
		seen[ps] = true
		if si := d.s.SignIns[ps.Participant]; si != nil && slices.Contains(si.Revoked, ps.Session) {
			continue
		}
		out = append(out, SessionsRevoked{Participant: ps.Participant, Session: ps.Session, Account: c.Account, By: d.a.Office})
	}
	if len(out) == 0 {
		return nil, nil
	}
	return d.emit(out...)
}

func checkParticipant(p Participant, roomExists func(string) bool) error {
	if !idPattern.MatchString(p.ID) {
		return badID("participant", "đại biểu", p.ID)
	}
	if err := checkText("the name", "họ tên", p.Name, true, MaxTextLength); err != nil {
		return err
	}
	if err := checkText("the title", "chức vụ", p.Title, false, MaxTextLength); err != nil {
		return err
	}
	if err := checkText("the seat", "số ghế", p.Seat, false, MaxIDLength); err != nil {
		return err
	}
	if !p.Role.Valid() {
		return Errorf(Invalid, "Vai trò không hợp lệ: %q", "invalid role %q", p.Role)
	}
	if !roomExists(p.Room) {
		return Errorf(NotFound, "Không có phòng họp %q", "no room %q", p.Room)
	}
	return nil
}

func (c CheckIn) decide(d decider) ([]Event, error)  { return d.attendance(c.Participant, true) }
func (c CheckOut) decide(d decider) ([]Event, error) { return d.attendance(c.Participant, false) }

func (d decider) attendance(who string, in bool) ([]Event, error) {
	s := d.s
	if who == "" {
		who = d.me.ID
	}
	if who != d.me.ID && d.me.Role != RoleSecretary && d.me.Role != RoleChair {
		return nil, Errorf(Forbidden, "Chỉ thư ký hoặc chủ tọa mới điểm danh hộ người khác", "only a secretary or the chair may check someone else in or out")
	}
	p := s.Participants[who]
	if p == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", who)
	}
	if s.Status == StatusDraft {
		return nil, Errorf(Conflict, "Hội nghị chưa được công bố", "the meeting has not been published")
	}
	if p.Present == in {
		return nil, nil
	}
	if in {
		return d.emit(CheckedIn{Participant: who})
	}
	// Only a present member votes: checking a voter out while a poll is
	// open would take their vote away. Nobody may do that to someone
	// else; a member who leaves the hall checks themself out.
	if poll := s.OpenPoll(); poll != nil && who != d.me.ID && p.Voter() {
		return nil, Errorf(Conflict,
			"Không thể điểm danh vắng đại biểu %s khi đang biểu quyết %q: việc đó lấy mất quyền biểu quyết của họ; hãy làm sau khi kết thúc biểu quyết",
			"%s cannot be checked out while the poll %q is open: it would take their vote away; do it after the poll closes",
			p.Name, poll.Question)
	}
	return d.emit(CheckedOut{Participant: who})
}

func (d ParticipantAdded) fits(s *State, full bool) error {
	p := d.Participant
	return need(p.ID != "" && s.Participants[p.ID] == nil && p.Role.Valid() && s.Room(p.Room) != nil,
		"participant %q is taken, or has an invalid role or room", p.ID)
}

func (d ParticipantAdded) change(s *State, e Event) {
	s.RosterSeq = e.Seq
	if s.Lean != nil {
		// A lean view holds no roster: it counts (the roster is
		// fetched apart).
		s.Lean.Participants++
		return
	}
	p := d.Participant
	p.Present, p.Attended, p.Absence, p.For, p.Substitute = false, false, nil, "", ""
	s.Participants[p.ID] = &p
	s.Order = append(s.Order, p.ID)
}

// fits: with the whole log (full), a role change keeps the view and, during
// a poll, the vote (what Decide checks); a filtered stream trusts it.
func (d ParticipantUpdated) fits(s *State, full bool) error {
	p := d.Participant
	if err := s.person(p.ID); err != nil {
		return err
	}
	if old := s.Participants[p.ID]; full && p.Role != old.Role {
		if fullRole(p.Role) != fullRole(old.Role) {
			return fmt.Errorf("participant %q goes from %s to %s across views", p.ID, old.Role, p.Role)
		}
		if LeanRole(p.Role) != LeanRole(old.Role) {
			return fmt.Errorf("participant %q goes from %s to %s across lean and whole views", p.ID, old.Role, p.Role)
		}
		if s.OpenPoll() != nil && p.Role.Member() != old.Role.Member() {
			return fmt.Errorf("participant %q gains or loses a vote during an open poll", p.ID)
		}
	}
	return need(p.Role.Valid() && s.Room(p.Room) != nil, "participant %q has an invalid role or room", p.ID)
}

func (d ParticipantUpdated) change(s *State, e Event) {
	s.RosterSeq = e.Seq
	p := d.Participant
	old := s.Participants[p.ID]
	if old == nil {
		return // a lean view holds only its viewer
	}
	p.Present = old.Present
	p.Attended, p.Absence, p.For, p.Substitute = old.Attended, old.Absence, old.For, old.Substitute
	s.Participants[p.ID] = &p
}

func (d ParticipantRemoved) fits(s *State, full bool) error { return s.person(d.Participant) }

func (d ParticipantRemoved) change(s *State, e Event) {
	// Whatever names the participant forgets them: the speaker queue
	// (and the contributions they had not given),
	// the agenda items they were to present, the confidential documents
	// they were to read (a later participant with the same id does not
	// inherit the right).
	gone := func(id string) bool { return id == d.Participant }
	s.RosterSeq = e.Seq
	if s.Lean != nil && s.Lean.Participants > 0 {
		s.Lean.Participants--
	}
	if p := s.Participants[d.Participant]; p != nil {
		// Who stood in for them, or for whom they stood in, is free.
		if m := s.Participants[p.For]; m != nil && m.Substitute == p.ID {
			m.Substitute = ""
		}
		if p.Substitute != "" {
			s.unseat(p)
		}
	} else {
		for _, m := range s.Participants { // a lean view: the member's own entry
			if m.Substitute == d.Participant {
				m.Substitute = ""
			}
		}
	}
	delete(s.Participants, d.Participant)
	s.Order = slices.DeleteFunc(s.Order, gone)
	s.Floor.forgetSpeaker(d.Participant)
	for i := range s.Agenda {
		if s.Agenda[i].Presenter == d.Participant {
			s.Agenda[i].Presenter = ""
		}
	}
	for _, doc := range s.Documents {
		doc.Readers = slices.DeleteFunc(doc.Readers, gone)
	}
	// Their private annotations go with them; what they shared stays
	// in the room's set.
	delete(s.Annotations, d.Participant)
	// A member of the counting committee stays on its list (it is elected
	// once; a removed participant sends nothing more).
}

// fits is checked by State.fits also once the meeting is closed: a tablet
// can be lost after the meeting.
func (d SessionsRevoked) fits(s *State, full bool) error {
	if d.Participant == "" || s.Participants[d.Participant] == nil {
		return fmt.Errorf("unknown participant %q", d.Participant)
	}
	if d.Account != "" && (d.Session == "" || d.By == "") {
		// Disabling an account ends the sessions it opened, never a
		// participant's other sessions or code.
		return fmt.Errorf("an account's revocation names no session or no administrator")
	}
	return nil
}

// change does nothing: only Apply keeps the record (recordSignIns).
func (d SessionsRevoked) change(s *State, e Event) {}

// visibleTo: the revocations are the secretaries' business.
func (d SessionsRevoked) visibleTo(s *State, p *Participant, viewer string) bool {
	return p.Role == RoleSecretary
}

func (d CheckedIn) fits(s *State, full bool) error { return s.person(d.Participant) }
func (d CheckedIn) change(s *State, e Event) {
	s.setPresent(d.Participant, true)
	if p := s.Participants[d.Participant]; p != nil {
		// Present after all: not absent, not excused for the whole
		// meeting, and whoever stood in for them stands down.
		p.Attended, p.Absence, p.Excused = true, nil, ""
		if p.Substitute != "" {
			s.unseat(p)
		}
	}
}
func (d CheckedOut) fits(s *State, full bool) error { return s.person(d.Participant) }
func (d CheckedOut) change(s *State, e Event)       { s.setPresent(d.Participant, false) }

// setPresent records a check-in or out. A lean view may not hold the
// participant: it keeps counts instead (set by the server's attendance
// messages), and nothing changes.
func (s *State) setPresent(id string, present bool) {
	if p := s.Participants[id]; p != nil {
		p.Present = present
	}
}

// visibleTo: a check-in or out reaches the participant concerned and every
// viewer who is not lean (the chair, the secretaries, the displays); the
// delegates and observers get attendance as counts instead (a server's
// ephemeral "attendance" message), which keeps a congress morning's
// check-ins from being sent to every tablet. The log and the minutes keep
// every one.
func (d CheckedIn) visibleTo(s *State, p *Participant, viewer string) bool {
	return viewer == d.Participant || !LeanRole(p.Role)
}

// visibleTo: as CheckedIn's.
func (d CheckedOut) visibleTo(s *State, p *Participant, viewer string) bool {
	return viewer == d.Participant || !LeanRole(p.Role)
}

// recordSignIns keeps the server's record of voided sign-ins (SignIns). A
// client following a filtered stream keeps none: ViewFor never sends it.
func (s *State) recordSignIns(e Event) {
	switch d := e.Data.(type) {
	case ParticipantRemoved:
		// Their sessions and codes die with them: re-adding the id
		// revives none.
		s.voidSignIns(d.Participant, e.Seq)
	case SessionsRevoked:
		if d.Session == "" {
			s.voidSignIns(d.Participant, e.Seq)
		} else if si := s.signIns(d.Participant); !slices.Contains(si.Revoked, d.Session) {
			si.Revoked = append(si.Revoked, d.Session)
		}
	}
}

// signIns returns the participant's sign-in record, made on first need.
func (s *State) signIns(participant string) *SignIns {
	if s.SignIns == nil {
		s.SignIns = map[string]*SignIns{}
	}
	si := s.SignIns[participant]
	if si == nil {
		si = &SignIns{}
		s.SignIns[participant] = si
	}
	return si
}

// voidSignIns voids every session and code of participant made before seq.
func (s *State) voidSignIns(participant string, seq uint64) {
	si := s.signIns(participant)
	si.Since, si.Revoked = seq, nil
}
