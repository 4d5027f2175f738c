package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dais-meeting/dais/meeting"
)

const opCounting = "counting minutes"

// CountingInput is everything the counting minutes (biên bản kiểm phiếu) of
// one election or confidence vote print, already counted: the PDF engine
// decides nothing about who is elected, it writes down what the count
// found. CountingInputFrom makes one from a meeting's state.
type CountingInput struct {
	// Meeting is the meeting's title (the congress, the plenum); Place
	// where it sits.
	Meeting, Place string
	// Title is what is elected ("Ban Chấp hành Đảng bộ tỉnh khóa XVI") or,
	// for a confidence vote, what it is about.
	Title string
	// Confidence makes these the minutes of a confidence vote (lấy phiếu
	// tín nhiệm, Regulation 96-QĐ/TW): each round's Candidates carry the
	// counts per level and nobody is elected.
	Confidence bool
	// Seats is the number to elect approved by the meeting (0 for a
	// confidence vote).
	Seats int
	// Base is what shares are computed against and what "more than half"
	// is measured on.
	Base CountingBase
	// Present is how many voters were present when the first round opened
	// (0: not printed).
	Present int
	// Committee is the counting committee (ban kiểm phiếu), its head first.
	Committee []CommitteeMember
	// Listed is the number of names on the approved list (0: those of
	// the first round).
	Listed int
	// Rounds are every round in order, the first one first; none before
	// the first round opens.
	Rounds []CountingRound
	// ChainSeq and ChainHash are the audit chain's last event and hash when
	// the minutes were made (0 and "": not printed; ChainSeq alone: the
	// events predate the chain).
	ChainSeq  uint64
	ChainHash string
	// Made is when the minutes were made (zero: the last round's close).
	Made time.Time
	// Date is the day of the election, used when no round has a time
	// (zero: the first round's opening).
	Date time.Time
}

// Kinds of CountingBase.
const (
	// BaseConvened: the delegates convened to the congress (tổng số đại
	// biểu được triệu tập).
	BaseConvened = "convened"
	// BaseMembers: the official members of the committee, less those
	// absent for the whole meeting with an approved reason.
	BaseMembers = "members"
	// BaseValid: the valid ballots (for a confidence vote held that way).
	BaseValid = "valid"
)

// CountingBase is the number every share is computed against.
type CountingBase struct {
	// Kind is BaseConvened, BaseMembers or BaseValid.
	Kind string
	// Convened is the delegates convened, or the official members.
	Convened int
	// Excused is how many of them were absent for the whole meeting with an
	// approved reason (BaseMembers).
	Excused int
	// Value is the base itself.
	Value int
}

// CommitteeMember is one member of the counting committee.
type CommitteeMember struct {
	Name string
	// Head marks the head of the committee (trưởng ban).
	Head bool
}

// CountingRound is one round of voting.
type CountingRound struct {
	// Number is the round's number, from 1.
	Number int
	// Open marks a round still being voted on: it has no counts yet.
	Open bool
	// Opened and Closed are when voting opened and closed (zero: unknown,
	// not printed).
	Opened, Closed time.Time
	// Seats is what this round fills (0: the election's Seats).
	Seats int
	// Issued, Returned, Valid and Invalid count the ballots: issued (phát
	// ra), returned (thu về), valid (hợp lệ) and invalid (không hợp lệ).
	Issued, Returned, Valid, Invalid int
	// Rooms are the rooms' own counts (none, or one room: not printed).
	Rooms []RoomCount
	// TooMany, AllStruck and Void break Invalid down: ballots that kept
	// more names than seats, ballots that struck every name, paper ballots
	// not issued by the committee (or void).
	TooMany, AllStruck, Void int
	// Agreement is set when the list had exactly as many names as seats:
	// the ballot had "Đồng ý" / "Không đồng ý" per name. AgainstKnown says
	// the candidates' Against counts are known (and printed).
	Agreement, AgainstKnown bool
	// Candidates are the names on this round's ballot, in ballot order.
	Candidates []CountedCandidate
	// Tied names the candidates tied for the last seat, when a tie left it
	// unfilled.
	Tied []string
}

// RoomCount is what one room issued and returned in a round.
type RoomCount struct {
	Name string
	// Paper marks a room that votes on paper (its ballots entered by the
	// committee three times).
	Paper            bool
	Issued, Returned int
}

// CountedCandidate is one name of a round and what it got. Shares are
// percentages as the count computed them (the minutes print them with two
// decimals, as the screens do).
type CountedCandidate struct {
	Name     string
	Born     int    // year of birth (0: not printed)
	Position string // current position (may be empty)
	// Votes are the ballots that kept the name (or marked "Đồng ý"), Share
	// their percentage of the base.
	Votes int
	Share float64
	// Against are the ballots that marked "Không đồng ý" (Agreement rounds
	// only).
	Against int
	// High, Mid and Low are the confidence levels' counts ("Tín nhiệm
	// cao", "Tín nhiệm", "Tín nhiệm thấp") of a confidence vote, None the
	// ballots with no valid mark for this person; the shares are of the
	// valid ballots.
	High, Mid, Low, None                     int
	HighShare, MidShare, LowShare, NoneShare float64
	// Elected marks who the round elected.
	Elected bool
}

// countingLabels are the words of the counting minutes in one language.
type countingLabels struct {
	party, heading, headingConf, dateLine, madeAt, today, at, elect, confide              string
	intro, introConf, committee, head, member, list, seats, listed                        string
	surplus, noSurplus, base, bases, present                                              string
	result, round, roundTimes, open, notYet, issued, returned, paper                      string
	valid, invalid, tooMany, allStruck, void, table, tableConf                            string
	electronic, onPaper, colNone                                                          string
	cols, colsAgree, colsConf, colsRooms                                                  []string
	elected, noneElected, short, tied, sign, signHead, signMember, signPlain, plainMember string
	chain, noChain, footer, electedNote, percentSep                                       string
	basesByKind                                                                           map[string]string
	dateLayout, dayLayout, clock                                                          string
}

var viCounting = countingLabels{
	party: "ĐẢNG CỘNG SẢN VIỆT NAM", heading: "BIÊN BẢN KIỂM PHIẾU", headingConf: "BIÊN BẢN KIỂM PHIẾU LẤY PHIẾU TÍN NHIỆM",
	dateLine: "%s, ngày %02d tháng %02d năm %d", madeAt: "Biên bản được lập %s.", today: "Hôm nay, %s, ", at: "tại %s, ", elect: "bầu", confide: "lấy phiếu tín nhiệm",
	intro:     "%s tiến hành %s theo Quy chế bầu cử trong Đảng ban hành kèm theo Quyết định số 190-QĐ/TW ngày 10/10/2024 của Ban Chấp hành Trung ương Đảng, bằng hình thức bỏ phiếu kín.",
	introConf: "%s tiến hành %s theo Quy định số 96-QĐ/TW ngày 02/02/2023 của Bộ Chính trị, bằng hình thức bỏ phiếu kín.",
	committee: "I. BAN KIỂM PHIẾU", head: "Trưởng ban", member: "Ủy viên",
	list: "II. SỐ LƯỢNG, DANH SÁCH VÀ CƠ SỞ TÍNH KẾT QUẢ", seats: "Số lượng cần bầu: %d đồng chí.",
	listed: "Danh sách bầu cử: %d đồng chí.", surplus: " Số dư: %d đồng chí (%s so với số lượng cần bầu).",
	noSurplus: " Danh sách không có số dư: đại biểu đánh dấu “Đồng ý” hoặc “Không đồng ý” cho từng người.",
	base:      "Cơ sở tính kết quả: %s: %d đồng chí.", bases: "Số ủy viên chính thức: %d; vắng mặt suốt thời gian hội nghị có lý do được chấp thuận: %d.",
	present: "Số đại biểu có mặt khi bỏ phiếu: %d đồng chí.",
	result:  "III. KẾT QUẢ KIỂM PHIẾU", round: "Lần bỏ phiếu thứ %d", roundTimes: " (từ %s đến %s)", open: "Đang bỏ phiếu: chưa có kết quả.", notYet: "Chưa bỏ phiếu.",
	issued: "Số phiếu phát ra: %d", returned: "Số phiếu thu về: %d", paper: " (trong đó phiếu giấy: %d)",
	valid: "Số phiếu hợp lệ: %d", invalid: "Số phiếu không hợp lệ: %d",
	tooMany: "để lại nhiều hơn số lượng cần bầu: %d", allStruck: "gạch tên tất cả: %d", void: "không do Ban kiểm phiếu phát ra: %d",
	table:      "Kết quả cụ thể (xếp theo thứ tự trong phiếu bầu; tỷ lệ so với %s):",
	tableConf:  "Kết quả cụ thể (số phiếu và tỷ lệ so với tổng số phiếu hợp lệ):",
	electronic: "máy tính bảng", onPaper: "phiếu giấy (nhập ba lần)", colNone: "Không hợp lệ",
	colsRooms:   []string{"Phòng họp", "Hình thức bỏ phiếu", "Phát ra", "Thu về"},
	cols:        []string{"TT", "Họ và tên", "Năm sinh", "Số phiếu bầu", "Tỷ lệ", "Ghi chú"},
	colsAgree:   []string{"TT", "Họ và tên", "Năm sinh", "Đồng ý", "Tỷ lệ", "Không đồng ý", "Ghi chú"},
	colsConf:    []string{"TT", "Họ và tên, chức vụ", "Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"},
	elected:     "Những đồng chí sau đây trúng cử (xếp theo số phiếu từ cao đến thấp, đạt quá một nửa so với %s):",
	noneElected: "Không có đồng chí nào trúng cử ở lần bỏ phiếu này.",
	short:       "Số người trúng cử (%d) chưa đủ số lượng cần bầu (%d).",
	tied:        "Các đồng chí sau đây có số phiếu bằng nhau ở vị trí cuối cùng: %s. Việc bầu tiếp do đại hội (hội nghị) quyết định.",
	sign:        "BAN KIỂM PHIẾU", signHead: "TRƯỞNG BAN", signMember: "ỦY VIÊN", signPlain: "THÀNH VIÊN", plainMember: "Thành viên",
	chain:   "Chuỗi kiểm chứng: sự kiện cuối số %d, mã băm SHA-256 (đối chiếu bằng lệnh dais verify):",
	noChain: "Chuỗi kiểm chứng: các sự kiện được lưu trước khi có chuỗi kiểm chứng.",
	footer:  "Biên bản kiểm phiếu — %s — Trang %d/%d", electedNote: "trúng cử", percentSep: ",",
	basesByKind: map[string]string{BaseConvened: "tổng số đại biểu được triệu tập", BaseMembers: "số ủy viên chính thức, trừ số vắng mặt có lý do được chấp thuận",
		BaseValid: "tổng số phiếu hợp lệ"},
	dateLayout: "lúc 15:04 ngày 02/01/2006", dayLayout: "ngày 02/01/2006", clock: "15:04",
}

var enCounting = countingLabels{
	party: "COMMUNIST PARTY OF VIETNAM", heading: "MINUTES OF THE COUNT", headingConf: "MINUTES OF THE COUNT OF A CONFIDENCE VOTE",
	dateLine: "%s, %d/%d/%d", madeAt: "These minutes were made on %s.", today: "On %s, ", at: "at %s, ", elect: "election of", confide: "confidence vote on",
	intro:     "%s held the %s under the Party's election regulations (Decision 190-QĐ/TW of 10 October 2024 of the Central Committee), by secret ballot.",
	introConf: "%s held a %s under Regulation 96-QĐ/TW of 2 February 2023 of the Politburo, by secret ballot.",
	committee: "I. COUNTING COMMITTEE", head: "Head", member: "Member",
	list: "II. SEATS, LIST AND BASE", seats: "Seats to fill: %d.",
	listed: "Names on the list: %d.", surplus: " Surplus: %d (%s of the seats).",
	noSurplus: " The list has no surplus: each name is marked “Agree” or “Disagree”.",
	base:      "Base of the result: %s: %d.", bases: "Official members: %d; absent for the whole meeting with an approved reason: %d.",
	present: "Voters present at the vote: %d.",
	result:  "III. RESULT OF THE COUNT", round: "Round %d", roundTimes: " (%s to %s)", open: "Voting in progress: no result yet.", notYet: "Not yet voted on.",
	issued: "Ballots issued: %d", returned: "Ballots returned: %d", paper: " (of which on paper: %d)",
	valid: "Valid ballots: %d", invalid: "Invalid ballots: %d",
	tooMany: "kept more names than seats: %d", allStruck: "struck every name: %d", void: "not issued by the committee: %d",
	table:      "Votes per name (in ballot order; shares of %s):",
	tableConf:  "Votes per person (counts and shares of the valid ballots):",
	electronic: "tablets", onPaper: "paper (entered three times)", colNone: "No valid mark",
	colsRooms:   []string{"Room", "Voting on", "Issued", "Returned"},
	cols:        []string{"No.", "Full name", "Born", "Votes", "Share", "Note"},
	colsAgree:   []string{"No.", "Full name", "Born", "Agree", "Share", "Disagree", "Note"},
	colsConf:    []string{"No.", "Full name, position", "High confidence", "Confidence", "Low confidence"},
	elected:     "Elected (highest first, with more than half of %s):",
	noneElected: "Nobody was elected in this round.",
	short:       "Elected (%d) fall short of the seats (%d).",
	tied:        "Tied for the last seat: %s. Whether to vote again is for the meeting to decide.",
	sign:        "COUNTING COMMITTEE", signHead: "HEAD", signMember: "MEMBER", signPlain: "MEMBER", plainMember: "Member",
	chain:   "Audit chain: last event %d, SHA-256 hash (check it with dais verify):",
	noChain: "Audit chain: the events were stored before the audit chain.",
	footer:  "Minutes of the count — %s — Page %d of %d", electedNote: "elected", percentSep: ".",
	basesByKind: map[string]string{BaseConvened: "the delegates convened", BaseMembers: "the official members less those absent with an approved reason",
		BaseValid: "the valid ballots"},
	dateLayout: "2 January 2006 at 15:04", dayLayout: "2 January 2006", clock: "15:04",
}

// CountingMinutes writes the counting minutes of one election or confidence
// vote to dst as PDF, in lang ("vi", the default, or "en"): the election,
// the counting committee, seats, list and base, then per round the ballots
// issued, returned, valid and invalid, every name's votes and share, who is
// elected (or the shortfall or tie that calls for another round), places
// for the committee to sign and the audit chain's last link.
func (e *Engine) CountingMinutes(ctx context.Context, dst io.Writer, in CountingInput, lang string) error {
	l := &viCounting
	switch lang {
	case "", "vi":
	case "en":
		l = &enCounting
	default:
		return meeting.Errorf(meeting.Invalid, "Ngôn ngữ không được hỗ trợ: %q (vi hoặc en).", "unsupported language %q (vi or en)", lang)
	}
	if in.Title == "" {
		return meeting.Errorf(meeting.Invalid, "Không có cuộc bầu cử để lập biên bản kiểm phiếu.", "no election to write counting minutes for")
	}
	var out bytes.Buffer
	err := e.do(ctx, opCounting, opOutput, func() error {
		return writeCounting(&out, &in, l)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write counting minutes: %w", err)
	}
	return nil
}

// countingWriter holds what writeCounting needs while it lays out.
type countingWriter struct {
	minutesWriter
	in *CountingInput
	cl *countingLabels
}

func writeCounting(w io.Writer, in *CountingInput, l *countingLabels) error {
	c, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(c, func(n, total int) string { return fmt.Sprintf(l.footer, in.Title, n, total) })
	m := &countingWriter{minutesWriter: minutesWriter{f: f, l: &vi}, in: in, cl: l}
	f.newPage()
	m.header()
	heading := l.heading
	if in.Confidence {
		heading = l.headingConf
	}
	f.space(12)
	if m.err == nil {
		m.err = f.centred(bold, 15, navy, heading)
	}
	f.space(2)
	if m.err == nil {
		m.err = f.centred(bold, 12, black, in.Title)
	}
	f.rule()
	f.space(6)
	intro := l.intro
	if in.Confidence {
		intro = l.introConf
	}
	var lead string
	if t := m.opened(); !t.IsZero() {
		lead = fmt.Sprintf(l.today, t.Format(l.dateLayout))
		if t.Equal(in.Date) { // the day, not the moment
			lead = fmt.Sprintf(l.today, t.Format(l.dayLayout))
		}
		if in.Place != "" {
			lead += fmt.Sprintf(l.at, in.Place)
		}
	}
	verb := l.elect
	if in.Confidence {
		verb = l.confide
	}
	m.para(regular, 10.5, 0, lead+fmt.Sprintf(intro, in.Meeting, subject(in.Title, verb)))
	m.committee()
	m.list()
	m.heading(l.result)
	if len(in.Rounds) == 0 {
		m.para(regular, 10.5, 14, l.notYet)
	}
	for i := range in.Rounds {
		m.round(&in.Rounds[i], len(in.Rounds) > 1)
	}
	made := in.Made
	if made.IsZero() && len(in.Rounds) > 0 {
		made = in.Rounds[len(in.Rounds)-1].Closed
	}
	if !made.IsZero() {
		m.f.space(8)
		m.para(regular, 10, 0, fmt.Sprintf(l.madeAt, made.Format(l.dateLayout)))
	}
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

// subject is what the introduction says is done: a title that starts
// with the verb ("Bầu Ban Chấp hành …", "Lấy phiếu tín nhiệm …") keeps it,
// in lower case; another ("Ban Chấp hành …") gets the verb before it.
func subject(title, verb string) string {
	if verb == "" {
		return title
	}
	runes := []rune(title)
	n := utf8.RuneCountInString(verb)
	if len(runes) > n && runes[n] == ' ' && strings.EqualFold(string(runes[:n]), verb) {
		return verb + string(runes[n:])
	}
	return verb + " " + title
}

// opened is when the first round opened, or the election's Date (zero
// when neither is known).
func (m *countingWriter) opened() time.Time {
	for _, r := range m.in.Rounds {
		if !r.Opened.IsZero() {
			return r.Opened
		}
	}
	return m.in.Date
}

// header writes the two-column head of the minutes: the meeting on the
// left; the Party and the place and date on the right.
func (m *countingWriter) header() {
	if m.err != nil {
		return
	}
	f, l := m.f, m.cl
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
		x := f.margin + float64(col)*colW + max(0, (colW-w)/2)
		m.err = f.p.text(fc, size, black, x, y, s)
	}
	type line struct {
		fc   face
		size float64
		s    string
	}
	var cols [2][]line
	add := func(col int, fc face, size float64, s string) {
		if m.err != nil {
			return
		}
		ls, err := wrap(fc, size, colW-8, s)
		if err != nil {
			m.err = err
			return
		}
		for _, s := range ls {
			cols[col] = append(cols[col], line{fc, size, s})
		}
	}
	add(0, bold, 10, strings.ToUpper(m.in.Meeting))
	add(1, bold, 10, l.party)
	if t := m.opened(); !t.IsZero() {
		place := m.in.Place
		if place == "" {
			place = "…"
		}
		add(1, regular, 9.5, fmt.Sprintf(l.dateLine, place, t.Day(), int(t.Month()), t.Year()))
	}
	y := f.y
	for col, ls := range cols {
		cy := f.y
		for _, ln := range ls {
			cy -= ln.size * 1.35
			put(col, ln.fc, ln.size, cy, ln.s)
		}
		y = min(y, cy)
	}
	f.y = y - 6
}

// hasHead reports whether the committee has a head (trưởng ban); without
// one its members are not called "ủy viên".
func (m *countingWriter) hasHead() bool {
	for _, c := range m.in.Committee {
		if c.Head {
			return true
		}
	}
	return false
}

func (m *countingWriter) committee() {
	in, l := m.in, m.cl
	m.heading(l.committee)
	if len(in.Committee) == 0 {
		m.para(regular, 10.5, 14, "—")
		return
	}
	member := l.member
	if !m.hasHead() {
		member = l.plainMember
	}
	for i, c := range in.Committee {
		role := member
		if c.Head {
			role = l.head
		}
		m.para(regular, 10.5, 14, fmt.Sprintf("%d. %s — %s", i+1, c.Name, role))
	}
}

// baseLabel names the base in a sentence.
func (m *countingWriter) baseLabel() string {
	if s := m.cl.basesByKind[m.in.Base.Kind]; s != "" {
		return s
	}
	return m.in.Base.Kind
}

func (m *countingWriter) list() {
	in, l := m.in, m.cl
	m.heading(l.list)
	if !in.Confidence && in.Seats > 0 {
		m.para(regular, 10.5, 14, fmt.Sprintf(l.seats, in.Seats))
	}
	listed := in.Listed
	if listed == 0 && len(in.Rounds) > 0 {
		listed = len(in.Rounds[0].Candidates)
	}
	if listed > 0 {
		line := fmt.Sprintf(l.listed, listed)
		if !in.Confidence && in.Seats > 0 {
			if extra := listed - in.Seats; extra > 0 {
				line += fmt.Sprintf(l.surplus, extra, m.percent(extra, in.Seats))
			} else {
				line += l.noSurplus
			}
		}
		m.para(regular, 10.5, 14, line)
	}
	if in.Base.Kind == BaseMembers {
		m.para(regular, 10.5, 14, fmt.Sprintf(l.bases, in.Base.Convened, in.Base.Excused))
	}
	m.para(bold, 10.5, 14, fmt.Sprintf(l.base, m.baseLabel(), in.Base.Value))
	if in.Present > 0 {
		m.para(regular, 10.5, 14, fmt.Sprintf(l.present, in.Present))
	}
}

// percent is n of base as a percentage with two decimals, cut rather than
// rounded so that a share never reads higher than it is.
func (m *countingWriter) percent(n, base int) string {
	if base <= 0 {
		return "—"
	}
	hundredths := int64(n) * 10000 / int64(base)
	return strconv.FormatInt(hundredths/100, 10) + m.cl.percentSep + fmt.Sprintf("%02d", hundredths%100) + "%"
}

// share prints a percentage the count computed, with two decimals.
func (m *countingWriter) share(p float64) string {
	return strings.Replace(strconv.FormatFloat(p, 'f', 2, 64), ".", m.cl.percentSep, 1) + "%"
}

func (m *countingWriter) round(r *CountingRound, numbered bool) {
	in, l := m.in, m.cl
	m.f.space(6)
	m.f.need(60)
	if numbered {
		title := fmt.Sprintf(l.round, r.Number)
		if !r.Opened.IsZero() && !r.Closed.IsZero() {
			title += fmt.Sprintf(l.roundTimes, r.Opened.Format(l.clock), r.Closed.Format(l.clock))
		}
		m.para(bold, 11, 0, title)
	}
	if r.Open {
		m.para(regular, 10.5, 14, l.open)
		return
	}
	returned := fmt.Sprintf(l.returned, r.Returned)
	paper := 0
	for _, rc := range r.Rooms {
		if rc.Paper {
			paper += rc.Returned
		}
	}
	if paper > 0 {
		returned += fmt.Sprintf(l.paper, paper)
	}
	m.para(regular, 10.5, 14, fmt.Sprintf(l.issued, r.Issued)+"; "+returned+".")
	invalid := fmt.Sprintf(l.invalid, r.Invalid)
	var why []string
	if r.TooMany > 0 {
		why = append(why, fmt.Sprintf(l.tooMany, r.TooMany))
	}
	if r.AllStruck > 0 {
		why = append(why, fmt.Sprintf(l.allStruck, r.AllStruck))
	}
	if r.Void > 0 {
		why = append(why, fmt.Sprintf(l.void, r.Void))
	}
	if len(why) > 0 {
		invalid += " (" + strings.Join(why, "; ") + ")"
	}
	m.para(regular, 10.5, 14, fmt.Sprintf(l.valid, r.Valid)+"; "+invalid+".")
	if len(r.Rooms) > 1 {
		m.f.space(4)
		var rows []tableRow
		for _, rc := range r.Rooms {
			how := l.electronic
			if rc.Paper {
				how = l.onPaper
			}
			rows = append(rows, tableRow{cells: []string{rc.Name, how, strconv.Itoa(rc.Issued), strconv.Itoa(rc.Returned)}})
		}
		m.table([]column{{0.4, left}, {0.3, left}, {0.15, right}, {0.15, right}}, l.colsRooms, rows)
	}
	m.f.space(6)
	m.f.need(90) // the caption with the table's header and first rows
	caption := fmt.Sprintf(l.table, m.baseLabel())
	if in.Confidence {
		caption = l.tableConf
	}
	m.para(regular, 10.5, 0, caption)
	m.f.space(2)
	var rows []tableRow
	born := func(c CountedCandidate) string {
		if c.Born > 0 {
			return strconv.Itoa(c.Born)
		}
		return ""
	}
	note := func(c CountedCandidate) string {
		if c.Elected {
			return l.electedNote
		}
		return ""
	}
	switch {
	case in.Confidence:
		none := false
		for _, c := range r.Candidates {
			none = none || c.None > 0
		}
		level := func(n int, p float64) string { return fmt.Sprintf("%d (%s)", n, m.share(p)) }
		for i, c := range r.Candidates {
			name := c.Name
			if c.Position != "" {
				name += " — " + c.Position
			}
			cells := []string{strconv.Itoa(i + 1), name, level(c.High, c.HighShare), level(c.Mid, c.MidShare), level(c.Low, c.LowShare)}
			if none {
				cells = append(cells, level(c.None, c.NoneShare))
			}
			rows = append(rows, tableRow{cells: cells})
		}
		if none {
			m.table([]column{{0.06, centre}, {0.3, left}, {0.16, right}, {0.16, right}, {0.16, right}, {0.16, right}}, append(l.colsConf[:5:5], l.colNone), rows)
		} else {
			m.table([]column{{0.06, centre}, {0.37, left}, {0.19, right}, {0.19, right}, {0.19, right}}, l.colsConf, rows)
		}
		return
	case r.Agreement && r.AgainstKnown:
		for i, c := range r.Candidates {
			rows = append(rows, tableRow{cells: []string{strconv.Itoa(i + 1), c.Name, born(c), strconv.Itoa(c.Votes), m.share(c.Share), strconv.Itoa(c.Against), note(c)}, bold: c.Elected})
		}
		m.table([]column{{0.06, centre}, {0.34, left}, {0.1, centre}, {0.11, right}, {0.11, right}, {0.14, right}, {0.14, centre}}, l.colsAgree, rows)
	default:
		for i, c := range r.Candidates {
			rows = append(rows, tableRow{cells: []string{strconv.Itoa(i + 1), c.Name, born(c), strconv.Itoa(c.Votes), m.share(c.Share), note(c)}, bold: c.Elected})
		}
		cols := l.cols
		if r.Agreement {
			cols = l.colsAgree[:5:5]
			cols = append(cols, l.colsAgree[6])
		}
		m.table([]column{{0.07, centre}, {0.4, left}, {0.11, centre}, {0.14, right}, {0.13, right}, {0.15, centre}}, cols, rows)
	}
	m.elected(r)
}

func (m *countingWriter) table(cols []column, header []string, rows []tableRow) {
	if m.err == nil {
		m.err = m.f.table(cols, 9.5, header, rows)
	}
}

// elected lists who the round elected, highest first (ties in ballot
// order), then what is left: a shortfall, a tie.
func (m *countingWriter) elected(r *CountingRound) {
	in, l := m.in, m.cl
	var won []CountedCandidate
	for _, c := range r.Candidates {
		if c.Elected {
			won = append(won, c)
		}
	}
	// A stable insertion sort: highest votes first, ballot order among
	// equals.
	for i := 1; i < len(won); i++ {
		for j := i; j > 0 && won[j].Votes > won[j-1].Votes; j-- {
			won[j], won[j-1] = won[j-1], won[j]
		}
	}
	m.f.space(6)
	m.f.need(40)
	if len(won) == 0 {
		m.para(bold, 10.5, 0, l.noneElected)
	} else {
		m.para(bold, 10.5, 0, fmt.Sprintf(l.elected, m.baseLabel()))
		for i, c := range won {
			m.para(regular, 10.5, 14, fmt.Sprintf("%d. %s — %d (%s)", i+1, c.Name, c.Votes, m.share(c.Share)))
		}
	}
	seats := r.Seats
	if seats == 0 {
		seats = in.Seats
	}
	if len(r.Tied) > 0 {
		m.para(regular, 10.5, 0, fmt.Sprintf(l.tied, strings.Join(r.Tied, ", ")))
	} else if seats > 0 && len(won) < seats {
		m.para(regular, 10.5, 0, fmt.Sprintf(l.short, len(won), seats))
	}
}

// signatures leaves a place to sign for every member of the committee,
// three to a row, the head first.
func (m *countingWriter) signatures() {
	if m.err != nil || len(m.in.Committee) == 0 {
		return
	}
	f, l := m.f, m.cl
	f.space(18)
	f.need(110)
	if m.err = f.centred(bold, 11, black, l.sign); m.err != nil {
		return
	}
	const perRow = 3
	colW := f.width() / perRow
	put := func(col int, fc face, size float64, y float64, s string) {
		if m.err != nil {
			return
		}
		w, err := textWidth(fc, size, nfc(s))
		if err != nil {
			m.err = err
			return
		}
		x := f.margin + float64(col)*colW + max(0, (colW-w)/2)
		m.err = f.p.text(fc, size, black, x, y, s)
	}
	for start := 0; start < len(m.in.Committee); start += perRow {
		f.need(90)
		y := f.y - 14
		for i, c := range m.in.Committee[start:min(start+perRow, len(m.in.Committee))] {
			role := l.signMember
			if !m.hasHead() {
				role = l.signPlain
			}
			if c.Head {
				role = l.signHead
			}
			put(i, bold, 10, y, role)
			// The name may be longer than a column: cut it to two lines.
			lines, err := wrap(regular, 10, colW-6, c.Name)
			if err != nil {
				m.err = err
				return
			}
			for j, s := range lines[:min(2, len(lines))] {
				put(i, regular, 10, y-56-float64(j)*12, s)
			}
		}
		f.y = y - 56 - 30
	}
}

// chain prints the audit chain's last link, as the meeting minutes do.
func (m *countingWriter) chain() {
	in, l := m.in, m.cl
	if m.err != nil || in.ChainSeq == 0 {
		return
	}
	m.f.space(12)
	if in.ChainHash == "" {
		m.para(regular, 8, 0, l.noChain)
		return
	}
	m.para(regular, 8, 0, fmt.Sprintf(l.chain, in.ChainSeq))
	m.para(regular, 8, 0, in.ChainHash)
}
