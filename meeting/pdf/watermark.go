package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dais-meeting/dais/meeting"
)

const opWatermark = "watermark"

// maxWatermarkRunes bounds the watermark text.
const maxWatermarkRunes = 200

// Watermark copies the PDF in src to dst with text stamped on every page:
// large, diagonal and semi-transparent across the page, and small along the
// bottom edge, e.g. "TÀI LIỆU MẬT — Đại biểu Nguyễn Thị Hương — Ghế A03 —
// 03/12/2026". The stamps are a deterrent, not protection: pdfcpu can
// remove them. src should have passed Validate.
func (e *Engine) Watermark(ctx context.Context, src io.ReadSeeker, dst io.Writer, text string) error {
	text = strings.Join(strings.Fields(nfc(text)), " ")
	if text == "" {
		return meeting.Errorf(meeting.Invalid, "Thiếu nội dung dấu chìm.", "the watermark text is empty")
	}
	if n := utf8.RuneCountInString(text); n > maxWatermarkRunes {
		return meeting.Errorf(meeting.Invalid, "Nội dung dấu chìm quá dài (%d ký tự, tối đa %d).",
			"the watermark text is too long (%d characters, at most %d)", n, maxWatermarkRunes)
	}
	b, err := e.readAll(src)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	err = e.do(ctx, opWatermark, opInput, func() error {
		return e.watermark(b, &out, text)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write watermarked copy: %w", err)
	}
	return nil
}

// watermark does the pdfcpu part of Watermark; it runs inside e.do.
func (e *Engine) watermark(b []byte, w io.Writer, text string) error {
	diag, err := api.TextWatermark(text,
		"font:"+fontBold+", points:48, diagonal:1, op:0.35, fillcolor:#C00000, scale:0.9 rel",
		true, false, types.POINTS)
	if err != nil {
		return failure(err, opWatermark)
	}
	foot, err := api.TextWatermark(text,
		"font:"+fontRegular+", points:9, pos:bc, off:0 14, rot:0, op:0.35, fillcolor:#C00000, scale:1 abs",
		true, false, types.POINTS)
	if err != nil {
		return failure(err, opWatermark)
	}
	conf := e.newConf()
	conf.Cmd = model.ADDWATERMARKS
	conf.OptimizeDuplicateContentStreams = false
	pctx, err := api.ReadValidateAndOptimize(bytes.NewReader(b), conf)
	if err != nil {
		return corruptFor(opWatermark, err)
	}
	if err := e.checkPages(pctx); err != nil {
		return err
	}
	if err := pdfcpu.AddWatermarks(pctx, nil, diag); err != nil {
		return corruptFor(opWatermark, err)
	}
	if err := pdfcpu.AddWatermarks(pctx, nil, foot); err != nil {
		return corruptFor(opWatermark, err)
	}
	if err := api.Write(pctx, w, conf); err != nil {
		return corruptFor(opWatermark, err)
	}
	return nil
}

// checkPages refuses a document without pages or with more than MaxPages.
func (e *Engine) checkPages(pctx *model.Context) error {
	if n := pctx.PageCount; n < 1 || n > e.cfg.MaxPages {
		return meeting.Errorf(meeting.Invalid,
			"Tệp PDF có %d trang; cho phép từ 1 đến %d trang.",
			"the PDF has %d pages; from 1 to %d are allowed", n, e.cfg.MaxPages)
	}
	return nil
}

// corruptFor refuses an input that pdfcpu could not process in step what.
func corruptFor(what string, cause error) error {
	return refuse(cause,
		"Không thể xử lý tệp PDF (%s): tệp bị hỏng hoặc không được hỗ trợ.",
		"cannot process the PDF (%s): the file is damaged or not supported", what)
}
