package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
)

// The office's part of an archive (issue 13): the written consultations
// and the conclusions that belong to what is archived — a meeting's
// conclusions in its archive; a committee's consultations and conclusions
// in the committee's archive (WriteCommittee). Each keeps its log with its
// chain (consultations/<id>.jsonl, conclusions/<id>.jsonl, lines as
// log.jsonl's), its PDFs in Vietnamese and English made from the log
// (records/consultation-<id>-<lang>.pdf: the summary, Báo cáo tổng hợp ý
// kiến; records/conclusion-<id>-<lang>.pdf), and every document and task
// report attachment its log names under pdf/. meeting.json lists them
// (Summary.Office) with their last event and chain link.

// Entry folders of the office's logs.
const (
	dirConsultations = "consultations/"
	dirConclusions   = "conclusions/"
)

// OfficeSource reads the office's logs (storage.ConsultationLogs and
// storage.ConclusionLogs). A Source without them archives no office logs.
type OfficeSource interface {
	ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
	Consultations(ctx context.Context) ([]string, error)
	ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
	Conclusions(ctx context.Context) ([]string, error)
}

// OfficeRecords makes the office logs' PDFs (meeting/pdf's Engine). A
// Records without it archives the logs without their PDFs.
type OfficeRecords interface {
	// ConsultationSummary writes the summary of c, printing the log's last
	// event seq and chain link (hex; "" none).
	ConsultationSummary(ctx context.Context, dst io.Writer, c *office.Consultation, lang string, seq uint64, hash string) error
	Conclusion(ctx context.Context, dst io.Writer, c *office.Conclusion, lang string) error
}

// OfficeLog is one office log an archive holds (meeting.json's "office").
type OfficeLog struct {
	// Kind is "consultation" or "conclusion".
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Title     string `json:"title"`
	Committee string `json:"committee"`
	Meeting   string `json:"meeting,omitempty"`
	Status    string `json:"status"`
	// Numbered is a conclusion's number ("15-KL/TU").
	Numbered string `json:"numbered,omitempty"`
	Events   uint64 `json:"events"`
	LastHash string `json:"last_hash,omitempty"`
}

// officeLog is an office log read for an archive: its records, its fold.
type officeLog struct {
	OfficeLog
	recs         []storage.Record
	consultation *office.Consultation
	conclusion   *office.Conclusion
}

// readOffice reads every log of a kind and keeps those keep takes (given
// the fold of the log).
func readOffice(ctx context.Context, src OfficeSource, kind string, keep func(l *officeLog) bool) ([]*officeLog, error) {
	list, read := src.Consultations, src.ReadConsultation
	if kind == audit.KindConclusion {
		list, read = src.Conclusions, src.ReadConclusion
	}
	ids, err := list(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: listing the %ss: %w", kind, err)
	}
	var out []*officeLog
	for _, id := range ids {
		l := &officeLog{OfficeLog: OfficeLog{Kind: kind, ID: id}}
		for from := uint64(1); ; {
			recs, err := read(ctx, id, from, 1000)
			if err != nil {
				return nil, fmt.Errorf("archive: reading %s %s: %w", kind, id, err)
			}
			l.recs = append(l.recs, recs...)
			if len(recs) < 1000 {
				break
			}
			from += uint64(len(recs))
		}
		if err := l.fold(); err != nil {
			return nil, err
		}
		if keep(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// fold folds l's records into its state and fills its summary.
func (l *officeLog) fold() error {
	var apply func(office.Event) error
	if l.Kind == audit.KindConclusion {
		l.conclusion = &office.Conclusion{}
		apply = l.conclusion.Apply
	} else {
		l.consultation = &office.Consultation{}
		apply = l.consultation.Apply
	}
	for _, r := range l.recs {
		ev, err := office.DecodeRecord(r.Data, r.Seq)
		if err != nil {
			return fmt.Errorf("archive: %s %s: %w", l.Kind, l.ID, err)
		}
		if err := apply(ev); err != nil {
			return fmt.Errorf("archive: %s %s: event %d: %w", l.Kind, l.ID, r.Seq, err)
		}
		l.Events = r.Seq
		if len(r.Hash) > 0 {
			l.LastHash = hex.EncodeToString(r.Hash)
		}
	}
	if c := l.conclusion; c != nil {
		l.Title, l.Committee, l.Meeting, l.Status, l.Numbered = c.Title, c.Committee, c.Meeting, string(c.Status), c.Numbered
	}
	if c := l.consultation; c != nil {
		l.Title, l.Committee, l.Status = c.Title, c.Committee, string(c.Status)
	}
	return nil
}

// dir is the folder of l's kind.
func (l *officeLog) dir() string {
	if l.Kind == audit.KindConclusion {
		return dirConclusions
	}
	return dirConsultations
}

// jsonl is l's log in log.jsonl's form.
func (l *officeLog) jsonl() ([]byte, error) {
	var b bytes.Buffer
	for _, r := range l.recs {
		line, err := json.Marshal(logLine{Seq: r.Seq, Data: r.Data, Prev: hex.EncodeToString(r.Prev), Hash: hex.EncodeToString(r.Hash)})
		if err != nil {
			return nil, err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// records writes l's PDFs with rec through made.
func (l *officeLog) records(ctx context.Context, rec OfficeRecords, made func(name string, write func(io.Writer) error) error) error {
	for _, lang := range []string{"vi", "en"} {
		var err error
		if l.consultation != nil {
			err = made(fmt.Sprintf("consultation-%s-%s.pdf", l.ID, lang), func(w io.Writer) error {
				return rec.ConsultationSummary(ctx, w, l.consultation, lang, l.Events, l.LastHash)
			})
		} else {
			err = made(fmt.Sprintf("conclusion-%s-%s.pdf", l.ID, lang), func(w io.Writer) error {
				return rec.Conclusion(ctx, w, l.conclusion, lang)
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readLines reads a log in log.jsonl's form.
func readLines(src io.Reader, what string) ([]storage.Record, error) {
	var out []storage.Record
	sc := bufio.NewScanner(src)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("archive: %s: %w", what, err)
		}
		rec := storage.Record{Seq: l.Seq, Data: l.Data}
		var err error
		if rec.Prev, err = hex.DecodeString(l.Prev); err != nil {
			return nil, fmt.Errorf("archive: %s: event %d: %w", what, l.Seq, err)
		}
		if rec.Hash, err = hex.DecodeString(l.Hash); err != nil {
			return nil, fmt.Errorf("archive: %s: event %d: %w", what, l.Seq, err)
		}
		if len(rec.Hash) == 0 {
			rec.Hash, rec.Prev = nil, nil
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// memLogs is an archive's office logs as audit reads them.
type memLogs map[string][]storage.Record

func page(log []storage.Record, from uint64, max int) []storage.Record {
	if from == 0 {
		from = 1
	}
	if from > uint64(len(log)) {
		return nil
	}
	out := log[from-1:]
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out
}

func (m memLogs) ReadConsultation(_ context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return page(m[dirConsultations+id], from, max), nil
}

func (m memLogs) ReadConclusion(_ context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return page(m[dirConclusions+id], from, max), nil
}

// verifyOffice checks the archive's office logs against meeting.json: each
// listed log is there and verifies (audit), ends where the list says,
// belongs to the archive's meeting or committee; no log is unlisted; no
// number is given twice among the conclusions; every PDF a log names is
// held. It adds the SHA-256 the logs name to shas.
func verifyOffice(ctx context.Context, sum Summary, logs memLogs, shas map[string]bool) ([]audit.LogReport, error) {
	var reps []audit.LogReport
	listed := map[string]bool{}
	for _, ol := range sum.Office {
		var (
			rep audit.LogReport
			err error
			key string
		)
		switch ol.Kind {
		case audit.KindConsultation:
			key = dirConsultations + ol.ID
			rep, err = audit.VerifyConsultation(ctx, logs, ol.ID)
		case audit.KindConclusion:
			key = dirConclusions + ol.ID
			rep, err = audit.VerifyConclusion(ctx, logs, ol.ID)
		default:
			return nil, fmt.Errorf("archive: meeting.json lists an office log of kind %q", ol.Kind)
		}
		if err != nil {
			return nil, err
		}
		if listed[key] {
			return nil, fmt.Errorf("archive: meeting.json lists %s %s twice", ol.Kind, ol.ID)
		}
		listed[key] = true
		if _, ok := logs[key]; !ok {
			return nil, fmt.Errorf("archive: meeting.json lists %s %s, whose log the archive does not hold", ol.Kind, ol.ID)
		}
		if !rep.OK() {
			return nil, fmt.Errorf("archive: %s %s does not verify: %v", ol.Kind, ol.ID, rep.Problem)
		}
		if rep.Records != ol.Events || rep.LastHash != ol.LastHash {
			return nil, fmt.Errorf("archive: the log of %s %s ends at event %d (%s), meeting.json says %d (%s)",
				ol.Kind, ol.ID, rep.Records, rep.LastHash, ol.Events, ol.LastHash)
		}
		// What the log says it belongs to, not what meeting.json says.
		l := &officeLog{OfficeLog: OfficeLog{Kind: ol.Kind, ID: ol.ID}, recs: logs[key]}
		if err := l.fold(); err != nil {
			return nil, err
		}
		switch {
		case sum.Meeting != "" && l.Meeting != sum.Meeting:
			return nil, fmt.Errorf("archive: %s %s belongs to meeting %q, not to the archive's %q", ol.Kind, ol.ID, l.Meeting, sum.Meeting)
		case sum.Meeting == "" && l.Committee != sum.Committee:
			return nil, fmt.Errorf("archive: %s %s belongs to committee %q, not to the archive's %q", ol.Kind, ol.ID, l.Committee, sum.Committee)
		}
		for _, r := range logs[key] {
			collectSHAs(r.Data, shas)
		}
		reps = append(reps, rep)
	}
	for key := range logs {
		if !listed[key] {
			return nil, fmt.Errorf("archive: %s.jsonl is not listed in meeting.json", strings.TrimSuffix(key, "/"))
		}
	}
	probs, err := audit.CheckNumbers(ctx, reps, nil, "")
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("archive: %s", strings.Join(probs, "; "))
	}
	return reps, nil
}
