package main

import (
	"context"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The heap a burst leaves behind goes back to the system once the burst is
// over. A congress morning's sign-ins (HTTP requests, sessions written,
// welcomes built: tens of KB of garbage per tablet against a few KB that
// stays) grow the heap to about twice what stays, and after the rush the
// runtime's scavenger hands the difference back over tens of seconds, at
// about 1 % of a core. The returner does it at once: after a burst (more
// allocated over the last window of looks than the live heap), in the
// first quiet look (less than quietAlloc allocated, and nothing sent to
// any client: no presentation or vote under way, so the collection does
// not compete with a page turn), when the heap holds much more
// than the live data (minSpare, and a quarter of the live heap), it runs
// debug.FreeOSMemory — one garbage collection and the release of the free
// pages — at most every minGap. Steady work (page turns: a few KB per
// turn, a few MB in a window against tens of MB live) is no burst: the
// runtime's own pacing is left alone, and memory is not returned only to
// be faulted in again.

// memSample is what the returner reads of the runtime.
type memSample struct {
	sends   uint64 // the gateway's sends to clients since the start
	allocs  uint64 // bytes allocated since the start
	live    uint64 // live heap as of the last GC
	objects uint64 // bytes in heap objects, garbage not yet swept included
	free    uint64 // free heap pages the runtime still holds (not released)
}

// memoryReturner decides when to return the heap.
type memoryReturner struct {
	every      time.Duration // how often it looks
	window     int           // looks a burst is counted over
	minGap     time.Duration // between two returns
	quietAlloc uint64        // allocated during one look below which the server is quiet
	minSpare   uint64        // held beyond the live heap below which nothing is worth returning
	read       func() memSample
	sends      func() uint64 // the gateway's Sends; nil: none
	release    func()
	log        *slog.Logger
}

func newMemoryReturner(log *slog.Logger, sends func() uint64) *memoryReturner {
	return &memoryReturner{
		every:      time.Second,
		window:     10,
		minGap:     30 * time.Second,
		quietAlloc: 4 << 20,
		minSpare:   8 << 20,
		read:       readMemSample,
		sends:      sends,
		release:    debug.FreeOSMemory,
		log:        log,
	}
}

// worth reports whether cur calls for a return, prev being the look before
// it and then the look a window before: a burst over the window, quiet
// since prev, and the heap holding at least minSpare and a quarter of the
// live heap more than the live heap.
func (m *memoryReturner) worth(then, prev, cur memSample) bool {
	if cur.allocs-prev.allocs >= m.quietAlloc || cur.sends != prev.sends {
		return false // still busy
	}
	if cur.allocs-then.allocs < cur.live {
		return false // no burst
	}
	held := cur.objects + cur.free
	if held <= cur.live {
		return false
	}
	spare := held - cur.live
	return spare >= m.minSpare && spare >= cur.live/4
}

// run looks every m.every until ctx ends.
func (m *memoryReturner) run(ctx context.Context) {
	t := time.NewTicker(m.every)
	defer t.Stop()
	read := func() memSample {
		s := m.read()
		if m.sends != nil {
			s.sends = m.sends()
		}
		return s
	}
	looks := []memSample{read()} // the last window+1 looks, oldest first
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			cur := read()
			if m.worth(looks[0], looks[len(looks)-1], cur) && now.Sub(last) >= m.minGap {
				start, held := time.Now(), cur.objects+cur.free
				m.release()
				last = now
				cur = read()
				looks = looks[:0] // that burst is dealt with
				m.log.Debug("returned the heap a burst left", "live_bytes", cur.live, "held_before_bytes", held, "held_after_bytes", cur.objects+cur.free, "took", time.Since(start))
			}
			if len(looks) > m.window {
				looks = append(looks[:0], looks[1:]...)
			}
			looks = append(looks, cur)
		}
	}
}

var memMetrics = []string{
	"/gc/heap/allocs:bytes",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/free:bytes",
}

func readMemSample() memSample {
	s := make([]metrics.Sample, len(memMetrics))
	for i, name := range memMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s[i].Value.Uint64()
	}
	return memSample{allocs: v(0), live: v(1), objects: v(2), free: v(3)}
}
