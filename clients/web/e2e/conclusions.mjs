// Issue 13, part 4 in the browser: conclusions and the follow-up of their
// tasks, on daisd -demo (which seeds a published conclusion, 01-KL/TU, of
// the demo meeting's first item, with two tasks: a member's due in two
// weeks and a unit's late since yesterday). The office's administrator is
// made through the first-run API and is the member's account:
//
//   1. On the account's home, "Theo dõi nhiệm vụ" counts the committee's
//      tasks (1 open, 1 late, 0 done) and shows the late one in red.
//   2. In "Nhiệm vụ được giao cho đồng chí" the member reports their task
//      done with a PDF attached; the dashboard then counts 0 open, 1 late,
//      1 done, and the attachment and the PDF report download as PDFs.
//   3. The node has a signing certificate (made here with openssl): under
//      "Ký số kết luận, nghị quyết" the administrator (staff) signs
//      01-KL/TU with it; the line names the signer and the signed copy
//      downloads as a PDF with a signature.
//   (In step 1 a delegate's tablet of the demo meeting, signed in by its
//   code, lists 01-KL/TU under "Kết luận, nghị quyết".)
//   Between 1 and 2, the archive: the demo meeting's archive is written as
//   an operator does (dais archive -from the node's -internal-listen, its
//   task still open), brought back into a fresh data folder (dais archive
//   import: the web client has no import, an operator runs it on a stopped
//   node's folder) and served by a second daisd. There, at 820×1180 and
//   390×844, the dashboard lists both tasks apart as imported, counted in
//   none of open/late/done, and the member's own list says the conclusion
//   is read only and has no report form. ($DAIS: a built dais, else built.)

import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFresh, totp } from './firstrun.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// dais runs the operator's command line (built from the repository unless
// $DAIS names one) and resolves with what it printed.
let daisBin = process.env.DAIS ?? '';
async function dais(tmp, log, args) {
  if (!daisBin) {
    daisBin = path.join(tmp, 'dais');
    log('building dais…');
    await promisify(execFile)('go', ['build', '-o', daisBin, './cmd/dais'], { cwd: repo, env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' } });
  }
  const { stdout } = await promisify(execFile)(daisBin, args);
  return stdout;
}

// makeAdministrator makes the office's administrator huong through the
// first-run API (page, on the node, is then signed in as huong) and links
// the person (as the people API lists it) to the account; person picks
// them from the node once signed in.
async function makeAdministrator(page, setupSecret, person) {
  const { secret } = await page.evaluate(async () => {
    const r = await fetch('/api/v1/setup/enrolment', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'huong' }) });
    return r.json();
  });
  const status = await page.evaluate(
    async ([setup, secret, code]) => {
      const r = await fetch('/api/v1/setup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ setup_secret: setup, id: 'huong', name: 'Nguyễn Thị Hương', password: 'mật khẩu của Hương 2026', totp_secret: secret, totp_code: code }),
      });
      return r.status;
    },
    [setupSecret, secret, totp(secret)],
  );
  if (status !== 201) throw new Error(`POST /api/v1/setup answered ${status}`);
  const p = await person();
  const linked = await page.evaluate(async (p) => {
    const body = { name: p.name, title: p.title, unit: p.unit, email: p.email, account: 'huong' };
    const r = await fetch('/api/v1/people/' + p.id, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return r.status;
  }, p);
  if (linked !== 200) throw new Error(`linking the person: ${linked}`);
  return p;
}

// served is the address the browser uses for daisd on port: daisd itself
// when it serves this client, else the script's proxy in front of it.
async function served(port, { freePort, startProxy, cleanups }) {
  const base = `http://127.0.0.1:${port}`;
  const index = await fetch(base + '/').then((r) => r.text()).catch(() => '');
  if (index.includes('id="app"') && process.env.E2E_PROXY !== '1') return base;
  const proxyPort = await freePort();
  const proxy = await startProxy(proxyPort, port);
  cleanups.push(() => {
    proxy.closeAllConnections();
    return new Promise((r) => proxy.close(() => r()));
  });
  return `http://127.0.0.1:${proxyPort}`;
}

// startDemo starts daisd -demo and resolves once it printed the setup
// secret and the conclusion it seeded.
function startDemo(bin, port, data, extra = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', data, '-demo', '-log-level', 'warn', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`daisd printed no setup secret and conclusion in 60 s:\n${out}\n${err}`)), 60_000);
    p.stdout.on('data', (b) => {
      out += b;
      const secret = /setup secret: (\S+)/.exec(out);
      const concl = /Kết luận \/ conclusion: (\S+)/.exec(out);
      // A delegate's sign-in code of the demo meeting (printed after the conclusion).
      const delegate = /^(\S+)\s+Đại biểu\s.*\?code=(\S+)\s*$/m.exec(out);
      if (secret && concl && delegate) {
        clearTimeout(timer);
        resolve({ proc: p, secret: secret[1], conclusion: concl[1], delegate: delegate[2] });
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

export async function conclusionsScenario(bin, browser, h) {
  const { step, log, shot, tmp, freePort, stop, cleanups, testPDF } = h;
  const port = await freePort();
  const data = path.join(tmp, 'conclusions');
  mkdirSync(data);
  // The node's signing certificate (self-signed: the signature is shown
  // as not verified against a root, which is what a node without
  // -sign-roots says).
  const keys = path.join(tmp, 'conclusions-keys');
  mkdirSync(keys);
  const certFile = path.join(keys, 'cert.pem');
  const keyFile = path.join(keys, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '30', '-utf8', '-subj', '/CN=Văn phòng Tỉnh ủy Thử nghiệm'], { stdio: 'ignore' });
  chmodSync(keyFile, 0o600);
  // The operators' listener, for the meeting's archive (dais archive -from).
  const internal = await freePort();
  const srv = await startDemo(bin, port, data, ['-sign-cert', certFile, '-sign-key', keyFile, '-internal-listen', `127.0.0.1:${internal}`]);
  cleanups.push(() => stop(srv.proc));
  const base = await served(port, h);
  log(`daisd (conclusions) on ${base}; conclusion ${srv.conclusion}`);
  const ctx = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  cleanups.push(() => ctx.close());
  const page = await ctx.newPage();
  await page.goto(base + '/');
  let member = null; // the demo member with a task, huong's person, and the task's meeting

  const ready = await step('issue 13 (4): the administrator (made by the first-run API) is the demo member with a task; the home shows Theo dõi nhiệm vụ with the late task in red', async () => {
    // The member of the demo's first task becomes the administrator's person.
    member = await makeAdministrator(page, srv.secret, () =>
      page.evaluate(async () => {
        const d = await (await fetch('/api/v1/tasks/dashboard')).json();
        const t = d.committees[0].tasks.find((x) => x.assignee.kind === 'person');
        const people = (await (await fetch('/api/v1/people')).json()).people;
        return { ...people.find((x) => x.id === t.assignee.person), meeting: t.meeting };
      }),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Theo dõi nhiệm vụ' }).waitFor();
    await page.getByText('Đang thực hiện: 1 · Quá hạn: 1 · Hoàn thành: 0').waitFor();
    const late = page.locator('tr.task-late');
    await late.getByText('Tổ chức quán triệt, tuyên truyền nội dung kết luận').waitFor();
    const colour = await late.locator('td').first().evaluate((el) => getComputedStyle(el).color);
    if (colour !== 'rgb(161, 29, 29)') throw new Error(`the late task is drawn in ${colour}, not red`);
    await late.getByText('Kết luận số 01-KL/TU').waitFor();
    await shot(page, 'tasks-dashboard');
    // A delegate's tablet of the demo meeting lists the published conclusion under its agenda.
    const tctx = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', viewport: { width: 1280, height: 800 } });
    cleanups.push(() => tctx.close());
    const tablet = await tctx.newPage();
    await tablet.goto(`${base}/?code=${encodeURIComponent(srv.delegate)}`);
    const listed = tablet.locator('section', { has: tablet.getByRole('heading', { name: 'Kết luận, nghị quyết' }) });
    await listed.getByText('Kết luận số 01-KL/TU').waitFor();
    await listed.getByRole('button', { name: 'Mở bản PDF: Kết luận số 01-KL/TU' }).waitFor();
    await shot(tablet, 'tablet-conclusions');
    await tctx.close();
  });

  // Before the report, while the member's task is open: the meeting's
  // archive, imported into a fresh node (the second daisd is stopped at the
  // end of the step).
  if (ready) await step('archive: the demo meeting written by dais archive and brought back by dais archive import on a fresh node; at 820×1180 and 390×844 its tasks are apart as imported, counted nowhere, and the member’s own list says read only with no report form', async () => {
    const file = path.join(tmp, 'demo.dais-archive');
    const wrote = await dais(tmp, log, ['archive', '-from', `http://127.0.0.1:${internal}`, '-o', file, member.meeting]);
    if (!/ 1 conclusions, .*; verified/.test(wrote)) throw new Error(`dais archive: ${wrote}`);
    const data2 = path.join(tmp, 'conclusions-imported'); // made by the import
    const imported = await dais(tmp, log, ['archive', 'import', '-data', data2, file]);
    if (!/^1 conclusions imported with their chain \(0 held already\)$/m.test(imported)) throw new Error(`dais archive import: ${imported}`);
    const port2 = await freePort();
    const srv2 = await startFresh(bin, port2, data2);
    cleanups.push(() => stop(srv2.proc));
    const base2 = await served(port2, h);
    const actx = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', viewport: { width: 820, height: 1180 } });
    cleanups.push(() => actx.close());
    const ap = await actx.newPage();
    await ap.goto(base2 + '/');
    // The office of the restored node registers the member again, with
    // their id in the archived conclusion, as huong's person.
    await makeAdministrator(ap, srv2.secret, async () => member);
    const title = 'Hoàn thiện đề án, trình Ban Thường vụ Tỉnh ủy';
    for (const [width, height] of [[820, 1180], [390, 844]]) {
      await ap.setViewportSize({ width, height });
      await ap.reload();
      const at = `at ${width}×${height}`;
      const board = ap.locator('section.follow-up');
      await board.getByRole('heading', { name: 'Theo dõi nhiệm vụ' }).waitFor();
      await board.getByText('Đang thực hiện: 0 · Quá hạn: 0 · Hoàn thành: 0').waitFor();
      // The counted table is empty; both tasks are in the imported one.
      const counted = await board.locator('.follow-committee > table.tasks tbody tr').count();
      if (counted !== 0) throw new Error(`${at} the counted table has ${counted} rows, want 0`);
      const apart = board.locator('.follow-imported');
      await apart.getByRole('heading', { name: 'Nhiệm vụ của kết luận khôi phục từ bản lưu trữ — chỉ để xem, không tính vào số liệu trên (2)' }).waitFor();
      const row = apart.locator('tr', { hasText: title });
      await row.getByText('Chưa xong khi lưu trữ').waitFor();
      await row.getByText('Kết luận số 01-KL/TU').waitFor();
      await apart.locator('tr', { hasText: 'Tổ chức quán triệt, tuyên truyền nội dung kết luận' }).getByText('Chưa xong khi lưu trữ').waitFor();
      // The member's own list: the hint, on screen, and no report form.
      const mine = ap.locator('section.my-tasks');
      await mine.getByRole('heading', { name: 'Nhiệm vụ được giao cho đồng chí' }).waitFor();
      const item = mine.locator('li', { hasText: title });
      const hint = item.getByText('Kết luận này được khôi phục từ bản lưu trữ: chỉ để xem, không báo cáo tiến độ tại đây.');
      await hint.scrollIntoViewIfNeeded();
      const box = await hint.boundingBox();
      if (!box || box.x < 0 || box.x + box.width > width) throw new Error(`${at} the hint lies at ${JSON.stringify(box)}, outside the ${width} px width`);
      const forms = await mine.locator('form').count() + await ap.getByRole('form', { name: `Báo cáo tiến độ: ${title}` }).count();
      if (forms !== 0) throw new Error(`${at} the member's list has a report form`);
      if (await mine.getByRole('button', { name: 'Gửi báo cáo' }).count()) throw new Error(`${at} the member's list has a send button`);
      await shot(ap, `archive-imported-tasks-${width}`);
    }
    await actx.close();
    await stop(srv2.proc);
  });

  if (ready) await step('issue 13 (4): the member reports the task done with a PDF; the dashboard counts it done, the late one stays; the attachment and the report are PDFs', async () => {
    const form = page.getByRole('form', { name: 'Báo cáo tiến độ: Hoàn thiện đề án, trình Ban Thường vụ Tỉnh ủy' });
    await form.getByLabel('Đã hoàn thành').check();
    await form.getByLabel('Nội dung báo cáo').fill('Đã hoàn thiện đề án và trình Ban Thường vụ.');
    await form.getByLabel('Tệp đính kèm (PDF)').setInputFiles({ name: 'Báo cáo kết quả.pdf', mimeType: 'application/pdf', buffer: testPDF(2) });
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await page.getByText('Đang thực hiện: 0 · Quá hạn: 1 · Hoàn thành: 1').waitFor();
    await page.locator('tr.task-done', { hasText: 'Hoàn thiện đề án, trình Ban Thường vụ Tỉnh ủy' }).waitFor();
    const link = page.getByRole('link', { name: 'Tệp: Báo cáo kết quả' });
    await link.waitFor();
    const files = await page.evaluate(async (href) => {
      const a = await fetch(href);
      const b = await fetch('/api/v1/tasks/dashboard.pdf?lang=vi');
      return [a.status, a.headers.get('content-type'), (await a.arrayBuffer()).byteLength, b.status, b.headers.get('content-type'), (await b.arrayBuffer()).byteLength];
    }, await link.getAttribute('href'));
    if (files[0] !== 200 || files[1] !== 'application/pdf' || files[3] !== 200 || files[4] !== 'application/pdf' || files[5] < 1000) {
      throw new Error(`the attachment and the report: ${JSON.stringify(files)}`);
    }
    await shot(page, 'tasks-reported');
  });

  if (ready) await step('issue 13 (4): the administrator signs 01-KL/TU with the server certificate under Ký số kết luận, nghị quyết; the signed copy is a signed PDF', async () => {
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Ký số kết luận, nghị quyết' }) });
    await panel.getByText('Kết luận số 01-KL/TU').waitFor();
    await panel.getByText('Chưa ký số.').waitFor();
    await panel.getByRole('button', { name: 'Ký số bằng chứng thư của máy chủ: Kết luận số 01-KL/TU' }).click();
    await panel.getByText('Đã ký số Kết luận số 01-KL/TU.').waitFor();
    await panel.getByText(/Đã ký số: Văn phòng Tỉnh ủy Thử nghiệm/).waitFor();
    const link = panel.getByRole('link', { name: 'Bản đã ký (PDF)' });
    await link.waitFor();
    const got = await page.evaluate(async (href) => {
      const r = await fetch(href);
      const b = new Uint8Array(await r.arrayBuffer());
      return [r.status, r.headers.get('content-type'), new TextDecoder('latin1').decode(b).includes('/ByteRange')];
    }, await link.getAttribute('href'));
    if (got[0] !== 200 || got[1] !== 'application/pdf' || !got[2]) throw new Error(`the signed copy: ${JSON.stringify(got)}`);
    await shot(page, 'conclusion-signed');
  });
  await ctx.close();
}
