// @vitest-environment jsdom
// Drafts for comment (issue 13, part 5): the fold of the draft events, the
// helpers, and the panel beside the viewer — comment on the page or on a
// marked region, the comments grouped by page, the team's exports, the
// version switch and the comparison with its marks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { apply, normalize } from '../src/core/fold';
import { commentID, draftOf, draftOpen, mayEdit, MAX_QUOTE, normaliseQuote, pickSelection, selectionBounds, selectionRegion, versionOf, type Comparison, type DraftComments, type Picked } from '../src/core/drafts';
import { ComparisonView, DraftPanel } from '../src/ui/document/DraftPanel';
import type { MeetingStore } from '../src/core/store';

const at = '2026-12-03T03:00:00Z';

function drafted() {
  const s = normalize({ version: 3, id: 'm1', title: 'Hội nghị', status: 'published', documents: { v1: { id: 'v1', title: 'Dự thảo', pages: 3 }, v2: { id: 'v2', title: 'Dự thảo (lần 2)', pages: 3 } } });
  apply(s, { seq: 4, type: 'DraftOpened', at, actor: 'sec', data: { document: 'v1', deadline: '2026-12-10T10:00:00Z', visibility: 'team', team: ['d2'] } });
  return s;
}

describe('draft fold and helpers', () => {
  it('folds opening, versions and the close; comments stay out of the state', () => {
    const s = drafted();
    apply(s, { seq: 5, type: 'DraftVersionAdded', at, actor: 'sec', data: { draft: 'v1', document: 'v2', version: 2 } });
    apply(s, { seq: 6, type: 'DraftCommented', at, actor: 'd1', data: { comment: { id: 'y1', draft: 'v1', document: 'v2', page: 1, text: 'x', author: 'd1', at } } });
    expect(s.drafts?.v1).toEqual({ id: 'v1', versions: ['v1', 'v2'], deadline: '2026-12-10T10:00:00Z', visibility: 'team', team: ['d2'] });
    expect(draftOf(s, 'v2')?.id).toBe('v1');
    expect(draftOf(s, 'other')).toBeUndefined();
    expect(versionOf(s.drafts!.v1, 'v2')).toBe(2);
    expect(draftOpen(s.drafts!.v1, Date.parse('2026-12-10T09:59:59Z'))).toBe(true);
    expect(draftOpen(s.drafts!.v1, Date.parse('2026-12-10T10:00:00Z'))).toBe(false);
    apply(s, { seq: 7, type: 'DraftClosed', at: '2026-12-04T01:00:00Z', actor: 'sec', data: { draft: 'v1' } });
    expect(s.drafts?.v1.closed).toBe('2026-12-04T01:00:00Z');
    expect(draftOpen(s.drafts!.v1, Date.parse('2026-12-05T00:00:00Z'))).toBe(false);
    // Reopened with a later deadline: the versions stay.
    apply(s, { seq: 8, type: 'DraftOpened', at, actor: 'sec', data: { document: 'v1', deadline: '2026-12-20T10:00:00Z', visibility: 'all' } });
    expect(s.drafts?.v1).toEqual({ id: 'v1', versions: ['v1', 'v2'], deadline: '2026-12-20T10:00:00Z', visibility: 'all' });
  });

  it.each<[string, { left: number; top: number; right: number; bottom: number }, [number, number, number, number] | null]>([
    ['inside', { left: 150, top: 300, right: 350, bottom: 350 }, [0.125, 0.25, 0.625, 0.3125]],
    ['clipped to the page', { left: 50, top: 700, right: 700, bottom: 1500 }, [0, 0.75, 1, 1]],
    ['outside', { left: 800, top: 10, right: 900, bottom: 20 }, null],
    ['empty', { left: 200, top: 200, right: 200, bottom: 260 }, null],
  ])('selectionRegion: %s', (_name, sel, want) => {
    expect(selectionRegion({ left: 100, top: 100, width: 400, height: 800 }, sel)).toEqual(want);
  });

  it('normalises a selection into a quote: composed Vietnamese, one space, trimmed, cut to the server limit', () => {
    // "Nghị quyết" with its tone marks as combining characters (as some PDFs' ToUnicode maps give them).
    const decomposed = 'Nghi\u0323 quye\u0302\u0301t';
    expect(decomposed).not.toBe('Nghị quyết');
    expect(normaliseQuote(decomposed)).toBe('Nghị quyết');
    // The text layer's line breaks between spans, a soft hyphen and a zero-width space.
    expect(normaliseQuote('  Đề án sắp xếp\n đơn vị\u00AD hành\u200B chính\t cấp xã \n')).toBe('Đề án sắp xếp đơn vị hành chính cấp xã');
    expect(normaliseQuote(' \n\t ')).toBe('');
    // Cut by characters (code points, as the server counts), never inside one; the cut marked.
    const long = 'ữ'.repeat(MAX_QUOTE + 5);
    const cut = normaliseQuote(long);
    expect([...cut].length).toBe(MAX_QUOTE);
    expect(cut.endsWith('ữ…')).toBe(true);
    const astral = '𝐀'.repeat(12);
    expect([...normaliseQuote(astral, 10)]).toEqual([...'𝐀'.repeat(9), '…']);
    expect(normaliseQuote('ữ'.repeat(MAX_QUOTE))).toBe('ữ'.repeat(MAX_QUOTE));
  });

  it('bounds a selection by its rectangles, leaving out the empty ones', () => {
    expect(selectionBounds([])).toBeNull();
    expect(selectionBounds([{ left: 5, top: 5, right: 5, bottom: 20 }])).toBeNull();
    expect(
      selectionBounds([
        { left: 120, top: 300, right: 380, bottom: 316 },
        { left: 0, top: 0, right: 0, bottom: 0 }, // a line break
        { left: 110, top: 318, right: 240, bottom: 334 },
      ]),
    ).toEqual({ left: 110, top: 300, right: 380, bottom: 334 });
  });

  it('picks a selection on a page: the quote and the region it covers, or nothing', () => {
    const page = { left: 100, top: 100, width: 400, height: 800 };
    const rects = [
      { left: 150, top: 300, right: 350, bottom: 320 },
      { left: 150, top: 322, right: 250, bottom: 350 },
    ];
    expect(pickSelection(3, 'Thời hạn:\n năm 2027', rects, page)).toEqual<Picked>({ page: 3, quote: 'Thời hạn: năm 2027', rect: [0.125, 0.25, 0.625, 0.3125] });
    expect(pickSelection(3, '  \n', rects, page)).toBeNull();
    expect(pickSelection(3, 'năm 2027', [{ left: 600, top: 10, right: 700, bottom: 30 }], page)).toBeNull();
    expect(pickSelection(3, 'năm 2027', [], page)).toBeNull();
  });

  it('makes comment ids the server accepts', () => {
    const id = commentID('d1', 1_764_000_000_000, 0.5);
    expect(id).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    expect(commentID('d1', 1_764_000_000_000, 0.25)).not.toBe(id);
  });
});

const comments: DraftComments = {
  draft: { id: 'v1', versions: ['v1', 'v2'], deadline: '2026-12-10T10:00:00Z', visibility: 'team' },
  open: true,
  team: true,
  versions: [
    { document: 'v1', version: 1, title: 'Dự thảo', pages: 3 },
    { document: 'v2', version: 2, title: 'Dự thảo (lần 2)', pages: 3 },
  ],
  pages: [
    { document: 'v1', version: 1, page: 2, comments: [
      { id: 'y1', draft: 'v1', document: 'v1', page: 2, text: 'Đề nghị làm rõ lộ trình.', author: 'd1', author_name: 'Nguyễn Thị Hương', at, kind: 'page' },
      { id: 'y2', draft: 'v1', document: 'v1', page: 2, rect: [0.1, 0.1, 0.5, 0.2], text: 'Nâng lên 100%.', author: 'd2', author_name: 'Trần Văn Đức', author_title: 'Giám đốc Sở', at, kind: 'region' },
    ] },
  ],
};

const comparison: Comparison = {
  draft: 'v1', from: 'v1', to: 'v2', from_version: 1, to_version: 2,
  pages: [
    { page: 1, status: 'same', inserted: 0, removed: 0, changes: [{ op: '=', text: 'Dự thảo' }] },
    { page: 2, status: 'changed', inserted: 3, removed: 2, changes: [{ op: '=', text: 'kết nối mạng cho' }, { op: '-', text: '90% xã.' }, { op: '+', text: '100% xã, phường.' }] },
  ],
};

describe('DraftPanel', () => {
  let root: HTMLElement;
  let urls: string[];
  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
    urls = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const body = url.includes('/compare') ? comparison : comments;
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.unstubAllGlobals();
  });
  const settle = async () => {
    for (let i = 0; i < 12; i++) await act(async () => await new Promise((r) => setTimeout(r, 0)));
  };
  // until waits (without a time threshold on the result) for the fetched list to be drawn.
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 500 && !f(); i++) await act(async () => await new Promise((r) => setTimeout(r, 5)));
  };

  function mount(o: { doc: string; marking?: boolean; region?: [number, number, number, number] | null; picked?: Picked | null; onUnpick?: () => void }) {
    const s = drafted();
    apply(s, { seq: 5, type: 'DraftVersionAdded', at, actor: 'sec', data: { draft: 'v1', document: 'v2', version: 2 } });
    const command = vi.fn(async () => ({ type: 'ack', id: 1, ok: true }));
    const store = { state: s, me: 'd1', session: { token: 'tok' }, command } as unknown as MeetingStore;
    const opened: string[] = [];
    const marks: boolean[] = [];
    // Inside act, so the panel's effects (the focus on a selection taken) have
    // run when mount returns rather than after a frame the test races.
    act(() =>
      render(
      h(DraftPanel, {
        store, draft: s.drafts!.v1, doc: o.doc, page: 2, region: o.region ?? null, marking: !!o.marking,
        setMarking: (on: boolean) => marks.push(on), onOpenVersion: (v: string) => opened.push(v), now: () => Date.parse('2026-12-05T00:00:00Z'),
        picked: o.picked ?? null, onUnpick: o.onUnpick,
      }),
      root,
      ),
    );
    return { command, opened, marks };
  }

  it('lists the comments by page with authors, and gives the team its exports', async () => {
    mount({ doc: 'v2' });
    await until(() => !!root.textContent?.includes('Các ý kiến (2)'));
    expect(root.textContent).toContain('Các ý kiến (2)');
    expect(urls).toContain('/api/v1/meetings/m1/drafts/v1/comments');
    expect(root.textContent).toContain('Trang 2 · Bản 1');
    expect(root.textContent).toContain('Nguyễn Thị Hương');
    expect(root.textContent).toContain('Trần Văn Đức, Giám đốc Sở');
    expect(root.textContent).toContain('Vùng đánh dấu');
    expect(root.textContent).toContain('gửi ban soạn thảo');
    expect(root.textContent).toContain('Bảng tổng hợp ý kiến (PDF)');
    expect(root.textContent).toContain('Bảng tổng hợp ý kiến (CSV)');
  });

  it('sends a comment on the page shown', async () => {
    const { command } = mount({ doc: 'v2' });
    await settle();
    const ta = root.querySelector('textarea')!;
    ta.value = 'Bổ sung kinh phí.';
    await act(async () => void ta.dispatchEvent(new Event('input')));
    await act(async () => void root.querySelector('form.draft-form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(command).toHaveBeenCalledTimes(1);
    const [name, args] = command.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(name).toBe('CommentDraft');
    expect(args).toMatchObject({ document: 'v2', page: 2, text: 'Bổ sung kinh phí.' });
    expect(args.rect).toBeUndefined();
  });

  it('sends a comment on a marked region, and waits for the region', async () => {
    const { command } = mount({ doc: 'v2', marking: true, region: [0.1, 0.2, 0.6, 0.3] });
    await settle();
    const ta = root.querySelector('textarea')!;
    ta.value = 'Sửa câu này.';
    await act(async () => void ta.dispatchEvent(new Event('input')));
    await act(async () => void root.querySelector('form.draft-form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    const [, args] = command.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(args.rect).toEqual([0.1, 0.2, 0.6, 0.3]);
    render(null, root);
    mount({ doc: 'v2', marking: true, region: null });
    await settle();
    expect((root.querySelector('form.draft-form button[type=submit]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('sends a comment on the text selected, with its quote, page and region, and drops the selection after', async () => {
    const picked: Picked = { page: 3, quote: 'Mục tiêu: 80 phần trăm thủ tục hành chính trực tuyến', rect: [0.1, 0.12, 0.83, 0.15] };
    const unpicked: number[] = [];
    const { command } = mount({ doc: 'v2', picked, onUnpick: () => unpicked.push(1) });
    await settle();
    // The quote is shown instead of the choice of page or region; the text box has the focus.
    expect(root.querySelector('.draft-quote')?.textContent).toBe(`“${picked.quote}”`);
    expect(root.querySelector('input[name=draft-kind]')).toBeNull();
    expect(root.textContent).toContain('Đoạn văn bản đã chọn · Trang 3');
    expect(document.activeElement).toBe(root.querySelector('textarea'));
    const ta = root.querySelector('textarea')!;
    ta.value = 'Đề nghị nâng lên 100%.';
    await act(async () => void ta.dispatchEvent(new Event('input')));
    await act(async () => void root.querySelector('form.draft-form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    const [name, args] = command.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(name).toBe('CommentDraft');
    expect(args).toMatchObject({ document: 'v2', page: 3, quote: picked.quote, rect: picked.rect, text: 'Đề nghị nâng lên 100%.' });
    expect(unpicked).toEqual([1]);
  });

  it('drops a selection on "Bỏ đoạn chọn"', async () => {
    const unpicked: number[] = [];
    mount({ doc: 'v2', picked: { page: 1, quote: 'Dự thảo', rect: [0.1, 0.1, 0.2, 0.12] }, onUnpick: () => unpicked.push(1) });
    await settle();
    const drop = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Bỏ đoạn chọn')!;
    await act(async () => void drop.click());
    expect(unpicked).toEqual([1]);
  });

  it('lets an author edit their own comment on the current version while the draft is open, and only that', async () => {
    const mine = { id: 'y3', draft: 'v1', document: 'v2', page: 1, text: 'Bổ sung kinh phí.', author: 'd1', author_name: 'Lê Văn Ba', at, kind: 'page' as const };
    const theirs = { ...mine, id: 'y4', author: 'd2', author_name: 'Trần Văn Đức', text: 'Ý kiến khác.', edited: at };
    const list = { ...comments, pages: [...comments.pages, { document: 'v2', version: 2, page: 1, comments: [mine, theirs] }] };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(list), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const { command } = mount({ doc: 'v2' });
    await until(() => !!root.querySelector('.draft-edit-btn'));
    // Only d1's comment on version 2 (not d1's y1 on version 1, nor d2's).
    const edits = [...root.querySelectorAll('.draft-edit-btn')];
    expect(edits.length).toBe(1);
    expect(edits[0].closest('li')?.textContent).toContain('Bổ sung kinh phí.');
    // An edited comment says so.
    const other = [...root.querySelectorAll('li.draft-comment')].find((li) => li.textContent?.includes('Ý kiến khác.'));
    expect(other?.textContent).toContain('· đã sửa');
    expect(edits[0].closest('li')?.textContent).not.toContain('đã sửa');
    await act(async () => void (edits[0] as HTMLButtonElement).click());
    const ta = root.querySelector('form.draft-edit textarea') as HTMLTextAreaElement;
    expect(ta.value).toBe('Bổ sung kinh phí.');
    const save = root.querySelector('form.draft-edit button[type=submit]') as HTMLButtonElement;
    expect(save.disabled).toBe(true); // unchanged
    ta.value = 'Bổ sung kinh phí cho cấp xã. ';
    await act(async () => void ta.dispatchEvent(new Event('input')));
    await act(async () => void root.querySelector('form.draft-edit')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(command).toHaveBeenCalledWith('EditDraftComment', { comment: 'y3', text: 'Bổ sung kinh phí cho cấp xã.' });
    expect(root.querySelector('form.draft-edit')).toBeNull();
  });

  it('decides who may edit a comment by the draft clock', () => {
    const d = { id: 'v1', versions: ['v1', 'v2'], deadline: '2026-12-10T10:00:00Z', visibility: 'team' as const };
    const c = { author: 'd1', document: 'v2' };
    expect(mayEdit(c, d, 'd1', Date.parse('2026-12-10T09:59:59Z'))).toBe(true);
    expect(mayEdit(c, d, 'd1', Date.parse('2026-12-10T10:00:00Z'))).toBe(false);
    expect(mayEdit(c, d, 'd2', Date.parse('2026-12-05T00:00:00Z'))).toBe(false);
    expect(mayEdit({ author: 'd1', document: 'v1' }, d, 'd1', Date.parse('2026-12-05T00:00:00Z'))).toBe(false);
    expect(mayEdit(c, { ...d, closed: '2026-12-04T00:00:00Z' }, 'd1', Date.parse('2026-12-05T00:00:00Z'))).toBe(false);
  });

  it('says an old version takes no comments, switches versions and compares them', async () => {
    const { opened } = mount({ doc: 'v1' });
    await settle();
    expect(root.querySelector('form.draft-form')).toBeNull();
    expect(root.textContent).toContain('Đây là phiên bản cũ');
    const buttons = [...root.querySelectorAll('.draft-versions button')] as HTMLButtonElement[];
    expect(buttons.map((b) => b.textContent)).toEqual(['Bản 1 ', 'Bản 2 (hiện hành)', 'So sánh bản 1 với bản 2']);
    await act(async () => void buttons[1].click());
    expect(opened).toEqual(['v2']);
    await act(async () => void buttons[2].click());
    await until(() => !!root.querySelector('.draft-cmp-text del'));
    expect(urls).toContain('/api/v1/meetings/m1/drafts/v1/compare?from=v1&to=v2');
    expect(root.querySelector('.draft-cmp-text del')?.textContent).toBe('90% xã. ');
    expect(root.querySelector('.draft-cmp-text ins')?.textContent).toBe('100% xã, phường. ');
    expect(root.textContent).toContain('Trang 1: không thay đổi');
    expect(root.textContent).toContain('Trang 2: thêm 3 từ, bỏ 2 từ');
  });

  it('shows the comparison in English too', () => {
    render(h(ComparisonView, { cmp: comparison, onClose: () => {} }), root);
    expect(root.textContent).toContain('Thay đổi từ bản 1 sang bản 2');
  });
});
