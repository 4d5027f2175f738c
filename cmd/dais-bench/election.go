package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage/seal"
)

// The congress of the election scenario: 70 names for 55 seats.
const (
	benchElection   = "bch"
	benchCandidates = 70
	benchSeats      = 55
)

// Vietnamese names for the bench's candidates: 10 × 7 × 10 distinct full
// names with every kind of diacritic, so that the ballot frame and the
// stored ballot are measured with real names on the list.
var (
	benchHo  = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"}
	benchDem = []string{"Văn", "Thị", "Đức", "Minh", "Hữu", "Ngọc", "Quốc"}
	benchTen = []string{"Ánh", "Bảo", "Cường", "Dũng", "Hương", "Khoa", "Lộc", "Mỹ", "Nguyệt", "Phượng"}
)

func benchCandidateName(i int) string {
	return benchHo[i%len(benchHo)] + " " + benchDem[(i/len(benchHo))%len(benchDem)] + " " + benchTen[(i*3+i/len(benchHo))%len(benchTen)]
}

// electionBallot is what tablet i marks: one character per name in list
// order, '1' kept and '0' struck. As at a congress, the first names are
// kept by most (92 % falling to 62 % at the last seat) and the surplus by
// few (45 % falling to 25 %), so a large run elects all the seats in one
// round; a valid ballot keeps at most the seats (the lowest kept names are
// struck first). One ballot in 97
// keeps one name too many and one in 131 strikes every name (the 8th and
// the 14th among the first, so a small run has both): the count must find
// exactly those invalid. The pattern depends on i alone, so the bench
// knows every count the result must give.
func electionBallot(i, names, seats int) (marks string, valid bool) {
	rng := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	b := make([]byte, names)
	kept := 0
	for j := range b {
		b[j] = '0'
		p := 0.45 - 0.2*float64(j-seats)/float64(max(1, names-seats-1))
		if j < seats {
			p = 0.92 - 0.3*float64(j)/float64(max(1, seats-1))
		}
		if rng.Float64() < p {
			b[j] = '1'
			kept++
		}
	}
	for j := names - 1; j >= 0 && kept > seats; j-- {
		if b[j] == '1' {
			b[j] = '0'
			kept--
		}
	}
	switch {
	case i%131 == 13: // strikes every name
		for j := range b {
			b[j] = '0'
		}
		return string(b), false
	case i%97 == 7 && names > seats: // one name too many
		for j := 0; j < names && kept <= seats; j++ {
			if b[j] == '0' {
				b[j] = '1'
				kept++
			}
		}
		return string(b), false
	}
	return string(b), kept > 0
}

// election: a congress. Every tablet checks in; the secretary creates an
// election of 70 names for 55 seats; the chair opens the list's approval,
// every tablet approves by show of hands, the chair closes it and opens the
// first round; every tablet casts one ballot at a uniformly spread moment
// within cfg.Spread; the chair closes the round and every tablet must get
// the result. The bench knows every ballot it cast, so it checks the
// result exactly: ballots returned, valid and invalid, and each name's
// votes.
func election(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("election")
	res.Params["tablets"], res.Params["spread_ms"] = cfg.Tablets, cfg.Spread.Milliseconds()
	res.Params["names"], res.Params["seats"] = benchCandidates, benchSeats
	chairS, secS, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	sess, err := t.delegates(ctx, cfg.Tablets, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()
	sec, err := dialOne(ctx, t.url(0), secS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer sec.Drop()
	t.logf("election: connecting %d tablets", len(sess))
	tabs, err := connectAll(ctx, t, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	defer countResumes(res, tabs) // before they are closed
	t.logf("election: checking in")
	if err := forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		_, err := tabs[i].client().Do(ctx, meeting.CheckIn{})
		return err
	}); err != nil {
		return nil, fmt.Errorf("checking in: %w", err)
	}

	// The list, its approval by show of hands, the first round. Each run
	// of the scenario on the same meeting elects under a new id.
	t.elections++
	id := benchElection + strconv.Itoa(t.elections)
	el := meeting.Election{ID: id, Title: "Bầu Ban Chấp hành Đảng bộ tỉnh khóa XVI", Kind: meeting.KindElection,
		Seats: benchSeats, Base: meeting.BaseConvened}
	for j := range benchCandidates {
		el.Candidates = append(el.Candidates, meeting.Candidate{ID: fmt.Sprintf("c%02d", j+1), Name: benchCandidateName(j),
			BirthYear: 1965 + j%20, Position: "Ủy viên Ban Chấp hành Đảng bộ tỉnh khóa XV"})
	}
	if _, err := sec.Do(ctx, meeting.CreateElection{Election: el}); err != nil {
		return nil, fmt.Errorf("creating the election: %w", err)
	}
	approval := id + "-approval"
	if _, err := chair.Do(ctx, meeting.OpenPoll{Poll: approval}); err != nil {
		return nil, fmt.Errorf("opening the list's approval: %w", err)
	}
	t.logf("election: %d tablets approve the list", len(tabs))
	if err := forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		_, err := tabs[i].client().Do(ctx, meeting.CastBallot{Poll: approval, Choice: "for", BallotID: approval + "-" + tabs[i].sess.Participant})
		return err
	}); err != nil {
		return nil, fmt.Errorf("approving the list: %w", err)
	}
	if _, err := chair.Do(ctx, meeting.ClosePoll{Poll: approval}); err != nil {
		return nil, fmt.Errorf("closing the list's approval: %w", err)
	}
	t.measuring()
	watch := watchStorm(ctx, t)
	openSeq, err := chair.Do(ctx, meeting.OpenElectionRound{Election: id})
	if err != nil {
		return nil, fmt.Errorf("opening the first round: %w", err)
	}
	round := id + "-r1"
	open := time.Now()
	t.logf("election: round %s open; %d ballots over %v", round, len(tabs), cfg.Spread)

	// What the bench casts, and so what the count must find.
	type cast struct {
		marks string
		valid bool
	}
	ballots := make([]cast, len(tabs))
	for _, tb := range tabs {
		m, v := electionBallot(tb.i, benchCandidates, benchSeats)
		ballots[tb.i] = cast{m, v}
	}
	frame, err := json.Marshal(protocol.Command{Type: protocol.TypeCommand, ID: "c" + strconv.Itoa(len(tabs)+9), Name: meeting.CastBallot{}.CommandName(),
		Args: mustJSON(meeting.CastBallot{Poll: round, Marks: ballots[0].marks, BallotID: round + "-" + tabs[0].sess.Participant})})
	if err != nil {
		return nil, err
	}
	res.Metrics["ballot_frame_bytes"] = float64(len(frame))

	var (
		acks     samples
		wireAcks samples // the same acks, at the tablet's socket (wireStamp)
		mu       sync.Mutex
		accepted = map[int]bool{}
		refused  = map[string]int{}
		lastAck  time.Time
		wg       sync.WaitGroup
		sent     atomic.Int64
	)
	for k, i := range rand.Perm(len(tabs)) {
		tb := tabs[i]
		at := open.Add(cfg.Spread * time.Duration(k) / time.Duration(len(tabs)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				return
			}
			// No one casts a ballot before their tablet shows the poll:
			// a slot that falls before it arrived is used as soon as it does.
			if err := tb.client().WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= openSeq }); err != nil {
				return
			}
			if cfg.SkipBallot != nil && cfg.SkipBallot(tb.i) {
				mu.Lock()
				accepted[tb.i] = true
				mu.Unlock()
				return
			}
			sent.Add(1)
			start := time.Now()
			acked, err := tb.client().DoTimed(ctx, meeting.CastBallot{Poll: round, Marks: ballots[tb.i].marks, BallotID: round + "-" + tb.sess.Participant})
			now := time.Now()
			acks.add(now.Sub(start))
			if !acked.Wire.IsZero() {
				wireAcks.add(acked.Wire.Sub(start))
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				code := "transport"
				var me *meeting.Error
				if errors.As(err, &me) {
					code = string(me.Code)
				}
				refused[code]++
				return
			}
			accepted[tb.i] = true
			if now.After(lastAck) {
				lastAck = now
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	watch.report(ctx, t, res)
	// The stored ballot: read from Redis; bbolt's file is held by daisd,
	// so there it is the size storage/seal gives every sealed ballot of a
	// box whose content is one byte per name.
	if t.StoredBallot != nil {
		if n, err := t.StoredBallot(ctx, t.Meetings[0].ID, round); err != nil {
			res.Notes = append(res.Notes, "reading a stored ballot: "+err.Error())
		} else {
			res.Metrics["stored_sealed_ballot_bytes"] = float64(n)
		}
	} else {
		res.Metrics["stored_sealed_ballot_bytes"] = float64(seal.SealedSize(seal.PlainSize(len(meeting.BallotChoice), benchCandidates)))
		res.Notes = append(res.Notes, "stored_sealed_ballot_bytes computed with storage/seal (SealedSize of the box's fixed size), not read from the bbolt file")
	}

	t.logf("election: closing %s", round)
	closeCPU, closeSelf := measure(t), selfCPU()
	closeStart := time.Now()
	if _, err := chair.Do(ctx, meeting.ClosePoll{Poll: round}); err != nil {
		return nil, fmt.Errorf("closing the round: %w", err)
	}
	var closeLat samples
	var lastClosed time.Time
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, tb := range tabs {
		err := tb.client().WaitFor(deadline, func(daisclient.View) bool {
			tb.mu.Lock()
			defer tb.mu.Unlock()
			return tb.closed != nil && tb.closed.Poll == round
		})
		if err != nil {
			res.fail("tablet %d never received the result of %s: %v", tb.i, round, err)
			continue
		}
		tb.mu.Lock()
		closeLat.add(tb.closedAt.Sub(closeStart))
		if tb.closedAt.After(lastClosed) {
			lastClosed = tb.closedAt
		}
		tb.mu.Unlock()
	}
	res.Metrics["close_server_cpu_s"] = (measure(t).CPU - closeCPU.CPU).Seconds()
	res.Metrics["close_bench_cpu_s"] = (selfCPU() - closeSelf).Seconds()
	full, err := pollClosedOf(deadline, chair, round)
	if err != nil {
		return nil, fmt.Errorf("the chair's result: %w", err)
	}
	er := full.Result.Election
	if er == nil {
		return nil, fmt.Errorf("the result of %s has no election count", round)
	}
	if raw, err := json.Marshal(full); err == nil {
		res.Metrics["result_event_bytes"] = float64(len(raw))
	}
	// Every tablet got the same count as the chair.
	for _, tb := range tabs {
		tb.mu.Lock()
		if tb.closed != nil {
			if got := tb.closed.Result.Election; got == nil || !slices.EqualFunc(got.Candidates, er.Candidates, func(a, b meeting.CandidateResult) bool { return a.ID == b.ID && a.Votes == b.Votes }) {
				res.fail("tablet %d got another count than the chair", tb.i)
			}
		}
		tb.mu.Unlock()
	}

	// The count against what the bench cast.
	wantValid, wantInvalid := 0, 0
	wantVotes := make([]int, benchCandidates)
	for i := range accepted {
		b := ballots[i]
		if !b.valid {
			wantInvalid++
			continue
		}
		wantValid++
		for j := range b.marks {
			if b.marks[j] == '1' {
				wantVotes[j]++
			}
		}
	}
	lost := max(0, len(accepted)-er.Returned)
	double := max(0, er.Returned-len(accepted))
	if er.Valid+er.Invalid != er.Returned {
		res.fail("valid %d + invalid %d ≠ returned %d", er.Valid, er.Invalid, er.Returned)
	}
	if er.Valid != wantValid || er.Invalid != wantInvalid {
		res.fail("valid/invalid %d/%d, the bench cast %d/%d", er.Valid, er.Invalid, wantValid, wantInvalid)
	}
	wrong := 0
	for j, c := range er.Candidates {
		if j >= benchCandidates || c.ID != el.Candidates[j].ID {
			res.fail("the result lists %q at %d", c.ID, j)
			wrong++
			continue
		}
		if c.Votes != wantVotes[j] {
			wrong++
			if wrong <= 5 {
				res.fail("%s (%s) has %d votes, the bench cast %d", c.ID, el.Candidates[j].Name, c.Votes, wantVotes[j])
			}
		}
	}
	if len(er.Candidates) != benchCandidates {
		res.fail("the result has %d names, the list %d", len(er.Candidates), benchCandidates)
	}
	ack := acks.summarize()
	res.Latency["ballot_ack"] = ack
	wire := wireAcks.summarize()
	if wire.Count > 0 {
		res.Latency["ballot_ack_at_socket"] = wire
	}
	res.Latency["result_after_close"] = closeLat.summarize()
	res.Metrics["ballots_sent"] = float64(sent.Load())
	res.Metrics["accepted"] = float64(len(accepted))
	res.Metrics["issued"] = float64(er.Issued)
	res.Metrics["returned"] = float64(er.Returned)
	res.Metrics["valid"] = float64(er.Valid)
	res.Metrics["invalid"] = float64(er.Invalid)
	res.Metrics["elected"] = float64(len(er.Elected))
	res.Metrics["lost"] = float64(lost)
	res.Metrics["duplicates"] = float64(double)
	res.Metrics["names_miscounted"] = float64(wrong)
	for code, n := range refused {
		res.Metrics["refused_"+code] = float64(n)
		res.fail("%d ballots refused (%s)", n, code)
	}
	if !lastAck.IsZero() {
		res.Metrics["ballots_per_s"] = float64(len(accepted)) / lastAck.Sub(open).Seconds()
	}
	res.Metrics["result_on_last_tablet_ms"] = ms(lastClosed.Sub(closeStart))
	if lost > 0 {
		res.fail("%d acknowledged ballots are not in the count (lost)", lost)
	}
	if double > 0 {
		res.fail("the count has %d ballots, %d were acknowledged (counted twice)", er.Returned, len(accepted))
	}
	res.check("ballot ack p99, as the tablet's reader took it", "≤ 100 ms", fmt.Sprintf("%.1f ms", ack.P99), ack.P99 <= 100)
	if wire.Count > 0 {
		res.check("ballot ack p99, at the tablet's socket", "≤ 100 ms", fmt.Sprintf("%.1f ms", wire.P99), wire.P99 <= 100)
	}
	res.check("lost / counted twice", "0 / 0", fmt.Sprintf("%d / %d", lost, double), lost == 0 && double == 0)
	res.check("every name's count equals what was cast", "70 of 70", fmt.Sprintf("%d of %d", len(er.Candidates)-wrong, benchCandidates), wrong == 0)
	res.check("result on every tablet after close", "≤ 1 s", fmt.Sprintf("%.1f ms", ms(lastClosed.Sub(closeStart))), lastClosed.Sub(closeStart) <= time.Second)
	res.check("ballot frame", "a few hundred bytes", fmt.Sprintf("%d B", len(frame)), len(frame) < 1000)
	if n, ok := res.Metrics["stored_sealed_ballot_bytes"]; ok {
		res.check("stored (sealed) ballot", "a few hundred bytes", fmt.Sprintf("%.0f B", n), n < 1000)
	}
	return res, nil
}

// mustJSON marshals v, which cannot fail for the bench's own commands.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
