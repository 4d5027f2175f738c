// PdfView shows one page of a PDF with pdf.js, scaled to fit its box. The
// document is fetched with the session token as a Bearer header, in ranges
// (pdf.js asks only for the bytes of the pages it draws), and kept open
// while only the page changes. pdf.js is loaded on first use so that the
// sign-in screen stays light.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useApp } from './context';

type PdfJs = typeof import('pdfjs-dist');
let pdfjsPromise: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  return pdfjsPromise;
}

export interface PdfViewProps {
  url: string;
  token: string;
  page: number;
  /** onPages reports the page count once the document is open. */
  onPages?: (n: number) => void;
  label?: string;
}

export function PdfView({ url, token, page, onPages, label }: PdfViewProps) {
  const { t } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState('');
  const failure = (err: unknown): string => {
    const status = (err as { status?: number })?.status;
    if (status === 403) return t('pdfForbidden');
    if (status === 404) return t('pdfMissing');
    if (status === 401) return t('pdfSession');
    return t('pdfError', { msg: String((err as Error)?.message ?? err) });
  };
  const [size, setSize] = useState({ w: 0, h: 0 });

  // Open the document.
  useEffect(() => {
    let cancelled = false;
    let task: { destroy(): Promise<void>; promise: Promise<PDFDocumentProxy> } | null = null;
    setDoc(null);
    setError('');
    loadPdfJs()
      .then((lib) => {
        if (cancelled) return;
        task = lib.getDocument({
          url,
          httpHeaders: { Authorization: `Bearer ${token}` },
          rangeChunkSize: 128 * 1024,
          disableAutoFetch: true,
          isEvalSupported: false,
        });
        return task.promise.then((d) => {
          if (cancelled) return;
          setDoc(d);
          onPages?.(d.numPages);
        });
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(failure(err));
      });
    return () => {
      cancelled = true;
      void task?.destroy();
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
        const scale = Math.min(size.w / base.width, size.h / base.height);
        const dpr = Math.min(window.devicePixelRatio || 1, 3);
        const vp = p.getViewport({ scale: scale * dpr });
        const c = canvas.current;
        c.width = Math.floor(vp.width);
        c.height = Math.floor(vp.height);
        c.style.width = `${Math.floor(vp.width / dpr)}px`;
        c.style.height = `${Math.floor(vp.height / dpr)}px`;
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
  }, [doc, page, size.w, size.h]);

  return (
    <div class="pdf-box" ref={box} role="img" aria-label={label ?? ''}>
      {error ? (
        <p class="pdf-msg error" role="alert">
          {error}
        </p>
      ) : !doc ? (
        <p class="pdf-msg">{t('pdfLoading')}</p>
      ) : null}
      <canvas ref={canvas} class={doc && !error ? 'pdf-canvas' : 'pdf-canvas hidden'} />
    </div>
  );
}
