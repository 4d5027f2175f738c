package httpapi_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// TestRoster: any participant of the meeting reads its roster (in the
// meeting's order, no attendance), revalidates it by ETag (304 while the
// roster is unchanged, also after check-ins), and gets a new ETag when a
// participant is added; another meeting's session or none is refused.
func TestRoster(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	mux := http.NewServeMux()
	httpapi.NewRoster(fx.Access, fx.Service, nil).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/api/v1/meetings/" + documentstest.MeetingID + "/roster"
	get := func(token, inm, accept string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		req.Header.Set("Accept-Encoding", accept) // set: the transport does not decode for us
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(zr)
		}
		return resp, b
	}
	d1 := fx.Token(t, documentstest.D1)
	resp, body := get(d1, "", "identity")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, no-cache" || resp.Header.Get("ETag") == "" {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	var roster struct {
		Participants []map[string]any `json:"participants"`
	}
	if err := json.Unmarshal(body, &roster); err != nil {
		t.Fatal(err)
	}
	st := fx.State(t)
	if len(roster.Participants) != len(st.Order) {
		t.Fatalf("%d entries, the meeting has %d", len(roster.Participants), len(st.Order))
	}
	for i, e := range roster.Participants {
		p := st.Participants[st.Order[i]]
		if e["id"] != p.ID || e["name"] != p.Name || e["role"] != string(p.Role) || e["room"] != p.Room {
			t.Fatalf("entry %d: %v, want %+v", i, e, p)
		}
		if _, ok := e["present"]; ok {
			t.Fatalf("entry %d carries attendance: %v", i, e)
		}
	}
	tag := resp.Header.Get("ETag")
	zresp, zbody := get(d1, "", "gzip, br")
	if zresp.Header.Get("Content-Encoding") != "gzip" || string(zbody) != string(body) || zresp.Header.Get("ETag") == tag {
		t.Fatalf("gzip form: encoding %q, same body %v, tag %q (identity %q)", zresp.Header.Get("Content-Encoding"), string(zbody) == string(body), zresp.Header.Get("ETag"), tag)
	}
	// Check-ins change nothing of the roster: 304 for either tag.
	fx.Execute(t, documentstest.Chair, meeting.OpenSession{})
	fx.Execute(t, documentstest.D1, meeting.CheckIn{})
	for _, inm := range []string{tag, zresp.Header.Get("ETag")} {
		if r, b := get(d1, inm, "gzip"); r.StatusCode != http.StatusNotModified || len(b) != 0 {
			t.Fatalf("If-None-Match %s after check-ins: status %d", inm, r.StatusCode)
		}
	}
	// A new participant: a new roster, a new tag.
	fx.Execute(t, documentstest.Secretary, meeting.AddParticipant{Participant: meeting.Participant{ID: "dnew", Name: "Lý Thị Mới", Role: meeting.RoleDelegate, Room: st.Participants[documentstest.D1].Room}})
	r, b := get(d1, tag, "identity")
	if r.StatusCode != 200 || r.Header.Get("ETag") == tag || !strings.Contains(string(b), "Lý Thị Mới") {
		t.Fatalf("after adding a participant: status %d, tag %q (was %q)", r.StatusCode, r.Header.Get("ETag"), tag)
	}
	for _, token := range []string{"", "not-a-token"} {
		if r, _ := get(token, "", "identity"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", token, r.StatusCode)
		}
	}
}
