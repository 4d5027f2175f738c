package gateway

import (
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/dais-meeting/dais/meeting"
)

// Limits bound what one participant may make this node do, whatever the
// number of sockets they open: one delegate must not be able to grow the
// meeting's log, or the node's memory, without bound. Each rate is a token
// bucket shared by every connection of the participant on this node. Zero
// values mean the defaults given.
type Limits struct {
	// SocketsPerSession bounds the connections of one session (one signed-in
	// device); a new one past it closes the session's oldest with
	// CloseReplaced (0: 4).
	SocketsPerSession int
	// Commands per second, and the burst (0: 10 and 40), of a participant
	// who does not run the meeting (not the chair, not a secretary).
	Commands     float64
	CommandBurst int
	// Attendance bounds CheckIn and CheckOut by the same participants
	// (toggling one's presence): per second, and the burst (0: 0.2, one
	// each 5 s, and 6).
	Attendance      float64
	AttendanceBurst int
	// AnnotationBytes bounds the bytes of SaveAnnotation commands per
	// second, and the burst (0: 16 KiB/s and 256 KiB): what a participant's
	// annotations may add to the log.
	AnnotationBytes float64
	AnnotationBurst int
	// Signals per second, and the burst (0: 30 and 60).
	Signals     float64
	SignalBurst int
}

func (l *Limits) defaults() {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defInt(&l.SocketsPerSession, 4)
	def(&l.Commands, 10)
	defInt(&l.CommandBurst, 40)
	def(&l.Attendance, 0.2)
	defInt(&l.AttendanceBurst, 6)
	def(&l.AnnotationBytes, 16<<10)
	defInt(&l.AnnotationBurst, 256<<10)
	def(&l.Signals, 30)
	defInt(&l.SignalBurst, 60)
}

// MaxSignalSize is the largest signal a client may send, in bytes (the
// whole frame); a larger one is dropped. A live-ink signal carries the
// points drawn in the last 50 ms: a few hundred bytes.
const MaxSignalSize = 8 << 10

// budget is one participant's buckets on this node. Its fields are set at
// creation; the limiters are safe for concurrent use.
type budget struct {
	refs        int // connections holding it; guarded by Gateway.mu
	commands    *rate.Limiter
	attendance  *rate.Limiter
	annotations *rate.Limiter
	signals     *rate.Limiter
}

func newBudget(l Limits) *budget {
	return &budget{
		commands:    rate.NewLimiter(rate.Limit(l.Commands), l.CommandBurst),
		attendance:  rate.NewLimiter(rate.Limit(l.Attendance), l.AttendanceBurst),
		annotations: rate.NewLimiter(rate.Limit(l.AnnotationBytes), l.AnnotationBurst),
		signals:     rate.NewLimiter(rate.Limit(l.Signals), l.SignalBurst),
	}
}

// allow reports whether a participant of role may run a command of name
// whose arguments are args bytes long, taking its tokens; a refusal is a
// RateLimited error that says how long to wait. The chair and the
// secretaries run the meeting (a page turned per keystroke, 200 people
// checked in one after the other): only their annotation bytes are bounded.
//
// A SaveAnnotation's bytes are checked here but charged by settle, once the
// command has run: settle(false) when the meeting refused it and nothing
// was written (an edit of one annotation within
// meeting.AnnotationEditInterval, a quota), settle(true) otherwise. The
// bucket bounds what reaches the log; a charge that several sockets of the
// participant make at once may put it in debt, which the next commands
// wait out. The command and toggle tokens are taken here, whatever follows.
func (b *budget) allow(role meeting.Role, name string, args int, now time.Time) (settle func(written bool), err error) {
	runs := role == meeting.RoleChair || role == meeting.RoleSecretary
	if !runs && !b.commands.AllowN(now, 1) {
		return nil, rateLimited(b.commands, 1, now)
	}
	switch name {
	case "CheckIn", "CheckOut":
		if !runs && !b.attendance.AllowN(now, 1) {
			return nil, rateLimited(b.attendance, 1, now)
		}
	case "SaveAnnotation":
		n := max(args, 1)
		if n > b.annotations.Burst() || b.annotations.TokensAt(now) < float64(n) {
			return nil, rateLimited(b.annotations, min(n, b.annotations.Burst()), now)
		}
		return func(written bool) {
			if written {
				b.annotations.ReserveN(time.Now(), n)
			}
		}, nil
	}
	return func(bool) {}, nil
}

// rateLimited is the refusal of a command over its bucket, with the wait
// after which n tokens are there again.
func rateLimited(l *rate.Limiter, n int, now time.Time) error {
	r := l.ReserveN(now, n)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	secs := max(1, int((wait+time.Second-1)/time.Second))
	return meeting.Errorf(meeting.RateLimited,
		"Thao tác quá nhanh; xin chờ khoảng %d giây rồi thử lại (lệnh chưa được thực hiện)",
		"too many commands too fast; wait about %d s and try again (the command had no effect)", secs)
}

// acquireBudget returns the participant's budget, counting a reference,
// and the connections of the same session beyond SocketsPerSession - 1
// (oldest first), which the caller closes.
func (g *Gateway) acquireBudget(c *conn) (*budget, []*conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := c.sess.Meeting + "\x00" + c.sess.Participant
	b := g.budgets[key]
	if b == nil {
		if len(g.budgets) >= max(budgetSweep, g.budgetsSwept) {
			g.sweepBudgets(time.Now())
			// Sweep again only once the map has doubled: with more
			// participants connected than budgetSweep, sweeping at
			// every new one made each connect scan every budget.
			g.budgetsSwept = 2 * len(g.budgets)
		}
		b = newBudget(g.cfg.Limits)
		g.budgets[key] = b
	}
	b.refs++
	var same []*conn
	for _, o := range g.byToken[c.sess.Token] {
		if o != c {
			same = append(same, o)
		}
	}
	var evict []*conn
	if over := len(same) - (g.cfg.Limits.SocketsPerSession - 1); over > 0 {
		// Oldest first: a tablet that reconnects before its dead socket
		// timed out keeps the new one.
		for range over {
			oldest := same[0]
			for _, o := range same[1:] {
				if o.opened.Before(oldest.opened) {
					oldest = o
				}
			}
			evict = append(evict, oldest)
			same = removeConn(same, oldest)
		}
	}
	return b, evict
}

func removeConn(cs []*conn, c *conn) []*conn {
	return slices.DeleteFunc(cs, func(o *conn) bool { return o == c })
}

// releaseBudget drops a reference to the participant's budget. The budget
// stays (reconnecting must not refill the buckets) until a sweep finds it
// unused and full again.
func (g *Gateway) releaseBudget(c *conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if b := g.budgets[c.sess.Meeting+"\x00"+c.sess.Participant]; b != nil {
		b.refs--
	}
}

// budgetSweep is how many budgets the gateway keeps before it forgets the
// unused ones whose buckets have filled up again.
const budgetSweep = 4096

// sweepBudgets forgets budgets nobody holds whose buckets are full: the
// participant would get the same fresh budget back. g.mu is held.
func (g *Gateway) sweepBudgets(now time.Time) {
	full := func(l *rate.Limiter) bool { return l.TokensAt(now) >= float64(l.Burst()) }
	for k, b := range g.budgets {
		if b.refs <= 0 && full(b.commands) && full(b.attendance) && full(b.annotations) && full(b.signals) {
			delete(g.budgets, k)
		}
	}
}
