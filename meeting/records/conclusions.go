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
	"github.com/dais-meeting/dais/storage"
)

// A conclusion's or resolution's PDF as a signed record (issue 13): once
// approved and numbered, its PDF ("conclusion/vi", "conclusion/en") is
// issued for signing and signed as a meeting's minutes are — by the node's
// certificate (Sign) or taken back signed by dais sign (Upload) — with the
// versions frozen in the conclusion's own log (office.IssueConclusionRecord,
// office.SignConclusionRecord), chained like every office log. Who may:
// the committee's chair and the office's secretaries
// (office.Conclusion.MaySignRecord).

// ConclusionLogs runs conclusion commands and reads conclusions;
// *conclusions.Service is one.
type ConclusionLogs interface {
	Get(ctx context.Context, id string) (*office.Conclusion, error)
	Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error)
}

// ConclusionPDF makes a conclusion's PDF; *pdf.Engine is one.
type ConclusionPDF interface {
	Conclusion(ctx context.Context, dst io.Writer, c *office.Conclusion, lang string, loc *time.Location) error
}

// Conclusions is the use case of conclusions' signed PDFs. Make it with
// NewConclusions.
type Conclusions struct {
	officeRecords[*office.Conclusion]
}

// NewConclusions returns the use case; cfg is a Records' (the node's
// signer, time stamps, trust roots).
func NewConclusions(cfg Config, logs ConclusionLogs, blobs storage.Blobs, pdfs ConclusionPDF, log *slog.Logger) (*Conclusions, error) {
	if logs == nil || blobs == nil || pdfs == nil {
		return nil, errors.New("records: conclusions, blobs and the PDF engine are required")
	}
	log = cfg.defaults(log)
	loc := cfg.Location
	return &Conclusions{officeRecords[*office.Conclusion]{cfg: cfg, logs: logs, blobs: blobs, log: log, kind: officeKind[*office.Conclusion]{
		parseKey: office.ParseRecordKey,
		records:  func(c *office.Conclusion) map[string]*meeting.SignedRecord { return c.Records },
		maySign:  (*office.Conclusion).MaySignRecord,
		archived: func(c *office.Conclusion) bool { return c.Archived != nil },
		chair:    func(c *office.Conclusion) string { return c.Chair },
		forbidden: func() error {
			return meeting.Errorf(meeting.Forbidden, "Chỉ người chủ trì của ban và thư ký mới ký và xem chữ ký của văn bản kết luận.",
				"only the committee's chair and the secretaries sign a conclusion and see its signatures")
		},
		errArchived: office.ErrConclusionArchived,
		ready: func(c *office.Conclusion) error {
			if c.Status != office.StatusApproved && c.Status != office.StatusPublished {
				return meeting.Errorf(meeting.Conflict, "Kết luận chưa được duyệt và cấp số; chưa ký được", "the conclusion is not approved and numbered yet: it cannot be signed")
			}
			return nil
		},
		make: func(ctx context.Context, dst io.Writer, _ string, c *office.Conclusion, lang string) error {
			return pdfs.Conclusion(ctx, dst, c, lang, loc)
		},
		issueCmd: func(key string, info storage.BlobInfo) office.Command {
			return office.IssueConclusionRecord{Record: key, SHA256: info.SHA256, Size: info.Size}
		},
		signCmd: func(key, prev string, info storage.BlobInfo, signer, level, where string) office.Command {
			return office.SignConclusionRecord{
				Record: key, Prev: prev, SHA256: info.SHA256, Size: info.Size, Signer: signer, Level: level, Where: where,
			}
		},
		reason:  func(who string, c *office.Conclusion) string { return fmt.Sprintf("%s ký %s", who, c.Heading()) },
		storing: "the conclusion's PDF",
		signed:  "conclusion signed",
		subject: "conclusion",
	}}}, nil
}
