package bolt_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// BenchmarkCast casts ballots of distinct voters from many goroutines at
// once (64 per CPU), with fsync on: the group-commit path of a vote storm.
func BenchmarkCast(b *testing.B) {
	s := mustOpen(b, b.TempDir(), bolt.Options{BallotKey: &testKey})
	if err := s.OpenBox(b.Context(), "m", storage.BoxSpec{Poll: "p", Secret: true, Choices: []string{"yes", "no", "abstain"}}); err != nil {
		b.Fatalf("OpenBox: %v", err)
	}
	event := []byte(`{"type":"ballot_cast","poll":"p"}`)
	var next atomic.Int64
	b.SetParallelism(64)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			ballot := storage.Ballot{Poll: "p", Voter: fmt.Sprintf("v%d", i), BallotID: fmt.Sprintf("b%d", i), Choice: []string{"yes", "no", "abstain"}[i%3]}
			r, err := s.Cast(b.Context(), "m", ballot, event)
			if err != nil || r.Outcome != storage.Accepted {
				b.Errorf("Cast: %+v, %v", r, err)
				return
			}
		}
	})
	b.StopTimer()
	tl, err := s.Tally(b.Context(), "m", "p")
	if err != nil || int64(tl.Voters) != next.Load() {
		b.Fatalf("Tally = %+v, %v; want %d voters", tl, err, next.Load())
	}
}

// BenchmarkAppend appends one event at a time to one meeting from one
// goroutine, with fsync on: one transaction and one fsync per append.
func BenchmarkAppend(b *testing.B) {
	s := mustOpen(b, b.TempDir(), bolt.Options{BallotKey: &testKey})
	event := [][]byte{[]byte(`{"type":"page_shown","doc":"doc1","page":3}`)}
	var v uint64
	for b.Loop() {
		last, err := s.Append(b.Context(), "m", v, event)
		if err != nil {
			b.Fatalf("Append: %v", err)
		}
		v = last
	}
}
