package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

const opMinutes = "minutes"

// labels are the words of the minutes in one language.
type labels struct {
	heading, date, place, chair, secretary                       string
	attendance, proceedings, otherPolls, present, absent, seat   string
	roomPresent                                                  string // room name, present, members
	otherRoom, presenter, documents, pages, speaker, queue       string
	poll, open, secret, named, rule, notClosed, ballots, passed  string
	failed, noQuorum, votedFor, nobody, signChair, signSecretary string
	footer                                                       string // title, page, total
	roles                                                        map[meeting.Role]string
	bases                                                        map[meeting.Base]string
	thresholds                                                   map[meeting.Threshold]string
	quorum, statusReady, statusOpen                              string
	proposal                                                     string
	dateLayout                                                   string
	staff, observers, speeches, speechLine, speaking             string
	chain, noChain                                               string // chain: last seq
	elections, electionRound, electionCounts, electionElected    string
	electionNone, electionShort, electionTied, electionOpen      string
	electionSeats, confidenceLine, electionSee                   string
	takenBack                                                    string // when
	// kinds names each kind of turn at the floor (the empty kind: a speech).
	kinds map[meeting.SpeechKind]string
	// Attendance with reasons: an absence's reason (reason, approval),
	// approved or not, recorded during the meeting; a member's substitute;
	// the substitutes' group, a substitute's line, and whether they voted.
	absence, approved, notApproved, during, substitutedBy        string
	substitutes, standsInFor, substitutesVote, substitutesNoVote string
	absences                                                     string // approved, not approved
}

var vi = labels{
	heading: "BIÊN BẢN PHIÊN HỌP", date: "Thời gian", place: "Địa điểm", chair: "Chủ tọa", secretary: "Thư ký",
	attendance: "I. THÀNH PHẦN THAM DỰ", proceedings: "II. NỘI DUNG PHIÊN HỌP", otherPolls: "III. CÁC BIỂU QUYẾT KHÁC",
	present: "có mặt", absent: "vắng mặt", seat: "Ghế",
	roomPresent: "%s — có mặt %d/%d người", otherRoom: "Không thuộc phòng họp nào",
	presenter: "Người trình bày", documents: "Tài liệu", pages: "%d trang", speaker: "Đang phát biểu", queue: "Đăng ký phát biểu",
	poll: "Biểu quyết", open: "công khai", secret: "bỏ phiếu kín", named: "ghi danh", rule: "Nguyên tắc",
	notClosed: "Chưa kết thúc biểu quyết.", ballots: "Số phiếu: %d phiếu biểu quyết / %d đại biểu có mặt / %d đại biểu",
	passed: "Kết quả: THÔNG QUA", failed: "Kết quả: KHÔNG THÔNG QUA", noQuorum: " (không đủ túc số)",
	votedFor: "%s (%d): %s", nobody: "không có",
	signChair: "CHỦ TỌA", signSecretary: "THƯ KÝ",
	footer: "Biên bản — %s — Trang %d/%d",
	roles: map[meeting.Role]string{meeting.RoleChair: "chủ tọa", meeting.RoleSecretary: "thư ký",
		meeting.RoleDelegate: "đại biểu", meeting.RoleObserver: "khách mời"},
	bases: map[meeting.Base]string{meeting.BaseCast: "số phiếu biểu quyết", meeting.BasePresent: "số đại biểu có mặt",
		meeting.BaseMembers: "tổng số đại biểu"},
	thresholds: map[meeting.Threshold]string{meeting.Simple: "số phiếu tán thành nhiều hơn số phiếu không tán thành",
		meeting.Absolute: "quá một nửa %s", meeting.TwoThirds: "ít nhất hai phần ba %s"},
	quorum: "túc số %d%% tổng số đại biểu", statusReady: "Chưa biểu quyết.", statusOpen: "Đang biểu quyết.",
	proposal:   "Tờ trình",
	dateLayout: "15:04, ngày 02/01/2006", takenBack: "đã thu hồi lúc %s",
	staff: "Thành phần phục vụ", observers: "Khách mời",
	speeches: "Các ý kiến phát biểu", speechLine: "%d. %s: %s – %s", speaking: "đang phát biểu",
	chain:     "Chuỗi kiểm chứng: sự kiện cuối số %d, mã băm SHA-256 (đối chiếu bằng lệnh dais verify):",
	noChain:   "Chuỗi kiểm chứng: các sự kiện được lưu trước khi có chuỗi kiểm chứng.",
	elections: "BẦU CỬ VÀ LẤY PHIẾU TÍN NHIỆM", electionRound: "Lần bỏ phiếu thứ %d: ",
	electionCounts:  "phát ra %d, thu về %d, hợp lệ %d, không hợp lệ %d phiếu.",
	electionElected: "Trúng cử (%d/%d): ", electionNone: "Không có đồng chí nào trúng cử.",
	electionShort: " Chưa đủ số lượng cần bầu.", electionTied: " Bằng phiếu nhau ở vị trí cuối cùng: %s.",
	electionOpen: "Đang bỏ phiếu.", electionSeats: "Số lượng cần bầu %d; danh sách %d người; cơ sở tính kết quả: %s (%d).",
	confidenceLine: "%s: tín nhiệm cao %d (%s), tín nhiệm %d (%s), tín nhiệm thấp %d (%s)",
	electionSee:    "Chi tiết trong biên bản kiểm phiếu.",
	kinds: map[meeting.SpeechKind]string{meeting.SpeechDefault: "Phát biểu", meeting.SpeechQuestion: "Chất vấn",
		meeting.SpeechOrder: "Kiến nghị về thủ tục", meeting.SpeechContribution: "Tham luận"},
	absence: "có lý do: %s (%s)", approved: "được chấp thuận", notApproved: "không được chấp thuận", during: "báo trong khi họp",
	substitutedBy: "người dự thay: %s", substitutes: "Người dự thay", standsInFor: "dự thay đồng chí %s",
	substitutesVote: "(được biểu quyết thay)", substitutesNoVote: "(không biểu quyết)",
	absences: "Vắng mặt có lý do được chấp thuận: %d; lý do không được chấp thuận: %d.",
}

var en = labels{
	heading: "MINUTES OF THE MEETING", date: "Date", place: "Place", chair: "Chair", secretary: "Secretary",
	attendance: "I. ATTENDANCE", proceedings: "II. PROCEEDINGS", otherPolls: "III. OTHER VOTES",
	present: "present", absent: "absent", seat: "Seat",
	roomPresent: "%s — %d of %d present", otherRoom: "No room",
	presenter: "Presenter", documents: "Documents", pages: "%d pages", speaker: "Speaking", queue: "Asked to speak",
	poll: "Vote", open: "open", secret: "secret ballot", named: "by name", rule: "Rule",
	notClosed: "The vote is not closed.", ballots: "Ballots: %d cast / %d present / %d members",
	passed: "Result: PASSED", failed: "Result: NOT PASSED", noQuorum: " (no quorum)",
	votedFor: "%s (%d): %s", nobody: "none",
	signChair: "CHAIR", signSecretary: "SECRETARY",
	footer: "Minutes — %s — Page %d of %d",
	roles: map[meeting.Role]string{meeting.RoleChair: "chair", meeting.RoleSecretary: "secretary",
		meeting.RoleDelegate: "delegate", meeting.RoleObserver: "observer"},
	bases: map[meeting.Base]string{meeting.BaseCast: "the ballots cast", meeting.BasePresent: "the members present",
		meeting.BaseMembers: "all members"},
	thresholds: map[meeting.Threshold]string{meeting.Simple: "more for than against",
		meeting.Absolute: "more than half of %s", meeting.TwoThirds: "at least two thirds of %s"},
	quorum: "quorum %d%% of members", statusReady: "Not yet voted.", statusOpen: "Voting in progress.",
	proposal:   "Proposal",
	dateLayout: "2 January 2006, 15:04", takenBack: "taken back %s",
	staff: "Staff", observers: "Observers",
	speeches: "Speakers", speechLine: "%d. %s: %s – %s", speaking: "still speaking",
	chain:     "Audit chain: last event %d, SHA-256 hash (check it with dais verify):",
	noChain:   "Audit chain: the events were stored before the audit chain.",
	elections: "ELECTIONS AND CONFIDENCE VOTES", electionRound: "Round %d: ",
	electionCounts:  "%d issued, %d returned, %d valid, %d invalid.",
	electionElected: "Elected (%d of %d): ", electionNone: "Nobody was elected.",
	electionShort: " Seats remain to fill.", electionTied: " Tied for the last seat: %s.",
	electionOpen: "Voting in progress.", electionSeats: "Seats %d; %d names on the list; base: %s (%d).",
	confidenceLine: "%s: high confidence %d (%s), confidence %d (%s), low confidence %d (%s)",
	electionSee:    "The counting minutes give the details.",
	kinds: map[meeting.SpeechKind]string{meeting.SpeechDefault: "Speech", meeting.SpeechQuestion: "Question",
		meeting.SpeechOrder: "Point of order", meeting.SpeechContribution: "Contribution"},
	absence: "reason: %s (%s)", approved: "approved", notApproved: "not approved", during: "given during the meeting",
	substitutedBy: "substitute: %s", substitutes: "Substitutes", standsInFor: "substituting for %s",
	substitutesVote: "(voting for the member)", substitutesNoVote: "(not voting)",
	absences: "Absent with an approved reason: %d; with a reason not approved: %d.",
}

// Minutes writes the minutes of the meeting in s to dst, in lang ("vi", the
// default, or "en"): title, date, place, chair and secretary; attendance per
// room; each agenda item with its presenter, documents and polls (question,
// rule, counts, result and, for a poll by name, who chose what); and a
// signature block; every speaker with the times of their turn (and, while
// the meeting runs, the queue). Members are counted present or absent;
// staff and observers are listed apart. s is only read; the caller must not change it
// during the call.
func (e *Engine) Minutes(ctx context.Context, dst io.Writer, s *meeting.State, lang string) error {
	return e.MinutesWith(ctx, dst, s, lang, nil)
}

// MinutesConclusion is a conclusion or resolution of an agenda item as the
// minutes list it (kept in the office's logs, not the meeting's:
// meeting/conclusions): "Kết luận số 15-KL/TU: <title>".
type MinutesConclusion struct {
	AgendaItem string
	// Heading is "Kết luận số 15-KL/TU" (office.Conclusion.Heading).
	Heading string
	Title   string
	// Tasks are "<task> — <assignee>, hạn <date>" lines.
	Tasks []string
}

// MinutesWith is Minutes listing, under each agenda item, the conclusions
// and resolutions given.
func (e *Engine) MinutesWith(ctx context.Context, dst io.Writer, s *meeting.State, lang string, conclusions []MinutesConclusion) error {
	if s == nil || !s.Exists() {
		return meeting.Errorf(meeting.Invalid, "Không có phiên họp để lập biên bản.", "no meeting to write minutes for")
	}
	l := &vi
	switch lang {
	case "", "vi":
	case "en":
		l = &en
	default:
		return meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
	}
	var out bytes.Buffer
	err := e.do(ctx, opMinutes, opOutput, func() error {
		return writeMinutes(&out, s, l, conclusions)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write minutes: %w", err)
	}
	return nil
}

// minutesWriter holds what writeMinutes needs while it lays out.
type minutesWriter struct {
	f   *flow
	s   *meeting.State
	l   *labels
	err error
	// conclusions of each agenda item (MinutesWith).
	conclusions map[string][]MinutesConclusion
}

func (m *minutesWriter) para(fc face, size float64, indent float64, s string) {
	if m.err == nil {
		m.err = m.f.para(fc, size, black, indent, s)
	}
}

func (m *minutesWriter) heading(s string) {
	m.f.space(10)
	m.f.need(40) // keep a heading with what follows
	if m.err == nil {
		m.err = m.f.para(bold, 12, navy, 0, s)
	}
	m.f.space(4)
}

func (m *minutesWriter) name(id string) string {
	if p := m.s.Participant(id); p != nil && p.Name != "" {
		return p.Name
	}
	return id
}

func (m *minutesWriter) byRole(r meeting.Role) string {
	var names []string
	for _, id := range m.s.Order {
		if p := m.s.Participant(id); p != nil && p.Role == r {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

func writeMinutes(w io.Writer, s *meeting.State, l *labels, conclusions []MinutesConclusion) error {
	c, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(c, func(n, total int) string { return fmt.Sprintf(l.footer, s.Title, n, total) })
	m := &minutesWriter{f: f, s: s, l: l, conclusions: map[string][]MinutesConclusion{}}
	for _, c := range conclusions {
		m.conclusions[c.AgendaItem] = append(m.conclusions[c.AgendaItem], c)
	}
	f.newPage()
	if m.err = f.centred(bold, 16, navy, l.heading); m.err != nil {
		return m.err
	}
	f.space(4)
	if m.err = f.centred(bold, 14, black, s.Title); m.err != nil {
		return m.err
	}
	f.rule()
	f.space(6)
	if !s.StartsAt.IsZero() {
		m.para(regular, 11, 0, l.date+": "+s.StartsAt.Format(l.dateLayout))
	}
	if s.Place != "" {
		m.para(regular, 11, 0, l.place+": "+s.Place)
	}
	m.para(regular, 11, 0, l.chair+": "+m.byRole(meeting.RoleChair))
	m.para(regular, 11, 0, l.secretary+": "+m.byRole(meeting.RoleSecretary))

	m.attendance()
	m.heading(l.proceedings)
	placed := map[string]bool{}
	num := 0
	for _, it := range s.Agenda {
		if it.Parent != "" {
			continue
		}
		num++
		m.item(it, fmt.Sprintf("%d.", num), 0, placed)
		sub := 0
		for _, child := range s.Agenda {
			if child.Parent == it.ID {
				sub++
				m.item(child, fmt.Sprintf("%d.%d.", num, sub), 16, placed)
			}
		}
	}
	var rest []*meeting.Poll
	for _, id := range s.PollOrder {
		// An election's rounds are in the elections' section.
		if p := s.Polls[id]; p != nil && !placed[id] && p.Kind == "" {
			rest = append(rest, p)
		}
	}
	section := "III"
	if len(rest) > 0 {
		m.heading(l.otherPolls)
		for _, p := range rest {
			m.poll(p, 0)
		}
		section = "IV"
	}
	m.elections(section, countingInputs(s))
	m.speeches()
	m.signatures()
	m.chain()
	if m.err != nil {
		return m.err
	}
	if err := f.finish(); err != nil {
		return err
	}
	return c.write(w)
}

// chain prints the audit chain's last link: whoever holds these minutes can
// check that the stored record they were made from is still the same
// (dais verify prints the same seq and hash).
func (m *minutesWriter) chain() {
	if m.err != nil || m.s.Version == 0 {
		return
	}
	m.f.space(12)
	if m.s.ChainHash == "" {
		m.para(regular, 8, 0, m.l.noChain)
		return
	}
	m.para(regular, 8, 0, fmt.Sprintf(m.l.chain, m.s.Version))
	m.para(regular, 8, 0, m.s.ChainHash)
}

// attendance lists the members (Role.Member) room by room, present or
// absent, with the room's count; then the staff (secretaries) and the
// observers, without counts and never as absent. Displays are not people.
func (m *minutesWriter) attendance() {
	s, l := m.s, m.l
	m.heading(l.attendance)
	rooms := append([]meeting.Room(nil), s.Rooms...)
	known := map[string]bool{}
	for _, r := range rooms {
		known[r.ID] = true
	}
	var stray, staff, observers, substitutes []string
	approvedN, notApprovedN := 0, 0
	for _, id := range s.Order {
		p := s.Participant(id)
		switch {
		case p == nil:
		case p.Role.Staff():
			staff = append(staff, id)
		case p.Role == meeting.RoleObserver && p.For != "":
			substitutes = append(substitutes, id)
		case p.Role == meeting.RoleObserver:
			observers = append(observers, id)
		case p.Role.Member() && !known[p.Room]:
			stray = append(stray, id)
		}
	}
	if len(stray) > 0 {
		rooms = append(rooms, meeting.Room{ID: "\x00", Name: l.otherRoom})
	}
	for _, r := range rooms {
		var ids []string
		if r.ID == "\x00" {
			ids = stray
		} else {
			for _, id := range s.Order {
				if p := s.Participant(id); p != nil && p.Role.Member() && p.Room == r.ID {
					ids = append(ids, id)
				}
			}
		}
		present := 0
		for _, id := range ids {
			if s.Participant(id).Present {
				present++
			}
		}
		m.f.space(4)
		m.f.need(30)
		m.para(bold, 11, 0, fmt.Sprintf(l.roomPresent, r.Name, present, len(ids)))
		for i, id := range ids {
			p := s.Participant(id)
			line := m.person(i, p)
			if p.Present {
				line += " — " + l.present
			} else {
				line += " — " + l.absent
				if reason, ok, during := absenceOf(p); reason != "" {
					state := l.notApproved
					if ok {
						state = l.approved
						approvedN++
					} else {
						notApprovedN++
					}
					if during {
						state += ", " + l.during
					}
					line += ", " + fmt.Sprintf(l.absence, reason, state)
				}
				if sub := s.Participant(p.Substitute); sub != nil {
					line += "; " + fmt.Sprintf(l.substitutedBy, sub.Name)
				}
			}
			m.para(regular, 10, 14, line)
		}
	}
	if approvedN+notApprovedN > 0 {
		m.f.space(2)
		m.para(regular, 10, 0, fmt.Sprintf(l.absences, approvedN, notApprovedN))
	}
	if len(substitutes) > 0 {
		m.f.space(4)
		m.f.need(30)
		rule := l.substitutesNoVote
		if s.AttendanceRules.SubstitutesVote {
			rule = l.substitutesVote
		}
		m.para(bold, 11, 0, l.substitutes+" "+rule)
		for i, id := range substitutes {
			p := s.Participant(id)
			line := fmt.Sprintf("%d. %s", i+1, p.Name)
			if member := s.Participant(p.For); member != nil {
				line += " (" + fmt.Sprintf(l.standsInFor, member.Name) + ")"
			}
			if p.Title != "" {
				line += " — " + p.Title
			}
			if r := s.Room(p.Room); r != nil && !r.Main {
				line += " — " + r.Name
			}
			if p.Present {
				line += " — " + l.present
			}
			m.para(regular, 10, 14, line)
		}
	}
	for _, group := range []struct {
		title string
		ids   []string
	}{{l.staff, staff}, {l.observers, observers}} {
		if len(group.ids) == 0 {
			continue
		}
		m.f.space(4)
		m.f.need(30)
		m.para(bold, 11, 0, group.title)
		for i, id := range group.ids {
			m.para(regular, 10, 14, m.person(i, s.Participant(id)))
		}
	}
}

// absenceOf returns a member's recorded absence: its reason, whether it
// was approved, whether it was given during the meeting (an old log's
// ExcuseAbsence: Excused alone, approved).
func absenceOf(p *meeting.Participant) (reason string, approved, during bool) {
	if a := p.Absence; a != nil {
		return a.Reason, a.Approved, a.During
	}
	return p.Excused, p.Excused != "", false
}

// person is one line of the attendance: number, name, title, role (but a
// delegate's), room when it is not the main hall, seat.
func (m *minutesWriter) person(i int, p *meeting.Participant) string {
	l := m.l
	line := fmt.Sprintf("%d. %s", i+1, p.Name)
	if p.Title != "" {
		line += " — " + p.Title
	}
	if p.Role != meeting.RoleDelegate && l.roles[p.Role] != "" {
		line += " (" + l.roles[p.Role] + ")"
	}
	if r := m.s.Room(p.Room); r != nil && !r.Main && !p.Role.Member() {
		line += " — " + r.Name
	}
	if p.Seat != "" {
		line += " — " + l.seat + " " + p.Seat
	}
	return line
}

// speeches lists every turn at the floor with its start and end times, in
// the meeting's time zone (that of its start time; UTC when it has none).
func (m *minutesWriter) speeches() {
	s, l := m.s, m.l
	if len(s.Floor.Speeches) == 0 && len(s.Floor.Queue) == 0 {
		return
	}
	m.heading(l.speeches)
	loc, zone := time.UTC, " UTC"
	if !s.StartsAt.IsZero() {
		loc, zone = s.StartsAt.Location(), ""
	}
	clock := func(t time.Time) string { return t.In(loc).Format("15:04:05") + zone }
	for i, sp := range s.Floor.Speeches {
		to := l.speaking
		if !sp.To.IsZero() {
			to = clock(sp.To)
		}
		line := fmt.Sprintf(l.speechLine, i+1, m.name(sp.Participant), clock(sp.From), to)
		line += m.what(sp.Kind, sp.Topic)
		if it := s.Item(sp.Item); it != nil {
			line += " (" + it.Title + ")"
		}
		m.para(regular, 10, 14, line)
	}
	if len(s.Floor.Queue) > 0 {
		names := make([]string, len(s.Floor.Queue))
		for i, id := range s.Floor.Queue {
			names[i] = m.name(id)
			if r, ok := s.Floor.Requests[id]; ok && (r.Topic != "" || r.Kind != meeting.SpeechDefault) {
				names[i] += " (" + strings.TrimPrefix(m.what(r.Kind, r.Topic), " — ") + ")"
			}
		}
		m.para(regular, 10, 0, l.queue+": "+strings.Join(names, ", "))
	}
}

// what says what a turn was for: " — Chất vấn: topic" (kind and topic),
// " — Chất vấn" (a kind without a topic), " — Phát biểu: topic"; nothing
// for a speech without a topic (a turn of a log older than topics, or
// given to someone who had not asked).
func (m *minutesWriter) what(kind meeting.SpeechKind, topic string) string {
	if kind == meeting.SpeechDefault && topic == "" {
		return ""
	}
	k := m.l.kinds[kind]
	if k == "" {
		k = string(kind)
	}
	if topic == "" {
		return " — " + k
	}
	return " — " + k + ": " + topic
}

func (m *minutesWriter) item(it meeting.Item, number string, indent float64, placed map[string]bool) {
	s, l := m.s, m.l
	m.f.space(6)
	m.f.need(30)
	m.para(bold, 11, indent, number+" "+it.Title)
	if it.Presenter != "" {
		m.para(regular, 10, indent+14, l.presenter+": "+m.name(it.Presenter))
	}
	if len(it.Documents) > 0 {
		m.para(regular, 10, indent+14, l.documents+":")
		for _, id := range it.Documents {
			line := "– " + id
			if d := s.Documents[id]; d != nil {
				line = "– " + d.Title
				if lv := d.Secrecy(); lv.Secret() {
					// The level, in the minutes as on every page of the copies.
					line = "– [" + lv.Stamp() + "] " + d.Title
				}
				if d.Pages > 0 {
					line += " (" + fmt.Sprintf(l.pages, d.Pages) + ")"
				}
				if d.TakenBack != nil {
					line += " — " + fmt.Sprintf(l.takenBack, d.TakenBack.At.Format(l.dateLayout))
				}
			}
			m.para(regular, 10, indent+28, line)
		}
	}
	props := map[string]bool{}
	for _, id := range it.Proposals {
		props[id] = true
	}
	for _, id := range s.PollOrder {
		p := s.Polls[id]
		if p == nil || placed[id] || p.Proposal == "" || !props[p.Proposal] {
			continue
		}
		placed[id] = true
		m.poll(p, indent+14)
	}
	for _, c := range m.conclusions[it.ID] {
		m.para(bold, 10, indent+14, c.Heading+": "+c.Title)
		for _, t := range c.Tasks {
			m.para(regular, 10, indent+28, "– "+t)
		}
	}
}

func (m *minutesWriter) poll(p *meeting.Poll, indent float64) {
	s, l := m.s, m.l
	m.f.space(4)
	m.f.need(40)
	kind := l.open + ", " + l.named
	if p.Secret {
		kind = l.secret
	}
	m.para(bold, 10, indent, fmt.Sprintf("%s (%s): %s", l.poll, kind, p.Question))
	if pr := s.Proposals[p.Proposal]; pr != nil {
		m.para(regular, 10, indent+14, l.proposal+": "+pr.Title)
	}
	m.para(regular, 10, indent+14, l.rule+": "+ruleText(l, p.Rule))
	switch {
	case p.Status == meeting.PollReady:
		m.para(regular, 10, indent+14, l.statusReady)
		return
	case p.Status == meeting.PollOpen:
		m.para(regular, 10, indent+14, l.statusOpen)
		return
	case p.Result == nil:
		m.para(regular, 10, indent+14, l.notClosed)
		return
	}
	r := p.Result
	m.para(regular, 10, indent+14, fmt.Sprintf(l.ballots, r.Cast, r.Present, r.Members))
	for _, c := range p.Choices {
		m.para(regular, 10, indent+28, fmt.Sprintf("%s: %d", c.Label, r.Counts[c.ID]))
	}
	res := l.failed
	if r.Passed {
		res = l.passed
	}
	if p.Rule.QuorumPercent > 0 && !r.QuorumOK {
		res += l.noQuorum
	}
	m.para(bold, 10, indent+14, res)
	if p.Secret {
		return
	}
	for _, c := range p.Choices {
		var names []string
		for _, id := range voterOrder(s, p) {
			if p.Voters[id] == c.ID {
				names = append(names, m.name(id))
			}
		}
		list := l.nobody
		if len(names) > 0 {
			list = strings.Join(names, ", ")
		}
		m.para(regular, 9, indent+28, fmt.Sprintf(l.votedFor, c.Label, len(names), list))
	}
}

// voterOrder lists the voters of p in the order participants were added,
// then any voter no longer in the meeting.
func voterOrder(s *meeting.State, p *meeting.Poll) []string {
	var ids []string
	seen := map[string]bool{}
	for _, id := range s.Order {
		if _, ok := p.Voters[id]; ok {
			ids = append(ids, id)
			seen[id] = true
		}
	}
	var rest []string
	for id := range p.Voters {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	return append(ids, rest...)
}

func ruleText(l *labels, r meeting.Rule) string {
	t := l.thresholds[r.Threshold]
	if t == "" {
		t = string(r.Threshold)
	}
	if strings.Contains(t, "%s") {
		base := l.bases[r.Base]
		if base == "" {
			base = string(r.Base)
		}
		t = fmt.Sprintf(t, base)
	}
	if r.QuorumPercent > 0 {
		t += "; " + fmt.Sprintf(l.quorum, r.QuorumPercent)
	}
	return t
}

func (m *minutesWriter) signatures() {
	if m.err != nil {
		return
	}
	f, l := m.f, m.l
	f.space(24)
	f.need(90)
	colW := f.width() / 2
	put := func(col int, fc face, size float64, y float64, s string) {
		if m.err != nil {
			return
		}
		w, err := textWidth(fc, size, nfc(s))
		if err != nil {
			m.err = err
			return
		}
		x := f.margin + float64(col)*colW + (colW-w)/2
		m.err = f.p.text(fc, size, black, x, y, s)
	}
	y := f.y - 12
	put(0, bold, 11, y, l.signSecretary)
	put(1, bold, 11, y, l.signChair)
	y -= 60
	put(0, regular, 11, y, m.byRole(meeting.RoleSecretary))
	put(1, regular, 11, y, m.byRole(meeting.RoleChair))
	f.y = y - 12
}

// BallotsCSV writes the ballots of the meeting's polls by name (a secret
// poll has one row saying why it has no names) as CSV: poll, question, voter name, seat, room,
// choice label. It starts with a UTF-8 byte order mark so that Excel reads
// the Vietnamese correctly.
func BallotsCSV(w io.Writer, s *meeting.State) error {
	if s == nil {
		return meeting.Errorf(meeting.Invalid, "Không có phiên họp.", "no meeting")
	}
	bw := &errWriter{w: w}
	bw.Write([]byte("\uFEFF"))
	cw := newCSVWriter(bw)
	cw.Write([]string{"Biểu quyết / Poll", "Câu hỏi / Question", "Đại biểu / Voter", "Ghế / Seat", "Phòng / Room", "Lựa chọn / Choice"})
	for _, pid := range s.PollOrder {
		p := s.Polls[pid]
		if p == nil {
			continue
		}
		if p.Secret {
			// One line says why the poll has no rows: a reader of the file
			// must not think the ballots were lost.
			cw.Write([]string{csvSafe(p.ID), csvSafe(nfc(p.Question)), secretNote, "", "", ""})
			continue
		}
		for _, vid := range voterOrder(s, p) {
			name, seat, room := vid, "", ""
			if pt := s.Participant(vid); pt != nil {
				name, seat = pt.Name, pt.Seat
				room = pt.Room
				if r := s.Room(pt.Room); r != nil {
					room = r.Name
				}
			}
			choice := p.Voters[vid]
			if c := p.Choice(choice); c != nil {
				choice = c.Label
			}
			cw.Write([]string{csvSafe(p.ID), csvSafe(nfc(p.Question)), csvSafe(nfc(name)), csvSafe(seat), csvSafe(nfc(room)), csvSafe(nfc(choice))})
		}
	}
	if bw.err != nil {
		return fmt.Errorf("pdf: write ballots CSV: %w", bw.err)
	}
	return nil
}

// secretNote stands in a secret poll's row of the ballots CSV.
const secretNote = "Biểu quyết kín: phiếu không ghi tên người bỏ phiếu, chỉ có kết quả (xem biên bản) / Secret ballot: ballots are not recorded by name, only the result (see the minutes)"

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvWriter writes CSV with every cell quoted (RFC 4180, CRLF). A cell
// left bare is split at each semicolon by a spreadsheet whose list
// separator is ";" — Excel under the Vietnamese locale (decimal comma) —
// and a part after a ";" that starts with "=" was then read as a formula
// however the cell began: "Đồng ý;=cmd|' /C calc'!A0". Inside quotes the
// ";" is text. csvSafe still defuses a cell that begins like a formula.
type csvWriter struct{ w io.Writer }

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: w} }

// Write writes one row (errors are kept by the errWriter beneath).
func (c *csvWriter) Write(row []string) {
	var b strings.Builder
	for i, f := range row {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
	}
	b.WriteString("\r\n")
	_, _ = io.WriteString(c.w, b.String())
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// elections writes a section with every election and confidence vote of
// the meeting: per election its seats, list and base, and per round the
// ballots and who was elected (per person the confidence levels); the
// counting minutes of each give the details. number is the section's
// numeral ("III", "IV").
func (m *minutesWriter) elections(number string, ins []CountingInput) {
	if len(ins) == 0 {
		return
	}
	l := m.l
	sep, cl := ",", &viCounting
	if l == &en {
		sep, cl = ".", &enCounting
	}
	pct := func(p float64) string {
		return strings.Replace(strconv.FormatFloat(p, 'f', 2, 64), ".", sep, 1) + "%"
	}
	m.heading(number + ". " + l.elections)
	for i, in := range ins {
		m.f.space(6)
		m.f.need(40)
		m.para(bold, 11, 0, fmt.Sprintf("%d. %s", i+1, in.Title))
		if !in.Confidence {
			base := cl.basesByKind[in.Base.Kind]
			if base == "" {
				base = in.Base.Kind
			}
			listed := 0
			if len(in.Rounds) > 0 {
				listed = len(in.Rounds[0].Candidates)
			}
			m.para(regular, 10, 14, fmt.Sprintf(l.electionSeats, in.Seats, listed, base, in.Base.Value))
		}
		for _, r := range in.Rounds {
			prefix := fmt.Sprintf(l.electionRound, r.Number)
			if r.Open {
				m.para(regular, 10, 14, prefix+l.electionOpen)
				continue
			}
			m.para(regular, 10, 14, prefix+fmt.Sprintf(l.electionCounts, r.Issued, r.Returned, r.Valid, r.Invalid))
			if in.Confidence {
				for _, c := range r.Candidates {
					m.para(regular, 10, 28, fmt.Sprintf(l.confidenceLine, c.Name, c.High, pct(c.HighShare), c.Mid, pct(c.MidShare), c.Low, pct(c.LowShare)))
				}
				continue
			}
			var won []CountedCandidate
			for _, c := range r.Candidates {
				if c.Elected {
					won = append(won, c)
				}
			}
			slices.SortStableFunc(won, func(a, b CountedCandidate) int { return b.Votes - a.Votes })
			seats := r.Seats
			if seats == 0 {
				seats = in.Seats
			}
			line := l.electionNone
			if len(won) > 0 {
				names := make([]string, len(won))
				for j, c := range won {
					names[j] = fmt.Sprintf("%s (%d; %s)", c.Name, c.Votes, pct(c.Share))
				}
				line = fmt.Sprintf(l.electionElected, len(won), seats) + strings.Join(names, ", ") + "."
			}
			if len(r.Tied) > 0 {
				line += fmt.Sprintf(l.electionTied, strings.Join(r.Tied, ", "))
			} else if len(won) < seats {
				line += l.electionShort
			}
			m.para(regular, 10, 28, line)
		}
		m.para(regular, 9, 14, l.electionSee)
	}
}
