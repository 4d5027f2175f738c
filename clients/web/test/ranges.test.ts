// core/ranges.ts against a real HTTP server (node:http on a free port)
// that serves a file's ranges as daisd does (http.ServeContent: 206 with
// Content-Range, 416 beyond the end), and can be told to fail.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFirstBytes, fetchRange, parseContentRange, RangeRefused } from '../src/core/ranges';

const file = new Uint8Array(1000).map((_, i) => (i * 7) % 251);
let base = '';
let server: http.Server;
// What the next requests of a path get instead of their range: a status (0: the connection cut).
const fail = new Map<string, number[]>();
const seen: { path: string; range: string; auth: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '';
    seen.push({ path, range: String(req.headers.range ?? ''), auth: String(req.headers.authorization ?? '') });
    const f = fail.get(path)?.shift();
    if (f === 0) return req.socket.destroy();
    if (f) {
      res.writeHead(f, { 'Content-Type': 'application/json' });
      return res.end('{"error":{"code":"x","message":"no","message_vi":"không"}}');
    }
    if (path === '/whole') {
      res.writeHead(200, { 'Content-Length': file.length });
      return res.end(Buffer.from(file));
    }
    if (path === '/lying') {
      res.writeHead(206, { 'Content-Range': `bytes 0-9/${file.length}` });
      return res.end(Buffer.from(file.subarray(0, 20)));
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
    if (!m) {
      res.writeHead(200, { 'Content-Length': file.length });
      return res.end(Buffer.from(file));
    }
    const begin = Number(m[1]);
    const end = Math.min(Number(m[2]), file.length - 1);
    if (begin >= file.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${file.length}` });
      return res.end();
    }
    res.writeHead(206, { 'Content-Range': `bytes ${begin}-${end}/${file.length}`, 'Content-Length': end - begin + 1 });
    res.end(Buffer.from(file.subarray(begin, end + 1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const auth = { Authorization: 'Bearer tok' };
const noWait = { sleep: () => Promise.resolve(), random: () => 0 };

describe('fetchFirstBytes', () => {
  it.each([
    ['a range of a larger file', '/doc', 256, 256, 1000],
    ['a file smaller than the range: whole', '/doc', 4096, 1000, 1000],
    ['a server without ranges: whole', '/whole', 256, 1000, 1000],
  ])('%s', async (_, path, n, len, total) => {
    const got = await fetchFirstBytes(base + path, auth, n);
    expect(got).not.toBeNull();
    expect(got!.total).toBe(total);
    expect(got!.data).toEqual(file.subarray(0, len));
    expect(seen.at(-1)).toMatchObject({ range: `bytes=0-${n - 1}`, auth: 'Bearer tok' });
  });

  it.each([
    ['refused (403)', '/forbidden', [403]],
    ['taken back (409)', '/taken', [409]],
    ['the connection cut', '/cut', [0]],
    ['a range other than asked', '/lying', []],
  ])('leaves the loading to pdf.js when %s', async (_, path, f) => {
    fail.set(path, [...f]);
    expect(await fetchFirstBytes(base + path, auth, 256)).toBeNull();
  });

  it('leaves it to pdf.js when aborted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    expect(await fetchFirstBytes(base + '/doc', auth, 256, fetch, ctl.signal)).toBeNull();
  });
});

describe('fetchRange', () => {
  it.each([
    ['a middle range', 256, 512],
    ['the last range, shorter than asked for', 768, 1024],
  ])('fetches %s (end exclusive)', async (_, begin, end) => {
    const got = await fetchRange(base + '/doc', auth, begin, end);
    expect(got).toEqual(file.subarray(begin, Math.min(end, file.length)));
    expect(seen.at(-1)?.range).toBe(`bytes=${begin}-${end - 1}`);
  });

  it('retries a failed connection and a 5xx answer', async () => {
    fail.set('/flaky', [0, 503, 502]);
    const before = seen.length;
    expect(await fetchRange(base + '/flaky', auth, 0, 100, noWait)).toEqual(file.subarray(0, 100));
    expect(seen.length - before).toBe(4);
  });

  it('gives up after its retries', async () => {
    fail.set('/down', [503, 503, 503]);
    await expect(fetchRange(base + '/down', auth, 0, 100, { ...noWait, retries: 2 })).rejects.toEqual(new RangeRefused(503));
    expect(fail.get('/down')).toEqual([]);
  });

  it.each([
    ['403', [403], RangeRefused],
    ['409 (taken back)', [409], RangeRefused],
    ['416 (beyond the end)', [], RangeRefused],
  ])('does not retry a %s', async (_, f, kind) => {
    fail.set('/no', [...f]);
    const before = seen.length;
    const begin = f.length ? 0 : 5000;
    await expect(fetchRange(base + '/no', auth, begin, begin + 100, noWait)).rejects.toBeInstanceOf(kind);
    expect(seen.length - before).toBe(1);
  });

  it('refuses a range other than the one asked', async () => {
    await expect(fetchRange(base + '/lying', auth, 0, 10, noWait)).rejects.toThrow(/bytes 0-9/);
  });

  it('stops when aborted, also between retries', async () => {
    fail.set('/slow', [503, 503, 503, 503]);
    const ctl = new AbortController();
    const p = fetchRange(base + '/slow', auth, 0, 10, { signal: ctl.signal, sleep: () => (ctl.abort(), Promise.resolve()) });
    await expect(p).rejects.toThrow(/abort/);
    expect(fail.get('/slow')!.length).toBe(3);
  });
});

describe('parseContentRange', () => {
  it.each([
    ['bytes 0-9/100', { begin: 0, end: 9, total: 100 }],
    ['bytes 90-99/100', { begin: 90, end: 99, total: 100 }],
    ['bytes 0-9/*', null],
    ['bytes 9-0/100', null],
    ['bytes 0-100/100', null],
    ['bytes */100', null],
    ['', null],
  ])('%j', (h, want) => {
    expect(parseContentRange(h)).toEqual(want);
  });
});
