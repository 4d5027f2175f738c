package documents_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/pdf/hostile"
	"github.com/dais-meeting/dais/meeting/pdf/prescan"
)

// TestUploadRemovesActiveContent uploads every file of the hostile corpus
// that holds JavaScript, embedded files or XFA, with the meeting's default
// (remove): the document registered says what was removed, and the file a
// reader downloads — extracted object by object, every stream decoded —
// holds none of it.
func TestUploadRemovesActiveContent(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	n := 0
	for _, c := range hostile.Cases() {
		if c.Class != "active" {
			continue
		}
		n++
		t.Run(c.Name, func(t *testing.T) {
			src := c.Load(corpusDir)
			doc := upload(t, fx, src, c.Name, false)
			if !slices.Equal(doc.Removed, c.Want.Removed) {
				t.Errorf("Removed = %q, want %q", doc.Removed, c.Want.Removed)
			}
			if got := fx.State(t).Documents[doc.ID]; got == nil || !slices.Equal(got.Removed, c.Want.Removed) {
				t.Errorf("the meeting's document = %+v, want removed %q", got, c.Want.Removed)
			}
			f, err := fx.Docs.Open(ctx, fx.Session(d1), doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored := readAll(t, f)
			sum := sha256.Sum256(stored)
			if hex.EncodeToString(sum[:]) != doc.SHA256 || int64(len(stored)) != doc.Size {
				t.Errorf("the file served is not the one registered")
			}
			if bytes.Equal(stored, src) {
				t.Fatal("the original was stored")
			}
			wantNoActive(t, stored)
		})
	}
	if n < 10 {
		t.Fatalf("only %d active-content files in the corpus", n)
	}
}

// wantNoActive fails when b, read by pdfcpu with every object stream
// expanded and every stream decoded, holds a trace of active content.
func wantNoActive(t *testing.T, b []byte) {
	t.Helper()
	rep, err := prescan.Scan(context.Background(), b, prescan.Limits{})
	if err != nil || rep.Active != 0 {
		t.Errorf("scan of the stored file: %+v, %v", rep, err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	pctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		t.Fatalf("pdfcpu cannot read the stored file: %v", err)
	}
	badKeys := []string{"JS", "JavaScript", "AA", "EmbeddedFiles", "EF", "AF", "XFA"}
	badNames := []string{"JavaScript", "Launch", "FileAttachment", "EmbeddedFile", "RichMedia"}
	badText := []string{"app.alert", "this.print", "event.rc", "calc.exe", "cmd.exe", "MZ", "PK not", "<xdp", "<template", "javascript:"}
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		if depth > 100 {
			return
		}
		switch v := o.(type) {
		case types.Dict:
			for k, x := range v {
				if slices.Contains(badKeys, k) {
					t.Errorf("the stored file has /%s", k)
				}
				walk(x, depth+1)
			}
		case types.StreamDict:
			walk(v.Dict, depth+1)
			if err := v.Decode(); err == nil {
				for _, s := range badText {
					if bytes.Contains(v.Content, []byte(s)) {
						t.Errorf("a stream of the stored file holds %q", s)
					}
				}
			}
		case types.Array:
			for _, x := range v {
				walk(x, depth+1)
			}
		case types.Name:
			if slices.Contains(badNames, string(v)) {
				t.Errorf("the stored file names /%s", v)
			}
		case types.StringLiteral:
			for _, s := range badText {
				if strings.Contains(string(v), s) {
					t.Errorf("a string of the stored file holds %q", s)
				}
			}
		}
	}
	for _, e := range pctx.XRefTable.Table {
		if e != nil && !e.Free {
			walk(e.Object, 0)
		}
	}
}

// TestUploadRefusesActiveContent: in a meeting whose secretary chose
// "refuse", a file with active content is refused, naming what it holds,
// and nothing is stored; a clean file is still taken.
func TestUploadRefusesActiveContent(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	fx.Execute(t, sec, meeting.UpdateMeeting{ActiveContent: meeting.ActiveContentRefuse})
	for _, name := range []string{"js-openaction", "embedded-files", "xfa", "all-active"} {
		t.Run(name, func(t *testing.T) {
			c := hostileCase(t, name)
			before := fx.State(t).Version
			_, err := fx.Docs.Upload(context.Background(), fx.Session(sec), bytes.NewReader(c.Load(corpusDir)), name, false, nil)
			me := wantCode(t, err, meeting.Invalid)
			if pdf.RefusalReason(err) != pdf.ReasonActive || !strings.Contains(me.MessageVI, "nội dung chủ động") {
				t.Errorf("refusal %v (%q), want the active-content one", err, me.MessageVI)
			}
			for _, k := range c.Want.Removed {
				if !strings.Contains(me.Message, k) {
					t.Errorf("the refusal %q does not name %s", me.Message, k)
				}
			}
			if n := fx.Blobs(t); n != 0 {
				t.Errorf("%d blobs stored after the refusal", n)
			}
			if n := fx.Leftovers(t); n != 0 {
				t.Errorf("%d temporary files left behind", n)
			}
			if v := fx.State(t).Version; v != before {
				t.Errorf("the meeting changed: version %d → %d", before, v)
			}
		})
	}
	doc := upload(t, fx, hostileCase(t, "clean").Load(corpusDir), "Sạch", false)
	if len(doc.Removed) != 0 {
		t.Errorf("a clean file had %q removed", doc.Removed)
	}
}

// TestUploadRefusesHostile: a hostile file is refused by the upload with
// its reason, and leaves nothing behind.
func TestUploadRefusesHostile(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	for _, name := range []string{"depth-content", "bomb-flate2-objstm", "page-zero-area", "objects-objstm-n"} {
		t.Run(name, func(t *testing.T) {
			c := hostileCase(t, name)
			before := fx.State(t).Version
			_, err := fx.Docs.Upload(context.Background(), fx.Session(sec), bytes.NewReader(c.Load(corpusDir)), name, false, nil)
			wantCode(t, err, meeting.Invalid)
			if got := pdf.RefusalReason(err); got != c.Want.Refused {
				t.Errorf("refused for %q (%v), want %q", got, err, c.Want.Refused)
			}
			if n := fx.Blobs(t); n != 0 {
				t.Errorf("%d blobs stored after the refusal", n)
			}
			if n := fx.Leftovers(t); n != 0 {
				t.Errorf("%d temporary files left behind", n)
			}
			if v := fx.State(t).Version; v != before {
				t.Errorf("the meeting changed: version %d → %d", before, v)
			}
		})
	}
}

// corpusDir holds the committed files of the hostile corpus.
const corpusDir = "../pdf/testdata/hostile"

func hostileCase(t *testing.T, name string) hostile.Case {
	t.Helper()
	for _, c := range hostile.Cases() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no case %q in the corpus", name)
	return hostile.Case{}
}
