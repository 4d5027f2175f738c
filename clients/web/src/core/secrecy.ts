// Secrecy levels (issue 12), as the server has them (meeting/secrecy.go and
// /work/notes/12-secrecy-protocol.md): a document is Mật, Tối mật or
// Tuyệt mật, or not secret; each level has rules in a meeting (the
// defaults below unless the secretary changed them); a secret document is
// taken back (thu hồi) by the secretary or the chair, or by the close.
// What a screen may do with a document — open it, keep it offline, offer
// "download" and "print", show it on a linked room's display — is decided
// here, from the state alone. The chair and the secretaries are bound by
// none of the rules (the server serves them every copy, registered).

import type { DocumentMeta, Level, LevelRules, Participant, State } from './types';

/** LEVELS are the secret levels, from the lowest. */
export const LEVELS: readonly Level[] = ['mat', 'toi_mat', 'tuyet_mat'];

/** RULE_NAMES are the fields of LevelRules, in the order the workspace shows them. */
export const RULE_NAMES: readonly (keyof LevelRules)[] = ['watermark', 'offline', 'download', 'presented_only', 'linked_displays'];

/** defaultRules mirrors meeting.DefaultRules. */
export function defaultRules(l: Level): LevelRules {
  switch (l) {
    case 'mat':
      return { watermark: true, offline: true, download: true, presented_only: false, linked_displays: true };
    case 'toi_mat':
      return { watermark: true, offline: false, download: false, presented_only: false, linked_displays: true };
    case 'tuyet_mat':
      return { watermark: true, offline: false, download: false, presented_only: true, linked_displays: false };
  }
}

const NONE: LevelRules = { watermark: false, offline: true, download: true, presented_only: false, linked_displays: true };

/** rulesOf returns a level's rules in the meeting (the secretary's, else the default); a document not secret has no restriction. */
export function rulesOf(s: State, l: Level | undefined): LevelRules {
  if (!l) return NONE;
  const set = s.secrecy_rules?.[l];
  return set ? { ...defaultRules(l), ...set } : defaultRules(l);
}

/** levelOf is the document's effective level (meeting.Document.Secrecy): its level, else Mật when reserved to readers. */
export function levelOf(d: DocumentMeta | undefined): Level | undefined {
  if (!d) return undefined;
  if (d.level && (LEVELS as string[]).includes(d.level)) return d.level;
  return d.confidential ? 'mat' : undefined;
}

/** isSecret reports whether a document has a secrecy level. */
export const isSecret = (d: DocumentMeta | undefined) => levelOf(d) !== undefined;

/** isStaff: the chair and the secretaries, whom the rules do not bind. */
export const isStaff = (p: Participant | undefined) => p?.role === 'chair' || p?.role === 'secretary';

/** takenBack reports whether a secret document was taken back (by the secretary, the chair, or the close). */
export function takenBack(s: State, d: DocumentMeta | undefined): boolean {
  if (!d || !isSecret(d)) return false;
  return !!d.taken_back || s.status === 'closed';
}

/**
 * mayOpen says whether the viewer me may open a document in the viewer
 * now, as the server's MayCopy: the chair and the secretaries always; for
 * the others not once taken back; a level "presented only" opens for its
 * named readers, or for anyone while the main hall presents it; else the
 * readers of a document reserved to them; a linked room's display not a
 * level kept off linked displays unless the chair allowed it.
 */
export function mayOpen(s: State, doc: string | undefined, me: string): boolean {
  const d = doc ? s.documents[doc] : undefined;
  const p = s.participants[me];
  if (!d || !p) return false;
  if (isStaff(p)) return !d.withheld;
  const level = levelOf(d);
  const rules = rulesOf(s, level);
  if (takenBack(s, d)) return false;
  if (level && rules.presented_only) {
    if (!(d.readers ?? []).includes(me) && s.presentation.document !== d.id) return false;
  } else if (d.withheld || (d.confidential && !(d.readers ?? []).includes(me))) {
    return false;
  }
  if (p.role === 'display' && level && !rules.linked_displays && !d.display_allowed) {
    const room = s.rooms.find((r) => r.id === p.room);
    if (!room?.main) return false;
  }
  return true;
}

/** Blocked is why a document is not shown to the viewer: taken back, not presented now (presented only), or kept off a linked room's display. */
export type Blocked = 'taken_back' | 'not_presented' | 'kept_off';

/**
 * blocked says why the viewer me may not be shown a document by its level
 * (undefined: nothing in its level stops it; a document reserved to other
 * readers is refused by the server as before). The chair and the
 * secretaries are never blocked.
 */
export function blocked(s: State, doc: string | undefined, me: string): Blocked | undefined {
  const d = doc ? s.documents[doc] : undefined;
  const p = s.participants[me];
  if (!d || !p || isStaff(p)) return undefined;
  const level = levelOf(d);
  if (!level) return undefined;
  if (takenBack(s, d)) return 'taken_back';
  const rules = rulesOf(s, level);
  if (rules.presented_only && !(d.readers ?? []).includes(me) && s.presentation.document !== d.id) return 'not_presented';
  if (p.role === 'display' && !rules.linked_displays && !d.display_allowed && !s.rooms.find((r) => r.id === p.room)?.main) return 'kept_off';
  return undefined;
}

/** keptOffDisplay reports whether a linked room's display may not show a document (its level, and the chair did not allow it). */
export function keptOffDisplay(s: State, d: DocumentMeta | undefined): boolean {
  const level = levelOf(d);
  return !!level && !rulesOf(s, level).linked_displays && !d!.display_allowed;
}

/** mayKeepOffline says whether a tablet may keep a copy of the document for offline reading. */
export function mayKeepOffline(s: State, d: DocumentMeta): boolean {
  const level = levelOf(d);
  if (!level) return true;
  return rulesOf(s, level).offline && !takenBack(s, d);
}

/** mayDownload says whether the viewer gets "download" and "print" for a document (staff always). */
export function mayDownload(s: State, d: DocumentMeta | undefined, me: string): boolean {
  if (!d) return false;
  if (isStaff(s.participants[me])) return true;
  const level = levelOf(d);
  return !level || (rulesOf(s, level).download && !takenBack(s, d));
}

/**
 * dueTakeBacks lists the take-backs a tablet must carry out: every secret
 * document the state says was taken back (the viewer's own form of it,
 * withheld included), marked by the take-back's seq ("c" + seq for the
 * close), plus the documents the server asked for by name (a "takeback"
 * message or the welcome's take_back), marked "ask:" + ask (a new mark per
 * request: the server asks only while it still counts copies out).
 */
export function dueTakeBacks(s: State, asked: readonly string[] = [], ask = ''): { doc: string; mark: string }[] {
  const out: { doc: string; mark: string }[] = [];
  for (const d of Object.values(s.documents)) {
    if (!takenBack(s, d)) continue;
    const tb = d.taken_back;
    out.push({ doc: d.id, mark: tb ? `${tb.reason === 'closed' ? 'c' : 's'}${tb.seq}` : 'closed' });
  }
  for (const id of asked) {
    if (!id) continue;
    out.push({ doc: id, mark: `ask:${ask}` });
  }
  return out;
}
