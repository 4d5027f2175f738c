package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage"
)

// Requests to speak held during a cut (docs/bridge.md). While the link to
// the centre is cut, a tablet's RequestFloor or WithdrawFloor is checked
// against the replica, held at the edge in the order it came and acked
// Queued; once the link is back the edge sends the held commands to the
// centre in that order, each with its tablet's session. A resend with the
// same command id (a tablet that lost the ack) is held, or counted, once.
// The queue is kept in the edge's store (EdgeConfig.Held, the replica's
// bbolt file: one registry entry, rewritten on each change), so an edge
// restarted during a cut still sends what it held once the link is back;
// a command leaves it once the centre answered it. A restart between the
// centre's answer and that write sends it again: the centre refuses a
// request to speak made twice (and a withdrawal of none), so the log
// holds it once.

// maxHeld bounds the commands an edge holds (and the ids it remembers as
// sent): a site has some tens of tablets.
const maxHeld = 1000

// holdable are the commands an edge holds during a cut.
func holdable(cmd meeting.Command) bool {
	switch cmd.(type) {
	case meeting.RequestFloor, meeting.WithdrawFloor:
		return true
	}
	return false
}

type heldCmd struct {
	n       uint64 // its place in line, from 1
	key     string // the session's token and the command id; "" without an id
	meeting string
	who     string
	req     cmdRequest
}

// heldState is the queue as the store keeps it.
type heldState struct {
	Next uint64         `json:"next"`
	Cmds []heldStateCmd `json:"cmds,omitempty"`
	Sent []string       `json:"sent,omitempty"`
}

type heldStateCmd struct {
	N       uint64     `json:"n"`
	Key     string     `json:"key,omitempty"`
	Meeting string     `json:"meeting"`
	Who     string     `json:"who"`
	Req     cmdRequest `json:"req"`
}

// heldKind and heldID name the queue's entry in the edge's store.
const (
	heldKind = "bridgeheld"
	heldID   = "queue"
)

// heldQueue is the edge's held commands, in order, and the keys of those
// held or already sent.
type heldQueue struct {
	mu   sync.Mutex
	cmds []heldCmd
	held map[string]bool // key → still held
	sent []string        // keys sent, oldest first (at most maxHeld)
	next uint64          // the last heldCmd.n given
	// sending is the n of the command being sent (0: none): it is no
	// longer withdrawn at the edge.
	sending uint64
	flush   sync.Mutex // one flush at a time
	// store keeps the queue (nil: in memory only); log reports a failed
	// write.
	store storage.Registry
	log   *slog.Logger
}

// save writes the queue to the store; the caller holds q.mu. A failed
// write is logged: the queue in memory stays right, only a restart would
// lose what changed.
func (q *heldQueue) save() error {
	if q.store == nil {
		return nil
	}
	st := heldState{Next: q.next, Sent: q.sent}
	for _, c := range q.cmds {
		st.Cmds = append(st.Cmds, heldStateCmd{N: c.n, Key: c.key, Meeting: c.meeting, Who: c.who, Req: c.req})
	}
	data, err := json.Marshal(st)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = q.store.UpdateEntry(ctx, heldKind, heldID, func([]byte) ([]byte, error) { return data, nil })
		cancel()
	}
	if err != nil {
		q.log.Error("keeping the held requests to speak in the store failed; a restart would lose them", "err", err)
	}
	return err
}

// load reads the queue the store kept (at the edge's start).
func (q *heldQueue) load(ctx context.Context) error {
	if q.store == nil {
		return nil
	}
	data, err := q.store.GetEntry(ctx, heldKind, heldID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var st heldState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("bridge: the held requests to speak in the store: %w", err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.next, q.sent, q.cmds = st.Next, st.Sent, nil
	q.held = map[string]bool{}
	for _, k := range st.Sent {
		q.held[k] = false
	}
	for _, c := range st.Cmds {
		q.cmds = append(q.cmds, heldCmd{n: c.N, key: c.Key, meeting: c.Meeting, who: c.Who, req: c.Req})
		if c.Key != "" {
			q.held[c.Key] = true
		}
	}
	return nil
}

func errHeldFull() *meeting.Error {
	return meeting.Errorf(meeting.Unavailable,
		"Điểm cầu đang mất kết nối và đã giữ quá nhiều yêu cầu phát biểu; xin thử lại khi có kết nối",
		"this bridge site's link is cut and it holds too many requests to speak; try again once the link is back")
}

// hold checks cmd against the replica and holds it: protocol.ErrQueued, or
// the refusal.
func (m *Meetings) hold(ctx context.Context, id string, actor meeting.Actor, token string, cmd meeting.Command, req cmdRequest) error {
	key := ""
	if cid := protocol.CommandIDFrom(ctx); cid != "" {
		key = token + "\x00" + cid
	}
	q := &m.e.held
	q.mu.Lock()
	_, seen := q.held[key]
	q.mu.Unlock()
	if key != "" && seen {
		return protocol.ErrQueued // a resend: held or sent once already
	}
	// The participant's last held command decides what this one is; with
	// none held, the replica does, as the centre would.
	q.mu.Lock()
	lastName := ""
	if i := q.lastOf(id, actor.Participant); i >= 0 {
		lastName = q.cmds[i].req.Name
	}
	q.mu.Unlock()
	switch _, withdraw := cmd.(meeting.WithdrawFloor); {
	case lastName == "":
		s, err := m.local.State(ctx, id)
		if err != nil {
			return err
		}
		if _, err := meeting.Decide(s, actor, cmd, time.Now()); err != nil {
			return err
		}
	case lastName == "RequestFloor" && !withdraw:
		return meeting.Errorf(meeting.Conflict, "Đồng chí đã đăng ký phát biểu", "you have already asked to speak")
	case lastName == "WithdrawFloor" && withdraw:
		return meeting.Errorf(meeting.Conflict, "Đồng chí chưa đăng ký phát biểu", "you have not asked to speak")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if key != "" {
		if _, seen := q.held[key]; seen {
			return protocol.ErrQueued
		}
	}
	if _, withdraw := cmd.(meeting.WithdrawFloor); withdraw {
		if i := q.lastOf(id, actor.Participant); i >= 0 && q.cmds[i].req.Name == "RequestFloor" && q.cmds[i].n != q.sending {
			// Withdrawing a held request: neither reaches the centre.
			q.forget(q.cmds[i].key)
			q.cmds = append(q.cmds[:i], q.cmds[i+1:]...)
			_ = q.save()
			m.e.log.Info("a held request to speak was withdrawn", "meeting", id, "participant", actor.Participant)
			return nil
		}
	}
	if len(q.cmds) >= maxHeld {
		return errHeldFull()
	}
	if q.held == nil {
		q.held = map[string]bool{}
	}
	if key != "" {
		q.held[key] = true
	}
	q.next++
	q.cmds = append(q.cmds, heldCmd{n: q.next, key: key, meeting: id, who: actor.Participant, req: req})
	_ = q.save()
	m.e.log.Info("a request to speak is held until the link is back", "meeting", id, "participant", actor.Participant, "command", req.Name)
	return protocol.ErrQueued
}

// seen says whether a session's command id was held here, and whether it
// is held still.
func (q *heldQueue) seen(token, commandID string) (held, seen bool) {
	if commandID == "" {
		return false, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	held, seen = q.held[token+"\x00"+commandID]
	return held, seen
}

// lastOf is the index of a participant's last held command, or -1.
func (q *heldQueue) lastOf(meetingID, who string) int {
	for i := len(q.cmds) - 1; i >= 0; i-- {
		if q.cmds[i].meeting == meetingID && q.cmds[i].who == who {
			return i
		}
	}
	return -1
}

// forget marks key as no longer held (as if sent: a resend is not held
// again).
func (q *heldQueue) forget(key string) {
	if key == "" {
		return
	}
	q.held[key] = false
	q.sent = append(q.sent, key)
	if len(q.sent) > maxHeld {
		delete(q.held, q.sent[0])
		q.sent = q.sent[1:]
	}
}

// Held is the number of commands the edge holds.
func (e *Edge) Held() int {
	e.held.mu.Lock()
	defer e.held.mu.Unlock()
	return len(e.held.cmds)
}

// sendHeld sends the held commands to the centre in order while the link
// is up. A command the centre refuses (the floor moved on meanwhile) is
// dropped and logged; one whose answer the cut swallowed stays first in
// line and goes again (the centre refuses a request to speak made twice).
func (e *Edge) sendHeld() {
	q := &e.held
	q.flush.Lock()
	defer q.flush.Unlock()
	for e.linkUp.Load() && e.ctx.Err() == nil {
		q.mu.Lock()
		if len(q.cmds) == 0 {
			q.mu.Unlock()
			return
		}
		h := q.cmds[0]
		q.sending = h.n
		q.mu.Unlock()
		var reply cmdReply
		err := e.request(e.ctx, cmdSubject(e.cfg.Site, h.meeting), h.req, &reply)
		if err != nil {
			var me *meeting.Error
			if !errors.As(err, &me) || me.Code == meeting.Unavailable {
				e.log.Warn("sending a held request to speak failed; it stays held", "meeting", h.meeting, "err", err)
				q.mu.Lock()
				q.sending = 0
				q.mu.Unlock()
				return
			}
		}
		if err == nil && reply.Error != nil {
			err = reply.Error
		}
		if err != nil {
			e.log.Warn("the centre refused a held request to speak", "meeting", h.meeting, "participant", h.who, "command", h.req.Name, "err", err)
		} else {
			e.log.Info("a held request to speak was sent", "meeting", h.meeting, "participant", h.who, "command", h.req.Name)
			if f := e.follow(h.meeting); f != nil {
				f.ring()
			}
		}
		q.mu.Lock()
		q.sending = 0
		if len(q.cmds) > 0 && q.cmds[0].n == h.n {
			q.cmds = q.cmds[1:]
		}
		q.forget(h.key)
		_ = q.save()
		q.mu.Unlock()
	}
}
