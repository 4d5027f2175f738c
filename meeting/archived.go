package meeting

import "time"

// ArchiveMark is what a meeting imported from its archive keeps of the
// import (State.Archived; MeetingArchived).
type ArchiveMark struct {
	// Archive is the SHA-256 of the archive file it was imported from.
	Archive string `json:"archive"`
	// Events and LastHash are the archived log's last event and its chain
	// link: the record as archived ends there.
	Events   uint64    `json:"events"`
	LastHash string    `json:"last_hash,omitempty"`
	At       time.Time `json:"at"`
}

// ArchivedError is the refusal of every command on an archived meeting.
func ArchivedError() *Error {
	return Errorf(Archived,
		"Hội nghị này được khôi phục từ bản lưu trữ và chỉ để xem: không thể thay đổi",
		"this meeting was brought back from its archive and is read only: nothing can change")
}

func (d MeetingArchived) fits(s *State, full bool) error {
	if err := need(s.Archived == nil, "archiving a meeting archived before"); err != nil {
		return err
	}
	return need(d.Events == s.Version && d.Events > 0, "archiving after event %d a log at event %d", d.Events, s.Version)
}

func (d MeetingArchived) change(s *State, e Event) {
	s.Archived = &ArchiveMark{Archive: d.Archive, Events: d.Events, LastHash: d.LastHash, At: e.At}
}
