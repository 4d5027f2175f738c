// The browser benchmark of a cheap tablet (issue 17): Debian's Chromium
// driven by playwright-core, the tablet's CPU throttled through the
// DevTools protocol (Emulation.setCPUThrottlingRate, 4× by default) and its
// network limited to a hall's Wi-Fi (Network.emulateNetworkConditions,
// 20 Mbit/s down and up, 10 ms latency).
//
//   npm run build && npm run bench:browser           (DAISD=… a built daisd; else built here)
//
// It starts daisd -demo on a fresh data folder behind a small counting
// proxy (every byte the server sends, per path: what crosses the air, the
// service worker's own fetches included, which the page's DevTools session
// does not see), signs in the chair (not throttled), opens the session and
// shows a document at page 1, then measures on a new tablet (a fresh
// browser context: empty HTTP cache, no service worker, no storage):
//
//   cold start   navigation to the first page on screen: the later of the
//                app's performance.mark('dais:first-page') and the first
//                animation frame whose visible canvas has ink, sampled by a
//                script the bench adds to the page (for builds without the
//                mark: that frame);
//   new tablet   bytes of the web app sent to it (everything but /api and
//                /ws: the document PDF and the API are counted apart),
//                after the service worker has installed and the offline
//                copies are done; the DevTools figure (the page's own
//                requests, Network.loadingFinished encodedDataLength) is
//                printed beside it;
//   reload       the same bytes on a reload (only index.html may cross the
//                air; a 304 counts its headers);
//   page turn    single turns by the chair (then idle, so the next page is
//                pre-rendered), then a fast flip of FLIP pages in a row
//                (one every FLIP_GAP ms, 100 by default: a held key):
//                every animation frame of the tablet samples its visible
//                canvas (blank: no ink at all; partial: less than half the
//                ink of the pages before and after), and the app's render
//                counters (window.daisRender: renders started, drawn,
//                cancelled, stale, pre-rendered, answered from a kept page).
//
// Environment: DAISD, CHROMIUM (default /usr/bin/chromium), CPU_RATE (4),
// MBIT (20), LATENCY_MS (10), FLIP (6), FLIP_GAP (100), TURNS (3), OUT (a JSON report
// path), BENCH_QUICK=1 (no throttling: the functional check `make test`
// may run; no figure is judged).
// Exit status: 0 measured, 1 a step failed. Targets missed are printed as
// MISSED, not failures (they depend on the machine).

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readdirSync, readFileSync, openSync, closeSync, fstatSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repo = path.resolve(webDir, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dais-bench-browser-'));
const quick = process.env.BENCH_QUICK === '1';
const CPU_RATE = quick ? 1 : Number(process.env.CPU_RATE ?? 4);
const MBIT = Number(process.env.MBIT ?? 20);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 10);
const FLIP = Number(process.env.FLIP ?? 6);
const TURNS = Number(process.env.TURNS ?? 3);
const FLIP_GAP = Number(process.env.FLIP_GAP ?? 100);
const T = 60_000;

const cleanups = [];
const log = (...a) => console.log('[bench]', ...a);

// machineProbe times touching fresh memory (a page fault per 4 KiB page)
// and a fixed piece of JavaScript, before daisd and the browser start. The
// cold start is judged in throttled time on this machine: on 2026-12-03 one
// boot drew the first page in ~1.0 s and a later one, with the same client
// and Chromium, in 1.6-2.4 s (docs/performance.md). These figures say what
// the machine was like; they did not explain that difference.
function machineProbe() {
  const pages = 16384; // 64 MiB, three times: the least (the machine's noise only adds)
  let faultUs = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const buf = Buffer.allocUnsafeSlow(pages * 4096);
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 1;
    faultUs = Math.min(faultUs, ((performance.now() - t0) * 1000) / pages);
  }
  const doc = { items: Array.from({ length: 2000 }, (_, i) => ({ id: `p${i}`, name: `Đại biểu ${i}`, seat: i, present: i % 3 === 0 })) };
  const t1 = performance.now();
  for (let i = 0; i < 20; i++) JSON.parse(JSON.stringify(doc));
  const jsMs = performance.now() - t1;
  // A small system call (fstat, through Node's synchronous binding): what
  // Chromium's processes pay for every IPC message, mapping and wake-up.
  const fd = openSync(process.execPath, 'r');
  let sysUs = Infinity;
  for (let k = 0; k < 3; k++) {
    const t2 = performance.now();
    for (let i = 0; i < 20000; i++) fstatSync(fd);
    sysUs = Math.min(sysUs, ((performance.now() - t2) * 1000) / 20000);
  }
  closeSync(fd);
  return { pageFaultUs: Math.round(faultUs * 100) / 100, jsonMs: Math.round(jsMs * 10) / 10, syscallUs: Math.round(sysUs * 100) / 100 };
}

// browserFaults sums the minor page faults of every Chromium process
// (Linux: /proc/PID/stat; 0 elsewhere). Only this bench runs Chromium here.
function browserFaults() {
  let n = 0;
  let dirs = [];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const d of dirs) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/chrom/i.test(comm)) continue;
      n += Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]); // minflt, field 10
    } catch {
      // the process ended meanwhile
    }
  }
  return n;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function daisdBinary() {
  if (process.env.DAISD) return process.env.DAISD;
  const bin = path.join(tmp, 'daisd');
  log('building daisd…');
  execFileSync('go', ['build', '-o', bin, './cmd/daisd'], { cwd: repo, stdio: 'inherit', env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' } });
  return bin;
}

function startDaisd(bin, port, data) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', data, '-demo', '-log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`daisd printed no codes in 60 s:\n${out}\n${err}`)), 60_000);
    let settle = null;
    p.stdout.on('data', (b) => {
      out += b;
      clearTimeout(settle);
      const done = () => {
        const codes = [];
        for (const line of out.split('\n')) {
          const m = line.match(/^(\S+)\s+(Chủ tọa|Thư ký|Đại biểu|Quan sát viên|Màn hình)\s+(.+?)\s{2,}.*\?code=(\S+)\s*$/);
          if (m) codes.push({ code: m[4], role: m[2] });
        }
        if (codes.length === 0) return;
        clearTimeout(timer);
        resolve({ proc: p, codes });
      };
      if (/each code works once|Ctrl-C/.test(out)) done();
      else settle = setTimeout(done, 500);
    });
    p.stderr.on('data', (b) => (err += b));
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daisd exited with ${code}:\n${out}\n${err}`));
    });
  });
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

// Meter counts what the server sends, per request path (query dropped).
class Meter {
  constructor() {
    this.reset();
  }
  reset() {
    this.rows = []; // { path, status, header, body, encoding }
    this.ws = 0;
  }
  add(row) {
    this.rows.push(row);
  }
  static kind(p) {
    if (p === '/api' || p.startsWith('/api/')) return 'api';
    return 'app';
  }
  sum(filter = () => true) {
    let n = 0;
    for (const r of this.rows) if (filter(r)) n += r.header + r.body;
    return n;
  }
  app() {
    return this.sum((r) => Meter.kind(r.path) === 'app');
  }
  api() {
    return this.sum((r) => Meter.kind(r.path) === 'api');
  }
  table(filter = (r) => Meter.kind(r.path) === 'app') {
    return this.rows.filter(filter).map((r) => `${r.status} ${r.path} ${r.encoding ? `[${r.encoding}] ` : ''}${r.range ? `(${r.range}) ` : ''}${r.header + r.body} B`);
  }
}

// startProxy forwards everything to daisd and counts the bytes it sends back.
function startProxy(port, targetPort, meter) {
  const server = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers: req.headers }, (r) => {
      const p = new URL(req.url, 'http://x').pathname;
      let header = `HTTP/1.1 ${r.statusCode} ${r.statusMessage}\r\n`.length + 2;
      for (let i = 0; i < r.rawHeaders.length; i += 2) header += r.rawHeaders[i].length + r.rawHeaders[i + 1].length + 4;
      const row = { path: p, status: r.statusCode, header, body: 0, encoding: r.headers['content-encoding'] ?? '', range: req.headers.range ?? '' };
      meter.add(row);
      r.on('data', (b) => (row.body += b.length));
      res.writeHead(r.statusCode, r.rawHeaders);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  const tunnels = new Set();
  server.on('upgrade', (req, sock, head) => {
    tunnels.add(sock);
    sock.on('close', () => tunnels.delete(sock));
    const up = net.connect(targetPort, '127.0.0.1', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.on('data', (b) => (meter.ws += b.length));
      up.pipe(sock);
      sock.pipe(up);
    });
    tunnels.add(up);
    up.on('close', () => tunnels.delete(up));
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  });
  server.stopAll = () => {
    server.closeAllConnections();
    for (const t of tunnels) t.destroy();
    return new Promise((r) => server.close(() => r()));
  };
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// The script added to every tablet page before its own: it samples the
// visible canvas of the viewer at every animation frame (a 48×30
// thumbnail: ink = pixels not white and not transparent) and records when
// it first had ink, and every frame while window.__benchSample is on.
const samplerScript = () => {
  const w = window;
  w.__bench = { firstInk: 0, frames: [] };
  // Resolved at the first frame with ink: awaited by the bench through a bare
  // CDP Runtime.evaluate (playwright's waitForFunction would evaluate its own
  // ≈330 kB injected script on the tablet's main thread during the cold start).
  w.__benchInk = new Promise((r) => (w.__benchInkResolve = r));
  const thumb = document.createElement('canvas');
  thumb.width = 48;
  thumb.height = 30;
  let tctx = null;
  const ink = (c) => {
    tctx ??= thumb.getContext('2d', { willReadFrequently: true });
    tctx.clearRect(0, 0, 48, 30);
    tctx.drawImage(c, 0, 0, 48, 30);
    const d = tctx.getImageData(0, 0, 48, 30).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
    return n;
  };
  // Cheap until a canvas is shown: no layout is forced (no getBoundingClientRect).
  const frame = (t) => {
    const c = document.querySelector('canvas.pdf-canvas:not(.hidden)');
    const visible = !!c && c.width > 0 && !c.closest('.hidden');
    // With the app's marks (dais:main), the ink is read only once it says its first page is drawn: reading
    // a blank canvas every frame before it (≈5 ms a frame at 4×) slowed the page being measured.
    const mark = (n) => performance.getEntriesByName(n).length > 0;
    if (!w.__bench.firstInk && visible && (!mark('dais:main') || mark('dais:first-page')) && ink(c) > 0) {
      w.__bench.firstInk = t;
      w.__benchInkResolve(t);
    }
    if (w.__benchSample) w.__bench.frames.push({ t, ink: visible ? ink(c) : 0, page: w.daisRender?.page ?? 0 });
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

// firstInk waits for the tablet's first frame with ink without injecting anything into the page.
async function firstInk(cdp) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no page drawn in ${T} ms`)), T)));
  const r = await Promise.race([cdp.send('Runtime.evaluate', { expression: 'window.__benchInk', awaitPromise: true, returnByValue: true }), timeout]).finally(() => clearTimeout(timer));
  if (r.exceptionDetails) throw new Error('the first-ink promise failed: ' + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}

async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  const net = { requests: new Map(), bytes: 0, rows: [] };
  cdp.on('Network.requestWillBeSent', (e) => net.requests.set(e.requestId, { url: e.request.url }));
  cdp.on('Network.responseReceived', (e) => {
    const r = net.requests.get(e.requestId);
    if (r) Object.assign(r, { status: e.response.status, sw: e.response.fromServiceWorker, cache: e.response.fromDiskCache });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = net.requests.get(e.requestId);
    if (!r) return;
    r.bytes = e.encodedDataLength;
    const p = new URL(r.url).pathname;
    if (Meter.kind(p) === 'app' && !r.url.startsWith('data:') && !r.url.startsWith('blob:')) {
      net.bytes += e.encodedDataLength;
      net.rows.push(`${r.status} ${p}${r.sw ? ' (service worker)' : ''}${r.cache ? ' (disk cache)' : ''} ${e.encodedDataLength} B`);
    }
  });
  await cdp.send('Network.enable');
  if (!quick) {
    const bps = (MBIT * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: LATENCY_MS, downloadThroughput: bps, uploadThroughput: bps });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
  net.cdp = cdp;
  net.reset = () => {
    net.requests.clear();
    net.bytes = 0;
    net.rows = [];
  };
  return net;
}

// byScript sums a CPU profile's samples by script (file name), with the
// browser's own (program), (garbage collector) and (idle), largest first.
function byScript(profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(i, profile.timeDeltas[i] ?? 0);
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const k = f.url ? f.url.replace(/^.*\//, '').replace(/\?.*$/, '') : f.functionName || '(anonymous)';
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  if (process.env.PROFILE_FUNCS) {
    // The heaviest functions (self time) with their line: where the app's own time goes.
    const fn = new Map();
    for (let i = 0; i < profile.samples.length; i++) {
      const f = byId.get(profile.samples[i]).callFrame;
      const k = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber}:${f.columnNumber}`;
      fn.set(k, (fn.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    }
    for (const [k, v] of [...fn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log('   ', Math.round(v), k);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => [k, Math.round(v)]);
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
const ms = (n) => `${Math.round(n)} ms`;

async function main() {
  // Before anything else runs (daisd's start, the browser's): the probe
  // measures the machine, not the bench.
  const machine = machineProbe();
  const bin = daisdBinary();
  const port = await freePort();
  const data = path.join(tmp, 'data');
  mkdirSync(data);
  const server = await startDaisd(bin, port, data);
  cleanups.push(() => stop(server.proc));
  const meter = new Meter();
  const proxyPort = await freePort();
  const proxy = await startProxy(proxyPort, port, meter);
  cleanups.push(() => proxy.stopAll());
  const base = `http://127.0.0.1:${proxyPort}`;
  const code = (role, n = 0) => server.codes.filter((c) => c.role === role)[n].code;
  log(`daisd -demo on 127.0.0.1:${port}, through the counting proxy ${base}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  cleanups.push(() => browser.close());

  // The chair (not throttled) opens the session, moves to item 2 and shows its document.
  const chairCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  const chair = await chairCtx.newPage();
  chair.setDefaultTimeout(T);
  await chair.goto(`${base}/?code=${encodeURIComponent(code('Chủ tọa'))}`);
  await chair.getByText('Bàn điều hành của Chủ tọa').waitFor();
  const openBtn = chair.getByRole('button', { name: 'Khai mạc / tiếp tục phiên họp' });
  if (await openBtn.count()) await openBtn.click();
  await chair.getByText('Đang họp').first().waitFor();
  await chair.getByRole('button', { name: 'Chuyển sang' }).nth(1).click();
  await chair.getByRole('button', { name: 'Trình chiếu', exact: true }).click();
  await chair.locator('.page-no', { hasText: 'Trang 1 /' }).waitFor();
  const pages = Number((await chair.locator('.page-no').first().textContent()).match(/\/\s*(\d+)/)?.[1] ?? 0);
  log(`the chair shows a document of ${pages} pages at page 1`);
  await chair.waitForTimeout(1000);
  meter.reset();

  // A new tablet: a fresh context, throttled before it navigates.
  const tabCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', deviceScaleFactor: 1 });
  await tabCtx.addInitScript(samplerScript);
  const tab = await tabCtx.newPage();
  tab.setDefaultTimeout(T);
  tab.on('pageerror', (e) => log('tablet page error:', e.message));
  const cdpNet = await throttle(tab);
  log(`this machine: touching fresh memory ${machine.pageFaultUs} µs per 4 KiB page (usual: well under 1 µs), a fixed JSON task ${machine.jsonMs} ms, an fstat through Node ${machine.syscallUs} µs`);
  const report = { when: new Date().toISOString(), cpuRate: CPU_RATE, mbit: quick ? null : MBIT, latencyMs: quick ? null : LATENCY_MS, pages, machine };

  // The main thread's time by script until the first page (a CPU profile, sampled every 1 ms).
  await cdpNet.cdp.send('Profiler.enable');
  await cdpNet.cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdpNet.cdp.send('Profiler.start');
  // TRACE=file: a Chrome trace of the cold start (chrome://tracing, or bench/trace-summary.mjs file).
  if (process.env.TRACE) await browser.startTracing(tab, { path: process.env.TRACE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'loading', 'toplevel', 'disabled-by-default-v8.compile'] });
  const faultsBefore = browserFaults();
  await tab.goto(`${base}/?code=${encodeURIComponent(code('Đại biểu'))}`);
  await firstInk(cdpNet.cdp);
  const coldFaults = browserFaults() - faultsBefore;
  const { profile } = await cdpNet.cdp.send('Profiler.stop');
  if (process.env.TRACE) await browser.stopTracing();
  report.mainThread = byScript(profile);
  log(`main thread until the first page, by script (ms, throttled time): ${report.mainThread.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const cold = await tab.evaluate(() => ({
    mark: performance.getEntriesByName('dais:first-page')[0]?.startTime ?? null,
    firstInk: window.__bench.firstInk,
    pdfjs: performance
      .getEntriesByType('resource')
      .filter((e) => /\/assets\/pdf/.test(e.name))
      .map((e) => ({ name: new URL(e.name).pathname, start: Math.round(e.startTime), end: Math.round(e.responseEnd) })),
    join: performance
      .getEntriesByType('resource')
      .filter((e) => /\/api\/v1\/join/.test(e.name))
      .map((e) => ({ start: Math.round(e.startTime), end: Math.round(e.responseEnd) }))[0] ?? null,
    document: performance
      .getEntriesByType('resource')
      .filter((e) => /\/documents\/[^/]+\/file/.test(e.name))
      .map((e) => ({ start: Math.round(e.startTime), end: Math.round(e.responseEnd) })),
  }));
  cold.marks = await tab.evaluate(() =>
    performance.getEntriesByType('mark').filter((m) => m.name.startsWith('dais:')).map((m) => `${m.name.slice(5)} ${Math.round(m.startTime)}`),
  );
  cold.resources = await tab.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => `${new URL(e.name).pathname.replace(/^\/api\/v1\/meetings\/[^/]+/, '…')} ${Math.round(e.startTime)}–${Math.round(e.responseEnd)}`),
  );
  report.coldStart = cold;
  // On screen: the later of the app's mark and the first frame with ink (work done in the task
  // that set the mark delays the frame that shows the page; the frame's time can be a little
  // before the mark).
  cold.onScreen = Math.max(cold.mark ?? 0, cold.firstInk);
  log(`cold start: first page on screen at ${ms(cold.onScreen)}: drawn at ${cold.mark !== null ? ms(cold.mark) : 'n/a (no mark)'} (mark), first frame with ink ${ms(cold.firstInk)}`);
  log(`  timeline (ms since navigation): ${cold.marks.join(', ')}`);
  cold.pageFaults = coldFaults;
  log(`  page faults in the browser's processes until then: ${coldFaults}`);
  log(`  requests: ${cold.resources.join(', ')}`);
  log(`  sign-in (POST /join) ${cold.join ? `${cold.join.start}–${cold.join.end} ms` : 'n/a'}; pdf.js files: ${cold.pdfjs.map((e) => `${e.name} ${e.start}–${e.end} ms`).join(', ')}`);

  // Let the service worker install and the offline copies finish, then count.
  const sw = await tab
    .waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', undefined, { timeout: 40_000, polling: 250 })
    .then(() => true, () => false);
  await tab.waitForFunction(() => document.querySelectorAll('.offline-docs li').length > 0 && document.querySelectorAll('.offline-docs li').length === document.querySelectorAll('.offline-docs .offline-tag').length, undefined, { timeout: 60_000, polling: 500 }).catch(() => log('the offline copies did not all finish in 60 s'));
  await tab.waitForTimeout(1000);
  report.newTablet = { appBytes: meter.app(), apiBytes: meter.api(), wsBytes: meter.ws, devtoolsAppBytes: cdpNet.bytes, serviceWorker: sw, files: meter.table(), devtools: cdpNet.rows };
  log(`new tablet: web app ${kb(meter.app())} sent by the server (DevTools, the page's own requests: ${kb(cdpNet.bytes)}); API incl. documents ${kb(meter.api())}; WebSocket ${kb(meter.ws)}; service worker ${sw ? 'active' : 'NOT active'}`);
  for (const r of meter.table()) log('   ', r);
  report.newTablet.documents = meter.table((r) => /\/documents\//.test(r.path));
  log('  documents:', report.newTablet.documents.join(', '));

  // A reload.
  meter.reset();
  cdpNet.reset();
  await tab.evaluate(() => (window.__bench.firstInk = 0));
  await tab.reload();
  await firstInk(cdpNet.cdp);
  const warm = await tab.evaluate(() => ({ mark: performance.getEntriesByName('dais:first-page')[0]?.startTime ?? null, firstInk: window.__bench.firstInk }));
  await tab.waitForTimeout(2000);
  const notIndex = (r) => Meter.kind(r.path) === 'app' && r.path !== '/' && r.path !== '/index.html';
  report.reload = {
    appBytes: meter.app(),
    otherThanIndex: meter.sum(notIndex),
    otherBodies: meter.rows.filter(notIndex).reduce((n, r) => n + r.body, 0),
    files: meter.table(),
    firstPage: warm,
  };
  log(`reload: web app ${kb(meter.app())} sent, ${meter.sum(notIndex)} B of it other than index.html (bodies ${report.reload.otherBodies} B); first page at ${warm.mark !== null ? ms(warm.mark) : ms(warm.firstInk)}`);
  for (const r of meter.table()) log('   ', r);

  // Page turns. The tablet's page is in front (a page behind gets no animation frames).
  await tab.bringToFront();
  await tab.waitForTimeout(1500);
  const hasCounters = await tab.evaluate(() => typeof window.daisRender === 'object');
  const counters = () => tab.evaluate(() => ({ ...(window.daisRender ?? {}) }));
  const next = async () => {
    const before = Number((await chair.locator('.page-no').first().textContent()).match(/Trang (\d+)/)[1]);
    await chair.getByRole('button', { name: 'Trang sau' }).click();
    await chair.locator('.page-no', { hasText: `Trang ${before + 1} /` }).first().waitFor();
    return before + 1;
  };
  // waitShown waits for page n on the tablet's canvas and keeps the counters of that moment (shownCounters).
  let shownCounters = null;
  const waitShown = (n) => tab.locator('.page-no', { hasText: `Trang ${n} /` }).waitFor().then(() =>
    tab.waitForFunction((n) => (window.daisRender ? window.daisRender.page === n : true), n, { polling: 20, timeout: 20_000 }).catch(async (err) => {
      log('the tablet did not show page', n, JSON.stringify(await counters()), 'frames', await tab.evaluate(() => window.__bench.frames.length));
      throw err;
    }).then(() => (shownCounters = counters())));
  const sample = async (f) => {
    await tab.evaluate(() => {
      window.__bench.frames = [];
      window.__benchSample = true;
    });
    const r = await f();
    await tab.waitForTimeout(400);
    const frames = await tab.evaluate(() => {
      window.__benchSample = false;
      return window.__bench.frames;
    });
    return { r, frames };
  };
  const judge = (frames) => {
    const inked = frames.filter((f) => f.ink > 0);
    const ref = inked.length ? Math.min(inked[0].ink, inked[inked.length - 1].ink) : 0;
    return { frames: frames.length, blank: frames.filter((f) => f.ink === 0).length, partial: frames.filter((f) => f.ink > 0 && f.ink < ref / 2).length };
  };

  // Idle: no render in flight (the pre-render of the next page done).
  const idle = () =>
    tab.waitForFunction(() => {
      const c = window.daisRender;
      return !c || c.drawn + c.prerendered + c.stale + c.cancelled + c.failed >= c.started; // (a render cancelled too late counts twice)
    }, undefined, { polling: 50, timeout: 30_000 }).then(() => tab.waitForTimeout(300));
  const turns = [];
  for (let i = 0; i < TURNS; i++) {
    await idle();
    const c0 = await counters();
    const { r: n, frames } = await sample(async () => {
      const n = await next();
      await waitShown(n);
      return n;
    });
    const c1 = await counters();
    const j = judge(frames);
    const t = { page: n, ...j, latency: hasCounters ? c1.lastShowAt - c1.lastWantAt : null, fromKept: hasCounters ? c1.hits - c0.hits : null, drawn: hasCounters ? c1.drawn - c0.drawn : null };
    turns.push(t);
    log(`turn to page ${n}: ${j.frames} frames sampled, ${j.blank} blank, ${j.partial} partial; ${hasCounters ? `shown ${ms(t.latency)} after the event, ${t.fromKept ? 'pre-rendered' : 'rendered'}` : 'no render counters in this build'}`);
    await tab.waitForTimeout(2500); // idle: the next page is pre-rendered
  }

  // The fast flip: the chair sends a page every FLIP_GAP ms (a held key),
  // through its go-to-page box, from a loop in its own page (no round trip
  // to this script between two turns).
  const from = Number((await chair.locator('.page-no').first().textContent()).match(/Trang (\d+)/)[1]);
  let flipGaps = [];
  await idle();
  const c0 = await counters();
  const { r: last, frames } = await sample(async () => {
    const sent = await chair.evaluate(
      async ({ from, flips, gap }) => {
        const box = document.querySelector('form.goto input');
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        const at = [];
        for (let n = from + 1; n <= from + flips; n++) {
          box.value = String(n);
          box.dispatchEvent(new Event('input', { bubbles: true }));
          await tick(); // the form reads the value from its state, set by the input
          box.form.requestSubmit();
          at.push(performance.now());
          if (n < from + flips) await new Promise((r) => setTimeout(r, gap));
        }
        return { total: performance.now() - t0, gaps: at.slice(1).map((t, i) => Math.round(t - at[i])) };
      },
      { from, flips: FLIP, gap: FLIP_GAP },
    );
    // The tablet's scheduler takes turns closer than 300 ms for a flip; on a loaded machine the chair's
    // own page may send them further apart, and a pause that long lets the tablet pre-render (counted).
    log(`the chair sent ${FLIP} turns in ${Math.round(sent.total)} ms (gaps ${sent.gaps.join(', ')} ms)`);
    flipGaps = sent.gaps;
    await waitShown(from + FLIP);
    return from + FLIP;
  });
  const c1 = await shownCounters;
  const j = judge(frames);
  const d = (k) => (hasCounters ? c1[k] - c0[k] : null);
  const flip = { pages: FLIP, last, gaps: flipGaps, ...j, started: d('started'), drawn: d('drawn'), cancelled: d('cancelled'), stale: d('stale'), prerendered: d('prerendered'), fromKept: d('hits') };
  flip.renders = hasCounters ? flip.drawn + flip.stale + flip.prerendered : null;
  log(`fast flip of ${FLIP} pages to page ${last}: ${j.frames} frames, ${j.blank} blank, ${j.partial} partial; renders completed ${flip.renders} (drawn ${flip.drawn}, stale ${flip.stale}, pre-rendered ${flip.prerendered}), started ${flip.started}, cancelled ${flip.cancelled}, shown from a kept page ${flip.fromKept}`);
  report.turns = turns;
  report.flip = flip;

  // The figures against issue 17's targets.
  const first = cold.onScreen;
  const blank = turns.reduce((n, t) => n + t.blank, 0) + flip.blank;
  const rows = [
    ['cold start to the first page drawn', `${ms(first)}`, first <= 1200, '≤ 1.2 s'],
    ['bytes of the web app to a new tablet', kb(report.newTablet.appBytes), report.newTablet.appBytes <= 600_000, '≤ 0.6 MB'],
    ['reload: bytes other than index.html', `${report.reload.otherThanIndex} B (bodies ${report.reload.otherBodies} B)`, report.reload.otherBodies === 0, '0'],
    ['blank frames on a page turn', `${blank} (partial ${turns.reduce((n, t) => n + t.partial, 0) + flip.partial})`, blank === 0, '0'],
    ['renders per fast flip', hasCounters ? String(flip.renders) : 'n/a', hasCounters && flip.renders <= 1, '≤ 1'],
  ];
  report.summary = rows.map(([what, got, ok, target]) => ({ what, got, target, met: ok }));
  console.log(`\nCPU ${CPU_RATE}× throttled${quick ? '' : `, ${MBIT} Mbit/s, ${LATENCY_MS} ms`}:`);
  for (const [what, got, ok, target] of rows) console.log(`  ${what.padEnd(40)} ${got.padEnd(28)} target ${target.padEnd(9)} ${quick ? '' : ok ? 'met' : 'MISSED'}`);
  if (process.env.OUT) {
    writeFileSync(process.env.OUT, JSON.stringify(report, null, 2));
    log(`report written to ${process.env.OUT}`);
  }
  if (quick) {
    // The functional check: the app drew its first page, the service worker
    // took over, and a fast flip showed its last page.
    if (!(first > 0) || !sw || !hasCounters || flip.drawn < 1) throw new Error('the quick check failed');
  }
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error('[bench] FAIL', err?.stack ?? err);
  code = 1;
} finally {
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
