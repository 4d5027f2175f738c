package bolt

import (
	"context"

	"github.com/dais-meeting/dais/storage"
)

var _ storage.ConclusionLogs = (*Store)(nil)

// AppendConclusion appends to klog/<id>, with its chain in kchain/<id>, in
// one transaction (as Append).
func (s *Store) AppendConclusion(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendTo(ctx, bucketKLog, bucketKChain, "conclusion id", id, expected, events)
}

// ReadConclusion reads klog/<id> (as Read).
func (s *Store) ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return s.readFrom(ctx, bucketKLog, bucketKChain, id, from, max)
}

// Conclusions lists the conclusions whose log is not empty, sorted.
func (s *Store) Conclusions(ctx context.Context) ([]string, error) {
	return s.logsIn(ctx, "conclusions", bucketKLog)
}
