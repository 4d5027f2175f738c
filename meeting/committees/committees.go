// Package committees is the use case of the office's registry: people and
// committees kept once (storage.Registry), a meeting's participants taken
// from a committee, and each person's calendar — their meetings and
// consultations — for the web client and as a private iCalendar feed.
//
// A person's feed is reached by a random token in its URL (a phone's
// calendar app cannot send a header); the registry keeps only the token's
// SHA-256, in the person's entry and in a "feed" entry that finds the
// person. Making a new token voids the old one; revoking leaves none.
//
// Concurrency: a Service is safe for concurrent use; its state is the store.
package committees

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
)

// Registry kinds.
const (
	kindPerson    = "person"
	kindCommittee = "committee"
	kindFeed      = "feed"
	kindSeating   = "seating"
)

// Meetings reads the meetings of the node (*service.Service is one).
type Meetings interface {
	Meetings(ctx context.Context) ([]string, error)
	Read(ctx context.Context, meetingID string, f func(*meeting.State)) error
}

// Consultations lists the consultations (*consultations.Service is one).
type Consultations interface {
	All(ctx context.Context) ([]*office.Consultation, error)
}

// Options configures a Service. Zero values are what a server wants.
type Options struct {
	// Now tells the time. Zero: time.Now.
	Now func() time.Time
}

// Service manages the registry and the calendars.
type Service struct {
	store    storage.Registry
	meetings Meetings
	consults Consultations
	now      func() time.Time
}

// New returns a Service over store. consults may be nil (no consultations
// on the calendars).
func New(store storage.Registry, meetings Meetings, consults Consultations, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{store: store, meetings: meetings, consults: consults, now: opt.Now}
}

// SetConsultations names the consultations shown on calendars (the node
// makes the consultation service after this one).
func (s *Service) SetConsultations(c Consultations) { s.consults = c }

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return meeting.Errorf(meeting.Unavailable, "Hết thời gian chờ; chưa có gì thay đổi", "timed out; nothing changed").WithCause(err)
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; chưa có gì thay đổi", "storage unavailable; nothing changed").WithCause(err)
}

func notFoundPerson(id string) error {
	return meeting.Errorf(meeting.NotFound, "Không có người %q trong danh sách của văn phòng", "no person %q in the office's list", id)
}

// ---------------------------------------------------------------------------
// People

// People returns every person, sorted by id (without feed hashes).
func (s *Service) People(ctx context.Context) ([]office.Person, error) {
	all, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		all[i] = all[i].Public()
	}
	return all, nil
}

func (s *Service) people(ctx context.Context) ([]office.Person, error) {
	es, err := s.store.ListEntries(ctx, kindPerson)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]office.Person, 0, len(es))
	for _, e := range es {
		var p office.Person
		if err := json.Unmarshal(e.Data, &p); err != nil {
			return nil, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Person returns one person (with the feed hash: callers show Public()).
func (s *Service) Person(ctx context.Context, id string) (office.Person, error) {
	b, err := s.store.GetEntry(ctx, kindPerson, id)
	if errors.Is(err, storage.ErrNotFound) {
		return office.Person{}, notFoundPerson(id)
	}
	if err != nil {
		return office.Person{}, unavailable(err)
	}
	var p office.Person
	if err := json.Unmarshal(b, &p); err != nil {
		return office.Person{}, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
	}
	return p, nil
}

// PutPerson adds a person or replaces one's name, title, unit, e-mail and
// account (their feed stays). It returns the person as stored.
func (s *Service) PutPerson(ctx context.Context, p office.Person) (office.Person, error) {
	return s.PutPersonBy(ctx, true, p)
}

// errStaffMark refuses a change of the staff mark by someone who is not an
// administrator.
func errStaffMark() error {
	return meeting.Errorf(meeting.Forbidden, "Chỉ quản trị viên mới giao hoặc bỏ quyền cán bộ văn phòng",
		"only an administrator makes someone office staff or takes it away")
}

// PutPersonBy is PutPerson on behalf of a caller: one who is not an
// administrator (admin false: the office's staff) neither grants nor takes
// away the staff mark — the stored mark must be the one sent, checked in
// the same atomic update, or the save is refused (403) and stores nothing.
func (s *Service) PutPersonBy(ctx context.Context, admin bool, p office.Person) (office.Person, error) {
	if err := p.Check(); err != nil {
		return office.Person{}, err
	}
	// An account signs in as one person: what the account may see and
	// answer is decided by this link alone (PersonOfAccount), so two
	// people may not share it.
	if p.Account != "" {
		all, err := s.people(ctx)
		if err != nil {
			return office.Person{}, err
		}
		for _, o := range all {
			if o.ID != p.ID && o.Account == p.Account {
				return office.Person{}, meeting.Errorf(meeting.Conflict, "Tài khoản %q đã gắn với %s (%s)", "the account %q is linked to %s (%s) already",
					p.Account, o.Name, o.ID)
			}
		}
	}
	p.Updated = s.now().UTC()
	var out office.Person
	_, err := s.store.UpdateEntry(ctx, kindPerson, p.ID, func(old []byte) ([]byte, error) {
		next := p
		if old != nil {
			var o office.Person
			if err := json.Unmarshal(old, &o); err != nil {
				return nil, err
			}
			if !admin && o.Staff != p.Staff {
				return nil, errStaffMark()
			}
			next.FeedHash = o.FeedHash
		} else {
			if !admin && p.Staff {
				return nil, errStaffMark()
			}
			next.FeedHash = ""
		}
		out = next
		return json.Marshal(next)
	})
	if me := (*meeting.Error)(nil); errors.As(err, &me) {
		return office.Person{}, err
	}
	if err != nil {
		return office.Person{}, unavailable(err)
	}
	return out.Public(), nil
}

// PersonOfAccount returns the person an account signs in as, if any.
func (s *Service) PersonOfAccount(ctx context.Context, account string) (office.Person, bool, error) {
	all, err := s.people(ctx)
	if err != nil {
		return office.Person{}, false, err
	}
	for _, p := range all {
		if account != "" && p.Account == account {
			return p, true, nil
		}
	}
	return office.Person{}, false, nil
}

// MeetingPerson is the office's person a meeting session acts as: the
// person whose account opened the session (account, from
// access.Session.Account) when that person's id is the session's
// participant id. A participant's id is chosen by the meeting's secretary
// (any account may make a meeting) and its invitation code makes whoever
// types it that participant, so neither says who the holder is; "" when
// the session is not a person's own (then it acts as nobody in the
// office).
func (s *Service) MeetingPerson(ctx context.Context, account, participant string) (string, error) {
	if account == "" || participant == "" {
		return "", nil
	}
	p, ok, err := s.PersonOfAccount(ctx, account)
	if err != nil || !ok || p.ID != participant {
		return "", err
	}
	return p.ID, nil
}

// ---------------------------------------------------------------------------
// Committees

// Committees returns every committee, sorted by id.
func (s *Service) Committees(ctx context.Context) ([]office.Committee, error) {
	es, err := s.store.ListEntries(ctx, kindCommittee)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]office.Committee, 0, len(es))
	for _, e := range es {
		var c office.Committee
		if err := json.Unmarshal(e.Data, &c); err != nil {
			return nil, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Committee returns one committee.
func (s *Service) Committee(ctx context.Context, id string) (office.Committee, error) {
	b, err := s.store.GetEntry(ctx, kindCommittee, id)
	if errors.Is(err, storage.ErrNotFound) {
		return office.Committee{}, meeting.Errorf(meeting.NotFound, "Không có ban %q", "no committee %q", id)
	}
	if err != nil {
		return office.Committee{}, unavailable(err)
	}
	var c office.Committee
	if err := json.Unmarshal(b, &c); err != nil {
		return office.Committee{}, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
	}
	return c, nil
}

// PutCommittee adds or replaces a committee; every member must be a person
// of the registry.
func (s *Service) PutCommittee(ctx context.Context, c office.Committee) (office.Committee, error) {
	all, err := s.people(ctx)
	if err != nil {
		return office.Committee{}, err
	}
	known := map[string]bool{}
	for _, p := range all {
		known[p.ID] = true
	}
	if c.Members == nil {
		c.Members = []office.Member{}
	}
	if err := c.Check(func(id string) bool { return known[id] }); err != nil {
		return office.Committee{}, err
	}
	c.Updated = s.now().UTC()
	data, err := json.Marshal(c)
	if err != nil {
		return office.Committee{}, meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err)
	}
	if _, err := s.store.UpdateEntry(ctx, kindCommittee, c.ID, func([]byte) ([]byte, error) { return data, nil }); err != nil {
		return office.Committee{}, unavailable(err)
	}
	return c, nil
}

// Members returns a committee with its members' people.
func (s *Service) Members(ctx context.Context, id string) (office.Committee, map[string]office.Person, error) {
	c, err := s.Committee(ctx, id)
	if err != nil {
		return office.Committee{}, nil, err
	}
	all, err := s.people(ctx)
	if err != nil {
		return office.Committee{}, nil, err
	}
	people := map[string]office.Person{}
	for _, p := range all {
		if c.HasMember(p.ID) {
			people[p.ID] = p
		}
	}
	return c, people, nil
}

// ---------------------------------------------------------------------------
// Calendar feeds

func feedHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewFeed makes the person's private feed token (256 random bits), voiding
// the one before; the token is returned once and never stored.
func (s *Service) NewFeed(ctx context.Context, person string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	if err := s.setFeed(ctx, person, feedHash(token)); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeFeed voids the person's feed: its URL answers 404 from now on.
func (s *Service) RevokeFeed(ctx context.Context, person string) error {
	return s.setFeed(ctx, person, "")
}

func (s *Service) setFeed(ctx context.Context, person, hash string) error {
	var old string
	_, err := s.store.UpdateEntry(ctx, kindPerson, person, func(b []byte) ([]byte, error) {
		if b == nil {
			return nil, notFoundPerson(person)
		}
		var p office.Person
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, err
		}
		old, p.FeedHash = p.FeedHash, hash
		return json.Marshal(p)
	})
	if meeting.ErrorCode(err) == meeting.NotFound {
		return err
	}
	if err != nil {
		return unavailable(err)
	}
	// The index: the new hash finds the person; the old one is removed (a
	// stale index entry would be refused anyway, FeedPerson checks the
	// person's own hash).
	if hash != "" {
		if _, err := s.store.UpdateEntry(ctx, kindFeed, hash, func([]byte) ([]byte, error) { return []byte(person), nil }); err != nil {
			return unavailable(err)
		}
	}
	if old != "" && old != hash {
		if _, err := s.store.UpdateEntry(ctx, kindFeed, old, func([]byte) ([]byte, error) { return nil, nil }); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// FeedPerson returns the person whose feed token this is; NotFound for
// any token that is not a person's current one.
func (s *Service) FeedPerson(ctx context.Context, token string) (office.Person, error) {
	none := meeting.Errorf(meeting.NotFound, "Không có lịch ở địa chỉ này (có thể đã bị thu hồi)", "no calendar at this address (it may have been revoked)")
	if len(token) != 43 {
		return office.Person{}, none
	}
	h := feedHash(token)
	id, err := s.store.GetEntry(ctx, kindFeed, h)
	if errors.Is(err, storage.ErrNotFound) {
		return office.Person{}, none
	}
	if err != nil {
		return office.Person{}, unavailable(err)
	}
	p, err := s.Person(ctx, string(id))
	if meeting.ErrorCode(err) == meeting.NotFound || (err == nil && p.FeedHash != h) {
		return office.Person{}, none
	}
	return p, err
}

// ---------------------------------------------------------------------------
// Calendar

// Calendar returns the person's meetings (those the office seated them in
// — made from a committee of theirs by staff, SeatedPerson — never one
// where an id merely matches: any account may make a meeting and name its
// participants; a draft meeting only to its chair and secretaries) and the
// consultations they are asked to answer (once sent), in time order. A meeting ends MeetingLength after its start;
// a consultation's entry ends at its deadline.
func (s *Service) Calendar(ctx context.Context, person string) ([]office.CalendarEntry, error) {
	out := []office.CalendarEntry{}
	ids, err := s.meetings.Meetings(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var (
			e     office.CalendarEntry
			found bool
		)
		err := s.meetings.Read(ctx, id, func(st *meeting.State) {
			p := st.Participant(person)
			if p == nil || st.StartsAt.IsZero() {
				return
			}
			if st.Status == meeting.StatusDraft && p.Role != meeting.RoleChair && p.Role != meeting.RoleSecretary {
				return // not published yet: only its staff see it
			}
			found = true
			e = office.CalendarEntry{UID: "meeting-" + st.ID + "@dais", Kind: office.EntryMeeting, ID: st.ID, Title: st.Title,
				Start: st.StartsAt.UTC(), End: st.StartsAt.Add(office.MeetingLength).UTC(), Location: st.Place,
				Status:      string(st.Status),
				Description: fmt.Sprintf("Tham dự với vai trò: %s (%s)", roleVI(p.Role), p.Role)}
		})
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		seat, ok, err := s.SeatedPerson(ctx, id, person)
		if err != nil {
			return nil, err
		}
		if ok && seat.Person == person {
			out = append(out, e)
		}
	}
	if s.consults != nil {
		cs, err := s.consults.All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Status == office.StatusDraft || !c.IsMember(person) {
				continue
			}
			_, answered := c.Answered[person]
			desc := fmt.Sprintf("%s lấy ý kiến bằng văn bản; hạn trả lời %s (giờ Việt Nam).", c.CommitteeName, vnTime(c.Deadline))
			out = append(out, office.CalendarEntry{UID: "consultation-" + c.ID + "@dais", Kind: office.EntryConsultation, ID: c.ID,
				Title: "Hạn trả lời phiếu lấy ý kiến: " + c.Title, Start: c.Deadline.Add(-office.ConsultationSlot).UTC(), End: c.Deadline.UTC(),
				Description: desc, Status: string(c.Status), Answered: answered})
		}
	}
	office.SortEntries(out)
	return out, nil
}

// Feed is the person's calendar as an iCalendar object.
func (s *Service) Feed(ctx context.Context, p office.Person) ([]byte, error) {
	es, err := s.Calendar(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return office.ICalendar("Lịch họp — "+p.Name, es, s.now()), nil
}

var vietnam = time.FixedZone("ICT", 7*3600)

func vnTime(t time.Time) string { return t.In(vietnam).Format("15:04 02/01/2006") }

func roleVI(r meeting.Role) string {
	switch r {
	case meeting.RoleChair:
		return "chủ trì"
	case meeting.RoleSecretary:
		return "thư ký"
	case meeting.RoleDelegate:
		return "đại biểu"
	case meeting.RoleObserver:
		return "khách mời"
	}
	return string(r)
}

// ---------------------------------------------------------------------------
// Meetings of a committee

// Commands runs meeting commands (*service.Service is one).
type Commands interface {
	Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
}

// Seat adds a committee's members to a meeting as its participants (the
// chair as chair, the others as delegates, in the main hall), acting as the
// meeting's secretary. A member already in the meeting (the secretary
// themself, or a second run) is left as they are. It returns the
// participants added and the members' accounts (person → account) to link.
func (s *Service) Seat(ctx context.Context, cmds Commands, meetingID, secretary, committee string) ([]meeting.Participant, map[string]string, error) {
	c, people, err := s.Members(ctx, committee)
	if err != nil {
		return nil, nil, err
	}
	var (
		room    string
		present = map[string]bool{}
	)
	if err := s.meetings.Read(ctx, meetingID, func(st *meeting.State) {
		for _, r := range st.Rooms {
			if r.Main {
				room = r.ID
			}
		}
		for _, id := range st.Order {
			present[id] = true
		}
	}); err != nil {
		return nil, nil, err
	}
	var added, seated []meeting.Participant
	accounts := map[string]string{}
	for _, p := range c.Participants(people, room, secretary) {
		if acc := people[p.ID].Account; acc != "" {
			accounts[p.ID] = acc
		}
		if present[p.ID] {
			// Already in the meeting under the member's id: the staff
			// secretary who made it (or an earlier Seat) put them there.
			seated = append(seated, p)
			continue
		}
		if _, err := cmds.Execute(ctx, meetingID, meeting.Actor{Participant: secretary}, meeting.AddParticipant{Participant: p}); err != nil {
			return added, accounts, s.recordSeating(ctx, meetingID, c.ID, append(seated, added...), err)
		}
		added = append(added, p)
	}
	return added, accounts, s.recordSeating(ctx, meetingID, c.ID, append(seated, added...), nil)
}

// SeatedAs is who a participant of a meeting was seated as by Seat: the
// person and the committee they are a member of.
type SeatedAs struct {
	Person    string `json:"person"`
	Committee string `json:"committee"`
}

// recordSeating keeps, for the participants Seat added, the person each
// one is (registry entry "seating", the meeting's id; merged with what an
// earlier Seat recorded). It returns failed, or the store's error.
func (s *Service) recordSeating(ctx context.Context, meetingID, committee string, added []meeting.Participant, failed error) error {
	if len(added) == 0 {
		return failed
	}
	_, err := s.store.UpdateEntry(ctx, kindSeating, meetingID, func(old []byte) ([]byte, error) {
		m := map[string]SeatedAs{}
		if old != nil {
			if err := json.Unmarshal(old, &m); err != nil {
				return nil, err
			}
		}
		for _, p := range added {
			m[p.ID] = SeatedAs{Person: p.ID, Committee: committee}
		}
		return json.Marshal(m)
	})
	if failed != nil {
		return failed
	}
	if err != nil {
		return unavailable(err)
	}
	return nil
}

// LinkSeats records that the participants ids of a meeting are the
// members of committee under the same ids, as if Seat had seated them (the
// demo's meeting, whose committee was made from its participants).
func (s *Service) LinkSeats(ctx context.Context, meetingID, committee string, ids []string) error {
	ps := make([]meeting.Participant, 0, len(ids))
	for _, id := range ids {
		ps = append(ps, meeting.Participant{ID: id})
	}
	return s.recordSeating(ctx, meetingID, committee, ps, nil)
}

// SeatedPerson returns the person a meeting's participant was seated as
// when the meeting was made from a committee (Seat), and that committee.
// It is the one link from a meeting session to a person of the registry:
// a participant the secretaries added by hand, a substitute, or a meeting
// not made from a committee has none (ok false), whatever its id or name.
func (s *Service) SeatedPerson(ctx context.Context, meetingID, participant string) (SeatedAs, bool, error) {
	b, err := s.store.GetEntry(ctx, kindSeating, meetingID)
	if errors.Is(err, storage.ErrNotFound) {
		return SeatedAs{}, false, nil
	}
	if err != nil {
		return SeatedAs{}, false, unavailable(err)
	}
	m := map[string]SeatedAs{}
	if err := json.Unmarshal(b, &m); err != nil {
		return SeatedAs{}, false, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
	}
	a, ok := m[participant]
	return a, ok, nil
}

// SeatedMeetings returns the meetings (sorted by id) some of whose
// participants Seat (or LinkSeats) seated as members of committee: the
// meetings whose tablets may answer the committee's consultations, which a
// consultation sent or closed rings.
func (s *Service) SeatedMeetings(ctx context.Context, committee string) ([]string, error) {
	es, err := s.store.ListEntries(ctx, kindSeating)
	if err != nil {
		return nil, unavailable(err)
	}
	var out []string
	for _, e := range es {
		m := map[string]SeatedAs{}
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return nil, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
		}
		for _, a := range m {
			if a.Committee == committee {
				out = append(out, e.ID)
				break
			}
		}
	}
	return out, nil
}

// SeatedCommittee reports whether the meeting was made from committee by
// the office (Seat recorded a seat of that committee in it): the one
// place, besides an account of the office's staff, where a conclusion of
// that committee may be drafted. A meeting any account made has no seating.
func (s *Service) SeatedCommittee(ctx context.Context, meetingID, committee string) (bool, error) {
	b, err := s.store.GetEntry(ctx, kindSeating, meetingID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, unavailable(err)
	}
	m := map[string]SeatedAs{}
	if err := json.Unmarshal(b, &m); err != nil {
		return false, meeting.Errorf(meeting.Internal, "Dữ liệu hỏng", "corrupt registry entry").WithCause(err)
	}
	for _, a := range m {
		if committee != "" && a.Committee == committee {
			return true, nil
		}
	}
	return false, nil
}
