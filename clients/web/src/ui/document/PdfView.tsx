// PdfView shows one page of a PDF with pdf.js, scaled to fit its box. The
// document is fetched with the session token as a Bearer header, in ranges
// (pdf.js asks only for the bytes of the pages it draws), and kept open
// while only the page changes. pdf.js is loaded early (./pdfjs.ts).
//
// Pages are drawn off-screen and put on the visible canvas in one step
// when complete (core/render.ts schedules them): a page turn never shows a
// blank or half-drawn page, a fast flip draws only the page it ends on, the
// next page is drawn ahead when idle, and pages no longer kept are released.
//
// With `offline`, a copy kept on the device is opened first (no network
// needed); a document opened from the server is handed over to be kept
// once open and its first page drawn. `overlay` draws over the page (the
// annotations), sized as the page is drawn and told which page that is.
//
// With `textLayer` (a draft open for comments: the reader selects the text
// they comment on), pdf.js's text layer of the page shown is laid over the
// canvas once that page is on it: its text is read only for the page shown
// (never for pages drawn ahead), and a layer being made for a page that was
// turned away from is cancelled and dropped. Without it, nothing of this runs.
//
// A document and its pages live and die together: when the viewer closes a
// document (another url: a draft's other version, another document; or
// unmounted), the document's page scheduler is stopped before pdf.js
// destroys it, and its text layer is no longer made. Otherwise a render of
// the closing document that started in between (a turn or a resize still
// pending) failed on the destroyed document, and its error, set after the
// next document's load had cleared the last one, kept that document hidden.

import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist';
import { markFirstPage, markOnce, noFirstPage } from '../../core/firstpage';
import { newCounters, RenderScheduler, type DrawTask } from '../../core/render';
import { useApp } from '../context';
import { fetchFirst, loadPdfJs, openFromServer, pdfWorker, takeAhead } from './pdfjs';

/** renderCounters count the renders of every viewer of the page; the browser benchmark reads them as window.daisRender. */
export const renderCounters = newCounters();
(globalThis as { daisRender?: unknown }).daisRender = renderCounters;

/** PageView is the page drawn on the canvas and its size in CSS pixels. */
export interface PageView {
  page: number;
  w: number;
  h: number;
}

/** PdfOffline connects the viewer to the copies kept for offline reading. */
export interface PdfOffline {
  /** load returns the kept copy, or null to read from the server. */
  load(): Promise<Uint8Array | null>;
  /** keep is called once the document is open from the server, with how to get all its bytes. */
  keep(getData: () => Promise<Uint8Array>): void;
}

export interface PdfViewProps {
  url: string;
  token: string;
  page: number;
  /** onPages reports the page count once the document is open. */
  onPages?: (n: number) => void;
  label?: string;
  offline?: PdfOffline;
  overlay?: (v: PageView) => ComponentChildren;
  /** fit: the whole page in the box (default), or the page's width (scrolling down). */
  fit?: 'page' | 'width';
  /** zoom multiplies the fitted size (1 = fitted); the page is drawn at devicePixelRatio × zoom, so it stays crisp. */
  zoom?: number;
  /** onZoom is asked for a new zoom by a pinch or a double tap (none: no gestures). */
  onZoom?: (z: number) => void;
  /** textLayer lays pdf.js's text layer over the page shown, for selecting its text. */
  textLayer?: boolean;
}

/** ZOOM_MIN and ZOOM_MAX bound the reading view's zoom. */
export const ZOOM_MIN = 1;
export const ZOOM_MAX = 5;
export const clampZoom = (z: number) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(z * 100) / 100));

type LoadingTask = { destroy(): Promise<void>; promise: Promise<PDFDocumentProxy>; failed?: Promise<never> };

export function PdfView({ url, token, page, onPages, label, offline, overlay, fit = 'page', zoom = 1, onZoom, textLayer = false }: PdfViewProps) {
  const { t } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState('');
  const [view, setView] = useState<PageView | null>(null);
  const offlineRef = useRef(offline);
  // Resolves when the open document's first page is on the canvas.
  const firstShown = useRef<(() => void) | null>(null);
  // The document open now and its page scheduler (see the top of the file): cleared when it is closed.
  const openDoc = useRef<PDFDocumentProxy | null>(null);
  const openSched = useRef<RenderScheduler<Surface> | null>(null);
  offlineRef.current = offline;
  const failure = (err: unknown): string => {
    const status = (err as { status?: number })?.status;
    if (status === 409) return t('takenBackView');
    if (status === 403) return t('pdfForbidden');
    if (status === 404) return t('pdfMissing');
    if (status === 401) return t('pdfSession');
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return t('pdfOffline');
    return t('pdfError', { msg: String((err as Error)?.message ?? err) });
  };
  const [size, setSize] = useState({ w: 0, h: 0 });

  // Open the document: the kept copy if there is one, else from the server in ranges.
  useEffect(() => {
    let cancelled = false;
    let task: LoadingTask | null = null;
    setDoc(null);
    setError('');
    setView(null);
    const off = offlineRef.current;
    const drawn = new Promise<void>((r) => (firstShown.current = r));
    const abort = new AbortController();
    markOnce('viewer');
    (async () => {
      const lib = await loadPdfJs();
      if (cancelled) return;
      const worker = pdfWorker(lib);
      let d: PDFDocumentProxy | null = null;
      // Opened ahead (a new tablet: nothing kept on it): no copy to look for.
      const early = takeAhead(url, token);
      const data = off && !early ? await off.load().catch(() => null) : null;
      if (cancelled) {
        void early?.then((t) => t?.destroy());
        return;
      }
      if (data) {
        task = lib.getDocument({ data, isEvalSupported: false, worker });
        try {
          d = await task.promise;
        } catch (err) {
          console.warn('dais: the offline copy did not open; reading from the server', err);
          void task.destroy();
          task = null;
        }
        if (cancelled) return;
      }
      const fromServer = !d;
      if (!d) {
        markOnce('doc-request');
        const t = (early && (await early)) || openFromServer(lib, url, token, await fetchFirst(url, token, abort.signal));
        if (cancelled) {
          void t.destroy();
          return;
        }
        task = t;
        // A range refused once the document is open (taken back, say): its pages will not come.
        t.failed?.catch((err: unknown) => {
          if (cancelled) return;
          setError(failure(err));
          noFirstPage();
        });
        d = await t.promise;
        if (cancelled) return;
      }
      const opened = d;
      markOnce('doc-open');
      openDoc.current = opened;
      setDoc(opened);
      onPages?.(opened.numPages);
      // The whole file for the offline copy: after the first page, which must not wait for it.
      if (fromServer && off) void drawn.then(() => !cancelled && off.keep(() => opened.getData()));
    })().catch((err: unknown) => {
      if (!cancelled) {
        setError(failure(err));
        noFirstPage();
      }
    });
    return () => {
      cancelled = true;
      abort.abort();
      // Closed: its scheduler stops before the document is destroyed (see the top of the file).
      openDoc.current = null;
      openSched.current?.dispose();
      openSched.current = null;
      void (task as LoadingTask | null)?.destroy();
    };
  }, [url, token]);

  // Follow the size of the box.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Draw the pages: off-screen, then onto the visible canvas in one step (see core/render.ts).
  const pageBox = useRef<HTMLDivElement>(null);
  const geometry = useRef({ w: 0, h: 0, fit, zoom });
  const sched = useMemo(() => {
    if (!doc || openDoc.current !== doc) return null;
    const held = new Map<number, PDFPageProxy>();
    const s = new RenderScheduler<Surface>({
      counters: renderCounters,
      keep: 3,
      renderer: {
        draw: (n) => drawPage(doc, n, geometry.current, held),
        release: (n, surface) => {
          if (surface) {
            // Let the browser free the pixels at once.
            surface.canvas.width = 0;
            surface.canvas.height = 0;
          }
          held.get(n)?.cleanup();
          held.delete(n);
        },
      },
      show: (_, surface) => {
        const c = canvas.current;
        if (!c) return;
        const src = surface.canvas;
        // Resizing clears the canvas: the new page is drawn into it in the same task, before any paint.
        if (c.width !== src.width || c.height !== src.height) {
          c.width = src.width;
          c.height = src.height;
        }
        c.getContext('2d')?.drawImage(src, 0, 0);
        const v = surface.view;
        const box = pageBox.current;
        if (box) {
          box.style.width = `${v.w}px`;
          box.style.height = `${v.h}px`;
        }
        setView(v);
        markFirstPage();
        firstShown.current?.();
      },
      idle: (f) => {
        const w = globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number; cancelIdleCallback?: (h: number) => void };
        if (w.requestIdleCallback && w.cancelIdleCallback) {
          const h = w.requestIdleCallback(f, { timeout: 2000 });
          return () => w.cancelIdleCallback!(h);
        }
        const h = setTimeout(f, 300);
        return () => clearTimeout(h);
      },
      timer: (f, ms) => {
        const h = setTimeout(f, ms);
        return () => clearTimeout(h);
      },
      onError: (_, err) => {
        if ((err as Error)?.name !== 'RenderingCancelledException') {
          setError(failure(err));
          noFirstPage();
        }
      },
    });
    s.setPages(doc.numPages);
    openSched.current = s;
    return s;
  }, [doc]);
  useEffect(() => () => sched?.dispose(), [sched]);

  useEffect(() => {
    if (!sched || !doc || size.w === 0 || size.h === 0) return;
    const g = geometry.current;
    if (g.w !== size.w || g.h !== size.h || g.fit !== fit || g.zoom !== zoom) {
      const first = g.w === 0;
      geometry.current = { w: size.w, h: size.h, fit, zoom };
      if (!first) sched.invalidate();
    }
    sched.want(Math.min(Math.max(1, page), doc.numPages));
  }, [sched, page, size.w, size.h, fit, zoom]);

  // Pinch (two touches) and double tap ask for another zoom.
  const touches = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ d: number; z: number } | null>(null);
  const lastTap = useRef(0);
  const dist = () => {
    const [a, b] = [...touches.current.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const gestures = onZoom
    ? {
        onPointerDown: (e: PointerEvent) => {
          if (e.pointerType !== 'touch') return;
          touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
          if (touches.current.size === 2) pinch.current = { d: dist(), z: zoom };
        },
        onPointerMove: (e: PointerEvent) => {
          if (!touches.current.has(e.pointerId)) return;
          touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
          const p = pinch.current;
          if (p && touches.current.size === 2 && p.d > 0) {
            const z = clampZoom((p.z * dist()) / p.d);
            if (Math.abs(z - zoom) >= 0.1) onZoom(z);
          }
        },
        onPointerUp: (e: PointerEvent) => {
          const wasPinch = touches.current.size > 1 || pinch.current;
          touches.current.delete(e.pointerId);
          if (touches.current.size < 2) pinch.current = null;
          if (wasPinch) return;
          // Over a text layer a mouse's double click selects a word.
          if (textLayer && e.pointerType === 'mouse') return;
          const now = e.timeStamp || Date.now();
          if (now - lastTap.current < 350) {
            lastTap.current = 0;
            onZoom(zoom > 1 ? 1 : 2);
          } else lastTap.current = now;
        },
        onPointerCancel: (e: PointerEvent) => {
          touches.current.delete(e.pointerId);
          pinch.current = null;
        },
      }
    : {};

  // The text layer of the page shown (see the top of the file).
  const textBox = useRef<HTMLDivElement>(null);
  const shownPage = view?.page ?? 0;
  const shownW = view?.w ?? 0;
  useEffect(() => {
    const el = textBox.current;
    if (!textLayer || !doc || !el || shownPage < 1 || shownW <= 0) return;
    let cancelled = false;
    let layer: { cancel(): void } | null = null;
    // After the page is painted: the text layer never delays a page turn.
    const frame = requestAnimationFrame(() => {
      void (async () => {
        const lib = await loadPdfJs();
        // A document being closed is not read (its page's text would be of the document left).
        if (cancelled || openDoc.current !== doc) return;
        const p = await doc.getPage(shownPage);
        if (cancelled) return;
        const vp = p.getViewport({ scale: shownW / p.getViewport({ scale: 1 }).width });
        el.replaceChildren();
        el.style.setProperty('--total-scale-factor', String(vp.scale));
        el.style.setProperty('--scale-factor', String(vp.scale));
        const tl = new lib.TextLayer({ textContentSource: p.streamTextContent(), container: el, viewport: vp });
        layer = tl;
        await tl.render();
        if (cancelled) return;
        // As pdf.js's viewer does: a selection dragged past the text ends on this, not on the whole page.
        const end = document.createElement('div');
        end.className = 'endOfContent';
        el.append(end);
        el.dataset.page = String(shownPage);
      })().catch((err: unknown) => {
        if (!cancelled && (err as Error)?.name !== 'AbortException') console.warn('dais: the text layer of the page could not be made', err);
      });
    });
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      layer?.cancel();
      el.replaceChildren();
      delete el.dataset.page;
    };
  }, [textLayer, doc, shownPage, shownW]);

  const shown = !!doc && !error;
  return (
    <div class={fit === 'width' || zoom > 1 ? 'pdf-box scroll' : 'pdf-box'} ref={box} {...gestures}>
      {error ? (
        <p class="pdf-msg error" role="alert">
          {error}
        </p>
      ) : !doc ? (
        <p class="pdf-msg">{t('pdfLoading')}</p>
      ) : null}
      <div ref={pageBox} class={shown && view ? 'pdf-page' : 'pdf-page hidden'} style={view ? { width: `${view.w}px`, height: `${view.h}px` } : undefined}>
        <canvas ref={canvas} class={shown ? 'pdf-canvas' : 'pdf-canvas hidden'} role="img" aria-label={label ?? ''} />
        {textLayer && shown && (
          <div
            ref={textBox}
            class="textLayer"
            data-testid="pdf-text-layer"
            onPointerDown={(e) => (e.currentTarget as HTMLElement).classList.add('selecting')}
            onPointerUp={(e) => (e.currentTarget as HTMLElement).classList.remove('selecting')}
            onPointerCancel={(e) => (e.currentTarget as HTMLElement).classList.remove('selecting')}
          />
        )}
        {shown && view && overlay ? overlay(view) : null}
      </div>
    </div>
  );
}

/** Surface is a page drawn off-screen, with the size it is shown at. */
interface Surface {
  canvas: HTMLCanvasElement;
  view: PageView;
}

type Geometry = { w: number; h: number; fit: 'page' | 'width'; zoom: number };

/** drawPage renders page n of doc into a new canvas sized for the box g. */
function drawPage(doc: PDFDocumentProxy, n: number, g: Geometry, held: Map<number, PDFPageProxy>): DrawTask<Surface> {
  let task: RenderTask | null = null;
  let cancelled = false;
  const cancelledErr = () => Object.assign(new Error('cancelled'), { name: 'RenderingCancelledException' });
  const promise = (async () => {
    markOnce('page-request');
    const p = await doc.getPage(n);
    held.set(n, p);
    if (cancelled) throw cancelledErr();
    markOnce('page-render');
    const base = p.getViewport({ scale: 1 });
    // Fit to width leaves room for a vertical scroll bar.
    const fitted = g.fit === 'width' ? (g.w - 16) / base.width : Math.min(g.w / base.width, g.h / base.height);
    const css = fitted * g.zoom;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    // Backing pixels: CSS size × devicePixelRatio (× zoom through css), capped at 16 Mpx.
    const px = Math.min(dpr, Math.sqrt(16e6 / (base.width * base.height * css * css)));
    const vp = p.getViewport({ scale: css * px });
    const c = document.createElement('canvas');
    c.width = Math.floor(vp.width);
    c.height = Math.floor(vp.height);
    task = p.render({ canvas: c, viewport: vp });
    await task.promise;
    return { canvas: c, view: { page: n, w: Math.floor(base.width * css), h: Math.floor(base.height * css) } };
  })();
  return {
    promise,
    cancel: () => {
      cancelled = true;
      task?.cancel();
    },
  };
}
