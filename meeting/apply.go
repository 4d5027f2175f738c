package meeting

import (
	"fmt"
	"maps"
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
	return s.fold(e, true)
}

// Follow folds one event of a filtered stream into s, as a client does: the
// event must only come after s.Version (the events a viewer may not see are
// skipped).
func (s *State) Follow(e Event) error {
	if e.Seq <= s.Version {
		return fmt.Errorf("meeting: event %d is not after %d", e.Seq, s.Version)
	}
	return s.fold(e, false)
}

// fold checks that e fits s, then changes s. full is true when s has seen
// every event before e (Apply), false for a filtered stream (Follow).
func (s *State) fold(e Event, full bool) error {
	if e.Data == nil {
		return fmt.Errorf("meeting: event %d has no data", e.Seq)
	}
	s.ensureMaps()
	if err := s.fits(e, full); err != nil {
		return fmt.Errorf("meeting: event %d (%s) does not fit: %w", e.Seq, e.Type(), err)
	}
	s.change(e)
	if full {
		s.recordSignIns(e)
	}
	s.Version = e.Seq
	return nil
}

// fits reports why e cannot be folded into s, if it cannot. It checks what
// keeps the state consistent (references exist, ids are unique, the
// lifecycle moves forward, a voter votes once), not who may do what: that
// was Decide's job when the event was made.
func (s *State) fits(e Event, full bool) error {
	if d, ok := e.Data.(MeetingCreated); ok {
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
	if !s.Exists() {
		return fmt.Errorf("no meeting")
	}
	if d, ok := e.Data.(SessionsRevoked); ok {
		// Also after the close: a tablet can be lost after the meeting.
		if d.Participant == "" || s.Participants[d.Participant] == nil {
			return fmt.Errorf("unknown participant %q", d.Participant)
		}
		return nil
	}
	if s.Status == StatusClosed {
		return fmt.Errorf("the meeting is closed")
	}
	need := func(ok bool, format string, args ...any) error {
		if !ok {
			return fmt.Errorf(format, args...)
		}
		return nil
	}
	person := func(id string) error {
		return need(id != "" && s.Participants[id] != nil, "unknown participant %q", id)
	}
	switch d := e.Data.(type) {
	case RoomAdded:
		return need(d.Room.ID != "" && s.Room(d.Room.ID) == nil, "room %q is empty or taken", d.Room.ID)
	case ParticipantAdded:
		p := d.Participant
		return need(p.ID != "" && s.Participants[p.ID] == nil && p.Role.Valid() && s.Room(p.Room) != nil,
			"participant %q is taken, or has an invalid role or room", p.ID)
	case ParticipantRemoved:
		return person(d.Participant)
	case AgendaItemAdded:
		if d.Item.ID == "" || s.Item(d.Item.ID) != nil {
			return fmt.Errorf("agenda item %q is empty or taken", d.Item.ID)
		}
		if d.Item.Parent != "" {
			parent := s.Item(d.Item.Parent)
			return need(parent != nil && parent.Parent == "", "parent item %q is unknown or a sub-item", d.Item.Parent)
		}
		return nil
	case AgendaItemMoved:
		return need(s.Item(d.Item) != nil && d.Index >= 0, "unknown agenda item %q or index %d", d.Item, d.Index)
	case DocumentAdded:
		// A withheld document (its form for someone who may not read it)
		// has no pages; the log never holds one.
		return need(d.Document.ID != "" && s.Documents[d.Document.ID] == nil && (d.Document.Pages >= 1 || (!full && d.Document.Withheld)),
			"document %q is empty, taken or has no pages", d.Document.ID)
	case DocumentAttached:
		it := s.Item(d.Item)
		return need(it != nil && s.Documents[d.Document] != nil && !slices.Contains(it.Documents, d.Document),
			"item %q or document %q unknown, or already attached", d.Item, d.Document)
	case ProposalAdded:
		return need(d.Proposal.ID != "" && s.Proposals[d.Proposal.ID] == nil && (d.Item == "" || s.Item(d.Item) != nil),
			"proposal %q is empty or taken, or item %q unknown", d.Proposal.ID, d.Item)
	case MeetingPublished:
		return need(s.Status == StatusDraft, "publishing a meeting that is %s", s.Status)
	case SessionOpened:
		return need(s.Status == StatusPublished || s.Status == StatusAdjourned, "opening a session of a meeting that is %s", s.Status)
	case SessionAdjourned:
		return need(s.Status == StatusInSession && s.OpenPoll() == nil, "adjourning a meeting that is %s or has an open poll", s.Status)
	case MeetingClosed:
		return need(s.Status != StatusDraft && s.OpenPoll() == nil, "closing a meeting that is %s or has an open poll", s.Status)
	case CurrentItemSet:
		return need(s.Item(d.Item) != nil, "unknown agenda item %q", d.Item)
	case DocumentShown:
		return s.fitsPage(d.Document, d.Page, full)
	case PageTurned:
		return s.fitsPage(d.Document, d.Page, full)
	case PresentationHanded:
		if d.To == "" {
			return nil
		}
		return person(d.To)
	case PollCreated:
		return need(d.Poll.ID != "" && s.Polls[d.Poll.ID] == nil && len(d.Poll.Choices) >= 2,
			"poll %q is empty, taken or has fewer than two choices", d.Poll.ID)
	case PollOpened:
		p := s.Polls[d.Poll]
		return need(p != nil && p.Status == PollReady && s.OpenPoll() == nil, "poll %q is not ready or another poll is open", d.Poll)
	case BallotCast:
		p := s.Polls[d.Poll]
		if p == nil || p.Status != PollOpen {
			return fmt.Errorf("poll %q is not open", d.Poll)
		}
		if v := s.Participants[d.Voter]; v == nil || !v.Voter() {
			return fmt.Errorf("%q has no vote", d.Voter)
		}
		if _, voted := p.Voters[d.Voter]; voted {
			return fmt.Errorf("%s voted twice in %s", d.Voter, d.Poll)
		}
		if p.Secret {
			return need(d.Choice == "", "a ballot of secret poll %q names its choice", d.Poll)
		}
		return need(p.Choice(d.Choice) != nil, "invalid choice %q", d.Choice)
	case PollClosed:
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
	case FloorRequested:
		return need(s.Participants[d.Participant] != nil && !slices.Contains(s.Floor.Queue, d.Participant),
			"participant %q is unknown or already queued", d.Participant)
	case FloorWithdrawn:
		return need(slices.Contains(s.Floor.Queue, d.Participant), "participant %q is not queued", d.Participant)
	case FloorGiven:
		return person(d.Participant)
	case FloorEnded:
		return need(d.Participant != "" && s.Floor.Speaker == d.Participant, "participant %q does not have the floor", d.Participant)
	case CheckedIn:
		return person(d.Participant)
	case CheckedOut:
		return person(d.Participant)
	case MeetingUpdated:
		return nil
	case AnnotationSaved:
		a := d.Annotation
		if err := person(d.Owner); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := s.fitsPage(a.Document, a.Page, full); err != nil {
			return err
		}
		if d.Shared {
			sh := s.Shared[a.ID]
			return need(sh == nil || (sh.Owner == d.Owner && sh.Document == a.Document),
				"shared annotation %q belongs to another owner or document", a.ID)
		}
		old := s.Annotations[d.Owner][a.ID]
		return need(old == nil || old.Document == a.Document, "annotation %q of %s is on another document", a.ID, d.Owner)
	case AnnotationDeleted:
		if d.Shared {
			sh := s.Shared[d.ID]
			return need(sh != nil && sh.Owner == d.Owner && sh.Document == d.Document,
				"no shared annotation %q of %s on %q", d.ID, d.Owner, d.Document)
		}
		a := s.Annotations[d.Owner][d.ID]
		return need(a != nil && a.Document == d.Document, "no annotation %q of %s on %q", d.ID, d.Owner, d.Document)
	case RoomFollowing:
		r := s.Room(d.Room)
		return need(r != nil && (!r.Main || d.Follow), "room %q is unknown, or is the main hall", d.Room)
	case RoomShown:
		r := s.Room(d.Room)
		if r == nil || r.Main || r.Following {
			return fmt.Errorf("room %q is unknown, the main hall or follows it", d.Room)
		}
		return s.fitsPage(d.Document, d.Page, full)
	}
	return fmt.Errorf("unknown event type %T", e.Data)
}

// fitsPage checks that a document exists and has the page.
//
// A participant following a filtered stream (Follow) may not know the
// document (a confidential one not listed to them) or its pages (withheld):
// with full false, any page of such a document is taken.
func (s *State) fitsPage(document string, page int, full bool) error {
	d := s.Documents[document]
	if !full && page >= 1 && (d == nil || d.Withheld) {
		return nil
	}
	if d == nil || page < 1 || page > d.Pages {
		return fmt.Errorf("document %q has no page %d", document, page)
	}
	return nil
}

// change applies e, which fits.
func (s *State) change(e Event) {
	switch d := e.Data.(type) {
	case MeetingCreated:
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
		if d.ConfidentialListing != "" {
			s.ConfidentialListing = d.ConfidentialListing
		}
	case RoomAdded:
		r := d.Room
		r.Main, r.Following, r.Presentation = false, true, nil
		s.Rooms = append(s.Rooms, r)
	case ParticipantAdded:
		p := d.Participant
		p.Present = false
		s.Participants[p.ID] = &p
		s.Order = append(s.Order, p.ID)
	case ParticipantRemoved:
		// Whatever names the participant forgets them: the speaker queue,
		// the agenda items they were to present, the confidential documents
		// they were to read (a later participant with the same id does not
		// inherit the right).
		gone := func(id string) bool { return id == d.Participant }
		delete(s.Participants, d.Participant)
		s.Order = slices.DeleteFunc(s.Order, gone)
		s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, gone)
		for i := range s.Agenda {
			if s.Agenda[i].Presenter == d.Participant {
				s.Agenda[i].Presenter = ""
			}
		}
		for _, doc := range s.Documents {
			doc.Readers = slices.DeleteFunc(doc.Readers, gone)
		}
		// Their private annotations go with them; what they shared stays
		// in the room's set.
		delete(s.Annotations, d.Participant)
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
		s.endSpeech(e.At)
		s.Floor = Floor{Speeches: s.Floor.Speeches}
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
		if d.Voters != nil {
			p.Voters = cloneMap(d.Voters)
		}
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
		s.endSpeech(e.At)
		s.Floor.Speaker, s.Floor.Since = d.Participant, e.At
		s.Floor.Queue = slices.DeleteFunc(s.Floor.Queue, func(id string) bool { return id == d.Participant })
		s.Floor.Speeches = append(s.Floor.Speeches, Speech{Participant: d.Participant, Item: s.Current, From: e.At})
	case FloorEnded:
		s.endSpeech(e.At)
		s.Floor.Speaker, s.Floor.Since = "", time.Time{}
	case CheckedIn:
		s.Participants[d.Participant].Present = true
	case CheckedOut:
		s.Participants[d.Participant].Present = false
	case AnnotationSaved:
		a := d.Annotation.clone()
		if d.Shared {
			s.Shared[a.ID] = &SharedAnnotation{Owner: d.Owner, Annotation: *a}
			break
		}
		mine := s.Annotations[d.Owner]
		if mine == nil {
			mine = map[string]*Annotation{}
			s.Annotations[d.Owner] = mine
		}
		mine[a.ID] = a
	case AnnotationDeleted:
		if d.Shared {
			delete(s.Shared, d.ID)
			break
		}
		delete(s.Annotations[d.Owner], d.ID)
		if len(s.Annotations[d.Owner]) == 0 {
			delete(s.Annotations, d.Owner)
		}
	case RoomFollowing:
		r := s.Room(d.Room)
		r.Following, r.Presentation = d.Follow, nil
		if !d.Follow && s.Presentation.Document != "" {
			// The room keeps the main hall's current page until its
			// operator shows something else.
			r.Presentation = &Presentation{Document: s.Presentation.Document, Page: s.Presentation.Page}
		}
	case RoomShown:
		s.Room(d.Room).Presentation = &Presentation{Document: d.Document, Page: d.Page}
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

// endSpeech closes the speech in progress, if any, at t.
func (s *State) endSpeech(t time.Time) {
	if n := len(s.Floor.Speeches); n > 0 && s.Floor.Speaker != "" && s.Floor.Speeches[n-1].To.IsZero() {
		s.Floor.Speeches[n-1].To = t
	}
}

// recordSignIns keeps the server's record of voided sign-ins (SignIns). A
// client following a filtered stream keeps none: ViewFor never sends it.
func (s *State) recordSignIns(e Event) {
	switch d := e.Data.(type) {
	case ParticipantRemoved:
		// Their sessions and codes die with them: re-adding the id
		// revives none.
		s.voidSignIns(d.Participant, e.Seq)
	case SessionsRevoked:
		if d.Session == "" {
			s.voidSignIns(d.Participant, e.Seq)
		} else if si := s.signIns(d.Participant); !slices.Contains(si.Revoked, d.Session) {
			si.Revoked = append(si.Revoked, d.Session)
		}
	}
}

// signIns returns the participant's sign-in record, made on first need.
func (s *State) signIns(participant string) *SignIns {
	if s.SignIns == nil {
		s.SignIns = map[string]*SignIns{}
	}
	si := s.SignIns[participant]
	if si == nil {
		si = &SignIns{}
		s.SignIns[participant] = si
	}
	return si
}

// voidSignIns voids every session and code of participant made before seq.
func (s *State) voidSignIns(participant string, seq uint64) {
	si := s.signIns(participant)
	si.Since, si.Revoked = seq, nil
}
