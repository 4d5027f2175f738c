package pdf

import (
	"errors"
	"fmt"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

// Refusal is the cause (errors.As) of an upload's refusal: which check the
// file failed. Reason is one of the Reason* values.
type Refusal struct {
	Reason string
	Err    error // the underlying cause, if any
}

func (r *Refusal) Error() string {
	if r.Err != nil {
		return "pdf: refused (" + r.Reason + "): " + r.Err.Error()
	}
	return "pdf: refused (" + r.Reason + ")"
}

func (r *Refusal) Unwrap() error { return r.Err }

// The reasons of a refusal (Refusal.Reason).
const (
	ReasonDepth     = string(prescan.ReasonDepth)   // nesting too deep
	ReasonBomb      = string(prescan.ReasonBomb)    // streams inflate too far
	ReasonObjects   = string(prescan.ReasonObjects) // too many objects
	ReasonFilter    = string(prescan.ReasonFilter)  // filter chain or parameters
	ReasonImage     = string(prescan.ReasonImage)   // image declared too large
	ReasonTime      = string(prescan.ReasonTime)    // checking took too long
	ReasonPage      = "page"                        // a page of zero, negative or absurd size
	ReasonPages     = "pages"                       // no pages, or too many
	ReasonDamaged   = "damaged"                     // pdfcpu cannot read it
	ReasonEncrypted = "encrypted"                   // password-protected
	ReasonActive    = "active"                      // active content, and the meeting refuses it
)

// RefusalReason returns the reason of a refusal by Validate or Sanitize,
// or "" when err carries none.
func RefusalReason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

// withReason attaches the reason to a refusal.
func withReason(e *meeting.Error, reason string, cause error) *meeting.Error {
	return e.WithCause(&Refusal{Reason: reason, Err: cause})
}

// scanLimits are the pre-scan's limits for this engine.
func (e *Engine) scanLimits() prescan.Limits {
	l := e.cfg.Limits
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = e.cfg.MaxStreamBytes
	}
	return l
}

// hostile turns a pre-scan refusal into the upload's answer.
func (e *Engine) hostile(err error) error {
	var pe *prescan.Error
	if !errors.As(err, &pe) {
		return corrupt(err)
	}
	l := e.scanLimits()
	def := prescan.DefaultLimits()
	pick := func(v, d int64) int64 {
		if v > 0 {
			return v
		}
		return d
	}
	var me *meeting.Error
	switch pe.Reason {
	case prescan.ReasonDepth:
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF có mảng hoặc từ điển lồng nhau quá sâu (hơn %d tầng); tệp có thể độc hại và bị từ chối.",
			"the PDF nests arrays or dictionaries more than %d deep; the file may be hostile and is refused",
			pick(int64(l.MaxDepth), int64(def.MaxDepth)))
	case prescan.ReasonBomb:
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF chứa luồng dữ liệu giải nén vượt quá %d MB; tệp có thể độc hại và bị từ chối.",
			"the PDF holds a stream that inflates beyond %d MB; the file may be hostile and is refused",
			pe.Limit>>20)
	case prescan.ReasonObjects:
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF có hoặc khai báo quá nhiều đối tượng (giới hạn %d); tệp có thể độc hại và bị từ chối.",
			"the PDF has or declares too many objects (the limit is %d); the file may be hostile and is refused",
			pick(int64(l.MaxObjects), int64(def.MaxObjects)))
	case prescan.ReasonFilter:
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF dùng chuỗi bộ lọc nén hoặc tham số giải mã bất thường; tệp có thể độc hại và bị từ chối.",
			"the PDF uses an abnormal chain of compression filters or decoding parameters; the file may be hostile and is refused")
	case prescan.ReasonImage:
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF chứa hình ảnh khai báo quá lớn (hơn %d triệu điểm ảnh); tệp có thể độc hại và bị từ chối.",
			"the PDF holds an image declared larger than %d million pixels; the file may be hostile and is refused",
			pick(l.MaxImagePixels, def.MaxImagePixels)/1_000_000)
	default: // time
		me = meeting.Errorf(meeting.Invalid,
			"Tệp PDF quá phức tạp: việc kiểm tra vượt quá thời gian cho phép (%v).",
			"the PDF is too complex: checking it took longer than allowed (%v)", e.cfg.Timeout)
	}
	me.Message += " (" + pe.Detail + ")"
	return withReason(me, string(pe.Reason), pe)
}

// Page sizes accepted, in points (1/72 in) after /UserUnit: from 1 pt to
// 50 m a side. PDF's own implementation limit is 3 to 14,400 units.
const (
	minPageSide = 1.0
	maxPageSide = 14_400.0 * 10
)

// checkPageBoxes refuses a page whose MediaBox or CropBox (inherited
// through the page tree) has a side of zero, negative (corners given
// backwards), absurd or non-finite length.
func checkPageBoxes(xt *model.XRefTable, pages int) error {
	for i := 1; i <= pages; i++ {
		d, _, _, err := xt.PageDict(i, false)
		if err != nil || d == nil {
			return corrupt(fmt.Errorf("page %d: %v", i, err))
		}
		unit := 1.0
		if u, err := xt.DereferenceNumber(d["UserUnit"]); err == nil && d["UserUnit"] != nil {
			unit = u
		}
		for _, key := range []string{"MediaBox", "CropBox"} {
			a, found := inherited(xt, d, key)
			if !found {
				continue
			}
			w, h, ok := boxSides(xt, a)
			if !ok || !(w*unit >= minPageSide) || !(h*unit >= minPageSide) || w*unit > maxPageSide || h*unit > maxPageSide {
				return withReason(meeting.Errorf(meeting.Invalid,
					"Trang %d của tệp PDF có kích thước bất thường (%s %s); tệp có thể độc hại và bị từ chối.",
					"page %d of the PDF has an abnormal size (%s %s); the file may be hostile and is refused",
					i, key, boxText(w*unit, h*unit, ok)), ReasonPage, nil)
			}
		}
	}
	return nil
}

func boxText(w, h float64, ok bool) string {
	if !ok {
		return "unreadable"
	}
	return fmt.Sprintf("%g × %g pt", w, h)
}

// inherited returns the array under key in page dictionary d or the
// nearest ancestor that has it.
func inherited(xt *model.XRefTable, d types.Dict, key string) (types.Array, bool) {
	for range 64 {
		if o, ok := d[key]; ok {
			a, err := xt.DereferenceArray(o)
			return a, err == nil
		}
		p, err := xt.DereferenceDict(d["Parent"])
		if err != nil || p == nil {
			return nil, false
		}
		d = p
	}
	return nil, false
}

// boxSides returns the width and height of a rectangle [llx lly urx ury]
// as written (negative when its corners are given backwards).
func boxSides(xt *model.XRefTable, a types.Array) (w, h float64, ok bool) {
	if len(a) != 4 {
		return 0, 0, false
	}
	var v [4]float64
	for i, o := range a {
		f, err := xt.DereferenceNumber(o)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, 0, false
		}
		v[i] = f
	}
	return v[2] - v[0], v[3] - v[1], true
}
