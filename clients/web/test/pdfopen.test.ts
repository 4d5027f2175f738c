// ui/document/pdfjs.ts openFromServer with the first bytes fetched by the
// app (core/ranges.ts): pdf.js (its legacy build, its worker in this
// thread) opens a real PDF served with ranges by a node:http server, from
// the whole file or from its first bytes and a PDFDataRangeTransport whose
// other ranges are fetched with the session's headers.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFirstBytes } from '../src/core/ranges';
import { openFromServer, type PdfJs } from '../src/ui/document/pdfjs';

// pdfFile writes a PDF of n pages, each with its number as text, and a padding stream that makes
// the file larger than the first bytes the tests fetch.
function pdfFile(n: number): Uint8Array {
  const objs: string[] = [];
  const kids = Array.from({ length: n }, (_, i) => `${4 + 2 * i} 0 R`).join(' ');
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${n} >>`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 1; i <= n; i++) {
    const text = `BT /F1 24 Tf 72 720 Td (Trang ${i}) Tj ET\n% ${'x'.repeat(3000)}\n`;
    objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * (i - 1)} 0 R >>`);
    objs.push(`<< /Length ${text.length} >>\nstream\n${text}endstream`);
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

const file = pdfFile(6);
let base = '';
let server: http.Server;
const seen: { range: string; auth: string; viewer: string }[] = [];
let lib: PdfJs;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ range: String(req.headers.range ?? ''), auth: String(req.headers.authorization ?? ''), viewer: String(req.headers['x-dais-viewer'] ?? '') });
    if (req.url === '/refused') {
      // The document taken back meanwhile: 409, as daisd answers.
      res.writeHead(409, { 'Content-Type': 'application/json' });
      return res.end('{"error":{"code":"conflict","message":"taken back","message_vi":"đã thu hồi"}}');
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
    if (!m) {
      res.writeHead(200, { 'Content-Length': file.length, 'Accept-Ranges': 'bytes' });
      return res.end(Buffer.from(file));
    }
    const begin = Number(m[1]);
    const end = Math.min(Number(m[2]), file.length - 1);
    res.writeHead(206, { 'Content-Range': `bytes ${begin}-${end}/${file.length}`, 'Content-Length': end - begin + 1 });
    res.end(Buffer.from(file.subarray(begin, end + 1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  lib = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as PdfJs;
  lib.GlobalWorkerOptions.workerSrc = new URL('../node_modules/pdfjs-dist/legacy/build/pdf.worker.mjs', import.meta.url).href;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function pageText(doc: Awaited<ReturnType<PdfJs['getDocument']>['promise']>, n: number): Promise<string> {
  const page = await doc.getPage(n);
  const c = await page.getTextContent();
  return c.items.map((i) => ('str' in i ? i.str : '')).join('');
}

describe('openFromServer', () => {
  it('opens from the first bytes, asking for the other ranges with the session', async () => {
    expect(file.length).toBeGreaterThan(4096);
    const first = await fetchFirstBytes(base + '/doc', { Authorization: 'Bearer tok' }, 1024);
    expect(first?.total).toBe(file.length);
    seen.length = 0;
    const task = openFromServer(lib, base + '/doc', 'tok', first);
    const doc = await task.promise;
    try {
      expect(doc.numPages).toBe(6);
      expect(await pageText(doc, 6)).toBe('Trang 6');
      expect(await pageText(doc, 1)).toBe('Trang 1');
      // Only ranges, beyond the first kilobyte, with the viewer's headers.
      expect(seen.length).toBeGreaterThan(0);
      for (const r of seen) {
        expect(r).toMatchObject({ auth: 'Bearer tok', viewer: '1' });
        expect(r.range).toMatch(/^bytes=\d+-\d+$/);
      }
      // The whole file, for the offline copy: the same bytes.
      expect(await doc.getData()).toEqual(file);
    } finally {
      await task.destroy();
    }
  });

  it('opens a file that came whole without asking for anything more', async () => {
    const first = await fetchFirstBytes(base + '/doc', { Authorization: 'Bearer tok' }, file.length + 100);
    expect(first?.data.length).toBe(file.length);
    seen.length = 0;
    const task = openFromServer(lib, base + '/doc', 'tok', first);
    const doc = await task.promise;
    try {
      expect(doc.numPages).toBe(6);
      expect(await pageText(doc, 3)).toBe('Trang 3');
      expect(seen).toEqual([]);
    } finally {
      await task.destroy();
    }
  });

  it('closes the document and says why when the server refuses a range (pdf.js cannot be told)', async () => {
    const first = await fetchFirstBytes(base + '/doc', { Authorization: 'Bearer tok' }, 1024);
    const warn = console.warn;
    console.warn = () => {};
    try {
      const task = openFromServer(lib, base + '/refused', 'tok', first);
      // The viewer says why (PdfView: 409 → the document was taken back).
      await expect(task.promise).rejects.toMatchObject({ name: 'RangeRefused', status: 409 });
      await expect(task.failed).rejects.toMatchObject({ status: 409 });
      expect(seen.at(-1)?.range).toMatch(/^bytes=/);
    } finally {
      console.warn = warn;
    }
  });
});
