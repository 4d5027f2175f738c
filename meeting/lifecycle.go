package meeting

import (
	"fmt"
	"slices"
)

// The meeting's lifecycle: creating it, its details, publishing, the
// session opened, adjourned and closed.

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

func (c UpdateMeeting) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
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
	switch c.ActiveContent {
	case "", ActiveContentRemove, ActiveContentRefuse:
	default:
		return nil, Errorf(Invalid, "Cách xử lý nội dung chủ động %q không hợp lệ (cần %q hoặc %q)",
			"invalid active_content %q (want %q or %q)", c.ActiveContent, ActiveContentRemove, ActiveContentRefuse)
	}
	if c.ActiveContent == s.ActiveContent || (c.ActiveContent == ActiveContentRemove && s.ActiveContent == "") {
		c.ActiveContent = "" // already so
	}
	if c.Title == "" && c.Place == "" && c.StartsAt.IsZero() && c.ConfidentialListing == "" && c.ActiveContent == "" {
		return nil, nil
	}
	return d.emit(MeetingUpdated(c))
}

func (c Publish) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	if d.s.Status != StatusDraft {
		return nil, Errorf(Conflict, "Hội nghị đã được công bố", "the meeting is already published")
	}
	return d.emit(MeetingPublished{})
}

func (c OpenSession) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	switch d.s.Status {
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
}

func (c Adjourn) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	if d.s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Cần kết thúc biểu quyết trước khi tạm nghỉ", "close the open poll before adjourning")
	}
	return d.emit(SessionAdjourned{})
}

func (c CloseMeeting) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if d.s.Status == StatusDraft {
		return nil, Errorf(Conflict, "Hội nghị chưa được công bố", "the meeting has not been published")
	}
	if d.s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Cần kết thúc biểu quyết trước khi bế mạc", "close the open poll before closing the meeting")
	}
	return d.emit(MeetingClosed{})
}

// fits is checked by State.fits before the meeting exists.
func (d MeetingCreated) fits(s *State, full bool) error {
	switch {
	case s.Exists():
		return fmt.Errorf("the meeting exists")
	case d.ID == "" || len(d.Rooms) == 0 || d.Secretary.ID == "":
		return fmt.Errorf("a meeting needs an id, a room and a secretary")
	case !slices.ContainsFunc(d.Rooms, func(r Room) bool { return r.ID == d.Secretary.Room }):
		return fmt.Errorf("the secretary sits in unknown room %q", d.Secretary.Room)
	}
	return nil
}

func (d MeetingCreated) change(s *State, e Event) {
	s.ID, s.Title, s.StartsAt, s.Place, s.Status = d.ID, d.Title, d.StartsAt, d.Place, StatusDraft
	s.Rooms = slices.Clone(d.Rooms)
	for i := range s.Rooms {
		// A room starts out following the main hall (a log written
		// before rooms could stop following says nothing of it).
		s.Rooms[i].Following, s.Rooms[i].Presentation = !s.Rooms[i].Main, nil
	}
	sec := d.Secretary
	s.Participants[sec.ID] = &sec
	s.Order = append(s.Order, sec.ID)
}

func (d MeetingUpdated) fits(s *State, full bool) error { return nil }

func (d MeetingUpdated) change(s *State, e Event) {
	if d.Title != "" {
		s.Title = d.Title
	}
	if !d.StartsAt.IsZero() {
		s.StartsAt = d.StartsAt
	}
	if d.Place != "" {
		s.Place = d.Place
	}
	if d.ConfidentialListing != "" {
		s.ConfidentialListing = d.ConfidentialListing
	}
	if d.ActiveContent != "" {
		s.ActiveContent = d.ActiveContent
	}
}

func (d MeetingPublished) fits(s *State, full bool) error {
	return need(s.Status == StatusDraft, "publishing a meeting that is %s", s.Status)
}

func (d MeetingPublished) change(s *State, e Event) { s.Status = StatusPublished }

func (d SessionOpened) fits(s *State, full bool) error {
	return need(s.Status == StatusPublished || s.Status == StatusAdjourned, "opening a session of a meeting that is %s", s.Status)
}

func (d SessionOpened) change(s *State, e Event) { s.Status = StatusInSession }

func (d SessionAdjourned) fits(s *State, full bool) error {
	return need(s.Status == StatusInSession && s.OpenPoll() == nil, "adjourning a meeting that is %s or has an open poll", s.Status)
}

func (d SessionAdjourned) change(s *State, e Event) { s.Status = StatusAdjourned }

func (d MeetingClosed) fits(s *State, full bool) error {
	return need(s.Status != StatusDraft && s.OpenPoll() == nil, "closing a meeting that is %s or has an open poll", s.Status)
}

func (d MeetingClosed) change(s *State, e Event) {
	s.Status = StatusClosed
	s.takeBackAll(e) // every secret document is taken back
	s.endSpeech(e.At)
	s.Floor = Floor{Speeches: s.Floor.Speeches, Contributions: s.Floor.Contributions}
}
