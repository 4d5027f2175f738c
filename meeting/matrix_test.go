package meeting

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The role × action matrix of the meeting core (issue 11): every command,
// for every kind of actor, allowed or refused — with the code of the
// refusal — written out by hand below, not computed from the code it
// checks. The HTTP routes and the WebSocket have theirs in cmd/daisd
// (TestRouteMatrix).
//
// The matrix is complete by construction: TestCommandMatrixIsComplete fails
// for a command that has no row, whether it is in the decode table
// (commandTypes) or only declares a CommandName method, and for a row that
// does not say what each actor gets.
//
// To add an actor (a column): give it an id and a role in matrixActors and,
// when it is a participant, add it in matrixSetup; then every row must say
// what it gets — the test names the rows that do not.
//
// The counting committee's member (issue 10) is a delegate on the
// committee (State.Committee), elected by show of hands in mSession.
//
// "A revoked session" is not a column here: the core knows participants,
// not sessions. Revocation is enforced at the edge, before a command
// reaches Decide (cmd/daisd TestRouteMatrix, over HTTP and the WebSocket).

// The actors (columns).
const (
	aSecretary = "secretary"
	aChair     = "chair"
	aPresenter = "presenter" // a delegate the chair handed the presentation to
	aDelegate  = "delegate"
	aCommittee = "committee member" // a delegate on the counting committee
	aObserver  = "observer"
	aDisplay   = "display"
	aOther     = "other meeting's participant"
	aRemoved   = "removed participant"
	aNobody    = "nobody"
)

// matrixActors are the columns, with the participant id each acts as.
var matrixActors = []struct{ name, id string }{
	{aSecretary, "sec"},
	{aChair, "chair"},
	{aPresenter, "d2"},
	{aDelegate, "d1"},
	{aCommittee, "k1"},
	{aObserver, "obs"},
	{aDisplay, "disp"},
	{aOther, "m2-sec"}, // a secretary of another meeting: unknown here
	{aRemoved, "d5"},
	{aNobody, ""},
}

// Groups of columns that come up in most rows.
var (
	// insiders send commands in this meeting.
	insiders = []string{aSecretary, aChair, aPresenter, aDelegate, aCommittee, aObserver}
	// outsiders are not (or no longer) participants: every command but
	// CreateMeeting is refused before anything else is looked at.
	outsiders = []string{aOther, aRemoved, aNobody}
)

// want is a row's expectation per actor: "" allowed, else the refusal's code.
type want map[string]Code

// allow adds that names are allowed.
func (w want) allow(names ...string) want {
	for _, n := range names {
		w[n] = ""
	}
	return w
}

// allow returns the expectation that names are allowed.
func allow(names ...string) want {
	w := want{}
	for _, n := range names {
		w[n] = ""
	}
	return w
}

// refuse adds that names are refused with code.
func (w want) refuse(code Code, names ...string) want {
	for _, n := range names {
		if _, dup := w[n]; dup {
			panic("matrix row names " + n + " twice")
		}
		w[n] = code
	}
	return w
}

// others adds that every actor not named yet is refused with code.
func (w want) others(code Code) want {
	for _, a := range matrixActors {
		if _, ok := w[a.name]; !ok {
			w[a.name] = code
		}
	}
	return w
}

// matrixRow is one command in one situation.
type matrixRow struct {
	name    string // the command's name on the wire
	variant string // what situation, when a command has more than one row
	at      func(testing.TB) *log
	cmd     Command
	want    want
}

// matrixSetup is the fixture every row starts from: the test meeting of
// setupSteps with a display "disp" and a participant "d5" added and
// removed, published and in session, the chair, d1 and d2 present, the
// presentation handed to d2, doc1 shown at page 1.
func matrixSetup(tb testing.TB) *log {
	tb.Helper()
	l := newLog()
	l.run(tb, setupSteps()...)
	l.run(tb,
		step{"sec", AddParticipant{Participant: Participant{ID: "disp", Name: "Màn hình hội trường", Role: RoleDisplay, Room: "main"}}},
		step{"sec", AddParticipant{Participant: Participant{ID: "k1", Name: "Mai Thị Kiểm", Role: RoleDelegate, Room: "main"}}},
		step{"sec", AddParticipant{Participant: Participant{ID: "d5", Name: "Đinh Văn Năm", Role: RoleDelegate, Room: "main"}}},
		step{"sec", RemoveParticipant{Participant: "d5"}},
	)
	return l
}

func mDraft(tb testing.TB) *log { return matrixSetup(tb) }

func mPublished(tb testing.TB) *log {
	l := matrixSetup(tb)
	l.run(tb, step{"sec", Publish{}})
	return l
}

func mSession(tb testing.TB) *log {
	l := mPublished(tb)
	l.run(tb,
		step{"chair", OpenSession{}}, step{"d1", CheckIn{}}, step{"d2", CheckIn{}}, step{"k1", CheckIn{}},
		// k1 is elected to the counting committee.
		step{"sec", ProposeCommittee{Poll: "bkp", Members: []string{"k1"}}}, step{"chair", OpenPoll{Poll: "bkp"}},
		step{"k1", CastBallot{Poll: "bkp", Choice: "for", BallotID: "b"}},
		step{"chair", ClosePoll{Poll: "bkp", Tally: Tally{"for": 1, "against": 0, "abstain": 0}}},
		step{"chair", HandPresentation{To: "d2"}},
		step{"chair", ShowDocument{Document: "doc1", Page: 1}},
	)
	return l
}

// mDrafting is mSession with doc1 open for comments for three days,
// privately to the drafting team (d2 on it).
func mDrafting(tb testing.TB) *log {
	l := mSession(tb)
	l.run(tb, step{"sec", OpenDraft{Document: "doc1", Deadline: t0.Add(72 * time.Hour), Visibility: DraftPrivate, Team: []string{"d2"}}})
	return l
}

// mContributions is mSession with two registered contributions, c1 (d1's)
// and c2 (d2's).
func mContributions(tb testing.TB) *log {
	l := mSession(tb)
	l.run(tb,
		step{"sec", AddContribution{Contribution: Contribution{ID: "c1", Participant: "d1", Topic: "Phát triển kinh tế số"}}},
		step{"sec", AddContribution{Contribution: Contribution{ID: "c2", Participant: "d2", Topic: "Chuyển đổi số trong y tế"}}},
	)
	return l
}

// then returns a fixture: base followed by steps.
func then(base func(testing.TB) *log, steps ...step) func(testing.TB) *log {
	return func(tb testing.TB) *log {
		l := base(tb)
		l.run(tb, steps...)
		return l
	}
}

func matrixNote(id, doc string) Annotation {
	return Annotation{ID: id, Document: doc, Page: 1, Kind: AnnotationNote, Color: "#FFCC00", Rect: [4]float64{0.1, 0.1, 0.2, 0.2}, Text: "Ghi chú"}
}

// matrixRows is the matrix. Every row's fixture makes its command valid
// for whoever may send it, so a refusal says who may not, not what is
// missing.
func matrixRows() []matrixRow {
	secretaryOnly := allow(aSecretary).refuse(Forbidden, aChair, aPresenter, aDelegate, aObserver, aDisplay).others(Forbidden)
	chairOnly := allow(aChair).refuse(Forbidden, aSecretary, aPresenter, aDelegate, aObserver, aDisplay).others(Forbidden)
	presenting := allow(aChair, aPresenter).refuse(Forbidden, aSecretary, aDelegate, aObserver, aDisplay).others(Forbidden)
	everyInsider := allow(insiders...).refuse(Forbidden, aDisplay).others(Forbidden)
	voters := allow(aChair, aPresenter, aDelegate, aCommittee).refuse(Forbidden, aSecretary, aObserver, aDisplay).others(Forbidden)
	staffAndChair := allow(aSecretary, aChair).refuse(Forbidden, aPresenter, aDelegate, aObserver, aDisplay).others(Forbidden)

	return []matrixRow{
		// Setup.
		{name: "CreateMeeting", variant: "the meeting exists", at: mSession,
			cmd: CreateMeeting{ID: "m1", Title: "Lại", Rooms: []Room{{ID: "main", Name: "Hội trường"}}, Secretary: Participant{ID: "sec", Name: "Oanh"}},
			// Creation is checked before membership: nobody re-creates a meeting.
			want: want{}.refuse(Conflict, aSecretary, aChair, aPresenter, aDelegate, aCommittee, aObserver, aDisplay, aOther, aRemoved, aNobody)},
		// Who may create a meeting at all is decided at the edge (an
		// account, a secretary's session, the admin token: TestRouteMatrix);
		// the core only insists that the creator is its first secretary.
		{name: "CreateMeeting", variant: "a new meeting, naming oneself secretary", at: func(testing.TB) *log { return newLog() },
			want: allow(aSecretary, aChair, aPresenter, aDelegate, aCommittee, aObserver, aDisplay, aOther, aRemoved).refuse(Invalid, aNobody)},
		{name: "UpdateMeeting", at: mSession, cmd: UpdateMeeting{Title: "Kỳ họp bất thường"}, want: secretaryOnly},
		{name: "AddRoom", at: mSession, cmd: AddRoom{Room: Room{ID: "r3", Name: "Điểm cầu huyện Ba Vì"}}, want: secretaryOnly},
		{name: "AddParticipant", at: mSession, cmd: AddParticipant{Participant: Participant{ID: "d6", Name: "Lý Thị Sáu", Role: RoleDelegate, Room: "main"}}, want: secretaryOnly},
		{name: "UpdateParticipant", at: mSession, cmd: UpdateParticipant{Participant: Participant{ID: "d3", Name: "Hoàng Thị Thu Hà", Title: "Giám đốc Sở Y tế", Role: RoleDelegate, Room: "main"}}, want: secretaryOnly},
		{name: "RemoveParticipant", at: mSession, cmd: RemoveParticipant{Participant: "d3"}, want: secretaryOnly},
		{name: "RevokeSessions", at: mSession, cmd: RevokeSessions{Participant: "d3"}, want: secretaryOnly},
		{name: "RevokeSessions", variant: "after the close", at: then(mSession, step{"chair", CloseMeeting{}}), cmd: RevokeSessions{Participant: "d3"}, want: secretaryOnly},
		// The office's own command (an administrator disabling an account,
		// Actor.Office: TestEndAccountSessions); no participant sends it.
		{name: "EndAccountSessions", at: mSession, cmd: EndAccountSessions{Account: "binh", Sessions: []ParticipantSession{{"chair", "s1"}}}, want: want{}.others(Forbidden)},
		{name: "AddAgendaItem", at: mSession, cmd: AddAgendaItem{Item: Item{ID: "i4", Title: "Kiến nghị"}}, want: secretaryOnly},
		{name: "MoveAgendaItem", at: mSession, cmd: MoveAgendaItem{Item: "i3", Index: 0}, want: secretaryOnly},
		// The core lets a secretary register a document: the upload does,
		// on her behalf. The wire refuses it from everyone (wireRefused).
		{name: "AddDocument", at: mSession, cmd: AddDocument{Document: Document{ID: "doc9", Title: "Phụ lục", Pages: 2, SHA256: sha}}, want: secretaryOnly},
		{name: "AttachDocument", at: mSession, cmd: AttachDocument{Item: "i1", Document: "doc1"}, want: secretaryOnly},
		{name: "AddProposal", at: mSession, cmd: AddProposal{Proposal: Proposal{ID: "pr3", Title: "Nghị quyết giám sát"}}, want: secretaryOnly},
		{name: "Publish", at: mDraft, cmd: Publish{}, want: secretaryOnly},

		// Running the meeting.
		{name: "OpenSession", at: mPublished, cmd: OpenSession{}, want: chairOnly},
		{name: "Adjourn", at: mSession, cmd: Adjourn{}, want: chairOnly},
		{name: "CloseMeeting", at: mSession, cmd: CloseMeeting{}, want: chairOnly},
		{name: "SetCurrentItem", at: mSession, cmd: SetCurrentItem{Item: "i2"}, want: chairOnly},
		{name: "HandPresentation", at: mSession, cmd: HandPresentation{To: "d3"}, want: chairOnly},
		{name: "ShowDocument", at: mSession, cmd: ShowDocument{Document: "doc1", Page: 3}, want: presenting},
		{name: "TurnPage", at: mSession, cmd: TurnPage{Page: 2}, want: presenting},
		{name: "CreatePoll", at: mSession, cmd: CreatePoll{Poll: Poll{ID: "v9", Question: "Thông qua chương trình"}}, want: staffAndChair},
		{name: "OpenPoll", at: mSession, cmd: OpenPoll{Poll: "v1"}, want: chairOnly},
		{name: "ClosePoll", at: then(mSession, step{"chair", OpenPoll{Poll: "v1"}}), cmd: ClosePoll{Poll: "v1", Tally: Tally{}}, want: chairOnly},
		{name: "GiveFloor", at: mSession, cmd: GiveFloor{Participant: "d3"}, want: chairOnly},
		{name: "GiveFloor", variant: "a registered contribution", at: mContributions, cmd: GiveFloor{Contribution: "c1"}, want: chairOnly},
		// Registered contributions (tham luận): the secretaries and the chair.
		{name: "AddContribution", at: mContributions, cmd: AddContribution{Contribution: Contribution{ID: "c9", Participant: "d3", Topic: "Cải cách hành chính", Item: "i2"}},
			want: staffAndChair},
		{name: "RemoveContribution", at: mContributions, cmd: RemoveContribution{Contribution: "c2"}, want: staffAndChair},
		{name: "MoveContribution", at: mContributions, cmd: MoveContribution{Contribution: "c2", Index: 0}, want: staffAndChair},
		{name: "EndFloor", variant: "someone else speaks", at: then(mSession, step{"chair", GiveFloor{Participant: "d3"}}), cmd: EndFloor{},
			want: chairOnly},
		{name: "EndFloor", variant: "the delegate speaks", at: then(mSession, step{"chair", GiveFloor{Participant: "d1"}}), cmd: EndFloor{},
			want: allow(aChair, aDelegate).refuse(Forbidden, aSecretary, aPresenter, aObserver, aDisplay).others(Forbidden)},

		// Taking part.
		{name: "CastBallot", at: then(mSession, step{"chair", OpenPoll{Poll: "v1"}}), cmd: CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}, want: voters},
		{name: "CastBallot", variant: "secret poll", at: then(mSession, step{"chair", OpenPoll{Poll: "s1"}}), cmd: CastBallot{Poll: "s1", Choice: "against", BallotID: "b1"}, want: voters},
		// A secretary may ask for the floor (to report); an observer may not.
		{name: "RequestFloor", at: mSession, cmd: RequestFloor{},
			want: allow(aSecretary, aChair, aPresenter, aDelegate, aCommittee).refuse(Forbidden, aObserver, aDisplay).others(Forbidden)},
		{name: "RequestFloor", variant: "a question on a topic", at: mSession, cmd: RequestFloor{Topic: "Ý kiến về dự toán ngân sách", Kind: SpeechQuestion},
			want: allow(aSecretary, aChair, aPresenter, aDelegate, aCommittee).refuse(Forbidden, aObserver, aDisplay).others(Forbidden)},
		{name: "WithdrawFloor", at: then(mSession, step{"sec", RequestFloor{}}, step{"chair", RequestFloor{}}, step{"d2", RequestFloor{}}, step{"d1", RequestFloor{}}, step{"k1", RequestFloor{}}),
			cmd: WithdrawFloor{},
			// The observer could not have asked.
			want: allow(aSecretary, aChair, aPresenter, aDelegate, aCommittee).refuse(Conflict, aObserver).refuse(Forbidden, aDisplay).others(Forbidden)},
		{name: "CheckIn", variant: "oneself", at: then(mSession, step{"chair", CheckOut{}}, step{"d1", CheckOut{}}, step{"d2", CheckOut{}}, step{"k1", CheckOut{}}),
			cmd: CheckIn{}, want: everyInsider},
		{name: "CheckIn", variant: "someone else", at: mSession, cmd: CheckIn{Participant: "d4"}, want: staffAndChair},
		{name: "CheckOut", variant: "oneself", at: then(mSession, step{"sec", CheckIn{}}, step{"obs", CheckIn{}}),
			cmd: CheckOut{}, want: everyInsider},
		{name: "CheckOut", variant: "someone else", at: then(mSession, step{"d3", CheckIn{}}), cmd: CheckOut{Participant: "d3"}, want: staffAndChair},
		// Finding 8: nobody takes a present member's vote away.
		{name: "CheckOut", variant: "a voter, during a poll", at: then(mSession, step{"d3", CheckIn{}}, step{"chair", OpenPoll{Poll: "v1"}}),
			cmd:  CheckOut{Participant: "d3"},
			want: want{}.refuse(Conflict, aSecretary, aChair).refuse(Forbidden, aPresenter, aDelegate, aObserver, aDisplay).others(Forbidden)},

		// Annotations.
		{name: "SaveAnnotation", variant: "private, public document", at: mSession, cmd: SaveAnnotation{Annotation: matrixNote("n1", "doc1")}, want: everyInsider},
		{name: "SaveAnnotation", variant: "private, confidential document (reader: the delegate)", at: mSession,
			cmd:  SaveAnnotation{Annotation: matrixNote("n1", "doc2")},
			want: allow(aSecretary, aChair, aDelegate).refuse(Forbidden, aPresenter, aObserver, aDisplay).others(Forbidden)},
		{name: "SaveAnnotation", variant: "shared with the room", at: mSession, cmd: SaveAnnotation{Annotation: matrixNote("n1", "doc1"), Shared: true}, want: presenting},
		{name: "DeleteAnnotation", variant: "one's own", at: then(mSession,
			step{"sec", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}}, step{"chair", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}},
			step{"d2", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}}, step{"d1", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}},
			step{"k1", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}}, step{"obs", SaveAnnotation{Annotation: matrixNote("mine", "doc1")}}),
			cmd: DeleteAnnotation{ID: "mine"}, want: everyInsider},
		// Another's private annotation does not exist for anyone else, the
		// secretary and the chair included.
		{name: "DeleteAnnotation", variant: "another's private one", at: then(mSession, step{"d3", SaveAnnotation{Annotation: matrixNote("theirs", "doc1")}}),
			cmd: DeleteAnnotation{ID: "theirs"}, want: want{}.refuse(NotFound, insiders...).refuse(Forbidden, aDisplay).others(Forbidden)},
		{name: "DeleteAnnotation", variant: "the room's", at: then(mSession, step{"chair", SaveAnnotation{Annotation: matrixNote("sh1", "doc1"), Shared: true}}),
			cmd: DeleteAnnotation{ID: "sh1", Shared: true}, want: presenting},

		// Linked rooms: the chair, or the secretary seated in that room
		// (ours sits in the main hall; rooms_test.go has the room's own).
		{name: "SetFollowing", at: mSession, cmd: SetFollowing{Room: "r2", Follow: false}, want: chairOnly},
		{name: "ShowInRoom", at: then(mSession, step{"chair", SetFollowing{Room: "r2", Follow: false}}), cmd: ShowInRoom{Room: "r2", Document: "doc1", Page: 2}, want: chairOnly},

		// Elections (issue 10): the secretary prepares, the meeting
		// approves by show of hands, the chair opens and closes, the
		// members vote, the committee types the paper ballots.
		{name: "CreateElection", at: mSession, cmd: CreateElection{Election: mElection(nil)}, want: secretaryOnly},
		{name: "UpdateElection", at: then(mSession, step{"sec", CreateElection{Election: mElection(nil)}}),
			cmd: UpdateElection{Election: Election{ID: "bch", Title: "Bầu Bí thư Đảng ủy", Seats: 1, Candidates: candidates(1)}}, want: secretaryOnly},
		{name: "ExcuseAbsence", at: mSession, cmd: ExcuseAbsence{Participant: "d3", Reason: "Đi công tác"}, want: secretaryOnly},

		// Attendance with reasons (issue 13): the office records absences
		// (the chair too), the secretary seats substitutes and sets the
		// rules; a seated substitute votes for the member where allowed.
		{name: "MarkAbsent", at: mSession, cmd: MarkAbsent{Participant: "d3", Reason: "Đi công tác", Approved: true}, want: staffAndChair},
		{name: "SeatSubstitute", at: mSession, cmd: SeatSubstitute{Participant: "obs", For: "d3"}, want: secretaryOnly},
		{name: "SetAttendanceRules", at: mSession, cmd: SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true}}, want: secretaryOnly},
		{name: "CastBallot", variant: "a substitute may vote", at: then(mSession, step{"sec", SetAttendanceRules{Rules: AttendanceRules{SubstitutesVote: true}}},
			step{"sec", SeatSubstitute{Participant: "obs", For: "d3"}}, step{"obs", CheckIn{}}, step{"chair", OpenPoll{Poll: "v1"}}),
			cmd:  CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"},
			want: allow(aChair, aPresenter, aDelegate, aCommittee, aObserver).refuse(Forbidden, aSecretary, aDisplay).others(Forbidden)},
		{name: "CastBallot", variant: "a substitute may not vote", at: then(mSession,
			step{"sec", SeatSubstitute{Participant: "obs", For: "d3"}}, step{"obs", CheckIn{}}, step{"chair", OpenPoll{Poll: "v1"}}),
			cmd: CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}, want: voters},
		// A candidate may not sit on the committee: tested in elections_test.go.
		// Before the session (mSession has elected one; a committee is elected once).
		{name: "ProposeCommittee", at: mPublished, cmd: ProposeCommittee{Poll: "bkp2", Members: []string{"d3"}}, want: staffAndChair},
		{name: "OpenElectionRound", at: mApproved(nil), cmd: OpenElectionRound{Election: "bch"}, want: chairOnly},
		{name: "CastBallot", variant: "election round", at: then(mApproved(nil), step{"chair", OpenElectionRound{Election: "bch"}}),
			cmd: CastBallot{Poll: "bch-r1", Marks: "1", BallotID: "b1"}, want: voters},
		{name: "ClosePoll", variant: "election round", at: then(mApproved(nil), step{"chair", OpenElectionRound{Election: "bch"}}),
			cmd: ClosePoll{Poll: "bch-r1", Tally: Tally{BallotChoice: 0}}, want: chairOnly},
		{name: "EnterPaperBallot", at: then(mApproved([]string{"r2"}), step{"chair", OpenElectionRound{Election: "bch"}}),
			cmd: EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "1"}, want: allow(aCommittee).others(Forbidden)},
		{name: "ResolvePaperBallot", at: then(mApproved([]string{"r2"}), step{"chair", OpenElectionRound{Election: "bch"}},
			step{"k1", EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "0"}}),
			cmd: ResolvePaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "1"}, want: allow(aCommittee).others(Forbidden)},

		// Signed records (issue 12): the server issues and signs on behalf
		// of the chair and the secretaries (any record) and the counting
		// committee (the counting minutes), also after the close.
		{name: "IssueRecord", at: mSession, cmd: IssueRecord{Record: "minutes/vi", SHA256: sha, Size: 100}, want: staffAndChair},
		{name: "IssueRecord", variant: "counting minutes", at: then(mApproved(nil)),
			cmd:  IssueRecord{Record: "counting/bch/vi", SHA256: sha, Size: 100},
			want: allow(aSecretary, aChair, aCommittee).refuse(Forbidden, aPresenter, aDelegate, aObserver, aDisplay).others(Forbidden)},
		{name: "SignRecord", at: then(mSession, step{"sec", IssueRecord{Record: "packet", SHA256: sha, Size: 100}}),
			cmd: SignRecord{Record: "packet", Prev: sha, SHA256: sha2, Size: 120, Signer: "Trần Văn Quang", Level: "B-B", Where: "server"}, want: staffAndChair},
		{name: "SignRecord", variant: "after the close", at: then(mSession, step{"sec", IssueRecord{Record: "minutes/vi", SHA256: sha, Size: 100}}, step{"chair", CloseMeeting{}}),
			cmd: SignRecord{Record: "minutes/vi", Prev: sha, SHA256: sha2, Size: 120, Signer: "Trần Văn Quang", Level: "B-T", Where: "token"}, want: staffAndChair},
		// Secrecy (issue 12). doc2 is reserved to d1 (Mật, an old
		// "confidential" document); mCopies makes doc1 Mật too and gives
		// every insider and the display a copy of it on device "tab".
		{name: "SetSecrecyRules", at: mSession, cmd: SetSecrecyRules{Level: ToiMat, Rules: LevelRules{Watermark: true, Offline: true}}, want: secretaryOnly},
		{name: "SetDocumentLevel", at: mSession, cmd: SetDocumentLevel{Document: "doc1", Level: ToiMat}, want: secretaryOnly},
		{name: "TakeBackDocument", at: mSession, cmd: TakeBackDocument{Document: "doc2"}, want: staffAndChair},
		{name: "AllowRoomDisplay", at: mSession, cmd: AllowRoomDisplay{Document: "doc2", Allow: true}, want: chairOnly},
		// A tablet's report: a display's too (it sends no other command).
		{name: "ConfirmDeletion", at: mCopies, cmd: ConfirmDeletion{Device: "tab", Documents: []string{"doc1"}},
			want: allow(aSecretary, aChair, aPresenter, aDelegate, aCommittee, aObserver, aDisplay).others(Forbidden)},
		// Drafts for comment (issue 13, part 5): the secretary opens, closes
		// and versions; whoever may read the document comments (doc2: d1).
		{name: "OpenDraft", at: mSession, cmd: OpenDraft{Document: "doc1", Deadline: t0.Add(72 * time.Hour), Visibility: DraftPrivate, Team: []string{"d2"}}, want: secretaryOnly},
		{name: "CloseDraft", at: mDrafting, cmd: CloseDraft{Draft: "doc1"}, want: secretaryOnly},
		{name: "AddDraftVersion", at: then(mDrafting, step{"sec", AddDocument{Document: Document{ID: "doc1v2", Title: "Báo cáo (bản 2)", Pages: 10, SHA256: sha}}}),
			cmd: AddDraftVersion{Draft: "doc1", Document: "doc1v2"}, want: secretaryOnly},
		{name: "CommentDraft", at: mDrafting, cmd: CommentDraft{ID: "y1", Document: "doc1", Page: 2, Text: "Đề nghị bổ sung số liệu"}, want: everyInsider},
		{name: "CommentDraft", variant: "a confidential draft", at: then(mSession, step{"sec", OpenDraft{Document: "doc2", Deadline: t0.Add(72 * time.Hour), Visibility: DraftPublic}}),
			cmd:  CommentDraft{ID: "y1", Document: "doc2", Page: 1, Text: "Ý kiến"},
			want: allow(aSecretary, aChair, aDelegate).refuse(NotFound, aPresenter, aCommittee, aObserver).refuse(Forbidden, aDisplay).others(Forbidden)},
		{name: "CommentDraft", variant: "past the deadline", at: func(tb testing.TB) *log {
			l := then(mSession, step{"sec", OpenDraft{Document: "doc1", Deadline: t0.Add(time.Hour), Visibility: DraftPublic}})(tb)
			l.now = t0.Add(2 * time.Hour) // the meeting's clock passes the deadline: no sleep
			return l
		},
			cmd:  CommentDraft{ID: "y1", Document: "doc1", Page: 1, Text: "Muộn"},
			want: want{}.refuse(Conflict, insiders...).refuse(Forbidden, aDisplay).others(Forbidden)},
		// Only its author edits a comment (d1's, on a private draft: the team sees it, others do not).
		{name: "EditDraftComment", at: then(mDrafting, step{"d1", CommentDraft{ID: "y1", Document: "doc1", Page: 2, Text: "Đề nghị bổ sung số liệu"}}),
			cmd:  EditDraftComment{Comment: "y1", Text: "Đề nghị bổ sung số liệu năm 2026"},
			want: allow(aDelegate).refuse(Forbidden, aSecretary, aChair, aPresenter, aDisplay).refuse(NotFound, aCommittee, aObserver).others(Forbidden)},
		// Made by the document routes for the reader; the wire refuses it.
		{name: "RecordCopy", variant: "reserved to d1", at: mSession, cmd: matrixCopy("doc2", CopyView),
			want: allow(aSecretary, aChair, aDelegate).refuse(Forbidden, aPresenter, aCommittee, aObserver, aDisplay).others(Forbidden)},
		{name: "RecordCopy", variant: "taken back", at: then(mSession, step{"sec", TakeBackDocument{Document: "doc2"}}), cmd: matrixCopy("doc2", CopyView),
			want: allow(aSecretary, aChair).refuse(Conflict, aPresenter, aDelegate, aCommittee, aObserver, aDisplay).others(Forbidden)},
		{name: "RecordCopy", variant: "a Tối mật download", at: then(mSession, step{"sec", SetDocumentLevel{Document: "doc1", Level: ToiMat}}), cmd: matrixCopy("doc1", CopyDownload),
			want: allow(aSecretary, aChair).refuse(Forbidden, aPresenter, aDelegate, aCommittee, aObserver, aDisplay).others(Forbidden)},
		{name: "RecordCopy", variant: "Tuyệt mật, not presented", at: then(mSession, step{"sec", SetDocumentLevel{Document: "doc2", Level: TuyetMat}}), cmd: matrixCopy("doc2", CopyView),
			want: allow(aSecretary, aChair, aDelegate).refuse(Forbidden, aPresenter, aCommittee, aObserver, aDisplay).others(Forbidden)},
		{name: "RecordCopy", variant: "Tuyệt mật, presented", at: then(mSession, step{"sec", SetDocumentLevel{Document: "doc2", Level: TuyetMat}}, step{"chair", ShowDocument{Document: "doc2", Page: 1}}),
			cmd: matrixCopy("doc2", CopyView), want: allow(insiders...).allow(aDisplay).others(Forbidden)},
	}
}

// matrixCopy is a RecordCopy of doc on device "tab".
func matrixCopy(doc, kind string) RecordCopy {
	return RecordCopy{Device: "tab", Document: doc, Kind: kind, Watermark: "w1", WatermarkText: "TÀI LIỆU MẬT — thử"}
}

// mCopies is mSession with doc1 made Mật and a copy of it recorded for
// every insider and the display on device "tab".
func mCopies(tb testing.TB) *log {
	l := mSession(tb)
	l.run(tb, step{"sec", SetDocumentLevel{Document: "doc1", Level: Mat}})
	for _, id := range []string{"sec", "chair", "d2", "d1", "k1", "obs", "disp"} {
		l.run(tb, step{id, matrixCopy("doc1", CopyView)})
	}
	return l
}

// mElection is a one-seat election with one name, on paper in paperRooms.
func mElection(paperRooms []string) Election {
	return Election{ID: "bch", Title: "Bầu Bí thư", Seats: 1, Candidates: candidates(1), PaperRooms: paperRooms}
}

// mApproved is mSession with mElection(paperRooms) created and its list
// approved by show of hands.
func mApproved(paperRooms []string) func(testing.TB) *log {
	return then(mSession, step{"sec", CreateElection{Election: mElection(paperRooms)}},
		step{"chair", OpenPoll{Poll: "bch-approval"}}, step{"d1", CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "b"}},
		step{"chair", ClosePoll{Poll: "bch-approval", Tally: Tally{"for": 1, "against": 0, "abstain": 0}}})
}

// wireRefused are the commands the server makes itself: DecodeCommand
// refuses them from a client (Forbidden), whoever sends them.
var wireRefused = []string{"AddDocument", "IssueRecord", "SignRecord", "RecordCopy", "EndAccountSessions"}

// commandFor returns the row's command for actor id (CreateMeeting of a new
// meeting names the actor its secretary).
func (r matrixRow) commandFor(id string) Command {
	if r.cmd == nil && r.name == "CreateMeeting" {
		return CreateMeeting{ID: "m2", Title: "Hội nghị mới", Rooms: []Room{{ID: "main", Name: "Hội trường"}},
			Secretary: Participant{ID: id, Name: "Người tạo"}}
	}
	return r.cmd
}

func (r matrixRow) label() string {
	if r.variant == "" {
		return r.name
	}
	return r.name + " (" + r.variant + ")"
}

// TestCommandMatrix runs every row for every actor through Decide on the
// row's fixture, and through DecodeCommand as a client would send it.
func TestCommandMatrix(t *testing.T) {
	for _, row := range matrixRows() {
		t.Run(row.label(), func(t *testing.T) {
			for _, a := range matrixActors {
				code, ok := row.want[a.name]
				if !ok {
					t.Fatalf("no expectation for %s", a.name)
				}
				l := row.at(t)
				before := mustJSON(t, l.s)
				cmd := row.commandFor(a.id)
				if cmd.CommandName() != row.name {
					t.Fatalf("row %s holds a %s", row.name, cmd.CommandName())
				}
				evs, err := Decide(l.s, Actor{Participant: a.id}, cmd, l.now.Add(1))
				if string(mustJSON(t, l.s)) != string(before) {
					t.Fatalf("%s: Decide changed the state", a.name)
				}
				if code == "" {
					if err != nil {
						t.Errorf("%s (%q) should be allowed, was refused: %v", a.name, a.id, err)
						continue
					}
					if len(evs) == 0 {
						t.Errorf("%s: allowed but changed nothing: the fixture makes the row a no-op", a.name)
					}
					for _, e := range evs {
						if err := l.s.Apply(e); err != nil {
							t.Errorf("%s: applying %s: %v", a.name, e.Type(), err)
						}
					}
					continue
				}
				if err == nil {
					t.Errorf("%s (%q) should be refused %s, was allowed (%d events)", a.name, a.id, code, len(evs))
					continue
				}
				if got := asError(t, err).Code; got != code {
					t.Errorf("%s (%q) refused %s, want %s: %v", a.name, a.id, got, code, err)
				}
			}
			// The same command as a client sends it.
			raw := mustJSON(t, row.commandFor("sec"))
			_, err := DecodeCommand(row.name, raw)
			switch {
			case slices.Contains(wireRefused, row.name):
				if ErrorCode(err) != Forbidden {
					t.Errorf("DecodeCommand(%s) = %v, want forbidden: only the server makes it", row.name, err)
				}
			case err != nil:
				t.Errorf("DecodeCommand(%s, %s): %v", row.name, raw, err)
			}
		})
	}
}

// TestCommandMatrixOnAClosedMeeting: once closed, nothing changes but a
// secretary's revocation (a tablet lost after the meeting); outsiders are
// still told they are not participants first.
func TestCommandMatrixOnAClosedMeeting(t *testing.T) {
	closed := then(mSession, step{"chair", CloseMeeting{}})
	for _, row := range matrixRows() {
		if row.name == "CreateMeeting" && row.cmd == nil {
			continue // a new meeting: nothing to do with this one
		}
		t.Run(row.label(), func(t *testing.T) {
			for _, a := range matrixActors {
				var want Code
				switch {
				case row.name == "CreateMeeting":
					want = Conflict
				case slices.Contains(outsiders, a.name):
					want = Forbidden
				case row.name == "EndAccountSessions":
					want = Forbidden
				case row.name == "RevokeSessions" && a.name == aSecretary:
					want = ""
				case row.name == "RevokeSessions":
					want = Forbidden
				// Records are signed after the close too: who may is as
				// in the open meeting; the closed fixture has neither the
				// election nor the issued record the rows set up.
				case (row.name == "IssueRecord" || row.name == "SignRecord") && row.want[a.name] != "":
					want = Forbidden
				case row.name == "SignRecord":
					want = Conflict
				case row.variant == "counting minutes":
					want = NotFound
				case row.name == "IssueRecord":
					want = ""
				case row.name == "ConfirmDeletion":
					want = "" // a tablet reports after the close (here: nothing was out, a no-op)
				case row.name == "RecordCopy" && row.variant == "a Tối mật download":
					want = Invalid // doc1 of the closed fixture is not secret
				case row.name == "RecordCopy" && (a.name == aSecretary || a.name == aChair):
					want = "" // their copies are still served
				case row.name == "RecordCopy":
					want = Conflict // the close took every secret document back
				default:
					want = Conflict
				}
				l := closed(t)
				_, err := Decide(l.s, Actor{Participant: a.id}, row.commandFor(a.id), l.now.Add(1))
				if got := ErrorCode(err); (err == nil) != (want == "") || (err != nil && got != want) {
					t.Errorf("%s: got %v, want %q", a.name, err, want)
				}
			}
		})
	}
}

// TestCommandMatrixIsComplete fails when a command has no row: every name
// in the decode table, and every type of package meeting with a
// CommandName method (a command the server makes itself may be in no
// table), and when a row does not cover every actor exactly.
func TestCommandMatrixIsComplete(t *testing.T) {
	rows := map[string]bool{}
	for _, r := range matrixRows() {
		rows[r.name] = true
		var missing, extra []string
		for _, a := range matrixActors {
			if _, ok := r.want[a.name]; !ok {
				missing = append(missing, a.name)
			}
		}
		for name := range r.want {
			if !slices.ContainsFunc(matrixActors, func(a struct{ name, id string }) bool { return a.name == name }) {
				extra = append(extra, name)
			}
		}
		if len(missing) > 0 || len(extra) > 0 {
			t.Errorf("matrix row %s: no expectation for %v; unknown actors %v", r.label(), missing, extra)
		}
	}
	var names []string
	for name := range commandTypes {
		names = append(names, name)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	methods := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "CommandName" || fn.Body == nil || len(fn.Body.List) != 1 {
				continue
			}
			// The name on the wire: the method's one "return \"Name\"".
			ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				t.Errorf("%s: a CommandName method that does not return a literal", fset.Position(fn.Pos()))
				continue
			}
			lit, ok := ret.Results[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a CommandName method that does not return a literal", fset.Position(fn.Pos()))
				continue
			}
			methods++
			names = append(names, strings.Trim(lit.Value, "`\""))
		}
	}
	if methods < len(commandTypes) {
		t.Fatalf("found %d CommandName methods in the package's files, fewer than the %d decodable commands", methods, len(commandTypes))
	}
	sort.Strings(names)
	names = slices.Compact(names)
	for _, name := range names {
		if !rows[name] {
			t.Errorf("command %s has no row in the role × action matrix (meeting/matrix_test.go, matrixRows): say who may send it", name)
		}
	}
}
