package meeting

import (
	"regexp"
	"slices"
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
//   - A poll has 2 to 20 choices; the first one is what passes.
//   - GiveFloor to the participant who already speaks is a Conflict, and
//     the chair may give the floor to anyone, queued or not (an observer
//     invited to speak, too).
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
	d.me = s.Participant(a.Participant)
	if d.me == nil {
		return nil, Errorf(Forbidden, "Đồng chí không phải là thành viên của hội nghị này", "you are not a participant of this meeting")
	}
	if c, ok := cmd.(RevokeSessions); ok {
		// Also after the close: a tablet can be lost after the meeting.
		return d.revokeSessions(c)
	}
	if s.Status == StatusClosed {
		return nil, Errorf(Conflict, "Hội nghị đã bế mạc; không thể thay đổi", "the meeting is closed; nothing can change")
	}
	if !d.me.Role.Commands() {
		return nil, Errorf(Forbidden, "Màn hình hội trường chỉ hiển thị, không gửi lệnh", "a room display only shows; it sends no command")
	}
	switch c := cmd.(type) {
	case UpdateMeeting, AddRoom, AddParticipant, RemoveParticipant, AddAgendaItem, MoveAgendaItem,
		AddDocument, AttachDocument, AddProposal, Publish:
		if d.me.Role != RoleSecretary {
			return nil, Errorf(Forbidden, "Chỉ thư ký mới được chuẩn bị hội nghị", "only a secretary may prepare the meeting")
		}
		return d.setup(c)
	case OpenSession, Adjourn, CloseMeeting, SetCurrentItem, HandPresentation, OpenPoll, ClosePoll, GiveFloor:
		if d.me.Role != RoleChair {
			return nil, Errorf(Forbidden, "Chỉ chủ tọa mới được điều hành hội nghị", "only the chair may run the meeting")
		}
		return d.chair(c)
	case ShowDocument, TurnPage:
		return d.present(c)
	case CreatePoll:
		return d.createPoll(c)
	case CastBallot:
		return d.castBallot(c)
	case RequestFloor, WithdrawFloor, EndFloor:
		return d.floor(c)
	case CheckIn:
		return d.attendance(c.Participant, true)
	case CheckOut:
		return d.attendance(c.Participant, false)
	case SaveAnnotation:
		return d.saveAnnotation(c)
	case DeleteAnnotation:
		return d.deleteAnnotation(c)
	case SetFollowing, ShowInRoom:
		return d.linkedRoom(c)
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
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
	return nil
}

func (d decider) createMeeting(c CreateMeeting) ([]Event, error) {
	if d.s.Exists() {
		return nil, Errorf(Conflict, "Hội nghị %q đã tồn tại", "meeting %q already exists", c.ID)
	}
	if !ValidMeetingID(c.ID) {
		return nil, Errorf(Invalid, "Mã hội nghị không hợp lệ: %q (chữ, số, '-', '_'; tối đa 64 ký tự)",
			"invalid meeting id %q (letters, digits, '-', '_'; at most 64)", c.ID)
	}
	if err := checkText("the title", "tên hội nghị", c.Title, true, MaxTextLength); err != nil {
		return nil, err
	}
	if err := checkText("the place", "địa điểm", c.Place, false, MaxTextLength); err != nil {
		return nil, err
	}
	if c.Secretary.ID != d.a.Participant {
		return nil, Errorf(Forbidden, "Người tạo hội nghị phải là thư ký của hội nghị", "the creator of a meeting must be its secretary")
	}
	if len(c.Rooms) == 0 {
		return nil, Errorf(Invalid, "Hội nghị cần ít nhất một phòng họp", "a meeting needs at least one room")
	}
	rooms := slices.Clone(c.Rooms)
	mains := 0
	seen := map[string]bool{}
	for _, r := range rooms {
		if !idPattern.MatchString(r.ID) {
			return nil, badID("room", "phòng họp", r.ID)
		}
		if seen[r.ID] {
			return nil, Errorf(Invalid, "Phòng họp %q bị trùng", "room %q appears twice", r.ID)
		}
		seen[r.ID] = true
		if err := checkText("the room name", "tên phòng họp", r.Name, true, MaxTextLength); err != nil {
			return nil, err
		}
		if r.Main {
			mains++
		}
	}
	if mains > 1 {
		return nil, Errorf(Invalid, "Chỉ có một hội trường chính", "only one room can be the main hall")
	}
	if mains == 0 {
		rooms[0].Main = true
	}
	for i := range rooms {
		rooms[i].Following, rooms[i].Presentation = !rooms[i].Main, nil
	}
	sec := c.Secretary
	sec.Role, sec.Present = RoleSecretary, false
	if sec.Room == "" {
		for _, r := range rooms {
			if r.Main {
				sec.Room = r.ID
			}
		}
	}
	if err := checkParticipant(sec, func(id string) bool { return seen[id] }); err != nil {
		return nil, err
	}
	return d.emit(MeetingCreated{ID: c.ID, Title: c.Title, StartsAt: c.StartsAt, Place: c.Place, Rooms: rooms, Secretary: sec})
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

func (d decider) setup(cmd Command) ([]Event, error) {
	s := d.s
	switch c := cmd.(type) {
	case UpdateMeeting:
		if err := checkText("the title", "tên hội nghị", c.Title, false, MaxTextLength); err != nil {
			return nil, err
		}
		if err := checkText("the place", "địa điểm", c.Place, false, MaxTextLength); err != nil {
			return nil, err
		}
		switch c.ConfidentialListing {
		case "", ListWithheld, ListHidden:
		default:
			return nil, Errorf(Invalid, "Cách liệt kê tài liệu mật %q không hợp lệ (cần %q hoặc %q)",
				"invalid confidential_listing %q (want %q or %q)", c.ConfidentialListing, ListWithheld, ListHidden)
		}
		if c.ConfidentialListing == s.ConfidentialListing || (c.ConfidentialListing == ListWithheld && s.ConfidentialListing == "") {
			c.ConfidentialListing = "" // already so
		}
		if c.Title == "" && c.Place == "" && c.StartsAt.IsZero() && c.ConfidentialListing == "" {
			return nil, nil
		}
		return d.emit(MeetingUpdated(c))
	case AddRoom:
		if !idPattern.MatchString(c.Room.ID) {
			return nil, badID("room", "phòng họp", c.Room.ID)
		}
		if s.Room(c.Room.ID) != nil {
			return nil, Errorf(Conflict, "Phòng họp %q đã có", "room %q already exists", c.Room.ID)
		}
		if err := checkText("the room name", "tên phòng họp", c.Room.Name, true, MaxTextLength); err != nil {
			return nil, err
		}
		r := c.Room
		r.Main, r.Following, r.Presentation = false, true, nil
		return d.emit(RoomAdded{Room: r})
	case AddParticipant:
		p := c.Participant
		p.Present = false
		if err := checkParticipant(p, func(id string) bool { return s.Room(id) != nil }); err != nil {
			return nil, err
		}
		if s.Participants[p.ID] != nil {
			return nil, Errorf(Conflict, "Mã đại biểu %q đã được dùng", "participant id %q is taken", p.ID)
		}
		return d.emit(ParticipantAdded{Participant: p})
	case RemoveParticipant:
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
	case AddAgendaItem:
		it := c.Item
		if !idPattern.MatchString(it.ID) {
			return nil, badID("agenda item", "mục chương trình", it.ID)
		}
		if s.Item(it.ID) != nil {
			return nil, Errorf(Conflict, "Mục %q đã có trong chương trình", "agenda item %q already exists", it.ID)
		}
		if err := checkText("the title", "tên mục", it.Title, true, MaxTextLength); err != nil {
			return nil, err
		}
		if it.Parent != "" {
			parent := s.Item(it.Parent)
			if parent == nil {
				return nil, Errorf(NotFound, "Không có mục cha %q", "no parent item %q", it.Parent)
			}
			if parent.Parent != "" {
				return nil, Errorf(Invalid, "Chương trình chỉ có một cấp mục con", "the agenda has one level of sub-items only")
			}
		}
		if it.Presenter != "" && s.Participants[it.Presenter] == nil {
			return nil, Errorf(NotFound, "Không có người trình bày %q", "no presenter %q", it.Presenter)
		}
		if err := d.allExist(it.Documents, it.Proposals); err != nil {
			return nil, err
		}
		return d.emit(AgendaItemAdded{Item: it})
	case MoveAgendaItem:
		if s.Item(c.Item) == nil {
			return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
		}
		if c.Index < 0 {
			return nil, Errorf(Invalid, "Vị trí %d không hợp lệ", "invalid position %d", c.Index)
		}
		if at, n := siblingIndex(s.Agenda, c.Item); at == min(c.Index, n-1) {
			return nil, nil // already there
		}
		return d.emit(AgendaItemMoved(c))
	case AddDocument:
		doc := c.Document
		if !idPattern.MatchString(doc.ID) {
			return nil, badID("document", "tài liệu", doc.ID)
		}
		if s.Documents[doc.ID] != nil {
			return nil, Errorf(Conflict, "Tài liệu %q đã có", "document %q already exists", doc.ID)
		}
		if err := checkText("the title", "tên tài liệu", doc.Title, true, MaxTextLength); err != nil {
			return nil, err
		}
		if doc.Size < 0 {
			return nil, Errorf(Invalid, "Kích thước tài liệu không hợp lệ (%d byte)", "invalid document size %d", doc.Size)
		}
		if doc.Pages < 1 {
			return nil, Errorf(Invalid, "Tài liệu phải có ít nhất một trang", "a document has at least one page")
		}
		if doc.Withheld {
			return nil, Errorf(Invalid, "Tài liệu cần có nội dung, không phải dạng ẩn", "a document cannot be added in its withheld form")
		}
		if !sha256Pattern.MatchString(doc.SHA256) {
			return nil, Errorf(Invalid, "Mã băm SHA-256 của tài liệu không hợp lệ: %q (cần 64 chữ số thập lục phân viết thường)", "invalid sha256 %q (want 64 lower-case hex digits)", doc.SHA256)
		}
		if !doc.Confidential && len(doc.Readers) > 0 {
			return nil, Errorf(Invalid, "Chỉ tài liệu mật mới có danh sách người đọc", "only a confidential document has readers")
		}
		for _, r := range doc.Readers {
			if s.Participants[r] == nil {
				return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", r)
			}
		}
		return d.emit(DocumentAdded{Document: doc})
	case AttachDocument:
		it := s.Item(c.Item)
		if it == nil {
			return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
		}
		if s.Documents[c.Document] == nil {
			return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
		}
		if slices.Contains(it.Documents, c.Document) {
			return nil, Errorf(Conflict, "Tài liệu đã được gắn vào mục này", "the document is already attached to this item")
		}
		return d.emit(DocumentAttached(c))
	case AddProposal:
		pr := c.Proposal
		if !idPattern.MatchString(pr.ID) {
			return nil, badID("proposal", "tờ trình", pr.ID)
		}
		if s.Proposals[pr.ID] != nil {
			return nil, Errorf(Conflict, "Tờ trình %q đã có", "proposal %q already exists", pr.ID)
		}
		if err := checkText("the title", "tên tờ trình", pr.Title, true, MaxTextLength); err != nil {
			return nil, err
		}
		if err := checkText("the text", "nội dung", pr.Text, false, MaxProposalText); err != nil {
			return nil, err
		}
		if err := d.allExist(pr.Documents, nil); err != nil {
			return nil, err
		}
		if c.Item != "" && s.Item(c.Item) == nil {
			return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
		}
		pr.Status = ProposalDraft
		return d.emit(ProposalAdded{Proposal: pr, Item: c.Item})
	case Publish:
		if s.Status != StatusDraft {
			return nil, Errorf(Conflict, "Hội nghị đã được công bố", "the meeting is already published")
		}
		return d.emit(MeetingPublished{})
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
}

// siblingIndex returns the position of item id among its siblings (the
// top-level items, or the sub-items of its parent) and their number.
func siblingIndex(agenda []Item, id string) (at, n int) {
	it := slices.IndexFunc(agenda, func(x Item) bool { return x.ID == id })
	parent := agenda[it].Parent
	at = -1
	for _, x := range agenda {
		if x.Parent == parent {
			if x.ID == id {
				at = n
			}
			n++
		}
	}
	return at, n
}

func (d decider) allExist(docs, proposals []string) error {
	for _, id := range docs {
		if d.s.Documents[id] == nil {
			return Errorf(NotFound, "Không có tài liệu %q", "no document %q", id)
		}
	}
	for _, id := range proposals {
		if d.s.Proposals[id] == nil {
			return Errorf(NotFound, "Không có tờ trình %q", "no proposal %q", id)
		}
	}
	return nil
}

func (d decider) inSession() error {
	if d.s.Status != StatusInSession {
		return Errorf(Conflict, "Hội nghị chưa khai mạc hoặc đang tạm nghỉ", "the meeting is not in session")
	}
	return nil
}

func (d decider) chair(cmd Command) ([]Event, error) {
	s := d.s
	switch cmd.(type) {
	case OpenSession:
		switch s.Status {
		case StatusDraft:
			return nil, Errorf(Conflict, "Hội nghị cần được công bố trước khi khai mạc", "publish the meeting before opening the session")
		case StatusInSession:
			return nil, Errorf(Conflict, "Hội nghị đang diễn ra", "the meeting is already in session")
		}
		// The chair who opens the session is present from that moment.
		if !d.me.Present {
			return d.emit(SessionOpened{}, CheckedIn{Participant: d.me.ID})
		}
		return d.emit(SessionOpened{})
	case Adjourn:
		if err := d.inSession(); err != nil {
			return nil, err
		}
		if s.OpenPoll() != nil {
			return nil, Errorf(Conflict, "Cần kết thúc biểu quyết trước khi tạm nghỉ", "close the open poll before adjourning")
		}
		return d.emit(SessionAdjourned{})
	case CloseMeeting:
		if s.Status == StatusDraft {
			return nil, Errorf(Conflict, "Hội nghị chưa được công bố", "the meeting has not been published")
		}
		if s.OpenPoll() != nil {
			return nil, Errorf(Conflict, "Cần kết thúc biểu quyết trước khi bế mạc", "close the open poll before closing the meeting")
		}
		return d.emit(MeetingClosed{})
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	switch c := cmd.(type) {
	case SetCurrentItem:
		if s.Item(c.Item) == nil {
			return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
		}
		if s.Current == c.Item {
			return nil, nil
		}
		return d.emit(CurrentItemSet(c))
	case HandPresentation:
		if c.To != "" && s.Participants[c.To] == nil {
			return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.To)
		}
		if s.Presentation.Presenter == c.To {
			return nil, nil
		}
		return d.emit(PresentationHanded(c))
	case OpenPoll:
		p := s.Polls[c.Poll]
		if p == nil {
			return nil, Errorf(NotFound, "Không có cuộc biểu quyết %q", "no poll %q", c.Poll)
		}
		if p.Status != PollReady {
			return nil, Errorf(Conflict, "Cuộc biểu quyết này đã được mở", "this poll was already opened")
		}
		if s.OpenPoll() != nil {
			return nil, Errorf(Conflict, "Đang có một cuộc biểu quyết khác", "another poll is open")
		}
		return d.emit(PollOpened(c))
	case ClosePoll:
		p := s.Polls[c.Poll]
		if p == nil {
			return nil, Errorf(NotFound, "Không có cuộc biểu quyết %q", "no poll %q", c.Poll)
		}
		if p.Status != PollOpen {
			return nil, Errorf(Conflict, "Cuộc biểu quyết không đang mở", "the poll is not open")
		}
		if err := checkTally(p, c.Tally); err != nil {
			return nil, err
		}
		members, present := s.Members()
		return d.emit(PollClosed{Poll: p.ID, Result: ResultOf(p, c.Tally, members, present), Voters: cloneMap(p.Voters)})
	case GiveFloor:
		who := c.Participant
		if who == "" {
			if len(s.Floor.Queue) == 0 {
				return nil, Errorf(Conflict, "Không có ai đăng ký phát biểu", "nobody has asked to speak")
			}
			who = s.Floor.Queue[0]
		}
		if s.Participants[who] == nil {
			return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", who)
		}
		if s.Floor.Speaker == who {
			return nil, Errorf(Conflict, "Đại biểu đang phát biểu", "this participant already has the floor")
		}
		return d.emit(FloorGiven{Participant: who})
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
}
func (d decider) present(cmd Command) ([]Event, error) {
	s := d.s
	if d.me.Role != RoleChair && (s.Presentation.Presenter == "" || s.Presentation.Presenter != d.me.ID) {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người được giao trình bày mới được điều khiển tài liệu", "only the chair or the presenter may control the shown document")
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	switch c := cmd.(type) {
	case ShowDocument:
		doc := s.Documents[c.Document]
		if doc == nil {
			return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
		}
		page := c.Page
		if page == 0 {
			page = 1
		}
		if page < 1 || page > doc.Pages {
			return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", page, doc.Pages)
		}
		if s.Presentation.Document == doc.ID && s.Presentation.Page == page {
			return nil, nil
		}
		return d.emit(DocumentShown{Document: doc.ID, Page: page})
	case TurnPage:
		doc := s.Documents[s.Presentation.Document]
		if doc == nil {
			return nil, Errorf(Conflict, "Chưa có tài liệu nào được trình chiếu", "no document is shown")
		}
		if c.Page < 1 || c.Page > doc.Pages {
			return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", c.Page, doc.Pages)
		}
		if s.Presentation.Page == c.Page {
			return nil, nil
		}
		return d.emit(PageTurned{Document: doc.ID, Page: c.Page})
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
}

func (d decider) createPoll(c CreatePoll) ([]Event, error) {
	if d.me.Role != RoleChair && d.me.Role != RoleSecretary {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc thư ký mới được chuẩn bị biểu quyết", "only the chair or a secretary may prepare a poll")
	}
	p := c.Poll
	if !idPattern.MatchString(p.ID) {
		return nil, badID("poll", "cuộc biểu quyết", p.ID)
	}
	if d.s.Polls[p.ID] != nil {
		return nil, Errorf(Conflict, "Cuộc biểu quyết %q đã có", "poll %q already exists", p.ID)
	}
	if err := checkText("the question", "nội dung biểu quyết", p.Question, true, MaxTextLength); err != nil {
		return nil, err
	}
	if len(p.Choices) == 0 {
		p.Choices = DefaultChoices()
	}
	if len(p.Choices) < 2 || len(p.Choices) > 20 {
		return nil, Errorf(Invalid, "Biểu quyết cần từ 2 đến 20 phương án", "a poll needs 2 to 20 choices")
	}
	seen := map[string]bool{}
	for _, ch := range p.Choices {
		if !idPattern.MatchString(ch.ID) {
			return nil, badID("choice", "phương án", ch.ID)
		}
		if seen[ch.ID] {
			return nil, Errorf(Invalid, "Phương án %q bị trùng", "choice %q appears twice", ch.ID)
		}
		seen[ch.ID] = true
		if err := checkText("the choice label", "tên phương án", ch.Label, true, MaxTextLength); err != nil {
			return nil, err
		}
	}
	if p.Proposal != "" && d.s.Proposals[p.Proposal] == nil {
		return nil, Errorf(NotFound, "Không có tờ trình %q", "no proposal %q", p.Proposal)
	}
	if p.Rule.Base == "" {
		p.Rule.Base = BaseCast
	}
	if p.Rule.Threshold == "" {
		p.Rule.Threshold = Simple
	}
	switch p.Rule.Base {
	case BaseCast, BasePresent, BaseMembers:
	default:
		return nil, Errorf(Invalid, "Cách tính đa số không hợp lệ: %q", "invalid majority base %q", p.Rule.Base)
	}
	switch p.Rule.Threshold {
	case Simple, Absolute, TwoThirds:
	default:
		return nil, Errorf(Invalid, "Ngưỡng thông qua không hợp lệ: %q", "invalid threshold %q", p.Rule.Threshold)
	}
	if p.Rule.QuorumPercent < 0 || p.Rule.QuorumPercent > 100 {
		return nil, Errorf(Invalid, "Tỷ lệ túc số phải từ 0 đến 100", "the quorum must be 0 to 100 percent")
	}
	p.Status, p.Voters, p.Result = PollReady, nil, nil
	return d.emit(PollCreated{Poll: p})
}

func (d decider) castBallot(c CastBallot) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	if !d.me.Voter() {
		return nil, Errorf(Forbidden, "Đồng chí không có quyền biểu quyết", "you have no vote in this meeting")
	}
	if !d.me.Present {
		return nil, Errorf(Conflict, "Đồng chí cần điểm danh trước khi biểu quyết", "check in before voting")
	}
	p := d.s.Polls[c.Poll]
	if p == nil {
		return nil, Errorf(NotFound, "Không có cuộc biểu quyết %q", "no poll %q", c.Poll)
	}
	if p.Status != PollOpen {
		return nil, Errorf(Conflict, "Cuộc biểu quyết không đang mở", "the poll is not open")
	}
	if p.Choice(c.Choice) == nil {
		return nil, Errorf(Invalid, "Lựa chọn không hợp lệ: %q", "invalid choice %q", c.Choice)
	}
	if c.BallotID == "" || len(c.BallotID) > 128 {
		return nil, Errorf(Invalid, "Thiếu mã phiếu", "the ballot needs an id")
	}
	if _, voted := p.Voters[d.me.ID]; voted {
		return nil, Errorf(Conflict, "Đồng chí đã biểu quyết trong cuộc biểu quyết này", "you have already voted in this poll")
	}
	choice := c.Choice
	if p.Secret {
		choice = ""
	}
	return d.emit(BallotCast{Poll: p.ID, Voter: d.me.ID, Choice: choice})
}

func (d decider) floor(cmd Command) ([]Event, error) {
	s := d.s
	if err := d.inSession(); err != nil {
		return nil, err
	}
	switch cmd.(type) {
	case RequestFloor:
		if d.me.Role == RoleObserver {
			return nil, Errorf(Forbidden, "Quan sát viên không đăng ký phát biểu", "observers may not ask to speak")
		}
		if slices.Contains(s.Floor.Queue, d.me.ID) {
			return nil, Errorf(Conflict, "Đồng chí đã đăng ký phát biểu", "you have already asked to speak")
		}
		if s.Floor.Speaker == d.me.ID {
			return nil, Errorf(Conflict, "Đồng chí đang phát biểu", "you have the floor")
		}
		return d.emit(FloorRequested{Participant: d.me.ID})
	case WithdrawFloor:
		if !slices.Contains(s.Floor.Queue, d.me.ID) {
			return nil, Errorf(Conflict, "Đồng chí chưa đăng ký phát biểu", "you have not asked to speak")
		}
		return d.emit(FloorWithdrawn{Participant: d.me.ID})
	case EndFloor:
		if s.Floor.Speaker == "" {
			return nil, Errorf(Conflict, "Không có ai đang phát biểu", "nobody has the floor")
		}
		if d.me.Role != RoleChair && s.Floor.Speaker != d.me.ID {
			return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang phát biểu mới kết thúc lượt phát biểu", "only the chair or the speaker may end the turn")
		}
		return d.emit(FloorEnded{Participant: s.Floor.Speaker})
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
}

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

// canPresent reports whether the actor may show things to the room: the
// chair, or the participant the presentation was handed to.
func (d decider) canPresent() bool {
	return d.me.Role == RoleChair || (d.s.Presentation.Presenter != "" && d.s.Presentation.Presenter == d.me.ID)
}

func (d decider) saveAnnotation(c SaveAnnotation) ([]Event, error) {
	s, a := d.s, c.Annotation
	doc := s.Documents[a.Document]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", a.Document)
	}
	if !s.CanRead(d.me.ID, doc.ID) {
		return nil, Errorf(Forbidden, "Đồng chí không được đọc tài liệu này nên không thể ghi chú trên đó",
			"you may not read this document, so you may not annotate it")
	}
	if c.Shared && !d.canPresent() {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang trình bày mới được chia sẻ ghi chú với hội trường",
			"only the chair or the presenter may share annotations with the room")
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(a.ID) {
		return nil, badID("annotation", "ghi chú", a.ID)
	}
	if a.Page > doc.Pages {
		return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", a.Page, doc.Pages)
	}
	// Keep only what the kind draws.
	if a.Kind == AnnotationInk {
		a.Points = slices.Clone(a.Points)
	} else {
		a.Points = nil
	}
	if a.Kind != AnnotationNote {
		a.Text = ""
	}
	// An existing id is an edit of the same annotation: same owner, same
	// document. The limit counts the others.
	var old *Annotation
	count := 0
	if c.Shared {
		if sh := s.Shared[a.ID]; sh != nil {
			if sh.Owner != d.me.ID {
				return nil, Errorf(Conflict, "Mã ghi chú %q đã được người khác dùng", "annotation id %q is taken by someone else", a.ID)
			}
			old = &sh.Annotation
		}
		for _, sh := range s.Shared {
			if sh.Owner == d.me.ID && sh.Document == a.Document && sh.ID != a.ID {
				count++
			}
		}
	} else {
		mine := s.Annotations[d.me.ID]
		old = mine[a.ID]
		for _, x := range mine {
			if x.Document == a.Document && x.ID != a.ID {
				count++
			}
		}
	}
	if old != nil && old.Document != a.Document {
		return nil, Errorf(Conflict, "Mã ghi chú %q đã được dùng trên tài liệu khác", "annotation id %q is used on another document", a.ID)
	}
	if count >= MaxAnnotationsPerDocument {
		return nil, Errorf(Conflict, "Đã có %d ghi chú trên tài liệu này, không thể thêm", "there are already %d annotations on this document", count)
	}
	if err := d.annotationQuota(a, c.Shared); err != nil {
		return nil, err
	}
	return d.emit(AnnotationSaved{Owner: d.me.ID, Shared: c.Shared, Annotation: a})
}

// annotationQuota refuses a save that would take the actor's annotations
// (on a's document, or on all documents) or the room's set on a's document
// over their byte quota; the annotation a replaces (same id) does not
// count.
func (d decider) annotationQuota(a Annotation, shared bool) error {
	s, me := d.s, d.me.ID
	doc, all, room := a.Weight(), a.Weight(), a.Weight()
	for id, x := range s.Annotations[me] {
		if shared || id != a.ID {
			all += x.Weight()
			if !shared && x.Document == a.Document {
				doc += x.Weight()
			}
		}
	}
	for id, sh := range s.Shared {
		if sh.Document != a.Document || (shared && id == a.ID) {
			continue
		}
		room += sh.Weight()
		if shared && sh.Owner == me {
			doc += sh.Weight()
		}
	}
	switch {
	case doc > MaxAnnotationBytesPerDocument:
		return Errorf(Conflict, "Ghi chú của đồng chí trên tài liệu này đã đạt giới hạn dung lượng (%d MB); hãy xóa bớt ghi chú cũ",
			"your annotations on this document have reached their size limit (%d MB); delete some older ones", MaxAnnotationBytesPerDocument>>20)
	case !shared && all > MaxAnnotationBytesPerParticipant:
		return Errorf(Conflict, "Ghi chú của đồng chí đã đạt giới hạn dung lượng (%d MB); hãy xóa bớt ghi chú cũ",
			"your annotations have reached their size limit (%d MB); delete some older ones", MaxAnnotationBytesPerParticipant>>20)
	case shared && room > MaxSharedBytesPerDocument:
		return Errorf(Conflict, "Ghi chú chung trên tài liệu này đã đạt giới hạn dung lượng (%d MB)",
			"the room's annotations on this document have reached their size limit (%d MB)", MaxSharedBytesPerDocument>>20)
	}
	return nil
}

func (d decider) deleteAnnotation(c DeleteAnnotation) ([]Event, error) {
	s := d.s
	if c.Shared {
		if !d.canPresent() {
			return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang trình bày mới được xóa ghi chú chung",
				"only the chair or the presenter may delete the room's annotations")
		}
		sh := s.Shared[c.ID]
		if sh == nil {
			return nil, Errorf(NotFound, "Không có ghi chú chung %q", "no shared annotation %q", c.ID)
		}
		return d.emit(AnnotationDeleted{Owner: sh.Owner, Shared: true, Document: sh.Document, ID: sh.ID})
	}
	a := s.Annotations[d.me.ID][c.ID]
	if a == nil {
		// Another's private annotation is not named: it does not exist for the actor.
		return nil, Errorf(NotFound, "Không có ghi chú %q", "no annotation %q", c.ID)
	}
	return d.emit(AnnotationDeleted{Owner: d.me.ID, Document: a.Document, ID: a.ID})
}

func (d decider) linkedRoom(cmd Command) ([]Event, error) {
	s := d.s
	var room string
	switch c := cmd.(type) {
	case SetFollowing:
		room = c.Room
	case ShowInRoom:
		room = c.Room
	}
	if d.me.Role != RoleChair && (d.me.Role != RoleSecretary || d.me.Room != room) {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc thư ký của điểm cầu mới được điều khiển điểm cầu",
			"only the chair or the room's own secretary may control a linked room")
	}
	if _, ok := cmd.(ShowInRoom); ok {
		if err := d.inSession(); err != nil {
			return nil, err
		}
	}
	r := s.Room(room)
	if r == nil {
		return nil, Errorf(NotFound, "Không có phòng họp %q", "no room %q", room)
	}
	switch c := cmd.(type) {
	case SetFollowing:
		if r.Main {
			if c.Follow {
				return nil, nil
			}
			return nil, Errorf(Invalid, "Hội trường chính không thể thôi theo dõi chính mình", "the main hall cannot stop following itself")
		}
		if r.Following == c.Follow {
			return nil, nil
		}
		return d.emit(RoomFollowing(c))
	case ShowInRoom:
		if r.Main {
			return nil, Errorf(Invalid, "Hội trường chính trình chiếu bằng lệnh ShowDocument", "the main hall shows documents with ShowDocument")
		}
		if r.Following {
			return nil, Errorf(Conflict, "Điểm cầu đang theo hội trường chính; cần thôi theo dõi trước", "the room follows the main hall; stop following first")
		}
		doc := s.Documents[c.Document]
		if doc == nil {
			return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
		}
		page := c.Page
		if page == 0 {
			page = 1
		}
		if page < 1 || page > doc.Pages {
			return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", page, doc.Pages)
		}
		if p := r.Presentation; p != nil && p.Document == doc.ID && p.Page == page {
			return nil, nil
		}
		return d.emit(RoomShown{Room: r.ID, Document: doc.ID, Page: page})
	}
	return nil, Errorf(Invalid, "Lệnh %T không được hỗ trợ", "unsupported command %T", cmd)
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
	return d.emit(SessionsRevoked(c))
}
