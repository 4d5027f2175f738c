// @vitest-environment jsdom
// PdfView closing a document (a draft's other version, another document):
// the closing document's page scheduler is stopped before pdf.js destroys
// it. Before, a render of it that was still due when it closed (here: the
// reader was on page 5 of version 1 and "Bản 2" opens version 2 at page 1,
// so version 1 was asked for page 1 in the same step) failed on the
// destroyed document, and its error, set after version 2's load had cleared
// the last one, kept version 2 hidden for good. The browser test "drafts:
// the office uploads version 2" failed so now and then (a resize pending
// when "Bản 2" was tapped). The text layer likewise read the closing
// document. pdf.js is a fake: documents of 600×800 pages whose getPage fails
// once destroyed, with pdf.js's own error (its transport's message handler
// is gone).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { h, render } from 'preact';

const fake = vi.hoisted(() => {
  interface FakeDoc {
    url: string;
    numPages: number;
    destroyed: boolean;
    /** pages asked for once destroyed */
    late: number[];
    getPage(n: number): Promise<unknown>;
  }
  const docs = new Map<string, FakeDoc>();
  const pages: Record<string, number> = {};
  const open = (url: string): FakeDoc => {
    const d: FakeDoc = {
      url,
      numPages: pages[url] ?? 1,
      destroyed: false,
      late: [],
      getPage(n) {
        if (d.destroyed) {
          d.late.push(n);
          return Promise.reject(new TypeError("Cannot read properties of null (reading 'sendWithPromise')"));
        }
        return Promise.resolve({
          getViewport: ({ scale }: { scale: number }) => ({ width: 600 * scale, height: 800 * scale }),
          render: () => ({ promise: Promise.resolve(), cancel() {} }),
          streamTextContent: () => ({}),
          cleanup() {},
        });
      },
    };
    docs.set(url, d);
    return d;
  };
  return { docs, pages, open };
});

vi.mock('../src/ui/document/pdfjs', () => ({
  loadPdfJs: async () => ({
    TextLayer: class {
      render = async () => {};
      cancel() {}
    },
  }),
  pdfWorker: () => undefined,
  takeAhead: () => null,
  fetchFirst: async () => null,
  openFromServer: (_lib: unknown, url: string) => {
    const d = fake.open(url);
    return {
      // Opening takes the network a moment.
      promise: new Promise((r) => setTimeout(() => r(d), 40)),
      destroy: async () => {
        d.destroyed = true;
      },
    };
  },
}));

const { PdfView } = await import('../src/ui/document/PdfView');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
  // jsdom lays nothing out: the box is 600×800 and says so at once.
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  (globalThis as any).ResizeObserver = class {
    constructor(private f: () => void) {}
    observe() {
      this.f();
    }
    disconnect() {}
  };
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
  fake.docs.clear();
});

/** shown waits until the page is on screen with no error, or fails with what the viewer says. */
async function shown(what: string) {
  for (let i = 0; i < 100; i++) {
    const page = root.querySelector('.pdf-page');
    const err = root.querySelector('.pdf-msg.error');
    if (page && !page.classList.contains('hidden') && !err) return;
    await sleep(20);
  }
  throw new Error(`${what} is not shown; the viewer says ${JSON.stringify(root.querySelector('.pdf-msg')?.textContent ?? '')}`);
}

/** until waits (a bounded poll, no time threshold on the result) for f to hold; the test then asserts. */
async function until(f: () => boolean) {
  for (let i = 0; i < 100 && !f(); i++) await sleep(20);
}

describe('PdfView closing a document', () => {
  it('shows the next one when the closing one still had a page to draw (page 5 of version 1, then version 2)', async () => {
    fake.pages['/v1'] = 6;
    render(h(PdfView, { url: '/v1', token: 't', page: 5 }), root);
    await shown('version 1, page 5');
    // Past the burst of turns: page 1 of version 1 would be drawn at once.
    await sleep(350);
    render(h(PdfView, { url: '/v2', token: 't', page: 1 }), root);
    // Version 2 opens (40 ms) and is drawn; an error, had there been one, stays.
    await sleep(200);
    // Its load is an effect, run after a frame (rendered outside act): until then version 1's page is the one shown.
    await until(() => fake.docs.has('/v2'));
    await shown('version 2');
    expect(fake.docs.get('/v2')!.destroyed).toBe(false);
    expect(fake.docs.get('/v1')!.destroyed).toBe(true);
    // Nothing of version 1 was asked for once it was being closed.
    expect(fake.docs.get('/v1')!.late).toEqual([]);
  });

  it('reads no text of the closing one (an old version, then the current one with its text layer)', async () => {
    render(h(PdfView, { url: '/v1', token: 't', page: 1 }), root);
    await shown('version 1');
    render(h(PdfView, { url: '/v2', token: 't', page: 1, textLayer: true }), root);
    await sleep(200);
    await until(() => fake.docs.has('/v2'));
    await shown('version 2');
    // The text layer is made in a frame after the page is drawn (its effect, too, waits for a frame: rendered outside act).
    const layer = () => root.querySelector('[data-testid=pdf-text-layer]');
    await until(() => !!layer()?.hasAttribute('data-page'));
    expect(layer()?.getAttribute('data-page')).toBe('1');
    expect(fake.docs.get('/v1')!.late).toEqual([]);
  });
});
