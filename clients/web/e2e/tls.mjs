// The TLS scenario (issue 11, "TLS"): daisd -tls-self-signed on a room's
// LAN. The node prints its room authority's fingerprint; a browser that
// trusts the node's certificate (here: Chromium told the certificate's key,
// as a tablet that installed /dais-ca.pem would trust it) opens the app
// over HTTPS, signs in, gets HSTS and the Content-Security-Policy, and the
// service worker — which browsers register only on a trusted secure origin
// — takes control, so that the app starts again with the network gone.

import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export async function tlsScenario(bin, ctx) {
  const { step, log, tmp, freePort, stop, cleanups, watchCSP, T } = ctx;
  const port = await freePort();
  const data = path.join(tmp, 'tls');
  mkdirSync(data);
  const proc = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', data, '-demo', '-tls-self-signed', '-log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => stop(proc));
  let out = '';
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daisd printed no codes in 60 s:\n${out}`)), 60_000);
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/^(\S+)\s+Đại biểu\s+.*\?code=(\S+)\s*$/m);
      if (m && /SHA-256: [0-9A-F:]{95}/.test(out)) {
        clearTimeout(timer);
        resolve(m[2]);
      }
    });
    proc.on('exit', (c) => reject(new Error(`daisd exited with ${c}:\n${out}`)));
  });
  const base = `https://127.0.0.1:${port}`;
  log(`daisd (tls) on ${base}`);

  // What a tablet checks: the printed fingerprint is the authority's.
  const ca = new X509Certificate(readFileSync(path.join(data, 'tls', 'ca.pem')));
  const leaf = new X509Certificate(readFileSync(path.join(data, 'tls', 'cert.pem')));
  const spki = createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: !process.env.E2E_HEADFUL,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic', `--ignore-certificate-errors-spki-list=${spki}`],
  });
  cleanups.push(() => browser.close());

  await step('tls: the node prints its authority\'s fingerprint and signs the certificate it serves', async () => {
    if (!out.includes(`SHA-256: ${ca.fingerprint256}`)) throw new Error(`the printed fingerprint is not ${ca.fingerprint256}`);
    if (!leaf.verify(ca.publicKey)) throw new Error('the served certificate is not signed by the printed authority');
  });

  await step('tls: over HTTPS the app signs in, with HSTS and the CSP, and its service worker takes control (offline start)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    page.setDefaultTimeout(T);
    watchCSP(page);
    const res = await page.goto(`${base}/?code=${encodeURIComponent(code)}`);
    const h = res.headers();
    if (!h['strict-transport-security']) throw new Error('no HSTS over HTTPS');
    if (!/frame-ancestors 'none'/.test(h['content-security-policy'] ?? '')) throw new Error(`CSP: ${h['content-security-policy']}`);
    await page.getByRole('heading', { name: 'Chương trình hội nghị' }).waitFor();
    const active = await page.evaluate(() =>
      Promise.race([navigator.serviceWorker.ready.then((r) => !!r.active), new Promise((r) => setTimeout(() => r(false), 15000))]),
    );
    if (!active) throw new Error('the service worker did not become active over HTTPS');
    // Reloaded with the network gone, the worker starts the app.
    await page.reload();
    await page.getByRole('heading', { name: 'Chương trình hội nghị' }).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.locator('#app *').first().waitFor();
    await context.setOffline(false);
    await context.close();
  });
}
