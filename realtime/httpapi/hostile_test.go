package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf/hostile"
)

// TestUploadHostileHTTP: over HTTP, a hostile PDF is answered 400 with
// the Vietnamese and English reason and stores nothing; a PDF with
// JavaScript is answered 201 with the document that says what was removed.
func TestUploadHostileHTTP(t *testing.T) {
	s := newDocServer(t)
	dir := filepath.Join("..", "..", "meeting", "pdf", "testdata", "hostile")
	load := func(name string) []byte {
		for _, c := range hostile.Cases() {
			if c.Name == name {
				return c.Load(dir)
			}
		}
		t.Fatalf("no case %q", name)
		return nil
	}
	for _, tt := range []struct{ file, vi string }{
		{"depth-content", "lồng nhau quá sâu"},
		{"bomb-flate2-objstm", "giải nén vượt quá"},
		{"page-zero-area", "kích thước bất thường"},
		{"objects-objstm-n", "quá nhiều đối tượng"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			before := s.State(t).Version
			resp, body := s.do(t, documentstest.Secretary, "POST", "/documents?title=x", bytes.NewReader(load(tt.file)), "Content-Type", "application/pdf")
			e := wantStatus(t, resp, body, http.StatusBadRequest)
			if e.Code != meeting.Invalid || !strings.Contains(e.MessageVI, tt.vi) {
				t.Errorf("error %+v, want invalid with %q", e, tt.vi)
			}
			if n := s.Blobs(t); n != 0 {
				t.Errorf("%d blobs stored", n)
			}
			if v := s.State(t).Version; v != before {
				t.Errorf("the meeting changed: %d → %d", before, v)
			}
		})
	}
	t.Run("javascript removed", func(t *testing.T) {
		resp, body := s.do(t, documentstest.Secretary, "POST", "/documents?title=JS", bytes.NewReader(load("js-openaction")), "Content-Type", "application/pdf")
		wantStatus(t, resp, body, http.StatusCreated)
		var raw map[string]any
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		var doc meeting.Document
		json.Unmarshal(body, &doc)
		if !slices.Equal(doc.Removed, []string{meeting.RemovedJavaScript}) || raw["removed"] == nil {
			t.Fatalf("document %s, want removed [javascript]", body)
		}
	})
}
