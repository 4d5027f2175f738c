// The election ballot's rules (190-QĐ/TW): strike and restore, the two
// boxes per name, validity with its reason, the list's size; and the
// candidate list read from CSV with Vietnamese names.
import { describe, expect, it } from 'vitest';
import { blank, checkList, decode, decodeLevels, encode, encodeLevels, formFor, judge, maxNames, tick, toggle, type Form, type Mark } from '../src/core/election';
import { candidateHeader, parseYear, planCandidates } from '../src/core/candidates';

const K = 'keep' as const;
const S = 'strike' as const;

describe('judge', () => {
  const cases: { name: string; form: Form; seats: number; marks: Mark[]; valid: boolean; reason?: string; votes: number[] }[] = [
    { name: '5 names, 3 seats, 2 struck: valid, 3 votes', form: 'strike', seats: 3, marks: [K, S, K, S, K], valid: true, votes: [0, 2, 4] },
    { name: 'fewer kept than seats is valid', form: 'strike', seats: 3, marks: [S, S, K, S, S], valid: true, votes: [2] },
    { name: 'nothing struck: more kept than seats, invalid', form: 'strike', seats: 3, marks: [K, K, K, K, K], valid: false, reason: 'too_many_kept', votes: [] },
    { name: 'one too many kept: invalid', form: 'strike', seats: 3, marks: [K, K, K, K, S], valid: false, reason: 'too_many_kept', votes: [] },
    { name: 'every name struck: invalid', form: 'strike', seats: 3, marks: [S, S, S, S, S], valid: false, reason: 'all_struck', votes: [] },
    { name: 'one seat, one kept of two', form: 'strike', seats: 1, marks: [S, K], valid: true, votes: [1] },
    { name: 'agree: all agree', form: 'agree', seats: 3, marks: ['yes', 'yes', 'yes'], valid: true, votes: [0, 1, 2] },
    { name: 'agree: neither box gives no vote, still valid', form: 'agree', seats: 3, marks: ['yes', 'none', 'yes'], valid: true, votes: [0, 2] },
    { name: 'agree: both boxes give no vote, still valid', form: 'agree', seats: 3, marks: ['both', 'yes', 'no'], valid: true, votes: [1] },
    { name: 'agree: untouched ballot is valid with no votes', form: 'agree', seats: 2, marks: ['none', 'none'], valid: true, votes: [] },
    { name: 'agree: all disagree is valid with no votes', form: 'agree', seats: 2, marks: ['no', 'no'], valid: true, votes: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const j = judge(c.form, c.seats, c.marks);
      expect(j.valid).toBe(c.valid);
      expect(j.reason).toBe(c.reason);
      expect(j.votes).toEqual(c.votes);
    });
  }
  it('refuses marks of the other form', () => {
    expect(() => judge('strike', 2, ['yes', K])).toThrow();
    expect(() => judge('agree', 2, [K, 'yes'])).toThrow();
  });
});

describe('marking', () => {
  it('the form follows the list: agree only when names == seats', () => {
    expect(formFor(5, 3)).toBe('strike');
    expect(formFor(3, 3)).toBe('agree');
  });
  it('a fresh ballot keeps every name (strike) or marks nothing (agree)', () => {
    expect(blank('strike', 3)).toEqual([K, K, K]);
    expect(blank('agree', 2)).toEqual(['none', 'none']);
  });
  it('tap strikes, tap again restores; the ballot given is not changed', () => {
    const b = blank('strike', 3);
    const once = toggle(b, 1);
    expect(once).toEqual([K, S, K]);
    expect(b).toEqual([K, K, K]);
    expect(toggle(once, 1)).toEqual([K, K, K]);
    expect(toggle(once, 7)).toBe(once);
  });
  const ticks: [Mark, 'yes' | 'no', Mark][] = [
    ['none', 'yes', 'yes'],
    ['none', 'no', 'no'],
    ['yes', 'yes', 'none'],
    ['yes', 'no', 'both'],
    ['no', 'yes', 'both'],
    ['both', 'yes', 'no'],
    ['both', 'no', 'yes'],
  ];
  for (const [from, box, to] of ticks) {
    it(`ticking ${box} on ${from} gives ${to}`, () => expect(tick([from], 0, box)).toEqual([to]));
  }
});

describe('the wire form', () => {
  it('one character per name, in list order, and back', () => {
    expect(encode([K, S, K])).toBe('101');
    expect(encode(['yes', 'no', 'none', 'both'])).toBe('10-*');
    expect(decode('strike', '101')).toEqual([K, S, K]);
    expect(decode('agree', '10-*')).toEqual(['yes', 'no', 'none', 'both']);
    expect(decode('strike', '1-1')).toBeUndefined();
    expect(encodeLevels(['high', 'medium', 'low', 'none', 'many'])).toBe('hml-*');
    expect(decodeLevels('hml-*')).toEqual(['high', 'medium', 'low', 'none', 'many']);
    expect(decodeLevels('hx')).toBeUndefined();
  });
});

describe('the list', () => {
  const cases: [number, number, string | undefined][] = [
    [3, 3, undefined],
    [3, 2, 'too_few'],
    [10, 13, undefined],
    [10, 14, 'too_many'],
    [55, 71, undefined],
    [55, 72, 'too_many'],
    [0, 0, 'no_seats'],
  ];
  for (const [seats, n, want] of cases) {
    it(`${n} names for ${seats} seats: ${want ?? 'ok'}`, () => expect(checkList(seats, n)).toBe(want));
  }
  it('30 % more, rounded down', () => {
    expect(maxNames(55)).toBe(71);
    expect(maxNames(3)).toBe(3);
    expect(maxNames(4)).toBe(5);
  });
});

describe('candidate CSV', () => {
  it('reads the header in Vietnamese or English', () => {
    const cases: [string, string | undefined][] = [
      ['STT', 'order'],
      ['Họ và tên', 'name'],
      ['HỌ VÀ TÊN', 'name'],
      ['Full name', 'name'],
      ['Năm sinh', 'year'],
      ['Ngày, tháng, năm sinh', 'year'],
      ['Year of birth', 'year'],
      ['Chức vụ, đơn vị công tác', 'position'],
      ['Position', 'position'],
      ['Quê quán', undefined],
    ];
    for (const [cell, want] of cases) expect(candidateHeader(cell), cell).toBe(want);
  });

  it('reads years and birth dates', () => {
    const cases: [string, number][] = [
      ['1970', 1970],
      ['15/03/1968', 1968],
      ['5-3-1968', 1968],
      ['1968-03-15', 1968],
      ['', 0],
      ['197', NaN],
      ['1850', NaN],
      ['2031', NaN],
      ['năm 1970', NaN],
    ];
    for (const [s, want] of cases) expect(parseYear(s, 2026), s).toBe(want);
  });

  it('reads a list the way Excel writes it, in STT order, diacritics kept', () => {
    const text =
      '\ufeffSTT;Họ và tên;Năm sinh;Chức vụ, đơn vị công tác;Quê quán\r\n' +
      '2;Trần Thị Bích  Ngọc;1975;Phó Chủ tịch UBND tỉnh;Huế\r\n' +
      '1;Nguyễn Văn An;15/03/1970;"Bí thư Huyện ủy, huyện Phong Điền";Huế\r\n' +
      '3;Đặng Hữu Phước;;Giám đốc Sở Nội vụ;Quảng Trị\r\n';
    const plan = planCandidates(text, 2026);
    expect(plan.error).toBeUndefined();
    expect(plan.ignored).toEqual(['Quê quán']);
    expect(plan.rows.map((r) => r.candidate)).toEqual([
      { name: 'Nguyễn Văn An', year: 1970, position: 'Bí thư Huyện ủy, huyện Phong Điền' },
      { name: 'Trần Thị Bích Ngọc', year: 1975, position: 'Phó Chủ tịch UBND tỉnh' },
      { name: 'Đặng Hữu Phước', year: 0, position: 'Giám đốc Sở Nội vụ' },
    ]);
    expect(plan.rows.every((r) => r.errors.length === 0)).toBe(true);
  });

  it('keeps the file order without an STT column, and names in decomposed Unicode come out composed', () => {
    const plan = planCandidates('name,year\nLe\u0302 Va\u0306n Hu\u0300ng,1980\nAn,1981\n', 2026);
    expect(plan.rows.map((r) => r.candidate.name)).toEqual(['Lê Văn Hùng', 'An']);
  });

  it('says what is wrong with each row', () => {
    const text = 'STT,Họ và tên,Năm sinh\n1,,1970\n2,Lê Văn Hùng,19x0\n2,Phạm Thị Lan,1980\nx,Võ Văn Kiệt,1972\n5,Phạm Thị Lan,1980\n6,Võ Văn Kiệt,1990\n';
    const plan = planCandidates(text, 2026);
    const codes = Object.fromEntries(plan.rows.map((r) => [r.line, [...r.errors, ...r.warnings].map((e) => e.code)]));
    expect(codes).toEqual({
      2: ['empty_name'],
      3: ['bad_year', 'duplicate_order'],
      4: ['duplicate_order', 'duplicate_candidate'],
      5: ['bad_order', 'same_name'],
      6: ['duplicate_candidate'],
      7: ['same_name'],
    });
    expect(plan.rows.map((r) => r.line)).toEqual([2, 3, 4, 6, 7, 5]);
  });

  it('a name already on the list with the same year is a duplicate', () => {
    const plan = planCandidates('Họ và tên;Năm sinh\nNguyễn Văn An;1970\nNguyễn Văn An;1971\n', 2026, [{ name: 'Nguyen Van An', year: 1970, position: '' }]);
    expect(plan.rows[0].errors.map((e) => e.code)).toEqual(['duplicate_candidate']);
    expect(plan.rows[1].warnings.map((e) => e.code)).toEqual(['same_name']);
  });

  it('an empty file or one without a name column', () => {
    expect(planCandidates('', 2026).error).toBe('empty');
    expect(planCandidates('STT;Năm sinh\n1;1970\n', 2026).error).toBe('no_name_column');
  });
});

import { apply, newState, sheetStatus } from '../src/core/fold';

describe('folding the election events', () => {
  it('elections, rounds, paper sheets, the elected, the committee, excused absences', () => {
    const s = newState();
    let seq = 0;
    const ev = (type: string, data: unknown) => apply(s, { seq: ++seq, type, at: '2026-12-03T01:00:00Z', data });
    ev('ParticipantAdded', { participant: { id: 'p1', name: 'An', role: 'delegate', room: 'main' } });
    ev('ElectionCreated', { election: { id: 'bch', title: 'Bầu BCH', kind: 'election', seats: 2, candidates: [{ id: 'c01', name: 'A' }, { id: 'c02', name: 'B' }, { id: 'c03', name: 'C' }], base: 'convened', approval: 'bch-approval' } });
    expect(s.election_order).toEqual(['bch']);
    ev('ElectionApproved', { election: 'bch', poll: 'bch-approval' });
    expect(s.elections.bch.approved).toBe(true);
    ev('PollCreated', { poll: { id: 'bch-r1', question: 'Bầu BCH', kind: 'election', election: 'bch', round: 1, candidates: ['c01', 'c02', 'c03'], seats: 2, style: 'strike', secret: true, rule: { base: 'members', threshold: 'absolute' } } });
    expect(s.elections.bch.rounds).toEqual(['bch-r1']);
    ev('PollOpened', { poll: 'bch-r1' });
    const sheet = () => s.polls['bch-r1'].paper!.r2['7'];
    ev('PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 7, member: 'k1', marks: '110' });
    expect(sheet().status).toBe('incomplete');
    ev('PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 7, member: 'k2', marks: '110' });
    ev('PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 7, member: 'k3', marks: '110' });
    expect(sheet().status).toBe('agreed');
    ev('PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 7, member: 'k3', marks: '011' });
    expect(sheet().status).toBe('mismatch');
    ev('PaperBallotResolved', { poll: 'bch-r1', room: 'r2', sheet: 7, marks: '110' });
    expect(sheet()).toEqual({ entries: { k1: '110', k2: '110', k3: '011' }, resolved: '110', status: 'resolved' });
    ev('PollClosed', { poll: 'bch-r1', result: { counts: {}, cast: 1, members: 1, present: 1, base: 1, quorum_ok: true, passed: false, election: { elected: ['c02'] } } });
    expect(s.elections.bch.elected).toEqual(['c02']);
    ev('CommitteeElected', { poll: 'bkp', members: ['k1', 'k2', 'k3'] });
    expect(s.committee).toEqual(['k1', 'k2', 'k3']);
    ev('AbsenceExcused', { participant: 'p1', reason: 'Đi công tác' });
    expect(s.participants.p1.excused).toBe('Đi công tác');
    ev('CheckedIn', { participant: 'p1' });
    expect(s.participants.p1.excused).toBeUndefined();
    ev('ElectionUpdated', { election: { id: 'bch', title: 'Bầu Ban Chấp hành', kind: 'election', seats: 2, candidates: [], base: 'members' } });
    expect(s.elections.bch.title).toBe('Bầu Ban Chấp hành');
    expect(s.elections.bch.rounds).toEqual(['bch-r1']);
  });
  it('sheet status', () => {
    expect(sheetStatus({ entries: {} })).toBe('incomplete');
    expect(sheetStatus({ entries: { a: '1', b: '0' } })).toBe('mismatch');
    expect(sheetStatus({ entries: { a: '1', b: '1', c: '1' } })).toBe('agreed');
    expect(sheetStatus({ entries: { a: '1', b: '0' }, resolved: '1' })).toBe('resolved');
  });
});
