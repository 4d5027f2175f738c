package pdf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

const opValidate = "validate"

// Info describes a PDF that passed validation.
type Info struct {
	// Pages is the number of pages (at least 1).
	Pages int
	// Size is the file's size in bytes.
	Size int64
	// Version is the PDF version of the header, e.g. "1.7".
	Version string
	// Title is the document's own title from its metadata, if any.
	Title string
	// Active is the active content the file holds (JavaScript, embedded
	// files, XFA), to remove (Sanitize) or refuse.
	Active prescan.Active
}

// tailWindow is how far from the end of the file %%EOF and startxref are
// looked for.
const tailWindow = 2048

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF`)
	xrefAtRE    = regexp.MustCompile(`^\s*(xref|\d+\s+\d+\s+obj)`)
)

// Validate reads the PDF in r and refuses, with an Invalid *meeting.Error
// whose messages say why in Vietnamese and English (and a *Refusal cause
// naming the check), a file that is larger than MaxBytes, not a PDF,
// truncated, corrupt, encrypted, without pages or with more than MaxPages,
// hostile (nested too deep, a stream or all of them inflating beyond the
// limits, too many objects, abnormal filters, images or page sizes: see
// prescan and checkPageBoxes), or that takes longer than Timeout to check.
// It reads r from its start and never keeps it. Info.Active says what
// active content the file holds; Validate does not refuse it.
func (e *Engine) Validate(ctx context.Context, r io.ReadSeeker) (Info, error) {
	b, err := e.readAll(r)
	if err != nil {
		return Info{}, err
	}
	if err := checkFrame(b); err != nil {
		return Info{}, err
	}
	var info Info
	sctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	err = e.do(ctx, opValidate, opInput, func() error {
		var err error
		info, err = e.validate(sctx, b)
		return err
	})
	if err != nil {
		return Info{}, err
	}
	return info, nil
}

// checkFrame checks what pdfcpu would silently repair: the header, and the
// end of the file (startxref pointing at a cross-reference section, then
// %%EOF), so that an upload cut short is refused.
func checkFrame(b []byte) error {
	head := b[:min(len(b), 1024)]
	if !bytes.Contains(head, []byte("%PDF-")) {
		return meeting.Errorf(meeting.Invalid,
			"Tệp tải lên không phải là tài liệu PDF.",
			"the file is not a PDF document")
	}
	tail := b[max(0, len(b)-tailWindow):]
	m := startxrefRE.FindAllSubmatchIndex(tail, -1)
	if m == nil {
		return truncated()
	}
	last := m[len(m)-1]
	off, err := strconv.ParseInt(string(tail[last[2]:last[3]]), 10, 64)
	if err != nil || off <= 0 || off >= int64(len(b)) {
		return truncated()
	}
	if !xrefAtRE.Match(b[off:min(int64(len(b)), off+64)]) {
		return truncated()
	}
	return nil
}

func truncated() error {
	return meeting.Errorf(meeting.Invalid,
		"Tệp PDF bị cắt cụt hoặc chưa được tải lên đầy đủ; vui lòng tải lên lại.",
		"the PDF is truncated or was not uploaded completely; upload it again")
}

// ErrPasswordProtected is the cause (errors.Is) of Validate's refusal of an
// encrypted PDF: one that needs a password to open, one that opens without
// a password but carries an owner password restricting changes, and one
// protected by a security handler pdfcpu does not know. See
// docs/security.md ("Password-protected PDFs") for why all three are
// refused.
var ErrPasswordProtected = errors.New("pdf: password-protected")

// passwordProtected is the refusal of an encrypted PDF; opens says whether
// it opens without a password (only an owner password is set).
func passwordProtected(opens bool) error {
	if opens {
		return meeting.Errorf(meeting.Invalid,
			"Tài liệu PDF được bảo vệ bằng mật khẩu chủ sở hữu (mở xem được nhưng bị hạn chế quyền chỉnh sửa); "+
				"hệ thống cần đóng dấu bản sao cho từng người đọc nên không nhận tệp này. Hãy gỡ bảo vệ rồi tải lên lại.",
			"the PDF is password-protected with an owner password (it opens without one, but changes are restricted); "+
				"Dais stamps a copy for each reader, so it cannot take this file. Remove the protection and upload it again").
			WithCause(&Refusal{Reason: ReasonEncrypted, Err: ErrPasswordProtected})
	}
	return meeting.Errorf(meeting.Invalid,
		"Tài liệu PDF được bảo vệ bằng mật khẩu (cần mật khẩu để mở); hãy gỡ mật khẩu rồi tải lên lại.",
		"the PDF is password-protected (it needs a password to open); remove the password and upload it again").
		WithCause(&Refusal{Reason: ReasonEncrypted, Err: ErrPasswordProtected})
}

// mentionsEncrypt says whether b names an /Encrypt dictionary in a trailer
// or cross-reference stream: an encrypted file pdfcpu could not read (an
// unknown security handler) is refused as protected rather than damaged.
func mentionsEncrypt(b []byte) bool {
	return encryptRE.Match(b)
}

var encryptRE = regexp.MustCompile(`/Encrypt\s*\d+\s+\d+\s+R`)

func corrupt(cause error) error {
	return withReason(refuse(cause,
		"Tệp PDF bị hỏng, không đọc được.",
		"the PDF is damaged and cannot be read"), ReasonDamaged, cause)
}

// validate does Validate's work inside e.do: the pre-scan, then pdfcpu.
func (e *Engine) validate(ctx context.Context, b []byte) (Info, error) {
	rep, err := prescan.Scan(ctx, b, e.scanLimits())
	if err != nil {
		return Info{}, e.hostile(err)
	}
	conf := e.newConf()
	conf.Optimize = false
	conf.Cmd = model.VALIDATE
	pctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted) {
			return Info{}, passwordProtected(false)
		}
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return Info{}, e.bomb()
		}
		if mentionsEncrypt(b) {
			return Info{}, passwordProtected(false)
		}
		return Info{}, corrupt(err)
	}
	if pctx == nil || pctx.XRefTable == nil {
		return Info{}, corrupt(errors.New("no cross-reference table"))
	}
	xt := pctx.XRefTable
	if xt.Encrypt != nil || pctx.E != nil {
		// pdfcpu opened it with the empty user password: only an owner
		// password is set.
		return Info{}, passwordProtected(true)
	}
	// The pre-scan decoded every stream within its budget; Flate data
	// that does not decode is damage.
	if rep.Damaged != nil {
		return Info{}, corrupt(rep.Damaged)
	}
	if err := api.ValidateContext(pctx); err != nil {
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return Info{}, e.bomb()
		}
		return Info{}, corrupt(err)
	}
	n := xt.PageCount
	if n < 1 {
		return Info{}, withReason(meeting.Errorf(meeting.Invalid, "Tệp PDF không có trang nào.", "the PDF has no pages"), ReasonPages, nil)
	}
	if n > e.cfg.MaxPages {
		return Info{}, withReason(meeting.Errorf(meeting.Invalid,
			"Tệp PDF có %d trang, vượt quá giới hạn %d trang.",
			"the PDF has %d pages, more than the limit of %d", n, e.cfg.MaxPages), ReasonPages, nil)
	}
	if err := checkPageBoxes(xt, n); err != nil {
		return Info{}, err
	}
	info := Info{Pages: n, Size: int64(len(b)), Title: nfc(xt.Title), Active: rep.Active}
	if xt.HeaderVersion != nil {
		info.Version = xt.HeaderVersion.String()
	}
	return info, nil
}

func (e *Engine) bomb() error {
	return withReason(meeting.Errorf(meeting.Invalid,
		"Tệp PDF chứa luồng dữ liệu giải nén vượt quá %d MB; tệp có thể độc hại và bị từ chối.",
		"the PDF holds a stream that inflates beyond %d MB; the file may be hostile and is refused", e.cfg.MaxStreamBytes>>20), ReasonBomb, nil)
}
