// CSV import of participants: reading the text a spreadsheet writes (UTF-8
// with or without a BOM, UTF-16 from "Unicode text", quoted fields with
// commas and line breaks, `,` `;` or tab between fields, CRLF), mapping the
// header row onto a Participant's fields (English or Vietnamese column
// names), and checking each row the way meeting.Decide will check its
// AddParticipant, so the preview shows every problem before anything is
// sent. Pure functions; the screen turns the error codes into words.

import type { Participant, Role, Room } from './types';

/** decodeText reads a file's bytes: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 (a BOM dropped). */
export function decodeText(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b);
  return stripBOM(new TextDecoder('utf-8').decode(b));
}

function stripBOM(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * detectDelimiter picks the separator of the header line: whichever of
 * `;`, `,` and tab occurs most often outside quotes (`,` when none does).
 * Excel in a Vietnamese locale writes `;`.
 */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of stripBOM(text)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Record is one row of a CSV file with the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * parseCSV splits text into records (RFC 4180, leniently): a field in
 * double quotes may hold the delimiter, line breaks and "" for a quote;
 * CRLF, LF and CR end a record; a BOM is dropped; rows with nothing in
 * them are skipped. The delimiter is detected when not given.
 */
export function parseCSV(text: string, delimiter?: string): CsvRecord[] {
  text = stripBOM(text);
  const d = delimiter ?? detectDelimiter(text);
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else if (ch === '\r' || ch === '\n') {
        // A line break inside quotes is kept, as \n whatever the file used.
        if (ch === '\r' && text[i + 1] === '\n') i++;
        field += '\n';
        line++;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      // A quote opens a quoted field only at its start (spaces before it
      // are dropped); elsewhere it is an ordinary character.
      field = '';
      quoted = true;
    } else if (ch === d) {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** fold lowers a string and drops its diacritics (đ → d), for matching and ids. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** MaxIDLength and the id pattern mirror meeting.Decide's. */
export const MaxIDLength = 64;
export const MaxTextLength = 1024;
const idPattern = /^[A-Za-z0-9_.-]{1,64}$/;

/** slug makes an id out of a name: ASCII lower case, diacritics dropped, words joined by "-" ("Nguyễn Thị Hương" → "nguyen-thi-huong"). */
export function slug(name: string, max = MaxIDLength): string {
  const s = fold(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '');
}

/** uniqueId returns base, else base-2, base-3, … : the first one not in taken (kept within MaxIDLength). */
export function uniqueId(base: string, taken: (id: string) => boolean): string {
  if (!base) base = 'p';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = '-' + n;
    const id = base.slice(0, MaxIDLength - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken(id)) return id;
  }
}

// The words a role is written with, folded (lower case, no diacritics):
// English, the interface's own Vietnamese names, and the usual variants.
const roleWords: Record<string, Role> = {
  secretary: 'secretary',
  'thu ky': 'secretary',
  'thu ky hoi nghi': 'secretary',
  chair: 'chair',
  chairman: 'chair',
  chairperson: 'chair',
  'chu toa': 'chair',
  'chu tri': 'chair',
  'chu toa hoi nghi': 'chair',
  delegate: 'delegate',
  member: 'delegate',
  'dai bieu': 'delegate',
  'dai bieu chinh thuc': 'delegate',
  'thanh vien': 'delegate',
  'uy vien': 'delegate',
  observer: 'observer',
  guest: 'observer',
  'khach moi': 'observer',
  'khach': 'observer',
  'dai bieu khach moi': 'observer',
  'quan sat vien': 'observer',
  'du thinh': 'observer',
  'dai bieu du thinh': 'observer',
};

/** parseRole reads a role in English or Vietnamese, with or without diacritics; undefined when unknown. */
export function parseRole(s: string): Role | undefined {
  return roleWords[fold(s)];
}

/** Field is a Participant field a column can fill. */
export type Field = 'id' | 'name' | 'title' | 'role' | 'room' | 'seat';

const headerWords: Record<string, Field> = {
  id: 'id',
  ma: 'id',
  'ma dai bieu': 'id',
  'ma so': 'id',
  name: 'name',
  'full name': 'name',
  'ho ten': 'name',
  'ho va ten': 'name',
  ten: 'name',
  title: 'title',
  position: 'title',
  'chuc vu': 'title',
  'chuc danh': 'title',
  role: 'role',
  'vai tro': 'role',
  room: 'room',
  'phong': 'room',
  'phong hop': 'room',
  'diem cau': 'room',
  seat: 'seat',
  ghe: 'seat',
  'so ghe': 'seat',
  'cho ngoi': 'seat',
};

/** headerField names the field a header cell stands for, if any. */
export function headerField(cell: string): Field | undefined {
  return headerWords[fold(cell).replace(/[_*:.]+/g, ' ').trim()];
}

/** RowErrorCode names what is wrong with a row; value is the offending text. */
export type RowErrorCode =
  | 'empty_name'
  | 'unknown_role'
  | 'unknown_room'
  | 'bad_id'
  | 'duplicate_id'
  | 'id_taken'
  | 'duplicate_seat'
  | 'seat_taken'
  | 'too_long'
  | 'name_exists'
  | 'role_view';

export interface RowError {
  code: RowErrorCode;
  value?: string;
}

/** ImportRow is one data row: the participant it makes, and what is wrong with it (empty: it can be sent). */
export interface ImportRow {
  line: number;
  participant: Participant;
  /** generated is true when the id was made from the name. */
  generated: boolean;
  errors: RowError[];
  /** warnings do not stop the row. */
  warnings: RowError[];
  /**
   * match is the id of the participant already in the meeting this row
   * names (the same id, else the same name, case and diacritics aside):
   * the secretary who created the meeting, or a row imported before. The
   * import skips it or merges it into that participant, as the secretary
   * chooses; it is never added a second time.
   */
  match?: string;
  /**
   * merge is, for a matched row, that participant as the row would leave
   * them (sent as UpdateParticipant when the secretary chooses "merge"):
   * the cells the row fills replace theirs, empty cells keep theirs; the
   * name is replaced only when the row matched by id (a row matched by its
   * name keeps the meeting's spelling).
   */
  merge?: Participant;
  /** changes lists the fields merge changes (empty: merging would change nothing). */
  changes?: Field[];
}

export interface ImportPlan {
  rows: ImportRow[];
  /** error is set when the file cannot be read at all: no rows, or no name column. */
  error?: 'empty' | 'no_name_column';
  /** ignored lists header cells no field matched (e.g. a delegation column). */
  ignored: string[];
}

/** What the plan checks rows against: the meeting's rooms and participants. */
export interface ImportContext {
  rooms: Room[];
  participants: Record<string, Participant>;
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** findRoom matches a room by id, then by name; case and diacritics are ignored when that leaves one match. */
export function findRoom(rooms: Room[], s: string): Room | undefined {
  const v = s.trim();
  if (!v) return undefined;
  const exact = rooms.find((r) => r.id === v) ?? rooms.find((r) => r.name === v);
  if (exact) return exact;
  const lower = v.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
  const byLower = rooms.filter((r) => r.id.toLowerCase() === lower || r.name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ') === lower);
  if (byLower.length === 1) return byLower[0];
  const folded = fold(v);
  const byFold = rooms.filter((r) => fold(r.id) === folded || fold(r.name) === folded);
  return byFold.length === 1 ? byFold[0] : undefined;
}

/**
 * planImport reads a CSV text into participants to add. A row's role
 * defaults to delegate and its room to the main hall when the cell (or the
 * column) is empty; a missing id is made from the name, unique among the
 * meeting's ids and the file's. Rows with errors are listed but not meant
 * to be sent.
 */
export function planImport(text: string, ctx: ImportContext): ImportPlan {
  const records = parseCSV(text);
  if (records.length === 0) return { rows: [], error: 'empty', ignored: [] };
  const [head, ...data] = records;
  const cols: (Field | undefined)[] = head.fields.map(headerField);
  const ignored = head.fields.filter((c, i) => c.trim() !== '' && (cols[i] === undefined || cols.indexOf(cols[i]) !== i)).map((c) => c.trim());
  if (!cols.includes('name')) return { rows: [], error: 'no_name_column', ignored };
  const main = ctx.rooms.find((r) => r.main) ?? ctx.rooms[0];

  const cell = (r: CsvRecord, f: Field) => {
    const i = cols.indexOf(f);
    return i >= 0 ? (r.fields[i] ?? '').trim() : '';
  };
  const header = (f: Field) => head.fields[cols.indexOf(f)]?.trim() ?? f;

  // Explicit ids first, so a made-up id never takes one a later row names.
  const explicit = new Map<string, number>();
  for (const r of data) {
    const id = cell(r, 'id');
    if (id) explicit.set(id, (explicit.get(id) ?? 0) + 1);
  }
  const used = new Set<string>(explicit.keys());
  const seats = new Map<string, number>();
  const seatKey = (room: string, seat: string) => room + '\u0000' + seat.toLowerCase();
  for (const r of data) {
    const room = findRoom(ctx.rooms, cell(r, 'room'))?.id ?? (cell(r, 'room') ? '' : main?.id ?? '');
    const seat = cell(r, 'seat');
    if (room && seat) seats.set(seatKey(room, seat), (seats.get(seatKey(room, seat)) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const p of Object.values(ctx.participants)) names.set(fold(p.name), p.id);
  const seatsTaken = new Set(Object.values(ctx.participants).filter((p) => p.seat).map((p) => seatKey(p.room, p.seat!)));

  const rows = data.map((r): ImportRow => {
    const errors: RowError[] = [];
    const name = cell(r, 'name').replace(/\s+/g, ' ');
    if (!name) errors.push({ code: 'empty_name' });
    const roleText = cell(r, 'role');
    const role = roleText ? parseRole(roleText) : 'delegate';
    if (!role) errors.push({ code: 'unknown_role', value: roleText });
    const roomText = cell(r, 'room');
    const room = roomText ? findRoom(ctx.rooms, roomText) : main;
    if (!room) errors.push({ code: 'unknown_room', value: roomText });
    const seat = cell(r, 'seat');
    const title = cell(r, 'title');

    let id = cell(r, 'id');
    const generated = !id;
    let match: string | undefined;
    if (id) {
      if (!idPattern.test(id)) errors.push({ code: 'bad_id', value: id });
      else if (ctx.participants[id]) match = id;
      else if ((explicit.get(id) ?? 0) > 1) errors.push({ code: 'duplicate_id', value: id });
    } else if (name) {
      match = names.get(fold(name));
      if (match) id = match;
      else {
        id = uniqueId(slug(name), (x) => used.has(x) || !!ctx.participants[x]);
        used.add(id);
      }
    }

    if (seat && room) {
      const k = seatKey(room.id, seat);
      const own = match ? ctx.participants[match] : undefined;
      if (seatsTaken.has(k) && !(own && own.seat && seatKey(own.room, own.seat) === k)) errors.push({ code: 'seat_taken', value: seat });
      else if ((seats.get(k) ?? 0) > 1) errors.push({ code: 'duplicate_seat', value: seat });
    }
    if (utf8Length(name) > MaxTextLength) errors.push({ code: 'too_long', value: header('name') });
    if (utf8Length(title) > MaxTextLength) errors.push({ code: 'too_long', value: header('title') });
    if (utf8Length(seat) > MaxIDLength) errors.push({ code: 'too_long', value: header('seat') });

    const warnings: RowError[] = [];
    if (match) warnings.push({ code: 'name_exists', value: ctx.participants[match]?.name ?? match });

    const participant: Participant = { id, name, role: role ?? 'delegate', room: room?.id ?? roomText };
    if (title) participant.title = title;
    if (seat) participant.seat = seat;
    if (!match) return { line: r.line, participant, generated, errors, warnings };
    const { merge, changes } = mergeInto(ctx.participants[match], {
      name: !generated ? name : '',
      title,
      role: roleText && role ? role : undefined,
      room: roomText && room ? room.id : undefined,
      seat,
    });
    // The server refuses a role change between the chair/secretaries (who
    // see the whole meeting) and the others: said before anything is sent.
    const old = ctx.participants[match];
    if (changes.includes('role') && isFullView(merge.role) !== isFullView(old.role)) warnings.push({ code: 'role_view', value: old.role });
    return { line: r.line, participant, generated, errors, warnings, match, merge, changes };
  });
  return { rows, ignored };
}

/** The fields a matched row may change, in the order the preview lists them. */
export const mergeFields: Field[] = ['name', 'title', 'role', 'room', 'seat'];

/**
 * mergeInto returns old with the given (non-empty) values in place of its
 * own, as UpdateParticipant carries it (attendance left out: the server
 * keeps it), and the fields that differ.
 */
export function mergeInto(
  old: Participant,
  given: { name?: string; title?: string; role?: Role; room?: string; seat?: string },
): { merge: Participant; changes: Field[] } {
  const merge: Participant = { id: old.id, name: old.name, role: old.role, room: old.room };
  if (old.title) merge.title = old.title;
  if (old.seat) merge.seat = old.seat;
  if (given.name) merge.name = given.name;
  if (given.title) merge.title = given.title;
  if (given.role) merge.role = given.role;
  if (given.room) merge.room = given.room;
  if (given.seat) merge.seat = given.seat;
  const changes = mergeFields.filter((f) => (merge[f as keyof Participant] ?? '') !== (old[f as keyof Participant] ?? ''));
  return { merge, changes };
}

/** isFullView: the chair and secretaries see the whole meeting (Go's fullRole). */
const isFullView = (r: Role) => r === 'chair' || r === 'secretary';
