// The floor's client rules (core/floor.ts): a topic is checked as the
// server checks it, the queue carries each request's kind and topic, the
// speech in progress, the contributions still to give and their moves.
import { describe, expect, it } from 'vitest';
import { checkTopic, contributionTaken, currentSpeech, MAX_TOPIC, moveTarget, myRequest, pending, queueEntries, requestArgs } from '../src/core/floor';
import { apply, newState } from '../src/core/fold';
import type { State } from '../src/core/types';
import { fw, fwKeys, kindWord } from '../src/ui/shared/floorWords';
import { ev } from './fakes';

function meeting(): State {
  const s = newState();
  const events = [
    ev(1, 'MeetingCreated', { id: 'm1', title: 'Đại hội', rooms: [{ id: 'main', name: 'Hội trường', main: true }], secretary: { id: 'sec', name: 'Thư ký', role: 'secretary', room: 'main' } }),
    ev(2, 'ParticipantAdded', { participant: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main' } }),
    ev(3, 'ParticipantAdded', { participant: { id: 'd2', name: 'Trần Văn Đức', role: 'delegate', room: 'main' } }),
    ev(4, 'ContributionAdded', { contribution: { id: 'c1', participant: 'd1', topic: 'Phát triển kinh tế số' } }),
    ev(5, 'ContributionAdded', { contribution: { id: 'c2', participant: 'd2', topic: 'Chuyển đổi số trong y tế' } }),
    ev(6, 'ContributionAdded', { contribution: { id: 'c3', participant: 'd2', topic: 'Cải cách hành chính' } }),
    ev(7, 'MeetingPublished'),
    ev(8, 'SessionOpened'),
  ];
  for (const e of events) apply(s, e);
  return s;
}

describe('checkTopic', () => {
  const cases: [string, string, ReturnType<typeof checkTopic>][] = [
    ['trimmed', '  Ý kiến về dự toán ngân sách ', { ok: true, topic: 'Ý kiến về dự toán ngân sách' }],
    ['empty is fine', '   ', { ok: true, topic: '' }],
    ['200 characters of Vietnamese', 'ệ'.repeat(MAX_TOPIC), { ok: true, topic: 'ệ'.repeat(MAX_TOPIC) }],
    ['201 characters', 'ệ'.repeat(MAX_TOPIC + 1), { ok: false, error: 'topicTooLong', n: 201 }],
    ['characters, not UTF-16 units', '𝔸'.repeat(MAX_TOPIC), { ok: true, topic: '𝔸'.repeat(MAX_TOPIC) }],
    ['a line break', 'Ngân sách\nđầu tư', { ok: false, error: 'topicControl' }],
    ['a tab', 'Ngân\tsách', { ok: false, error: 'topicControl' }],
    ['a bidi override', 'Ngân sách \u202Ecông', { ok: false, error: 'topicControl' }],
  ];
  for (const [name, raw, want] of cases) it(name, () => expect(checkTopic(raw)).toEqual(want));

  it('sends only what was chosen', () => {
    expect(requestArgs('', '')).toEqual({});
    expect(requestArgs('question', 'Ý kiến về dự toán ngân sách')).toEqual({ kind: 'question', topic: 'Ý kiến về dự toán ngân sách' });
    expect(requestArgs('order', '')).toEqual({ kind: 'order' });
  });
});

describe('the floor with topics', () => {
  it('lists the queue with kinds and topics, and the speech in progress', () => {
    const s = meeting();
    apply(s, ev(9, 'FloorRequested', { participant: 'd2', topic: 'Ý kiến về dự toán ngân sách', kind: 'question' }, '2026-12-03T01:02:00Z'));
    apply(s, ev(10, 'FloorRequested', { participant: 'd1' }, '2026-12-03T01:03:00Z'));
    expect(queueEntries(s)).toEqual([
      { id: 'd2', kind: 'question', topic: 'Ý kiến về dự toán ngân sách', at: '2026-12-03T01:02:00Z' },
      { id: 'd1', kind: '', topic: undefined, at: '2026-12-03T01:03:00Z' },
    ]);
    expect(myRequest(s, 'd1')?.kind).toBe('');
    expect(currentSpeech(s)).toBeUndefined();
    apply(s, ev(11, 'FloorGiven', { participant: 'd2' }, '2026-12-03T01:04:00Z'));
    expect(currentSpeech(s)).toMatchObject({ participant: 'd2', topic: 'Ý kiến về dự toán ngân sách', kind: 'question' });
    expect(queueEntries(s).map((q) => q.id)).toEqual(['d1']);
    apply(s, ev(12, 'FloorEnded', { participant: 'd2' }, '2026-12-03T01:06:00Z'));
    expect(currentSpeech(s)).toBeUndefined();
  });

  it('gives contributions in order and moves them', () => {
    const s = meeting();
    expect(pending(s).map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(moveTarget(s, 'c1', -1)).toBeNull();
    expect(moveTarget(s, 'c1', 1)).toBe(1);
    expect(moveTarget(s, 'c3', 1)).toBeNull();
    expect(moveTarget(s, 'c9', 1)).toBeNull();
    apply(s, ev(9, 'ContributionMoved', { contribution: 'c3', index: moveTarget(s, 'c3', -1) }));
    expect(s.floor.contributions!.map((c) => c.id)).toEqual(['c1', 'c3', 'c2']);
    apply(s, ev(10, 'FloorGiven', { participant: 'd1', contribution: 'c1' }));
    expect(pending(s).map((c) => c.id)).toEqual(['c3', 'c2']);
    expect(currentSpeech(s)).toMatchObject({ participant: 'd1', kind: 'contribution', topic: 'Phát triển kinh tế số', contribution: 'c1' });
    expect(contributionTaken(s, 'd2', ' cải cách hành chính')).toBe(true);
    expect(contributionTaken(s, 'd1', 'Cải cách hành chính')).toBe(false);
  });

  it('has every word in both languages and names each kind', () => {
    for (const k of fwKeys()) {
      expect(fw('vi', k), k).not.toBe('');
      expect(fw('en', k), k).not.toBe('');
    }
    expect(kindWord('vi', '')).toBe('Phát biểu');
    expect(kindWord('vi', 'question')).toBe('Chất vấn, câu hỏi');
    expect(kindWord('vi', 'order')).toBe('Kiến nghị về thủ tục');
    expect(kindWord('en', 'contribution')).toBe('Contribution');
    expect(kindWord('en', 'future' as any)).toBe('future');
    expect(fw('vi', 'topicTooLong', { n: 201, max: 200 })).toBe('Chủ đề quá dài: 201 ký tự (tối đa 200)');
  });
});
