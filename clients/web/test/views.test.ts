import { describe, expect, it } from 'vitest';
import { normalize } from '../src/core/fold';
import * as v from '../src/core/views';
import type { State } from '../src/core/types';

function state(): State {
  return normalize({
    version: 30,
    id: 'm1',
    title: 'T',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'a', name: 'Điểm cầu A' },
      { id: 'empty', name: 'Điểm cầu trống' },
    ],
    participants: {
      chair: { id: 'chair', name: 'Chủ tọa', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Đại biểu 1', role: 'delegate', room: 'main', present: true },
      d2: { id: 'd2', name: 'Đại biểu 2', role: 'delegate', room: 'a' },
      d3: { id: 'd3', name: 'Đại biểu 3', role: 'delegate', room: 'a', present: true },
      sec: { id: 'sec', name: 'Thư ký', role: 'secretary', room: 'main', present: true },
      obs: { id: 'obs', name: 'Phóng viên', role: 'observer', room: 'main', present: true },
    },
    order: ['chair', 'd1', 'd2', 'd3', 'sec', 'obs'],
    agenda: [
      { id: 'i1', title: 'Một', documents: ['doc2'] },
      { id: 'i2', title: 'Hai' },
      { id: 'i2a', parent: 'i2', title: 'Hai a' },
      { id: 'i2b', parent: 'i2', title: 'Hai b' },
    ],
    current: 'i2a',
    documents: { doc1: { id: 'doc1', title: 'A', pages: 1, sha256: 'x' }, doc2: { id: 'doc2', title: 'B', pages: 2, sha256: 'y' } },
    polls: {
      p1: { id: 'p1', question: 'Q1', choices: [], rule: { base: 'cast', threshold: 'simple' }, status: 'closed' },
      p2: { id: 'p2', question: 'Q2', secret: true, choices: [], rule: { base: 'cast', threshold: 'simple' }, status: 'open', voters: { d1: '' } },
      p3: { id: 'p3', question: 'Q3', choices: [], rule: { base: 'cast', threshold: 'simple' }, status: 'closed', voters: { d1: 'for' } },
    },
    poll_order: ['p1', 'p2', 'p3'],
    presentation: { document: 'doc1', page: 3 },
    floor: { speaker: 'd3', since: '2026-12-03T01:00:00Z', queue: ['d2', 'd1'] },
  });
}

describe('views', () => {
  it('finds the current item and numbers the agenda', () => {
    const s = state();
    expect(v.currentItem(s)?.title).toBe('Hai a');
    expect(v.itemNumber(s, 'i2')).toBe('2');
    expect(v.itemNumber(s, 'i2b')).toBe('2.2');
    expect(v.itemNumber(s, 'zz')).toBe('');
    expect(v.children(s, 'i2').map((i) => i.id)).toEqual(['i2a', 'i2b']);
  });

  it('knows who presents', () => {
    const s = state();
    expect(v.isPresenter(s, 'chair')).toBe(true);
    expect(v.isPresenter(s, 'd1')).toBe(false);
    expect(v.presenterId(s)).toBe('chair');
    s.presentation.presenter = 'd1';
    expect(v.isPresenter(s, 'd1')).toBe(true);
    expect(v.isPresenter(s, 'chair')).toBe(true);
    expect(v.isPresenter(s, 'd2')).toBe(false);
    expect(v.isPresenter(s, '')).toBe(false);
    expect(v.presenterId(s)).toBe('d1');
  });

  it('finds the open and the last closed poll', () => {
    const s = state();
    expect(v.openPoll(s)?.id).toBe('p2');
    expect(v.lastClosedPoll(s)?.id).toBe('p3');
    s.polls.p2.status = 'closed';
    expect(v.openPoll(s)).toBeUndefined();
  });

  it('tells my ballot, secret or named', () => {
    const s = state();
    expect(v.myBallot(s.polls.p2, 'd1')).toEqual({ voted: true, choice: undefined });
    expect(v.myBallot(s.polls.p2, 'd1', 'against')).toEqual({ voted: true, choice: 'against' });
    expect(v.myBallot(s.polls.p2, 'd2', 'for')).toEqual({ voted: false });
    expect(v.myBallot(s.polls.p3, 'd1')).toEqual({ voted: true, choice: 'for' });
    expect(v.myBallot(undefined, 'd1')).toEqual({ voted: false });
    expect(v.votedCount(s.polls.p2)).toBe(1);
  });

  it('counts attendance per room and the quorum', () => {
    const s = state();
    expect(v.attendanceByRoom(s)).toEqual([
      { room: 'main', name: 'Hội trường chính', members: 2, present: 2 },
      { room: 'a', name: 'Điểm cầu A', members: 2, present: 1 },
      { room: 'empty', name: 'Điểm cầu trống', members: 0, present: 0 },
    ]);
    expect(v.members(s)).toEqual({ members: 4, present: 3 });
    expect(v.quorum(s, 50)).toEqual({ members: 4, present: 3, needed: 2, ok: true });
    expect(v.quorum(s, 80)).toEqual({ members: 4, present: 3, needed: 4, ok: false });
    expect(v.quorum(s, 75).ok).toBe(true);
    expect(v.quorum(s, 0)).toMatchObject({ needed: 0, ok: true });
  });

  it('tells the queue place and the role', () => {
    const s = state();
    expect(v.queuePlace(s, 'd1')).toBe(2);
    expect(v.queuePlace(s, 'd3')).toBe(0);
    expect(v.myRole(s, 'sec')).toBe('secretary');
    expect(v.myRole(s, 'ghost', 'delegate')).toBe('delegate');
  });

  it('lists documents in agenda order', () => {
    expect(v.documentsInOrder(state())).toEqual(['doc2', 'doc1']);
  });
});

describe('shownIn and myAnnotations', () => {
  function linked(): State {
    const s = normalize({
      version: 5,
      id: 'm1',
      rooms: [
        { id: 'main', name: 'M', main: true, following: false },
        { id: 'a', name: 'A', following: true },
        { id: 'b', name: 'B', following: false, presentation: { document: 'doc2', page: 5 } },
        { id: 'c', name: 'C', following: false },
      ],
      presentation: { document: 'doc1', page: 3, presenter: 'd1' },
      annotations: {
        d1: {
          x2: { id: 'x2', document: 'doc1', page: 3, kind: 'note', color: '#FFD400', rect: [0.5, 0.5, 0.5, 0.5], text: 'b' },
          x1: { id: 'x1', document: 'doc1', page: 3, kind: 'note', color: '#FFD400', rect: [0.5, 0.5, 0.5, 0.5], text: 'a' },
          y: { id: 'y', document: 'doc1', page: 4, kind: 'note', color: '#FFD400', rect: [0.5, 0.5, 0.5, 0.5], text: 'c' },
        },
      },
    });
    return s;
  }
  const cases: [string, string | undefined, unknown][] = [
    ['the main hall', 'main', { document: 'doc1', page: 3, presenter: 'd1' }],
    ['a following room', 'a', { document: 'doc1', page: 3, presenter: 'd1' }],
    ['a room on its own', 'b', { document: 'doc2', page: 5 }],
    ['a room on its own that showed nothing', 'c', {}],
    ['an unknown room', 'zz', { document: 'doc1', page: 3, presenter: 'd1' }],
    ['no room', undefined, { document: 'doc1', page: 3, presenter: 'd1' }],
  ];
  for (const [name, room, want] of cases) it(name, () => expect(v.shownIn(linked(), room)).toEqual(want));

  it('lists my notes on a page in id order', () => {
    const s = linked();
    expect(v.myAnnotations(s, 'd1', 'doc1', 3).map((a) => a.id)).toEqual(['x1', 'x2']);
    expect(v.myAnnotations(s, 'd2', 'doc1', 3)).toEqual([]);
  });
});
