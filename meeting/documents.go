package meeting

import (
	"fmt"
	"slices"
)

// Documents: registered by their upload, attached to agenda items, read by
// everyone or, when confidential, by their readers only.

func (c AddDocument) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	doc := c.Document
	if !idPattern.MatchString(doc.ID) {
		return nil, badID("document", "tài liệu", doc.ID)
	}
	if s.Documents[doc.ID] != nil {
		return nil, Errorf(Conflict, "Tài liệu %q đã có", "document %q already exists", doc.ID)
	}
	if err := checkText("the title", "tên tài liệu", doc.Title, true, MaxTextLength); err != nil {
		return nil, err
	}
	if doc.Size < 0 {
		return nil, Errorf(Invalid, "Kích thước tài liệu không hợp lệ (%d byte)", "invalid document size %d", doc.Size)
	}
	if doc.Pages < 1 {
		return nil, Errorf(Invalid, "Tài liệu phải có ít nhất một trang", "a document has at least one page")
	}
	if doc.Withheld {
		return nil, Errorf(Invalid, "Tài liệu cần có nội dung, không phải dạng ẩn", "a document cannot be added in its withheld form")
	}
	if !sha256Pattern.MatchString(doc.SHA256) {
		return nil, Errorf(Invalid, "Mã băm SHA-256 của tài liệu không hợp lệ: %q (cần 64 chữ số thập lục phân viết thường)", "invalid sha256 %q (want 64 lower-case hex digits)", doc.SHA256)
	}
	if !doc.Level.Valid() {
		return nil, Errorf(Invalid, "Độ mật không hợp lệ: %q (mat, toi_mat, tuyet_mat hoặc rỗng)", "invalid secrecy level %q (mat, toi_mat, tuyet_mat or empty)", doc.Level)
	}
	if doc.TakenBack != nil || doc.DisplayAllowed {
		return nil, Errorf(Invalid, "Tài liệu mới chưa thể bị thu hồi hay được phép chiếu", "a new document is neither taken back nor allowed on displays")
	}
	if !doc.Confidential && len(doc.Readers) > 0 {
		return nil, Errorf(Invalid, "Chỉ tài liệu mật mới có danh sách người đọc", "only a confidential document has readers")
	}
	for _, r := range doc.Readers {
		if s.Participants[r] == nil {
			return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", r)
		}
	}
	for i, k := range doc.Removed {
		if !ValidRemoved(k) || slices.Contains(doc.Removed[:i], k) {
			return nil, Errorf(Invalid, "Loại nội dung đã gỡ bỏ %q không hợp lệ hoặc bị lặp", "invalid or repeated removed kind %q", k)
		}
	}
	return d.emit(DocumentAdded{Document: doc})
}

func (c AttachDocument) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	it := s.Item(c.Item)
	if it == nil {
		return nil, Errorf(NotFound, "Không có mục %q", "no agenda item %q", c.Item)
	}
	if s.Documents[c.Document] == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
	}
	if slices.Contains(it.Documents, c.Document) {
		return nil, Errorf(Conflict, "Tài liệu đã được gắn vào mục này", "the document is already attached to this item")
	}
	return d.emit(DocumentAttached(c))
}

func (d DocumentAdded) fits(s *State, full bool) error {
	// A withheld document (its form for someone who may not read it)
	// has no pages; the log never holds one.
	return need(d.Document.ID != "" && s.Documents[d.Document.ID] == nil && (d.Document.Pages >= 1 || (!full && d.Document.Withheld)),
		"document %q is empty, taken or has no pages", d.Document.ID)
}

func (d DocumentAdded) change(s *State, e Event) {
	doc := d.Document
	doc.Readers = slices.Clone(doc.Readers)
	doc.Removed = slices.Clone(doc.Removed)
	s.Documents[doc.ID] = &doc
}

func (d DocumentAdded) visibleTo(s *State, p *Participant, viewer string) bool {
	return mayRead(p, d.Document) || s.listsWithheld()
}

// redact: a confidential document's DocumentAdded reaches a participant
// who may not read it as its withheld form.
func (d DocumentAdded) redact(s *State, e Event, viewer string) (Event, bool) {
	p := s.Participants[viewer]
	if p == nil || mayRead(p, d.Document) {
		return e, false
	}
	e.Data = DocumentAdded{Document: Withhold(d.Document)}
	return e, true
}

func (d DocumentAttached) fits(s *State, full bool) error {
	it := s.Item(d.Item)
	return need(it != nil && s.Documents[d.Document] != nil && !slices.Contains(it.Documents, d.Document),
		"item %q or document %q unknown, or already attached", d.Item, d.Document)
}

func (d DocumentAttached) change(s *State, e Event) {
	it := s.Item(d.Item)
	it.Documents = append(it.Documents, d.Document)
}

func (d DocumentAttached) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, d.Document) || s.listsWithheld()
}

// fitsPage checks that a document exists and has the page.
//
// A participant following a filtered stream (Follow) may not know the
// document (a confidential one not listed to them) or its pages (withheld):
// with full false, any page of such a document is taken.
func (s *State) fitsPage(document string, page int, full bool) error {
	d := s.Documents[document]
	if !full && page >= 1 && (d == nil || d.Withheld) {
		return nil
	}
	if d == nil || page < 1 || page > d.Pages {
		return fmt.Errorf("document %q has no page %d", document, page)
	}
	return nil
}

// mayRead is CanRead for a document that need not be in the state yet.
func mayRead(p *Participant, d Document) bool {
	return !d.Confidential || p.Role == RoleChair || p.Role == RoleSecretary || readerOf(&d, p)
}

// listsWithheld reports whether confidential documents are listed, in
// their withheld form, to participants who may not read them.
func (s *State) listsWithheld() bool { return s.ConfidentialListing != ListHidden }

// viewDocuments takes from v what viewer may not read of the documents:
// the confidential documents in their withheld form or, when the meeting
// hides them, gone with their places on the agenda.
func (s *State) viewDocuments(v *State, viewer string) {
	for id, doc := range s.Documents {
		if s.CanRead(viewer, id) {
			continue
		}
		if s.listsWithheld() {
			w := Withhold(*doc)
			v.Documents[id] = &w
			continue
		}
		delete(v.Documents, id)
		for i := range v.Agenda {
			v.Agenda[i].Documents = slices.DeleteFunc(slices.Clone(v.Agenda[i].Documents), func(d string) bool { return d == id })
		}
	}
}
