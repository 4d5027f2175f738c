package meeting

import (
	"math"
	"slices"
	"unicode/utf8"
)

// AnnotationKind is what an annotation draws.
type AnnotationKind string

// The annotation kinds: a highlighted area, a freehand ink stroke, a note
// with text.
const (
	AnnotationHighlight AnnotationKind = "highlight"
	AnnotationInk       AnnotationKind = "ink"
	AnnotationNote      AnnotationKind = "note"
)

// Limits of an annotation.
const (
	MaxAnnotationPoints = 5000
	MaxAnnotationText   = 2000 // characters
	// MaxAnnotationsPerDocument bounds how many annotations one owner keeps
	// on one document, privately and (separately) in the room's set.
	MaxAnnotationsPerDocument = 2000
	// Byte quotas on what annotations keep (their Weight): one owner's on
	// one document (private and, separately, in the room's set), one
	// owner's on all documents, and the room's set on one document. The
	// log grows with every save; these bound what the state — and each
	// annotated copy — holds.
	MaxAnnotationBytesPerDocument    = 2 << 20
	MaxAnnotationBytesPerParticipant = 16 << 20
	MaxSharedBytesPerDocument        = 8 << 20
)

// Weight is what an annotation counts against the byte quotas: 64 bytes,
// 16 per ink point and the bytes of its text.
func (a *Annotation) Weight() int { return 64 + 16*len(a.Points) + len(a.Text) }

// Annotation is a mark a participant makes on a page of a document, kept
// for their own annotated copy. Coordinates are normalised to 0..1 of the
// displayed page, from its top-left corner.
type Annotation struct {
	ID       string         `json:"id"`
	Document string         `json:"document"`
	Page     int            `json:"page"` // 1-based
	Kind     AnnotationKind `json:"kind"`
	// Color is "#RRGGBB".
	Color string `json:"color"`
	// Rect is the area (x0, y0, x1, y1) of a highlight, or where a note
	// sits (its top-left corner at x0, y0).
	Rect [4]float64 `json:"rect"`
	// Points is the path of an ink stroke.
	Points [][2]float64 `json:"points,omitempty"`
	// Text is the text of a note.
	Text string `json:"text,omitempty"`
}

// SharedAnnotation is an annotation shown to the room, with the
// participant who made it (the chair or a presenter). On the wire its
// fields are the annotation's plus "owner".
type SharedAnnotation struct {
	Owner string `json:"owner"`
	Annotation
}

// clone returns a deep copy of a.
func (a *Annotation) clone() *Annotation {
	c := *a
	c.Points = slices.Clone(a.Points)
	return &c
}

// Validate checks the annotation's fields (not whether its document or page
// exist) and returns an Invalid *Error saying what is wrong.
func (a Annotation) Validate() error {
	if a.ID == "" {
		return Errorf(Invalid, "Ghi chú thiếu mã.", "the annotation has no id")
	}
	if a.Document == "" {
		return Errorf(Invalid, "Ghi chú %s thiếu tài liệu.", "annotation %s names no document", a.ID)
	}
	if a.Page < 1 {
		return Errorf(Invalid, "Ghi chú %s có số trang không hợp lệ (%d).", "annotation %s has an invalid page (%d)", a.ID, a.Page)
	}
	if !validColor(a.Color) {
		return Errorf(Invalid, "Ghi chú %s có màu không hợp lệ %q (cần dạng #RRGGBB).",
			"annotation %s has an invalid colour %q (want #RRGGBB)", a.ID, a.Color)
	}
	for _, v := range a.Rect {
		if !unit(v) {
			return Errorf(Invalid, "Ghi chú %s có tọa độ ngoài trang.", "annotation %s has coordinates outside the page", a.ID)
		}
	}
	switch a.Kind {
	case AnnotationHighlight:
		if a.Rect[2] <= a.Rect[0] || a.Rect[3] <= a.Rect[1] {
			return Errorf(Invalid, "Vùng tô sáng %s trống.", "highlight %s covers no area", a.ID)
		}
	case AnnotationInk:
		if len(a.Points) == 0 || len(a.Points) > MaxAnnotationPoints {
			return Errorf(Invalid, "Nét vẽ %s phải có từ 1 đến %d điểm.",
				"ink stroke %s must have 1 to %d points", a.ID, MaxAnnotationPoints)
		}
		for _, p := range a.Points {
			if !unit(p[0]) || !unit(p[1]) {
				return Errorf(Invalid, "Nét vẽ %s có điểm ngoài trang.", "ink stroke %s has points outside the page", a.ID)
			}
		}
	case AnnotationNote:
		if a.Text == "" {
			return Errorf(Invalid, "Ghi chú %s không có nội dung.", "note %s has no text", a.ID)
		}
		if !utf8.ValidString(a.Text) || utf8.RuneCountInString(a.Text) > MaxAnnotationText {
			return Errorf(Invalid, "Nội dung ghi chú %s không hợp lệ hoặc dài quá %d ký tự.",
				"note %s has invalid text or more than %d characters", a.ID, MaxAnnotationText)
		}
	default:
		return Errorf(Invalid, "Loại ghi chú không hợp lệ: %q.", "unknown annotation kind %q", a.Kind)
	}
	return nil
}

func unit(v float64) bool { return !math.IsNaN(v) && v >= 0 && v <= 1 }

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
