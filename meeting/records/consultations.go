package records

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/storage"
)

// A closed consultation's summary PDF (Báo cáo tổng hợp ý kiến) as a
// signed record, as a conclusion's PDF is (conclusions.go): once the
// consultation is closed and summed up, its summary ("summary/vi",
// "summary/en") is issued for signing — made once, with the log's chain
// link at that moment printed at its end — and signed by the node's
// certificate (Sign) or taken back signed by dais sign -consultation
// (Upload), the versions frozen in the consultation's own log
// (office.IssueConsultationRecord, office.SignConsultationRecord). Who
// may: the committee's chair and the office's secretaries
// (office.Consultation.MaySignRecord).

// ConsultationLogs runs consultation commands and reads consultations;
// *consultations.Service is one.
type ConsultationLogs interface {
	Get(ctx context.Context, id string) (*office.Consultation, error)
	Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error)
	// Chain is the log's last event and its chain link (hex).
	Chain(ctx context.Context, id string) (uint64, string, error)
}

// SummaryPDF makes a consultation's summary; *pdf.Engine is one.
type SummaryPDF interface {
	ConsultationSummary(ctx context.Context, dst io.Writer, c *office.Consultation, o pdf.SummaryOptions) error
}

// Consultations is the use case of consultations' signed summaries. Make
// it with NewConsultations.
type Consultations struct {
	officeRecords[*office.Consultation]
}

// NewConsultations returns the use case; cfg is a Records' (the node's
// signer, time stamps, trust roots).
func NewConsultations(cfg Config, logs ConsultationLogs, blobs storage.Blobs, pdfs SummaryPDF, log *slog.Logger) (*Consultations, error) {
	if logs == nil || blobs == nil || pdfs == nil {
		return nil, errors.New("records: consultations, blobs and the PDF engine are required")
	}
	log = cfg.defaults(log)
	loc := cfg.Location
	return &Consultations{officeRecords[*office.Consultation]{cfg: cfg, logs: logs, blobs: blobs, log: log, kind: officeKind[*office.Consultation]{
		parseKey: office.ParseConsultationRecordKey,
		records:  func(c *office.Consultation) map[string]*meeting.SignedRecord { return c.Records },
		maySign:  (*office.Consultation).MaySignRecord,
		archived: func(c *office.Consultation) bool { return c.Archived != nil },
		chair:    func(c *office.Consultation) string { return c.Chair },
		forbidden: func() error {
			return meeting.Errorf(meeting.Forbidden, "Chỉ người chủ trì của ban và thư ký mới ký và xem chữ ký của báo cáo tổng hợp ý kiến.",
				"only the committee's chair and the secretaries sign a consultation's summary and see its signatures")
		},
		errArchived: office.ErrConsultationArchived,
		ready: func(c *office.Consultation) error {
			if c.Status != office.StatusClosed || c.Result == nil {
				return meeting.Errorf(meeting.Conflict, "Đợt lấy ý kiến chưa kết thúc và tổng hợp; chưa ký được báo cáo", "the consultation is not closed and summed up yet: its summary cannot be signed")
			}
			return nil
		},
		// The summary is made once, with the log's chain link at that
		// moment printed at its end.
		make: func(ctx context.Context, dst io.Writer, id string, c *office.Consultation, lang string) error {
			seq, hash, err := logs.Chain(ctx, id)
			if err != nil {
				return err
			}
			return pdfs.ConsultationSummary(ctx, dst, c, pdf.SummaryOptions{Lang: lang, Loc: loc, Made: time.Now(), ChainSeq: seq, ChainHash: hash})
		},
		issueCmd: func(key string, info storage.BlobInfo) office.Command {
			return office.IssueConsultationRecord{Record: key, SHA256: info.SHA256, Size: info.Size}
		},
		signCmd: func(key, prev string, info storage.BlobInfo, signer, level, where string) office.Command {
			return office.SignConsultationRecord{
				Record: key, Prev: prev, SHA256: info.SHA256, Size: info.Size, Signer: signer, Level: level, Where: where,
			}
		},
		reason: func(who string, c *office.Consultation) string {
			return fmt.Sprintf("%s ký Báo cáo tổng hợp ý kiến: %s", who, c.Title)
		},
		storing: "the summary",
		signed:  "consultation summary signed",
		subject: "consultation",
	}}}, nil
}

// CanSignOnServer reports whether the node has a certificate to sign with.
func (r *Consultations) CanSignOnServer() bool { return r.cfg.Signer != nil }
