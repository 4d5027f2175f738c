// Package storagetest is the conformance suite of the storage backends: one
// Run that every implementation of storage.Store passes, so that the server
// behaves the same on any of them.
//
// Run checks each guarantee written in the doc comments of package storage:
// version-checked appends, ranged reads, atomic ballots with their log
// events, idempotent ballot ids, box life cycle and tallies, snapshots,
// content-addressed blobs, one-time invitations, sessions and context
// handling, including under concurrency (hundreds of voters at once,
// interleaved with appends).
//
// Concurrency: Run runs its subtests one after another; each subtest gets a
// fresh store from open and may start goroutines of its own, which it waits
// for before it returns.
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/storage"
)

// Run runs the conformance suite. open returns a fresh, empty store,
// isolated from every other store it returned, and registers its cleanup
// (closing it more than once must be harmless: some subtests close it too).
// open is called once per subtest, with the subtest's t.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("Log", func(t *testing.T) { runLog(t, open) })
	t.Run("Snapshots", func(t *testing.T) { runSnapshots(t, open) })
	t.Run("Ballots", func(t *testing.T) { runBallots(t, open) })
	t.Run("Blobs", func(t *testing.T) { runBlobs(t, open) })
	t.Run("Sessions", func(t *testing.T) { runSessions(t, open) })
	t.Run("Context", func(t *testing.T) { runContext(t, open) })
	t.Run("Lifecycle", func(t *testing.T) { runLifecycle(t, open) })
	t.Run("Import", func(t *testing.T) { runImport(t, open) })
	t.Run("Office", func(t *testing.T) { runOffice(t, open) })
}

// ---------------------------------------------------------------------------
// Log

func runLog(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("EmptyMeeting", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		recs, err := s.Read(ctx, "m", 0, 0)
		if err != nil || len(recs) != 0 {
			t.Fatalf("Read(empty) = %v, %v; want no records, no error", recs, err)
		}
		if v := mustVersion(t, s, "m"); v != 0 {
			t.Fatalf("Version(empty) = %d, want 0", v)
		}
		ms, err := s.Meetings(ctx)
		if err != nil || len(ms) != 0 {
			t.Fatalf("Meetings(empty store) = %v, %v; want none", ms, err)
		}
	})

	t.Run("AppendRead", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		last, err := s.Append(ctx, "m", 0, events("a", "b", "c"))
		if err != nil || last != 3 {
			t.Fatalf("Append(0, 3 events) = %d, %v; want 3, nil", last, err)
		}
		last, err = s.Append(ctx, "m", 3, events("d", "e"))
		if err != nil || last != 5 {
			t.Fatalf("Append(3, 2 events) = %d, %v; want 5, nil", last, err)
		}
		if v := mustVersion(t, s, "m"); v != 5 {
			t.Fatalf("Version = %d, want 5", v)
		}
		wantRecords(t, mustRead(t, s, "m", 1, 0), 1, "a", "b", "c", "d", "e")
	})

	t.Run("AppendNothing", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		for _, evs := range [][][]byte{nil, {}} {
			if _, err := s.Append(ctx, "m", 0, evs); err == nil {
				t.Fatalf("Append(%v events) succeeded, want an error", len(evs))
			}
		}
		if v := mustVersion(t, s, "m"); v != 0 {
			t.Fatalf("Version after empty appends = %d, want 0", v)
		}
	})

	t.Run("SecrecyEvents", func(t *testing.T) {
		// Issue 12's events as the log holds them (meeting's wire form),
		// with Vietnamese text: they come back byte for byte, in order,
		// and a snapshot holding the copy register does too.
		s, ctx := open(t), t.Context()
		data := []string{
			`{"seq":1,"type":"SecrecyRulesSet","at":"2026-12-03T01:00:00Z","actor":"sec","data":{"level":"toi_mat","rules":{"watermark":true,"offline":false,"download":false,"presented_only":false,"linked_displays":true}}}`,
			`{"seq":2,"type":"DocumentLevelSet","at":"2026-12-03T01:00:01Z","actor":"sec","data":{"document":"d1","level":"tuyet_mat"}}`,
			`{"seq":3,"type":"CopyServed","at":"2026-12-03T01:00:02Z","actor":"p1","data":{"participant":"p1","device":"tab-7f3a","document":"d1","version":"` + strings.Repeat("ab", 32) + `","level":"tuyet_mat","kind":"view","watermark":"0123456789abcdef","watermark_text":"TÀI LIỆU TUYỆT MẬT — Đại biểu Nguyễn Thị Hương — Ghế A03 — 03/12/2026"}}`,
			`{"seq":4,"type":"RoomDisplayAllowed","at":"2026-12-03T01:00:03Z","actor":"chair","data":{"document":"d1","allow":true}}`,
			`{"seq":5,"type":"DocumentTakenBack","at":"2026-12-03T01:00:04Z","actor":"sec","data":{"document":"d1","reason":"secretary"}}`,
			`{"seq":6,"type":"CopiesDeleted","at":"2026-12-03T01:00:05Z","actor":"p1","data":{"participant":"p1","device":"tab-7f3a","documents":["d1"],"copies":1}}`,
		}
		mustAppend(t, s, "m", 0, data[:3]...)
		mustAppend(t, s, "m", 3, data[3:]...)
		wantRecords(t, mustRead(t, s, "m", 1, 0), 1, data...)
		wantRecords(t, mustRead(t, s, "m", 3, 2), 3, data[2:4]...)
		var snap strings.Builder
		snap.WriteString(`{"version":6,"copies":[`)
		for i := range 2000 { // a congress's register: 2,000 copies
			if i > 0 {
				snap.WriteByte(',')
			}
			fmt.Fprintf(&snap, `{"seq":%d,"participant":"p%04d","device":"tab-%04d","document":"d1","watermark_text":"TÀI LIỆU MẬT — Đại biểu số %d"}`, i+3, i, i, i)
		}
		snap.WriteString(`]}`)
		if err := s.SaveSnapshot(ctx, "m", 6, []byte(snap.String())); err != nil {
			t.Fatal(err)
		}
		seq, got, err := s.LoadSnapshot(ctx, "m")
		if err != nil || seq != 6 || string(got) != snap.String() {
			t.Fatalf("snapshot with the register: seq %d, %d bytes (want %d), %v", seq, len(got), snap.Len(), err)
		}
	})

	t.Run("StaleAppend", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustAppend(t, s, "m", 0, "a", "b", "c")
		for _, expected := range []uint64{0, 2, 4, 100} {
			_, err := s.Append(ctx, "m", expected, events("x"))
			if !errors.Is(err, storage.ErrConflict) {
				t.Fatalf("Append(expected %d) at version 3: err = %v, want ErrConflict", expected, err)
			}
		}
		if v := mustVersion(t, s, "m"); v != 3 {
			t.Fatalf("Version after refused appends = %d, want 3", v)
		}
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1, "a", "b", "c")
	})

	t.Run("ReadRanges", func(t *testing.T) {
		s := open(t)
		all := []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10"}
		mustAppend(t, s, "m", 0, all...)
		tests := []struct {
			from      uint64
			max       int
			wantFirst uint64
			want      []string
		}{
			{0, 0, 1, all},
			{1, 0, 1, all},
			{1, -1, 1, all},
			{4, 0, 4, all[3:]},
			{4, 3, 4, all[3:6]},
			{1, 1, 1, all[:1]},
			{10, 5, 10, all[9:]},
			{1, 100, 1, all},
			{11, 0, 11, nil},
			{1000, 3, 1000, nil},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("from%d_max%d", tt.from, tt.max), func(t *testing.T) {
				wantRecords(t, mustRead(t, s, "m", tt.from, tt.max), tt.wantFirst, tt.want...)
			})
		}
	})

	t.Run("Chain", func(t *testing.T) {
		s := open(t)
		mustAppend(t, s, "m", 0, "a", "b")
		mustOpenBox(t, s, "m", spec("p", true))
		castWant(t, s, "m", ballot("p", "v1", "b1", "yes"), storage.Accepted)
		mustAppend(t, s, "m", 3, "c")
		castWant(t, s, "m", ballot("p", "v2", "b2", "no"), storage.Accepted)
		mustAppend(t, s, "other", 0, "a", "b")
		all := mustRead(t, s, "m", 0, 0)
		wantChain(t, all)
		if len(all) != 5 || !bytes.Equal(all[0].Prev, storage.ZeroHash) {
			t.Fatalf("chain of %d records starts with prev %x, want 5 records from the zero hash", len(all), all[0].Prev)
		}
		// A ranged read gives the same links, its first Prev included.
		part := mustRead(t, s, "m", 3, 2)
		for i, r := range part {
			if !bytes.Equal(r.Hash, all[2+i].Hash) || !bytes.Equal(r.Prev, all[2+i].Prev) {
				t.Fatalf("Read(3, 2)[%d] = %x after %x, want %x after %x", i, r.Hash, r.Prev, all[2+i].Hash, all[2+i].Prev)
			}
		}
		// Another meeting's log has its own chain: same events, same links.
		other := mustRead(t, s, "other", 0, 0)
		wantChain(t, other)
		if !bytes.Equal(other[1].Hash, all[1].Hash) {
			t.Fatalf("the same two events give other links in another meeting")
		}
	})

	t.Run("MeetingsAreSeparate", func(t *testing.T) {
		s := open(t)
		mustAppend(t, s, "beta", 0, "b1")
		mustAppend(t, s, "alpha", 0, "a1", "a2")
		mustAppend(t, s, "gamma", 0, "g1")
		mustAppend(t, s, "beta", 1, "b2", "b3")
		wantRecords(t, mustRead(t, s, "alpha", 0, 0), 1, "a1", "a2")
		wantRecords(t, mustRead(t, s, "beta", 0, 0), 1, "b1", "b2", "b3")
		wantRecords(t, mustRead(t, s, "gamma", 0, 0), 1, "g1")
		ms, err := s.Meetings(t.Context())
		if err != nil {
			t.Fatalf("Meetings: %v", err)
		}
		if want := []string{"alpha", "beta", "gamma"}; !equalStrings(ms, want) {
			t.Fatalf("Meetings = %q, want %q", ms, want)
		}
	})

	t.Run("DataIsCopied", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		buf := []byte("original")
		if _, err := s.Append(ctx, "m", 0, [][]byte{buf}); err != nil {
			t.Fatalf("Append: %v", err)
		}
		copy(buf, "XXXXXXXX")
		recs := mustRead(t, s, "m", 0, 0)
		wantRecords(t, recs, 1, "original")
		copy(recs[0].Data, "YYYYYYYY")
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1, "original")
	})

	t.Run("BinaryData", func(t *testing.T) {
		s := open(t)
		bin := string([]byte{0, 1, 2, 0xff, '\n', 0, ':'})
		utf := "Thông qua báo cáo kinh tế - xã hội năm 2026"
		mustAppend(t, s, "m", 0, bin, utf, "")
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1, bin, utf, "")
	})

	t.Run("ConcurrentAppendsSameVersion", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustAppend(t, s, "m", 0, "a", "b")
		const n = 16
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = s.Append(ctx, "m", 2, events(fmt.Sprintf("w%d-1", i), fmt.Sprintf("w%d-2", i)))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Fatalf("appenders %d and %d both succeeded at version 2", winner, i)
				}
				winner = i
			case !errors.Is(err, storage.ErrConflict):
				t.Fatalf("appender %d: err = %v, want nil or ErrConflict", i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("no appender succeeded")
		}
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1,
			"a", "b", fmt.Sprintf("w%d-1", winner), fmt.Sprintf("w%d-2", winner))
	})

	t.Run("ConcurrentAppendsWithRetry", func(t *testing.T) {
		s := open(t)
		const writers, each = 6, 10
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if _, err := appendRetry(t.Context(), s, "m", fmt.Sprintf("w%d-%d", w, i)); err != nil {
						errs[w] = err
						return
					}
				}
			})
		}
		wg.Wait()
		for w, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", w, err)
			}
		}
		recs := mustRead(t, s, "m", 0, 0)
		wantContiguous(t, recs, writers*each)
		seen := map[string]bool{}
		for _, r := range recs {
			if seen[string(r.Data)] {
				t.Fatalf("event %q appears twice", r.Data)
			}
			seen[string(r.Data)] = true
		}
		// Each writer's events are in its own order.
		for w := range writers {
			prev := uint64(0)
			for _, r := range recs {
				var ww, i int
				if _, err := fmt.Sscanf(string(r.Data), "w%d-%d", &ww, &i); err == nil && ww == w {
					if r.Seq <= prev {
						t.Fatalf("writer %d's events out of order at seq %d", w, r.Seq)
					}
					prev = r.Seq
				}
			}
		}
	})
}

// ---------------------------------------------------------------------------
// Snapshots

func runSnapshots(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		if _, _, err := s.LoadSnapshot(t.Context(), "m"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("LoadSnapshot(none) err = %v, want ErrNotFound", err)
		}
	})

	t.Run("NewestKept", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		steps := []struct {
			seq      uint64
			data     string
			wantSeq  uint64
			wantData string
		}{
			{5, "five", 5, "five"},
			{3, "three", 5, "five"}, // older: ignored
			{9, "nine", 9, "nine"},
			{1, "one", 9, "nine"},
			{12, "", 12, ""},
		}
		for _, st := range steps {
			if err := s.SaveSnapshot(ctx, "m", st.seq, []byte(st.data)); err != nil {
				t.Fatalf("SaveSnapshot(%d): %v", st.seq, err)
			}
			seq, data, err := s.LoadSnapshot(ctx, "m")
			if err != nil || seq != st.wantSeq || string(data) != st.wantData {
				t.Fatalf("after SaveSnapshot(%d): LoadSnapshot = %d, %q, %v; want %d, %q",
					st.seq, seq, data, err, st.wantSeq, st.wantData)
			}
		}
		if _, _, err := s.LoadSnapshot(ctx, "other"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("LoadSnapshot(other meeting) err = %v, want ErrNotFound", err)
		}
	})
}

// ---------------------------------------------------------------------------
// Ballots

var choices = []string{"yes", "no", "abstain"}

func spec(poll string, secret bool) storage.BoxSpec {
	return storage.BoxSpec{Poll: poll, Secret: secret, Choices: append([]string(nil), choices...)}
}

func runBallots(t *testing.T, open func(t *testing.T) storage.Store) {
	for _, secret := range []bool{false, true} {
		name := "Named"
		if secret {
			name = "Secret"
		}
		t.Run(name, func(t *testing.T) { runBox(t, open, secret) })
	}

	t.Run("OpenBox", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		sp := spec("p", false)
		if err := s.OpenBox(ctx, "m", sp); err != nil {
			t.Fatalf("OpenBox: %v", err)
		}
		if err := s.OpenBox(ctx, "m", spec("p", false)); err != nil {
			t.Fatalf("OpenBox again with the same spec: %v, want nil", err)
		}
		others := map[string]storage.BoxSpec{
			"secret":       {Poll: "p", Secret: true, Choices: choices},
			"fewerChoices": {Poll: "p", Choices: []string{"yes", "no"}},
			"moreChoices":  {Poll: "p", Choices: []string{"yes", "no", "abstain", "maybe"}},
			"otherChoice":  {Poll: "p", Choices: []string{"yes", "no", "blank"}},
		}
		for name, other := range others {
			if err := s.OpenBox(ctx, "m", other); !errors.Is(err, storage.ErrExists) {
				t.Fatalf("OpenBox with another spec (%s): err = %v, want ErrExists", name, err)
			}
		}
		// The refused opens changed nothing.
		castWant(t, s, "m", ballot("p", "v1", "b1", "abstain"), storage.Accepted)
		tl := mustTally(t, s, "m", "p")
		wantTally(t, tl, map[string]int{"abstain": 1}, 1, false)
		// A closed box stays closed.
		if _, err := s.CloseBox(ctx, "m", "p"); err != nil {
			t.Fatalf("CloseBox: %v", err)
		}
		if err := s.OpenBox(ctx, "m", sp); !errors.Is(err, storage.ErrExists) {
			t.Fatalf("OpenBox of a closed box: err = %v, want ErrExists", err)
		}
		castWant(t, s, "m", ballot("p", "v2", "b2", "yes"), storage.BoxClosed)
	})

	t.Run("NeverOpened", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		castWant(t, s, "m", ballot("p", "v1", "b1", "yes"), storage.BoxClosed)
		if _, err := s.Tally(ctx, "m", "p"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Tally(never opened) err = %v, want ErrNotFound", err)
		}
		if _, err := s.CloseBox(ctx, "m", "p"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("CloseBox(never opened) err = %v, want ErrNotFound", err)
		}
		if v := mustVersion(t, s, "m"); v != 0 {
			t.Fatalf("Version after refused ballot = %d, want 0", v)
		}
	})

	t.Run("BoxesAreSeparate", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustOpenBox(t, s, "m1", spec("p", false))
		// Same poll id in another meeting: its own box, its own spec.
		mustOpenBox(t, s, "m2", storage.BoxSpec{Poll: "p", Secret: true, Choices: []string{"a", "b"}})
		mustOpenBox(t, s, "m1", spec("q", false))
		castWant(t, s, "m1", ballot("p", "v1", "b1", "yes"), storage.Accepted)
		castWant(t, s, "m2", ballot("p", "v1", "b2", "a"), storage.Accepted)
		castWant(t, s, "m2", ballot("p", "v2", "b3", "yes"), storage.BadChoice)
		castWant(t, s, "m1", ballot("q", "v1", "b4", "no"), storage.Accepted)
		castWant(t, s, "m3", ballot("p", "v1", "b5", "yes"), storage.BoxClosed)
		wantTally(t, mustTally(t, s, "m1", "p"), map[string]int{"yes": 1}, 1, false)
		wantBoxTally(t, true, mustTally(t, s, "m2", "p"), map[string]int{"a": 1}, 1, false)
		wantTally(t, mustTally(t, s, "m1", "q"), map[string]int{"no": 1}, 1, false)
		if _, err := s.CloseBox(ctx, "m1", "p"); err != nil {
			t.Fatalf("CloseBox: %v", err)
		}
		castWant(t, s, "m1", ballot("q", "v2", "b6", "yes"), storage.Accepted)
		castWant(t, s, "m2", ballot("p", "v2", "b7", "b"), storage.Accepted)
		if v := mustVersion(t, s, "m1"); v != 3 {
			t.Fatalf("Version(m1) = %d, want 3", v)
		}
		if v := mustVersion(t, s, "m2"); v != 2 {
			t.Fatalf("Version(m2) = %d, want 2", v)
		}
	})

	t.Run("OneVoterManyBallotIDs", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustOpenBox(t, s, "m", spec("p", false))
		const n = 24
		res := make([]storage.CastResult, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				res[i], errs[i] = s.Cast(ctx, "m", ballot("p", "v1", fmt.Sprintf("b%d", i), choices[i%3]),
					[]byte(fmt.Sprintf("ballot-%d", i)))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("Cast %d: %v", i, errs[i])
			}
			switch res[i].Outcome {
			case storage.Accepted:
				if winner >= 0 {
					t.Fatalf("ballots %d and %d of one voter both accepted", winner, i)
				}
				winner = i
			case storage.AlreadyVoted:
			default:
				t.Fatalf("Cast %d = %v, want accepted or already_voted", i, res[i].Outcome)
			}
		}
		if winner < 0 {
			t.Fatalf("no ballot accepted")
		}
		if res[winner].Seq != 1 {
			t.Fatalf("accepted ballot seq = %d, want 1", res[winner].Seq)
		}
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1, fmt.Sprintf("ballot-%d", winner))
		wantTally(t, mustTally(t, s, "m", "p"), map[string]int{choices[winner%3]: 1}, 1, false)
	})

	t.Run("OneBallotIDResent", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustOpenBox(t, s, "m", spec("p", true))
		mustAppend(t, s, "m", 0, "opened")
		const n = 16
		res := make([]storage.CastResult, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				res[i], errs[i] = s.Cast(ctx, "m", ballot("p", "v1", "same", "no"), []byte("ballot"))
			})
		}
		close(start)
		wg.Wait()
		accepted := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("Cast %d: %v", i, errs[i])
			}
			switch res[i].Outcome {
			case storage.Accepted:
				accepted++
			case storage.Repeat:
			default:
				t.Fatalf("Cast %d = %v, want accepted or repeat", i, res[i].Outcome)
			}
			if res[i].Seq != 2 {
				t.Fatalf("Cast %d seq = %d, want 2", i, res[i].Seq)
			}
		}
		if accepted != 1 {
			t.Fatalf("%d casts accepted, want exactly 1", accepted)
		}
		wantRecords(t, mustRead(t, s, "m", 0, 0), 1, "opened", "ballot")
		wantBoxTally(t, true, mustTally(t, s, "m", "p"), map[string]int{"no": 1}, 1, false)
	})

	t.Run("CloseDuringCasts", func(t *testing.T) { runCloseDuringCasts(t, open) })

	t.Run("Content", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		sp := storage.BoxSpec{Poll: "e", Secret: true, Choices: []string{"valid", "blank"}, MaxContent: 16}
		mustOpenBox(t, s, "m", sp)
		mustOpenBox(t, s, "m", storage.BoxSpec{Poll: "n", Choices: []string{"valid"}, MaxContent: 4})
		with := func(b storage.Ballot, content string) storage.Ballot { b.Content = []byte(content); return b }
		castWant(t, s, "m", with(ballot("e", "v1", "b1", "valid"), "ranked:a>b>c"), storage.Accepted)
		castWant(t, s, "m", with(ballot("e", "v2", "b2", "valid"), strings.Repeat("x", 17)), storage.BadChoice)
		castWant(t, s, "m", with(ballot("e", "v2", "b2", "blank"), ""), storage.Accepted)
		castWant(t, s, "m", with(ballot("e", "v3", "b3", "valid"), strings.Repeat("y", 16)), storage.Accepted)
		castWant(t, s, "m", with(ballot("n", "v1", "b4", "valid"), "12345"), storage.BadChoice)
		castWant(t, s, "m", with(ballot("n", "v1", "b4", "valid"), "1234"), storage.Accepted)
		for _, bad := range []int{-1, storage.MaxBallotContent + 1} {
			if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "x", Choices: []string{"a"}, MaxContent: bad}); err == nil {
				t.Fatalf("OpenBox with MaxContent %d succeeded, want an error", bad)
			}
		}
		tl, err := s.CloseBox(ctx, "m", "e")
		if err != nil {
			t.Fatalf("CloseBox: %v", err)
		}
		wantBoxTally(t, true, tl, map[string]int{"valid": 2, "blank": 1}, 3, true)
		var got []string
		for _, b := range tl.Ballots {
			got = append(got, b.Choice+"="+string(b.Content))
		}
		sort.Strings(got)
		want := []string{"blank=", "valid=ranked:a>b>c", "valid=" + strings.Repeat("y", 16)}
		if !equalStrings(got, want) {
			t.Fatalf("opened ballots = %q, want %q", got, want)
		}
	})

	for _, secret := range []bool{false, true} {
		name := "StormNamed"
		if secret {
			name = "StormSecret"
		}
		t.Run(name, func(t *testing.T) { runStorm(t, open, secret) })
	}
}

// runBox walks one box through its life: casts of every outcome, tallies,
// closing.
func runBox(t *testing.T, open func(t *testing.T) storage.Store, secret bool) {
	s, ctx := open(t), t.Context()
	mustOpenBox(t, s, "m", spec("p", secret))
	mustAppend(t, s, "m", 0, "e1", "e2")

	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), nil, 0, false)

	// Accepted: the event lands at the next seq.
	r1 := castWant(t, s, "m", ballot("p", "v1", "b1", "yes"), storage.Accepted)
	if r1.Seq != 3 {
		t.Fatalf("first ballot seq = %d, want 3", r1.Seq)
	}
	wantRecords(t, mustRead(t, s, "m", 3, 0), 3, "ballot p/v1/b1")

	// Repeat: same ballot id, same seq, nothing appended.
	rr := castWant(t, s, "m", ballot("p", "v1", "b1", "yes"), storage.Repeat)
	if rr.Seq != r1.Seq {
		t.Fatalf("repeat seq = %d, want %d", rr.Seq, r1.Seq)
	}
	// Another ballot id of the same voter.
	castWant(t, s, "m", ballot("p", "v1", "b1-other", "no"), storage.AlreadyVoted)
	if v := mustVersion(t, s, "m"); v != 3 {
		t.Fatalf("Version after repeat and refusal = %d, want 3", v)
	}

	// A bad choice records nothing: the voter may still vote.
	castWant(t, s, "m", ballot("p", "v2", "b2", "maybe"), storage.BadChoice)
	castWant(t, s, "m", ballot("p", "v2", "b2x", ""), storage.BadChoice)
	if v := mustVersion(t, s, "m"); v != 3 {
		t.Fatalf("Version after bad choices = %d, want 3", v)
	}
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), map[string]int{"yes": 1}, 1, false)

	// Casts interleave with appends in one log.
	r2 := castWant(t, s, "m", ballot("p", "v2", "b2", "no"), storage.Accepted)
	if r2.Seq != 4 {
		t.Fatalf("second ballot seq = %d, want 4", r2.Seq)
	}
	if _, err := s.Append(ctx, "m", 3, events("stale")); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("Append at version 3 after a ballot moved the log to 4: err = %v, want ErrConflict", err)
	}
	mustAppend(t, s, "m", 4, "e5")
	r3 := castWant(t, s, "m", ballot("p", "v3", "b3", "yes"), storage.Accepted)
	if r3.Seq != 6 {
		t.Fatalf("third ballot seq = %d, want 6", r3.Seq)
	}
	wantRecords(t, mustRead(t, s, "m", 0, 0), 1,
		"e1", "e2", "ballot p/v1/b1", "ballot p/v2/b2", "e5", "ballot p/v3/b3")

	want := map[string]int{"yes": 2, "no": 1}
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), want, 3, false)

	// Close: the final tally; closing again returns the same.
	final, err := s.CloseBox(ctx, "m", "p")
	if err != nil {
		t.Fatalf("CloseBox: %v", err)
	}
	wantBoxTally(t, secret, final, want, 3, true)
	again, err := s.CloseBox(ctx, "m", "p")
	if err != nil {
		t.Fatalf("CloseBox again: %v", err)
	}
	wantBoxTally(t, secret, again, want, 3, true)
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), want, 3, true)

	// Closed: a new voter is refused; a resent ballot learns that it counted.
	castWant(t, s, "m", ballot("p", "v4", "b4", "yes"), storage.BoxClosed)
	rr = castWant(t, s, "m", ballot("p", "v2", "b2", "no"), storage.Repeat)
	if rr.Seq != r2.Seq {
		t.Fatalf("repeat after close: seq = %d, want %d", rr.Seq, r2.Seq)
	}
	if v := mustVersion(t, s, "m"); v != 6 {
		t.Fatalf("Version after close = %d, want 6", v)
	}
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), want, 3, true)
}

// runStorm casts hundreds of ballots at once, each voter once, while
// appenders write to the same log, and checks that nothing is lost or
// doubled.
func runStorm(t *testing.T, open func(t *testing.T) storage.Store, secret bool) {
	s, ctx := open(t), t.Context()
	mustOpenBox(t, s, "m", spec("p", secret))
	const voters, appenders, appendsEach = 400, 3, 10

	res := make([]storage.CastResult, voters)
	castErrs := make([]error, voters)
	appendErrs := make([]error, appenders)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range voters {
		wg.Go(func() {
			<-start
			b := ballot("p", fmt.Sprintf("v%03d", i), fmt.Sprintf("b%03d", i), choices[i%3])
			res[i], castErrs[i] = s.Cast(ctx, "m", b, ballotEvent(b))
		})
	}
	for a := range appenders {
		wg.Go(func() {
			<-start
			for i := range appendsEach {
				if _, err := appendRetry(ctx, s, "m", fmt.Sprintf("append-%d-%d", a, i)); err != nil {
					appendErrs[a] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()

	for a, err := range appendErrs {
		if err != nil {
			t.Fatalf("appender %d: %v", a, err)
		}
	}
	want := map[string]int{}
	bySeq := map[uint64]int{} // seq -> voter index
	for i := range voters {
		if castErrs[i] != nil {
			t.Fatalf("Cast v%03d: %v", i, castErrs[i])
		}
		if res[i].Outcome != storage.Accepted {
			t.Fatalf("Cast v%03d = %v, want accepted", i, res[i].Outcome)
		}
		if prev, dup := bySeq[res[i].Seq]; dup {
			t.Fatalf("ballots of v%03d and v%03d both got seq %d", prev, i, res[i].Seq)
		}
		bySeq[res[i].Seq] = i
		want[choices[i%3]]++
	}
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), want, voters, false)

	total := voters + appenders*appendsEach
	recs := mustRead(t, s, "m", 0, 0)
	wantContiguous(t, recs, total)
	wantChain(t, recs)
	if v := mustVersion(t, s, "m"); v != uint64(total) {
		t.Fatalf("Version = %d, want %d", v, total)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		d := string(r.Data)
		if seen[d] {
			t.Fatalf("event %q appears twice", d)
		}
		seen[d] = true
		if i, ok := bySeq[r.Seq]; ok {
			b := ballot("p", fmt.Sprintf("v%03d", i), fmt.Sprintf("b%03d", i), choices[i%3])
			if d != string(ballotEvent(b)) {
				t.Fatalf("seq %d holds %q, want the event of v%03d's ballot", r.Seq, d, i)
			}
		} else if !strings.HasPrefix(d, "append-") {
			t.Fatalf("seq %d holds %q, which no one appended there", r.Seq, d)
		}
	}
	final, err := s.CloseBox(ctx, "m", "p")
	if err != nil {
		t.Fatalf("CloseBox: %v", err)
	}
	wantBoxTally(t, secret, final, want, voters, true)
}

// runCloseDuringCasts closes a box while ballots pour in: every ballot is
// either accepted and in the final tally and the log, or refused as closed.
func runCloseDuringCasts(t *testing.T, open func(t *testing.T) storage.Store) {
	s, ctx := open(t), t.Context()
	const secret = true
	mustOpenBox(t, s, "m", spec("p", secret))
	const voters = 200
	res := make([]storage.CastResult, voters)
	errs := make([]error, voters)
	var (
		final    storage.Tally
		closeErr error
		wg       sync.WaitGroup
		finished atomic.Int32
	)
	start := make(chan struct{})
	for i := range voters {
		wg.Go(func() {
			<-start
			b := ballot("p", fmt.Sprintf("v%03d", i), fmt.Sprintf("b%03d", i), choices[i%3])
			res[i], errs[i] = s.Cast(ctx, "m", b, ballotEvent(b))
			finished.Add(1)
		})
	}
	wg.Go(func() {
		<-start
		// Close once the first ballots are in, while others still arrive.
		for finished.Load() < voters {
			tl, err := s.Tally(ctx, "m", "p")
			if err != nil || tl.Voters > 0 {
				break
			}
			runtime.Gosched()
		}
		final, closeErr = s.CloseBox(ctx, "m", "p")
	})
	close(start)
	wg.Wait()
	if closeErr != nil {
		t.Fatalf("CloseBox: %v", closeErr)
	}
	want := map[string]int{}
	accepted := 0
	for i := range voters {
		if errs[i] != nil {
			t.Fatalf("Cast v%03d: %v", i, errs[i])
		}
		switch res[i].Outcome {
		case storage.Accepted:
			accepted++
			want[choices[i%3]]++
		case storage.BoxClosed:
		default:
			t.Fatalf("Cast v%03d = %v, want accepted or box_closed", i, res[i].Outcome)
		}
	}
	wantBoxTally(t, secret, final, want, accepted, true)
	wantBoxTally(t, secret, mustTally(t, s, "m", "p"), want, accepted, true)
	wantContiguous(t, mustRead(t, s, "m", 0, 0), accepted)
	t.Logf("%d of %d ballots accepted before the close", accepted, voters)
}

// ---------------------------------------------------------------------------
// Blobs

func runBlobs(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("PutOpenSeek", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		content := pattern(3<<20 + 12345) // more than one chunk of any sane size
		info, err := s.PutBlob(ctx, bytes.NewReader(content))
		if err != nil {
			t.Fatalf("PutBlob: %v", err)
		}
		want := storage.BlobInfo{SHA256: sha(content), Size: int64(len(content))}
		if info != want {
			t.Fatalf("PutBlob = %+v, want %+v", info, want)
		}
		rc, oinfo, err := s.OpenBlob(ctx, info.SHA256)
		if err != nil {
			t.Fatalf("OpenBlob: %v", err)
		}
		defer rc.Close()
		if oinfo != want {
			t.Fatalf("OpenBlob info = %+v, want %+v", oinfo, want)
		}
		all, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(all, content) {
			t.Fatalf("reading the whole blob: %d bytes, %v; want the %d bytes put", len(all), err, len(content))
		}
		ranges := []struct {
			name   string
			offset int64
			whence int
			n      int
			at     int64
		}{
			{"start", 0, io.SeekStart, 100, 0},
			{"middle", 1<<20 - 7, io.SeekStart, 70000, 1<<20 - 7},
			{"chunkEdge", 2 << 20, io.SeekStart, 10, 2 << 20},
			{"fromEnd", -500, io.SeekEnd, 500, int64(len(content)) - 500},
			{"backwards", 42, io.SeekStart, 1, 42},
		}
		for _, r := range ranges {
			pos, err := rc.Seek(r.offset, r.whence)
			if err != nil || pos != r.at {
				t.Fatalf("%s: Seek(%d, %d) = %d, %v; want %d", r.name, r.offset, r.whence, pos, err, r.at)
			}
			got := make([]byte, r.n)
			if _, err := io.ReadFull(rc, got); err != nil {
				t.Fatalf("%s: reading %d bytes at %d: %v", r.name, r.n, r.at, err)
			}
			if !bytes.Equal(got, content[r.at:r.at+int64(r.n)]) {
				t.Fatalf("%s: bytes at %d differ from the content put", r.name, r.at)
			}
		}
		pos, err := rc.Seek(10, io.SeekCurrent)
		if err != nil || pos != 53 {
			t.Fatalf("Seek(10, SeekCurrent) = %d, %v; want 53", pos, err)
		}
		if _, err := rc.Seek(0, io.SeekEnd); err != nil {
			t.Fatalf("Seek to end: %v", err)
		}
		if n, err := rc.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("Read at end = %d, %v; want 0, io.EOF", n, err)
		}
	})

	t.Run("Dedupe", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		content := []byte("%PDF-1.7 Báo cáo")
		a, err := s.PutBlob(ctx, bytes.NewReader(content))
		if err != nil {
			t.Fatalf("PutBlob: %v", err)
		}
		b, err := s.PutBlob(ctx, bytes.NewReader(content))
		if err != nil || b != a {
			t.Fatalf("PutBlob of the same content = %+v, %v; want %+v", b, err, a)
		}
		c, err := s.PutBlob(ctx, strings.NewReader("other"))
		if err != nil || c.SHA256 == a.SHA256 {
			t.Fatalf("PutBlob(other) = %+v, %v", c, err)
		}
		for _, info := range []storage.BlobInfo{a, c} {
			rc, _, err := s.OpenBlob(ctx, info.SHA256)
			if err != nil {
				t.Fatalf("OpenBlob(%s): %v", info.SHA256, err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || int64(len(got)) != info.Size || sha(got) != info.SHA256 {
				t.Fatalf("blob %s read back %d bytes (%v), want its content", info.SHA256, len(got), err)
			}
		}
	})

	t.Run("ConcurrentSameContent", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		content := pattern(300000)
		const n = 8
		infos := make([]storage.BlobInfo, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { infos[i], errs[i] = s.PutBlob(ctx, bytes.NewReader(content)) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || infos[i].SHA256 != sha(content) {
				t.Fatalf("PutBlob %d = %+v, %v", i, infos[i], errs[i])
			}
		}
		rc, _, err := s.OpenBlob(ctx, sha(content))
		if err != nil {
			t.Fatalf("OpenBlob: %v", err)
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("read back %d bytes, %v; want the content", len(got), err)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		info, err := s.PutBlob(ctx, bytes.NewReader(nil))
		if err != nil || info.Size != 0 || info.SHA256 != sha(nil) {
			t.Fatalf("PutBlob(empty) = %+v, %v", info, err)
		}
		rc, _, err := s.OpenBlob(ctx, info.SHA256)
		if err != nil {
			t.Fatalf("OpenBlob(empty): %v", err)
		}
		defer rc.Close()
		if got, err := io.ReadAll(rc); err != nil || len(got) != 0 {
			t.Fatalf("read back %d bytes, %v; want none", len(got), err)
		}
	})

	t.Run("ReaderError", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		partial := pattern(70000)
		boom := errors.New("boom")
		r := io.MultiReader(bytes.NewReader(partial), errReader{boom})
		if _, err := s.PutBlob(ctx, r); err == nil {
			t.Fatalf("PutBlob with a failing reader succeeded, want an error")
		}
		if _, _, err := s.OpenBlob(ctx, sha(partial)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("OpenBlob of the partial content: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.PutBlob(ctx, strings.NewReader("something")); err != nil {
			t.Fatalf("PutBlob: %v", err)
		}
		names := map[string]string{
			"unknown":       sha([]byte("nothing")),
			"empty":         "",
			"traversal":     "../../../../etc/passwd",
			"traversalHex":  "../" + sha([]byte("something"))[3:],
			"uppercase":     strings.ToUpper(sha([]byte("something"))),
			"short":         sha([]byte("something"))[:63],
			"long":          sha([]byte("something")) + "0",
			"notHex":        strings.Repeat("zz", 32),
			"slash":         sha([]byte("something"))[:2] + "/" + sha([]byte("something"))[3:],
			"prefixOnly":    sha([]byte("something"))[:2],
			"withNul":       sha([]byte("something"))[:63] + "\x00",
			"withSeparator": sha([]byte("something"))[:31] + ":" + sha([]byte("something"))[32:],
		}
		for name, n := range names {
			t.Run(name, func(t *testing.T) {
				rc, _, err := s.OpenBlob(ctx, n)
				if err == nil {
					rc.Close()
				}
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("OpenBlob(%q) err = %v, want ErrNotFound", n, err)
				}
			})
		}
	})
}

// ---------------------------------------------------------------------------
// Sessions

func runSessions(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("Invitation", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.RedeemInvitation(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("RedeemInvitation(unknown) err = %v, want ErrNotFound", err)
		}
		d1 := storage.Invitation{Meeting: "m", Participant: "d1", Seq: 7}
		d2 := storage.Invitation{Meeting: "m", Participant: "d2", Expires: time.Now().Add(time.Hour).Truncate(time.Second)}
		mustPutInvitation(t, s, "A", d1)
		mustPutInvitation(t, s, "B", d2)
		redeemWant(t, s, "A", &d1)
		redeemWant(t, s, "A", nil)
		redeemWant(t, s, "B", &d2)
	})

	t.Run("InvitationReplacedRevokedExpired", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		d1 := storage.Invitation{Meeting: "m", Participant: "d1"}
		// A new code for d1 voids the older one; a code for the same id
		// in another meeting voids nothing.
		mustPutInvitation(t, s, "old", d1)
		mustPutInvitation(t, s, "new", d1)
		mustPutInvitation(t, s, "elsewhere", storage.Invitation{Meeting: "m2", Participant: "d1"})
		redeemWant(t, s, "old", nil)
		redeemWant(t, s, "new", &d1)
		// Revoked.
		d3 := storage.Invitation{Meeting: "m", Participant: "d3"}
		mustPutInvitation(t, s, "C", d3)
		if err := s.RevokeInvitations(ctx, "m", "d3"); err != nil {
			t.Fatalf("RevokeInvitations: %v", err)
		}
		if err := s.RevokeInvitations(ctx, "m", "nobody"); err != nil {
			t.Fatalf("RevokeInvitations(nobody): %v", err)
		}
		redeemWant(t, s, "C", nil)
		// Expired.
		mustPutInvitation(t, s, "D", storage.Invitation{Meeting: "m", Participant: "d4", Expires: time.Now().Add(-time.Minute)})
		redeemWant(t, s, "D", nil)
		want := storage.Invitation{Meeting: "m2", Participant: "d1"}
		redeemWant(t, s, "elsewhere", &want)
	})

	t.Run("RedeemOnceConcurrently", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		want := storage.Invitation{Meeting: "m", Participant: "Nguyễn Thị Hương"}
		if err := s.PutInvitation(ctx, "code", want); err != nil {
			t.Fatalf("PutInvitation: %v", err)
		}
		const n = 16
		invs := make([]storage.Invitation, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				invs[i], errs[i] = s.RedeemInvitation(ctx, "code")
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for i := range n {
			switch {
			case errs[i] == nil:
				ok++
				if invs[i] != want {
					t.Fatalf("redeemed %+v, want %+v", invs[i], want)
				}
			case !errors.Is(errs[i], storage.ErrNotFound):
				t.Fatalf("RedeemInvitation %d: err = %v, want nil or ErrNotFound", i, errs[i])
			}
		}
		if ok != 1 {
			t.Fatalf("%d redemptions succeeded, want exactly 1", ok)
		}
	})

	t.Run("Session", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.GetSession(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetSession(unknown) err = %v, want ErrNotFound", err)
		}
		live := storage.Session{Meeting: "m", Participant: "d1",
			Expires: time.Now().Add(time.Hour).Truncate(time.Second)}
		if err := s.PutSession(ctx, "tok-live", live); err != nil {
			t.Fatalf("PutSession: %v", err)
		}
		got, err := s.GetSession(ctx, "tok-live")
		if err != nil || got.Meeting != live.Meeting || got.Participant != live.Participant || !got.Expires.Equal(live.Expires) {
			t.Fatalf("GetSession = %+v, %v; want %+v", got, err, live)
		}
		expired := storage.Session{Meeting: "m", Participant: "d2", Expires: time.Now().Add(-time.Minute)}
		if err := s.PutSession(ctx, "tok-expired", expired); err != nil {
			t.Fatalf("PutSession(expired): %v", err)
		}
		if _, err := s.GetSession(ctx, "tok-expired"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetSession(expired) err = %v, want ErrNotFound", err)
		}
	})

	t.Run("SessionsOfAndDelete", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		exp := time.Now().Add(time.Hour).Truncate(time.Second)
		put := func(key, meeting, participant string) {
			t.Helper()
			if err := s.PutSession(ctx, key, storage.Session{Meeting: meeting, Participant: participant, Seq: 3, Created: exp.Add(-time.Hour), Expires: exp}); err != nil {
				t.Fatalf("PutSession(%s): %v", key, err)
			}
		}
		put("k1", "m", "d1")
		put("k2", "m", "d1")
		put("k3", "m", "d2")
		put("k4", "m2", "d1")
		if err := s.PutSession(ctx, "k5", storage.Session{Meeting: "m", Participant: "d1", Expires: time.Now().Add(-time.Minute)}); err != nil {
			t.Fatalf("PutSession(expired): %v", err)
		}
		got, err := s.SessionsOf(ctx, "m", "d1")
		if err != nil || len(got) != 2 || got["k2"].Participant != "d1" || got["k1"].Seq != 3 || !got["k1"].Created.Equal(exp.Add(-time.Hour)) {
			t.Fatalf("SessionsOf(m, d1) = %+v, %v; want k1 and k2", got, err)
		}
		if err := s.DeleteSession(ctx, "k1"); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if err := s.DeleteSession(ctx, "k1"); err != nil {
			t.Fatalf("DeleteSession (again): %v", err)
		}
		if _, err := s.GetSession(ctx, "k1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetSession(deleted) err = %v, want ErrNotFound", err)
		}
		got, err = s.SessionsOf(ctx, "m", "d1")
		if _, ok := got["k2"]; err != nil || len(got) != 1 || !ok {
			t.Fatalf("SessionsOf after delete = %+v, %v; want k2 alone", got, err)
		}
		if got, err := s.SessionsOf(ctx, "m", "nobody"); err != nil || len(got) != 0 {
			t.Fatalf("SessionsOf(nobody) = %+v, %v", got, err)
		}
	})

	t.Run("SessionsOfAccount", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		exp := time.Now().Add(time.Hour).Truncate(time.Second)
		put := func(key, meeting, participant, account string, exp time.Time) {
			t.Helper()
			if err := s.PutSession(ctx, key, storage.Session{Meeting: meeting, Participant: participant, Seq: 2, Created: exp.Add(-time.Hour), Expires: exp, Account: account}); err != nil {
				t.Fatalf("PutSession(%s): %v", key, err)
			}
		}
		put("a1", "m", "chair", "binh", exp)
		put("a2", "m2", "sec", "binh", exp)
		put("a3", "m", "chair", "", exp)                              // a code's session of the same participant
		put("a4", "m", "d1", "binhx", exp)                            // an account whose id starts with binh's
		put("a5", "m", "chair", "binh", time.Now().Add(-time.Minute)) // expired
		keys := func(account string) []string {
			t.Helper()
			got, err := s.SessionsOfAccount(ctx, account)
			if err != nil {
				t.Fatalf("SessionsOfAccount(%s): %v", account, err)
			}
			var out []string
			for k, sess := range got {
				if sess.Account != account {
					t.Fatalf("SessionsOfAccount(%s) has %s of %q", account, k, sess.Account)
				}
				out = append(out, k)
			}
			slices.Sort(out)
			return out
		}
		if got := keys("binh"); !slices.Equal(got, []string{"a1", "a2"}) {
			t.Fatalf("SessionsOfAccount(binh) = %v, want a1 a2", got)
		}
		if got, err := s.SessionsOfAccount(ctx, "binh"); err != nil || got["a2"].Meeting != "m2" || got["a2"].Participant != "sec" || got["a1"].Seq != 2 {
			t.Fatalf("SessionsOfAccount(binh) = %+v, %v", got, err)
		}
		if got := keys("bin"); len(got) != 0 {
			t.Fatalf("SessionsOfAccount(bin) = %v, want none", got)
		}
		if got := keys(""); len(got) != 0 {
			t.Fatalf("SessionsOfAccount(\"\") = %v, want none (a code's sessions name no account)", got)
		}
		if err := s.DeleteSession(ctx, "a1"); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if got := keys("binh"); !slices.Equal(got, []string{"a2"}) {
			t.Fatalf("SessionsOfAccount(binh) after a delete = %v, want a2", got)
		}
	})
}

func mustPutInvitation(t *testing.T, s storage.Store, key string, inv storage.Invitation) {
	t.Helper()
	if err := s.PutInvitation(t.Context(), key, inv); err != nil {
		t.Fatalf("PutInvitation(%s): %v", key, err)
	}
}

// redeemWant redeems key and wants inv, or ErrNotFound when inv is nil.
func redeemWant(t *testing.T, s storage.Store, key string, want *storage.Invitation) {
	t.Helper()
	got, err := s.RedeemInvitation(t.Context(), key)
	if want == nil {
		if !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("RedeemInvitation(%s) = %+v, %v; want ErrNotFound", key, got, err)
		}
		return
	}
	if err != nil || got.Meeting != want.Meeting || got.Participant != want.Participant || got.Seq != want.Seq || !got.Expires.Equal(want.Expires) {
		t.Fatalf("RedeemInvitation(%s) = %+v, %v; want %+v", key, got, err, *want)
	}
}

// ---------------------------------------------------------------------------
// Context and lifecycle

func runContext(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("CancelledWritesNothing", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustOpenBox(t, s, "m", spec("p", false))
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Append(cancelled, "m", 0, events("x")); err == nil {
			t.Fatalf("Append with a cancelled context succeeded")
		}
		if _, err := s.Cast(cancelled, "m", ballot("p", "v1", "b1", "yes"), []byte("ballot")); err == nil {
			t.Fatalf("Cast with a cancelled context succeeded")
		}
		if err := s.OpenBox(cancelled, "m", spec("q", false)); err == nil {
			t.Fatalf("OpenBox with a cancelled context succeeded")
		}
		if err := s.PutInvitation(cancelled, "code", storage.Invitation{Meeting: "m", Participant: "d1"}); err == nil {
			t.Fatalf("PutInvitation with a cancelled context succeeded")
		}
		if v := mustVersion(t, s, "m"); v != 0 {
			t.Fatalf("Version after cancelled writes = %d, want 0", v)
		}
		// The cancelled ballot was not recorded: the voter votes anew.
		castWant(t, s, "m", ballot("p", "v1", "b2", "no"), storage.Accepted)
		wantTally(t, mustTally(t, s, "m", "p"), map[string]int{"no": 1}, 1, false)
		castWant(t, s, "m", ballot("p", "v2", "b3", "no"), storage.Accepted)
		if _, err := s.Tally(ctx, "m", "q"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Tally of the box opened with a cancelled context: err = %v, want ErrNotFound", err)
		}
		if _, err := s.RedeemInvitation(ctx, "code"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("invitation put with a cancelled context: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("CancelledGivesError", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustAppend(t, s, "m", 0, "e1")
		mustOpenBox(t, s, "m", spec("p", false))
		info, err := s.PutBlob(ctx, strings.NewReader("blob"))
		if err != nil {
			t.Fatalf("PutBlob: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		calls := map[string]func() error{
			"Read":    func() error { _, err := s.Read(cancelled, "m", 0, 0); return err },
			"Version": func() error { _, err := s.Version(cancelled, "m"); return err },
			"Meetings": func() error {
				_, err := s.Meetings(cancelled)
				return err
			},
			"SaveSnapshot": func() error { return s.SaveSnapshot(cancelled, "m", 1, []byte("s")) },
			"LoadSnapshot": func() error { _, _, err := s.LoadSnapshot(cancelled, "m"); return err },
			"CloseBox":     func() error { _, err := s.CloseBox(cancelled, "m", "p"); return err },
			"Tally":        func() error { _, err := s.Tally(cancelled, "m", "p"); return err },
			"PutBlob":      func() error { _, err := s.PutBlob(cancelled, strings.NewReader("x")); return err },
			"OpenBlob": func() error {
				rc, _, err := s.OpenBlob(cancelled, info.SHA256)
				if err == nil {
					rc.Close()
				}
				return err
			},
			"RedeemInvitation": func() error { _, err := s.RedeemInvitation(cancelled, "code"); return err },
			"PutSession": func() error {
				return s.PutSession(cancelled, "t", storage.Session{Meeting: "m", Expires: time.Now().Add(time.Hour)})
			},
			"GetSession": func() error { _, err := s.GetSession(cancelled, "t"); return err },
			"Ping":       func() error { return s.Ping(cancelled) },
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				if err := call(); err == nil {
					t.Fatalf("%s with a cancelled context succeeded, want an error", name)
				}
			})
		}
		// The box is still open: CloseBox with a cancelled context did nothing.
		wantTally(t, mustTally(t, s, "m", "p"), nil, 0, false)
	})
}

func runLifecycle(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("Ping", func(t *testing.T) {
		s := open(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("CloseTwice", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		mustAppend(t, s, "m", 0, "e1")
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close again: %v", err)
		}
		if _, err := s.Append(ctx, "m", 1, events("e2")); err == nil {
			t.Fatalf("Append after Close succeeded")
		}
		if _, err := s.Cast(ctx, "m", ballot("p", "v1", "b1", "yes"), []byte("b")); err == nil {
			t.Fatalf("Cast after Close succeeded")
		}
		if _, err := s.Read(ctx, "m", 0, 0); err == nil {
			t.Fatalf("Read after Close succeeded")
		}
	})
}

// ---------------------------------------------------------------------------
// helpers

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func events(data ...string) [][]byte {
	out := make([][]byte, len(data))
	for i, d := range data {
		out[i] = []byte(d)
	}
	return out
}

func ballot(poll, voter, id, choice string) storage.Ballot {
	return storage.Ballot{Poll: poll, Voter: voter, BallotID: id, Choice: choice}
}

// ballotEvent is the log event the suite casts with a ballot. (A real
// secret ballot's event would not name the choice; the store does not care.)
func ballotEvent(b storage.Ballot) []byte {
	return []byte("ballot " + b.Poll + "/" + b.Voter + "/" + b.BallotID)
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// pattern returns n bytes that differ at every offset of a small period.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// appendRetry appends one event at the current version, retrying on
// ErrConflict until ctx ends.
func appendRetry(ctx context.Context, s storage.Store, meeting, data string) (uint64, error) {
	for {
		v, err := s.Version(ctx, meeting)
		if err != nil {
			return 0, fmt.Errorf("Version: %w", err)
		}
		last, err := s.Append(ctx, meeting, v, events(data))
		if err == nil {
			return last, nil
		}
		if !errors.Is(err, storage.ErrConflict) {
			return 0, fmt.Errorf("Append(%q at %d): %w", data, v, err)
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
}

func mustAppend(tb testing.TB, s storage.Store, meeting string, expected uint64, data ...string) uint64 {
	tb.Helper()
	last, err := s.Append(context.Background(), meeting, expected, events(data...))
	if err != nil {
		tb.Fatalf("Append(%s, %d, %d events): %v", meeting, expected, len(data), err)
	}
	if want := expected + uint64(len(data)); last != want {
		tb.Fatalf("Append(%s, %d, %d events) = %d, want %d", meeting, expected, len(data), last, want)
	}
	return last
}

func mustRead(tb testing.TB, s storage.Store, meeting string, from uint64, max int) []storage.Record {
	tb.Helper()
	recs, err := s.Read(context.Background(), meeting, from, max)
	if err != nil {
		tb.Fatalf("Read(%s, %d, %d): %v", meeting, from, max, err)
	}
	return recs
}

func mustVersion(tb testing.TB, s storage.Store, meeting string) uint64 {
	tb.Helper()
	v, err := s.Version(context.Background(), meeting)
	if err != nil {
		tb.Fatalf("Version(%s): %v", meeting, err)
	}
	return v
}

func mustOpenBox(tb testing.TB, s storage.Store, meeting string, sp storage.BoxSpec) {
	tb.Helper()
	if err := s.OpenBox(context.Background(), meeting, sp); err != nil {
		tb.Fatalf("OpenBox(%s, %+v): %v", meeting, sp, err)
	}
}

func mustTally(tb testing.TB, s storage.Store, meeting, poll string) storage.Tally {
	tb.Helper()
	tl, err := s.Tally(context.Background(), meeting, poll)
	if err != nil {
		tb.Fatalf("Tally(%s, %s): %v", meeting, poll, err)
	}
	return tl
}

// castWant casts b with ballotEvent(b) and fails unless the outcome is want.
func castWant(tb testing.TB, s storage.Store, meeting string, b storage.Ballot, want storage.Outcome) storage.CastResult {
	tb.Helper()
	r, err := s.Cast(context.Background(), meeting, b, ballotEvent(b))
	if err != nil {
		tb.Fatalf("Cast(%s, %+v): %v", meeting, b, err)
	}
	if r.Outcome != want {
		tb.Fatalf("Cast(%s, %+v) = %v, want %v", meeting, b, r.Outcome, want)
	}
	if (want == storage.Accepted || want == storage.Repeat) && r.Seq == 0 {
		tb.Fatalf("Cast(%s, %+v) = %v with seq 0, want the seq of its event", meeting, b, r.Outcome)
	}
	return r
}

// wantTally compares a tally; choices counted zero times may be present or
// absent from Counts.
func wantTally(tb testing.TB, got storage.Tally, counts map[string]int, voters int, closed bool) {
	tb.Helper()
	norm := map[string]int{}
	for c, n := range got.Counts {
		if n != 0 {
			norm[c] = n
		}
	}
	ok := len(norm) == len(counts) && got.Voters == voters && got.Closed == closed
	for c, n := range counts {
		if norm[c] != n {
			ok = false
		}
	}
	if !ok {
		tb.Fatalf("tally = %+v, want counts %v, %d voters, closed %v", got, counts, voters, closed)
	}
}

// wantBoxTally compares the tally of a named or secret box. An open secret
// box's tally knows only its number of voters: no counts, no ballots. A
// closed secret box's tally holds its ballots, one per voter, matching the
// counts; a named box's tally holds none.
func wantBoxTally(tb testing.TB, secret bool, got storage.Tally, counts map[string]int, voters int, closed bool) {
	tb.Helper()
	if secret && !closed {
		if got.Counts != nil || got.Ballots != nil || got.Voters != voters || got.Closed {
			tb.Fatalf("tally of an open secret box = %+v, want no counts, no ballots, %d voters, open", got, voters)
		}
		return
	}
	wantTally(tb, got, counts, voters, closed)
	if !secret {
		if got.Ballots != nil {
			tb.Fatalf("tally of a named box has ballots %+v", got.Ballots)
		}
		return
	}
	if len(got.Ballots) != voters {
		tb.Fatalf("closed secret box: %d ballots, want %d (one per voter)", len(got.Ballots), voters)
	}
	n := map[string]int{}
	for _, b := range got.Ballots {
		n[b.Choice]++
	}
	for c, k := range got.Counts {
		if n[c] != k {
			tb.Fatalf("closed secret box: %d ballots for %q, count %d", n[c], c, k)
		}
	}
}

// wantRecords checks that recs are the data given, with seqs from first on.
func wantRecords(tb testing.TB, recs []storage.Record, first uint64, data ...string) {
	tb.Helper()
	if len(recs) != len(data) {
		tb.Fatalf("got %d records %s, want %d", len(recs), fmtRecords(recs), len(data))
	}
	for i, r := range recs {
		if r.Seq != first+uint64(i) || string(r.Data) != data[i] {
			tb.Fatalf("record %d = {%d %q}, want {%d %q}", i, r.Seq, r.Data, first+uint64(i), data[i])
		}
	}
}

// wantChain checks the audit chain of recs, read from seq 1: every record
// is chained, the first after the zero hash, each after the one before,
// each link storage.ChainHash of its prev, seq and data.
func wantChain(tb testing.TB, recs []storage.Record) {
	tb.Helper()
	prev := storage.ZeroHash
	for _, r := range recs {
		if !bytes.Equal(r.Prev, prev) {
			tb.Fatalf("record %d: prev %x, want %x (the link of the record before)", r.Seq, r.Prev, prev)
		}
		if want := storage.ChainHash(prev, r.Seq, r.Data); !bytes.Equal(r.Hash, want) {
			tb.Fatalf("record %d: link %x, want %x", r.Seq, r.Hash, want)
		}
		prev = r.Hash
	}
}

// wantContiguous checks that recs have the seqs 1..n in order.
func wantContiguous(tb testing.TB, recs []storage.Record, n int) {
	tb.Helper()
	if len(recs) != n {
		tb.Fatalf("log has %d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			tb.Fatalf("record %d has seq %d, want %d (a seq lost or doubled)", i, r.Seq, i+1)
		}
	}
}

func fmtRecords(recs []storage.Record) string {
	parts := make([]string, len(recs))
	for i, r := range recs {
		parts[i] = fmt.Sprintf("{%d %q}", r.Seq, r.Data)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	return sort.StringsAreSorted(a) && strings.Join(a, "\x00") == strings.Join(b, "\x00")
}
