package meeting

import "fmt"

// The presentation and the rooms: what the main hall shows and who turns
// its pages; the linked rooms, which follow the main hall or show on their
// own.

func (c AddRoom) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(c.Room.ID) {
		return nil, badID("room", "phòng họp", c.Room.ID)
	}
	if d.s.Room(c.Room.ID) != nil {
		return nil, Errorf(Conflict, "Phòng họp %q đã có", "room %q already exists", c.Room.ID)
	}
	if err := checkText("the room name", "tên phòng họp", c.Room.Name, true, MaxTextLength); err != nil {
		return nil, err
	}
	r := c.Room
	r.Main, r.Following, r.Presentation = false, true, nil
	return d.emit(RoomAdded{Room: r})
}

// canPresent reports whether the actor may show things to the room: the
// chair, or the participant the presentation was handed to.
func (d decider) canPresent() bool {
	return d.me.Role == RoleChair || (d.s.Presentation.Presenter != "" && d.s.Presentation.Presenter == d.me.ID)
}

// needPresenter refuses an actor who may not control the shown document,
// then a meeting not in session.
func (d decider) needPresenter() error {
	s := d.s
	if d.me.Role != RoleChair && (s.Presentation.Presenter == "" || s.Presentation.Presenter != d.me.ID) {
		return Errorf(Forbidden, "Chỉ chủ tọa hoặc người được giao trình bày mới được điều khiển tài liệu", "only the chair or the presenter may control the shown document")
	}
	return d.inSession()
}

func (c ShowDocument) decide(d decider) ([]Event, error) {
	if err := d.needPresenter(); err != nil {
		return nil, err
	}
	s := d.s
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
}

func (c TurnPage) decide(d decider) ([]Event, error) {
	if err := d.needPresenter(); err != nil {
		return nil, err
	}
	s := d.s
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

func (c HandPresentation) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	if c.To != "" && s.Participants[c.To] == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.To)
	}
	if s.Presentation.Presenter == c.To {
		return nil, nil
	}
	return d.emit(PresentationHanded(c))
}

// linkedRoom checks who may control a linked room (the chair, or the
// secretary who sits in it) and returns the room; ShowInRoom also needs
// the session open.
func (d decider) linkedRoom(room string, show bool) (*Room, error) {
	if d.me.Role != RoleChair && (d.me.Role != RoleSecretary || d.me.Room != room) {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc thư ký của điểm cầu mới được điều khiển điểm cầu",
			"only the chair or the room's own secretary may control a linked room")
	}
	if show {
		if err := d.inSession(); err != nil {
			return nil, err
		}
	}
	r := d.s.Room(room)
	if r == nil {
		return nil, Errorf(NotFound, "Không có phòng họp %q", "no room %q", room)
	}
	return r, nil
}

func (c SetFollowing) decide(d decider) ([]Event, error) {
	r, err := d.linkedRoom(c.Room, false)
	if err != nil {
		return nil, err
	}
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
}

func (c ShowInRoom) decide(d decider) ([]Event, error) {
	r, err := d.linkedRoom(c.Room, true)
	if err != nil {
		return nil, err
	}
	if r.Main {
		return nil, Errorf(Invalid, "Hội trường chính trình chiếu bằng lệnh ShowDocument", "the main hall shows documents with ShowDocument")
	}
	if r.Following {
		return nil, Errorf(Conflict, "Điểm cầu đang theo hội trường chính; cần thôi theo dõi trước", "the room follows the main hall; stop following first")
	}
	doc := d.s.Documents[c.Document]
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

func (d RoomAdded) fits(s *State, full bool) error {
	return need(d.Room.ID != "" && s.Room(d.Room.ID) == nil, "room %q is empty or taken", d.Room.ID)
}

func (d RoomAdded) change(s *State, e Event) {
	r := d.Room
	r.Main, r.Following, r.Presentation = false, true, nil
	s.Rooms = append(s.Rooms, r)
}

func (d DocumentShown) fits(s *State, full bool) error { return s.fitsPage(d.Document, d.Page, full) }

func (d DocumentShown) change(s *State, e Event) {
	s.Presentation.Document, s.Presentation.Page = d.Document, d.Page
}

func (d PageTurned) fits(s *State, full bool) error { return s.fitsPage(d.Document, d.Page, full) }

func (d PageTurned) change(s *State, e Event) {
	s.Presentation.Document, s.Presentation.Page = d.Document, d.Page
}

func (d PresentationHanded) fits(s *State, full bool) error {
	if d.To == "" {
		return nil
	}
	return s.person(d.To)
}

func (d PresentationHanded) change(s *State, e Event) { s.Presentation.Presenter = d.To }

func (d RoomFollowing) fits(s *State, full bool) error {
	r := s.Room(d.Room)
	return need(r != nil && (!r.Main || d.Follow), "room %q is unknown, or is the main hall", d.Room)
}

func (d RoomFollowing) change(s *State, e Event) {
	r := s.Room(d.Room)
	r.Following, r.Presentation = d.Follow, nil
	if !d.Follow && s.Presentation.Document != "" {
		// The room keeps the main hall's current page until its
		// operator shows something else.
		r.Presentation = &Presentation{Document: s.Presentation.Document, Page: s.Presentation.Page}
	}
}

func (d RoomShown) fits(s *State, full bool) error {
	r := s.Room(d.Room)
	if r == nil || r.Main || r.Following {
		return fmt.Errorf("room %q is unknown, the main hall or follows it", d.Room)
	}
	return s.fitsPage(d.Document, d.Page, full)
}

func (d RoomShown) change(s *State, e Event) {
	s.Room(d.Room).Presentation = &Presentation{Document: d.Document, Page: d.Page}
}
