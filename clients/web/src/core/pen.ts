// PenInput is the pointer state machine of the annotation layer, without a
// screen: which pointer draws, what a down/move/up/cancel does with the
// chosen tool, and what comes out of it (annotations to save, points to
// erase at, a note to edit, live ink to stream). The layer (ui/document/
// Annotations.tsx) feeds it pointer events and draws what it holds.
//
// Rules: only one pointer draws; a second finger cancels the stroke (it was
// a pinch, not a line); once a pen has been seen, touches do not draw (a
// palm on the glass); a mouse draws with its main button only. A stroke
// belongs to the page it started on, even if the page turns under it.

import { highlightAnnotation, inkAnnotations, newAnnotationId, noteAnnotation, toPage, type Box, type Pt, type Target } from './ink';
import type { Annotation, State } from './types';
import { myAnnotations } from './views';

/** Tool is what a pointer does on the page. */
export type Tool = 'pen' | 'highlighter' | 'note' | 'eraser';
export const TOOLS: Tool[] = ['pen', 'highlighter', 'note', 'eraser'];

/** PointerLike is what PenInput reads of a PointerEvent. */
export interface PointerLike {
  pointerId: number;
  pointerType: string;
  button: number;
  clientX: number;
  clientY: number;
  /** coalesced are the moves the browser merged into this one (getCoalescedEvents), if any. */
  coalesced?: { clientX: number; clientY: number }[];
}

/** Drawing is the stroke in progress. */
export interface Drawing {
  pointer: number;
  tool: Tool;
  box: Box;
  target: Target;
  shared: boolean;
  id: string;
  points: Pt[];
  start: Pt;
  end: Pt;
}

/** NoteEdit is a note being written (a new one, or an existing one by id). */
export interface NoteEdit {
  at: Pt;
  target: Target;
  shared: boolean;
  id?: string;
  text: string;
}

/** PenOutput is where the machine's results go. */
export interface PenOutput {
  save(a: Annotation, shared: boolean): void;
  eraseAt(p: Pt): void;
  /** noteAt returns the note under p to edit, if any. */
  noteAt(p: Pt): NoteEdit | undefined;
  editNote(n: NoteEdit): void;
  /** stream* send the shared pen's live ink (begin, points, end). */
  streamBegin(id: string, t: Target): void;
  streamAdd(pts: Pt[]): void;
  streamEnd(): void;
}

/** DownContext is the layer's state when a pointer goes down. */
export interface DownContext {
  tool: Tool | null;
  box: Box;
  target: Target;
  shared: boolean;
}

export class PenInput {
  drawing: Drawing | null = null;
  private penSeen = false;

  constructor(
    private out: PenOutput,
    private newId: () => string = newAnnotationId,
  ) {}

  /** down starts a stroke; it returns whether the event is taken (preventDefault, capture). */
  down(e: PointerLike, c: DownContext): boolean {
    if (!c.tool) return false;
    if (e.pointerType === 'pen') this.penSeen = true;
    if (e.pointerType === 'touch' && this.penSeen) return false; // a palm
    if (e.pointerType === 'mouse' && e.button !== 0) return false;
    if (this.drawing) {
      // A second finger: the first one was not drawing after all.
      if (this.drawing.pointer !== e.pointerId) this.cancel();
      return false;
    }
    const p = toPage(e.clientX, e.clientY, c.box);
    const d: Drawing = { pointer: e.pointerId, tool: c.tool, box: c.box, target: c.target, shared: c.shared, id: this.newId(), points: [p], start: p, end: p };
    this.drawing = d;
    if (d.tool === 'pen' && d.shared) {
      this.out.streamBegin(d.id, d.target);
      this.out.streamAdd([p]);
    }
    if (d.tool === 'eraser') this.out.eraseAt(p);
    return true;
  }

  /** move extends the stroke of that pointer; it returns whether the event is taken. */
  move(e: PointerLike): boolean {
    const d = this.drawing;
    if (!d || d.pointer !== e.pointerId) return false;
    const evs = e.coalesced && e.coalesced.length ? e.coalesced : [e];
    const pts = evs.map((x) => toPage(x.clientX, x.clientY, d.box));
    d.end = pts[pts.length - 1];
    if (d.tool === 'pen') {
      d.points.push(...pts);
      if (d.shared) this.out.streamAdd(pts);
    } else if (d.tool === 'eraser') {
      for (const p of pts) this.out.eraseAt(p);
    }
    return true;
  }

  /** up ends the stroke: the pen's ink and the highlight are saved, the note opens. size is the page's in CSS px. */
  up(e: PointerLike, size: { w: number; h: number }): boolean {
    const d = this.drawing;
    if (!d || d.pointer !== e.pointerId) return false;
    this.drawing = null;
    const end = toPage(e.clientX, e.clientY, d.box);
    if (d.tool === 'pen') {
      if (d.shared) this.out.streamEnd();
      for (const a of inkAnnotations(d.id, d.target, d.points, size.h / Math.max(1, size.w))) this.out.save(a, d.shared);
    } else if (d.tool === 'highlighter') {
      const a = highlightAnnotation(d.id, d.target, d.start, end);
      if (a) this.out.save(a, d.shared);
    } else if (d.tool === 'note') {
      this.out.editNote(this.out.noteAt(end) ?? { at: end, target: d.target, shared: d.shared, text: '' });
    }
    return true;
  }

  /** cancel drops the stroke in progress (pointercancel, another tool, a second finger). */
  cancel(): void {
    const d = this.drawing;
    this.drawing = null;
    if (d?.tool === 'pen' && d.shared) this.out.streamEnd();
  }
}

/** noteOf makes the annotation of a written note (a new id unless it edits one), or null when empty. */
export function noteOf(n: NoteEdit, newId: () => string = newAnnotationId): Annotation | null {
  return noteAnnotation(n.id ?? newId(), n.target, n.at, n.text);
}

/** Mark is an annotation as the layer draws it: private or the room's, and whether it is on its way. */
export interface Mark extends Annotation {
  shared: boolean;
  owner?: string;
  pending?: boolean;
}

/** markKey names a mark among both kinds ("p id" private, "s id" shared). */
export const markKey = (m: { shared: boolean; id: string }): string => (m.shared ? 's ' : 'p ') + m.id;

/**
 * pageMarks is what a page shows: the viewer's private marks (when mine),
 * the room's, and those on their way (pending, until their event comes),
 * without those being erased (hidden, by markKey); highlights under ink
 * under notes. erasable are those the viewer may erase now (the room's only
 * for who may present).
 */
export function pageMarks(
  s: Pick<State, 'shared' | 'annotations'>,
  o: { me: string; document: string; page: number; mine: boolean; canShare: boolean },
  pending: Record<string, Mark>,
  hidden: Set<string>,
): { visible: Mark[]; erasable: Mark[] } {
  const marks: Mark[] = [];
  const known = new Set<string>();
  if (o.mine) {
    for (const a of myAnnotations(s as State, o.me, o.document, o.page)) {
      marks.push({ ...a, shared: false });
      known.add(markKey({ shared: false, id: a.id }));
    }
  }
  for (const a of Object.values(s.shared)) {
    if (a.document !== o.document || a.page !== o.page) continue;
    marks.push({ ...a, shared: true });
    known.add(markKey({ shared: true, id: a.id }));
  }
  for (const m of Object.values(pending)) {
    if (m.document === o.document && m.page === o.page && !known.has(markKey(m))) marks.push(m);
  }
  const order = (k: string) => (k === 'highlight' ? 0 : k === 'ink' ? 1 : 2);
  const visible = marks.filter((m) => !hidden.has(markKey(m))).sort((a, b) => order(a.kind) - order(b.kind));
  return { visible, erasable: visible.filter((m) => !m.pending && (m.shared ? o.canShare : true)) };
}
