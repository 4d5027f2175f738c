package storage

import "context"

// Entry is one document of the office registry: its id and its bytes
// (JSON, opaque here).
type Entry struct {
	ID   string
	Data []byte
}

// Registry keeps what belongs to the office rather than to one meeting:
// the people and the committees (issue 13), and the index of each person's
// private calendar feed. Entries are opaque documents grouped by kind
// ("person", "committee", "feed", …: lower-case letters), stored once and
// shared by every node.
type Registry interface {
	// GetEntry returns an entry's data, or ErrNotFound.
	GetEntry(ctx context.Context, kind, id string) ([]byte, error)
	// ListEntries returns every entry of a kind, sorted by id (none: an
	// empty list, no error).
	ListEntries(ctx context.Context, kind string) ([]Entry, error)
	// UpdateEntry applies fn to the entry's current data (nil when there
	// is none) atomically and stores what fn returns; nil deletes the
	// entry. fn may be called more than once, on the latest data each time.
	// An error from fn is returned as it is and stores nothing. It returns
	// what was stored.
	UpdateEntry(ctx context.Context, kind, id string, fn func(old []byte) ([]byte, error)) ([]byte, error)
}

// ConsultationLogs keeps the logs of written consultations (lấy ý kiến
// bằng văn bản): each consultation is an append-only log like a meeting's,
// with the same guarantees as Log (version-checked appends, seqs without
// gaps, durable on return, the audit chain computed inside the append), in
// a namespace of its own: a consultation is never listed as a meeting.
type ConsultationLogs interface {
	// AppendConsultation is Log.Append for a consultation's log.
	AppendConsultation(ctx context.Context, id string, expected uint64, events [][]byte) (last uint64, err error)
	// ReadConsultation is Log.Read for a consultation's log.
	ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]Record, error)
	// Consultations lists the ids of consultations whose log is not
	// empty, sorted.
	Consultations(ctx context.Context) ([]string, error)
}

// ConclusionLogs keeps the logs of conclusions and resolutions (kết luận,
// nghị quyết) and the follow-up of their tasks (issue 13, part 4): each
// conclusion is an append-only log with the guarantees of Log (version-
// checked appends, seqs without gaps, durable on return, the audit chain
// computed inside the append), in a namespace apart from meetings' and
// consultations'.
type ConclusionLogs interface {
	// AppendConclusion is Log.Append for a conclusion's log.
	AppendConclusion(ctx context.Context, id string, expected uint64, events [][]byte) (last uint64, err error)
	// ReadConclusion is Log.Read for a conclusion's log.
	ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]Record, error)
	// Conclusions lists the ids of conclusions whose log is not empty,
	// sorted.
	Conclusions(ctx context.Context) ([]string, error)
}
