import { describe, expect, it } from 'vitest';
import { normalize } from '../src/core/fold';
import { browse, browseDocument, docView, FOLLOWING, turn } from '../src/core/follow';
import type { State } from '../src/core/types';

function state(presenter?: string): State {
  return normalize({
    version: 9,
    id: 'm1',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'M', main: true },
      { id: 'own', name: 'O', following: false, presentation: { document: 'doc2', page: 2 } },
    ],
    participants: {
      d1: { id: 'd1', name: 'A', role: 'delegate', room: 'main' },
      d2: { id: 'd2', name: 'B', role: 'delegate', room: 'own' },
      ch: { id: 'ch', name: 'C', role: 'chair', room: 'main' },
    },
    order: ['d1', 'd2', 'ch'],
    agenda: [{ id: 'i1', title: 'I', documents: ['doc2'] }],
    current: 'i1',
    documents: {
      doc1: { id: 'doc1', title: 'A', pages: 10, sha256: 'x' },
      doc2: { id: 'doc2', title: 'B', pages: 4, sha256: 'y' },
      sec: { id: 'sec', title: 'Mật', confidential: true, withheld: true },
    },
    presentation: { document: 'doc1', page: 3, presenter },
  } as any);
}

describe('docView', () => {
  const cases: { name: string; me: string; presenter?: string; allow: boolean; want: object }[] = [
    { name: 'a delegate follows the main hall', me: 'd1', allow: true, want: { doc: 'doc1', page: 3, presenting: false, canTurn: false } },
    { name: 'the presenter turns the room', me: 'd1', presenter: 'd1', allow: true, want: { doc: 'doc1', page: 3, presenting: true, canTurn: true } },
    { name: 'an observer never presents', me: 'd1', presenter: 'd1', allow: false, want: { presenting: false, canTurn: false } },
    { name: 'a linked room on its own shows its page', me: 'd2', allow: true, want: { doc: 'doc2', page: 2, presenting: false } },
    { name: 'the presenter in a room on its own does not turn the main hall', me: 'd2', presenter: 'd2', allow: true, want: { doc: 'doc2', presenting: false } },
    { name: 'the chair presents when nobody else does', me: 'ch', allow: true, want: { presenting: true } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(docView(state(c.presenter), c.me, c.allow, FOLLOWING)).toMatchObject(c.want);
    });
  }
  it('lists the current item first and never a withheld document', () => {
    expect(docView(state(), 'd1', true, FOLLOWING).docs).toEqual(['doc2', 'doc1']);
  });
  it('browsing keeps the reader where they chose, whatever the room shows', () => {
    const s = state();
    const r = browse(docView(s, 'd1', true, FOLLOWING));
    expect(r).toEqual({ following: false, doc: 'doc1', page: 3 });
    s.presentation.page = 7;
    expect(docView(s, 'd1', true, r)).toMatchObject({ doc: 'doc1', page: 3, canTurn: true });
    expect(docView(s, 'd1', true, FOLLOWING)).toMatchObject({ page: 7 });
    expect(docView(s, 'd1', true, browseDocument('doc2'))).toMatchObject({ doc: 'doc2', page: 1 });
  });
});

describe('turn', () => {
  it('the presenter turns the room by a command, clamped', () => {
    const v = docView(state('d1'), 'd1', true, FOLLOWING);
    expect(turn(v, FOLLOWING, 4, 10)).toEqual({ kind: 'command', page: 4 });
    expect(turn(v, FOLLOWING, 99, 10)).toEqual({ kind: 'command', page: 10 });
    expect(turn(v, FOLLOWING, 3, 10)).toEqual({ kind: 'none' });
  });
  it('a follower who is not presenting turns nothing', () => {
    const v = docView(state(), 'd1', true, FOLLOWING);
    expect(turn(v, FOLLOWING, 4, 10)).toEqual({ kind: 'none' });
  });
  it('a browser turns their own page, clamped to 1…total (unknown total: no upper bound)', () => {
    const r = { following: false, doc: 'doc1', page: 3 };
    const v = docView(state(), 'd1', true, r);
    expect(turn(v, r, 0, 10)).toEqual({ kind: 'browse', reading: { ...r, page: 1 } });
    expect(turn(v, r, 12, 10)).toEqual({ kind: 'browse', reading: { ...r, page: 10 } });
    expect(turn(v, r, 12, 0)).toEqual({ kind: 'browse', reading: { ...r, page: 12 } });
  });
});
