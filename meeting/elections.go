package meeting

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Elections and confidence votes, by the Party's rules (Quy chế bầu cử
// trong Đảng, Decision 190-QĐ/TW of 2024; confidence votes: Regulation
// 96-QĐ/TW of 2023). An election is a list of candidates and a number of
// seats; each round of it is a secret poll whose ballots carry marks (one
// per name) sealed in the ballot box, apart from the record of who voted.
// The list is approved by an ordinary named poll (Poll.Approves), the
// counting committee elected by another (Poll.Committee).

// The kinds of election, which are also the kinds of their rounds' polls.
const (
	// KindElection: bầu cử — elect Seats of the list.
	KindElection = "election"
	// KindConfidence: lấy phiếu tín nhiệm — rate every person listed.
	KindConfidence = "confidence"
)

// How a round's ballot is marked (Poll.Style).
const (
	// StyleStrike: more names than seats; the voter strikes the names not
	// chosen. Marks: '1' kept, '0' struck.
	StyleStrike = "strike"
	// StyleAgree: as many names as seats (or fewer); "Đồng ý" / "Không
	// đồng ý" per name. Marks: '1' agree, '0' disagree, '-' neither box,
	// '*' both boxes.
	StyleAgree = "agree"
	// StyleConfidence: a confidence vote. Marks: 'h' Tín nhiệm cao, 'm'
	// Tín nhiệm, 'l' Tín nhiệm thấp, '-' no mark, '*' more than one.
	StyleConfidence = "confidence"
)

// The bases an election's shares and majority are counted against.
const (
	// BaseConvened: the delegates convened (tổng số đại biểu được triệu
	// tập): every voter of the meeting.
	BaseConvened = "convened"
	// BaseOfficial: the official members, less those absent for the whole
	// meeting with an approved reason (Participant.Excused).
	BaseOfficial = "members"
)

// Limits and fixed names of elections.
const (
	// MaxCandidates bounds an election's list.
	MaxCandidates = 500
	// MaxCommittee bounds the counting committee.
	MaxCommittee = 50
	// MaxSheet bounds a paper ballot's sheet number.
	MaxSheet = 100000
	// BallotChoice is the one choice of a round's ballot box: what counts
	// is the ballot's marks.
	BallotChoice = "ballot"
	// PaperVoid is the marks of a paper ballot that is void as a whole (not
	// issued by the committee, defaced): counted as invalid.
	PaperVoid = "void"
	// PaperEntries is how many committee members type each paper ballot.
	PaperEntries = 3
	// maxElectionID leaves room for the rounds' and approval's poll ids.
	maxElectionID = 48
)

// The confidence levels, as ElectionResult counts them.
const (
	LevelHigh   = "high"   // Tín nhiệm cao
	LevelMedium = "medium" // Tín nhiệm
	LevelLow    = "low"    // Tín nhiệm thấp
	LevelNone   = "none"   // no valid mark for that person
)

// Candidate is one name on an election's list.
type Candidate struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// BirthYear is 0 when not given.
	BirthYear int    `json:"birth_year,omitempty"`
	Position  string `json:"position,omitempty"`
	// CV is the id of a document with the candidate's short CV.
	CV string `json:"cv,omitempty"`
	// Participant is the candidate's participant id, when they take part:
	// a candidate may not sit on the counting committee.
	Participant string `json:"participant,omitempty"`
}

// Election is an election or a confidence vote, with its rounds.
type Election struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	// Seats is the number to elect (0 for a confidence vote).
	Seats      int         `json:"seats"`
	Candidates []Candidate `json:"candidates"`
	// Base is BaseConvened (also when empty) or BaseOfficial.
	Base string `json:"base"`
	// PaperRooms vote on paper: their ballots are typed by the committee.
	PaperRooms []string `json:"paper_rooms,omitempty"`
	// Approval is the poll approving the seats and the list; Approved is
	// set once it passed (a confidence vote needs none).
	Approval string `json:"approval,omitempty"`
	Approved bool   `json:"approved"`
	// Rounds are the rounds' poll ids, in order; Elected everyone elected
	// so far, in order of election.
	Rounds  []string `json:"rounds,omitempty"`
	Elected []string `json:"elected,omitempty"`
}

// Candidate returns the candidate with that id, or nil.
func (e *Election) Candidate(id string) *Candidate {
	for i := range e.Candidates {
		if e.Candidates[i].ID == id {
			return &e.Candidates[i]
		}
	}
	return nil
}

func (e *Election) clone() *Election {
	c := *e
	c.Candidates = slices.Clone(e.Candidates)
	c.PaperRooms = slices.Clone(e.PaperRooms)
	c.Rounds = slices.Clone(e.Rounds)
	c.Elected = slices.Clone(e.Elected)
	return &c
}

// The status of a paper sheet.
const (
	SheetIncomplete = "incomplete"
	SheetAgreed     = "agreed"
	SheetMismatch   = "mismatch"
	SheetResolved   = "resolved"
)

// PaperSheet is one paper ballot as the committee typed it.
type PaperSheet struct {
	// Entries are the marks each member typed, by member.
	Entries map[string]string `json:"entries,omitempty"`
	// Resolved is the marks the committee settled a disagreement with.
	Resolved string `json:"resolved,omitempty"`
	Status   string `json:"status"`
}

// settle sets the sheet's status from its entries.
func (p *PaperSheet) settle() {
	switch {
	case p.Resolved != "":
		p.Status = SheetResolved
	case len(slices.Compact(slices.Sorted(maps.Values(p.Entries)))) > 1:
		p.Status = SheetMismatch
	case len(p.Entries) >= PaperEntries:
		p.Status = SheetAgreed
	default:
		p.Status = SheetIncomplete
	}
}

// marks returns the sheet's counted marks: resolved or agreed ones.
func (p *PaperSheet) marks() string {
	if p.Resolved != "" {
		return p.Resolved
	}
	for _, m := range p.Entries {
		return m
	}
	return ""
}

func clonePaper(p map[string]map[int]*PaperSheet) map[string]map[int]*PaperSheet {
	if p == nil {
		return nil
	}
	out := make(map[string]map[int]*PaperSheet, len(p))
	for room, sheets := range p {
		cs := make(map[int]*PaperSheet, len(sheets))
		for n, sh := range sheets {
			c := *sh
			c.Entries = cloneMap(sh.Entries)
			cs[n] = &c
		}
		out[room] = cs
	}
	return out
}

// ElectionResult is the count of one round.
type ElectionResult struct {
	Election string `json:"election"`
	Round    int    `json:"round"`
	Kind     string `json:"kind"`
	Style    string `json:"style"`
	Seats    int    `json:"seats"`
	BaseKind string `json:"base_kind"`
	// Base is what shares and the majority are counted against.
	Base int `json:"base"`
	// Issued: the voters present at the close, one ballot each; Returned:
	// the electronic ballots and the paper sheets counted.
	Issued   int `json:"issued"`
	Returned int `json:"returned"`
	Valid    int `json:"valid"`
	Invalid  int `json:"invalid"`
	// InvalidReasons counts the invalid ballots by why: InvalidTooMany,
	// InvalidAllStruck, InvalidVoid.
	InvalidReasons map[string]int `json:"invalid_reasons,omitempty"`
	Rooms          []RoomCount    `json:"rooms"`
	// Candidates are in the round's list order.
	Candidates []CandidateResult `json:"candidates"`
	// Elected in this round, highest first.
	Elected []string `json:"elected,omitempty"`
	// NextRound says that another round is needed, and among whom.
	NextRound *NextRound `json:"next_round,omitempty"`
}

// Why a ballot is invalid (ElectionResult.InvalidReasons).
const (
	InvalidTooMany   = "too_many"   // keeps more names than the seats
	InvalidAllStruck = "all_struck" // strikes every name
	InvalidVoid      = "void"       // a paper ballot typed PaperVoid
)

// CandidateResult is one name's count: votes and their share of the base
// (percent, truncated to two decimals: a share shown as 50.00 is never
// more than half); on an agree ballot Against counts "Không đồng ý"; for a
// confidence vote the count and share (of the valid ballots) of each
// level.
type CandidateResult struct {
	ID      string             `json:"id"`
	Votes   int                `json:"votes"`
	Share   float64            `json:"share"`
	Against int                `json:"against,omitempty"`
	Elected bool               `json:"elected,omitempty"`
	Levels  map[string]int     `json:"levels,omitempty"`
	Shares  map[string]float64 `json:"shares,omitempty"`
}

// RoomCount is one room's ballots issued and returned.
type RoomCount struct {
	Room     string `json:"room"`
	Paper    bool   `json:"paper,omitempty"`
	Issued   int    `json:"issued"`
	Returned int    `json:"returned"`
}

// Why another round is needed.
const (
	// NextTie: candidates with the same votes, above half, straddle the
	// last seat.
	NextTie = "tie"
	// NextShort: fewer were elected than the seats.
	NextShort = "short"
)

// NextRound is the round a result calls for: among whom, for how many seats.
type NextRound struct {
	Reason     string   `json:"reason"`
	Candidates []string `json:"candidates"`
	Seats      int      `json:"seats"`
}

func (r Result) clone() Result {
	r.Counts = cloneMap(r.Counts)
	if e := r.Election; e != nil {
		c := *e
		c.Rooms = slices.Clone(e.Rooms)
		c.Elected = slices.Clone(e.Elected)
		c.InvalidReasons = cloneMap(e.InvalidReasons)
		c.Candidates = slices.Clone(e.Candidates)
		for i := range c.Candidates {
			c.Candidates[i].Levels = cloneMap(c.Candidates[i].Levels)
			c.Candidates[i].Shares = cloneMap(c.Candidates[i].Shares)
		}
		if e.NextRound != nil {
			n := *e.NextRound
			n.Candidates = slices.Clone(n.Candidates)
			c.NextRound = &n
		}
		r.Election = &c
	}
	return r
}

// Commands of elections.
type (
	// CreateElection prepares an election or a confidence vote (a
	// secretary). An election also gets its approval poll.
	CreateElection struct {
		Election Election `json:"election"`
	}
	// UpdateElection replaces an election's title, seats, list, base and
	// paper rooms before its list is put to the vote (a confidence vote:
	// before its round), or after the list was rejected.
	UpdateElection struct {
		Election Election `json:"election"`
	}
	// ExcuseAbsence records that a member is absent for the whole meeting
	// with an approved reason (a secretary); an empty Reason withdraws it.
	ExcuseAbsence struct {
		Participant string `json:"participant"`
		Reason      string `json:"reason"`
	}
	// ProposeCommittee prepares the show of hands electing the counting
	// committee (a secretary or the chair). The first member is its head
	// (trưởng ban kiểm phiếu, 190-QĐ/TW art. 8.1: the meeting approves the
	// members and the head together).
	ProposeCommittee struct {
		Poll     string   `json:"poll"`
		Members  []string `json:"members"`
		Question string   `json:"question,omitempty"`
	}
	// OpenElectionRound creates and opens an election's next round (the
	// chair): the first once the list is approved, a later one as the
	// previous round's result calls for.
	OpenElectionRound struct {
		Election string `json:"election"`
	}
	// EnterPaperBallot is one committee member's typing of one paper
	// ballot (by its sheet number); typing it again replaces it.
	EnterPaperBallot struct {
		Poll  string `json:"poll"`
		Room  string `json:"room"`
		Sheet int    `json:"sheet"`
		Marks string `json:"marks"`
	}
	// ResolvePaperBallot settles a paper ballot whose entries disagree
	// (or are missing) with the marks read off the paper.
	ResolvePaperBallot struct {
		Poll  string `json:"poll"`
		Room  string `json:"room"`
		Sheet int    `json:"sheet"`
		Marks string `json:"marks"`
	}
)

// Events of elections.
type (
	ElectionCreated struct {
		Election Election `json:"election"`
	}
	ElectionUpdated struct {
		Election Election `json:"election"`
	}
	AbsenceExcused struct {
		Participant string `json:"participant"`
		Reason      string `json:"reason,omitempty"`
	}
	// PaperBallotEntered: Visible to the chair, the secretaries and the
	// committee only.
	PaperBallotEntered struct {
		Poll   string `json:"poll"`
		Room   string `json:"room"`
		Sheet  int    `json:"sheet"`
		Member string `json:"member"`
		Marks  string `json:"marks"`
	}
	PaperBallotResolved struct {
		Poll  string `json:"poll"`
		Room  string `json:"room"`
		Sheet int    `json:"sheet"`
		Marks string `json:"marks"`
	}
	// ElectionApproved follows the PollClosed of a passed approval poll.
	ElectionApproved struct {
		Election string `json:"election"`
		Poll     string `json:"poll"`
	}
	// CommitteeElected follows the PollClosed of a passed committee poll.
	CommitteeElected struct {
		Poll    string   `json:"poll"`
		Members []string `json:"members"`
	}
)

// OnCommittee reports whether the participant sits on the counting committee.
func (s *State) OnCommittee(id string) bool { return id != "" && slices.Contains(s.Committee, id) }

// proposedForCommittee reports whether id is a member of a committee poll
// not yet closed: they may become a member, so not a candidate.
func (s *State) proposedForCommittee(id string) bool {
	for _, p := range s.Polls {
		if len(p.Committee) > 0 && p.Status != PollDone && slices.Contains(p.Committee, id) {
			return true
		}
	}
	return false
}

// candidateIn returns the election in which participant id is a candidate, if any.
func (s *State) candidateIn(id string) *Election {
	for _, eid := range s.ElectionOrder {
		e := s.Elections[eid]
		if slices.ContainsFunc(e.Candidates, func(c Candidate) bool { return c.Participant == id }) {
			return e
		}
	}
	return nil
}

// checkElection checks and normalises an election from a command.
func (d decider) checkElection(e *Election) error {
	s := d.s
	if !idPattern.MatchString(e.ID) || len(e.ID) > maxElectionID {
		return Errorf(Invalid, "Mã cuộc bầu cử không hợp lệ: %q (chữ, số, '-', '_', '.'; tối đa 48 ký tự)",
			"invalid election id %q (letters, digits, '-', '_', '.'; at most 48)", e.ID)
	}
	if err := checkText("the title", "tên cuộc bầu cử", e.Title, true, MaxTextLength); err != nil {
		return err
	}
	if e.Kind == "" {
		e.Kind = KindElection
	}
	if e.Kind != KindElection && e.Kind != KindConfidence {
		return Errorf(Invalid, "Loại bầu cử không hợp lệ: %q (cần %q hoặc %q)", "invalid election kind %q (want %q or %q)", e.Kind, KindElection, KindConfidence)
	}
	if e.Base == "" {
		e.Base = BaseConvened
	}
	if e.Base != BaseConvened && e.Base != BaseOfficial {
		return Errorf(Invalid, "Cách tính tổng số không hợp lệ: %q (cần %q hoặc %q)", "invalid base %q (want %q or %q)", e.Base, BaseConvened, BaseOfficial)
	}
	n := len(e.Candidates)
	if n == 0 || n > MaxCandidates {
		return Errorf(Invalid, "Danh sách cần từ 1 đến %d người", "the list needs 1 to %d names", MaxCandidates)
	}
	seen := map[string]bool{}
	for i := range e.Candidates {
		c := &e.Candidates[i]
		if !idPattern.MatchString(c.ID) {
			return badID("candidate", "người ứng cử", c.ID)
		}
		if seen[c.ID] {
			return Errorf(Invalid, "Người ứng cử %q bị trùng", "candidate %q appears twice", c.ID)
		}
		seen[c.ID] = true
		if err := checkText("the candidate's name", "họ tên người ứng cử", c.Name, true, MaxTextLength); err != nil {
			return err
		}
		if err := checkText("the candidate's position", "chức vụ người ứng cử", c.Position, false, MaxTextLength); err != nil {
			return err
		}
		if c.BirthYear != 0 && (c.BirthYear < 1900 || c.BirthYear > 2100) {
			return Errorf(Invalid, "Năm sinh không hợp lệ: %d", "invalid year of birth %d", c.BirthYear)
		}
		if c.CV != "" && s.Documents[c.CV] == nil {
			return Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.CV)
		}
		if c.Participant != "" {
			if s.Participants[c.Participant] == nil {
				return Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
			}
			if s.OnCommittee(c.Participant) || s.proposedForCommittee(c.Participant) {
				return Errorf(Conflict, "Đồng chí %s là thành viên Ban kiểm phiếu nên không thể là người ứng cử",
					"%s sits on the counting committee and so cannot be a candidate", c.Name)
			}
		}
	}
	if e.Kind == KindConfidence {
		e.Seats = 0
	} else {
		if e.Seats < 1 {
			return Errorf(Invalid, "Số lượng cần bầu phải từ 1 trở lên", "the number to elect must be at least 1")
		}
		if n < e.Seats {
			return Errorf(Invalid, "Danh sách bầu cử có %d người, ít hơn số lượng cần bầu (%d)",
				"the list has %d names, fewer than the %d seats", n, e.Seats)
		}
		if 10*n > 13*e.Seats {
			return Errorf(Invalid, "Danh sách bầu cử có %d người cho %d chỉ tiêu: số dư vượt quá 30%% số lượng cần bầu (tối đa %d người; Điều 14 Quy chế bầu cử trong Đảng, Quyết định 190-QĐ/TW)",
				"the list has %d names for %d seats: more than 30%% above the seats (at most %d names; art. 14 of the Party's election rules, Decision 190-QĐ/TW)",
				n, e.Seats, 13*e.Seats/10)
		}
	}
	rooms := map[string]bool{}
	for _, r := range e.PaperRooms {
		if s.Room(r) == nil {
			return Errorf(NotFound, "Không có phòng họp %q", "no room %q", r)
		}
		if rooms[r] {
			return Errorf(Invalid, "Phòng họp %q bị trùng", "room %q appears twice", r)
		}
		rooms[r] = true
	}
	e.Approved = e.Kind == KindConfidence
	e.Rounds, e.Elected = nil, nil
	return nil
}

// approvalPoll is the show of hands approving an election's seats and list.
func approvalPoll(e *Election, id string) Poll {
	return Poll{ID: id, Question: "Thông qua số lượng cần bầu và danh sách bầu cử: " + e.Title,
		Choices: DefaultChoices(), Rule: Rule{Base: BaseCast, Threshold: Simple}, Status: PollReady, Approves: e.ID}
}

func (c CreateElection) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	e := c.Election
	e.Candidates, e.PaperRooms = slices.Clone(e.Candidates), slices.Clone(e.PaperRooms)
	if d.s.Elections[e.ID] != nil {
		return nil, Errorf(Conflict, "Cuộc bầu cử %q đã có", "election %q already exists", e.ID)
	}
	if err := d.checkElection(&e); err != nil {
		return nil, err
	}
	if e.Kind == KindConfidence {
		e.Approval = ""
		return d.emit(ElectionCreated{Election: e})
	}
	e.Approval = e.ID + "-approval"
	if d.s.Polls[e.Approval] != nil {
		return nil, Errorf(Conflict, "Cuộc biểu quyết %q đã có", "poll %q already exists", e.Approval)
	}
	return d.emit(ElectionCreated{Election: e}, PollCreated{Poll: approvalPoll(&e, e.Approval)})
}

func (c UpdateElection) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	old := d.s.Elections[c.Election.ID]
	if old == nil {
		return nil, Errorf(NotFound, "Không có cuộc bầu cử %q", "no election %q", c.Election.ID)
	}
	e := c.Election
	e.Candidates, e.PaperRooms = slices.Clone(e.Candidates), slices.Clone(e.PaperRooms)
	if e.Kind == "" {
		e.Kind = old.Kind
	}
	if e.Kind != old.Kind {
		return nil, Errorf(Invalid, "Không thể đổi loại bầu cử", "the kind of an election cannot change")
	}
	if err := d.checkElection(&e); err != nil {
		return nil, err
	}
	if e.Kind == KindConfidence {
		if len(old.Rounds) > 0 {
			return nil, Errorf(Conflict, "Đã bắt đầu lấy phiếu; không thể sửa danh sách", "the vote has begun; the list cannot change")
		}
		return d.emit(ElectionUpdated{Election: e})
	}
	e.Approval = old.Approval
	switch ap := d.s.Polls[old.Approval]; {
	case ap != nil && ap.Status == PollReady:
		return d.emit(ElectionUpdated{Election: e})
	case ap != nil && ap.Status == PollDone && !old.Approved:
		// The list was rejected: the new one goes to a new show of hands.
		for k := 2; ; k++ {
			id := fmt.Sprintf("%s-approval-%d", e.ID, k)
			if d.s.Polls[id] == nil {
				e.Approval = id
				break
			}
		}
		return d.emit(ElectionUpdated{Election: e}, PollCreated{Poll: approvalPoll(&e, e.Approval)})
	}
	return nil, Errorf(Conflict, "Danh sách bầu cử đã được đưa ra biểu quyết; không thể sửa", "the list has been put to the vote; it cannot change")
}

func (c ExcuseAbsence) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	p := d.s.Participants[c.Participant]
	if p == nil {
		return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", c.Participant)
	}
	if !p.Voter() {
		return nil, Errorf(Invalid, "Chỉ đại biểu chính thức mới được ghi vắng có lý do", "only a member can be excused")
	}
	if err := checkText("the reason", "lý do", c.Reason, false, MaxTextLength); err != nil {
		return nil, err
	}
	if c.Reason != "" && p.Present {
		return nil, Errorf(Conflict, "Đồng chí %s đang có mặt", "%s is present", p.Name)
	}
	if c.Reason != "" && p.Attended {
		return nil, Errorf(Conflict, "Đồng chí %s đã có mặt trong hội nghị: không vắng mặt suốt hội nghị", "%s attended: not absent for the whole meeting", p.Name)
	}
	if d.s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Không thể ghi vắng khi đang biểu quyết", "absences cannot change while a poll is open")
	}
	if p.Excused == c.Reason {
		return nil, nil
	}
	return d.emit(AbsenceExcused(c))
}

func (c ProposeCommittee) decide(d decider) ([]Event, error) {
	if d.me.Role != RoleChair && d.me.Role != RoleSecretary {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc thư ký mới được chuẩn bị biểu quyết", "only the chair or a secretary may prepare a poll")
	}
	s := d.s
	if len(s.Committee) > 0 {
		// Elected once: its members' view must not change under them.
		return nil, Errorf(Conflict, "Ban kiểm phiếu đã được bầu", "the counting committee has been elected")
	}
	if !idPattern.MatchString(c.Poll) {
		return nil, badID("poll", "cuộc biểu quyết", c.Poll)
	}
	if s.Polls[c.Poll] != nil {
		return nil, Errorf(Conflict, "Cuộc biểu quyết %q đã có", "poll %q already exists", c.Poll)
	}
	if err := checkText("the question", "nội dung biểu quyết", c.Question, false, MaxTextLength); err != nil {
		return nil, err
	}
	if len(c.Members) == 0 || len(c.Members) > MaxCommittee {
		return nil, Errorf(Invalid, "Ban kiểm phiếu cần từ 1 đến %d thành viên", "the counting committee needs 1 to %d members", MaxCommittee)
	}
	seen := map[string]bool{}
	for _, id := range c.Members {
		p := s.Participants[id]
		if p == nil {
			return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", id)
		}
		if seen[id] {
			return nil, Errorf(Invalid, "Đại biểu %q bị trùng", "participant %q appears twice", id)
		}
		seen[id] = true
		if p.Role != RoleDelegate {
			return nil, Errorf(Invalid, "Thành viên Ban kiểm phiếu phải là đại biểu: %s", "a member of the counting committee must be a delegate: %s", p.Name)
		}
		if e := s.candidateIn(id); e != nil {
			return nil, Errorf(Conflict, "Đồng chí %s là người ứng cử (%s) nên không thể là thành viên Ban kiểm phiếu",
				"%s is a candidate (%s) and so cannot sit on the counting committee", p.Name, e.Title)
		}
	}
	q := c.Question
	if strings.TrimSpace(q) == "" {
		q = "Biểu quyết thông qua danh sách Ban kiểm phiếu"
	}
	return d.emit(PollCreated{Poll: Poll{ID: c.Poll, Question: q, Choices: DefaultChoices(),
		Rule: Rule{Base: BaseCast, Threshold: Simple}, Status: PollReady, Committee: slices.Clone(c.Members)}})
}

func (c OpenElectionRound) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	e := s.Elections[c.Election]
	if e == nil {
		return nil, Errorf(NotFound, "Không có cuộc bầu cử %q", "no election %q", c.Election)
	}
	if s.OpenPoll() != nil {
		return nil, Errorf(Conflict, "Đang có một cuộc biểu quyết khác", "another poll is open")
	}
	n := len(e.Rounds) + 1
	var cands []string
	seats := e.Seats
	switch {
	case n == 1 && !e.Approved:
		return nil, Errorf(Conflict, "Số lượng cần bầu và danh sách bầu cử chưa được thông qua", "the seats and the list have not been approved")
	case n == 1:
		for _, c := range e.Candidates {
			cands = append(cands, c.ID)
		}
	case e.Kind == KindConfidence:
		return nil, Errorf(Conflict, "Lấy phiếu tín nhiệm chỉ có một lần", "a confidence vote has one round")
	}
	if e.Kind == KindConfidence {
		// Regulation 96-QĐ/TW: the conference needs at least two thirds
		// of those convened present.
		if members, present := s.Members(); 3*present < 2*members {
			return nil, Errorf(Conflict, "Hội nghị lấy phiếu tín nhiệm cần ít nhất hai phần ba số người được triệu tập có mặt (%d/%d)",
				"a confidence vote needs at least two thirds of those convened present (%d of %d)", present, members)
		}
	}
	if n > 1 {
		prev := s.Polls[e.Rounds[n-2]]
		if prev.Result == nil || prev.Result.Election == nil || prev.Result.Election.NextRound == nil {
			return nil, Errorf(Conflict, "Kết quả lần bầu trước không cần bầu thêm", "the last round's result calls for no other round")
		}
		cands = slices.Clone(prev.Result.Election.NextRound.Candidates)
		seats = prev.Result.Election.NextRound.Seats
	}
	style := StyleStrike
	switch {
	case e.Kind == KindConfidence:
		style = StyleConfidence
	case len(cands) <= seats:
		style = StyleAgree
	}
	id := fmt.Sprintf("%s-r%d", e.ID, n)
	if s.Polls[id] != nil {
		return nil, Errorf(Conflict, "Cuộc biểu quyết %q đã có", "poll %q already exists", id)
	}
	q := e.Title
	if e.Kind == KindElection {
		q = fmt.Sprintf("%s (lần %d)", e.Title, n)
	}
	p := Poll{ID: id, Question: q, Choices: []Choice{{ID: BallotChoice, Label: "Phiếu bầu"}}, Secret: true,
		Rule: Rule{Base: BaseCast, Threshold: Simple}, Status: PollReady,
		Kind: e.Kind, Election: e.ID, Round: n, Candidates: cands, Seats: seats, Style: style}
	return d.emit(PollCreated{Poll: p}, PollOpened{Poll: id})
}

// checkMarks checks a ballot's marks against a round: one allowed
// character per name. paper also allows PaperVoid.
func checkMarks(p *Poll, marks string, paper bool) error {
	if paper && marks == PaperVoid {
		return nil
	}
	allowed := "01"
	switch p.Style {
	case StyleAgree:
		allowed = "01-*"
	case StyleConfidence:
		allowed = "hml-*"
	}
	if len(marks) != len(p.Candidates) || strings.Trim(marks, allowed) != "" {
		return Errorf(Invalid, "Phiếu bầu không đúng mẫu: cần %d ký hiệu trong %q, mỗi người một ký hiệu",
			"malformed ballot: want %d marks of %q, one per name", len(p.Candidates), allowed)
	}
	return nil
}

// ValidBallot reports whether a round's ballot is valid (phiếu hợp lệ) and,
// if not, why, in Vietnamese and English. The rules (Quy chế bầu cử trong
// Đảng): a ballot that keeps more names than the seats, or strikes every
// name of a list with more names than seats, is invalid; one that marks
// both boxes or neither for a name is valid and gives that name no vote.
// A paper ballot the committee typed as PaperVoid is invalid.
func ValidBallot(p *Poll, marks string) (ok bool, vi, en string) {
	if marks == PaperVoid {
		return false, "phiếu không do Ban kiểm phiếu phát ra hoặc bị hủy", "not issued by the counting committee, or void"
	}
	if checkMarks(p, marks, false) != nil {
		return false, "phiếu không đúng mẫu", "malformed"
	}
	if p.Style != StyleStrike {
		return true, "", ""
	}
	kept := strings.Count(marks, "1")
	switch {
	case kept > p.Seats:
		return false, fmt.Sprintf("bầu %d người, quá số lượng cần bầu (%d)", kept, p.Seats), fmt.Sprintf("keeps %d names, more than the %d seats", kept, p.Seats)
	case kept == 0:
		return false, "gạch tên tất cả", "every name is struck"
	}
	return true, "", ""
}

// ballotMarks returns a round's well-formed empty ballot: what the service
// hands Decide to check the chair's right to close before the box is
// opened.
func BlankMarks(p *Poll) string {
	c := byte('0')
	if p.Style == StyleConfidence {
		c = '-'
	}
	return strings.Repeat(string(c), len(p.Candidates))
}

// paperRoom refuses a paper command by someone not on the committee, on a
// round not open, or for a room that does not vote on paper.
func (d decider) paperRoom(poll, room string, sheet int, marks string) (*Poll, error) {
	if !d.s.OnCommittee(d.me.ID) {
		return nil, Errorf(Forbidden, "Chỉ thành viên Ban kiểm phiếu mới được nhập phiếu giấy", "only members of the counting committee may enter paper ballots")
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	p := d.s.Polls[poll]
	if p == nil || p.Kind == "" {
		return nil, Errorf(NotFound, "Không có lần bầu %q", "no election round %q", poll)
	}
	if p.Status != PollOpen {
		return nil, Errorf(Conflict, "Lần bầu không đang mở", "the round is not open")
	}
	if e := d.s.Elections[p.Election]; e == nil || !slices.Contains(e.PaperRooms, room) {
		return nil, Errorf(Invalid, "Phòng họp %q không bỏ phiếu giấy", "room %q does not vote on paper", room)
	}
	if sheet < 1 || sheet > MaxSheet {
		return nil, Errorf(Invalid, "Số phiếu %d không hợp lệ (1–%d)", "invalid sheet number %d (1–%d)", sheet, MaxSheet)
	}
	return p, checkMarks(p, marks, true)
}

func (c EnterPaperBallot) decide(d decider) ([]Event, error) {
	p, err := d.paperRoom(c.Poll, c.Room, c.Sheet, c.Marks)
	if err != nil {
		return nil, err
	}
	sh := p.Paper[c.Room][c.Sheet]
	if sh != nil && sh.Resolved != "" {
		return nil, Errorf(Conflict, "Phiếu số %d đã được Ban kiểm phiếu thống nhất", "sheet %d has been settled", c.Sheet)
	}
	if sh != nil && sh.Entries[d.me.ID] == c.Marks {
		return nil, nil
	}
	return d.emit(PaperBallotEntered{Poll: p.ID, Room: c.Room, Sheet: c.Sheet, Member: d.me.ID, Marks: c.Marks})
}

func (c ResolvePaperBallot) decide(d decider) ([]Event, error) {
	p, err := d.paperRoom(c.Poll, c.Room, c.Sheet, c.Marks)
	if err != nil {
		return nil, err
	}
	sh := p.Paper[c.Room][c.Sheet]
	if sh == nil {
		return nil, Errorf(NotFound, "Chưa có phiếu số %d", "no sheet %d has been entered", c.Sheet)
	}
	if sh.Status == SheetAgreed {
		return nil, Errorf(Conflict, "Phiếu số %d đã khớp giữa các lần nhập", "the entries of sheet %d agree", c.Sheet)
	}
	if sh.Resolved == c.Marks {
		return nil, nil
	}
	return d.emit(PaperBallotResolved(c))
}

// paperPending lists the paper sheets of a round that are not settled
// (incomplete or disagreeing), as "room #sheet (status)".
func paperPending(p *Poll) []string {
	var out []string
	for _, room := range slices.Sorted(maps.Keys(p.Paper)) {
		sheets := p.Paper[room]
		for _, n := range slices.Sorted(maps.Keys(sheets)) {
			if st := sheets[n].Status; st == SheetIncomplete || st == SheetMismatch {
				out = append(out, fmt.Sprintf("%s #%d (%s)", room, n, st))
			}
		}
	}
	return out
}

// closeRound decides the close of an election round: the electronic
// ballots (from the box) must match the voters, every paper sheet must be
// settled; then the count.
func (d decider) closeRound(p *Poll, c ClosePoll) ([]Event, error) {
	s := d.s
	if pending := paperPending(p); len(pending) > 0 {
		if len(pending) > 10 {
			pending = append(pending[:10], "…")
		}
		return nil, Errorf(Conflict, "Còn phiếu giấy chưa nhập đủ hoặc chưa khớp: %s", "paper ballots not yet entered three times or disagreeing: %s",
			strings.Join(pending, ", "))
	}
	if err := checkTally(p, c.Tally); err != nil {
		return nil, err
	}
	if len(c.Ballots) != len(p.Voters) {
		return nil, Errorf(Internal, "Kết quả kiểm phiếu không khớp: hòm phiếu có %d phiếu, nhật ký ghi %d người đã bỏ phiếu",
			"the box holds %d ballots, the log %d voters", len(c.Ballots), len(p.Voters))
	}
	for _, m := range c.Ballots {
		if checkMarks(p, m, false) != nil {
			return nil, Errorf(Internal, "Hòm phiếu có phiếu không đúng mẫu", "the box holds a malformed ballot")
		}
	}
	members, present := s.Members()
	r := ResultOf(p, c.Tally, members, present)
	er := countRound(s, p, c.Ballots)
	r.Base, r.Passed, r.Election = er.Base, er.NextRound == nil, er
	return d.emit(PollClosed{Poll: p.ID, Result: r, Voters: cloneMap(p.Voters)})
}

// percent is 100·n/base truncated to two decimals (0 when base is 0).
func percent(n, base int) float64 {
	if base <= 0 {
		return 0
	}
	return float64(n*10000/base) / 100
}

// countRound counts a round from its electronic ballots and its settled
// paper sheets.
func countRound(s *State, p *Poll, electronic []string) *ElectionResult {
	e := s.Elections[p.Election]
	r := &ElectionResult{Election: p.Election, Round: p.Round, Kind: p.Kind, Style: p.Style, Seats: p.Seats}
	r.BaseKind = BaseConvened
	if e != nil && e.Base == BaseOfficial {
		r.BaseKind = BaseOfficial
	}
	for _, v := range s.Participants {
		if v.Voter() && (r.BaseKind == BaseConvened || v.Excused == "") {
			r.Base++
		}
	}
	// Issued and returned per room.
	paperRoom := func(room string) bool { return e != nil && slices.Contains(e.PaperRooms, room) }
	at := map[string]int{}
	for _, room := range s.Rooms {
		at[room.ID] = len(r.Rooms)
		r.Rooms = append(r.Rooms, RoomCount{Room: room.ID, Paper: paperRoom(room.ID)})
	}
	for _, v := range s.Participants {
		if i, ok := at[v.Room]; ok && v.Voter() && v.Present {
			r.Rooms[i].Issued++
		}
	}
	for voter := range p.Voters {
		if v := s.Participants[voter]; v != nil {
			if i, ok := at[v.Room]; ok {
				r.Rooms[i].Returned++
			}
		}
	}
	ballots := slices.Clone(electronic)
	for _, room := range slices.Sorted(maps.Keys(p.Paper)) {
		for _, sh := range p.Paper[room] {
			ballots = append(ballots, sh.marks())
			if i, ok := at[room]; ok {
				r.Rooms[i].Returned++
			}
		}
	}
	for _, rc := range r.Rooms {
		r.Issued += rc.Issued
	}
	r.Returned = len(ballots)
	// The marks.
	votes := make([]int, len(p.Candidates))
	against := make([]int, len(p.Candidates))
	levels := make([]map[string]int, len(p.Candidates))
	for i := range levels {
		levels[i] = map[string]int{LevelHigh: 0, LevelMedium: 0, LevelLow: 0, LevelNone: 0}
	}
	for _, m := range ballots {
		if ok, _, _ := ValidBallot(p, m); !ok {
			r.Invalid++
			if r.InvalidReasons == nil {
				r.InvalidReasons = map[string]int{}
			}
			switch {
			case m == PaperVoid:
				r.InvalidReasons[InvalidVoid]++
			case strings.Count(m, "1") == 0:
				r.InvalidReasons[InvalidAllStruck]++
			default:
				r.InvalidReasons[InvalidTooMany]++
			}
			continue
		}
		r.Valid++
		for i := range p.Candidates {
			switch m[i] {
			case '1':
				votes[i]++
			case '0':
				if p.Style == StyleAgree {
					against[i]++
				}
			case 'h':
				levels[i][LevelHigh]++
			case 'm':
				levels[i][LevelMedium]++
			case 'l':
				levels[i][LevelLow]++
			case '-', '*':
				levels[i][LevelNone]++
			}
		}
	}
	for i, id := range p.Candidates {
		cr := CandidateResult{ID: id}
		if p.Kind == KindConfidence {
			cr.Levels = levels[i]
			cr.Shares = map[string]float64{}
			for l, n := range levels[i] {
				cr.Shares[l] = percent(n, r.Valid)
			}
		} else {
			cr.Votes, cr.Share, cr.Against = votes[i], percent(votes[i], r.Base), against[i]
		}
		r.Candidates = append(r.Candidates, cr)
	}
	if p.Kind == KindElection {
		elect(r, p)
	}
	return r
}

// elect marks who is elected: more than half of the base, highest first,
// up to the seats; a tie at the last seat or too few elected call for
// another round.
func elect(r *ElectionResult, p *Poll) {
	var above []int // indexes of candidates above half, highest first
	for i, c := range r.Candidates {
		if 2*c.Votes > r.Base {
			above = append(above, i)
		}
	}
	slices.SortStableFunc(above, func(a, b int) int { return r.Candidates[b].Votes - r.Candidates[a].Votes })
	elected := above
	var tied []int
	if len(above) > p.Seats {
		last := r.Candidates[above[p.Seats-1]].Votes
		if r.Candidates[above[p.Seats]].Votes == last {
			elected = nil
			for _, i := range above {
				switch v := r.Candidates[i].Votes; {
				case v > last:
					elected = append(elected, i)
				case v == last:
					tied = append(tied, i)
				}
			}
		} else {
			elected = above[:p.Seats]
		}
	}
	for _, i := range elected {
		r.Candidates[i].Elected = true
		r.Elected = append(r.Elected, r.Candidates[i].ID)
	}
	left := p.Seats - len(elected)
	switch {
	case len(tied) > 0:
		slices.Sort(tied)
		n := &NextRound{Reason: NextTie, Seats: left}
		for _, i := range tied {
			n.Candidates = append(n.Candidates, r.Candidates[i].ID)
		}
		r.NextRound = n
	case left > 0:
		n := &NextRound{Reason: NextShort, Seats: left}
		for _, c := range r.Candidates {
			if !c.Elected {
				n.Candidates = append(n.Candidates, c.ID)
			}
		}
		if len(n.Candidates) > 0 {
			r.NextRound = n
		}
	}
}

// Folding.

func (d ElectionCreated) fits(s *State, full bool) error {
	return need(d.Election.ID != "" && s.Elections[d.Election.ID] == nil && len(d.Election.Candidates) > 0,
		"election %q is empty, taken or has no candidates", d.Election.ID)
}

func (d ElectionCreated) change(s *State, e Event) {
	el := d.Election.clone()
	el.Rounds, el.Elected = nil, nil
	s.Elections[el.ID] = el
	s.ElectionOrder = append(s.ElectionOrder, el.ID)
}

func (d ElectionUpdated) fits(s *State, full bool) error {
	return need(s.Elections[d.Election.ID] != nil && len(d.Election.Candidates) > 0, "no election %q, or no candidates", d.Election.ID)
}

func (d ElectionUpdated) change(s *State, e Event) {
	old := s.Elections[d.Election.ID]
	el := d.Election.clone()
	el.Rounds, el.Elected = old.Rounds, old.Elected
	s.Elections[el.ID] = el
}

func (d AbsenceExcused) fits(s *State, full bool) error { return s.person(d.Participant) }

func (d AbsenceExcused) change(s *State, e Event) {
	if p := s.Participants[d.Participant]; p != nil { // a lean view holds only its viewer
		p.Excused = d.Reason
		// The same fact as an approved absence (MarkAbsent's record).
		p.Absence = nil
		if d.Reason != "" {
			p.Absence = &Absence{Reason: d.Reason, Approved: true}
		}
	}
}

// paperFits checks that a paper event names an open round.
func (s *State) paperFits(poll string) error {
	p := s.Polls[poll]
	return need(p != nil && p.Kind != "" && p.Status == PollOpen, "poll %q is not an open election round", poll)
}

func (d PaperBallotEntered) fits(s *State, full bool) error {
	if err := s.paperFits(d.Poll); err != nil {
		return err
	}
	return need(d.Member != "" && d.Sheet > 0, "a paper entry needs a member and a sheet")
}

func (d PaperBallotEntered) change(s *State, e Event) {
	p := s.Polls[d.Poll]
	if p.Paper == nil {
		p.Paper = map[string]map[int]*PaperSheet{}
	}
	if p.Paper[d.Room] == nil {
		p.Paper[d.Room] = map[int]*PaperSheet{}
	}
	sh := p.Paper[d.Room][d.Sheet]
	if sh == nil {
		sh = &PaperSheet{}
		p.Paper[d.Room][d.Sheet] = sh
	}
	if sh.Entries == nil {
		sh.Entries = map[string]string{}
	}
	sh.Entries[d.Member] = d.Marks
	sh.settle()
}

func (d PaperBallotEntered) visibleTo(s *State, p *Participant, viewer string) bool {
	return paperView(s, viewer)
}

func (d PaperBallotResolved) fits(s *State, full bool) error {
	if err := s.paperFits(d.Poll); err != nil {
		return err
	}
	return need(!full || s.Polls[d.Poll].Paper[d.Room][d.Sheet] != nil, "no sheet %d in room %q", d.Sheet, d.Room)
}

func (d PaperBallotResolved) change(s *State, e Event) {
	p := s.Polls[d.Poll]
	if p.Paper == nil {
		p.Paper = map[string]map[int]*PaperSheet{}
	}
	if p.Paper[d.Room] == nil {
		p.Paper[d.Room] = map[int]*PaperSheet{}
	}
	sh := p.Paper[d.Room][d.Sheet]
	if sh == nil {
		sh = &PaperSheet{}
		p.Paper[d.Room][d.Sheet] = sh
	}
	sh.Resolved = d.Marks
	sh.settle()
}

func (d PaperBallotResolved) visibleTo(s *State, p *Participant, viewer string) bool {
	return paperView(s, viewer)
}

func (d ElectionApproved) fits(s *State, full bool) error {
	e, p := s.Elections[d.Election], s.Polls[d.Poll]
	return need(e != nil && p != nil && p.Approves == d.Election && p.Status == PollDone && p.Result != nil && p.Result.Passed,
		"poll %q has not approved election %q", d.Poll, d.Election)
}

func (d ElectionApproved) change(s *State, e Event) { s.Elections[d.Election].Approved = true }

func (d CommitteeElected) fits(s *State, full bool) error {
	p := s.Polls[d.Poll]
	return need(p != nil && p.Status == PollDone && p.Result != nil && p.Result.Passed && len(d.Members) > 0 && len(s.Committee) == 0,
		"poll %q has not elected a committee, or one was elected", d.Poll)
}

func (d CommitteeElected) change(s *State, e Event) { s.Committee = slices.Clone(d.Members) }

// Recount counts a closed round again from its stored ballots (the box's
// opened ballots, in any order) and its paper sheets, and reports the
// first way it differs from the recorded result: the ballots returned,
// valid and invalid (by reason), and every name's votes, Không đồng ý
// and levels. The base, the ballots issued and who is elected depend on
// the attendance at the close, which the recount does not redo.
func Recount(s *State, poll string, ballots []string) error {
	p := s.Polls[poll]
	if p == nil || p.Kind == "" || p.Status != PollDone || p.Result == nil || p.Result.Election == nil {
		return Errorf(NotFound, "Không có lần bầu đã kết thúc %q", "no closed election round %q", poll)
	}
	for _, m := range ballots {
		if checkMarks(p, m, false) != nil {
			return Errorf(Internal, "Hòm phiếu có phiếu không đúng mẫu", "the box holds a malformed ballot")
		}
	}
	was, now := p.Result.Election, countRound(s, p, ballots)
	diff := func(what string, a, b any) error {
		return Errorf(Conflict, "Kiểm phiếu lại khác kết quả đã ghi: %s (đã ghi %v, kiểm lại %v)",
			"the recount differs from the recorded result: %s (recorded %v, recounted %v)", what, a, b)
	}
	switch {
	case was.Returned != now.Returned:
		return diff("returned", was.Returned, now.Returned)
	case was.Valid != now.Valid:
		return diff("valid", was.Valid, now.Valid)
	case was.Invalid != now.Invalid || !maps.Equal(was.InvalidReasons, now.InvalidReasons):
		return diff("invalid", was.InvalidReasons, now.InvalidReasons)
	case len(was.Candidates) != len(now.Candidates):
		return diff("names", len(was.Candidates), len(now.Candidates))
	}
	for i, c := range was.Candidates {
		n := now.Candidates[i]
		if c.ID != n.ID || c.Votes != n.Votes || c.Against != n.Against || !maps.Equal(c.Levels, n.Levels) {
			return diff(c.ID, c, n)
		}
	}
	return nil
}
