package documents_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// noteOn is a note annotation with text near the foot of a page, clear of
// the page's own text (so that pdftotext keeps its words together).
func noteOn(id, doc string, page int, text string) meeting.Annotation {
	return meeting.Annotation{ID: id, Document: doc, Page: page, Kind: meeting.AnnotationNote, Color: "#FFCC00",
		Rect: [4]float64{0.55, 0.93, 0, 0}, Text: text}
}

func TestAnnotated(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	ctx := context.Background()
	pub := upload(t, fx, fx.Generate(t, "Tờ trình công khai", 2), "Tờ trình công khai", false)
	conf := upload(t, fx, fx.Generate(t, "Báo cáo mật", 2), "Báo cáo mật", true, d1)

	const (
		mine   = "Đề nghị làm rõ nguồn vốn đầu tư"
		theirs = "Ý kiến riêng của đại biểu Đức"
		shared = "Lưu ý chung của chủ tọa"
		secret = "Chỉ mình tôi thấy ghi chú này"
	)
	fx.Execute(t, d1, meeting.SaveAnnotation{Annotation: noteOn("n1", pub.ID, 1, mine)})
	fx.Execute(t, d2, meeting.SaveAnnotation{Annotation: noteOn("n1", pub.ID, 1, theirs)})
	fx.Execute(t, chair, meeting.SaveAnnotation{Annotation: noteOn("c1", pub.ID, 2, shared), Shared: true})
	fx.Execute(t, d1, meeting.SaveAnnotation{Annotation: noteOn("n2", conf.ID, 2, secret)})

	annotated := func(t *testing.T, who, doc string) (text, etag string) {
		t.Helper()
		f, err := fx.Docs.Annotated(ctx, fx.Session(who), doc)
		if err != nil {
			t.Fatalf("Annotated as %s: %v", who, err)
		}
		etag = f.ETag
		if !strings.HasSuffix(f.Name, ".pdf") {
			t.Errorf("file name %q", f.Name)
		}
		return strings.Join(strings.Fields(documentstest.PDFText(t, readAll(t, f))), " "), etag
	}
	lacks := func(t *testing.T, text string, not ...string) {
		t.Helper()
		for _, s := range not {
			if strings.Contains(text, s) {
				t.Errorf("the copy holds %q, which is not the reader's", s)
			}
		}
	}

	var first string
	t.Run("own and shared notes, not another's", func(t *testing.T) {
		text, etag := annotated(t, d1, pub.ID)
		documentstest.WantText(t, text, "Tờ trình công khai", mine, shared)
		lacks(t, text, theirs, secret)
		if etag == pub.SHA256 || etag == "" {
			t.Errorf("ETag %q is the plain document's", etag)
		}
		first = etag
	})
	t.Run("the other delegate", func(t *testing.T) {
		text, etag := annotated(t, d2, pub.ID)
		documentstest.WantText(t, text, theirs, shared)
		lacks(t, text, mine)
		if etag == first {
			t.Error("two readers' copies share an ETag")
		}
	})
	t.Run("not even the chair sees private notes", func(t *testing.T) {
		text, _ := annotated(t, chair, pub.ID)
		documentstest.WantText(t, text, shared)
		lacks(t, text, mine, theirs)
	})
	t.Run("cached: the same ETag again", func(t *testing.T) {
		if _, etag := annotated(t, d1, pub.ID); etag != first {
			t.Errorf("ETag %q, then %q", first, etag)
		}
	})
	t.Run("a new note makes a new copy", func(t *testing.T) {
		n3 := noteOn("n3", pub.ID, 2, "Bổ sung số liệu quý IV")
		n3.Rect[0] = 0.05 // beside the shared note of that page
		fx.Execute(t, d1, meeting.SaveAnnotation{Annotation: n3})
		text, etag := annotated(t, d1, pub.ID)
		documentstest.WantText(t, text, mine, shared, "Bổ sung số liệu quý IV")
		if etag == first {
			t.Error("the ETag did not change with the annotations")
		}
		old, err := filepath.Glob(filepath.Join(fx.CacheDir, "annotated", pub.SHA256, d1+".*.pdf"))
		if err != nil || len(old) != 1 {
			t.Errorf("d1's cached copies of the document: %v (%v), want the newest only", old, err)
		}
	})
	t.Run("confidential: watermarked and annotated", func(t *testing.T) {
		text, _ := annotated(t, d1, conf.ID)
		documentstest.WantText(t, text, "TÀI LIỆU MẬT", "Nguyễn Thị Hương", secret)
		lacks(t, text, mine)
	})
	t.Run("confidential: refused to a non-reader", func(t *testing.T) {
		_, err := fx.Docs.Annotated(ctx, fx.Session(d2), conf.ID)
		wantCode(t, err, meeting.Forbidden)
	})
	t.Run("no annotations: the document as Open gives it", func(t *testing.T) {
		f, err := fx.Docs.Annotated(ctx, fx.Session(sec), conf.ID)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, f)
		g, err := fx.Docs.Open(ctx, fx.Session(sec), conf.ID)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, g)
		if f.ETag != g.ETag {
			t.Errorf("ETag %q, Open's %q", f.ETag, g.ETag)
		}
	})
	t.Run("unknown document", func(t *testing.T) {
		_, err := fx.Docs.Annotated(ctx, fx.Session(d1), "nope")
		wantCode(t, err, meeting.NotFound)
	})
	t.Run("a session of someone gone", func(t *testing.T) {
		_, err := fx.Docs.Annotated(ctx, fx.Session("ghost"), pub.ID)
		wantCode(t, err, meeting.Unauthorized)
	})
	if _, err := os.Stat(filepath.Join(fx.CacheDir, "annotated")); err != nil {
		t.Errorf("no annotated cache folder: %v", err)
	}
}
