// The annotation logic without a screen: coordinates, simplification,
// splitting under the frame limit, gestures to annotations, hit-testing,
// live ink and its throttle.
import { describe, expect, it, vi } from 'vitest';
import {
  InkStreamer,
  MAX_FRAME_BYTES,
  MAX_NOTE_CHARS,
  MAX_POINTS_PER_ANNOTATION,
  annotatedCopyPath,
  applyInk,
  bounds,
  frameBytes,
  groupOf,
  highlightAnnotation,
  hitTest,
  inkAnnotations,
  newAnnotationId,
  noteAnnotation,
  parseInkSignal,
  pathData,
  pieceId,
  pruneLive,
  quantize,
  simplify,
  splitPoints,
  toPage,
  type InkSignal,
  type LiveStroke,
  type Pt,
} from '../src/core/ink';
import type { Annotation } from '../src/core/types';

const box = { left: 100, top: 50, width: 600, height: 800 };
const target = { document: 'd1', page: 3, color: '#D32F2F' };
// The server's id rule (meeting/decide.go idPattern).
const serverId = /^[A-Za-z0-9_.-]{1,64}$/;

describe('toPage', () => {
  it.each([
    ['top-left corner', 100, 50, [0, 0]],
    ['bottom-right corner', 700, 850, [1, 1]],
    ['middle', 400, 450, [0.5, 0.5]],
    ['a tenth in', 160, 130, [0.1, 0.1]],
    ['left of the page: clamped', 40, 450, [0, 0.5]],
    ['below the page: clamped', 400, 2000, [0.5, 1]],
  ] as const)('%s', (_, x, y, want) => {
    const p = toPage(x, y, box);
    expect(p[0]).toBeCloseTo(want[0], 10);
    expect(p[1]).toBeCloseTo(want[1], 10);
  });
  it('gives the origin for an empty box', () => {
    expect(toPage(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual([0, 0]);
  });
});

describe('quantize and simplify', () => {
  it('rounds to four decimals and drops repeated points', () => {
    expect(
      quantize([
        [0.123456, 0.654321],
        [0.12346, 0.65432],
        [0.5, 0.5],
        [1.2, -0.1],
      ]),
    ).toEqual([
      [0.1235, 0.6543],
      [0.5, 0.5],
      [1, 0],
    ]);
  });
  it.each([
    ['a straight line keeps its ends', Array.from({ length: 100 }, (_, i) => [i / 100, i / 200] as Pt), 0.001, 2],
    ['a right angle keeps its corner', [[0, 0], [0.25, 0], [0.5, 0], [0.5, 0.25], [0.5, 0.5]] as Pt[], 0.001, 3],
    ['a wiggle under the tolerance is flattened', [[0, 0], [0.25, 0.0004], [0.5, -0.0004], [0.75, 0.0003], [1, 0]] as Pt[], 0.001, 2],
    ['a wiggle above the tolerance stays', [[0, 0], [0.25, 0.01], [0.5, -0.01], [0.75, 0.01], [1, 0]] as Pt[], 0.001, 5],
    ['two points stay two', [[0, 0], [1, 1]] as Pt[], 0.1, 2],
    ['one point stays one', [[0.3, 0.3]] as Pt[], 0.1, 1],
  ])('%s', (_, pts, eps, n) => {
    const out = simplify(pts, eps);
    expect(out).toHaveLength(n);
    expect(out[0]).toEqual(pts[0]);
    expect(out[out.length - 1]).toEqual(pts[pts.length - 1]);
  });
  it('measures on the page as shown: a tall page makes y count more', () => {
    const pts: Pt[] = [[0, 0], [0.5, 0.0008], [1, 0]];
    expect(simplify(pts, 0.001, 1)).toHaveLength(2);
    expect(simplify(pts, 0.001, 1.5)).toHaveLength(3);
  });
});

describe('splitPoints', () => {
  it.each([
    [10, 2500, 1],
    [2500, 2500, 1],
    [2501, 2500, 2],
    [5000, 2500, 3],
    [7, 3, 3],
  ])('%i points at most %i a piece: %i pieces, joined end to start', (n, max, pieces) => {
    const pts = Array.from({ length: n }, (_, i) => [i / n, 0.5] as Pt);
    const out = splitPoints(pts, max);
    expect(out).toHaveLength(pieces);
    for (const p of out) expect(p.length).toBeLessThanOrEqual(max);
    for (let i = 1; i < out.length; i++) expect(out[i][0]).toEqual(out[i - 1][out[i - 1].length - 1]);
    // Every point is in some piece, in order.
    const joined = out.flatMap((p, i) => (i === 0 ? p : p.slice(1)));
    expect(joined).toEqual(pts);
  });
});

describe('inkAnnotations', () => {
  it('makes one annotation of a short stroke, with its bounds', () => {
    const out = inkAnnotations('a-1', target, [
      [0.1, 0.1],
      [0.5, 0.2],
      [0.9, 0.9],
    ]);
    expect(out).toEqual([{ id: 'a-1', document: 'd1', page: 3, kind: 'ink', color: '#D32F2F', rect: [0.1, 0.1, 0.9, 0.9], points: [[0.1, 0.1], [0.5, 0.2], [0.9, 0.9]] }]);
  });
  it('makes nothing of no points and a dot of a tap', () => {
    expect(inkAnnotations('a-1', target, [])).toEqual([]);
    expect(inkAnnotations('a-1', target, [[0.3, 0.3], [0.3, 0.3]])[0].points).toEqual([[0.3, 0.3]]);
  });
  it('splits a huge stroke so that every SaveAnnotation frame stays under 64 KiB and the server limits', () => {
    // A scribble of 20,000 points nothing can simplify away.
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const raw = Array.from({ length: 20000 }, () => [rnd(), rnd()] as Pt);
    const out = inkAnnotations('a-big', target, raw);
    expect(out.length).toBeGreaterThan(1);
    expect(out.map((a) => a.id)).toEqual(out.map((_, i) => pieceId('a-big', i)));
    expect(new Set(out.map((a) => groupOf(a.id)))).toEqual(new Set(['a-big']));
    for (const a of out) {
      expect(a.id).toMatch(serverId);
      expect(a.points!.length).toBeLessThanOrEqual(MAX_POINTS_PER_ANNOTATION);
      const frame = { type: 'command', id: 'c123456', name: 'SaveAnnotation', args: { shared: true, annotation: a } };
      expect(frameBytes(frame)).toBeLessThan(MAX_FRAME_BYTES);
      for (const [x, y] of a.points!) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(1);
      }
      expect(a.rect).toEqual(bounds(a.points!));
    }
    // A scribble keeps almost every point (only near-collinear ones go).
    const kept = out.reduce((n, a) => n + a.points!.length, 0) - (out.length - 1);
    expect(kept).toBeLessThanOrEqual(20000);
    expect(kept).toBeGreaterThan(19900);
  });
});

describe('highlights and notes', () => {
  it.each([
    ['a drag down-right', [0.1, 0.2], [0.5, 0.3], [0.1, 0.2, 0.5, 0.3]],
    ['a drag up-left is the same rectangle', [0.5, 0.3], [0.1, 0.2], [0.1, 0.2, 0.5, 0.3]],
    ['rounded to four decimals', [0.123456, 0.2], [0.5, 0.333333], [0.1235, 0.2, 0.5, 0.3333]],
    ['a tap is nothing', [0.4, 0.4], [0.401, 0.401], null],
    ['a flat line is nothing', [0.1, 0.4], [0.9, 0.4], null],
  ] as const)('highlight: %s', (_, a, b, rect) => {
    const h = highlightAnnotation('h1', target, a as unknown as Pt, b as unknown as Pt);
    if (rect === null) expect(h).toBeNull();
    else expect(h).toEqual({ id: 'h1', document: 'd1', page: 3, kind: 'highlight', color: '#D32F2F', rect });
  });
  it.each([
    ['text is trimmed', '  Cần làm rõ số liệu  ', 'Cần làm rõ số liệu'],
    ['blank is nothing', '   \n ', null],
    ['long text is cut at 2000 characters (not bytes)', 'ệ'.repeat(2100), 'ệ'.repeat(MAX_NOTE_CHARS)],
  ])('note: %s', (_, text, want) => {
    const n = noteAnnotation('n1', target, [0.25, 0.75], text);
    if (want === null) expect(n).toBeNull();
    else expect(n).toEqual({ id: 'n1', document: 'd1', page: 3, kind: 'note', color: '#D32F2F', rect: [0.25, 0.75, 0.25, 0.75], text: want });
  });
});

describe('ids', () => {
  it('makes ids the server accepts, different each time, without a dot', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newAnnotationId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(serverId);
      expect(id).not.toContain('.');
    }
  });
  it.each([
    ['a-1', 0, 'a-1', 'a-1'],
    ['a-1', 1, 'a-1.2', 'a-1'],
    ['a-1', 11, 'a-1.12', 'a-1'],
  ])('piece of %s #%i is %s, of stroke %s', (base, i, id, group) => {
    expect(pieceId(base, i)).toBe(id);
    expect(groupOf(id)).toBe(group);
  });
});

describe('hitTest', () => {
  const size = { w: 600, h: 800 };
  const ink: Annotation = { id: 'ink', document: 'd1', page: 1, kind: 'ink', color: '#000000', rect: [0.1, 0.1, 0.9, 0.1], points: [[0.1, 0.1], [0.9, 0.1]] };
  const dot: Annotation = { id: 'dot', document: 'd1', page: 1, kind: 'ink', color: '#000000', rect: [0.5, 0.9, 0.5, 0.9], points: [[0.5, 0.9]] };
  const hl: Annotation = { id: 'hl', document: 'd1', page: 1, kind: 'highlight', color: '#FFD400', rect: [0.2, 0.4, 0.6, 0.5] };
  const note: Annotation = { id: 'note', document: 'd1', page: 1, kind: 'note', color: '#1A56DB', rect: [0.3, 0.45, 0.3, 0.45], text: 'x' };
  const all = [hl, ink, dot, note];
  it.each([
    ['on the stroke', [0.5, 0.1], 'ink'],
    ['8 px below the stroke', [0.5, 0.11], 'ink'],
    ['40 px below the stroke', [0.5, 0.15], undefined],
    ['beyond the end of the stroke', [0.99, 0.1], undefined],
    ['on the dot', [0.505, 0.9], 'dot'],
    ['inside the highlight', [0.5, 0.48], 'hl'],
    ['just outside the highlight', [0.61, 0.45], 'hl'],
    ['far from the highlight', [0.8, 0.45], undefined],
    ['on the note marker, over the highlight', [0.31, 0.46], 'note'],
    ['nowhere', [0.9, 0.9], undefined],
  ] as const)('%s', (_, p, want) => {
    expect(hitTest(all, p as unknown as Pt, size)?.id).toBe(want);
  });
  it('finds nothing on a page of no size', () => {
    expect(hitTest(all, [0.5, 0.1], { w: 0, h: 0 })).toBeUndefined();
  });
});

describe('paths and links', () => {
  it('draws a stroke in page pixels', () => {
    expect(pathData([[0, 0], [0.5, 0.25], [1, 1]], 600, 800)).toBe('M0 0L300 200L600 800');
    expect(pathData([[0.5, 0.5]], 600, 800)).toBe('M300 400l0 0.01');
    expect(pathData([], 600, 800)).toBe('');
  });
  it('links the annotated copy with the token in the query', () => {
    expect(annotatedCopyPath('m 1', 'd/1')).toBe('/api/v1/meetings/m%201/documents/d%2F1/annotated');
  });
});

describe('live ink', () => {
  const sig = (o: Partial<InkSignal>): InkSignal => ({ id: 's1', document: 'd1', page: 3, color: '#D32F2F', i: 0, points: [], ...o });
  it.each([
    ['no object', null],
    ['no id', { ...sig({}), id: '' }],
    ['a bad colour', sig({ color: 'red' })],
    ['page 0', sig({ page: 0 })],
    ['a point off the page', sig({ points: [[0.5, 1.5]] })],
    ['a point that is not a pair', { ...sig({}), points: [0.5] }],
    ['too many points', sig({ points: Array.from({ length: 5001 }, () => [0.5, 0.5] as Pt) })],
  ])('ignores a malformed signal: %s', (_, data) => {
    expect(parseInkSignal(data)).toBeNull();
    const live = {};
    expect(applyInk(live, 'chair', data, 0)).toBe(live);
  });

  it('pieces a stroke together, replaces from the index, and closes a gap', () => {
    let live: Record<string, LiveStroke> = {};
    live = applyInk(live, 'chair', sig({ i: 0, points: [[0.1, 0.1], [0.2, 0.2]] }), 1);
    live = applyInk(live, 'chair', sig({ i: 2, points: [[0.3, 0.3]] }), 2);
    expect(live['chair s1'].points).toEqual([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]);
    // A resend from index 1 replaces what follows it.
    live = applyInk(live, 'chair', sig({ i: 1, points: [[0.25, 0.25]] }), 3);
    expect(live['chair s1'].points).toEqual([[0.1, 0.1], [0.25, 0.25]]);
    // A signal lost on the way: the next one starts beyond the end.
    live = applyInk(live, 'chair', sig({ i: 5, points: [[0.9, 0.9]] }), 4);
    expect(live['chair s1'].points).toEqual([[0.1, 0.1], [0.25, 0.25], [0.9, 0.9]]);
    // Another sender's stroke with the same id is another stroke.
    live = applyInk(live, 'd1', sig({ points: [[0.5, 0.5]] }), 5);
    expect(Object.keys(live).sort()).toEqual(['chair s1', 'd1 s1']);
    live = applyInk(live, 'chair', sig({ i: 3, points: [], end: true }), 6);
    expect(live['chair s1']).toMatchObject({ ended: true, updated: 6 });
  });

  it('prunes strokes saved, ended a while ago, or gone quiet', () => {
    const st = (id: string, updated: number, ended?: boolean): LiveStroke => ({ id, from: 'chair', document: 'd1', page: 1, color: '#000000', points: [], updated, ended });
    const live = { a: st('a', 1000), b: st('b', 1000, true), c: st('c', 9000), d: st('saved', 9000) };
    expect(pruneLive(live, 1500)).toEqual(live);
    expect(pruneLive(live, 1500)).toBe(live);
    expect(Object.keys(pruneLive(live, 9500, (id) => id === 'saved'))).toEqual(['a', 'c']);
    expect(Object.keys(pruneLive(live, 5500))).toEqual(['a', 'c', 'd']);
    expect(Object.keys(pruneLive(live, 11500))).toEqual(['c', 'd']);
  });

  it('streams at most one signal per interval, batching the points in between, then the end', () => {
    vi.useFakeTimers();
    try {
      const sent: InkSignal[] = [];
      const s = new InkStreamer((d) => sent.push(d), { intervalMs: 50, now: () => Date.now() });
      s.begin({ id: 's1', document: 'd1', page: 3, color: '#D32F2F' });
      s.add([[0.1, 0.1]]);
      expect(sent).toHaveLength(1);
      // 10 moves in 40 ms: none goes out before the interval.
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(4);
        s.add([[0.1 + i / 100, 0.2]]);
      }
      expect(sent).toHaveLength(1);
      vi.advanceTimersByTime(10);
      expect(sent).toHaveLength(2);
      expect(sent[1].i).toBe(1);
      expect(sent[1].points).toHaveLength(10);
      s.add([[0.9, 0.9]]);
      s.end();
      expect(sent).toHaveLength(3);
      expect(sent[2]).toMatchObject({ i: 11, points: [[0.9, 0.9]], end: true });
      // Nothing is left to go out after the end.
      vi.advanceTimersByTime(1000);
      expect(sent).toHaveLength(3);
      // The receiver ends up with the whole stroke.
      let live: Record<string, LiveStroke> = {};
      for (const m of sent) live = applyInk(live, 'chair', JSON.parse(JSON.stringify(m)), 0);
      expect(live['chair s1'].points).toHaveLength(12);
    } finally {
      vi.useRealTimers();
    }
  });
});
