package records

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
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
	cfg   Config
	logs  ConsultationLogs
	blobs storage.Blobs
	pdfs  SummaryPDF
	log   *slog.Logger
}

// NewConsultations returns the use case; cfg is a Records' (the node's
// signer, time stamps, trust roots).
func NewConsultations(cfg Config, logs ConsultationLogs, blobs storage.Blobs, pdfs SummaryPDF, log *slog.Logger) (*Consultations, error) {
	if logs == nil || blobs == nil || pdfs == nil {
		return nil, errors.New("records: consultations, blobs and the PDF engine are required")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Consultations{cfg: cfg, logs: logs, blobs: blobs, pdfs: pdfs, log: log}, nil
}

// CanSignOnServer reports whether the node has a certificate to sign with.
func (r *Consultations) CanSignOnServer() bool { return r.cfg.Signer != nil }

// check reads the consultation and checks actor may sign its record key;
// with write, one imported from an archive is refused (read only).
func (r *Consultations) check(ctx context.Context, actor office.Actor, id, key string, write bool) (*office.Consultation, string, error) {
	lang, err := office.ParseConsultationRecordKey(key)
	if err != nil {
		return nil, "", err
	}
	c, err := r.logs.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if !c.MaySignRecord(actor) {
		return nil, "", meeting.Errorf(meeting.Forbidden, "Chỉ người chủ trì của ban và thư ký mới ký và xem chữ ký của báo cáo tổng hợp ý kiến.",
			"only the committee's chair and the secretaries sign a consultation's summary and see its signatures")
	}
	if write && c.Archived != nil {
		return nil, "", office.ErrConsultationArchived()
	}
	return c, lang, nil
}

// Issue returns the current version of the summary to sign, issuing it
// first when it has none, or when fresh (the signatures of the version
// before stay in the log). A consultation not yet closed is refused
// (Conflict).
func (r *Consultations) Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	c, lang, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, nil, err
	}
	if cur := c.Records[key]; cur != nil && !fresh {
		b, err := readBlob(ctx, r.blobs, cur.SHA256)
		return b, cur, err
	}
	if c.Archived != nil {
		return nil, nil, office.ErrConsultationArchived()
	}
	if c.Status != office.StatusClosed || c.Result == nil {
		return nil, nil, meeting.Errorf(meeting.Conflict, "Đợt lấy ý kiến chưa kết thúc và tổng hợp; chưa ký được báo cáo", "the consultation is not closed and summed up yet: its summary cannot be signed")
	}
	seq, hash, err := r.logs.Chain(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := r.pdfs.ConsultationSummary(ctx, &b, c, pdf.SummaryOptions{Lang: lang, Loc: r.cfg.Location, Made: time.Now(), ChainSeq: seq, ChainHash: hash}); err != nil {
		return nil, nil, err
	}
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(b.Bytes()))
	if err != nil {
		return nil, nil, fmt.Errorf("records: storing the summary: %w", err)
	}
	if _, err := r.logs.Execute(ctx, id, actor, office.IssueConsultationRecord{Record: key, SHA256: info.SHA256, Size: info.Size}); err != nil {
		return nil, nil, err
	}
	c, err = r.logs.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), c.Records[key], nil
}

// Current returns the current version of an issued summary (NotFound
// when it was not issued).
func (r *Consultations) Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error) {
	c, _, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, nil, err
	}
	cur := c.Records[key]
	if cur == nil {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Văn bản %s chưa được chốt để ký.", "the record %s has not been issued for signing", key)
	}
	b, err := readBlob(ctx, r.blobs, cur.SHA256)
	return b, cur, err
}

// Sign signs the current version (issued now if it has none, or again
// when fresh) with the node's certificate on behalf of actor.
func (r *Consultations) Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*Report, error) {
	if r.cfg.Signer == nil {
		return nil, meeting.Errorf(meeting.Conflict,
			"Máy chủ chưa được cấu hình chứng thư số để ký; hãy ký bằng thiết bị ký số của mình (dais sign).",
			"this server has no signing certificate configured: sign with your own token (dais sign)")
	}
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		pdfBytes, cur, err := r.Issue(ctx, actor, id, key, fresh && attempt == 0)
		if err != nil {
			return nil, err
		}
		c, err := r.logs.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		who := "Thư ký"
		if actor.Person != "" && actor.Person == c.Chair {
			who = "Người chủ trì"
		}
		signed, err := sign.Sign(ctx, pdfBytes, *r.cfg.Signer, sign.Options{
			Reason: fmt.Sprintf("%s ký Báo cáo tổng hợp ý kiến: %s", who, c.Title),
			Time:   time.Now().In(r.cfg.Location),
			TSA:    r.cfg.TSA,
		})
		if err != nil {
			return nil, fmt.Errorf("records: signing: %w", err)
		}
		level := "B-B"
		if r.cfg.TSA != nil {
			level = "B-T"
		}
		err = r.record(ctx, actor, id, key, cur.SHA256, signed, r.cfg.Signer.Chain[0].Subject.CommonName, level, "server")
		if meeting.ErrorCode(err) == meeting.Conflict && attempt == 0 {
			continue // someone signed meanwhile: sign the new version
		}
		if err != nil {
			return nil, err
		}
		return r.Report(ctx, actor, id, key)
	}
}

// Upload takes a signed summary back from dais sign -consultation, on the
// rules of a meeting's record (Records.Upload).
func (r *Consultations) Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*Report, error) {
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	pdfBytes, cur, err := r.Current(ctx, actor, id, key)
	if err != nil {
		return nil, err
	}
	signed, s, level, err := checkUpload(r.cfg, pdfBytes, body)
	if err != nil {
		return nil, err
	}
	if err := r.record(ctx, actor, id, key, cur.SHA256, signed, s.Signer, level, "token"); err != nil {
		return nil, err
	}
	return r.Report(ctx, actor, id, key)
}

// record stores the signed PDF and appends SignConsultationRecord.
func (r *Consultations) record(ctx context.Context, actor office.Actor, id, key, prev string, signed []byte, signer, level, where string) error {
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(signed))
	if err != nil {
		return fmt.Errorf("records: storing the signed PDF: %w", err)
	}
	_, err = r.logs.Execute(ctx, id, actor, office.SignConsultationRecord{
		Record: key, Prev: prev, SHA256: info.SHA256, Size: info.Size, Signer: signer, Level: level, Where: where,
	})
	if err == nil {
		r.log.Info("consultation summary signed", "consultation", id, "record", key, "signer", signer, "level", level, "where", where)
	}
	return err
}

// Report returns the summary's signatures: as verified from its current
// version, and as the consultation's log has them.
func (r *Consultations) Report(ctx context.Context, actor office.Actor, id, key string) (*Report, error) {
	c, _, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, err
	}
	rep := &Report{Record: key, Signatures: []sign.Signature{}, Log: []meeting.RecordSignature{}}
	if r.cfg.Signer != nil {
		rep.ServerSigner = r.cfg.Signer.Chain[0].Subject.CommonName
	}
	cur := c.Records[key]
	if cur == nil {
		return rep, nil
	}
	rep.Issued, rep.SHA256, rep.Size = true, cur.SHA256, cur.Size
	rep.Log = append(rep.Log, cur.Signatures...)
	b, err := readBlob(ctx, r.blobs, cur.SHA256)
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != cur.SHA256 {
		return nil, fmt.Errorf("records: the stored PDF %s does not match its hash", cur.SHA256)
	}
	sigs, err := sign.Verify(b, r.cfg.Roots)
	if err != nil {
		return nil, fmt.Errorf("records: verifying %s: %w", key, err)
	}
	rep.Signatures = append(rep.Signatures, sigs...)
	return rep, nil
}
