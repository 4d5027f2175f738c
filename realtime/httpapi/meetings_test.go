package httpapi_test

import (
	"context"
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

const adminToken = "admin-secret-for-tests"

// meetingServer serves the sign-in and meeting routes over a real stack.
type meetingServer struct {
	*documentstest.Fixture
	base   string
	tokens map[string]string
}

func newMeetingServer(tb testing.TB) *meetingServer {
	tb.Helper()
	fx := documentstest.New(tb, pdf.Config{}, documents.Config{})
	mux := http.NewServeMux()
	httpapi.New(fx.Access, nil).Register(mux)
	httpapi.NewMeetings(fx.Access, fx.Access, adminToken, nil).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	s := &meetingServer{Fixture: fx, base: srv.URL, tokens: map[string]string{}}
	for _, p := range []string{documentstest.Secretary, documentstest.Chair, documentstest.D1} {
		s.tokens[p] = fx.Token(tb, p)
	}
	return s
}

// post sends body as JSON with the bearer token and returns the response
// and its body.
func (s *meetingServer) post(tb testing.TB, token, path, body string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest("POST", s.base+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, b
}

func TestInvitations(t *testing.T) {
	s := newMeetingServer(t)
	path := "/api/v1/meetings/" + documentstest.MeetingID + "/invitations"
	all := s.State(t).Order

	type result struct {
		Invitations []struct{ Participant, Code string }
	}
	okTests := []struct {
		name string
		body string
		want []string
	}{
		{"every participant, no body", "", all},
		{"every participant, empty list", `{"participants":[]}`, all},
		{"some, in the order asked", `{"participants":["d2","d1"]}`, []string{"d2", "d1"}},
	}
	for _, tt := range okTests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, s.tokens[documentstest.Secretary], path, tt.body)
			wantStatus(t, resp, body, 200)
			var got result
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Invitations) != len(tt.want) {
				t.Fatalf("got %d invitations, want %d", len(got.Invitations), len(tt.want))
			}
			seen := map[string]bool{}
			for i, inv := range got.Invitations {
				if inv.Participant != tt.want[i] {
					t.Errorf("invitation %d is for %q, want %q", i, inv.Participant, tt.want[i])
				}
				if seen[inv.Code] {
					t.Errorf("code %s made twice", inv.Code)
				}
				seen[inv.Code] = true
			}
			// Each code signs its participant in, once.
			for _, inv := range got.Invitations[:2] {
				sess, err := s.Access.Join(context.Background(), inv.Code)
				if err != nil || sess.Participant != inv.Participant || sess.Meeting != documentstest.MeetingID {
					t.Errorf("Join(%s) = %+v, %v; want a session of %s", inv.Code, sess, err, inv.Participant)
				}
				if _, err := s.Access.Join(context.Background(), inv.Code); meeting.ErrorCode(err) != meeting.Unauthorized {
					t.Errorf("second Join(%s): %v, want unauthorized", inv.Code, err)
				}
			}
		})
	}

	refusals := []struct {
		name  string
		token string
		path  string
		body  string
		code  int
		want  meeting.Code
	}{
		{"no session", "", path, "", 401, meeting.Unauthorized},
		{"a delegate", s.tokens[documentstest.D1], path, "", 403, meeting.Forbidden},
		{"the chair", s.tokens[documentstest.Chair], path, "", 403, meeting.Forbidden},
		{"another meeting's path", s.tokens[documentstest.Secretary], "/api/v1/meetings/other/invitations", "", 403, meeting.Forbidden},
		{"unknown participant", s.tokens[documentstest.Secretary], path, `{"participants":["d1","nobody"]}`, 404, meeting.NotFound},
		{"named twice", s.tokens[documentstest.Secretary], path, `{"participants":["d1","d1"]}`, 400, meeting.Invalid},
		{"not JSON", s.tokens[documentstest.Secretary], path, `participants=d1`, 400, meeting.Invalid},
		{"unknown field", s.tokens[documentstest.Secretary], path, `{"participant":["d1"]}`, 400, meeting.Invalid},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, tt.token, tt.path, tt.body)
			if e := wantStatus(t, resp, body, tt.code); e.Code != tt.want {
				t.Errorf("code %q, want %q", e.Code, tt.want)
			}
		})
	}
}

func TestCreateMeeting(t *testing.T) {
	s := newMeetingServer(t)

	t.Run("by a secretary, who becomes the new meeting's secretary", func(t *testing.T) {
		resp, body := s.post(t, s.tokens[documentstest.Secretary], "/api/v1/meetings",
			`{"title":"Phiên họp chuyên đề tháng 12","starts_at":"2026-12-15T08:00:00+07:00","place":"Phòng họp số 2",
			  "rooms":[{"id":"hall","name":"Hội trường","main":true},{"id":"d1","name":"Điểm cầu huyện Tam Nông"}]}`)
		wantStatus(t, resp, body, 201)
		var sess struct{ Token, Meeting, Participant, Role string }
		if err := json.Unmarshal(body, &sess); err != nil {
			t.Fatal(err)
		}
		if sess.Token == "" || sess.Participant != documentstest.Secretary || sess.Role != "secretary" || !strings.HasPrefix(sess.Meeting, "2026-12-15-") {
			t.Fatalf("session %+v", sess)
		}
		st, err := s.Service.State(context.Background(), sess.Meeting)
		if err != nil {
			t.Fatal(err)
		}
		old := s.State(t).Participant(documentstest.Secretary)
		me := st.Participant(documentstest.Secretary)
		if st.Title != "Phiên họp chuyên đề tháng 12" || len(st.Rooms) != 2 || me == nil || me.Name != old.Name || me.Room != "hall" {
			t.Fatalf("new meeting %q rooms %v secretary %+v", st.Title, st.Rooms, me)
		}
		// The new session works in the new meeting: it can make invitations there.
		resp, body = s.post(t, sess.Token, "/api/v1/meetings/"+sess.Meeting+"/invitations", "")
		wantStatus(t, resp, body, 200)
	})

	t.Run("with the admin token, naming the secretary", func(t *testing.T) {
		resp, body := s.post(t, adminToken, "/api/v1/meetings",
			`{"id":"ky-hop-thu-9","title":"Kỳ họp thứ 9","starts_at":"2026-12-20T08:00:00+07:00","secretary":{"id":"tk","name":"Lê Thu Trang"}}`)
		wantStatus(t, resp, body, 201)
		var out struct{ Meeting, Participant, Code string }
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		if out.Meeting != "ky-hop-thu-9" || out.Participant != "tk" {
			t.Fatalf("answer %s", body)
		}
		sess, err := s.Access.Join(context.Background(), out.Code)
		if err != nil || sess.Meeting != "ky-hop-thu-9" || sess.Role != meeting.RoleSecretary {
			t.Fatalf("Join(%s) = %+v, %v", out.Code, sess, err)
		}
		st, _ := s.Service.State(context.Background(), "ky-hop-thu-9")
		if len(st.Rooms) != 1 || !st.Rooms[0].Main || st.Participant("tk").Room != st.Rooms[0].ID {
			t.Fatalf("default rooms %+v", st.Rooms)
		}
	})

	valid := `{"title":"T","starts_at":"2026-12-15T08:00:00+07:00"}`
	refusals := []struct {
		name  string
		token string
		body  string
		code  int
		want  meeting.Code
	}{
		{"no session", "", valid, 401, meeting.Unauthorized},
		{"a wrong admin token", "admin-secret-for-test", valid, 401, meeting.Unauthorized},
		{"a delegate", s.tokens[documentstest.D1], valid, 403, meeting.Forbidden},
		{"the chair", s.tokens[documentstest.Chair], valid, 403, meeting.Forbidden},
		{"empty title", s.tokens[documentstest.Secretary], `{"title":" ","starts_at":"2026-12-15T08:00:00+07:00"}`, 400, meeting.Invalid},
		{"no start time", s.tokens[documentstest.Secretary], `{"title":"T"}`, 400, meeting.Invalid},
		{"bad start time", s.tokens[documentstest.Secretary], `{"title":"T","starts_at":"15/12/2026"}`, 400, meeting.Invalid},
		{"two main halls", s.tokens[documentstest.Secretary], `{"title":"T","starts_at":"2026-12-15T08:00:00Z","rooms":[{"id":"a","name":"A","main":true},{"id":"b","name":"B","main":true}]}`, 400, meeting.Invalid},
		{"an existing id", s.tokens[documentstest.Secretary], `{"id":"` + documentstest.MeetingID + `","title":"T","starts_at":"2026-12-15T08:00:00Z"}`, 409, meeting.Conflict},
		{"a bad id", s.tokens[documentstest.Secretary], `{"id":"a b","title":"T","starts_at":"2026-12-15T08:00:00Z"}`, 400, meeting.Invalid},
		{"a secretary naming another secretary", s.tokens[documentstest.Secretary], `{"title":"T","starts_at":"2026-12-15T08:00:00Z","secretary":{"id":"x","name":"X"}}`, 400, meeting.Invalid},
		{"the admin token without a secretary", adminToken, valid, 400, meeting.Invalid},
		{"unknown field", s.tokens[documentstest.Secretary], `{"title":"T","starts_at":"2026-12-15T08:00:00Z","date":"x"}`, 400, meeting.Invalid},
	}
	before, err := s.Service.Meetings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, tt.token, "/api/v1/meetings", tt.body)
			if e := wantStatus(t, resp, body, tt.code); e.Code != tt.want {
				t.Errorf("code %q, want %q", e.Code, tt.want)
			}
		})
	}
	after, err := s.Service.Meetings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("refused requests made meetings: %v → %v", before, after)
	}
}
