// Signed records (issue 12): what the server says of a record's PAdES
// signatures (GET …/records?record=KEY), and the one line the chair's and
// the secretary's screens show under its download.

/** RecordSignature is one signature as the server's verifier read it (meeting/pdf/sign.Signature). */
export interface RecordSignature {
  field: string;
  name: string;
  signer: string;
  subject: string;
  chain: string[];
  trusted: boolean;
  trust_error?: string;
  signing_time: string;
  timestamp?: string;
  timestamp_authority?: string;
  level: string;
  valid: boolean;
  error?: string;
  whole_document: boolean;
  unchanged: boolean;
  changes?: string;
}

/** RecordReport is records.Report: the current version's signatures and who signed, per the log. */
export interface RecordReport {
  record: string;
  issued: boolean;
  sha256?: string;
  signatures: RecordSignature[];
  log: { participant: string; signer: string; level: string; where: string; at: string }[];
  server_signer?: string;
}

/** SignedRecord is meeting.SignedRecord, folded from RecordIssued and RecordSigned. */
export interface SignedRecord {
  record: string;
  sha256: string;
  size: number;
  issued_by: string;
  issued_at: string;
  signatures?: { participant: string; signer: string; level: string; where: string; at: string }[];
}

function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/**
 * signatureLine says who signed the record and whether it changed since:
 * "Đã ký số: Trần Văn Quang (10:30 03/12/2026) — không thay đổi từ khi ký."
 */
export function signatureLine(rep: RecordReport | null, lang: 'vi' | 'en'): string {
  const vi = lang === 'vi';
  if (!rep || !rep.issued || rep.signatures.length === 0) return vi ? 'Chưa ký số.' : 'Not digitally signed yet.';
  const who = rep.signatures
    .map((s) => {
      const t = when(s.timestamp ?? s.signing_time);
      const untrusted = s.trusted ? '' : vi ? ', chứng thư chưa được xác minh' : ', certificate not verified';
      return `${s.signer || s.name}${t || untrusted ? ` (${t}${untrusted})` : ''}`;
    })
    .join(', ');
  let tail: string;
  if (rep.signatures.some((s) => !s.valid)) tail = vi ? 'CHỮ KÝ KHÔNG HỢP LỆ.' : 'A SIGNATURE IS NOT VALID.';
  else if (rep.signatures.some((s) => !s.unchanged)) tail = vi ? 'ĐÃ BỊ THAY ĐỔI SAU KHI KÝ.' : 'CHANGED AFTER SIGNING.';
  else tail = vi ? 'không thay đổi từ khi ký.' : 'unchanged since.';
  return vi ? `Đã ký số: ${who} — ${tail}` : `Signed by ${who} — ${tail}`;
}
