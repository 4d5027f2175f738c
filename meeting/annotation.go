package meeting

import (
	"math"
	"slices"
	"strings"
	"time"
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

func (c SaveAnnotation) decide(d decider) ([]Event, error) {
	s, a := d.s, c.Annotation
	doc := s.Documents[a.Document]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", a.Document)
	}
	if !s.CanRead(d.me.ID, doc.ID) {
		return nil, Errorf(Forbidden, "Đồng chí không được đọc tài liệu này nên không thể ghi chú trên đó",
			"you may not read this document, so you may not annotate it")
	}
	if c.Shared && !d.canPresent() {
		return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang trình bày mới được chia sẻ ghi chú với hội trường",
			"only the chair or the presenter may share annotations with the room")
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(a.ID) {
		return nil, badID("annotation", "ghi chú", a.ID)
	}
	if a.Page > doc.Pages {
		return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", a.Page, doc.Pages)
	}
	// Keep only what the kind draws.
	if a.Kind == AnnotationInk {
		a.Points = slices.Clone(a.Points)
	} else {
		a.Points = nil
	}
	if a.Kind != AnnotationNote {
		a.Text = ""
	}
	// An existing id is an edit of the same annotation: same owner, same
	// document. The limit counts the others.
	var old *Annotation
	count := 0
	if c.Shared {
		if sh := s.Shared[a.ID]; sh != nil {
			if sh.Owner != d.me.ID {
				return nil, Errorf(Conflict, "Mã ghi chú %q đã được người khác dùng", "annotation id %q is taken by someone else", a.ID)
			}
			old = &sh.Annotation
		}
		for _, sh := range s.Shared {
			if sh.Owner == d.me.ID && sh.Document == a.Document && sh.ID != a.ID {
				count++
			}
		}
	} else {
		mine := s.Annotations[d.me.ID]
		old = mine[a.ID]
		for _, x := range mine {
			if x.Document == a.Document && x.ID != a.ID {
				count++
			}
		}
	}
	if old != nil && old.Document != a.Document {
		return nil, Errorf(Conflict, "Mã ghi chú %q đã được dùng trên tài liệu khác", "annotation id %q is used on another document", a.ID)
	}
	if old != nil {
		// An edit: at most one per AnnotationEditInterval. The client
		// sends its latest content again after the wait; nothing of this
		// one is written, so nothing acknowledged is lost.
		if at, ok := s.AnnotationSaves[annotationKey(c.Shared, d.me.ID, a.ID)]; ok {
			if next := at.Add(AnnotationEditInterval); d.now.Before(next) {
				ms := max(1, next.Sub(d.now).Milliseconds())
				return nil, Errorf(RateLimited,
					"Ghi chú %[1]s vừa được lưu; xin chờ %[2]d ms rồi gửi lại nội dung mới nhất (lần sửa này chưa được lưu)",
					"annotation %[1]s was saved a moment ago; wait %[2]d ms and send its latest content again (this edit was not saved)", a.ID, ms)
			}
		}
	}
	if count >= MaxAnnotationsPerDocument {
		return nil, Errorf(Conflict, "Đã có %d ghi chú trên tài liệu này, không thể thêm", "there are already %d annotations on this document", count)
	}
	if err := d.annotationQuota(a, c.Shared); err != nil {
		return nil, err
	}
	return d.emit(AnnotationSaved{Owner: d.me.ID, Shared: c.Shared, Annotation: a})
}

// annotationQuota refuses a save that would take the actor's annotations
// (on a's document, or on all documents) or the room's set on a's document
// over their byte quota; the annotation a replaces (same id) does not
// count.
func (d decider) annotationQuota(a Annotation, shared bool) error {
	s, me := d.s, d.me.ID
	doc, all, room := a.Weight(), a.Weight(), a.Weight()
	for id, x := range s.Annotations[me] {
		if shared || id != a.ID {
			all += x.Weight()
			if !shared && x.Document == a.Document {
				doc += x.Weight()
			}
		}
	}
	for id, sh := range s.Shared {
		if sh.Document != a.Document || (shared && id == a.ID) {
			continue
		}
		room += sh.Weight()
		if shared && sh.Owner == me {
			doc += sh.Weight()
		}
	}
	switch {
	case doc > MaxAnnotationBytesPerDocument:
		return Errorf(Conflict, "Ghi chú của đồng chí trên tài liệu này đã đạt giới hạn dung lượng (%d MB); hãy xóa bớt ghi chú cũ",
			"your annotations on this document have reached their size limit (%d MB); delete some older ones", MaxAnnotationBytesPerDocument>>20)
	case !shared && all > MaxAnnotationBytesPerParticipant:
		return Errorf(Conflict, "Ghi chú của đồng chí đã đạt giới hạn dung lượng (%d MB); hãy xóa bớt ghi chú cũ",
			"your annotations have reached their size limit (%d MB); delete some older ones", MaxAnnotationBytesPerParticipant>>20)
	case shared && room > MaxSharedBytesPerDocument:
		return Errorf(Conflict, "Ghi chú chung trên tài liệu này đã đạt giới hạn dung lượng (%d MB)",
			"the room's annotations on this document have reached their size limit (%d MB)", MaxSharedBytesPerDocument>>20)
	}
	return nil
}

func (c DeleteAnnotation) decide(d decider) ([]Event, error) {
	s := d.s
	if c.Shared {
		if !d.canPresent() {
			return nil, Errorf(Forbidden, "Chỉ chủ tọa hoặc người đang trình bày mới được xóa ghi chú chung",
				"only the chair or the presenter may delete the room's annotations")
		}
		sh := s.Shared[c.ID]
		if sh == nil {
			return nil, Errorf(NotFound, "Không có ghi chú chung %q", "no shared annotation %q", c.ID)
		}
		return d.emit(AnnotationDeleted{Owner: sh.Owner, Shared: true, Document: sh.Document, ID: sh.ID})
	}
	a := s.Annotations[d.me.ID][c.ID]
	if a == nil {
		// Another's private annotation is not named: it does not exist for the actor.
		return nil, Errorf(NotFound, "Không có ghi chú %q", "no annotation %q", c.ID)
	}
	return d.emit(AnnotationDeleted{Owner: d.me.ID, Document: a.Document, ID: a.ID})
}

// AnnotationEditInterval is how often one annotation may be saved again
// (an edit: the same owner and id): a client that edits faster sends its
// latest content once the interval has passed (issue 11, finding 5: the
// edits of one annotation are coalesced, and the log grows by at most one
// event per annotation per interval).
const AnnotationEditInterval = time.Second

// annotationKey names an annotation in State.AnnotationSaves: a shared
// one by its id, a private one by its owner and id.
func annotationKey(shared bool, owner, id string) string {
	if shared {
		return "s\x00" + id
	}
	return "p\x00" + owner + "\x00" + id
}

// recordAnnotationSave keeps when each annotation was last saved
// (AnnotationSaves), forgetting a deleted one.
func (s *State) recordAnnotationSave(e Event) {
	switch d := e.Data.(type) {
	case AnnotationSaved:
		if s.AnnotationSaves == nil {
			s.AnnotationSaves = map[string]time.Time{}
		}
		s.AnnotationSaves[annotationKey(d.Shared, d.Owner, d.Annotation.ID)] = e.At
	case AnnotationDeleted:
		delete(s.AnnotationSaves, annotationKey(d.Shared, d.Owner, d.ID))
	case ParticipantRemoved:
		for k := range s.AnnotationSaves {
			if strings.HasPrefix(k, "p\x00"+d.Participant+"\x00") {
				delete(s.AnnotationSaves, k)
			}
		}
	}
}

func (d AnnotationSaved) fits(s *State, full bool) error {
	a := d.Annotation
	if err := s.person(d.Owner); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := s.fitsPage(a.Document, a.Page, full); err != nil {
		return err
	}
	if d.Shared {
		sh := s.Shared[a.ID]
		return need(sh == nil || (sh.Owner == d.Owner && sh.Document == a.Document),
			"shared annotation %q belongs to another owner or document", a.ID)
	}
	old := s.Annotations[d.Owner][a.ID]
	return need(old == nil || old.Document == a.Document, "annotation %q of %s is on another document", a.ID, d.Owner)
}

func (d AnnotationSaved) change(s *State, e Event) {
	a := d.Annotation.clone()
	if d.Shared {
		s.Shared[a.ID] = &SharedAnnotation{Owner: d.Owner, Annotation: *a}
		return
	}
	mine := s.Annotations[d.Owner]
	if mine == nil {
		mine = map[string]*Annotation{}
		s.Annotations[d.Owner] = mine
	}
	mine[a.ID] = a
}

// visibleTo: a private annotation reaches only its owner (not even the
// chair: it is the owner's own notebook, kept in step across their
// devices this way); a shared one everyone who may read its document.
func (d AnnotationSaved) visibleTo(s *State, p *Participant, viewer string) bool {
	if !d.Shared {
		return d.Owner == viewer
	}
	return s.CanRead(viewer, d.Annotation.Document)
}

func (d AnnotationDeleted) fits(s *State, full bool) error {
	if d.Shared {
		sh := s.Shared[d.ID]
		return need(sh != nil && sh.Owner == d.Owner && sh.Document == d.Document,
			"no shared annotation %q of %s on %q", d.ID, d.Owner, d.Document)
	}
	a := s.Annotations[d.Owner][d.ID]
	return need(a != nil && a.Document == d.Document, "no annotation %q of %s on %q", d.ID, d.Owner, d.Document)
}

func (d AnnotationDeleted) change(s *State, e Event) {
	if d.Shared {
		delete(s.Shared, d.ID)
		return
	}
	delete(s.Annotations[d.Owner], d.ID)
	if len(s.Annotations[d.Owner]) == 0 {
		delete(s.Annotations, d.Owner)
	}
}

func (d AnnotationDeleted) visibleTo(s *State, p *Participant, viewer string) bool {
	if !d.Shared {
		return d.Owner == viewer
	}
	return s.CanRead(viewer, d.Document)
}

// viewAnnotations takes from v every private annotation but the viewer's
// own and the shared annotations of documents the viewer may not read.
func (s *State) viewAnnotations(v *State, viewer string) {
	for owner := range v.Annotations {
		if owner != viewer {
			delete(v.Annotations, owner)
		}
	}
	for id, sh := range v.Shared {
		if !s.CanRead(viewer, sh.Document) {
			delete(v.Shared, id)
		}
	}
}
