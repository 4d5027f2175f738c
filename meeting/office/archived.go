package office

import (
	"fmt"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// A consultation's or conclusion's log imported from an archive (dais
// archive import, meeting/archive) ends with ConsultationArchived or
// ConclusionArchived, appended by the import after the archived events,
// as an imported meeting's log ends with meeting.MeetingArchived. From
// there on every command is refused (ErrConsultationArchived,
// ErrConclusionArchived, code meeting.Archived); reading, the PDFs and
// the audit still work, and the schedulers leave the log alone (no
// deadline, no reminder).
type (
	ConsultationArchived struct {
		// Archive is the SHA-256 of the archive file; Events and LastHash
		// the archived log's last event and its chain link.
		Archive  string `json:"archive"`
		Events   uint64 `json:"events"`
		LastHash string `json:"last_hash,omitempty"`
	}
	ConclusionArchived ConsultationArchived
)

func (ConsultationArchived) EventType() string { return "ConsultationArchived" }
func (ConclusionArchived) EventType() string   { return "ConclusionArchived" }

// ErrConsultationArchived refuses every command on an imported consultation.
func ErrConsultationArchived() error {
	return meeting.Errorf(meeting.Archived,
		"Đợt lấy ý kiến này được khôi phục từ bản lưu trữ và chỉ để xem: không thể thay đổi",
		"this consultation was brought back from an archive and is read only: nothing can change")
}

// ErrConclusionArchived refuses every command on an imported conclusion.
func ErrConclusionArchived() error {
	return meeting.Errorf(meeting.Archived,
		"Kết luận này được khôi phục từ bản lưu trữ và chỉ để xem: không thể báo cáo, sửa hay ký",
		"this conclusion was brought back from an archive and is read only: no reports, edits or signatures")
}

// ArchivedMark is the event that closes an office log imported from an
// archive: kind is "consultation" or "conclusion", seq the event after
// the archived ones (events+1).
func ArchivedMark(kind, archive string, events uint64, lastHash string, at time.Time) (Event, error) {
	d := ConsultationArchived{Archive: archive, Events: events, LastHash: lastHash}
	ev := Event{Seq: events + 1, At: at.UTC().Truncate(time.Second), Actor: "system"}
	switch kind {
	case "consultation":
		ev.Data = d
	case "conclusion":
		ev.Data = ConclusionArchived(d)
	default:
		return Event{}, fmt.Errorf("office: no log kind %q", kind)
	}
	return ev, nil
}

func archiveMark(d ConsultationArchived, e Event, version uint64, marked bool) (*meeting.ArchiveMark, error) {
	if marked {
		return nil, fmt.Errorf("office: marked archived a second time")
	}
	if d.Events != version || d.Events == 0 {
		return nil, fmt.Errorf("office: archived after event %d a log at event %d", d.Events, version)
	}
	return &meeting.ArchiveMark{Archive: d.Archive, Events: d.Events, LastHash: d.LastHash, At: e.At}, nil
}
