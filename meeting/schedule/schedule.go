// Package schedule runs a use case's due work in the background: one
// goroutine calls Check, then sleeps until the time Check says is next
// (or Rescan, whichever is sooner) or until Poke wakes it, until Close.
// Written consultations (their deadlines and reminders) and conclusions
// (their overdue tasks) use it.
package schedule

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Check does what is due now and returns when something is due next
// (zero: nothing known, look again after Rescan).
type Check func(ctx context.Context) (next time.Time, err error)

// Scheduler owns the goroutine that calls a Check.
type Scheduler struct {
	check  Check
	rescan time.Duration
	now    func() time.Time
	log    *slog.Logger
	what   string

	poke                 chan struct{}
	startOnce, closeOnce sync.Once
	cancel               context.CancelFunc
	done                 chan struct{}
}

// New returns a stopped Scheduler of check; what names it in the log;
// rescan > 0 bounds every sleep; now is the clock the Check's times are
// on (nil: time.Now).
func New(what string, check Check, rescan time.Duration, now func() time.Time, log *slog.Logger) *Scheduler {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Scheduler{check: check, rescan: rescan, now: now, log: log, what: what,
		poke: make(chan struct{}, 1), done: make(chan struct{})}
}

// Start starts the goroutine; Start after Close does nothing.
func (s *Scheduler) Start() {
	s.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		go func() {
			defer close(s.done)
			s.loop(ctx)
		}()
	})
}

// Close stops the goroutine and waits for it; it may be called more than
// once, and without Start.
func (s *Scheduler) Close() {
	s.closeOnce.Do(func() {
		started := true
		s.startOnce.Do(func() { started = false; close(s.done) })
		if started && s.cancel != nil {
			s.cancel()
		}
		<-s.done
	})
}

// Poke wakes the goroutine to check now (something changed); it never
// blocks.
func (s *Scheduler) Poke() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

func (s *Scheduler) loop(ctx context.Context) {
	for {
		next, err := s.check(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn(s.what+": the scheduler's check failed; it tries again", "err", err)
		}
		wait := s.rescan
		if !next.IsZero() {
			if d := next.Sub(s.now()); d < wait {
				wait = max(d, 0)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.poke:
			t.Stop()
		case <-t.C:
		}
	}
}
