package meeting

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// decideCase is one command against a fixture: accepted with the events
// named in want (none when want is empty and code is ""), or refused with
// code.
type decideCase struct {
	name  string
	base  func(testing.TB) *log
	prep  []step
	actor string
	cmd   Command
	code  Code
	want  []string
	check func(t *testing.T, s *State)
}

func runDecideCases(t *testing.T, cases []decideCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog()
			if tc.base != nil {
				l = tc.base(t)
			}
			l.run(t, tc.prep...)
			before := mustJSON(t, l.s)
			now := l.now.Add(time.Minute)
			evs, err := Decide(l.s, Actor{Participant: tc.actor}, tc.cmd, now)
			if !bytes.Equal(before, mustJSON(t, l.s)) {
				t.Fatal("Decide changed the state")
			}
			if tc.code != "" {
				if err == nil {
					t.Fatalf("accepted with %d events, want %s", len(evs), tc.code)
				}
				if e := asError(t, err); e.Code != tc.code {
					t.Fatalf("code %s (%s / %s), want %s", e.Code, e.Message, e.MessageVI, tc.code)
				}
				if evs != nil {
					t.Fatalf("a refusal returned %d events", len(evs))
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			var got []string
			for i, e := range evs {
				got = append(got, e.Type())
				if e.Seq != l.s.Version+uint64(i)+1 || !e.At.Equal(now) || e.Actor != tc.actor {
					t.Fatalf("event %d: seq %d at %v by %q; want seq %d at %v by %q", i, e.Seq, e.At, e.Actor, l.s.Version+uint64(i)+1, now, tc.actor)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("events %v, want %v", got, tc.want)
			}
			for _, e := range evs {
				if err := l.s.Apply(e); err != nil {
					t.Fatalf("applying %s: %v", e.Type(), err)
				}
			}
			if tc.check != nil {
				tc.check(t, l.s)
			}
		})
	}
}

func TestDecideCreateMeeting(t *testing.T) {
	rooms := []Room{{ID: "main", Name: "Hội trường"}, {ID: "r2", Name: "Phòng 2"}}
	sec := Participant{ID: "sec", Name: "Thư ký"}
	create := func(mut func(*CreateMeeting)) CreateMeeting {
		c := CreateMeeting{ID: "m1", Title: "Hội nghị", Rooms: slices.Clone(rooms), Secretary: sec}
		if mut != nil {
			mut(&c)
		}
		return c
	}
	runDecideCases(t, []decideCase{
		{name: "ok", actor: "sec", cmd: create(nil), want: []string{"MeetingCreated"},
			check: func(t *testing.T, s *State) {
				p := s.Participant("sec")
				if s.Status != StatusDraft || p == nil || p.Role != RoleSecretary || p.Room != "main" || !s.Rooms[0].Main || s.Rooms[1].Main {
					t.Fatalf("status %s, secretary %+v, rooms %+v", s.Status, p, s.Rooms)
				}
			}},
		{name: "role forced to secretary", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Secretary.Role = RoleDelegate; c.Secretary.Room = "r2" }),
			want: []string{"MeetingCreated"},
			check: func(t *testing.T, s *State) {
				if p := s.Participant("sec"); p.Role != RoleSecretary || p.Room != "r2" {
					t.Fatalf("secretary %+v", p)
				}
			}},
		{name: "second room main", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Rooms[1].Main = true }), want: []string{"MeetingCreated"},
			check: func(t *testing.T, s *State) {
				if s.Rooms[0].Main || !s.Rooms[1].Main || s.Participant("sec").Room != "r2" {
					t.Fatalf("rooms %+v, secretary in %s", s.Rooms, s.Participant("sec").Room)
				}
			}},
		{name: "exists", base: draft, actor: "sec", cmd: create(nil), code: Conflict},
		{name: "actor is not the secretary", actor: "someone", cmd: create(nil), code: Forbidden},
		{name: "no id", actor: "sec", cmd: create(func(c *CreateMeeting) { c.ID = "" }), code: Invalid},
		{name: "dot in id", actor: "sec", cmd: create(func(c *CreateMeeting) { c.ID = "a.b" }), code: Invalid},
		{name: "no title", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Title = "  " }), code: Invalid},
		{name: "no rooms", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Rooms = nil }), code: Invalid},
		{name: "duplicate room", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Rooms[1].ID = "main" }), code: Invalid},
		{name: "empty room id", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Rooms[1].ID = "" }), code: Invalid},
		{name: "two mains", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Rooms[0].Main, c.Rooms[1].Main = true, true }), code: Invalid},
		{name: "secretary in unknown room", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Secretary.Room = "nowhere" }), code: NotFound},
		{name: "secretary without name", actor: "sec", cmd: create(func(c *CreateMeeting) { c.Secretary.Name = "" }), code: Invalid},
	})
}

func TestDecideCommon(t *testing.T) {
	closed := func(tb testing.TB) *log {
		l := inSession(tb)
		l.run(tb, step{"chair", CloseMeeting{}})
		return l
	}
	runDecideCases(t, []decideCase{
		{name: "no meeting", actor: "sec", cmd: Publish{}, code: NotFound},
		{name: "stranger", base: draft, actor: "ghost", cmd: Publish{}, code: Forbidden},
		{name: "empty actor", base: draft, actor: "", cmd: CheckIn{}, code: Forbidden},
		{name: "closed meeting, setup", base: closed, actor: "sec", cmd: AddRoom{Room: Room{ID: "r9", Name: "Phòng"}}, code: Conflict},
		{name: "closed meeting, check-in", base: closed, actor: "d4", cmd: CheckIn{}, code: Conflict},
		{name: "closed meeting, poll", base: closed, actor: "chair", cmd: CreatePoll{Poll: Poll{ID: "x", Question: "?"}}, code: Conflict},
		{name: "nil command", base: draft, actor: "sec", cmd: nil, code: Invalid},
	})
}

func TestDecideSetup(t *testing.T) {
	doc := func(mut func(*Document)) AddDocument {
		d := Document{ID: "doc9", Title: "Tờ trình", Pages: 4, SHA256: sha}
		if mut != nil {
			mut(&d)
		}
		return AddDocument{Document: d}
	}
	person := func(mut func(*Participant)) AddParticipant {
		p := Participant{ID: "d9", Name: "Ngô Bảo Châu", Role: RoleDelegate, Room: "r2"}
		if mut != nil {
			mut(&p)
		}
		return AddParticipant{Participant: p}
	}
	agenda := func(s *State) string {
		var ids []string
		for _, it := range s.Agenda {
			ids = append(ids, it.ID)
		}
		return strings.Join(ids, ",")
	}
	wantAgenda := func(want string) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			if got := agenda(s); got != want {
				t.Fatalf("agenda %s, want %s", got, want)
			}
		}
	}
	runDecideCases(t, []decideCase{
		// Only secretaries prepare.
		{name: "chair may not add a room", base: draft, actor: "chair", cmd: AddRoom{Room: Room{ID: "r3", Name: "Phòng 3"}}, code: Forbidden},
		{name: "delegate may not publish", base: draft, actor: "d1", cmd: Publish{}, code: Forbidden},

		{name: "update", base: draft, actor: "sec", cmd: UpdateMeeting{Place: "Nhà Quốc hội"}, want: []string{"MeetingUpdated"},
			check: func(t *testing.T, s *State) {
				if s.Place != "Nhà Quốc hội" || s.Title != "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh" {
					t.Fatalf("place %q title %q", s.Place, s.Title)
				}
			}},
		{name: "empty update", base: draft, actor: "sec", cmd: UpdateMeeting{}},

		{name: "add room", base: published, actor: "sec", cmd: AddRoom{Room: Room{ID: "r3", Name: "Phòng 3", Main: true}}, want: []string{"RoomAdded"},
			check: func(t *testing.T, s *State) {
				if r := s.Room("r3"); r == nil || r.Main {
					t.Fatalf("room %+v", r)
				}
			}},
		{name: "room taken", base: draft, actor: "sec", cmd: AddRoom{Room: Room{ID: "r2", Name: "Phòng"}}, code: Conflict},
		{name: "room without name", base: draft, actor: "sec", cmd: AddRoom{Room: Room{ID: "r3"}}, code: Invalid},

		{name: "add participant", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.Present = true }), want: []string{"ParticipantAdded"},
			check: func(t *testing.T, s *State) {
				if p := s.Participant("d9"); p == nil || p.Present || s.Order[len(s.Order)-1] != "d9" {
					t.Fatalf("participant %+v, order %v", p, s.Order)
				}
			}},
		{name: "participant taken", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.ID = "d1" }), code: Conflict},
		{name: "participant without id", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.ID = "" }), code: Invalid},
		{name: "participant without name", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.Name = "" }), code: Invalid},
		{name: "participant with bad role", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.Role = "king" }), code: Invalid},
		{name: "participant in unknown room", base: draft, actor: "sec", cmd: person(func(p *Participant) { p.Room = "r9" }), code: NotFound},

		{name: "remove participant", base: inSession, prep: []step{{"d3", RequestFloor{}}}, actor: "sec", cmd: RemoveParticipant{Participant: "d3"},
			want: []string{"ParticipantRemoved"},
			check: func(t *testing.T, s *State) {
				if s.Participant("d3") != nil || slices.Contains(s.Order, "d3") || slices.Contains(s.Floor.Queue, "d3") {
					t.Fatalf("d3 remains: order %v queue %v", s.Order, s.Floor.Queue)
				}
			}},
		{name: "remove a reader", base: draft, actor: "sec", cmd: RemoveParticipant{Participant: "d1"}, want: []string{"ParticipantRemoved"},
			check: func(t *testing.T, s *State) {
				if len(s.Documents["doc2"].Readers) != 0 {
					t.Fatalf("readers %v", s.Documents["doc2"].Readers)
				}
			}},
		{name: "remove the presenter of an item", base: draft, actor: "sec", cmd: RemoveParticipant{Participant: "d2"}, want: []string{"ParticipantRemoved"},
			check: func(t *testing.T, s *State) {
				if s.Item("i2").Presenter != "" {
					t.Fatalf("item i2 still presented by %q", s.Item("i2").Presenter)
				}
			}},
		{name: "remove unknown", base: draft, actor: "sec", cmd: RemoveParticipant{Participant: "ghost"}, code: NotFound},
		{name: "remove self", base: draft, actor: "sec", cmd: RemoveParticipant{Participant: "sec"}, code: Conflict},
		{name: "remove voter", base: voting,
			prep:  []step{{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}}, {"chair", ClosePoll{Poll: "v1", Tally: Tally{"for": 1}}}},
			actor: "sec", cmd: RemoveParticipant{Participant: "d1"}, code: Conflict},
		{name: "remove during a poll", base: voting, actor: "sec", cmd: RemoveParticipant{Participant: "d4"}, code: Conflict},
		{name: "remove speaker", base: inSession, prep: []step{{"d2", RequestFloor{}}, {"chair", GiveFloor{}}},
			actor: "sec", cmd: RemoveParticipant{Participant: "d2"}, code: Conflict},
		{name: "remove presenter", base: inSession, prep: []step{{"chair", HandPresentation{To: "d2"}}},
			actor: "sec", cmd: RemoveParticipant{Participant: "d2"}, code: Conflict},

		{name: "add item", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i4", Title: "Khác"}}, want: []string{"AgendaItemAdded"},
			check: wantAgenda("i1,i2,i2a,i2b,i3,i4")},
		{name: "add sub-item after the last sub-item", base: draft, actor: "sec",
			cmd:  AddAgendaItem{Item: Item{ID: "i2c", Parent: "i2", Title: "Biểu quyết", Presenter: "d1", Documents: []string{"doc2"}, Proposals: []string{"pr2"}}},
			want: []string{"AgendaItemAdded"}, check: wantAgenda("i1,i2,i2a,i2b,i2c,i3")},
		{name: "first sub-item", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i1a", Parent: "i1", Title: "Chào mừng"}},
			want: []string{"AgendaItemAdded"}, check: wantAgenda("i1,i1a,i2,i2a,i2b,i3")},
		{name: "item taken", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i2a", Title: "X"}}, code: Conflict},
		{name: "item without title", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9"}}, code: Invalid},
		{name: "item with unknown parent", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9", Title: "X", Parent: "i8"}}, code: NotFound},
		{name: "sub-sub-item", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9", Title: "X", Parent: "i2a"}}, code: Invalid},
		{name: "item with unknown presenter", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9", Title: "X", Presenter: "ghost"}}, code: NotFound},
		{name: "item with unknown document", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9", Title: "X", Documents: []string{"nope"}}}, code: NotFound},
		{name: "item with unknown proposal", base: draft, actor: "sec", cmd: AddAgendaItem{Item: Item{ID: "i9", Title: "X", Proposals: []string{"nope"}}}, code: NotFound},

		{name: "move parent with its sub-items", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i2", Index: 0}, want: []string{"AgendaItemMoved"},
			check: wantAgenda("i2,i2a,i2b,i1,i3")},
		{name: "move beyond the end", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i1", Index: 99}, want: []string{"AgendaItemMoved"},
			check: wantAgenda("i2,i2a,i2b,i3,i1")},
		{name: "move sub-item", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i2b", Index: 0}, want: []string{"AgendaItemMoved"},
			check: wantAgenda("i1,i2,i2b,i2a,i3")},
		{name: "move to where it is", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i3", Index: 5}},
		{name: "move unknown", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i9"}, code: NotFound},
		{name: "move to negative", base: draft, actor: "sec", cmd: MoveAgendaItem{Item: "i1", Index: -1}, code: Invalid},

		{name: "add document", base: draft, actor: "sec", cmd: doc(nil), want: []string{"DocumentAdded"}},
		{name: "add confidential document", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.Confidential, d.Readers = true, []string{"d2", "obs"} }),
			want: []string{"DocumentAdded"}},
		{name: "document taken", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.ID = "doc1" }), code: Conflict},
		{name: "document without title", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.Title = "" }), code: Invalid},
		{name: "document without pages", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.Pages = 0 }), code: Invalid},
		{name: "document with upper-case hash", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.SHA256 = strings.ToUpper(sha) }), code: Invalid},
		{name: "document with short hash", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.SHA256 = "cd" }), code: Invalid},
		{name: "public document with readers", base: draft, actor: "sec", cmd: doc(func(d *Document) { d.Readers = []string{"d1"} }), code: Invalid},
		{name: "confidential document with unknown reader", base: draft, actor: "sec",
			cmd: doc(func(d *Document) { d.Confidential, d.Readers = true, []string{"ghost"} }), code: NotFound},

		{name: "attach", base: draft, actor: "sec", cmd: AttachDocument{Item: "i3", Document: "doc1"}, want: []string{"DocumentAttached"},
			check: func(t *testing.T, s *State) {
				if !slices.Equal(s.Item("i3").Documents, []string{"doc1"}) {
					t.Fatalf("documents %v", s.Item("i3").Documents)
				}
			}},
		{name: "attach twice", base: draft, actor: "sec", cmd: AttachDocument{Item: "i2", Document: "doc1"}, code: Conflict},
		{name: "attach to unknown item", base: draft, actor: "sec", cmd: AttachDocument{Item: "i9", Document: "doc1"}, code: NotFound},
		{name: "attach unknown document", base: draft, actor: "sec", cmd: AttachDocument{Item: "i1", Document: "doc9"}, code: NotFound},

		{name: "add proposal", base: draft, actor: "sec", cmd: AddProposal{Proposal: Proposal{ID: "pr3", Title: "Đề án", Documents: []string{"doc1"}, Status: ProposalAdopted}, Item: "i3"},
			want: []string{"ProposalAdded"},
			check: func(t *testing.T, s *State) {
				if s.Proposals["pr3"].Status != ProposalDraft || !slices.Equal(s.Item("i3").Proposals, []string{"pr3"}) {
					t.Fatalf("proposal %+v, item %+v", s.Proposals["pr3"], s.Item("i3"))
				}
			}},
		{name: "proposal taken", base: draft, actor: "sec", cmd: AddProposal{Proposal: Proposal{ID: "pr1", Title: "X"}}, code: Conflict},
		{name: "proposal without title", base: draft, actor: "sec", cmd: AddProposal{Proposal: Proposal{ID: "pr3"}}, code: Invalid},
		{name: "proposal with unknown document", base: draft, actor: "sec", cmd: AddProposal{Proposal: Proposal{ID: "pr3", Title: "X", Documents: []string{"x"}}}, code: NotFound},
		{name: "proposal on unknown item", base: draft, actor: "sec", cmd: AddProposal{Proposal: Proposal{ID: "pr3", Title: "X"}, Item: "i9"}, code: NotFound},

		{name: "publish", base: draft, actor: "sec", cmd: Publish{}, want: []string{"MeetingPublished"}},
		{name: "publish twice", base: published, actor: "sec", cmd: Publish{}, code: Conflict},
	})
}

func TestDecideSession(t *testing.T) {
	adjourned := func(tb testing.TB) *log {
		l := inSession(tb)
		l.run(tb, step{"chair", Adjourn{}})
		return l
	}
	status := func(want Status) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			if s.Status != want {
				t.Fatalf("status %s, want %s", s.Status, want)
			}
		}
	}
	runDecideCases(t, []decideCase{
		{name: "open draft", base: draft, actor: "chair", cmd: OpenSession{}, code: Conflict},
		{name: "open by secretary", base: published, actor: "sec", cmd: OpenSession{}, code: Forbidden},
		{name: "open", base: published, actor: "chair", cmd: OpenSession{}, want: []string{"SessionOpened", "CheckedIn"}, check: status(StatusInSession)},
		{name: "open twice", base: inSession, actor: "chair", cmd: OpenSession{}, code: Conflict},
		{name: "resume", base: adjourned, actor: "chair", cmd: OpenSession{}, want: []string{"SessionOpened"}, check: status(StatusInSession)},
		{name: "adjourn", base: inSession, actor: "chair", cmd: Adjourn{}, want: []string{"SessionAdjourned"}, check: status(StatusAdjourned)},
		{name: "adjourn by delegate", base: inSession, actor: "d1", cmd: Adjourn{}, code: Forbidden},
		{name: "adjourn when not in session", base: published, actor: "chair", cmd: Adjourn{}, code: Conflict},
		{name: "adjourn with an open poll", base: voting, actor: "chair", cmd: Adjourn{}, code: Conflict},
		{name: "close published", base: published, actor: "chair", cmd: CloseMeeting{}, want: []string{"MeetingClosed"}, check: status(StatusClosed)},
		{name: "close adjourned", base: adjourned, actor: "chair", cmd: CloseMeeting{}, want: []string{"MeetingClosed"}, check: status(StatusClosed)},
		{name: "close in session clears the floor", base: inSession, prep: []step{{"d1", RequestFloor{}}, {"d2", RequestFloor{}}, {"chair", GiveFloor{}}},
			actor: "chair", cmd: CloseMeeting{}, want: []string{"MeetingClosed"},
			check: func(t *testing.T, s *State) {
				if s.Floor.Speaker != "" || len(s.Floor.Queue) != 0 {
					t.Fatalf("floor %+v", s.Floor)
				}
			}},
		{name: "close draft", base: draft, actor: "chair", cmd: CloseMeeting{}, code: Conflict},
		{name: "close with an open poll", base: voting, actor: "chair", cmd: CloseMeeting{}, code: Conflict},
		{name: "close by secretary", base: inSession, actor: "sec", cmd: CloseMeeting{}, code: Forbidden},

		{name: "set current item", base: inSession, actor: "chair", cmd: SetCurrentItem{Item: "i2a"}, want: []string{"CurrentItemSet"},
			check: func(t *testing.T, s *State) {
				if s.Current != "i2a" {
					t.Fatalf("current %q", s.Current)
				}
			}},
		{name: "set the same item", base: inSession, prep: []step{{"chair", SetCurrentItem{Item: "i1"}}}, actor: "chair", cmd: SetCurrentItem{Item: "i1"}},
		{name: "set unknown item", base: inSession, actor: "chair", cmd: SetCurrentItem{Item: "i9"}, code: NotFound},
		{name: "set item when adjourned", base: adjourned, actor: "chair", cmd: SetCurrentItem{Item: "i1"}, code: Conflict},
		{name: "set item by delegate", base: inSession, actor: "d1", cmd: SetCurrentItem{Item: "i1"}, code: Forbidden},

		{name: "show document", base: inSession, actor: "chair", cmd: ShowDocument{Document: "doc1"}, want: []string{"DocumentShown"},
			check: func(t *testing.T, s *State) {
				if s.Presentation.Document != "doc1" || s.Presentation.Page != 1 {
					t.Fatalf("presentation %+v", s.Presentation)
				}
			}},
		{name: "show last page", base: inSession, actor: "chair", cmd: ShowDocument{Document: "doc1", Page: 10}, want: []string{"DocumentShown"}},
		{name: "show page beyond", base: inSession, actor: "chair", cmd: ShowDocument{Document: "doc1", Page: 11}, code: Invalid},
		{name: "show negative page", base: inSession, actor: "chair", cmd: ShowDocument{Document: "doc1", Page: -1}, code: Invalid},
		{name: "show unknown document", base: inSession, actor: "chair", cmd: ShowDocument{Document: "doc9"}, code: NotFound},
		{name: "show by delegate", base: inSession, actor: "d1", cmd: ShowDocument{Document: "doc1"}, code: Forbidden},
		{name: "show by presenter", base: inSession, prep: []step{{"chair", HandPresentation{To: "d2"}}}, actor: "d2", cmd: ShowDocument{Document: "doc1", Page: 3},
			want: []string{"DocumentShown"}},
		{name: "show when not in session", base: published, actor: "chair", cmd: ShowDocument{Document: "doc1"}, code: Conflict},
		{name: "show what is shown", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc1", Page: 2}}}, actor: "chair", cmd: ShowDocument{Document: "doc1", Page: 2}},

		{name: "turn page", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc1"}}}, actor: "chair", cmd: TurnPage{Page: 5}, want: []string{"PageTurned"},
			check: func(t *testing.T, s *State) {
				if s.Presentation.Page != 5 {
					t.Fatalf("page %d", s.Presentation.Page)
				}
			}},
		{name: "turn to the same page", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc1", Page: 5}}}, actor: "chair", cmd: TurnPage{Page: 5}},
		{name: "turn with nothing shown", base: inSession, actor: "chair", cmd: TurnPage{Page: 2}, code: Conflict},
		{name: "turn beyond", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc2"}}}, actor: "chair", cmd: TurnPage{Page: 4}, code: Invalid},
		{name: "turn to zero", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc2"}}}, actor: "chair", cmd: TurnPage{Page: 0}, code: Invalid},
		{name: "turn by presenter", base: inSession, prep: []step{{"chair", ShowDocument{Document: "doc1"}}, {"chair", HandPresentation{To: "d4"}}},
			actor: "d4", cmd: TurnPage{Page: 2}, want: []string{"PageTurned"}},
		{name: "turn by a former presenter", base: inSession,
			prep:  []step{{"chair", ShowDocument{Document: "doc1"}}, {"chair", HandPresentation{To: "d4"}}, {"chair", HandPresentation{}}},
			actor: "d4", cmd: TurnPage{Page: 2}, code: Forbidden},

		{name: "hand presentation", base: inSession, actor: "chair", cmd: HandPresentation{To: "d1"}, want: []string{"PresentationHanded"}},
		{name: "hand to unknown", base: inSession, actor: "chair", cmd: HandPresentation{To: "ghost"}, code: NotFound},
		{name: "hand by delegate", base: inSession, actor: "d1", cmd: HandPresentation{To: "d1"}, code: Forbidden},
		{name: "take back", base: inSession, prep: []step{{"chair", HandPresentation{To: "d1"}}}, actor: "chair", cmd: HandPresentation{},
			want: []string{"PresentationHanded"},
			check: func(t *testing.T, s *State) {
				if s.Presentation.Presenter != "" {
					t.Fatalf("presenter %q", s.Presentation.Presenter)
				}
			}},
	})
}

func TestDecideFloorAndAttendance(t *testing.T) {
	floor := func(speaker string, queue ...string) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			if s.Floor.Speaker != speaker || !slices.Equal(s.Floor.Queue, queue) {
				t.Fatalf("floor %+v, want speaker %q queue %v", s.Floor, speaker, queue)
			}
		}
	}
	present := func(id string, want bool) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			if s.Participant(id).Present != want {
				t.Fatalf("%s present %v, want %v", id, !want, want)
			}
		}
	}
	runDecideCases(t, []decideCase{
		{name: "request", base: inSession, actor: "d1", cmd: RequestFloor{}, want: []string{"FloorRequested"}, check: floor("", "d1")},
		{name: "secretary may request", base: inSession, actor: "sec", cmd: RequestFloor{}, want: []string{"FloorRequested"}},
		{name: "observer may not request", base: inSession, actor: "obs", cmd: RequestFloor{}, code: Forbidden},
		{name: "request twice", base: inSession, prep: []step{{"d1", RequestFloor{}}}, actor: "d1", cmd: RequestFloor{}, code: Conflict},
		{name: "request while speaking", base: inSession, prep: []step{{"chair", GiveFloor{Participant: "d1"}}}, actor: "d1", cmd: RequestFloor{}, code: Conflict},
		{name: "request when adjourned", base: published, actor: "d1", cmd: RequestFloor{}, code: Conflict},
		{name: "withdraw", base: inSession, prep: []step{{"d1", RequestFloor{}}, {"d2", RequestFloor{}}}, actor: "d1", cmd: WithdrawFloor{},
			want: []string{"FloorWithdrawn"}, check: floor("", "d2")},
		{name: "withdraw unqueued", base: inSession, actor: "d1", cmd: WithdrawFloor{}, code: Conflict},
		{name: "give first of queue", base: inSession, prep: []step{{"d2", RequestFloor{}}, {"d1", RequestFloor{}}}, actor: "chair", cmd: GiveFloor{},
			want: []string{"FloorGiven"},
			check: func(t *testing.T, s *State) {
				floor("d2", "d1")(t, s)
				if s.Floor.Since.IsZero() {
					t.Fatal("no Since")
				}
			}},
		{name: "give named replaces speaker", base: inSession, prep: []step{{"d2", RequestFloor{}}, {"d1", RequestFloor{}}, {"chair", GiveFloor{}}},
			actor: "chair", cmd: GiveFloor{Participant: "d1"}, want: []string{"FloorGiven"}, check: floor("d1")},
		{name: "give with empty queue", base: inSession, actor: "chair", cmd: GiveFloor{}, code: Conflict},
		{name: "give to unknown", base: inSession, actor: "chair", cmd: GiveFloor{Participant: "ghost"}, code: NotFound},
		{name: "give by delegate", base: inSession, prep: []step{{"d2", RequestFloor{}}}, actor: "d1", cmd: GiveFloor{}, code: Forbidden},
		{name: "end by chair", base: inSession, prep: []step{{"chair", GiveFloor{Participant: "d1"}}}, actor: "chair", cmd: EndFloor{},
			want: []string{"FloorEnded"}, check: floor("")},
		{name: "end by speaker", base: inSession, prep: []step{{"chair", GiveFloor{Participant: "d1"}}}, actor: "d1", cmd: EndFloor{}, want: []string{"FloorEnded"}},
		{name: "end by another", base: inSession, prep: []step{{"chair", GiveFloor{Participant: "d1"}}}, actor: "d2", cmd: EndFloor{}, code: Forbidden},
		{name: "end with nobody speaking", base: inSession, actor: "chair", cmd: EndFloor{}, code: Conflict},

		{name: "check in", base: published, actor: "d1", cmd: CheckIn{}, want: []string{"CheckedIn"}, check: present("d1", true)},
		{name: "check in in draft", base: draft, actor: "d1", cmd: CheckIn{}, code: Conflict},
		{name: "check in twice", base: inSession, actor: "d1", cmd: CheckIn{}},
		{name: "check in oneself by id", base: published, actor: "d4", cmd: CheckIn{Participant: "d4"}, want: []string{"CheckedIn"}},
		{name: "secretary checks in another", base: published, actor: "sec", cmd: CheckIn{Participant: "obs"}, want: []string{"CheckedIn"}, check: present("obs", true)},
		{name: "chair checks in another", base: published, actor: "chair", cmd: CheckIn{Participant: "d4"}, want: []string{"CheckedIn"}},
		{name: "delegate checks in another", base: published, actor: "d1", cmd: CheckIn{Participant: "d4"}, code: Forbidden},
		{name: "check in unknown", base: published, actor: "sec", cmd: CheckIn{Participant: "ghost"}, code: NotFound},
		{name: "check out", base: inSession, actor: "d1", cmd: CheckOut{}, want: []string{"CheckedOut"}, check: present("d1", false)},
		{name: "check out when out", base: inSession, actor: "d4", cmd: CheckOut{}},
		{name: "secretary checks out another", base: inSession, actor: "sec", cmd: CheckOut{Participant: "d2"}, want: []string{"CheckedOut"}},
		{name: "delegate checks out another", base: inSession, actor: "d1", cmd: CheckOut{Participant: "d2"}, code: Forbidden},
		{name: "check in when adjourned", base: published, prep: []step{{"chair", OpenSession{}}, {"chair", Adjourn{}}}, actor: "d4", cmd: CheckIn{},
			want: []string{"CheckedIn"}},
	})
}

func TestDecidePolls(t *testing.T) {
	poll := func(mut func(*Poll)) CreatePoll {
		p := Poll{ID: "v9", Question: "Thông qua chương trình"}
		if mut != nil {
			mut(&p)
		}
		return CreatePoll{Poll: p}
	}
	ballot := func(poll, choice string) CastBallot {
		return CastBallot{Poll: poll, Choice: choice, BallotID: "b-" + choice}
	}
	secretOpen := func(tb testing.TB) *log {
		l := inSession(tb)
		l.run(tb, step{"chair", OpenPoll{Poll: "s1"}})
		return l
	}
	runDecideCases(t, []decideCase{
		{name: "create with defaults", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Status, p.Voters = PollDone, map[string]string{"d1": "for"} }),
			want: []string{"PollCreated"},
			check: func(t *testing.T, s *State) {
				p := s.Polls["v9"]
				if p.Status != PollReady || p.Voters != nil || p.Result != nil || len(p.Choices) != 3 || p.Rule.Base != BaseCast || p.Rule.Threshold != Simple {
					t.Fatalf("poll %+v", p)
				}
				if s.PollOrder[len(s.PollOrder)-1] != "v9" {
					t.Fatalf("poll order %v", s.PollOrder)
				}
			}},
		{name: "chair creates in session", base: inSession, actor: "chair", cmd: poll(func(p *Poll) {
			p.Choices = []Choice{{ID: "a", Label: "Phương án A"}, {ID: "b", Label: "Phương án B"}}
			p.Rule = Rule{Base: BasePresent, Threshold: TwoThirds, QuorumPercent: 100}
		}), want: []string{"PollCreated"}},
		{name: "delegate may not create", base: inSession, actor: "d1", cmd: poll(nil), code: Forbidden},
		{name: "poll taken", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.ID = "v1" }), code: Conflict},
		{name: "poll without id", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.ID = "" }), code: Invalid},
		{name: "poll without question", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Question = "" }), code: Invalid},
		{name: "one choice", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Choices = []Choice{{ID: "a", Label: "A"}} }), code: Invalid},
		{name: "duplicate choice", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Choices = []Choice{{ID: "a", Label: "A"}, {ID: "a", Label: "B"}} }), code: Invalid},
		{name: "choice without label", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Choices = []Choice{{ID: "a", Label: "A"}, {ID: "b"}} }), code: Invalid},
		{name: "choice without id", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Choices = []Choice{{ID: "a", Label: "A"}, {Label: "B"}} }), code: Invalid},
		{name: "unknown proposal", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Proposal = "pr9" }), code: NotFound},
		{name: "bad base", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Rule.Base = "all" }), code: Invalid},
		{name: "bad threshold", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Rule.Threshold = "most" }), code: Invalid},
		{name: "quorum above 100", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Rule.QuorumPercent = 101 }), code: Invalid},
		{name: "negative quorum", base: draft, actor: "sec", cmd: poll(func(p *Poll) { p.Rule.QuorumPercent = -1 }), code: Invalid},

		{name: "open", base: inSession, actor: "chair", cmd: OpenPoll{Poll: "v1"}, want: []string{"PollOpened"},
			check: func(t *testing.T, s *State) {
				if s.Polls["v1"].Status != PollOpen || s.Proposals["pr1"].Status != ProposalVoting || s.OpenPoll() != s.Polls["v1"] {
					t.Fatalf("poll %+v proposal %+v", s.Polls["v1"], s.Proposals["pr1"])
				}
			}},
		{name: "open by secretary", base: inSession, actor: "sec", cmd: OpenPoll{Poll: "v1"}, code: Forbidden},
		{name: "open when not in session", base: published, actor: "chair", cmd: OpenPoll{Poll: "v1"}, code: Conflict},
		{name: "open unknown", base: inSession, actor: "chair", cmd: OpenPoll{Poll: "v9"}, code: NotFound},
		{name: "open twice", base: voting, actor: "chair", cmd: OpenPoll{Poll: "v1"}, code: Conflict},
		{name: "open a second poll", base: voting, actor: "chair", cmd: OpenPoll{Poll: "s1"}, code: Conflict},

		{name: "cast", base: voting, actor: "d1", cmd: ballot("v1", "for"), want: []string{"BallotCast"},
			check: func(t *testing.T, s *State) {
				if s.Polls["v1"].Voters["d1"] != "for" {
					t.Fatalf("voters %v", s.Polls["v1"].Voters)
				}
			}},
		{name: "chair casts", base: voting, actor: "chair", cmd: ballot("v1", "abstain"), want: []string{"BallotCast"}},
		{name: "cast secret hides the choice", base: secretOpen, actor: "d1", cmd: ballot("s1", "against"), want: []string{"BallotCast"},
			check: func(t *testing.T, s *State) {
				if c, ok := s.Polls["s1"].Voters["d1"]; !ok || c != "" {
					t.Fatalf("voters %v", s.Polls["s1"].Voters)
				}
			}},
		{name: "secretary has no vote", base: voting, prep: []step{{"sec", CheckIn{}}}, actor: "sec", cmd: ballot("v1", "for"), code: Forbidden},
		{name: "observer has no vote", base: voting, prep: []step{{"obs", CheckIn{}}}, actor: "obs", cmd: ballot("v1", "for"), code: Forbidden},
		{name: "absent voter", base: voting, actor: "d4", cmd: ballot("v1", "for"), code: Conflict},
		{name: "cast in unknown poll", base: voting, actor: "d1", cmd: ballot("v9", "for"), code: NotFound},
		{name: "cast in a ready poll", base: voting, actor: "d1", cmd: ballot("s1", "for"), code: Conflict},
		{name: "cast an unknown choice", base: voting, actor: "d1", cmd: ballot("v1", "maybe"), code: Invalid},
		{name: "cast without ballot id", base: voting, actor: "d1", cmd: CastBallot{Poll: "v1", Choice: "for"}, code: Invalid},
		{name: "cast twice", base: voting, prep: []step{{"d1", ballot("v1", "for")}}, actor: "d1", cmd: ballot("v1", "against"), code: Conflict},
		{name: "cast when adjourned", base: published, actor: "d1", cmd: ballot("v1", "for"), code: Conflict},

		{name: "close", base: voting, prep: []step{{"d1", ballot("v1", "for")}, {"d2", ballot("v1", "for")}, {"d3", ballot("v1", "against")}},
			actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"for": 2, "against": 1}}, want: []string{"PollClosed"},
			check: func(t *testing.T, s *State) {
				p := s.Polls["v1"]
				want := Result{Counts: map[string]int{"for": 2, "against": 1, "abstain": 0}, Cast: 3, Members: 5, Present: 4, Base: 3, QuorumOK: true, Passed: true}
				if p.Status != PollDone || p.Result == nil {
					t.Fatalf("poll %+v", p)
				}
				sameJSON(t, "result", p.Result, want)
				if s.Proposals["pr1"].Status != ProposalAdopted || s.OpenPoll() != nil {
					t.Fatalf("proposal %+v", s.Proposals["pr1"])
				}
			}},
		{name: "close rejected", base: voting, prep: []step{{"d1", ballot("v1", "against")}},
			actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"against": 1}}, want: []string{"PollClosed"},
			check: func(t *testing.T, s *State) {
				if s.Polls["v1"].Result.Passed || s.Proposals["pr1"].Status != ProposalRejected {
					t.Fatalf("result %+v, proposal %+v", s.Polls["v1"].Result, s.Proposals["pr1"])
				}
			}},
		{name: "close secret", base: secretOpen, prep: []step{{"d1", ballot("s1", "for")}, {"d2", ballot("s1", "for")}, {"chair", ballot("s1", "against")}},
			actor: "chair", cmd: ClosePoll{Poll: "s1", Tally: Tally{"for": 2, "against": 1}}, want: []string{"PollClosed"},
			check: func(t *testing.T, s *State) {
				// Absolute majority of 5 members needs 3.
				r := s.Polls["s1"].Result
				if r.Base != 5 || r.Passed || !r.QuorumOK || s.Proposals["pr2"].Status != ProposalRejected {
					t.Fatalf("result %+v", r)
				}
			}},
		{name: "close empty poll", base: voting, actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{}}, want: []string{"PollClosed"}},
		{name: "close by secretary", base: voting, actor: "sec", cmd: ClosePoll{Poll: "v1", Tally: Tally{}}, code: Forbidden},
		{name: "close unknown", base: voting, actor: "chair", cmd: ClosePoll{Poll: "v9", Tally: Tally{}}, code: NotFound},
		{name: "close a ready poll", base: voting, actor: "chair", cmd: ClosePoll{Poll: "s1", Tally: Tally{}}, code: Conflict},
		{name: "close without tally", base: voting, actor: "chair", cmd: ClosePoll{Poll: "v1"}, code: Internal},
		{name: "tally with unknown choice", base: voting, actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"maybe": 0}}, code: Internal},
		{name: "tally with too many ballots", base: voting, prep: []step{{"d1", ballot("v1", "for")}},
			actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"for": 2}}, code: Internal},
		{name: "tally disagrees with named ballots", base: voting, prep: []step{{"d1", ballot("v1", "for")}},
			actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"against": 1}}, code: Internal},
		{name: "negative tally", base: voting, prep: []step{{"d1", ballot("v1", "for")}},
			actor: "chair", cmd: ClosePoll{Poll: "v1", Tally: Tally{"for": 2, "against": -1}}, code: Internal},
		{name: "secret tally only needs the sum", base: secretOpen, prep: []step{{"d1", ballot("s1", "for")}},
			actor: "chair", cmd: ClosePoll{Poll: "s1", Tally: Tally{"abstain": 1}}, want: []string{"PollClosed"}},
		{name: "reopen a closed poll", base: voting, prep: []step{{"chair", ClosePoll{Poll: "v1", Tally: Tally{}}}},
			actor: "chair", cmd: OpenPoll{Poll: "v1"}, code: Conflict},
	})
}

func TestResultOf(t *testing.T) {
	poll := func(base Base, th Threshold, quorum int) *Poll {
		return &Poll{Choices: DefaultChoices(), Rule: Rule{Base: base, Threshold: th, QuorumPercent: quorum}}
	}
	tests := []struct {
		name             string
		poll             *Poll
		tally            Tally
		members, present int
		base             int
		quorumOK, passed bool
	}{
		{"simple for", poll(BaseCast, Simple, 0), Tally{"for": 3, "against": 2, "abstain": 5}, 20, 12, 10, true, true},
		{"simple tie", poll(BaseCast, Simple, 0), Tally{"for": 2, "against": 2}, 20, 12, 4, true, false},
		{"simple none", poll(BaseCast, Simple, 0), Tally{}, 20, 12, 0, true, false},
		{"absolute of cast, exactly half", poll(BaseCast, Absolute, 0), Tally{"for": 5, "abstain": 5}, 20, 12, 10, true, false},
		{"absolute of cast, more than half", poll(BaseCast, Absolute, 0), Tally{"for": 6, "abstain": 5}, 20, 12, 11, true, true},
		{"absolute of members", poll(BaseMembers, Absolute, 0), Tally{"for": 10}, 20, 12, 20, true, false},
		{"absolute of members, 11 of 20", poll(BaseMembers, Absolute, 0), Tally{"for": 11}, 20, 12, 20, true, true},
		{"two thirds of present, exactly", poll(BasePresent, TwoThirds, 0), Tally{"for": 8, "against": 1}, 20, 12, 12, true, true},
		{"two thirds of present, short", poll(BasePresent, TwoThirds, 0), Tally{"for": 7}, 20, 12, 12, true, false},
		{"quorum met exactly", poll(BaseCast, Simple, 60), Tally{"for": 1}, 20, 12, 1, true, true},
		{"quorum missed", poll(BaseCast, Simple, 61), Tally{"for": 1}, 20, 12, 1, false, false},
		{"base zero", poll(BasePresent, TwoThirds, 0), Tally{}, 0, 0, 0, true, false},
		{"choices beyond the first two do not count as against", &Poll{
			Choices: []Choice{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}}, Rule: Rule{Base: BaseCast, Threshold: Simple}},
			Tally{"a": 2, "b": 1, "c": 5}, 10, 10, 8, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ResultOf(tt.poll, tt.tally, tt.members, tt.present)
			if r.Base != tt.base || r.QuorumOK != tt.quorumOK || r.Passed != tt.passed || r.Members != tt.members || r.Present != tt.present {
				t.Fatalf("result %+v; want base %d quorum %v passed %v", r, tt.base, tt.quorumOK, tt.passed)
			}
			cast := 0
			for _, ch := range tt.poll.Choices {
				n, ok := r.Counts[ch.ID]
				if !ok || n != tt.tally[ch.ID] {
					t.Fatalf("count of %s = %d (present %v), want %d", ch.ID, n, ok, tt.tally[ch.ID])
				}
				cast += n
			}
			if r.Cast != cast {
				t.Fatalf("cast %d, want %d", r.Cast, cast)
			}
		})
	}
}

// TestDecideIsPure checks that Decide leaves the state alone and does not
// depend on anything but its arguments.
func TestDecideIsPure(t *testing.T) {
	l := voting(t)
	before := mustJSON(t, l.s)
	cmd := CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}
	a, errA := Decide(l.s, Actor{Participant: "d1"}, cmd, t0)
	b, errB := Decide(l.s, Actor{Participant: "d1"}, cmd, t0)
	if errA != nil || errB != nil {
		t.Fatalf("refused: %v, %v", errA, errB)
	}
	sameJSON(t, "events", a, b)
	if !bytes.Equal(before, mustJSON(t, l.s)) {
		t.Fatal("Decide changed the state")
	}
	if !a[0].At.Equal(t0) || a[0].At.Location() != time.UTC {
		t.Fatalf("at %v", a[0].At)
	}
}

// TestArchivedRefusesEveryCommand: a meeting imported from its archive
// (MeetingArchived) refuses every command, by every participant, with
// Archived in both languages; nothing is decided.
func TestArchivedRefusesEveryCommand(t *testing.T) {
	s := inSession(t).s
	if err := s.Apply(Event{Seq: s.Version + 1, At: time.Now(), Data: MeetingArchived{Archive: sha, Events: s.Version}}); err != nil {
		t.Fatal(err)
	}
	if s.Archived == nil || s.Archived.Events != s.Version-1 {
		t.Fatalf("archived mark %+v", s.Archived)
	}
	for _, tc := range []struct {
		actor string
		cmd   Command
	}{
		{"chair", CloseMeeting{}},
		{"chair", OpenPoll{Poll: "v1"}},
		{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b"}},
		{"d1", RequestFloor{}},
		{"d1", CheckOut{}},
		{"d1", RecordCopy{Device: "tab", Document: "doc1", Kind: "view"}},
		{"sec", AddAgendaItem{Item: Item{ID: "i9", Title: "Thêm"}}},
		{"sec", RevokeSessions{Participant: "d1"}},
	} {
		evs, err := Decide(s, Actor{Participant: tc.actor}, tc.cmd, time.Now())
		me, _ := err.(*Error)
		if me == nil || me.Code != Archived || me.MessageVI == "" || len(evs) != 0 {
			t.Errorf("%s %s: %v, %v; want an archived refusal", tc.actor, tc.cmd.CommandName(), evs, err)
		}
	}
	if err := s.Apply(Event{Seq: s.Version + 1, Data: MeetingArchived{Events: s.Version}}); err == nil {
		t.Error("a meeting was archived twice")
	}
}
