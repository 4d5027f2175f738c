// Drafts for comment (góp ý dự thảo, issue 13 part 5): which document is a
// version of which draft, whether a draft takes comments, and the routes
// that read comments and compare versions (docs/drafts.md).

import { authed, filenameOf, type Auth } from './api';
import type { Draft, State } from './types';

/** draftOf returns the draft whose version doc is, if any. */
export function draftOf(s: State, doc: string | undefined): Draft | undefined {
  if (!doc || !s.drafts) return undefined;
  return s.drafts[doc] ?? Object.values(s.drafts).find((d) => d.versions.includes(doc));
}

/** versionOf is doc's 1-based version number in d (0: not one). */
export function versionOf(d: Draft, doc: string): number {
  return d.versions.indexOf(doc) + 1;
}

/** draftOpen says whether d takes comments at now (before its deadline, not closed). */
export function draftOpen(d: Draft, now: number = Date.now()): boolean {
  return !d.closed && now < Date.parse(d.deadline);
}

/** CommentKind is what a comment is on. */
export type CommentKind = 'page' | 'region' | 'text';

/** DraftComment is a comment with its author's name (GET …/comments). */
export interface DraftComment {
  id: string;
  draft: string;
  document: string;
  page: number;
  rect?: [number, number, number, number];
  quote?: string;
  text: string;
  author: string;
  author_name: string;
  author_title?: string;
  at: string;
  shared?: boolean;
  /** edited is when its author last changed its text. */
  edited?: string;
  kind: CommentKind;
}

/** mayEdit says whether me may change comment c of draft d at now: their own, on the current version, while the draft takes comments (the server checks the same). */
export function mayEdit(c: Pick<DraftComment, 'author' | 'document'>, d: Draft, me: string, now: number = Date.now()): boolean {
  return c.author === me && c.document === d.versions[d.versions.length - 1] && draftOpen(d, now);
}

/** DraftComments is what the comments route answers. */
export interface DraftComments {
  draft: Draft;
  open: boolean;
  team: boolean;
  versions: { document: string; version: number; title: string; pages: number }[];
  pages: { document: string; version: number; page: number; comments: DraftComment[] }[];
}

/** Change is a run of words of a page's comparison. */
export interface Change {
  op: '=' | '+' | '-';
  text: string;
}

/** Comparison is two versions compared page by page. */
export interface Comparison {
  draft: string;
  from: string;
  to: string;
  from_version: number;
  to_version: number;
  pages: { page: number; status: 'same' | 'changed' | 'added' | 'removed'; inserted: number; removed: number; coarse?: boolean; changes: Change[] }[];
}

const base = (draft: string) => `/drafts/${encodeURIComponent(draft)}`;

/** fetchComments reads the comments of a draft that the session may see. */
export async function fetchComments(a: Auth & { draft: string }): Promise<DraftComments> {
  return (await (await authed(a, `${base(a.draft)}/comments`)).json()) as DraftComments;
}

/** fetchComparison compares two versions (document ids; empty: the current one and the one before). */
export async function fetchComparison(a: Auth & { draft: string; from?: string; to?: string }): Promise<Comparison> {
  const q = new URLSearchParams();
  if (a.from) q.set('from', a.from);
  if (a.to) q.set('to', a.to);
  const qs = q.toString();
  return (await (await authed(a, `${base(a.draft)}/compare${qs ? '?' + qs : ''}`)).json()) as Comparison;
}

/** tablePath is the path, under the meeting, of a draft's table of comments. */
export function tablePath(draft: string, kind: 'pdf' | 'csv', lang: 'vi' | 'en' = 'vi'): string {
  return kind === 'pdf' ? `${base(draft)}/comments.pdf?lang=${lang}` : `${base(draft)}/comments.csv`;
}

/** downloadTable fetches the table of comments (the drafting team's). */
export async function downloadTable(a: Auth & { draft: string; kind: 'pdf' | 'csv'; lang: 'vi' | 'en' }): Promise<{ blob: Blob; name: string }> {
  const resp = await authed(a, tablePath(a.draft, a.kind, a.lang));
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `tong-hop-y-kien.${a.kind}`) };
}

/**
 * selectionRegion is the region (x0, y0, x1, y1 in 0..1 of the page, from
 * its top-left corner) that a selection's box covers on a page's box, or
 * null when it is outside or empty.
 */
export function selectionRegion(page: { left: number; top: number; width: number; height: number }, sel: { left: number; top: number; right: number; bottom: number }): [number, number, number, number] | null {
  if (page.width <= 0 || page.height <= 0) return null;
  const cl = (v: number) => Math.min(1, Math.max(0, v));
  const x0 = cl((sel.left - page.left) / page.width);
  const y0 = cl((sel.top - page.top) / page.height);
  const x1 = cl((sel.right - page.left) / page.width);
  const y1 = cl((sel.bottom - page.top) / page.height);
  if (x1 <= x0 || y1 <= y0) return null;
  const r = (v: number) => Math.round(v * 10000) / 10000;
  return [r(x0), r(y0), r(x1), r(y1)];
}

/** commentID makes a comment's id: letters and digits, unique enough per author. */
export function commentID(me: string, now: number = Date.now(), rnd: number = Math.random()): string {
  return `c-${me}-${now.toString(36)}-${Math.floor(rnd * 1e6).toString(36)}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

/** MAX_QUOTE is the server's limit on a quoted text, in characters (code points; meeting.MaxDraftQuote). */
export const MAX_QUOTE = 1000;

/**
 * normaliseQuote turns the text of a selection over pdf.js's text layer
 * into the quote sent with a comment: composed Unicode (NFC: a Vietnamese
 * letter whose tone mark came as a combining character becomes the one
 * letter), soft hyphens and zero-width characters dropped, every run of
 * white space (the text layer's line breaks between spans) one space,
 * trimmed, and cut to max characters (the last one an ellipsis) without
 * splitting a character.
 */
export function normaliseQuote(raw: string, max: number = MAX_QUOTE): string {
  const s = raw
    .normalize('NFC')
    .replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, Math.max(0, max - 1)).join('').trimEnd() + '…';
}

/** Box is a rectangle in client pixels. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * selectionBounds is the box around a selection's client rectangles (a
 * range's getClientRects: one per line or span), leaving out the empty ones
 * (a line break's); null when none has an area.
 */
export function selectionBounds(rects: Iterable<Box>): Box | null {
  let b: Box | null = null;
  for (const r of rects) {
    if (!(r.right > r.left) || !(r.bottom > r.top)) continue;
    b = b ? { left: Math.min(b.left, r.left), top: Math.min(b.top, r.top), right: Math.max(b.right, r.right), bottom: Math.max(b.bottom, r.bottom) } : { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }
  return b;
}

/** Picked is text selected on a page for a comment: the quote and the region it covers. */
export interface Picked {
  page: number;
  quote: string;
  rect: [number, number, number, number];
}

/**
 * pickSelection makes the comment's quote and region from a selection's
 * text and rectangles over a page's box, or null when nothing usable is
 * selected (no text, or nothing of it on the page).
 */
export function pickSelection(page: number, text: string, rects: Iterable<Box>, pageBox: { left: number; top: number; width: number; height: number }): Picked | null {
  const quote = normaliseQuote(text);
  const b = selectionBounds(rects);
  if (!quote || !b) return null;
  const rect = selectionRegion(pageBox, b);
  return rect ? { page, quote, rect } : null;
}

/** CSSBox is a box in CSS pixels from the page's top-left corner. */
export interface CSSBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * commentBox is where a comment's region (x0, y0, x1, y1 in 0..1 of the
 * page) is drawn over the page shown at view.w × view.h CSS pixels — the
 * same place at any size or zoom, since the region is a fraction of the
 * page — clamped to the page and at least min pixels each way (a one-line
 * quote on a phone stays visible); null for no page or an empty region.
 */
export function commentBox(rect: readonly number[] | undefined, view: { w: number; h: number }, min: number = 6): CSSBox | null {
  if (!rect || rect.length !== 4 || !(view.w > 0) || !(view.h > 0)) return null;
  const cl = (v: number) => Math.min(1, Math.max(0, v));
  const [x0, y0, x1, y1] = rect.map(cl);
  if (!(x1 > x0) || !(y1 > y0)) return null;
  const side = (a: number, b: number, size: number): [number, number] => {
    let lo = a * size;
    let len = (b - a) * size;
    if (len < min) {
      len = Math.min(min, size);
      lo = Math.min(Math.max(0, (a + b) * size / 2 - len / 2), size - len);
    }
    const r = (v: number) => Math.round(v * 100) / 100;
    return [r(lo), r(len)];
  };
  const [left, width] = side(x0, x1, view.w);
  const [top, height] = side(y0, y1, view.h);
  return { left, top, width, height };
}

/**
 * commentsOn are the comments of list made on page of version doc (the
 * comments stay on the version they were made on: a later version's page
 * shows none of an earlier one's).
 */
export function commentsOn(list: DraftComments | null | undefined, doc: string, page: number): DraftComment[] {
  return (list?.pages ?? []).filter((p) => p.document === doc && p.page === page).flatMap((p) => p.comments);
}

/** findComment finds a comment of list by id. */
export function findComment(list: DraftComments | null | undefined, id: string | null | undefined): DraftComment | undefined {
  if (!id) return undefined;
  for (const p of list?.pages ?? []) {
    const c = p.comments.find((c) => c.id === id);
    if (c) return c;
  }
  return undefined;
}
