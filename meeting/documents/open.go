package documents

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/storage"
)

// readable returns the meeting's state, the session's participant and the
// document docID, or the refusal when the participant may not read it.
func (d *Documents) readable(ctx context.Context, sess access.Session, docID string) (*meeting.State, *meeting.Participant, *meeting.Document, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, nil, nil, err
	}
	doc, err := document(st, docID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !st.CanRead(p.ID, doc.ID) {
		// The title is not repeated: it may itself be confidential.
		e := meeting.Errorf(meeting.Forbidden,
			"Đây là tài liệu mật, chỉ dành cho những người được chỉ định, chủ tọa và thư ký; bạn không có trong danh sách người đọc.",
			"this document is confidential: only its assigned readers, the chair and the secretaries may read it, and you are not one of them")
		e.Reason = meeting.ReasonNotReader
		return nil, nil, nil, e
	}
	return st, p, doc, nil
}

// Request says how a copy is asked for: from which tablet (its device id,
// "" when it named none) and for what (meeting.CopyView, CopyOffline,
// CopyDownload; "" is CopyView). The copy register records both.
type Request struct {
	Device string
	Kind   string
}

// request returns the one Request of a variadic argument (none: the zero
// Request), its Kind defaulted.
func request(req []Request) Request {
	var r Request
	if len(req) > 0 {
		r = req[0]
	}
	if r.Kind == "" {
		r.Kind = meeting.CopyView
	}
	return r
}

// Open returns the document docID as the session's participant may read
// it: a public document is the stored blob (its ETag is the sha256); a
// secret one (meeting.Document.Secrecy) is the reader's watermarked copy,
// made on the first request and kept in the cache, served only as the
// level's rules allow (meeting.State.MayCopy: not after the take-back, a
// download or an offline copy only where the level allows…) and recorded
// in the copy register (RecordCopy) the first time this device gets it.
// req (at most one) names the device and the kind of copy. A participant
// who may not read it gets a Forbidden error that says why.
func (d *Documents) Open(ctx context.Context, sess access.Session, docID string, req ...Request) (*File, error) {
	st, p, doc, err := d.secretReadable(ctx, sess, docID)
	if err != nil {
		return nil, err
	}
	name := doc.Title + ".pdf"
	if !doc.Secrecy().Secret() {
		return d.openBlob(ctx, doc.SHA256, name)
	}
	if err := d.register(ctx, st, doc, p, request(req)); err != nil {
		return nil, err
	}
	return d.openCopy(ctx, st, doc, p, name)
}

// secretReadable is readable, except that a document of a presented-only
// level (Tuyệt mật) is left to register's rules: a participant who is not
// its reader may open it while it is presented.
func (d *Documents) secretReadable(ctx context.Context, sess access.Session, docID string) (*meeting.State, *meeting.Participant, *meeting.Document, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, nil, nil, err
	}
	doc, err := document(st, docID)
	if err != nil {
		return nil, nil, nil, err
	}
	if lv := doc.Secrecy(); lv.Secret() && st.Rules(lv).PresentedOnly {
		return st, p, doc, nil
	}
	return d.readable(ctx, sess, docID)
}

// register checks that reader p may get a copy of the secret document doc
// as req asks, and records it in the copy register unless this device
// already has this copy (range requests and reloads add nothing).
func (d *Documents) register(ctx context.Context, st *meeting.State, doc *meeting.Document, p *meeting.Participant, req Request) error {
	if err := st.MayCopy(p.ID, doc.ID, req.Kind); err != nil {
		return err
	}
	text := d.watermarkText(st, doc, p)
	mark := shortHash(text)
	if st.HasCopy(p.ID, req.Device, doc.ID, mark) {
		return nil
	}
	_, err := d.meetings.Execute(ctx, st.ID, meeting.Actor{Participant: p.ID}, meeting.RecordCopy{
		Device: req.Device, Document: doc.ID, Kind: req.Kind, Watermark: mark, WatermarkText: text})
	return err
}

// openBlob opens a stored blob as a File.
func (d *Documents) openBlob(ctx context.Context, sha, name string) (*File, error) {
	rc, _, err := d.blobs.OpenBlob(ctx, sha)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, meeting.Errorf(meeting.NotFound,
			"Không tìm thấy nội dung của tài liệu trong kho lưu trữ.", "the document's content is missing from storage")
	}
	if err != nil {
		return nil, unavailable(err, "Không thể mở tài liệu", "cannot open the document")
	}
	f := &File{ReadSeekCloser: rc, Name: name, ETag: sha}
	if s, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := s.Stat(); err == nil {
			f.ModTime = fi.ModTime()
		}
	}
	return f, nil
}

// openCopy opens reader p's watermarked copy of doc, making it first if it
// is not in the cache yet.
func (d *Documents) openCopy(ctx context.Context, st *meeting.State, doc *meeting.Document, p *meeting.Participant, name string) (*File, error) {
	path, etag, err := d.ensureCopy(ctx, st, doc, p)
	if err != nil {
		return nil, err
	}
	f, err := openFile(path, name, etag)
	if err != nil {
		return nil, unavailable(err, "Không thể mở bản sao của tài liệu", "cannot open the copy of the document")
	}
	return f, nil
}

// ensureCopy makes sure reader p's watermarked copy of doc is in the cache
// and returns its path and ETag. Concurrent calls for the same copy make it
// once; the copy is made under the Documents' lifecycle context, so a caller
// that gives up does not fail the others waiting for the same copy.
func (d *Documents) ensureCopy(ctx context.Context, st *meeting.State, doc *meeting.Document, p *meeting.Participant) (path, etag string, err error) {
	text := d.watermarkText(st, doc, p)
	mark := shortHash(text)
	path = filepath.Join(d.dir, "copies", doc.SHA256, fileName(p.ID)+"."+mark+".pdf")
	etag = d.readerETag(st, doc, p)
	if _, err := os.Stat(path); err == nil {
		return path, etag, nil
	}
	err = d.flights.do(ctx, path, func() error {
		if _, err := os.Stat(path); err == nil {
			return nil // made by a call that just finished
		}
		return d.makeCopy(d.ctx, doc.SHA256, path, text)
	})
	if err != nil {
		if ctx.Err() != nil {
			return "", "", meeting.Errorf(meeting.Unavailable, "Yêu cầu đã bị hủy.", "the request was cancelled")
		}
		return "", "", err
	}
	return path, etag, nil
}

// readerETag is the ETag of what Open gives reader p of doc: the sha256 of
// a public document, the blob and the watermark of a confidential copy.
func (d *Documents) readerETag(st *meeting.State, doc *meeting.Document, p *meeting.Participant) string {
	if !doc.Secrecy().Secret() {
		return doc.SHA256
	}
	return doc.SHA256[:16] + "." + shortHash(d.watermarkText(st, doc, p))
}

// makeCopy writes the blob sha stamped with text to path.
func (d *Documents) makeCopy(ctx context.Context, sha, path, text string) error {
	src, _, err := d.blobs.OpenBlob(ctx, sha)
	if errors.Is(err, storage.ErrNotFound) {
		return meeting.Errorf(meeting.NotFound,
			"Không tìm thấy nội dung của tài liệu trong kho lưu trữ.", "the document's content is missing from storage")
	}
	if err != nil {
		return unavailable(err, "Không thể mở tài liệu", "cannot open the document")
	}
	defer src.Close()
	start := time.Now()
	err = writeAtomically(path, func(w io.Writer) error {
		return d.engine.Watermark(ctx, src, w, text)
	})
	if err != nil {
		return unavailable(err, "Không thể tạo bản sao có dấu chìm", "cannot make the watermarked copy")
	}
	d.log.Debug("watermarked copy made", "path", path, "took", time.Since(start))
	return nil
}

// roleWords names each role in a watermark.
var roleWords = map[meeting.Role]string{
	meeting.RoleSecretary: "Thư ký",
	meeting.RoleChair:     "Chủ tọa",
	meeting.RoleDelegate:  "Đại biểu",
	meeting.RoleObserver:  "Khách mời",
}

// watermarkText is the stamp of p's copies of doc, e.g. "TÀI LIỆU MẬT —
// Đại biểu Nguyễn Thị Hương — Ghế A03 — 03/12/2026": the level (every page
// of every copy carries it), then the reader, unless the level's rules
// turned the per-reader watermark off (then the level alone, with the
// date). A document without a level (the packet's stamp) is stamped
// "TÀI LIỆU MẬT" as before.
func (d *Documents) watermarkText(st *meeting.State, doc *meeting.Document, p *meeting.Participant) string {
	level := meeting.Mat
	if doc != nil && doc.Secrecy().Secret() {
		level = doc.Secrecy()
	}
	parts := []string{"TÀI LIỆU " + level.Stamp()}
	if !st.Rules(level).Watermark {
		if !st.StartsAt.IsZero() {
			parts = append(parts, st.StartsAt.In(d.cfg.Location).Format("02/01/2006"))
		}
		return strings.Join(parts, " — ")
	}
	who := strings.TrimSpace(roleWords[p.Role] + " " + p.Name)
	if who == "" {
		who = p.ID
	}
	parts = append(parts, who)
	if seat := strings.TrimSpace(p.Seat); seat != "" {
		parts = append(parts, "Ghế "+seat)
	}
	if !st.StartsAt.IsZero() {
		parts = append(parts, st.StartsAt.In(d.cfg.Location).Format("02/01/2006"))
	}
	return strings.Join(parts, " — ")
}
