package pdf

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

const opSanitize = "sanitize"

// Sanitize writes to w the PDF in r without its active content:
// JavaScript and the actions that run or fetch something (document, page,
// annotation, outline and form-field actions, /OpenAction, /AA, the
// /JavaScript name tree, javascript: URIs, Launch, ImportData,
// RichMediaExecute, GoToE), embedded files (the /EmbeddedFiles name tree,
// file attachment and rich-media annotations, /EF, /AF) and XFA
// (/AcroForm /XFA). The file is rewritten whole (earlier revisions are
// dropped) and its output scanned again: Sanitize fails rather than return
// a file that still names any of them. It returns what the input held.
// r must be a PDF that Validate accepted.
func (e *Engine) Sanitize(ctx context.Context, r io.ReadSeeker, w io.Writer) (prescan.Active, error) {
	b, err := e.readAll(r)
	if err != nil {
		return 0, err
	}
	var out bytes.Buffer
	var found prescan.Active
	sctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	err = e.do(ctx, opSanitize, opInput, func() error {
		var err error
		found, err = e.sanitize(sctx, b, &out)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return 0, failure(err, opSanitize)
	}
	return found, nil
}

func (e *Engine) sanitize(ctx context.Context, b []byte, w *bytes.Buffer) (prescan.Active, error) {
	rep, err := prescan.Scan(ctx, b, e.scanLimits())
	if err != nil {
		return 0, e.hostile(err)
	}
	conf := e.newConf()
	conf.Optimize = false
	conf.Cmd = model.VALIDATE
	pctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		return 0, corrupt(err)
	}
	if err := api.ValidateContext(pctx); err != nil {
		return 0, corrupt(err)
	}
	c := &cleaner{xt: pctx.XRefTable, seen: map[int]bool{}}
	// pdfcpu keeps the catalog's name trees apart and writes them back.
	for k, kind := range map[string]prescan.Active{"JavaScript": prescan.JavaScript, "EmbeddedFiles": prescan.EmbeddedFiles} {
		if _, ok := pctx.XRefTable.Names[k]; ok {
			delete(pctx.XRefTable.Names, k)
			c.found |= kind
		}
	}
	for objNr, entry := range pctx.XRefTable.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		if sd, ok := entry.Object.(types.StreamDict); ok && isEmbeddedFile(sd.Dict) {
			entry.Object = types.Dict{}
			c.found |= prescan.EmbeddedFiles
			continue
		}
		c.seen[objNr] = true
		c.walk(entry.Object, 0)
	}
	if err := api.WriteContext(pctx, w); err != nil {
		return 0, corrupt(err)
	}
	// What was written must name none of it.
	after, err := prescan.Scan(ctx, w.Bytes(), e.scanLimits())
	if err != nil {
		return 0, e.hostile(err)
	}
	if after.Active != 0 {
		return 0, withReason(meeting.Errorf(meeting.Invalid,
			"Không thể gỡ bỏ hết nội dung chủ động (%[1]s) khỏi tệp PDF; tệp bị từ chối.",
			"the active content (%[2]s) could not all be removed from the PDF; the file is refused",
			kindsVI(after.Active), strings.Join(Kinds(after.Active), ", ")), ReasonActive, nil)
	}
	return rep.Active | c.found, nil
}

// Kinds names the kinds of active content in a, in the order of
// meeting.Removed*.
func Kinds(a prescan.Active) []string {
	var out []string
	if a&prescan.JavaScript != 0 {
		out = append(out, meeting.RemovedJavaScript)
	}
	if a&prescan.EmbeddedFiles != 0 {
		out = append(out, meeting.RemovedEmbeddedFiles)
	}
	if a&prescan.XFA != 0 {
		out = append(out, meeting.RemovedXFA)
	}
	return out
}

func kindsVI(a prescan.Active) string {
	var out []string
	if a&prescan.JavaScript != 0 {
		out = append(out, "mã JavaScript")
	}
	if a&prescan.EmbeddedFiles != 0 {
		out = append(out, "tệp đính kèm")
	}
	if a&prescan.XFA != 0 {
		out = append(out, "biểu mẫu XFA")
	}
	return strings.Join(out, ", ")
}

// ActiveRefused is the refusal of a file holding active content in a
// meeting that refuses it.
func ActiveRefused(a prescan.Active) error {
	return withReason(meeting.Errorf(meeting.Invalid,
		"Tệp PDF chứa nội dung chủ động (%[1]s) mà hội nghị này không nhận; hãy gỡ bỏ rồi tải lên lại.",
		"the PDF holds active content (%[2]s), which this meeting does not accept; remove it and upload again",
		kindsVI(a), strings.Join(Kinds(a), ", ")), ReasonActive, nil)
}

// dangerousActions are the action types removed as "javascript".
var dangerousActions = map[string]bool{
	"JavaScript": true, "Launch": true, "ImportData": true, "RichMediaExecute": true, "GoToE": true,
}

// cleaner removes active content from the objects of a document.
type cleaner struct {
	xt    *model.XRefTable
	found prescan.Active
	seen  map[int]bool
}

// maxWalkDepth bounds the walk of direct objects (pdfcpu's parse is
// bounded at 100).
const maxWalkDepth = 200

// resolve dereferences o, or returns nil.
func (c *cleaner) resolve(o types.Object) types.Object {
	v, err := c.xt.Dereference(o)
	if err != nil {
		return nil
	}
	return v
}

// dangerous reports whether o (dereferenced) is an action to remove.
func (c *cleaner) dangerous(o types.Object) bool {
	d, ok := c.resolve(o).(types.Dict)
	if !ok {
		if sd, ok := c.resolve(o).(types.StreamDict); ok {
			d = sd.Dict
		} else {
			return false
		}
	}
	return isDangerous(d)
}

func isDangerous(d types.Dict) bool {
	if _, ok := d["JS"]; ok {
		return true
	}
	s, ok := d["S"].(types.Name)
	if !ok {
		return false
	}
	if dangerousActions[string(s)] {
		return true
	}
	if s == "URI" {
		if u, ok := d["URI"].(types.StringLiteral); ok {
			t, err := types.StringLiteralToString(u)
			if err == nil && strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "javascript:") {
				return true
			}
		}
	}
	return false
}

func isEmbeddedFile(d types.Dict) bool {
	t, _ := d["Type"].(types.Name)
	return t == "EmbeddedFile"
}

func isAttachmentAnnot(d types.Dict) bool {
	s, _ := d["Subtype"].(types.Name)
	return s == "FileAttachment" || s == "RichMedia"
}

func (c *cleaner) walk(o types.Object, depth int) {
	if depth > maxWalkDepth {
		return
	}
	switch v := o.(type) {
	case types.Dict:
		c.clean(v, depth)
	case types.StreamDict:
		c.clean(v.Dict, depth)
	case types.Array:
		for _, x := range v {
			c.walk(x, depth+1)
		}
	}
}

// clean removes the active content held by dictionary d, then walks its
// values.
func (c *cleaner) clean(d types.Dict, depth int) {
	if isDangerous(d) {
		for k := range d {
			delete(d, k)
		}
		c.found |= prescan.JavaScript
		return
	}
	if isAttachmentAnnot(d) {
		for k := range d {
			delete(d, k)
		}
		c.found |= prescan.EmbeddedFiles
		return
	}
	if _, ok := d["AA"]; ok {
		delete(d, "AA")
		c.found |= prescan.JavaScript
	}
	for _, k := range []string{"OpenAction", "A", "PA"} {
		if v, ok := d[k]; ok && c.dangerous(v) {
			delete(d, k)
			c.found |= prescan.JavaScript
		}
	}
	if v, ok := d["Next"]; ok {
		if a, ok := c.resolve(v).(types.Array); ok {
			keep := types.Array{}
			for _, x := range a {
				if c.dangerous(x) {
					c.found |= prescan.JavaScript
					continue
				}
				keep = append(keep, x)
			}
			d["Next"] = keep
		} else if c.dangerous(v) {
			delete(d, "Next")
			c.found |= prescan.JavaScript
		}
	}
	if n, ok := c.resolve(d["Names"]).(types.Dict); ok {
		if _, ok := n["JavaScript"]; ok {
			delete(n, "JavaScript")
			c.found |= prescan.JavaScript
		}
		if _, ok := n["EmbeddedFiles"]; ok {
			delete(n, "EmbeddedFiles")
			c.found |= prescan.EmbeddedFiles
		}
	}
	for _, k := range []string{"EF", "RF", "AF", "Collection"} {
		if _, ok := d[k]; ok {
			delete(d, k)
			c.found |= prescan.EmbeddedFiles
		}
	}
	if _, ok := d["XFA"]; ok {
		delete(d, "XFA")
		c.found |= prescan.XFA
	}
	delete(d, "NeedsRendering")
	if v, ok := d["Annots"]; ok {
		if a, ok := c.resolve(v).(types.Array); ok {
			keep := types.Array{}
			for _, x := range a {
				if ad, ok := c.resolve(x).(types.Dict); ok && isAttachmentAnnot(ad) {
					c.found |= prescan.EmbeddedFiles
					continue
				}
				keep = append(keep, x)
			}
			if ir, ok := v.(types.IndirectRef); ok {
				if e, ok := c.xt.FindTableEntryForIndRef(&ir); ok {
					e.Object = keep
				}
			} else {
				d["Annots"] = keep
			}
		}
	}
	for _, v := range d {
		c.walk(v, depth+1)
	}
}
