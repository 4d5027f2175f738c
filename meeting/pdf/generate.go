package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dais-meeting/dais/meeting"
)

const opGenerate = "generate"

// defaultBody is the text of generated pages when none is given.
var defaultBody = []string{
	"Căn cứ Luật Tổ chức chính quyền địa phương, Ủy ban nhân dân tỉnh báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế – xã hội năm 2026 và phương hướng, nhiệm vụ năm 2027. Tổng sản phẩm trên địa bàn tăng 7,8% so với cùng kỳ; thu ngân sách nhà nước đạt 104% dự toán.",
	"Đảng bộ tỉnh tiếp tục lãnh đạo thực hiện có hiệu quả các khâu đột phá chiến lược: hoàn thiện hạ tầng giao thông, nâng cao chất lượng nguồn nhân lực, đẩy mạnh chuyển đổi số trong cơ quan nhà nước; bảo đảm quốc phòng, an ninh và trật tự, an toàn xã hội.",
	"Đề nghị các đại biểu nghiên cứu, cho ý kiến về dự thảo Nghị quyết; những nội dung còn ý kiến khác nhau sẽ được Chủ tọa đưa ra biểu quyết tại phiên họp. Ý kiến tán thành, không tán thành hoặc không biểu quyết được ghi vào biên bản.",
}

// Generate writes a real multi-page Vietnamese document to dst: a title page
// and pages-1 numbered pages of text taken in turn from body (a default
// Vietnamese text when body is empty). It is used by the demo seed and by
// tests and benchmarks.
func (e *Engine) Generate(ctx context.Context, dst io.Writer, title string, pages int, body []string) error {
	if pages < 1 || pages > e.cfg.MaxPages {
		return meeting.Errorf(meeting.Invalid, "Số trang phải từ 1 đến %d (nhận được %d).",
			"the page count must be between 1 and %d (got %d)", e.cfg.MaxPages, pages)
	}
	if strings.TrimSpace(title) == "" {
		return meeting.Errorf(meeting.Invalid, "Tài liệu cần có tiêu đề.", "the document needs a title")
	}
	if len(body) == 0 {
		body = defaultBody
	}
	var out bytes.Buffer
	err := e.do(ctx, opGenerate, opOutput, func() error {
		return generate(&out, title, pages, body)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write generated document: %w", err)
	}
	return nil
}

func generate(w io.Writer, title string, pages int, body []string) error {
	c, err := newCanvas()
	if err != nil {
		return err
	}
	f := newFlow(c, func(n, total int) string { return fmt.Sprintf("Trang %d/%d", n, total) })

	// Title page.
	f.newPage()
	f.y = a4Height - 250
	if err := f.centred(bold, 24, navy, title); err != nil {
		return err
	}
	f.space(24)
	if err := f.centred(regular, 13, black, fmt.Sprintf("Tài liệu gồm %d trang", pages)); err != nil {
		return err
	}

	// Text pages: each holds as many lines as fit, taken from body in turn.
	const size, lh = 11.0, 11.0 * 1.45
	wrapped := make([][]string, len(body))
	for i, b := range body {
		if wrapped[i], err = wrap(regular, size, f.width(), b); err != nil {
			return err
		}
	}
	next := 0
	for n := 2; n <= pages; n++ {
		p := c.addPage(a4Width, a4Height)
		y := a4Height - f.margin - 10
		if err := p.text(bold, 13, navy, f.margin, y, fmt.Sprintf("%s — Phần %d", title, n-1)); err != nil {
			return err
		}
		y -= 30
		for y > f.margin+40 {
			for _, l := range wrapped[next%len(wrapped)] {
				if y <= f.margin+40 {
					break
				}
				if err := p.text(regular, size, black, f.margin, y, l); err != nil {
					return err
				}
				y -= lh
			}
			next++
			y -= lh / 2
		}
	}
	if err := f.finish(); err != nil {
		return err
	}
	return c.write(w)
}
