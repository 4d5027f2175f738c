package documents

import (
	"bytes"
	"context"
	"io"
	"sort"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// Drafts for comment (issue 13, part 5): the comments a reader may see,
// grouped by version and page; the drafting team's table of comments as
// PDF and CSV; two versions compared page by page.

// DraftVersion is one version of a draft.
type DraftVersion struct {
	Document string `json:"document"`
	Version  int    `json:"version"`
	Title    string `json:"title"`
	Pages    int    `json:"pages"`
}

// DraftComment is a comment with its author's name and title.
type DraftComment struct {
	meeting.DraftComment
	AuthorName  string `json:"author_name"`
	AuthorTitle string `json:"author_title,omitempty"`
	Kind        string `json:"kind"`
}

// CommentPage is the comments on one page of one version.
type CommentPage struct {
	Document string         `json:"document"`
	Version  int            `json:"version"`
	Page     int            `json:"page"`
	Comments []DraftComment `json:"comments"`
}

// DraftComments is what GET …/drafts/{draft}/comments answers: the draft,
// whether it takes comments now, whether the reader is on its drafting
// team (and so sees every comment), its versions and the comments the
// reader may see, grouped by version and page.
type DraftComments struct {
	Draft    meeting.Draft  `json:"draft"`
	Open     bool           `json:"open"`
	Team     bool           `json:"team"`
	Versions []DraftVersion `json:"versions"`
	Pages    []CommentPage  `json:"pages"`
}

// draft returns the session's state, participant and the draft, which the
// participant must be able to read.
func (d *Documents) draft(ctx context.Context, sess access.Session, id string) (*meeting.State, *meeting.Participant, *meeting.Draft, error) {
	st, p, err := d.state(ctx, sess)
	if err != nil {
		return nil, nil, nil, err
	}
	dr := st.Drafts[id]
	if dr == nil || !st.CanRead(p.ID, id) {
		return nil, nil, nil, meeting.Errorf(meeting.NotFound, "Không có dự thảo %q.", "no draft %q", id)
	}
	return st, p, dr, nil
}

// Comments returns the draft's comments the session's participant may
// see: all of them for the drafting team; otherwise their own and the
// shared ones.
func (d *Documents) Comments(ctx context.Context, sess access.Session, draft string) (*DraftComments, error) {
	st, p, dr, err := d.draft(ctx, sess, draft)
	if err != nil {
		return nil, err
	}
	out := &DraftComments{Draft: *dr, Open: dr.OpenAt(time.Now()), Team: st.OnDraftTeam(p.ID, dr), Pages: []CommentPage{}}
	for i, v := range dr.Versions {
		dv := DraftVersion{Document: v, Version: i + 1}
		if doc := st.Documents[v]; doc != nil {
			dv.Title, dv.Pages = doc.Title, doc.Pages
		}
		out.Versions = append(out.Versions, dv)
	}
	for _, c := range sortedComments(st, dr, st.DraftCommentsFor(p.ID, draft)) {
		n := len(out.Pages)
		if n == 0 || out.Pages[n-1].Document != c.Document || out.Pages[n-1].Page != c.Page {
			out.Pages = append(out.Pages, CommentPage{Document: c.Document, Version: dr.Version(c.Document), Page: c.Page})
			n++
		}
		out.Pages[n-1].Comments = append(out.Pages[n-1].Comments, c)
	}
	return out, nil
}

// sortedComments orders comments by version, page and time, with their
// authors' names.
func sortedComments(st *meeting.State, dr *meeting.Draft, cs []meeting.DraftComment) []DraftComment {
	out := make([]DraftComment, 0, len(cs))
	for _, c := range cs {
		e := DraftComment{DraftComment: c, AuthorName: c.Author, Kind: c.Kind()}
		if p := st.Participants[c.Author]; p != nil {
			e.AuthorName, e.AuthorTitle = p.Name, p.Title
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if va, vb := dr.Version(a.Document), dr.Version(b.Document); va != vb {
			return va < vb
		}
		return a.Page < b.Page
	})
	return out
}

// commentTable is the drafting team's table of comments.
func (d *Documents) commentTable(ctx context.Context, sess access.Session, draft string) (pdf.CommentTable, error) {
	st, p, dr, err := d.draft(ctx, sess, draft)
	if err != nil {
		return pdf.CommentTable{}, err
	}
	if !st.OnDraftTeam(p.ID, dr) {
		return pdf.CommentTable{}, meeting.Errorf(meeting.Forbidden,
			"Chỉ ban soạn thảo (chủ tọa, thư ký và người được giao) mới được tải bảng tổng hợp ý kiến.",
			"only the drafting team (the chair, the secretaries and those named) may download the table of comments")
	}
	t := pdf.CommentTable{Meeting: st.Title, Deadline: dr.Deadline, Closed: !dr.OpenAt(time.Now()), Versions: len(dr.Versions)}
	if doc := st.Documents[dr.Current()]; doc != nil {
		t.Title = doc.Title
	}
	for _, c := range sortedComments(st, dr, st.DraftCommentsFor(p.ID, draft)) {
		t.Rows = append(t.Rows, pdf.CommentRow{Version: dr.Version(c.Document), Page: c.Page, Kind: c.Kind, Quote: c.Quote,
			Text: c.Text, Author: c.AuthorName, Title: c.AuthorTitle, At: c.At, Shared: c.Shared})
	}
	return t, nil
}

// CommentsPDF writes the table of comments (bảng tổng hợp ý kiến) as PDF
// in lang ("vi" or "en"): the drafting team only.
func (d *Documents) CommentsPDF(ctx context.Context, sess access.Session, draft string, w io.Writer, lang string) error {
	t, err := d.commentTable(ctx, sess, draft)
	if err != nil {
		return err
	}
	return d.engine.CommentTablePDF(ctx, w, t, lang, d.cfg.Location, time.Now())
}

// CommentsCSV writes the table of comments as CSV (UTF-8 with a byte order
// mark): the drafting team only.
func (d *Documents) CommentsCSV(ctx context.Context, sess access.Session, draft string, w io.Writer) error {
	t, err := d.commentTable(ctx, sess, draft)
	if err != nil {
		return err
	}
	return pdf.CommentTableCSV(w, t, d.cfg.Location)
}

// Comparison is two versions of a draft compared page by page.
type Comparison struct {
	Draft       string               `json:"draft"`
	From        string               `json:"from"`
	To          string               `json:"to"`
	FromVersion int                  `json:"from_version"`
	ToVersion   int                  `json:"to_version"`
	Pages       []pdf.PageComparison `json:"pages"`
}

// Compare compares the versions from and to of a draft (document ids; empty
// from: the version before to; empty to: the current one) page by page:
// the words removed and inserted on each page. A reader of the draft may;
// a secret draft's (its text unwatermarked) only its drafting team.
func (d *Documents) Compare(ctx context.Context, sess access.Session, draft, from, to string) (*Comparison, error) {
	st, p, dr, err := d.draft(ctx, sess, draft)
	if err != nil {
		return nil, err
	}
	if to == "" {
		to = dr.Current()
	}
	tv := dr.Version(to)
	if from == "" && tv > 1 {
		from = dr.Versions[tv-2]
	}
	fv := dr.Version(from)
	if fv == 0 || tv == 0 || fv == tv {
		return nil, meeting.Errorf(meeting.Invalid,
			"Cần hai phiên bản khác nhau của dự thảo để so sánh (from, to).",
			"comparing needs two different versions of the draft (from, to)")
	}
	a, b := st.Documents[from], st.Documents[to]
	if a == nil || b == nil {
		return nil, meeting.Errorf(meeting.NotFound, "Không có phiên bản cần so sánh.", "a version to compare is missing")
	}
	if (a.Secrecy().Secret() || b.Secrecy().Secret()) && !st.OnDraftTeam(p.ID, dr) {
		return nil, meeting.Errorf(meeting.Forbidden,
			"Dự thảo mật chỉ ban soạn thảo mới được so sánh văn bản.",
			"only the drafting team may compare the text of a secret draft")
	}
	wa, err := d.pageWords(ctx, a)
	if err != nil {
		return nil, err
	}
	wb, err := d.pageWords(ctx, b)
	if err != nil {
		return nil, err
	}
	return &Comparison{Draft: dr.ID, From: from, To: to, FromVersion: fv, ToVersion: tv, Pages: pdf.ComparePages(wa, wb)}, nil
}

// pageWords reads a stored document's words page by page.
func (d *Documents) pageWords(ctx context.Context, doc *meeting.Document) ([][]string, error) {
	f, err := d.openBlob(ctx, doc.SHA256, doc.Title)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, d.engine.Config().MaxBytes+1))
	if err != nil {
		return nil, unavailable(err, "Không thể đọc tài liệu", "cannot read the document")
	}
	return d.engine.PageWords(ctx, bytes.NewReader(b))
}
