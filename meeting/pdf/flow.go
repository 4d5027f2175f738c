package pdf

import (
	"fmt"
)

// flow lays text out top to bottom on A4 pages of a canvas, starting a new
// page when the next line does not fit. Page footers are added by finish,
// when the number of pages is known.
type flow struct {
	c      *canvas
	p      *page
	y      float64 // baseline of the next line, from the bottom
	margin float64
	footer func(n, total int) string // the footer of page n of total, or nil
}

func newFlow(c *canvas, footer func(n, total int) string) *flow {
	return &flow{c: c, margin: 56, footer: footer}
}

// width is the usable width of a line.
func (f *flow) width() float64 { return a4Width - 2*f.margin }

// newPage starts a page.
func (f *flow) newPage() {
	f.p = f.c.addPage(a4Width, a4Height)
	f.y = a4Height - f.margin
}

// need starts a new page unless h more points fit on this one.
func (f *flow) need(h float64) {
	if f.p == nil || f.y-h < f.margin+20 {
		f.newPage()
	}
}

// space leaves h points of vertical space (never at the top of a page).
func (f *flow) space(h float64) {
	if f.p == nil || f.y == a4Height-f.margin {
		return
	}
	f.y -= h
}

// para writes s wrapped to the line width, indented by indent points.
func (f *flow) para(fc face, size float64, col rgb, indent float64, s string) error {
	lines, err := wrap(fc, size, f.width()-indent, s)
	if err != nil {
		return err
	}
	lh := size * 1.35
	for _, l := range lines {
		f.need(lh)
		f.y -= size
		if err := f.p.text(fc, size, col, f.margin+indent, f.y, l); err != nil {
			return err
		}
		f.y -= lh - size
	}
	return nil
}

// centred writes one line centred (wrapped when too long).
func (f *flow) centred(fc face, size float64, col rgb, s string) error {
	lines, err := wrap(fc, size, f.width(), s)
	if err != nil {
		return err
	}
	lh := size * 1.35
	for _, l := range lines {
		w, err := textWidth(fc, size, nfc(l))
		if err != nil {
			return err
		}
		f.need(lh)
		f.y -= size
		if err := f.p.text(fc, size, col, (a4Width-w)/2, f.y, l); err != nil {
			return err
		}
		f.y -= lh - size
	}
	return nil
}

// rule draws a horizontal line across the text width.
func (f *flow) rule() {
	f.need(8)
	f.y -= 4
	f.p.line(grey, 0.5, f.margin, f.y, a4Width-f.margin, f.y)
	f.y -= 4
}

// finish writes the footers.
func (f *flow) finish() error {
	if f.footer == nil {
		return nil
	}
	total := len(f.c.pages)
	for i, p := range f.c.pages {
		s := f.footer(i+1, total)
		w, err := textWidth(regular, 8, nfc(s))
		if err != nil {
			return err
		}
		if err := p.text(regular, 8, grey, (p.w-w)/2, 28, s); err != nil {
			return fmt.Errorf("footer of page %d: %w", i+1, err)
		}
	}
	return nil
}
