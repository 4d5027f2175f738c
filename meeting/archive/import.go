package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/backup"
)

// Target is a store an archive is imported into: a stopped node's
// embedded store, or a cluster's Redis.
type Target interface {
	storage.Importer
	Version(ctx context.Context, meeting string) (uint64, error)
	PutBlob(ctx context.Context, r io.Reader) (storage.BlobInfo, error)
}

// ErrExists: the store already holds the archive's meeting.
var ErrExists = errors.New("archive: the store already holds this meeting")

// Imported is what Import brought back.
type Imported struct {
	Report
	// Archive is the SHA-256 of the archive file, as MeetingArchived keeps it.
	Archive string
	// Boxes is the number of ballot boxes stored.
	Boxes int
	// Version is the imported meeting's log version: the archive's events
	// and the MeetingArchived event after them (0: a committee's archive).
	Version uint64
	// Office is the number of consultations' and conclusions' logs stored;
	// OfficeHeld those the store held already, with the same chain.
	Office     int
	OfficeHeld int
}

// SeriesTarget is a store whose registry keeps the office's number series
// (storage.Registry): an imported conclusion's number is recorded there,
// so that the store's counter never gives it to another conclusion and
// dais verify -conclusion finds it.
type SeriesTarget interface {
	GetEntry(ctx context.Context, kind, id string) ([]byte, error)
	UpdateEntry(ctx context.Context, kind, id string, fn func(old []byte) ([]byte, error)) ([]byte, error)
}

// OfficeTarget is a store the office's logs are imported into
// (storage.ConsultationLogs, storage.ConclusionLogs).
type OfficeTarget interface {
	AppendConsultation(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error)
	ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
	AppendConclusion(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error)
	ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
}

// Import brings the archive in r back into dst, read only. It verifies the
// archive first (Verify) and refuses one that does not verify, and a store
// that already holds the meeting (ErrExists), before it writes anything.
// Then it stores every PDF the archive holds (content-addressed: a PDF the
// store holds already is not stored twice) and, in one step, the log as
// archived (each event's bytes and chain link), followed by a
// MeetingArchived event chained after them, and the ballot boxes, closed,
// as the archive counted them (a secret box's opened ballots without
// voters: the archive never linked them). From MeetingArchived on every
// command on the meeting is refused (meeting.Archived); signing in and
// reading still work.
//
// The office's logs the archive holds (a meeting's conclusions; a
// committee's consultations and conclusions) are appended, each in one
// step, after the meeting's: appended from the first record, the store
// computes the same chain links the archive holds, and Import checks that
// it did. A log the store holds already with the same chain is left as it
// is; one it holds with another history refuses the import before
// anything is written. A committee's archive imports its office logs and
// PDFs only.
func Import(ctx context.Context, r io.ReadSeeker, dst Target, now time.Time) (Imported, error) {
	var out Imported
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	rep, a, err := verify(ctx, r)
	if err != nil {
		return out, fmt.Errorf("the archive does not verify, nothing imported: %w", err)
	}
	out.Report = rep
	if rep.Summary.Meeting == "" {
		return importCommittee(ctx, r, dst, a, out, now)
	}
	id := rep.Summary.Meeting
	if !meeting.ValidMeetingID(id) {
		return out, fmt.Errorf("archive: meeting id %q is not valid", id)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return out, err
	}
	out.Archive = hex.EncodeToString(h.Sum(nil))

	// The state the log folds into: it names each box's poll and voters.
	st := meeting.NewState()
	voters := map[string]map[string]uint64{}
	for _, rec := range a.log {
		var ev meeting.Event
		if err := json.Unmarshal(rec.Data, &ev); err != nil {
			return out, fmt.Errorf("archive: event %d: %w", rec.Seq, err)
		}
		ev.Seq = rec.Seq
		if err := st.Apply(ev); err != nil {
			return out, fmt.Errorf("archive: event %d: %w", rec.Seq, err)
		}
		if b, ok := ev.Data.(meeting.BallotCast); ok {
			if voters[b.Poll] == nil {
				voters[b.Poll] = map[string]uint64{}
			}
			voters[b.Poll][b.Voter] = rec.Seq
		}
	}
	if st.Archived != nil {
		return out, fmt.Errorf("archive: meeting %s was archived from an imported copy (event %d); import the original archive", id, st.Archived.Events+1)
	}
	var boxes []storage.ArchivedBox
	for _, poll := range slices.Sorted(maps.Keys(a.boxes)) {
		p := st.Polls[poll]
		if p == nil {
			return out, fmt.Errorf("archive: a ballot box of poll %q, which the log does not create", poll)
		}
		spec := storage.BoxSpec{Poll: p.ID, Secret: p.Secret}
		for _, ch := range p.Choices {
			spec.Choices = append(spec.Choices, ch.ID)
		}
		if p.Kind != "" {
			spec.MaxContent = len(p.Candidates)
		}
		t := a.boxes[poll]
		t.Closed = true
		v := voters[poll]
		if v == nil {
			v = map[string]uint64{}
		}
		boxes = append(boxes, storage.ArchivedBox{Spec: spec, Tally: t, Voters: v})
	}

	// The log as archived, and MeetingArchived chained after it.
	last := a.log[len(a.log)-1]
	mark := meeting.Event{At: now.UTC().Truncate(time.Second), Data: meeting.MeetingArchived{
		Archive: out.Archive, Events: last.Seq, LastHash: hex.EncodeToString(last.Hash)}}
	if err := st.Apply(meeting.Event{Seq: last.Seq + 1, At: mark.At, Data: mark.Data}); err != nil {
		return out, fmt.Errorf("archive: marking the meeting archived: %w", err)
	}
	data, err := json.Marshal(mark)
	if err != nil {
		return out, err
	}
	rec := storage.Record{Seq: last.Seq + 1, Data: data}
	if last.Hash != nil {
		rec.Prev = last.Hash
		rec.Hash = storage.ChainHash(last.Hash, rec.Seq, data)
	}
	log := append(slices.Clone(a.log), rec)

	v, err := dst.Version(ctx, id)
	if err != nil {
		return out, err
	}
	if v > 0 {
		return out, fmt.Errorf("%w: meeting %s has %d events there; nothing imported", ErrExists, id, v)
	}
	todo, numbers, err := officePlan(ctx, dst, rep.Summary, a.office)
	if err != nil {
		return out, err
	}
	if err := putPDFs(ctx, r, dst); err != nil {
		return out, err
	}
	if err := dst.ImportMeeting(ctx, id, log, boxes); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return out, fmt.Errorf("%w: %v", ErrExists, err)
		}
		return out, err
	}
	out.Boxes, out.Version = len(boxes), rec.Seq
	if err := officeImport(ctx, dst, todo, numbers, now, &out); err != nil {
		return out, fmt.Errorf("meeting %s imported; its office logs not all: %w", id, err)
	}
	return out, nil
}

// importCommittee imports a committee's archive: its PDFs and office logs.
func importCommittee(ctx context.Context, r io.ReadSeeker, dst Target, a *archived, out Imported, now time.Time) (Imported, error) {
	todo, numbers, err := officePlan(ctx, dst, out.Summary, a.office)
	if err != nil {
		return out, err
	}
	if len(todo) == 0 {
		out.OfficeHeld = len(out.Summary.Office)
		return out, fmt.Errorf("%w: every log of committee %s's archive is there already; nothing imported", ErrExists, out.Summary.Committee)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return out, err
	}
	out.Archive = hex.EncodeToString(h.Sum(nil))
	if err := putPDFs(ctx, r, dst); err != nil {
		return out, err
	}
	return out, officeImport(ctx, dst, todo, numbers, now, &out)
}

// number is an archived conclusion's number.
type number struct {
	id, numbered, series string
	year, n              int
}

// checkSeries says whether conclusion n.id may hold its number in the
// series entry old (nil: none yet): not when the store gave that number
// to another conclusion.
func checkSeries(old []byte, n number) (office.SeriesEntry, error) {
	v := office.SeriesEntry{Series: n.series, Year: n.year, Given: map[string]int{}}
	if old != nil {
		if err := json.Unmarshal(old, &v); err != nil {
			return v, fmt.Errorf("archive: the store's series %s of %d is unreadable: %w", n.series, n.year, err)
		}
		if v.Given == nil {
			v.Given = map[string]int{}
		}
	}
	for other, got := range v.Given {
		if got == n.n && other != n.id {
			return v, fmt.Errorf("%w: number %s of %d is given to conclusion %s in this store; nothing imported", ErrExists, n.numbered, n.year, other)
		}
	}
	if got, ok := v.Given[n.id]; ok && got != n.n {
		return v, fmt.Errorf("%w: conclusion %s has number %d of %s in this store, the archive says %d; nothing imported", ErrExists, n.id, got, n.series, n.n)
	}
	return v, nil
}

// officeLogTodo is an office log to append.
type officeLogTodo struct {
	ol   OfficeLog
	recs []storage.Record
}

// officePlan checks, before anything is written, which office logs of the
// archive the store lacks: one it holds with the same chain up to the
// archived last event is left; one with another history, or a log the
// store cannot take, refuses the import.
func officePlan(ctx context.Context, target Target, sum Summary, logs memLogs) ([]officeLogTodo, []number, error) {
	if len(sum.Office) == 0 {
		return nil, nil, nil
	}
	dst, ok := target.(OfficeTarget)
	if !ok {
		return nil, nil, errors.New("archive: this store keeps no consultations or conclusions; nothing imported")
	}
	// The conclusions' numbers: free in the store's series, or theirs.
	var numbers []number
	for _, ol := range sum.Office {
		if ol.Kind != audit.KindConclusion {
			continue
		}
		l := &officeLog{OfficeLog: OfficeLog{Kind: ol.Kind, ID: ol.ID}, recs: logs[dirConclusions+ol.ID]}
		if err := l.fold(); err != nil {
			return nil, nil, err
		}
		if c := l.conclusion; c.Number > 0 {
			numbers = append(numbers, number{id: c.ID, numbered: c.Numbered, series: c.Series, year: c.Year, n: c.Number})
		}
	}
	if len(numbers) > 0 {
		reg, ok := target.(SeriesTarget)
		if !ok {
			return nil, nil, errors.New("archive: this store keeps no number series for the conclusions; nothing imported")
		}
		for _, n := range numbers {
			old, err := reg.GetEntry(ctx, "series", office.SeriesEntryID(n.series, n.year))
			if errors.Is(err, storage.ErrNotFound) {
				old, err = nil, nil
			}
			if err != nil {
				return nil, nil, err
			}
			if _, err := checkSeries(old, n); err != nil {
				return nil, nil, err
			}
		}
	}
	var todo []officeLogTodo
	for _, ol := range sum.Office {
		key, read := dirConsultations+ol.ID, dst.ReadConsultation
		if ol.Kind == audit.KindConclusion {
			key, read = dirConclusions+ol.ID, dst.ReadConclusion
		}
		recs := logs[key]
		if len(recs) == 0 || recs[0].Hash == nil {
			return nil, nil, fmt.Errorf("archive: %s %s was stored before the audit chain; it cannot be imported with its links (nothing imported)", ol.Kind, ol.ID)
		}
		have, err := read(ctx, ol.ID, ol.Events, 1)
		if err != nil {
			return nil, nil, err
		}
		if len(have) == 1 && hex.EncodeToString(have[0].Hash) == ol.LastHash {
			continue // held, with this history
		}
		if first, err := read(ctx, ol.ID, 1, 1); err != nil {
			return nil, nil, err
		} else if len(first) > 0 {
			return nil, nil, fmt.Errorf("%w: %s %s, with another history; nothing imported", ErrExists, ol.Kind, ol.ID)
		}
		todo = append(todo, officeLogTodo{ol: ol, recs: recs})
	}
	return todo, numbers, nil
}

// officeImport appends the planned office logs, each from its first
// record in one step, and checks the links the store computed.
//
// Each log is marked read only as an imported meeting is: the archived
// events are followed, in the same append, by office.ConsultationArchived
// or office.ConclusionArchived (unless the archived log ends with one
// already: archived from an imported copy), after which every command on
// it is refused.
func officeImport(ctx context.Context, target Target, todo []officeLogTodo, numbers []number, now time.Time, out *Imported) error {
	out.OfficeHeld = len(out.Summary.Office) - len(todo)
	if len(todo) == 0 {
		return nil
	}
	// The numbers first (as an approval reserves its number before its
	// event): the store's counter will not give them again, and never
	// goes back (its last number is at least theirs).
	if len(numbers) > 0 {
		reg := target.(SeriesTarget)
		for _, n := range numbers {
			for attempt := 0; ; attempt++ {
				_, err := reg.UpdateEntry(ctx, "series", office.SeriesEntryID(n.series, n.year), func(old []byte) ([]byte, error) {
					v, err := checkSeries(old, n)
					if err != nil {
						return nil, err
					}
					v.Given[n.id], v.Last = n.n, max(v.Last, n.n)
					return json.Marshal(v)
				})
				if errors.Is(err, storage.ErrConflict) && attempt < 100 && ctx.Err() == nil {
					continue
				}
				if err != nil {
					return fmt.Errorf("archive: recording number %s of %d: %w", n.numbered, n.year, err)
				}
				break
			}
		}
	}
	dst := target.(OfficeTarget)
	for _, t := range todo {
		data := make([][]byte, len(t.recs))
		for i, r := range t.recs {
			data[i] = r.Data
		}
		last := t.recs[len(t.recs)-1]
		lastEv, err := office.DecodeRecord(last.Data, last.Seq)
		if err != nil {
			return fmt.Errorf("archive: %s %s: %w", t.ol.Kind, t.ol.ID, err)
		}
		switch lastEv.Data.(type) {
		case office.ConsultationArchived, office.ConclusionArchived:
		default:
			mark, err := office.ArchivedMark(t.ol.Kind, out.Archive, last.Seq, hex.EncodeToString(last.Hash), now)
			if err != nil {
				return err
			}
			b, err := json.Marshal(mark)
			if err != nil {
				return err
			}
			data = append(data, b)
		}
		app, read := dst.AppendConsultation, dst.ReadConsultation
		if t.ol.Kind == audit.KindConclusion {
			app, read = dst.AppendConclusion, dst.ReadConclusion
		}
		if _, err := app(ctx, t.ol.ID, 0, data); err != nil {
			return fmt.Errorf("archive: %s %s: %w", t.ol.Kind, t.ol.ID, err)
		}
		got, err := read(ctx, t.ol.ID, t.ol.Events, 1)
		if err != nil {
			return err
		}
		if len(got) != 1 || hex.EncodeToString(got[0].Hash) != t.ol.LastHash {
			return fmt.Errorf("archive: %s %s was stored with another chain than the archive's", t.ol.Kind, t.ol.ID)
		}
		out.Office++
	}
	return nil
}

// putPDFs stores every PDF of the archive.
func putPDFs(ctx context.Context, r io.ReadSeeker, dst Target) error {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return backup.Each(r, func(name string, _ int64, src io.Reader) error {
		if !strings.HasPrefix(name, dirPDFs) {
			return nil
		}
		want := strings.TrimSuffix(strings.TrimPrefix(name, dirPDFs), ".pdf")
		info, err := dst.PutBlob(ctx, src)
		if err != nil {
			return fmt.Errorf("archive: storing %s: %w", name, err)
		}
		if info.SHA256 != want {
			return fmt.Errorf("archive: %s was stored as %s (the file changed while it was read?)", name, info.SHA256)
		}
		return nil
	})
}
