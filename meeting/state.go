package meeting

import (
	"slices"
	"time"
)

// Role is what a participant may do in a meeting.
type Role string

// The roles. A secretary prepares the meeting; the chair runs it; delegates
// follow, vote and speak; observers only follow; a display is a room's
// screen, signed in with a code of its own: it follows what its room shows
// and sends no command.
const (
	RoleSecretary Role = "secretary"
	RoleChair     Role = "chair"
	RoleDelegate  Role = "delegate"
	RoleObserver  Role = "observer"
	RoleDisplay   Role = "display"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleSecretary, RoleChair, RoleDelegate, RoleObserver, RoleDisplay:
		return true
	}
	return false
}

// Member reports whether the role makes its holder a member of the meeting:
// the chair and the delegates, in whichever room they sit. Members have a
// vote and are the meeting's attendance and quorum base; secretaries (staff),
// observers (guests) and displays (screens) are not.
func (r Role) Member() bool { return r == RoleChair || r == RoleDelegate }

// Staff reports whether the role serves the meeting without being a member:
// the secretaries, a linked room's operators among them. The minutes list
// them apart, never as absent.
func (r Role) Staff() bool { return r == RoleSecretary }

// Commands reports whether the role may send commands at all: a display
// only watches.
func (r Role) Commands() bool { return r != RoleDisplay }

// Status is where a meeting is in its life.
type Status string

// The statuses, in the order a meeting normally passes through them. An
// adjourned meeting can be resumed; nothing happens after closed.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusInSession Status = "in_session"
	StatusAdjourned Status = "adjourned"
	StatusClosed    Status = "closed"
)

// Room is a hall where participants sit: the main hall, or a linked room
// (an overflow hall, a district "bridge point") that follows it.
type Room struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Main is true for the one main hall of the meeting.
	Main bool `json:"main,omitempty"`
	// Following is true while a linked room shows what the main hall
	// shows: a linked room follows from the moment it is created or added
	// until its operator (or the chair) takes it off with SetFollowing.
	// The main hall's value is false and means nothing.
	Following bool `json:"following"`
	// Presentation is what a linked room shows on its own while it does
	// not follow (nil: nothing yet). Only Document and Page are used.
	Presentation *Presentation `json:"presentation,omitempty"`
}

// Participant is a person taking part in one meeting.
type Participant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Title is the person's office, e.g. "Giám đốc Sở Tài chính".
	Title string `json:"title,omitempty"`
	Role  Role   `json:"role"`
	Room  string `json:"room"`
	Seat  string `json:"seat,omitempty"`
	// Present is true between a check-in and a check-out.
	Present bool `json:"present,omitempty"`
	// Excused is the approved reason of a member absent for the whole
	// meeting (ExcuseAbsence); a check-in clears it. An election counted
	// against the members leaves them off its base.
	Excused string `json:"excused,omitempty"`
	// Attended is set by the participant's first check-in: a member who
	// attended is never absent for the whole meeting.
	Attended bool `json:"attended,omitempty"`
	// Absence is a member's recorded absence (MarkAbsent, or ExcuseAbsence
	// as an approved one); a check-in clears it.
	Absence *Absence `json:"absence,omitempty"`
	// For is, on a seated substitute (người dự thay), the member they stand
	// in for; Substitute, on that member, the substitute (SeatSubstitute).
	For        string `json:"for,omitempty"`
	Substitute string `json:"substitute,omitempty"`
}

// Voter reports whether the participant has a vote: members do (Role.Member).
func (p Participant) Voter() bool { return p.Role.Member() }

// Item is one entry of the agenda. Items form one level of nesting: a
// sub-item has a Parent, and a parent has none.
type Item struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Title  string `json:"title"`
	// Presenter is the participant who presents the item, if any.
	Presenter string   `json:"presenter,omitempty"`
	Documents []string `json:"documents,omitempty"`
	Proposals []string `json:"proposals,omitempty"`
}

// Document is the metadata of a PDF document; its bytes live in blob storage
// under SHA256.
type Document struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Pages  int    `json:"pages,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	// Confidential documents are served only to Readers, watermarked per reader.
	Confidential bool `json:"confidential,omitempty"`
	// Readers lists who may read a confidential document; secretaries and
	// the chair always may. Empty on a public document.
	Readers []string `json:"readers,omitempty"`
	// Withheld marks the form of a confidential document that a participant
	// who may not read it is shown: its id and title only, no content hash,
	// page count or readers (see Withhold). Never set in the log.
	Withheld bool `json:"withheld,omitempty"`
	// Removed lists the active content taken out of the uploaded PDF before
	// it was stored (RemovedJavaScript, RemovedEmbeddedFiles, RemovedXFA),
	// so that readers are told the document is not exactly what was
	// uploaded. Empty when nothing was removed.
	Removed []string `json:"removed,omitempty"`
	// Level is the document's secrecy level (see Secrecy: a Confidential
	// document without one is Mật).
	Level SecrecyLevel `json:"level,omitempty"`
	// TakenBack is set once the document was taken back (thu hồi): by a
	// secretary or the chair, or by the close.
	TakenBack *TakeBack `json:"taken_back,omitempty"`
	// DisplayAllowed: the chair let linked rooms' displays show it
	// (AllowRoomDisplay).
	DisplayAllowed bool `json:"display_allowed,omitempty"`
}

// What an upload may have had removed (Document.Removed).
const (
	// RemovedJavaScript: JavaScript actions (document, page, annotation and
	// form-field actions, /OpenAction, /AA, the /JavaScript name tree) and
	// the other actions that run or fetch something (Launch, ImportData,
	// SubmitForm, RichMediaExecute, GoToE).
	RemovedJavaScript = "javascript"
	// RemovedEmbeddedFiles: the /EmbeddedFiles name tree, file attachment
	// and rich-media annotations, associated files (/AF) and the embedded
	// file streams themselves.
	RemovedEmbeddedFiles = "embedded_files"
	// RemovedXFA: an XFA form (/AcroForm /XFA).
	RemovedXFA = "xfa"
)

// ValidRemoved reports whether k is one of the Removed kinds.
func ValidRemoved(k string) bool {
	return k == RemovedJavaScript || k == RemovedEmbeddedFiles || k == RemovedXFA
}

// What an upload holding active content (JavaScript, embedded files, XFA)
// gets (State.ActiveContent).
const (
	// ActiveContentRemove stores the document without it and says so
	// (Document.Removed): the default.
	ActiveContentRemove = "remove"
	// ActiveContentRefuse refuses the upload.
	ActiveContentRefuse = "refuse"
)

// Withhold returns the form of a confidential document shown to a
// participant who may not read it: {id, title, confidential, withheld},
// with its level and take-back when set.
func Withhold(d Document) Document {
	w := Document{ID: d.ID, Title: d.Title, Confidential: true, Withheld: true, Level: d.Level}
	if d.TakenBack != nil {
		tb := *d.TakenBack
		w.TakenBack = &tb
	}
	return w
}

// How a meeting lists confidential documents to participants who may not
// read them (State.ConfidentialListing).
const (
	// ListWithheld lists them in their withheld form (the default).
	ListWithheld = "withheld"
	// ListHidden does not list them at all.
	ListHidden = "hidden"
)

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// The proposal statuses.
const (
	ProposalDraft    ProposalStatus = "draft"
	ProposalVoting   ProposalStatus = "voting"
	ProposalAdopted  ProposalStatus = "adopted"
	ProposalRejected ProposalStatus = "rejected"
)

// Proposal is a text the meeting decides on by a poll.
type Proposal struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Text      string         `json:"text,omitempty"`
	Documents []string       `json:"documents,omitempty"`
	Status    ProposalStatus `json:"status"`
}

// Presentation is what the room is shown: a document at a page, and who
// turns the pages. The chair always may; Presenter is whom the chair handed
// the presentation to (empty: the chair presents).
type Presentation struct {
	Document  string `json:"document,omitempty"`
	Page      int    `json:"page,omitempty"`
	Presenter string `json:"presenter,omitempty"`
}

// Floor is the speaker queue: who speaks now, since when, and who waits.
type Floor struct {
	Speaker string    `json:"speaker,omitempty"`
	Since   time.Time `json:"since,omitzero"`
	Queue   []string  `json:"queue,omitempty"`
	// Speeches lists every time the floor was given, in order: who spoke,
	// from when to when (To zero while they still speak) and under which
	// agenda item. The minutes list them.
	Speeches []Speech `json:"speeches,omitempty"`
	// Requests holds, by participant id, what each request in Queue asked
	// for: its topic, kind and time. Every id in Queue has one and nothing
	// else does (a request folded from a log older than topics has only
	// its time).
	Requests map[string]FloorRequest `json:"requests,omitempty"`
	// Contributions are the registered contributions (tham luận) the
	// secretary prepared, in the order they are to be heard; a given one
	// stays, marked Done.
	Contributions []Contribution `json:"contributions,omitempty"`
}

// SpeechKind is what a turn at the floor is for. The empty kind is a
// speech (SpeechDefault): a plain request, and every request of a log
// older than kinds.
type SpeechKind string

// The kinds of a request to speak and of a speech.
const (
	// SpeechDefault is a speech (phát biểu): written as the empty kind.
	SpeechDefault SpeechKind = ""
	// SpeechQuestion is a question (chất vấn, câu hỏi).
	SpeechQuestion SpeechKind = "question"
	// SpeechOrder is a point of order (kiến nghị về thủ tục).
	SpeechOrder SpeechKind = "order"
	// SpeechContribution is a registered contribution (tham luận): only
	// GiveFloor with a Contribution gives it.
	SpeechContribution SpeechKind = "contribution"
)

// MaxTopicRunes bounds a topic of a request or a contribution, in runes.
const MaxTopicRunes = 200

// FloorRequest is what a queued participant asked for.
type FloorRequest struct {
	Topic string     `json:"topic,omitempty"`
	Kind  SpeechKind `json:"kind,omitempty"`
	At    time.Time  `json:"at,omitzero"`
}

// Contribution is a registered contribution (tham luận): who speaks, on
// what, under which agenda item (optional). Done is set once the chair
// gave the floor for it.
type Contribution struct {
	ID          string `json:"id"`
	Participant string `json:"participant"`
	Topic       string `json:"topic"`
	Item        string `json:"item,omitempty"`
	Done        bool   `json:"done,omitempty"`
}

// Speech is one turn at the floor, with what it was for: the topic and
// kind of the request or the contribution it answered (none when the
// chair gave the floor to someone who had not asked).
type Speech struct {
	Participant string     `json:"participant"`
	Item        string     `json:"item,omitempty"`
	From        time.Time  `json:"from"`
	To          time.Time  `json:"to,omitzero"`
	Topic       string     `json:"topic,omitempty"`
	Kind        SpeechKind `json:"kind,omitempty"`
	// Contribution is the id of the registered contribution it was.
	Contribution string `json:"contribution,omitempty"`
}

// CurrentSpeech returns the speech in progress, or nil when nobody has
// the floor.
func (f Floor) CurrentSpeech() *Speech {
	if n := len(f.Speeches); n > 0 && f.Speaker != "" && f.Speeches[n-1].Participant == f.Speaker && f.Speeches[n-1].To.IsZero() {
		return &f.Speeches[n-1]
	}
	return nil
}

// Contribution returns the registered contribution id, or nil.
func (f Floor) Contribution(id string) *Contribution {
	for i := range f.Contributions {
		if f.Contributions[i].ID == id {
			return &f.Contributions[i]
		}
	}
	return nil
}

// State is a meeting as the fold of its events. Version is the sequence
// number of the last event applied (0 before the first).
type State struct {
	Version uint64 `json:"version"`
	// ChainHash is the audit chain link (hex) of event Version, as the log
	// stored it; set by the service that reads the log (empty when unknown,
	// or for events stored before the chain). The minutes print it. It is
	// neither folded from events nor sent to clients.
	ChainHash string `json:"-"`

	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at,omitzero"`
	Place    string    `json:"place,omitempty"`
	Status   Status    `json:"status"`
	// Archived is set on a meeting imported from its archive (dais archive
	// import): it is read only, every command is refused with Archived.
	Archived *ArchiveMark `json:"archived,omitempty"`

	Rooms        []Room                  `json:"rooms"`
	Participants map[string]*Participant `json:"participants"`
	// Order lists participant ids in the order they were added.
	Order []string `json:"order"`

	Agenda []Item `json:"agenda"`
	// Current is the id of the agenda item under discussion.
	Current string `json:"current,omitempty"`

	Documents map[string]*Document `json:"documents"`
	// ConfidentialListing is how confidential documents are listed to
	// participants who may not read them: ListWithheld (also when empty)
	// or ListHidden. The secretary chooses it (UpdateMeeting).
	ConfidentialListing string `json:"confidential_listing,omitempty"`
	// ActiveContent is what an upload holding JavaScript, embedded files
	// or an XFA form gets: ActiveContentRemove (also when empty) or
	// ActiveContentRefuse. The secretary chooses it (UpdateMeeting).
	ActiveContent string               `json:"active_content,omitempty"`
	Proposals     map[string]*Proposal `json:"proposals"`
	Polls         map[string]*Poll     `json:"polls"`
	// SecrecyRules are the rules of the secret levels the secretary
	// changed (SetSecrecyRules); a level not here has DefaultRules.
	SecrecyRules map[SecrecyLevel]LevelRules `json:"secrecy_rules,omitempty"`
	// AttendanceRules say what substitutes may do and what absences take
	// off a poll's base (SetAttendanceRules).
	AttendanceRules AttendanceRules `json:"attendance_rules,omitzero"`
	// PollOrder lists poll ids in the order they were created.
	PollOrder []string `json:"poll_order"`
	// Elections are the elections and confidence votes by id, in
	// ElectionOrder (their rounds are polls).
	Elections     map[string]*Election `json:"elections,omitempty"`
	ElectionOrder []string             `json:"election_order,omitempty"`
	// Committee lists the counting committee's members (ban kiểm phiếu),
	// elected by a show of hands (ProposeCommittee).
	Committee []string `json:"committee,omitempty"`
	// Records are the records issued for signing, by key (see
	// SignedRecord and ParseRecord): their current version and who signed it.
	Records map[string]*SignedRecord `json:"records,omitempty"`

	Presentation Presentation `json:"presentation"`
	Floor        Floor        `json:"floor"`

	// Annotations are the participants' private annotations: owner id →
	// annotation id → annotation. Each participant sees only their own
	// (ViewFor, Visible).
	Annotations map[string]map[string]*Annotation `json:"annotations,omitempty"`
	// Shared are the annotations shown to the room, by annotation id: made
	// by the chair or a presenter, seen by everyone who may read their
	// document.
	Shared map[string]*SharedAnnotation `json:"shared,omitempty"`

	// SignIns says, by participant id, which of their sign-ins the log has
	// voided (a removal, a revocation). Only Apply keeps it (not Follow),
	// and ViewFor leaves it out: it is the server's record.
	SignIns map[string]*SignIns `json:"sign_ins,omitempty"`
	// AnnotationSaves says when each annotation was last saved (key
	// annotationKey), so that Decide lets an annotation be edited at most
	// once per AnnotationEditInterval. Only Apply keeps it, and ViewFor
	// leaves it out: it is the server's record.
	AnnotationSaves map[string]time.Time `json:"annotation_saves,omitempty"`
	// Copies is the copy register (sổ theo dõi tài liệu mật): every copy
	// of a secret document served, in order, with its deletion once
	// confirmed; Confirmations the tablets' reports. Only Apply keeps
	// them, and ViewFor leaves them out: the chair and the secretaries
	// read them from the register route.
	Copies []*CopyRecord `json:"copies,omitempty"`
	// Drafts are the documents open for comments, by the id of their first
	// version (drafts.go); DraftComments their comments in the order made
	// (views leave them out: GET …/drafts/{draft}/comments serves them).
	Drafts        map[string]*Draft `json:"drafts,omitempty"`
	DraftComments []DraftComment    `json:"draft_comments,omitempty"`
	Confirmations []*Confirmation   `json:"confirmations,omitempty"`

	// Lean is set only in a lean view (LeanViewFor: a delegate's or an
	// observer's snapshot), which holds no roster: the counts instead.
	// Never in the server's state.
	Lean *Lean `json:"lean,omitempty"`

	// RosterSeq is the seq of the last event that added or removed a
	// participant, as this value has folded it (0 when none since it was
	// loaded): a server's cache of the encoded roster is current while it
	// has not moved. Not sent, not stored.
	RosterSeq uint64 `json:"-"`
}

// SignIns is what the log says of one participant's sessions and codes.
type SignIns struct {
	// Since voids every session and code made before this seq: set by the
	// participant's removal (so that re-adding the id revives nothing) and
	// by revoking all their sessions.
	Since uint64 `json:"since,omitempty"`
	// Revoked lists the sessions revoked one by one (access session ids)
	// since then.
	Revoked []string `json:"revoked,omitempty"`
}

// SignInValid reports whether a session (id, "" for a code) of participant
// made when the log was at seq is still valid as far as the log knows. It
// does not check that the participant exists.
func (s *State) SignInValid(participant, id string, seq uint64) bool {
	si := s.SignIns[participant]
	if si == nil {
		return true
	}
	return seq >= si.Since && (id == "" || !slices.Contains(si.Revoked, id))
}

// NewState returns the empty state of a meeting that does not exist yet.
func NewState() *State {
	return &State{
		Participants: map[string]*Participant{},
		Documents:    map[string]*Document{},
		Proposals:    map[string]*Proposal{},
		Polls:        map[string]*Poll{},
		Elections:    map[string]*Election{},
		Annotations:  map[string]map[string]*Annotation{},
		Shared:       map[string]*SharedAnnotation{},
	}
}

// Exists reports whether the meeting has been created.
func (s *State) Exists() bool { return s.ID != "" }

// Participant returns the participant with that id, or nil.
func (s *State) Participant(id string) *Participant { return s.Participants[id] }

// Room returns the room with that id, or nil.
func (s *State) Room(id string) *Room {
	for i := range s.Rooms {
		if s.Rooms[i].ID == id {
			return &s.Rooms[i]
		}
	}
	return nil
}

// Item returns the agenda item with that id, or nil.
func (s *State) Item(id string) *Item {
	for i := range s.Agenda {
		if s.Agenda[i].ID == id {
			return &s.Agenda[i]
		}
	}
	return nil
}

// OpenPoll returns the poll that is open, or nil. At most one poll is open.
func (s *State) OpenPoll() *Poll {
	for _, id := range s.PollOrder {
		if p := s.Polls[id]; p.Status == PollOpen {
			return p
		}
	}
	return nil
}

// Members counts the participants who have a vote; Present counts those of
// them who are checked in.
func (s *State) Members() (members, present int) {
	for _, p := range s.Participants {
		if p.Voter() {
			members++
			if p.Present {
				present++
			}
		}
	}
	return members, present
}

// Shown returns what the room shows: the main hall's presentation for the
// main hall and for a linked room that follows it, the room's own
// otherwise (empty when it has shown nothing yet or the room is unknown).
func (s *State) Shown(room string) Presentation {
	r := s.Room(room)
	if r == nil {
		return Presentation{}
	}
	if r.Main || r.Following {
		return s.Presentation
	}
	if r.Presentation == nil {
		return Presentation{}
	}
	return Presentation{Document: r.Presentation.Document, Page: r.Presentation.Page}
}

// RoomAttendance counts the participants with a vote who sit in one room
// (Room empty: in every room), and those of them who are checked in. A
// client derives a room's quorum from it; polls count the ballots of all
// rooms in one result.
type RoomAttendance struct {
	Room    string `json:"room,omitempty"`
	Members int    `json:"members"`
	Present int    `json:"present"`
}

// Attendance returns the attendance of each room, in the order of Rooms,
// and of the whole meeting (total equals Members).
func (s *State) Attendance() (rooms []RoomAttendance, total RoomAttendance) {
	rooms = make([]RoomAttendance, len(s.Rooms))
	at := make(map[string]int, len(s.Rooms))
	for i, r := range s.Rooms {
		rooms[i].Room = r.ID
		at[r.ID] = i
	}
	for _, p := range s.Participants {
		if !p.Voter() {
			continue
		}
		total.Members++
		if p.Present {
			total.Present++
		}
		if i, ok := at[p.Room]; ok {
			rooms[i].Members++
			if p.Present {
				rooms[i].Present++
			}
		}
	}
	return rooms, total
}
