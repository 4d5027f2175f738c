// @vitest-environment jsdom
// The annotation tools on the tablet, in jsdom against a scripted server:
// a stroke drawn with pointer events is saved with normalised points, the
// eraser deletes, a note is typed, the presenter shares and streams live
// ink, and live ink from the presenter (only) shows on other screens.
// pdf.js cannot draw in jsdom: PdfView is replaced by a page of 600×800 px
// that renders the overlay it is given.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

vi.mock('../src/ui/document/PdfView', async () => {
  const { h } = await import('preact');
  return {
    PdfView: (p: { page: number; overlay?: (v: { page: number; w: number; h: number }) => unknown }) =>
      h('div', { class: 'pdf-box' }, h('div', { class: 'pdf-page' }, p.overlay?.({ page: p.page, w: 600, h: 800 }) as any)),
  };
});

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

const BOX = { left: 100, top: 50, width: 600, height: 800, right: 700, bottom: 850, x: 100, y: 50, toJSON() {} };

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    return (this.classList.contains('ann-input') ? BOX : { left: 0, top: 0, width: 0, height: 0, right: 0, bottom: 0, x: 0, y: 0, toJSON() {} }) as DOMRect;
  });
});

function snapshot(extra: Record<string, unknown> = {}) {
  return {
    version: 20,
    id: 'm1',
    title: 'Hội nghị',
    status: 'in_session',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', present: true },
      d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'main', present: true },
    },
    order: ['chair', 'd1', 'd2'],
    agenda: [{ id: 'i1', title: 'Kế hoạch 2027', documents: ['doc1'] }],
    current: 'i1',
    documents: { doc1: { id: 'doc1', title: 'Kế hoạch công tác 2027', pages: 5, sha256: 'abc' } },
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: { document: 'doc1', page: 3 },
    floor: {},
    ...extra,
  };
}

async function mount(participant: string, extra: Record<string, unknown> = {}, search = '') {
  return (await signIn(root, sockets, { participant, role: 'delegate' }, { seq: 20, snapshot: snapshot(extra), search })).ws;
}

function button(label: string): HTMLButtonElement {
  const all = [...root.querySelectorAll('button')];
  const b =
    all.find((x) => x.getAttribute('aria-label') === label || x.textContent?.replace(/^[^\p{L}]+/u, '').trim() === label) ??
    all.find((x) => x.textContent?.includes(label));
  if (!b) throw new Error(`no button "${label}" in: ${root.textContent?.slice(0, 400)}`);
  return b as HTMLButtonElement;
}

const surface = () => {
  const el = root.querySelector('.ann-input');
  if (!el) throw new Error('no annotation input surface');
  return el;
};

async function pointer(type: string, x: number, y: number, o: PointerEventInit = {}) {
  await act(() => {
    surface().dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, pointerId: 1, pointerType: 'mouse', button: 0, isPrimary: true, ...o }));
  });
}

/** page converts page coordinates to the screen position of BOX. */
const at = (x: number, y: number): [number, number] => [BOX.left + x * BOX.width, BOX.top + y * BOX.height];

async function stroke(points: [number, number][], o: PointerEventInit = {}) {
  await pointer('pointerdown', ...at(...points[0]), o);
  for (const p of points.slice(1)) await pointer('pointermove', ...at(...p), o);
  await pointer('pointerup', ...at(...points[points.length - 1]), o);
}

const commands = (ws: FakeSocket, name?: string) => ws.sent.filter((m) => m.type === 'command' && (!name || m.name === name));
const event = (seq: number, type: string, data: unknown) => ({ type: 'event', event: { seq, type, at: '2026-12-03T01:00:00Z', actor: 'd1', data } });

describe('annotation tools on the tablet', () => {
  it('saves a pen stroke with normalised points, shows it, and erases it', async () => {
    const ws = await mount('d1');
    expect(root.querySelector('.ann-input')).toBeNull();
    await act(() => button('Ghi chú riêng').click());
    expect(button('Ghi chú riêng').getAttribute('aria-pressed')).toBe('true');
    expect(root.textContent).toContain('Ghi chú riêng: chỉ đồng chí nhìn thấy');
    // A delegate who does not present has no "share" switch.
    expect(root.textContent).not.toContain('Chia sẻ với hội trường');
    expect(button('Bút').getAttribute('aria-pressed')).toBe('true');

    await stroke([
      [0.1, 0.1],
      [0.3, 0.15],
      [0.5, 0.2],
      [0.9, 0.9],
    ]);
    const [save] = commands(ws, 'SaveAnnotation');
    expect(save.args.shared).toBeUndefined();
    expect(save.args.annotation).toMatchObject({
      document: 'doc1',
      page: 3,
      kind: 'ink',
      color: '#D32F2F',
      // (0.3, 0.15) lies on the line from (0.1, 0.1) to (0.5, 0.2): simplified away.
      points: [
        [0.1, 0.1],
        [0.5, 0.2],
        [0.9, 0.9],
      ],
      rect: [0.1, 0.1, 0.9, 0.9],
    });
    const id = save.args.annotation.id as string;
    expect(id).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    // Shown at once, as pending, until the event comes back.
    expect(root.querySelector(`path.ann-ink.pending[data-id="${id}"]`)).not.toBeNull();
    // Nothing private goes out as a signal.
    expect(ws.sent.filter((m) => m.type === 'signal')).toHaveLength(0);
    await act(() => {
      ws.deliver(event(21, 'AnnotationSaved', { owner: 'd1', annotation: save.args.annotation }));
      ws.deliver({ type: 'ack', id: save.id, ok: true, seq: 21 });
    });
    await flush();
    const path = root.querySelector(`path.ann-ink[data-id="${id}"]`)!;
    expect(path.classList.contains('pending')).toBe(false);
    expect(path.getAttribute('d')).toBe('M60 80L300 160L540 720');

    // The eraser: a tap on the stroke deletes it.
    await act(() => button('Tẩy').click());
    await pointer('pointerdown', ...at(0.3, 0.15));
    await pointer('pointerup', ...at(0.3, 0.15));
    const [del] = commands(ws, 'DeleteAnnotation');
    expect(del.args).toEqual({ id });
    expect(root.querySelector(`path[data-id="${id}"]`)).toBeNull();
    await act(() => {
      ws.deliver(event(22, 'AnnotationDeleted', { owner: 'd1', document: 'doc1', id }));
      ws.deliver({ type: 'ack', id: del.id, ok: true, seq: 22 });
    });
    await flush();
    expect(root.querySelector('path.ann-ink')).toBeNull();
    // A tap on nothing deletes nothing.
    await pointer('pointerdown', ...at(0.8, 0.1));
    await pointer('pointerup', ...at(0.8, 0.1));
    expect(commands(ws, 'DeleteAnnotation')).toHaveLength(1);
  });

  it('highlights a dragged rectangle and saves a typed note', async () => {
    const ws = await mount('d1');
    await act(() => button('Ghi chú riêng').click());
    await act(() => button('Tô sáng').click());
    expect(button('Vàng').getAttribute('aria-pressed')).toBe('true');
    await stroke([
      [0.6, 0.5],
      [0.2, 0.4],
    ]);
    expect(commands(ws, 'SaveAnnotation')[0].args.annotation).toMatchObject({ kind: 'highlight', color: '#FFD400', rect: [0.2, 0.4, 0.6, 0.5], page: 3 });

    await act(() => button('Ghi chú').click());
    await act(() => button('Xanh lá').click());
    await stroke([[0.25, 0.75]]);
    const ta = root.querySelector('.ann-note-editor textarea') as HTMLTextAreaElement;
    expect(ta).not.toBeNull();
    await act(() => {
      ta.value = '  Đề nghị bổ sung số liệu quý IV  ';
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => button('Lưu ghi chú').click());
    const note = commands(ws, 'SaveAnnotation')[1].args.annotation;
    expect(note).toMatchObject({ kind: 'note', color: '#1F8B3A', rect: [0.25, 0.75, 0.25, 0.75], text: 'Đề nghị bổ sung số liệu quý IV', page: 3 });
    expect(root.querySelector('.ann-note-editor')).toBeNull();
    expect(root.querySelector('button.ann-note')?.getAttribute('aria-label')).toBe('Ghi chú: Đề nghị bổ sung số liệu quý IV');
  });

  it('keeps following the presenter while annotating: the stroke stays on the page it was drawn on', async () => {
    const ws = await mount('d1');
    await act(() => button('Ghi chú riêng').click());
    await pointer('pointerdown', ...at(0.1, 0.1));
    await pointer('pointermove', ...at(0.2, 0.3));
    await act(() => ws.deliver(event(21, 'PageTurned', { document: 'doc1', page: 4 })));
    await flush();
    expect(root.querySelector('.page-no')?.textContent).toBe('Trang 4 / 5');
    await pointer('pointerup', ...at(0.2, 0.3));
    expect(commands(ws, 'SaveAnnotation')[0].args.annotation).toMatchObject({ page: 3 });
    // Page 4 does not show it.
    expect(root.querySelector('path.ann-ink')).toBeNull();
  });

  it('opens my annotated copy of the shown document by a signed link, never with the token in a URL', async () => {
    await mount('d1');
    const a = [...root.querySelectorAll('a')].find((x) => x.textContent === 'Bản có ghi chú của tôi') as HTMLAnchorElement;
    expect(a.getAttribute('href')).toBe('/api/v1/meetings/m1/documents/doc1/annotated');
    const tab = { location: { href: 'about:blank' }, opener: {} as unknown, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ url: '/api/v1/meetings/m1/documents/doc1/annotated?exp=1&sid=s&sig=x' }), { status: 200 }),
    );
    try {
      await act(() => a.click());
      await act(() => new Promise((r) => setTimeout(r, 0)));
      const [url, init] = fetchSpy.mock.calls[0];
      expect(url).toBe('/api/v1/links');
      expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer tok');
      expect(JSON.parse(String(init?.body))).toEqual({ path: '/api/v1/meetings/m1/documents/doc1/annotated' });
      expect(tab.location.href).toBe('/api/v1/meetings/m1/documents/doc1/annotated?exp=1&sid=s&sig=x');
      expect(tab.opener).toBeNull();
    } finally {
      open.mockRestore();
      fetchSpy.mockRestore();
    }
  });

  it('lets the presenter share: live ink signals while drawing, then a shared annotation', async () => {
    const ws = await mount('d1', { presentation: { document: 'doc1', page: 3, presenter: 'd1' } });
    await act(() => button('Ghi chú riêng').click());
    const sw = root.querySelector('.share-switch input') as HTMLInputElement;
    expect(sw).not.toBeNull();
    await act(() => sw.click());
    expect(root.textContent).toContain('Ghi chú được chia sẻ với cả hội trường');
    await stroke([
      [0.1, 0.1],
      [0.5, 0.3],
      [0.9, 0.2],
    ]);
    const sigs = ws.sent.filter((m) => m.type === 'signal');
    expect(sigs.length).toBeGreaterThanOrEqual(2);
    for (const s of sigs) expect(s).toMatchObject({ name: 'ink', data: { document: 'doc1', page: 3, color: '#D32F2F' } });
    expect(sigs[sigs.length - 1].data.end).toBe(true);
    const sent = sigs.flatMap((s) => s.data.points);
    expect(sent[0]).toEqual([0.1, 0.1]);
    expect(sent[sent.length - 1]).toEqual([0.9, 0.2]);
    const [save] = commands(ws, 'SaveAnnotation');
    expect(save.args.shared).toBe(true);
    expect(save.args.annotation.id).toBe(sigs[0].data.id);
    // Erasing a shared mark deletes it for the room.
    await act(() => {
      ws.deliver(event(21, 'AnnotationSaved', { owner: 'd1', shared: true, annotation: save.args.annotation }));
      ws.deliver({ type: 'ack', id: save.id, ok: true, seq: 21 });
    });
    await flush();
    expect(root.querySelector('path.ann-ink.shared')).not.toBeNull();
    await act(() => button('Tẩy').click());
    await pointer('pointerdown', ...at(0.5, 0.3));
    await pointer('pointerup', ...at(0.5, 0.3));
    expect(commands(ws, 'DeleteAnnotation')[0].args).toEqual({ id: save.args.annotation.id, shared: true });
  });

  it("shows the presenter's live ink and the room's annotations, and ignores ink from anyone else", async () => {
    const ws = await mount('d2');
    const ink = (from: string, id: string, end?: boolean) => ({
      type: 'signal',
      name: 'ink',
      from,
      data: { id, document: 'doc1', page: 3, color: '#1A56DB', i: 0, points: [[0.1, 0.1], [0.4, 0.4]], end },
    });
    await act(() => {
      ws.deliver(ink('chair', 's1'));
      ws.deliver(ink('d1', 's2'));
    });
    await flush();
    expect(root.querySelectorAll('path.ann-live')).toHaveLength(1);
    // The saved shared stroke replaces the live one.
    await act(() => ws.deliver(event(21, 'AnnotationSaved', { owner: 'chair', shared: true, annotation: { id: 's1', document: 'doc1', page: 3, kind: 'ink', color: '#1A56DB', rect: [0.1, 0.1, 0.4, 0.4], points: [[0.1, 0.1], [0.4, 0.4]] } })));
    await flush();
    expect(root.querySelectorAll('path.ann-live')).toHaveLength(0);
    expect(root.querySelectorAll('path.ann-ink.shared')).toHaveLength(1);
    // Another delegate's private annotation never reaches this tablet's state; its own do.
    expect(root.querySelectorAll('path.ann-ink:not(.shared)')).toHaveLength(0);
  });

  it('shows the shared annotations and live ink on the room display, without tools', async () => {
    const ws = await mount('d2', {
      shared: { h1: { id: 'h1', owner: 'chair', document: 'doc1', page: 3, kind: 'highlight', color: '#FFD400', rect: [0.1, 0.1, 0.5, 0.2] } },
      annotations: { d2: { p1: { id: 'p1', document: 'doc1', page: 3, kind: 'highlight', color: '#D32F2F', rect: [0.1, 0.5, 0.5, 0.6] } } },
    }, 'display=1');
    expect(root.querySelector('.display')).not.toBeNull();
    expect(root.querySelectorAll('rect.ann-highlight.shared')).toHaveLength(1);
    // The display is the room's: no private marks, no tools.
    expect(root.querySelectorAll('rect.ann-highlight:not(.shared)')).toHaveLength(0);
    expect(root.querySelector('.ann-input')).toBeNull();
    await act(() => ws.deliver({ type: 'signal', name: 'ink', from: 'chair', data: { id: 's9', document: 'doc1', page: 3, color: '#1A56DB', i: 0, points: [[0.2, 0.2], [0.3, 0.3]] } }));
    await flush();
    expect(root.querySelectorAll('path.ann-live')).toHaveLength(1);
  });
});
