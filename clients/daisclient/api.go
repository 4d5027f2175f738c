package daisclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dais-meeting/dais/meeting"
)

// API is the client's HTTP half: the calls of docs/protocol.md that are
// not on the WebSocket (sign-in, documents, records, invitations, meetings,
// accounts) and the operators' ones on a node's internal listener (backup,
// archive). cmd/dais is flags and output around it.
type API struct {
	// Base is the node's URL (http://host:port), without a trailing slash.
	Base string
	// Token is sent as "Authorization: Bearer" when set.
	Token string
	// HTTP is the client; nil means http.DefaultClient.
	HTTP *http.Client
}

// APIError is an error answer of the server: {"error":{code,message,message_vi}}
// and its HTTP status.
type APIError struct {
	Status    int    `json:"-"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
	Reason    string `json:"reason,omitempty"`
}

// Unwrap gives the answer as the domain's *meeting.Error, so that
// meeting.ErrorCode and errors.As see its code.
func (e *APIError) Unwrap() error {
	return &meeting.Error{Code: meeting.Code(e.Code), Message: e.Message, MessageVI: e.MessageVI, Reason: e.Reason}
}

func (e *APIError) Error() string {
	if e.MessageVI != "" {
		return fmt.Sprintf("%s (%s)\n  %s", e.Message, e.Code, e.MessageVI)
	}
	return fmt.Sprintf("%s (%s)", e.Message, e.Code)
}

// Do sends a request and returns the response when its status is want; any
// other status becomes an *APIError (and the body is closed). The caller
// closes the response's body.
func (a *API) Do(ctx context.Context, method, path string, body io.Reader, size int64, contentType string, want int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(a.Base, "/")+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = size
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	hc := a.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == want {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != nil {
		e.Error.Status = resp.StatusCode
		return nil, e.Error
	}
	return nil, &APIError{Status: resp.StatusCode, Code: "http", Message: fmt.Sprintf("%s %s: %s: %.200s", method, path, resp.Status, b)}
}

// JSON sends in as a JSON body (nil: no body; a []byte is sent as it is)
// and decodes the answer into out (nil: the answer is dropped).
func (a *API) JSON(ctx context.Context, method, path string, in any, want int, out any) error {
	var (
		r     io.Reader
		size  int64
		ctype string
	)
	if in != nil {
		b, ok := in.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(in); err != nil {
				return err
			}
		}
		r, size, ctype = bytes.NewReader(b), int64(len(b)), "application/json"
	}
	resp, err := a.Do(ctx, method, path, r, size, ctype, want)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

// Join redeems an invitation code (POST /api/v1/join).
func (a *API) Join(ctx context.Context, code string) (Session, error) {
	var s Session
	err := a.JSON(ctx, http.MethodPost, "/api/v1/join", map[string]string{"code": code}, http.StatusOK, &s)
	return s, err
}

// Session returns the session of the API's token (GET /api/v1/session).
func (a *API) Session(ctx context.Context) (Session, error) {
	var s Session
	err := a.JSON(ctx, http.MethodGet, "/api/v1/session", nil, http.StatusOK, &s)
	return s, err
}

// MeetingPath returns /api/v1/meetings/<the token's meeting>.
func (a *API) MeetingPath(ctx context.Context) (string, error) {
	s, err := a.Session(ctx)
	if err != nil {
		return "", err
	}
	return "/api/v1/meetings/" + url.PathEscape(s.Meeting), nil
}

// Upload sends a PDF of size bytes to the token's meeting (POST
// …/documents?query) and decodes the registered document into out.
func (a *API) Upload(ctx context.Context, query url.Values, pdf io.Reader, size int64, out any) error {
	mp, err := a.MeetingPath(ctx)
	if err != nil {
		return err
	}
	resp, err := a.Do(ctx, http.MethodPost, mp+"/documents?"+query.Encode(), pdf, size, "application/pdf", http.StatusCreated)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// Download copies the body of GET path (relative to the token's meeting
// when it does not start with "/") to w.
func (a *API) Download(ctx context.Context, path string, w io.Writer) error {
	if !strings.HasPrefix(path, "/") {
		mp, err := a.MeetingPath(ctx)
		if err != nil {
			return err
		}
		path = mp + "/" + path
	}
	resp, err := a.Do(ctx, http.MethodGet, path, nil, 0, "", http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}

// Invitation is a participant's new sign-in code.
type Invitation struct {
	Participant string `json:"participant"`
	Code        string `json:"code"`
}

// Invite makes sign-in codes for participants of the token's meeting (all
// of them when none are named; a secretary's token).
func (a *API) Invite(ctx context.Context, participants []string) ([]Invitation, error) {
	mp, err := a.MeetingPath(ctx)
	if err != nil {
		return nil, err
	}
	var out struct {
		Invitations []Invitation `json:"invitations"`
	}
	in := map[string]any{}
	if len(participants) > 0 {
		in["participants"] = participants
	}
	err = a.JSON(ctx, http.MethodPost, mp+"/invitations", in, http.StatusOK, &out)
	return out.Invitations, err
}

// CreateMeeting creates a meeting (POST /api/v1/meetings) from the request
// body in and decodes the answer into out.
func (a *API) CreateMeeting(ctx context.Context, in, out any) error {
	return a.JSON(ctx, http.MethodPost, "/api/v1/meetings", in, http.StatusCreated, out)
}

// Backup copies a node's backup (GET /backup on its internal listener, the
// API's Base) to w.
func (a *API) Backup(ctx context.Context, w io.Writer) error {
	return a.Download(ctx, "/backup", w)
}

// Archive copies a meeting's archive (GET /archive/{meeting} on a node's
// internal listener, the API's Base) to w.
func (a *API) Archive(ctx context.Context, meeting string, w io.Writer) error {
	return a.Download(ctx, "/archive/"+url.PathEscape(meeting), w)
}

// ArchiveCommittee copies a committee's archive — its written
// consultations and conclusions (GET /archive/committee/{committee} on a
// node's internal listener) — to w.
func (a *API) ArchiveCommittee(ctx context.Context, committee string, w io.Writer) error {
	return a.Download(ctx, "/archive/committee/"+url.PathEscape(committee), w)
}
