// Derived views of a meeting State: what the screens ask of it. All are
// pure functions of their arguments.

import type { Annotation, Candidate, Election, Item, PaperSheet, Participant, Poll, Presentation, Role, State } from './types';

/** currentItem returns the agenda item under discussion, if any. */
export function currentItem(s: State): Item | undefined {
  return s.current ? s.agenda.find((i) => i.id === s.current) : undefined;
}

/** me returns the participant with id `me`, if the state knows them. */
export function participant(s: State, id: string | undefined): Participant | undefined {
  return id ? s.participants[id] : undefined;
}

/** myRole is the viewer's role in the state, falling back to the role the server named at sign-in. */
export function myRole(s: State, me: string, fallback?: Role): Role | undefined {
  return s.participants[me]?.role ?? fallback;
}

/** isChair reports whether the viewer chairs the meeting. */
export function isChair(s: State, me: string): boolean {
  return s.participants[me]?.role === 'chair';
}

/** isPresenter reports whether the viewer may turn the pages: the chair, or whom the chair handed the presentation to. */
export function isPresenter(s: State, me: string): boolean {
  if (!me) return false;
  if (s.presentation.presenter) return s.presentation.presenter === me || isChair(s, me);
  return isChair(s, me);
}

/** presenterId returns who presents now: the handed-to participant or the chair. */
export function presenterId(s: State): string | undefined {
  if (s.presentation.presenter) return s.presentation.presenter;
  return s.order.find((id) => s.participants[id]?.role === 'chair');
}

/** openPoll returns the open poll, or undefined. At most one is open. */
export function openPoll(s: State): Poll | undefined {
  for (const id of s.poll_order) {
    const p = s.polls[id];
    if (p?.status === 'open') return p;
  }
  return undefined;
}

/** lastClosedPoll returns the poll closed last (in creation order), if any. */
export function lastClosedPoll(s: State): Poll | undefined {
  for (let i = s.poll_order.length - 1; i >= 0; i--) {
    const p = s.polls[s.poll_order[i]];
    if (p?.status === 'closed') return p;
  }
  return undefined;
}

/** isVoter reports whether a participant has a vote (the chair and delegates). */
export function isVoter(p: Participant | undefined): boolean {
  return p?.role === 'chair' || p?.role === 'delegate';
}

/**
 * MyBallot is what the viewer knows of their own ballot in a poll: whether
 * they voted and, when known, the choice. In a secret poll the state keeps
 * no choice; `local` (what this device sent) fills it in.
 */
export interface MyBallot {
  voted: boolean;
  choice?: string;
}

/** myBallot returns the viewer's ballot in poll p. */
export function myBallot(p: Poll | undefined, me: string, local?: string): MyBallot {
  if (!p) return { voted: false };
  const c = p.voters?.[me];
  if (c === undefined) return { voted: false };
  return { voted: true, choice: c || local || undefined };
}

/** Attendance is the count of voters and of those checked in. */
export interface Attendance {
  room: string;
  name: string;
  members: number;
  present: number;
}

/** members mirrors meeting.(*State).Members: voters, and voters checked in. */
export function members(s: State): { members: number; present: number } {
  if (s.lean) return { members: s.lean.total.members, present: s.lean.total.present };
  let m = 0;
  let p = 0;
  for (const x of Object.values(s.participants)) {
    if (isVoter(x)) {
      m++;
      if (x.present) p++;
    }
  }
  return { members: m, present: p };
}

/** attendanceByRoom counts voters and present voters in each room, rooms in meeting order. */
export function attendanceByRoom(s: State): Attendance[] {
  const rows = new Map<string, Attendance>();
  for (const r of s.rooms) rows.set(r.id, { room: r.id, name: r.name, members: 0, present: 0 });
  if (s.lean) {
    // A delegate's lean state: the server's counts, not the roster's.
    for (const c of s.lean.rooms ?? []) {
      const row = rows.get(c.room) ?? { room: c.room, name: c.room, members: 0, present: 0 };
      row.members = c.members;
      row.present = c.present;
      rows.set(c.room, row);
    }
    return [...rows.values()];
  }
  for (const id of s.order) {
    const x = s.participants[id];
    if (!isVoter(x)) continue;
    let row = rows.get(x.room);
    if (!row) {
      row = { room: x.room, name: x.room, members: 0, present: 0 };
      rows.set(x.room, row);
    }
    row.members++;
    if (x.present) row.present++;
  }
  return [...rows.values()];
}

/** Quorum is whether enough voters are present for a share (0–100) of members. */
export interface Quorum {
  members: number;
  present: number;
  needed: number;
  ok: boolean;
}

/**
 * quorum computes whether present voters reach percent of members, the way
 * a poll's QuorumPercent counts: present*100 >= percent*members. percent 0
 * means no quorum is required.
 */
export function quorum(s: State, percent: number): Quorum {
  const { members: m, present: p } = members(s);
  const needed = percent <= 0 ? 0 : Math.ceil((percent * m) / 100);
  return { members: m, present: p, needed, ok: p * 100 >= percent * m };
}

/** queuePlace returns the viewer's 1-based place in the speaker queue, or 0. */
export function queuePlace(s: State, me: string): number {
  const i = (s.floor.queue ?? []).indexOf(me);
  return i + 1;
}

/** children returns the sub-items of a top-level item. */
export function children(s: State, id: string): Item[] {
  return s.agenda.filter((i) => i.parent === id);
}

/** itemNumber returns the display number of an agenda item: "2" or "2.1". */
export function itemNumber(s: State, id: string): string {
  const tops = s.agenda.filter((i) => !i.parent);
  const it = s.agenda.find((i) => i.id === id);
  if (!it) return '';
  if (!it.parent) return String(tops.indexOf(it) + 1);
  const parentNo = tops.findIndex((i) => i.id === it.parent) + 1;
  const sub = children(s, it.parent).indexOf(it) + 1;
  return `${parentNo}.${sub}`;
}

/** votedCount returns how many ballots the state knows of in poll p. */
export function votedCount(p: Poll | undefined): number {
  return p ? Object.keys(p.voters ?? {}).length : 0;
}

/** documentsInOrder returns the ids of the documents the state lists, in agenda order first, then the rest. */
export function documentsInOrder(s: State): string[] {
  const seen: string[] = [];
  for (const it of s.agenda) for (const d of it.documents ?? []) if (s.documents[d] && !seen.includes(d)) seen.push(d);
  for (const d of Object.keys(s.documents)) if (!seen.includes(d)) seen.push(d);
  return seen;
}

/**
 * shownIn returns what a room shows, as meeting.(*State).Shown: the main
 * hall's presentation for the main hall and for a linked room that follows
 * it, the room's own (document and page; empty when it has shown nothing
 * yet) for one that does not. Unlike Go, an unknown room gets the main
 * hall's presentation: a screen whose room the state does not know yet
 * shows what the meeting shows.
 */
export function shownIn(s: State, room: string | undefined): Presentation {
  const r = room ? s.rooms.find((x) => x.id === room) : undefined;
  if (!r || r.main || r.following !== false) return s.presentation;
  if (!r.presentation) return {};
  return { document: r.presentation.document, page: r.presentation.page };
}

/** myAnnotations returns the viewer's private annotations on a page of a document, by id. */
export function myAnnotations(s: State, me: string, document: string, page: number): Annotation[] {
  return Object.values(s.annotations?.[me] ?? {})
    .filter((a) => a.document === document && a.page === page)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// Elections (issue 10).

/** isCommittee reports whether a participant sits on the counting committee. */
export function isCommittee(s: State, id: string): boolean {
  return (s.committee ?? []).includes(id);
}

/** roundCandidates returns a round's candidates in ballot order. */
export function roundCandidates(s: State, p: Poll): Candidate[] {
  const el = p.election ? s.elections[p.election] : undefined;
  if (!el) return [];
  const ids = p.candidates?.length ? p.candidates : el.candidates.map((c) => c.id);
  return ids.map((id) => el.candidates.find((c) => c.id === id)).filter((c): c is Candidate => !!c);
}

/** electionOf returns the election a poll is a round of, if any. */
export function electionOf(s: State, p: Poll | undefined): Election | undefined {
  return p?.election ? s.elections[p.election] : undefined;
}

/** isRound reports whether a poll is a round of an election or a confidence vote. */
export function isRound(p: Poll | undefined): boolean {
  return !!p?.kind && !!p.election;
}

/** votesOnPaper reports whether a participant's room votes on paper in an election. */
export function votesOnPaper(s: State, el: Election | undefined, who: string): boolean {
  const room = s.participants[who]?.room;
  return !!el && !!room && (el.paper_rooms ?? []).includes(room);
}

/** RoomProgress is a room's ballots in an open round: issued (voters present), returned (tablet ballots, or paper sheets entered). */
export interface RoomProgress {
  room: string;
  name: string;
  paper: boolean;
  issued: number;
  returned: number;
}

/**
 * roundProgress counts, per room, the ballots issued (voters present) and
 * returned: ballots cast from tablets — from the live progress's rooms
 * when given (the committee is not shown who voted), else from who voted
 * as the state shows it (the chair and the secretaries) — or, for a paper
 * room, the sheets entered.
 */
export function roundProgress(s: State, p: Poll, live?: { poll: string; rooms?: { room: string; cast: number; present: number }[] } | null): RoomProgress[] {
  const el = electionOf(s, p);
  const paperRooms = el?.paper_rooms ?? [];
  const rows = s.rooms.map((r) => ({ room: r.id, name: r.name, paper: paperRooms.includes(r.id), issued: 0, returned: 0 }));
  const row = (id: string) => rows.find((x) => x.room === id);
  for (const id of s.order) {
    const x = s.participants[id];
    if (!isVoter(x) || !x.present) continue;
    const r = row(x.room);
    if (r) r.issued++;
  }
  for (const voter of Object.keys(p.voters ?? {})) {
    const r = row(s.participants[voter]?.room ?? '');
    if (r && !r.paper) r.returned++;
  }
  if (live?.poll === p.id && live.rooms) {
    for (const x of live.rooms) {
      const r = row(x.room);
      if (!r) continue;
      r.issued = x.present;
      if (!r.paper) r.returned = Math.max(r.returned, x.cast);
    }
  }
  for (const [room, sheets] of Object.entries(p.paper ?? {})) {
    const r = row(room);
    if (r) r.returned += Object.keys(sheets).length;
  }
  return rows;
}

/** SheetRow is one paper sheet of a round, with its room. */
export interface SheetRow {
  room: string;
  sheet: number;
  sheetData: PaperSheet;
}

/** paperSheets lists a round's paper sheets, by room (in meeting order) then sheet number. */
export function paperSheets(s: State, p: Poll): SheetRow[] {
  const order = s.rooms.map((r) => r.id);
  const out: SheetRow[] = [];
  for (const [room, sheets] of Object.entries(p.paper ?? {})) {
    for (const [k, sheetData] of Object.entries(sheets)) out.push({ room, sheet: Number(k), sheetData });
  }
  return out.sort((a, b) => order.indexOf(a.room) - order.indexOf(b.room) || a.sheet - b.sheet);
}

/**
 * nextRound returns what the last closed round of an election says of a
 * next one (the tie or the seats left), when no later round exists.
 */
export function nextRound(s: State, el: Election): { poll: Poll; reason: 'tie' | 'short'; candidates: string[]; seats: number } | undefined {
  const rounds = (el.rounds ?? []).map((id) => s.polls[id]).filter(Boolean);
  const last = rounds[rounds.length - 1];
  const nr = last?.status === 'closed' ? last.result?.election?.next_round : undefined;
  return nr ? { poll: last, ...nr } : undefined;
}

/** electionRounds returns an election's round polls in order. */
export function electionRounds(s: State, el: Election): Poll[] {
  const ids = el.rounds?.length ? el.rounds : s.poll_order.filter((id) => s.polls[id]?.election === el.id && s.polls[id]?.kind);
  return ids.map((id) => s.polls[id]).filter(Boolean);
}
