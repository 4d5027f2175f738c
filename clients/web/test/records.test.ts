// Signed records (issue 12): the fold keeps who signed, and the line under
// a record's download says who signed and whether it changed since.
import { describe, expect, it } from 'vitest';
import { apply, normalize } from '../src/core/fold';
import { signatureLine, type RecordReport, type RecordSignature } from '../src/core/records';

const sha1 = 'ab'.repeat(32);
const sha2 = 'cd'.repeat(32);

function sig(extra: Partial<RecordSignature> = {}): RecordSignature {
  return {
    field: 'Signature1', name: 'Trần Văn Quang', signer: 'Trần Văn Quang', subject: 'CN=Trần Văn Quang', chain: [],
    trusted: true, signing_time: '2026-12-03T10:30:00+07:00', level: 'B-B', valid: true, whole_document: true, unchanged: true, ...extra,
  };
}

function report(sigs: RecordSignature[]): RecordReport {
  return { record: 'minutes/vi', issued: true, sha256: sha2, signatures: sigs, log: [] };
}

describe('records fold', () => {
  it('keeps the issued record and each signature on it', () => {
    const s = normalize({ version: 5, id: 'm1', title: 'Hội nghị', status: 'closed' });
    apply(s, { seq: 6, type: 'RecordIssued', at: '2026-12-03T03:00:00Z', actor: 'sec', data: { record: 'minutes/vi', sha256: sha1, size: 100 } });
    apply(s, {
      seq: 7, type: 'RecordSigned', at: '2026-12-03T03:30:00Z', actor: 'chair',
      data: { record: 'minutes/vi', prev: sha1, sha256: sha2, size: 200, signer: 'Trần Văn Quang', level: 'B-T', where: 'token' },
    });
    expect(s.records?.['minutes/vi']).toMatchObject({
      sha256: sha2, size: 200, issued_by: 'sec',
      signatures: [{ participant: 'chair', signer: 'Trần Văn Quang', level: 'B-T', where: 'token', at: '2026-12-03T03:30:00Z' }],
    });
    expect(s.version).toBe(7);
  });
});

describe('signatureLine', () => {
  it.each<[string, RecordReport | null, 'vi' | 'en', RegExp]>([
    ['nothing yet', null, 'vi', /^Chưa ký số\.$/],
    ['nothing yet, English', { record: 'packet', issued: false, signatures: [], log: [] }, 'en', /^Not digitally signed yet\.$/],
    ['two signers, unchanged', report([sig(), sig({ signer: 'Lê Thu Trang', whole_document: true })]), 'vi', /^Đã ký số: Trần Văn Quang \(\d\d:\d\d 03\/12\/2026\), Lê Thu Trang .* — không thay đổi từ khi ký\.$/],
    ['English', report([sig()]), 'en', /^Signed by Trần Văn Quang \(.*\) — unchanged since\.$/],
    ['changed after', report([sig({ unchanged: false, changes: 'a page was changed' })]), 'vi', /ĐÃ BỊ THAY ĐỔI SAU KHI KÝ\.$/],
    ['invalid', report([sig({ valid: false, error: 'digest' })]), 'en', /A SIGNATURE IS NOT VALID\.$/],
    ['untrusted', report([sig({ trusted: false })]), 'vi', /chứng thư chưa được xác minh/],
  ])('%s', (_, rep, lang, want) => {
    expect(signatureLine(rep, lang)).toMatch(want);
  });
});
