package meeting

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Drafts for comment (góp ý dự thảo, issue 13 part 5): a secretary opens
// one of the meeting's documents for comments until a deadline; members
// comment on a page, a marked region or a quoted text, privately to the
// drafting team or visibly to everyone who may read the document, as the
// secretary chose; a new version is another uploaded document added to the
// draft, and comments stay on the version they were made on.
//
// A draft lives in its meeting's log: the document's readers, the audit
// chain, the meeting's clock and its visibility rules all apply as they
// do to everything else of the meeting (docs/drafts.md says why).

// DraftVisibility says who sees a draft's comments besides the drafting
// team and each comment's author.
type DraftVisibility string

// The visibilities of a draft's comments.
const (
	// DraftPrivate: only the drafting team (and each comment's author).
	DraftPrivate DraftVisibility = "team"
	// DraftPublic: everyone who may read the document.
	DraftPublic DraftVisibility = "all"
)

// Limits of drafts and their comments.
const (
	MaxDraftComment     = 4000 // runes of a comment's text
	MaxDraftQuote       = 1000 // runes of the quoted text
	MaxCommentsPerDraft = 300  // one author's comments on one draft
	MaxDraftVersions    = 50
	MaxDraftTeam        = 50
)

// Draft is a document open for comments. Its id is the id of its first
// version's document; Versions lists every version's document, oldest
// first, the last one the current.
type Draft struct {
	ID       string    `json:"id"`
	Versions []string  `json:"versions"`
	Deadline time.Time `json:"deadline"`
	// Visibility is who sees new comments (each comment keeps the
	// visibility it was made under: Shared).
	Visibility DraftVisibility `json:"visibility"`
	// Team is the drafting team (ban soạn thảo) besides the chair and the
	// secretaries, who always are on it.
	Team []string `json:"team,omitempty"`
	// Closed is when a secretary closed the draft before its deadline.
	Closed *time.Time `json:"closed,omitempty"`
}

// Current is the document id of the draft's current (last) version.
func (d *Draft) Current() string { return d.Versions[len(d.Versions)-1] }

// OpenAt reports whether the draft takes comments at t: before its
// deadline and not closed.
func (d *Draft) OpenAt(t time.Time) bool { return d.Closed == nil && t.Before(d.Deadline) }

// Version returns the 1-based version number of document doc in the draft,
// or 0.
func (d *Draft) Version(doc string) int { return slices.Index(d.Versions, doc) + 1 }

// DraftComment is a comment on one version of a draft: on a page, on a
// region of it (Rect, normalised to 0..1 of the displayed page from its
// top-left corner, as an annotation's) or on a quoted text (Quote, taken
// from the viewer's text layer, with the region it covers).
type DraftComment struct {
	ID       string `json:"id"`
	Draft    string `json:"draft"`
	Document string `json:"document"` // the version commented on
	Page     int    `json:"page"`
	// Rect is the region (x0, y0, x1, y1); absent for a comment on the
	// whole page.
	Rect   *[4]float64 `json:"rect,omitempty"`
	Quote  string      `json:"quote,omitempty"`
	Text   string      `json:"text"`
	Author string      `json:"author"`
	At     time.Time   `json:"at"`
	// Shared: made while the draft's comments were visible to all.
	Shared bool `json:"shared,omitempty"`
	// Edited is when its author last changed its text (EditDraftComment).
	Edited *time.Time `json:"edited,omitempty"`
}

// Kind names what the comment is on: "page", "region" or "text".
func (c *DraftComment) Kind() string {
	switch {
	case c.Quote != "":
		return "text"
	case c.Rect != nil:
		return "region"
	}
	return "page"
}

// Commands of drafts for comment.
type (
	// OpenDraft opens Document for comments until Deadline (a secretary),
	// or changes an open or closed draft's deadline, visibility and team
	// (reopening it when the deadline is later than now).
	OpenDraft struct {
		Document   string          `json:"document"`
		Deadline   time.Time       `json:"deadline"`
		Visibility DraftVisibility `json:"visibility"`
		Team       []string        `json:"team,omitempty"`
	}
	// CloseDraft closes a draft before its deadline (a secretary).
	CloseDraft struct {
		Draft string `json:"draft"`
	}
	// AddDraftVersion makes an uploaded Document the draft's next version
	// (a secretary).
	AddDraftVersion struct {
		Draft    string `json:"draft"`
		Document string `json:"document"`
	}
	// CommentDraft comments on the current version of an open draft.
	CommentDraft struct {
		ID       string      `json:"id"`
		Document string      `json:"document"`
		Page     int         `json:"page"`
		Rect     *[4]float64 `json:"rect,omitempty"`
		Quote    string      `json:"quote,omitempty"`
		Text     string      `json:"text"`
	}
	// EditDraftComment changes the text of one's own comment while its
	// draft takes comments and the comment is on the current version; its
	// place (page, region, quote) and visibility stay.
	EditDraftComment struct {
		Comment string `json:"comment"`
		Text    string `json:"text"`
	}
)

func (OpenDraft) CommandName() string        { return "OpenDraft" }
func (EditDraftComment) CommandName() string { return "EditDraftComment" }
func (CloseDraft) CommandName() string       { return "CloseDraft" }
func (AddDraftVersion) CommandName() string  { return "AddDraftVersion" }
func (CommentDraft) CommandName() string     { return "CommentDraft" }

// Events of drafts for comment.
type (
	// DraftOpened opens (or changes) the draft of Document.
	DraftOpened struct {
		Document   string          `json:"document"`
		Deadline   time.Time       `json:"deadline"`
		Visibility DraftVisibility `json:"visibility"`
		Team       []string        `json:"team,omitempty"`
	}
	// DraftClosed closes a draft before its deadline.
	DraftClosed struct {
		Draft string `json:"draft"`
	}
	// DraftVersionAdded adds the draft's next version.
	DraftVersionAdded struct {
		Draft    string `json:"draft"`
		Document string `json:"document"`
		Version  int    `json:"version"`
	}
	// DraftCommented records a comment.
	DraftCommented struct {
		Comment DraftComment `json:"comment"`
	}
	// DraftCommentEdited replaces the text of comment Comment of Draft
	// (format 1).
	DraftCommentEdited struct {
		Draft   string `json:"draft"`
		Comment string `json:"comment"`
		Text    string `json:"text"`
	}
)

func (DraftOpened) EventType() string        { return "DraftOpened" }
func (DraftClosed) EventType() string        { return "DraftClosed" }
func (DraftVersionAdded) EventType() string  { return "DraftVersionAdded" }
func (DraftCommented) EventType() string     { return "DraftCommented" }
func (DraftCommentEdited) EventType() string { return "DraftCommentEdited" }

// draftComment returns the comment with id, or nil.
func (s *State) draftComment(id string) *DraftComment {
	for i := range s.DraftComments {
		if s.DraftComments[i].ID == id {
			return &s.DraftComments[i]
		}
	}
	return nil
}

// commentText checks a comment's text: not empty once trimmed, valid
// UTF-8, at most MaxDraftComment characters; it returns the trimmed text.
func commentText(t string) (string, error) {
	text := strings.TrimSpace(t)
	if text == "" || !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxDraftComment {
		return "", Errorf(Invalid, "Ý kiến cần có nội dung, tối đa %d ký tự", "a comment needs a text of at most %d characters", MaxDraftComment)
	}
	if err := checkText("the comment", "ý kiến", text, true, len(text)); err != nil {
		return "", err
	}
	return text, nil
}

// DraftOf returns the draft a document is a version of, or nil.
func (s *State) DraftOf(doc string) *Draft {
	if d := s.Drafts[doc]; d != nil {
		return d
	}
	for _, d := range s.Drafts {
		if slices.Contains(d.Versions, doc) {
			return d
		}
	}
	return nil
}

// OnDraftTeam reports whether participant is on the drafting team of
// draft: the chair, a secretary or one named in its Team.
func (s *State) OnDraftTeam(participant string, d *Draft) bool {
	p := s.Participants[participant]
	if p == nil || d == nil {
		return false
	}
	return p.Role == RoleChair || p.Role == RoleSecretary || slices.Contains(d.Team, participant)
}

// SeesDraftComment reports whether viewer may see comment c: its author,
// the drafting team, and, for a shared comment, everyone who may read its
// version.
func (s *State) SeesDraftComment(viewer string, c *DraftComment) bool {
	if c.Author == viewer || s.OnDraftTeam(viewer, s.Drafts[c.Draft]) {
		return true
	}
	return c.Shared && s.CanRead(viewer, c.Document)
}

// DraftCommentsFor returns the comments of draft that viewer may see, in
// the order they were made.
func (s *State) DraftCommentsFor(viewer, draft string) []DraftComment {
	var out []DraftComment
	for i := range s.DraftComments {
		c := &s.DraftComments[i]
		if c.Draft == draft && s.SeesDraftComment(viewer, c) {
			out = append(out, *c)
		}
	}
	return out
}

func (c OpenDraft) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	doc := s.Documents[c.Document]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
	}
	if dr := s.DraftOf(c.Document); dr != nil && dr.ID != c.Document {
		return nil, Errorf(Conflict, "Tài liệu %q là một phiên bản của dự thảo %q; hãy mở dự thảo đó",
			"document %q is a version of draft %q; open that draft", c.Document, dr.ID)
	}
	if doc.TakenBack != nil {
		return nil, Errorf(Conflict, "Tài liệu đã bị thu hồi", "the document was taken back")
	}
	if c.Visibility != DraftPrivate && c.Visibility != DraftPublic {
		return nil, Errorf(Invalid, "Phạm vi ý kiến không hợp lệ: %q (team: chỉ ban soạn thảo; all: mọi người đọc được)",
			"invalid visibility %q (team: the drafting team only; all: every reader)", c.Visibility)
	}
	if !c.Deadline.After(d.now) {
		return nil, Errorf(Invalid, "Hạn góp ý phải sau thời điểm hiện tại", "the deadline for comments must be in the future")
	}
	if len(c.Team) > MaxDraftTeam {
		return nil, Errorf(Invalid, "Ban soạn thảo có tối đa %d người", "a drafting team has at most %d people", MaxDraftTeam)
	}
	for i, p := range c.Team {
		if s.Participants[p] == nil {
			return nil, Errorf(NotFound, "Không có đại biểu %q", "no participant %q", p)
		}
		if slices.Contains(c.Team[:i], p) {
			return nil, Errorf(Invalid, "Đại biểu %q được nêu hai lần trong ban soạn thảo", "participant %q is named twice on the team", p)
		}
		if !s.CanRead(p, c.Document) {
			return nil, Errorf(Invalid, "Đại biểu %q không được đọc tài liệu này nên không thể ở ban soạn thảo",
				"participant %q may not read the document, so may not be on its drafting team", p)
		}
	}
	return d.emit(DraftOpened{Document: c.Document, Deadline: c.Deadline.UTC(), Visibility: c.Visibility, Team: slices.Clone(c.Team)})
}

func (c CloseDraft) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	dr := d.s.Drafts[c.Draft]
	if dr == nil {
		return nil, Errorf(NotFound, "Không có dự thảo %q", "no draft %q", c.Draft)
	}
	if !dr.OpenAt(d.now) {
		return nil, Errorf(Conflict, "Dự thảo đã hết hạn góp ý hoặc đã đóng", "the draft is past its deadline or closed")
	}
	return d.emit(DraftClosed(c))
}

func (c AddDraftVersion) decide(d decider) ([]Event, error) {
	if err := d.needSecretary(); err != nil {
		return nil, err
	}
	s := d.s
	dr := s.Drafts[c.Draft]
	if dr == nil {
		return nil, Errorf(NotFound, "Không có dự thảo %q", "no draft %q", c.Draft)
	}
	doc := s.Documents[c.Document]
	if doc == nil {
		return nil, Errorf(NotFound, "Không có tài liệu %q", "no document %q", c.Document)
	}
	if s.DraftOf(c.Document) != nil {
		return nil, Errorf(Conflict, "Tài liệu %q đã là một phiên bản của dự thảo", "document %q is already a version of a draft", c.Document)
	}
	if len(dr.Versions) >= MaxDraftVersions {
		return nil, Errorf(Conflict, "Dự thảo đã có %d phiên bản", "the draft already has %d versions", MaxDraftVersions)
	}
	first := s.Documents[dr.ID]
	if first != nil && (doc.Confidential != first.Confidential || !slices.Equal(doc.Readers, first.Readers) || doc.Level != first.Level) {
		return nil, Errorf(Invalid, "Phiên bản mới phải có cùng độ mật và người đọc như bản đầu",
			"a new version must have the first version's secrecy and readers")
	}
	return d.emit(DraftVersionAdded{Draft: dr.ID, Document: c.Document, Version: len(dr.Versions) + 1})
}

func (c CommentDraft) decide(d decider) ([]Event, error) {
	s := d.s
	if !idPattern.MatchString(c.ID) {
		return nil, badID("comment", "ý kiến", c.ID)
	}
	dr := s.DraftOf(c.Document)
	if dr == nil || !s.CanRead(d.me.ID, c.Document) {
		return nil, Errorf(NotFound, "Không có dự thảo của tài liệu %q", "no draft of document %q", c.Document)
	}
	if !dr.OpenAt(d.now) {
		return nil, Errorf(Conflict, "Dự thảo đã hết hạn góp ý (%s) hoặc đã đóng",
			"the draft is past its deadline (%s) or closed", dr.Deadline.Format(time.RFC3339))
	}
	if dr.Current() != c.Document {
		return nil, Errorf(Conflict, "Đây là phiên bản cũ; hãy góp ý trên phiên bản %d", "this is an old version; comment on version %d", len(dr.Versions))
	}
	doc := s.Documents[c.Document]
	if c.Page < 1 || c.Page > doc.Pages {
		return nil, Errorf(Invalid, "Trang %d không có (tài liệu có %d trang)", "page %d does not exist (the document has %d pages)", c.Page, doc.Pages)
	}
	text, err := commentText(c.Text)
	if err != nil {
		return nil, err
	}
	quote := strings.TrimSpace(c.Quote)
	if !utf8.ValidString(quote) || utf8.RuneCountInString(quote) > MaxDraftQuote {
		return nil, Errorf(Invalid, "Đoạn trích dẫn quá dài (tối đa %d ký tự)", "the quoted text is too long (at most %d characters)", MaxDraftQuote)
	}
	if err := checkText("the quoted text", "đoạn trích dẫn", quote, false, len(quote)); err != nil {
		return nil, err
	}
	var rect *[4]float64
	if c.Rect != nil {
		r := *c.Rect
		for _, v := range r {
			if !unit(v) {
				return nil, Errorf(Invalid, "Vùng góp ý nằm ngoài trang", "the region is outside the page")
			}
		}
		if r[2] <= r[0] || r[3] <= r[1] {
			return nil, Errorf(Invalid, "Vùng góp ý trống", "the region covers no area")
		}
		rect = &r
	} else if quote != "" {
		return nil, Errorf(Invalid, "Đoạn trích dẫn cần vùng của nó trên trang", "a quoted text needs its region on the page")
	}
	mine := 0
	for i := range s.DraftComments {
		x := &s.DraftComments[i]
		if x.ID == c.ID {
			return nil, Errorf(Conflict, "Mã ý kiến %q đã được dùng", "comment id %q is taken", c.ID)
		}
		if x.Draft == dr.ID && x.Author == d.me.ID {
			mine++
		}
	}
	if mine >= MaxCommentsPerDraft {
		return nil, Errorf(Conflict, "Đồng chí đã góp %d ý kiến cho dự thảo này", "you have made %d comments on this draft", mine)
	}
	return d.emit(DraftCommented{Comment: DraftComment{
		ID: c.ID, Draft: dr.ID, Document: c.Document, Page: c.Page, Rect: rect, Quote: quote, Text: text,
		Author: d.me.ID, At: d.now, Shared: dr.Visibility == DraftPublic,
	}})
}

func (c EditDraftComment) decide(d decider) ([]Event, error) {
	s := d.s
	x := s.draftComment(c.Comment)
	// A comment the actor may not see is not there for them.
	if x == nil || !s.SeesDraftComment(d.me.ID, x) {
		return nil, Errorf(NotFound, "Không có ý kiến %q", "no comment %q", c.Comment)
	}
	if x.Author != d.me.ID {
		return nil, Errorf(Forbidden, "Chỉ người góp ý được sửa ý kiến của mình", "only its author may edit a comment")
	}
	dr := s.Drafts[x.Draft]
	if dr == nil || !dr.OpenAt(d.now) {
		return nil, Errorf(Conflict, "Dự thảo đã hết hạn góp ý hoặc đã đóng: không sửa được ý kiến", "the draft is past its deadline or closed: the comment can no longer be edited")
	}
	if dr.Current() != x.Document {
		return nil, Errorf(Conflict, "Ý kiến này góp cho phiên bản %d; dự thảo đã có phiên bản %d", "this comment is on version %d; the draft has version %d now",
			dr.Version(x.Document), len(dr.Versions))
	}
	text, err := commentText(c.Text)
	if err != nil {
		return nil, err
	}
	if text == x.Text {
		return nil, Errorf(Invalid, "Nội dung ý kiến không thay đổi", "the comment's text is unchanged")
	}
	return d.emit(DraftCommentEdited{Draft: x.Draft, Comment: x.ID, Text: text})
}

func (e DraftOpened) fits(s *State, full bool) error {
	if full && s.Documents[e.Document] == nil {
		return need(false, "no document %q", e.Document)
	}
	if dr := s.DraftOf(e.Document); dr != nil && dr.ID != e.Document {
		return need(false, "document %q is a version of draft %q", e.Document, dr.ID)
	}
	return need(e.Visibility == DraftPrivate || e.Visibility == DraftPublic, "invalid visibility %q", e.Visibility)
}

func (e DraftOpened) change(s *State, ev Event) {
	if s.Drafts == nil {
		s.Drafts = map[string]*Draft{}
	}
	dr := s.Drafts[e.Document]
	if dr == nil {
		dr = &Draft{ID: e.Document, Versions: []string{e.Document}}
	} else {
		c := *dr // drafts are replaced, never changed in place (Clone shares them)
		dr = &c
	}
	dr.Deadline, dr.Visibility, dr.Team, dr.Closed = e.Deadline, e.Visibility, slices.Clone(e.Team), nil
	s.Drafts[e.Document] = dr
}

func (e DraftOpened) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, e.Document)
}

func (e DraftClosed) fits(s *State, full bool) error {
	return need(s.Drafts[e.Draft] != nil || !full, "no draft %q", e.Draft)
}

func (e DraftClosed) change(s *State, ev Event) {
	if dr := s.Drafts[e.Draft]; dr != nil {
		c := *dr
		at := ev.At
		c.Closed = &at
		s.Drafts[e.Draft] = &c
	}
}

func (e DraftClosed) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, e.Draft)
}

func (e DraftVersionAdded) fits(s *State, full bool) error {
	dr := s.Drafts[e.Draft]
	if dr == nil {
		return need(!full, "no draft %q", e.Draft)
	}
	if full && s.Documents[e.Document] == nil {
		return need(false, "no document %q", e.Document)
	}
	return need(s.DraftOf(e.Document) == nil && e.Version == len(dr.Versions)+1,
		"document %q is a version already, or version %d does not follow %d", e.Document, e.Version, len(dr.Versions))
}

func (e DraftVersionAdded) change(s *State, ev Event) {
	if dr := s.Drafts[e.Draft]; dr != nil {
		c := *dr
		c.Versions = append(slices.Clip(dr.Versions), e.Document)
		s.Drafts[e.Draft] = &c
	}
}

func (e DraftVersionAdded) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.CanRead(viewer, e.Draft)
}

func (e DraftCommented) fits(s *State, full bool) error {
	c := e.Comment
	if err := s.person(c.Author); err != nil {
		return err
	}
	if full {
		dr := s.Drafts[c.Draft]
		if dr == nil || !slices.Contains(dr.Versions, c.Document) {
			return need(false, "comment %q is on no version of draft %q", c.ID, c.Draft)
		}
		if err := s.fitsPage(c.Document, c.Page, full); err != nil {
			return err
		}
	}
	return need(c.ID != "" && strings.TrimSpace(c.Text) != "", "comment %q has no id or text", c.ID)
}

func (e DraftCommented) change(s *State, ev Event) {
	c := e.Comment
	if c.Rect != nil {
		r := *c.Rect
		c.Rect = &r
	}
	// Appended, never changed in place: Clone shares the slice (clipped).
	s.DraftComments = append(s.DraftComments, c)
}

// visibleTo: a comment reaches its author, the drafting team and, when
// shared, every reader of its version.
func (e DraftCommented) visibleTo(s *State, p *Participant, viewer string) bool {
	return s.SeesDraftComment(viewer, &e.Comment)
}

func (e DraftCommentEdited) fits(s *State, full bool) error {
	if x := s.draftComment(e.Comment); x == nil || x.Draft != e.Draft {
		return need(!full, "no comment %q of draft %q", e.Comment, e.Draft)
	}
	return need(strings.TrimSpace(e.Text) != "", "comment %q edited to no text", e.Comment)
}

func (e DraftCommentEdited) change(s *State, ev Event) {
	i := slices.IndexFunc(s.DraftComments, func(c DraftComment) bool { return c.ID == e.Comment })
	if i < 0 {
		return
	}
	// A copy: Clone shares the slice, which is never changed in place.
	cs := slices.Clone(s.DraftComments)
	at := ev.At
	cs[i].Text, cs[i].Edited = e.Text, &at
	s.DraftComments = slices.Clip(cs)
}

// visibleTo: an edit reaches whoever sees the comment.
func (e DraftCommentEdited) visibleTo(s *State, p *Participant, viewer string) bool {
	x := s.draftComment(e.Comment)
	return x != nil && s.SeesDraftComment(viewer, x)
}

// viewDrafts takes from v the drafts of documents viewer may not read and
// every comment: comments are served by their own route (each viewer's
// own and what the visibility lets them see), so that views stay the same
// for every lean viewer.
func (s *State) viewDrafts(v *State, viewer string) {
	v.DraftComments = nil
	if len(s.Drafts) == 0 {
		return
	}
	v.Drafts = make(map[string]*Draft, len(s.Drafts))
	for id, dr := range s.Drafts {
		if s.CanRead(viewer, id) {
			v.Drafts[id] = dr
		}
	}
}
