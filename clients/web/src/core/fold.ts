// The state fold: a TypeScript port of meeting.(*State).Apply.
//
// Unlike the Go Apply, which refuses any seq but Version+1, the client's
// fold tolerates gaps: the server leaves out events the viewer may not see
// (another delegate's BallotCast, for one), so seqs may skip. An event at or
// below the state's version is a duplicate and is ignored. An event that
// does not fit the state (it names a poll the client never saw, say) is
// skipped for its part, never thrown: a tablet must keep following.

import { defaultChoices, type Annotation, type Contribution, type Floor, type FloorRequest, type Item, type MeetingEvent, type Room, type Speech, type State } from './types';

/** newState returns the empty state of a meeting that does not exist yet. */
export function newState(): State {
  return {
    version: 0,
    id: '',
    title: '',
    status: '',
    rooms: [],
    participants: {},
    order: [],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
    annotations: {},
    shared: {},
    elections: {},
    election_order: [],
    committee: [],
  };
}

/**
 * normalize turns a snapshot decoded from JSON (where Go's nil slices and
 * maps arrive as null or are missing) into a State whose collections are
 * all present. It returns a deep copy; the input is not changed.
 */
export function normalize(raw: unknown): State {
  const s = { ...newState(), ...(clone(raw ?? {}) as Partial<State>) } as State;
  s.version = Number(s.version) || 0;
  s.rooms ??= [];
  s.participants ??= {};
  s.order ??= [];
  s.agenda ??= [];
  s.documents ??= {};
  s.proposals ??= {};
  s.polls ??= {};
  s.poll_order ??= [];
  s.presentation ??= {};
  s.floor ??= {};
  s.annotations ??= {};
  s.shared ??= {};
  s.elections ??= {};
  s.election_order ??= [];
  s.committee ??= [];
  for (const id of Object.keys(s.elections)) {
    if (!s.election_order.includes(id)) s.election_order.push(id);
  }
  // A snapshot from before rooms could stop following says nothing of it:
  // a linked room then follows, as Go's Apply has it.
  for (const r of s.rooms) r.following ??= !r.main;
  for (const id of Object.keys(s.participants)) {
    if (!s.order.includes(id)) s.order.push(id);
  }
  for (const id of Object.keys(s.polls)) {
    if (!s.poll_order.includes(id)) s.poll_order.push(id);
  }
  return s;
}

/** clone returns a deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** ApplyOutcome says what apply did with an event. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'unknown';

/**
 * apply folds one event into s in place. It returns 'duplicate' (and
 * changes nothing) when e.seq <= s.version, 'unknown' for an event type
 * this client does not know (the version still advances), else 'applied'.
 */
export function apply(s: State, e: MeetingEvent): ApplyOutcome {
  if (e.seq <= s.version) return 'duplicate';
  const known = applyData(s, e);
  s.version = e.seq;
  return known ? 'applied' : 'unknown';
}

function without(list: string[] | undefined, id: string): string[] {
  return (list ?? []).filter((x) => x !== id);
}

function addOnce(list: string[] | undefined, id: string): string[] {
  const l = list ?? [];
  return l.includes(id) ? l : [...l, id];
}

function findItem(s: State, id: string): Item | undefined {
  return s.agenda.find((i) => i.id === id);
}

function applyData(s: State, e: MeetingEvent): boolean {
  const d = e.data ?? {};
  switch (e.type) {
    case 'MeetingCreated': {
      s.id = d.id ?? '';
      s.title = d.title ?? '';
      s.starts_at = d.starts_at;
      s.place = d.place;
      s.status = 'draft';
      // A room starts out following the main hall, as in Go's Apply.
      s.rooms = (clone(d.rooms ?? []) as Room[]).map(freshRoom);
      if (d.secretary?.id) {
        const sec = { ...clone(d.secretary), role: 'secretary' as const };
        delete sec.present;
        s.participants[sec.id] = sec;
        s.order = addOnce(s.order, sec.id);
      }
      return true;
    }
    case 'MeetingUpdated':
      if (d.title) s.title = d.title;
      if (d.starts_at) s.starts_at = d.starts_at;
      if (d.place) s.place = d.place;
      if (d.confidential_listing) s.confidential_listing = d.confidential_listing;
      if (d.active_content) s.active_content = d.active_content;
      return true;
    case 'RoomAdded':
      if (d.room?.id && !s.rooms.some((r) => r.id === d.room.id)) s.rooms.push(freshRoom({ ...clone(d.room), main: false }));
      return true;
    case 'ParticipantAdded': {
      const p = clone(d.participant);
      if (p?.id) {
        delete p.present;
        delete p.attended;
        delete p.absence;
        delete p.for;
        delete p.substitute;
        s.participants[p.id] = p;
        s.order = addOnce(s.order, p.id);
      }
      return true;
    }
    case 'ParticipantUpdated': {
      // Name, title, role, room and seat change; attendance stays (as in Go's Apply).
      const p = clone(d.participant);
      const old = p?.id ? s.participants[p.id] : undefined;
      if (old) {
        delete p.present;
        if (old.present) p.present = true;
        // Attendance with reasons stays, as in Go's Apply.
        for (const k of ['attended', 'absence', 'for', 'substitute'] as const) {
          if (old[k] !== undefined) (p as Record<string, unknown>)[k] = old[k];
          else delete p[k];
        }
        s.participants[p.id] = p;
      }
      return true;
    }
    case 'ParticipantRemoved': {
      const gone = s.participants[d.participant];
      // Who stood in for them, or for whom they stood in, is free.
      for (const p of Object.values(s.participants)) {
        if (p.substitute === d.participant) delete p.substitute;
        if (gone?.substitute && p.id === gone.substitute && p.for === d.participant) delete p.for;
      }
      delete s.participants[d.participant];
      s.order = without(s.order, d.participant);
      s.floor = forgetSpeaker(s.floor, d.participant);
      // Their private annotations go with them; what they shared stays.
      delete s.annotations[d.participant];
      return true;
    }
    case 'AgendaItemAdded':
      addItem(s, clone(d.item));
      return true;
    case 'AgendaItemMoved':
      moveItem(s, d.item, Number(d.index) || 0);
      return true;
    case 'DocumentAdded':
      if (d.document?.id) s.documents[d.document.id] = clone(d.document);
      return true;
    case 'DraftOpened': {
      const drafts = (s.drafts ??= {});
      const old = drafts[d.document];
      drafts[d.document] = {
        id: d.document, versions: old?.versions ?? [d.document], deadline: d.deadline, visibility: d.visibility,
        ...(d.team?.length ? { team: [...d.team] } : {}),
      };
      return true;
    }
    case 'DraftClosed': {
      const dr = s.drafts?.[d.draft];
      if (dr) dr.closed = e.at;
      return true;
    }
    case 'DraftVersionAdded': {
      const dr = s.drafts?.[d.draft];
      if (dr && !dr.versions.includes(d.document)) dr.versions = [...dr.versions, d.document];
      return true;
    }
    case 'DraftCommented':
    case 'DraftCommentEdited':
      return true; // comments are read by their route (GET …/drafts/{draft}/comments)
    case 'DocumentAttached': {
      const it = findItem(s, d.item);
      if (it) it.documents = addOnce(it.documents, d.document);
      return true;
    }
    case 'ProposalAdded': {
      const p = clone(d.proposal);
      if (p?.id) {
        p.status = p.status || 'draft';
        s.proposals[p.id] = p;
        const it = d.item ? findItem(s, d.item) : undefined;
        if (it) it.proposals = addOnce(it.proposals, p.id);
      }
      return true;
    }
    case 'MeetingPublished':
      s.status = 'published';
      return true;
    case 'SessionOpened':
      s.status = 'in_session';
      return true;
    case 'SessionAdjourned':
      s.status = 'adjourned';
      return true;
    case 'MeetingClosed':
      s.status = 'closed';
      // The close takes back every secret document not taken back yet (meeting.takeBackAll).
      for (const doc of Object.values(s.documents)) {
        if (!doc.taken_back && (doc.level || doc.confidential)) doc.taken_back = { at: e.at, seq: e.seq, reason: 'closed' };
      }
      s.floor = { speeches: endSpeech(s.floor, e.at), contributions: s.floor.contributions };
      return true;
    case 'MeetingArchived':
      // Imported from its archive (dais archive import): read only.
      s.archived = { archive: d.archive, events: Number(d.events) || 0, last_hash: d.last_hash || undefined, at: e.at };
      if (!s.archived.last_hash) delete s.archived.last_hash;
      return true;
    case 'CurrentItemSet':
      s.current = d.item || undefined;
      return true;
    case 'DocumentShown':
    case 'PageTurned':
      s.presentation = { ...s.presentation, document: d.document || s.presentation.document, page: d.page || 1 };
      return true;
    case 'PresentationHanded':
      s.presentation = { ...s.presentation, presenter: d.to || undefined };
      return true;
    case 'PollCreated': {
      const p = clone(d.poll);
      if (p?.id) {
        const el = p.election ? s.elections[p.election] : undefined;
        if (el && p.kind) el.rounds = addOnce(el.rounds, p.id);
        if (!p.choices || p.choices.length === 0) p.choices = defaultChoices();
        p.status = 'ready';
        p.voters = p.voters ?? {};
        delete p.result;
        s.polls[p.id] = p;
        s.poll_order = addOnce(s.poll_order, p.id);
      }
      return true;
    }
    case 'PollOpened': {
      const p = s.polls[d.poll];
      if (p) {
        p.status = 'open';
        // A round keeps when it was opened and closed (the counting minutes say it).
        if (p.kind) p.opened_at = e.at;
        const pr = p.proposal ? s.proposals[p.proposal] : undefined;
        if (pr) pr.status = 'voting';
      }
      return true;
    }
    case 'BallotCast': {
      const p = s.polls[d.poll];
      if (p && d.voter) {
        p.voters = { ...(p.voters ?? {}), [d.voter]: d.choice ?? '' };
      }
      return true;
    }
    case 'PollClosed': {
      const p = s.polls[d.poll];
      if (p) {
        p.status = 'closed';
        p.result = clone(d.result);
        if (p.kind) p.closed_at = e.at;
        // A named poll's close carries every voter's choice: the viewer may
        // have seen only their own BallotCast.
        if (d.voters) p.voters = clone(d.voters);
        const pr = p.proposal ? s.proposals[p.proposal] : undefined;
        if (pr && d.result) pr.status = d.result.passed ? 'adopted' : 'rejected';
        // A round's close names whom it elected: the election keeps them, all rounds.
        const el = p.election ? s.elections[p.election] : undefined;
        const won: string[] = d.result?.election?.elected ?? [];
        if (el && won.length) el.elected = [...(el.elected ?? []), ...won];
      }
      return true;
    }
    case 'FloorRequested':
      if (d.participant && s.floor.speaker !== d.participant) {
        const req: FloorRequest = { at: e.at };
        if (d.topic) req.topic = d.topic;
        if (d.kind) req.kind = d.kind;
        s.floor = { ...s.floor, queue: addOnce(s.floor.queue, d.participant), requests: { ...s.floor.requests, [d.participant]: req } };
      }
      return true;
    case 'FloorWithdrawn':
      s.floor = { ...s.floor, queue: without(s.floor.queue, d.participant), requests: dropKey(s.floor.requests, d.participant) };
      return true;
    case 'FloorGiven': {
      const sp: Speech = { participant: d.participant, item: s.current, from: e.at };
      let contributions = s.floor.contributions;
      const ct = d.contribution ? contributions?.find((c) => c.id === d.contribution) : undefined;
      if (ct) {
        contributions = contributions!.map((c) => (c.id === ct.id ? { ...c, done: true } : c));
        sp.topic = ct.topic;
        sp.kind = 'contribution';
        sp.contribution = ct.id;
        if (!sp.item && ct.item) sp.item = ct.item;
      } else {
        const r = s.floor.requests?.[d.participant];
        if (r?.topic) sp.topic = r.topic;
        if (r?.kind) sp.kind = r.kind;
      }
      const speeches = [...(endSpeech(s.floor, e.at) ?? []), sp];
      s.floor = {
        speaker: d.participant,
        since: e.at,
        queue: without(s.floor.queue, d.participant),
        speeches,
        requests: dropKey(s.floor.requests, d.participant),
        contributions,
      };
      return true;
    }
    case 'FloorEnded':
      s.floor = { queue: s.floor.queue, speeches: endSpeech(s.floor, e.at), requests: s.floor.requests, contributions: s.floor.contributions };
      return true;
    case 'ContributionAdded': {
      const c = clone(d.contribution) as Contribution | undefined;
      if (c?.id && !s.floor.contributions?.some((x) => x.id === c.id)) {
        delete c.done;
        s.floor = { ...s.floor, contributions: [...(s.floor.contributions ?? []), c] };
      }
      return true;
    }
    case 'ContributionRemoved':
      s.floor = { ...s.floor, contributions: s.floor.contributions?.filter((c) => c.id !== d.contribution) };
      return true;
    case 'ContributionMoved': {
      const list = [...(s.floor.contributions ?? [])];
      const at = list.findIndex((c) => c.id === d.contribution);
      if (at >= 0) {
        const [c] = list.splice(at, 1);
        list.splice(Math.min(Math.max(Number(d.index) || 0, 0), list.length), 0, c);
        s.floor = { ...s.floor, contributions: list };
      }
      return true;
    }
    case 'CheckedIn':
    case 'CheckedOut': {
      const p = s.participants[d.participant];
      if (p) {
        if (e.type === 'CheckedIn') {
          p.present = true;
          // Present after all: not absent, not excused for the whole
          // meeting, and whoever stood in for them stands down.
          p.attended = true;
          delete p.excused;
          delete p.absence;
          if (p.substitute) {
            const sub = s.participants[p.substitute];
            if (sub?.for === p.id) delete sub.for;
            delete p.substitute;
          }
        } else delete p.present;
      }
      return true;
    }
    case 'ElectionCreated':
    case 'ElectionUpdated': {
      const el = clone(d.election);
      if (el?.id) {
        // As Go's Apply: a new election has no rounds yet; an update
        // replaces the election but keeps its rounds and whom they elected.
        const before = s.elections[el.id];
        delete el.rounds;
        delete el.elected;
        if (e.type === 'ElectionUpdated' && before) {
          if (before.rounds) el.rounds = before.rounds;
          if (before.elected) el.elected = before.elected;
        }
        s.elections[el.id] = el;
        s.election_order = addOnce(s.election_order, el.id);
      }
      return true;
    }
    case 'ElectionApproved': {
      const el = s.elections[d.election];
      if (el) el.approved = true;
      return true;
    }
    case 'CommitteeElected':
      s.committee = [...(d.members ?? [])];
      return true;
    case 'RecordIssued':
      s.records = { ...(s.records ?? {}), [d.record]: { record: d.record, sha256: d.sha256, size: d.size, issued_by: e.actor ?? '', issued_at: e.at } };
      return true;
    case 'RecordSigned': {
      const r = s.records?.[d.record];
      if (r) {
        r.sha256 = d.sha256;
        r.size = d.size;
        r.signatures = [...(r.signatures ?? []), { participant: e.actor ?? '', signer: d.signer, level: d.level, where: d.where, at: e.at }];
      }
      return true;
    }
    case 'AbsenceExcused': {
      const p = s.participants[d.participant];
      if (p) {
        if (d.reason) p.excused = d.reason;
        else delete p.excused;
        // The same fact as an approved absence (MarkAbsent's record).
        if (d.reason) p.absence = { reason: d.reason, approved: true };
        else delete p.absence;
      }
      return true;
    }
    case 'AbsenceMarked': {
      const p = s.participants[d.participant];
      if (p) {
        delete p.excused;
        if (!d.reason) delete p.absence;
        else {
          p.absence = { reason: d.reason, ...(d.approved ? { approved: true } : {}), ...(d.during ? { during: true } : {}) };
          if (d.approved && !p.attended) p.excused = d.reason;
        }
      }
      return true;
    }
    case 'SubstituteSeated': {
      const sub = s.participants[d.participant];
      if (!d.for) {
        for (const m of Object.values(s.participants)) if (m.substitute === d.participant) delete m.substitute;
        if (sub) delete sub.for;
      } else {
        if (sub) sub.for = d.for;
        const m = s.participants[d.for];
        if (m) m.substitute = d.participant;
      }
      return true;
    }
    case 'AttendanceRulesSet':
      s.attendance_rules = clone(d.rules ?? {});
      return true;
    case 'PaperBallotEntered':
    case 'PaperBallotResolved': {
      const p = s.polls[d.poll];
      if (!p || !d.room || d.sheet === undefined) return true;
      const key = String(d.sheet);
      const rooms = (p.paper ??= {});
      const sheets = (rooms[d.room] ??= {});
      const sheet = (sheets[key] ??= { entries: {}, status: 'incomplete' });
      if (e.type === 'PaperBallotEntered') {
        if (d.member) sheet.entries[d.member] = d.marks ?? '';
      } else sheet.resolved = d.marks ?? '';
      sheet.status = sheetStatus(sheet);
      return true;
    }
    case 'AnnotationSaved': {
      const a = clone(d.annotation) as Annotation | undefined;
      if (!a?.id || !d.owner) return true;
      if (d.shared) {
        s.shared[a.id] = { ...a, owner: d.owner };
      } else {
        s.annotations[d.owner] = { ...(s.annotations[d.owner] ?? {}), [a.id]: a };
      }
      return true;
    }
    case 'AnnotationDeleted':
      if (d.shared) {
        delete s.shared[d.id];
      } else if (s.annotations[d.owner]) {
        delete s.annotations[d.owner][d.id];
        if (Object.keys(s.annotations[d.owner]).length === 0) delete s.annotations[d.owner];
      }
      return true;
    case 'RoomFollowing': {
      const r = s.rooms.find((x) => x.id === d.room);
      if (r && !r.main) {
        r.following = !!d.follow;
        delete r.presentation;
        // The room keeps the main hall's current page until its operator
        // shows something else.
        if (!d.follow && s.presentation.document) {
          r.presentation = { document: s.presentation.document, page: s.presentation.page };
        }
      }
      return true;
    }
    case 'SecrecyRulesSet':
      if (d.level && d.rules) s.secrecy_rules = { ...(s.secrecy_rules ?? {}), [d.level]: clone(d.rules) };
      return true;
    case 'DocumentLevelSet': {
      const doc = s.documents[d.document];
      if (doc) {
        if (d.level) doc.level = d.level;
        else delete doc.level;
      }
      return true;
    }
    case 'DocumentTakenBack': {
      const doc = s.documents[d.document];
      if (doc && !doc.taken_back) doc.taken_back = { at: e.at, seq: e.seq, reason: d.reason ?? 'secretary' };
      return true;
    }
    case 'RoomDisplayAllowed': {
      const doc = s.documents[d.document];
      if (doc) {
        if (d.allow) doc.display_allowed = true;
        else delete doc.display_allowed;
      }
      return true;
    }
    // The copy register: read from its route, not kept in the state.
    case 'CopyServed':
    case 'CopiesDeleted':
      return true;
    case 'RoomShown': {
      const r = s.rooms.find((x) => x.id === d.room);
      if (r && !r.main) r.presentation = { document: d.document, page: d.page };
      return true;
    }
  }
  return false;
}

/**
 * sheetStatus says where a paper ballot's entries stand (as the server
 * decides it): resolved once a member settled it; a mismatch as soon as
 * two entries differ; agreed when three members or more typed the same
 * marks; incomplete before that.
 */
export function sheetStatus(sheet: { entries: Record<string, string>; resolved?: string }): 'incomplete' | 'agreed' | 'mismatch' | 'resolved' {
  if (sheet.resolved) return 'resolved';
  const marks = Object.values(sheet.entries);
  if (new Set(marks).size > 1) return 'mismatch';
  return marks.length >= 3 ? 'agreed' : 'incomplete';
}

// freshRoom is a room as it starts out: a linked room follows the main
// hall and shows nothing of its own.
function freshRoom(r: Room): Room {
  const out: Room = { ...r, following: !r.main };
  delete out.presentation;
  return out;
}

// addItem appends a top-level item, or puts a sub-item after the last
// existing sub-item of its parent (after the parent when it has none), so
// that the flat agenda always reads in tree order.
function addItem(s: State, item: Item) {
  if (!item?.id || findItem(s, item.id)) return;
  if (!item.parent) {
    s.agenda.push(item);
    return;
  }
  let at = -1;
  s.agenda.forEach((it, i) => {
    if (it.id === item.parent || it.parent === item.parent) at = i;
  });
  if (at < 0) s.agenda.push(item);
  else s.agenda.splice(at + 1, 0, item);
}

// moveItem moves an item (a top-level item with its sub-items) to position
// index among its siblings; beyond the end means last.
function moveItem(s: State, id: string, index: number) {
  const item = findItem(s, id);
  if (!item) return;
  const block = s.agenda.filter((it) => it.id === id || (!item.parent && it.parent === id));
  const rest = s.agenda.filter((it) => !block.includes(it));
  const siblings = rest.filter((it) => (it.parent ?? '') === (item.parent ?? ''));
  const idx = Math.max(0, index);
  let at: number;
  if (idx < siblings.length) {
    at = rest.indexOf(siblings[idx]);
  } else if (siblings.length > 0) {
    // After the last sibling and (for a top-level sibling) its sub-items.
    const last = siblings[siblings.length - 1];
    at = rest.indexOf(last) + 1;
    while (at < rest.length && !item.parent && rest[at].parent === last.id) at++;
  } else if (item.parent) {
    at = rest.findIndex((it) => it.id === item.parent) + 1;
  } else {
    at = rest.length;
  }
  rest.splice(at, 0, ...block);
  s.agenda = rest;
}

/** dropKey returns m without key (undefined when nothing is left). */
function dropKey<V>(m: Record<string, V> | undefined, key: string): Record<string, V> | undefined {
  if (!m || !(key in m)) return m;
  const { [key]: _gone, ...rest } = m;
  return Object.keys(rest).length ? rest : undefined;
}

/** forgetSpeaker takes a removed participant off the floor: their request and the contributions they had not given (meeting.Floor.forgetSpeaker). */
function forgetSpeaker(f: Floor, id: string): Floor {
  return {
    ...f,
    queue: without(f.queue, id),
    requests: dropKey(f.requests, id),
    contributions: f.contributions?.filter((c) => c.participant !== id || c.done),
  };
}

/** endSpeech returns the speeches with the one in progress, if any, ended at `at` (meeting.State.endSpeech). */
function endSpeech(f: Floor, at: string | undefined): Speech[] | undefined {
  const sp = f.speeches;
  if (!sp?.length || !f.speaker || sp[sp.length - 1].to) return sp;
  return [...sp.slice(0, -1), { ...sp[sp.length - 1], to: at }];
}
