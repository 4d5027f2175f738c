// @vitest-environment jsdom
// Comments drawn on the page (issue 13, part 5): where a comment's region
// goes over the page at any size or zoom, which comments a version's page
// shows (the comments stay on the version they were made on), and the
// markers — a region's box, a quote's highlight, a page comment's pin —
// that show the comment in the panel when tapped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { commentBox, commentsOn, findComment, type DraftComment, type DraftComments } from '../src/core/drafts';
import { CommentMarkers, ShownComment } from '../src/ui/document/DraftPanel';

const at = '2026-12-03T03:00:00Z';
const c = (o: Partial<DraftComment>): DraftComment => ({ id: 'x', draft: 'v1', document: 'v1', page: 2, text: 'Ý kiến.', author: 'd1', author_name: 'Nguyễn Thị Hương', at, kind: 'page', ...o });
const region = c({ id: 'r1', kind: 'region', rect: [0.1, 0.2, 0.5, 0.4], text: 'Nâng lên 100%.', author: 'd2', author_name: 'Trần Văn Đức', author_title: 'Giám đốc Sở' });
const quote = c({ id: 't1', kind: 'text', rect: [0.12, 0.3, 0.8, 0.32], quote: 'kết nối mạng cho 90% xã', text: 'Đề nghị sửa số liệu.' });
const pin1 = c({ id: 'p1', text: 'Trang này cần bổ sung.' });
const pin2 = c({ id: 'p2', text: 'Thêm bảng.', shared: true });
const list: DraftComments = {
  draft: { id: 'v1', versions: ['v1', 'v2'], deadline: '2026-12-10T10:00:00Z', visibility: 'all' },
  open: true,
  team: false,
  versions: [
    { document: 'v1', version: 1, title: 'Dự thảo', pages: 3 },
    { document: 'v2', version: 2, title: 'Dự thảo (lần 2)', pages: 3 },
  ],
  pages: [
    { document: 'v1', version: 1, page: 2, comments: [region, quote, pin1] },
    { document: 'v2', version: 2, page: 1, comments: [c({ id: 'n1', document: 'v2', page: 1, text: 'Bản 2.' })] },
  ],
};

describe('a comment region over the page', () => {
  it('scales with the page: the same fractions at tablet size, phone size and zoomed', () => {
    expect(commentBox(region.rect, { w: 600, h: 848 })).toEqual({ left: 60, top: 169.6, width: 240, height: 169.6 });
    expect(commentBox(region.rect, { w: 358, h: 506 })).toEqual({ left: 35.8, top: 101.2, width: 143.2, height: 101.2 });
    // Zoomed 2.5× in the reading view: every side 2.5 times as far.
    const z = commentBox(region.rect, { w: 1500, h: 2120 })!;
    expect(z).toEqual({ left: 150, top: 424, width: 600, height: 424 });
  });
  it('keeps a thin quote visible and inside the page, and clamps what sticks out', () => {
    // 2% of 300 px is 6 px: kept; 0.5% of 300 is 1.5 px: grown to 6 about its middle.
    expect(commentBox([0.1, 0.5, 0.9, 0.52], { w: 200, h: 300 })).toEqual({ left: 20, top: 150, width: 160, height: 6 });
    expect(commentBox([0.1, 0.5, 0.9, 0.505], { w: 200, h: 300 })).toEqual({ left: 20, top: 147.75, width: 160, height: 6 });
    // At the very bottom, grown upwards, not past the edge.
    expect(commentBox([0.2, 0.999, 0.4, 1], { w: 200, h: 300 })).toEqual({ left: 40, top: 294, width: 40, height: 6 });
    expect(commentBox([-0.5, -1, 1.5, 0.5], { w: 200, h: 300 })).toEqual({ left: 0, top: 0, width: 200, height: 150 });
  });
  it('draws nothing for no region, an empty one or no page', () => {
    expect(commentBox(undefined, { w: 200, h: 300 })).toBeNull();
    expect(commentBox([0.5, 0.5, 0.5, 0.6], { w: 200, h: 300 })).toBeNull();
    expect(commentBox([0.6, 0.5, 0.4, 0.6], { w: 200, h: 300 })).toBeNull();
    expect(commentBox([0.1, 0.1, 0.2], { w: 200, h: 300 })).toBeNull();
    expect(commentBox(region.rect, { w: 0, h: 300 })).toBeNull();
  });
  it("shows a version's page only its own comments", () => {
    expect(commentsOn(list, 'v1', 2).map((x) => x.id)).toEqual(['r1', 't1', 'p1']);
    expect(commentsOn(list, 'v2', 2)).toEqual([]); // v1's comments are not drawn on v2
    expect(commentsOn(list, 'v2', 1).map((x) => x.id)).toEqual(['n1']);
    expect(commentsOn(null, 'v1', 2)).toEqual([]);
    expect(findComment(list, 'n1')?.text).toBe('Bản 2.');
    expect(findComment(list, 'nope')).toBeUndefined();
  });
});

describe('CommentMarkers', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  it('draws a box, a highlight and pins, and hands the one tapped to the panel', async () => {
    const picked: string[] = [];
    const view = { page: 2, w: 400, h: 566 };
    render(h(CommentMarkers, { view, comments: [region, quote, pin1, pin2], selected: null, onSelect: (id: string) => picked.push(id) }), root);
    const box = root.querySelector('.draft-mark.region') as HTMLElement;
    expect(box.style.left).toBe('40px');
    expect(box.style.top).toBe('113.2px');
    expect(box.style.width).toBe('160px');
    expect(box.style.height).toBe('113.2px');
    const hl = root.querySelector('.draft-mark.text') as HTMLElement;
    expect(hl.dataset.comment).toBe('t1');
    expect(hl.style.left).toBe('48px');
    const pins = [...root.querySelectorAll('.draft-pin')] as HTMLElement[];
    expect(pins.map((p) => p.dataset.comment)).toEqual(['p1', 'p2']);
    expect(pins[0].style.top).toBe('8px');
    expect(pins[1].style.top).toBe('42px'); // one below the other in the margin
    // Numbered in the page's order (no emoji: a tablet may lack the font).
    expect([...root.querySelectorAll('.draft-mark-tab, .draft-pin')].map((b) => b.textContent)).toEqual(['1', '2', '3', '4']);
    expect(root.querySelector('.draft-markers')?.getAttribute('aria-label')).toBe('Các ý kiến góp ý trên trang');
    expect(pins[0].getAttribute('aria-label')).toBe('Xem ý kiến của Nguyễn Thị Hương');
    await act(() => (root.querySelector('.draft-mark.region .draft-mark-tab') as HTMLElement).click());
    await act(() => hl.click()); // the box itself, where the text layer is off
    await act(() => pins[1].click());
    expect(picked).toEqual(['r1', 't1', 'p2']);
  });

  it('lets the pointer through its boxes to the text layer, keeping the tabs', () => {
    render(h(CommentMarkers, { view: { page: 2, w: 400, h: 566 }, comments: [region], selected: 'r1', onSelect: () => {}, through: true }), root);
    expect(root.querySelector('.draft-markers')?.classList.contains('through')).toBe(true);
    expect(root.querySelector('.draft-mark.region')?.classList.contains('on')).toBe(true);
    expect(root.querySelector('.draft-mark-tab')?.getAttribute('aria-pressed')).toBe('true');
  });

  it('draws nothing for a page without comments', () => {
    render(h(CommentMarkers, { view: { page: 1, w: 400, h: 566 }, comments: [], onSelect: () => {} }), root);
    expect(root.querySelector('.draft-markers')).toBeNull();
  });

  it('shows the tapped comment with its quote, text and author, and closes', async () => {
    const closed = vi.fn();
    render(h(ShownComment, { comment: { ...quote, author_title: 'Ủy viên' }, onClose: closed }), root);
    const card = root.querySelector('.draft-shown')!;
    expect(card.getAttribute('aria-label')).toBe('Ý kiến trên trang 2');
    expect(card.textContent).toContain('“kết nối mạng cho 90% xã”');
    expect(card.textContent).toContain('Đề nghị sửa số liệu.');
    expect(card.textContent).toContain('Nguyễn Thị Hương, Ủy viên');
    await act(() => ([...card.querySelectorAll('button')].find((b) => b.textContent === 'Đóng ý kiến') as HTMLElement).click());
    expect(closed).toHaveBeenCalledTimes(1);
  });
});
