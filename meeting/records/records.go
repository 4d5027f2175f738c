// Package records is the use case of a meeting's signed records (issue
// 12): the minutes, the agenda packet and an election's counting minutes,
// issued for signing and signed by one signer after another with PAdES
// signatures (package meeting/pdf/sign).
//
// A record is first issued: its PDF is made (by the documents use case),
// stored in blob storage by its SHA-256 and frozen in the meeting's log
// (meeting.IssueRecord). Then each signer signs that version:
//   - on the server, with the certificate configured on the node
//     (Config.Signer; a certificate file or a PKCS#11 token), by Sign;
//   - on their own computer, with their own token (dais sign): they
//     download the current version (Issue), sign it and send it back
//     (Upload), which is accepted only when it is the current version with
//     exactly one more valid signature appended.
//
// Each signature replaces the current version in the log (meeting.SignRecord,
// naming who signed and with which certificate); the PDFs stay in blob
// storage. Who may issue, sign, download and see the signatures: the chair
// and the secretaries (every record), the counting committee (the
// counting minutes) — meeting.State.CanSignRecord.
//
// A *Records is safe for concurrent use: two signers racing on the same
// version are told apart by the log's optimistic append (the second gets
// a Conflict; Sign retries it once on the new version).
package records

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
)

// Producer makes the records' PDFs; *documents.Documents is one.
type Producer interface {
	Minutes(ctx context.Context, sess access.Session, w io.Writer, lang string) error
	Packet(ctx context.Context, sess access.Session, req ...documents.Request) (*documents.File, error)
	ElectionMinutes(ctx context.Context, sess access.Session, election string, w io.Writer, lang string) error
}

var _ Producer = (*documents.Documents)(nil)

// Meetings runs commands and reads states; *service.Service is one.
type Meetings interface {
	Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
	State(ctx context.Context, meetingID string) (*meeting.State, error)
}

var _ Meetings = (*service.Service)(nil)

// Config of a Records value. Zero values mean what is said beside them.
type Config struct {
	// Signer is the node's own signing key and certificate; nil: the
	// server signs nothing (signers use dais sign).
	Signer *sign.Signer
	// TSA time-stamps the server's signatures (B-T); nil: B-B.
	TSA sign.Timestamper
	// Roots are the trust anchors signatures are checked against; nil:
	// no chain is checked (signatures are reported untrusted). With roots,
	// an uploaded signature must chain to one of them.
	Roots *x509.CertPool
	// MaxBytes bounds an uploaded signed record (0: 64 MiB).
	MaxBytes int64
	// Location is where signing times are written (nil: UTC+7).
	Location *time.Location
}

// Records is the use case. Make it with New.
type Records struct {
	cfg      Config
	meetings Meetings
	blobs    storage.Blobs
	producer Producer
	log      *slog.Logger
}

// New returns a Records value. A nil log means slog.Default().
func New(cfg Config, meetings Meetings, blobs storage.Blobs, producer Producer, log *slog.Logger) (*Records, error) {
	if meetings == nil || blobs == nil || producer == nil {
		return nil, errors.New("records: meetings, blobs and producer are required")
	}
	log = cfg.defaults(log)
	return &Records{cfg: cfg, meetings: meetings, blobs: blobs, producer: producer, log: log}, nil
}

// CanSignOnServer reports whether the node has a signing certificate.
func (r *Records) CanSignOnServer() bool { return r.cfg.Signer != nil }

// Report is what a record's signatures are, for the web client and the
// command line.
type Report struct {
	Record string `json:"record"`
	// Issued says the record was issued for signing; the rest is empty
	// when not.
	Issued bool   `json:"issued"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	// Signatures are the current version's, as the verifier reads them
	// from the PDF (oldest first).
	Signatures []sign.Signature `json:"signatures"`
	// Log is who signed, as the meeting's log has it (same order).
	Log []meeting.RecordSignature `json:"log"`
	// ServerSigner is the common name of the node's certificate, when the
	// server can sign.
	ServerSigner string `json:"server_signer,omitempty"`
}

// check returns the meeting's state after checking that the session's
// participant may handle the record key.
func (r *Records) check(ctx context.Context, sess access.Session, key string) (*meeting.State, *meeting.Participant, error) {
	kind, election, _, err := meeting.ParseRecord(key)
	if err != nil {
		return nil, nil, err
	}
	st, err := r.meetings.State(ctx, sess.Meeting)
	if err != nil {
		return nil, nil, err
	}
	if !st.Exists() {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Không có hội nghị %q.", "no meeting %q", sess.Meeting)
	}
	p := st.Participant(sess.Participant)
	if p == nil {
		return nil, nil, meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập không còn thuộc hội nghị này; xin đăng nhập lại.",
			"the session no longer belongs to this meeting; sign in again")
	}
	if !st.CanSignRecord(p.ID, key) {
		return nil, nil, meeting.Errorf(meeting.Forbidden,
			"Chỉ chủ tọa, thư ký (và ban kiểm phiếu, với biên bản kiểm phiếu) mới được ký và xem chữ ký của biên bản.",
			"only the chair and the secretaries (and the counting committee, for the counting minutes) may sign a record and see its signatures")
	}
	if kind == "counting" && st.Elections[election] == nil {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Không có cuộc bầu cử %q", "no election %q", election)
	}
	return st, p, nil
}

// produce makes the record's PDF now.
func (r *Records) produce(ctx context.Context, sess access.Session, key string) ([]byte, error) {
	kind, election, lang, _ := meeting.ParseRecord(key)
	var b bytes.Buffer
	switch kind {
	case "minutes":
		if err := r.producer.Minutes(ctx, sess, &b, lang); err != nil {
			return nil, err
		}
	case "counting":
		if err := r.producer.ElectionMinutes(ctx, sess, election, &b, lang); err != nil {
			return nil, err
		}
	case "packet":
		f, err := r.producer.Packet(ctx, sess)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if _, err := io.Copy(&b, f); err != nil {
			return nil, fmt.Errorf("records: reading the packet: %w", err)
		}
	}
	return b.Bytes(), nil
}

// Issue returns the current version of the record to sign, issuing it
// first when it has none, or when fresh (which drops the signatures of
// the version before: they stay in the log).
func (r *Records) Issue(ctx context.Context, sess access.Session, key string, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	st, _, err := r.check(ctx, sess, key)
	if err != nil {
		return nil, nil, err
	}
	if cur := st.Records[key]; cur != nil && !fresh {
		b, err := r.read(ctx, cur.SHA256)
		return b, cur, err
	}
	pdf, err := r.produce(ctx, sess, key)
	if err != nil {
		return nil, nil, err
	}
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(pdf))
	if err != nil {
		return nil, nil, fmt.Errorf("records: storing the record: %w", err)
	}
	if _, err := r.meetings.Execute(ctx, sess.Meeting, meeting.Actor{Participant: sess.Participant},
		meeting.IssueRecord{Record: key, SHA256: info.SHA256, Size: info.Size}); err != nil {
		return nil, nil, err
	}
	return pdf, &meeting.SignedRecord{Record: key, SHA256: info.SHA256, Size: info.Size, IssuedBy: sess.Participant}, nil
}

// Current returns the current version of an issued record (NotFound when
// it was not issued).
func (r *Records) Current(ctx context.Context, sess access.Session, key string) ([]byte, *meeting.SignedRecord, error) {
	st, _, err := r.check(ctx, sess, key)
	if err != nil {
		return nil, nil, err
	}
	cur := st.Records[key]
	if cur == nil {
		return nil, nil, meeting.Errorf(meeting.NotFound, "Biên bản %s chưa được chốt để ký.", "the record %s has not been issued for signing", key)
	}
	b, err := r.read(ctx, cur.SHA256)
	return b, cur, err
}

func (r *Records) read(ctx context.Context, sha string) ([]byte, error) {
	return readBlob(ctx, r.blobs, sha)
}

// Sign signs the record's current version (issued now if it has none, or
// again when fresh) with the node's certificate on behalf of the session's
// participant, and returns the record's report.
func (r *Records) Sign(ctx context.Context, sess access.Session, key string, fresh bool) (*Report, error) {
	if r.cfg.Signer == nil {
		return nil, errNoServerSigner()
	}
	for attempt := 0; ; attempt++ {
		pdf, cur, err := r.Issue(ctx, sess, key, fresh && attempt == 0)
		if err != nil {
			return nil, err
		}
		st, p, err := r.check(ctx, sess, key)
		if err != nil {
			return nil, err
		}
		role := map[meeting.Role]string{meeting.RoleChair: "Chủ tọa", meeting.RoleSecretary: "Thư ký"}[p.Role]
		if role == "" {
			role = "Thành viên ban kiểm phiếu"
		}
		signed, signer, level, err := serverSign(ctx, r.cfg, pdf, fmt.Sprintf("%s %s ký %s", role, p.Name, recordName(key)), st.Place)
		if err != nil {
			return nil, err
		}
		err = r.record(ctx, sess, key, cur.SHA256, signed, signer, level, "server")
		if meeting.ErrorCode(err) == meeting.Conflict && attempt == 0 {
			continue // someone signed meanwhile: sign the new version
		}
		if err != nil {
			return nil, err
		}
		return r.Report(ctx, sess, key)
	}
}

// Upload takes a signed record back from dais sign: it must be the
// current version (byte for byte) with exactly one more signature, valid,
// covering the whole file and, when the node has trust roots, trusted.
func (r *Records) Upload(ctx context.Context, sess access.Session, key string, body io.Reader) (*Report, error) {
	pdf, cur, err := r.Current(ctx, sess, key)
	if err != nil {
		return nil, err
	}
	signed, s, level, err := checkUpload(r.cfg, pdf, body)
	if err != nil {
		return nil, err
	}
	if err := r.record(ctx, sess, key, cur.SHA256, signed, s.Signer, level, "token"); err != nil {
		return nil, err
	}
	return r.Report(ctx, sess, key)
}

// checkUpload reads a signed upload of the current version pdf and checks
// it: the current version byte for byte with exactly one more signature,
// valid, covering the whole file and, when cfg has trust roots, trusted.
// It returns the upload, the new signature and its level (B-B or B-T).
func checkUpload(cfg Config, pdf []byte, body io.Reader) ([]byte, sign.Signature, string, error) {
	signed, err := io.ReadAll(io.LimitReader(body, cfg.MaxBytes+1))
	if err != nil {
		return nil, sign.Signature{}, "", fmt.Errorf("records: reading the upload: %w", err)
	}
	if int64(len(signed)) > cfg.MaxBytes {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Tệp tải lên quá lớn.", "the upload is too large")
	}
	if len(signed)-len(pdf) > maxAppended {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Phần được thêm vào tệp quá lớn cho một chữ ký (tối đa %d KB).",
			"what the upload appends is too large for a signature (at most %d KB)", maxAppended>>10)
	}
	if len(signed) <= len(pdf) || !bytes.Equal(signed[:len(pdf)], pdf) {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Conflict,
			"Tệp đã ký không phải là bản hiện tại của biên bản (có thể người khác vừa ký): hãy tải bản mới nhất và ký lại.",
			"the signed file is not the record's current version with a signature appended (someone may have signed meanwhile): download the current version and sign it")
	}
	sigs, err := sign.Verify(signed, cfg.Roots)
	if err != nil {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Không đọc được tệp đã ký: %v", "the signed file cannot be read: %v", err)
	}
	var added []sign.Signature
	for _, s := range sigs {
		if !s.Valid || !s.Unchanged {
			return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Chữ ký của %s không hợp lệ: %s", "the signature of %s is not valid: %s", s.Signer, s.Error+s.Changes)
		}
		if s.Revision > len(pdf) {
			added = append(added, s)
		}
	}
	if len(added) != 1 || !added[0].WholeDocument {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Tệp tải lên phải có đúng một chữ ký mới, bao trùm cả tệp (có %d).",
			"the upload must add exactly one signature covering the whole file (it adds %d)", len(added))
	}
	s := added[0]
	if cfg.Roots != nil && !s.Trusted {
		return nil, sign.Signature{}, "", meeting.Errorf(meeting.Invalid, "Chứng thư số của %s không thuộc cơ quan chứng thực được tin cậy: %s",
			"the certificate of %s does not chain to a trusted authority: %s", s.Signer, s.TrustError)
	}
	level := s.Level
	if level != "B-T" {
		level = "B-B"
	}
	return signed, s, level, nil
}

// maxAppended bounds what an upload may add to the current version: a
// signature's update (its CMS with the chain and a time stamp, the field,
// the form, the catalog and a page) is tens of kilobytes. It keeps the
// verifier's PDF reading away from whatever else a hostile upload could
// append (the current version itself is the server's own PDF).
const maxAppended = 2 << 20

// record stores the signed PDF and appends SignRecord.
func (r *Records) record(ctx context.Context, sess access.Session, key, prev string, signed []byte, signer, level, where string) error {
	info, err := r.blobs.PutBlob(ctx, bytes.NewReader(signed))
	if err != nil {
		return fmt.Errorf("records: storing the signed record: %w", err)
	}
	_, err = r.meetings.Execute(ctx, sess.Meeting, meeting.Actor{Participant: sess.Participant}, meeting.SignRecord{
		Record: key, Prev: prev, SHA256: info.SHA256, Size: info.Size, Signer: signer, Level: level, Where: where,
	})
	if err == nil {
		r.log.Info("record signed", "meeting", sess.Meeting, "record", key, "participant", sess.Participant, "signer", signer, "level", level, "where", where)
	}
	return err
}

// Report returns the record's signatures: as verified from its current
// PDF, and as the log has them.
func (r *Records) Report(ctx context.Context, sess access.Session, key string) (*Report, error) {
	st, _, err := r.check(ctx, sess, key)
	if err != nil {
		return nil, err
	}
	return report(ctx, r.cfg, r.blobs, key, st.Records[key], "record")
}

// recordName is how a record is named in a signature's reason.
func recordName(key string) string {
	kind, election, _, _ := meeting.ParseRecord(key)
	switch kind {
	case "minutes":
		return "biên bản phiên họp"
	case "counting":
		return "biên bản kiểm phiếu " + election
	}
	return "bộ tài liệu phiên họp"
}
