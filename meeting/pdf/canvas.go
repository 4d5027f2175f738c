package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/unicode/norm"
)

// A4 in points.
const (
	a4Width  = 595.28
	a4Height = 841.89
)

// rgb is a colour with components in 0..1.
type rgb struct{ R, G, B float64 }

var (
	black = rgb{0, 0, 0}
	grey  = rgb{0.4, 0.4, 0.4}
	navy  = rgb{0.1, 0.2, 0.45}
	red   = rgb{0.75, 0.05, 0.05}
)

// parseColor reads "#RRGGBB".
func parseColor(s string) (rgb, error) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, fmt.Errorf("colour %q is not #RRGGBB", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, fmt.Errorf("colour %q is not #RRGGBB", s)
	}
	return rgb{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}, nil
}

// face is one of our embedded fonts.
type face struct {
	name string // installed pdfcpu font name
	res  string // resource name in the page's font dictionary
}

var (
	regular = face{fontRegular, "F1"}
	bold    = face{fontBold, "F2"}
)

// canvas builds a new PDF page by page on pdfcpu's object model, with our
// fonts embedded as subsets (with ToUnicode, so text can be extracted).
// Coordinates are PDF points from the page's bottom-left corner. A canvas
// is used by one goroutine.
type canvas struct {
	ctx   *model.Context
	pages []*page
	used  map[face]bool
	// runes maps, per font, each glyph id drawn to the letter it shows:
	// the ToUnicode map that makes the text extractable.
	runes map[face]map[uint16]rune
}

// page is one page of a canvas: its size and content stream.
type page struct {
	c    *canvas
	w, h float64
	buf  bytes.Buffer
	gs   map[string]string // ExtGState name -> dictionary source
}

func newCanvas() (*canvas, error) {
	conf := model.NewDefaultConfiguration()
	ctx, err := pdfcpu.CreateContextWithXRefTable(conf, &types.Dim{Width: a4Width, Height: a4Height})
	if err != nil {
		return nil, fmt.Errorf("create PDF context: %w", err)
	}
	return &canvas{ctx: ctx, used: map[face]bool{}, runes: map[face]map[uint16]rune{}}, nil
}

// addPage appends a page of w×h points.
func (c *canvas) addPage(w, h float64) *page {
	p := &page{c: c, w: w, h: h, gs: map[string]string{}}
	c.pages = append(c.pages, p)
	return p
}

// nfc normalises s to NFC and drops control characters other than newline.
func nfc(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
}

// textWidth is the width of s in f at size points.
func textWidth(f face, size float64, s string) (float64, error) {
	return font.TextWidthFloat(s, f.name, size)
}

// text draws one line of s with its baseline starting at (x, y).
func (p *page) text(f face, size float64, col rgb, x, y float64, s string) error {
	s = nfc(s)
	if strings.TrimSpace(s) == "" {
		return nil
	}
	enc, err := model.PrepBytes(p.c.ctx.XRefTable, s, f.name, true, false, false)
	if err != nil {
		return fmt.Errorf("encode text %q: %w", s, err)
	}
	if err := p.c.noteRunes(f, s); err != nil {
		return err
	}
	fmt.Fprintf(&p.buf, "BT /%s %s Tf %s %s %s rg %s %s Td (%s) Tj ET\n",
		f.res, num(size), num(col.R), num(col.G), num(col.B), num(x), num(y), enc)
	return nil
}

// noteRunes records which glyph shows each letter of s.
func (c *canvas) noteRunes(f face, s string) error {
	c.used[f] = true
	ttf, ok, err := font.UserFont(f.name)
	if err != nil || !ok {
		return fmt.Errorf("font %s not installed (%v)", f.name, err)
	}
	m := c.runes[f]
	if m == nil {
		m = map[uint16]rune{}
		c.runes[f] = m
	}
	for _, r := range s {
		if gid, ok := ttf.Chars[uint32(r)]; ok {
			if _, seen := m[gid]; !seen {
				m[gid] = r
			}
		}
	}
	return nil
}

// fixToUnicode replaces the ToUnicode map pdfcpu wrote for the font
// dictionary at ref with one made from the glyphs drawn. pdfcpu v0.15.0
// miscounts the entries of every block after the first hundred glyphs, and
// poppler then loses letters (seen with the em dash).
func (c *canvas) fixToUnicode(f face, ref *types.IndirectRef) error {
	xt := c.ctx.XRefTable
	d, err := xt.DereferenceDict(*ref)
	if err != nil || d == nil {
		return fmt.Errorf("font %s: dictionary: %v", f.name, err)
	}
	tu := d.IndirectRefEntry("ToUnicode")
	if tu == nil {
		return nil
	}
	entry, ok := xt.FindTableEntryForIndRef(tu)
	if !ok || entry == nil {
		return fmt.Errorf("font %s: ToUnicode object missing", f.name)
	}
	gids := make([]int, 0, len(c.runes[f]))
	for gid := range c.runes[f] {
		gids = append(gids, int(gid))
	}
	sort.Ints(gids)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for start := 0; start < len(gids); start += 100 {
		chunk := gids[start:min(start+100, len(gids))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, gid := range chunk {
			fmt.Fprintf(&b, "<%04X> <", gid)
			for _, u := range utf16.Encode([]rune{c.runes[f][uint16(gid)]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	sd, err := xt.NewStreamDictForBuf(b.Bytes())
	if err != nil {
		return err
	}
	if err := sd.Encode(); err != nil {
		return err
	}
	entry.Object = *sd
	return nil
}

// opacity returns the name of a graphics state with fill and stroke alpha a
// (and the Multiply blend mode when multiply is set).
func (p *page) opacity(a float64, multiply bool) string {
	name := "GS" + strconv.Itoa(int(math.Round(a*100)))
	src := fmt.Sprintf("ca %s CA %s", num(a), num(a))
	if multiply {
		name += "M"
		src += " BM Multiply"
	}
	p.gs[name] = src
	return name
}

// fillRect fills a rectangle, with alpha a (1 is opaque).
func (p *page) fillRect(col rgb, a, x, y, w, h float64, multiply bool) {
	fmt.Fprintf(&p.buf, "q /%s gs %s %s %s rg %s %s %s %s re f Q\n",
		p.opacity(a, multiply), num(col.R), num(col.G), num(col.B), num(x), num(y), num(w), num(h))
}

// strokeRect outlines a rectangle.
func (p *page) strokeRect(col rgb, width, x, y, w, h float64) {
	fmt.Fprintf(&p.buf, "q %s w %s %s %s RG %s %s %s %s re S Q\n",
		num(width), num(col.R), num(col.G), num(col.B), num(x), num(y), num(w), num(h))
}

// line strokes a straight line.
func (p *page) line(col rgb, width, x0, y0, x1, y1 float64) {
	p.polyline(col, 1, width, [][2]float64{{x0, y0}, {x1, y1}})
}

// polyline strokes a path through pts with round joins and caps.
func (p *page) polyline(col rgb, a, width float64, pts [][2]float64) {
	if len(pts) == 0 {
		return
	}
	fmt.Fprintf(&p.buf, "q /%s gs 1 J 1 j %s w %s %s %s RG %s %s m",
		p.opacity(a, false), num(width), num(col.R), num(col.G), num(col.B), num(pts[0][0]), num(pts[0][1]))
	if len(pts) == 1 { // a dot
		fmt.Fprintf(&p.buf, " %s %s l", num(pts[0][0]), num(pts[0][1]))
	}
	for _, pt := range pts[1:] {
		fmt.Fprintf(&p.buf, " %s %s l", num(pt[0]), num(pt[1]))
	}
	p.buf.WriteString(" S Q\n")
}

// num formats a coordinate compactly.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return strconv.FormatFloat(math.Round(f*1000)/1000, 'f', -1, 64)
}

// write finishes the document (fonts, page tree, resources) and writes it
// to w. The canvas cannot be used afterwards.
func (c *canvas) write(w io.Writer) error {
	if len(c.pages) == 0 {
		return errors.New("a PDF needs at least one page")
	}
	xt := c.ctx.XRefTable
	// The font dictionaries are made once every text is encoded: the
	// embedded subsets hold exactly the glyphs used.
	fonts := types.Dict{}
	for _, f := range []face{regular, bold} {
		if !c.used[f] {
			continue
		}
		ir, err := pdffont.EnsureFontDict(xt, f.name, "", "", false, nil)
		if err != nil {
			return fmt.Errorf("embed font %s: %w", f.name, err)
		}
		if err := c.fixToUnicode(f, ir); err != nil {
			return err
		}
		fonts.Insert(f.res, *ir)
	}
	pagesRef, err := xt.Pages()
	if err != nil || pagesRef == nil {
		return fmt.Errorf("page tree: %v", err)
	}
	pagesDict, err := xt.DereferenceDict(*pagesRef)
	if err != nil || pagesDict == nil {
		return fmt.Errorf("page tree: %v", err)
	}
	kids := types.Array{}
	for i, p := range c.pages {
		sd, err := xt.NewStreamDictForBuf(p.buf.Bytes())
		if err != nil {
			return fmt.Errorf("page %d: content: %w", i+1, err)
		}
		if err := sd.Encode(); err != nil {
			return fmt.Errorf("page %d: compress content: %w", i+1, err)
		}
		contentRef, err := xt.IndRefForNewObject(*sd)
		if err != nil {
			return fmt.Errorf("page %d: content: %w", i+1, err)
		}
		res := types.Dict{}
		if len(fonts) > 0 {
			res.Insert("Font", fonts)
		}
		if len(p.gs) > 0 {
			gs := types.Dict{}
			for name, src := range p.gs {
				gs.Insert(name, gsDict(src))
			}
			res.Insert("ExtGState", gs)
		}
		pd := types.Dict{
			"Type":      types.Name("Page"),
			"Parent":    *pagesRef,
			"MediaBox":  types.RectForDim(p.w, p.h).Array(),
			"Resources": res,
			"Contents":  *contentRef,
		}
		ref, err := xt.IndRefForNewObject(pd)
		if err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
		kids = append(kids, *ref)
	}
	pagesDict.Update("Kids", kids)
	pagesDict.Update("Count", types.Integer(len(kids)))
	xt.PageCount = len(kids)
	if err := api.WriteContext(c.ctx, w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// gsDict builds an ExtGState dictionary from "key value key value …".
func gsDict(src string) types.Dict {
	d := types.Dict{"Type": types.Name("ExtGState")}
	f := strings.Fields(src)
	for i := 0; i+1 < len(f); i += 2 {
		if v, err := strconv.ParseFloat(f[i+1], 64); err == nil {
			d.Insert(f[i], types.Float(v))
		} else {
			d.Insert(f[i], types.Name(f[i+1]))
		}
	}
	return d
}

// wrap breaks s into lines no wider than width in f at size; existing
// newlines are kept. A word longer than a line is cut between letters.
func wrap(f face, size, width float64, s string) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(nfc(s), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		cur := ""
		for _, word := range words {
			cand := word
			if cur != "" {
				cand = cur + " " + word
			}
			wd, err := textWidth(f, size, cand)
			if err != nil {
				return nil, err
			}
			if wd <= width {
				cur = cand
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			// The word alone may still be too wide: cut it.
			cur = ""
			for _, r := range word {
				cand := cur + string(r)
				wd, err := textWidth(f, size, cand)
				if err != nil {
					return nil, err
				}
				if wd > width && cur != "" {
					lines = append(lines, cur)
					cand = string(r)
				}
				cur = cand
			}
		}
		lines = append(lines, cur)
	}
	return lines, nil
}
