package bridge

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The centre's signals at the sites (docs/bridge.md, "Signals"). A signal
// (the chair's pointer, live ink) is ephemeral: it is not in the log, so
// the replica cannot carry it. One central node (the push's queue group)
// takes each authentic signal of a meeting that sites follow from the
// centre's bus (natsbus.Bus.ServeSignals: its MAC checked, no older than a
// minute), signs it once with the bridge key for dais.bridge.<meeting>.sig
// and publishes the same bytes on each following site's
// dais.site.<site>.sig.<meeting>. The edge drops what does not verify, and
// a signal older than a minute by the centre's own clock (its newest
// signed time the edge saw: a mini PC's clock may be off by hours), and
// hands the rest to its gateway's rooms, which show it to those who may
// read its document as at the centre. A site's own signals stay in the
// site; no site's word reaches the centre or another site.

// SignalSource gives a central node's hub the centre's signals
// (*natsbus.Bus). A Server without it pushes no signals.
type SignalSource interface {
	ServeSignals(queue string, f func(meetingID string, data []byte)) (stop func(), err error)
}

const (
	// signalRate and signalBurst bound the signals of one meeting pushed
	// to the sites (per second): past them a signal is dropped, as one
	// lost on the way. The centre's gateway allows a participant 30 a
	// second; two presenters drawing at once fit.
	signalRate  = 60
	signalBurst = 120
	// signalMaxAge is how old a signal may be, by the centre's clock, and
	// still be shown at a site (a replayed pointer from an hour ago is
	// not).
	signalMaxAge = time.Minute
	// maxSignalMeetings bounds the meetings whose signal rate the hub
	// keeps (then it starts afresh).
	maxSignalMeetings = 10000
)

// signalSubject is what a pushed signal is signed for:
// dais.bridge.<meeting>.sig (one signature, whichever site it goes to).
func signalSubject(meetingID string) string { return subjectPrefix + meetingID + ".sig" }

// siteSignalSubject carries the centre's signals to one site.
func siteSignalSubject(site, meetingID string) string { return siteSubject(site, "sig", meetingID) }

// signalLimits are the meetings' signal rates at the hub.
type signalLimits struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func (l *signalLimits) allow(meetingID string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[meetingID]
	if lim == nil {
		if l.m == nil || len(l.m) >= maxSignalMeetings {
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(signalRate, signalBurst)
		l.m[meetingID] = lim
	}
	return lim.Allow()
}

// pushSignal passes one of the centre's signals on to the sites following
// its meeting, signed once. It runs on the bus's delivery goroutine (in
// order) and does not block: publishing is buffered.
func (h *Hub) pushSignal(meetingID string, data []byte) {
	sites := h.followers(meetingID)
	if len(sites) == 0 || !h.signals.allow(meetingID) {
		return
	}
	msg := seal(h.cfg.Key, signalSubject(meetingID), nil, data, time.Now())
	for _, site := range sites {
		if !h.mayFollowNow(site, meetingID) {
			continue // not a meeting of the site's room (or not known yet)
		}
		if err := h.publish(siteSignalSubject(site, meetingID), msg); err != nil {
			h.logger.Debug("pushing a signal to a site failed (signals are ephemeral)", "meeting", meetingID, "site", site, "err", err)
		}
	}
}

// deliverSignal hands a signal to the site's gateway rooms of a meeting.
func (e *Edge) deliverSignal(meetingID string, data []byte) {
	for _, s := range e.subscribers(meetingID) {
		if s.onSignal != nil {
			s.onSignal(data)
		}
	}
}
