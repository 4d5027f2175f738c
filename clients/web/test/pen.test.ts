import { describe, expect, it } from 'vitest';
import { pageMarks, PenInput, type NoteEdit, type PenOutput, type PointerLike } from '../src/core/pen';
import type { Annotation } from '../src/core/types';

const box = { left: 0, top: 0, width: 100, height: 200 };
const target = { document: 'd', page: 1, color: '#000' };

function rig(note?: NoteEdit) {
  const log: string[] = [];
  const saved: Annotation[] = [];
  const out: PenOutput = {
    save: (a, sh) => {
      saved.push(a);
      log.push(`save ${a.kind}${sh ? ' shared' : ''}`);
    },
    eraseAt: (p) => log.push(`erase ${p[0]},${p[1]}`),
    noteAt: () => note,
    editNote: (n) => log.push(`note ${n.id ?? 'new'} ${n.at.join(',')}`),
    streamBegin: (id) => log.push('begin ' + id),
    streamAdd: (pts) => log.push('add ' + pts.length),
    streamEnd: () => log.push('end'),
  };
  let n = 0;
  return { pen: new PenInput(out, () => `a${++n}`), log, saved };
}
const ev = (o: Partial<PointerLike>): PointerLike => ({ pointerId: 1, pointerType: 'mouse', button: 0, clientX: 10, clientY: 20, ...o });

describe('PenInput', () => {
  it('a shared pen stroke streams, then saves its ink on the page it started on', () => {
    const { pen, log, saved } = rig();
    expect(pen.down(ev({}), { tool: 'pen', box, target, shared: true })).toBe(true);
    expect(pen.move(ev({ clientX: 50, clientY: 100, coalesced: [{ clientX: 30, clientY: 60 }, { clientX: 50, clientY: 100 }] }))).toBe(true);
    expect(pen.up(ev({ clientX: 50, clientY: 100 }), { w: 100, h: 200 })).toBe(true);
    expect(log).toEqual(['begin a1', 'add 1', 'add 2', 'end', 'save ink shared']);
    expect(saved[0]).toMatchObject({ document: 'd', page: 1, kind: 'ink' });
    expect(pen.drawing).toBeNull();
  });
  it('a private pen stroke does not stream', () => {
    const { pen, log } = rig();
    pen.down(ev({ pointerType: 'pen' }), { tool: 'pen', box, target, shared: false });
    pen.move(ev({ pointerType: 'pen', clientX: 60 }));
    pen.up(ev({ pointerType: 'pen', clientX: 60 }), { w: 100, h: 200 });
    expect(log).toEqual(['save ink']);
  });
  const refused: [string, PointerLike, 'pen' | null][] = [
    ['no tool', ev({}), null],
    ['a right click', ev({ button: 2 }), 'pen'],
  ];
  for (const [name, e, tool] of refused) {
    it(`ignores ${name}`, () => {
      const { pen, log } = rig();
      expect(pen.down(e, { tool, box, target, shared: false })).toBe(false);
      expect(pen.drawing).toBeNull();
      expect(log).toEqual([]);
    });
  }
  it('ignores a palm once a pen has been seen', () => {
    const { pen } = rig();
    pen.down(ev({ pointerType: 'pen' }), { tool: 'pen', box, target, shared: false });
    pen.up(ev({ pointerType: 'pen' }), { w: 100, h: 200 });
    expect(pen.down(ev({ pointerType: 'touch', pointerId: 5 }), { tool: 'pen', box, target, shared: false })).toBe(false);
  });
  it('a second finger cancels the stroke (a pinch) and saves nothing', () => {
    const { pen, log } = rig();
    pen.down(ev({ pointerType: 'touch' }), { tool: 'pen', box, target, shared: true });
    expect(pen.down(ev({ pointerType: 'touch', pointerId: 2 }), { tool: 'pen', box, target, shared: true })).toBe(false);
    expect(pen.drawing).toBeNull();
    expect(pen.up(ev({ pointerType: 'touch' }), { w: 100, h: 200 })).toBe(false);
    expect(log).toEqual(['begin a1', 'add 1', 'end']);
  });
  it('moves of another pointer are not taken', () => {
    const { pen } = rig();
    pen.down(ev({}), { tool: 'pen', box, target, shared: false });
    expect(pen.move(ev({ pointerId: 9 }))).toBe(false);
  });
  it('the highlighter saves the dragged rectangle; a tap saves nothing', () => {
    const { pen, saved } = rig();
    pen.down(ev({ clientX: 10, clientY: 20 }), { tool: 'highlighter', box, target, shared: false });
    pen.up(ev({ clientX: 60, clientY: 60 }), { w: 100, h: 200 });
    expect(saved[0]).toMatchObject({ kind: 'highlight', rect: [0.1, 0.1, 0.6, 0.3] });
    pen.down(ev({}), { tool: 'highlighter', box, target, shared: false });
    pen.up(ev({}), { w: 100, h: 200 });
    expect(saved).toHaveLength(1);
  });
  it('the eraser erases where it goes', () => {
    const { pen, log } = rig();
    pen.down(ev({ clientX: 0, clientY: 0 }), { tool: 'eraser', box, target, shared: false });
    pen.move(ev({ clientX: 100, clientY: 200 }));
    expect(log).toEqual(['erase 0,0', 'erase 1,1']);
  });
  it('the note tool opens a new note, or the note under the tap', () => {
    const a = rig();
    a.pen.down(ev({}), { tool: 'note', box, target, shared: false });
    a.pen.up(ev({}), { w: 100, h: 200 });
    expect(a.log).toEqual(['note new 0.1,0.1']);
    const b = rig({ at: [0.5, 0.5], target, shared: false, id: 'n1', text: 'x' });
    b.pen.down(ev({}), { tool: 'note', box, target, shared: false });
    b.pen.up(ev({}), { w: 100, h: 200 });
    expect(b.log).toEqual(['note n1 0.5,0.5']);
  });
});

describe('pageMarks', () => {
  const ann = (id: string, kind: string, page = 1): Annotation => ({ id, document: 'd', page, kind, color: '#000', rect: [0, 0, 0.1, 0.1] }) as Annotation;
  const s = { annotations: { me: { p1: ann('p1', 'note'), p2: ann('p2', 'ink', 2) } }, shared: { s1: ann('s1', 'highlight'), s2: ann('s2', 'ink') } } as any;
  it('puts highlights under ink under notes, private only when asked, and hides what is being erased', () => {
    const { visible, erasable } = pageMarks(s, { me: 'me', document: 'd', page: 1, mine: true, canShare: false }, { x: { ...ann('x', 'ink'), shared: false, pending: true } }, new Set(['s s2']));
    expect(visible.map((m) => m.id)).toEqual(['s1', 'x', 'p1']);
    expect(erasable.map((m) => m.id)).toEqual(['p1']);
    expect(pageMarks(s, { me: 'me', document: 'd', page: 1, mine: false, canShare: true }, {}, new Set()).erasable.map((m) => m.id)).toEqual(['s1', 's2']);
  });
  it('a pending mark whose event came is shown once', () => {
    const { visible } = pageMarks(s, { me: 'me', document: 'd', page: 1, mine: true, canShare: true }, { p1: { ...ann('p1', 'note'), shared: false, pending: true } }, new Set());
    expect(visible.filter((m) => m.id === 'p1')).toHaveLength(1);
  });
});
