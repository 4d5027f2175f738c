// @vitest-environment jsdom
// The floor with topics on every screen (issue 13, part 6): the tablet's
// request form (kind and topic), the chair's queue with kinds and topics
// and the registered contributions with "Mời phát biểu", the secretary's
// contributions list (add, move, remove), the display's topic line, in
// Vietnamese and English.
import { describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

const budget = 'Ý kiến về dự toán ngân sách';

function snapshot(extra: Record<string, unknown> = {}) {
  return {
    version: 20,
    id: 'm1',
    title: 'Đại hội đại biểu Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: {
      sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', present: true },
      d2: { id: 'd2', name: 'Trần Văn Đức', role: 'delegate', room: 'main', present: true },
      obs: { id: 'obs', name: 'Đỗ Minh Tâm', role: 'observer', room: 'main' },
      scr: { id: 'scr', name: 'Màn hình hội trường', role: 'display', room: 'main' },
    },
    order: ['sec', 'chair', 'd1', 'd2', 'obs', 'scr'],
    agenda: [
      { id: 'i1', title: 'Khai mạc' },
      { id: 'i2', title: 'Thảo luận văn kiện' },
    ],
    current: 'i2',
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
    ...extra,
  };
}

const contributions = [
  { id: 'c1', participant: 'd1', topic: 'Phát triển kinh tế số', item: 'i2' },
  { id: 'c2', participant: 'd2', topic: 'Chuyển đổi số trong y tế', done: true },
  { id: 'c3', participant: 'd2', topic: 'Cải cách hành chính' },
];

const text = () => root.textContent ?? '';
const commands = (ws: FakeSocket) => ws.sent.filter((m) => m.type === 'command');
function button(label: string, scope: ParentNode = root): HTMLButtonElement {
  const b = [...scope.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.trim() === label);
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 600)}`);
  return b as HTMLButtonElement;
}
async function type(el: HTMLInputElement | HTMLSelectElement, value: string) {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}
const ack = (ws: FakeSocket, seq: number) => act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq }));

describe('the tablet asks for the floor with a kind and a topic', () => {
  it('sends a question on a topic, then shows what was asked', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => button('Đăng ký phát biểu').click());
    const form = root.querySelector('form.request-form') as HTMLFormElement;
    const radios = [...form.querySelectorAll('input[type=radio]')] as HTMLInputElement[];
    expect(radios.map((r) => r.parentElement!.textContent)).toEqual(['Phát biểu', 'Chất vấn, câu hỏi', 'Kiến nghị về thủ tục']);
    expect(radios[0].checked).toBe(true);
    await act(() => radios[1].click());
    await type(form.querySelector('input[type=text]') as HTMLInputElement, '  ' + budget + ' ');
    await act(() => button('Gửi đăng ký').click());
    expect(ws.last('command')).toMatchObject({ name: 'RequestFloor', args: { kind: 'question', topic: budget } });
    await ack(ws, 21);
    await act(() => ws.deliver({ type: 'event', event: { seq: 21, type: 'FloorRequested', at: '2026-12-03T01:00:00Z', data: { participant: 'd1', topic: budget, kind: 'question' } } }));
    await flush();
    expect(root.querySelector('form.request-form')).toBeNull();
    expect(text()).toContain(`Đồng chí đã đăng ký: Chất vấn, câu hỏi — ${budget}`);
  });

  it('says a request held at a bridge site during a cut is not sent yet', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => button('Đăng ký phát biểu').click());
    await act(() => button('Gửi đăng ký').click());
    expect(ws.last('command')).toMatchObject({ name: 'RequestFloor' });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, queued: true }));
    await flush();
    const toasts = root.querySelector('.toasts')?.textContent ?? '';
    expect(toasts).toContain('Đã ghi nhận tại điểm cầu; sẽ gửi về hội trường chính khi có kết nối lại');
    expect(toasts).not.toContain('Đã đăng ký phát biểu');
  });

  it('refuses a topic that is too long before sending, and can be cancelled', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => button('Đăng ký phát biểu').click());
    await type(root.querySelector('form.request-form input[type=text]') as HTMLInputElement, 'ệ'.repeat(201));
    expect(text()).toContain('Còn -1 ký tự');
    await act(() => button('Gửi đăng ký').click());
    expect(root.querySelector('[role=alert]')?.textContent).toBe('Chủ đề quá dài: 201 ký tự (tối đa 200)');
    expect(commands(ws)).toHaveLength(0);
    await act(() => button('Hủy').click());
    expect(root.querySelector('form.request-form')).toBeNull();
    expect(commands(ws)).toHaveLength(0);
  });

  it('tells a delegate their place among the contributions not given yet', async () => {
    await signIn(root, sockets, { participant: 'd2', role: 'delegate' }, { seq: 20, snapshot: snapshot({ floor: { contributions } }) });
    // c2 was given: c3 is the second still to come.
    expect([...root.querySelectorAll('.my-contribution')].map((p) => p.textContent)).toEqual(['Tham luận của đồng chí: Cải cách hành chính (thứ 2 trong danh sách)']);
  });

  it('speaks English', async () => {
    await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot(), lang: 'en' });
    await act(() => button('Request to speak').click());
    expect(text()).toContain('Point of order');
    expect(text()).toContain('Topic (optional)');
    expect(button('Send the request')).toBeTruthy();
  });
});

describe('the chair sees kinds and topics, and gives the floor for a contribution', () => {
  it('shows the queue with badges and topics, and the contributions with Mời phát biểu', async () => {
    const floor = {
      queue: ['d2', 'd1'],
      requests: { d2: { topic: budget, kind: 'question', at: '2026-12-03T01:00:00Z' }, d1: { kind: 'order', at: '2026-12-03T01:01:00Z' } },
      contributions,
    };
    const { ws } = await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 20, snapshot: snapshot({ floor }) });
    const queue = [...root.querySelectorAll('.floor-panel ol.queue li')].map((li) => li.querySelector('.queue-who')!.textContent);
    expect(queue).toEqual([`Trần Văn ĐứcChất vấn, câu hỏi${budget}`, 'Nguyễn Thị HươngKiến nghị về thủ tục']);
    expect(root.querySelector('.floor-panel .kind-badge.kind-question')?.textContent).toBe('Chất vấn, câu hỏi');
    const list = root.querySelector('.floor-panel .contribution-list')!;
    expect([...list.querySelectorAll('li')].map((li) => li.className)).toEqual(['', 'done', '']);
    expect(list.textContent).toContain('Đã trình bày');
    // A given contribution has no button; the others do.
    expect(list.querySelectorAll('button')).toHaveLength(2);
    await act(() => button('Mời Nguyễn Thị Hương trình bày tham luận: Phát triển kinh tế số').click());
    expect(ws.last('command')).toMatchObject({ name: 'GiveFloor', args: { contribution: 'c1' } });
  });
});

describe('the secretary prepares the contributions', () => {
  it('adds, moves and removes, with buttons named for the keyboard and screen readers', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 20, snapshot: snapshot({ status: 'published', floor: { contributions } }) });
    const panel = root.querySelector('.contributions-panel') as HTMLElement;
    expect(panel.querySelector('h2')!.textContent).toBe('Tham luận đã đăng ký');
    await act(() => button('Đưa tham luận số 1 xuống', panel).click());
    expect(ws.last('command')).toMatchObject({ name: 'MoveContribution', args: { contribution: 'c1', index: 1 } });
    await ack(ws, 21);
    await act(() => ws.deliver({ type: 'event', event: { seq: 21, type: 'ContributionMoved', at: '2026-12-03T01:00:00Z', data: { contribution: 'c1', index: 1 } } }));
    await flush();
    expect([...panel.querySelectorAll('.contribution-list li')].map((li) => li.getAttribute('data-contribution'))).toEqual(['c2', 'c1', 'c3']);
    expect(button('Đưa tham luận số 1 lên', panel).disabled).toBe(true);
    expect(button('Đưa tham luận số 3 xuống', panel).disabled).toBe(true);
    await act(() => button('Xóa tham luận số 3 của Trần Văn Đức', panel).click());
    expect(ws.last('command')).toMatchObject({ name: 'RemoveContribution', args: { contribution: 'c3' } });
    await ack(ws, 22);
    await act(() => ws.deliver({ type: 'event', event: { seq: 22, type: 'ContributionRemoved', at: '2026-12-03T01:00:00Z', data: { contribution: 'c3' } } }));
    await flush();
    // A given one cannot be removed.
    expect([...panel.querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === 'Xóa tham luận số 1 của Trần Văn Đức')).toBe(false);
    expect(button('Xóa tham luận số 2 của Nguyễn Thị Hương', panel)).toBeTruthy();

    const form = panel.querySelector('.contribution-form') as HTMLDetailsElement;
    await act(() => {
      form.open = true;
    });
    const options = [...form.querySelectorAll('select')[0].querySelectorAll('option')].map((o) => o.value);
    expect(options).toEqual(['', 'sec', 'chair', 'd1', 'd2']); // no observer, no display
    await type(form.querySelectorAll('select')[0], 'd2');
    // The same speaker on the same topic is refused here, as the server would.
    await type(form.querySelector('input') as HTMLInputElement, 'chuyển đổi số trong Y TẾ');
    const before = commands(ws).length;
    await act(() => button('Thêm', form).click());
    await flush();
    expect(commands(ws)).toHaveLength(before);
    expect(text()).toContain('Trần Văn Đức đã có tham luận về chủ đề này');
    await type(form.querySelector('input') as HTMLInputElement, ' Phát triển nông nghiệp ');
    await type(form.querySelectorAll('select')[1], 'i2');
    await act(() => button('Thêm', form).click());
    expect(ws.last('command')).toMatchObject({
      name: 'AddContribution',
      args: { contribution: { participant: 'd2', topic: 'Phát triển nông nghiệp', item: 'i2' } },
    });
    expect(ws.last('command').args.contribution.id).toMatch(/^c-[a-z0-9]+$/);
  });
});

describe('the display shows the speaker and the topic', () => {
  it('in Vietnamese', async () => {
    const floor = {
      speaker: 'd2',
      since: '2026-12-03T01:04:00Z',
      speeches: [{ participant: 'd2', item: 'i2', from: '2026-12-03T01:04:00Z', topic: budget, kind: 'question' }],
    };
    await signIn(root, sockets, { participant: 'scr', role: 'display' }, { seq: 20, snapshot: snapshot({ floor }) });
    const line = root.querySelector('.speaker.big')!;
    expect(line.textContent).toContain('Trần Văn Đức');
    expect(line.querySelector('.speaker-topic')!.textContent).toBe('Chất vấn, câu hỏi' + budget);
  });
  it('a contribution, in English', async () => {
    const floor = {
      speaker: 'd1',
      since: '2026-12-03T01:04:00Z',
      speeches: [{ participant: 'd1', from: '2026-12-03T01:04:00Z', topic: 'Phát triển kinh tế số', kind: 'contribution', contribution: 'c1' }],
      contributions: [{ ...contributions[0], done: true }],
    };
    await signIn(root, sockets, { participant: 'scr', role: 'display' }, { seq: 20, snapshot: snapshot({ floor }), lang: 'en' });
    expect(root.querySelector('.speaker.big .speaker-topic')!.textContent).toBe('ContributionPhát triển kinh tế số');
  });
});
