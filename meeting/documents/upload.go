package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

// maxIDTries bounds the search for a free document id when the same bytes
// are uploaded under several titles.
const maxIDTries = 20

// Upload receives a PDF from a secretary and registers it in the session's
// meeting: the body is streamed to a temporary file and refused beyond
// MaxBytes, validated by the engine (its refusals come back as they are),
// stored in blob storage by content (the same bytes are stored once) and
// added with AddDocument. The id is "d" and the first 10 hex digits of the
// content's sha256 (with "-2", "-3", … when the same bytes were uploaded
// under another title or other readers); uploading the same bytes with the
// same title and readers again returns the document already registered.
// An empty title takes the PDF's own title. Nothing is stored when any step
// refuses the upload.
//
// A PDF holding active content (JavaScript, embedded files, XFA) is
// refused when the meeting's ActiveContent is "refuse"; otherwise it is
// rewritten without it (Engine.Sanitize), the cleaned file validated
// again, and that file — its hash, size and pages — is what is stored and
// registered, with Document.Removed saying what was taken out. Nobody can
// download the original.
func (d *Documents) Upload(ctx context.Context, sess access.Session, r io.Reader, title string, confidential bool, readers []string) (meeting.Document, error) {
	return d.UploadSecret(ctx, sess, r, title, meeting.NotSecret, confidential, readers)
}

// UploadSecret is Upload with a secrecy level (meeting.Mat, ToiMat,
// TuyetMat; NotSecret for none): the document is registered with it, so
// that its first copy already follows the level's rules. A confidential
// document (reserved to its readers) is at least Mật.
func (d *Documents) UploadSecret(ctx context.Context, sess access.Session, r io.Reader, title string, level meeting.SecrecyLevel, confidential bool, readers []string) (meeting.Document, error) {
	if !level.Valid() {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid,
			"Độ mật không hợp lệ: %q (mat, toi_mat, tuyet_mat hoặc để trống).", "invalid secrecy level %q (mat, toi_mat, tuyet_mat or empty)", level)
	}
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return meeting.Document{}, err
	}
	if p.Role != meeting.RoleSecretary {
		return meeting.Document{}, meeting.Errorf(meeting.Forbidden,
			"Chỉ thư ký mới được tải tài liệu lên.", "only a secretary may upload documents")
	}
	title = strings.Join(strings.Fields(title), " ")
	if !confidential && len(readers) > 0 {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid,
			"Chỉ tài liệu mật mới có danh sách người đọc.", "only a confidential document has a list of readers")
	}
	readers = cleanReaders(readers)
	for _, r := range readers {
		if st.Participant(r) == nil {
			return meeting.Document{}, meeting.Errorf(meeting.NotFound,
				"Không có đại biểu %q trong hội nghị này.", "no participant %q in this meeting", r)
		}
	}

	tmp, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), "upload-*.pdf")
	if err != nil {
		return meeting.Document{}, unavailable(err, "Không thể nhận tệp", "cannot receive the file")
	}
	defer func(f *os.File) {
		f.Close()
		os.Remove(f.Name())
	}(tmp)
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, d.cfg.MaxBytes+1))
	if err != nil {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid,
			"Không nhận được trọn vẹn tệp tải lên: %v", "the upload could not be received in full: %v", err)
	}
	if n > d.cfg.MaxBytes {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid,
			"Tệp tải lên quá lớn: giới hạn là %.1f MB.", "the upload is too large: the limit is %.1f MB",
			float64(d.cfg.MaxBytes)/(1<<20))
	}
	if n == 0 {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid, "Tệp tải lên rỗng.", "the upload is empty")
	}
	sum := hex.EncodeToString(h.Sum(nil))

	info, err := d.engine.Validate(ctx, tmp)
	if err != nil {
		return meeting.Document{}, err
	}
	var removed []string
	if info.Active != 0 {
		if st.ActiveContent == meeting.ActiveContentRefuse {
			return meeting.Document{}, pdf.ActiveRefused(info.Active)
		}
		clean, cleanSum, cleanInfo, found, err := d.sanitize(ctx, tmp)
		if err != nil {
			return meeting.Document{}, err
		}
		defer func(f *os.File) {
			f.Close()
			os.Remove(f.Name())
		}(clean)
		tmp, sum, info, removed = clean, cleanSum, cleanInfo, pdf.Kinds(found)
		if n, err = tmp.Seek(0, io.SeekEnd); err != nil {
			return meeting.Document{}, unavailable(err, "Không thể đọc lại tệp tải lên", "cannot reread the upload")
		}
	}
	if title == "" {
		title = strings.Join(strings.Fields(info.Title), " ")
	}
	if title == "" {
		return meeting.Document{}, meeting.Errorf(meeting.Invalid,
			"Tài liệu cần có tiêu đề.", "the document needs a title")
	}
	want := meeting.Document{Title: title, Pages: info.Pages, SHA256: sum, Size: n, Confidential: confidential, Readers: readers, Level: level, Removed: removed}

	// Already registered under the same title and readers: nothing to do.
	id, existing := chooseID(st, want)
	if existing != nil {
		return *existing, nil
	}

	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return meeting.Document{}, unavailable(err, "Không thể đọc lại tệp tải lên", "cannot reread the upload")
	}
	blob, err := d.blobs.PutBlob(ctx, tmp)
	if err != nil {
		return meeting.Document{}, unavailable(err, "Không thể lưu tệp", "cannot store the file")
	}
	if blob.SHA256 != sum || blob.Size != n {
		return meeting.Document{}, meeting.Errorf(meeting.Internal,
			"Tệp lưu trữ không khớp với tệp đã nhận.", "the stored blob (%s, %d bytes) does not match the upload (%s, %d bytes)",
			blob.SHA256, blob.Size, sum, n)
	}

	actor := meeting.Actor{Participant: sess.Participant}
	for try := 0; try < maxIDTries; try++ {
		want.ID = id
		_, err := d.meetings.Execute(ctx, sess.Meeting, actor, meeting.AddDocument{Document: want})
		if err == nil {
			return want, nil
		}
		if meeting.ErrorCode(err) != meeting.Conflict {
			return meeting.Document{}, err
		}
		// Another upload may have taken the id: look again.
		if st, err = d.meetings.State(ctx, sess.Meeting); err != nil {
			return meeting.Document{}, err
		}
		if id, existing = chooseID(st, want); existing != nil {
			return *existing, nil
		}
		if want.ID == id {
			// The id is free, so the conflict was about something else.
			return meeting.Document{}, err
		}
	}
	return meeting.Document{}, meeting.Errorf(meeting.Conflict,
		"Tài liệu này đã được tải lên quá nhiều lần.", "this document was uploaded too many times")
}

// sanitize writes the upload in tmp without its active content to a new
// temporary file and validates that: it returns the file, its sha256, its
// Info and what was removed. The caller removes the file.
func (d *Documents) sanitize(ctx context.Context, tmp *os.File) (*os.File, string, pdf.Info, prescan.Active, error) {
	clean, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), "clean-*.pdf")
	if err != nil {
		return nil, "", pdf.Info{}, 0, unavailable(err, "Không thể nhận tệp", "cannot receive the file")
	}
	fail := func(err error) (*os.File, string, pdf.Info, prescan.Active, error) {
		clean.Close()
		os.Remove(clean.Name())
		return nil, "", pdf.Info{}, 0, err
	}
	h := sha256.New()
	found, err := d.engine.Sanitize(ctx, tmp, io.MultiWriter(clean, h))
	if err != nil {
		return fail(err)
	}
	info, err := d.engine.Validate(ctx, clean)
	if err != nil {
		return fail(err)
	}
	if info.Active != 0 {
		return fail(meeting.Errorf(meeting.Internal,
			"Tệp đã làm sạch vẫn còn nội dung chủ động.", "the cleaned file still holds active content (%v)", pdf.Kinds(info.Active)))
	}
	return clean, hex.EncodeToString(h.Sum(nil)), info, found, nil
}

// chooseID returns the id for want in st: the document already registered
// with the same content, title and readers (existing), or the first free id.
func chooseID(st *meeting.State, want meeting.Document) (id string, existing *meeting.Document) {
	base := "d" + want.SHA256[:10]
	for i := 1; i <= maxIDTries; i++ {
		id = base
		if i > 1 {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		doc := st.Documents[id]
		if doc == nil {
			return id, nil
		}
		if doc.SHA256 == want.SHA256 && doc.Title == want.Title && doc.Confidential == want.Confidential && doc.Level == want.Level &&
			slices.Equal(doc.Readers, want.Readers) {
			c := *doc
			c.Readers = slices.Clone(doc.Readers)
			return id, &c
		}
	}
	return id, nil
}

// cleanReaders trims, drops empty entries and duplicates, keeping order.
func cleanReaders(readers []string) []string {
	var out []string
	for _, r := range readers {
		r = strings.TrimSpace(r)
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
