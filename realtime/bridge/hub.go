package bridge

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/storage"
)

// Server is the request side of the bus (*natsbus.Bus is one).
type Server interface {
	// Serve with queue "": every server gets each message.
	Serve(subject, queue string, handle func(subject string, data []byte, respond func([]byte))) (stop func(), err error)
	Publish(subject string, data []byte) error
}

// Log is what the hub reads of the centre's store: the records themselves,
// with their links (storage.Log).
type Log interface {
	Read(ctx context.Context, meetingID string, from uint64, max int) ([]storage.Record, error)
	Version(ctx context.Context, meetingID string) (uint64, error)
}

// HubSessions is what the hub needs from access (*access.Service).
type HubSessions interface {
	Authenticate(ctx context.Context, token string) (access.Session, error)
	JoinWhere(ctx context.Context, code string, allow func(ctx context.Context, meetingID string) error) (access.Session, error)
	Export(ctx context.Context, token string) (storage.Session, error)
	SignOut(ctx context.Context, token string) error
}

// MeetingRooms reads a meeting's state (*service.Service): f must only
// read it, quickly.
type MeetingRooms interface {
	Read(ctx context.Context, meetingID string, f func(*meeting.State)) error
}

// Executor runs commands (*service.Service).
type Executor interface {
	Execute(ctx context.Context, meetingID string, a meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
}

// HubConfig tunes a Hub.
type HubConfig struct {
	// Workers bounds the requests answered at once; 0 means 64.
	Workers int
	// Timeout bounds one request's work; 0 means 15 s.
	Timeout time.Duration
	// SiteTimeout is how long a site may go unheard and still count as
	// online; 0 means 15 s (three of its pings).
	SiteTimeout time.Duration
	// Key is the bridge key the central nodes share: every answer and
	// push to a site is signed with it (sign.go). Required.
	Key ed25519.PrivateKey
	// Sites are the sites the centre serves (daisd -bridge-sites): each
	// site's room, and a site not listed is refused with a message saying
	// so. Empty: every site is served, and its room is its name.
	Sites []Site
	// Meetings reads a meeting's rooms (*service.Service): with Sites, a
	// listed site reads, commands, opens documents and signs tablets in
	// only for meetings that have its room. nil: no such check.
	Meetings MeetingRooms
	Logger   *slog.Logger
}

// Hub answers the requests of bridge sites' edges on a central node. Every
// central node runs one; one of them (a queue group) answers each request.
type Hub struct {
	cfg      HubConfig
	log      Log
	sessions HubSessions
	exec     Executor
	docs     HubDocuments
	logger   *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sem    chan struct{}
	stops  []func()

	mu     sync.Mutex
	closed bool // guards wg.Add against Close's Wait

	sitesMu sync.Mutex
	sites   map[string]siteEntry // by site name
	dir     siteDirectory
	// refused are the unknown sites already logged (bounded).
	refused map[string]bool

	roomsMu sync.Mutex
	rooms   map[string]meetingRooms // by meeting, cached for roomsTTL
	reading map[string]bool         // meetings whose rooms are being read again

	publish func(subject string, data []byte) error
	signals signalLimits // the centre's signals pushed, per meeting (signals.go)
}

// NewHub starts answering on srv; docs may be nil (no documents served).
func NewHub(cfg HubConfig, srv Server, log Log, sessions HubSessions, exec Executor, docs HubDocuments) (*Hub, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.SiteTimeout <= 0 {
		cfg.SiteTimeout = 15 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("bridge: the hub needs the bridge key (HubConfig.Key) to sign what it sends the sites")
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{cfg: cfg, log: log, sessions: sessions, exec: exec, docs: docs, logger: cfg.Logger,
		ctx: ctx, cancel: cancel, sem: make(chan struct{}, cfg.Workers), sites: map[string]siteEntry{},
		dir: newSiteDirectory(cfg.Sites), refused: map[string]bool{}, rooms: map[string]meetingRooms{}, reading: map[string]bool{}}
	for kind, handle := range map[string]func(context.Context, string, []byte) any{
		"read.*":    h.read,
		"cmd.*":     h.command,
		"file.*":    h.file,
		kindJoin:    h.join,
		kindSession: h.session,
		kindSignOut: h.signOut,
		kindPing:    func(context.Context, string, []byte) any { return struct{}{} },
	} {
		stop, err := srv.Serve(sitePrefix+"*."+kind, queueGroup, h.dispatch(h.listed(kind, handle)))
		if err != nil {
			h.Close()
			return nil, err
		}
		h.stops = append(h.stops, stop)
	}
	// Every central node keeps every site's report (no queue group); the
	// site is the one its subject names (its leaf user may publish there
	// only).
	stop, err := srv.Serve(sitePrefix+"*."+kindStatus, "", func(subject string, data []byte, _ func([]byte)) {
		h.takeReport(subject, data)
	})
	if err != nil {
		h.Close()
		return nil, err
	}
	h.stops = append(h.stops, stop)
	// One central node (a queue group) reads the records of each event
	// message of a meeting that sites follow, and pushes them.
	h.publish = srv.Publish
	push := h.dispatch(h.push)
	stop, err = srv.Serve("dais.m.*.ev", "dais-bridge-push", func(subject string, data []byte, respond func([]byte)) {
		if len(h.followers(evMeeting(subject))) > 0 {
			push(subject, data, respond)
		}
	})
	if err != nil {
		h.Close()
		return nil, err
	}
	h.stops = append(h.stops, stop)
	// The centre's signals (pointer, ink), the same way (signals.go).
	if src, ok := srv.(SignalSource); ok {
		if stop, err = src.ServeSignals("dais-bridge-push", h.pushSignal); err != nil {
			h.Close()
			return nil, err
		}
		h.stops = append(h.stops, stop)
	}
	return h, nil
}

// dispatch runs handle on a worker goroutine and answers with its result.
// With every worker busy the request waits on the delivery goroutine:
// NATS then holds the next ones (the edge's timeout bounds its wait).
func (h *Hub) dispatch(handle func(context.Context, string, []byte) any) func(string, []byte, func([]byte)) {
	return func(subject string, data []byte, respond func([]byte)) {
		select {
		case h.sem <- struct{}{}:
		case <-h.ctx.Done():
			return
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			<-h.sem
			return
		}
		h.wg.Add(1)
		h.mu.Unlock()
		go func() {
			defer h.wg.Done()
			defer func() { <-h.sem }()
			ctx, cancel := context.WithTimeout(h.ctx, h.cfg.Timeout)
			defer cancel()
			v := handle(ctx, subject, data)
			if v == nil {
				return // a push: nobody to answer
			}
			out, ok := v.(rawReply)
			if !ok {
				var err error
				if out, err = json.Marshal(v); err != nil {
					h.logger.Error("encoding a bridge answer", "subject", subject, "err", err)
					return
				}
			}
			// Signed, bound to the request it answers (sign.go).
			respond(seal(h.cfg.Key, subject, data, out, time.Now()))
		}()
	}
}

// listed refuses the requests of a site the sites file does not list,
// with the reason (in the answer's error, as the kind's answer has it).
func (h *Hub) listed(kind string, handle func(context.Context, string, []byte) any) func(context.Context, string, []byte) any {
	return func(ctx context.Context, subject string, data []byte) any {
		site, _, meetingID, _ := parseSubject(subject)
		err := h.dir.check(site)
		if err != nil {
			h.refuseSite(site)
		} else if meetingID != "" {
			err = h.mayFollow(ctx, site, meetingID)
		}
		if err != nil {
			if kind == "file.*" {
				return fileReply{Error: err}.encode()
			}
			return struct {
				Error *meeting.Error `json:"error"`
			}{err}
		}
		return handle(ctx, subject, data)
	}
}

// refuseSite logs, once per site, that a site not in the sites file
// asked (at most maxSites names are remembered).
func (h *Hub) refuseSite(site string) {
	h.sitesMu.Lock()
	first := !h.refused[site] && len(h.refused) < maxSites
	if first {
		h.refused[site] = true
	}
	h.sitesMu.Unlock()
	if first {
		h.logger.Warn("a bridge site not in the sites file was refused (add it with `dais bridge-sites add`, or check its -name)", "site", site)
	}
}

// meetingOf is the <meeting> of dais.site.<site>.<kind>.<meeting>.
func meetingOf(subject string) string {
	_, _, id, _ := parseSubject(subject)
	return id
}

func badRequest() *meeting.Error {
	return meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ", "invalid request")
}

func (h *Hub) read(ctx context.Context, subject string, data []byte) any {
	id := meetingOf(subject)
	var req readRequest
	if !meeting.ValidMeetingID(id) || decodeJSON(data, &req) != nil {
		return readReply{Error: badRequest()}
	}
	max := req.Max
	if max <= 0 || max > maxPage {
		max = maxPage
	}
	v, err := h.log.Version(ctx, id)
	if err != nil {
		return readReply{Error: unavailable(err)}
	}
	reply := readReply{Version: v}
	if req.After >= v {
		return reply
	}
	recs, err := h.log.Read(ctx, id, req.After+1, max)
	if err != nil {
		return readReply{Error: unavailable(err)}
	}
	size := 0
	for _, r := range recs {
		if size += len(r.Data); size > maxPageBytes && len(reply.Records) > 0 {
			break
		}
		reply.Records = append(reply.Records, record{Seq: r.Seq, Data: r.Data, Hash: r.Hash, Prev: r.Prev})
	}
	return reply
}

func (h *Hub) command(ctx context.Context, subject string, data []byte) any {
	id := meetingOf(subject)
	var req cmdRequest
	if !meeting.ValidMeetingID(id) || decodeJSON(data, &req) != nil {
		return cmdReply{Error: badRequest()}
	}
	sess, err := h.sessions.Authenticate(ctx, req.Token)
	if err != nil {
		return cmdReply{Error: errorOf(err)}
	}
	if sess.Meeting != id {
		return cmdReply{Error: meeting.Errorf(meeting.Forbidden, "Phiên đăng nhập thuộc hội nghị khác", "the session belongs to another meeting")}
	}
	cmd, err := meeting.DecodeCommand(req.Name, req.Args)
	if err != nil {
		return cmdReply{Error: errorOf(err)}
	}
	events, err := h.exec.Execute(access.WithSession(ctx, sess), id, meeting.Actor{Participant: sess.Participant}, cmd)
	if err != nil {
		return cmdReply{Error: errorOf(err)}
	}
	return cmdReply{Events: events}
}

// roomsTTL is how long the hub keeps a meeting's rooms: a room added for
// a site counts within it.
const roomsTTL = 2 * time.Second

type meetingRooms struct {
	ids map[string]bool
	at  time.Time
}

// mayFollow refuses a listed site a meeting that does not have its room
// (nil without a sites file or without HubConfig.Meetings).
func (h *Hub) mayFollow(ctx context.Context, site, meetingID string) *meeting.Error {
	if h.dir == nil || h.cfg.Meetings == nil {
		return nil
	}
	room := h.dir.room(site)
	h.roomsMu.Lock()
	c, ok := h.rooms[meetingID]
	h.roomsMu.Unlock()
	if !ok || time.Since(c.at) > roomsTTL {
		c = meetingRooms{ids: map[string]bool{}, at: time.Now()}
		err := h.cfg.Meetings.Read(ctx, meetingID, func(s *meeting.State) {
			for _, r := range s.Rooms {
				c.ids[r.ID] = true
			}
		})
		if err != nil {
			return errorOf(err)
		}
		h.roomsMu.Lock()
		if len(h.rooms) >= 10000 {
			clear(h.rooms)
		}
		h.rooms[meetingID] = c
		h.roomsMu.Unlock()
	}
	if c.ids[room] {
		return nil
	}
	return meeting.Errorf(meeting.Forbidden,
		"Điểm cầu %q (phòng %q) không thuộc hội nghị này: hội nghị không có phòng của điểm cầu",
		"bridge site %q serves the room %q, which this meeting does not have: add the room to the meeting, or fix the sites file", site, room)
}

// mayFollowNow is mayFollow without waiting, for the delivery goroutine:
// it answers from the rooms kept (however old) and has them read again
// in the background when they are missing or stale; missing, it says no.
func (h *Hub) mayFollowNow(site, meetingID string) bool {
	if h.dir == nil || h.cfg.Meetings == nil {
		return true
	}
	h.roomsMu.Lock()
	c, ok := h.rooms[meetingID]
	refresh := (!ok || time.Since(c.at) > roomsTTL) && !h.reading[meetingID]
	if refresh {
		h.reading[meetingID] = true
	}
	h.roomsMu.Unlock()
	if refresh {
		h.mu.Lock()
		if !h.closed {
			h.wg.Add(1)
			go func() {
				defer h.wg.Done()
				defer func() {
					h.roomsMu.Lock()
					delete(h.reading, meetingID)
					h.roomsMu.Unlock()
				}()
				ctx, cancel := context.WithTimeout(h.ctx, h.cfg.Timeout)
				defer cancel()
				_ = h.mayFollow(ctx, site, meetingID)
			}()
		}
		h.mu.Unlock()
	}
	return ok && c.ids[h.dir.room(site)]
}

// siteOf is the site of a request's subject.
func siteOf(subject string) string {
	site, _, _, _ := parseSubject(subject)
	return site
}

func (h *Hub) join(ctx context.Context, subject string, data []byte) any {
	var req joinRequest
	if decodeJSON(data, &req) != nil {
		return sessionReply{Error: badRequest()}
	}
	// A code for a meeting this site does not serve is refused and stays
	// unspent (typed at the wrong site, it still works at the right one).
	site := siteOf(subject)
	sess, err := h.sessions.JoinWhere(ctx, req.Code, func(ctx context.Context, meetingID string) error {
		if err := h.mayFollow(ctx, site, meetingID); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return sessionReply{Error: errorOf(err)}
	}
	rec, err := h.sessions.Export(ctx, sess.Token)
	if err != nil {
		return sessionReply{Error: errorOf(err)}
	}
	return sessionReply{Token: sess.Token, Session: rec}
}

func (h *Hub) session(ctx context.Context, subject string, data []byte) any {
	var req sessionRequest
	if decodeJSON(data, &req) != nil {
		return sessionReply{Error: badRequest()}
	}
	rec, err := h.sessions.Export(ctx, req.Token)
	if err != nil {
		return sessionReply{Error: errorOf(err)}
	}
	if err := h.mayFollow(ctx, siteOf(subject), rec.Meeting); err != nil {
		return sessionReply{Error: err}
	}
	return sessionReply{Session: rec}
}

// Close stops answering and waits for the requests under way.
func (h *Hub) Close() {
	for _, stop := range h.stops {
		stop()
	}
	h.stops = nil
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

func unavailable(err error) *meeting.Error {
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được", "storage unavailable").WithCause(err)
}

func (h *Hub) signOut(ctx context.Context, _ string, data []byte) any {
	var req sessionRequest
	if decodeJSON(data, &req) != nil {
		return sessionReply{Error: badRequest()}
	}
	if err := h.sessions.SignOut(ctx, req.Token); err != nil {
		return sessionReply{Error: errorOf(err)}
	}
	return sessionReply{}
}

// decodeJSON decodes a request.
func decodeJSON(data []byte, v any) error { return json.Unmarshal(data, v) }

// evMeeting is the <meeting> of dais.m.<meeting>.ev.
func evMeeting(subject string) string {
	return strings.TrimSuffix(strings.TrimPrefix(subject, "dais.m."), ".ev")
}

// push reads the records an event message names (its seqs only: the
// message is a hint, the store is the truth) and publishes them to the
// sites.
func (h *Hub) push(ctx context.Context, subject string, data []byte) any {
	id := evMeeting(subject)
	var evs []struct {
		Seq uint64 `json:"seq"`
	}
	if !meeting.ValidMeetingID(id) || json.Unmarshal(data, &evs) != nil || len(evs) == 0 {
		return nil
	}
	first, last := evs[0].Seq, evs[len(evs)-1].Seq
	if first == 0 || last < first || last-first >= maxPage {
		return nil // the sites pull what a push leaves out
	}
	recs, err := h.log.Read(ctx, id, first, int(last-first+1))
	if err != nil || len(recs) == 0 {
		return nil
	}
	reply := readReply{Version: last}
	for _, r := range recs {
		reply.Records = append(reply.Records, record{Seq: r.Seq, Data: r.Data, Hash: r.Hash, Prev: r.Prev})
	}
	out, err := json.Marshal(reply)
	if err != nil {
		return nil
	}
	// One signature, for the meeting's push subject; the same bytes go to
	// each following site on its own subject.
	msg := seal(h.cfg.Key, pushSubject(id), nil, out, time.Now())
	for _, site := range h.followers(id) {
		if h.mayFollow(ctx, site, id) != nil {
			continue // it cannot read the meeting: no push either
		}
		if err := h.publish(sitePushSubject(site, id), msg); err != nil {
			h.logger.Warn("pushing records to a site failed; it pulls them", "meeting", id, "site", site, "err", err)
		}
	}
	return nil
}
