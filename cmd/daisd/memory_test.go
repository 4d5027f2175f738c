package main

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryReturnerWorth(t *testing.T) {
	const mib = 1 << 20
	m := newMemoryReturner(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	heap := func(allocs, live, objects, free uint64) memSample {
		return memSample{allocs: allocs * mib, live: live * mib, objects: objects * mib, free: free * mib}
	}
	for _, tc := range []struct {
		name            string
		then, prev, cur memSample
		want            bool
	}{
		{"after a rush: 400 MiB in the window, quiet, heap twice the live data", heap(500, 0, 0, 0), heap(900, 0, 0, 0), heap(901, 55, 70, 40), true},
		{"still busy: 80 MiB in the last look", heap(500, 0, 0, 0), heap(900, 0, 0, 0), heap(980, 55, 70, 40), false},
		{"steady work, no burst: 20 MiB over the window", heap(880, 0, 0, 0), heap(899, 0, 0, 0), heap(900, 55, 70, 40), false},
		{"a burst smaller than the live heap", heap(800, 0, 0, 0), heap(899, 0, 0, 0), heap(900, 150, 200, 60), false},
		{"a small server's burst: 30 MiB, 16 MiB live, 34 held", heap(10, 0, 0, 0), heap(40, 0, 0, 0), heap(40, 16, 20, 14), true},
		{"quiet after a burst, little held beyond the live heap", heap(500, 0, 0, 0), heap(900, 0, 0, 0), heap(900, 55, 56, 10), false},
		{"quiet after a burst, 20 MiB spare of a 400 MiB live heap: under a quarter", heap(0, 0, 0, 0), heap(900, 0, 0, 0), heap(900, 400, 410, 10), false},
		{"quiet allocation, but a room sent something: a presentation under way", heap(500, 0, 0, 0), memSample{allocs: 900 * mib, sends: 7}, memSample{allocs: 901 * mib, sends: 8, live: 55 * mib, objects: 70 * mib, free: 40 * mib}, false},
		{"garbage not yet swept counts as held", heap(0, 0, 0, 0), heap(100, 0, 0, 0), heap(100, 20, 60, 0), true},
	} {
		if got := m.worth(tc.then, tc.prev, tc.cur); got != tc.want {
			t.Errorf("%s: worth = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMemoryReturnerRuns: the returner's loop, on a scripted heap: a
// burst is returned once the rooms stop sending (not while they send: a
// presentation), and not again within minGap; the returner stops with its
// context.
func TestMemoryReturnerRuns(t *testing.T) {
	const mib = 1 << 20
	var (
		mu         sync.Mutex
		heap       = memSample{live: 10 * mib, objects: 10 * mib}
		sends      uint64
		presenting bool
		looks      int
	)
	m := newMemoryReturner(slog.New(slog.NewTextHandler(io.Discard, nil)), func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		if presenting {
			sends++ // the rooms sent something since the last look
		}
		return sends
	})
	m.every, m.window, m.minGap = 5*time.Millisecond, 1000, time.Hour
	m.read = func() memSample {
		mu.Lock()
		defer mu.Unlock()
		looks++
		return heap
	}
	var released atomic.Int32
	m.release = func() {
		mu.Lock()
		defer mu.Unlock()
		released.Add(1)
		heap.free = 0
	}
	// waitLooks waits until the returner has looked n more times.
	waitLooks := func(n int) {
		t.Helper()
		mu.Lock()
		target := looks + n
		mu.Unlock()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			mu.Lock()
			l := looks
			mu.Unlock()
			if l >= target {
				return
			}
		}
		t.Fatalf("the returner stopped looking")
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.run(ctx)
	}()
	waitLooks(5)
	if n := released.Load(); n != 0 {
		t.Fatalf("released %d times with nothing to return", n)
	}
	// The rush: 300 MiB allocated, 30 MiB of it live; a presentation starts at once.
	mu.Lock()
	presenting = true
	heap = memSample{allocs: 300 * mib, live: 40 * mib, objects: 40 * mib, free: 60 * mib}
	mu.Unlock()
	waitLooks(20)
	if n := released.Load(); n != 0 {
		t.Fatalf("released %d times while the rooms were sending", n)
	}
	mu.Lock()
	presenting = false
	mu.Unlock()
	waitLooks(5)
	if n := released.Load(); n != 1 {
		t.Fatalf("released %d times once quiet after the burst, want 1", n)
	}
	// Another burst within minGap: not returned.
	mu.Lock()
	heap = memSample{allocs: 600 * mib, live: 40 * mib, objects: 40 * mib, free: 60 * mib}
	mu.Unlock()
	waitLooks(20)
	if n := released.Load(); n != 1 {
		t.Fatalf("released %d times within minGap, want 1", n)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the returner did not stop with its context")
	}
}

// TestReadMemSample: the runtime's figures the returner reads are there
// and move as they should.
func TestReadMemSample(t *testing.T) {
	before := readMemSample()
	keep := make([][]byte, 0, 8)
	for range 8 {
		keep = append(keep, make([]byte, 1<<20))
	}
	runtime.GC()
	after := readMemSample()
	runtime.KeepAlive(keep)
	if after.allocs < before.allocs+8<<20 {
		t.Errorf("allocs went from %d to %d after 8 MiB allocated", before.allocs, after.allocs)
	}
	if after.live < 8<<20 || after.objects < after.live/2 || after.objects+after.free < after.live {
		t.Errorf("after a GC with 8 MiB kept: %+v", after)
	}
}
