package main

import (
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryReturnerWorth(t *testing.T) {
	const mib = 1 << 20
	m := newMemoryReturner(slog.New(slog.NewTextHandler(io.Discard, nil)))
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
		{"quiet after a burst, little held beyond the live heap", heap(500, 0, 0, 0), heap(900, 0, 0, 0), heap(900, 55, 56, 10), false},
		{"quiet after a burst, 20 MiB spare of a 400 MiB live heap: under a quarter", heap(0, 0, 0, 0), heap(900, 0, 0, 0), heap(900, 400, 410, 10), false},
		{"garbage not yet swept counts as held", heap(0, 0, 0, 0), heap(100, 0, 0, 0), heap(100, 20, 60, 0), true},
	} {
		if got := m.worth(tc.then, tc.prev, tc.cur); got != tc.want {
			t.Errorf("%s: worth = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMemoryReturnerRuns: on the real runtime, a burst of garbage followed
// by quiet is returned once, and not again within minGap; the returner
// stops with its context.
func TestMemoryReturnerRuns(t *testing.T) {
	m := newMemoryReturner(slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.every, m.window, m.minGap = 20*time.Millisecond, 100, time.Hour
	var released atomic.Int32
	m.release = func() { released.Add(1) }
	debug.FreeOSMemory() // what earlier tests left is not this test's burst
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.run(t.Context())
	}()
	t.Cleanup(func() {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the returner did not stop with its context")
		}
	})
	time.Sleep(100 * time.Millisecond)
	if n := released.Load(); n != 0 {
		t.Fatalf("released %d times before the burst", n)
	}
	// The burst: 128 MiB allocated and dropped, then a GC so the live
	// figure is current.
	var keep [][]byte
	for range 128 {
		keep = append(keep, make([]byte, 1<<20))
	}
	runtime.KeepAlive(keep)
	keep = nil
	runtime.GC()
	deadline := time.Now().Add(10 * time.Second)
	for released.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if released.Load() != 1 {
		t.Fatalf("released %d times after the burst, want 1", released.Load())
	}
	time.Sleep(200 * time.Millisecond) // ten more looks: minGap holds
	if n := released.Load(); n != 1 {
		t.Fatalf("released %d times within minGap, want 1", n)
	}
}
