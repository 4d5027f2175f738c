// Attendance with reasons (issue 13, part 2): a member's recorded absence,
// substitutes (người dự thay) and whose ballot a substitute casts — the
// client's mirror of meeting/absence.go, pure functions of the state.

import type { Participant, State } from './types';
import { isVoter } from './views';

/** AbsenceView is what the screens say of a member's absence. */
export interface AbsenceView {
  reason: string;
  approved: boolean;
  during: boolean;
  /** wholeMeeting: approved and never checked in — off an election's "members" base. */
  wholeMeeting: boolean;
}

/** absenceOf returns a member's recorded absence (an old ExcuseAbsence: approved), or null. */
export function absenceOf(p: Participant | undefined): AbsenceView | null {
  if (!p) return null;
  if (p.absence?.reason) {
    return { reason: p.absence.reason, approved: !!p.absence.approved, during: !!p.absence.during, wholeMeeting: !!p.excused };
  }
  if (p.excused) return { reason: p.excused, approved: true, during: false, wholeMeeting: true };
  return null;
}

/** absentMembers lists the members not checked in, in the meeting's order. */
export function absentMembers(s: State): Participant[] {
  return s.order.map((id) => s.participants[id]).filter((p): p is Participant => !!p && isVoter(p) && !p.present);
}

/** substituteOf returns the seated substitute of a member, or undefined. */
export function substituteOf(s: State, member: string): Participant | undefined {
  const id = s.participants[member]?.substitute;
  const sub = id ? s.participants[id] : undefined;
  return sub?.for === member ? sub : undefined;
}

/** seatable lists the observers who may be seated as substitutes (not standing in for anyone). */
export function seatable(s: State): Participant[] {
  return s.order.map((id) => s.participants[id]).filter((p): p is Participant => !!p && p.role === 'observer' && !p.for);
}

/** needsSubstitute lists the absent members without a substitute. */
export function needsSubstitute(s: State): Participant[] {
  return absentMembers(s).filter((p) => !p.substitute);
}

/**
 * ballotVoter mirrors meeting.(*State).BallotVoter: whose ballot viewer
 * casts in an ordinary poll — the member they stand in for when seated and
 * the meeting lets substitutes vote, their own otherwise.
 */
export function ballotVoter(s: State, viewer: string): string {
  const p = s.participants[viewer];
  if (p?.for && s.attendance_rules?.substitutes_vote) return p.for;
  return viewer;
}

/** votesAsSubstitute reports whether viewer votes in ordinary polls for a member (and not as one). */
export function votesAsSubstitute(s: State, viewer: string): boolean {
  return ballotVoter(s, viewer) !== viewer;
}

/** Turnout mirrors meeting.Turnout: what a poll's base is counted from at its close. */
export interface Turnout {
  members: number;
  present: number;
  excused: number;
  excusedOff: boolean;
  substitutes: number;
}

/** turnout mirrors meeting.(*State).Turnout (a whole view: the chair's, the secretaries'). */
export function turnout(s: State): Turnout {
  const r = s.attendance_rules ?? {};
  const t: Turnout = { members: 0, present: 0, excused: 0, excusedOff: !!r.excused_off_base, substitutes: 0 };
  for (const p of Object.values(s.participants)) {
    if (isVoter(p)) {
      t.members++;
      if (p.present) t.present++;
      else if (p.excused) t.excused++;
    } else if (p.for && p.present && r.substitutes_vote) {
      const m = s.participants[p.for];
      if (m && isVoter(m) && !m.present) t.substitutes++;
    }
  }
  return t;
}

/** baseFor is the base a poll's rule counts against with this turnout (meeting.ResultFor). */
export function baseFor(base: 'cast' | 'present' | 'members', t: Turnout, cast: number): number {
  if (base === 'present') return t.present + t.substitutes;
  if (base === 'members') return t.members - (t.excusedOff ? t.excused : 0);
  return cast;
}
