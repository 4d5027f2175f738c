package meeting

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Requests with a topic and a kind, registered contributions (tham luận),
// and the speeches that record them (issue 13, part 6).
func TestDecideTopicsAndContributions(t *testing.T) {
	speech := func(i int, who, topic string, kind SpeechKind, contribution string) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			t.Helper()
			if len(s.Floor.Speeches) <= i {
				t.Fatalf("speeches %+v, want #%d", s.Floor.Speeches, i)
			}
			sp := s.Floor.Speeches[i]
			if sp.Participant != who || sp.Topic != topic || sp.Kind != kind || sp.Contribution != contribution {
				t.Fatalf("speech %d %+v, want %s %q %q %q", i, sp, who, topic, kind, contribution)
			}
			if cur := s.Floor.CurrentSpeech(); cur == nil || *cur != sp {
				t.Fatalf("current speech %+v, want %+v", cur, sp)
			}
		}
	}
	request := func(who, topic string, kind SpeechKind) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			t.Helper()
			r, ok := s.Floor.Requests[who]
			if !ok || r.Topic != topic || r.Kind != kind || r.At.IsZero() || !slices.Contains(s.Floor.Queue, who) {
				t.Fatalf("request of %s %+v (%v), queue %v; want %q %q", who, r, ok, s.Floor.Queue, topic, kind)
			}
		}
	}
	contributions := func(ids ...string) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			t.Helper()
			var got []string
			for _, c := range s.Floor.Contributions {
				id := c.ID
				if c.Done {
					id += "✓"
				}
				got = append(got, id)
			}
			if !slices.Equal(got, ids) {
				t.Fatalf("contributions %v, want %v", got, ids)
			}
		}
	}
	ct := func(id, who, topic, item string) AddContribution {
		return AddContribution{Contribution: Contribution{ID: id, Participant: who, Topic: topic, Item: item}}
	}
	budget := "Ý kiến về dự toán ngân sách"
	three := []step{{"sec", ct("c1", "d1", "Phát triển kinh tế số", "i2")}, {"sec", ct("c2", "d2", "Chuyển đổi số trong y tế", "")},
		{"sec", ct("c3", "d3", "Cải cách hành chính", "i2b")}}

	runDecideCases(t, []decideCase{
		// Requests.
		{name: "question with a topic, trimmed", base: inSession, actor: "d1", cmd: RequestFloor{Topic: "  " + budget + " ", Kind: SpeechQuestion},
			want: []string{"FloorRequested"}, check: request("d1", budget, SpeechQuestion)},
		{name: "point of order without topic", base: inSession, actor: "d1", cmd: RequestFloor{Kind: SpeechOrder},
			want: []string{"FloorRequested"}, check: request("d1", "", SpeechOrder)},
		{name: "speech is written as the empty kind", base: inSession, actor: "d1", cmd: RequestFloor{Topic: "Giáo dục", Kind: "speech"},
			want: []string{"FloorRequested"}, check: request("d1", "Giáo dục", SpeechDefault)},
		{name: "200 runes of Vietnamese", base: inSession, actor: "d1", cmd: RequestFloor{Topic: strings.Repeat("ệ", MaxTopicRunes)},
			want: []string{"FloorRequested"}},
		{name: "201 runes", base: inSession, actor: "d1", cmd: RequestFloor{Topic: strings.Repeat("ệ", MaxTopicRunes+1)}, code: Invalid},
		{name: "a line break", base: inSession, actor: "d1", cmd: RequestFloor{Topic: "Ngân sách\nvà đầu tư"}, code: Invalid},
		{name: "a bidi override", base: inSession, actor: "d1", cmd: RequestFloor{Topic: "Ngân sách \u202Ecông"}, code: Invalid},
		{name: "not UTF-8", base: inSession, actor: "d1", cmd: RequestFloor{Topic: "Ng\xffân"}, code: Invalid},
		{name: "unknown kind", base: inSession, actor: "d1", cmd: RequestFloor{Kind: "song"}, code: Invalid},
		{name: "a contribution is not asked for", base: inSession, actor: "d1", cmd: RequestFloor{Kind: SpeechContribution}, code: Invalid},
		{name: "observer with a topic", base: inSession, actor: "obs", cmd: RequestFloor{Topic: budget}, code: Forbidden},
		{name: "bad topic before already queued", base: inSession, prep: []step{{"d1", RequestFloor{}}}, actor: "d1", cmd: RequestFloor{Kind: "x"}, code: Invalid},
		{name: "withdraw drops the request", base: inSession, prep: []step{{"d1", RequestFloor{Topic: budget}}}, actor: "d1", cmd: WithdrawFloor{},
			want: []string{"FloorWithdrawn"}, check: func(t *testing.T, s *State) {
				if len(s.Floor.Requests) != 0 {
					t.Fatalf("requests %v", s.Floor.Requests)
				}
			}},
		{name: "the speech takes the request's topic and kind", base: inSession,
			prep:  []step{{"d1", RequestFloor{Topic: budget, Kind: SpeechQuestion}}, {"d2", RequestFloor{Kind: SpeechOrder}}},
			actor: "chair", cmd: GiveFloor{}, want: []string{"FloorGiven"},
			check: func(t *testing.T, s *State) {
				speech(0, "d1", budget, SpeechQuestion, "")(t, s)
				request("d2", "", SpeechOrder)(t, s)
				if _, ok := s.Floor.Requests["d1"]; ok || len(s.Floor.Requests) != 1 {
					t.Fatalf("requests %v", s.Floor.Requests)
				}
			}},
		{name: "giving to one who did not ask: no topic", base: inSession, actor: "chair", cmd: GiveFloor{Participant: "d3"},
			want: []string{"FloorGiven"}, check: speech(0, "d3", "", SpeechDefault, "")},

		// Contributions.
		{name: "secretary adds in draft", base: draft, actor: "sec", cmd: ct("c1", "d1", " Phát triển kinh tế số ", "i2"),
			want: []string{"ContributionAdded"}, check: func(t *testing.T, s *State) {
				if c := s.Floor.Contribution("c1"); c == nil || c.Topic != "Phát triển kinh tế số" || c.Item != "i2" || c.Done {
					t.Fatalf("contribution %+v", c)
				}
			}},
		{name: "chair adds in session", base: inSession, prep: three, actor: "chair", cmd: ct("c4", "chair", "Kết luận", ""),
			want: []string{"ContributionAdded"}, check: contributions("c1", "c2", "c3", "c4")},
		{name: "a secretary may contribute", base: draft, actor: "sec", cmd: ct("c1", "sec", "Báo cáo tổng hợp", ""), want: []string{"ContributionAdded"}},
		{name: "delegate may not add", base: inSession, actor: "d1", cmd: ct("c1", "d1", "Tự đăng ký", ""), code: Forbidden},
		{name: "unknown participant", base: draft, actor: "sec", cmd: ct("c1", "ghost", "Chủ đề", ""), code: NotFound},
		{name: "an observer", base: draft, actor: "sec", cmd: ct("c1", "obs", "Chủ đề", ""), code: Invalid},
		{name: "no topic", base: draft, actor: "sec", cmd: ct("c1", "d1", "   ", ""), code: Invalid},
		{name: "bad id", base: draft, actor: "sec", cmd: ct("c 1", "d1", "Chủ đề", ""), code: Invalid},
		{name: "unknown item", base: draft, actor: "sec", cmd: ct("c1", "d1", "Chủ đề", "i9"), code: NotFound},
		{name: "id taken", base: draft, prep: three, actor: "sec", cmd: ct("c1", "d4", "Khác", ""), code: Conflict},
		{name: "same speaker, same topic", base: draft, prep: three, actor: "sec", cmd: ct("c9", "d1", "phát triển kinh tế số", ""), code: Conflict},
		{name: "after the close", base: inSession, prep: []step{{"chair", CloseMeeting{}}}, actor: "sec", cmd: ct("c1", "d1", "Chủ đề", ""), code: Conflict},
		{name: "move first to last", base: draft, prep: three, actor: "sec", cmd: MoveContribution{Contribution: "c1", Index: 9},
			want: []string{"ContributionMoved"}, check: contributions("c2", "c3", "c1")},
		{name: "move last to first", base: draft, prep: three, actor: "chair", cmd: MoveContribution{Contribution: "c3", Index: 0},
			want: []string{"ContributionMoved"}, check: contributions("c3", "c1", "c2")},
		{name: "move to where it is", base: draft, prep: three, actor: "sec", cmd: MoveContribution{Contribution: "c3", Index: 5}},
		{name: "move to a negative place", base: draft, prep: three, actor: "sec", cmd: MoveContribution{Contribution: "c3", Index: -1}, code: Invalid},
		{name: "move unknown", base: draft, prep: three, actor: "sec", cmd: MoveContribution{Contribution: "c9"}, code: NotFound},
		{name: "remove", base: draft, prep: three, actor: "sec", cmd: RemoveContribution{Contribution: "c2"},
			want: []string{"ContributionRemoved"}, check: contributions("c1", "c3")},
		{name: "remove unknown", base: draft, actor: "sec", cmd: RemoveContribution{Contribution: "c2"}, code: NotFound},
		{name: "give a contribution", base: inSession, prep: append(slices.Clone(three), step{"d2", RequestFloor{Topic: budget}}),
			actor: "chair", cmd: GiveFloor{Contribution: "c2"}, want: []string{"FloorGiven"},
			check: func(t *testing.T, s *State) {
				speech(0, "d2", "Chuyển đổi số trong y tế", SpeechContribution, "c2")(t, s)
				contributions("c1", "c2✓", "c3")(t, s)
				if len(s.Floor.Queue) != 0 || len(s.Floor.Requests) != 0 {
					t.Fatalf("d2 still queued: %v %v", s.Floor.Queue, s.Floor.Requests)
				}
			}},
		{name: "a contribution's item when none is current", base: inSession, prep: three, actor: "chair", cmd: GiveFloor{Contribution: "c3"},
			want: []string{"FloorGiven"}, check: func(t *testing.T, s *State) {
				if s.Floor.Speeches[0].Item != "i2b" {
					t.Fatalf("speech %+v", s.Floor.Speeches[0])
				}
			}},
		{name: "naming the contribution's speaker too", base: inSession, prep: three, actor: "chair", cmd: GiveFloor{Participant: "d1", Contribution: "c1"},
			want: []string{"FloorGiven"}, check: speech(0, "d1", "Phát triển kinh tế số", SpeechContribution, "c1")},
		{name: "naming another speaker", base: inSession, prep: three, actor: "chair", cmd: GiveFloor{Participant: "d2", Contribution: "c1"}, code: Invalid},
		{name: "give a done one", base: inSession, prep: append(slices.Clone(three), step{"chair", GiveFloor{Contribution: "c1"}}, step{"chair", EndFloor{}}),
			actor: "chair", cmd: GiveFloor{Contribution: "c1"}, code: Conflict},
		{name: "give an unknown one", base: inSession, actor: "chair", cmd: GiveFloor{Contribution: "c1"}, code: NotFound},
		{name: "give one whose speaker speaks", base: inSession, prep: append(slices.Clone(three), step{"chair", GiveFloor{Participant: "d1"}}),
			actor: "chair", cmd: GiveFloor{Contribution: "c1"}, code: Conflict},
		{name: "give a contribution before the session", base: published, prep: three, actor: "chair", cmd: GiveFloor{Contribution: "c1"}, code: Conflict},
		{name: "a delegate gives", base: inSession, prep: three, actor: "d1", cmd: GiveFloor{Contribution: "c1"}, code: Forbidden},
		{name: "remove a done one", base: inSession, prep: append(slices.Clone(three), step{"chair", GiveFloor{Contribution: "c1"}}),
			actor: "sec", cmd: RemoveContribution{Contribution: "c1"}, code: Conflict},
		{name: "removing a participant drops what they have not given", base: inSession,
			prep:  append(slices.Clone(three), step{"sec", ct("c4", "d3", "Lần hai", "")}, step{"chair", GiveFloor{Contribution: "c3"}}, step{"chair", EndFloor{}}, step{"d3", RequestFloor{Topic: budget}}),
			actor: "sec", cmd: RemoveParticipant{Participant: "d3"}, want: []string{"ParticipantRemoved"},
			check: func(t *testing.T, s *State) {
				contributions("c1", "c2", "c3✓")(t, s)
				if len(s.Floor.Requests) != 0 || len(s.Floor.Queue) != 0 {
					t.Fatalf("d3's request stays: %v", s.Floor.Requests)
				}
			}},
		{name: "the close keeps the contributions", base: inSession, prep: append(slices.Clone(three), step{"chair", GiveFloor{Contribution: "c1"}}, step{"d2", RequestFloor{Topic: budget}}),
			actor: "chair", cmd: CloseMeeting{}, want: []string{"MeetingClosed"},
			check: func(t *testing.T, s *State) {
				contributions("c1✓", "c2", "c3")(t, s)
				if len(s.Floor.Requests) != 0 || s.Floor.Speeches[0].To.IsZero() {
					t.Fatalf("floor after the close %+v", s.Floor)
				}
			}},
	})
}

// TestOldFloorEventsFold: a log written before topics (FloorRequested and
// FloorGiven with a participant only) folds as it did, and a plain request
// is written exactly as it was.
func TestOldFloorEventsFold(t *testing.T) {
	l := inSession(t)
	for _, wire := range []string{
		`{"seq":%d,"type":"FloorRequested","at":"2026-12-03T08:00:00Z","actor":"d1","data":{"participant":"d1"}}`,
		`{"seq":%d,"type":"FloorGiven","at":"2026-12-03T08:00:07Z","actor":"chair","data":{"participant":"d1"}}`,
	} {
		var e Event
		if err := json.Unmarshal([]byte(strings.Replace(wire, "%d", jsonInt(l.s.Version+1), 1)), &e); err != nil {
			t.Fatal(err)
		}
		if err := l.s.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	sp := l.s.Floor.Speeches[0]
	if sp.Participant != "d1" || sp.Topic != "" || sp.Kind != SpeechDefault || sp.Contribution != "" || l.s.Floor.Speaker != "d1" {
		t.Fatalf("old floor events folded to %+v", l.s.Floor)
	}
	b, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"participant":"d1","from":"2026-12-03T08:00:07Z"}`; string(b) != want {
		t.Fatalf("an old speech encodes as %s, want %s", b, want)
	}
	evs, err := Decide(l.s, Actor{Participant: "d2"}, RequestFloor{Kind: "speech"}, l.now)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(evs[0].Data); string(b) != `{"participant":"d2"}` {
		t.Fatalf("a plain request is written as %s", b)
	}
}

func jsonInt(n uint64) string { b, _ := json.Marshal(n); return string(b) }
