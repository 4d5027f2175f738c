package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// fetch sends a GET with the bearer token and the headers, and returns the
// status, the body and the response's headers.
func fetch(tb testing.TB, url, token string, headers map[string]string) (int, []byte, http.Header) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := contractClient(tb).Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// refusal reads the error answer's code and reason.
func refusal(tb testing.TB, body []byte) (meeting.Code, string) {
	tb.Helper()
	var e struct {
		Error *meeting.Error `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
		tb.Fatalf("not an error answer: %s", body)
	}
	return e.Error.Code, e.Error.Reason
}

// TestSecretDocumentRoutes (issue 12) on a real node: documents uploaded
// with their level; a Tối mật document is served to the web viewer
// (X-Dais-Viewer) and refused as a plain download or an offline copy; a
// Mật document is downloaded, then taken back: the download is refused to
// a delegate (409 taken_back) and still served to the chair; the register
// (JSON and PDF) is the chair's and the secretaries'.
func TestSecretDocumentRoutes(t *testing.T) {
	n := startEdgeNode(t, config{})
	seedTestMeeting(t, n)
	ctx := context.Background()
	A := baseURL(n) + "/api/v1/meetings/" + testMeeting
	sec := tokenFor(t, n, testMeeting, "sec")
	d1 := tokenFor(t, n, testMeeting, "d1")
	chair := tokenFor(t, n, testMeeting, "chair")
	upload := func(title, level string) meeting.Document {
		var b bytes.Buffer
		if err := n.pdfs.Generate(ctx, &b, title, 2, nil); err != nil {
			t.Fatal(err)
		}
		code, body := request(t, http.MethodPost, A+"/documents?title=x&level="+level, sec, b.Bytes())
		if code != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", level, code, body)
		}
		var doc meeting.Document
		if err := json.Unmarshal(body, &doc); err != nil || string(doc.Level) != level {
			t.Fatalf("upload answered %s", body)
		}
		return doc
	}
	toiMat, mat := upload("Tối mật", "toi_mat"), upload("Mật", "mat")
	if code, body := request(t, http.MethodPost, A+"/documents?title=y&level=top", sec, []byte("%PDF-1.7")); code != http.StatusBadRequest {
		t.Fatalf("an unknown level: %d %s", code, body)
	}

	viewer := map[string]string{"X-Dais-Device": "tab-d1", "X-Dais-Viewer": "1"}
	code, body, h := fetch(t, A+"/documents/"+toiMat.ID+"/file", d1, viewer)
	if code != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("the viewer's copy: %d %q %.100s", code, h.Get("Cache-Control"), body)
	}
	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
		reason  string
	}{
		{"a plain download", map[string]string{"X-Dais-Device": "tab-d1"}, http.StatusForbidden, meeting.ReasonNoDownload},
		{"a navigation", map[string]string{"X-Dais-Viewer": "1", "Sec-Fetch-Dest": "document"}, http.StatusForbidden, meeting.ReasonNoDownload},
		{"an offline copy", map[string]string{"X-Dais-Device": "tab-d1", "X-Dais-Offline": "1"}, http.StatusForbidden, meeting.ReasonNoOffline},
		{"a malformed device", map[string]string{"X-Dais-Device": "tab d1/../x", "X-Dais-Viewer": "1"}, http.StatusBadRequest, ""},
	} {
		code, body, _ := fetch(t, A+"/documents/"+toiMat.ID+"/file", d1, c.headers)
		if code != c.status {
			t.Fatalf("%s: %d, want %d: %s", c.name, code, c.status, body)
		}
		if _, reason := refusal(t, body); reason != c.reason {
			t.Fatalf("%s: reason %q, want %q", c.name, reason, c.reason)
		}
	}
	if code, body, _ := fetch(t, A+"/documents/"+toiMat.ID+"/file", chair, nil); code != http.StatusOK {
		t.Fatalf("the chair's download: %d %s", code, body)
	}

	// Mật: downloaded, then taken back.
	if code, body, _ := fetch(t, A+"/documents/"+mat.ID+"/file", d1, map[string]string{"X-Dais-Device": "tab-d1"}); code != http.StatusOK {
		t.Fatalf("a Mật download: %d %s", code, body)
	}
	secWS := connect(t, n, "sec", sec, 0)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := secWS.c.Do(cctx, meeting.TakeBackDocument{Document: mat.ID}); err != nil {
		t.Fatal(err)
	}
	code, body, _ = fetch(t, A+"/documents/"+mat.ID+"/file", d1, map[string]string{"X-Dais-Device": "tab-d1", "X-Dais-Viewer": "1"})
	if c, reason := refusal(t, body); code != http.StatusConflict || c != meeting.Conflict || reason != meeting.ReasonTakenBack {
		t.Fatalf("after the take-back: %d %s", code, body)
	}
	if code, body, _ := fetch(t, A+"/documents/"+mat.ID+"/file", chair, nil); code != http.StatusOK {
		t.Fatalf("the chair after the take-back: %d %s", code, body)
	}

	// The register.
	if code, _, _ := fetch(t, A+"/secrecy/register", d1, nil); code != http.StatusForbidden {
		t.Fatalf("a delegate read the register: %d", code)
	}
	code, body, _ = fetch(t, A+"/secrecy/register", sec, nil)
	var reg meeting.Register
	if code != http.StatusOK || json.Unmarshal(body, &reg) != nil {
		t.Fatalf("register: %d %s", code, body)
	}
	if len(reg.Copies) != 4 || len(reg.Documents) != 2 || len(reg.Outstanding) == 0 || reg.Levels[meeting.ToiMat].Download {
		t.Fatalf("register %s", body)
	}
	out := map[string]bool{}
	for _, o := range reg.Outstanding {
		out[o.Participant+"/"+o.Device] = o.TakenBack
	}
	if !out["d1/tab-d1"] {
		t.Fatalf("d1's tablet is not among the copies out of a taken-back document: %s", body)
	}
	code, body, h = fetch(t, A+"/secrecy/register.pdf?lang=vi", chair, nil)
	if code != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("register.pdf: %d %s %.100s", code, h.Get("Content-Type"), body)
	}
}
