package main

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// clusterMeeting is the meeting TestCluster runs on three nodes.
const clusterMeeting = "cluster-meeting"

// clusterDelegates is how many delegates the clustered meeting has.
const clusterDelegates = 60

// delegateID names delegate i (0-based): d01 … d60.
func delegateID(i int) string { return fmt.Sprintf("d%02d", i+1) }

// choiceOf is delegate i's choice in a poll: 40 for, 15 against, 5 abstain.
func choiceOf(i int) string {
	switch {
	case i < 40:
		return "for"
	case i < 55:
		return "against"
	default:
		return "abstain"
	}
}

// wantCounts is what choiceOf gives over all delegates.
func wantCounts() map[string]int { return map[string]int{"for": 40, "against": 15, "abstain": 5} }

// largeMeeting returns the commands that prepare a meeting of a provincial
// council: a main hall and two linked bridge points, a chair, n delegates
// spread over the three rooms, a 10-page document on item i2 and two named
// polls (simple majority of the ballots cast).
func largeMeeting(id string, n int) []meeting.Command {
	rooms := []meeting.Room{
		{ID: "main", Name: "Hội trường chính", Main: true},
		{ID: "bavi", Name: "Điểm cầu huyện Ba Vì"},
		{ID: "socson", Name: "Điểm cầu huyện Sóc Sơn"},
	}
	cmds := []meeting.Command{
		meeting.CreateMeeting{ID: id, Title: "Kỳ họp thứ mười hai Hội đồng nhân dân thành phố", Place: "Hội trường Thành ủy",
			StartsAt:  time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
			Rooms:     rooms,
			Secretary: meeting.Participant{ID: "sec", Name: "Phạm Thị Kim Oanh", Role: meeting.RoleSecretary, Room: "main"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "chair", Name: "Lê Trường Lưu", Role: meeting.RoleChair, Room: "main", Seat: "A01"}},
	}
	for i := range n {
		room := rooms[i*len(rooms)/n]
		cmds = append(cmds, meeting.AddParticipant{Participant: meeting.Participant{
			ID: delegateID(i), Name: fmt.Sprintf("Đại biểu số %d", i+1), Role: meeting.RoleDelegate,
			Room: room.ID, Seat: fmt.Sprintf("%c%02d", 'B'+i/20, i%20+1),
		}})
	}
	return append(cmds,
		meeting.AddDocument{Document: meeting.Document{ID: "doc1", Title: "Báo cáo kinh tế - xã hội 2026", Pages: 10, SHA256: strings.Repeat("cd", 32)}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i1", Title: "Khai mạc"}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i2", Title: "Báo cáo tình hình kinh tế - xã hội", Documents: []string{"doc1"}}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i3", Title: "Bế mạc"}},
		meeting.CreatePoll{Poll: meeting.Poll{ID: "v1", Question: "Thông qua báo cáo kinh tế - xã hội năm 2026",
			Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}},
		meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Thông qua nghị quyết về kế hoạch đầu tư công",
			Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}},
		meeting.Publish{},
	)
}

// seed runs the preparation commands on n as the secretary.
func seed(tb testing.TB, n *node, meetingID string, cmds []meeting.Command) {
	tb.Helper()
	for _, c := range cmds {
		if _, err := n.svc.Execute(timeoutCtx(tb, 10*time.Second), meetingID, meetingtest.Secretary, c); err != nil {
			tb.Fatalf("seeding %s: %s: %v", meetingID, c.CommandName(), err)
		}
	}
}

// signIn invites participant on one node and redeems the code over HTTP on
// another, as a tablet behind a load balancer would.
func signIn(tb testing.TB, inviter, joiner *node, meetingID, participant string, role meeting.Role) *device {
	tb.Helper()
	code, err := inviter.acc.Invite(timeoutCtx(tb, 10*time.Second), meetingID, participant)
	if err != nil {
		tb.Fatalf("inviting %s: %v", participant, err)
	}
	sess, err := daisclient.Join(timeoutCtx(tb, 10*time.Second), baseURL(joiner), code)
	if err != nil {
		tb.Fatalf("%s: join: %v", participant, err)
	}
	if sess.Participant != participant || sess.Meeting != meetingID || sess.Role != string(role) {
		tb.Fatalf("%s: joined as %+v", participant, sess)
	}
	return newDevice(tb, participant, role, meetingID, sess.Token)
}

// lastEventOf returns the last event of type T a device received.
func lastEventOf[T meeting.EventData](d *device) (T, uint64, bool) {
	evs := d.received()
	for i := len(evs) - 1; i >= 0; i-- {
		if v, ok := evs[i].Data.(T); ok {
			return v, evs[i].Seq, true
		}
	}
	var zero T
	return zero, 0, false
}

// ballotsIn returns, per voter, the seq of the BallotCast of poll in log.
func ballotsIn(tb testing.TB, log []meeting.Event, poll string) map[string]uint64 {
	tb.Helper()
	out := map[string]uint64{}
	for _, ev := range log {
		if bc, ok := ev.Data.(meeting.BallotCast); ok && bc.Poll == poll {
			if prev, dup := out[bc.Voter]; dup {
				tb.Fatalf("the log has two ballots of %s in %s: seqs %d and %d", bc.Voter, poll, prev, ev.Seq)
			}
			out[bc.Voter] = ev.Seq
		}
	}
	return out
}

// closePollEverywhere closes poll from the chair and checks that every
// device got the same PollClosed, with the counts wanted.
func closePollEverywhere(t *testing.T, chair *device, devices []*device, poll string, counts map[string]int) meeting.Result {
	t.Helper()
	seq := chair.do(t, meeting.ClosePoll{Poll: poll})
	var first meeting.Result
	for i, d := range devices {
		d.waitSeq(t, seq)
		pc, got, ok := lastEventOf[meeting.PollClosed](d)
		if !ok || got != seq || pc.Poll != poll {
			t.Fatalf("%s (node %d): last PollClosed %+v at %d, want %s at %d", d.id, d.node, pc, got, poll, seq)
		}
		if i == 0 {
			first = pc.Result
		} else if !reflect.DeepEqual(pc.Result, first) {
			t.Fatalf("%s (node %d) got result %+v, %s got %+v", d.id, d.node, pc.Result, devices[0].id, first)
		}
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if first.Cast != total || !reflect.DeepEqual(first.Counts, counts) {
		t.Fatalf("result %+v, want %d cast: %v", first, total, counts)
	}
	return first
}

// TestCluster runs a 60-delegate meeting on three daisd nodes that share a
// Redis and a three-server NATS cluster, and breaks each dependency in turn.
func TestCluster(t *testing.T) {
	prefix := redistest.Prefix(t) // registered first: its keys go after the nodes stop
	natsc := natstest.StartCluster(t, 3, natsMaxPayload)
	redisURL := "redis://" + redistest.SharedAddr + "/0"
	nodes := []*node{
		startClusterNode(t, "n1", redisURL, prefix, natsc.URLs()),
		startClusterNode(t, "n2", redisURL, prefix, natsc.URLs()),
		startClusterNode(t, "n3", redisURL, prefix, natsc.URLs()),
	}
	seed(t, nodes[0], clusterMeeting, largeMeeting(clusterMeeting, clusterDelegates))

	// The chair on node 1; delegate i on node i%3, signed in through
	// another node than the one that invited it.
	chair := signIn(t, nodes[1], nodes[0], clusterMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	delegates := make([]*device, clusterDelegates)
	for i := range delegates {
		delegates[i] = signIn(t, nodes[(i+1)%3], nodes[i%3], clusterMeeting, delegateID(i), meeting.RoleDelegate)
		delegates[i].dial(t, nodes, i%3)
	}
	everyone := append([]*device{chair}, delegates...)

	chair.do(t, meeting.OpenSession{})
	parallel(t, delegates, func(i int, d *device) error {
		_, err := d.try(meeting.CheckIn{})
		return err
	})
	log := settle(t, nodes[0], clusterMeeting, everyone)
	if st, err := nodes[2].svc.State(timeoutCtx(t, 10*time.Second), clusterMeeting); err != nil {
		t.Fatal(err)
	} else if st.Version != uint64(len(log)) {
		t.Fatalf("node 3's state is at %d, the log at %d", st.Version, len(log))
	}

	t.Run("page turns by the chair on node 1 reach every delegate in order on every node", func(t *testing.T) {
		var seqs []uint64
		seqs = append(seqs, chair.do(t, meeting.SetCurrentItem{Item: "i2"}))
		seqs = append(seqs, chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1}))
		for page := 2; page <= 6; page++ {
			seqs = append(seqs, chair.do(t, meeting.TurnPage{Page: page}))
		}
		settle(t, nodes[1], clusterMeeting, everyone)
		for _, d := range everyone {
			evs := d.received()
			tail := evs[len(evs)-len(seqs):]
			for i, ev := range tail {
				if ev.Seq != seqs[i] {
					t.Fatalf("%s: event %d has seq %d, want %d", d.id, i, ev.Seq, seqs[i])
				}
			}
			if pt, ok := tail[len(tail)-1].Data.(meeting.PageTurned); !ok || pt.Page != 6 || pt.Document != "doc1" {
				t.Fatalf("%s (node %d): last event %s, want page 6 of doc1", d.id, d.node, mustJSON(tail[len(tail)-1]))
			}
		}
	})

	t.Run("60 delegates vote at once from two tablets on two nodes each: exactly 60 ballots count", func(t *testing.T) {
		// A second tablet per delegate, on the next node.
		second := make([]*device, clusterDelegates)
		for i, d := range delegates {
			second[i] = newDevice(t, d.id, d.role, clusterMeeting, d.token)
			second[i].dial(t, nodes, (i+1)%3)
		}
		chair.do(t, meeting.OpenPoll{Poll: "v1"})
		settle(t, nodes[2], clusterMeeting, append(everyone, second...))

		type outcome struct {
			seq uint64
			err error
		}
		results := make([][2]outcome, clusterDelegates)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range delegates {
			for k, d := range []*device{delegates[i], second[i]} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					seq, err := d.try(meeting.CastBallot{Poll: "v1", Choice: choiceOf(i), BallotID: fmt.Sprintf("%s-v1-tablet%d", d.id, k)})
					results[i][k] = outcome{seq, err}
				}()
			}
		}
		close(start)
		wg.Wait()

		accepted := map[uint64]string{}
		for i, r := range results {
			var ok, conflicts int
			for k, o := range r {
				switch {
				case o.err == nil:
					ok++
					if other, dup := accepted[o.seq]; dup {
						t.Fatalf("%s and %s were both acknowledged at seq %d", other, delegateID(i), o.seq)
					}
					accepted[o.seq] = delegateID(i)
				case meeting.ErrorCode(o.err) == meeting.Conflict:
					conflicts++
				default:
					t.Fatalf("%s tablet %d: %v, want an ack or a conflict", delegateID(i), k, o.err)
				}
			}
			if ok != 1 || conflicts != 1 {
				t.Fatalf("%s: %d ballots accepted and %d refused as a conflict, want 1 and 1 (%+v)", delegateID(i), ok, conflicts, r)
			}
		}
		if len(accepted) != clusterDelegates {
			t.Fatalf("%d ballots accepted, want %d", len(accepted), clusterDelegates)
		}
		log := settle(t, nodes[0], clusterMeeting, append(everyone, second...))
		inLog := ballotsIn(t, log, "v1")
		for seq, voter := range accepted {
			if inLog[voter] != seq {
				t.Fatalf("%s's ballot was acknowledged at %d; the log has it at %d", voter, seq, inLog[voter])
			}
		}
		res := closePollEverywhere(t, chair, append(everyone, second...), "v1", wantCounts())
		if !res.Passed {
			t.Fatalf("result %+v: 40 of 60 for should pass by a simple majority of the cast", res)
		}
		t.Logf("v1 result: %+v", res)
	})

	t.Run("a secret poll: ballots sealed on three nodes, counted on the chair's with the shared ballot key", func(t *testing.T) {
		chair.do(t, meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Bầu Trưởng ban (bỏ phiếu kín)", Secret: true,
			Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
		chair.do(t, meeting.OpenPoll{Poll: "s1"})
		settle(t, nodes[1], clusterMeeting, everyone)
		var wg sync.WaitGroup
		for i, d := range delegates {
			wg.Go(func() {
				if _, err := d.try(meeting.CastBallot{Poll: "s1", Choice: choiceOf(i), BallotID: d.id + "-s1"}); err != nil {
					t.Errorf("%s: %v", d.id, err)
				}
			})
		}
		wg.Wait()
		for _, ev := range settle(t, nodes[2], clusterMeeting, everyone) {
			if bc, ok := ev.Data.(meeting.BallotCast); ok && bc.Poll == "s1" && bc.Choice != "" {
				t.Fatalf("event %d: a secret ballot names its choice: %+v", ev.Seq, bc)
			}
		}
		closePollEverywhere(t, chair, everyone, "s1", wantCounts())
	})

	t.Run("a node killed mid-poll: its tablets resume elsewhere, miss nothing, lose no ballot", func(t *testing.T) {
		chair.do(t, meeting.OpenPoll{Poll: "v2"})
		settle(t, nodes[0], clusterMeeting, everyone)

		const killed = 2
		var onKilled, others []int
		for i := range delegates {
			if i%3 == killed {
				onKilled = append(onKilled, i)
			} else {
				others = append(others, i)
			}
		}
		ballot := func(i int) meeting.CastBallot {
			return meeting.CastBallot{Poll: "v2", Choice: choiceOf(i), BallotID: delegateID(i) + "-v2"}
		}
		acked := map[string]uint64{} // voter → seq of an acknowledged ballot
		var mu sync.Mutex
		cast := func(i int) error {
			seq, err := delegates[i].try(ballot(i))
			if err == nil {
				mu.Lock()
				acked[delegateID(i)] = seq
				mu.Unlock()
			}
			return err
		}
		// Half of node 3's delegates vote and get their acks.
		half := len(onKilled) / 2
		for _, i := range onKilled[:half] {
			if err := cast(i); err != nil {
				t.Fatalf("%s: %v", delegateID(i), err)
			}
		}
		// The rest of node 3's delegates and everyone else vote while
		// node 3 dies: some of those ballots are in flight.
		var wg sync.WaitGroup
		errs := make([]error, clusterDelegates)
		for _, i := range append(append([]int(nil), onKilled[half:]...), others...) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = cast(i)
			}()
		}
		nodes[killed].kill()
		wg.Wait()
		for _, i := range others {
			if errs[i] != nil {
				t.Fatalf("%s on a live node: %v", delegateID(i), errs[i])
			}
		}
		mu.Lock()
		ackedBefore := make(map[string]uint64, len(acked))
		for v, s := range acked {
			ackedBefore[v] = s
		}
		mu.Unlock()

		// What the log held when node 3 died: a resent ballot answered
		// with a seq up to here had counted though its ack was lost.
		atKill, err := nodes[0].svc.Version(timeoutCtx(t, 5*time.Second), clusterMeeting)
		if err != nil {
			t.Fatal(err)
		}
		// Node 3's tablets see their connection end, and resume on the
		// two other nodes with their last seq.
		lost, repeats := 0, 0
		for k, i := range onKilled {
			d := delegates[i]
			select {
			case <-d.client().Done():
			case <-time.After(15 * time.Second):
				t.Fatalf("%s: the connection to the killed node is still open", d.id)
			}
			d.dial(t, nodes, k%2)
			if d.client().Welcome().Snapshot != nil {
				t.Fatalf("%s: resume answered with a snapshot, want the missed events", d.id)
			}
			if errs[i] != nil {
				lost++
				// The ack was lost: the outcome is unknown. Resend the
				// same ballot id.
				seq, err := d.try(ballot(i))
				if err != nil {
					t.Fatalf("%s: resending its ballot: %v", d.id, err)
				}
				acked[d.id] = seq
				if seq <= atKill {
					repeats++
				}
			}
		}
		t.Logf("node 3 killed with %d of its %d delegates' ballots unacknowledged (%d of those had counted: the resend got the original seq); %d acknowledged before",
			lost, len(onKilled), repeats, len(ackedBefore))

		live := nodes[:killed]
		log := settle(t, live[1], clusterMeeting, everyone)
		inLog := ballotsIn(t, log, "v2")
		if len(inLog) != clusterDelegates {
			t.Fatalf("%d ballots in the log, want %d", len(inLog), clusterDelegates)
		}
		for voter, seq := range acked {
			if inLog[voter] != seq {
				t.Fatalf("%s's ballot was acknowledged at %d; the log has it at %d", voter, seq, inLog[voter])
			}
		}
		res := closePollEverywhere(t, chair, everyone, "v2", wantCounts())
		t.Logf("v2 result: %+v", res)
		settle(t, live[0], clusterMeeting, everyone)
		// The resumed tablets got the ballots they cast before the kill
		// exactly once: settle compared their streams with the log.
		for voter, seq := range ackedBefore {
			if inLog[voter] != seq {
				t.Fatalf("%s's ballot acknowledged before the kill at %d is at %d in the log", voter, seq, inLog[voter])
			}
		}
	})

	t.Run("one NATS server stopped: delivery goes on", func(t *testing.T) {
		live := nodes[:2]
		victim := natsc.ServerOf(t, "n1") // the chair's node publishes through it
		if victim < 0 {
			t.Fatal("node n1 is connected to no NATS server")
		}
		natsc.Stop(victim)
		var seqs []uint64
		for page := 7; page <= 9; page++ {
			seqs = append(seqs, chair.do(t, meeting.TurnPage{Page: page}))
		}
		settle(t, live[1], clusterMeeting, everyone)
		for _, d := range everyone {
			if pt, seq, ok := lastEventOf[meeting.PageTurned](d); !ok || pt.Page != 9 || seq != seqs[2] {
				t.Fatalf("%s (node %d): last page turn %+v at %d, want page 9 at %d", d.id, d.node, pt, seq, seqs[2])
			}
		}
		for i, n := range live {
			eventually(t, 15*time.Second, fmt.Sprintf("node %d ready after the NATS server stopped", i+1), func() error {
				code, err := readyz(n)
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("readyz %d", code)
				}
				return err
			})
			if now := natsc.ServerOf(t, n.cfg.Name); now == victim || now < 0 {
				t.Fatalf("node %s on NATS server %d after server %d stopped", n.cfg.Name, now, victim)
			}
		}
		// And once more after every node settled on the remaining servers.
		s := chair.do(t, meeting.TurnPage{Page: 10})
		settle(t, live[0], clusterMeeting, everyone)
		if _, seq, _ := lastEventOf[meeting.PageTurned](delegates[1]); seq != s {
			t.Fatalf("last page turn at %d, want %d", seq, s)
		}
	})

	t.Run("Redis unavailable: commands refused, nothing half-written, all back after restart", func(t *testing.T) {
		testRedisOutage(t, natsc.URLs())
	})

	t.Run("all of NATS stopped: connected tablets still get every event, from the log", func(t *testing.T) {
		live := nodes[:2]
		for i := range natsc.URLs() {
			natsc.Stop(i)
		}
		for i, n := range live {
			eventually(t, 15*time.Second, fmt.Sprintf("node %d reports the bus down", i+1), func() error {
				if code, err := readyz(n); err != nil || code != http.StatusServiceUnavailable {
					return fmt.Errorf("readyz %d %v, want 503", code, err)
				}
				return nil
			})
		}
		s := chair.do(t, meeting.TurnPage{Page: 3})
		delegates[1].do(t, meeting.RequestFloor{})
		settle(t, live[1], clusterMeeting, everyone)
		if _, seq, _ := lastEventOf[meeting.PageTurned](delegates[0]); seq != s {
			t.Fatalf("last page turn at %d, want %d", seq, s)
		}
	})
}

// parallel runs f for every device at once and fails the test on the first
// error.
func parallel(tb testing.TB, devices []*device, f func(i int, d *device) error) {
	tb.Helper()
	errs := make([]error, len(devices))
	var wg sync.WaitGroup
	for i, d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i, d)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			tb.Fatalf("%s: %v", devices[i].id, err)
		}
	}
}

// testRedisOutage runs a small meeting on two nodes over a redis-server of
// its own, SIGKILLs that Redis in the middle of a poll and restarts it on
// the same port and data folder.
func testRedisOutage(t *testing.T, natsURLs []string) {
	const id = "cluster-redis"
	rp := redistest.StartServer(t)
	nodes := []*node{
		startClusterNode(t, "r1", rp.URL(), "dais:", natsURLs),
		startClusterNode(t, "r2", rp.URL(), "dais:", natsURLs),
	}
	seed(t, nodes[0], id, meetingtest.SmallMeeting(id))
	chair := signIn(t, nodes[0], nodes[1], id, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	var delegates []*device
	for i, p := range meetingtest.Delegates {
		d := signIn(t, nodes[0], nodes[1], id, p, meeting.RoleDelegate)
		d.dial(t, nodes, (i+1)%2)
		delegates = append(delegates, d)
	}
	everyone := append([]*device{chair}, delegates...)
	chair.do(t, meeting.OpenSession{})
	for _, d := range delegates {
		d.do(t, meeting.CheckIn{})
	}
	chair.do(t, meeting.SetCurrentItem{Item: "i2"})
	chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	chair.do(t, meeting.OpenPoll{Poll: "v1"})
	d1Seq := delegates[0].do(t, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})
	settle(t, nodes[0], id, everyone)
	before, err := nodes[1].svc.Version(timeoutCtx(t, 5*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}

	rp.Kill()

	assertUnavailable := func(what string, err error) {
		t.Helper()
		var me *meeting.Error
		if !errors.As(err, &me) || me.Code != meeting.Unavailable || me.Message == "" || me.MessageVI == "" {
			t.Fatalf("%s with Redis down: got %v, want an unavailable refusal with messages in both languages", what, err)
		}
		t.Logf("%s with Redis down: %s / %s", what, me.Message, me.MessageVI)
		// The messages are shown to a person: no fmt debris such as
		// "%!(EXTRA …)" from a format that does not use its arguments.
		for _, m := range []string{me.Message, me.MessageVI} {
			if strings.Contains(m, "%!") {
				t.Errorf("%s with Redis down: badly formatted message %q", what, m)
			}
		}
	}
	// The ballot first, while its node's cached state is warm: it reaches
	// the store's atomic cast, which fails.
	_, err = delegates[1].try(meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d2-v1"})
	assertUnavailable("a ballot", err)
	_, err = chair.try(meeting.TurnPage{Page: 2})
	assertUnavailable("a page turn", err)
	_, err = delegates[2].try(meeting.RequestFloor{})
	assertUnavailable("a request for the floor", err)
	if code, err := readyz(nodes[1]); err != nil || code != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Redis down: %d %v, want 503", code, err)
	}

	rp.Start(t)
	for i, n := range nodes {
		eventually(t, 15*time.Second, fmt.Sprintf("node r%d ready after Redis restarted", i+1), func() error {
			code, err := readyz(n)
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("readyz %d", code)
			}
			return err
		})
	}
	// Nothing half-written: the log is where it was, d2's ballot is not in
	// the box, and d1's acknowledged ballot is.
	after, err := nodes[1].svc.Version(timeoutCtx(t, 5*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("the log moved from %d to %d while Redis was down", before, after)
	}
	st, err := nodes[0].svc.State(timeoutCtx(t, 5*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, voted := st.Polls["v1"].Voters["d2"]; voted {
		t.Fatal("d2's refused ballot is recorded")
	}
	if _, voted := st.Polls["v1"].Voters["d1"]; !voted {
		t.Fatal("d1's acknowledged ballot is gone")
	}
	if st.Presentation.Page != 1 {
		t.Fatalf("presentation at page %d, want 1: the refused page turn changed it", st.Presentation.Page)
	}

	// Commands work again; the ballot whose outcome was unknown is resent
	// with the same id.
	chair.do(t, meeting.TurnPage{Page: 2})
	delegates[1].do(t, meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d2-v1"})
	delegates[2].do(t, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d3-v1"})
	if seq := delegates[0].do(t, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"}); seq != d1Seq {
		t.Fatalf("d1's ballot resent after the restart: seq %d, want the original %d", seq, d1Seq)
	}
	closePollEverywhere(t, chair, everyone, "v1", map[string]int{"for": 2, "against": 1, "abstain": 0})
	settle(t, nodes[1], id, everyone)
}
