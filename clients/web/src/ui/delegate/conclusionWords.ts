// The words of the tablet's list of published conclusions and resolutions
// (issue 13, part 4) — Vietnamese first and English, kept beside the
// tablet's screen so that it never needs the staff's words (i18n-staff.ts).

import type { Lang } from '../../i18n';

const table = {
  pubTitle: { vi: 'Kết luận, nghị quyết', en: 'Conclusions and resolutions' },
  pubNone: { vi: 'Chưa có kết luận, nghị quyết nào được ban hành.', en: 'No conclusion or resolution has been published yet.' },
  pubItem: { vi: 'Nội dung: {item}', en: 'Agenda item: {item}' },
  pubOn: { vi: 'Ban hành lúc {at}', en: 'Published at {at}' },
  pubPDF: { vi: 'Mở bản PDF', en: 'Open the PDF' },
  pubPDFOf: { vi: 'Mở bản PDF: {heading}', en: 'Open the PDF: {heading}' },
  pubFailed: { vi: 'Chưa tải được danh sách kết luận: {why}', en: 'Could not load the conclusions: {why}' },
} as const;

export type CKey = keyof typeof table;

/** cw returns the words of key in lang, with {name} parameters filled in. */
export function cw(lang: Lang, key: CKey, params?: Record<string, string | number>): string {
  let s: string = table[key][lang];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** cwKeys lists every key (a test checks both languages are complete). */
export function cwKeys(): CKey[] {
  return Object.keys(table) as CKey[];
}
