// PdfView shows one page of a PDF with pdf.js, scaled to fit its box. The
// document is fetched with the session token as a Bearer header, in ranges
// (pdf.js asks only for the bytes of the pages it draws), and kept open
// while only the page changes. pdf.js is loaded on first use so that the
// sign-in screen stays light.
//
// With `offline`, a copy kept on the device is opened first (no network
// needed); a document opened from the server is handed over to be kept once
// open. `overlay` draws over the page (the annotations), sized as the page
// is drawn and told which page that is.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useApp } from '../context';

type PdfJs = typeof import('pdfjs-dist');
let pdfjsPromise: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  return pdfjsPromise;
}

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
}

/** ZOOM_MIN and ZOOM_MAX bound the reading view's zoom. */
export const ZOOM_MIN = 1;
export const ZOOM_MAX = 5;
export const clampZoom = (z: number) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(z * 100) / 100));

type LoadingTask = { destroy(): Promise<void>; promise: Promise<PDFDocumentProxy> };

export function PdfView({ url, token, page, onPages, label, offline, overlay, fit = 'page', zoom = 1, onZoom }: PdfViewProps) {
  const { t } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState('');
  const [view, setView] = useState<PageView | null>(null);
  const offlineRef = useRef(offline);
  offlineRef.current = offline;
  const failure = (err: unknown): string => {
    const status = (err as { status?: number })?.status;
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
    (async () => {
      const lib = await loadPdfJs();
      if (cancelled) return;
      let d: PDFDocumentProxy | null = null;
      const data = off ? await off.load().catch(() => null) : null;
      if (cancelled) return;
      if (data) {
        task = lib.getDocument({ data, isEvalSupported: false });
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
        task = lib.getDocument({
          url,
          httpHeaders: { Authorization: `Bearer ${token}` },
          rangeChunkSize: 128 * 1024,
          disableAutoFetch: true,
          isEvalSupported: false,
        });
        d = await task.promise;
        if (cancelled) return;
      }
      const opened = d;
      setDoc(opened);
      onPages?.(opened.numPages);
      if (fromServer) off?.keep(() => opened.getData());
    })().catch((err: unknown) => {
      if (!cancelled) setError(failure(err));
    });
    return () => {
      cancelled = true;
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

  // Draw the page.
  useEffect(() => {
    if (!doc || !canvas.current || size.w === 0 || size.h === 0) return;
    let task: RenderTask | null = null;
    let cancelled = false;
    const n = Math.min(Math.max(1, page), doc.numPages);
    doc
      .getPage(n)
      .then((p) => {
        if (cancelled || !canvas.current) return;
        const base = p.getViewport({ scale: 1 });
        // Fit to width leaves room for a vertical scroll bar.
        const fitted = fit === 'width' ? (size.w - 16) / base.width : Math.min(size.w / base.width, size.h / base.height);
        const css = fitted * zoom;
        const dpr = Math.min(window.devicePixelRatio || 1, 3);
        // Backing pixels: CSS size × devicePixelRatio (× zoom through css), capped at 16 Mpx.
        const px = Math.min(dpr, Math.sqrt(16e6 / (base.width * base.height * css * css)));
        const vp = p.getViewport({ scale: css * px });
        const c = canvas.current;
        c.width = Math.floor(vp.width);
        c.height = Math.floor(vp.height);
        // The canvas and the overlay take the page's size together.
        setView({ page: n, w: Math.floor(base.width * css), h: Math.floor(base.height * css) });
        task = p.render({ canvas: c, viewport: vp });
        return task.promise;
      })
      .catch((err: unknown) => {
        if ((err as Error)?.name !== 'RenderingCancelledException' && !cancelled) setError(failure(err));
      });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, page, size.w, size.h, fit, zoom]);

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
      <div class={shown && view ? 'pdf-page' : 'pdf-page hidden'} style={view ? { width: `${view.w}px`, height: `${view.h}px` } : undefined}>
        <canvas ref={canvas} class={shown ? 'pdf-canvas' : 'pdf-canvas hidden'} role="img" aria-label={label ?? ''} />
        {shown && view && overlay ? overlay(view) : null}
      </div>
    </div>
  );
}
