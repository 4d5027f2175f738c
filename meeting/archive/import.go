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
	// and the MeetingArchived event after them.
	Version uint64
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
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	err = backup.Each(r, func(name string, _ int64, src io.Reader) error {
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
	if err != nil {
		return out, err
	}
	if err := dst.ImportMeeting(ctx, id, log, boxes); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return out, fmt.Errorf("%w: %v", ErrExists, err)
		}
		return out, err
	}
	out.Boxes, out.Version = len(boxes), rec.Seq
	return out, nil
}
