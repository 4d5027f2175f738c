package records

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/storage"
)

// An office document's signed records (a conclusion's PDF, a
// consultation's summary) are issued, signed and reported by one path,
// officeRecords; officeKind holds what differs between the documents.

// officeLogs runs an office document's commands and reads it;
// ConclusionLogs and ConsultationLogs are ones.
type officeLogs[D any] interface {
	Get(ctx context.Context, id string) (D, error)
	Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error)
}

// officeKind is what differs between the office documents that are signed
// records.
type officeKind[D any] struct {
	// parseKey checks a record key and returns its language.
	parseKey func(key string) (string, error)
	// records, maySign, archived and chair read a document.
	records  func(D) map[string]*meeting.SignedRecord
	maySign  func(D, office.Actor) bool
	archived func(D) bool
	chair    func(D) string
	// forbidden is the error to whoever may not sign; errArchived the
	// error on writing to a document imported from an archive.
	forbidden   func() error
	errArchived func() error
	// ready refuses (Conflict) a document that cannot be signed yet.
	ready func(D) error
	// make writes document id's PDF in lang to dst.
	make func(ctx context.Context, dst io.Writer, id string, d D, lang string) error
	// issueCmd freezes a version; signCmd records a signed one.
	issueCmd func(key string, info storage.BlobInfo) office.Command
	signCmd  func(key, prev string, info storage.BlobInfo, signer, level, where string) office.Command
	// reason is a server signature's reason, who being the signer's role.
	reason func(who string, d D) string
	// storing names the PDF in Issue's storage error ("the conclusion's
	// PDF"); signed is the log message of a signature and subject its key
	// ("conclusion signed", "conclusion").
	storing, signed, subject string
}

// officeRecords is the use case of one kind of office document's signed
// records.
type officeRecords[D any] struct {
	cfg   Config
	logs  officeLogs[D]
	blobs storage.Blobs
	log   *slog.Logger
	kind  officeKind[D]
}

// check reads the document and checks actor may sign its record key.
// With write, a document imported from an archive is refused (read only:
// nothing is stored for it).
func (r *officeRecords[D]) check(ctx context.Context, actor office.Actor, id, key string, write bool) (D, string, error) {
	var zero D
	lang, err := r.kind.parseKey(key)
	if err != nil {
		return zero, "", err
	}
	d, err := r.logs.Get(ctx, id)
	if err != nil {
		return zero, "", err
	}
	if !r.kind.maySign(d, actor) {
		return zero, "", r.kind.forbidden()
	}
	if write && r.kind.archived(d) {
		return zero, "", r.kind.errArchived()
	}
	return d, lang, nil
}

// Issue returns the current version of the document's PDF to sign,
// issuing it first when it has none, or when fresh (the signatures of the
// version before stay in the log). A document not ready to be signed is
// refused (Conflict).
func (r *officeRecords[D]) Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	d, lang, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, nil, err
	}
	if cur := r.kind.records(d)[key]; cur != nil && !fresh {
		b, err := readBlob(ctx, r.blobs, cur.SHA256)
		return b, cur, err
	}
	if r.kind.archived(d) {
		return nil, nil, r.kind.errArchived()
	}
	if err := r.kind.ready(d); err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := r.kind.make(ctx, &b, id, d, lang); err != nil {
		return nil, nil, err
	}
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(b.Bytes()))
	if err != nil {
		return nil, nil, fmt.Errorf("records: storing %s: %w", r.kind.storing, err)
	}
	if _, err := r.logs.Execute(ctx, id, actor, r.kind.issueCmd(key, info)); err != nil {
		return nil, nil, err
	}
	d, err = r.logs.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), r.kind.records(d)[key], nil
}

// Current returns the current version of an issued PDF (NotFound when it
// was not issued).
func (r *officeRecords[D]) Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error) {
	d, _, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, nil, err
	}
	cur := r.kind.records(d)[key]
	if cur == nil {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Văn bản %s chưa được chốt để ký.", "the record %s has not been issued for signing", key)
	}
	b, err := readBlob(ctx, r.blobs, cur.SHA256)
	return b, cur, err
}

// Sign signs the current version (issued now if it has none, or again
// when fresh) with the node's certificate on behalf of actor.
func (r *officeRecords[D]) Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*Report, error) {
	if r.cfg.Signer == nil {
		return nil, errNoServerSigner()
	}
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		b, cur, err := r.Issue(ctx, actor, id, key, fresh && attempt == 0)
		if err != nil {
			return nil, err
		}
		d, err := r.logs.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		who := "Thư ký"
		if actor.Person != "" && actor.Person == r.kind.chair(d) {
			who = "Người chủ trì"
		}
		signed, signer, level, err := serverSign(ctx, r.cfg, b, r.kind.reason(who, d), "")
		if err != nil {
			return nil, err
		}
		err = r.record(ctx, actor, id, key, cur.SHA256, signed, signer, level, "server")
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
func (r *officeRecords[D]) Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*Report, error) {
	if _, _, err := r.check(ctx, actor, id, key, true); err != nil {
		return nil, err
	}
	b, cur, err := r.Current(ctx, actor, id, key)
	if err != nil {
		return nil, err
	}
	signed, s, level, err := checkUpload(r.cfg, b, body)
	if err != nil {
		return nil, err
	}
	if err := r.record(ctx, actor, id, key, cur.SHA256, signed, s.Signer, level, "token"); err != nil {
		return nil, err
	}
	return r.Report(ctx, actor, id, key)
}

// record stores the signed PDF and appends the kind's sign command.
func (r *officeRecords[D]) record(ctx context.Context, actor office.Actor, id, key, prev string, signed []byte, signer, level, where string) error {
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(signed))
	if err != nil {
		return fmt.Errorf("records: storing the signed PDF: %w", err)
	}
	_, err = r.logs.Execute(ctx, id, actor, r.kind.signCmd(key, prev, info, signer, level, where))
	if err == nil {
		r.log.Info(r.kind.signed, r.kind.subject, id, "record", key, "signer", signer, "level", level, "where", where)
	}
	return err
}

// Report returns the PDF's signatures: as verified from its current
// version, and as the document's log has them.
func (r *officeRecords[D]) Report(ctx context.Context, actor office.Actor, id, key string) (*Report, error) {
	d, _, err := r.check(ctx, actor, id, key, false)
	if err != nil {
		return nil, err
	}
	return report(ctx, r.cfg, r.blobs, key, r.kind.records(d)[key], "PDF")
}

// defaults fills cfg's zero values and returns log, or slog.Default()
// when nil.
func (cfg *Config) defaults(log *slog.Logger) *slog.Logger {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	if log == nil {
		log = slog.Default()
	}
	return log
}

// errNoServerSigner refuses a server signature on a node without a
// certificate.
func errNoServerSigner() error {
	return meeting.Errorf(meeting.Conflict,
		"Máy chủ chưa được cấu hình chứng thư số để ký; hãy ký bằng thiết bị ký số của mình (dais sign).",
		"this server has no signing certificate configured: sign with your own token (dais sign)")
}

// serverSign signs pdf with the node's certificate (cfg.Signer, which is
// set) and returns the signed PDF, the signer's name and the level.
func serverSign(ctx context.Context, cfg Config, pdf []byte, reason, location string) ([]byte, string, string, error) {
	signed, err := sign.Sign(ctx, pdf, *cfg.Signer, sign.Options{
		Reason:   reason,
		Location: location,
		Time:     time.Now().In(cfg.Location),
		TSA:      cfg.TSA,
	})
	if err != nil {
		return nil, "", "", fmt.Errorf("records: signing: %w", err)
	}
	level := "B-B"
	if cfg.TSA != nil {
		level = "B-T"
	}
	return signed, cfg.Signer.Chain[0].Subject.CommonName, level, nil
}

// report is a record's report from its current version cur (nil: not
// issued); what names the stored file in an error ("record", "PDF").
func report(ctx context.Context, cfg Config, blobs storage.Blobs, key string, cur *meeting.SignedRecord, what string) (*Report, error) {
	rep := &Report{Record: key, Signatures: []sign.Signature{}, Log: []meeting.RecordSignature{}}
	if cfg.Signer != nil {
		rep.ServerSigner = cfg.Signer.Chain[0].Subject.CommonName
	}
	if cur == nil {
		return rep, nil
	}
	rep.Issued, rep.SHA256, rep.Size = true, cur.SHA256, cur.Size
	rep.Log = append(rep.Log, cur.Signatures...)
	pdf, err := readBlob(ctx, blobs, cur.SHA256)
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(pdf); hex.EncodeToString(got[:]) != cur.SHA256 {
		return nil, fmt.Errorf("records: the stored %s %s does not match its hash", what, cur.SHA256)
	}
	sigs, err := sign.Verify(pdf, cfg.Roots)
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
