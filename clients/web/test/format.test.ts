import { describe, expect, it } from 'vitest';
import { formatDateTime, formatNumber, formatPercent, formatTime } from '../src/ui/shared/format';

describe('format', () => {
  // formatTime writes HH:MM without Intl: the same as Intl's hour and minute in both languages.
  const times = [new Date(2026, 11, 3, 0, 0), new Date(2026, 11, 3, 0, 5), new Date(2026, 11, 3, 7, 5), new Date(2026, 11, 3, 12, 0), new Date(2026, 11, 3, 23, 59)];
  it.each(times.flatMap((t) => [['vi', t] as const, ['en', t] as const]))('formatTime(%s, %s) is what Intl writes', (lang, t) => {
    const intl = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(t);
    expect(formatTime(lang, t.getTime())).toBe(intl);
  });
  it('writes the same with a formatter made once', () => {
    expect(formatNumber('vi', 1234.5)).toBe('1.234,5');
    expect(formatNumber('en', 1234.5)).toBe('1,234.5');
    expect(formatNumber('vi', 1234.5)).toBe('1.234,5');
    expect(formatPercent('en', 0.5)).toBe('50%');
    const t = new Date(2026, 11, 3, 7, 5).getTime();
    expect(formatDateTime('en', t)).toBe(new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(t));
    expect(formatDateTime('en', t)).toBe(formatDateTime('en', t));
  });
});
