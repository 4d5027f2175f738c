package meeting

import "slices"

// CanRead reports whether the participant may read the document: every
// participant of the meeting may read a public document; a confidential one
// is read only by its Readers, the chair(s) and the secretaries. An unknown
// participant or document reads nothing.
func (s *State) CanRead(participant, document string) bool {
	p := s.Participants[participant]
	d := s.Documents[document]
	if p == nil || d == nil {
		return false
	}
	if !d.Confidential {
		return true
	}
	if p.Role == RoleChair || p.Role == RoleSecretary {
		return true
	}
	return readerOf(d, p)
}

// readerOf reports whether p is one of d's named readers, or the seated
// substitute of one (who reads what the member would).
func readerOf(d *Document, p *Participant) bool {
	return slices.Contains(d.Readers, p.ID) || (p.For != "" && slices.Contains(d.Readers, p.For))
}
