package meeting

import (
	"fmt"
	"slices"
)

// The agenda: its items and sub-items, the proposals attached to them, the
// item under discussion.

func (c AddAgendaItem) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	it := c.Item
	if !idPattern.MatchString(it.ID) {
		return nil, badID("agenda item", "mục chương trình", it.ID)
	}
	if s.Item(it.ID) != nil {
		return nil, Errorf(Conflict, "Mục %q đã có trong chương trình", "agenda item %q already exists", it.ID)
	}
	if err := checkText("the title", "tên mục", it.Title, true, MaxTextLength); err != nil {
		return nil, err
	}
	if it.Parent != "" {
		parent := s.Item(it.Parent)
		if parent == nil {
			return nil, Errorf(NotFound, "Không có mục cha %q", "no parent item %q", it.Parent)
		}
		if parent.Parent != "" {
			return nil, Errorf(Invalid, "Chương trình chỉ có một cấp mục con", "the agenda has one level of sub-items only")
		}
	}
	if it.Presenter != "" && s.Participants[it.Presenter] == nil {
		return nil, Errorf(NotFound, "Không có người trình bày %q", "no presenter %q", it.Presenter)
	}
	if err := d.allExist(it.Documents, it.Proposals); err != nil {
		return nil, err
	}
	return d.emit(AgendaItemAdded{Item: it})
}

func (c MoveAgendaItem) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	if s.Item(c.Item) == nil {
		return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
	}
	if c.Index < 0 {
		return nil, Errorf(Invalid, "Vị trí %d không hợp lệ", "invalid position %d", c.Index)
	}
	if at, n := siblingIndex(s.Agenda, c.Item); at == min(c.Index, n-1) {
		return nil, nil // already there
	}
	return d.emit(AgendaItemMoved(c))
}

func (c AddProposal) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	pr := c.Proposal
	if !idPattern.MatchString(pr.ID) {
		return nil, badID("proposal", "tờ trình", pr.ID)
	}
	if s.Proposals[pr.ID] != nil {
		return nil, Errorf(Conflict, "Tờ trình %q đã có", "proposal %q already exists", pr.ID)
	}
	if err := checkText("the title", "tên tờ trình", pr.Title, true, MaxTextLength); err != nil {
		return nil, err
	}
	if err := checkText("the text", "nội dung", pr.Text, false, MaxProposalText); err != nil {
		return nil, err
	}
	if err := d.allExist(pr.Documents, nil); err != nil {
		return nil, err
	}
	if c.Item != "" && s.Item(c.Item) == nil {
		return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
	}
	pr.Status = ProposalDraft
	return d.emit(ProposalAdded{Proposal: pr, Item: c.Item})
}

func (c SetCurrentItem) decide(d decider) ([]Event, error) {
	if err := d.needChair(); err != nil {
		return nil, err
	}
	if err := d.inSession(); err != nil {
		return nil, err
	}
	if d.s.Item(c.Item) == nil {
		return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
	}
	if d.s.Current == c.Item {
		return nil, nil
	}
	return d.emit(CurrentItemSet(c))
}

// siblingIndex returns the position of item id among its siblings (the
// top-level items, or the sub-items of its parent) and their number.
func siblingIndex(agenda []Item, id string) (at, n int) {
	it := slices.IndexFunc(agenda, func(x Item) bool { return x.ID == id })
	parent := agenda[it].Parent
	at = -1
	for _, x := range agenda {
		if x.Parent == parent {
			if x.ID == id {
				at = n
			}
			n++
		}
	}
	return at, n
}

func (d decider) allExist(docs, proposals []string) error {
	for _, id := range docs {
		if d.s.Documents[id] == nil {
			return Errorf(NotFound, "Không có tài liệu %q", "no document %q", id)
		}
	}
	for _, id := range proposals {
		if d.s.Proposals[id] == nil {
			return Errorf(NotFound, "Không có tờ trình %q", "no proposal %q", id)
		}
	}
	return nil
}

func (d AgendaItemAdded) fits(s *State, full bool) error {
	if d.Item.ID == "" || s.Item(d.Item.ID) != nil {
		return fmt.Errorf("agenda item %q is empty or taken", d.Item.ID)
	}
	if d.Item.Parent != "" {
		parent := s.Item(d.Item.Parent)
		return need(parent != nil && parent.Parent == "", "parent item %q is unknown or a sub-item", d.Item.Parent)
	}
	return nil
}

func (d AgendaItemAdded) change(s *State, e Event) { s.Agenda = insertItem(s.Agenda, d.Item) }

func (d AgendaItemMoved) fits(s *State, full bool) error {
	return need(s.Item(d.Item) != nil && d.Index >= 0, "unknown agenda item %q or index %d", d.Item, d.Index)
}

func (d AgendaItemMoved) change(s *State, e Event) { s.Agenda = moveItem(s.Agenda, d.Item, d.Index) }

func (d ProposalAdded) fits(s *State, full bool) error {
	return need(d.Proposal.ID != "" && s.Proposals[d.Proposal.ID] == nil && (d.Item == "" || s.Item(d.Item) != nil),
		"proposal %q is empty or taken, or item %q unknown", d.Proposal.ID, d.Item)
}

func (d ProposalAdded) change(s *State, e Event) {
	pr := d.Proposal
	pr.Documents = slices.Clone(pr.Documents)
	pr.Status = ProposalDraft
	s.Proposals[pr.ID] = &pr
	if it := s.Item(d.Item); it != nil {
		it.Proposals = append(it.Proposals, pr.ID)
	}
}

func (d CurrentItemSet) fits(s *State, full bool) error {
	return need(s.Item(d.Item) != nil, "unknown agenda item %q", d.Item)
}

func (d CurrentItemSet) change(s *State, e Event) { s.Current = d.Item }

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
