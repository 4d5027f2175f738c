package redis

import (
	"context"

	"github.com/dais-meeting/dais/storage"
)

var _ storage.ConclusionLogs = (*Store)(nil)

// Conclusion logs, like consultation logs under a namespace of their own:
//
//	conclusions                set of conclusion ids that may have a log
//	klog:{<id>}, klogtok:{<id>}, kchain:{<id>}

func (k keys) conclusions() string         { return k.prefix + "conclusions" }
func (k keys) klog(id string) string       { return k.meeting("klog", id) }
func (k keys) klogTokens(id string) string { return k.meeting("klogtok", id) }
func (k keys) kchain(id string) string     { return k.meeting("kchain", id) }

// AppendConclusion appends to a conclusion's log (scripts/append.lua, as
// Append).
func (s *Store) AppendConclusion(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendLog(ctx, s.k.conclusions(), s.k.klog(id), s.k.klogTokens(id), s.k.kchain(id), id, expected, events)
}

// ReadConclusion reads a conclusion's log (as Read).
func (s *Store) ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return s.readLog(ctx, s.k.klog(id), s.k.kchain(id), from, max)
}

// Conclusions lists the conclusions whose log is not empty, sorted.
func (s *Store) Conclusions(ctx context.Context) ([]string, error) {
	return s.listLogs(ctx, s.k.conclusions(), s.k.klog)
}
