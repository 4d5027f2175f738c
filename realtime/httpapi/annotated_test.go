package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
)

func TestAnnotatedHTTP(t *testing.T) {
	s := newDocServer(t)
	pub := s.upload(t, s.Generate(t, "Tờ trình công khai", 2), "title=public")
	conf := s.upload(t, s.Generate(t, "Báo cáo mật", 1), "title=secret&confidential=1&readers="+documentstest.D1)
	path := func(id string) string { return "/documents/" + id + "/annotated" }
	note := func(id, doc, text string) meeting.Annotation {
		return meeting.Annotation{ID: id, Document: doc, Page: 1, Kind: meeting.AnnotationNote, Color: "#C62828",
			Rect: [4]float64{0.55, 0.93, 0, 0}, Text: text}
	}
	const mine, theirs = "Cần đối chiếu số liệu với Sở Tài chính", "Ghi chú riêng của đại biểu Đức"
	s.Execute(t, documentstest.D1, meeting.SaveAnnotation{Annotation: note("n1", pub.ID, mine)})
	s.Execute(t, documentstest.D2, meeting.SaveAnnotation{Annotation: note("n1", pub.ID, theirs)})
	text := func(b []byte) string { return strings.Join(strings.Fields(documentstest.PDFText(t, b)), " ") }

	resp, body := s.do(t, documentstest.D1, "GET", path(pub.ID), nil)
	wantStatus(t, resp, body, 200)
	got := text(body)
	documentstest.WantText(t, got, "Tờ trình công khai", mine)
	if strings.Contains(got, theirs) {
		t.Fatal("d1's copy holds d2's private note")
	}
	h := resp.Header
	etag := h.Get("ETag")
	if h.Get("Content-Type") != "application/pdf" || h.Get("Cache-Control") != "private, no-store" || etag == "" ||
		etag == `"`+pub.SHA256+`"` || h.Get("Accept-Ranges") != "bytes" || !strings.Contains(h.Get("Content-Disposition"), "inline") {
		t.Fatalf("headers = %v", h)
	}

	t.Run("revalidation", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D1, "GET", path(pub.ID), nil, "If-None-Match", etag)
		wantStatus(t, resp, body, http.StatusNotModified)
	})
	t.Run("a new note changes the ETag", func(t *testing.T) {
		n2 := note("n2", pub.ID, "Đề nghị bổ sung phụ lục")
		n2.Page = 2
		s.Execute(t, documentstest.D1, meeting.SaveAnnotation{Annotation: n2})
		resp, body := s.do(t, documentstest.D1, "GET", path(pub.ID), nil, "If-None-Match", etag)
		wantStatus(t, resp, body, 200)
		if resp.Header.Get("ETag") == etag {
			t.Fatal("same ETag after a new note")
		}
		documentstest.WantText(t, text(body), mine, "Đề nghị bổ sung phụ lục")
	})
	t.Run("the other delegate's copy", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D2, "GET", path(pub.ID), nil)
		wantStatus(t, resp, body, 200)
		got := text(body)
		documentstest.WantText(t, got, theirs)
		if strings.Contains(got, mine) {
			t.Fatal("d2's copy holds d1's private note")
		}
	})
	for _, tt := range []struct {
		name, who, doc string
		status         int
	}{
		{"confidential to a non-reader", documentstest.D2, conf.ID, 403},
		{"confidential to its reader", documentstest.D1, conf.ID, 200},
		{"unknown document", documentstest.D1, "nope", 404},
		{"no session", "", pub.ID, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.do(t, tt.who, "GET", path(tt.doc), nil)
			wantStatus(t, resp, body, tt.status)
		})
	}
}
