package schedule

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPokeWakesAndCloseStops: Check runs at Start, again on each Poke
// (Rescan is an hour, so nothing else wakes it), a failing Check is tried
// again, and Close stops the goroutine and waits for it.
func TestPokeWakesAndCloseStops(t *testing.T) {
	calls := make(chan struct{}, 16)
	n := 0
	s := New("test", func(ctx context.Context) (time.Time, error) {
		n++
		select {
		case calls <- struct{}{}:
		default:
		}
		if n == 2 {
			return time.Time{}, errors.New("a failed check")
		}
		return time.Time{}, nil
	}, time.Hour, nil, nil)
	s.Start()
	for i := range 3 {
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatalf("check %d did not run", i+1)
		}
		s.Poke()
	}
	s.Close()
	s.Close() // twice is fine
	select {
	case <-calls:
		// At most the one Poke after the third check may have run.
	default:
	}
	select {
	case <-calls:
		t.Fatal("the check ran after Close")
	default:
	}
}

// TestNextDueWakes: a Check that says something is due now is run again
// without a Poke, before Rescan.
func TestNextDueWakes(t *testing.T) {
	calls := make(chan struct{}, 16)
	s := New("test", func(ctx context.Context) (time.Time, error) {
		select { // never blocks: the loop runs on until Close
		case calls <- struct{}{}:
		default:
		}
		return time.Now(), nil // due at once
	}, time.Hour, nil, nil)
	s.Start()
	defer s.Close()
	for i := range 3 {
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatalf("check %d did not run: the due time did not wake the scheduler", i+1)
		}
	}
}

// TestCloseWithoutStart returns at once.
func TestCloseWithoutStart(t *testing.T) {
	s := New("test", func(context.Context) (time.Time, error) { t.Fatal("checked"); return time.Time{}, nil }, time.Hour, nil, nil)
	s.Close()
	s.Start() // after Close: nothing
}
