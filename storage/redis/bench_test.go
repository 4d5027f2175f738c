package redis

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/dais-meeting/dais/storage"
)

// BenchmarkCast casts ballots of distinct voters in parallel into one box
// of the shared Redis, as in a vote storm.
func BenchmarkCast(b *testing.B) {
	for _, secret := range []bool{false, true} {
		b.Run(fmt.Sprintf("secret=%v", secret), func(b *testing.B) {
			s := mustOpen(b, Options{})
			ctx := context.Background()
			if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Secret: secret, Choices: []string{"yes", "no", "abstain"}}); err != nil {
				b.Fatal(err)
			}
			choices := []string{"yes", "no", "abstain"}
			var next atomic.Int64
			event := make([]byte, 120) // about the size of a BallotCast event
			b.SetParallelism(8)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					voter := fmt.Sprintf("voter-%d", i)
					r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: voter, BallotID: "b-" + voter, Choice: choices[i%3]}, event)
					if err != nil || r.Outcome != storage.Accepted {
						b.Errorf("Cast = %v, %v", r, err)
						return
					}
				}
			})
			b.StopTimer()
			tally, err := s.Tally(ctx, "m", "p")
			if err != nil || int64(tally.Voters) != next.Load() {
				b.Fatalf("Tally = %+v, %v; want %d voters", tally, err, next.Load())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
		})
	}
}
