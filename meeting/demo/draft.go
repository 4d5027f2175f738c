package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// The demo's draft for comment (góp ý dự thảo, issue 13 part 5).
const (
	// DraftID is the demo draft's id: its first version's document.
	DraftID = "du-thao-cds"
	// DraftV2 is the document of its second version.
	DraftV2 = "du-thao-cds-2"
	// DraftTitle is its title.
	DraftTitle = "Dự thảo Nghị quyết về chuyển đổi số tỉnh đến năm 2030"
	// DraftQuote is the text the first example comment quotes: the first
	// line of version 1's page 2, selected as a reader would in the viewer.
	DraftQuote = "Mục tiêu: 80% thủ tục hành chính được giải quyết trực tuyến toàn trình."
)

// The text of the draft's two versions: version 2 takes the first comment
// (100 %, "đủ điều kiện") and adds a yearly report.
var (
	draftV1 = []string{
		DraftQuote,
		"Hoàn thành kết nối cáp quang đến 100% thôn, bản trước năm 2028; mỗi xã, phường có ít nhất một điểm hỗ trợ người dân sử dụng dịch vụ công trực tuyến.",
		"Giao Ủy ban nhân dân tỉnh xây dựng kế hoạch thực hiện, bố trí kinh phí từ ngân sách tỉnh và các nguồn hợp pháp khác.",
	}
	draftV2 = []string{
		"Mục tiêu: 100% thủ tục hành chính đủ điều kiện được giải quyết trực tuyến toàn trình.",
		draftV1[1],
		"Giao Ủy ban nhân dân tỉnh xây dựng kế hoạch thực hiện, bố trí kinh phí từ ngân sách tỉnh và các nguồn hợp pháp khác; báo cáo kết quả hằng năm.",
	}
)

// quoteRect is the region of DraftQuote on page 2, in 0..1 of the page
// from its top-left corner, from the layout of pdf.Generate: A4 (595.28 ×
// 841.89 pt), margins of 56 pt, a text page's first body line set in 11 pt
// on the baseline 40 pt below the top margin (the heading's 10 pt and 30
// pt), its ascent and descent taken as 0.95 and 0.25 of the size.
var quoteRect = func() [4]float64 {
	const w, h, margin, size = 595.28, 841.89, 56.0, 11.0
	base := margin + 40
	r := func(v float64) float64 { return float64(int(v*10000+0.5)) / 10000 }
	return [4]float64{r(margin / w), r((base - 0.95*size) / h), r((w - margin) / w), r((base + 0.25*size) / h)}
}()

// SeedDraft adds the demo's draft for comment to the demo meeting st: a
// generated Vietnamese draft resolution opened for comments until four
// days after now (17:00 UTC), visible to every reader; two members'
// comments on version 1 (one on text selected on page 2, with its
// region; one on the page); then version 2, which takes the first
// comment, so that the comparison shows at once. It does nothing when the
// meeting has a draft already (a store seeded before) or is closed, and
// returns the draft's id if it made one.
func SeedDraft(ctx context.Context, svc Commands, blobs Blobs, pdfs PDFs, st *meeting.State, now time.Time) (string, error) {
	if len(st.Drafts) > 0 || st.Status == meeting.StatusClosed || st.Documents[DraftID] != nil {
		return "", nil
	}
	var secretary string
	var delegates []string
	for _, id := range st.Order {
		switch p := st.Participant(id); {
		case p == nil:
		case p.Role == meeting.RoleSecretary && secretary == "":
			secretary = p.ID
		case p.Role == meeting.RoleDelegate:
			delegates = append(delegates, p.ID)
		}
	}
	if secretary == "" || len(delegates) < 3 {
		return "", nil
	}
	// Two members comment: the second and the third delegate.
	members := delegates[1:3]
	run := func(who string, cmd meeting.Command) error {
		if _, err := svc.Execute(ctx, st.ID, meeting.Actor{Participant: who}, cmd); err != nil {
			return fmt.Errorf("demo: the draft: %s: %w", cmd.CommandName(), err)
		}
		return nil
	}
	add := func(id, title string, body []string) error {
		doc, err := makeDocument(ctx, blobs, pdfs, PlannedDocument{ID: id, Title: title, Pages: 3}, body)
		if err != nil {
			return err
		}
		return run(secretary, meeting.AddDocument{Document: doc})
	}
	if err := add(DraftID, DraftTitle, draftV1); err != nil {
		return "", err
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 17, 0, 0, 0, time.UTC)
	if err := run(secretary, meeting.OpenDraft{Document: DraftID, Deadline: day.AddDate(0, 0, 4), Visibility: meeting.DraftPublic}); err != nil {
		return "", err
	}
	rect := quoteRect
	if err := run(members[0], meeting.CommentDraft{ID: "gy-1", Document: DraftID, Page: 2, Rect: &rect, Quote: DraftQuote,
		Text: "Đề nghị nâng mục tiêu lên 100% thủ tục hành chính đủ điều kiện, phù hợp với chỉ đạo của Trung ương."}); err != nil {
		return "", err
	}
	if err := run(members[1], meeting.CommentDraft{ID: "gy-2", Document: DraftID, Page: 2,
		Text: "Cần bổ sung lộ trình và nguồn kinh phí cụ thể từng năm cho cấp huyện, cấp xã."}); err != nil {
		return "", err
	}
	if err := add(DraftV2, DraftTitle+" (2)", draftV2); err != nil {
		return "", err
	}
	if err := run(secretary, meeting.AddDraftVersion{Draft: DraftID, Document: DraftV2}); err != nil {
		return "", err
	}
	return DraftID, nil
}
