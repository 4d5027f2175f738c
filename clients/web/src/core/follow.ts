// Follow or browse, without a screen: what a reader's document viewer
// shows. Following, it is what the reader's room shows (the main hall's
// presentation, or a linked room's own page); browsing, the document and
// page the reader chose. A presenter who follows turns the room's page; a
// reader who browses turns their own.

import type { State } from './types';
import { blocked, mayOpen, type Blocked } from './secrecy';
import * as v from './views';

/** Reading is the reader's choice: follow, or browse a document at a page. */
export interface Reading {
  following: boolean;
  doc?: string;
  page: number;
}

export const FOLLOWING: Reading = { following: true, page: 1 };

/** DocView is what the viewer shows and what the reader may do. */
export interface DocView {
  /** doc and page shown (doc undefined: nothing shown). */
  doc?: string;
  page: number;
  /** docs the reader may browse: the current item's first, then all in order. */
  docs: string[];
  /** presenting: following, and the reader turns the room's pages. */
  presenting: boolean;
  /** canTurn: the pager works (browsing, or presenting). */
  canTurn: boolean;
  /** blocked: the document the viewer would show, not shown by its secrecy level (doc is then undefined). */
  blocked?: Blocked;
  /** blockedDoc: that document. */
  blockedDoc?: string;
}

/**
 * docView is what the viewer of participant me shows. allowPresent is
 * false for observers; a tablet in a linked room that does not follow the
 * main hall never presents (it would turn the main hall's page).
 */
export function docView(s: State, me: string, allowPresent: boolean, r: Reading): DocView {
  const myRoom = s.rooms.find((x) => x.id === s.participants[me]?.room);
  const followsMain = !myRoom || myRoom.main || myRoom.following !== false;
  const here = v.shownIn(s, myRoom?.id);
  const presenting = allowPresent && followsMain && v.isPresenter(s, me);
  const item = v.currentItem(s);
  // A document of a level that keeps it from the viewer now (taken back, not presented) is not offered to browse.
  const docs = [...new Set([...(item?.documents ?? []), ...v.documentsInOrder(s)])].filter(
    (d) => s.documents[d] && mayOpen(s, d, me),
  );
  const want = r.following ? here.document : (r.doc ?? here.document ?? docs[0]);
  const page = r.following ? (here.page ?? 1) : r.page;
  const why = blocked(s, want, me);
  if (why) return { page, docs, presenting, canTurn: false, blocked: why, blockedDoc: want };
  return { doc: want, page, docs, presenting, canTurn: !r.following || presenting };
}

/** Turn is what turning to a page does: the room's page (a command), the reader's own, or nothing. */
export type Turn = { kind: 'command'; page: number } | { kind: 'browse'; reading: Reading } | { kind: 'none' };

/** turn goes to page p (clamped to 1…total when total is known). */
export function turn(view: DocView, r: Reading, p: number, total: number): Turn {
  const n = total > 0 ? Math.min(Math.max(1, p), total) : Math.max(1, p);
  if (!r.following) return n === r.page ? { kind: 'none' } : { kind: 'browse', reading: { ...r, page: n } };
  if (view.presenting && view.doc && n !== view.page) return { kind: 'command', page: n };
  return { kind: 'none' };
}

/** browse starts browsing where the viewer is. */
export function browse(view: DocView): Reading {
  return { following: false, doc: view.doc, page: view.page };
}

/** browseDocument opens another document at its first page. */
export function browseDocument(doc: string): Reading {
  return { following: false, doc, page: 1 };
}
