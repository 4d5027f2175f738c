package meeting

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Apply folds one event into s. It refuses an event whose Seq is not
// s.Version+1, and an event that does not fit the state (which Decide never
// produces: a corrupted log is detected, not folded), leaving s unchanged.
func (s *State) Apply(e Event) error {
	if e.Seq != s.Version+1 {
		return fmt.Errorf("meeting: event %d does not follow %d", e.Seq, s.Version)
	}
	return s.fold(e)
}

// Follow folds one event of a filtered stream into s, as a client does: the
// event must only come after s.Version (the events a viewer may not see are
// skipped).
func (s *State) Follow(e Event) error {
	if e.Seq <= s.Version {
		return fmt.Errorf("meeting: event %d is not after %d", e.Seq, s.Version)
	}
	return s.fold(e)
}

// fold checks that e fits s, then changes s.
func (s *State) fold(e Event) error {
	if e.Data == nil {
		return fmt.Errorf("meeting: event %d has no data", e.Seq)
	}
	if err := s.fits(e); err != nil {
		return fmt.Errorf("meeting: event %d (%s) does not fit: %w", e.Seq, e.Type(), err)
	}
	s.change(e)
	s.Version = e.Seq
	return nil
}

// fits reports why e cannot be folded into s, if it cannot.
func (s *State) fits(e Event) error {
	if _, ok := e.Data.(MeetingCreated); ok {
		if s.Exists() {
			return fmt.Errorf("the meeting exists")
		}
		return nil
	}
	if !s.Exists() {
		return fmt.Errorf("no meeting")
	}
	need := func(what string, ok bool) error {
		if !ok {
			return fmt.Errorf("unknown %s", what)
		}
		return nil
	}
	switch d := e.Data.(type) {
	case RoomAdded:
		return need("room (duplicate)", s.Room(d.Room.ID) == nil)
	case ParticipantAdded:
		return need("participant (duplicate)", s.Participants[d.Participant.ID] == nil)
	case ParticipantRemoved:
		return need("participant", s.Participants[d.Participant] != nil)
	case AgendaItemAdded:
		return need("agenda item (duplicate)", s.Item(d.Item.ID) == nil)
	case AgendaItemMoved:
		return need("agenda item", s.Item(d.Item) != nil)
	case DocumentAdded:
		return need("document (duplicate)", s.Documents[d.Document.ID] == nil)
	case DocumentAttached:
		return need("item or document", s.Item(d.Item) != nil && s.Documents[d.Document] != nil)
	case ProposalAdded:
		return need("proposal (duplicate)", s.Proposals[d.Proposal.ID] == nil)
	case CurrentItemSet:
		return need("agenda item", s.Item(d.Item) != nil)
	case DocumentShown:
		return need("document", s.Documents[d.Document] != nil)
	case PageTurned:
		return need("document", s.Documents[d.Document] != nil)
	case PollCreated:
		return need("poll (duplicate)", s.Polls[d.Poll.ID] == nil)
	case PollOpened:
		p := s.Polls[d.Poll]
		return need("ready poll", p != nil && p.Status == PollReady)
	case BallotCast:
		p := s.Polls[d.Poll]
		if p == nil || p.Status != PollOpen {
			return fmt.Errorf("poll %q is not open", d.Poll)
		}
		if _, voted := p.Voters[d.Voter]; voted {
			return fmt.Errorf("%s voted twice in %s", d.Voter, d.Poll)
		}
		return nil
	case PollClosed:
		p := s.Polls[d.Poll]
		return need("open poll", p != nil && p.Status == PollOpen)
	case FloorRequested, FloorWithdrawn, FloorGiven, FloorEnded, CheckedIn, CheckedOut:
		return need("participant", s.Participants[participantOf(d)] != nil || participantOf(d) == "")
	}
	return nil
}

func participantOf(d EventData) string {
	switch d := d.(type) {
	case FloorRequested:
		return d.Participant
	case FloorWithdrawn:
		return d.Participant
	case FloorGiven:
		return d.Participant
	case FloorEnded:
		return d.Participant
	case CheckedIn:
		return d.Participant
	case CheckedOut:
		return d.Participant
	}
	return ""
}

// change applies e, which fits.
func (s *State) change(e Event) {
	switch d := e.Data.(type) {
	case MeetingCreated:
		s.ID, s.Title, s.StartsAt, s.Place, s.Status = d.ID, d.Title, d.StartsAt, d.Place, StatusDraft
		s.Rooms = slices.Clone(d.Rooms)
		sec := d.Secretary
		s.Participants[sec.ID] = &sec
		s.Order = append(s.Order, sec.ID)
	case MeetingUpdated:
		if d.Title != "" {
			s.Title = d.Title
		}
		if !d.StartsAt.IsZero() {
			s.StartsAt = d.StartsAt
		}
		if d.Place != "" {
			s.Place = d.Place
		}
	case RoomAdded:
		s.Rooms = append(s.Rooms, d.Room)
	case ParticipantAdded:
		p := d.Participant
		p.Present = false
		s.Participants[p.ID] = &p
		s.Order = append(s.Order, p.ID)
	case ParticipantRemoved:
		delete(s.Participants, d.Participant)
		s.Order = slices.DeleteFunc(s.Order, func(id string) bool { return id == d.Participant })
		s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	case AgendaItemAdded:
		s.Agenda = insertItem(s.Agenda, d.Item)
	case AgendaItemMoved:
		s.Agenda = moveItem(s.Agenda, d.Item, d.Index)
	case DocumentAdded:
		doc := d.Document
		doc.Readers = slices.Clone(doc.Readers)
		s.Documents[doc.ID] = &doc
	case DocumentAttached:
		it := s.Item(d.Item)
		it.Documents = append(it.Documents, d.Document)
	case ProposalAdded:
		pr := d.Proposal
		pr.Documents = slices.Clone(pr.Documents)
		pr.Status = ProposalDraft
		s.Proposals[pr.ID] = &pr
		if it := s.Item(d.Item); it != nil {
			it.Proposals = append(it.Proposals, pr.ID)
		}
	case MeetingPublished:
		s.Status = StatusPublished
	case SessionOpened:
		s.Status = StatusInSession
	case SessionAdjourned:
		s.Status = StatusAdjourned
	case MeetingClosed:
		s.Status = StatusClosed
		s.Floor = Floor{}
	case CurrentItemSet:
		s.Current = d.Item
	case DocumentShown:
		s.Presentation.Document, s.Presentation.Page = d.Document, d.Page
	case PageTurned:
		s.Presentation.Document, s.Presentation.Page = d.Document, d.Page
	case PresentationHanded:
		s.Presentation.Presenter = d.To
	case PollCreated:
		p := d.Poll
		p.Choices = slices.Clone(p.Choices)
		p.Status, p.Voters, p.Result = PollReady, nil, nil
		s.Polls[p.ID] = &p
		s.PollOrder = append(s.PollOrder, p.ID)
	case PollOpened:
		p := s.Polls[d.Poll]
		p.Status = PollOpen
		if pr := s.Proposals[p.Proposal]; pr != nil {
			pr.Status = ProposalVoting
		}
	case BallotCast:
		p := s.Polls[d.Poll]
		if p.Voters == nil {
			p.Voters = map[string]string{}
		}
		p.Voters[d.Voter] = d.Choice
	case PollClosed:
		p := s.Polls[d.Poll]
		r := d.Result
		r.Counts = cloneMap(r.Counts)
		p.Status, p.Result = PollDone, &r
		if pr := s.Proposals[p.Proposal]; pr != nil {
			pr.Status = ProposalRejected
			if r.Passed {
				pr.Status = ProposalAdopted
			}
		}
	case FloorRequested:
		s.Floor.Queue = append(s.Floor.Queue, d.Participant)
	case FloorWithdrawn:
		s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	case FloorGiven:
		s.Floor.Speaker, s.Floor.Since = d.Participant, e.At
		s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
	case FloorEnded:
		s.Floor.Speaker, s.Floor.Since = "", time.Time{}
	case CheckedIn:
		s.Participants[d.Participant].Present = true
	case CheckedOut:
		s.Participants[d.Participant].Present = false
	}
}

// insertItem places an item in the flat agenda: a top-level item last, a
// sub-item right after its parent's last sub-item.
func insertItem(agenda []Item, it Item) []Item {
	it.Documents, it.Proposals = slices.Clone(it.Documents), slices.Clone(it.Proposals)
	if it.Parent == "" {
		return append(agenda, it)
	}
	at := len(agenda)
	for i, x := range agenda {
		if x.ID == it.Parent {
			at = i + 1
			for at < len(agenda) && agenda[at].Parent == it.Parent {
				at++
			}
			break
		}
	}
	return slices.Insert(agenda, at, it)
}

// moveItem moves an item (with its sub-items) to position index among its
// siblings.
func moveItem(agenda []Item, id string, index int) []Item {
	var moving *Item
	for i := range agenda {
		if agenda[i].ID == id {
			moving = &agenda[i]
			break
		}
	}
	parent := moving.Parent
	// Split the agenda into blocks: a top-level item with its sub-items,
	// or (when moving a sub-item) each sub-item of that parent alone.
	type block []Item
	var before, siblings, after []block
	var current block
	flush := func(dst *[]block) {
		if len(current) > 0 {
			*dst = append(*dst, current)
			current = nil
		}
	}
	if parent == "" {
		for _, it := range agenda {
			if it.Parent == "" && len(current) > 0 {
				siblings = append(siblings, current)
				current = nil
			}
			current = append(current, it)
		}
		flush(&siblings)
	} else {
		state := 0 // 0 before the parent's sub-items, 1 among them, 2 after
		for _, it := range agenda {
			switch {
			case it.Parent == parent:
				state = 1
				siblings = append(siblings, block{it})
			case state == 1:
				state = 2
				after = append(after, block{it})
			case state == 2:
				after = append(after, block{it})
			default:
				before = append(before, block{it})
			}
		}
	}
	from := slices.IndexFunc(siblings, func(b block) bool { return b[0].ID == id })
	b := siblings[from]
	siblings = slices.Delete(siblings, from, from+1)
	index = max(0, min(index, len(siblings)))
	siblings = slices.Insert(siblings, index, b)
	out := make([]Item, 0, len(agenda))
	for _, group := range [][]block{before, siblings, after} {
		for _, b := range group {
			out = append(out, b...)
		}
	}
	return out
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State {
	c := *s
	c.Rooms = slices.Clone(s.Rooms)
	c.Order = slices.Clone(s.Order)
	c.PollOrder = slices.Clone(s.PollOrder)
	c.Floor.Queue = slices.Clone(s.Floor.Queue)
	c.Agenda = make([]Item, len(s.Agenda))
	for i, it := range s.Agenda {
		it.Documents, it.Proposals = slices.Clone(it.Documents), slices.Clone(it.Proposals)
		c.Agenda[i] = it
	}
	c.Participants = make(map[string]*Participant, len(s.Participants))
	for id, p := range s.Participants {
		cp := *p
		c.Participants[id] = &cp
	}
	c.Documents = make(map[string]*Document, len(s.Documents))
	for id, d := range s.Documents {
		cd := *d
		cd.Readers = slices.Clone(d.Readers)
		c.Documents[id] = &cd
	}
	c.Proposals = make(map[string]*Proposal, len(s.Proposals))
	for id, p := range s.Proposals {
		cp := *p
		cp.Documents = slices.Clone(p.Documents)
		c.Proposals[id] = &cp
	}
	c.Polls = make(map[string]*Poll, len(s.Polls))
	for id, p := range s.Polls {
		c.Polls[id] = p.clone()
	}
	return &c
}

func (p *Poll) clone() *Poll {
	cp := *p
	cp.Choices = slices.Clone(p.Choices)
	cp.Voters = cloneMap(p.Voters)
	if p.Result != nil {
		r := *p.Result
		r.Counts = cloneMap(r.Counts)
		cp.Result = &r
	}
	return &cp
}

// UnmarshalJSON decodes a state and makes sure its maps exist, so that a
// decoded snapshot can be folded into like a NewState.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	p := (*plain)(NewState())
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	*s = State(*p)
	if s.Participants == nil {
		s.Participants = map[string]*Participant{}
	}
	if s.Documents == nil {
		s.Documents = map[string]*Document{}
	}
	if s.Proposals == nil {
		s.Proposals = map[string]*Proposal{}
	}
	if s.Polls == nil {
		s.Polls = map[string]*Poll{}
	}
	return nil
}
