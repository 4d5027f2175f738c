// CSV import of an election's candidate list (danh sách bầu cử): the full
// name with its diacritics, the year of birth and the position, in the
// order of the list. The file is what a spreadsheet writes (see csv.ts for
// the reading); the header names its columns in Vietnamese or English:
//
//   STT;Họ và tên;Năm sinh;Chức vụ, đơn vị công tác
//   1;Nguyễn Văn An;1970;Bí thư Huyện ủy Phong Điền
//
// The order is the STT column's when there is one (the list is printed in
// that order), else the file's. A birth date (15/03/1970) gives its year.
// Every row is checked the way the server checks an election's list, so
// the preview shows every problem before anything is sent. Pure functions.

import { fold, MaxTextLength, parseCSV, type CsvRecord } from './csv';

/** Candidate is one name on the list as the client prepares it. */
export interface CandidateDraft {
  name: string;
  /** year of birth, 0 when not given. */
  year: number;
  position: string;
}

export type CandidateField = 'order' | 'name' | 'year' | 'position';

const headerWords: Record<string, CandidateField> = {
  stt: 'order',
  'so tt': 'order',
  'so thu tu': 'order',
  tt: 'order',
  no: 'order',
  order: 'order',
  '#': 'order',
  name: 'name',
  'full name': 'name',
  'ho ten': 'name',
  'ho va ten': 'name',
  'ho va ten khai sinh': 'name',
  'ten': 'name',
  'ten ung cu vien': 'name',
  candidate: 'name',
  year: 'year',
  'year of birth': 'year',
  born: 'year',
  birth: 'year',
  'date of birth': 'year',
  'nam sinh': 'year',
  'ngay sinh': 'year',
  'ngay thang nam sinh': 'year',
  position: 'position',
  title: 'position',
  'chuc vu': 'position',
  'chuc danh': 'position',
  'chuc vu don vi cong tac': 'position',
  'chuc vu don vi': 'position',
  'don vi cong tac': 'position',
  'noi cong tac': 'position',
  'chuc vu noi cong tac': 'position',
};

/** candidateHeader names the field a header cell stands for, if any. */
export function candidateHeader(cell: string): CandidateField | undefined {
  return headerWords[fold(cell).replace(/[_*:.,()/-]+/g, ' ').replace(/\s+/g, ' ').trim()];
}

/** CandidateErrorCode names what is wrong with a row; value is the offending text. */
export type CandidateErrorCode = 'empty_name' | 'bad_year' | 'bad_order' | 'duplicate_order' | 'duplicate_candidate' | 'too_long' | 'same_name';

export interface CandidateError {
  code: CandidateErrorCode;
  value?: string;
}

export interface CandidateRow {
  line: number;
  /** order is the STT written in the file (0 when the file has no STT column). */
  order: number;
  candidate: CandidateDraft;
  errors: CandidateError[];
  /** warnings do not stop the row (two people of the same name, told apart by their year and position). */
  warnings: CandidateError[];
}

export interface CandidatePlan {
  /** rows in list order (by STT when given, else as in the file). */
  rows: CandidateRow[];
  error?: 'empty' | 'no_name_column';
  ignored: string[];
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/**
 * parseYear reads a year of birth: "1970", or the year of a date written
 * 15/03/1970, 15-03-1970, 1970-03-15 or 15.03.1970. It returns 0 for an
 * empty cell and NaN for anything else or a year outside 1900..thisYear.
 */
export function parseYear(s: string, thisYear: number): number {
  const v = s.trim();
  if (!v) return 0;
  let m = v.match(/^(\d{4})$/);
  if (!m) m = v.match(/^\d{1,2}[/.-]\d{1,2}[/.-](\d{4})$/);
  if (!m) m = v.match(/^(\d{4})-\d{1,2}-\d{1,2}$/);
  if (!m) return NaN;
  const y = Number(m[1]);
  return y >= 1900 && y <= thisYear ? y : NaN;
}

/** normalizeName writes a name as the ballot prints it: NFC, single spaces, no spaces at the ends. */
export function normalizeName(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * planCandidates reads a CSV text into the candidate list, each row
 * checked. existing are the names already on the list (an import adds to
 * it): a row naming one of them with the same year is a duplicate.
 */
export function planCandidates(text: string, thisYear: number, existing: CandidateDraft[] = []): CandidatePlan {
  const records = parseCSV(text);
  if (records.length === 0) return { rows: [], error: 'empty', ignored: [] };
  const [head, ...data] = records;
  const cols = head.fields.map(candidateHeader);
  const ignored = head.fields.filter((c, i) => c.trim() !== '' && (cols[i] === undefined || cols.indexOf(cols[i]) !== i)).map((c) => c.trim());
  if (!cols.includes('name')) return { rows: [], error: 'no_name_column', ignored };
  const cell = (r: CsvRecord, f: CandidateField) => {
    const i = cols.indexOf(f);
    return i >= 0 ? (r.fields[i] ?? '').trim() : '';
  };
  const header = (f: CandidateField) => head.fields[cols.indexOf(f)]?.trim() ?? f;

  const orders = new Map<number, number>();
  const keys = new Map<string, number>();
  const names = new Map<string, number>();
  const key = (name: string, year: number) => fold(name) + '\u0000' + year;
  for (const c of existing) {
    keys.set(key(c.name, c.year), (keys.get(key(c.name, c.year)) ?? 0) + 1);
    names.set(fold(c.name), (names.get(fold(c.name)) ?? 0) + 1);
  }
  for (const r of data) {
    const o = Number(cell(r, 'order'));
    if (Number.isInteger(o) && o > 0) orders.set(o, (orders.get(o) ?? 0) + 1);
    const name = normalizeName(cell(r, 'name'));
    if (!name) continue;
    const y = parseYear(cell(r, 'year'), thisYear);
    const k = key(name, Number.isNaN(y) ? -1 : y);
    keys.set(k, (keys.get(k) ?? 0) + 1);
    names.set(fold(name), (names.get(fold(name)) ?? 0) + 1);
  }

  const rows = data.map((r): CandidateRow => {
    const errors: CandidateError[] = [];
    const warnings: CandidateError[] = [];
    const name = normalizeName(cell(r, 'name'));
    if (!name) errors.push({ code: 'empty_name' });
    const yearText = cell(r, 'year');
    const year = parseYear(yearText, thisYear);
    if (Number.isNaN(year)) errors.push({ code: 'bad_year', value: yearText });
    const orderText = cell(r, 'order');
    let order = 0;
    if (cols.includes('order')) {
      const o = Number(orderText);
      if (!orderText || !Number.isInteger(o) || o <= 0) errors.push({ code: 'bad_order', value: orderText });
      else {
        order = o;
        if ((orders.get(o) ?? 0) > 1) errors.push({ code: 'duplicate_order', value: orderText });
      }
    }
    const position = cell(r, 'position').replace(/\s+/g, ' ');
    if (name) {
      if ((keys.get(key(name, Number.isNaN(year) ? -1 : year)) ?? 0) > 1) errors.push({ code: 'duplicate_candidate', value: name });
      else if ((names.get(fold(name)) ?? 0) > 1) warnings.push({ code: 'same_name', value: name });
    }
    if (utf8Length(name) > MaxTextLength) errors.push({ code: 'too_long', value: header('name') });
    if (utf8Length(position) > MaxTextLength) errors.push({ code: 'too_long', value: header('position') });
    return { line: r.line, order, candidate: { name, year: Number.isNaN(year) ? 0 : year, position }, errors, warnings };
  });
  if (cols.includes('order')) rows.sort((a, b) => (a.order || Infinity) - (b.order || Infinity) || a.line - b.line);
  return { rows, ignored };
}
