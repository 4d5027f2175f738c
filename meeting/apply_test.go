package meeting

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// session plays a whole meeting: setup, a session with presentation, floor,
// a named and a secret poll, an adjournment, a resumption and a late
// participant. mid is the log length when the session opened.
func session(tb testing.TB) (l *log, mid int) {
	tb.Helper()
	l = published(tb)
	mid = len(l.events)
	l.run(tb,
		step{"chair", OpenSession{}},
		step{"chair", CheckIn{}}, step{"d1", CheckIn{}}, step{"d2", CheckIn{}}, step{"sec", CheckIn{Participant: "d3"}}, step{"d4", CheckIn{}},
		step{"chair", SetCurrentItem{Item: "i2"}},
		step{"chair", ShowDocument{Document: "doc1"}},
		step{"chair", HandPresentation{To: "d2"}},
		step{"d2", TurnPage{Page: 4}},
		step{"chair", HandPresentation{}},
		step{"d1", RequestFloor{}}, step{"d3", RequestFloor{}}, step{"d4", RequestFloor{}},
		step{"d3", WithdrawFloor{}},
		step{"chair", GiveFloor{}},
		step{"d1", EndFloor{}},
		step{"chair", OpenPoll{Poll: "v1"}},
		step{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}},
		step{"d2", CastBallot{Poll: "v1", Choice: "against", BallotID: "b2"}},
		step{"chair", CastBallot{Poll: "v1", Choice: "for", BallotID: "b3"}},
		step{"chair", ClosePoll{Poll: "v1", Tally: Tally{"for": 2, "against": 1}}},
		step{"chair", Adjourn{}},
		step{"sec", AddParticipant{Participant: Participant{ID: "d5", Name: "Lý Thị Mai", Role: RoleDelegate, Room: "r2"}}},
		step{"chair", OpenSession{}},
		step{"d5", CheckIn{}},
		step{"chair", OpenPoll{Poll: "s1"}},
		step{"d1", CastBallot{Poll: "s1", Choice: "for", BallotID: "b4"}},
		step{"d5", CastBallot{Poll: "s1", Choice: "against", BallotID: "b5"}},
		step{"d4", CastBallot{Poll: "s1", Choice: "for", BallotID: "b6"}},
		step{"chair", ClosePoll{Poll: "s1", Tally: Tally{"for": 2, "against": 1}}},
		step{"sec", CreatePoll{Poll: Poll{ID: "v2", Question: "Thông qua biên bản", Choices: []Choice{{ID: "yes", Label: "Đồng ý"}, {ID: "no", Label: "Không đồng ý"}}}}},
		step{"chair", OpenPoll{Poll: "v2"}},
		step{"d2", CastBallot{Poll: "v2", Choice: "yes", BallotID: "b7"}},
		step{"d2", CheckOut{}},
		step{"chair", GiveFloor{Participant: "d4"}},
	)
	return l, mid
}

func TestEventJSONRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 3, 8, 15, 0, 0, time.UTC)
	samples := []EventData{
		MeetingCreated{ID: "m1", Title: "Hội nghị", StartsAt: at, Place: "Hà Nội", Rooms: []Room{{ID: "main", Name: "Hội trường", Main: true}},
			Secretary: Participant{ID: "sec", Name: "Thư ký", Role: RoleSecretary, Room: "main", Seat: "B1", Title: "Chánh Văn phòng"}},
		MeetingUpdated{Title: "Hội nghị mới", StartsAt: at, Place: "Huế"},
		RoomAdded{Room: Room{ID: "r2", Name: "Điểm cầu"}},
		ParticipantAdded{Participant: Participant{ID: "d1", Name: "Đại biểu", Role: RoleDelegate, Room: "r2"}},
		ParticipantUpdated{Participant: Participant{ID: "d1", Name: "Đại biểu", Title: "Giám đốc Sở", Role: RoleObserver, Room: "r2", Seat: "B2"}},
		ParticipantRemoved{Participant: "d1"},
		SessionsRevoked{Participant: "d1", Session: "0123abcd"},
		AgendaItemAdded{Item: Item{ID: "i1", Parent: "i0", Title: "Mục", Presenter: "d1", Documents: []string{"doc1"}, Proposals: []string{"pr1"}}},
		AgendaItemMoved{Item: "i1", Index: 3},
		DocumentAdded{Document: Document{ID: "doc1", Title: "Tài liệu", Pages: 7, SHA256: sha, Size: 12345, Confidential: true, Readers: []string{"d1"}}},
		DocumentAttached{Item: "i1", Document: "doc1"},
		ProposalAdded{Proposal: Proposal{ID: "pr1", Title: "Tờ trình", Text: "Nội dung", Documents: []string{"doc1"}, Status: ProposalDraft}, Item: "i1"},
		MeetingPublished{},
		SessionOpened{},
		SessionAdjourned{},
		MeetingClosed{},
		MeetingArchived{Archive: sha, Events: 41, LastHash: sha},
		CurrentItemSet{Item: "i1"},
		DocumentShown{Document: "doc1", Page: 2},
		PageTurned{Document: "doc1", Page: 3},
		PresentationHanded{To: "d1"},
		PollCreated{Poll: Poll{ID: "v1", Question: "Đồng ý?", Proposal: "pr1", Choices: DefaultChoices(), Secret: true,
			Rule: Rule{Base: BaseMembers, Threshold: TwoThirds, QuorumPercent: 50}, Status: PollReady}},
		PollOpened{Poll: "v1"},
		BallotCast{Poll: "v1", Voter: "d1", Choice: "for"},
		PollClosed{Poll: "v1", Result: Result{Counts: map[string]int{"for": 1, "against": 0}, Cast: 1, Members: 3, Present: 2, Base: 3, QuorumOK: true},
			Voters: map[string]string{"d1": "for"}},
		FloorRequested{Participant: "d1", Topic: "Ý kiến về dự toán ngân sách", Kind: SpeechQuestion},
		FloorWithdrawn{Participant: "d1"},
		FloorGiven{Participant: "d1"},
		FloorEnded{Participant: "d1"},
		ContributionAdded{Contribution: Contribution{ID: "c1", Participant: "d1", Topic: "Phát triển kinh tế số", Item: "i1"}},
		ContributionMoved{Contribution: "c1", Index: 2},
		ContributionRemoved{Contribution: "c1"},
		CheckedIn{Participant: "d1"},
		CheckedOut{Participant: "d1"},
		AnnotationSaved{Owner: "d1", Shared: true, Annotation: Annotation{ID: "a1", Document: "doc1", Page: 2, Kind: AnnotationInk,
			Color: "#C00000", Rect: [4]float64{0.1, 0.2, 0.3, 0.4}, Points: [][2]float64{{0.1, 0.2}, {0.3, 0.4}}}},
		AnnotationDeleted{Owner: "d1", Shared: true, Document: "doc1", ID: "a1"},
		RoomFollowing{Room: "r2", Follow: true},
		RoomShown{Room: "r2", Document: "doc1", Page: 4},
		ElectionCreated{Election: Election{ID: "bch", Title: "Bầu Ban Chấp hành", Kind: KindElection, Seats: 2, Base: BaseConvened,
			Candidates: []Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh", BirthYear: 1970, Position: "Phó Chủ tịch", CV: "doc1", Participant: "d1"}, {ID: "c2", Name: "Lê Thị Bình"}},
			PaperRooms: []string{"r2"}, Approval: "bch-approval"}},
		ElectionUpdated{Election: Election{ID: "bch", Title: "Bầu Ban Chấp hành khóa XVI", Kind: KindElection, Seats: 1, Base: BaseOfficial,
			Candidates: []Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh"}}, Approval: "bch-approval", Approved: true}},
		AbsenceExcused{Participant: "d1", Reason: "Đi công tác"},
		AbsenceMarked{Participant: "d1", Reason: "Ốm", Approved: true, During: true},
		DraftOpened{Document: "doc1", Deadline: time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC), Visibility: DraftPrivate, Team: []string{"d2"}},
		DraftVersionAdded{Draft: "doc1", Document: "doc3", Version: 2},
		DraftClosed{Draft: "doc1"},
		DraftCommented{Comment: DraftComment{ID: "y1", Draft: "doc1", Document: "doc1", Page: 2, Rect: &[4]float64{0.1, 0.2, 0.5, 0.3},
			Quote: "tăng 7,8%", Text: "Đề nghị làm rõ cơ sở số liệu", Author: "d1", At: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Shared: true}},
		DraftCommentEdited{Draft: "doc1", Comment: "y1", Text: "Đề nghị làm rõ cơ sở số liệu năm 2026"},
		SubstituteSeated{Participant: "obs", For: "d1"},
		AttendanceRulesSet{Rules: AttendanceRules{SubstitutesVote: true, ExcusedOffBase: true}},
		PaperBallotEntered{Poll: "bch-r1", Room: "r2", Sheet: 17, Member: "d3", Marks: "10"},
		PaperBallotResolved{Poll: "bch-r1", Room: "r2", Sheet: 17, Marks: "01"},
		ElectionApproved{Election: "bch", Poll: "bch-approval"},
		CommitteeElected{Poll: "bkp", Members: []string{"d3", "d4"}},
		RecordIssued{Record: "minutes/vi", SHA256: sha, Size: 1000},
		RecordSigned{Record: "minutes/vi", Prev: sha, SHA256: sha2, Size: 9000, Signer: "Trần Văn Quang", Level: "B-T", Where: "token"},
		SecrecyRulesSet{Level: ToiMat, Rules: LevelRules{Watermark: true, Offline: true, LinkedDisplays: true}},
		DocumentLevelSet{Document: "doc1", Level: TuyetMat},
		DocumentTakenBack{Document: "doc1", Reason: TakeBackBySecretary},
		RoomDisplayAllowed{Document: "doc1", Allow: true},
		CopyServed{Participant: "d1", Device: "tab-1", Document: "doc1", Version: sha, Level: Mat, Kind: CopyView, Watermark: "0123456789abcdef",
			WatermarkText: "TÀI LIỆU MẬT — Đại biểu Nguyễn Thị Hương — 03/12/2026"},
		CopiesDeleted{Participant: "d1", Device: "tab-1", Documents: []string{"doc1", "doc2"}, Copies: 3},
		PollClosed{Poll: "bch-r1", Result: Result{Counts: map[string]int{"ballot": 2}, Cast: 2, Base: 5, Passed: false,
			Election: &ElectionResult{Election: "bch", Round: 1, Kind: KindElection, Style: StyleStrike, Seats: 1, BaseKind: BaseConvened, Base: 5,
				Issued: 3, Returned: 3, Valid: 2, Invalid: 1, Rooms: []RoomCount{{Room: "main", Issued: 2, Returned: 2}, {Room: "r2", Paper: true, Issued: 1, Returned: 1}},
				Candidates: []CandidateResult{{ID: "c1", Votes: 2, Share: 40}, {ID: "c2", Levels: map[string]int{LevelHigh: 1}, Shares: map[string]float64{LevelHigh: 33.33}}},
				NextRound:  &NextRound{Reason: NextShort, Candidates: []string{"c1", "c2"}, Seats: 1}}}},
	}
	seen := map[string]bool{}
	for i, d := range samples {
		t.Run(d.EventType(), func(t *testing.T) {
			seen[d.EventType()] = true
			e := Event{Seq: uint64(i + 1), At: at, Actor: "sec", Data: d}
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("encoding: %v", err)
			}
			if !bytes.Contains(b, []byte(`"type":"`+d.EventType()+`"`)) {
				t.Fatalf("wire form %s lacks its type", b)
			}
			var got Event
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("decoding %s: %v", b, err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Fatalf("round trip:\n got  %#v\n want %#v", got, e)
			}
		})
	}
	for name := range eventTypes {
		if !seen[name] {
			t.Errorf("no round-trip sample of %s", name)
		}
	}
}

func TestEventJSONRefuses(t *testing.T) {
	if _, err := json.Marshal(Event{Seq: 1}); err == nil {
		t.Error("an event without data was encoded")
	}
	for _, in := range []string{
		`{"seq":1,"type":"Nonsense","at":"2026-12-03T08:00:00Z"}`,
		`{"seq":1,"at":"2026-12-03T08:00:00Z"}`,
		`{"seq":1,"type":"PageTurned","data":{"page":"two"}}`,
		`[1,2]`,
	} {
		var e Event
		if err := json.Unmarshal([]byte(in), &e); err == nil {
			t.Errorf("decoded %s into %#v", in, e)
		}
	}
	var e Event
	if err := json.Unmarshal([]byte(`{"seq":4,"type":"Publish","at":"2026-12-03T08:00:00Z"}`), &e); err == nil {
		t.Error("a command name was decoded as an event")
	}
	if err := json.Unmarshal([]byte(`{"seq":4,"type":"MeetingPublished","at":"2026-12-03T08:00:00Z","data":null}`), &e); err != nil || e.Type() != "MeetingPublished" {
		t.Errorf("null data: %v, %#v", err, e)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	l, _ := session(t)
	b := mustJSON(t, l.s)
	var got State
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if !bytes.Equal(mustJSON(t, &got), b) {
		t.Fatalf("round trip differs:\n got  %s\n want %s", mustJSON(t, &got), b)
	}
	// A decoded snapshot folds on like the original.
	evs, err := Decide(&got, Actor{Participant: "chair"}, EndFloor{}, l.now)
	if err != nil {
		t.Fatalf("deciding on a decoded state: %v", err)
	}
	if err := got.Apply(evs[0]); err != nil {
		t.Fatalf("applying on a decoded state: %v", err)
	}
	// Even an empty snapshot has usable maps.
	var empty State
	if err := json.Unmarshal([]byte(`{}`), &empty); err != nil {
		t.Fatal(err)
	}
	if empty.Participants == nil || empty.Documents == nil || empty.Proposals == nil || empty.Polls == nil {
		t.Fatalf("maps missing: %+v", empty)
	}
}

func TestReplay(t *testing.T) {
	l, _ := session(t)
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
	// Replaying the wire form gives the same state too.
	var wire []Event
	if err := json.Unmarshal(mustJSON(t, l.events), &wire); err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	sameJSON(t, "state replayed from JSON", replay(t, wire), l.s)
	// A zero State folds like NewState.
	var zero State
	for _, e := range l.events {
		if err := zero.Apply(e); err != nil {
			t.Fatalf("zero state: %v", err)
		}
	}
	sameJSON(t, "state folded from zero", &zero, l.s)
}

func TestClone(t *testing.T) {
	l, _ := session(t)
	c := l.s.Clone()
	sameJSON(t, "clone", c, l.s)
	before := mustJSON(t, l.s)
	// Change everything reachable in the clone; the original must not move.
	c.Rooms[0].Name = "x"
	c.Order[0] = "x"
	c.PollOrder[0] = "x"
	c.Floor.Queue = append(c.Floor.Queue[:0], "x")
	c.Agenda[1].Documents[0] = "x"
	c.Participants["d1"].Name = "x"
	c.Documents["doc2"].Readers[0] = "x"
	c.Proposals["pr1"].Status = ProposalDraft
	c.Polls["v1"].Voters["d1"] = "x"
	c.Polls["v1"].Result.Counts["for"] = 99
	c.Polls["v1"].Choices[0].Label = "x"
	if !bytes.Equal(before, mustJSON(t, l.s)) {
		t.Fatal("changing the clone changed the original")
	}
}

func TestApplyRefuses(t *testing.T) {
	l, _ := session(t) // in session, v2 open, d2 voted in it and checked out, d4 speaking
	next := l.s.Version + 1
	ev := func(d EventData) Event { return Event{Seq: next, At: l.now, Actor: "chair", Data: d} }
	tests := []struct {
		name string
		e    Event
	}{
		{"seq repeated", Event{Seq: l.s.Version, At: l.now, Data: SessionAdjourned{}}},
		{"seq skipped", Event{Seq: next + 1, At: l.now, Data: FloorEnded{Participant: "d4"}}},
		{"no data", Event{Seq: next}},
		{"meeting created twice", ev(MeetingCreated{ID: "m2", Rooms: []Room{{ID: "a"}}, Secretary: Participant{ID: "s"}})},
		{"check in unknown", ev(CheckedIn{Participant: "ghost"})},
		{"check in nobody", ev(CheckedIn{})},
		{"floor to unknown", ev(FloorGiven{Participant: "ghost"})},
		{"end floor of another", ev(FloorEnded{Participant: "d1"})},
		{"withdraw unqueued", ev(FloorWithdrawn{Participant: "d1"})},
		{"participant twice", ev(ParticipantAdded{Participant: Participant{ID: "d1", Name: "x", Role: RoleDelegate, Room: "main"}})},
		{"participant in unknown room", ev(ParticipantAdded{Participant: Participant{ID: "d9", Name: "x", Role: RoleDelegate, Room: "r9"}})},
		{"remove unknown", ev(ParticipantRemoved{Participant: "ghost"})},
		{"update unknown", ev(ParticipantUpdated{Participant: Participant{ID: "ghost", Name: "x", Role: RoleDelegate, Room: "main"}})},
		{"update into unknown room", ev(ParticipantUpdated{Participant: Participant{ID: "d1", Name: "x", Role: RoleDelegate, Room: "r9"}})},
		{"update across views", ev(ParticipantUpdated{Participant: Participant{ID: "d1", Name: "x", Role: RoleChair, Room: "main"}})},
		{"room twice", ev(RoomAdded{Room: Room{ID: "main"}})},
		{"item under sub-item", ev(AgendaItemAdded{Item: Item{ID: "x", Parent: "i2a"}})},
		{"move unknown item", ev(AgendaItemMoved{Item: "x"})},
		{"attach twice", ev(DocumentAttached{Item: "i2", Document: "doc1"})},
		{"page beyond", ev(PageTurned{Document: "doc1", Page: 11})},
		{"unknown document shown", ev(DocumentShown{Document: "x", Page: 1})},
		{"hand to unknown", ev(PresentationHanded{To: "ghost"})},
		{"poll twice", ev(PollCreated{Poll: Poll{ID: "v1", Choices: DefaultChoices()}})},
		{"second open poll", ev(PollOpened{Poll: "s1"})},
		{"ballot twice", ev(BallotCast{Poll: "v2", Voter: "d2", Choice: "no"})},
		{"ballot in closed poll", ev(BallotCast{Poll: "v1", Voter: "d3", Choice: "for"})},
		{"ballot by observer", ev(BallotCast{Poll: "v2", Voter: "obs", Choice: "yes"})},
		{"ballot by unknown", ev(BallotCast{Poll: "v2", Voter: "ghost", Choice: "yes"})},
		{"ballot with unknown choice", ev(BallotCast{Poll: "v2", Voter: "d1", Choice: "for"})},
		{"close with unknown choice", ev(PollClosed{Poll: "v2", Result: Result{Counts: map[string]int{"for": 1}}})},
		{"close with other voters", ev(PollClosed{Poll: "v2", Voters: map[string]string{"d1": "yes"}})},
		{"close a closed poll", ev(PollClosed{Poll: "v1"})},
		{"publish again", ev(MeetingPublished{})},
		{"open again", ev(SessionOpened{})},
		{"adjourn with open poll", ev(SessionAdjourned{})},
		{"close with open poll", ev(MeetingClosed{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := l.s.Clone()
			before := mustJSON(t, s)
			if err := s.Apply(tt.e); err == nil {
				t.Fatal("applied")
			}
			if !bytes.Equal(before, mustJSON(t, s)) {
				t.Fatal("a refused event changed the state")
			}
		})
	}

	t.Run("nothing after the close", func(t *testing.T) {
		l := inSession(t)
		l.run(t, step{"chair", CloseMeeting{}})
		if err := l.s.Apply(Event{Seq: l.s.Version + 1, Data: CheckedOut{Participant: "d1"}}); err == nil {
			t.Fatal("applied an event after the close")
		}
	})
	t.Run("secretary outside the rooms", func(t *testing.T) {
		e := Event{Seq: 1, Data: MeetingCreated{ID: "m", Rooms: []Room{{ID: "a"}}, Secretary: Participant{ID: "s", Room: "b"}}}
		if err := NewState().Apply(e); err == nil {
			t.Fatal("applied a meeting whose secretary sits nowhere")
		}
	})
	t.Run("nothing before the creation", func(t *testing.T) {
		if err := NewState().Apply(Event{Seq: 1, Data: MeetingPublished{}}); err == nil {
			t.Fatal("applied an event to no meeting")
		}
	})
}

func TestFollow(t *testing.T) {
	l, _ := session(t)
	s := replay(t, l.events[:10])
	if err := s.Follow(l.events[9]); err == nil {
		t.Fatal("followed an event already folded")
	}
	// A gap is fine for Follow (not for Apply).
	gap := l.events[10]
	gap.Seq += 5
	if err := s.Clone().Apply(gap); err == nil {
		t.Fatal("Apply accepted a gap")
	}
	if err := s.Follow(gap); err != nil || s.Version != gap.Seq {
		t.Fatalf("Follow refused a gap: %v (version %d)", err, s.Version)
	}
}

func TestVisible(t *testing.T) {
	l, _ := session(t)
	ballot := Event{Seq: 99, Data: BallotCast{Poll: "v2", Voter: "d2", Choice: "yes"}}
	other := Event{Seq: 99, Data: PageTurned{Document: "doc1", Page: 2}}
	tests := []struct {
		viewer        string
		ballot, other bool
	}{
		{"d2", true, true},
		{"d1", false, true},
		{"obs", false, true},
		{"chair", true, true},
		{"sec", true, true},
		{"ghost", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.viewer, func(t *testing.T) {
			if got := Visible(l.s, ballot, tt.viewer); got != tt.ballot {
				t.Errorf("ballot visible %v, want %v", got, tt.ballot)
			}
			if got := Visible(l.s, other, tt.viewer); got != tt.other {
				t.Errorf("page turn visible %v, want %v", got, tt.other)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	l, _ := session(t)
	res := Result{Counts: map[string]int{"for": 1, "against": 1}, Cast: 2}
	named := Event{Seq: 99, Data: PollClosed{Poll: "v1", Result: res, Voters: map[string]string{"d1": "for", "d2": "against"}}}
	noVoters := Event{Seq: 99, Data: PollClosed{Poll: "v1", Result: res}}
	turn := Event{Seq: 99, Data: PageTurned{Document: "doc1", Page: 2}}
	tests := []struct {
		name     string
		ev       Event
		viewer   string
		redacted bool
	}{
		{"the chair gets the names", named, "chair", false},
		{"a secretary gets the names", named, "sec", false},
		{"a voter gets the result alone", named, "d1", true},
		{"a delegate who did not vote", named, "d3", true},
		{"an observer", named, "obs", true},
		{"a PollClosed without voters is left alone", noVoters, "d1", false},
		{"other events are left alone", turn, "d1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustJSON(t, tt.ev)
			got, redacted := Redact(l.s, tt.ev, tt.viewer)
			if redacted != tt.redacted {
				t.Fatalf("redacted %v, want %v", redacted, tt.redacted)
			}
			if !bytes.Equal(before, mustJSON(t, tt.ev)) {
				t.Fatal("Redact changed its argument")
			}
			if !redacted {
				if !bytes.Equal(mustJSON(t, got), before) {
					t.Errorf("an event left alone changed: %s", mustJSON(t, got))
				}
				return
			}
			d := got.Data.(PollClosed)
			if d.Voters != nil || d.Poll != "v1" || d.Result.Cast != 2 || d.Result.Counts["for"] != 1 || got.Seq != 99 {
				t.Errorf("redacted to %+v", got)
			}
		})
	}
}

func TestViewFor(t *testing.T) {
	l, _ := session(t)
	l.run(t, step{"d1", CastBallot{Poll: "v2", Choice: "no", BallotID: "b8"}})
	before := mustJSON(t, l.s)
	all1 := map[string]string{"chair": "for", "d1": "for", "d2": "against"}
	allS := map[string]string{"d1": "", "d4": "", "d5": ""}
	tests := []struct {
		viewer string
		v2     map[string]string // voters of the open poll that the viewer sees
		v1     map[string]string // of the closed named poll
		s1     map[string]string // of the closed secret poll
	}{
		{"chair", map[string]string{"d1": "no", "d2": "yes"}, all1, allS},
		{"sec", map[string]string{"d1": "no", "d2": "yes"}, all1, allS},
		{"d1", map[string]string{"d1": "no"}, map[string]string{"d1": "for"}, map[string]string{"d1": ""}},
		{"d2", map[string]string{"d2": "yes"}, map[string]string{"d2": "against"}, nil},
		{"d4", nil, nil, map[string]string{"d4": ""}},
		{"d3", nil, nil, nil},
		{"obs", nil, nil, nil},
		{"ghost", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.viewer, func(t *testing.T) {
			v := l.s.ViewFor(tt.viewer)
			if !reflect.DeepEqual(v.Polls["v2"].Voters, tt.v2) {
				t.Errorf("open poll voters %v, want %v", v.Polls["v2"].Voters, tt.v2)
			}
			// Closed polls show the chair and secretaries their record
			// (named with choices, secret without); a delegate their own
			// ballot only, as the redacted PollClosed leaves them.
			if got := v.Polls["v1"].Voters; !reflect.DeepEqual(got, tt.v1) {
				t.Errorf("closed named poll voters %v, want %v", got, tt.v1)
			}
			if got := v.Polls["s1"].Voters; !reflect.DeepEqual(got, tt.s1) {
				t.Errorf("closed secret poll voters %v, want %v", got, tt.s1)
			}
			if v.Polls["v1"].Result == nil || v.Polls["v1"].Result.Cast != 3 {
				t.Errorf("closed named poll result %+v: everyone sees the counts", v.Polls["v1"].Result)
			}
			if v.Version != l.s.Version || len(v.Participants) != len(l.s.Participants) {
				t.Errorf("view lost more than ballots: version %d, %d participants", v.Version, len(v.Participants))
			}
		})
	}
	if !bytes.Equal(before, mustJSON(t, l.s)) {
		t.Fatal("ViewFor changed the state")
	}
}

// TestFollowMatchesViewFor checks that a participant who starts from a
// filtered snapshot and follows the events Visible to them, redacted,
// ends with what
// ViewFor shows them of the final state.
func TestFollowMatchesViewFor(t *testing.T) {
	l, mid := session(t)
	for _, viewer := range []string{"sec", "chair", "d1", "d2", "d3", "d4", "obs"} {
		t.Run(viewer, func(t *testing.T) {
			full := replay(t, l.events[:mid])
			mine := followView(full, viewer)
			for _, e := range l.events[mid:] {
				if err := full.Apply(e); err != nil {
					t.Fatal(err)
				}
				if !Visible(full, e, viewer) {
					continue
				}
				e, _ := Redact(full, e, viewer)
				if err := mine.Follow(e); err != nil {
					t.Fatalf("following %d (%s): %v", e.Seq, e.Type(), err)
				}
			}
			want := followView(full, viewer)
			syncLean(mine, want)
			want.Version = mine.Version // the last events may be others' ballots
			sameJSON(t, "followed state", mine, want)
		})
	}
}
