package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"

	"github.com/dais-meeting/dais/meeting"
)

// StateReader reads a meeting's current state without copying it;
// *service.Service is one.
type StateReader interface {
	Read(ctx context.Context, meetingID string, f func(*meeting.State)) error
}

// RosterAPI serves a meeting's roster:
//
//	GET /api/v1/meetings/{meeting}/roster  Bearer <any session of that meeting>
//	→ {"participants":[{"id","name","title"?,"role","room","seat"?},…]}
//
// in the meeting's order, without attendance (delegates get it as counts).
// A delegate's or observer's welcome carries only themselves of the roster
// (meeting.State.LeanViewFor); the app fetches the names here, once: the
// answer has a strong ETag and Cache-Control: private, no-cache, so a
// browser revalidates it and gets 304 while the roster is unchanged. The
// roster is encoded (and gzipped) once per change of the roster per node,
// not once per tablet.
type RosterAPI struct {
	sessions Sessions
	meetings StateReader
	log      *slog.Logger

	mu    sync.Mutex
	cache map[string]*encodedRoster // by meeting
}

// encodedRoster is a roster as served, and what it was made from.
type encodedRoster struct {
	state *meeting.State // the service's live state it was read from
	seq   uint64         // its RosterSeq then
	etag  string         // unquoted; the gzip form's tag adds "-gzip"
	body  []byte
	gz    []byte
}

// RosterEntry is one participant as the roster lists them.
type RosterEntry struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"`
	Title string       `json:"title,omitempty"`
	Role  meeting.Role `json:"role"`
	Room  string       `json:"room"`
	Seat  string       `json:"seat,omitempty"`
}

// NewRoster returns the roster route.
func NewRoster(sessions Sessions, meetings StateReader, log *slog.Logger) *RosterAPI {
	if log == nil {
		log = slog.Default()
	}
	return &RosterAPI{sessions: sessions, meetings: meetings, log: log, cache: map[string]*encodedRoster{}}
}

// Register mounts the route on mux.
func (a *RosterAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/roster", a.roster)
}

func (a *RosterAPI) roster(w http.ResponseWriter, r *http.Request) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var enc *encodedRoster
	err = a.meetings.Read(r.Context(), sess.Meeting, func(st *meeting.State) {
		a.mu.Lock()
		defer a.mu.Unlock()
		enc = a.cache[sess.Meeting]
		if enc != nil && enc.state == st && enc.seq == st.RosterSeq {
			return
		}
		enc = encodeRoster(st)
		a.cache[sess.Meeting] = enc
	})
	if err != nil {
		WriteError(w, err)
		return
	}
	if enc == nil || enc.body == nil {
		WriteError(w, meeting.Errorf(meeting.Internal, "Không đọc được danh sách đại biểu", "cannot encode the roster"))
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Vary", "Authorization, Accept-Encoding")
	body, tag := enc.body, `"`+enc.etag+`"`
	if enc.gz != nil && accepts(r.Header.Get("Accept-Encoding"), "gzip") {
		body, tag = enc.gz, `"`+enc.etag+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && noneMatchHits(inm, enc.etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

// encodeRoster encodes st's roster. It reads st, which the caller holds.
func encodeRoster(st *meeting.State) *encodedRoster {
	list := make([]RosterEntry, 0, len(st.Order))
	for _, id := range st.Order {
		if p := st.Participants[id]; p != nil {
			list = append(list, RosterEntry{ID: p.ID, Name: p.Name, Title: p.Title, Role: p.Role, Room: p.Room, Seat: p.Seat})
		}
	}
	enc := &encodedRoster{state: st, seq: st.RosterSeq}
	body, err := json.Marshal(struct {
		Participants []RosterEntry `json:"participants"`
	}{list})
	if err != nil {
		return enc
	}
	sum := sha256.Sum256(body)
	enc.body = body
	enc.etag = base64.RawURLEncoding.EncodeToString(sum[:12])
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(body); err == nil && zw.Close() == nil && buf.Len() < len(body) {
		enc.gz = buf.Bytes()
	}
	return enc
}
