// Annotation logic without a screen: pointer positions to page coordinates,
// ink strokes simplified and split so that each SaveAnnotation frame stays
// well under the server's 64 KiB, highlights and notes built from gestures,
// hit-testing for the eraser, SVG path data, and the live ink the presenter
// streams as ephemeral "ink" signals while drawing.
//
// Coordinates are those of meeting.Annotation: 0..1 of the displayed page
// from its top-left corner, x to the right, y down.

import type { Annotation } from './types';

/** Pt is a point on a page in normalised coordinates. */
export type Pt = [number, number];

/** Box is where the page is on screen (a DOMRect's fields). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Size is the page's size on screen in CSS pixels. */
export interface Size {
  w: number;
  h: number;
}

/** The colours offered; the first one is the pen's default, the highlighter starts on yellow. */
export const COLORS = [
  { id: 'red', hex: '#D32F2F' },
  { id: 'blue', hex: '#1A56DB' },
  { id: 'green', hex: '#1F8B3A' },
  { id: 'black', hex: '#1C1C1C' },
  { id: 'yellow', hex: '#FFD400' },
] as const;
export type ColorId = (typeof COLORS)[number]['id'];
export const HIGHLIGHT_COLOR = '#FFD400';

/** Limits: the server's (meeting/annotation.go) and the frame budget (docs/protocol.md). */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_SERVER_POINTS = 5000;
export const MAX_NOTE_CHARS = 2000;
/**
 * MAX_POINTS_PER_ANNOTATION bounds one saved stroke. A point with four
 * decimals is at most 16 bytes of JSON ("[0.1234,0.5678],"), so 2500 points
 * are at most 40 KB: a command frame stays far below 64 KiB.
 */
export const MAX_POINTS_PER_ANNOTATION = 2500;

/** Ink is drawn 2 pt wide on an A4 page 595 pt wide, as the annotated copy draws it. */
export const INK_WIDTH = 2 / 595;
export const INK_OPACITY = 0.9;
export const HIGHLIGHT_OPACITY = 0.35;
/** NOTE_MARKER is the size of a note's marker on screen, in CSS pixels. */
export const NOTE_MARKER = 28;

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** toPage turns a pointer position (client pixels) into page coordinates, clamped to the page. */
export function toPage(clientX: number, clientY: number, box: Box): Pt {
  if (box.width <= 0 || box.height <= 0) return [0, 0];
  return [clamp01((clientX - box.left) / box.width), clamp01((clientY - box.top) / box.height)];
}

/** round4 rounds to four decimals (a tenth of a pixel on a 1000 px page). */
export function round4(v: number): number {
  return Math.round(clamp01(v) * 10000) / 10000;
}

/** quantize rounds every point to four decimals and drops points equal to the one before. */
export function quantize(points: Pt[]): Pt[] {
  const out: Pt[] = [];
  for (const [x, y] of points) {
    const p: Pt = [round4(x), round4(y)];
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
  }
  return out;
}

/**
 * simplify drops the points of a stroke that lie within epsilon of the line
 * through their neighbours (Ramer–Douglas–Peucker, iterative). aspect is the
 * page's height over its width, so that distances are measured as on
 * screen, in units of the page's width.
 */
export function simplify(points: Pt[], epsilon: number, aspect = 1): Pt[] {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let far = -1;
    let farD = epsilon;
    for (let i = a + 1; i < b; i++) {
      const d = segDist(points[i], points[a], points[b], 1, aspect);
      if (d > farD) {
        far = i;
        farD = d;
      }
    }
    if (far >= 0) {
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** segDist is the distance from p to the segment a–b, with x scaled by sx and y by sy. */
function segDist(p: Pt, a: Pt, b: Pt, sx: number, sy: number): number {
  const px = p[0] * sx,
    py = p[1] * sy,
    ax = a[0] * sx,
    ay = a[1] * sy,
    bx = b[0] * sx,
    by = b[1] * sy;
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * splitPoints cuts a stroke into pieces of at most max points; each piece
 * starts where the one before ended, so the pieces draw one unbroken line.
 */
export function splitPoints(points: Pt[], max = MAX_POINTS_PER_ANNOTATION): Pt[][] {
  const step = Math.max(2, max);
  if (points.length <= step) return [points];
  const out: Pt[][] = [];
  for (let start = 0; start < points.length - 1; start += step - 1) {
    out.push(points.slice(start, start + step));
  }
  return out;
}

/** bounds is the rectangle (x0, y0, x1, y1) around points. */
export function bounds(points: Pt[]): [number, number, number, number] {
  if (points.length === 0) return [0, 0, 0, 0];
  let x0 = 1,
    y0 = 1,
    x1 = 0,
    y1 = 0;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/**
 * newAnnotationId makes an id the server accepts (letters, digits, "-", at
 * most 64) without a dot: the pieces of a split stroke add ".2", ".3", ….
 */
export function newAnnotationId(random: () => number = Math.random, now: () => number = Date.now): string {
  const r = Math.floor(random() * 2 ** 52).toString(36);
  return `a-${now().toString(36)}-${r}`.slice(0, 48);
}

/** pieceId is the id of the i-th (0-based) piece of a stroke. */
export function pieceId(base: string, i: number): string {
  return i === 0 ? base : `${base}.${i + 1}`;
}

/** groupOf is the stroke an annotation id belongs to: its pieces share it. */
export function groupOf(id: string): string {
  return id.replace(/\.\d+$/, '');
}

/** Target is the page an annotation goes on, and its colour. */
export interface Target {
  document: string;
  page: number;
  color: string;
}

/** SIMPLIFY_EPSILON is the simplification tolerance: about a pixel on a 1280 px page. */
export const SIMPLIFY_EPSILON = 0.0008;

/**
 * inkAnnotations turns a drawn stroke into the annotations to save: the
 * points simplified, rounded and, when there are many, split into pieces
 * with ids base, base.2, base.3, …. An empty stroke gives none; a tap gives
 * a dot (one point).
 */
export function inkAnnotations(base: string, t: Target, raw: Pt[], aspect = 1): Annotation[] {
  const pts = quantize(simplify(quantize(raw), SIMPLIFY_EPSILON, aspect));
  if (pts.length === 0) return [];
  return splitPoints(pts).map((piece, i) => ({
    id: pieceId(base, i),
    document: t.document,
    page: t.page,
    kind: 'ink' as const,
    color: t.color,
    rect: bounds(piece),
    points: piece,
  }));
}

/**
 * highlightAnnotation is the highlight of the rectangle dragged from a to
 * b, or null when it is too small to mean anything (a tap).
 */
export function highlightAnnotation(id: string, t: Target, a: Pt, b: Pt, minSize = 0.004): Annotation | null {
  const x0 = round4(Math.min(a[0], b[0])),
    x1 = round4(Math.max(a[0], b[0])),
    y0 = round4(Math.min(a[1], b[1])),
    y1 = round4(Math.max(a[1], b[1]));
  if (x1 - x0 < minSize || y1 - y0 < minSize) return null;
  return { id, document: t.document, page: t.page, kind: 'highlight', color: t.color, rect: [x0, y0, x1, y1] };
}

/** noteAnnotation is a note at a with text, or null when the text is blank. The text is cut to the server's limit. */
export function noteAnnotation(id: string, t: Target, a: Pt, text: string): Annotation | null {
  const s = [...text.trim()].slice(0, MAX_NOTE_CHARS).join('');
  if (!s) return null;
  const x = round4(a[0]),
    y = round4(a[1]);
  return { id, document: t.document, page: t.page, kind: 'note', color: t.color, rect: [x, y, x, y], text: s };
}

/** frameBytes is the size in bytes of v as a JSON text frame. */
export function frameBytes(v: unknown): number {
  return new TextEncoder().encode(JSON.stringify(v)).length;
}

const kindOrder = (k: string) => (k === 'note' ? 2 : k === 'ink' ? 1 : 0);

/**
 * hitTest returns the annotation under p (page coordinates) on a page
 * shown at size, within tolPx pixels: notes over ink over highlights, as
 * they are drawn, then the nearest. It returns undefined when none is hit.
 */
export function hitTest<A extends Annotation>(anns: A[], p: Pt, size: Size, tolPx = 12): A | undefined {
  const { w, h } = size;
  if (w <= 0 || h <= 0) return undefined;
  let best: A | undefined;
  let bestOrder = -1;
  let bestD = Infinity;
  for (const a of anns) {
    let d = Infinity;
    if (a.kind === 'ink') {
      const pts = a.points ?? [];
      const half = (INK_WIDTH * w) / 2;
      if (pts.length === 1) d = Math.hypot((p[0] - pts[0][0]) * w, (p[1] - pts[0][1]) * h) - half;
      for (let i = 1; i < pts.length; i++) d = Math.min(d, segDist(p, pts[i - 1], pts[i], w, h) - half);
    } else if (a.kind === 'highlight') {
      const [x0, y0, x1, y1] = a.rect;
      const dx = Math.max(x0 * w - p[0] * w, 0, p[0] * w - x1 * w);
      const dy = Math.max(y0 * h - p[1] * h, 0, p[1] * h - y1 * h);
      d = Math.hypot(dx, dy);
    } else if (a.kind === 'note') {
      const x0 = a.rect[0] * w,
        y0 = a.rect[1] * h;
      const dx = Math.max(x0 - p[0] * w, 0, p[0] * w - (x0 + NOTE_MARKER));
      const dy = Math.max(y0 - p[1] * h, 0, p[1] * h - (y0 + NOTE_MARKER));
      d = Math.hypot(dx, dy);
    }
    if (d > tolPx) continue;
    const o = kindOrder(a.kind);
    if (o > bestOrder || (o === bestOrder && d < bestD)) {
      best = a;
      bestOrder = o;
      bestD = d;
    }
  }
  return best;
}

/** pathData is the SVG path of a stroke on a page drawn at w×h. */
export function pathData(points: Pt[], w: number, h: number): string {
  if (points.length === 0) return '';
  const f = (v: number) => Math.round(v * 10) / 10;
  const [x0, y0] = points[0];
  // A single point is drawn as a dot: a zero-length segment with round caps.
  if (points.length === 1) return `M${f(x0 * w)} ${f(y0 * h)}l0 0.01`;
  let d = `M${f(x0 * w)} ${f(y0 * h)}`;
  for (let i = 1; i < points.length; i++) d += `L${f(points[i][0] * w)} ${f(points[i][1] * h)}`;
  return d;
}

/**
 * annotatedCopyPath is where the reader's annotated copy of a document is
 * served: a PDF with their annotations (and the room's) written in. A tab
 * opens it by a signed link (core/links.ts): never with the token in it.
 */
export function annotatedCopyPath(meeting: string, doc: string): string {
  return `/api/v1/meetings/${encodeURIComponent(meeting)}/documents/${encodeURIComponent(doc)}/annotated`;
}

// --- Live ink: the presenter's stroke while it is drawn ---

/** INK_SIGNAL names the ephemeral signal that carries live ink. */
export const INK_SIGNAL = 'ink';

/**
 * InkSignal is one message of a stroke being drawn: the points from index i
 * on (earlier ones came before), and end when the pen is lifted.
 */
export interface InkSignal {
  id: string;
  document: string;
  page: number;
  color: string;
  i: number;
  points: Pt[];
  end?: boolean;
}

/** LiveStroke is a stroke someone is drawing, as a receiver pieces it together. */
export interface LiveStroke {
  id: string;
  from: string;
  document: string;
  page: number;
  color: string;
  points: Pt[];
  updated: number;
  ended?: boolean;
}

const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** parseInkSignal checks the data of an "ink" signal and returns it, or null when it is malformed. */
export function parseInkSignal(data: unknown): InkSignal | null {
  const d = data as Partial<InkSignal> | null;
  if (!d || typeof d !== 'object') return null;
  if (typeof d.id !== 'string' || !d.id || d.id.length > 64) return null;
  if (typeof d.document !== 'string' || !d.document) return null;
  if (typeof d.page !== 'number' || !Number.isInteger(d.page) || d.page < 1) return null;
  if (typeof d.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(d.color)) return null;
  const i = typeof d.i === 'number' && Number.isInteger(d.i) && d.i >= 0 ? d.i : 0;
  if (!Array.isArray(d.points) || d.points.length > MAX_SERVER_POINTS) return null;
  const points: Pt[] = [];
  for (const p of d.points) {
    if (!Array.isArray(p) || !isUnit(p[0]) || !isUnit(p[1])) return null;
    points.push([p[0], p[1]]);
  }
  return { id: d.id, document: d.document, page: d.page, color: d.color, i, points, end: d.end === true || undefined };
}

/** liveKey names a live stroke: its sender and its id. */
export const liveKey = (from: string, id: string) => `${from} ${id}`;

/**
 * applyInk folds an "ink" signal from a sender into the live strokes and
 * returns the new set (the input is not changed). Points from index i
 * replace what the receiver has from i on; a gap (a dropped signal) is
 * closed by a straight line. A malformed signal changes nothing.
 */
export function applyInk(live: Record<string, LiveStroke>, from: string, data: unknown, now: number): Record<string, LiveStroke> {
  const sig = parseInkSignal(data);
  if (!sig || !from) return live;
  const key = liveKey(from, sig.id);
  const old = live[key];
  const kept = old && old.document === sig.document && old.page === sig.page ? old.points.slice(0, sig.i) : [];
  const points = kept.concat(sig.points).slice(0, MAX_SERVER_POINTS);
  return {
    ...live,
    [key]: { id: sig.id, from, document: sig.document, page: sig.page, color: sig.color, points, updated: now, ended: sig.end || old?.ended || undefined },
  };
}

/**
 * pruneLive drops live strokes that are saved (committed(id) says the
 * saved annotation arrived), ended more than endedMs ago, or not updated
 * for staleMs (the sender went away). It returns live itself when nothing
 * changed.
 */
export function pruneLive(
  live: Record<string, LiveStroke>,
  now: number,
  committed: (id: string) => boolean = () => false,
  staleMs = 10_000,
  endedMs = 4_000,
): Record<string, LiveStroke> {
  let out: Record<string, LiveStroke> | null = null;
  for (const [k, s] of Object.entries(live)) {
    const gone = committed(s.id) || now - s.updated > (s.ended ? endedMs : staleMs);
    if (gone) {
      out ??= { ...live };
      delete out[k];
    }
  }
  return out ?? live;
}

/** StreamerOptions tune an InkStreamer; the defaults are the browser's clock and timers. */
export interface StreamerOptions {
  /** intervalMs between two signals (default 50: 20 a second, under the server's 30). */
  intervalMs?: number;
  now?: () => number;
  setTimer?: (f: () => void, ms: number) => unknown;
  clearTimer?: (h: unknown) => void;
}

/**
 * InkStreamer sends a stroke being drawn as "ink" signals, at most one per
 * intervalMs: points added in between wait and go out together.
 */
export class InkStreamer {
  private stroke: Omit<InkSignal, 'i' | 'points' | 'end'> | null = null;
  private points: Pt[] = [];
  private sent = 0;
  private last = -Infinity;
  private timer: unknown = null;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly setTimer: (f: () => void, ms: number) => unknown;
  private readonly clearTimer: (h: unknown) => void;

  constructor(
    private readonly send: (d: InkSignal) => void,
    o: StreamerOptions = {},
  ) {
    this.interval = o.intervalMs ?? 50;
    this.now = o.now ?? Date.now;
    this.setTimer = o.setTimer ?? ((f, ms) => setTimeout(f, ms));
    this.clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** begin starts a stroke (dropping one not ended). */
  begin(s: { id: string; document: string; page: number; color: string }): void {
    this.cancelTimer();
    this.stroke = { ...s };
    this.points = [];
    this.sent = 0;
  }

  /** add appends points; they are sent now or at the next allowed moment. */
  add(points: Pt[]): void {
    if (!this.stroke || points.length === 0) return;
    for (const p of points) this.points.push([round4(p[0]), round4(p[1])]);
    const wait = this.last + this.interval - this.now();
    if (wait <= 0) this.flush(false);
    else if (this.timer === null) {
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.flush(false);
      }, wait);
    }
  }

  /** end sends what is left with the end mark. */
  end(): void {
    this.cancelTimer();
    this.flush(true);
    this.stroke = null;
  }

  private flush(end: boolean): void {
    if (!this.stroke) return;
    const batch = this.points.slice(this.sent);
    if (batch.length === 0 && !end) return;
    const msg: InkSignal = { ...this.stroke, i: this.sent, points: batch };
    if (end) msg.end = true;
    this.send(msg);
    this.sent = this.points.length;
    this.last = this.now();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
