package meeting_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

// fuzzActors are the people commands come from: every role, a stranger.
var fuzzActors = []string{"sec", "chair", "d1", "d2", "d3", "obs", "ghost"}

// fuzzCommand turns three bytes into a command with arguments drawn from
// small sets, so that random sequences often hit the interesting states.
func fuzzCommand(op, a, b byte) meeting.Command {
	polls := []string{"v1", "s1", "v2", "zz"}
	choices := []string{"for", "against", "abstain", "nope"}
	people := []string{"", "d1", "d2", "d3", "obs", "chair", "sec", "ghost"}
	items := []string{"i1", "i2", "i3", "x"}
	pick := func(list []string, x byte) string { return list[int(x)%len(list)] }
	switch op % 24 {
	case 0:
		return meeting.OpenSession{}
	case 1:
		return meeting.Adjourn{}
	case 2:
		return meeting.SetCurrentItem{Item: pick(items, a)}
	case 3:
		return meeting.ShowDocument{Document: pick([]string{"doc1", "doc2"}, a), Page: int(b % 14)}
	case 4, 5:
		return meeting.TurnPage{Page: int(a%14) - 1}
	case 6:
		return meeting.HandPresentation{To: pick(people, a)}
	case 7:
		return meeting.OpenPoll{Poll: pick(polls, a)}
	case 8:
		return meeting.ClosePoll{Poll: pick(polls, a)} // the harness fills the tally
	case 9, 10, 11, 12:
		return meeting.CastBallot{Poll: pick(polls, a), Choice: pick(choices, b), BallotID: fmt.Sprint(a, b)}
	case 13:
		return meeting.RequestFloor{}
	case 14:
		return meeting.WithdrawFloor{}
	case 15:
		return meeting.GiveFloor{Participant: pick(people, a)}
	case 16:
		return meeting.EndFloor{}
	case 17:
		return meeting.CheckIn{Participant: pick(people, a)}
	case 18:
		return meeting.CheckOut{Participant: pick(people, a)}
	case 19:
		return meeting.CreatePoll{Poll: meeting.Poll{ID: pick(polls, a), Question: "Q", Secret: b%2 == 0,
			Rule: meeting.Rule{Base: meeting.Base(pick([]string{"cast", "present", "members", "x"}, b)), Threshold: meeting.Absolute}}}
	case 20:
		return meeting.RemoveParticipant{Participant: pick(people, a)}
	case 21:
		return meeting.AddParticipant{Participant: meeting.Participant{ID: pick(people, a), Name: "Tên", Role: meeting.Role(pick([]string{"delegate", "chair", "observer", "king"}, b)), Room: "main"}}
	case 22:
		return meeting.CloseMeeting{}
	default:
		return meeting.MoveAgendaItem{Item: pick(items, a), Index: int(b % 5)}
	}
}

// FuzzCommands runs random command sequences from random actors against
// the small meeting and checks the invariants after every step: seqs are
// contiguous, a voter counts at most once per poll, a result counts exactly
// the accepted ballots, a refused command changes nothing, and replaying the
// events rebuilds the same state.
func FuzzCommands(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 17, 0, 2, 17, 1, 0, 7, 0, 0, 2, 9, 0, 0, 3, 9, 1, 1, 2, 8, 0, 0})
	f.Add([]byte{0, 1, 0, 1, 19, 1, 0, 1, 17, 0, 0, 1, 7, 1, 0, 2, 9, 1, 2, 3, 9, 1, 2, 3, 10, 1, 0, 1, 8, 1, 0})
	f.Add([]byte{0, 1, 0, 1, 3, 0, 5, 1, 4, 7, 0, 1, 6, 2, 0, 3, 4, 9, 0, 1, 13, 0, 0, 4, 13, 0, 0, 1, 15, 0, 0, 1, 22, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := meeting.NewState()
		var log []meeting.Event
		now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
		run := func(who string, cmd meeting.Command) ([]meeting.Event, error) {
			before, _ := json.Marshal(s)
			evs, err := meeting.Decide(s, meeting.Actor{Participant: who}, cmd, now)
			if err != nil {
				if evs != nil {
					t.Fatalf("%s %s refused with events", who, cmd.CommandName())
				}
				if meeting.ErrorCode(err) == meeting.Internal {
					t.Fatalf("%s %s: internal error: %v", who, cmd.CommandName(), err)
				}
			}
			if after, _ := json.Marshal(s); string(after) != string(before) {
				t.Fatalf("Decide changed the state (%s %s)", who, cmd.CommandName())
			}
			for _, ev := range evs {
				if ev.Seq != s.Version+1 {
					t.Fatalf("event seq %d after %d", ev.Seq, s.Version)
				}
				if err := s.Apply(ev); err != nil {
					t.Fatalf("applying %s from %s: %v", ev.Type(), cmd.CommandName(), err)
				}
				log = append(log, ev)
			}
			return evs, err
		}
		for _, c := range meetingtest.SmallMeeting("m1") {
			if _, err := run("sec", c); err != nil {
				t.Fatal(err)
			}
		}
		// The harness is the ballot box: it remembers each accepted
		// ballot's choice, which a secret poll's events do not carry.
		box := map[string]map[string]string{}
		for i := 0; i+3 < len(data) && i < 4*300; i += 4 {
			who := fuzzActors[int(data[i])%len(fuzzActors)]
			cmd := fuzzCommand(data[i+1], data[i+2], data[i+3])
			switch c := cmd.(type) {
			case meeting.ClosePoll:
				t := meeting.Tally{}
				for _, choice := range box[c.Poll] {
					t[choice]++
				}
				c.Tally = t
				cmd = c
			}
			evs, err := run(who, cmd)
			if c, ok := cmd.(meeting.CastBallot); ok && err == nil {
				if box[c.Poll] == nil {
					box[c.Poll] = map[string]string{}
				}
				if _, twice := box[c.Poll][who]; twice {
					t.Fatalf("%s voted twice in %s", who, c.Poll)
				}
				box[c.Poll][who] = c.Choice
				if len(evs) != 1 {
					t.Fatalf("a ballot made %d events", len(evs))
				}
			}
		}
		// Every closed poll counts exactly the accepted ballots.
		for id, p := range s.Polls {
			if p.Result == nil {
				continue
			}
			counts := map[string]int{}
			for _, choice := range box[id] {
				counts[choice]++
			}
			total := 0
			for _, ch := range p.Choices {
				if p.Result.Counts[ch.ID] != counts[ch.ID] {
					t.Fatalf("poll %s: %s counted %d, accepted %d", id, ch.ID, p.Result.Counts[ch.ID], counts[ch.ID])
				}
				total += counts[ch.ID]
			}
			if p.Result.Cast != total || len(p.Voters) != total {
				t.Fatalf("poll %s: cast %d, voters %d, accepted %d", id, p.Result.Cast, len(p.Voters), total)
			}
		}
		// The log replays into the same state, through its JSON form.
		replay := meeting.NewState()
		for i, ev := range log {
			if ev.Seq != uint64(i+1) {
				t.Fatalf("log position %d has seq %d", i, ev.Seq)
			}
			b, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			var back meeting.Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if err := replay.Apply(back); err != nil {
				t.Fatal(err)
			}
		}
		want, _ := json.Marshal(s)
		got, _ := json.Marshal(replay)
		if string(want) != string(got) {
			t.Fatalf("replay differs")
		}
	})
}

// FuzzDecodeCommand feeds arbitrary names and arguments to the decoder that
// reads commands off the wire: it never panics, and it refuses with Invalid.
func FuzzDecodeCommand(f *testing.F) {
	f.Add("TurnPage", []byte(`{"page":5}`))
	f.Add("CastBallot", []byte(`{"poll":"v1","choice":"for","ballot_id":"x"}`))
	f.Add("CreatePoll", []byte(`{"poll":{"id":"v","question":"q","choices":[{"id":"a","label":"A"}]}}`))
	f.Add("ClosePoll", []byte(`{"poll":"v1","Tally":{"for":1}}`))
	f.Add("Nope", []byte(`[]`))
	f.Fuzz(func(t *testing.T, name string, args []byte) {
		c, err := meeting.DecodeCommand(name, args)
		if err != nil {
			if meeting.ErrorCode(err) != meeting.Invalid {
				t.Fatalf("refusal with code %s", meeting.ErrorCode(err))
			}
			return
		}
		if c.CommandName() != name {
			t.Fatalf("decoded %s as %s", name, c.CommandName())
		}
		if cp, ok := c.(meeting.ClosePoll); ok && cp.Tally != nil {
			t.Fatal("a tally came from the wire")
		}
	})
}
