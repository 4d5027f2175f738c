package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// maxUpload is the upload cap of the test server.
const maxUpload = 256 << 10

// docServer is a test server with the sign-in and document routes over a
// real stack, and a token per participant.
type docServer struct {
	*documentstest.Fixture
	url    string
	tokens map[string]string
}

func newDocServer(tb testing.TB) *docServer {
	tb.Helper()
	fx := documentstest.New(tb, pdf.Config{MaxBytes: maxUpload}, documents.Config{})
	mux := http.NewServeMux()
	httpapi.New(fx.Access, nil).Register(mux)
	httpapi.NewDocuments(fx.Access, fx.Docs, maxUpload, nil).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	s := &docServer{Fixture: fx, url: srv.URL + "/api/v1/meetings/" + documentstest.MeetingID, tokens: map[string]string{}}
	for _, p := range []string{documentstest.Secretary, documentstest.Chair, documentstest.D1, documentstest.D2} {
		s.tokens[p] = fx.Token(tb, p)
	}
	return s
}

// do sends a request as participant who ("" for none) and returns the
// response with its body read.
func (s *docServer) do(tb testing.TB, who, method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+s.tokens[who])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp, b
}

// wantStatus fails unless resp has status; for an error it also checks the
// JSON error shape and returns the error.
func wantStatus(tb testing.TB, resp *http.Response, body []byte, status int) *meeting.Error {
	tb.Helper()
	if resp.StatusCode != status {
		tb.Fatalf("%s %s: status %d, want %d; body: %.500s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if status < 400 {
		return nil
	}
	var e struct {
		Error *meeting.Error `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil || e.Error.Message == "" || e.Error.MessageVI == "" {
		tb.Fatalf("error body %q is not {error:{code,message,message_vi}} (%v)", body, err)
	}
	return e.Error
}

func (s *docServer) upload(tb testing.TB, b []byte, query string) meeting.Document {
	tb.Helper()
	resp, body := s.do(tb, documentstest.Secretary, "POST", "/documents?"+query, bytes.NewReader(b), "Content-Type", "application/pdf")
	wantStatus(tb, resp, body, http.StatusCreated)
	var doc meeting.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		tb.Fatalf("decoding the document: %v", err)
	}
	return doc
}

func TestUploadHTTP(t *testing.T) {
	s := newDocServer(t)
	good := s.Generate(t, "Tờ trình", 2)
	doc := s.upload(t, good, "title=T%E1%BB%9D+tr%C3%ACnh")
	if doc.Title != "Tờ trình" || doc.Pages != 2 || doc.Size != int64(len(good)) {
		t.Fatalf("document = %+v", doc)
	}
	if s.State(t).Documents[doc.ID] == nil {
		t.Fatalf("the meeting lacks %s", doc.ID)
	}

	tests := []struct {
		name   string
		who    string
		path   string
		body   []byte
		ctype  string
		status int
		code   meeting.Code
	}{
		{"not a PDF", documentstest.Secretary, "/documents?title=x", []byte("GIF89a không phải PDF"), "application/pdf", 400, meeting.Invalid},
		{"truncated", documentstest.Secretary, "/documents?title=x", good[:len(good)/2], "application/pdf", 400, meeting.Invalid},
		{"too large", documentstest.Secretary, "/documents?title=x", bytes.Repeat([]byte("%PDF-1.7 "), maxUpload/8), "application/pdf", 400, meeting.Invalid},
		{"a form instead of the raw PDF", documentstest.Secretary, "/documents?title=x", good, "multipart/form-data; boundary=x", 400, meeting.Invalid},
		{"a delegate", documentstest.D1, "/documents?title=x", s.Generate(t, "Khác", 1), "application/pdf", 403, meeting.Forbidden},
		{"no session", "", "/documents?title=x", s.Generate(t, "Khác", 1), "application/pdf", 401, meeting.Unauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.State(t).Version
			resp, body := s.do(t, tt.who, "POST", tt.path, bytes.NewReader(tt.body), "Content-Type", tt.ctype)
			if e := wantStatus(t, resp, body, tt.status); e.Code != tt.code {
				t.Fatalf("code %s, want %s", e.Code, tt.code)
			}
			if n := s.Blobs(t); n != 1 {
				t.Errorf("%d blobs stored, want 1", n)
			}
			if v := s.State(t).Version; v != before {
				t.Errorf("the meeting changed (version %d → %d)", before, v)
			}
		})
	}
	t.Run("too large, streamed without a length", func(t *testing.T) {
		big := bytes.Repeat([]byte("%PDF-1.7 "), maxUpload/8)
		// A reader that hides its length makes the client send it chunked.
		resp, body := s.do(t, documentstest.Secretary, "POST", "/documents?title=x", io.MultiReader(bytes.NewReader(big)))
		e := wantStatus(t, resp, body, 400)
		if !strings.Contains(e.Message, "too large") || !strings.Contains(e.MessageVI, "quá lớn") {
			t.Errorf("the refusal does not say the file is too large: %+v", e)
		}
		if n := s.Blobs(t); n != 1 {
			t.Errorf("%d blobs stored, want 1", n)
		}
	})
}

func TestDownloadHTTP(t *testing.T) {
	s := newDocServer(t)
	public := s.Generate(t, "Tờ trình công khai", 3)
	pub := s.upload(t, public, "title=public")
	conf := s.upload(t, s.Generate(t, "Báo cáo mật", 2), fmt.Sprintf("title=secret&confidential=1&readers=%s", documentstest.D1))
	file := func(id string) string { return "/documents/" + id + "/file" }

	t.Run("whole file with caching headers", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D2, "GET", file(pub.ID), nil)
		wantStatus(t, resp, body, 200)
		if !bytes.Equal(body, public) {
			t.Fatalf("got %d bytes that differ from the upload", len(body))
		}
		h := resp.Header
		if h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Cache-Control"), "private") ||
			h.Get("ETag") != `"`+pub.SHA256+`"` || h.Get("Last-Modified") == "" || h.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("headers = %v", h)
		}
	})
	t.Run("range", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D2, "GET", file(pub.ID), nil, "Range", "bytes=100-299")
		wantStatus(t, resp, body, http.StatusPartialContent)
		if !bytes.Equal(body, public[100:300]) {
			t.Fatalf("range body differs from bytes 100-299")
		}
		if cr := resp.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes 100-299/%d", len(public)) {
			t.Fatalf("Content-Range = %q", cr)
		}
	})
	t.Run("etag revalidation", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D2, "GET", file(pub.ID), nil, "If-None-Match", `"`+pub.SHA256+`"`)
		wantStatus(t, resp, body, http.StatusNotModified)
		if len(body) != 0 {
			t.Fatalf("a 304 with a body")
		}
	})
	t.Run("confidential: forbidden to a non-reader with the reason", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D2, "GET", file(conf.ID), nil)
		e := wantStatus(t, resp, body, 403)
		if !strings.Contains(e.Message, "confidential") || !strings.Contains(e.MessageVI, "mật") {
			t.Fatalf("the refusal does not say why: %+v", e)
		}
	})
	t.Run("confidential: the reader's watermarked copy", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D1, "GET", file(conf.ID), nil)
		wantStatus(t, resp, body, 200)
		documentstest.WantText(t, documentstest.PDFText(t, body), "Báo cáo mật", "Nguyễn Thị Hương", "Ghế A03")
		etag := resp.Header.Get("ETag")
		if etag == "" || etag == `"`+conf.SHA256+`"` {
			t.Fatalf("copy ETag = %q", etag)
		}
		// Finding 8: a shared tablet's cache must not keep one reader's
		// copy for the next (it was "private, max-age=300").
		if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" || !strings.Contains(resp.Header.Get("Vary"), "Authorization") {
			t.Fatalf("a confidential copy served Cache-Control %q, Vary %q", cc, resp.Header.Get("Vary"))
		}
		resp, body = s.do(t, documentstest.D1, "GET", file(conf.ID), nil, "If-None-Match", etag)
		wantStatus(t, resp, body, http.StatusNotModified)
	})
	t.Run("a session of another meeting", func(t *testing.T) {
		req, _ := http.NewRequest("GET", strings.Replace(s.url, documentstest.MeetingID, "other", 1)+file(pub.ID), nil)
		req.Header.Set("Authorization", "Bearer "+s.tokens[documentstest.D1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
}

func TestPrepareHTTP(t *testing.T) {
	s := newDocServer(t)
	conf := s.upload(t, s.Generate(t, "Báo cáo mật", 2), "title=secret&confidential=true&readers=d1,d2")
	path := "/documents/" + conf.ID + "/prepare"

	resp, body := s.do(t, documentstest.D1, "POST", path, nil)
	wantStatus(t, resp, body, 403)

	resp, body = s.do(t, documentstest.Secretary, "POST", path, nil)
	wantStatus(t, resp, body, http.StatusAccepted)
	var p documents.Progress
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, body = s.do(t, documentstest.Secretary, "GET", path, nil)
		wantStatus(t, resp, body, 200)
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if !p.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running at the deadline: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p.Total != 4 || p.Done != p.Total || p.Failed != 0 {
		t.Fatalf("progress = %+v, want 4 of 4 done", p)
	}
}

func TestRecordsHTTP(t *testing.T) {
	s := newDocServer(t)
	pub := s.upload(t, s.Generate(t, "Tờ trình ngân sách", 1), "title=T%E1%BB%9D+tr%C3%ACnh+ng%C3%A2n+s%C3%A1ch")
	conf := s.upload(t, s.Generate(t, "Danh sách nhân sự", 1), "title=Nh%C3%A2n+s%E1%BB%B1&confidential=1&readers=d1")
	s.Execute(t, documentstest.Secretary, meeting.AttachDocument{Item: "i2", Document: pub.ID})
	s.Execute(t, documentstest.Secretary, meeting.AttachDocument{Item: "i2", Document: conf.ID})

	t.Run("packet", func(t *testing.T) {
		resp, body := s.do(t, documentstest.D1, "GET", "/packet.pdf", nil)
		wantStatus(t, resp, body, 200)
		if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") {
			t.Fatalf("headers = %v", resp.Header)
		}
		documentstest.WantText(t, documentstest.PDFText(t, body), "Tờ trình ngân sách", "Danh sách nhân sự", "Nguyễn Thị Hương")
		resp, body = s.do(t, documentstest.D1, "GET", "/packet.pdf", nil, "If-None-Match", resp.Header.Get("ETag"))
		wantStatus(t, resp, body, http.StatusNotModified)
	})
	t.Run("minutes in English", func(t *testing.T) {
		resp, body := s.do(t, documentstest.Chair, "GET", "/minutes.pdf?lang=en", nil)
		wantStatus(t, resp, body, 200)
		documentstest.WantText(t, documentstest.PDFText(t, body), "Phiên họp thường kỳ Ủy ban nhân dân tỉnh", "Lê Trường Lưu")
	})
	t.Run("minutes in an unknown language", func(t *testing.T) {
		resp, body := s.do(t, documentstest.Chair, "GET", "/minutes.pdf?lang=fr", nil)
		wantStatus(t, resp, body, 400)
	})
	for _, tt := range []struct {
		who    string
		status int
	}{{documentstest.Chair, 200}, {documentstest.Secretary, 200}, {documentstest.D1, 403}, {"", 401}} {
		t.Run("ballots as "+tt.who, func(t *testing.T) {
			resp, body := s.do(t, tt.who, "GET", "/ballots.csv", nil)
			wantStatus(t, resp, body, tt.status)
			if tt.status == 200 && (!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf"))) {
				t.Fatalf("not a UTF-8 CSV: %v %q", resp.Header, body)
			}
		})
	}
}

// TestElectionMinutesHTTP runs an election through the service (its round
// counted from the sealed box) and downloads its counting minutes: the
// chair, the secretary and a member of the counting committee may, another
// delegate may not.
func TestElectionMinutesHTTP(t *testing.T) {
	s := newDocServer(t)
	voters := []string{documentstest.Chair, documentstest.D1, documentstest.D2, "d3"}
	s.Execute(t, documentstest.Chair, meeting.OpenSession{})
	for _, v := range voters[1:] {
		s.Execute(t, v, meeting.CheckIn{})
	}
	show := func(poll string) {
		s.Execute(t, documentstest.Chair, meeting.OpenPoll{Poll: poll})
		for _, v := range voters {
			s.Execute(t, v, meeting.CastBallot{Poll: poll, Choice: "for", BallotID: poll + v})
		}
		s.Execute(t, documentstest.Chair, meeting.ClosePoll{Poll: poll})
	}
	s.Execute(t, documentstest.Secretary, meeting.ProposeCommittee{Poll: "bkp", Members: []string{documentstest.D2}})
	show("bkp")
	s.Execute(t, documentstest.Secretary, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Bí thư và Phó Bí thư Đảng ủy",
		Kind: meeting.KindElection, Seats: 2, Candidates: []meeting.Candidate{{ID: "c1", Name: "Đặng Thị Ngọc Ánh"}, {ID: "c2", Name: "Bùi Quốc Hưng"}}}})
	show("bch-approval")
	s.Execute(t, documentstest.Chair, meeting.OpenElectionRound{Election: "bch"})
	for i, v := range voters {
		marks := "11"
		if i == 0 {
			marks = "10"
		}
		s.Execute(t, v, meeting.CastBallot{Poll: "bch-r1", Marks: marks, BallotID: "r1" + v})
	}
	s.Execute(t, documentstest.Chair, meeting.ClosePoll{Poll: "bch-r1"})

	for _, tt := range []struct {
		who, path string
		status    int
	}{
		{documentstest.Chair, "/elections/bch/minutes.pdf", 200},
		{documentstest.Secretary, "/elections/bch/minutes.pdf?lang=en", 200},
		{documentstest.D2, "/elections/bch/minutes.pdf", 200}, // on the committee
		{documentstest.D1, "/elections/bch/minutes.pdf", 403},
		{"", "/elections/bch/minutes.pdf", 401},
		{documentstest.Chair, "/elections/nope/minutes.pdf", 404},
		{documentstest.Chair, "/elections/bch/minutes.pdf?lang=fr", 400},
	} {
		t.Run(tt.who+tt.path, func(t *testing.T) {
			resp, body := s.do(t, tt.who, "GET", tt.path, nil)
			wantStatus(t, resp, body, tt.status)
			if tt.status != 200 {
				return
			}
			if resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Content-Disposition"), "bien-ban-kiem-phieu-"+documentstest.MeetingID+"-bch-") ||
				!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
				t.Fatalf("headers = %v", resp.Header)
			}
			text := strings.Join(strings.Fields(documentstest.PDFText(t, body)), " ")
			documentstest.WantText(t, text, "Bầu Bí thư và Phó Bí thư Đảng ủy", "Đặng Thị Ngọc Ánh", "Bùi Quốc Hưng", "Trần Văn Đức")
			if strings.HasSuffix(tt.path, "en") {
				documentstest.WantText(t, text, "MINUTES OF THE COUNT", "Ballots issued: 4; Ballots returned: 4.")
			} else {
				documentstest.WantText(t, text, "BIÊN BẢN KIỂM PHIẾU", "Số phiếu phát ra: 4; Số phiếu thu về: 4.", "Số phiếu hợp lệ: 4; Số phiếu không hợp lệ: 0.",
					"Đồng ý Tỷ lệ Không đồng ý Ghi chú", "Đặng Thị Ngọc Ánh 4 100,00% 0 trúng cử", "1. Đặng Thị Ngọc Ánh — 4 (100,00%)", "2. Bùi Quốc Hưng — 3 (75,00%)")
			}
		})
	}
}
