import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorText, keys, translate } from '../src/i18n';
import '../src/i18n-staff';

describe('i18n', () => {
  it('has every string in both languages', () => {
    expect(keys()).toContain('revokeDevices'); // a staff word, registered by i18n-staff.ts
    for (const k of keys()) {
      expect(translate('vi', k), k).not.toBe('');
      expect(translate('en', k), k).not.toBe('');
    }
  });
  it('fills parameters and keeps the demo terms', () => {
    expect(translate('vi', 'votedCount', { cast: 12, present: 30, members: 40 })).toBe('Đã biểu quyết: 12 / 30 có mặt (40 đại biểu)');
    expect(translate('en', 'votedCount', { cast: 12, present: 30, members: 40 })).toBe('Voted: 12 / 30 present (40 members)');
    expect(translate('vi', 'votedCount', { cast: 1234, present: 1500, members: 2000 })).toBe('Đã biểu quyết: 1.234 / 1.500 có mặt (2.000 đại biểu)');
    expect(translate('en', 'votedCount', { cast: 1234, present: 1500, members: 2000 })).toBe('Voted: 1,234 / 1,500 present (2,000 members)');
    expect(translate('vi', 'reconnecting')).toBe('Mất kết nối — đang kết nối lại…');
    expect(translate('en', 'reconnecting')).toBe('Connection lost — reconnecting…');
    expect(translate('vi', 'voteRecorded')).toBe('Phiếu của đồng chí đã được ghi nhận');
    expect(translate('en', 'browse')).toBe('Browse freely');
    expect(translate('vi', 'revokeDevices')).toBe('Thu hồi máy');
    expect(translate('en', 'revokeDevices')).toBe('Revoke devices');
  });
  it('picks the message of an error', () => {
    const e = { message: 'no', messageVi: 'không' };
    expect(errorText('vi', e)).toBe('không');
    expect(errorText('en', e)).toBe('no');
  });
});

// The tablet's bundle is what src/main.tsx imports statically; the staff's
// words (i18n-staff.ts) must stay out of it, and every module that uses
// one must import them (its chunk, and the tests, then have them).
describe('the staff words stay out of the tablet bundle', () => {
  const src = path.resolve(__dirname, '../src');
  const staffSrc = readFileSync(path.join(src, 'i18n-staff.ts'), 'utf8');
  const staffKeys = new Set([...staffSrc.matchAll(/^ {2}(\w+): \{/gm)].map((m) => m[1]));
  const resolve = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null;
    const base = path.resolve(path.dirname(from), spec);
    for (const f of [base, base + '.ts', base + '.tsx', path.join(base, 'index.ts')]) if (existsSync(f) && !f.endsWith('/')) if (/\.tsx?$/.test(f)) return f;
    return null;
  };
  // Static imports only: `import … from '…'` and `import '…'`, not `import('…')` nor `import type`.
  const staticImports = (file: string): string[] =>
    [...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => resolve(file, m[1])).filter((f): f is string => !!f);
  const usesStaff = (file: string): string[] => {
    const s = readFileSync(file, 'utf8');
    return [...new Set([...s.matchAll(/['"`](\w+)['"`]/g)].map((m) => m[1]).filter((w) => staffKeys.has(w)))];
  };

  it('has the staff words', () => {
    expect(staffKeys.size).toBeGreaterThan(100);
    expect(staffKeys.has('revokeDevices')).toBe(true);
  });

  it('keeps them out of every module the tablet loads at start', () => {
    const seen = new Set<string>();
    const todo = [path.join(src, 'main.tsx')];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      todo.push(...staticImports(f));
    }
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].map((f) => path.relative(src, f))).not.toContain('i18n-staff.ts');
    const offenders = [...seen].map((f) => [path.relative(src, f), usesStaff(f)] as const).filter(([, w]) => w.length > 0);
    // A word wanted by the tablet too: move it from i18n-staff.ts to i18n.ts.
    expect(offenders).toEqual([]);
  });

  it('is imported by every module that uses them', () => {
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !/^i18n(-staff)?\.ts$/.test(f)).map((f) => path.join(src, f));
    expect(files.length).toBeGreaterThan(50);
    const missing = files.filter((f) => usesStaff(f).length > 0 && !staticImports(f).includes(path.join(src, 'i18n-staff.ts'))).map((f) => path.relative(src, f));
    expect(missing).toEqual([]);
  });
});
