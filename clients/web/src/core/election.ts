// The election ballot without a screen: the marks a delegate makes on the
// tablet, the same marks a counting-committee member types from a paper
// ballot, and whether the ballot is valid by the Party's election rules
// (Quy chế bầu cử trong Đảng, 190-QĐ/TW, 2024):
//
//   - More names than seats ("strike" form): every name is kept unless the
//     voter strikes it through (gạch tên). Keeping more names than there
//     are seats makes the ballot invalid; so does striking every name.
//   - As many names as seats ("agree" form): each name has a "Đồng ý"
//     and a "Không đồng ý" box. A name with neither or both boxes marked
//     gets no vote and leaves the ballot valid.
//
// Pure functions; the screens and the tests use them alike. The wire form
// of a ballot is in core/elections.ts (which follows the server's protocol).

/** Form is the shape of the paper ballot: strike names, or mark agree/disagree per name. */
export type Form = 'strike' | 'agree';

/** Mark is what one name carries on a ballot: kept or struck (strike form), or its boxes (agree form). */
export type Mark = 'keep' | 'strike' | 'yes' | 'no' | 'both' | 'none';

/** InvalidReason says why a ballot is invalid (phiếu không hợp lệ). */
export type InvalidReason = 'too_many_kept' | 'all_struck';

/** Judgement is what the rules make of a ballot. */
export interface Judgement {
  valid: boolean;
  reason?: InvalidReason;
  /** kept counts the names that receive a vote (strike form: not struck; agree form: "Đồng ý" alone). */
  kept: number;
  /** votes lists, in list order, the indexes of the names that receive a vote; empty when invalid. */
  votes: number[];
}

/** formFor returns the ballot's form: agree when the list has exactly as many names as seats. */
export function formFor(candidates: number, seats: number): Form {
  return candidates === seats ? 'agree' : 'strike';
}

/** blank returns a fresh ballot: every name kept (strike form), or no box marked (agree form). */
export function blank(form: Form, n: number): Mark[] {
  return Array.from({ length: n }, () => (form === 'strike' ? 'keep' : 'none'));
}

/** toggle strikes a kept name or restores a struck one (strike form); it returns a new ballot. */
export function toggle(marks: Mark[], i: number): Mark[] {
  if (i < 0 || i >= marks.length) return marks;
  const out = [...marks];
  out[i] = out[i] === 'strike' ? 'keep' : 'strike';
  return out;
}

/**
 * tick marks or unmarks one box of a name (agree form): ticking "yes"
 * on a name marked "no" marks both, as a pen would; ticking a marked box
 * again clears it. It returns a new ballot.
 */
export function tick(marks: Mark[], i: number, box: 'yes' | 'no'): Mark[] {
  if (i < 0 || i >= marks.length) return marks;
  const has = boxes(marks[i]);
  has[box] = !has[box];
  const out = [...marks];
  out[i] = has.yes && has.no ? 'both' : has.yes ? 'yes' : has.no ? 'no' : 'none';
  return out;
}

/** boxes says which boxes a mark of the agree form has ticked. */
export function boxes(m: Mark): { yes: boolean; no: boolean } {
  return { yes: m === 'yes' || m === 'both', no: m === 'no' || m === 'both' };
}

/** gets reports whether a name with mark m receives a vote on a valid ballot. */
export function gets(m: Mark): boolean {
  return m === 'keep' || m === 'yes';
}

/**
 * judge applies the rules to a ballot of the given form for an election
 * of `seats` seats. A ballot whose marks do not fit the form (a strike
 * mark on an agree ballot, a wrong length) is a programming error and
 * throws.
 */
export function judge(form: Form, seats: number, marks: Mark[]): Judgement {
  const allowed: Mark[] = form === 'strike' ? ['keep', 'strike'] : ['yes', 'no', 'both', 'none'];
  for (const m of marks) if (!allowed.includes(m)) throw new Error(`mark ${m} on a ${form} ballot`);
  const votes: number[] = [];
  marks.forEach((m, i) => {
    if (gets(m)) votes.push(i);
  });
  const kept = votes.length;
  if (form === 'strike') {
    if (marks.length > 0 && marks.every((m) => m === 'strike')) return { valid: false, reason: 'all_struck', kept, votes: [] };
    if (kept > seats) return { valid: false, reason: 'too_many_kept', kept, votes: [] };
  }
  // The agree form cannot keep more names than seats (there are only as
  // many names), and a name with no box or both boxes just gets no vote.
  return { valid: true, kept, votes };
}

/** Confidence levels of a confidence vote (lấy phiếu tín nhiệm, Regulation 96-QĐ/TW). */
export type Level = 'high' | 'medium' | 'low';
export const LEVELS: Level[] = ['high', 'medium', 'low'];

/** LevelMark is one person's mark on a confidence ballot: a level, none, or more than one. */
export type LevelMark = Level | 'none' | 'many';

// The wire form (docs: /work/notes/elections-protocol.md, "Ballot content"):
// one ASCII character per name, in the round's order.
const strikeChars: Record<string, string> = { keep: '1', strike: '0' };
const agreeChars: Record<string, string> = { yes: '1', no: '0', none: '-', both: '*' };
const levelChars: Record<LevelMark, string> = { high: 'h', medium: 'm', low: 'l', none: '-', many: '*' };

/** encode writes a ballot's marks as the server takes them ("1101…"). */
export function encode(marks: Mark[]): string {
  return marks.map((m) => strikeChars[m] ?? agreeChars[m]).join('');
}

/** decode reads a marks string of a form back (undefined when it does not fit). */
export function decode(form: Form, s: string): Mark[] | undefined {
  const table = form === 'strike' ? strikeChars : agreeChars;
  const back = Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k as Mark]));
  const out: Mark[] = [];
  for (const ch of s) {
    if (!(ch in back)) return undefined;
    out.push(back[ch]);
  }
  return out;
}

/** encodeLevels writes a confidence ballot ("hml-…"). */
export function encodeLevels(marks: LevelMark[]): string {
  return marks.map((m) => levelChars[m]).join('');
}

/** decodeLevels reads a confidence ballot back (undefined when it does not fit). */
export function decodeLevels(s: string): LevelMark[] | undefined {
  const back = Object.fromEntries(Object.entries(levelChars).map(([k, v]) => [v, k as LevelMark]));
  const out: LevelMark[] = [];
  for (const ch of s) {
    if (!(ch in back)) return undefined;
    out.push(back[ch]);
  }
  return out;
}

/** ListProblem says why a candidate list does not fit the seats. */
export type ListProblem = 'no_seats' | 'too_few' | 'too_many';

/**
 * maxNames is the longest list the rules allow for `seats` seats: at most
 * 30 % more names than seats (số dư không quá 30 %), rounded down.
 */
export function maxNames(seats: number): number {
  return Math.floor((seats * 130) / 100);
}

/** checkList says whether a list of n names fits an election of `seats` seats. */
export function checkList(seats: number, n: number): ListProblem | undefined {
  if (!Number.isInteger(seats) || seats < 1) return 'no_seats';
  if (n < seats) return 'too_few';
  if (n > maxNames(seats)) return 'too_many';
  return undefined;
}
