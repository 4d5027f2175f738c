package gateway

import (
	"time"

	"github.com/dais-meeting/dais/realtime/protocol"
)

// The counts — an open poll's ballot progress, and the attendance counts
// that lean viewers get instead of each other's check-ins — change with
// every ballot and every check-in, and go to every connection of a room.
// They are coalesced, and paced:
//
//   - A room's connections are dealt into paceSlices slices (conn.slice,
//     room.slices), and every ProgressInterval/paceSlices one slice has
//     its turn (sendCounts), which looks at that slice's connections
//     only. A change goes out in a round: the next paceSlices turns, each
//     sending its slice the count as it is then. A room of
//     1,600 tablets writes 160 small messages at a time, not 1,600 at once
//     four times a second: that burst took both cores for tens of
//     milliseconds, the acks of the ballots being cast waited behind it
//     (docs/performance.md, "The vote storm's tail"), and a hall's Wi-Fi
//     would take it as one burst too.
//   - A round starts at most once per countsPeriod (100 µs per lean
//     connection) and never while one runs: every ProgressInterval in most
//     rooms, once a second with 10,000 tablets — every count a connection
//     gets costs a write, and a room's counts stay under a tenth of a core.
//
// A connection hears of a change within about countsPeriod plus a round,
// once; the final count after the last ballot or check-in reaches every
// connection within that time.
const paceSlices = 10

// countsPerConn is the time between two rounds of counts per lean
// connection of the room: a room of 10,000 tablets starts a round at most
// once a second.
const countsPerConn = 100 * time.Microsecond

// countsPeriod is the least time between the starts of two rounds.
func (r *room) countsPeriod() time.Duration {
	return time.Duration(r.leanConns) * countsPerConn
}

// pacer deals the changes of one count to the slices of a room, in
// rounds. V is what a slice was sent (a version of the count); the zero V
// is "nothing".
type pacer[V comparable] struct {
	left   int       // turns left in the current round (0: none runs)
	start  time.Time // when the last round started
	began  V         // the value the last round started with
	joined bool      // a connection joined: start a round even if nothing changed
	sent   [paceSlices]V
}

// turn reports whether slice k is to be sent v now, and records it as
// sent: in a round, to a slice that was not sent v already. A round starts
// when v differs from what the last round started with (or a connection
// joined) and period has passed since the last round started.
func (p *pacer[V]) turn(k int, v V, period time.Duration, now time.Time) bool {
	if p.left == 0 {
		if (v == p.began && !p.joined) || now.Sub(p.start) < period {
			return false
		}
		p.left, p.start, p.began, p.joined = paceSlices, now, v, false
	}
	p.left--
	if p.sent[k] == v {
		return false
	}
	p.sent[k] = v
	return true
}

// join makes slice k, which a connection joined, due the current value at
// its next turn.
func (p *pacer[V]) join(k int) {
	var zero V
	p.sent[k], p.joined = zero, true
}

// progressMark is what progress a slice was sent: the poll and its count.
type progressMark struct {
	poll string
	cast int
}

// sendCounts is slice k's turn: it sends the slice the open poll's
// progress and the lean viewers' attendance where they changed.
func (r *room) sendCounts() {
	k := r.tick
	r.tick = (r.tick + 1) % paceSlices
	now, period := time.Now(), r.countsPeriod()
	r.sendProgress(k, now, period)
	r.sendAttendance(k, now, period)
	r.sendOut()
}

// sendAttendance queues slice k's lean viewers the attendance counts
// when it is their turn.
func (r *room) sendAttendance(k int, now time.Time, period time.Duration) {
	if !r.attendance.turn(k, r.leanVersion, period, now) || r.encodeLean() != nil {
		return
	}
	for c := range r.slices[k] {
		if c.lean {
			r.to(c, r.attendanceMsg)
		}
	}
}

// sendProgress queues slice k the open poll's ballot count when it is
// their turn: the lean viewers the totals, the others (the chair, the
// secretaries, the displays) the count of each linked room too.
func (r *room) sendProgress(k int, now time.Time, period time.Duration) {
	p := r.state.OpenPoll()
	if p == nil {
		r.progress = pacer[progressMark]{} // a poll opened later starts afresh
		return
	}
	if !r.progress.turn(k, progressMark{poll: p.ID, cast: len(p.Voters)}, period, now) {
		return
	}
	members, present := r.state.Members()
	msg := protocol.Progress{Type: protocol.TypeProgress, Poll: p.ID, Cast: len(p.Voters), Members: members, Present: present}
	if p.Kind != "" {
		// An election round: everyone's console may show the rooms (the
		// counting committee's among them).
		msg.Rooms = roomProgress(r.state, p)
	}
	pm, err := prepare(msg)
	if err != nil {
		return
	}
	// Any other poll of a meeting with linked rooms (bridge sites): the
	// chair and the secretaries (whole viewers) see each room's count; the
	// lean thousands get the totals only. Each message is encoded once.
	whole := pm
	if msg.Rooms == nil && len(r.state.Rooms) > 1 {
		msg.Rooms = roomProgress(r.state, p)
		if whole, err = prepare(msg); err != nil {
			whole = pm
		}
	}
	for c := range r.slices[k] {
		if c.lean {
			r.to(c, pm)
		} else {
			r.to(c, whole)
		}
	}
}
