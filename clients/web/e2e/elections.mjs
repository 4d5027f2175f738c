// Issue 10: an election by the Party's rules, in the browser, on a daisd
// seeded with e2e/election-meeting.yaml: six voters (the chair, three
// delegates in the main hall, two in a linked room that votes on paper),
// so a name needs more than half of 6, at least 4 votes.
//
//   1. The secretary prepares "5 names for 4 seats" in the editor: the list
//      imported from e2e/candidates.csv (Vietnamese names, STT order, a
//      birth date), previewed; 3 seats is refused on the spot (more than
//      30 % over), 4 accepted; the linked room votes on paper.
//   2. The counting committee (the three main-hall delegates) is elected by
//      a show of hands; the list is approved by a show of hands.
//   3. Round 1: four ballots on tablets — one delegate first sees the
//      invalid warning (every name kept) and its reason, one casts while
//      offline (sent by itself on reconnect) — and two paper ballots, each
//      typed by the three committee members on their own consoles; one
//      member mistypes sheet 2: the mismatch is listed on every console,
//      the chair cannot close, a member settles it from the paper.
//      Votes 6, 5, 5, 4, 4: three elected, a tie at the last seat.
//   4. Round 2 among the tied two, opened by the chair from the result;
//      the display shows the result as a table and a bar chart.
//   5. The counting minutes PDF, its text checked with pdftotext.
//   6. A confidence vote of two people: three levels per person, the counts
//      and shares per level.
//
// The axe audit covers the ballot, the committee console and the result.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const electionScreens = ['election ballot', 'committee console', 'election editor', 'election result'];

const TITLE = 'Bầu Ban Chấp hành Đảng bộ tỉnh khóa XVI';
const CONF = 'Lấy phiếu tín nhiệm các đồng chí Thường trực';
const C = ['Nguyễn Văn Ánh', 'Trần Thị Bích Ngọc', 'Lê Hoàng Cường', 'Phạm Đức Dũng', 'Võ Thị Hồng Nhung'];

export async function electionScenario(bin, browser, h) {
  const { step, log, shot, audit, startServer, opener, here, tmp, T } = h;
  const { base, byRole } = await startServer(bin, 'election', ['-seed', path.join(here, 'election-meeting.yaml')]);
  const open = opener(browser, base);
  let secretary, chair, display;
  const K = []; // the committee's tablets (also voters)
  const committeeNames = [byRole('Đại biểu', 0).name, byRole('Đại biểu', 1).name, byRole('Đại biểu', 2).name];

  const signedIn = await step('election: sign in: secretary, chair, display, three delegates; the paper room’s two delegates check in', async () => {
    secretary = await open(byRole('Thư ký').code);
    chair = await open(byRole('Chủ tọa').code);
    display = await open(byRole('Màn hình').code, '', { width: 1600, height: 900 });
    for (let i = 0; i < 3; i++) K.push(await open(byRole('Đại biểu', i).code, '', { width: 1024, height: 768 }));
    await secretary.getByText('Không gian làm việc của Thư ký').waitFor();
    await chair.getByText('Bàn điều hành của Chủ tọa').waitFor();
    await display.locator('.display').waitFor();
    for (const k of K) {
      await k.getByRole('heading', { name: 'Chương trình hội nghị' }).waitFor();
      await k.getByRole('button', { name: 'Điểm danh' }).click();
      await k.getByText('Đã điểm danh').waitFor();
    }
    // The paper room's delegates check in on a tablet of their own, then leave it.
    for (const i of [3, 4]) {
      const p = await open(byRole('Đại biểu', i).code);
      await p.getByRole('button', { name: 'Điểm danh' }).click();
      await p.getByText('Đã điểm danh').waitFor();
      await p.context().close();
    }
    await chair.getByRole('button', { name: 'Khai mạc / tiếp tục phiên họp' }).click();
    await chair.getByText('Đang họp').first().waitFor();
  });
  if (!signedIn) throw new Error('cannot go on without signing in');

  await step('election: the secretary prepares 5 names for 4 seats: CSV import with preview (STT order, diacritics), the 30 % rule checked as she types, a paper room', async () => {
    const box = secretary.locator('details.new-election');
    await box.locator(':scope > summary').click();
    await box.getByLabel('Tên cuộc bầu cử').fill(TITLE);
    await box.getByLabel('Số lượng cần bầu').fill('3');
    const imp = box.locator('details.cand-import');
    await imp.locator(':scope > summary').click();
    await imp.getByLabel('Tệp CSV danh sách bầu cử').setInputFiles(path.join(here, 'candidates.csv'));
    await imp.getByText('5 dòng hợp lệ, 0 dòng lỗi').waitFor();
    const names = await imp.locator('tbody .cand-name').allTextContents();
    if (JSON.stringify(names) !== JSON.stringify(C)) throw new Error(`the preview lists ${JSON.stringify(names)}`);
    await imp.locator('tbody tr', { hasText: C[0] }).getByText('1970').waitFor();
    await audit(secretary, 'election editor');
    await shot(secretary, 'election-csv-preview');
    await imp.getByRole('button', { name: 'Đưa 5 người vào danh sách' }).click();
    if ((await box.getByLabel('Họ và tên 2', { exact: true }).inputValue()) !== C[1]) throw new Error('the list is not in STT order');
    await box.getByText('Danh sách có 5 người, dư quá 30 % so với số lượng cần bầu (3; tối đa 3 người).').waitFor();
    if (!(await box.getByRole('button', { name: 'Tạo cuộc bầu cử' }).isDisabled())) throw new Error('a list 30 % over the seats can be sent');
    await box.getByLabel('Số lượng cần bầu').fill('4');
    await box.getByText('5 người cho 4 chỗ (tối đa 5)').waitFor();
    await box.getByLabel('Điểm cầu huyện Phong Điền').check();
    await box.getByRole('button', { name: 'Tạo cuộc bầu cử' }).click();
    await secretary.getByText(`Đã tạo cuộc bầu cử “${TITLE}”`).waitFor();
    await chair.locator('.elections .election', { hasText: TITLE }).getByText('Chờ biểu quyết thông qua danh sách').waitFor();
  });

  // A show of hands on a named poll: the chair opens it, the chair and the three tablets vote for, the chair closes it.
  const showOfHands = async (li) => {
    await li.getByRole('button', { name: 'Mở biểu quyết' }).click();
    const inline = chair.locator('.dialog.inline');
    await inline.getByRole('button', { name: 'Tán thành', exact: true }).click();
    await inline.getByRole('button', { name: 'Xác nhận' }).click();
    await inline.getByText('Phiếu của đồng chí đã được ghi nhận').waitFor();
    for (const k of K) {
      const d = k.getByRole('dialog');
      await d.getByRole('button', { name: 'Tán thành', exact: true }).click();
      await d.getByRole('button', { name: 'Xác nhận' }).click();
      await d.getByText('Phiếu của đồng chí đã được ghi nhận').waitFor();
    }
    await li.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
    // The result dialog itself (not the ballot's "recorded" one, which also has "Đóng", before the close arrives).
    for (const k of K) {
      const res = k.getByRole('dialog').filter({ has: k.getByRole('heading', { name: 'Kết quả biểu quyết' }) });
      await res.getByRole('button', { name: 'Đóng' }).click();
      await res.waitFor({ state: 'detached' });
    }
  };

  const committeeOK = await step('election: the counting committee (three delegates, not candidates) is elected by a show of hands; its members get the console', async () => {
    const box = secretary.locator('details.committee-form');
    await box.locator(':scope > summary').click();
    for (const n of committeeNames) await box.getByLabel(n).check();
    await box.getByRole('button', { name: 'Đưa ra biểu quyết (3 người)' }).click();
    await secretary.getByText('Đã tạo biểu quyết bầu Ban kiểm phiếu').waitFor();
    await showOfHands(chair.locator('li.poll', { hasText: 'Bầu Ban kiểm phiếu' }));
    for (const k of K) await k.getByRole('button', { name: 'Bàn làm việc của Ban kiểm phiếu' }).waitFor();
  });
  if (!committeeOK) throw new Error('cannot go on without the committee');

  const approved = await step('election: the meeting approves the seats and the list by a show of hands', async () => {
    await showOfHands(chair.locator('li.poll[data-poll$="-approval"]'));
    await chair.locator('.elections .election', { hasText: TITLE }).getByText('Đã được thông qua').waitFor();
  });
  if (!approved) throw new Error('cannot go on without the list approved');

  // vote casts a ballot on a tablet (or the chair's console), striking the names given.
  const vote = async (page, scope, strike, o = {}) => {
    const d = scope ?? page.getByRole('dialog');
    for (const n of strike) await d.getByRole('button', { name: `${n} — giữ lại` }).click();
    await d.getByRole('button', { name: 'Xem lại phiếu trước khi bỏ' }).click();
    await d.getByText('Phiếu sẽ được bỏ như sau').waitFor();
    const struck = await d.locator('.ballot-confirm s').allTextContents();
    if (JSON.stringify(struck) !== JSON.stringify(strike)) throw new Error(`the confirmation shows ${JSON.stringify(struck)} struck, want ${JSON.stringify(strike)}`);
    if (o.offline) await page.context().setOffline(true);
    await d.getByRole('button', { name: 'Bỏ phiếu', exact: true }).click();
    if (o.offline) {
      await d.getByText('Phiếu sẽ tự gửi khi có kết nối lại.').waitFor();
      await page.context().setOffline(false);
    }
    await d.getByText('Phiếu bầu của đồng chí đã được ghi nhận').waitFor();
  };

  const round1 = await step('election: round 1 on the tablets — every name in list order; the invalid warning with its reason before confirming; one ballot cast offline goes by itself', async () => {
    await chair.locator('.elections .election', { hasText: TITLE }).getByRole('button', { name: 'Bắt đầu bỏ phiếu' }).click();
    const d = K[0].getByRole('dialog');
    await d.getByText('Số lượng cần bầu: 4 — danh sách 5 người').waitFor();
    const names = await d.locator('.ballot-name .cand-name').allTextContents();
    if (JSON.stringify(names) !== JSON.stringify(C)) throw new Error(`the ballot lists ${JSON.stringify(names)}`);
    // Large targets.
    const box = await d.locator('.ballot-name').first().boundingBox();
    if (!box || box.height < 56) throw new Error(`a name is ${box?.height} px tall`);
    await audit(K[0], 'election ballot');
    await shot(K[0], 'election-ballot');
    // Nothing struck: five kept for four seats.
    await d.getByRole('button', { name: 'Xem lại phiếu trước khi bỏ' }).click();
    await d.getByRole('alert').getByText('Phiếu không hợp lệ: giữ lại 5 người, nhiều hơn số lượng cần bầu (4).').waitFor();
    await d.getByRole('button', { name: 'Vẫn bỏ phiếu không hợp lệ' }).waitFor();
    await shot(K[0], 'election-ballot-invalid');
    await d.getByRole('button', { name: 'Sửa lại phiếu' }).click();
    await vote(K[0], null, [C[2]]);
    await vote(K[1], null, [C[3]], { offline: true });
    await vote(K[2], null, [C[3]]);
    await vote(chair, chair.locator('.dialog.inline'), [C[1]]);
    await chair.locator('.elections .round.open').getByText('Hội trường chính').waitFor();
  });

  const paperOK =
    round1 &&
    (await step('election: paper ballots typed three times on three consoles; a mismatch is listed everywhere, blocks the close, and is settled from the paper', async () => {
      for (const k of K) {
        await k.getByRole('dialog').getByRole('button', { name: 'Đóng' }).click();
        await k.locator('.overlay').waitFor({ state: 'detached' });
        await k.getByRole('button', { name: 'Bàn làm việc của Ban kiểm phiếu' }).click();
        await k.getByRole('heading', { name: 'Bàn làm việc của Ban kiểm phiếu' }).waitFor();
      }
      // The console: four tablet ballots of four issued in the main hall.
      const rows = K[0].locator('.rooms-count tbody tr');
      await rows.filter({ hasText: 'Hội trường chính' }).locator('td').nth(1).filter({ hasText: /^4$/ }).waitFor();
      const enter = async (k, sheet, strike) => {
        const form = k.locator('form.paper-form');
        await form.getByLabel('Số phiếu').fill(String(sheet));
        await form.locator('.marks-strike', { hasText: strike }).locator('input').check();
        await form.getByRole('button', { name: `Lưu phiếu số ${sheet}` }).click();
        await k.getByText(`Đã lưu phiếu số ${sheet}`).first().waitFor();
      };
      for (const [i, k] of K.entries()) {
        await enter(k, 1, C[4]);
        // The third member misreads sheet 2.
        await enter(k, 2, i === 2 ? C[3] : C[4]);
      }
      for (const k of K) await k.locator('.mismatch', { hasText: 'Số phiếu 2' }).waitFor();
      const mm = K[0].locator('.mismatch', { hasText: 'Số phiếu 2' });
      await mm.getByText(`${committeeNames[2]}: gạch: ${C[3]}`).waitFor();
      await mm.getByText(`${committeeNames[0]}: gạch: ${C[4]}`).waitFor();
      await chair.locator('.elections .mismatch', { hasText: 'Số phiếu 2' }).waitFor();
      await audit(K[0], 'committee console');
      await shot(K[0], 'election-committee-mismatch');
      // The chair cannot close while a sheet does not agree.
      await chair.locator('.elections .round.open').getByRole('button', { name: 'Kết thúc bỏ phiếu' }).click();
      await chair.locator('.toast.error').first().waitFor();
      if (!(await chair.locator('.elections .round.open').count())) throw new Error('the round closed with a mismatch');
      // A member settles it from the paper.
      await mm.getByRole('button', { name: 'Xác định theo phiếu gốc — Số phiếu 2' }).click();
      const resolve = K[0].locator('form.paper-form.resolve');
      await resolve.getByText('Xác định phiếu số 2 (Điểm cầu huyện Phong Điền) theo phiếu gốc').waitFor();
      if (!(await resolve.locator('.marks-strike', { hasText: C[4] }).locator('input').isChecked())) throw new Error('the resolve form does not start from the entry');
      await resolve.getByRole('button', { name: 'Xác định theo phiếu gốc', exact: true }).click();
      for (const k of K) await k.getByText('Các lần nhập đều khớp.').waitFor();
      await K[0].getByText('2 phiếu giấy: 1 khớp, 1 đã xác định').waitFor();
      await rows.filter({ hasText: 'Điểm cầu huyện Phong Điền' }).locator('td').nth(1).filter({ hasText: /^2$/ }).waitFor();
    }));

  const closed1 =
    paperOK &&
    (await step('election: the chair closes round 1: 6 ballots, votes 6-5-5-4-4 of base 6, three elected, a tie at the last seat; the display shows the table and the chart', async () => {
      await chair.locator('.elections .round.open').getByRole('button', { name: 'Kết thúc bỏ phiếu' }).click();
      const res = chair.locator('.elections .round.closed .election-result').first();
      await res.getByText('Phát ra 6 · Thu vào 6 · Hợp lệ 6 · Không hợp lệ 0').waitFor();
      const table = await res.locator('.el-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      const want = [
        ['1', C[0], '6', '✓ Trúng cử'],
        ['2', C[1], '5', '✓ Trúng cử'],
        ['3', C[2], '5', '✓ Trúng cử'],
        ['4', C[3], '4', 'Bằng phiếu ở chỗ cuối cùng'],
        ['5', C[4], '4', 'Bằng phiếu ở chỗ cuối cùng'],
      ];
      const got = table.map((r) => [r[0], r[1], r[2], r[4]]);
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`the result is ${JSON.stringify(table)}`);
      await res.getByText('Cần bầu vòng tiếp theo: có người bằng phiếu ở chỗ cuối cùng').waitFor();
      await display.getByRole('heading', { name: 'Kết quả bầu cử' }).waitFor();
      await display.locator('svg.el-chart .bar').nth(4).waitFor();
      if ((await display.locator('svg.el-chart .bar.elected').count()) !== 3) throw new Error('the chart does not mark three elected');
      await display.locator('.el-table tbody tr', { hasText: C[0] }).waitFor();
      await audit(display, 'election result');
      await shot(display, 'election-display-round1');
      // The committee's console shows the count too.
      await K[0].locator('.committee-console .el-table tbody tr', { hasText: C[3] }).getByText('4').first().waitFor();
    }));

  const closed2 =
    closed1 &&
    (await step('election: the chair opens round 2 among the tied from the result; 4 tablet ballots; the 4th seat is filled', async () => {
      const el = chair.locator('.elections .election', { hasText: TITLE });
      await el.getByText(`Bầu vòng 2 giữa: ${C[3]}, ${C[4]}`).waitFor();
      await el.getByRole('button', { name: 'Mở vòng bầu tiếp theo' }).click();
      for (const k of K) {
        const d = k.getByRole('dialog');
        await d.getByText('Vòng 2').first().waitFor();
        const names = await d.locator('.ballot-name .cand-name').allTextContents();
        if (JSON.stringify(names) !== JSON.stringify([C[3], C[4]])) throw new Error(`round 2 lists ${JSON.stringify(names)}`);
        await vote(k, null, [C[4]]);
      }
      await vote(chair, chair.locator('.dialog.inline'), [C[4]]);
      await el.locator('.round.open').getByRole('button', { name: 'Kết thúc bỏ phiếu' }).click();
      const res = el.locator('.round.closed').nth(1);
      await res.locator('.el-table tbody tr', { hasText: C[3] }).getByText('✓ Trúng cử').waitFor();
      await res.getByText(`Trúng cử: ${C[3]}`).waitFor();
      if (await el.getByRole('button', { name: 'Mở vòng bầu tiếp theo' }).count()) throw new Error('a third round is offered');
      await display.locator('.election-result', { hasText: 'Vòng 2' }).waitFor();
      await shot(display, 'election-display-round2');
    }));

  if (closed2)
    await step('election: the counting minutes (PDF, Vietnamese) downloaded from the chair’s console; pdftotext finds the election, the counts, the elected and the tie', async () => {
      const res = chair.locator('.elections .round.closed').nth(1);
      const [dl] = await Promise.all([chair.waitForEvent('download'), res.getByRole('button', { name: 'Biên bản kiểm phiếu (PDF)' }).click()]);
      const file = path.join(tmp, 'counting-minutes.pdf');
      writeFileSync(file, readFileSync(await dl.path()));
      if (process.env.E2E_SHOTS) writeFileSync(path.join(process.env.E2E_SHOTS, 'counting-minutes.pdf'), readFileSync(file));
      if (!readFileSync(file).subarray(0, 5).toString('latin1').startsWith('%PDF')) throw new Error(`${dl.suggestedFilename()} is not a PDF`);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      const wants = [
        'BIÊN BẢN KIỂM PHIẾU',
        TITLE.replace(/^Bầu /, ''),
        'Số lượng cần bầu: 4 đồng chí.',
        'Danh sách bầu cử: 5 đồng chí.',
        'Lần bỏ phiếu thứ 1',
        'Số phiếu phát ra: 6',
        'Số phiếu thu về: 6 (trong đó phiếu giấy: 2)',
        'Số phiếu hợp lệ: 6',
        'Lần bỏ phiếu thứ 2',
        'Số phiếu thu về: 4',
        'có số phiếu bằng nhau ở vị trí cuối cùng',
        ...C,
        ...committeeNames,
        'TRƯỞNG BAN',
      ];
      const missing = wants.filter((w) => !text.includes(w));
      if (missing.length) throw new Error(`the minutes do not say ${JSON.stringify(missing)}:\n${text.slice(0, 3000)}`);
      log(`downloaded ${dl.suggestedFilename()} (${readFileSync(file).length} B)`);
    });
  if (closed2)
    await step('election: a confidence vote (lấy phiếu tín nhiệm) of two people: typed in the editor, opened by the chair, three levels per person on the tablets, the counts and shares per level', async () => {
      const P = ['Nguyễn Văn Ánh', 'Phạm Đức Dũng'];
      const box = secretary.locator('details.new-election');
      await box.locator(':scope > summary').click();
      await box.getByLabel('Hình thức').selectOption('confidence');
      await box.getByLabel('Tên cuộc bầu cử').fill(CONF);
      for (const [i, n] of P.entries()) {
        await box.getByRole('button', { name: '+ Thêm vào danh sách' }).click();
        await box.getByLabel(`Họ và tên ${i + 1}`, { exact: true }).fill(n);
      }
      await box.getByRole('button', { name: 'Tạo đợt lấy phiếu tín nhiệm' }).click();
      await secretary.getByText(`Đã tạo cuộc bầu cử “${CONF}”`).waitFor();
      const el = chair.locator('.elections .election', { hasText: CONF });
      await el.getByRole('button', { name: 'Bắt đầu bỏ phiếu' }).click();
      // Levels: the first person high ×3 and medium; the second low, medium ×2, and no mark.
      const marks = [
        [K[0], ['Tín nhiệm cao', 'Tín nhiệm thấp']],
        [K[1], ['Tín nhiệm cao', 'Tín nhiệm']],
        [K[2], ['Tín nhiệm cao', 'Tín nhiệm']],
        [chair, ['Tín nhiệm', null]],
      ];
      for (const [page, levels] of marks) {
        const d = page === chair ? chair.locator('.dialog.inline') : page.getByRole('dialog');
        await d.getByText('Phiếu tín nhiệm — bỏ phiếu kín').waitFor();
        for (const [i, lv] of levels.entries()) if (lv) await d.getByRole('group', { name: P[i] }).getByRole('button', { name: lv, exact: true }).click();
        await d.getByRole('button', { name: 'Xem lại phiếu trước khi bỏ' }).click();
        await d.getByRole('button', { name: 'Bỏ phiếu', exact: true }).click();
        await d.getByText('Phiếu bầu của đồng chí đã được ghi nhận').waitFor();
      }
      await el.locator('.round.open').getByRole('button', { name: 'Kết thúc bỏ phiếu' }).click();
      const rows = el.locator('.round.closed .el-table.levels tbody tr');
      await rows.nth(1).waitFor();
      const got = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      const want = [
        ['1', P[0], '3 (75 %)', '1 (25 %)', '0 (0 %)'],
        ['2', P[1], '0 (0 %)', '2 (50 %)', '1 (25 %)'],
      ];
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`the levels are ${JSON.stringify(got)}`);
      await display.locator('.el-table.levels tbody tr', { hasText: P[1] }).waitFor();
      await shot(display, 'election-display-confidence');
    });
  void T;
}
