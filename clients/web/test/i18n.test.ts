import { describe, expect, it } from 'vitest';
import { errorText, keys, translate } from '../src/i18n';

describe('i18n', () => {
  it('has every string in both languages', () => {
    for (const k of keys()) {
      expect(translate('vi', k), k).not.toBe('');
      expect(translate('en', k), k).not.toBe('');
    }
  });
  it('fills parameters and keeps the demo terms', () => {
    expect(translate('vi', 'votedCount', { cast: 12, present: 30, members: 40 })).toBe('Đã biểu quyết: 12 / 30 có mặt (40 đại biểu)');
    expect(translate('en', 'votedCount', { cast: 12, present: 30, members: 40 })).toBe('Voted: 12 / 30 present (40 members)');
    expect(translate('vi', 'reconnecting')).toBe('Mất kết nối — đang kết nối lại…');
    expect(translate('en', 'reconnecting')).toBe('Connection lost — reconnecting…');
    expect(translate('vi', 'voteRecorded')).toBe('Phiếu của đồng chí đã được ghi nhận');
    expect(translate('en', 'browse')).toBe('Browse freely');
  });
  it('picks the message of an error', () => {
    const e = { message: 'no', messageVi: 'không' };
    expect(errorText('vi', e)).toBe('không');
    expect(errorText('en', e)).toBe('no');
  });
});
