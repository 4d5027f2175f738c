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
	return slices.Contains(d.Readers, participant)
}
