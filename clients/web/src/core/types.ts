import type { SignedRecord } from './records';
// Domain types of Dais as they travel on the wire: a TypeScript mirror of
// meeting/*.go and realtime/protocol/protocol.go. Field names are the JSON
// (wire) names; optional fields are the Go fields tagged omitempty/omitzero.

export type Role = 'secretary' | 'chair' | 'delegate' | 'observer' | 'display';
export type Status = 'draft' | 'published' | 'in_session' | 'adjourned' | 'closed';
export type ProposalStatus = 'draft' | 'voting' | 'adopted' | 'rejected';
export type PollStatus = 'ready' | 'open' | 'closed';
export type Base = 'cast' | 'present' | 'members';
export type Threshold = 'simple' | 'absolute' | 'two_thirds';

export interface Room {
  id: string;
  name: string;
  main?: boolean;
  /** following: a linked room shows what the main hall shows (false on the main hall, where it means nothing). */
  following?: boolean;
  /** presentation: what a linked room shows on its own while it does not follow (document and page only). */
  presentation?: Presentation;
}

export interface Participant {
  id: string;
  name: string;
  title?: string;
  role: Role;
  room: string;
  seat?: string;
  present?: boolean;
  /** excused: absent for the whole meeting with an approved reason (the reason); off the base "members" of an election. */
  excused?: string;
  /** attended: checked in at least once (never absent for the whole meeting). */
  attended?: boolean;
  /** absence: a member's recorded absence (MarkAbsent; an ExcuseAbsence reads as an approved one); a check-in clears it. */
  absence?: Absence;
  /** for: on a seated substitute (người dự thay), the member they stand in for. */
  for?: string;
  /** substitute: on a member, their seated substitute. */
  substitute?: string;
}

/** Absence is meeting.Absence: why a member is away, whether approved, whether recorded during the meeting. */
export interface Absence {
  reason: string;
  approved?: boolean;
  during?: boolean;
}

/** AttendanceRules are meeting.AttendanceRules. */
export interface AttendanceRules {
  /** substitutes_vote: a seated substitute votes for the member in ordinary polls (never in an election). */
  substitutes_vote?: boolean;
  /** excused_off_base: a "members" base leaves off those absent for the whole meeting with an approved reason. */
  excused_off_base?: boolean;
}

export interface Item {
  id: string;
  parent?: string;
  title: string;
  presenter?: string;
  documents?: string[];
  proposals?: string[];
}

export interface DocumentMeta {
  id: string;
  title: string;
  pages: number;
  sha256: string;
  size?: number;
  confidential?: boolean;
  readers?: string[];
  /** withheld: a confidential document the viewer may not read, listed by title only (no pages, sha256, readers). */
  withheld?: boolean;
  /** removed: active content taken out of the uploaded PDF before it was stored. */
  removed?: ('javascript' | 'embedded_files' | 'xfa')[];
  /** level: the secrecy level (absent: none, or Mật for a confidential document: core/secrecy.ts levelOf). */
  level?: Level;
  /** taken_back: when the document was taken back (thu hồi), by the secretary or the chair, or by the meeting's close. */
  taken_back?: TakenBack;
  /** display_allowed: the chair let linked rooms' displays show it although its level's rules do not. */
  display_allowed?: boolean;
}

/** Level is a secrecy level under the Law on Protection of State Secrets: Mật, Tối mật, Tuyệt mật. */
export type Level = 'mat' | 'toi_mat' | 'tuyet_mat';

/** TakenBack is meeting.TakenBack. */
export interface TakenBack {
  at: string;
  seq: number;
  reason: 'secretary' | 'closed' | string;
}

/** LevelRules are a level's rules in a meeting (meeting.LevelRules). */
export interface LevelRules {
  /** watermark: each copy stamped with the reader's name, seat and date. */
  watermark: boolean;
  /** offline: a tablet may keep a copy for reading offline (until the take-back). */
  offline: boolean;
  /** download: "download" and "print" in the web client; the packet and the annotated copy include it. */
  download: boolean;
  /** presented_only: a participant not among the readers opens it only while it is presented in the main hall. */
  presented_only: boolean;
  /** linked_displays: a linked room's display may show it (else only with the chair's display_allowed). */
  linked_displays: boolean;
}

export interface Proposal {
  id: string;
  title: string;
  text?: string;
  documents?: string[];
  status: ProposalStatus;
}

export interface Choice {
  id: string;
  label: string;
}

export interface Rule {
  base: Base;
  threshold: Threshold;
  quorum_percent?: number;
}

export interface Result {
  counts: Record<string, number>;
  cast: number;
  members: number;
  present: number;
  /** excused: members absent with an approved reason left off a "members" base (when the rules say so). */
  excused?: number;
  /** substitutes: substitutes who may vote counted on a "present" base. */
  substitutes?: number;
  base: number;
  quorum_ok: boolean;
  passed: boolean;
  /** election: the count of an election or confidence round. */
  election?: ElectionResult;
}

export interface Poll {
  id: string;
  question: string;
  proposal?: string;
  choices: Choice[];
  secret?: boolean;
  rule: Rule;
  status: PollStatus;
  voters?: Record<string, string>;
  result?: Result;
  /** kind: a round of an election or a confidence vote; absent for an ordinary poll. */
  kind?: ElectionKind;
  /** election and round: the election this poll is a round of. */
  election?: string;
  round?: number;
  /** candidates: this round's list, in ballot order (ids of the election's candidates). */
  candidates?: string[];
  /** seats to fill in this round. */
  seats?: number;
  /** style: how the ballot is marked. */
  style?: BallotStyle;
  /** approves: an ordinary show-of-hands poll approving an election's seats and list. */
  approves?: string;
  /** committee: an ordinary poll electing these participants to the counting committee. */
  committee?: string[];
  /** opened_at, closed_at: when a round was opened and closed. */
  opened_at?: string;
  closed_at?: string;
  /** paper: entries of paper ballots, room → sheet number → sheet (chair, secretaries and the committee see it). */
  paper?: Record<string, Record<string, PaperSheet>>;
}

export type ElectionKind = 'election' | 'confidence';
export type BallotStyle = 'strike' | 'agree' | 'confidence';
export type ElectionBase = 'convened' | 'members';
export type SheetStatus = 'incomplete' | 'agreed' | 'mismatch' | 'resolved';

/** Candidate is one name on an election's list (meeting.Candidate). */
export interface Candidate {
  id: string;
  name: string;
  /** birth_year: 0 or absent when not given. */
  birth_year?: number;
  position?: string;
  /** cv: a document (short CV). */
  cv?: string;
  /** participant: the candidate is this participant. */
  participant?: string;
}

/** Election is an election or a confidence vote with its rounds (meeting.Election). */
export interface Election {
  id: string;
  title: string;
  kind: ElectionKind;
  seats: number;
  candidates: Candidate[];
  base: ElectionBase;
  paper_rooms?: string[];
  /** approval: the show-of-hands poll approving the seats and the list ("" for a confidence vote). */
  approval?: string;
  approved?: boolean;
  rounds?: string[];
  /** elected: everyone elected so far, all rounds, in order of election. */
  elected?: string[];
}

/** PaperSheet is one paper ballot as the committee members typed it. */
export interface PaperSheet {
  /** entries: member → marks as typed. */
  entries: Record<string, string>;
  resolved?: string;
  status: SheetStatus;
}

export interface RoomCount {
  room: string;
  paper?: boolean;
  issued: number;
  returned: number;
}

export interface CandidateResult {
  id: string;
  votes?: number;
  share?: number;
  /** against: "Không đồng ý" on an agree ballot (as many names as seats). */
  against?: number;
  elected?: boolean;
  levels?: Record<string, number>;
  shares?: Record<string, number>;
}

/** ElectionResult is a round's count (PollClosed.result.election). */
export interface ElectionResult {
  election: string;
  round: number;
  kind: ElectionKind;
  style: BallotStyle;
  seats: number;
  base_kind: ElectionBase;
  base: number;
  issued: number;
  returned: number;
  valid: number;
  invalid: number;
  rooms?: RoomCount[];
  candidates: CandidateResult[];
  elected?: string[];
  next_round?: { reason: 'tie' | 'short'; candidates: string[]; seats: number };
}

export interface Presentation {
  document?: string;
  page?: number;
  presenter?: string;
}

export type AnnotationKind = 'highlight' | 'ink' | 'note';

/**
 * Annotation is a mark on a page of a document (meeting.Annotation).
 * Coordinates are 0..1 of the displayed page, from its top-left corner.
 */
export interface Annotation {
  id: string;
  document: string;
  /** page is 1-based. */
  page: number;
  kind: AnnotationKind;
  /** color is "#RRGGBB". */
  color: string;
  /** rect is (x0, y0, x1, y1): a highlight's area, or a note's top-left corner at x0, y0. */
  rect: [number, number, number, number];
  points?: [number, number][];
  text?: string;
}

/** SharedAnnotation is an annotation shown to the room, with who made it. */
export interface SharedAnnotation extends Annotation {
  owner: string;
}

export interface Floor {
  speaker?: string;
  since?: string;
  queue?: string[];
  /** speeches: every turn at the floor, in order (meeting.Speech). */
  speeches?: Speech[];
  /** requests: what each queued participant asked for, by id (meeting.FloorRequest). */
  requests?: Record<string, FloorRequest>;
  /** contributions: the registered contributions (tham luận), in order (meeting.Contribution). */
  contributions?: Contribution[];
}

/** SpeechKind is what a turn at the floor is for; absent or '' is a speech (meeting.SpeechKind). */
export type SpeechKind = '' | 'question' | 'order' | 'contribution';

export interface FloorRequest {
  topic?: string;
  kind?: SpeechKind;
  at?: string;
}

export interface Contribution {
  id: string;
  participant: string;
  topic: string;
  item?: string;
  done?: boolean;
}

export interface Speech {
  participant: string;
  item?: string;
  from: string;
  to?: string;
  topic?: string;
  kind?: SpeechKind;
  /** contribution: the id of the registered contribution this turn was. */
  contribution?: string;
}

/** State is a meeting as the fold of its events (meeting.State). */
export interface State {
  /** attendance_rules: what substitutes may do and what absences take off a poll's base. */
  attendance_rules?: AttendanceRules;
  /** secrecy_rules: the levels whose rules the secretary changed in this meeting (the others have their defaults). */
  secrecy_rules?: Partial<Record<Level, LevelRules>>;
  /** confidential_listing: what non-readers get of a confidential document — its withheld form (default) or nothing ("hidden"). */
  confidential_listing?: 'withheld' | 'hidden';
  /** active_content: what an upload holding JavaScript, embedded files or XFA gets — removed (default) or refused. */
  active_content?: 'remove' | 'refuse';
  version: number;
  id: string;
  title: string;
  starts_at?: string;
  place?: string;
  status: Status | '';
  /** archived: the meeting was brought back from its archive (dais archive import) and is read only. */
  archived?: ArchiveMark;
  rooms: Room[];
  participants: Record<string, Participant>;
  order: string[];
  agenda: Item[];
  current?: string;
  documents: Record<string, DocumentMeta>;
  /** drafts: documents open for comments (issue 13), by their first version's id; comments come by their route. */
  drafts?: Record<string, Draft>;
  proposals: Record<string, Proposal>;
  polls: Record<string, Poll>;
  poll_order: string[];
  presentation: Presentation;
  floor: Floor;
  /** annotations: private annotations, owner id → annotation id → annotation (a viewer sees only their own). */
  annotations: Record<string, Record<string, Annotation>>;
  /** shared: the room's annotations by id. */
  shared: Record<string, SharedAnnotation>;
  /** elections by id, and their creation order. */
  elections: Record<string, Election>;
  election_order: string[];
  /** committee: the counting committee's members (participant ids). */
  committee: string[];
  /** records: the records issued for signing, by key ("minutes/vi", "packet", "counting/bch/vi"). */
  records?: Record<string, SignedRecord>;
  /**
   * lean is set in a delegate's or an observer's state: their snapshot
   * holds only themselves of the roster (the rest comes from GET …/roster,
   * names only) and attendance arrives as these counts (the welcome's, then
   * "attendance" messages), not as others' check-ins.
   */
  lean?: LeanCounts;
}

/** LeanCounts is meeting.Lean: the meeting's size and attendance counts. */
export interface LeanCounts {
  participants: number;
  rooms: { room: string; members: number; present: number }[];
  total: { members: number; present: number };
}

/** AttendanceMsg carries the counts to delegates and observers (no seq, not replayed). */
export interface AttendanceMsg extends LeanCounts {
  type: 'attendance';
}

/** RosterEntry is one participant of GET /api/v1/meetings/{m}/roster (no attendance). */
export interface RosterEntry {
  id: string;
  name: string;
  title?: string;
  role: Role;
  room: string;
  seat?: string;
}

/** MeetingEvent is the wire form of meeting.Event. */
export interface MeetingEvent {
  seq: number;
  type: string;
  at: string;
  actor?: string;
  data?: any;
}

/** ErrorBody is meeting.Error: a refusal fit to show a person. */
export interface ErrorBody {
  code: string;
  message: string;
  message_vi: string;
}

// Wire messages (realtime/protocol).
export const PROTOCOL_VERSION = 1;

export const CloseCodes = {
  BadHello: 4000,
  Unauthorized: 4001,
  Protocol: 4002,
  /** Revoked: the session was revoked (or its participant removed): wipe, then sign in with a new code. */
  Revoked: 4003,
  TooSlow: 4008,
  Draining: 4009,
  Internal: 4011,
  /** Replaced: the session opened a fifth connection and this, its oldest, was closed: do not reconnect. */
  Replaced: 4029,
} as const;

export interface HelloMsg {
  type: 'hello';
  protocol: number;
  token: string;
  last_seq: number;
  /** device: this device's id (core/device.ts), for the copy register. */
  device?: string;
}

export interface WelcomeMsg {
  type: 'welcome';
  protocol: number;
  meeting: string;
  participant: string;
  role: string;
  seq: number;
  snapshot?: State | null;
  /** take_back: documents taken back of which the register still has copies out on this device. */
  take_back?: string[];
}

/** TakeBackMsg asks the tablet to delete its copies of documents taken back, right after the event. */
export interface TakeBackMsg {
  type: 'takeback';
  documents: string[];
}

export interface CommandMsg {
  type: 'command';
  id: string;
  name: string;
  args?: unknown;
}

export interface EventMsg {
  type: 'event';
  event: MeetingEvent;
}

export interface AckMsg {
  type: 'ack';
  id: string;
  ok: boolean;
  seq?: number;
  error?: ErrorBody | null;
  /** queued: held at a bridge site whose link is cut, sent once it is back (docs/protocol.md). */
  queued?: boolean;
}

export interface ProgressMsg {
  type: 'progress';
  poll: string;
  cast: number;
  members: number;
  present: number;
  /** rooms: each room's tablet ballots and voters present, while an election round is open. */
  rooms?: { room: string; cast: number; present: number }[];
}

export interface SignalMsg {
  type: 'signal';
  name: string;
  from?: string;
  data?: unknown;
}

export interface MoveMsg {
  type: 'move';
  retry_ms: number;
}

/**
 * NoticeMsg says that something of the meeting kept outside its log changed
 * (name "conclusions": a conclusion of the meeting was published; name
 * "consultations": a consultation of its committee was sent or closed): fetch it
 * again. Ephemeral, no seq: a client back from a cut fetches after its welcome.
 */
export interface NoticeMsg {
  type: 'notice';
  name: string;
  id?: string;
}

export type ServerMsg = WelcomeMsg | EventMsg | AckMsg | ProgressMsg | AttendanceMsg | SignalMsg | MoveMsg | TakeBackMsg | NoticeMsg;

/** DEFAULT_CHOICES mirrors meeting.DefaultChoices. */
export function defaultChoices(): Choice[] {
  return [
    { id: 'for', label: 'Tán thành' },
    { id: 'against', label: 'Không tán thành' },
    { id: 'abstain', label: 'Không biểu quyết' },
  ];
}

/** ArchiveMark: what a meeting imported from its archive keeps of the import (meeting.ArchiveMark). */
export interface ArchiveMark {
  /** archive: the SHA-256 of the archive file. */
  archive: string;
  /** events: the archived log's last event; last_hash its chain link. */
  events: number;
  last_hash?: string;
  at: string;
}

/** Draft is a document open for comments (meeting.Draft): its versions, oldest first. */
export interface Draft {
  id: string;
  versions: string[];
  deadline: string;
  visibility: 'team' | 'all';
  team?: string[];
  closed?: string;
}
