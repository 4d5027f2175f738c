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
	"github.com/dais-meeting/dais/meeting/pdf/sign"
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
	cfg   Config
	logs  ConclusionLogs
	blobs storage.Blobs
	pdfs  ConclusionPDF
	log   *slog.Logger
}

// NewConclusions returns the use case; cfg is a Records' (the node's
// signer, time stamps, trust roots).
func NewConclusions(cfg Config, logs ConclusionLogs, blobs storage.Blobs, pdfs ConclusionPDF, log *slog.Logger) (*Conclusions, error) {
	if logs == nil || blobs == nil || pdfs == nil {
		return nil, errors.New("records: conclusions, blobs and the PDF engine are required")
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
	return &Conclusions{cfg: cfg, logs: logs, blobs: blobs, pdfs: pdfs, log: log}, nil
}

// check reads the conclusion and checks actor may sign its record key.
// With write, a conclusion imported from an archive is refused (read
// only: nothing is stored for it).
func (r *Conclusions) check(ctx context.Context, actor office.Actor, id, key string, write ...bool) (*office.Conclusion, string, error) {
	lang, err := office.ParseRecordKey(key)
	if err != nil {
		return nil, "", err
	}
	c, err := r.logs.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if !c.MaySignRecord(actor) {
		return nil, "", meeting.Errorf(meeting.Forbidden, "Chỉ người chủ trì của ban và thư ký mới ký và xem chữ ký của văn bản kết luận.",
			"only the committee's chair and the secretaries sign a conclusion and see its signatures")
	}
	if c.Archived != nil && len(write) > 0 && write[0] {
		return nil, "", office.ErrConclusionArchived()
	}
	return c, lang, nil
}

// Issue returns the current version of the conclusion's PDF to sign,
// issuing it first when it has none, or when fresh (the signatures of the
// version before stay in the log). A conclusion not yet approved and
// numbered is refused (Conflict).
func (r *Conclusions) Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	c, lang, err := r.check(ctx, actor, id, key)
	if err != nil {
		return nil, nil, err
	}
	if cur := c.Records[key]; cur != nil && !fresh {
		b, err := readBlob(ctx, r.blobs, cur.SHA256)
		return b, cur, err
	}
	if c.Archived != nil {
		return nil, nil, office.ErrConclusionArchived()
	}
	if c.Status != office.StatusApproved && c.Status != office.StatusPublished {
		return nil, nil, meeting.Errorf(meeting.Conflict, "Kết luận chưa được duyệt và cấp số; chưa ký được", "the conclusion is not approved and numbered yet: it cannot be signed")
	}
	var b bytes.Buffer
	if err := r.pdfs.Conclusion(ctx, &b, c, lang, r.cfg.Location); err != nil {
		return nil, nil, err
	}
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(b.Bytes()))
	if err != nil {
		return nil, nil, fmt.Errorf("records: storing the conclusion's PDF: %w", err)
	}
	if _, err := r.logs.Execute(ctx, id, actor, office.IssueConclusionRecord{Record: key, SHA256: info.SHA256, Size: info.Size}); err != nil {
		return nil, nil, err
	}
	c, err = r.logs.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), c.Records[key], nil
}

// Current returns the current version of an issued PDF (NotFound when it
// was not issued).
func (r *Conclusions) Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error) {
	c, _, err := r.check(ctx, actor, id, key)
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

// Sign signs the current version (issued now if it has none, or again when
// fresh) with the node's certificate on behalf of actor.
func (r *Conclusions) Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*Report, error) {
	if r.cfg.Signer == nil {
		return nil, meeting.Errorf(meeting.Conflict,
			"Máy chủ chưa được cấu hình chứng thư số để ký; hãy ký bằng thiết bị ký số của mình (dais sign).",
			"this server has no signing certificate configured: sign with your own token (dais sign)")
	}
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		pdf, cur, err := r.Issue(ctx, actor, id, key, fresh && attempt == 0)
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
		signed, err := sign.Sign(ctx, pdf, *r.cfg.Signer, sign.Options{
			Reason: fmt.Sprintf("%s ký %s", who, c.Heading()),
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

// Upload takes a signed PDF back from dais sign, on the rules of a
// meeting's record (Records.Upload): the current version byte for byte
// with exactly one more valid signature covering the whole file (and
// trusted, when the node has trust roots).
func (r *Conclusions) Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*Report, error) {
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	pdf, cur, err := r.Current(ctx, actor, id, key)
	if err != nil {
		return nil, err
	}
	signed, s, level, err := checkUpload(r.cfg, pdf, body)
	if err != nil {
		return nil, err
	}
	if err := r.record(ctx, actor, id, key, cur.SHA256, signed, s.Signer, level, "token"); err != nil {
		return nil, err
	}
	return r.Report(ctx, actor, id, key)
}

// record stores the signed PDF and appends SignConclusionRecord.
func (r *Conclusions) record(ctx context.Context, actor office.Actor, id, key, prev string, signed []byte, signer, level, where string) error {
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(signed))
	if err != nil {
		return fmt.Errorf("records: storing the signed PDF: %w", err)
	}
	_, err = r.logs.Execute(ctx, id, actor, office.SignConclusionRecord{
		Record: key, Prev: prev, SHA256: info.SHA256, Size: info.Size, Signer: signer, Level: level, Where: where,
	})
	if err == nil {
		r.log.Info("conclusion signed", "conclusion", id, "record", key, "signer", signer, "level", level, "where", where)
	}
	return err
}

// Report returns the PDF's signatures: as verified from its current
// version, and as the conclusion's log has them.
func (r *Conclusions) Report(ctx context.Context, actor office.Actor, id, key string) (*Report, error) {
	c, _, err := r.check(ctx, actor, id, key)
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
	pdf, err := readBlob(ctx, r.blobs, cur.SHA256)
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(pdf); hex.EncodeToString(got[:]) != cur.SHA256 {
		return nil, fmt.Errorf("records: the stored PDF %s does not match its hash", cur.SHA256)
	}
	sigs, err := sign.Verify(pdf, r.cfg.Roots)
	if err != nil {
		return nil, fmt.Errorf("records: verifying %s: %w", key, err)
	}
	rep.Signatures = append(rep.Signatures, sigs...)
	return rep, nil
}

func readBlob(ctx context.Context, blobs storage.Blobs, sha string) ([]byte, error) {
	rc, _, err := blobs.OpenBlob(ctx, sha)
	if err != nil {
		return nil, fmt.Errorf("records: reading the record %s: %w", sha, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
