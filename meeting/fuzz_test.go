package meeting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The pools the fuzzer picks command arguments from: the ids of the seeded
// meeting, ids that do not exist yet, and empty ones.
var (
	fuzzActors    = []string{"sec", "sec2", "chair", "d1", "d2", "d3", "d4", "obs", "ghost", "n1"}
	fuzzPeople    = []string{"", "sec", "sec2", "chair", "d1", "d2", "d3", "d4", "obs", "ghost", "n1", "n2"}
	fuzzRoles     = []Role{RoleDelegate, RoleObserver, RoleChair, RoleSecretary, "king"}
	fuzzRooms     = []string{"main", "r2", "r3", "r4", ""}
	fuzzItems     = []string{"i1", "i2", "i2a", "i2b", "i3", "n1", "n2", ""}
	fuzzDocs      = []string{"doc1", "doc2", "doc3", "n1", ""}
	fuzzProposals = []string{"pr1", "pr2", "n1", ""}
	fuzzPolls     = []string{"v1", "s1", "v2", "n1", "n2", "", "e1-approval", "e1-r1", "e1-r2", "bkp"}
	fuzzChoices   = []string{"for", "against", "abstain", "yes", "no", ""}
	fuzzTexts     = []string{"Nội dung", "", " ", "x"}
	fuzzAnnIDs    = []string{"a1", "a2", "s1", "", "a b"}
	fuzzKinds     = []AnnotationKind{AnnotationHighlight, AnnotationInk, AnnotationNote, "stamp"}
	fuzzColors    = []string{"#FFCC00", "#c00000", "red", ""}
	fuzzElections = []string{"e1", "e2", ""}
	fuzzMarks     = "01-*hml"
	fuzzContribs  = []string{"c1", "c2", "c3", ""}
	fuzzTopics    = []string{"Ý kiến về dự toán ngân sách", "", "  Giáo dục  ", "Ngân sách\nđầu tư", strings.Repeat("ệ", MaxTopicRunes+1)}
	fuzzSpeech    = []SpeechKind{SpeechDefault, "speech", SpeechQuestion, SpeechOrder, SpeechContribution, "song"}
)

// fuzzSeed prepares the meeting every fuzz run starts from: three rooms,
// two secretaries, a chair, four delegates, an observer, an agenda with
// sub-items, a public and a confidential document, two proposals, a named
// poll, a secret poll and a named poll with its own choices. It is a draft:
// the fuzzer publishes and opens it.
func fuzzSeed(tb testing.TB) *log {
	tb.Helper()
	l := draft(tb)
	l.run(tb,
		step{"sec", AddRoom{Room: Room{ID: "r3", Name: "Điểm cầu huyện Sóc Sơn"}}},
		step{"sec", AddParticipant{Participant: Participant{ID: "sec2", Name: "Bùi Thị Lan", Role: RoleSecretary, Room: "r3"}}},
		step{"sec", CreatePoll{Poll: Poll{ID: "v2", Question: "Chọn phương án quy hoạch",
			Choices: []Choice{{ID: "yes", Label: "Phương án 1"}, {ID: "no", Label: "Phương án 2"}, {ID: "abstain", Label: "Không chọn"}},
			Rule:    Rule{Base: BasePresent, Threshold: TwoThirds, QuorumPercent: 60}}}},
	)
	return l
}

// fuzzInput hands out the fuzz bytes; past the end it gives zeros.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

func pick[T any](in *fuzzInput, from []T) T { return from[int(in.byte())%len(from)] }

// command builds one command from the input. corrupt is set when a ClosePoll
// is to carry a tally that disagrees with the ballots.
func (in *fuzzInput) command(h *fuzzHarness) (cmd Command, corrupt bool) {
	switch in.byte() % 48 {
	case 0:
		return UpdateMeeting{Title: pick(in, fuzzTexts), Place: pick(in, fuzzTexts)}, false
	case 1:
		return AddRoom{Room: Room{ID: pick(in, fuzzRooms), Name: pick(in, fuzzTexts), Main: in.byte()%2 == 0}}, false
	case 2:
		p := Participant{ID: pick(in, fuzzPeople), Name: pick(in, fuzzTexts),
			Role: pick(in, fuzzRoles), Room: pick(in, fuzzRooms), Present: in.byte()%2 == 0}
		if in.byte()%3 == 0 {
			return UpdateParticipant{Participant: p}, false
		}
		return AddParticipant{Participant: p}, false
	case 3:
		return RemoveParticipant{Participant: pick(in, fuzzPeople)}, false
	case 4:
		return AddAgendaItem{Item: Item{ID: pick(in, fuzzItems), Parent: pick(in, fuzzItems), Title: pick(in, fuzzTexts),
			Presenter: pick(in, fuzzPeople)}}, false
	case 5:
		return MoveAgendaItem{Item: pick(in, fuzzItems), Index: int(in.byte()%6) - 1}, false
	case 6:
		d := Document{ID: pick(in, fuzzDocs), Title: pick(in, fuzzTexts), Pages: int(in.byte() % 4), SHA256: sha}
		if in.byte()%4 == 0 {
			d.SHA256 = "not-a-hash"
		}
		if in.byte()%2 == 0 {
			d.Confidential = true
		}
		if r := pick(in, fuzzPeople); r != "" {
			d.Readers = []string{r}
		}
		return AddDocument{Document: d}, false
	case 7:
		return AttachDocument{Item: pick(in, fuzzItems), Document: pick(in, fuzzDocs)}, false
	case 8:
		p := Proposal{ID: pick(in, fuzzProposals), Title: pick(in, fuzzTexts)}
		if d := pick(in, fuzzDocs); d != "" {
			p.Documents = []string{d}
		}
		return AddProposal{Proposal: p, Item: pick(in, fuzzItems)}, false
	case 9:
		return Publish{}, false
	case 10:
		return OpenSession{}, false
	case 11:
		return Adjourn{}, false
	case 12:
		if in.byte()%4 != 0 { // closing ends everything: make it rare
			return OpenSession{}, false
		}
		return CloseMeeting{}, false
	case 13:
		return SetCurrentItem{Item: pick(in, fuzzItems)}, false
	case 14:
		return ShowDocument{Document: pick(in, fuzzDocs), Page: int(in.byte()%13) - 1}, false
	case 15:
		return TurnPage{Page: int(in.byte()%13) - 1}, false
	case 16:
		return HandPresentation{To: pick(in, fuzzPeople)}, false
	case 17:
		p := Poll{ID: pick(in, fuzzPolls), Question: pick(in, fuzzTexts), Secret: in.byte()%2 == 0, Proposal: pick(in, fuzzProposals)}
		switch in.byte() % 4 {
		case 1:
			p.Choices = []Choice{{ID: "yes", Label: "Có"}, {ID: "no", Label: "Không"}}
		case 2:
			p.Choices = []Choice{{ID: "yes", Label: "Có"}}
		case 3:
			p.Choices = []Choice{{ID: "yes", Label: "Có"}, {ID: "yes", Label: "Không"}}
		}
		p.Rule = Rule{Base: pick(in, []Base{"", BaseCast, BasePresent, BaseMembers, "all"}),
			Threshold:     pick(in, []Threshold{"", Simple, Absolute, TwoThirds, "most"}),
			QuorumPercent: int(in.byte()%120) - 5}
		if in.byte()%5 == 0 { // what only the election commands may set
			p.Kind, p.Election, p.Approves, p.Committee, p.Candidates = KindElection, "e1", "e1", []string{"d1"}, []string{"c0"}
		}
		return CreatePoll{Poll: p}, false
	case 18:
		return OpenPoll{Poll: pick(in, fuzzPolls)}, false
	case 34:
		e := Election{ID: pick(in, fuzzElections), Title: pick(in, fuzzTexts), Seats: int(in.byte() % 8),
			Kind: pick(in, []string{"", KindElection, KindConfidence, "vote"}), Base: pick(in, []string{"", BaseConvened, BaseOfficial, "x"})}
		for i := range int(in.byte() % 10) {
			c := Candidate{ID: fmt.Sprintf("c%d", i), Name: "Ứng viên " + pick(in, fuzzTexts)}
			if in.byte()%3 == 0 {
				c.Participant = pick(in, fuzzPeople)
			}
			e.Candidates = append(e.Candidates, c)
		}
		if in.byte()%3 == 0 {
			e.PaperRooms = []string{pick(in, fuzzRooms)}
		}
		if in.byte()%4 == 0 {
			return UpdateElection{Election: e}, false
		}
		return CreateElection{Election: e}, false
	case 35:
		members := []string{pick(in, fuzzPeople)}
		if in.byte()%2 == 0 {
			members = append(members, pick(in, fuzzPeople))
		}
		return ProposeCommittee{Poll: pick(in, fuzzPolls), Members: members}, false
	case 36:
		return OpenElectionRound{Election: pick(in, fuzzElections)}, false
	case 37, 38:
		poll, marks := h.openRound(in)
		return CastBallot{Poll: poll, Marks: marks, BallotID: "b"}, false
	case 39, 40:
		poll, marks := h.openRound(in)
		room, sheet := pick(in, fuzzRooms), int(in.byte()%3)
		if in.byte()%2 == 0 {
			return ResolvePaperBallot{Poll: poll, Room: room, Sheet: sheet, Marks: marks}, false
		}
		return EnterPaperBallot{Poll: poll, Room: room, Sheet: sheet, Marks: marks}, false
	case 41:
		return ExcuseAbsence{Participant: pick(in, fuzzPeople), Reason: pick(in, fuzzTexts)}, false
	case 42:
		return RequestFloor{Topic: pick(in, fuzzTopics), Kind: pick(in, fuzzSpeech)}, false
	case 43:
		return AddContribution{Contribution: Contribution{ID: pick(in, fuzzContribs), Participant: pick(in, fuzzPeople),
			Topic: pick(in, fuzzTopics), Item: pick(in, fuzzItems), Done: in.byte()%4 == 0}}, false
	case 44:
		if in.byte()%2 == 0 {
			return RemoveContribution{Contribution: pick(in, fuzzContribs)}, false
		}
		return MoveContribution{Contribution: pick(in, fuzzContribs), Index: int(in.byte()%5) - 1}, false
	case 47:
		switch in.byte() % 5 {
		case 0:
			return OpenDraft{Document: pick(in, fuzzDocs), Deadline: t0.Add(time.Duration(int(in.byte())-64) * time.Minute),
				Visibility: pick(in, []DraftVisibility{DraftPrivate, DraftPublic, ""}), Team: pick(in, [][]string{nil, {"d2"}, {"d1", "d1"}, {"x"}})}, false
		case 1:
			return CloseDraft{Draft: pick(in, fuzzDocs)}, false
		case 2:
			return AddDraftVersion{Draft: pick(in, fuzzDocs), Document: pick(in, fuzzDocs)}, false
		case 3:
			return EditDraftComment{Comment: pick(in, []string{"y1", "y2", "y3", ""}), Text: pick(in, fuzzTexts)}, false
		}
		c := CommentDraft{ID: pick(in, []string{"y1", "y2", "y3", ""}), Document: pick(in, fuzzDocs), Page: int(in.byte()%12) - 1,
			Text: pick(in, fuzzTexts), Quote: pick(in, fuzzTexts)}
		if in.byte()%2 == 0 {
			c.Rect = &[4]float64{float64(in.byte()%3) / 2, 0.1, float64(in.byte()%3) / 2, 0.5}
		}
		return c, false
	case 46:
		switch in.byte() % 3 {
		case 0:
			return MarkAbsent{Participant: pick(in, fuzzPeople), Reason: pick(in, fuzzTexts), Approved: in.byte()%2 == 0}, false
		case 1:
			return SeatSubstitute{Participant: pick(in, fuzzPeople), For: pick(in, fuzzPeople)}, false
		}
		return SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: in.byte()%2 == 0, ExcusedOffBase: in.byte()%2 == 0}}, false
	case 45:
		return GiveFloor{Contribution: pick(in, fuzzContribs), Participant: pick(in, []string{"", "", "d1", "d2"})}, false
	case 19:
		poll := pick(in, fuzzPolls)
		if p := h.l.s.OpenPoll(); p != nil && p.Kind != "" && in.byte()%2 == 0 {
			poll = p.ID // an election round's close
		}
		if p := h.l.s.Polls[poll]; p != nil && p.Kind != "" {
			ballots := slices.Collect(maps.Values(h.marks[poll]))
			corrupt := in.byte()%8 == 0
			if corrupt && len(ballots) > 0 {
				ballots = ballots[1:]
			} else if corrupt {
				ballots = append(ballots, BlankMarks(p))
			}
			return ClosePoll{Poll: poll, Tally: h.tally(poll), Ballots: ballots}, corrupt
		}
		t := h.tally(poll)
		corrupt := in.byte()%8 == 0
		if corrupt {
			if p := h.l.s.Polls[poll]; p != nil {
				t[p.Choices[0].ID]++
			} else {
				t["for"]++
			}
		}
		if in.byte()%16 == 0 {
			t, corrupt = nil, true
		}
		return ClosePoll{Poll: poll, Tally: t}, corrupt
	case 20:
		return GiveFloor{Participant: pick(in, fuzzPeople)}, false
	case 21:
		return EndFloor{}, false
	case 23:
		return RequestFloor{}, false
	case 24:
		return WithdrawFloor{}, false
	case 25:
		return CheckIn{Participant: pick(in, fuzzPeople)}, false
	case 26:
		return CheckOut{Participant: pick(in, fuzzPeople)}, false
	case 28, 29:
		return SaveAnnotation{Annotation: in.annotation(), Shared: in.byte()%3 == 0}, false
	case 30:
		return DeleteAnnotation{ID: pick(in, fuzzAnnIDs), Shared: in.byte()%3 == 0}, false
	case 31:
		return SetFollowing{Room: pick(in, fuzzRooms), Follow: in.byte()%2 == 0}, false
	case 32:
		return ShowInRoom{Room: pick(in, fuzzRooms), Document: pick(in, fuzzDocs), Page: int(in.byte()%13) - 1}, false
	case 33:
		return SetFollowing{Room: pick(in, fuzzRooms)}, false
	}
	// 22 and 27: ballots, the hot path.
	id := "b"
	if in.byte()%8 == 7 {
		id = ""
	}
	return CastBallot{Poll: pick(in, fuzzPolls), Choice: pick(in, fuzzChoices), BallotID: id}, false
}

// openRound picks the open election round, if any (else a poll id), and
// marks for it: well-formed more often than not.
func (h *fuzzHarness) openRound(in *fuzzInput) (string, string) {
	p := h.l.s.OpenPoll()
	if p == nil || in.byte()%8 == 0 {
		return pick(in, fuzzPolls), pick(in, []string{"1", "0", "", PaperVoid})
	}
	n := len(p.Candidates)
	if in.byte()%8 == 0 {
		n++
	}
	m := make([]byte, n)
	for i := range m {
		m[i] = fuzzMarks[int(in.byte())%len(fuzzMarks)]
		switch p.Style {
		case StyleStrike:
			m[i] = "01"[m[i]%2]
		case StyleAgree:
			m[i] = "01-*"[m[i]%4]
		case StyleConfidence:
			m[i] = "hml-*"[m[i]%5]
		}
	}
	return p.ID, string(m)
}

// annotation builds an annotation from the input, valid more often than not.
func (in *fuzzInput) annotation() Annotation {
	a := Annotation{ID: pick(in, fuzzAnnIDs), Document: pick(in, fuzzDocs), Page: int(in.byte()%12) - 1,
		Kind: pick(in, fuzzKinds), Color: pick(in, fuzzColors)}
	x := float64(in.byte()%8) / 8
	a.Rect = [4]float64{x, x, x + 0.125, x + 0.25}
	switch in.byte() % 4 {
	case 1:
		a.Points = [][2]float64{{x, x}, {x + 0.1, x}}
	case 2:
		a.Points = [][2]float64{{x, 1.5}}
	}
	if in.byte()%4 != 0 {
		a.Text = "Ghi chú: " + pick(in, fuzzTexts)
	}
	return a
}

// fuzzHarness runs commands and checks the invariants after each.
type fuzzHarness struct {
	tb testing.TB
	l  *log
	// ballots are the accepted ballots with their true choices, secret or
	// not: poll → voter → choice. They play the ballot box.
	ballots map[string]map[string]string
	// marks are the election rounds' ballots: poll → voter → marks, as the
	// sealed box keeps them (the harness knows the link; nothing else may).
	marks map[string]map[string]string
}

// tally counts the accepted ballots of a poll by choice, as a ballot box would.
func (h *fuzzHarness) tally(poll string) Tally {
	t := Tally{}
	for _, choice := range h.ballots[poll] {
		t[choice]++
	}
	return t
}

func (h *fuzzHarness) step(actor string, cmd Command, corrupt bool) {
	tb, s := h.tb, h.l.s
	tb.Helper()
	before := mustJSON(tb, s)
	h.l.now = h.l.now.Add(time.Second)
	evs, err := Decide(s, Actor{Participant: actor}, cmd, h.l.now)
	if !bytes.Equal(before, mustJSON(tb, s)) {
		tb.Fatalf("Decide(%s by %s) changed the state", cmd.CommandName(), actor)
	}
	if err != nil {
		e := asError(tb, err)
		switch e.Code {
		case Invalid, NotFound, Forbidden, Conflict, Internal:
		default:
			tb.Fatalf("%s by %s: unexpected code %s", cmd.CommandName(), actor, e.Code)
		}
		if e.Code == Internal && !corrupt {
			tb.Fatalf("%s by %s: internal error with a true tally: %v", cmd.CommandName(), actor, err)
		}
		if evs != nil {
			tb.Fatalf("%s by %s refused with %d events", cmd.CommandName(), actor, len(evs))
		}
		return
	}
	if corrupt && len(evs) > 0 {
		tb.Fatalf("ClosePoll accepted a tally that disagrees with the ballots: %v", cmd)
	}
	for i, e := range evs {
		if e.Seq != s.Version+1 || (i > 0 && e.Seq != evs[i-1].Seq+1) || e.Actor != actor || !e.At.Equal(h.l.now) {
			tb.Fatalf("%s by %s: event %d has seq %d (version %d), actor %q, at %v", cmd.CommandName(), actor, i, e.Seq, s.Version, e.Actor, e.At)
		}
		var back Event
		if err := json.Unmarshal(mustJSON(tb, e), &back); err != nil || !reflect.DeepEqual(back, e) {
			tb.Fatalf("event %s does not survive JSON: %v\n got  %#v\n want %#v", e.Type(), err, back, e)
		}
		h.observe(cmd, e)
		h.checkVisible(e)
		if err := s.Apply(e); err != nil {
			tb.Fatalf("%s by %s: applying its own %s: %v", cmd.CommandName(), actor, e.Type(), err)
		}
		if err := s.Apply(e); err == nil {
			tb.Fatalf("applied %s twice", e.Type())
		}
		h.l.events = append(h.l.events, e)
	}
	h.check()
}

// observe keeps the ballot box and checks each ballot and result against it.
func (h *fuzzHarness) observe(cmd Command, e Event) {
	tb := h.tb
	switch d := e.Data.(type) {
	case BallotCast:
		c := cmd.(CastBallot)
		if _, dup := h.ballots[d.Poll][d.Voter]; dup {
			tb.Fatalf("a second ballot of %s in %s was accepted", d.Voter, d.Poll)
		}
		if p := h.l.s.Polls[d.Poll]; p.Secret != (d.Choice == "") || (!p.Secret && d.Choice != c.Choice) {
			tb.Fatalf("ballot %+v for a poll secret=%v, command choice %q", d, p.Secret, c.Choice)
		}
		if h.ballots[d.Poll] == nil {
			h.ballots[d.Poll] = map[string]string{}
		}
		h.ballots[d.Poll][d.Voter] = c.Choice
		if p := h.l.s.Polls[d.Poll]; p.Kind != "" {
			// No event of a secret ballot says what it holds.
			if d != (BallotCast{Poll: d.Poll, Voter: d.Voter}) || c.Marks == "" {
				tb.Fatalf("an election ballot's event %+v (marks %q)", d, c.Marks)
			}
			h.ballots[d.Poll][d.Voter] = BallotChoice
			if h.marks[d.Poll] == nil {
				h.marks[d.Poll] = map[string]string{}
			}
			h.marks[d.Poll][d.Voter] = c.Marks
		}
	case PollClosed:
		p := h.l.s.Polls[d.Poll]
		t := h.tally(d.Poll)
		if len(d.Result.Counts) != len(p.Choices) || d.Result.Cast != len(h.ballots[d.Poll]) {
			tb.Fatalf("result %+v for %d choices and %d ballots", d.Result, len(p.Choices), len(h.ballots[d.Poll]))
		}
		for _, ch := range p.Choices {
			if d.Result.Counts[ch.ID] != t[ch.ID] {
				tb.Fatalf("result counts %d for %s, the box %d", d.Result.Counts[ch.ID], ch.ID, t[ch.ID])
			}
		}
		if d.Result.Passed && !d.Result.QuorumOK {
			tb.Fatalf("passed without quorum: %+v", d.Result)
		}
		if p.Kind != "" {
			h.recount(p, d.Result.Election)
		}
	}
}

// recount counts an election round again from the harness's box and the
// paper sheets: every valid ballot counted once, every invalid one
// counted invalid.
func (h *fuzzHarness) recount(p *Poll, r *ElectionResult) {
	tb := h.tb
	if r == nil {
		tb.Fatalf("election round %s closed without its count", p.ID)
	}
	all := slices.Collect(maps.Values(h.marks[p.ID]))
	for _, sheets := range p.Paper {
		for n, sh := range sheets {
			if sh.Status != SheetAgreed && sh.Status != SheetResolved {
				tb.Fatalf("round %s closed with sheet %d %s", p.ID, n, sh.Status)
			}
			all = append(all, sh.marks())
		}
	}
	votes := make([]int, len(p.Candidates))
	valid := 0
	for _, m := range all {
		kept := strings.Count(m, "1")
		if m == PaperVoid || (p.Style == StyleStrike && (kept == 0 || kept > p.Seats)) {
			continue
		}
		valid++
		for i := range votes {
			if m[i] == '1' {
				votes[i]++
			}
		}
	}
	if r.Returned != len(all) || r.Valid != valid || r.Invalid != len(all)-valid || len(r.Candidates) != len(p.Candidates) {
		tb.Fatalf("round %s: returned %d valid %d invalid %d; the recount %d, %d", p.ID, r.Returned, r.Valid, r.Invalid, len(all), valid)
	}
	for i, c := range r.Candidates {
		levels := 0
		for _, n := range c.Levels {
			levels += n
		}
		if c.ID != p.Candidates[i] || c.Votes != votes[i] || (p.Kind == KindConfidence && levels != valid) {
			tb.Fatalf("round %s: %+v, the recount %d votes, %d valid", p.ID, c, votes[i], valid)
		}
	}
	reasons := 0
	for _, n := range r.InvalidReasons {
		reasons += n
	}
	if reasons != r.Invalid {
		tb.Fatalf("round %s: %d invalid, reasons %v", p.ID, r.Invalid, r.InvalidReasons)
	}
	if len(r.Elected) > p.Seats {
		tb.Fatalf("round %s elected %v for %d seats", p.ID, r.Elected, p.Seats)
	}
}

// checkVisible checks that a private annotation event reaches its owner
// only, and a shared one only those who may read its document.
func (h *fuzzHarness) checkVisible(e Event) {
	var owner, doc string
	var shared bool
	switch d := e.Data.(type) {
	case AnnotationSaved:
		owner, shared, doc = d.Owner, d.Shared, d.Annotation.Document
	case AnnotationDeleted:
		owner, shared, doc = d.Owner, d.Shared, d.Document
	default:
		return
	}
	for _, viewer := range fuzzPeople {
		got := Visible(h.l.s, e, viewer)
		if !shared && got && viewer != owner {
			h.tb.Fatalf("%s's private %s is visible to %s", owner, e.Type(), viewer)
		}
		if shared && got != h.l.s.CanRead(viewer, doc) {
			h.tb.Fatalf("shared %s on %s visible to %s: %v", e.Type(), doc, viewer, got)
		}
	}
}

// checkFloorTopics: every topic is trimmed, short and without control
// characters; a request's kind is one a tablet may ask for; contributions
// are unique, and those not given name a participant; a given one is a
// speech of its speaker; the speaker's speech is the last, running one.
func (h *fuzzHarness) checkFloorTopics() {
	tb, f := h.tb, h.l.s.Floor
	tb.Helper()
	topicOK := func(t string) bool {
		c, err := checkTopic(t, false)
		return err == nil && c == t
	}
	for id, r := range f.Requests {
		if !topicOK(r.Topic) || (r.Kind != SpeechDefault && r.Kind != SpeechQuestion && r.Kind != SpeechOrder) {
			tb.Fatalf("request of %s: %+v", id, r)
		}
	}
	seen := map[string]bool{}
	for _, c := range f.Contributions {
		if seen[c.ID] || c.Topic == "" || !topicOK(c.Topic) || (!c.Done && h.l.s.Participants[c.Participant] == nil) {
			tb.Fatalf("contribution %+v (seen %v)", c, seen[c.ID])
		}
		seen[c.ID] = true
		given := slices.ContainsFunc(f.Speeches, func(sp Speech) bool {
			return sp.Contribution == c.ID && sp.Participant == c.Participant && sp.Topic == c.Topic && sp.Kind == SpeechContribution
		})
		if given != c.Done {
			tb.Fatalf("contribution %+v done %v, given in a speech %v", c, c.Done, given)
		}
	}
	for _, sp := range f.Speeches {
		if !topicOK(sp.Topic) || (sp.Kind == SpeechContribution) != (sp.Contribution != "") {
			tb.Fatalf("speech %+v", sp)
		}
	}
	if cur := f.CurrentSpeech(); (f.Speaker != "") != (cur != nil) {
		tb.Fatalf("speaker %q, current speech %+v", f.Speaker, cur)
	}
}

// check verifies the invariants of the state against the log and the box.
func (h *fuzzHarness) check() {
	tb, s := h.tb, h.l.s
	tb.Helper()
	if n := uint64(len(h.l.events)); s.Version != n || (n > 0 && h.l.events[n-1].Seq != n) {
		tb.Fatalf("version %d after %d events", s.Version, n)
	}
	open := 0
	for id, p := range s.Polls {
		if p.Status == PollOpen {
			open++
		}
		box := h.ballots[id]
		if len(p.Voters) != len(box) {
			tb.Fatalf("poll %s has %d voters, the box %d ballots", id, len(p.Voters), len(box))
		}
		for v, choice := range p.Voters {
			if _, ok := box[v]; !ok || (p.Secret && choice != "") || (!p.Secret && choice != box[v]) {
				tb.Fatalf("poll %s voter %s: state %q, box %q", id, v, choice, box[v])
			}
		}
	}
	if open > 1 {
		tb.Fatalf("%d polls open", open)
	}
	for _, id := range s.Floor.Queue {
		if s.Participants[id] == nil || id == s.Floor.Speaker {
			tb.Fatalf("queue %v holds %q, unknown or speaking (%q)", s.Floor.Queue, id, s.Floor.Speaker)
		}
		if _, ok := s.Floor.Requests[id]; !ok {
			tb.Fatalf("queued %q has no request", id)
		}
	}
	if len(s.Floor.Requests) != len(s.Floor.Queue) {
		tb.Fatalf("requests %v for queue %v", s.Floor.Requests, s.Floor.Queue)
	}
	h.checkFloorTopics()
	// Attendance with reasons: a substitute is an observer seated for
	// one absent member, linked both ways; nobody present is absent, and
	// only a member who never came is excused for the whole meeting.
	for id, p := range s.Participants {
		if p.For != "" {
			m := s.Participants[p.For]
			if p.Role != RoleObserver || m == nil || m.Substitute != id || m.Present {
				tb.Fatalf("substitute %s for %s misfits: %+v, member %+v", id, p.For, p, m)
			}
		}
		if p.Substitute != "" {
			if sub := s.Participants[p.Substitute]; sub == nil || sub.For != id {
				tb.Fatalf("member %s has substitute %s who does not stand in for them", id, p.Substitute)
			}
		}
		if p.Present && (p.Absence != nil || p.Excused != "") {
			tb.Fatalf("%s is present and absent: %+v", id, p)
		}
		if p.Excused != "" && p.Attended {
			tb.Fatalf("%s attended and is excused for the whole meeting", id)
		}
		if a := p.Absence; a != nil && a.Approved != (p.Excused != "") && !p.Attended {
			tb.Fatalf("%s: absence %+v, excused %q", id, *a, p.Excused)
		}
	}
	// Drafts: every version is a document of one draft only; every
	// comment is on a version of its draft, by a participant.
	seenVersion := map[string]string{}
	for id, dr := range s.Drafts {
		if len(dr.Versions) == 0 || dr.Versions[0] != id {
			tb.Fatalf("draft %s has versions %v", id, dr.Versions)
		}
		for _, v := range dr.Versions {
			if s.Documents[v] == nil || seenVersion[v] != "" {
				tb.Fatalf("draft %s: version %s unknown or in draft %s too", id, v, seenVersion[v])
			}
			seenVersion[v] = id
		}
	}
	for _, c := range s.DraftComments {
		if seenVersion[c.Document] != c.Draft || c.Text == "" {
			tb.Fatalf("comment %+v is on no version of its draft", c)
		}
	}
	for owner, mine := range s.Annotations {
		if s.Participants[owner] == nil {
			tb.Fatalf("removed %s keeps private annotations", owner)
		}
		perDoc := map[string]int{}
		for id, a := range mine {
			perDoc[a.Document]++
			if a.ID != id || s.fitsPage(a.Document, a.Page, true) != nil || a.Validate() != nil || !s.CanRead(owner, a.Document) {
				tb.Fatalf("%s keeps a misfit annotation %s: %+v", owner, id, a)
			}
		}
		for doc, n := range perDoc {
			if n > MaxAnnotationsPerDocument {
				tb.Fatalf("%s has %d annotations on %s", owner, n, doc)
			}
		}
	}
	for id, sh := range s.Shared {
		if sh.ID != id || s.fitsPage(sh.Document, sh.Page, true) != nil || sh.Validate() != nil {
			tb.Fatalf("shared annotation %s misfits: %+v", id, sh)
		}
	}
	for _, r := range s.Rooms {
		if r.Main && r.Following {
			tb.Fatalf("the main hall %s follows", r.ID)
		}
		if p := r.Presentation; p != nil && (r.Main || r.Following || s.fitsPage(p.Document, p.Page, true) != nil) {
			tb.Fatalf("room %+v shows %+v", r, *p)
		}
	}
	for _, viewer := range fuzzPeople {
		v := s.ViewFor(viewer)
		for owner := range v.Annotations {
			if owner != viewer {
				tb.Fatalf("%s sees the private annotations of %s", viewer, owner)
			}
		}
		for id, sh := range v.Shared {
			if !s.CanRead(viewer, sh.Document) {
				tb.Fatalf("%s sees shared annotation %s on %s", viewer, id, sh.Document)
			}
		}
		// No view links a voter of an election round to their marks: the
		// voters of a round have no choice, and only the chair, the
		// secretaries and the committee see the paper entries (which
		// name no voter).
		for id, p := range v.Polls {
			if p.Kind == "" {
				continue
			}
			for voter, choice := range p.Voters {
				if choice != "" {
					tb.Fatalf("%s sees %s's ballot in round %s: %q", viewer, voter, id, choice)
				}
			}
			if p.Paper != nil && !paperView(s, viewer) {
				tb.Fatalf("%s sees the paper entries of %s", viewer, id)
			}
		}
	}
	sameJSON(tb, "replayed state", replay(tb, h.l.events), s)
	sameJSON(tb, "clone", s.Clone(), s)
	for _, viewer := range []string{"d1", "obs"} {
		v := s.ViewFor(viewer)
		for id, p := range v.Polls {
			if p.Status != PollDone && len(p.Voters) > 1 {
				tb.Fatalf("%s sees the voters of open poll %s: %v", viewer, id, p.Voters)
			}
		}
	}
}

// fuzzVotingRun is an input that publishes, opens the session, checks
// people in, votes in the named and the secret poll (one voter twice), and
// closes both polls: (actor, command, arguments…) bytes.
var fuzzVotingRun = []byte{
	0, 9, // sec: Publish
	2, 10, // chair: OpenSession
	2, 25, 0, 3, 25, 0, 4, 25, 0, 5, 25, 0, 6, 25, 0, // chair, d1–d4 check in
	2, 18, 0, // chair: OpenPoll v1
	3, 22, 0, 0, 0, 4, 22, 0, 0, 1, 5, 27, 0, 0, 2, 2, 22, 0, 0, 0, // ballots: for, against, abstain, for
	2, 19, 0, 1, 1, // chair: ClosePoll v1 with the true tally
	2, 18, 1, // chair: OpenPoll s1
	3, 22, 1, 1, 1, 4, 22, 1, 1, 0, 3, 22, 1, 1, 0, // ballots, d1 twice
	2, 19, 1, 1, 1, // chair: ClosePoll s1
}

// fuzzElectionRun is an input that elects d4 (who sits in r2) to the
// counting committee by show of hands, creates election e1 (7 seats, 9
// names, r2 on paper), approves its list, opens round 1, casts four
// tablet ballots (two invalid), has d4 enter and resolve paper sheet 1
// and closes the round: six elected, one seat short.
var fuzzElectionRun = []byte{
	0, 9, // sec: Publish
	2, 10, // chair: OpenSession
	2, 25, 0, 3, 25, 0, 4, 25, 0, 5, 25, 0, 6, 25, 0, // chair, d1–d4 check in
	2, 35, 7, 1, 9, // chair: ProposeCommittee bkp [d4]
	2, 18, 9, 3, 22, 0, 9, 0, 2, 19, 9, 1, 1, // open bkp, d1 for, close
	0, 34, 0, 0, 7, 1, 0, 9, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, // sec: CreateElection e1, r2 on paper
	2, 18, 6, 3, 22, 0, 6, 0, 2, 19, 6, 1, 1, // open e1-approval, d1 for, close
	2, 36, 0, // chair: OpenElectionRound e1
	2, 37, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, // ballots: keep 7 of 9
	3, 37, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0,
	4, 38, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // keeps 9: invalid
	5, 37, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, // strikes all: invalid
	6, 39, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, // d4: EnterPaperBallot r2 #1
	6, 39, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, // d4: ResolvePaperBallot r2 #1
	2, 19, 7, 0, 1, // chair: ClosePoll e1-r1 with the box's ballots
}

// fuzzAnnotationRun is an input that publishes, opens the session, saves a
// private note (d1) and a shared highlight (chair), deletes the note, takes
// r2 off the main hall, shows a page there and makes it follow again.
var fuzzAnnotationRun = []byte{
	0, 9, // sec: Publish
	2, 10, // chair: OpenSession
	3, 28, 0, 0, 2, 2, 0, 1, 0, 1, 0, 1, // d1: SaveAnnotation a1, doc1 p1, note, private
	2, 29, 2, 0, 5, 0, 0, 2, 0, 0, 0, // chair: SaveAnnotation s1, doc1 p4, highlight, shared
	3, 30, 0, 1, // d1: DeleteAnnotation a1
	2, 31, 1, 1, // chair: SetFollowing r2 off
	2, 32, 1, 0, 3, // chair: ShowInRoom r2 doc1 p2
	2, 31, 1, 0, // chair: SetFollowing r2 on
}

// fuzzFloorRun is an input that prepares two contributions, moves the
// second first, has d2 ask a question on a topic (and d3 fail to, with a
// line break in it), gives the floor for d1's contribution, then to d2.
var fuzzFloorRun = []byte{
	0, 43, 0, 4, 0, 0, 1, // sec: AddContribution c1, d1, "Ý kiến về dự toán ngân sách", i1
	0, 43, 1, 5, 2, 7, 1, // sec: AddContribution c2, d2, "  Giáo dục  " (trimmed)
	0, 44, 1, 1, 1, // sec: MoveContribution c2 to 0
	0, 9, // sec: Publish
	2, 10, // chair: OpenSession
	4, 42, 0, 2, // d2: RequestFloor, a question on the budget
	5, 42, 3, 0, // d3: RequestFloor with a line break: refused
	2, 45, 0, 0, // chair: GiveFloor c1
	2, 20, 0, // chair: GiveFloor to the first of the queue (d2)
	2, 21, // chair: EndFloor
}

// runFuzz runs one fuzz input against a copy of base and returns the harness.
func runFuzz(tb testing.TB, base *log, data []byte) *fuzzHarness {
	h := &fuzzHarness{tb: tb, ballots: map[string]map[string]string{}, marks: map[string]map[string]string{},
		l: &log{s: base.s.Clone(), events: append([]Event(nil), base.events...), now: base.now}}
	in := &fuzzInput{b: data}
	for range 64 {
		if len(in.b) == 0 {
			break
		}
		actor := pick(in, fuzzActors)
		cmd, corrupt := in.command(h)
		h.step(actor, cmd, corrupt)
	}
	h.checkFollow(base)
	return h
}

// checkFollow checks that a participant who starts from their view of
// base and follows the events Visible to them, in the form Redact gives
// them, ends with their view of the
// final state: nobody's device learns, or misses, what is theirs to see.
func (h *fuzzHarness) checkFollow(base *log) {
	tb := h.tb
	tb.Helper()
	from := len(base.events)
viewers:
	for _, viewer := range []string{"chair", "d1", "d4", "obs"} {
		full := base.s.Clone()
		view := full.ViewFor
		if full.IsLeanViewer(viewer) {
			view = full.LeanViewFor
		}
		mine := view(viewer)
		for _, e := range h.l.events[from:] {
			if err := full.Apply(e); err != nil {
				tb.Fatal(err)
			}
			if full.Participants[viewer] == nil {
				continue viewers // removed: they follow nothing more
			}
			if !Visible(full, e, viewer) {
				continue
			}
			e, _ := Redact(full, e, viewer)
			if err := mine.Follow(e); err != nil {
				tb.Fatalf("%s following %d (%s): %v", viewer, e.Seq, e.Type(), err)
			}
		}
		want := followView(full, viewer)
		syncLean(mine, want)
		if full.IsLeanViewer(viewer) {
			want = full.LeanViewFor(viewer)
			// The counts come with the server's attendance
			// messages, not with events.
			mine.Lean = want.Lean
		}
		want.Version = mine.Version
		sameJSON(tb, viewer+"'s followed state", mine, want)
	}
}

// TestFuzzAnnotationRun checks that the annotation seed reaches what it is
// meant to.
func TestFuzzAnnotationRun(t *testing.T) {
	h := runFuzz(t, fuzzSeed(t), fuzzAnnotationRun)
	var types []string
	for _, e := range h.l.events {
		switch e.Data.(type) {
		case AnnotationSaved, AnnotationDeleted, RoomFollowing, RoomShown:
			types = append(types, e.Type())
		}
	}
	want := []string{"AnnotationSaved", "AnnotationSaved", "AnnotationDeleted", "RoomFollowing", "RoomShown", "RoomFollowing"}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	if sh := h.l.s.Shared["s1"]; sh == nil || sh.Owner != "chair" || len(h.l.s.Annotations) != 0 || !h.l.s.Room("r2").Following {
		t.Fatalf("shared %v, private %v, rooms %+v", h.l.s.Shared, h.l.s.Annotations, h.l.s.Rooms)
	}
}

// TestFuzzFloorRun checks that the floor seed reaches what it is meant to.
func TestFuzzFloorRun(t *testing.T) {
	f := runFuzz(t, fuzzSeed(t), fuzzFloorRun).l.s.Floor
	budget := "Ý kiến về dự toán ngân sách"
	want := []Speech{{Participant: "d1", Item: "i1", Topic: budget, Kind: SpeechContribution, Contribution: "c1"},
		{Participant: "d2", Topic: budget, Kind: SpeechQuestion}}
	if len(f.Speeches) != 2 || len(f.Queue) != 0 || f.Speaker != "" {
		t.Fatalf("floor %+v", f)
	}
	for i, sp := range f.Speeches {
		sp.From, sp.To = want[i].From, want[i].To
		if sp != want[i] {
			t.Fatalf("speech %d %+v, want %+v", i, sp, want[i])
		}
	}
	if len(f.Contributions) != 2 || f.Contributions[0].ID != "c2" || f.Contributions[0].Topic != "Giáo dục" || f.Contributions[0].Done || !f.Contributions[1].Done {
		t.Fatalf("contributions %+v", f.Contributions)
	}
}

// TestFuzzVotingRun checks that the harness's main seed reaches what it is
// meant to: both polls closed with the ballots it cast.
func TestFuzzVotingRun(t *testing.T) {
	h := runFuzz(t, fuzzSeed(t), fuzzVotingRun)
	v1, s1 := h.l.s.Polls["v1"], h.l.s.Polls["s1"]
	if v1.Status != PollDone || s1.Status != PollDone {
		t.Fatalf("polls v1 %s, s1 %s", v1.Status, s1.Status)
	}
	if v1.Result.Cast != 4 || v1.Result.Counts["for"] != 2 || s1.Result.Cast != 2 || s1.Result.Counts["for"] != 1 {
		t.Fatalf("results v1 %+v, s1 %+v", v1.Result, s1.Result)
	}
}

// TestFuzzElectionRun checks that the election seed reaches what it is
// meant to: the committee elected, round 1 closed and counted with the
// paper sheet.
func TestFuzzElectionRun(t *testing.T) {
	h := runFuzz(t, fuzzSeed(t), fuzzElectionRun)
	s := h.l.s
	p := s.Polls["e1-r1"]
	if !slices.Equal(s.Committee, []string{"d4"}) || p == nil || p.Status != PollDone {
		t.Fatalf("committee %v, round %+v", s.Committee, p)
	}
	r := p.Result.Election
	// c1–c6 kept by the three valid ballots (3 of 5 convened); c0 by two.
	if r.Returned != 5 || r.Valid != 3 || r.Invalid != 2 || len(r.Elected) != 6 || r.NextRound == nil || r.NextRound.Seats != 1 {
		t.Fatalf("result %+v", r)
	}
}

func FuzzCommands(f *testing.F) {
	base := fuzzSeed(f)
	f.Add(fuzzVotingRun)
	f.Add(fuzzElectionRun)
	f.Add(fuzzAnnotationRun)
	f.Add([]byte("\x00\x09\x02\x0a\x03\x17\x04\x17\x02\x14\x00\x03\x15\x02\x0e\x00\x05"))
	f.Add([]byte{})
	f.Add(fuzzFloorRun)
	f.Fuzz(func(t *testing.T, data []byte) {
		runFuzz(t, base, data)
	})
}

// FuzzDecodeCommand feeds DecodeCommand names and arguments: it must not
// panic, must refuse with an Invalid *Error (AddDocument: Forbidden), and a command it accepts must
// encode back to arguments it decodes to the same command.
func FuzzDecodeCommand(f *testing.F) {
	for name := range commandTypes {
		f.Add(name, []byte(`{}`))
	}
	f.Add("CastBallot", []byte(`{"poll":"v1","choice":"for","ballot_id":"b1"}`))
	f.Add("CastBallot", []byte(`{"poll":"v1","choice":"for","ballot_id":"b1","extra":1}`))
	f.Add("ClosePoll", []byte(`{"poll":"v1","tally":{"for":9}}`))
	f.Add("ClosePoll", []byte(`{"poll":"e1-r1","ballots":["1"],"Ballots":["1"]}`))
	f.Add("CastBallot", []byte(`{"poll":"e1-r1","marks":"10-*","ballot_id":"b1"}`))
	f.Add("CreatePoll", []byte(`{"poll":{"id":"x","choices":[{"id":"a"}],"rule":{"quorum_percent":"x"}}}`))
	f.Add("Publish", []byte(`null`))
	f.Add("Publish", []byte(`{} {}`))
	f.Add("Nonsense", []byte(``))
	f.Fuzz(func(t *testing.T, name string, args []byte) {
		cmd, err := DecodeCommand(name, args)
		if err != nil {
			want := Invalid
			if name == "AddDocument" || name == "IssueRecord" || name == "SignRecord" || name == "RecordCopy" || name == "EndAccountSessions" {
				want = Forbidden // only an upload registers a document; only the server signs, registers copies and ends an account's sessions
			}
			if e := asError(t, err); e.Code != want {
				t.Fatalf("code %s, want %s", e.Code, want)
			}
			if cmd != nil {
				t.Fatalf("a refusal returned %#v", cmd)
			}
			return
		}
		if cmd.CommandName() != name {
			t.Fatalf("decoded %s as %s", name, cmd.CommandName())
		}
		if c, ok := cmd.(ClosePoll); ok && (c.Tally != nil || c.Ballots != nil) {
			t.Fatalf("a client set the tally or the ballots: %v %v", c.Tally, c.Ballots)
		}
		b, err := json.Marshal(cmd)
		if err != nil {
			return // e.g. a time beyond year 9999: refused when encoded, not a decode fault
		}
		again, err := DecodeCommand(name, b)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if !bytes.Equal(mustJSON(t, again), b) {
			t.Fatalf("round trip differs: %s vs %s", mustJSON(t, again), b)
		}
	})
}
