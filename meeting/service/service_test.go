package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

const mid = "svc-test"

// recorder is a Publisher that remembers what was published.
type recorder struct {
	mu     sync.Mutex
	events []meeting.Event
	fail   bool
}

func (r *recorder) PublishEvents(_ context.Context, _ string, evs []meeting.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("bus down")
	}
	r.events = append(r.events, evs...)
	return nil
}

// flaky wraps a real store and fails chosen operations, as a storage outage would.
type flaky struct {
	service.Store
	failAppend atomic.Bool
	failCast   atomic.Bool
}

func (f *flaky) Append(ctx context.Context, m string, v uint64, evs [][]byte) (uint64, error) {
	if f.failAppend.Load() {
		return 0, fmt.Errorf("append: %w", storage.ErrUnavailable)
	}
	return f.Store.Append(ctx, m, v, evs)
}

func (f *flaky) Cast(ctx context.Context, m string, b storage.Ballot, ev []byte) (storage.CastResult, error) {
	if f.failCast.Load() {
		return storage.CastResult{}, fmt.Errorf("cast: %w", storage.ErrUnavailable)
	}
	return f.Store.Cast(ctx, m, b, ev)
}

func openStore(tb testing.TB) *bolt.Store {
	tb.Helper()
	st, err := bolt.Open(tb.TempDir(), bolt.Options{BallotKey: new(seal.NewKey())})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// seeded returns a service over store with the small meeting prepared, in
// session, and every delegate checked in.
func seeded(tb testing.TB, store service.Store, pub service.Publisher) *service.Service {
	tb.Helper()
	svc := service.New(store, pub, service.Options{})
	for _, c := range meetingtest.SmallMeeting(mid) {
		mustDo(tb, svc, meetingtest.Secretary.Participant, c)
	}
	mustDo(tb, svc, meetingtest.Chair, meeting.OpenSession{})
	for _, d := range meetingtest.Delegates {
		mustDo(tb, svc, d, meeting.CheckIn{})
	}
	return svc
}

func mustDo(tb testing.TB, svc *service.Service, who string, cmd meeting.Command) []meeting.Event {
	tb.Helper()
	evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: who}, cmd)
	if err != nil {
		tb.Fatalf("%s %s: %v", who, cmd.CommandName(), err)
	}
	return evs
}

func TestExecuteAppendsAndPublishes(t *testing.T) {
	store := openStore(t)
	pub := &recorder{}
	svc := seeded(t, store, pub)
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ShowDocument{Document: "doc1", Page: 3})
	if len(evs) != 1 || evs[0].Type() != "DocumentShown" {
		t.Fatalf("events %+v", evs)
	}
	v, err := store.Version(context.Background(), mid)
	if err != nil || v != evs[0].Seq {
		t.Fatalf("log version %d (%v), want %d", v, err, evs[0].Seq)
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if n := len(pub.events); n == 0 || pub.events[n-1].Seq != evs[0].Seq {
		t.Fatalf("published %d events, last not %d", n, evs[0].Seq)
	}
	for i, ev := range pub.events {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("published event %d has seq %d", i, ev.Seq)
		}
	}
}

func TestRefusalChangesNothing(t *testing.T) {
	store := openStore(t)
	svc := seeded(t, store, nil)
	before, _ := store.Version(context.Background(), mid)
	_, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: "d1"}, meeting.OpenPoll{Poll: "v1"})
	if meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("got %v, want forbidden", err)
	}
	if after, _ := store.Version(context.Background(), mid); after != before {
		t.Fatalf("a refused command moved the log from %d to %d", before, after)
	}
	if _, err := svc.Execute(context.Background(), "bad id!", meeting.Actor{Participant: "d1"}, meeting.CheckIn{}); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("bad meeting id: got %v", err)
	}
}

// TestTwoNodesOneLog runs two services (two nodes) over one store: their
// commands interleave through version conflicts and both end with the
// same state, with every command applied once.
func TestTwoNodesOneLog(t *testing.T) {
	store := openStore(t)
	a := seeded(t, store, nil)
	b := service.New(store, nil, service.Options{})
	mustDo(t, a, meetingtest.Chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	var wg sync.WaitGroup
	var requests atomic.Int64
	for _, svc := range []*service.Service{a, b} {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if _, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: "d1"}, meeting.RequestFloor{}); err != nil && meeting.ErrorCode(err) != meeting.Conflict {
						t.Errorf("request floor: %v", err)
					}
					if _, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: "d1"}, meeting.WithdrawFloor{}); err != nil && meeting.ErrorCode(err) != meeting.Conflict {
						t.Errorf("withdraw floor: %v", err)
					}
					requests.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	sa, err := a.State(context.Background(), mid)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.State(context.Background(), mid)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Version != sb.Version || len(sa.Floor.Queue) != len(sb.Floor.Queue) {
		t.Fatalf("nodes disagree: %d/%v vs %d/%v", sa.Version, sa.Floor.Queue, sb.Version, sb.Floor.Queue)
	}
	// Requests and withdrawals alternate in the log: a request is only
	// accepted when d1 is not queued, so the log can never hold two in a row.
	evs, err := a.ReadEvents(context.Background(), mid, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	queued := false
	for _, ev := range evs {
		switch ev.Data.(type) {
		case meeting.FloorRequested:
			if queued {
				t.Fatalf("seq %d: a second request while queued: two nodes decided on a stale state", ev.Seq)
			}
			queued = true
		case meeting.FloorWithdrawn:
			if !queued {
				t.Fatalf("seq %d: a withdrawal while not queued", ev.Seq)
			}
			queued = false
		}
	}
}

// TestBallotStorm has every delegate vote from five tablets at once while
// the log also takes chair commands: exactly one ballot per delegate counts.
func TestBallotStorm(t *testing.T) {
	store := openStore(t)
	svc := seeded(t, store, nil)
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	var wg sync.WaitGroup
	var accepted atomic.Int64
	for _, d := range meetingtest.Delegates {
		for k := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: d}, meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: fmt.Sprint(d, k)})
				switch meeting.ErrorCode(err) {
				case "":
					accepted.Add(1)
				case meeting.Conflict:
				default:
					t.Errorf("ballot: %v", err)
				}
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		mustDo(t, svc, meetingtest.Chair, meeting.SetCurrentItem{Item: "i2"})
	}()
	wg.Wait()
	if accepted.Load() != 3 {
		t.Fatalf("%d ballots accepted, want 3", accepted.Load())
	}
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})
	r := evs[0].Data.(meeting.PollClosed).Result
	if r.Cast != 3 || r.Counts["against"] != 3 || r.Passed {
		t.Fatalf("result %+v", r)
	}
}

// TestSecretPoll checks the tally of a secret poll comes from the box and
// that nothing in the log, on the bus or in the box while it is open links a
// voter to a choice.
func TestSecretPoll(t *testing.T) {
	store := openStore(t)
	bus := &recorder{}
	svc := seeded(t, store, bus)
	mustDo(t, svc, meetingtest.Chair, meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Bỏ phiếu kín", Secret: true,
		Rule: meeting.Rule{Base: meeting.BaseMembers, Threshold: meeting.TwoThirds}}})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "s1"})
	choices := map[string]string{"d1": "for", "d2": "for", "d3": "abstain"}
	for d, c := range choices {
		evs := mustDo(t, svc, d, meeting.CastBallot{Poll: "s1", Choice: c, BallotID: d})
		if bc := evs[0].Data.(meeting.BallotCast); bc.Choice != "" {
			t.Fatalf("a secret ballot's event names its choice: %+v", bc)
		}
	}
	if tl, err := store.Tally(context.Background(), mid, "s1"); err != nil || tl.Counts != nil || tl.Voters != 3 {
		t.Fatalf("box tally during the poll = %+v, %v; want 3 voters and no counts", tl, err)
	}
	bus.mu.Lock()
	for _, ev := range bus.events {
		if bc, ok := ev.Data.(meeting.BallotCast); ok && bc.Choice != "" {
			t.Errorf("the bus carried a secret ballot's choice: %+v", bc)
		}
	}
	bus.mu.Unlock()
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "s1"})
	r := evs[0].Data.(meeting.PollClosed).Result
	// 2 for out of 4 members (the chair counts): 3·2 >= 2·4 fails.
	if r.Counts["for"] != 2 || r.Counts["abstain"] != 1 || r.Cast != 3 || r.Members != 4 || r.Passed {
		t.Fatalf("result %+v", r)
	}
	recs, err := store.Read(context.Background(), mid, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for d, c := range choices {
			data := string(rec.Data)
			if strings.Contains(data, `"`+d+`"`) && strings.Contains(data, `"`+c+`"`) && !strings.Contains(data, "PollClosed") {
				t.Fatalf("event %d links %s to %s: %s", rec.Seq, d, c, rec.Data)
			}
		}
	}
}

// TestStorageOutage: while storage fails, commands and ballots are refused
// as unavailable and nothing is written; afterwards everything works and a
// resent ballot counts once.
func TestStorageOutage(t *testing.T) {
	real := openStore(t)
	store := &flaky{Store: real}
	svc := seeded(t, store, nil)
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	before, _ := real.Version(context.Background(), mid)
	store.failAppend.Store(true)
	store.failCast.Store(true)
	_, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: meetingtest.Chair}, meeting.SetCurrentItem{Item: "i3"})
	if meeting.ErrorCode(err) != meeting.Unavailable {
		t.Fatalf("command during the outage: %v", err)
	}
	_, err = svc.Execute(context.Background(), mid, meeting.Actor{Participant: "d1"}, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"})
	if meeting.ErrorCode(err) != meeting.Unavailable {
		t.Fatalf("ballot during the outage: %v", err)
	}
	if after, _ := real.Version(context.Background(), mid); after != before {
		t.Fatalf("the outage left events behind: %d → %d", before, after)
	}
	store.failAppend.Store(false)
	store.failCast.Store(false)
	first := mustDo(t, svc, "d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"})
	again := mustDo(t, svc, "d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"})
	if first[0].Seq != again[0].Seq {
		t.Fatalf("resent ballot: seq %d then %d", first[0].Seq, again[0].Seq)
	}
	mustDo(t, svc, meetingtest.Chair, meeting.SetCurrentItem{Item: "i3"})
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})
	if r := evs[0].Data.(meeting.PollClosed).Result; r.Cast != 1 {
		t.Fatalf("result %+v", r)
	}
}

// TestPublishFailureDoesNotFailTheCommand: the log is the truth.
func TestPublishFailureDoesNotFailTheCommand(t *testing.T) {
	pub := &recorder{}
	svc := seeded(t, openStore(t), pub)
	pub.mu.Lock()
	pub.fail = true
	pub.mu.Unlock()
	mustDo(t, svc, meetingtest.Chair, meeting.SetCurrentItem{Item: "i2"})
}

// TestRestartFromSnapshot: a new service over the same store (a restarted
// node) rebuilds the same state, using snapshots when there are any.
func TestRestartFromSnapshot(t *testing.T) {
	store := openStore(t)
	svc := service.New(store, nil, service.Options{SnapshotEvery: 7})
	for _, c := range meetingtest.SmallMeeting(mid) {
		mustDo(t, svc, meetingtest.Secretary.Participant, c)
	}
	mustDo(t, svc, meetingtest.Chair, meeting.OpenSession{})
	mustDo(t, svc, meetingtest.Chair, meeting.ShowDocument{Document: "doc1"})
	for p := 2; p <= 10; p++ {
		mustDo(t, svc, meetingtest.Chair, meeting.TurnPage{Page: p})
	}
	seq, _, err := store.LoadSnapshot(context.Background(), mid)
	if err != nil || seq == 0 {
		t.Fatalf("no snapshot was saved: %v", err)
	}
	want, _ := svc.State(context.Background(), mid)
	got, err := service.New(store, nil, service.Options{}).State(context.Background(), mid)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || got.Presentation != want.Presentation || got.Status != want.Status {
		t.Fatalf("restarted state %d %+v, want %d %+v", got.Version, got.Presentation, want.Version, want.Presentation)
	}
}

// TestElectionThroughTheService runs an election on a real box: the list
// approved by show of hands, a round whose marks go sealed into the box
// (never into an event or onto the bus), counted at the close from the
// box's opened ballots.
func TestElectionThroughTheService(t *testing.T) {
	store := openStore(t)
	bus := &recorder{}
	svc := seeded(t, store, bus)
	cands := []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh"}, {ID: "c2", Name: "Trần Thị Bích"}, {ID: "c3", Name: "Lê Văn Cường"},
		{ID: "c4", Name: "Phạm Thị Dung"}, {ID: "c5", Name: "Hoàng Văn Em"}}
	mustDo(t, svc, meetingtest.Secretary.Participant, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành", Seats: 4, Candidates: cands}})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "bch-approval"})
	voters := append([]string{meetingtest.Chair}, meetingtest.Delegates...)
	for _, v := range voters {
		mustDo(t, svc, v, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: v + "-a"})
	}
	mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bch-approval"})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenElectionRound{Election: "bch"})
	marks := map[string]string{}
	for i, v := range voters {
		m := []byte("11110")
		m[i%5] = '0'
		if i%5 != 4 {
			m[4] = '1'
		}
		marks[v] = string(m)
		evs := mustDo(t, svc, v, meeting.CastBallot{Poll: "bch-r1", Marks: marks[v], BallotID: v})
		if b, _ := json.Marshal(evs[0]); strings.Contains(string(b), marks[v]) {
			t.Fatalf("a ballot's event carries its marks: %s", b)
		}
		// A resend is harmless.
		mustDo(t, svc, v, meeting.CastBallot{Poll: "bch-r1", Marks: marks[v], BallotID: v})
	}
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bch-r1"})
	r := evs[0].Data.(meeting.PollClosed).Result.Election
	if r == nil || r.Returned != len(voters) || r.Valid != len(voters) {
		t.Fatalf("result %+v", r)
	}
	want := map[string]int{}
	for _, m := range marks {
		for i, c := range m {
			if c == '1' {
				want[cands[i].ID]++
			}
		}
	}
	for _, c := range r.Candidates {
		if c.Votes != want[c.ID] {
			t.Fatalf("%s has %d votes, the ballots give %d", c.ID, c.Votes, want[c.ID])
		}
	}
	// A recount from the ballots the box keeps agrees with the log.
	if err := svc.Recount(context.Background(), mid, "bch-r1"); err != nil {
		t.Fatalf("recount: %v", err)
	}
	bus.mu.Lock()
	defer bus.mu.Unlock()
	recs, err := store.Read(context.Background(), mid, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, ev := range bus.events {
		b, _ := json.Marshal(ev)
		all = append(all, string(b))
	}
	for _, rec := range recs {
		all = append(all, string(rec.Data))
	}
	for _, s := range all {
		for _, m := range marks {
			if strings.Contains(s, `"`+m+`"`) {
				t.Fatalf("the log or the bus carries a ballot's marks: %s", s)
			}
		}
	}
}

// TestPaperRoomHoldsTheClose: while a paper sheet is not settled the close
// is refused before the box is touched (a tablet ballot still counts);
// once settled, the paper ballot is added to the electronic ones.
func TestPaperRoomHoldsTheClose(t *testing.T) {
	store := openStore(t)
	svc := seeded(t, store, &recorder{})
	sec := meetingtest.Secretary.Participant
	mustDo(t, svc, sec, meeting.AddRoom{Room: meeting.Room{ID: "r2", Name: "Điểm cầu huyện Mê Linh"}})
	mustDo(t, svc, sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "p1", Name: "Đặng Văn Phúc", Role: meeting.RoleDelegate, Room: "r2"}})
	mustDo(t, svc, "p1", meeting.CheckIn{})
	// The committee: d1, d2, d3 (the first is its head).
	mustDo(t, svc, sec, meeting.ProposeCommittee{Poll: "bkp", Members: meetingtest.Delegates})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "bkp"})
	mustDo(t, svc, meetingtest.Chair, meeting.CastBallot{Poll: "bkp", Choice: "for", BallotID: "k"})
	mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bkp"})
	mustDo(t, svc, sec, meeting.CreateElection{Election: meeting.Election{ID: "bt", Title: "Bầu Bí thư", Seats: 1,
		Candidates: []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh"}}, PaperRooms: []string{"r2"}}})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "bt-approval"})
	mustDo(t, svc, meetingtest.Chair, meeting.CastBallot{Poll: "bt-approval", Choice: "for", BallotID: "a"})
	mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bt-approval"})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenElectionRound{Election: "bt"})
	mustDo(t, svc, meetingtest.Chair, meeting.CastBallot{Poll: "bt-r1", Marks: "1", BallotID: "c"})
	mustDo(t, svc, "d1", meeting.EnterPaperBallot{Poll: "bt-r1", Room: "r2", Sheet: 1, Marks: "1"})
	mustDo(t, svc, "d2", meeting.EnterPaperBallot{Poll: "bt-r1", Room: "r2", Sheet: 1, Marks: "0"})
	_, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: meetingtest.Chair}, meeting.ClosePoll{Poll: "bt-r1"})
	if meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("closed with a paper sheet unsettled: %v", err)
	}
	// The box is still open.
	for _, d := range meetingtest.Delegates {
		mustDo(t, svc, d, meeting.CastBallot{Poll: "bt-r1", Marks: "0", BallotID: d})
	}
	mustDo(t, svc, "d3", meeting.ResolvePaperBallot{Poll: "bt-r1", Room: "r2", Sheet: 1, Marks: "1"})
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bt-r1"})
	r := evs[0].Data.(meeting.PollClosed).Result.Election
	// 4 tablets (1 agree, 3 disagree) and 1 paper (agree): 2 of 5, not
	// elected; the result offers another round.
	if r.Returned != 5 || r.Candidates[0].Votes != 2 || r.Candidates[0].Against != 3 || len(r.Elected) != 0 ||
		r.NextRound == nil || r.NextRound.Reason != meeting.NextShort {
		t.Fatalf("result %+v", r)
	}
	if i := slices.IndexFunc(r.Rooms, func(rc meeting.RoomCount) bool { return rc.Room == "r2" }); i < 0 || r.Rooms[i].Returned != 1 || !r.Rooms[i].Paper {
		t.Fatalf("rooms %+v", r.Rooms)
	}
}

// TestElectionStorm: 200 delegates cast a ballot of 70 names for 55 seats
// at once, each from two tablets (the same ballot id, and a second id):
// every ballot is counted once, the count matches the marks cast, and a
// recount from the box agrees.
func TestElectionStorm(t *testing.T) {
	store := openStore(t)
	svc := seeded(t, store, &recorder{})
	sec := meetingtest.Secretary.Participant
	const n, names, seats = 200, 70, 55
	var voters []string
	for i := range n {
		id := fmt.Sprintf("v%03d", i)
		mustDo(t, svc, sec, meeting.AddParticipant{Participant: meeting.Participant{ID: id, Name: "Đại biểu " + id, Role: meeting.RoleDelegate, Room: "main"}})
		mustDo(t, svc, id, meeting.CheckIn{})
		voters = append(voters, id)
	}
	var cands []meeting.Candidate
	for i := range names {
		cands = append(cands, meeting.Candidate{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("Ứng cử viên số %d", i+1)})
	}
	mustDo(t, svc, sec, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành", Seats: seats, Candidates: cands}})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "bch-approval"})
	mustDo(t, svc, meetingtest.Chair, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "a"})
	mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bch-approval"})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenElectionRound{Election: "bch"})
	// Voter i strikes the 15 names from i mod 70 on (every tenth keeps
	// one too many: invalid).
	marks := map[string]string{}
	want := make([]int, names)
	invalid := 0
	for i, v := range voters {
		m := []byte(strings.Repeat("1", names))
		struck := 15
		if i%10 == 0 {
			struck = 14
			invalid++
		}
		for k := range struck {
			m[(i+k)%names] = '0'
		}
		marks[v] = string(m)
		if i%10 != 0 {
			for k, c := range m {
				if c == '1' {
					want[k]++
				}
			}
		}
	}
	var wg sync.WaitGroup
	var accepted atomic.Int64
	for _, v := range voters {
		for _, id := range []string{v, v, v + "-other"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: v}, meeting.CastBallot{Poll: "bch-r1", Marks: marks[v], BallotID: id})
				switch meeting.ErrorCode(err) {
				case "":
					if id == v && len(evs) == 1 {
						accepted.Add(1)
					}
				case meeting.Conflict: // the second ballot id
				default:
					t.Errorf("ballot: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	evs := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "bch-r1"})
	r := evs[0].Data.(meeting.PollClosed).Result.Election
	if r.Returned != n || r.Invalid != invalid || r.Valid != n-invalid {
		t.Fatalf("returned %d valid %d invalid %d; want %d, %d, %d (accepted %d)", r.Returned, r.Valid, r.Invalid, n, n-invalid, invalid, accepted.Load())
	}
	for k, c := range r.Candidates {
		if c.Votes != want[k] {
			t.Fatalf("%s: %d votes, cast %d", c.ID, c.Votes, want[k])
		}
	}
	if err := svc.Recount(context.Background(), mid, "bch-r1"); err != nil {
		t.Fatal(err)
	}
}
