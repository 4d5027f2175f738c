import { describe, expect, it } from 'vitest';
import { apply, newState, normalize } from '../src/core/fold';
import type { MeetingEvent, State } from '../src/core/types';
import { ev } from './fakes';

// seed returns a meeting with rooms, participants, an agenda, a document and a proposal.
function seed(): State {
  const s = newState();
  const events: MeetingEvent[] = [
    ev(1, 'MeetingCreated', {
      id: 'm1',
      title: 'Hội nghị Ban Chấp hành',
      place: 'Hội trường Tỉnh ủy',
      starts_at: '2026-12-03T01:00:00Z',
      rooms: [
        { id: 'main', name: 'Hội trường chính', main: true },
        { id: 'district-a', name: 'Điểm cầu huyện Phong Điền' },
      ],
      secretary: { id: 'p-sec', name: 'Phạm Thị Kim Oanh', role: 'delegate', room: 'main', present: true },
    }),
    ev(2, 'ParticipantAdded', { participant: { id: 'p-chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', seat: 'A01' } }),
    ev(3, 'ParticipantAdded', { participant: { id: 'p-d1', name: 'Phan Ngọc Thọ', role: 'delegate', room: 'main', present: true } }),
    ev(4, 'ParticipantAdded', { participant: { id: 'p-d2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'district-a' } }),
    ev(5, 'AgendaItemAdded', { item: { id: 'i1', title: 'Khai mạc' } }),
    ev(6, 'AgendaItemAdded', { item: { id: 'i2', title: 'Đề án' } }),
    ev(7, 'AgendaItemAdded', { item: { id: 'i3', title: 'Bế mạc' } }),
    ev(8, 'AgendaItemAdded', { item: { id: 'i2a', parent: 'i2', title: 'Tờ trình' } }),
    ev(9, 'AgendaItemAdded', { item: { id: 'i2b', parent: 'i2', title: 'Ý kiến thẩm định' } }),
    ev(10, 'DocumentAdded', { document: { id: 'd1', title: 'Báo cáo', pages: 12, sha256: 'ab' } }),
    ev(11, 'DocumentAttached', { item: 'i2', document: 'd1' }),
    ev(12, 'ProposalAdded', { proposal: { id: 'pr1', title: 'Thông qua đề án' }, item: 'i2' }),
  ];
  for (const e of events) expect(apply(s, e)).toBe('applied');
  return s;
}

const ids = (s: State) => s.agenda.map((i) => i.id);

describe('apply', () => {
  it('builds a meeting from its setup events', () => {
    const s = seed();
    expect(s.version).toBe(12);
    expect(s.id).toBe('m1');
    expect(s.status).toBe('draft');
    expect(s.rooms).toHaveLength(2);
    expect(s.participants['p-sec'].role).toBe('secretary');
    expect(s.participants['p-sec'].present).toBeUndefined();
    expect(s.participants['p-d1'].present).toBeUndefined();
    expect(s.order).toEqual(['p-sec', 'p-chair', 'p-d1', 'p-d2']);
    expect(ids(s)).toEqual(['i1', 'i2', 'i2a', 'i2b', 'i3']);
    expect(s.agenda[1].documents).toEqual(['d1']);
    expect(s.agenda[1].proposals).toEqual(['pr1']);
    expect(s.proposals.pr1.status).toBe('draft');
    expect(s.documents.d1.pages).toBe(12);
  });

  it('ignores duplicates and tolerates skipped seqs', () => {
    const s = seed();
    expect(apply(s, ev(12, 'MeetingPublished'))).toBe('duplicate');
    expect(s.status).toBe('draft');
    expect(apply(s, ev(3, 'SessionOpened'))).toBe('duplicate');
    expect(apply(s, ev(20, 'MeetingPublished'))).toBe('applied');
    expect(s.version).toBe(20);
    expect(s.status).toBe('published');
  });

  it('ParticipantUpdated replaces name, title, role, room and seat, keeps attendance, ignores an unknown id', () => {
    const s = seed();
    expect(apply(s, ev(13, 'CheckedIn', { participant: 'p-d1' }))).toBe('applied');
    expect(
      apply(s, ev(14, 'ParticipantUpdated', { participant: { id: 'p-d1', name: 'Phan Ngọc Thọ', title: 'Giám đốc Sở Tài chính', role: 'observer', room: 'district-a', seat: 'B02' } })),
    ).toBe('applied');
    expect(s.participants['p-d1']).toEqual({ id: 'p-d1', name: 'Phan Ngọc Thọ', title: 'Giám đốc Sở Tài chính', role: 'observer', room: 'district-a', seat: 'B02', present: true, attended: true });
    // A record without title or seat clears them; an absent participant stays absent whatever the event says.
    expect(apply(s, ev(15, 'ParticipantUpdated', { participant: { id: 'p-chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true } }))).toBe('applied');
    expect(s.participants['p-chair']).toEqual({ id: 'p-chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main' });
    expect(s.order).toEqual(['p-sec', 'p-chair', 'p-d1', 'p-d2']);
    expect(apply(s, ev(16, 'ParticipantUpdated', { participant: { id: 'ghost', name: 'Ma', role: 'delegate', room: 'main' } }))).toBe('applied');
    expect(s.participants.ghost).toBeUndefined();
  });

  it('advances past unknown event types', () => {
    const s = seed();
    expect(apply(s, ev(13, 'SomethingNew', { x: 1 }))).toBe('unknown');
    expect(s.version).toBe(13);
  });

  const cases: { name: string; events: MeetingEvent[]; check: (s: State) => void }[] = [
    {
      name: 'MeetingUpdated keeps empty fields',
      events: [ev(13, 'MeetingUpdated', { title: 'Mới' })],
      check: (s) => {
        expect(s.title).toBe('Mới');
        expect(s.place).toBe('Hội trường Tỉnh ủy');
      },
    },
    {
      name: 'MeetingArchived marks the meeting read only',
      events: [ev(13, 'MeetingClosed'), ev(14, 'MeetingArchived', { archive: 'ab'.repeat(32), events: 13, last_hash: 'cd'.repeat(32) })],
      check: (s) => {
        expect(s.status).toBe('closed');
        expect(s.archived).toEqual({ archive: 'ab'.repeat(32), events: 13, last_hash: 'cd'.repeat(32), at: expect.any(String) });
      },
    },
    {
      name: 'RoomAdded',
      events: [ev(13, 'RoomAdded', { room: { id: 'district-b', name: 'Điểm cầu thị xã Hương Thủy' } })],
      check: (s) => expect(s.rooms.map((r) => r.id)).toEqual(['main', 'district-a', 'district-b']),
    },
    {
      name: 'ParticipantRemoved',
      events: [ev(13, 'FloorRequested', { participant: 'p-d2' }), ev(14, 'ParticipantRemoved', { participant: 'p-d2' })],
      check: (s) => {
        expect(s.participants['p-d2']).toBeUndefined();
        expect(s.order).toEqual(['p-sec', 'p-chair', 'p-d1']);
        expect(s.floor.queue).toEqual([]);
      },
    },
    {
      name: 'session life',
      events: [ev(13, 'MeetingPublished'), ev(14, 'SessionOpened'), ev(15, 'SessionAdjourned')],
      check: (s) => expect(s.status).toBe('adjourned'),
    },
    {
      name: 'MeetingClosed',
      events: [ev(13, 'SessionOpened'), ev(14, 'MeetingClosed')],
      check: (s) => expect(s.status).toBe('closed'),
    },
    {
      name: 'CurrentItemSet',
      events: [ev(13, 'CurrentItemSet', { item: 'i2a' })],
      check: (s) => expect(s.current).toBe('i2a'),
    },
    {
      name: 'DocumentShown then PageTurned',
      events: [ev(13, 'DocumentShown', { document: 'd1', page: 1 }), ev(14, 'PageTurned', { document: 'd1', page: 5 })],
      check: (s) => expect(s.presentation).toEqual({ document: 'd1', page: 5 }),
    },
    {
      name: 'PresentationHanded and taken back',
      events: [
        ev(13, 'DocumentShown', { document: 'd1', page: 2 }),
        ev(14, 'PresentationHanded', { to: 'p-d1' }),
        ev(15, 'PageTurned', { document: 'd1', page: 3 }),
      ],
      check: (s) => expect(s.presentation).toEqual({ document: 'd1', page: 3, presenter: 'p-d1' }),
    },
    {
      name: 'PresentationHanded back to the chair',
      events: [ev(13, 'PresentationHanded', { to: 'p-d1' }), ev(14, 'PresentationHanded', { to: '' })],
      check: (s) => expect(s.presentation.presenter).toBeUndefined(),
    },
    {
      name: 'floor: request, withdraw, give, end',
      events: [
        ev(13, 'FloorRequested', { participant: 'p-d1' }),
        ev(14, 'FloorRequested', { participant: 'p-d2' }),
        ev(15, 'FloorRequested', { participant: 'p-sec' }),
        ev(16, 'FloorWithdrawn', { participant: 'p-sec' }),
        ev(17, 'FloorGiven', { participant: 'p-d1' }, '2026-12-03T01:05:00Z'),
      ],
      check: (s) =>
        expect(s.floor).toEqual({
          speaker: 'p-d1',
          since: '2026-12-03T01:05:00Z',
          queue: ['p-d2'],
          requests: { 'p-d2': { at: '2026-12-03T01:00:00Z' } },
          speeches: [{ participant: 'p-d1', item: s.current, from: '2026-12-03T01:05:00Z' }],
        }),
    },
    {
      name: 'floor: a question on a topic, registered contributions, the speeches record them',
      events: [
        ev(13, 'ContributionAdded', { contribution: { id: 'c1', participant: 'p-d1', topic: 'Phát triển kinh tế số', item: 'i2', done: true } }),
        ev(14, 'ContributionAdded', { contribution: { id: 'c2', participant: 'p-d2', topic: 'Chuyển đổi số' } }),
        ev(15, 'ContributionAdded', { contribution: { id: 'c3', participant: 'p-d2', topic: 'Y tế' } }),
        ev(16, 'ContributionMoved', { contribution: 'c3', index: 0 }),
        ev(17, 'ContributionRemoved', { contribution: 'c2' }),
        ev(18, 'FloorRequested', { participant: 'p-d2', topic: 'Ý kiến về dự toán ngân sách', kind: 'question' }, '2026-12-03T01:02:00Z'),
        ev(19, 'FloorGiven', { participant: 'p-d1', contribution: 'c1' }, '2026-12-03T01:03:00Z'),
        ev(20, 'FloorGiven', { participant: 'p-d2' }, '2026-12-03T01:08:00Z'),
      ],
      check: (s) => {
        expect(s.floor.contributions).toEqual([
          { id: 'c3', participant: 'p-d2', topic: 'Y tế' },
          { id: 'c1', participant: 'p-d1', topic: 'Phát triển kinh tế số', item: 'i2', done: true },
        ]);
        expect(s.floor.speeches).toEqual([
          { participant: 'p-d1', item: s.current ?? 'i2', from: '2026-12-03T01:03:00Z', to: '2026-12-03T01:08:00Z', topic: 'Phát triển kinh tế số', kind: 'contribution', contribution: 'c1' },
          { participant: 'p-d2', item: s.current, from: '2026-12-03T01:08:00Z', topic: 'Ý kiến về dự toán ngân sách', kind: 'question' },
        ]);
        expect(s.floor.requests).toBeUndefined();
        expect(s.floor.queue).toEqual([]);
      },
    },
    {
      name: 'removing a participant drops their request and what they had not given',
      events: [
        ev(13, 'ContributionAdded', { contribution: { id: 'c1', participant: 'p-d1', topic: 'Một' } }),
        ev(14, 'ContributionAdded', { contribution: { id: 'c2', participant: 'p-d1', topic: 'Hai' } }),
        ev(15, 'FloorGiven', { participant: 'p-d1', contribution: 'c1' }),
        ev(16, 'FloorEnded', { participant: 'p-d1' }),
        ev(17, 'FloorRequested', { participant: 'p-d1', kind: 'order' }),
        ev(18, 'ParticipantRemoved', { participant: 'p-d1' }),
      ],
      check: (s) => {
        expect(s.floor.contributions).toEqual([{ id: 'c1', participant: 'p-d1', topic: 'Một', done: true }]);
        expect(s.floor.requests).toBeUndefined();
      },
    },
    {
      name: 'FloorEnded keeps the queue',
      events: [
        ev(13, 'FloorRequested', { participant: 'p-d1' }),
        ev(14, 'FloorRequested', { participant: 'p-d2' }),
        ev(15, 'FloorGiven', { participant: 'p-d1' }),
        ev(16, 'FloorEnded', { participant: 'p-d1' }, '2026-12-03T01:09:00Z'),
      ],
      check: (s) => {
        expect(s.floor.queue).toEqual(['p-d2']);
        expect(s.floor.speaker).toBeUndefined();
        expect(s.floor.speeches).toMatchObject([{ participant: 'p-d1', to: '2026-12-03T01:09:00Z' }]);
      },
    },
    {
      name: 'MeetingUpdated sets how confidential documents are listed to non-readers',
      events: [ev(13, 'MeetingUpdated', { confidential_listing: 'hidden' })],
      check: (s) => expect(s.confidential_listing).toBe('hidden'),
    },
    {
      name: 'check in and out',
      events: [ev(13, 'CheckedIn', { participant: 'p-d1' }), ev(14, 'CheckedIn', { participant: 'p-d2' }), ev(15, 'CheckedOut', { participant: 'p-d1' })],
      check: (s) => {
        expect(s.participants['p-d1'].present).toBeUndefined();
        expect(s.participants['p-d2'].present).toBe(true);
      },
    },
    {
      name: 'poll life: created with default choices, opened, voted, closed and adopted',
      events: [
        ev(13, 'PollCreated', { poll: { id: 'v1', question: 'Thông qua?', proposal: 'pr1', rule: { base: 'members', threshold: 'absolute' }, status: 'open' } }),
        ev(14, 'PollOpened', { poll: 'v1' }),
        ev(15, 'BallotCast', { poll: 'v1', voter: 'p-d1', choice: 'for' }),
        ev(17, 'BallotCast', { poll: 'v1', voter: 'p-chair', choice: 'for' }),
      ],
      check: (s) => {
        const p = s.polls.v1;
        expect(p.status).toBe('open');
        expect(p.choices.map((c) => c.id)).toEqual(['for', 'against', 'abstain']);
        expect(p.voters).toEqual({ 'p-d1': 'for', 'p-chair': 'for' });
        expect(s.poll_order).toEqual(['v1']);
        expect(s.proposals.pr1.status).toBe('voting');
        const result = { counts: { for: 2, against: 0, abstain: 0 }, cast: 2, members: 3, present: 2, base: 3, quorum_ok: true, passed: true };
        apply(s, ev(18, 'PollClosed', { poll: 'v1', result }));
        expect(p.status).toBe('closed');
        expect(p.result).toEqual(result);
        expect(s.proposals.pr1.status).toBe('adopted');
      },
    },
    {
      name: 'a named poll close brings every voter',
      events: [
        ev(13, 'PollCreated', { poll: { id: 'v3', question: 'Q', rule: { base: 'cast', threshold: 'simple' } } }),
        ev(14, 'PollOpened', { poll: 'v3' }),
        ev(16, 'BallotCast', { poll: 'v3', voter: 'p-d1', choice: 'for' }),
        ev(18, 'PollClosed', { poll: 'v3', voters: { 'p-d1': 'for', 'p-d2': 'against' }, result: { counts: { for: 1, against: 1 }, cast: 2, members: 3, present: 2, base: 2, quorum_ok: true, passed: false } }),
      ],
      check: (s) => expect(s.polls.v3.voters).toEqual({ 'p-d1': 'for', 'p-d2': 'against' }),
    },
    {
      name: 'secret poll rejected',
      events: [
        ev(13, 'PollCreated', { poll: { id: 'v2', question: 'Kín', proposal: 'pr1', secret: true, choices: [{ id: 'yes', label: 'Đồng ý' }], rule: { base: 'cast', threshold: 'simple' } } }),
        ev(14, 'PollOpened', { poll: 'v2' }),
        ev(15, 'BallotCast', { poll: 'v2', voter: 'p-d1' }),
        ev(16, 'PollClosed', { poll: 'v2', result: { counts: { yes: 0 }, cast: 1, members: 3, present: 1, base: 1, quorum_ok: true, passed: false } }),
      ],
      check: (s) => {
        expect(s.polls.v2.voters).toEqual({ 'p-d1': '' });
        expect(s.polls.v2.choices).toEqual([{ id: 'yes', label: 'Đồng ý' }]);
        expect(s.proposals.pr1.status).toBe('rejected');
      },
    },
    {
      name: 'events naming unknown things change nothing else',
      events: [
        ev(13, 'PollOpened', { poll: 'nope' }),
        ev(14, 'BallotCast', { poll: 'nope', voter: 'p-d1', choice: 'for' }),
        ev(15, 'CheckedIn', { participant: 'nobody' }),
        ev(16, 'DocumentAttached', { item: 'nope', document: 'd1' }),
      ],
      check: (s) => {
        expect(s.polls).toEqual({});
        expect(s.version).toBe(16);
        expect(Object.keys(s.participants)).toHaveLength(4);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = seed();
      for (const e of c.events) apply(s, e);
      c.check(s);
    });
  }

  const moves: { name: string; item: string; index: number; want: string[] }[] = [
    { name: 'top item first', item: 'i3', index: 0, want: ['i3', 'i1', 'i2', 'i2a', 'i2b'] },
    { name: 'top item with sub-items first', item: 'i2', index: 0, want: ['i2', 'i2a', 'i2b', 'i1', 'i3'] },
    { name: 'top item with sub-items last', item: 'i2', index: 9, want: ['i1', 'i3', 'i2', 'i2a', 'i2b'] },
    { name: 'top item past a parent', item: 'i1', index: 1, want: ['i2', 'i2a', 'i2b', 'i1', 'i3'] },
    { name: 'top item to the end after a parent', item: 'i1', index: 5, want: ['i2', 'i2a', 'i2b', 'i3', 'i1'] },
    { name: 'sub-item first', item: 'i2b', index: 0, want: ['i1', 'i2', 'i2b', 'i2a', 'i3'] },
    { name: 'sub-item last', item: 'i2a', index: 7, want: ['i1', 'i2', 'i2b', 'i2a', 'i3'] },
    { name: 'unknown item', item: 'zz', index: 0, want: ['i1', 'i2', 'i2a', 'i2b', 'i3'] },
  ];
  for (const m of moves) {
    it(`AgendaItemMoved: ${m.name}`, () => {
      const s = seed();
      apply(s, ev(13, 'AgendaItemMoved', { item: m.item, index: m.index }));
      expect(ids(s)).toEqual(m.want);
    });
  }
});

describe('normalize', () => {
  it('fills the collections Go sends as null', () => {
    const s = normalize({ version: 7, id: 'm1', title: 'T', status: 'draft', rooms: null, participants: { a: { id: 'a', name: 'A', role: 'chair', room: 'main' } }, order: null, agenda: null, documents: null, proposals: null, polls: null, poll_order: null, presentation: {}, floor: {} });
    expect(s.version).toBe(7);
    expect(s.rooms).toEqual([]);
    expect(s.order).toEqual(['a']);
    expect(s.agenda).toEqual([]);
    expect(s.polls).toEqual({});
    expect(apply(s, ev(8, 'RoomAdded', { room: { id: 'r', name: 'R' } }))).toBe('applied');
  });

  it('copies its input', () => {
    const raw = { version: 1, participants: { a: { id: 'a', name: 'A', role: 'chair', room: 'main' } } };
    const s = normalize(raw);
    s.participants.a.name = 'B';
    expect(raw.participants.a.name).toBe('A');
  });
});

describe('linked rooms and annotations', () => {
  const room = (s: State, id: string) => s.rooms.find((r) => r.id === id)!;

  it('starts linked rooms following the main hall', () => {
    const s = seed();
    expect(room(s, 'main').following).toBe(false);
    expect(room(s, 'district-a').following).toBe(true);
    apply(s, ev(13, 'RoomAdded', { room: { id: 'district-b', name: 'Điểm cầu B', main: true, following: false, presentation: { document: 'd1', page: 2 } } }));
    expect(room(s, 'district-b')).toEqual({ id: 'district-b', name: 'Điểm cầu B', main: false, following: true });
  });

  const cases: { name: string; events: [string, unknown][]; want: unknown }[] = [
    {
      name: 'stopping with nothing shown keeps no page',
      events: [['RoomFollowing', { room: 'district-a', follow: false }]],
      want: { following: false },
    },
    {
      name: "stopping keeps the main hall's current page",
      events: [
        ['DocumentShown', { document: 'd1', page: 3 }],
        ['RoomFollowing', { room: 'district-a', follow: false }],
        ['PageTurned', { document: 'd1', page: 4 }],
      ],
      want: { following: false, presentation: { document: 'd1', page: 3 } },
    },
    {
      name: 'a room shows its own page',
      events: [
        ['RoomFollowing', { room: 'district-a', follow: false }],
        ['RoomShown', { room: 'district-a', document: 'd1', page: 7 }],
      ],
      want: { following: false, presentation: { document: 'd1', page: 7 } },
    },
    {
      name: 'following again drops what the room showed',
      events: [
        ['RoomFollowing', { room: 'district-a', follow: false }],
        ['RoomShown', { room: 'district-a', document: 'd1', page: 7 }],
        ['RoomFollowing', { room: 'district-a', follow: true }],
      ],
      want: { following: true },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = seed();
      c.events.forEach(([type, data], i) => expect(apply(s, ev(13 + i, type, data))).toBe('applied'));
      const { following, presentation } = room(s, 'district-a');
      expect({ following, ...(presentation ? { presentation } : {}) }).toEqual(c.want);
    });
  }

  it('ignores room events for an unknown room or the main hall', () => {
    const s = seed();
    expect(apply(s, ev(13, 'RoomFollowing', { room: 'nowhere', follow: false }))).toBe('applied');
    expect(apply(s, ev(14, 'RoomShown', { room: 'main', document: 'd1', page: 2 }))).toBe('applied');
    expect(room(s, 'main').presentation).toBeUndefined();
    expect(s.rooms).toHaveLength(2);
  });

  const note = { id: 'n1', document: 'd1', page: 2, kind: 'note', color: '#FFD400', rect: [0.5, 0.5, 0.5, 0.5], text: 'Hỏi lại' };

  it('keeps private annotations per owner and shared ones by id', () => {
    const s = seed();
    apply(s, ev(13, 'AnnotationSaved', { owner: 'p-d1', annotation: note }));
    apply(s, ev(14, 'AnnotationSaved', { owner: 'p-d2', annotation: { ...note, text: 'Khác' } }));
    apply(s, ev(15, 'AnnotationSaved', { owner: 'p-chair', shared: true, annotation: { ...note, id: 's1' } }));
    apply(s, ev(16, 'AnnotationSaved', { owner: 'p-d1', annotation: { ...note, text: 'Sửa lại' } }));
    expect(s.annotations['p-d1'].n1.text).toBe('Sửa lại');
    expect(s.annotations['p-d2'].n1.text).toBe('Khác');
    expect(s.shared.s1).toEqual({ ...note, id: 's1', owner: 'p-chair' });
    expect(s.annotations['p-chair']).toBeUndefined();

    apply(s, ev(17, 'AnnotationDeleted', { owner: 'p-d1', document: 'd1', id: 'n1' }));
    expect(s.annotations['p-d1']).toBeUndefined();
    expect(s.annotations['p-d2'].n1).toBeDefined();
    apply(s, ev(18, 'AnnotationDeleted', { owner: 'p-chair', shared: true, document: 'd1', id: 's1' }));
    expect(s.shared).toEqual({});
  });

  it("forgets a removed participant's private annotations, not what they shared", () => {
    const s = seed();
    apply(s, ev(13, 'AnnotationSaved', { owner: 'p-d1', annotation: note }));
    apply(s, ev(14, 'AnnotationSaved', { owner: 'p-d1', shared: true, annotation: { ...note, id: 's1' } }));
    apply(s, ev(15, 'ParticipantRemoved', { participant: 'p-d1' }));
    expect(s.annotations['p-d1']).toBeUndefined();
    expect(s.shared.s1.owner).toBe('p-d1');
  });

  it('normalizes a snapshot without following or annotations', () => {
    const s = normalize({ version: 3, id: 'm1', rooms: [{ id: 'main', name: 'M', main: true }, { id: 'a', name: 'A' }] });
    expect(s.rooms.map((r) => r.following)).toEqual([false, true]);
    expect(s.annotations).toEqual({});
    expect(s.shared).toEqual({});
  });
});
