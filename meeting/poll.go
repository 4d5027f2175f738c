package meeting

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// PollStatus is where a poll stands.
type PollStatus string

// The poll statuses: ready (prepared, not yet open), open, done (closed).
const (
	PollReady PollStatus = "ready"
	PollOpen  PollStatus = "open"
	PollDone  PollStatus = "closed"
)

// Choice is one answer of a poll.
type Choice struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// DefaultChoices are the answers used by party and assembly meetings when a
// poll names none: for, against, abstain. The first choice is the one a
// proposal needs to pass.
func DefaultChoices() []Choice {
	return []Choice{
		{ID: "for", Label: "Tán thành"},
		{ID: "against", Label: "Không tán thành"},
		{ID: "abstain", Label: "Không biểu quyết"},
	}
}

// Base is what a majority is counted against.
type Base string

// The bases of a majority.
const (
	// BaseCast counts against the ballots cast.
	BaseCast Base = "cast"
	// BasePresent counts against the voters checked in when the poll closes.
	BasePresent Base = "present"
	// BaseMembers counts against every voter of the meeting.
	BaseMembers Base = "members"
)

// Threshold is how large a majority must be.
type Threshold string

// The thresholds. With F the ballots for the first choice, A those for the
// second, and B the base:
const (
	// Simple: F > A (more for than against).
	Simple Threshold = "simple"
	// Absolute: 2F > B (more than half of the base).
	Absolute Threshold = "absolute"
	// TwoThirds: 3F >= 2B (at least two thirds of the base).
	TwoThirds Threshold = "two_thirds"
)

// Rule decides whether a poll passed.
type Rule struct {
	Base      Base      `json:"base"`
	Threshold Threshold `json:"threshold"`
	// QuorumPercent is the share of members (0–100) who must be present
	// when the poll closes for the result to stand; 0 means no quorum.
	QuorumPercent int `json:"quorum_percent,omitempty"`
}

// Poll is one vote of the meeting.
type Poll struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Proposal string   `json:"proposal,omitempty"`
	Choices  []Choice `json:"choices"`
	// Secret polls record who voted apart from what they chose: the state
	// and every event know only that a voter voted, and the counts arrive
	// with the close.
	Secret bool       `json:"secret,omitempty"`
	Rule   Rule       `json:"rule"`
	Status PollStatus `json:"status"`
	// Voters maps each voter who voted to their choice id; for a secret
	// poll the choice is "".
	Voters map[string]string `json:"voters,omitempty"`
	Result *Result           `json:"result,omitempty"`

	// An election's round (Kind KindElection or KindConfidence): the
	// election, the round's number, its list (ids of the election's
	// candidates, in ballot order), the seats it fills and how its ballot
	// is marked. Its one choice is BallotChoice; it is always secret.
	Kind       string   `json:"kind,omitempty"`
	Election   string   `json:"election,omitempty"`
	Round      int      `json:"round,omitempty"`
	Candidates []string `json:"candidates,omitempty"`
	Seats      int      `json:"seats,omitempty"`
	Style      string   `json:"style,omitempty"`
	// OpenedAt and ClosedAt are when a round was opened and closed (the
	// counting minutes print them); zero for other polls.
	OpenedAt time.Time `json:"opened_at,omitzero"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Paper holds a round's paper ballots as the committee typed them:
	// room → sheet number → sheet. Seen by the chair, the secretaries and
	// the committee only.
	Paper map[string]map[int]*PaperSheet `json:"paper,omitempty"`
	// Approves is the election whose seats and list this ordinary poll
	// approves; Committee the members of the counting committee it elects.
	Approves  string   `json:"approves,omitempty"`
	Committee []string `json:"committee,omitempty"`
}

// Choice returns the choice with that id, or nil.
func (p *Poll) Choice(id string) *Choice {
	for i := range p.Choices {
		if p.Choices[i].ID == id {
			return &p.Choices[i]
		}
	}
	return nil
}

// Result is the outcome of a closed poll.
type Result struct {
	// Counts maps each choice id to its number of ballots.
	Counts map[string]int `json:"counts"`
	Cast   int            `json:"cast"`
	// Members and Present are the voters of the meeting, and those checked
	// in, when the poll closed.
	Members int `json:"members"`
	Present int `json:"present"`
	// Excused are the members absent for the whole meeting with an
	// approved reason that a base counted against the members left off
	// (0 unless the rules take them off); Substitutes the substitutes who
	// voted or could vote for absent members, counted as present on a base
	// of those present.
	Excused     int `json:"excused,omitempty"`
	Substitutes int `json:"substitutes,omitempty"`
	// Base is the number the threshold was measured against.
	Base     int  `json:"base"`
	QuorumOK bool `json:"quorum_ok"`
	Passed   bool `json:"passed"`
	// Election is an election round's count (nil for other polls).
	Election *ElectionResult `json:"election,omitempty"`
}

// Tally is what a ballot box counted, handed to ClosePoll by the service
// that closed the box. Counts maps choice ids to ballots.
type Tally map[string]int

func (c CreatePoll) decide(d decider) ([]Event, error) {
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
	// An ordinary poll: rounds, approvals and committee polls are made by
	// their own commands, with their own checks.
	p.Kind, p.Election, p.Round, p.Candidates, p.Seats, p.Style, p.Paper = "", "", 0, nil, 0, "", nil
	p.Approves, p.Committee, p.OpenedAt, p.ClosedAt = "", nil, time.Time{}, time.Time{}
	return d.emit(PollCreated{Poll: p})
}

func (c CastBallot) decide(d decider) ([]Event, error) {
	if err := d.inSession(); err != nil {
		return nil, err
	}
	// A seated substitute votes for the member they stand in for, where
	// the meeting allows it: the ballot is the member's (one per member,
	// whoever casts it).
	voter := d.me
	if d.me.For != "" {
		if !d.s.AttendanceRules.SubstitutesVote {
			return nil, Errorf(Forbidden, "Người dự thay không được biểu quyết trong hội nghị này", "a substitute does not vote in this meeting")
		}
		voter = d.s.Participants[d.me.For]
		if voter == nil || voter.Present {
			return nil, Errorf(Conflict, "Đồng chí được dự thay đang có mặt và tự biểu quyết", "the member you stand in for is present and votes themself")
		}
	}
	if !voter.Voter() {
		return nil, Errorf(Forbidden, "Đồng chí không có quyền biểu quyết", "you have no vote in this meeting")
	}
	if !d.me.Present {
		return nil, Errorf(Conflict, "Đồng chí cần điểm danh trước khi biểu quyết", "check in before voting")
	}
	p := d.s.Polls[c.Poll]
	if p == nil {
		return nil, Errorf(NotFound, "Không có cuộc biểu quyết %q", "no poll %q", c.Poll)
	}
	if voter != d.me && p.Kind != "" {
		return nil, Errorf(Forbidden, "Người dự thay không được bỏ phiếu bầu cử", "a substitute does not vote in an election")
	}
	if p.Status != PollOpen {
		return nil, Errorf(Conflict, "Cuộc biểu quyết không đang mở", "the poll is not open")
	}
	if p.Kind != "" {
		if c.Choice != "" && c.Choice != BallotChoice {
			return nil, Errorf(Invalid, "Lựa chọn không hợp lệ: %q", "invalid choice %q", c.Choice)
		}
		if err := checkMarks(p, c.Marks, false); err != nil {
			return nil, err
		}
		if e := d.s.Elections[p.Election]; e != nil && slices.Contains(e.PaperRooms, d.me.Room) {
			return nil, Errorf(Conflict, "Phòng họp của đồng chí bỏ phiếu giấy", "your room votes on paper")
		}
	} else {
		if p.Choice(c.Choice) == nil {
			return nil, Errorf(Invalid, "Lựa chọn không hợp lệ: %q", "invalid choice %q", c.Choice)
		}
		if c.Marks != "" {
			return nil, Errorf(Invalid, "Cuộc biểu quyết này không dùng phiếu bầu", "this poll takes a choice, not marks")
		}
	}
	if c.BallotID == "" || len(c.BallotID) > 128 {
		return nil, Errorf(Invalid, "Thiếu mã phiếu", "the ballot needs an id")
	}
	if _, voted := p.Voters[voter.ID]; voted {
		if voter != d.me {
			return nil, Errorf(Conflict, "Đã có phiếu của đồng chí %s trong cuộc biểu quyết này", "%s has already voted in this poll", voter.Name)
		}
		return nil, Errorf(Conflict, "Đồng chí đã biểu quyết trong cuộc biểu quyết này", "you have already voted in this poll")
	}
	choice := c.Choice
	if p.Secret {
		choice = ""
	}
	return d.emit(BallotCast{Poll: p.ID, Voter: voter.ID, Choice: choice})
}

func (c OpenPoll) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
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
}

func (c ClosePoll) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	s := d.s
	p := s.Polls[c.Poll]
	if p == nil {
		return nil, Errorf(NotFound, "Không có cuộc biểu quyết %q", "no poll %q", c.Poll)
	}
	if p.Status != PollOpen {
		return nil, Errorf(Conflict, "Cuộc biểu quyết không đang mở", "the poll is not open")
	}
	if p.Kind != "" {
		return d.closeRound(p, c)
	}
	if err := checkTally(p, c.Tally); err != nil {
		return nil, err
	}
	closed := PollClosed{Poll: p.ID, Result: ResultFor(p, c.Tally, s.Turnout()), Voters: cloneMap(p.Voters)}
	switch {
	case !closed.Result.Passed:
	case p.Approves != "" && s.Elections[p.Approves] != nil && s.Elections[p.Approves].Approval == p.ID:
		return d.emit(closed, ElectionApproved{Election: p.Approves, Poll: p.ID})
	case len(p.Committee) > 0 && len(s.Committee) == 0:
		return d.emit(closed, CommitteeElected{Poll: p.ID, Members: slices.Clone(p.Committee)})
	}
	return d.emit(closed)
}

func (d PollCreated) fits(s *State, full bool) error {
	if d.Poll.Kind != "" {
		e := s.Elections[d.Poll.Election]
		return need(d.Poll.ID != "" && s.Polls[d.Poll.ID] == nil && len(d.Poll.Choices) == 1 && d.Poll.Secret && e != nil && e.Kind == d.Poll.Kind,
			"round %q is empty or taken, or its election %q is unknown", d.Poll.ID, d.Poll.Election)
	}
	return need(d.Poll.ID != "" && s.Polls[d.Poll.ID] == nil && len(d.Poll.Choices) >= 2,
		"poll %q is empty, taken or has fewer than two choices", d.Poll.ID)
}

func (d PollCreated) change(s *State, e Event) {
	p := d.Poll
	p.Choices = slices.Clone(p.Choices)
	p.Status, p.Voters, p.Result, p.Paper = PollReady, nil, nil, nil
	p.Candidates, p.Committee = slices.Clone(p.Candidates), slices.Clone(p.Committee)
	s.Polls[p.ID] = &p
	s.PollOrder = append(s.PollOrder, p.ID)
	if e := s.Elections[p.Election]; e != nil && p.Kind != "" {
		e.Rounds = append(e.Rounds, p.ID)
	}
}

func (d PollOpened) fits(s *State, full bool) error {
	p := s.Polls[d.Poll]
	return need(p != nil && p.Status == PollReady && s.OpenPoll() == nil, "poll %q is not ready or another poll is open", d.Poll)
}

func (d PollOpened) change(s *State, e Event) {
	p := s.Polls[d.Poll]
	p.Status = PollOpen
	if p.Kind != "" {
		p.OpenedAt = e.At
	}
	if pr := s.Proposals[p.Proposal]; pr != nil {
		pr.Status = ProposalVoting
	}
}

func (d BallotCast) fits(s *State, full bool) error {
	p := s.Polls[d.Poll]
	if p == nil || p.Status != PollOpen {
		return fmt.Errorf("poll %q is not open", d.Poll)
	}
	// A lean view holds only its viewer: a substitute's holds not the
	// member whose ballot they cast.
	if v := s.Participants[d.Voter]; (v == nil && s.Lean == nil) || (v != nil && !v.Voter()) {
		return fmt.Errorf("%q has no vote", d.Voter)
	}
	if _, voted := p.Voters[d.Voter]; voted {
		return fmt.Errorf("%s voted twice in %s", d.Voter, d.Poll)
	}
	if p.Secret {
		return need(d.Choice == "", "a ballot of secret poll %q names its choice", d.Poll)
	}
	return need(p.Choice(d.Choice) != nil, "invalid choice %q", d.Choice)
}

func (d BallotCast) change(s *State, e Event) {
	p := s.Polls[d.Poll]
	if p.Voters == nil {
		p.Voters = map[string]string{}
	}
	p.Voters[d.Voter] = d.Choice
}

// visibleTo: a ballot reaches its voter, the chair and the secretaries.
func (d BallotCast) visibleTo(s *State, p *Participant, viewer string) bool {
	return d.Voter == viewer || fullView(s, viewer) || (p.For != "" && p.For == d.Voter)
}

func (d PollClosed) fits(s *State, full bool) error {
	p := s.Polls[d.Poll]
	if p == nil || p.Status != PollOpen {
		return fmt.Errorf("poll %q is not open", d.Poll)
	}
	for id := range d.Result.Counts {
		if p.Choice(id) == nil {
			return fmt.Errorf("the result counts unknown choice %q", id)
		}
	}
	if full && d.Voters != nil && !maps.Equal(d.Voters, p.Voters) {
		return fmt.Errorf("the voters of poll %q differ from the ballots folded", d.Poll)
	}
	return nil
}

func (d PollClosed) change(s *State, e Event) {
	p := s.Polls[d.Poll]
	r := d.Result.clone()
	p.Status, p.Result = PollDone, &r
	if p.Kind != "" {
		p.ClosedAt = e.At
	}
	if e := s.Elections[p.Election]; e != nil && r.Election != nil {
		e.Elected = append(e.Elected, r.Election.Elected...)
	}
	if d.Voters != nil {
		p.Voters = cloneMap(d.Voters)
	}
	if pr := s.Proposals[p.Proposal]; pr != nil {
		pr.Status = ProposalRejected
		if r.Passed {
			pr.Status = ProposalAdopted
		}
	}
}

// redact: a closed named poll's voters reach the chair and the
// secretaries only (see Redact).
func (d PollClosed) redact(s *State, e Event, viewer string) (Event, bool) {
	if d.Voters == nil || fullView(s, viewer) {
		return e, false
	}
	d.Voters = nil
	e.Data = d
	return e, true
}

// fullView reports whether viewer sees every ballot: the chair and the
// secretaries do.
func fullView(s *State, viewer string) bool {
	p := s.Participants[viewer]
	return p != nil && (p.Role == RoleChair || p.Role == RoleSecretary)
}

// paperView reports whether viewer sees the paper ballots as the committee
// types them: the chair, the secretaries and the counting committee do.
// The committee is elected once, before any paper entry, so what its
// members see does not change under them.
func paperView(s *State, viewer string) bool {
	return fullView(s, viewer) || s.OnCommittee(viewer)
}

// viewPolls takes from v, for a viewer who is neither chair nor secretary,
// every ballot but their own (in open and closed polls alike).
func (s *State) viewPolls(v *State, viewer string) {
	if fullView(s, viewer) {
		return
	}
	member := "" // a substitute's member, whose ballot they may have cast
	if p := s.Participants[viewer]; p != nil {
		member = p.For
	}
	for _, poll := range v.Polls {
		if !paperView(s, viewer) {
			poll.Paper = nil
		}
		if poll.Voters == nil {
			continue
		}
		all := poll.Voters
		poll.Voters = nil
		for _, id := range []string{viewer, member} {
			if choice, voted := all[id]; voted && id != "" {
				if poll.Voters == nil {
					poll.Voters = map[string]string{}
				}
				poll.Voters[id] = choice
			}
		}
	}
}
