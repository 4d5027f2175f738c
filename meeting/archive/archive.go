// Package archive writes and checks a meeting's archive: one
// self-contained file for the office's records, readable without a server
// for as long as the file is kept. It holds the meeting's event log with
// its audit chain, the ballot boxes' tallies (a secret poll's ballots as
// the close opened them: choices and marks in a random order, never a
// voter), every PDF the log names (each document and each version of a
// signed record, as stored), the minutes in Vietnamese and English, each
// election's counting minutes, the named ballots as CSV, and a manifest
// of every entry's size and SHA-256 (package storage/backup's container).
//
// Verify checks an archive with nothing but the file: the manifest, the
// chain of every event, that the ballots, the boxes and the results agree
// (package meeting/audit, an election's rounds recounted), and that every
// PDF the log names is there with that digest.
//
// An archive of a meeting with secret documents holds them as uploaded,
// without a reader's watermark: keep the file as the documents' own level
// requires.
package archive

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/backup"
)

// Entry names.
const (
	entryMeeting = "meeting.json"
	entryLog     = "log.jsonl"
	dirBoxes     = "boxes/"
	dirPDFs      = "pdf/"
	dirRecords   = "records/"
)

// Source is what an archive is written from.
type Source interface {
	Read(ctx context.Context, meeting string, from uint64, max int) ([]storage.Record, error)
	Tally(ctx context.Context, meeting, poll string) (storage.Tally, error)
	OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, storage.BlobInfo, error)
}

// Records makes the meeting's records from its state: the minutes, the
// counting minutes, the ballots (meeting/pdf's Engine and functions).
type Records interface {
	Minutes(ctx context.Context, dst io.Writer, s *meeting.State, lang string) error
	CountingMinutes(ctx context.Context, dst io.Writer, s *meeting.State, election, lang string) error
	BallotsCSV(w io.Writer, s *meeting.State) error
}

// Summary is the archive's meeting.json.
type Summary struct {
	// Meeting is the meeting archived; "" in a committee's archive
	// (WriteCommittee), which holds office logs only.
	Meeting string `json:"meeting"`
	// Committee is the committee archived (WriteCommittee).
	Committee string    `json:"committee,omitempty"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Archived  time.Time `json:"archived"`
	Events    uint64    `json:"events"`
	// LastHash is the last event's chain link, as the minutes print it.
	LastHash string `json:"last_hash,omitempty"`
	// PDFs lists the SHA-256 of every PDF the log names (and the office
	// logs).
	PDFs []string `json:"pdfs"`
	// Office lists the consultations and conclusions archived with it
	// (office.go).
	Office []OfficeLog `json:"office,omitempty"`
}

// logLine is one event of log.jsonl: the bytes the store holds and its
// chain link.
type logLine struct {
	Seq  uint64          `json:"seq"`
	Data json.RawMessage `json:"data"`
	Prev string          `json:"prev,omitempty"`
	Hash string          `json:"hash,omitempty"`
}

// Write writes the archive of meetingID to w.
func Write(ctx context.Context, w io.Writer, src Source, rec Records, meetingID string) (Summary, error) {
	sum := Summary{Meeting: meetingID, Archived: time.Now().UTC().Truncate(time.Second), PDFs: []string{}}
	var (
		log   bytes.Buffer
		st    = meeting.NewState()
		polls []string
		shas  = map[string]bool{}
	)
	for from := uint64(1); ; {
		recs, err := src.Read(ctx, meetingID, from, 1000)
		if err != nil {
			return sum, fmt.Errorf("archive: reading the log: %w", err)
		}
		for _, r := range recs {
			line, err := json.Marshal(logLine{Seq: r.Seq, Data: r.Data, Prev: hex.EncodeToString(r.Prev), Hash: hex.EncodeToString(r.Hash)})
			if err != nil {
				return sum, err
			}
			log.Write(line)
			log.WriteByte('\n')
			var ev meeting.Event
			if err := json.Unmarshal(r.Data, &ev); err != nil {
				return sum, fmt.Errorf("archive: event %d: %w", r.Seq, err)
			}
			ev.Seq = r.Seq
			if err := st.Apply(ev); err != nil {
				return sum, fmt.Errorf("archive: event %d: %w", r.Seq, err)
			}
			if p, ok := ev.Data.(meeting.PollCreated); ok {
				polls = append(polls, p.Poll.ID)
			}
			collectSHAs(r.Data, shas)
			sum.Events = r.Seq
			if len(r.Hash) > 0 {
				sum.LastHash = hex.EncodeToString(r.Hash)
			}
		}
		if len(recs) < 1000 {
			break
		}
		from += uint64(len(recs))
	}
	if sum.Events == 0 {
		return sum, fmt.Errorf("archive: meeting %q has no events", meetingID)
	}
	sum.Title, sum.Status = st.Title, string(st.Status)
	// The meeting's conclusions (a conclusion names its meeting).
	var logs []*officeLog
	if osrc, ok := src.(OfficeSource); ok {
		var err error
		if logs, err = readOffice(ctx, osrc, audit.KindConclusion, func(l *officeLog) bool { return l.Meeting == meetingID }); err != nil {
			return sum, err
		}
	}
	bw, err := begin(w, &sum, logs, shas, []string{meetingID})
	if err != nil {
		return sum, err
	}
	if err := bw.Add(entryLog, int64(log.Len()), &log); err != nil {
		return sum, err
	}
	for _, id := range polls {
		t, err := src.Tally(ctx, meetingID, id)
		if errors.Is(err, storage.ErrNotFound) {
			continue // never opened
		}
		if err != nil {
			return sum, fmt.Errorf("archive: the box of %s: %w", id, err)
		}
		b, err := json.MarshalIndent(t, "", " ")
		if err != nil {
			return sum, err
		}
		if err := bw.Add(dirBoxes+id+".json", int64(len(b)), bytes.NewReader(b)); err != nil {
			return sum, err
		}
	}
	if err := addPDFs(ctx, bw, src, sum.PDFs); err != nil {
		return sum, err
	}
	made := maker(bw)
	if err := addOffice(ctx, bw, rec, logs, made); err != nil {
		return sum, err
	}
	for _, lang := range []string{"vi", "en"} {
		if err := made("minutes-"+lang+".pdf", func(w io.Writer) error { return rec.Minutes(ctx, w, st, lang) }); err != nil {
			return sum, err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(st.Elections)) {
		if len(st.Elections[id].Rounds) == 0 {
			continue
		}
		for _, lang := range []string{"vi", "en"} {
			if err := made("counting-minutes-"+id+"-"+lang+".pdf", func(w io.Writer) error { return rec.CountingMinutes(ctx, w, st, id, lang) }); err != nil {
				return sum, err
			}
		}
	}
	if err := made("ballots.csv", func(w io.Writer) error { return rec.BallotsCSV(w, st) }); err != nil {
		return sum, err
	}
	return sum, bw.Close()
}

// BlobSource is what a committee's archive is written from: the office's
// logs and the stored PDFs.
type BlobSource interface {
	OfficeSource
	OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, storage.BlobInfo, error)
}

// WriteCommittee writes the archive of a committee's work between
// meetings to w: its written consultations and its conclusions (each log
// with its chain, its PDFs, the documents and attachments its log names).
// Its meeting.json names the committee and no meeting; it holds no
// meeting log. rec may make the office's PDFs (OfficeRecords).
func WriteCommittee(ctx context.Context, w io.Writer, src BlobSource, rec any, committee string) (Summary, error) {
	sum := Summary{Committee: committee, Archived: time.Now().UTC().Truncate(time.Second), PDFs: []string{}}
	if committee == "" {
		return sum, errors.New("archive: no committee named")
	}
	var logs []*officeLog
	for _, kind := range []string{audit.KindConsultation, audit.KindConclusion} {
		ls, err := readOffice(ctx, src, kind, func(l *officeLog) bool { return l.Committee == committee })
		if err != nil {
			return sum, err
		}
		logs = append(logs, ls...)
	}
	if len(logs) == 0 {
		return sum, fmt.Errorf("archive: committee %q has no consultation and no conclusion", committee)
	}
	for _, l := range logs {
		if l.Kind == audit.KindConsultation && sum.Title == "" && l.consultation != nil {
			sum.Title = l.consultation.CommitteeName
		}
		if l.Kind == audit.KindConclusion && sum.Title == "" && l.conclusion != nil {
			sum.Title = l.conclusion.CommitteeName
		}
	}
	bw, err := begin(w, &sum, logs, map[string]bool{}, nil)
	if err != nil {
		return sum, err
	}
	if err := addPDFs(ctx, bw, src, sum.PDFs); err != nil {
		return sum, err
	}
	if err := addOffice(ctx, bw, rec, logs, maker(bw)); err != nil {
		return sum, err
	}
	return sum, bw.Close()
}

// begin lists the office logs and the PDFs every log names in sum and
// starts the archive with meeting.json.
func begin(w io.Writer, sum *Summary, logs []*officeLog, shas map[string]bool, meetings []string) (*backup.Writer, error) {
	for _, l := range logs {
		sum.Office = append(sum.Office, l.OfficeLog)
		for _, r := range l.recs {
			collectSHAs(r.Data, shas)
		}
	}
	for sha := range shas {
		sum.PDFs = append(sum.PDFs, sha)
	}
	slices.Sort(sum.PDFs)
	bw := backup.NewWriter(w, backup.KindArchive)
	bw.SetMeetings(meetings)
	meta, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	return bw, bw.Add(entryMeeting, int64(len(meta)), bytes.NewReader(meta))
}

// addPDFs adds the stored PDFs named.
func addPDFs(ctx context.Context, bw *backup.Writer, src interface {
	OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, storage.BlobInfo, error)
}, shas []string) error {
	for _, sha := range shas {
		rc, info, err := src.OpenBlob(ctx, sha)
		if errors.Is(err, storage.ErrNotFound) {
			bw.Note("the log names %s, which the store does not hold", sha)
			continue
		}
		if err != nil {
			return fmt.Errorf("archive: %s: %w", sha, err)
		}
		err = bw.Add(dirPDFs+sha+".pdf", info.Size, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// maker adds a record made by write under records/.
func maker(bw *backup.Writer) func(name string, write func(io.Writer) error) error {
	return func(name string, write func(io.Writer) error) error {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return fmt.Errorf("archive: %s: %w", name, err)
		}
		return bw.Add(dirRecords+name, int64(b.Len()), &b)
	}
}

// addOffice adds the office logs and, when rec makes them, their PDFs.
func addOffice(ctx context.Context, bw *backup.Writer, rec any, logs []*officeLog, made func(string, func(io.Writer) error) error) error {
	orec, _ := rec.(OfficeRecords)
	for _, l := range logs {
		b, err := l.jsonl()
		if err != nil {
			return err
		}
		if err := bw.Add(l.dir()+l.ID+".jsonl", int64(len(b)), bytes.NewReader(b)); err != nil {
			return err
		}
		if orec != nil {
			if err := l.records(ctx, orec, made); err != nil {
				return err
			}
		}
	}
	return nil
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// collectSHAs adds the value of every "sha256" field of an event's data
// (a document's, a signed record's version) to into.
func collectSHAs(data []byte, into map[string]bool) {
	var ev struct {
		Data any `json:"data"`
	}
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				if s, ok := vv.(string); ok && k == "sha256" && hex64.MatchString(s) {
					into[s] = true
				}
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(ev.Data)
}

// Report is what Verify found.
type Report struct {
	Summary Summary
	// Audit is the meeting's log's (zero in a committee's archive).
	Audit   audit.Report
	PDFs    int
	Records []string
	// Office is each office log's (office.go), in meeting.json's order.
	Office []audit.LogReport
}

// Verify checks an archive file without a server. An error says why it
// does not verify.
func Verify(ctx context.Context, r io.ReadSeeker) (Report, error) {
	rep, _, err := verify(ctx, r)
	return rep, err
}

// verify is Verify, also giving the archive's log and boxes.
func verify(ctx context.Context, r io.ReadSeeker) (Report, *archived, error) {
	var rep Report
	m, err := backup.Verify(r)
	if err != nil {
		return rep, nil, err
	}
	if m.Kind != backup.KindArchive {
		return rep, nil, fmt.Errorf("archive: a %s backup, not a meeting's archive", m.Kind)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return rep, nil, err
	}
	a := &archived{boxes: map[string]storage.Tally{}, pdfs: map[string]bool{}, office: memLogs{}}
	hasLog := false
	err = backup.Each(r, func(name string, _ int64, src io.Reader) error {
		switch {
		case name == entryMeeting:
			return json.NewDecoder(src).Decode(&rep.Summary)
		case name == entryLog:
			hasLog = true
			a.log, err = readLines(src, "log")
			return err
		case strings.HasPrefix(name, dirConsultations), strings.HasPrefix(name, dirConclusions):
			key, ok := strings.CutSuffix(name, ".jsonl")
			if !ok {
				return fmt.Errorf("archive: unknown entry %q", name)
			}
			recs, err := readLines(src, name)
			if err != nil {
				return err
			}
			a.office[key] = recs
		case strings.HasPrefix(name, dirBoxes):
			var t storage.Tally
			if err := json.NewDecoder(src).Decode(&t); err != nil {
				return fmt.Errorf("archive: %s: %w", name, err)
			}
			a.boxes[strings.TrimSuffix(strings.TrimPrefix(name, dirBoxes), ".json")] = t
		case strings.HasPrefix(name, dirPDFs):
			// The container checked the digest of the bytes against the
			// manifest; the name must be that digest too.
			sha := strings.TrimSuffix(strings.TrimPrefix(name, dirPDFs), ".pdf")
			for _, e := range m.Entries {
				if e.Name == name && e.SHA256 != sha {
					return fmt.Errorf("archive: %s does not hold the PDF its name says", name)
				}
			}
			a.pdfs[sha] = true
		case strings.HasPrefix(name, dirRecords):
			rep.Records = append(rep.Records, strings.TrimPrefix(name, dirRecords))
		default:
			return fmt.Errorf("archive: unknown entry %q", name)
		}
		return nil
	})
	if err != nil {
		return rep, nil, err
	}
	switch {
	case rep.Summary.Meeting == "" && rep.Summary.Committee == "":
		return rep, nil, errors.New("archive: meeting.json names no meeting and no committee")
	case rep.Summary.Meeting == "" && (hasLog || rep.Summary.Events != 0):
		return rep, nil, errors.New("archive: a committee's archive with a meeting's log")
	case rep.Summary.Meeting != "" && !hasLog:
		return rep, nil, fmt.Errorf("archive: the log of meeting %s is missing", rep.Summary.Meeting)
	}
	shas := map[string]bool{}
	if rep.Summary.Meeting != "" {
		rep.Audit, err = audit.Verify(ctx, a, rep.Summary.Meeting)
		if err != nil {
			return rep, nil, err
		}
		if !rep.Audit.OK() {
			return rep, nil, fmt.Errorf("archive: the record does not verify: %v", rep.Audit.Problem)
		}
		if rep.Audit.Records != rep.Summary.Events || rep.Audit.LastHash != rep.Summary.LastHash {
			return rep, nil, fmt.Errorf("archive: the log ends at event %d (%s), meeting.json says %d (%s)",
				rep.Audit.Records, rep.Audit.LastHash, rep.Summary.Events, rep.Summary.LastHash)
		}
		for _, rec := range a.log {
			collectSHAs(rec.Data, shas)
		}
	}
	if rep.Office, err = verifyOffice(ctx, rep.Summary, a.office, shas); err != nil {
		return rep, nil, err
	}
	for sha := range shas {
		if !a.pdfs[sha] {
			return rep, nil, fmt.Errorf("archive: the log names the PDF %s, which the archive does not hold", sha)
		}
	}
	rep.PDFs = len(a.pdfs)
	return rep, a, nil
}

// archived is an archive's log and boxes as audit.Verify reads them.
type archived struct {
	log    []storage.Record
	boxes  map[string]storage.Tally
	pdfs   map[string]bool
	office memLogs
}

func (a *archived) Read(_ context.Context, _ string, from uint64, max int) ([]storage.Record, error) {
	if from == 0 {
		from = 1
	}
	if from > uint64(len(a.log)) {
		return nil, nil
	}
	out := a.log[from-1:]
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out, nil
}

func (a *archived) Tally(_ context.Context, _, poll string) (storage.Tally, error) {
	t, ok := a.boxes[poll]
	if !ok {
		return storage.Tally{}, fmt.Errorf("archive: no box %s: %w", poll, storage.ErrNotFound)
	}
	return t, nil
}
