package httpapi

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Creator is the use case behind the meeting routes; *access.Service is one.
type Creator interface {
	Invitations(ctx context.Context, sess access.Session, participants []string) ([]access.Invitation, error)
	CreateMeetingAs(ctx context.Context, sess access.Session, m access.NewMeeting) (access.Session, error)
	CreateMeeting(ctx context.Context, m access.NewMeeting, secretary meeting.Participant) (string, error)
	Invite(ctx context.Context, meetingID, participant string) (string, error)
}

var _ Creator = (*access.Service)(nil)

// MeetingsAPI serves the routes that make meetings and invitations:
//
//	POST /api/v1/meetings/{meeting}/invitations  {"participants":[…]} → {"invitations":[{participant, code}]}
//	POST /api/v1/meetings                        {title, starts_at, place, rooms} → 201 and the session
//
// Invitations need a secretary's session of that meeting. A new meeting is
// made either by a secretary of any meeting, who becomes its secretary and
// gets a session in it, or with the node's admin token (bootstrap, the
// CLI), which names the secretary in the body and gets their invitation
// code: {"meeting", "participant", "code"}.
type MeetingsAPI struct {
	sessions Sessions
	meetings Creator
	admin    []byte
	log      *slog.Logger
}

// NewMeetings returns the meeting routes. An empty adminToken turns the
// admin path off.
func NewMeetings(sessions Sessions, meetings Creator, adminToken string, log *slog.Logger) *MeetingsAPI {
	if log == nil {
		log = slog.Default()
	}
	return &MeetingsAPI{sessions: sessions, meetings: meetings, admin: []byte(adminToken), log: log}
}

// Register mounts the meeting routes on mux.
func (a *MeetingsAPI) Register(mux Mux) {
	mux.HandleFunc("POST /api/v1/meetings", a.create)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/invitations", a.invitations)
}

// readJSON decodes a bounded JSON body into v; unknown fields are refused
// so that a typo does not pass silently.
func readJSON(r *http.Request, v any) error { return readJSONMax(r, v, maxBody) }

// decodeJSON decodes one JSON value of body into v: unknown fields and
// anything after the value (a second value: `{"name":"A"}{"name":"B"}`
// was read as A) are refused.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ: %v", "bad request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ: có dữ liệu sau giá trị JSON", "bad request: data after the JSON value")
	}
	return nil
}

func (a *MeetingsAPI) invitations(w http.ResponseWriter, r *http.Request) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Participants []string `json:"participants"`
	}
	if r.ContentLength != 0 {
		if err := readJSON(r, &req); err != nil {
			WriteError(w, err)
			return
		}
	}
	invs, err := a.meetings.Invitations(r.Context(), sess, req.Participants)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("invitations made", "meeting", sess.Meeting, "by", sess.Participant, "count", len(invs))
	WriteJSON(w, http.StatusOK, map[string]any{"invitations": invs})
}

func (a *MeetingsAPI) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		access.NewMeeting
		Secretary *meeting.Participant `json:"secretary,omitempty"`
	}
	if err := refuseTokenInURL(r); err != nil {
		WriteError(w, err)
		return
	}
	token := Token(r)
	if len(a.admin) > 0 && subtle.ConstantTimeCompare([]byte(token), a.admin) == 1 {
		if err := readJSON(r, &req); err != nil {
			WriteError(w, err)
			return
		}
		if req.Secretary == nil {
			WriteError(w, meeting.Errorf(meeting.Invalid, "Cần thông tin thư ký (secretary: id, name)", "the secretary (id, name) is needed"))
			return
		}
		id, err := a.meetings.CreateMeeting(r.Context(), req.NewMeeting, *req.Secretary)
		if err != nil {
			WriteError(w, err)
			return
		}
		code, err := a.meetings.Invite(r.Context(), id, req.Secretary.ID)
		if err != nil {
			WriteError(w, err)
			return
		}
		a.log.Info("meeting created", "meeting", id, "by", "admin", "secretary", req.Secretary.ID)
		WriteJSON(w, http.StatusCreated, map[string]string{"meeting": id, "participant": req.Secretary.ID, "code": code})
		return
	}
	sess, err := a.sessions.Authenticate(r.Context(), token)
	if err != nil {
		WriteError(w, err)
		return
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if req.Secretary != nil {
		WriteError(w, meeting.Errorf(meeting.Invalid, "Thư ký của hội nghị mới là người tạo; không nêu secretary", "the creator is the new meeting's secretary; do not name one"))
		return
	}
	out, err := a.meetings.CreateMeetingAs(r.Context(), sess, req.NewMeeting)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("meeting created", "meeting", out.Meeting, "by", sess.Participant, "from", sess.Meeting)
	WriteJSON(w, http.StatusCreated, out)
}
