package pdf

// align places a cell's text in its column.
type align int

const (
	left align = iota
	right
	centre
)

// column is one column of a table: its share of the line width and how its
// cells are aligned.
type column struct {
	share float64 // the column's part of the width; the shares add up to 1
	align align
}

// tableRow is one row: its cells (one per column) and whether it is bold.
type tableRow struct {
	cells []string
	bold  bool
	// colour of the row's text; nil: black.
	colour *rgb
}

// table lays out a ruled table across the text width: the header row first
// and again at the top of every page the table continues on. Cells wrap
// inside their column; no row is split across pages.
func (f *flow) table(cols []column, size float64, header []string, rows []tableRow) error {
	const pad = 3
	lh := size * 1.3
	width := f.width()
	x := make([]float64, len(cols)+1)
	x[0] = f.margin
	for i, c := range cols {
		x[i+1] = x[i] + c.share*width
	}
	x[len(cols)] = f.margin + width // no rounding gap at the right edge
	layout := func(r tableRow) ([][]string, float64, error) {
		fc := regular
		if r.bold {
			fc = bold
		}
		lines := make([][]string, len(cols))
		n := 1
		for i := range cols {
			cell := ""
			if i < len(r.cells) {
				cell = r.cells[i]
			}
			l, err := wrap(fc, size, x[i+1]-x[i]-2*pad, cell)
			if err != nil {
				return nil, 0, err
			}
			lines[i] = l
			n = max(n, len(l))
		}
		return lines, float64(n)*lh + 2*pad, nil
	}
	draw := func(r tableRow, lines [][]string, h float64) error {
		fc := regular
		if r.bold {
			fc = bold
		}
		top := f.y
		for i, c := range cols {
			for j, l := range lines[i] {
				tx := x[i] + pad
				if c.align != left {
					w, err := textWidth(fc, size, l)
					if err != nil {
						return err
					}
					avail := x[i+1] - x[i] - 2*pad
					if c.align == right {
						tx += avail - w
					} else {
						tx += (avail - w) / 2
					}
				}
				col := black
				if r.colour != nil {
					col = *r.colour
				}
				if err := f.p.text(fc, size, col, tx, top-pad-float64(j)*lh-size, l); err != nil {
					return err
				}
			}
		}
		for _, xi := range x {
			f.p.line(grey, 0.5, xi, top, xi, top-h)
		}
		f.p.line(grey, 0.5, x[0], top, x[len(x)-1], top)
		f.p.line(grey, 0.5, x[0], top-h, x[len(x)-1], top-h)
		f.y = top - h
		return nil
	}
	head := tableRow{cells: header, bold: true}
	hl, hh, err := layout(head)
	if err != nil {
		return err
	}
	f.need(hh + lh*2 + 2*pad) // the header with at least one row
	if err := draw(head, hl, hh); err != nil {
		return err
	}
	for _, r := range rows {
		lines, h, err := layout(r)
		if err != nil {
			return err
		}
		if f.y-h < f.margin+20 {
			f.newPage()
			if err := draw(head, hl, hh); err != nil {
				return err
			}
		}
		if err := draw(r, lines, h); err != nil {
			return err
		}
	}
	return nil
}
