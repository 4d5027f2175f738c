package meeting_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

var t0 = time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)

// build folds commands into a fresh state, failing on any refusal, and
// returns the state and every event.
func build(tb testing.TB, steps ...step) (*meeting.State, []meeting.Event) {
	tb.Helper()
	s := meeting.NewState()
	var all []meeting.Event
	for i, st := range steps {
		evs, err := meeting.Decide(s, meeting.Actor{Participant: st.who}, st.cmd, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			tb.Fatalf("step %d (%s %s): %v", i, st.who, st.cmd.CommandName(), err)
		}
		for _, ev := range evs {
			if err := s.Apply(ev); err != nil {
				tb.Fatalf("step %d: apply %s: %v", i, ev.Type(), err)
			}
		}
		all = append(all, evs...)
	}
	return s, all
}

type step struct {
	who string
	cmd meeting.Command
}

func as(who string, cmds ...meeting.Command) []step {
	out := make([]step, len(cmds))
	for i, c := range cmds {
		out[i] = step{who, c}
	}
	return out
}

// inSession is the small meeting, opened, with every delegate checked in.
func inSession(tb testing.TB, more ...step) *meeting.State {
	tb.Helper()
	steps := as("sec", meetingtest.SmallMeeting("m1")...)
	steps = append(steps, step{"chair", meeting.OpenSession{}})
	for _, d := range meetingtest.Delegates {
		steps = append(steps, step{d, meeting.CheckIn{}})
	}
	steps = append(steps, as("sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "obs", Name: "Nguyễn Hữu Phước", Role: meeting.RoleObserver, Room: "main"}})...)
	steps = append(steps, more...)
	s, _ := build(tb, steps...)
	return s
}

func TestDecideRefusals(t *testing.T) {
	votingOpen := []step{{"chair", meeting.OpenPoll{Poll: "v1"}}}
	tests := []struct {
		name  string
		setup []step
		who   string
		cmd   meeting.Command
		want  meeting.Code
	}{
		{"stranger", nil, "nobody", meeting.CheckIn{}, meeting.Forbidden},
		{"delegate prepares", nil, "d1", meeting.AddAgendaItem{Item: meeting.Item{ID: "x", Title: "X"}}, meeting.Forbidden},
		{"chair prepares", nil, "chair", meeting.AddParticipant{Participant: meeting.Participant{ID: "x", Name: "X", Role: meeting.RoleDelegate, Room: "main"}}, meeting.Forbidden},
		{"delegate opens poll", nil, "d1", meeting.OpenPoll{Poll: "v1"}, meeting.Forbidden},
		{"delegate turns page", []step{{"chair", meeting.ShowDocument{Document: "doc1"}}}, "d1", meeting.TurnPage{Page: 2}, meeting.Forbidden},
		{"secretary opens session", nil, "sec", meeting.OpenSession{}, meeting.Forbidden},
		{"session opened twice", nil, "chair", meeting.OpenSession{}, meeting.Conflict},
		{"page out of range", nil, "chair", meeting.ShowDocument{Document: "doc1", Page: 11}, meeting.Invalid},
		{"negative page", []step{{"chair", meeting.ShowDocument{Document: "doc1"}}}, "chair", meeting.TurnPage{Page: -1}, meeting.Invalid},
		{"turn without a document", nil, "chair", meeting.TurnPage{Page: 2}, meeting.Conflict},
		{"unknown document", nil, "chair", meeting.ShowDocument{Document: "nope"}, meeting.NotFound},
		{"unknown item", nil, "chair", meeting.SetCurrentItem{Item: "nope"}, meeting.NotFound},
		{"ballot without open poll", nil, "d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, meeting.Conflict},
		{"ballot on unknown poll", votingOpen, "d1", meeting.CastBallot{Poll: "zz", Choice: "for", BallotID: "b"}, meeting.NotFound},
		{"ballot with bad choice", votingOpen, "d1", meeting.CastBallot{Poll: "v1", Choice: "maybe", BallotID: "b"}, meeting.Invalid},
		{"ballot without id", votingOpen, "d1", meeting.CastBallot{Poll: "v1", Choice: "for"}, meeting.Invalid},
		{"second ballot", append(votingOpen, step{"d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}}), "d1", meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "b2"}, meeting.Conflict},
		{"observer votes", votingOpen, "obs", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, meeting.Forbidden},
		{"secretary votes", votingOpen, "sec", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, meeting.Forbidden},
		{"absent delegate votes", append(votingOpen, step{"d2", meeting.CheckOut{}}), "d2", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, meeting.Conflict},
		{"two polls open", append(votingOpen, step{"chair", meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Q"}}}), "chair", meeting.OpenPoll{Poll: "v2"}, meeting.Conflict},
		{"close a poll not open", nil, "chair", meeting.ClosePoll{Poll: "v1", Tally: meeting.Tally{}}, meeting.Conflict},
		{"close without tally", votingOpen, "chair", meeting.ClosePoll{Poll: "v1"}, meeting.Internal},
		{"close with a tally the log denies", votingOpen, "chair", meeting.ClosePoll{Poll: "v1", Tally: meeting.Tally{"for": 1}}, meeting.Internal},
		{"adjourn with open poll", votingOpen, "chair", meeting.Adjourn{}, meeting.Conflict},
		{"close meeting with open poll", votingOpen, "chair", meeting.CloseMeeting{}, meeting.Conflict},
		{"poll with one choice", nil, "chair", meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Q", Choices: []meeting.Choice{{ID: "a", Label: "A"}}}}, meeting.Invalid},
		{"poll with bad rule", nil, "chair", meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Q", Rule: meeting.Rule{Base: "half"}}}, meeting.Invalid},
		{"poll id taken", nil, "chair", meeting.CreatePoll{Poll: meeting.Poll{ID: "v1", Question: "Q"}}, meeting.Conflict},
		{"delegate creates poll", nil, "d1", meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Q"}}, meeting.Forbidden},
		{"participant id taken", nil, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "d1", Name: "X", Role: meeting.RoleDelegate, Room: "main"}}, meeting.Conflict},
		{"participant in unknown room", nil, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "x", Name: "X", Role: meeting.RoleDelegate, Room: "moon"}}, meeting.NotFound},
		{"participant with bad role", nil, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "x", Name: "X", Role: "king", Room: "main"}}, meeting.Invalid},
		{"participant with bad id", nil, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "a b", Name: "X", Role: meeting.RoleDelegate, Room: "main"}}, meeting.Invalid},
		{"sub-sub-item", []step{{"sec", meeting.AddAgendaItem{Item: meeting.Item{ID: "s1", Parent: "i1", Title: "S"}}}}, "sec", meeting.AddAgendaItem{Item: meeting.Item{ID: "s2", Parent: "s1", Title: "S"}}, meeting.Invalid},
		{"document without pages", nil, "sec", meeting.AddDocument{Document: meeting.Document{ID: "d9", Title: "T", SHA256: strings.Repeat("0", 64)}}, meeting.Invalid},
		{"document with bad sha", nil, "sec", meeting.AddDocument{Document: meeting.Document{ID: "d9", Title: "T", Pages: 1, SHA256: "abc"}}, meeting.Invalid},
		{"readers of a public document", nil, "sec", meeting.AddDocument{Document: meeting.Document{ID: "d9", Title: "T", Pages: 1, SHA256: strings.Repeat("0", 64), Readers: []string{"d1"}}}, meeting.Invalid},
		{"publish twice", nil, "sec", meeting.Publish{}, meeting.Conflict},
		{"remove a voter", append(votingOpen, step{"d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}}), "sec", meeting.RemoveParticipant{Participant: "d1"}, meeting.Conflict},
		{"observer asks to speak", nil, "obs", meeting.RequestFloor{}, meeting.Forbidden},
		{"ask to speak twice", []step{{"d1", meeting.RequestFloor{}}}, "d1", meeting.RequestFloor{}, meeting.Conflict},
		{"withdraw without asking", nil, "d1", meeting.WithdrawFloor{}, meeting.Conflict},
		{"give the floor to nobody", nil, "chair", meeting.GiveFloor{}, meeting.Conflict},
		{"delegate ends another's turn", []step{{"d1", meeting.RequestFloor{}}, {"chair", meeting.GiveFloor{}}}, "d2", meeting.EndFloor{}, meeting.Forbidden},
		{"check in someone else", nil, "d1", meeting.CheckOut{Participant: "d2"}, meeting.Forbidden},
		{"anything after the close", []step{{"chair", meeting.CloseMeeting{}}}, "d1", meeting.CheckOut{}, meeting.Conflict},
		{"chair after the close", []step{{"chair", meeting.CloseMeeting{}}}, "chair", meeting.OpenSession{}, meeting.Conflict},
		{"page turn while adjourned", []step{{"chair", meeting.Adjourn{}}}, "chair", meeting.ShowDocument{Document: "doc1"}, meeting.Conflict},
		{"ballot while adjourned", []step{{"chair", meeting.Adjourn{}}}, "d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}, meeting.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := inSession(t, tc.setup...)
			before, _ := json.Marshal(s)
			evs, err := meeting.Decide(s, meeting.Actor{Participant: tc.who}, tc.cmd, t0)
			var me *meeting.Error
			if !errors.As(err, &me) {
				t.Fatalf("got %v (%d events), want a %s refusal", err, len(evs), tc.want)
			}
			if me.Code != tc.want {
				t.Fatalf("got %s (%s), want %s", me.Code, me.Message, tc.want)
			}
			if me.Message == "" || me.MessageVI == "" || me.Message == me.MessageVI {
				t.Fatalf("want distinct English and Vietnamese messages, got %+v", me)
			}
			if evs != nil {
				t.Fatalf("a refusal produced %d events", len(evs))
			}
			if after, _ := json.Marshal(s); string(after) != string(before) {
				t.Fatal("Decide changed the state")
			}
		})
	}
}

func TestMeetingMustExist(t *testing.T) {
	_, err := meeting.Decide(meeting.NewState(), meeting.Actor{Participant: "x"}, meeting.CheckIn{}, t0)
	if meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("got %v", err)
	}
	cm := meetingtest.SmallMeeting("m1")[0].(meeting.CreateMeeting)
	if _, err := meeting.Decide(meeting.NewState(), meeting.Actor{Participant: "someone-else"}, cm, t0); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("create as another: %v", err)
	}
	cm.Rooms = append(cm.Rooms, meeting.Room{ID: "b", Name: "B", Main: true})
	if _, err := meeting.Decide(meeting.NewState(), meeting.Actor{Participant: "sec"}, cm, t0); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("two main halls: %v", err)
	}
}

func TestNoOps(t *testing.T) {
	s := inSession(t, step{"chair", meeting.ShowDocument{Document: "doc1", Page: 3}}, step{"chair", meeting.SetCurrentItem{Item: "i2"}})
	for _, tc := range []step{
		{"d1", meeting.CheckIn{}},
		{"chair", meeting.TurnPage{Page: 3}},
		{"chair", meeting.ShowDocument{Document: "doc1", Page: 3}},
		{"chair", meeting.SetCurrentItem{Item: "i2"}},
		{"chair", meeting.HandPresentation{}},
	} {
		evs, err := meeting.Decide(s, meeting.Actor{Participant: tc.who}, tc.cmd, t0)
		if err != nil || len(evs) != 0 {
			t.Fatalf("%s: got %d events, %v; want none and no error", tc.cmd.CommandName(), len(evs), err)
		}
	}
}

func TestPresenterMayTurnPages(t *testing.T) {
	s := inSession(t, step{"chair", meeting.ShowDocument{Document: "doc1"}}, step{"chair", meeting.HandPresentation{To: "d2"}})
	evs, err := meeting.Decide(s, meeting.Actor{Participant: "d2"}, meeting.TurnPage{Page: 4}, t0)
	if err != nil || len(evs) != 1 || evs[0].Data != (meeting.PageTurned{Document: "doc1", Page: 4}) {
		t.Fatalf("presenter's page turn: %v %v", evs, err)
	}
	if _, err := meeting.Decide(s, meeting.Actor{Participant: "d1"}, meeting.TurnPage{Page: 4}, t0); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("another delegate's page turn: %v", err)
	}
}

func TestResultOf(t *testing.T) {
	poll := func(base meeting.Base, th meeting.Threshold, quorum int) *meeting.Poll {
		return &meeting.Poll{Choices: meeting.DefaultChoices(), Rule: meeting.Rule{Base: base, Threshold: th, QuorumPercent: quorum}}
	}
	tests := []struct {
		name             string
		p                *meeting.Poll
		t                meeting.Tally
		members, present int
		base             int
		passed, quorum   bool
	}{
		{"simple: more for than against", poll(meeting.BaseCast, meeting.Simple, 0), meeting.Tally{"for": 3, "against": 2, "abstain": 5}, 10, 10, 10, true, true},
		{"simple: a tie fails", poll(meeting.BaseCast, meeting.Simple, 0), meeting.Tally{"for": 2, "against": 2}, 10, 10, 4, false, true},
		{"absolute of cast: abstentions count against", poll(meeting.BaseCast, meeting.Absolute, 0), meeting.Tally{"for": 5, "against": 1, "abstain": 4}, 10, 10, 10, false, true},
		{"absolute of members", poll(meeting.BaseMembers, meeting.Absolute, 0), meeting.Tally{"for": 8}, 15, 10, 15, true, true},
		{"absolute of members: exactly half fails", poll(meeting.BaseMembers, meeting.Absolute, 0), meeting.Tally{"for": 7}, 14, 14, 14, false, true},
		{"two thirds of members: exactly 2/3 passes", poll(meeting.BaseMembers, meeting.TwoThirds, 0), meeting.Tally{"for": 10}, 15, 15, 15, true, true},
		{"two thirds of members: one short", poll(meeting.BaseMembers, meeting.TwoThirds, 0), meeting.Tally{"for": 9}, 15, 15, 15, false, true},
		{"two thirds of present", poll(meeting.BasePresent, meeting.TwoThirds, 0), meeting.Tally{"for": 8, "against": 4}, 20, 12, 12, true, true},
		{"quorum missed", poll(meeting.BaseCast, meeting.Simple, 50), meeting.Tally{"for": 4}, 10, 4, 4, false, false},
		{"quorum met exactly", poll(meeting.BaseCast, meeting.Simple, 50), meeting.Tally{"for": 4}, 10, 5, 4, true, true},
		{"nobody voted", poll(meeting.BaseCast, meeting.Simple, 0), meeting.Tally{}, 10, 10, 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := meeting.ResultOf(tc.p, tc.t, tc.members, tc.present)
			if r.Base != tc.base || r.Passed != tc.passed || r.QuorumOK != tc.quorum {
				t.Fatalf("got base %d passed %v quorum %v, want %d %v %v", r.Base, r.Passed, r.QuorumOK, tc.base, tc.passed, tc.quorum)
			}
			if len(r.Counts) != 3 {
				t.Fatalf("counts %v should name every choice", r.Counts)
			}
		})
	}
}

func TestAgendaOrder(t *testing.T) {
	s, _ := build(t, as("sec", append(meetingtest.SmallMeeting("m1"),
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i1.1", Parent: "i1", Title: "a"}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i2.1", Parent: "i2", Title: "b"}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i1.2", Parent: "i1", Title: "c"}},
		meeting.MoveAgendaItem{Item: "i2", Index: 0},
		meeting.MoveAgendaItem{Item: "i1.2", Index: 0},
		meeting.MoveAgendaItem{Item: "i3", Index: 99},
	)...)...)
	var ids []string
	for _, it := range s.Agenda {
		ids = append(ids, it.ID)
	}
	want := []string{"i2", "i2.1", "i1", "i1.2", "i1.1", "i3"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("agenda %v, want %v", ids, want)
	}
}

// TestEventsRoundTrip encodes and decodes every event of a full meeting,
// and replays them into a fresh state.
func TestEventsRoundTrip(t *testing.T) {
	steps := as("sec", meetingtest.SmallMeeting("m1")...)
	steps = append(steps,
		step{"sec", meeting.AddRoom{Room: meeting.Room{ID: "b", Name: "Điểm cầu B"}}},
		step{"sec", meeting.AddProposal{Proposal: meeting.Proposal{ID: "pr1", Title: "Tờ trình", Documents: []string{"doc1"}}, Item: "i2"}},
		step{"sec", meeting.UpdateMeeting{Place: "Hội trường B"}},
		step{"sec", meeting.AddAgendaItem{Item: meeting.Item{ID: "i4", Title: "Thêm"}}},
		step{"sec", meeting.AttachDocument{Item: "i4", Document: "doc1"}},
		step{"sec", meeting.MoveAgendaItem{Item: "i4", Index: 1}},
		step{"chair", meeting.OpenSession{}},
		step{"d1", meeting.CheckIn{}}, step{"d2", meeting.CheckIn{}}, step{"chair", meeting.CheckIn{}},
		step{"chair", meeting.SetCurrentItem{Item: "i2"}},
		step{"chair", meeting.ShowDocument{Document: "doc1", Page: 2}},
		step{"chair", meeting.HandPresentation{To: "d1"}},
		step{"d1", meeting.TurnPage{Page: 3}},
		step{"chair", meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Kín", Secret: true, Proposal: "pr1"}}},
		step{"chair", meeting.OpenPoll{Poll: "s1"}},
		step{"d1", meeting.CastBallot{Poll: "s1", Choice: "for", BallotID: "x"}},
		step{"chair", meeting.ClosePoll{Poll: "s1", Tally: meeting.Tally{"for": 1}}},
		step{"d2", meeting.RequestFloor{}}, step{"d1", meeting.RequestFloor{}}, step{"d1", meeting.WithdrawFloor{}},
		step{"chair", meeting.GiveFloor{}}, step{"chair", meeting.EndFloor{}},
		step{"d2", meeting.CheckOut{}},
		step{"chair", meeting.Adjourn{}}, step{"chair", meeting.OpenSession{}}, step{"chair", meeting.CloseMeeting{}},
	)
	s, evs := build(t, steps...)
	seen := map[string]bool{}
	replay := meeting.NewState()
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back meeting.Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(back, ev) {
			t.Fatalf("round trip changed %s:\n%#v\n%#v", b, ev, back)
		}
		seen[ev.Type()] = true
		if err := replay.Apply(back); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := json.Marshal(s)
	got, _ := json.Marshal(replay)
	if string(want) != string(got) {
		t.Fatalf("replay differs:\n%s\n%s", want, got)
	}
	var decoded meeting.State
	if err := json.Unmarshal(want, &decoded); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(&decoded); string(again) != string(want) {
		t.Fatal("state JSON round trip differs")
	}
	for _, typ := range []string{"MeetingCreated", "MeetingUpdated", "RoomAdded", "ParticipantAdded", "AgendaItemAdded", "AgendaItemMoved",
		"DocumentAdded", "DocumentAttached", "ProposalAdded", "MeetingPublished", "SessionOpened", "SessionAdjourned", "MeetingClosed",
		"CurrentItemSet", "DocumentShown", "PageTurned", "PresentationHanded", "PollCreated", "PollOpened", "BallotCast", "PollClosed",
		"FloorRequested", "FloorWithdrawn", "FloorGiven", "FloorEnded", "CheckedIn", "CheckedOut"} {
		if !seen[typ] {
			t.Errorf("the scenario never produced %s", typ)
		}
	}
	if s.Proposals["pr1"].Status != meeting.ProposalAdopted || s.Status != meeting.StatusClosed {
		t.Fatalf("proposal %s, meeting %s", s.Proposals["pr1"].Status, s.Status)
	}
}

func TestApplyRefusesMisfits(t *testing.T) {
	s := inSession(t)
	v := s.Version
	for name, ev := range map[string]meeting.Event{
		"gap":              {Seq: v + 2, Data: meeting.CheckedOut{Participant: "d1"}},
		"repeat":           {Seq: v, Data: meeting.CheckedOut{Participant: "d1"}},
		"unknown person":   {Seq: v + 1, Data: meeting.CheckedIn{Participant: "ghost"}},
		"ballot, no poll":  {Seq: v + 1, Data: meeting.BallotCast{Poll: "v1", Voter: "d1"}},
		"unknown document": {Seq: v + 1, Data: meeting.PageTurned{Document: "zz", Page: 1}},
		"no data":          {Seq: v + 1},
	} {
		if err := s.Apply(ev); err == nil {
			t.Errorf("%s: applied", name)
		}
		if s.Version != v {
			t.Fatalf("%s: version moved", name)
		}
	}
}

func TestVisibility(t *testing.T) {
	s := inSession(t, step{"chair", meeting.OpenPoll{Poll: "v1"}}, step{"d1", meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "b"}})
	ballot := meeting.Event{Seq: 99, Data: meeting.BallotCast{Poll: "v1", Voter: "d1", Choice: "against"}}
	for viewer, want := range map[string]bool{"d1": true, "chair": true, "sec": true, "d2": false, "obs": false, "ghost": false} {
		if got := meeting.Visible(s, ballot, viewer); got != want {
			t.Errorf("%s sees the ballot: %v, want %v", viewer, got, want)
		}
	}
	if meeting.Visible(s, meeting.Event{Data: meeting.PageTurned{}}, "ghost") {
		t.Error("a stranger sees events")
	}
	if v := s.ViewFor("d2").Polls["v1"].Voters; len(v) != 0 {
		t.Errorf("d2 sees ballots %v", v)
	}
	if v := s.ViewFor("d1").Polls["v1"].Voters; !reflect.DeepEqual(v, map[string]string{"d1": "against"}) {
		t.Errorf("d1 sees %v", v)
	}
	if v := s.ViewFor("chair").Polls["v1"].Voters; len(v) != 1 {
		t.Errorf("the chair sees %v", v)
	}
	if len(s.Polls["v1"].Voters) != 1 {
		t.Fatal("ViewFor changed the state")
	}
}

func TestDecodeCommand(t *testing.T) {
	tests := []struct {
		name, cmd, args string
		ok              bool
	}{
		{"ok", "TurnPage", `{"page":3}`, true},
		{"no args", "OpenSession", ``, true},
		{"null args", "OpenSession", `null`, true},
		{"unknown command", "Explode", `{}`, false},
		{"unknown field", "TurnPage", `{"page":3,"x":1}`, false},
		{"wrong type", "TurnPage", `{"page":"3"}`, false},
		{"trailing data", "TurnPage", `{"page":3}{}`, false},
		{"tally from the wire", "ClosePoll", `{"poll":"v1","Tally":{"for":9}}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := meeting.DecodeCommand(tc.cmd, []byte(tc.args))
			if tc.ok != (err == nil) {
				t.Fatalf("got %v, %v", c, err)
			}
			if err != nil && meeting.ErrorCode(err) != meeting.Invalid {
				t.Fatalf("got %v, want invalid", err)
			}
			if err == nil && c.CommandName() != tc.cmd {
				t.Fatalf("decoded %s", c.CommandName())
			}
		})
	}
}
