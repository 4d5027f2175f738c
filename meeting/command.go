package meeting

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// Command is a request to change a meeting. Each command is a struct whose
// fields are its arguments; CommandName is its name on the wire.
type Command interface {
	CommandName() string
}

// Actor is who issues a command: a participant of the meeting, by id. The
// actor's role is looked up in the state, never taken from the client. The
// one exception is CreateMeeting, which makes its actor the meeting's first
// secretary.
type Actor struct {
	Participant string `json:"participant"`
	// Office, with no Participant, is the office acting on the meeting
	// from outside it, on behalf of the administrator's account it names
	// (the recovery token's actor too): it may only run
	// EndAccountSessions. The server sets it; a client never does.
	Office string `json:"office,omitempty"`
}

// Setup commands, for secretaries. They are accepted before and during the
// session, and refused once the meeting is closed.
type (
	// CreateMeeting creates the meeting and makes Secretary (whose id is the
	// actor's) its first secretary.
	CreateMeeting struct {
		ID        string      `json:"id"`
		Title     string      `json:"title"`
		StartsAt  time.Time   `json:"starts_at"`
		Place     string      `json:"place"`
		Rooms     []Room      `json:"rooms"`
		Secretary Participant `json:"secretary"`
	}
	// UpdateMeeting changes title, time and place; empty fields stay as they are.
	UpdateMeeting struct {
		Title    string    `json:"title,omitempty"`
		StartsAt time.Time `json:"starts_at,omitzero"`
		Place    string    `json:"place,omitempty"`
		// ConfidentialListing sets State.ConfidentialListing ("withheld"
		// or "hidden"); empty leaves it.
		ConfidentialListing string `json:"confidential_listing,omitempty"`
		// ActiveContent sets State.ActiveContent ("remove" or "refuse");
		// empty leaves it.
		ActiveContent string `json:"active_content,omitempty"`
	}
	// AddRoom adds a linked room.
	AddRoom struct {
		Room Room `json:"room"`
	}
	// AddParticipant adds a participant (Present is ignored).
	AddParticipant struct {
		Participant Participant `json:"participant"`
	}
	// UpdateParticipant changes a participant's name, title, role, room and
	// seat: Participant carries the whole new record, as AddParticipant
	// does, under the id of a participant who is in the meeting (Present is
	// ignored: attendance stays as it is). A change of role that gives or
	// takes a vote is refused while a poll is open, and a role change that
	// changes what the person may see (between the chair and secretaries,
	// who see everything, and the others) is refused: see Decide.
	UpdateParticipant struct {
		Participant Participant `json:"participant"`
	}
	// RemoveParticipant removes a participant who has not voted, is not
	// speaking and does not present.
	RemoveParticipant struct {
		Participant string `json:"participant"`
	}
	// RevokeSessions signs a participant out of every device: their
	// sessions and unused invitation codes made so far stop working, and
	// every node closes their connections (telling the tablets to wipe).
	// With Session (an access session id) only that session is revoked.
	// Accepted also once the meeting is closed: a tablet can be lost after.
	RevokeSessions struct {
		Participant string `json:"participant"`
		Session     string `json:"session,omitempty"`
	}
	// EndAccountSessions ends sessions an office account opened in this
	// meeting (access.Session.Account), because an administrator disabled
	// the account: one SessionsRevoked per session, naming the account
	// and, as By, the administrator (Actor.Office). Only the office runs
	// it; it is not a command of the protocol. Accepted also once the
	// meeting is closed. A session of a participant no longer in the
	// meeting, or one already revoked, is skipped.
	EndAccountSessions struct {
		Account  string               `json:"account"`
		Sessions []ParticipantSession `json:"sessions"`
	}
	// AddAgendaItem appends an item, or a sub-item when Item.Parent is set.
	AddAgendaItem struct {
		Item Item `json:"item"`
	}
	// MoveAgendaItem moves an item (with its sub-items) to position Index
	// among its siblings (0-based; beyond the end means last).
	MoveAgendaItem struct {
		Item  string `json:"item"`
		Index int    `json:"index"`
	}
	// AddDocument registers an uploaded, validated document. It is made by
	// the upload only (the server, having stored and hashed the bytes in
	// this meeting): DecodeCommand refuses it from the wire, so that a
	// client cannot attach a content hash it did not upload here (the
	// blob of another meeting's confidential document).
	AddDocument struct {
		Document Document `json:"document"`
	}
	// AttachDocument attaches a document to an agenda item.
	AttachDocument struct {
		Item     string `json:"item"`
		Document string `json:"document"`
	}
	// AddProposal adds a proposal, attached to an agenda item when Item is set.
	AddProposal struct {
		Proposal Proposal `json:"proposal"`
		Item     string   `json:"item,omitempty"`
	}
	// Publish makes a draft meeting visible to its participants.
	Publish struct{}
)

// Chair commands. Except where said, they need the meeting in session.
type (
	// OpenSession starts (or resumes after an adjournment) the meeting.
	OpenSession struct{}
	// Adjourn pauses the session.
	Adjourn struct{}
	// CloseMeeting ends the meeting for good; no poll may be open.
	CloseMeeting struct{}
	// SetCurrentItem moves the meeting to an agenda item.
	SetCurrentItem struct {
		Item string `json:"item"`
	}
	// ShowDocument shows a document to the room at a page (0 means 1). The
	// chair or the current presenter may.
	ShowDocument struct {
		Document string `json:"document"`
		Page     int    `json:"page"`
	}
	// TurnPage shows another page of the shown document. The chair or the
	// current presenter may.
	TurnPage struct {
		Page int `json:"page"`
	}
	// HandPresentation gives the presentation to a participant; an empty
	// To takes it back to the chair.
	HandPresentation struct {
		To string `json:"to"`
	}
	// CreatePoll prepares a poll (secretary or chair, any time before the
	// close). No choices means DefaultChoices; the rule must be complete.
	CreatePoll struct {
		Poll Poll `json:"poll"`
	}
	// OpenPoll opens a prepared poll; at most one poll is open at a time.
	OpenPoll struct {
		Poll string `json:"poll"`
	}
	// ClosePoll closes the open poll. Tally is filled by the service from the
	// ballot box it closed, never from the client; it must agree with the
	// ballots the state knows of.
	ClosePoll struct {
		Poll  string `json:"poll"`
		Tally Tally  `json:"-"`
		// Ballots are an election round's opened ballots (their marks, in
		// no particular order), filled by the service like Tally.
		Ballots []string `json:"-"`
	}
	// GiveFloor gives the floor to a participant (first of the queue when
	// Participant is empty), or, with Contribution, to the speaker of that
	// registered contribution (Participant, when set too, must be theirs).
	// The speech takes the topic and kind of the participant's request,
	// or the contribution's topic and the kind "contribution".
	GiveFloor struct {
		Participant  string `json:"participant,omitempty"`
		Contribution string `json:"contribution,omitempty"`
	}
	// EndFloor ends the current speaker's turn.
	EndFloor struct{}
)

// Delegate commands.
type (
	// CastBallot votes in the open poll. BallotID is chosen by the client
	// and makes a resend of the same ballot harmless.
	CastBallot struct {
		Poll   string `json:"poll"`
		Choice string `json:"choice"`
		// Marks is an election round's ballot (see Marks), in place of
		// Choice: sealed into the box, never in an event.
		Marks    string `json:"marks,omitempty"`
		BallotID string `json:"ballot_id"`
	}
	// RequestFloor asks to speak, optionally on a Topic (trimmed; at most
	// MaxTopicRunes runes, no control characters) and of a Kind: "speech"
	// (also when empty), "question" or "order" (a point of order).
	RequestFloor struct {
		Topic string     `json:"topic,omitempty"`
		Kind  SpeechKind `json:"kind,omitempty"`
	}
	// WithdrawFloor withdraws a request to speak.
	WithdrawFloor struct{}
	// CheckIn marks a participant present: the actor, or anyone when the
	// actor is a secretary or the chair and Participant is set.
	CheckIn struct {
		Participant string `json:"participant,omitempty"`
	}
	// CheckOut marks a participant absent; same rules as CheckIn.
	CheckOut struct {
		Participant string `json:"participant,omitempty"`
	}
)

// Annotation commands. Any participant may annotate a document they may
// read; annotations are kept until the meeting closes.
type (
	// SaveAnnotation adds an annotation, or replaces the actor's own with
	// the same id (an edit). A private annotation (Shared false) is seen
	// only by the actor, on each of their devices. Shared puts it in the
	// room's set, seen by everyone who may read the document: the chair or
	// the current presenter may.
	SaveAnnotation struct {
		Annotation Annotation `json:"annotation"`
		Shared     bool       `json:"shared,omitempty"`
	}
	// DeleteAnnotation deletes one of the actor's private annotations, or,
	// when Shared, an annotation of the room's set (the chair or the
	// current presenter may).
	DeleteAnnotation struct {
		ID     string `json:"id"`
		Shared bool   `json:"shared,omitempty"`
	}
)

// Registered contributions (tham luận): a secretary or the chair prepares
// them, before or during the session, in the order they are to be heard.
type (
	// AddContribution appends a contribution (Done is ignored): its id is
	// new, its participant one who may speak (not an observer or a
	// display), its topic required, its item (optional) on the agenda.
	AddContribution struct {
		Contribution Contribution `json:"contribution"`
	}
	// RemoveContribution removes a contribution not given yet.
	RemoveContribution struct {
		Contribution string `json:"contribution"`
	}
	// MoveContribution moves a contribution to position Index (0-based;
	// beyond the end means last).
	MoveContribution struct {
		Contribution string `json:"contribution"`
		Index        int    `json:"index"`
	}
)

// Linked-room commands: the chair, or the secretary who sits in that room
// (the room's operator).
type (
	// SetFollowing makes a linked room follow the main hall again (Follow
	// true, which drops what the room showed on its own) or stop following
	// it (the room keeps showing the main hall's current page until
	// ShowInRoom). The main hall cannot stop following itself.
	SetFollowing struct {
		Room   string `json:"room"`
		Follow bool   `json:"follow"`
	}
	// ShowInRoom shows a document at a page (0 means 1) in a linked room
	// that does not follow the main hall.
	ShowInRoom struct {
		Room     string `json:"room"`
		Document string `json:"document"`
		Page     int    `json:"page"`
	}
)

func (CreateMeeting) CommandName() string      { return "CreateMeeting" }
func (UpdateMeeting) CommandName() string      { return "UpdateMeeting" }
func (AddRoom) CommandName() string            { return "AddRoom" }
func (AddParticipant) CommandName() string     { return "AddParticipant" }
func (UpdateParticipant) CommandName() string  { return "UpdateParticipant" }
func (RemoveParticipant) CommandName() string  { return "RemoveParticipant" }
func (RevokeSessions) CommandName() string     { return "RevokeSessions" }
func (EndAccountSessions) CommandName() string { return "EndAccountSessions" }
func (AddAgendaItem) CommandName() string      { return "AddAgendaItem" }
func (MoveAgendaItem) CommandName() string     { return "MoveAgendaItem" }
func (AddDocument) CommandName() string        { return "AddDocument" }
func (AttachDocument) CommandName() string     { return "AttachDocument" }
func (AddProposal) CommandName() string        { return "AddProposal" }
func (Publish) CommandName() string            { return "Publish" }
func (OpenSession) CommandName() string        { return "OpenSession" }
func (Adjourn) CommandName() string            { return "Adjourn" }
func (CloseMeeting) CommandName() string       { return "CloseMeeting" }
func (SetCurrentItem) CommandName() string     { return "SetCurrentItem" }
func (ShowDocument) CommandName() string       { return "ShowDocument" }
func (TurnPage) CommandName() string           { return "TurnPage" }
func (HandPresentation) CommandName() string   { return "HandPresentation" }
func (CreatePoll) CommandName() string         { return "CreatePoll" }
func (OpenPoll) CommandName() string           { return "OpenPoll" }
func (ClosePoll) CommandName() string          { return "ClosePoll" }
func (GiveFloor) CommandName() string          { return "GiveFloor" }
func (EndFloor) CommandName() string           { return "EndFloor" }
func (CastBallot) CommandName() string         { return "CastBallot" }
func (RequestFloor) CommandName() string       { return "RequestFloor" }
func (WithdrawFloor) CommandName() string      { return "WithdrawFloor" }
func (CheckIn) CommandName() string            { return "CheckIn" }
func (CheckOut) CommandName() string           { return "CheckOut" }
func (SaveAnnotation) CommandName() string     { return "SaveAnnotation" }
func (DeleteAnnotation) CommandName() string   { return "DeleteAnnotation" }
func (SetFollowing) CommandName() string       { return "SetFollowing" }
func (ShowInRoom) CommandName() string         { return "ShowInRoom" }
func (AddContribution) CommandName() string    { return "AddContribution" }
func (RemoveContribution) CommandName() string { return "RemoveContribution" }
func (MoveContribution) CommandName() string   { return "MoveContribution" }
func (CreateElection) CommandName() string     { return "CreateElection" }
func (UpdateElection) CommandName() string     { return "UpdateElection" }
func (ExcuseAbsence) CommandName() string      { return "ExcuseAbsence" }
func (ProposeCommittee) CommandName() string   { return "ProposeCommittee" }
func (OpenElectionRound) CommandName() string  { return "OpenElectionRound" }
func (EnterPaperBallot) CommandName() string   { return "EnterPaperBallot" }
func (ResolvePaperBallot) CommandName() string { return "ResolvePaperBallot" }

// ParticipantSession names one session (an access session id) of a
// participant.
type ParticipantSession struct {
	Participant string `json:"participant"`
	Session     string `json:"session"`
}

// commandTypes decodes the arguments of each command by name.
var commandTypes = map[string]func([]byte) (Command, error){
	"CreateMeeting":      decodeAs[CreateMeeting],
	"UpdateMeeting":      decodeAs[UpdateMeeting],
	"AddRoom":            decodeAs[AddRoom],
	"AddParticipant":     decodeAs[AddParticipant],
	"UpdateParticipant":  decodeAs[UpdateParticipant],
	"RemoveParticipant":  decodeAs[RemoveParticipant],
	"RevokeSessions":     decodeAs[RevokeSessions],
	"EndAccountSessions": decodeAs[EndAccountSessions],
	"IssueRecord":        decodeAs[IssueRecord],
	"SignRecord":         decodeAs[SignRecord],
	"AddAgendaItem":      decodeAs[AddAgendaItem],
	"MoveAgendaItem":     decodeAs[MoveAgendaItem],
	"AddDocument":        decodeAs[AddDocument],
	"AttachDocument":     decodeAs[AttachDocument],
	"AddProposal":        decodeAs[AddProposal],
	"Publish":            decodeAs[Publish],
	"OpenSession":        decodeAs[OpenSession],
	"Adjourn":            decodeAs[Adjourn],
	"CloseMeeting":       decodeAs[CloseMeeting],
	"SetCurrentItem":     decodeAs[SetCurrentItem],
	"ShowDocument":       decodeAs[ShowDocument],
	"TurnPage":           decodeAs[TurnPage],
	"HandPresentation":   decodeAs[HandPresentation],
	"CreatePoll":         decodeAs[CreatePoll],
	"OpenPoll":           decodeAs[OpenPoll],
	"ClosePoll":          decodeAs[ClosePoll],
	"GiveFloor":          decodeAs[GiveFloor],
	"EndFloor":           decodeAs[EndFloor],
	"CastBallot":         decodeAs[CastBallot],
	"RequestFloor":       decodeAs[RequestFloor],
	"WithdrawFloor":      decodeAs[WithdrawFloor],
	"CheckIn":            decodeAs[CheckIn],
	"CheckOut":           decodeAs[CheckOut],
	"SaveAnnotation":     decodeAs[SaveAnnotation],
	"DeleteAnnotation":   decodeAs[DeleteAnnotation],
	"SetFollowing":       decodeAs[SetFollowing],
	"ShowInRoom":         decodeAs[ShowInRoom],
	"AddContribution":    decodeAs[AddContribution],
	"RemoveContribution": decodeAs[RemoveContribution],
	"MoveContribution":   decodeAs[MoveContribution],
	"CreateElection":     decodeAs[CreateElection],
	"UpdateElection":     decodeAs[UpdateElection],
	"ExcuseAbsence":      decodeAs[ExcuseAbsence],
	"ProposeCommittee":   decodeAs[ProposeCommittee],
	"OpenElectionRound":  decodeAs[OpenElectionRound],
	"EnterPaperBallot":   decodeAs[EnterPaperBallot],
	"ResolvePaperBallot": decodeAs[ResolvePaperBallot],
	"MarkAbsent":         decodeAs[MarkAbsent],
	"SeatSubstitute":     decodeAs[SeatSubstitute],
	"SetAttendanceRules": decodeAs[SetAttendanceRules],
	"SetSecrecyRules":    decodeAs[SetSecrecyRules],
	"SetDocumentLevel":   decodeAs[SetDocumentLevel],
	"TakeBackDocument":   decodeAs[TakeBackDocument],
	"AllowRoomDisplay":   decodeAs[AllowRoomDisplay],
	"ConfirmDeletion":    decodeAs[ConfirmDeletion],
	"RecordCopy":         decodeAs[RecordCopy],
	"OpenDraft":          decodeAs[OpenDraft],
	"CloseDraft":         decodeAs[CloseDraft],
	"AddDraftVersion":    decodeAs[AddDraftVersion],
	"CommentDraft":       decodeAs[CommentDraft],
	"EditDraftComment":   decodeAs[EditDraftComment],
}

// decodeAs decodes strict JSON arguments (no unknown fields, one value)
// into a command of type T; empty or null arguments give T's zero value.
func decodeAs[T Command](args []byte) (Command, error) {
	var c T
	args = bytes.TrimSpace(args)
	if len(args) == 0 || bytes.Equal(args, []byte("null")) {
		return c, nil
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the arguments")
	}
	return c, nil
}

// KnownCommand reports whether name is a command's name on the wire.
func KnownCommand(name string) bool {
	_, ok := commandTypes[name]
	return ok
}

// DecodeCommand builds the command called name from its JSON arguments
// (empty or null for none). Unknown names and fields are refused with an
// Invalid error.
//
// A command the server makes itself (AddDocument: only an upload registers
// a document) is refused with a Forbidden error that says how instead.
func DecodeCommand(name string, args []byte) (Command, error) {
	decode, ok := commandTypes[name]
	if !ok {
		return nil, Errorf(Invalid, "Lệnh không hợp lệ: %q", "unknown command %q", name)
	}
	if name == "AddDocument" {
		return nil, Errorf(Forbidden, "Tài liệu chỉ được thêm bằng cách tải tệp lên (POST /api/v1/meetings/{meeting}/documents)",
			"a document is added only by uploading its file (POST /api/v1/meetings/{meeting}/documents)")
	}
	if name == "IssueRecord" || name == "SignRecord" {
		return nil, Errorf(Forbidden, "Biên bản chỉ được ký qua máy chủ (POST /api/v1/meetings/{meeting}/records/sign) hoặc bằng lệnh dais sign",
			"a record is signed only through the server (POST /api/v1/meetings/{meeting}/records/sign) or with dais sign")
	}
	if name == "EndAccountSessions" {
		return nil, Errorf(Forbidden, "Các phiên của một tài khoản chỉ kết thúc khi quản trị viên khóa tài khoản",
			"an account's sessions end only when an administrator disables the account")
	}
	if name == "RecordCopy" {
		return nil, Errorf(Forbidden, "Bản sao tài liệu mật chỉ được máy chủ ghi sổ khi phát bản sao",
			"a copy is registered only by the server as it serves it")
	}
	c, err := decode(args)
	if err != nil {
		return nil, Errorf(Invalid, "Tham số của lệnh %s không hợp lệ: %v", "bad arguments for %s: %v", name, err)
	}
	return c, nil
}
