// Issue 12 (items 1–3): secret documents in the browser, on a daisd seeded
// with e2e/secrecy-meeting.yaml — a secretary, a chair, two delegate
// tablets, the main hall's display and a linked room's display.
//
//   1. The secretary uploads three documents: one Mật, one Tuyệt mật (the
//      level chosen at the upload), and one set to Tối mật afterwards from
//      its row; every screen shows the levels as badges.
//   2. The tablets keep the Mật document for offline reading, never the
//      Tối mật one: shown by the chair, it has no download or print button
//      on a tablet (the Mật one has both) and is in none of the tablet's
//      caches (Cache Storage and IndexedDB, read from the test).
//   3. Tuyệt mật: while the chair presents it the tablets and the main
//      hall's display show it; the linked room's display does not until
//      the chair allows it on the console.
//   4. The secretary's copy register lists the copies out per tablet.
//      Tablet 2 goes offline; the secretary takes the Mật document back:
//      tablet 1 deletes its copy within seconds, tablet 2 still holds its
//      own; back online, tablet 2 deletes it and reports. The register
//      shows the Mật document out on no tablet.
//   5. The chair closes the meeting: everything secret is taken back, the
//      register shows no copy out, lists every copy served with its
//      watermark and device, and its PDF export is a PDF.

import path from 'node:path';

const DOC = { mat: 'Báo cáo tình hình nội bộ', toiMat: 'Phương án nhân sự', tuyetMat: 'Đề án sắp xếp bộ máy' };

// keptCopies lists the documents a page's device keeps: every
// "dais-docs:*" Cache Storage cache and IndexedDB database, read as the app
// writes them (core/offline.ts), and any other cache (the service worker's
// shell) holding a document's file.
function keptCopies(page) {
  return page.evaluate(async () => {
    const out = [];
    if (globalThis.caches) {
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        for (const r of await c.keys()) {
          const path = new URL(r.url).pathname;
          if (name.startsWith('dais-docs:')) out.push(decodeURIComponent(path.replace(/^\/dais-offline\//, '').split('/')[0]));
          const m = /\/documents\/([^/]+)\/file/.exec(path);
          if (m) out.push(decodeURIComponent(m[1]));
        }
      }
    }
    const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
    for (const { name } of dbs) {
      if (!name?.startsWith('dais-docs:')) continue;
      const keys = await new Promise((resolve) => {
        const r = indexedDB.open(name);
        r.onerror = () => resolve([]);
        r.onsuccess = () => {
          const db = r.result;
          if (!db.objectStoreNames.contains('copies')) return resolve([]), db.close();
          const q = db.transaction('copies').objectStore('copies').getAllKeys();
          q.onsuccess = () => (resolve(q.result.map(String)), db.close());
          q.onerror = () => (resolve([]), db.close());
        };
      });
      for (const k of keys) out.push(k.slice(0, k.lastIndexOf('/')));
    }
    return out;
  });
}

export async function secrecyScenario(bin, browser, h) {
  const { step, log, shot, audit, startServer, opener, here, T, testPDF } = h;
  const { base, byRole } = await startServer(bin, 'secrecy', ['-seed', path.join(here, 'secrecy-meeting.yaml')]);
  const open = opener(browser, base);
  let secretary, chair, tablets, display, linked;
  const ids = {};
  const drawn = () => {
    const c = document.querySelector('canvas.pdf-canvas:not(.hidden)');
    return !!c && c.width > 0;
  };

  const signedIn = await step('secrecy: sign in: secretary, chair, two tablets, the hall’s display and a linked room’s display', async () => {
    secretary = await open(byRole('Thư ký').code);
    chair = await open(byRole('Chủ tọa').code);
    tablets = [await open(byRole('Đại biểu', 0).code, '', { width: 1024, height: 768 }), await open(byRole('Đại biểu', 1).code, '', { width: 1024, height: 768 })];
    display = await open(byRole('Màn hình', 0).code, '', { width: 1280, height: 720 });
    linked = await open(byRole('Màn hình', 1).code, '', { width: 1280, height: 720 });
    await secretary.getByText('Không gian làm việc của Thư ký').waitFor();
    await chair.getByText('Bàn điều hành của Chủ tọa').waitFor();
    for (const t of tablets) await t.getByRole('heading', { name: 'Chương trình hội nghị' }).waitFor();
    await display.locator('.display').waitFor();
    await linked.locator('.display').waitFor();
  });
  if (!signedIn) throw new Error('cannot go on without signing in');

  const levelsOK = await step('secrecy: the secretary uploads a Mật and a Tuyệt mật document, sets a third to Tối mật from its row; the levels show as badges on every screen', async () => {
    const upload = async (title, level, pages) => {
      await secretary.locator('input[type=file][accept^="application/pdf"]').setInputFiles({ name: 'tai-lieu.pdf', mimeType: 'application/pdf', buffer: testPDF(pages) });
      await secretary.getByLabel('Tên tài liệu').fill(title);
      await secretary.locator('select.upload-level').selectOption({ label: level });
      await secretary.getByRole('button', { name: 'Tải tài liệu lên (PDF)' }).click();
      await secretary.getByText(`Đã tải lên: ${title}`).first().waitFor();
      const row = secretary.locator('.doc-row', { hasText: title });
      await row.locator('select').last().selectOption({ label: '1. Phương án sắp xếp tổ chức bộ máy' });
      await row.getByRole('button', { name: 'Gắn tài liệu' }).click();
      await secretary.getByText(`Đã gắn tài liệu “${title}” vào mục 1`).first().waitFor();
      return row;
    };
    await upload(DOC.mat, 'Mật', 3);
    const row = await upload(DOC.toiMat, 'Không mật', 2);
    await upload(DOC.tuyetMat, 'Tuyệt mật', 2);
    // The level set afterwards from the row (SetDocumentLevel).
    await row.getByLabel(`Độ mật của “${DOC.toiMat}”`).selectOption({ label: 'Tối mật' });
    await secretary.getByText(`Đã đặt độ mật “Tối mật” cho “${DOC.toiMat}”`).first().waitFor();
    for (const [title, level] of [[DOC.mat, 'Mật'], [DOC.toiMat, 'Tối mật'], [DOC.tuyetMat, 'Tuyệt mật']]) {
      await secretary.locator('.doc-row', { hasText: title }).locator('.tag.level', { hasText: level }).waitFor();
      for (const t of tablets) await t.locator('.agenda .item-docs li', { hasText: title }).locator('.tag.level', { hasText: level }).waitFor();
    }
    // The rules per level, with the defaults: Tối mật not kept offline, Tuyệt mật off the linked displays.
    if (await secretary.getByLabel('Tối mật: Lưu trên máy để đọc ngoại tuyến', { exact: true }).isChecked()) throw new Error('Tối mật is kept offline by default');
    if (!(await secretary.getByLabel('Mật: Lưu trên máy để đọc ngoại tuyến', { exact: true }).isChecked())) throw new Error('Mật is not kept offline by default');
    if (await secretary.getByLabel('Tuyệt mật: Hiển thị trên màn hình điểm cầu', { exact: true }).isChecked()) throw new Error('Tuyệt mật is on the linked displays by default');
    // The ids, from the tablet's list of documents.
    for (const [k, title] of Object.entries(DOC)) ids[k] = await tablets[0].locator('.offline-docs li', { hasText: title }).getAttribute('data-doc');
    log(`secrecy: documents ${JSON.stringify(ids)}`);
    await shot(secretary, 'secrecy-secretary-levels');
  });
  if (!levelsOK) throw new Error('cannot go on without the documents');

  const shownOK = await step('secrecy: the chair shows the Tối mật document: the tablets draw it without download or print, the Mật one has both; only the Mật one is kept on the tablets', async () => {
    for (const t of tablets) {
      await t.getByRole('button', { name: 'Điểm danh' }).click();
      await t.getByText('Đã điểm danh').waitFor();
    }
    await chair.getByRole('button', { name: 'Khai mạc / tiếp tục phiên họp' }).click();
    await chair.getByText('Đang họp').first().waitFor();
    await chair.getByRole('button', { name: 'Chuyển sang' }).first().click();
    await chair.getByLabel('Trình chiếu tài liệu').selectOption(ids.toiMat);
    await chair.getByRole('button', { name: 'Trình chiếu', exact: true }).click();
    for (const t of tablets) {
      await t.waitForFunction(drawn);
      await t.locator('.doc-mode .tag.level', { hasText: 'Tối mật' }).waitFor();
      await t.locator('.secrecy-note', { hasText: 'không tải về, không in' }).waitFor();
      for (const name of ['Tải về', 'In', 'Bản có ghi chú của tôi']) {
        if (await t.locator('.doc-toolbar').getByRole('button', { name, exact: true }).count()) throw new Error(`a tablet shows "${name}" for the Tối mật document`);
      }
      if (await t.locator('.doc-toolbar').getByRole('link', { name: 'Bản có ghi chú của tôi' }).count()) throw new Error('a tablet links the annotated copy of the Tối mật document');
      // The Mật document is kept for offline reading (the background copies).
      await t.locator(`.offline-docs li[data-doc="${ids.mat}"] .offline-tag`).waitFor();
    }
    await shot(tablets[0], 'secrecy-tablet-toi-mat');
    // The browser would not print it either (print media hides the page).
    await tablets[0].emulateMedia({ media: 'print' });
    try {
      if (await tablets[0].locator('.doc-pane canvas.pdf-canvas').first().isVisible()) throw new Error('the Tối mật page would be printed');
    } finally {
      await tablets[0].emulateMedia({ media: null });
    }
    // Browsing the Mật document: download and print are there.
    const t1 = tablets[0];
    await t1.getByRole('button', { name: 'Xem tự do' }).click();
    await t1.locator('.doc-toolbar select').selectOption(ids.mat);
    await t1.locator('.doc-mode .tag.level', { hasText: 'Mật' }).waitFor();
    await t1.getByRole('button', { name: `Tải về “${DOC.mat}”` }).waitFor();
    await t1.getByRole('button', { name: `In “${DOC.mat}”` }).waitFor();
    await t1.getByRole('button', { name: 'Theo dõi người trình bày' }).click();
    await t1.locator('.doc-mode .tag.level', { hasText: 'Tối mật' }).waitFor();
    // The tablets drew the Tối mật document and kept the Mật one: the caches hold the Mật one only.
    await t1.waitForTimeout(1500);
    for (const [i, t] of tablets.entries()) {
      const kept = await keptCopies(t);
      if (!kept.includes(ids.mat)) throw new Error(`tablet ${i + 1} keeps ${JSON.stringify(kept)}, not the Mật document`);
      if (kept.includes(ids.toiMat)) throw new Error(`tablet ${i + 1} keeps the Tối mật document: ${JSON.stringify(kept)}`);
    }
  });

  if (shownOK) await step('secrecy: Tuyệt mật is shown while presented; the linked room’s display shows it only once the chair allows it', async () => {
    await chair.getByLabel('Trình chiếu tài liệu').selectOption(ids.tuyetMat);
    await chair.getByRole('button', { name: 'Trình chiếu', exact: true }).click();
    for (const t of tablets) await t.locator('.doc-mode .tag.level', { hasText: 'Tuyệt mật' }).waitFor();
    await tablets[0].waitForFunction(drawn);
    await display.locator('.display-secret .tag.level', { hasText: 'Tuyệt mật' }).waitFor();
    await display.waitForFunction(drawn);
    await linked.getByText('Tài liệu Tuyệt mật — không hiển thị tại điểm cầu').waitFor();
    if (await linked.locator('canvas.pdf-canvas:not(.hidden)').count()) throw new Error('the linked room’s display draws the Tuyệt mật document');
    await shot(linked, 'secrecy-linked-kept-off');
    const allow = chair.getByLabel(`Cho phép màn hình điểm cầu hiển thị “${DOC.tuyetMat}” (Tuyệt mật)`);
    await allow.click();
    await linked.waitForFunction(drawn);
    await linked.getByText('Tài liệu Tuyệt mật — không hiển thị tại điểm cầu').waitFor({ state: 'detached' });
    for (const [i, t] of tablets.entries()) {
      const kept = await keptCopies(t);
      if (kept.includes(ids.tuyetMat)) throw new Error(`tablet ${i + 1} keeps the Tuyệt mật document`);
    }
    // Back to the Mật document for what follows.
    await chair.getByLabel('Trình chiếu tài liệu').selectOption(ids.mat);
    await chair.getByRole('button', { name: 'Trình chiếu', exact: true }).click();
    for (const t of tablets) await t.locator('.doc-mode .tag.level', { hasText: 'Mật' }).waitFor();
  });

  const names = [byRole('Đại biểu', 0).name, byRole('Đại biểu', 1).name];
  const outRow = (name) => secretary.locator('.reg-outstanding tbody tr', { hasText: name });
  const registerOK = await step('secrecy: the secretary’s register shows, per tablet, the copies out', async () => {
    const panel = secretary.locator('.register-panel');
    await panel.scrollIntoViewIfNeeded();
    for (const n of names) await outRow(n).filter({ hasText: DOC.mat }).waitFor();
    const dev = await outRow(names[0]).locator('td').nth(1).textContent();
    if (!/^tab-[a-z2-7]{20}$/.test(dev ?? '')) throw new Error(`the register names tablet 1’s device ${JSON.stringify(dev)}`);
    await shot(secretary, 'secrecy-register-out');
    await audit(secretary, 'copy register');
  });

  if (registerOK) await step('secrecy: take-back with tablet 1 online and tablet 2 offline: tablet 1’s copy goes within seconds; tablet 2 deletes its own when it reconnects; the register follows', async () => {
    const [t1, t2] = tablets;
    await t2.context().setOffline(true);
    await t2.getByText('Mất kết nối — đang kết nối lại…').waitFor({ timeout: 30_000 });
    const row = secretary.locator('.doc-row', { hasText: DOC.mat });
    await row.getByRole('button', { name: `Thu hồi “${DOC.mat}”` }).click();
    const ask = secretary.getByRole('alertdialog', { name: `Thu hồi “${DOC.mat}”` });
    await ask.getByText('Mọi máy tính bảng xóa bản sao').waitFor();
    const t0 = Date.now();
    await ask.getByRole('button', { name: 'Xác nhận thu hồi' }).click();
    await row.locator('.tag.taken-back').waitFor();
    // Tablet 1, online: the copy is gone from its storage within seconds, and the viewer closed it.
    let kept = await keptCopies(t1);
    while (kept.includes(ids.mat) && Date.now() - t0 < 5000) {
      await t1.waitForTimeout(100);
      kept = await keptCopies(t1);
    }
    if (kept.includes(ids.mat)) throw new Error(`tablet 1 still keeps the Mật document 5 s after the take-back: ${JSON.stringify(kept)}`);
    log(`secrecy: tablet 1 deleted its copy ${Date.now() - t0} ms after the take-back`);
    await t1.getByText('Tài liệu mật này đã được thu hồi.').waitFor();
    // Nothing of it drawn any more: the viewer let go of the document and its pages.
    if (await t1.locator('.doc-pane canvas.pdf-canvas').count()) throw new Error('tablet 1 still has the taken-back document’s page drawn');
    // Its report reached the register: the Mật document is no longer out on tablet 1.
    await secretary.waitForFunction(
      ([n, title]) => ![...document.querySelectorAll('.reg-outstanding tbody tr')].some((r) => r.textContent.includes(n) && r.textContent.includes(title)),
      [names[0], DOC.mat],
    );
    log(`secrecy: the register shows tablet 1 clean ${Date.now() - t0} ms after the take-back`);
    // Tablet 2, offline, still holds its copy; the register says so.
    if (!(await keptCopies(t2)).includes(ids.mat)) throw new Error('tablet 2 lost its copy while offline (the test would prove nothing)');
    await outRow(names[1]).filter({ hasText: DOC.mat }).waitFor();
    await shot(secretary, 'secrecy-register-one-out');
    // Back online: it learns of the take-back, deletes and reports.
    const t2back = Date.now();
    await t2.context().setOffline(false);
    await t2.getByText('Mất kết nối — đang kết nối lại…').waitFor({ state: 'detached', timeout: 30_000 });
    kept = await keptCopies(t2);
    while (kept.includes(ids.mat) && Date.now() - t2back < 15_000) {
      await t2.waitForTimeout(100);
      kept = await keptCopies(t2);
    }
    if (kept.includes(ids.mat)) throw new Error(`tablet 2 still keeps the Mật document after reconnecting: ${JSON.stringify(kept)}`);
    await secretary.waitForFunction(
      (title) => ![...document.querySelectorAll('.reg-outstanding tbody tr')].some((r) => r.textContent.includes(title)),
      DOC.mat,
    );
    log(`secrecy: tablet 2 deleted its copy and the register shows it ${Date.now() - t2back} ms after it came back online`);
  });

  await step('secrecy: the chair closes the meeting; every copy is taken back and confirmed; the register lists the copies served and exports a PDF', async () => {
    chair.once('dialog', (d) => void d.accept());
    await chair.getByRole('button', { name: 'Bế mạc hội nghị' }).click();
    await secretary.locator('.register-panel .reg-none-out', { hasText: 'Không còn bản sao nào ở các máy.' }).waitFor({ timeout: T });
    const rows = secretary.locator('.reg-copies tbody tr');
    const n = await rows.count();
    if (n < 4) throw new Error(`the register lists ${n} copies`);
    const text = (await secretary.locator('.reg-copies').textContent()) ?? '';
    for (const want of [names[0], names[1], DOC.mat, DOC.toiMat, 'TÀI LIỆU', 'Đã xóa lúc']) if (!text.includes(want)) throw new Error(`the register does not say ${JSON.stringify(want)}`);
    if (text.includes('Chưa thu hồi')) throw new Error('a copy is still out in the register');
    if (!(await secretary.locator('.reg-confirmations tbody tr').count())) throw new Error('no confirmations listed');
    await shot(secretary, 'secrecy-register-closed');
    const pdf = await secretary.evaluate(async () => {
      const s = JSON.parse(localStorage.getItem('dais.session.' + localStorage.getItem('dais.session.last')));
      const r = await fetch(`/api/v1/meetings/${s.meeting}/secrecy/register.pdf?lang=vi`, { headers: { Authorization: `Bearer ${s.token}` } });
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, head: String.fromCharCode(...b.subarray(0, 5)), size: b.length };
    });
    if (pdf.status !== 200 || pdf.head !== '%PDF-') throw new Error(`the register's PDF: HTTP ${pdf.status}, starts ${JSON.stringify(pdf.head)}`);
    await secretary.locator('.register-pdf', { hasText: 'Tải sổ theo dõi (PDF)' }).waitFor();
    log(`secrecy: register of ${n} copies; its PDF ${pdf.size} B`);
  });
}
