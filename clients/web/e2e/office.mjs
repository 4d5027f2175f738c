// Between meetings (issue 13), in the browser on a fresh daisd whose
// reminders go to an SMTP server this script runs: the first administrator
// (TOTP) adds the members' accounts, the people and the standing committee
// (Ban Thường vụ) with its chair; makes the committee's weekly meeting,
// where one member is recorded absent with an approved reason and a
// substitute is seated; drafts a written consultation, which the chair
// approves; three members answer — one on a tablet, one in a phone-sized
// window, the chair at a desk — and the office reminds the others: the
// e-mails caught here go exactly to the two who did not answer, their
// subject Vietnamese once MIME-decoded, and the link in one of them brings
// the consultation into view for its reader; the chair, on a tablet
// (820×1180), closes it; the result and the summary PDF (pdftotext) give the
// counts; the chair signs the summary on the home with the node's
// certificate (made here with openssl, its own trust anchor) and the signed
// copy is checked (a PDF with /ByteRange and /Contents, the server's record
// report: valid, unchanged, trusted, the bytes downloaded; pdfsig agrees),
// the signed summary's screen also at 390×844. Then a conclusion of the
// meeting's item with two tasks: drafted in the workspace, approved (and
// numbered) by the chair on the home, published; one task reported done
// with a PDF from the tablet, the other (due yesterday) late in red on the
// office's follow-up. Then a draft for comment: opened in the workspace,
// commented on from the tablet (a page, a marked region), replaced by
// version 2, and the two versions compared on the tablet; with 24 more
// versions (26) the row of version buttons wraps within the window at
// 820×1180 and 390×844.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { startFresh, totp } from './firstrun.mjs';

// startSMTP is a small SMTP server (RFC 5321, no TLS, no AUTH: daisd runs
// with -smtp-security none) that keeps every message it is given:
// {from, to: [addresses], data}. waitFor(n) resolves once n have arrived.
export function startSMTP() {
  const messages = [];
  const waiters = [];
  const server = net.createServer((sock) => {
    sock.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let cur = { from: '', to: [], data: '' };
    const say = (s) => sock.write(s + '\r\n');
    say('220 catcher.test ESMTP');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end + 2).replace(/^\.\./gm, '.');
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(cur);
          cur = { from: '', to: [], data: '' };
          say('250 2.0.0 queued');
          for (const w of waiters.splice(0)) w();
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') say('250-catcher.test\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (verb === 'HELO') say('250 catcher.test');
        else if (verb === 'MAIL') {
          cur.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          cur.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') {
          cur = { from: '', to: [], data: '' };
          say('250 ok');
        } else if (verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') {
          say('221 bye');
          sock.end();
        } else say('502 5.5.1 not implemented');
      }
    });
    sock.on('error', () => {});
  });
  const waitFor = (n, ms) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${messages.length} e-mails caught in ${ms} ms, want ${n}`)), ms);
      const check = () => {
        if (messages.length >= n) {
          clearTimeout(t);
          resolve(messages);
        } else waiters.push(check);
      };
      check();
    });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, messages, waitFor })));
}

const bytesToUTF8 = (bytes) => Buffer.from(bytes).toString('utf8');

/** decodeQP decodes quoted-printable text (RFC 2045) as UTF-8. */
export function decodeQP(s) {
  const flat = s.replace(/=\r?\n/g, '');
  const out = [];
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] === '=' && /^[0-9A-F]{2}$/i.test(flat.slice(i + 1, i + 3))) {
      out.push(parseInt(flat.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(flat[i], 'utf8'));
  }
  return bytesToUTF8(out);
}

/** decodeHeader unfolds a header value and decodes its RFC 2047 encoded words (Q and B). */
export function decodeHeader(v) {
  return v
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1') // white space between encoded words is dropped
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _cs, enc, text) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQP(text.replace(/_/g, ' ')),
    );
}

/** parseMail splits a message into its decoded headers and its body (quoted-printable decoded when so marked). */
export function parseMail(data) {
  const cut = data.indexOf('\r\n\r\n');
  const head = data.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = data.slice(cut + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) body = decodeQP(body);
  return { headers, subject: decodeHeader(headers.subject ?? ''), body };
}

// textPDF returns a one-page PDF whose lines are set in Helvetica (Latin-1:
// what the server's comparison reads without a ToUnicode map).
export function textPDF(lines) {
  const esc = (t) => t.replace(/[\\()]/g, (c) => '\\' + c);
  const content = `BT /F1 14 Tf 60 760 Td 20 TL ${lines.map((l) => `(${esc(l)}) '`).join(' ')} ET`;
  const objs = [
    null,
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  for (let i = 1; i < objs.length; i++) {
    offsets[i] = out.length;
    out += `${i} 0 obj\n${objs[i]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objs.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objs.length; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// localInput writes a time as a datetime-local input wants it (the browser's zone: this machine's).
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function officeScenario(bin, browser, h) {
  const { step, log, shot, tmp, freePort, startProxy, stop, cleanups, watchCSP, audit, audits, T, testPDF } = h;
  const smtp = await startSMTP();
  cleanups.push(() => new Promise((r) => smtp.server.close(() => r())));
  const port = await freePort();
  const data = path.join(tmp, 'office');
  mkdirSync(data);
  const publicURL = `http://127.0.0.1:${port}`;
  // The node's signing certificate (made here with openssl, as
  // conclusions.mjs does), given as its own trust anchor too: the chair
  // signs the consultation's summary with it from the home ("Ký số bằng
  // chứng thư của máy chủ"); a token (dais sign -consultation) is not
  // something a browser walk can hold.
  const keys = path.join(tmp, 'office-keys');
  mkdirSync(keys);
  const certFile = path.join(keys, 'cert.pem');
  const keyFile = path.join(keys, 'key.pem');
  const signerCN = 'Máy chủ Văn phòng Tỉnh ủy';
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '30', '-utf8', '-subj', `/CN=${signerCN}`], { stdio: 'ignore' });
  chmodSync(keyFile, 0o600);
  const srv = await startFresh(bin, port, data, [
    '-sign-cert', certFile,
    '-sign-key', keyFile,
    '-sign-roots', certFile,
    '-smtp-addr', `127.0.0.1:${smtp.port}`,
    '-smtp-security', 'none',
    '-smtp-from', 'Văn phòng Tỉnh ủy <vanphong@tinhuy.example>',
    '-public-url', publicURL,
    '-consult-remind-before', '-1s', // only the office's button reminds here
  ]);
  cleanups.push(() => stop(srv.proc));
  let base = publicURL;
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
  log(`daisd (office) on ${base}, SMTP catcher on 127.0.0.1:${smtp.port}`);

  const newPage = async (viewport = { width: 1280, height: 800 }, touch = false) => {
    const ctx = await browser.newContext({ viewport, locale: 'vi-VN', hasTouch: touch, isMobile: touch && viewport.width < 600 });
    const page = await ctx.newPage();
    page.setDefaultTimeout(T);
    watchCSP?.(page);
    page.on('pageerror', (e) => log('page error:', e.message));
    return page;
  };

  // saved waits for a form's note, and fails with the error shown instead.
  const saved = async (where, note) => {
    const alert = where.getByRole('alert');
    await where.getByText(note).or(alert).first().waitFor();
    if (await alert.count()) throw new Error(`"${note}" not shown; the page says: ${await alert.first().innerText()}`);
  };
  const committee = 'Ban Thường vụ Tỉnh ủy';
  // The standing committee: the chair first; Nam will be away from the meeting.
  const members = [
    { id: 'thanh', name: 'Lê Văn Thành', title: 'Bí thư Tỉnh ủy', chair: true },
    { id: 'lan', name: 'Phạm Thị Lan', title: 'Phó Bí thư Thường trực' },
    { id: 'quan', name: 'Đỗ Minh Quân', title: 'Trưởng ban Tổ chức' },
    { id: 'mai', name: 'Vũ Thị Mai', title: 'Trưởng ban Tuyên giáo' },
    { id: 'nam', name: 'Hoàng Văn Nam', title: 'Chủ nhiệm Ủy ban Kiểm tra' },
  ];
  const byID = Object.fromEntries(members.map((m) => [m.id, m]));
  const email = (id) => `${id}@tinhuy.example`;
  const passwords = {};
  const meetingTitle = 'Họp Ban Thường vụ thường kỳ tuần 50';
  const consultTitle = 'Đề án chuyển đổi số của Đảng bộ tỉnh năm 2027';
  const q1 = 'Đồng chí có đồng ý thông qua Đề án?';
  const q2 = 'Đồng chí có đồng ý bố trí kinh phí từ ngân sách tỉnh?';
  const otherText = 'Đề nghị lồng ghép với nguồn vốn chương trình mục tiêu quốc gia';
  let consultID = '';
  // The summary PDF daisd makes (DejaVu, Vietnamese): later the draft whose text is selected.
  let summaryPDF = null;

  const admin = await newPage();
  const ok = await step('office: the first administrator (TOTP) adds five members’ accounts', async () => {
    await admin.goto(`${base}/#setup=${srv.secret}`);
    await admin.getByRole('heading', { name: 'Thiết lập lần đầu' }).waitFor();
    await admin.getByLabel('Họ và tên').fill('Nguyễn Thị Hương');
    await admin.getByLabel('Mật khẩu', { exact: true }).fill('Văn phòng Tỉnh ủy 2026');
    await admin.getByLabel('Nhập lại mật khẩu').fill('Văn phòng Tỉnh ủy 2026');
    await admin.getByRole('button', { name: 'Tiếp tục' }).click();
    const key = (await admin.locator('code.totp-key').innerText()).replace(/\s+/g, '');
    await admin.getByLabel('Mã xác thực', { exact: false }).fill(totp(key));
    await admin.getByRole('button', { name: 'Tạo quản trị viên' }).click();
    await admin.getByText('Xin chào, Nguyễn Thị Hương').waitFor();
    for (const m of members) {
      await admin.locator('#aa-name').fill(m.name);
      await admin.locator('#aa-id').fill(m.id);
      await admin.locator('#aa-email').fill(email(m.id));
      await admin.getByRole('button', { name: 'Thêm', exact: true }).click();
      const note = admin.getByText(`Đã tạo ${m.id}. Mật khẩu đầu tiên (chỉ hiện một lần):`);
      await note.waitFor();
      passwords[m.id] = /:\s*(\S+)\s*$/.exec(await note.innerText())?.[1];
      if (!passwords[m.id]) throw new Error(`no first password for ${m.id}`);
    }
  });
  if (!ok) throw new Error('cannot go on without the accounts');

  await step('office: the people (with e-mail and account, the office’s clerk marked staff) and the standing committee with its chair', async () => {
    const people = admin.getByRole('region', { name: 'Các ban và thành viên' });
    for (const m of members) {
      await people.locator('#np-name').fill(m.name);
      await people.locator('#np-title').fill(m.title);
      await people.locator('#np-unit').fill('Tỉnh ủy');
      await people.locator('#np-email').fill(email(m.id));
      await people.locator('#np-account').fill(m.id);
      await people.locator('form.new-person').getByRole('button', { name: 'Lưu' }).click();
      await saved(people, `Đã lưu ${m.name}.`);
      // The form is cleared once the list is read again: wait for it, or the next name typed is lost.
      await people.locator('ul.people-list li', { hasText: m.name }).waitFor();
      await admin.waitForFunction(() => document.querySelector('#np-name')?.value === '');
    }
    for (const m of members) await people.locator('ul.people-list li', { hasText: `${m.name} — ${m.title}, Tỉnh ủy` }).waitFor();
    const form = people.locator('form.new-committee');
    await markStaff(people);
    await form.locator('#nc-name').fill(committee);
    await form.locator('#nc-id').fill('btv');
    for (const m of members) {
      const row = form.locator('.member-pick', { hasText: m.name });
      await row.getByRole('checkbox').check();
      if (m.chair) await row.getByRole('radio').check();
    }
    await form.getByRole('button', { name: 'Lưu' }).click();
    await saved(people, `Đã lưu ${committee}.`);
    const entry = people.locator('ul.committee-list > li', { hasText: committee });
    await entry.getByText('5 thành viên').waitFor();
    await entry.locator('summary').click();
    await entry.locator('ol li', { hasText: 'Lê Văn Thành (Chủ trì)' }).waitFor();
    const listed = await entry.locator('ol > li').allInnerTexts();
    if (listed.length !== 5 || members.some((m) => !listed.some((t) => t.startsWith(m.name)))) throw new Error(`the committee lists ${JSON.stringify(listed)}`);
    await shot(admin, 'office-committee');
  });

  // markStaff: the administrator adds the office's clerk marked as staff
  // (the "Cán bộ văn phòng" box of the form), and the mark is stored (read
  // back from the API and after a reload); the boxes fit a 390×844 window.
  async function markStaff(people) {
    const clerk = 'Trần Thu Hà';
    await people.locator('#np-name').fill(clerk);
    await people.locator('#np-title').fill('Chuyên viên Văn phòng Tỉnh ủy');
    await people.locator('#np-staff').check();
    await people.locator('form.new-person').getByRole('button', { name: 'Lưu' }).click();
    await saved(people, `Đã lưu ${clerk}.`);
    await admin.waitForFunction(() => document.querySelector('#np-name')?.value === '' && !document.querySelector('#np-staff')?.checked);
    const box = people.getByRole('checkbox', { name: `Cán bộ văn phòng: ${clerk}` });
    await box.waitFor();
    if (!(await box.isChecked())) throw new Error(`${clerk} is not shown as staff`);
    const res = await admin.context().request.get(`${base}/api/v1/people`);
    const stored = (await res.json()).people.find((p) => p.name === clerk);
    if (!stored?.staff) throw new Error(`the server keeps ${JSON.stringify(stored)}, not staff`);
    if ((await res.json()).people.some((p) => p.name !== clerk && p.staff)) throw new Error('a member is staff');
    await admin.setViewportSize({ width: 390, height: 844 });
    try {
      await box.scrollIntoViewIfNeeded();
      const b = await box.boundingBox();
      if (!b || b.x < 0 || b.x + b.width > 390) throw new Error(`the staff box is off a phone's screen: ${JSON.stringify(b)}`);
      const f = await people.locator('#np-staff').boundingBox();
      if (!f || f.x < 0 || f.x + f.width > 390) throw new Error(`the form's staff box is off a phone's screen: ${JSON.stringify(f)}`);
    } finally {
      await admin.setViewportSize({ width: 1280, height: 800 });
    }
  }

  const inMeeting = await step('office: the weekly meeting made from the committee seats its five members; the chair’s calendar has it', async () => {
    const entry = admin.locator('ul.committee-list > li', { hasText: committee });
    const form = entry.locator('form.committee-meeting');
    await form.locator('#cm-title-btv').fill(meetingTitle);
    const next = new Date(Date.now() + 6 * 86400e3);
    next.setHours(8, 0, 0, 0);
    await form.locator('#cm-starts-btv').fill(localInput(next));
    await form.locator('#cm-place-btv').fill('Phòng họp Ban Thường vụ');
    await form.getByRole('button', { name: 'Tạo hội nghị' }).click();
    await admin.locator('.topbar', { hasText: meetingTitle }).waitFor();
    const panel = admin.getByRole('region', { name: 'Thành phần tham dự' });
    const table = panel.locator('table').first();
    for (const m of members) await table.locator('tbody tr', { hasText: m.name }).first().waitFor();
  });

  if (inMeeting) await step('office: Nam is recorded absent with an approved reason and a substitute is seated for him', async () => {
    const panel = admin.getByRole('region', { name: 'Thành phần tham dự' });
    const away = byID.nam.name;
    const reason = 'Đi công tác Trung ương theo phân công của Thường trực';
    const sub = 'Trịnh Quang Huy';
    const absent = panel.getByRole('form', { name: 'Vắng mặt' });
    await absent.locator('select[name="att-member"]').selectOption({ label: away });
    await absent.locator('input[name="att-reason"]').fill(reason);
    if (!(await absent.locator('input[name="att-approved"]').isChecked())) await absent.locator('input[name="att-approved"]').check();
    await absent.getByRole('button', { name: 'Ghi vắng mặt' }).click();
    await panel.locator('.att-absent-list li', { hasText: `${away} — ${reason} (được chấp thuận)` }).waitFor();
    const seat = panel.getByRole('form', { name: 'Người dự thay' });
    await seat.locator('select[name="att-sub-member"]').selectOption({ label: away });
    await seat.locator('select[name="att-sub-who"]').selectOption({ label: '— người mới —' });
    await seat.locator('input[name="att-sub-name"]').fill(sub);
    await seat.locator('input[name="att-sub-title"]').fill('Phó Chủ nhiệm Ủy ban Kiểm tra');
    await seat.getByRole('button', { name: 'Cử người dự thay' }).click();
    await panel.locator('.att-sub-list li', { hasText: `${sub} (dự thay đồng chí ${away})` }).waitFor();
    const absences = await panel.locator('.att-absent-list li').count();
    if (absences !== 1) throw new Error(`${absences} absences listed, want 1`);
    await shot(admin, 'office-meeting-attendance');
    // Published, so that its delegates see it on their homes too.
    await admin.getByRole('button', { name: 'Công bố hội nghị' }).click();
    await admin.getByText('Đã công bố hội nghị').first().waitFor();
  });

  const drafted = await step('office: back home, the office drafts a written consultation of the committee (two questions, a deadline in three days)', async () => {
    if (inMeeting) {
      await admin.getByRole('button', { name: 'Đăng xuất' }).first().click();
    }
    await admin.getByRole('heading', { name: 'Lấy ý kiến bằng văn bản' }).waitFor();
    await admin.getByRole('button', { name: `Mở hội nghị ${meetingTitle}` }).waitFor();
    const form = admin.locator('form.draft-consultation');
    await form.locator('#dc-committee').selectOption({ label: committee });
    await form.locator('#dc-title').fill(consultTitle);
    await form.locator('#dc-desc').fill('Văn phòng Tỉnh ủy xin ý kiến các đồng chí Ủy viên Ban Thường vụ về Đề án.');
    await form.locator('#dc-q0').fill(q1);
    await form.getByRole('button', { name: 'Thêm câu hỏi' }).click();
    await form.locator('#dc-q1').fill(q2);
    await form.locator('#dc-deadline').fill(localInput(new Date(Date.now() + 3 * 86400e3)));
    await form.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await form.getByText('Đã lưu bản nháp; chờ người chủ trì duyệt.').waitFor();
    const card = admin.locator('article.consultation', { hasText: consultTitle });
    await card.getByText('bản nháp, chờ duyệt').waitFor();
    consultID = (await card.locator('h3').getAttribute('id')).replace(/^ct-/, '');
    if (!consultID) throw new Error('no consultation id on the card');
  });
  if (!drafted) throw new Error('cannot go on without the consultation');

  // signIn signs a member in with the first password in a window of their
  // own, enrols the second factor (as a first sign-in asks), and lands on
  // the account's home.
  const signIn = async (m, viewport, touch, hash = '') => {
    const page = await newPage(viewport, touch);
    await page.goto(`${base}/${hash}`);
    await page.getByRole('button', { name: 'Đăng nhập tài khoản cán bộ' }).click();
    await page.locator('#st-id').fill(m.id);
    await page.locator('#st-pw').fill(passwords[m.id]);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { name: 'Xác thực hai lớp' }).waitFor();
    const key = (await page.locator('code.totp-key').innerText()).replace(/\s+/g, '');
    await page.locator('#enrol-code').fill(totp(key));
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.getByText(`Xin chào, ${m.name}`).waitFor();
    return page;
  };
  const card = (page) => page.locator('article.consultation', { hasText: consultTitle });
  // answer picks a choice per question (and writes the text of "Ý kiến khác") and sends.
  const answer = async (page, choices) => {
    const c = card(page);
    for (const [i, ch] of choices.entries()) {
      const q = c.locator('fieldset', { hasText: `Câu ${i + 1}.` });
      await q.getByRole('radio', { name: ch, exact: true }).check();
      if (ch === 'Ý kiến khác') await q.getByLabel(`Ý kiến cho câu ${i + 1}`).fill(otherText);
    }
    await c.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await c.getByText('Đã gửi ý kiến.').waitFor();
    await c.getByText('Đồng chí đã trả lời lúc').waitFor();
  };

  let chair;
  const approved = await step('office: the chair signs in, sees the draft and the meeting in the calendar, approves and answers at a desk', async () => {
    chair = await signIn(byID.thanh, { width: 1280, height: 800 }, false);
    const c = card(chair);
    await c.getByText('bản nháp, chờ duyệt').waitFor();
    await chair.getByRole('region', { name: 'Lịch của đồng chí' }).getByText(meetingTitle).waitFor();
    await c.getByRole('button', { name: 'Duyệt và gửi phiếu' }).click();
    await c.getByText('đang lấy ý kiến').waitFor();
    await answer(chair, ['Đồng ý', 'Đồng ý']);
    await c.getByText('Đã trả lời: 1/5').waitFor();
  });
  if (!approved) throw new Error('cannot go on without the approved consultation');

  // myWork checks what an ordinary member's home shows of their own work:
  // the committee's meeting as a delegate (joined on a tablet with a code,
  // no open button) and the consultation waiting for their answer.
  const myWork = async (page) => {
    const row = page.locator('ul.office-meetings li', { hasText: meetingTitle });
    await row.getByText('Đại biểu').waitFor();
    await row.getByText('Dự họp trên máy tính bảng bằng mã mời').waitFor();
    if (await row.getByRole('button').count()) throw new Error('a delegate is offered to open the meeting without a code');
    await page.getByText('Còn 1 phiếu chờ đồng chí trả lời').waitFor();
    await card(page).locator('.answer-state', { hasText: 'Chưa trả lời' }).waitFor();
  };

  let lan;
  await step('office: a member answers on a tablet (820×1180, touch), her meeting and what waits for her on her home', async () => {
    lan = await signIn(byID.lan, { width: 820, height: 1180 }, true);
    await card(lan).getByText('đang lấy ý kiến').waitFor();
    await myWork(lan);
    await answer(lan, ['Đồng ý', 'Đồng ý']);
    await card(lan).locator('.answer-state', { hasText: 'Đã trả lời' }).waitFor();
    await lan.getByText('Đồng chí đã trả lời mọi phiếu đang lấy ý kiến.').waitFor();
    await card(lan).getByText('Đã trả lời: 2/5').waitFor();
    await shot(lan, 'office-consultation-tablet');
  });

  await step('office: a member answers in a phone-sized window (390×844): told what is missing first, "Ý kiến khác" with a text, nothing wider than the screen', async () => {
    const quan = await signIn(byID.quan, { width: 390, height: 844 }, true);
    await myWork(quan);
    const c = card(quan);
    await c.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await c.getByText('Câu 1 chưa trả lời đủ').waitFor();
    await answer(quan, ['Đồng ý', 'Ý kiến khác']);
    await c.getByText('Đã trả lời: 3/5').waitFor();
    const wide = await quan.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    if (wide.doc > wide.view) throw new Error(`the page is ${wide.doc} px wide in a ${wide.view} px window`);
    const box = await c.getByRole('button', { name: 'Gửi lại ý kiến' }).boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 390) throw new Error(`the send button is off the screen: ${JSON.stringify(box)}`);
    await audit(quan, 'consultation on a phone');
    await shot(quan, 'office-consultation-phone');
    await quan.context().close();
  });

  let mail;
  await step('office: the office reminds those who have not answered; the SMTP server gets exactly their two e-mails, the subject in Vietnamese', async () => {
    await admin.reload();
    const c = card(admin);
    await c.getByText('Đã trả lời: 3/5').waitFor();
    await c.getByRole('button', { name: 'Nhắc người chưa trả lời' }).click();
    await c.getByText('Đã nhắc 2 đồng chí chưa trả lời.').waitFor();
    await audit(admin, 'account home with consultations');
    await shot(admin, 'office-home-reminded');
    const got = await smtp.waitFor(2, T);
    await new Promise((r) => setTimeout(r, 300)); // a third e-mail, if any, would arrive with them
    const rcpts = got.flatMap((m) => m.to).sort();
    const want = [email('mai'), email('nam')];
    if (JSON.stringify(rcpts) !== JSON.stringify(want)) throw new Error(`reminders went to ${JSON.stringify(rcpts)}, want ${JSON.stringify(want)}`);
    for (const m of got) {
      const p = parseMail(m.data);
      const wantSubject = `Nhắc trả lời phiếu lấy ý kiến: ${consultTitle}`;
      if (!p.subject.startsWith(wantSubject)) throw new Error(`subject ${JSON.stringify(p.subject)} (raw ${JSON.stringify(p.headers.subject)}), want it to start with ${JSON.stringify(wantSubject)}`);
      if (!/\(hạn \d/.test(p.subject)) throw new Error(`no deadline in the subject ${JSON.stringify(p.subject)}`);
      if (!p.body.includes(committee)) throw new Error(`the body does not name the committee:\n${p.body}`);
      if (m.to[0] === email('mai')) mail = p;
    }
    const link = `${publicURL}/#consultation=${consultID}`;
    if (!mail.body.includes(link)) throw new Error(`the body has no link ${link}:\n${mail.body}`);
    log(`reminders: ${rcpts.join(', ')}; subject: ${mail.subject}`);
  });

  if (mail) await step('office: the e-mail’s link brings the consultation into view for Mai, with the office’s reminder', async () => {
    const mai = await signIn(byID.mai, { width: 1280, height: 800 }, false, `#consultation=${consultID}`);
    const c = card(mai);
    await c.getByText('Văn phòng đã nhắc đồng chí trả lời lúc').waitFor();
    await mai.waitForFunction(
      (id) => {
        const r = document.getElementById('ct-' + id)?.getBoundingClientRect();
        return !!r && r.top >= 0 && r.top < window.innerHeight;
      },
      consultID,
      { timeout: 5000 },
    );
    await mai.context().close();
  });

  // Consultations on a tablet signed in with the meeting's code (no
  // account): Mai answers from the "Lấy ý kiến" entry in a phone-sized
  // window; the substitute seated for Nam, on a tablet, is offered none
  // (written consultations are per member).
  let tabletAnswered = false;
  await step('office: with her meeting’s invitation code Mai answers from the “Lấy ý kiến” entry (390×844); Nam’s substitute on a tablet has no such entry', async () => {
    await admin.getByRole('button', { name: `Mở hội nghị ${meetingTitle}` }).click();
    await admin.locator('.topbar', { hasText: meetingTitle }).waitFor();
    const inv = admin.getByRole('region', { name: 'Giấy mời và mã QR' });
    await inv.getByRole('button', { name: /^Tạo mã m/ }).click();
    const urlOf = async (name) => {
      const u = await inv.locator(`article.invite-card[aria-label="${name}"]`).getAttribute('data-url');
      if (!u?.includes('code=')) throw new Error(`no invitation link for ${name}: ${u}`);
      return `${base}/?${u.split('?')[1]}`;
    };
    const maiURL = await urlOf(byID.mai.name);
    const subURL = await urlOf('Trịnh Quang Huy');
    await admin.getByRole('button', { name: 'Đăng xuất' }).first().click();
    await admin.getByRole('heading', { name: 'Lấy ý kiến bằng văn bản' }).waitFor();

    const phone = await newPage({ width: 390, height: 844 }, true);
    await phone.goto(maiURL);
    const entry = phone.locator('details.tablet-consultations');
    await entry.locator('.waiting-badge', { hasText: '1' }).waitFor();
    const c = entry.locator('article.consultation', { hasText: consultTitle });
    await c.locator('.answer-state', { hasText: 'Chưa trả lời' }).waitFor();
    for (const i of [1, 2]) await c.locator('fieldset', { hasText: `Câu ${i}.` }).getByRole('radio', { name: 'Không đồng ý', exact: true }).check();
    await c.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await c.getByText('Đã gửi ý kiến.').waitFor();
    await entry.getByText('đã trả lời đủ').waitFor();
    tabletAnswered = true;
    const wide = await phone.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    if (wide.doc > wide.view) throw new Error(`the tablet page is ${wide.doc} px wide in a ${wide.view} px window`);
    const box = await c.getByRole('button', { name: 'Gửi lại ý kiến' }).boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 390) throw new Error(`the send button is off the screen: ${JSON.stringify(box)}`);
    await audit(phone, 'consultation on a phone with the meeting code');
    await shot(phone, 'office-consultation-meeting-phone');
    await phone.context().close();

    const sub = await newPage({ width: 820, height: 1180 }, true);
    const asked = sub.waitForResponse((r) => r.url().endsWith(`/consultations`) || r.url().includes('/conclusions'), { timeout: T }).catch(() => null);
    await sub.goto(subURL);
    await sub.getByRole('heading', { name: 'Kết luận, nghị quyết' }).waitFor(); // the side column is drawn
    await asked;
    if (await sub.locator('details.tablet-consultations').count()) throw new Error('the substitute is offered the member’s consultation');
    await sub.context().close();
  });

  let closed = false;
  await step('office: the chair, on a tablet (820×1180), closes it; the result per question; the summary PDF says BÁO CÁO TỔNG HỢP Ý KIẾN with the counts', async () => {
    // The chair's window becomes a tablet's for the close and the signature.
    await chair.setViewportSize({ width: 820, height: 1180 });
    await chair.reload();
    const c = card(chair);
    await c.getByRole('button', { name: 'Kết thúc lấy ý kiến' }).click();
    await c.getByText('đã kết thúc').waitFor();
    closed = true;
    await c.locator('.consult-result li', { hasText: q1 }).getByText('THÔNG QUA: 3/5 đồng ý, cần 3').waitFor();
    await c.locator('.consult-result li', { hasText: q2 }).getByText('KHÔNG THÔNG QUA: 2/5 đồng ý, cần 3').waitFor();
    await shot(chair, 'office-consultation-result');
    const href = await c.getByRole('link', { name: 'Báo cáo tổng hợp ý kiến (PDF)' }).getAttribute('href');
    const res = await chair.context().request.get(new URL(href, base).href);
    if (res.status() !== 200) throw new Error(`the summary answered ${res.status()}`);
    const file = path.join(tmp, 'consultation-summary.pdf');
    summaryPDF = await res.body();
    writeFileSync(file, summaryPDF);
    const flat = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const want of [
      'BÁO CÁO TỔNG HỢP Ý KIẾN',
      committee,
      consultTitle,
      `Số thành viên được lấy ý kiến: 5; Số thành viên đã trả lời: ${tabletAnswered ? 4 : 3}`,
      'Kết quả: THÔNG QUA (3/5 đồng ý; cần ít nhất 3)',
      'Kết quả: KHÔNG THÔNG QUA (2/5 đồng ý; cần ít nhất 3)',
      otherText,
    ]) {
      if (!flat.includes(want)) throw new Error(`the summary does not say "${want}":\n${flat.slice(0, 3000)}`);
    }
    const at = flat.indexOf('Không trả lời: ');
    const silent = tabletAnswered ? [byID.nam] : [byID.mai, byID.nam];
    const missing = at < 0 ? '' : flat.slice(at, at + `Không trả lời: ${silent.map((m) => m.name).join(', ')}`.length + 2);
    for (const m of silent) if (!missing.includes(m.name)) throw new Error(`"Không trả lời" does not name ${m.name}: ${JSON.stringify(missing)}`);
    for (const m of members.filter((x) => !silent.includes(x))) if (missing.includes(m.name)) throw new Error(`"Không trả lời" names ${m.name}, who answered: ${JSON.stringify(missing)}`);
  });

  // The summary signed (issue 13's signed records): on the chair's home,
  // at tablet size, "Ký số kết luận, nghị quyết, báo cáo tổng hợp ý kiến"
  // lists the closed consultation's summary, unsigned; the chair signs it
  // with the node's certificate (the one way a browser signs: a token's
  // signature is made by dais sign -consultation, which the row names).
  // The signed copy downloads as a PDF with a signature dictionary; the
  // product's own check (GET …/record, what "dais verify" and the home read)
  // reports one valid signature by the node's certificate, unchanged since,
  // of exactly the bytes downloaded; pdftotext reads the Vietnamese title
  // in it and pdfsig agrees the signature is valid.
  const signTitle = 'Ký số kết luận, nghị quyết, báo cáo tổng hợp ý kiến';
  const summaryHead = 'Báo cáo tổng hợp ý kiến';
  const signRow = () => chair.getByRole('region', { name: signTitle }).locator('li.conclusion-signing', { hasText: consultTitle });
  let signed = false;
  if (closed) signed = await step('office: the chair signs the summary on the home at tablet size (820×1180) with the server’s certificate; the signed copy is a signed PDF (200, application/pdf, %PDF-, /ByteRange, /Contents), the product’s check reports it valid and unchanged, pdfsig agrees', async () => {
    await chair.reload();
    const panel = chair.getByRole('region', { name: signTitle });
    await panel.getByRole('heading', { name: signTitle }).waitFor();
    const row = signRow();
    await row.waitFor();
    const head = (await row.locator('p').first().innerText()).trim();
    if (head !== `${summaryHead} — ${consultTitle}`) throw new Error(`the row reads ${JSON.stringify(head)}, want ${JSON.stringify(`${summaryHead} — ${consultTitle}`)}`);
    if (head !== head.normalize('NFC')) throw new Error(`the row is not composed Unicode: ${JSON.stringify(head)}`);
    await row.getByText('Chưa ký số.').waitFor();
    await row.getByText(`dais sign -consultation ${consultID}`).waitFor();
    const btn = row.getByRole('button', { name: `Ký số bằng chứng thư của máy chủ: ${summaryHead} — ${consultTitle}` });
    const bb = await btn.boundingBox();
    if (!bb || bb.x < 0 || bb.x + bb.width > 820) throw new Error(`the sign button is off a tablet's screen: ${JSON.stringify(bb)}`);
    await btn.click();
    const status = panel.getByRole('status');
    await status.waitFor();
    const said = (await status.innerText()).trim();
    if (said !== `Đã ký số ${summaryHead}.`) throw new Error(`after signing the home says ${JSON.stringify(said)}`);
    const line = row.locator('.record-signatures small');
    await row.getByText(new RegExp(`^Đã ký số: ${signerCN} \\(.+\\) — không thay đổi từ khi ký\\.$`)).waitFor();
    if ((await line.innerText()).includes('chưa được xác minh')) throw new Error(`the node's certificate is not trusted: ${await line.innerText()}`);
    await shot(chair, 'office-summary-signed-tablet');

    // The signed copy, as the row's link gives it.
    const link = row.getByRole('link', { name: 'Bản đã ký (PDF)' });
    const href = await link.getAttribute('href');
    const res = await chair.context().request.get(new URL(href, base).href);
    if (res.status() !== 200) throw new Error(`the signed copy answered ${res.status()}`);
    const ct = res.headers()['content-type'] ?? '';
    if (ct !== 'application/pdf') throw new Error(`the signed copy is ${JSON.stringify(ct)}`);
    const pdf = await res.body();
    const raw = pdf.toString('latin1');
    if (!raw.startsWith('%PDF-')) throw new Error(`the signed copy starts with ${JSON.stringify(raw.slice(0, 8))}`);
    if (!/\/ByteRange\s*\[\s*0\s+\d+\s+\d+\s+\d+\s*\]/.test(raw)) throw new Error('the signed copy has no /ByteRange');
    if (!/\/Contents\s*<[0-9a-fA-F]{200,}/.test(raw)) throw new Error('the signed copy has no signature /Contents');
    const sha = createHash('sha256').update(pdf).digest('hex');
    if (res.headers()['x-dais-record-sha256'] !== sha) throw new Error(`the copy's header names ${res.headers()['x-dais-record-sha256']}, its bytes are ${sha}`);
    const file = path.join(tmp, 'consultation-summary-signed.pdf');
    writeFileSync(file, pdf);
    const flat = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const want of ['BÁO CÁO TỔNG HỢP Ý KIẾN', committee, consultTitle]) if (!flat.includes(want)) throw new Error(`the signed copy does not say "${want}":\n${flat.slice(0, 1500)}`);

    // The product's check of the record: what the server reads from the PDF it keeps.
    const rep = await chair.context().request.get(`${base}/api/v1/consultations/${encodeURIComponent(consultID)}/record?record=summary/vi`);
    if (rep.status() !== 200) throw new Error(`the record's report answered ${rep.status()}`);
    const r = await rep.json();
    const sigs = r.signatures ?? [];
    if (!r.issued || r.sha256 !== sha || sigs.length !== 1) throw new Error(`the report: issued ${r.issued}, sha256 ${r.sha256} (the copy: ${sha}), ${sigs.length} signatures`);
    const sg = sigs[0];
    if (!sg.valid || !sg.unchanged || !sg.trusted || sg.signer !== signerCN) throw new Error(`the signature as the server checks it: ${JSON.stringify(sg)}`);
    if ((r.log ?? []).length !== 1) throw new Error(`the consultation's log has ${JSON.stringify(r.log)} as signers`);
    log(`signed summary: ${pdf.length} bytes, ${sg.level} by ${sg.signer}, sha256 ${sha.slice(0, 12)}…`);

    // An independent reader (poppler) agrees.
    let out = '';
    try {
      out = execFileSync('pdfsig', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      if (err.code === 'ENOENT') out = 'no pdfsig';
    }
    if (out === 'no pdfsig') log('pdfsig is not installed: the signature is checked by the server only');
    else if (!/Signature Validation: Signature is Valid/.test(out)) throw new Error(`pdfsig says:\n${out}`);
  });

  // The signed summary's screen in a phone-sized window (390×844): the
  // list, the signature line, the signed copy's link, nothing wider than
  // the screen.
  if (signed) await step('office: the signed summary on the chair’s home in a phone-sized window (390×844): the signature line and the signed copy within the screen', async () => {
    await chair.setViewportSize({ width: 390, height: 844 });
    try {
      const panel = chair.getByRole('region', { name: signTitle });
      await panel.getByRole('heading', { name: signTitle }).waitFor();
      const row = signRow();
      await row.getByText(`${summaryHead} — ${consultTitle}`).waitFor();
      const line = row.getByText(new RegExp(`^Đã ký số: ${signerCN} \\(.+\\) — không thay đổi từ khi ký\\.$`));
      await line.waitFor();
      const link = row.getByRole('link', { name: 'Bản đã ký (PDF)' });
      for (const [what, el] of [['the signature line', line], ['the signed copy’s link', link], ['the sign button', row.getByRole('button', { name: /^Ký số bằng chứng thư của máy chủ/ })]]) {
        await el.scrollIntoViewIfNeeded();
        const b = await el.boundingBox();
        if (!b || b.x < 0 || b.x + b.width > 390 || b.width < 1) throw new Error(`${what} is off a phone's screen: ${JSON.stringify(b)}`);
      }
      const wide = await chair.evaluate(() => ({ doc: document.scrollingElement.scrollWidth, view: document.scrollingElement.clientWidth }));
      if (wide.doc > wide.view) throw new Error(`the page is ${wide.doc} px wide in a ${wide.view} px window`);
      await audit(chair, 'signed summary on a phone');
      await shot(chair, 'office-summary-signed-phone');
    } finally {
      await chair.setViewportSize({ width: 1280, height: 800 });
    }
  });


  // Conclusions and tasks (issue 13, part 4): the office drafts a conclusion
  // of the meeting's item in the workspace with two tasks — Lan's due in two
  // weeks, Quân's due yesterday (recorded late) —, the chair approves it on
  // the home (it gets its number), the office publishes it, Lan reports hers
  // done with a PDF from the tablet, and the follow-up shows one done and
  // one late in red.
  const klTitle = 'Kết luận của Ban Thường vụ về Đề án chuyển đổi số năm 2027';
  const task1 = 'Hoàn thiện Đề án, trình Ban Chấp hành Đảng bộ tỉnh';
  const task2 = 'Báo cáo kết quả rà soát hạ tầng số các cơ quan Đảng';
  const vnDay = (days) => new Date(Date.now() + 7 * 3600e3 + days * 86400e3).toISOString().slice(0, 10); // yyyy-mm-dd in Vietnam
  let numbered = '';
  const drafted2 = await step('conclusions: in the meeting’s workspace the office drafts a conclusion of its item with two tasks (one due in two weeks, one due yesterday)', async () => {
    await admin.getByRole('button', { name: `Mở hội nghị ${meetingTitle}` }).click();
    await admin.locator('.topbar', { hasText: meetingTitle }).waitFor();
    const itemBox = admin.locator('details', { has: admin.locator('summary', { hasText: 'Thêm nội dung' }) });
    await itemBox.locator('summary').click();
    await itemBox.getByLabel('Tên nội dung').fill(consultTitle);
    await itemBox.getByRole('button', { name: 'Thêm', exact: true }).click();
    await admin.getByText(`Đã thêm mục: ${consultTitle}`).first().waitFor();
    const panel = admin.getByRole('region', { name: 'Kết luận, nghị quyết' });
    const form = panel.getByRole('form', { name: 'Soạn kết luận' });
    await form.locator('#kl-item').selectOption({ label: consultTitle });
    await form.locator('#kl-title').fill(klTitle);
    await form.locator('#kl-text').fill('Ban Thường vụ thống nhất thông qua Đề án; giao các đồng chí thực hiện các nhiệm vụ sau.');
    await form.locator('#kl-t1').fill(task1);
    await form.locator('#kl-w1').selectOption({ label: byID.lan.name });
    await form.locator('#kl-d1').fill(vnDay(14));
    await form.getByRole('button', { name: 'Thêm nhiệm vụ' }).click();
    await form.locator('#kl-t2').fill(task2);
    await form.locator('#kl-w2').selectOption({ label: byID.quan.name });
    await form.locator('#kl-d2').fill(vnDay(-1));
    await form.getByRole('button', { name: 'Lưu dự thảo' }).click();
    await form.getByText('Đã lưu dự thảo; chờ người chủ trì duyệt.').waitFor();
    const entry = panel.locator('ul.conclusion-list > li', { hasText: klTitle });
    await entry.getByText('dự thảo, chờ duyệt').waitFor();
    await entry.getByText(`${task1} — ${byID.lan.name}`).waitFor();
    await entry.getByText(`${task2} — ${byID.quan.name}`).waitFor();
  });

  // Issue 13 (3): a draft is edited before the chair approves it.
  const klMore = 'Văn phòng Tỉnh ủy theo dõi, đôn đốc và báo cáo kết quả.';
  if (drafted2) await step('conclusions: before approval the office edits the draft (a sentence added to its text); the change is kept', async () => {
    const panel = admin.getByRole('region', { name: 'Kết luận, nghị quyết' });
    const entry = panel.locator('ul.conclusion-list > li', { hasText: klTitle });
    await entry.getByRole('button', { name: `Sửa dự thảo: ${klTitle}` }).click();
    const form = entry.getByRole('form', { name: `Sửa dự thảo kết luận: ${klTitle}` });
    const textBox = form.getByLabel('Nội dung kết luận');
    const before = await textBox.inputValue();
    if (!before.startsWith('Ban Thường vụ thống nhất')) throw new Error(`the edit form starts with ${JSON.stringify(before)}`);
    await textBox.fill(`${before}\n${klMore}`);
    await form.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await panel.getByText('Đã lưu thay đổi của dự thảo.').waitFor();
    // Read back from the server: the form opened again has the sentence, and the tasks are still there.
    await entry.getByRole('button', { name: `Sửa dự thảo: ${klTitle}` }).click();
    const again = await entry.getByRole('form', { name: `Sửa dự thảo kết luận: ${klTitle}` }).getByLabel('Nội dung kết luận').inputValue();
    if (!again.includes(klMore)) throw new Error(`the saved text is ${JSON.stringify(again)}`);
    await entry.getByRole('button', { name: 'Hủy' }).click();
    await entry.getByText(`${task1} — ${byID.lan.name}`).waitFor();
    await entry.getByText(`${task2} — ${byID.quan.name}`).waitFor();
  });

  if (drafted2) await step('conclusions: the chair approves it on the home and it gets its number; the office publishes it, and a tablet and a phone (390×844) opened just before show it at once', async () => {
    await chair.reload();
    const box = chair.getByRole('region', { name: 'Kết luận chờ duyệt' });
    await box.getByRole('button', { name: `Duyệt và cấp số: ${klTitle}` }).click();
    const note = box.getByText(/^Đã duyệt: Kết luận số \d+-KL\/\S+\.$/);
    await note.waitFor();
    numbered = /số (\S+)\.$/.exec(await note.innerText())[1];
    if (!numbered.startsWith('01-KL/')) throw new Error(`the first conclusion of the office is numbered ${numbered}`);
    await admin.reload();
    const entry = admin.getByRole('region', { name: 'Kết luận, nghị quyết' }).locator('ul.conclusion-list > li', { hasText: klTitle });
    await entry.getByText('đã duyệt, chờ ban hành').waitFor();
    // Publication reaches the tablets at once: Mai's tablet and Quân's
    // phone, signed in with fresh codes just before, show "nothing yet";
    // after "Ban hành" the number shows on both well before their first
    // one-minute refresh could have fetched it (the server's notice).
    const inv = admin.getByRole('region', { name: 'Giấy mời và mã QR' });
    await inv.getByRole('button', { name: /^Tạo mã m/ }).click();
    const urlOf = async (name) => {
      const u = await inv.locator(`article.invite-card[aria-label="${name}"]`).getAttribute('data-url');
      if (!u?.includes('code=')) throw new Error(`no invitation link for ${name}: ${u}`);
      return `${base}/?${u.split('?')[1]}`;
    };
    const [maiURL, quanURL] = [await urlOf(byID.mai.name), await urlOf(byID.quan.name)];
    const opened = Date.now();
    const tab = await newPage({ width: 820, height: 1180 }, true);
    await tab.goto(maiURL);
    const phone = await newPage({ width: 390, height: 844 }, true);
    await phone.goto(quanURL);
    await phone.getByRole('tab', { name: 'Chương trình hội nghị' }).click();
    for (const p of [tab, phone]) await p.getByText('Chưa có kết luận, nghị quyết nào được ban hành.').waitFor();
    await entry.getByRole('button', { name: `Ban hành: ${klTitle}` }).click();
    await admin.getByText(`Đã ban hành Kết luận số ${numbered}.`).waitFor();
    await entry.getByText('đã ban hành').waitFor();
    for (const p of [tab, phone]) await p.getByText(`Kết luận số ${numbered}`).first().waitFor({ timeout: 45_000 });
    const took = Date.now() - opened;
    if (took >= 55_000) throw new Error(`the tablets showed the publication ${took} ms after they opened: the minute's refresh, not the notice`);
    log(`published conclusion on a tablet and a phone ${took} ms after they opened (their refresh is every 60 s)`);
    const wide = await phone.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    if (wide.doc > wide.view) throw new Error(`the phone page is ${wide.doc} px wide in a ${wide.view} px window`);
    await shot(phone, 'office-conclusion-rung-phone');
    await tab.context().close();
    await phone.context().close();
  });

  if (numbered && lan) await step('conclusions: Lan reports her task done with a PDF from the tablet', async () => {
    await lan.reload();
    const mine = lan.getByRole('region', { name: 'Nhiệm vụ được giao cho đồng chí' });
    const item = mine.locator('li', { hasText: task1 });
    await item.getByText(`Kết luận số ${numbered}`).waitFor();
    if (await mine.locator('li', { hasText: task2 }).count()) throw new Error('Quân’s task is listed as Lan’s');
    const form = item.getByRole('form', { name: `Báo cáo tiến độ: ${task1}` });
    await form.getByRole('checkbox', { name: 'Đã hoàn thành' }).check();
    await form.getByLabel('Nội dung báo cáo').fill('Đã hoàn thiện Đề án theo ý kiến Ban Thường vụ, trình Ban Chấp hành tại hội nghị tháng 12.');
    await form.getByLabel('Tệp đính kèm (PDF)').setInputFiles({ name: 'bao-cao-hoan-thanh.pdf', mimeType: 'application/pdf', buffer: testPDF(2) });
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await item.locator('.task-state.done', { hasText: 'Hoàn thành' }).waitFor();
    await item.getByRole('link', { name: 'Tệp: bao-cao-hoan-thanh' }).waitFor();
    await shot(lan, 'office-task-done-tablet');
  });

  if (numbered) await step('conclusions: Theo dõi nhiệm vụ on the office’s home: one done, one late drawn in red', async () => {
    await admin.getByRole('button', { name: 'Đăng xuất' }).first().click();
    const board = admin.getByRole('region', { name: 'Theo dõi nhiệm vụ' });
    const com = board.locator('.follow-committee', { hasText: committee });
    await com.getByText('Đang thực hiện: 0 · Quá hạn: 1 · Hoàn thành: 1').waitFor();
    await com.locator('tr.task-done', { hasText: task1 }).getByText('100%').waitFor();
    const late = com.locator('tr.task-late', { hasText: task2 }).locator('.task-state');
    await late.getByText('Quá hạn').waitFor();
    const color = await late.evaluate((e) => getComputedStyle(e).color);
    const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
    if (!(r > 150 && g < 100 && b < 100)) throw new Error(`the late task is drawn in ${color}, not red`);
    await audit(admin, 'account home with tasks');
    await shot(admin, 'office-follow-up');
  });


  // Drafts for comment (issue 13, part 5): the office circulates a draft of
  // the meeting's resolution for comments; Lan, on her tablet with the
  // meeting's invitation code, comments on the page and on a region she
  // marks; the office uploads version 2; Lan's panel shows both versions
  // and the comparison: the words removed struck, the inserted marked.
  const draftTitle = 'Dự thảo Nghị quyết về chuyển đổi số';
  const v1 = ['Du thao Nghi quyet ve chuyen doi so', 'Muc tieu: 80 phan tram thu tuc hanh chinh truc tuyen', 'Thoi han: nam 2027'];
  const v2 = ['Du thao Nghi quyet ve chuyen doi so', 'Muc tieu: 100 phan tram thu tuc hanh chinh truc tuyen toan trinh', 'Thoi han: nam 2027'];
  const comment1 = 'Đề nghị nâng mục tiêu lên 100% thủ tục trực tuyến toàn trình.';
  const comment2 = 'Vùng này cần nêu rõ lộ trình từng năm.';
  let tablet;
  const circulated = await step('drafts: in the workspace the office uploads a draft and opens it for comments, visible to every reader', async () => {
    await admin.getByRole('button', { name: `Mở hội nghị ${meetingTitle}` }).click();
    await admin.locator('.topbar', { hasText: meetingTitle }).waitFor();
    const upload = admin.locator('form', { has: admin.getByRole('button', { name: 'Tải tài liệu lên (PDF)' }) });
    await upload.locator('input[type=file]').setInputFiles({ name: 'du-thao-nghi-quyet.pdf', mimeType: 'application/pdf', buffer: textPDF(v1) });
    await upload.getByLabel('Tên tài liệu').fill(draftTitle);
    await upload.getByRole('button', { name: 'Tải tài liệu lên (PDF)' }).click();
    await admin.getByText(`Đã tải lên: ${draftTitle}`).first().waitFor();
    const row = admin.locator('.doc-row', { hasText: draftTitle });
    const open = row.locator('form.draft-open');
    await open.getByLabel(`Hạn góp ý — ${draftTitle}`).fill(localInput(new Date(Date.now() + 5 * 86400e3)));
    await open.locator('select').selectOption({ label: 'Công khai với mọi người đọc' });
    await open.getByRole('button', { name: 'Mở lấy góp ý' }).click();
    await admin.getByText(`Đã mở lấy góp ý cho “${draftTitle}”`).first().waitFor();
    await row.getByText('Đang lấy góp ý đến').waitFor();
  });

  if (circulated) await step('drafts: Lan, on a tablet with her invitation code, comments on page 1 and on a region she marks', async () => {
    const inv = admin.getByRole('region', { name: 'Giấy mời và mã QR' });
    await inv.getByRole('button', { name: /^Tạo mã m/ }).click();
    const url = await inv.locator(`article.invite-card[aria-label="${byID.lan.name}"]`).getAttribute('data-url');
    if (!url?.includes('code=')) throw new Error(`no invitation link for ${byID.lan.name}: ${url}`);
    tablet = await newPage({ width: 820, height: 1180 }, true);
    await tablet.goto(`${base}/?${url.split('?')[1]}`);
    await tablet.getByRole('button', { name: 'Xem tự do' }).click();
    await tablet.locator('.doc-toolbar select').selectOption({ label: draftTitle });
    const panel = tablet.getByRole('region', { name: 'Góp ý dự thảo' });
    await panel.getByText('Ý kiến công khai với mọi người đọc').waitFor();
    await panel.getByLabel('Nội dung góp ý').fill(comment1);
    await panel.getByRole('button', { name: 'Gửi góp ý' }).click();
    await panel.locator('li.draft-comment', { hasText: comment1 }).getByText(`${byID.lan.name}, ${byID.lan.title}`).waitFor();
    await panel.getByRole('radio', { name: 'Vùng đánh dấu' }).check();
    if (!(await panel.getByRole('button', { name: 'Gửi góp ý' }).isDisabled())) throw new Error('a region comment can be sent with no region marked');
    const picker = tablet.getByTestId('draft-region-picker');
    await picker.scrollIntoViewIfNeeded();
    const b = await picker.boundingBox();
    const top = Math.max(b.y, 0) + 40; // the page may be taller than the window: drag inside what is shown
    await tablet.mouse.move(b.x + b.width * 0.15, top);
    await tablet.mouse.down();
    await tablet.mouse.move(b.x + b.width * 0.7, top + 120, { steps: 5 });
    await tablet.mouse.up();
    await panel.getByText('Vùng đánh dấu ✓').waitFor();
    await panel.getByLabel('Nội dung góp ý').fill(comment2);
    await panel.getByRole('button', { name: 'Gửi góp ý' }).click();
    const region = panel.locator('li.draft-comment', { hasText: comment2 });
    await region.locator('.badge', { hasText: 'Vùng đánh dấu' }).waitFor();
    await panel.getByRole('heading', { name: 'Các ý kiến (2)' }).waitFor();
    await shot(tablet, 'office-draft-comments');
  });

  // The comments drawn on the page (issue 13, part 5): the marked region as
  // a box over the page, the page comment as a pin in the margin; tapping
  // one shows it in the panel. At tablet size and in a phone-sized window.
  if (tablet) await step('drafts: the comments are drawn on the page — the region’s box over it, the page comment’s pin — and a tap shows one in the panel, at 820×1180 and 390×844', async () => {
    const panel = tablet.getByRole('region', { name: 'Góp ý dự thảo' });
    const check = async (w) => {
      const page = tablet.locator('.pdf-page:not(.hidden)');
      const box = tablet.locator('.draft-mark.region');
      await box.waitFor();
      await box.scrollIntoViewIfNeeded();
      const p = await page.boundingBox();
      const b = await box.boundingBox();
      if (!p || !b || b.width < 20 || b.height < 20) throw new Error(`the region's box is not drawn: ${JSON.stringify(b)}`);
      // Where Lan dragged it: from 15% to 70% of the page's width, inside the page and the window.
      const x0 = (b.x - p.x) / p.width, x1 = (b.x + b.width - p.x) / p.width;
      if (Math.abs(x0 - 0.15) > 0.03 || Math.abs(x1 - 0.7) > 0.03) throw new Error(`the box spans ${x0.toFixed(3)}–${x1.toFixed(3)} of the page, want 0.15–0.70`);
      if (b.x < 0 || b.x + b.width > w || b.y + b.height > p.y + p.height + 1) throw new Error(`the box is off the page or the screen: ${JSON.stringify({ b, p, w })}`);
      const bg = await box.evaluate((el) => getComputedStyle(el).backgroundColor);
      if (!/rgba\(.*0\.\d+\)/.test(bg)) throw new Error(`the box is not translucent: ${bg}`);
      // Its tab is on top of the page and its text layer: what a tap there reaches is the tab.
      const tb = await box.locator('.draft-mark-tab').boundingBox();
      const hit = await tablet.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className ?? '', [tb.x + tb.width / 2, tb.y + tb.height / 2]);
      if (hit !== 'draft-mark-tab') throw new Error(`at the box's tab: ${JSON.stringify(hit)}`);
      await tablet.getByRole('button', { name: `Xem ý kiến của ${byID.lan.name}` }).first().waitFor();
      await box.locator('.draft-mark-tab').click();
      const shown = panel.locator('.draft-shown');
      await shown.getByText(comment2).waitFor();
      await shown.getByText(`${byID.lan.name}, ${byID.lan.title}`).waitFor();
      const pin = tablet.locator('.draft-pin');
      if ((await pin.count()) !== 1) throw new Error(`pins: ${await pin.count()}, want the one page comment`);
      await pin.click();
      await shown.getByText(comment1).waitFor();
      await shown.getByRole('button', { name: 'Đóng ý kiến' }).click();
      await shown.waitFor({ state: 'detached' });
    };
    await check(820);
    await shot(tablet, 'office-draft-markers');
    await tablet.setViewportSize({ width: 390, height: 844 });
    try {
      await check(390);
      await shot(tablet, 'office-draft-markers-phone');
    } finally {
      await tablet.setViewportSize({ width: 820, height: 1180 });
    }
  });

  const compared = tablet && await step('drafts: the office uploads version 2; the tablet shows both versions and the comparison (80 struck, 100 and “toan trinh” inserted)', async () => {
    const row = admin.locator('.doc-row', { hasText: draftTitle }).first();
    await row.locator('input.draft-version-file').setInputFiles({ name: 'du-thao-nghi-quyet-2.pdf', mimeType: 'application/pdf', buffer: textPDF(v2) });
    // The new version is a document of its own, listed as the draft's version 2.
    await admin.getByText(`Phiên bản 2 của dự thảo “${draftTitle}”`).first().waitFor();
    const panel = tablet.getByRole('region', { name: 'Góp ý dự thảo' });
    await panel.getByRole('button', { name: 'Bản 2 (hiện hành)' }).waitFor();
    await panel.getByRole('button', { name: 'So sánh bản 1 với bản 2' }).click();
    const cmp = tablet.getByRole('region', { name: 'Thay đổi từ bản 1 sang bản 2' });
    await cmp.getByText(/Trang 1: thêm \d+ từ, bỏ \d+ từ/).waitFor();
    const del = (await cmp.locator('del').allInnerTexts()).join(' ');
    const ins = (await cmp.locator('ins').allInnerTexts()).join(' ');
    if (!/\b80\b/.test(del) || /\b100\b/.test(del)) throw new Error(`struck: ${JSON.stringify(del)}, want 80`);
    if (!/\b100\b/.test(ins) || !ins.includes('toan trinh')) throw new Error(`inserted: ${JSON.stringify(ins)}, want 100 and toan trinh`);
    // The comments stay on version 1, where they were made.
    await panel.getByRole('heading', { name: 'Trang 1 · Bản 1' }).waitFor();
    // And on its page: version 2's page 1 draws none of them, version 1's does.
    await panel.getByRole('button', { name: 'Bản 2 (hiện hành)' }).click();
    // Version 2's page drawn (for a moment after the tap the viewer still shows version 1's):
    // its text layer, made over the page shown, has version 2's words.
    const viewer = tablet.locator('.pdf-box');
    await viewer.locator('.pdf-page:not(.hidden)').getByTestId('pdf-text-layer').getByText('toan trinh').or(viewer.getByRole('alert')).first().waitFor();
    if (await viewer.getByRole('alert').count()) throw new Error(`version 2 is not shown; the viewer says: ${await viewer.getByRole('alert').first().innerText()}`);
    await tablet.waitForFunction(() => document.querySelectorAll('.draft-mark, .draft-pin').length === 0);
    await panel.getByRole('button', { name: /^Bản 1/ }).click();
    await tablet.locator('.draft-mark.region').waitFor();
    await panel.getByRole('button', { name: 'Bản 2 (hiện hành)' }).click();
    await audit(tablet, 'draft comments and comparison on a tablet');
    await shot(tablet, 'office-draft-compare');
  });

  // Comment on selected text: a Vietnamese PDF made by daisd (the summary,
  // DejaVu with its ToUnicode map) circulated to the drafting team; Lan
  // drags the mouse over a line of pdf.js's text layer, "Góp ý đoạn chọn"
  // takes the selection, and the quote — composed Unicode, every diacritic —
  // reaches the office's list of comments and the CSV table.
  const vnDraft = 'Dự thảo Báo cáo tổng hợp ý kiến';
  const vnComment = 'Đề nghị ghi rõ số thành viên không trả lời và lý do.';
  const vnComment2 = 'Đề nghị ghi rõ số thành viên không trả lời, lý do và thời hạn bổ sung ý kiến.';
  if (tablet && summaryPDF) await step('drafts: on a Vietnamese draft made by daisd, Lan selects a line in the page’s text layer, comments on the selection and edits her comment; the office sees the quote, every diacritic intact, and the edited text in its list and in the CSV table', async () => {
    const upload = admin.locator('form', { has: admin.getByRole('button', { name: 'Tải tài liệu lên (PDF)' }) });
    await upload.locator('input[type=file]').setInputFiles({ name: 'du-thao-bao-cao.pdf', mimeType: 'application/pdf', buffer: summaryPDF });
    await upload.getByLabel('Tên tài liệu').fill(vnDraft);
    await upload.getByRole('button', { name: 'Tải tài liệu lên (PDF)' }).click();
    await admin.getByText(`Đã tải lên: ${vnDraft}`).first().waitFor();
    const row = admin.locator('.doc-row', { hasText: vnDraft }).first();
    await row.locator('form.draft-open').getByRole('button', { name: 'Mở lấy góp ý' }).click();
    await admin.getByText(`Đã mở lấy góp ý cho “${vnDraft}”`).first().waitFor();

    if (!compared) {
      // The step before failed midway: start from a fresh page (the same session), not from where it stopped.
      log('drafts: the tablet is reloaded, as the step before failed');
      await tablet.reload();
      await tablet.getByRole('button', { name: 'Xem tự do' }).click();
    }
    await tablet.locator('.doc-toolbar select').selectOption({ label: vnDraft });
    const panel = tablet.getByRole('region', { name: 'Góp ý dự thảo' });
    await panel.getByText('Ý kiến chỉ gửi ban soạn thảo').waitFor();
    const layer = tablet.getByTestId('pdf-text-layer');
    const line = layer.locator('span', { hasText: 'thành viên được lấy ý kiến' }).first();
    await line.waitFor();
    const spanText = (await line.textContent()) ?? '';
    await line.scrollIntoViewIfNeeded();
    const b = await line.boundingBox();
    await tablet.mouse.move(b.x + 1, b.y + b.height / 2);
    await tablet.mouse.down();
    await tablet.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
    await tablet.mouse.move(b.x + b.width - 1, b.y + b.height / 2, { steps: 4 });
    await tablet.mouse.up();
    const selected = await tablet.evaluate(() => document.getSelection()?.toString() ?? '');
    await tablet.getByRole('button', { name: 'Góp ý đoạn chọn' }).click();
    const quote = panel.locator('.draft-quote');
    await quote.waitFor();
    const q = ((await quote.textContent()) ?? '').replace(/^“|”$/g, '');
    log(`drafts: selected ${JSON.stringify(selected)}; quoted ${JSON.stringify(q)} (the span: ${JSON.stringify(spanText)})`);
    // The whole line dragged over (a drag ending on the last glyph may stop before it).
    const whole = spanText.normalize('NFC').trim();
    if (q !== whole && q !== whole.slice(0, -1)) throw new Error(`the quote is ${JSON.stringify(q)}, want the whole line dragged over: ${JSON.stringify(spanText)}`);
    if (!q.includes('Số thành viên được lấy ý kiến: 5')) throw new Error(`the quote is ${JSON.stringify(q)}, want the line with “Số thành viên được lấy ý kiến: 5”`);
    if (q !== q.normalize('NFC')) throw new Error(`the quote is not composed Unicode: ${JSON.stringify(q)}`);
    await panel.getByLabel('Nội dung góp ý').fill(vnComment);
    await panel.getByRole('button', { name: 'Gửi góp ý' }).click();
    const mine = panel.locator('li.draft-comment', { hasText: vnComment });
    await mine.locator('blockquote', { hasText: q }).waitFor();
    // Drawn on the page as a highlight over the line it quotes (the box passes the pointer to the text layer).
    const hl = tablet.locator('.draft-mark.text');
    await hl.waitFor();
    const lb = await line.boundingBox();
    const hb = await hl.boundingBox();
    const ox = Math.min(lb.x + lb.width, hb.x + hb.width) - Math.max(lb.x, hb.x);
    const oy = Math.min(lb.y + lb.height, hb.y + hb.height) - Math.max(lb.y, hb.y);
    if (ox < lb.width * 0.8 || oy < lb.height * 0.5) throw new Error(`the highlight ${JSON.stringify(hb)} is not over the line ${JSON.stringify(lb)}`);
    if ((await hl.evaluate((el) => getComputedStyle(el).pointerEvents)) !== 'none') throw new Error('the highlight takes the pointer from the text layer');
    await shot(tablet, 'office-draft-selection');
    // Issue 13 (3): Lan edits her comment before the deadline; the quote stays.
    await mine.getByRole('button', { name: 'Sửa ý kiến' }).click();
    // (The comment's text is now in the box, no longer the item's text.)
    const form = panel.locator('form.draft-edit');
    if ((await form.locator('textarea').inputValue()) !== vnComment) throw new Error('the edit box does not start from the comment');
    await form.locator('textarea').fill(vnComment2);
    await form.getByRole('button', { name: 'Lưu ý kiến' }).click();
    const edited = panel.locator('li.draft-comment', { hasText: vnComment2 });
    await edited.getByText(/· đã sửa/).waitFor();
    await edited.locator('blockquote', { hasText: q }).waitFor();

    // The office (a secretary: the drafting team) reads it in the workspace and takes the CSV table.
    await row.getByRole('button', { name: 'Xem các ý kiến góp ý' }).click();
    const list = admin.getByRole('region', { name: `Góp ý dự thảo — ${vnDraft}` });
    const theirs = list.locator('li.draft-comment', { hasText: vnComment2 });
    await theirs.locator('blockquote', { hasText: q }).waitFor();
    await theirs.getByText(/· đã sửa/).waitFor();
    await theirs.getByText(`${byID.lan.name}, ${byID.lan.title}`).waitFor();
    const [download] = await Promise.all([admin.waitForEvent('download'), list.getByRole('button', { name: /Bảng tổng hợp ý kiến \(CSV\)/ }).click()]);
    const csvFile = path.join(tmp, 'draft-comments.csv');
    await download.saveAs(csvFile);
    const csv = readFileSync(csvFile, 'utf8');
    if (!csv.includes(q)) throw new Error(`the CSV table does not quote ${JSON.stringify(q)}:\n${csv}`);
    if (!csv.includes(vnComment2) || csv.includes(vnComment)) throw new Error(`the CSV table does not have the comment as edited:\n${csv}`);
    log('drafts: the quote is in the office’s list and in the CSV table');
  });

  // A draft with many versions (c84699e: with 25 or more the row of version
  // buttons widened the tablet's column past the screen): the office adds
  // 24 more versions to the draft through its workspace, as version 2 was
  // (26 in all); on Lan's tablet the row wraps — every button's right edge
  // within the window, the page not scrollable sideways — at 820×1180 and
  // at 390×844.
  if (compared) await step('drafts: with 26 versions the draft’s version buttons wrap: within the window and no sideways scroll at 820×1180 and 390×844', async () => {
    const row = admin.locator('.doc-row', { hasText: draftTitle, has: admin.locator('input.draft-version-file') });
    const last = 26;
    for (let n = 3; n <= last; n++) {
      const lines = [...v2.slice(0, 2), `Thoi han: nam 2027 (ban ${n})`];
      await row.locator('input.draft-version-file').setInputFiles({ name: `du-thao-nghi-quyet-${n}.pdf`, mimeType: 'application/pdf', buffer: textPDF(lines) });
      await admin.getByText(`Phiên bản ${n} của dự thảo “${draftTitle}”`).first().waitFor();
    }
    await tablet.locator('.doc-toolbar select').selectOption({ label: draftTitle });
    const panel = tablet.getByRole('region', { name: 'Góp ý dự thảo' });
    await panel.getByRole('button', { name: `Bản ${last} (hiện hành)` }).waitFor();
    const versions = panel.locator('.draft-versions');
    const check = async (w) => {
      await versions.scrollIntoViewIfNeeded();
      const m = await tablet.evaluate(() => {
        const row = document.querySelector('.draft-versions');
        const r = row.getBoundingClientRect();
        const buttons = [...row.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
        const se = document.scrollingElement;
        return {
          buttons: buttons.length,
          rowLeft: r.left, rowRight: r.right, rowHeight: r.height,
          minLeft: Math.min(...buttons.map((b) => b.left)),
          maxRight: Math.max(...buttons.map((b) => b.right)),
          buttonHeight: buttons[0].height,
          scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, innerWidth: window.innerWidth,
        };
      });
      const at = `at ${w} px: ${JSON.stringify(m)}`;
      if (m.innerWidth !== w) throw new Error(`the window is not ${w} px wide ${at}`);
      if (m.buttons !== last + 1) throw new Error(`${m.buttons} buttons in the row, want ${last} versions and the comparison ${at}`);
      if (m.rowLeft < 0 || m.rowRight > w) throw new Error(`the version row's edges are off the window ${at}`);
      if (m.minLeft < 0 || m.maxRight > w) throw new Error(`a version button is off the window ${at}`);
      if (m.rowHeight < 2 * m.buttonHeight) throw new Error(`the version buttons are on one line (they do not wrap) ${at}`);
      if (m.scrollWidth > m.clientWidth) throw new Error(`the page scrolls sideways ${at}`);
    };
    await check(820);
    await shot(tablet, 'office-draft-versions');
    await tablet.setViewportSize({ width: 390, height: 844 });
    try {
      await check(390);
      await shot(tablet, 'office-draft-versions-phone');
    } finally {
      await tablet.setViewportSize({ width: 820, height: 1180 });
    }
  });

  if (tablet) {
    await admin.getByRole('button', { name: 'Đăng xuất' }).first().click();
    await admin.getByRole('heading', { name: 'Lấy ý kiến bằng văn bản' }).waitFor();
  }

  await step('office: no serious or critical axe violations on the account home with consultations, on a phone, with tasks, and the draft’s panel on a tablet', async () => {
    const problems = [];
    for (const name of ['account home with consultations', 'consultation on a phone', 'consultation on a phone with the meeting code', ...(signed ? ['signed summary on a phone'] : []), ...(numbered ? ['account home with tasks'] : []), ...(tablet ? ['draft comments and comparison on a tablet'] : [])]) {
      const a = audits.get(name);
      if (!a) problems.push(`${name}: not audited`);
      else if (a.error) problems.push(`${name}: the audit failed: ${a.error}`);
      else for (const v of a.violations) problems.push(`${name}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(' | ')}`);
    }
    if (problems.length) throw new Error(problems.join('; '));
  });
  await chair.context().close();
  await lan?.context().close();
  await tablet?.context().close();
  await admin.context().close();
}
