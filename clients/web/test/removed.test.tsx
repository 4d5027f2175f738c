// @vitest-environment jsdom
// A document whose upload had active content removed (JavaScript, embedded
// files, XFA) says so in the secretary's document list, in both languages.
import { describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

const sha = 'a'.repeat(64);
function snapshot() {
  return {
    version: 3,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'published',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: { sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' } },
    order: ['sec'],
    agenda: [{ id: 'i1', title: 'Khai mạc hội nghị' }],
    documents: {
      d1: { id: 'd1', title: 'Báo cáo có mã độc', pages: 2, sha256: sha, removed: ['javascript', 'embedded_files', 'xfa'] },
      d2: { id: 'd2', title: 'Báo cáo sạch', pages: 1, sha256: sha },
    },
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
  };
}

describe('removed active content', () => {
  it('is named on the document that had it, and only there', async () => {
    await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 3, snapshot: snapshot() });
    const notes = [...root.querySelectorAll('.removed-notice')];
    expect(notes.map((n) => n.textContent)).toEqual(['Đã gỡ khỏi tệp tải lên: mã JavaScript, tệp đính kèm, biểu mẫu XFA']);
    expect(notes[0].closest('li')?.textContent).toContain('Báo cáo có mã độc');
  });

  it('is a meeting setting the secretary chooses: remove (default) or refuse', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 3, snapshot: snapshot() });
    const label = root.querySelector('label.active-content') as HTMLLabelElement;
    expect(label.textContent).toContain('Tệp PDF có mã JavaScript, tệp đính kèm hoặc biểu mẫu XFA');
    const select = label.querySelector('select') as HTMLSelectElement;
    expect(select.value).toBe('remove');
    await act(() => {
      select.value = 'refuse';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const cmd = ws.sent.filter((m) => m.type === 'command').at(-1);
    expect(cmd?.name).toBe('UpdateMeeting');
    expect(cmd?.args).toEqual({ active_content: 'refuse' });
  });
});
