package meeting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one durable change to a meeting: the envelope that carries its
// sequence number, time and actor, around the typed Data.
type Event struct {
	// Seq is the event's position in the meeting's log: 1 for the first,
	// then increasing by exactly one.
	Seq   uint64    `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor,omitempty"`
	Data  EventData `json:"-"`
}

// EventData is the payload of one kind of event; EventType is its name on
// the wire and in the log.
type EventData interface {
	EventType() string
}

// Type is the name of the event's kind.
func (e Event) Type() string {
	if e.Data == nil {
		return ""
	}
	return e.Data.EventType()
}

// The events. Each one records a fact that Apply folds into the state.
type (
	MeetingCreated struct {
		ID        string      `json:"id"`
		Title     string      `json:"title"`
		StartsAt  time.Time   `json:"starts_at,omitzero"`
		Place     string      `json:"place,omitempty"`
		Rooms     []Room      `json:"rooms"`
		Secretary Participant `json:"secretary"`
	}
	MeetingUpdated struct {
		Title               string    `json:"title,omitempty"`
		StartsAt            time.Time `json:"starts_at,omitzero"`
		Place               string    `json:"place,omitempty"`
		ConfidentialListing string    `json:"confidential_listing,omitempty"`
		ActiveContent       string    `json:"active_content,omitempty"`
	}
	RoomAdded struct {
		Room Room `json:"room"`
	}
	ParticipantAdded struct {
		Participant Participant `json:"participant"`
	}
	// ParticipantUpdated replaces a participant's name, title, role, room
	// and seat with Participant's (Present is not part of it: attendance
	// stays as it is).
	ParticipantUpdated struct {
		Participant Participant `json:"participant"`
	}
	ParticipantRemoved struct {
		Participant string `json:"participant"`
	}
	// SessionsRevoked voids a participant's sessions and codes made before
	// it (or, with Session, that one session): Visible to secretaries only.
	// With Account, the session was one that office account opened, ended
	// because the administrator By disabled the account (the event has no
	// actor: nobody in the meeting did it).
	SessionsRevoked struct {
		Participant string `json:"participant"`
		Session     string `json:"session,omitempty"`
		Account     string `json:"account,omitempty"`
		By          string `json:"by,omitempty"`
	}
	AgendaItemAdded struct {
		Item Item `json:"item"`
	}
	AgendaItemMoved struct {
		Item  string `json:"item"`
		Index int    `json:"index"`
	}
	DocumentAdded struct {
		Document Document `json:"document"`
	}
	DocumentAttached struct {
		Item     string `json:"item"`
		Document string `json:"document"`
	}
	ProposalAdded struct {
		Proposal Proposal `json:"proposal"`
		Item     string   `json:"item,omitempty"`
	}
	MeetingPublished struct{}
	SessionOpened    struct{}
	SessionAdjourned struct{}
	MeetingClosed    struct{}
	// MeetingArchived is the last event of a meeting imported from its
	// archive (dais archive import), written after the archive's log: the
	// archive file's SHA-256 and the archived log's last event and chain
	// link. From it on the meeting is read only (State.Archived).
	MeetingArchived struct {
		Archive  string `json:"archive"`
		Events   uint64 `json:"events"`
		LastHash string `json:"last_hash,omitempty"`
	}
	CurrentItemSet struct {
		Item string `json:"item"`
	}
	DocumentShown struct {
		Document string `json:"document"`
		Page     int    `json:"page"`
	}
	PageTurned struct {
		Document string `json:"document"`
		Page     int    `json:"page"`
	}
	PresentationHanded struct {
		To string `json:"to"`
	}
	PollCreated struct {
		Poll Poll `json:"poll"`
	}
	PollOpened struct {
		Poll string `json:"poll"`
	}
	// BallotCast records that Voter voted. Choice is empty for a secret poll.
	BallotCast struct {
		Poll   string `json:"poll"`
		Voter  string `json:"voter"`
		Choice string `json:"choice,omitempty"`
	}
	// PollClosed records the result of a poll and who voted: Voters as in
	// Poll.Voters (choices empty for a secret poll), so that a participant
	// who saw only their own ballot knows the full record after the close.
	PollClosed struct {
		Poll   string            `json:"poll"`
		Result Result            `json:"result"`
		Voters map[string]string `json:"voters,omitempty"`
	}
	// FloorRequested queues a request to speak, with its topic and kind
	// (none in logs older than topics: a speech without a topic).
	FloorRequested struct {
		Participant string     `json:"participant"`
		Topic       string     `json:"topic,omitempty"`
		Kind        SpeechKind `json:"kind,omitempty"`
	}
	FloorWithdrawn struct {
		Participant string `json:"participant"`
	}
	// FloorGiven gives the floor to Participant: for the registered
	// Contribution when set (which it marks done), else for their request
	// if they are queued.
	FloorGiven struct {
		Participant  string `json:"participant"`
		Contribution string `json:"contribution,omitempty"`
	}
	// ContributionAdded appends a registered contribution.
	ContributionAdded struct {
		Contribution Contribution `json:"contribution"`
	}
	ContributionRemoved struct {
		Contribution string `json:"contribution"`
	}
	// ContributionMoved moves a contribution to Index (within the list).
	ContributionMoved struct {
		Contribution string `json:"contribution"`
		Index        int    `json:"index"`
	}
	FloorEnded struct {
		Participant string `json:"participant"`
	}
	CheckedIn struct {
		Participant string `json:"participant"`
	}
	CheckedOut struct {
		Participant string `json:"participant"`
	}
	// AnnotationSaved records an annotation added or replaced. Owner made
	// it; a private one (Shared false) is Visible only to Owner, a shared
	// one lives in the room's set.
	AnnotationSaved struct {
		Owner      string     `json:"owner"`
		Shared     bool       `json:"shared,omitempty"`
		Annotation Annotation `json:"annotation"`
	}
	// AnnotationDeleted records an annotation deleted: Owner's private one,
	// or (Shared) one of the room's set that Owner had made.
	AnnotationDeleted struct {
		Owner    string `json:"owner"`
		Shared   bool   `json:"shared,omitempty"`
		Document string `json:"document"`
		ID       string `json:"id"`
	}
	// RoomFollowing records that a linked room follows the main hall again
	// (Follow) or stopped following it.
	RoomFollowing struct {
		Room   string `json:"room"`
		Follow bool   `json:"follow"`
	}
	// RoomShown records what a linked room that does not follow shows.
	RoomShown struct {
		Room     string `json:"room"`
		Document string `json:"document"`
		Page     int    `json:"page"`
	}
)

func (MeetingCreated) EventType() string      { return "MeetingCreated" }
func (MeetingUpdated) EventType() string      { return "MeetingUpdated" }
func (RoomAdded) EventType() string           { return "RoomAdded" }
func (ParticipantAdded) EventType() string    { return "ParticipantAdded" }
func (ParticipantUpdated) EventType() string  { return "ParticipantUpdated" }
func (ParticipantRemoved) EventType() string  { return "ParticipantRemoved" }
func (SessionsRevoked) EventType() string     { return "SessionsRevoked" }
func (AgendaItemAdded) EventType() string     { return "AgendaItemAdded" }
func (AgendaItemMoved) EventType() string     { return "AgendaItemMoved" }
func (DocumentAdded) EventType() string       { return "DocumentAdded" }
func (DocumentAttached) EventType() string    { return "DocumentAttached" }
func (ProposalAdded) EventType() string       { return "ProposalAdded" }
func (MeetingPublished) EventType() string    { return "MeetingPublished" }
func (SessionOpened) EventType() string       { return "SessionOpened" }
func (SessionAdjourned) EventType() string    { return "SessionAdjourned" }
func (MeetingClosed) EventType() string       { return "MeetingClosed" }
func (MeetingArchived) EventType() string     { return "MeetingArchived" }
func (CurrentItemSet) EventType() string      { return "CurrentItemSet" }
func (DocumentShown) EventType() string       { return "DocumentShown" }
func (PageTurned) EventType() string          { return "PageTurned" }
func (PresentationHanded) EventType() string  { return "PresentationHanded" }
func (PollCreated) EventType() string         { return "PollCreated" }
func (PollOpened) EventType() string          { return "PollOpened" }
func (BallotCast) EventType() string          { return "BallotCast" }
func (PollClosed) EventType() string          { return "PollClosed" }
func (FloorRequested) EventType() string      { return "FloorRequested" }
func (FloorWithdrawn) EventType() string      { return "FloorWithdrawn" }
func (FloorGiven) EventType() string          { return "FloorGiven" }
func (FloorEnded) EventType() string          { return "FloorEnded" }
func (CheckedIn) EventType() string           { return "CheckedIn" }
func (ContributionAdded) EventType() string   { return "ContributionAdded" }
func (ContributionRemoved) EventType() string { return "ContributionRemoved" }
func (ContributionMoved) EventType() string   { return "ContributionMoved" }
func (CheckedOut) EventType() string          { return "CheckedOut" }
func (AnnotationSaved) EventType() string     { return "AnnotationSaved" }
func (AnnotationDeleted) EventType() string   { return "AnnotationDeleted" }
func (RoomFollowing) EventType() string       { return "RoomFollowing" }
func (RoomShown) EventType() string           { return "RoomShown" }
func (ElectionCreated) EventType() string     { return "ElectionCreated" }
func (ElectionUpdated) EventType() string     { return "ElectionUpdated" }
func (AbsenceExcused) EventType() string      { return "AbsenceExcused" }
func (PaperBallotEntered) EventType() string  { return "PaperBallotEntered" }
func (PaperBallotResolved) EventType() string { return "PaperBallotResolved" }
func (ElectionApproved) EventType() string    { return "ElectionApproved" }
func (CommitteeElected) EventType() string    { return "CommitteeElected" }

// eventTypes decodes the data of each event by name.
var eventTypes = map[string]func([]byte) (EventData, error){
	"MeetingCreated":      decodeData[MeetingCreated],
	"MeetingUpdated":      decodeData[MeetingUpdated],
	"RoomAdded":           decodeData[RoomAdded],
	"ParticipantAdded":    decodeData[ParticipantAdded],
	"ParticipantUpdated":  decodeData[ParticipantUpdated],
	"ParticipantRemoved":  decodeData[ParticipantRemoved],
	"SessionsRevoked":     decodeData[SessionsRevoked],
	"RecordIssued":        decodeData[RecordIssued],
	"RecordSigned":        decodeData[RecordSigned],
	"AgendaItemAdded":     decodeData[AgendaItemAdded],
	"AgendaItemMoved":     decodeData[AgendaItemMoved],
	"DocumentAdded":       decodeData[DocumentAdded],
	"DocumentAttached":    decodeData[DocumentAttached],
	"ProposalAdded":       decodeData[ProposalAdded],
	"MeetingPublished":    decodeData[MeetingPublished],
	"SessionOpened":       decodeData[SessionOpened],
	"SessionAdjourned":    decodeData[SessionAdjourned],
	"MeetingClosed":       decodeData[MeetingClosed],
	"MeetingArchived":     decodeData[MeetingArchived],
	"CurrentItemSet":      decodeData[CurrentItemSet],
	"DocumentShown":       decodeData[DocumentShown],
	"PageTurned":          decodeData[PageTurned],
	"PresentationHanded":  decodeData[PresentationHanded],
	"PollCreated":         decodeData[PollCreated],
	"PollOpened":          decodeData[PollOpened],
	"BallotCast":          decodeData[BallotCast],
	"PollClosed":          decodeData[PollClosed],
	"FloorRequested":      decodeData[FloorRequested],
	"FloorWithdrawn":      decodeData[FloorWithdrawn],
	"FloorGiven":          decodeData[FloorGiven],
	"FloorEnded":          decodeData[FloorEnded],
	"CheckedIn":           decodeData[CheckedIn],
	"ContributionAdded":   decodeData[ContributionAdded],
	"ContributionRemoved": decodeData[ContributionRemoved],
	"ContributionMoved":   decodeData[ContributionMoved],
	"CheckedOut":          decodeData[CheckedOut],
	"AnnotationSaved":     decodeData[AnnotationSaved],
	"AnnotationDeleted":   decodeData[AnnotationDeleted],
	"RoomFollowing":       decodeData[RoomFollowing],
	"RoomShown":           decodeData[RoomShown],
	"ElectionCreated":     decodeData[ElectionCreated],
	"ElectionUpdated":     decodeData[ElectionUpdated],
	"AbsenceExcused":      decodeData[AbsenceExcused],
	"PaperBallotEntered":  decodeData[PaperBallotEntered],
	"PaperBallotResolved": decodeData[PaperBallotResolved],
	"ElectionApproved":    decodeData[ElectionApproved],
	"CommitteeElected":    decodeData[CommitteeElected],
	"AbsenceMarked":       decodeData[AbsenceMarked],
	"SubstituteSeated":    decodeData[SubstituteSeated],
	"AttendanceRulesSet":  decodeData[AttendanceRulesSet],
	"SecrecyRulesSet":     decodeData[SecrecyRulesSet],
	"DocumentLevelSet":    decodeData[DocumentLevelSet],
	"DocumentTakenBack":   decodeData[DocumentTakenBack],
	"RoomDisplayAllowed":  decodeData[RoomDisplayAllowed],
	"CopyServed":          decodeData[CopyServed],
	"DraftOpened":         decodeData[DraftOpened],
	"DraftClosed":         decodeData[DraftClosed],
	"DraftVersionAdded":   decodeData[DraftVersionAdded],
	"DraftCommented":      decodeData[DraftCommented],
	"DraftCommentEdited":  decodeData[DraftCommentEdited],
	"CopiesDeleted":       decodeData[CopiesDeleted],
}

func decodeData[T EventData](b []byte) (EventData, error) {
	var d T
	if len(b) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return d, nil
}

// wireEvent is the JSON form of an Event:
//
//	{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"p-chair","data":{"document":"d1","page":5}}
type wireEvent struct {
	Seq  uint64 `json:"seq,omitempty"`
	Type string `json:"type"`
	// V is the format of Data: absent for format 1, the format every
	// event type starts with (see eventFormats).
	V     int             `json:"v,omitempty"`
	At    time.Time       `json:"at"`
	Actor string          `json:"actor,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
}

// Event formats. A log is never rewritten: when an event type's data must
// change in a way old readers or old logs cannot take (a field renamed, a
// meaning changed — adding an optional field is not such a change), its
// format goes up by one in eventFormats, the events written from then on
// carry "v", and eventUpgrades gets the function that turns the data of
// the format before into the new one. Reading runs the chain from the
// event's format to the current one; an event of a format newer than this
// build knows is refused (a node of an older build in a rolling upgrade
// stops at it, with the reason, instead of misreading it). The golden logs
// of meeting/service/testdata/golden keep old builds' logs readable.
var (
	// eventFormats is the current format of each event type whose
	// format is not 1.
	eventFormats = map[string]int{}
	// eventUpgrades[typ][i] turns data of format i+1 into format i+2.
	eventUpgrades = map[string][]func(json.RawMessage) (json.RawMessage, error){}
)

// eventFormat is the current format of typ.
func eventFormat(typ string) int {
	if v := eventFormats[typ]; v > 1 {
		return v
	}
	return 1
}

// upgradeEventData brings the data of an event of typ in format v to the
// current format.
func upgradeEventData(typ string, v int, data json.RawMessage) (json.RawMessage, error) {
	cur := eventFormat(typ)
	if v == 0 {
		v = 1
	}
	switch {
	case v < 1:
		return nil, fmt.Errorf("meeting: event %s of format %d", typ, v)
	case v > cur:
		return nil, fmt.Errorf("meeting: event %s of format %d, written by a newer Dais (this build reads up to %d): upgrade this node", typ, v, cur)
	}
	steps := eventUpgrades[typ]
	for ; v < cur; v++ {
		if v-1 >= len(steps) {
			return nil, fmt.Errorf("meeting: event %s: no upgrade from format %d", typ, v)
		}
		var err error
		if data, err = steps[v-1](data); err != nil {
			return nil, fmt.Errorf("meeting: event %s: upgrading format %d: %w", typ, v, err)
		}
	}
	return data, nil
}

// MarshalJSON encodes the event in its wire form.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.Data == nil {
		return nil, fmt.Errorf("meeting: event %d has no data", e.Seq)
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return nil, err
	}
	w := wireEvent{Seq: e.Seq, Type: e.Data.EventType(), At: e.At, Actor: e.Actor, Data: data}
	if v := eventFormat(w.Type); v > 1 {
		w.V = v
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the wire form; an unknown type is an error.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	d, err := DecodeEventDataFormat(w.Type, w.V, w.Data)
	if err != nil {
		return err
	}
	*e = Event{Seq: w.Seq, At: w.At, Actor: w.Actor, Data: d}
	return nil
}

// DecodeEventData decodes the data of an event of type typ (its "data"
// field on the wire) in the current format, for decoders that read the
// rest of the event themselves; an unknown type is an error.
func DecodeEventData(typ string, data []byte) (EventData, error) {
	return DecodeEventDataFormat(typ, 0, data)
}

// DecodeEventDataFormat decodes the data of an event of type typ written
// in format v (its "v" field; 0 for none), upgrading it to the current
// format first.
func DecodeEventDataFormat(typ string, v int, data []byte) (EventData, error) {
	decode, ok := eventTypes[typ]
	if !ok {
		return nil, fmt.Errorf("meeting: unknown event type %q", typ)
	}
	if v > 1 || eventFormat(typ) > 1 {
		up, err := upgradeEventData(typ, v, data)
		if err != nil {
			return nil, err
		}
		data = up
	}
	if bytes.Equal(data, []byte("null")) {
		data = nil
	}
	d, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("meeting: event %s: %w", typ, err)
	}
	return d, nil
}
