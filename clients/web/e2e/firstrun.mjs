// The first-run scenario (issue 16 item 6, issue 11 "Accounts"): a fresh
// daisd with no account prints a setup link; in the browser the first-run
// page creates the administrator (the test reads the TOTP key the page
// shows and computes the code, RFC 6238); the page is then gone (a second
// administrator is refused, also with the right secret); the administrator
// creates the first meeting in the browser and the workspace says what
// publishing does; the accounts page adds a staff account and disables it
// (the note says no open meeting session ended with it), and again at a
// tablet's (820×1180) and a phone's (390×844) size, the note on screen.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** totp is RFC 6238's six-digit code of a base32 key at time t (ms). */
export function totp(base32, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 1000 / 30)));
  const h = createHmac('sha1', key).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// startFresh starts daisd with no seed (and any extra flags) and resolves
// with the setup secret it prints.
export function startFresh(bin, port, data, extra = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', data, '-log-level', 'warn', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`daisd printed no setup secret in 60 s:\n${out}\n${err}`)), 60_000);
    p.stdout.on('data', (b) => {
      out += b;
      const m = /setup secret: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc: p, secret: m[1], out });
      }
    });
    p.stderr.on('data', (b) => {
      err += b;
      if (process.env.E2E_VERBOSE) process.stderr.write(b);
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daisd exited with ${code}:\n${out}\n${err}`));
    });
  });
}

export async function firstRunScenario(bin, browser, h) {
  const { step, log, shot, tmp, freePort, startProxy, stop, cleanups, watchCSP, audit, audits, T } = h;
  const port = await freePort();
  const data = path.join(tmp, 'first-run');
  mkdirSync(data);
  const srv = await startFresh(bin, port, data);
  cleanups.push(() => stop(srv.proc));
  let base = `http://127.0.0.1:${port}`;
  const index = await fetch(base + '/').then((r) => r.text()).catch(() => '');
  if (!index.includes('id="app"') || process.env.E2E_PROXY === '1') {
    const proxyPort = await freePort();
    const proxy = await startProxy(proxyPort, port);
    cleanups.push(() => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(() => r()));
    });
    base = `http://127.0.0.1:${proxyPort}`;
  }
  log(`daisd (first run) on ${base}; setup link printed: ${/first run: \S+/.test(srv.out)}`);

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(T);
  watchCSP?.(page);
  page.on('pageerror', (e) => log('page error:', e.message));
  const title = 'Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12';

  const created = await step('first run: a fresh daisd prints a setup link; the page creates the administrator with a TOTP code', async () => {
    if (!srv.out.includes('#setup=' + srv.secret)) throw new Error(`no first-run link in: ${srv.out}`);
    await page.goto(`${base}/#setup=${srv.secret}`);
    await page.getByRole('heading', { name: 'Thiết lập lần đầu' }).waitFor();
    if ((await page.getByLabel('Mã thiết lập', { exact: false }).inputValue()) !== srv.secret) throw new Error('the setup secret is not filled in from the link');
    await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hương');
    if ((await page.getByLabel('Tên đăng nhập').inputValue()) !== 'huong') throw new Error('no login name suggested from the name');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('Văn phòng Tỉnh ủy 2026');
    await page.getByLabel('Nhập lại mật khẩu').fill('Văn phòng Tỉnh ủy 2026');
    await audit(page, 'first-run page');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.getByRole('img', { name: 'Mã QR của khóa xác thực' }).waitFor();
    const key = (await page.locator('code.totp-key').innerText()).replace(/\s+/g, '');
    await shot(page, 'first-run-totp');
    await page.getByLabel('Mã xác thực', { exact: false }).fill(totp(key));
    await page.getByRole('button', { name: 'Tạo quản trị viên' }).click();
    await page.getByText('Xin chào, Nguyễn Thị Hương').waitFor();
    if (new URL(page.url()).hash.includes('setup')) throw new Error('the setup secret stayed in the address bar');
    await page.getByRole('heading', { name: 'Quản lý tài khoản' }).waitFor();
    await audit(page, 'staff home and accounts page');
  });

  await step('first run: the page is gone; a second administrator is refused, even with the secret', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const p2 = await other.newPage();
    p2.setDefaultTimeout(T);
    await p2.goto(`${base}/#setup=${srv.secret}`);
    await p2.getByText('Máy chủ đã được thiết lập').waitFor();
    if (await p2.getByRole('heading', { name: 'Thiết lập lần đầu' }).count()) throw new Error('the first-run page is still shown');
    const r = await p2.evaluate(async (secret) => {
      const res = await fetch('/api/v1/setup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ setup_secret: secret, id: 'eve', name: 'Eve', password: 'a long password', totp_secret: 'JBSWY3DPEHPK3PXP', totp_code: '123456' }),
      });
      return res.status;
    }, srv.secret);
    if (r !== 404) throw new Error(`POST /api/v1/setup after the set-up answered ${r}, want 404`);
    await other.close();
  });

  if (created) await step('first run: the administrator creates the first meeting in the browser; the workspace says what publishing does', async () => {
    await page.getByLabel('Tên hội nghị').fill(title);
    await page.getByLabel('Thời gian bắt đầu').fill('2026-12-15T08:00');
    await page.getByLabel('Địa điểm').fill('Hội trường Tỉnh ủy');
    await shot(page, 'first-run-office');
    await page.getByRole('button', { name: 'Tạo hội nghị' }).click();
    await page.locator('.topbar', { hasText: title }).waitFor();
    await page.getByRole('button', { name: 'Công bố hội nghị' }).waitFor();
    await page.getByText('Công bố là chốt bản nháp cho ngày họp').waitFor();
    await shot(page, 'first-run-workspace');
  });

  if (created) await step('first run: signed out of the meeting, the administrator is back home, adds a staff account and disables it', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).first().click();
    await page.getByRole('button', { name: `Mở hội nghị ${title}` }).waitFor();
    await page.locator('#aa-name').fill('Trần Văn Bình');
    await page.locator('#aa-id').fill('binh');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByText('Đã tạo binh. Mật khẩu đầu tiên (chỉ hiện một lần):').waitFor();
    await page.getByRole('cell', { name: 'Mật khẩu (chưa đăng ký mã xác thực)' }).waitFor();
    // Disabling ends the meeting sessions the account opened; the server
    // says how many (sessions_ended) and the page says it in its live region.
    await page.getByRole('row', { name: /binh/ }).getByRole('button', { name: 'Khóa', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã khóa tài khoản Trần Văn Bình (binh); không có phiên họp nào đang mở.' }).waitFor();
    await page.getByRole('row', { name: /binh/ }).getByRole('cell', { name: 'Đã khóa', exact: true }).waitFor();
  });
  // The same at a tablet's and a phone's size: each disables an account of
  // its own there, and the note is on screen, readable, and the page is no
  // wider than the screen.
  if (created) await step('first run: at 820×1180 and 390×844 the accounts page disables an account; the note is within the screen’s width and readable', async () => {
    for (const [width, height, name, id] of [[820, 1180, 'Lê Văn Cường', 'cuong'], [390, 844, 'Phạm Thị Dung', 'dung']]) {
      const at = `at ${width}×${height}`;
      await page.setViewportSize({ width, height });
      await page.locator('#aa-name').fill(name);
      await page.locator('#aa-id').fill(id);
      await page.getByRole('button', { name: 'Thêm', exact: true }).click();
      await page.getByText(`Đã tạo ${id}. Mật khẩu đầu tiên (chỉ hiện một lần):`).waitFor();
      const row = page.getByRole('row', { name: new RegExp(id) });
      await row.getByRole('button', { name: 'Khóa', exact: true }).click();
      const note = page.getByRole('status').filter({ hasText: `Đã khóa tài khoản ${name} (${id}); không có phiên họp nào đang mở.` }).locator('p.notice');
      await note.waitFor();
      await row.getByRole('cell', { name: 'Đã khóa', exact: true }).waitFor();
      await note.scrollIntoViewIfNeeded();
      const got = await note.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const css = getComputedStyle(el);
        return {
          page: document.documentElement.scrollWidth,
          inner: window.innerWidth,
          left: r.left,
          right: r.right,
          top: r.top,
          bottom: r.bottom,
          clipped: el.scrollWidth > el.clientWidth,
          font: parseFloat(css.fontSize),
          hidden: css.visibility !== 'visible' || Number(css.opacity) < 1,
        };
      });
      if (got.page > got.inner) throw new Error(`${at} the page is ${got.page} px wide for a ${got.inner} px screen`);
      if (got.left < 0 || got.right > got.inner || got.top < 0 || got.bottom > height) throw new Error(`${at} the note lies outside the screen: ${JSON.stringify(got)}`);
      if (got.clipped || got.hidden || got.font < 14) throw new Error(`${at} the note is not readable: ${JSON.stringify(got)}`);
      await shot(page, `first-run-disabled-${width}`);
    }
  });
  await step('first run: no serious or critical axe violations on the first-run page and the staff home', async () => {
    const problems = [];
    for (const name of ['first-run page', 'staff home and accounts page']) {
      const a = audits.get(name);
      if (!a) problems.push(`${name}: not audited`);
      else if (a.error) problems.push(`${name}: the audit failed: ${a.error}`);
      else for (const v of a.violations) problems.push(`${name}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(' | ')}`);
    }
    if (problems.length) throw new Error(problems.join('; '));
  });
  await ctx.close();
}
