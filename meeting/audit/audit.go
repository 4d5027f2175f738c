// Package audit verifies a meeting's stored record: the audit chain that
// links every event to the one before it (storage.ChainHash), that every
// event fits the meeting (the domain folds it), and that the ballots agree:
// the voters who cast in the log are the voters the ballot box holds, and
// each closed poll's result counts what was cast (a named poll's ballots in
// the log; a secret poll's counts and opened ballots in its box). It names
// the first event that does not fit.
//
// It reads through storage interfaces only and changes nothing.
package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Source is what Verify reads: the log and the ballot boxes' tallies.
type Source interface {
	Read(ctx context.Context, meeting string, from uint64, max int) ([]storage.Record, error)
	Tally(ctx context.Context, meeting, poll string) (storage.Tally, error)
}

// Problem is the first event that does not fit.
type Problem struct {
	Seq  uint64
	What string
}

func (p *Problem) Error() string { return fmt.Sprintf("event %d: %s", p.Seq, p.What) }

// Report is what Verify found.
type Report struct {
	Meeting string
	// Records is the number of events; Unchained of them, all at the start,
	// were stored before the audit chain existed (they are checked as events,
	// and the first chained event starts the chain from the zero hash).
	Records   uint64
	Unchained uint64
	// LastSeq and LastHash are the last event's seq and chain link (hex),
	// as the minutes print them.
	LastSeq  uint64
	LastHash string
	// Polls is the number of polls whose ballots were checked;
	// Recounted the election rounds among them counted again, name by
	// name, from their stored ballots.
	Polls     int
	Recounted int
	// Problem is the first event that does not fit; nil when the record
	// verifies.
	Problem *Problem
}

// OK reports whether the record verified.
func (r Report) OK() bool { return r.Problem == nil }

// readPage is how many records Verify reads at once.
const readPage = 1000

// pollBallots is what the log says of one poll's ballots.
type pollBallots struct {
	cast   int
	counts map[string]int // named polls: choice -> ballots
	last   uint64         // seq of the last ballot
	closed uint64         // seq of PollClosed, 0 while open
	result meeting.Result
	secret bool
}

// Verify checks the meeting's record. An error means it could not be read;
// a record that does not verify is a Report with a Problem.
func Verify(ctx context.Context, src Source, meetingID string) (Report, error) {
	rep := Report{Meeting: meetingID}
	st := meeting.NewState()
	polls := map[string]*pollBallots{}
	prev := storage.ZeroHash
	chained := false
	fail := func(seq uint64, format string, args ...any) (Report, error) {
		rep.Problem = &Problem{Seq: seq, What: fmt.Sprintf(format, args...)}
		return rep, nil
	}
	for from := uint64(1); ; {
		recs, err := src.Read(ctx, meetingID, from, readPage)
		if err != nil {
			return rep, fmt.Errorf("audit: reading the log of %s: %w", meetingID, err)
		}
		for _, r := range recs {
			if r.Seq != rep.Records+1 {
				return fail(rep.Records+1, "missing: the log jumps from %d to %d", rep.Records, r.Seq)
			}
			rep.Records++
			switch {
			case r.Hash == nil && chained:
				return fail(r.Seq, "has no chain link, though the events before it have")
			case r.Hash == nil:
				rep.Unchained++
			default:
				chained = true
				if !bytes.Equal(r.Prev, prev) {
					return fail(r.Seq, "its chain starts from %x, not from the link of the event before (%x)", r.Prev, prev)
				}
				if want := storage.ChainHash(prev, r.Seq, r.Data); !bytes.Equal(want, r.Hash) {
					return fail(r.Seq, "its content does not match its chain link (it was changed after it was stored)")
				}
				prev = r.Hash
				rep.LastHash = hex.EncodeToString(r.Hash)
			}
			rep.LastSeq = r.Seq
			var ev meeting.Event
			if err := json.Unmarshal(r.Data, &ev); err != nil {
				return fail(r.Seq, "unreadable event: %v", err)
			}
			ev.Seq = r.Seq
			if err := st.Apply(ev); err != nil {
				return fail(r.Seq, "does not fit the meeting: %v", err)
			}
			if p := note(polls, st, ev); p != nil {
				return fail(p.Seq, "%s", p.What)
			}
		}
		if len(recs) < readPage {
			break
		}
		from += uint64(len(recs))
	}
	if rep.Records > 0 && !chained {
		rep.LastHash = ""
	}
	// Every poll with a box: its voters are the log's, its counts the
	// result's.
	for _, id := range slices.Sorted(maps.Keys(polls)) {
		pb := polls[id]
		rep.Polls++
		t, err := src.Tally(ctx, meetingID, id)
		if errors.Is(err, storage.ErrNotFound) {
			if pb.cast > 0 {
				return fail(pb.last, "poll %s has %d ballots in the log and no ballot box", id, pb.cast)
			}
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("audit: reading the ballot box of poll %s: %w", id, err)
		}
		if t.Voters != pb.cast {
			return fail(max(pb.last, pb.closed), "poll %s: %d voters cast in the log, the ballot box holds %d", id, pb.cast, t.Voters)
		}
		if pb.closed == 0 {
			continue
		}
		if !t.Closed {
			return fail(pb.closed, "poll %s is closed in the log, its ballot box is open", id)
		}
		if !pb.secret {
			continue
		}
		if t.Counts == nil {
			return fail(pb.closed, "poll %s is closed in the log, its ballot box was never counted", id)
		}
		if !sameCounts(t.Counts, pb.result.Counts) {
			return fail(pb.closed, "poll %s: the result counts %v, the ballot box counted %v", id, pb.result.Counts, t.Counts)
		}
		if t.Ballots != nil {
			opened := map[string]int{}
			for _, b := range t.Ballots {
				opened[b.Choice]++
			}
			if len(t.Ballots) != pb.cast || !sameCounts(opened, pb.result.Counts) {
				return fail(pb.closed, "poll %s: the box's %d opened ballots %v do not match the result %v", id, len(t.Ballots), opened, pb.result.Counts)
			}
			// An election round: its ballots are counted again, name by
			// name, from the marks the box kept (without their voters),
			// and must give the result in the log.
			if p := st.Polls[id]; p != nil && p.Kind != "" {
				marks := make([]string, len(t.Ballots))
				for i, b := range t.Ballots {
					marks[i] = string(b.Content)
				}
				if err := meeting.Recount(st, id, marks); err != nil {
					return fail(pb.closed, "poll %s: the recount from the stored ballots differs: %v", id, err)
				}
				rep.Recounted++
			}
		}
	}
	return rep, nil
}

// note records what ev says of a poll's ballots and checks a closed poll's
// result against the ballots in the log.
func note(polls map[string]*pollBallots, st *meeting.State, ev meeting.Event) *Problem {
	get := func(id string) *pollBallots {
		pb := polls[id]
		if pb == nil {
			pb = &pollBallots{counts: map[string]int{}}
			if p := st.Polls[id]; p != nil {
				pb.secret = p.Secret
			}
			polls[id] = pb
		}
		return pb
	}
	switch d := ev.Data.(type) {
	case meeting.PollOpened:
		get(d.Poll)
	case meeting.BallotCast:
		pb := get(d.Poll)
		if pb.secret && d.Choice != "" {
			return &Problem{ev.Seq, fmt.Sprintf("a ballot of secret poll %s names its choice", d.Poll)}
		}
		pb.cast++
		pb.last = ev.Seq
		if !pb.secret {
			pb.counts[d.Choice]++
		}
	case meeting.PollClosed:
		pb := get(d.Poll)
		pb.closed, pb.result = ev.Seq, d.Result
		if d.Result.Cast != pb.cast {
			return &Problem{ev.Seq, fmt.Sprintf("poll %s: the result says %d cast, the log holds %d ballots", d.Poll, d.Result.Cast, pb.cast)}
		}
		if !pb.secret && !sameCounts(pb.counts, d.Result.Counts) {
			return &Problem{ev.Seq, fmt.Sprintf("poll %s: the result counts %v, the ballots in the log %v", d.Poll, d.Result.Counts, pb.counts)}
		}
	}
	return nil
}

// sameCounts compares counts, a choice counted zero times present or not.
func sameCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
