// CSV import: reading what spreadsheets write, mapping the header, roles
// in English and Vietnamese, ids made from names, and the per-row checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText, detectDelimiter, findRoom, parseCSV, parseRole, planImport, slug, uniqueId, type ImportContext } from '../src/core/csv';
import type { Participant, Role } from '../src/core/types';

const fields = (text: string, d?: string) => parseCSV(text, d).map((r) => r.fields);

describe('parseCSV', () => {
  const cases: [string, string, string[][]][] = [
    ['plain, LF', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['CR only', 'a,b\r1,2', [['a', 'b'], ['1', '2']]],
    ['no final newline', 'a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['UTF-8 BOM dropped', '\ufeffname,role\nAn,chair', [['name', 'role'], ['An', 'chair']]],
    ['quoted comma', 'name,title\n"Lê, Văn",x', [['name', 'title'], ['Lê, Văn', 'x']]],
    ['quoted newline (CRLF)', 'name,title\r\n"Hai\r\ndòng",x\r\n', [['name', 'title'], ['Hai\ndòng', 'x']]],
    ['doubled quote', 'a\n"Nói ""không"""', [['a'], ['Nói "không"']]],
    ['empty fields', 'a,b,c\n,,3', [['a', 'b', 'c'], ['', '', '3']]],
    ['blank lines skipped', 'a,b\n\n1,2\n,\n', [['a', 'b'], ['1', '2']]],
    ['semicolon detected', 'họ tên;vai trò\nAn;đại biểu', [['họ tên', 'vai trò'], ['An', 'đại biểu']]],
    ['semicolon keeps commas', 'name;title\nAn;Giám đốc, Sở Tài chính', [['name', 'title'], ['An', 'Giám đốc, Sở Tài chính']]],
    ['tab detected', 'name\trole\nAn\tchair', [['name', 'role'], ['An', 'chair']]],
    ['quote inside a field is ordinary', 'a,b\nx"y,z', [['a', 'b'], ['x"y', 'z']]],
    ['unterminated quote runs to the end', 'a\n"x,y', [['a'], ['x,y']]],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => expect(fields(input)).toEqual(want));
  }

  it('numbers records by the line they start on', () => {
    expect(parseCSV('a,b\n"x\ny",1\n\nz,2').map((r) => r.line)).toEqual([1, 2, 5]);
  });
});

describe('detectDelimiter', () => {
  const cases: [string, string][] = [
    ['a,b,c', ','],
    ['a;b;c', ';'],
    ['"a,b";c;d', ';'],
    ['a\tb', '\t'],
    ['single', ','],
    ['\ufeffa;b\n1,2,3,4', ';'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => expect(detectDelimiter(input)).toBe(want));
});

describe('decodeText', () => {
  it('drops a UTF-8 BOM', () => {
    const b = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Họ tên')]);
    expect(decodeText(b)).toBe('Họ tên');
  });
  it('reads UTF-16 LE with its BOM', () => {
    const s = 'Họ tên\tVai trò';
    const b = new Uint8Array(2 + s.length * 2);
    b[0] = 0xff;
    b[1] = 0xfe;
    for (let i = 0; i < s.length; i++) {
      b[2 + 2 * i] = s.charCodeAt(i) & 0xff;
      b[3 + 2 * i] = s.charCodeAt(i) >> 8;
    }
    expect(decodeText(b.buffer)).toBe(s);
  });
});

describe('parseRole', () => {
  const cases: [string, Role | undefined][] = [
    ['delegate', 'delegate'],
    ['Chair', 'chair'],
    ['SECRETARY', 'secretary'],
    ['observer', 'observer'],
    ['Thư ký', 'secretary'],
    ['thu ky', 'secretary'],
    ['Chủ tọa', 'chair'],
    ['chủ toạ', 'chair'], // old-style tone placement
    ['Chủ trì', 'chair'],
    ['Đại biểu', 'delegate'],
    ['  đại   biểu ', 'delegate'],
    ['Ủy viên', 'delegate'],
    ['Khách mời', 'observer'],
    ['Quan sát viên', 'observer'],
    ['Đại biểu dự thính', 'observer'],
    ['Chủ tọa'.normalize('NFD'), 'chair'],
    ['president', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => expect(parseRole(input)).toBe(want));
});

describe('slug and uniqueId', () => {
  const cases: [string, string][] = [
    ['Nguyễn Thị Hương', 'nguyen-thi-huong'],
    ['Đặng Quốc Khánh', 'dang-quoc-khanh'],
    ['Trần Văn Đức', 'tran-van-duc'],
    ['Lưu Đức Hòa', 'luu-duc-hoa'],
    ['Tôn Thất Hưng', 'ton-that-hung'],
    ['Bùi Thị Ngọc Ánh', 'bui-thi-ngoc-anh'],
    ['Lý Thị Mỹ Duyên', 'ly-thi-my-duyen'],
    ['  Ông  Phạm — Văn  Ơn  ', 'ong-pham-van-on'],
    ['Nguyễn Thị Hương'.normalize('NFD'), 'nguyen-thi-huong'],
    ['李小龍', ''],
  ];
  for (const [input, want] of cases) it(input, () => expect(slug(input)).toBe(want));

  it('keeps ids within 64 characters', () => {
    const long = slug('Nguyễn '.repeat(20));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith('-')).toBe(false);
    const taken = new Set([long]);
    const next = uniqueId(long, (x) => taken.has(x));
    expect(next.endsWith('-2')).toBe(true);
    expect(next.length).toBeLessThanOrEqual(64);
  });
  it('counts on with -2, -3', () => {
    const taken = new Set(['an', 'an-2']);
    expect(uniqueId('an', (x) => taken.has(x))).toBe('an-3');
    expect(uniqueId('binh', (x) => taken.has(x))).toBe('binh');
    expect(uniqueId('', () => false)).toBe('p');
  });
});

const ctx: ImportContext = {
  rooms: [
    { id: 'main', name: 'Hội trường chính', main: true },
    { id: 'district-a', name: 'Điểm cầu huyện Phong Điền', following: true },
  ],
  participants: {
    sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main', seat: 'T01' },
    'nguyen-thi-huong': { id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', seat: 'A03' },
  },
};

describe('findRoom', () => {
  const cases: [string, string | undefined][] = [
    ['main', 'main'],
    ['MAIN', 'main'],
    ['Điểm cầu huyện Phong Điền', 'district-a'],
    ['điểm cầu huyện phong điền', 'district-a'],
    ['Diem cau huyen Phong Dien', 'district-a'],
    ['Hội trường phụ', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => expect(findRoom(ctx.rooms, input)?.id).toBe(want));
});

describe('planImport', () => {
  it('reads a Vietnamese Excel export (BOM, ;, CRLF, Vietnamese headers and roles)', () => {
    const text = '\ufeffHọ và tên;Chức vụ;Vai trò;Điểm cầu;Ghế\r\nNguyễn Thị Hương;"Phó Giám đốc; Sở Y tế";Đại biểu;Điểm cầu huyện Phong Điền;B09\r\nLê Văn Tám;;Chủ tọa;main;A20\r\n';
    const plan = planImport(text, ctx);
    expect(plan.error).toBeUndefined();
    expect(plan.rows.map((r) => r.errors)).toEqual([[], []]);
    expect(plan.rows.map((r) => r.participant)).toEqual([
      // Nguyễn Thị Hương is in the meeting already: the row names her (skipped or merged, never added twice).
      { id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', title: 'Phó Giám đốc; Sở Y tế', role: 'delegate', room: 'district-a', seat: 'B09' },
      { id: 'le-van-tam', name: 'Lê Văn Tám', role: 'chair', room: 'main', seat: 'A20' },
    ]);
    expect(plan.rows.map((r) => r.line)).toEqual([2, 3]);
    // Someone of that name is already in the meeting: said, and matched to her.
    expect(plan.rows.map((r) => r.warnings)).toEqual([[{ code: 'name_exists', value: 'Nguyễn Thị Hương' }], []]);
    expect(plan.rows.map((r) => r.match)).toEqual(['nguyen-thi-huong', undefined]);
    expect(plan.rows.every((r) => r.generated)).toBe(true);
  });

  it('flags every bad row and says why', () => {
    const text = [
      'id,name,role,room,seat,delegation',
      ',Trần Văn Một,president,main,A50,Đoàn 1', // unknown role
      ',Trần Văn Hai,delegate,Hội trường phụ,A51,', // unknown room
      ',,delegate,main,A52,', // empty name
      'x1,Trần Văn Ba,delegate,main,A53,',
      'x1,Trần Văn Bốn,delegate,main,A54,', // x1 twice in the file
      'sec,Trần Văn Năm,delegate,main,A55,', // id in the meeting: a match, not an error
      'bad id!,Trần Văn Sáu,delegate,main,A56,', // not an id
      ',Trần Văn Bảy,delegate,main,A03,', // seat taken in the meeting
      ',Trần Văn Tám,delegate,district-a,B01,',
      ',Trần Văn Chín,delegate,Điểm cầu huyện Phong Điền,b01,', // same seat twice in one room
      ',Trần Văn Mười,delegate,main,B01,', // B01 in another room is fine
      ',Trần Văn Mười,,,,', // defaults: delegate, main hall; id counts on
    ].join('\n');
    const plan = planImport(text, ctx);
    expect(plan.ignored).toEqual(['delegation']);
    expect(plan.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, [{ code: 'unknown_role', value: 'president' }]],
      [3, [{ code: 'unknown_room', value: 'Hội trường phụ' }]],
      [4, [{ code: 'empty_name' }]],
      [5, [{ code: 'duplicate_id', value: 'x1' }]],
      [6, [{ code: 'duplicate_id', value: 'x1' }]],
      [7, []],
      [8, [{ code: 'bad_id', value: 'bad id!' }]],
      [9, [{ code: 'seat_taken', value: 'A03' }]],
      [10, [{ code: 'duplicate_seat', value: 'B01' }]],
      [11, [{ code: 'duplicate_seat', value: 'b01' }]],
      [12, []],
      [13, []],
    ]);
    expect(plan.rows[5].match).toBe('sec');
    expect(plan.rows[10].participant).toEqual({ id: 'tran-van-muoi', name: 'Trần Văn Mười', role: 'delegate', room: 'main', seat: 'B01' });
    expect(plan.rows[11].participant).toEqual({ id: 'tran-van-muoi-2', name: 'Trần Văn Mười', role: 'delegate', room: 'main' });
  });

  it('matches the secretary who created the meeting by name, whatever the case and diacritics, and her own seat is no conflict', () => {
    const plan = planImport('name,role,seat\nPHẠM THỊ KIM OANH,secretary,T01\nPham Thi Kim Oanh,thư ký,', ctx);
    expect(plan.rows.map((r) => [r.match, r.participant.id, r.errors])).toEqual([
      ['sec', 'sec', []],
      ['sec', 'sec', []],
    ]);
  });

  it('makes, for each matched row, the participant a merge would leave: filled cells replace, empty ones keep', () => {
    type Case = [string, string, Partial<Participant> | undefined, string[]];
    const base: Participant = { id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', seat: 'A03' };
    const cases: Case[] = [
      ['a new title', 'name,title\nNguyễn Thị Hương,Giám đốc Sở Y tế', { ...base, title: 'Giám đốc Sở Y tế' }, ['title']],
      ['nothing but the name', 'name\nNguyễn Thị Hương', base, []],
      // Matched by name: the meeting's spelling stays.
      ['the name without diacritics', 'name\nnguyen thi huong', base, []],
      // Matched by id: the row's name replaces it.
      ['by id, a corrected name', 'id,name\nnguyen-thi-huong,Nguyễn Thị Thu Hương', { ...base, name: 'Nguyễn Thị Thu Hương' }, ['name']],
      ['role, room and seat', 'name,role,room,seat\nNguyễn Thị Hương,quan sát viên,Điểm cầu huyện Phong Điền,B02', { ...base, role: 'observer', room: 'district-a', seat: 'B02' }, ['role', 'room', 'seat']],
      ['empty role and room cells keep hers (no default to delegate or the main hall)', 'name,role,room\nPhạm Thị Kim Oanh,,', { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main', seat: 'T01' }, []],
      ['a new row has no merge', 'name\nTrần Văn Mới', undefined, []],
    ];
    // A role change across the views is said in the preview (the server refuses it).
    const [toChair] = planImport('name,role\nNguyễn Thị Hương,chủ tọa', ctx).rows;
    expect(toChair.changes).toEqual(['role']);
    expect(toChair.warnings).toContainEqual({ code: 'role_view', value: 'delegate' });
    const [toObserver] = planImport('name,role\nNguyễn Thị Hương,quan sát viên', ctx).rows;
    expect(toObserver.warnings.map((w) => w.code)).not.toContain('role_view');
    for (const [name, text, merge, changes] of cases) {
      const [row] = planImport(text, ctx).rows;
      expect(row.errors, name).toEqual([]);
      expect(row.merge, name).toEqual(merge);
      expect(row.changes ?? [], name).toEqual(changes);
    }
  });

  it('never makes up an id that a later row names', () => {
    const plan = planImport('name,id\nAn,\nAn khác,an', ctx);
    expect(plan.rows.map((r) => [r.participant.id, r.errors.length])).toEqual([
      ['an-2', 0],
      ['an', 0],
    ]);
  });

  it('refuses overlong text as the server would (bytes, not characters)', () => {
    const plan = planImport(`name,seat\n${'Ư'.repeat(600)},${'9'.repeat(65)}`, ctx);
    expect(plan.rows[0].errors).toEqual([
      { code: 'too_long', value: 'name' },
      { code: 'too_long', value: 'seat' },
    ]);
  });

  const fileErrors: [string, string, string | undefined][] = [
    ['empty text', '', 'empty'],
    ['only blank lines', '\r\n\r\n', 'empty'],
    ['no name column', 'role,room\ndelegate,main', 'no_name_column'],
    ['header only', 'name,role', undefined],
  ];
  for (const [name, text, want] of fileErrors) it(name, () => expect(planImport(text, ctx).error).toBe(want));

  it('reads the sample file', () => {
    const text = decodeText(readFileSync(new URL('./fixtures/participants.csv', import.meta.url)));
    const plan = planImport(text, {
      rooms: [
        { id: 'main', name: 'Hội trường chính', main: true },
        { id: 'district-a', name: 'Điểm cầu huyện Phong Điền', following: true },
        { id: 'district-b', name: 'Điểm cầu thị xã Hương Thủy', following: true },
      ],
      participants: {},
    });
    expect(plan.error).toBeUndefined();
    expect(plan.rows.length).toBeGreaterThanOrEqual(6);
    expect(plan.rows.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(plan.rows[0].participant).toMatchObject({ id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', role: 'delegate' });
    expect(new Set(plan.rows.map((r) => r.participant.role))).toEqual(new Set(['chair', 'delegate', 'secretary', 'observer']));
  });
});
