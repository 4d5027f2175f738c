package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dais-meeting/dais/meeting"
)

const opAnnotate = "annotate"

// maxAnnotations bounds how many annotations one copy may carry.
const maxAnnotations = 10000

// Annotate copies the PDF in src to dst with anns flattened into its pages:
// drawn as page content (highlights, ink strokes, notes with their text),
// so that every reader shows them and none can edit them. Annotations of
// other documents must be filtered out by the caller; an annotation of a
// page the document does not have is refused. src should have passed
// Validate. With no annotations dst gets an unchanged copy.
func (e *Engine) Annotate(ctx context.Context, src io.ReadSeeker, dst io.Writer, anns []meeting.Annotation) error {
	if len(anns) > maxAnnotations {
		return meeting.Errorf(meeting.Invalid, "Quá nhiều ghi chú (%d, tối đa %d).",
			"too many annotations (%d, at most %d)", len(anns), maxAnnotations)
	}
	for _, a := range anns {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	b, err := e.readAll(src)
	if err != nil {
		return err
	}
	if len(anns) == 0 {
		if _, err := dst.Write(b); err != nil {
			return fmt.Errorf("pdf: write annotated copy: %w", err)
		}
		return nil
	}
	var out bytes.Buffer
	err = e.do(ctx, opAnnotate, opInput, func() error {
		return e.annotate(b, &out, anns)
	})
	if err != nil {
		return err
	}
	if _, err := dst.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: write annotated copy: %w", err)
	}
	return nil
}

// annotate does the pdfcpu part of Annotate; it runs inside e.do. The
// annotations are drawn on an overlay PDF, one page per page from the first
// to the last annotated one, sized as each page is displayed, and the
// overlay is stamped onto the document page by page.
func (e *Engine) annotate(b []byte, w io.Writer, anns []meeting.Annotation) error {
	conf := e.newConf()
	conf.Cmd = model.ADDWATERMARKS
	conf.OptimizeDuplicateContentStreams = false
	pctx, err := api.ReadValidateAndOptimize(bytes.NewReader(b), conf)
	if err != nil {
		return corruptFor(opAnnotate, err)
	}
	if err := e.checkPages(pctx); err != nil {
		return err
	}
	dims, err := pctx.PageDims()
	if err != nil || len(dims) != pctx.PageCount {
		return corruptFor(opAnnotate, fmt.Errorf("page sizes: %v", err))
	}
	byPage := map[int][]meeting.Annotation{}
	first, last := math.MaxInt, 0
	for _, a := range anns {
		if a.Page > pctx.PageCount {
			return meeting.Errorf(meeting.Invalid, "Ghi chú %s ở trang %d, nhưng tài liệu chỉ có %d trang.",
				"annotation %s is on page %d but the document has %d pages", a.ID, a.Page, pctx.PageCount)
		}
		byPage[a.Page] = append(byPage[a.Page], a)
		first, last = min(first, a.Page), max(last, a.Page)
	}

	overlay, err := drawOverlay(dims, first, last, byPage)
	if err != nil {
		return failure(err, opAnnotate)
	}
	wm, err := api.PDFMultiWatermarkForReadSeeker(bytes.NewReader(overlay), 1, first,
		"pos:bl, off:0 0, scale:1 abs, rot:0, op:1", true, false, types.POINTS)
	if err != nil {
		return failure(err, opAnnotate)
	}
	if err := pdfcpu.AddWatermarks(pctx, nil, wm); err != nil {
		return corruptFor(opAnnotate, err)
	}
	if err := api.Write(pctx, w, conf); err != nil {
		return corruptFor(opAnnotate, err)
	}
	return nil
}

// drawOverlay draws the annotations of pages first..last on a PDF of their
// own, one page per document page.
func drawOverlay(dims []types.Dim, first, last int, byPage map[int][]meeting.Annotation) ([]byte, error) {
	c, err := newCanvas()
	if err != nil {
		return nil, err
	}
	for n := first; n <= last; n++ {
		d := dims[n-1]
		p := c.addPage(d.Width, d.Height)
		anns := byPage[n]
		// Highlights under strokes, notes on top.
		sort.SliceStable(anns, func(i, j int) bool { return kindOrder(anns[i].Kind) < kindOrder(anns[j].Kind) })
		for _, a := range anns {
			if err := drawAnnotation(p, a); err != nil {
				return nil, fmt.Errorf("annotation %s: %w", a.ID, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := c.write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func kindOrder(k meeting.AnnotationKind) int {
	switch k {
	case meeting.AnnotationHighlight:
		return 0
	case meeting.AnnotationInk:
		return 1
	}
	return 2
}

// drawAnnotation draws a on p; coordinates go from normalised top-left to
// PDF points from the bottom-left.
func drawAnnotation(p *page, a meeting.Annotation) error {
	col, err := parseColor(a.Color)
	if err != nil {
		return err
	}
	W, H := p.w, p.h
	X := func(v float64) float64 { return v * W }
	Y := func(v float64) float64 { return (1 - v) * H }
	switch a.Kind {
	case meeting.AnnotationHighlight:
		x0, y0, x1, y1 := a.Rect[0], a.Rect[1], a.Rect[2], a.Rect[3]
		p.fillRect(col, 0.35, X(x0), Y(y1), (x1-x0)*W, (y1-y0)*H, true)
	case meeting.AnnotationInk:
		pts := make([][2]float64, len(a.Points))
		for i, pt := range a.Points {
			pts[i] = [2]float64{X(pt[0]), Y(pt[1])}
		}
		p.polyline(col, 0.9, 2, pts)
	case meeting.AnnotationNote:
		return drawNote(p, col, X(a.Rect[0]), Y(a.Rect[1]), a.Text)
	}
	return nil
}

// drawNote draws a note's marker at (x, y) (its top-left corner) and its
// text in a box beside it, kept inside the page.
func drawNote(p *page, col rgb, x, y float64, text string) error {
	const (
		icon    = 10.0
		size    = 8.0
		lh      = size * 1.3
		pad     = 4.0
		maxBoxW = 200.0
	)
	// The marker.
	p.fillRect(col, 1, x, y-icon, icon, icon, false)
	p.strokeRect(black, 0.5, x, y-icon, icon, icon)

	boxW := min(maxBoxW, p.w-2*pad)
	lines, err := wrap(regular, size, boxW-2*pad, text)
	if err != nil {
		return err
	}
	// A note taller than the page is cut.
	if n := int((p.h - 2*pad) / lh); len(lines) > n {
		lines = lines[:max(n, 1)]
		lines[len(lines)-1] += " …"
	}
	// Fit the longest line.
	wmax := 0.0
	for _, l := range lines {
		w, err := textWidth(regular, size, l)
		if err != nil {
			return err
		}
		wmax = max(wmax, w)
	}
	boxW = min(boxW, wmax+2*pad)
	boxH := float64(len(lines))*lh + 2*pad
	bx := x + icon + 2
	if bx+boxW > p.w {
		bx = max(0, x-2-boxW)
	}
	by := y - boxH // bottom of the box
	if by < 0 {
		by = 0
	}
	if by+boxH > p.h {
		by = max(0, p.h-boxH)
	}
	p.fillRect(rgb{1, 0.98, 0.8}, 0.92, bx, by, boxW, boxH, false)
	p.strokeRect(col, 0.8, bx, by, boxW, boxH)
	ty := by + boxH - pad - size
	for _, l := range lines {
		if err := p.text(regular, size, black, bx+pad, ty, l); err != nil {
			return err
		}
		ty -= lh
	}
	return nil
}
