package meeting

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a command may carry.
const (
	// MaxIDLength bounds every id.
	MaxIDLength = 64
	// MaxTextLength bounds titles, names, questions and labels, in bytes.
	MaxTextLength = 1024
	// MaxProposalText bounds a proposal's text, in bytes.
	MaxProposalText = 64 << 10
)

// idPattern is what an id looks like: it travels in URLs, storage keys and
// file names. A meeting id also names bus subjects, where '.' separates
// tokens, so it has no dot (meetingIDPattern).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
var meetingIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidMeetingID reports whether id may name a meeting: 1 to 64 letters,
// digits, '-' or '_'. It is the one meeting-id rule: the command service,
// access, the bus (a subject token) and the document cache (a file name)
// all check ids with it.
func ValidMeetingID(id string) bool { return meetingIDPattern.MatchString(id) }

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Decide checks cmd from actor against s and returns the events it produces,
// with seqs s.Version+1, s.Version+2, … and At = now (in UTC). It does not
// change s. A refusal is an *Error and produces no event; a command that
// would change nothing produces no event and no error.
//
// The checks come in this order, so that a person is told the most basic
// reason first: the meeting exists (NotFound), the actor is a participant
// (Forbidden), the meeting is not closed (Conflict), the actor's role
// (Forbidden), the meeting's status (Conflict), then the arguments
// (Invalid, NotFound, Conflict).
//
// Where the rules of a committee leave room, Decide chooses:
//   - Ids are letters, digits, '-', '_' and '.', at most 64 bytes; a meeting
//     id has no '.', as it names bus subjects. Titles, names and labels are
//     valid UTF-8 of at most MaxTextLength bytes.
//   - No-ops, accepted without events: an empty UpdateMeeting, moving an
//     item to where it is, setting the current item again, showing the page
//     already shown, handing the presentation to whoever has it, checking
//     in someone present or out someone absent.
//   - AddRoom never adds a second main hall: the flag is dropped.
//   - A secretary cannot remove themself (a meeting keeps a secretary), and
//     nobody is removed while a poll is open (the membership is the base of
//     the vote, and a ballot must not arrive from a removed voter).
//     Removing a participant also takes them off the speaker queue, off the
//     agenda items they were to present and off the reader lists of
//     confidential documents.
//   - UpdateParticipant replaces name, title, role, room and seat; the same
//     record is a no-op. A secretary does not change their own role (a
//     meeting keeps a secretary). While a poll is open nobody gains or
//     loses a vote (the voters are the base of the open vote, as with
//     RemoveParticipant and CheckOut); between polls a role may change, and
//     the ballots a participant cast in closed polls stay as they were. A
//     role never moves between the chair and secretaries, who see the
//     whole meeting, and the others, who see a filtered one: their devices
//     hold a view made for the old role and follow a stream filtered for
//     it (remove the participant and add them again instead).
//   - A poll has 2 to 20 choices; the first one is what passes.
//   - GiveFloor to the participant who already speaks is a Conflict, and
//     the chair may give the floor to anyone, queued or not (an observer
//     invited to speak, too).
//   - A request to speak carries an optional topic (trimmed, at most
//     MaxTopicRunes runes, no control or bidi characters) and a kind
//     ("speech", written empty; "question"; "order"). Registered
//     contributions (tham luận) are prepared by a secretary or the chair in
//     any status but closed; GiveFloor with one gives it (kind
//     "contribution") and marks it done; a done one is neither given nor
//     removed again. Removing a participant drops the contributions they
//     had not given.
//   - CheckIn and CheckOut are accepted while the meeting is published,
//     in session or adjourned: people arrive before the opening. While a
//     poll is open nobody checks out another member (a present member's
//     vote would be taken away); a member may still check themself out.
//   - A tally that disagrees with the ballots the state knows of is an
//     Internal error: the ballot box and the log have drifted apart.
//   - Annotations are accepted in every status but closed. An annotation
//     keeps only what its kind draws (the points of an ink stroke, the
//     text of a note). Its id is an id like any other, unique per owner
//     among private ones and across the room's shared set; reusing one
//     on another document is a Conflict, not a move.
//   - A linked room's operator is a secretary whose Room is that room.
//     SetFollowing to what the room already does and showing the page a
//     room already shows are no-ops; SetFollowing the main hall to follow
//     is a no-op, to stop is Invalid. ShowInRoom needs the session open,
//     like ShowDocument; SetFollowing does not (rooms are set up before).
func Decide(s *State, a Actor, cmd Command, now time.Time) ([]Event, error) {
	d := decider{s: s, a: a, now: now.UTC()}
	if c, ok := cmd.(CreateMeeting); ok {
		return d.createMeeting(c)
	}
	if !s.Exists() {
		return nil, Errorf(NotFound, "Không tìm thấy hội nghị", "no such meeting")
	}
	if s.Archived != nil {
		return nil, ArchivedError()
	}
	if c, ok := cmd.(EndAccountSessions); ok {
		// The office, from outside the meeting; also after the close.
		return d.endAccountSessions(c)
	}
	if a.Office != "" {
		return nil, Errorf(Forbidden, "Văn phòng chỉ kết thúc phiên của tài khoản bị khóa", "the office only ends the sessions of a disabled account")
	}
	d.me = s.Participant(a.Participant)
	if d.me == nil {
		return nil, Errorf(Forbidden, "Đồng chí không phải là thành viên của hội nghị này", "you are not a participant of this meeting")
	}
	if c, ok := cmd.(RevokeSessions); ok {
		// Also after the close: a tablet can be lost after the meeting.
		return d.revokeSessions(c)
	}
	switch c := cmd.(type) {
	case ConfirmDeletion:
		// Also after the close, and from a display: tablets delete
		// their copies then.
		return c.decide(d)
	case RecordCopy:
		// Also after the close (the chair's copies; a delegate is told
		// the document was taken back), and for a display's copy.
		return c.decide(d)
	}
	if s.Status == StatusClosed {
		if c, ok := cmd.(deciding); ok && acceptedAfterClose(cmd) {
			return c.decide(d)
		}
		return nil, Errorf(Conflict, "Hội nghị đã bế mạc; không thể thay đổi", "the meeting is closed; nothing can change")
	}
	if !d.me.Role.Commands() {
		return nil, Errorf(Forbidden, "Màn hình hội trường chỉ hiển thị, không gửi lệnh", "a room display only shows; it sends no command")
	}
	if c, ok := cmd.(deciding); ok {
		return c.decide(d)
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
}

// deciding is a command that decides itself: each concept's file holds its
// commands' decide methods, which check the actor's role, the meeting's
// status and the arguments, in that order. Decide has checked what is
// common to all (the meeting exists, the actor is a participant who may
// send commands, the meeting is not closed).
type deciding interface {
	decide(d decider) ([]Event, error)
}

// decider holds what one decision needs.
type decider struct {
	s   *State
	a   Actor
	me  *Participant
	now time.Time
}

// emit wraps event data into events with the next seqs.
func (d decider) emit(data ...EventData) ([]Event, error) {
	evs := make([]Event, len(data))
	for i, x := range data {
		evs[i] = Event{Seq: d.s.Version + uint64(i) + 1, At: d.now, Actor: d.a.Participant, Data: x}
	}
	return evs, nil
}

// needSecretary refuses an actor who is not a secretary: preparing the
// meeting is theirs.
func (d decider) needSecretary() error {
	if d.me.Role != RoleSecretary {
		return Errorf(Forbidden, "Chỉ thư ký mới được chuẩn bị hội nghị", "only a secretary may prepare the meeting")
	}
	return nil
}

// needChair refuses an actor who is not the chair: running the meeting is
// theirs.
func (d decider) needChair() error {
	if d.me.Role != RoleChair {
		return Errorf(Forbidden, "Chỉ chủ tọa mới được điều hành hội nghị", "only the chair may run the meeting")
	}
	return nil
}

func (d decider) inSession() error {
	if d.s.Status != StatusInSession {
		return Errorf(Conflict, "Hội nghị chưa khai mạc hoặc đang tạm nghỉ", "the meeting is not in session")
	}
	return nil
}

// badID refuses a malformed id; what names the thing in English and vi in
// Vietnamese.
func badID(what, vi, id string) error {
	return Errorf(Invalid, "Mã %[2]s không hợp lệ: %[3]q (chữ, số, '-', '_', '.'; tối đa 64 ký tự)",
		"invalid %[1]s id %[3]q (letters, digits, '-', '_', '.'; at most 64)", what, vi, id)
}

func checkText(what, vi, s string, required bool, max int) error {
	if required && strings.TrimSpace(s) == "" {
		return Errorf(Invalid, "Thiếu %[1]s", "%[2]s is missing", vi, what)
	}
	if len(s) > max || !utf8.ValidString(s) {
		return Errorf(Invalid, "%[1]s quá dài hoặc không hợp lệ", "%[2]s is too long or not valid UTF-8", vi, what)
	}
	if i := strings.IndexFunc(s, hiddenControl); i >= 0 {
		return Errorf(Invalid, "%[1]s có ký tự điều khiển hoặc ký tự đảo chiều văn bản (U+%04[3]X) không được phép",
			"%[2]s holds a control or bidirectional-override character (U+%04[3]X), which is not allowed", vi, what, []rune(s[i:])[0])
	}
	return nil
}

// hiddenControl reports the characters no text of a meeting may hold: a
// control character other than a tab or a line break, and the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), which reorder what a reader sees of a name or a title
// in the web client, a PDF viewer's text or a spreadsheet ("Trojan
// source"). Vietnamese text needs none of them.
func hiddenControl(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
