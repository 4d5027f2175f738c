package meeting

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
	// Base is the number the threshold was measured against.
	Base     int  `json:"base"`
	QuorumOK bool `json:"quorum_ok"`
	Passed   bool `json:"passed"`
}

// Tally is what a ballot box counted, handed to ClosePoll by the service
// that closed the box. Counts maps choice ids to ballots.
type Tally map[string]int
