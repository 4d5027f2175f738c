// Between meetings (docs/between-meetings.md, protocol.md "Between
// meetings"): the office's people and committees, each person's calendar
// and its private iCalendar feed, and written consultations. Every call
// goes with the account session's cookie (same origin).

import { call, type Fetch } from './accounts';
import { ApiError } from './api';
import type { RecordReport, SignedRecord } from './records';
import type { Session } from './session';

export interface Person {
  id: string;
  name: string;
  title?: string;
  unit?: string;
  email?: string;
  account?: string;
  staff?: boolean;
}

export interface Member {
  person: string;
  title?: string;
  unit?: string;
  chair?: boolean;
}

export interface Committee {
  id: string;
  name: string;
  members: Member[];
  majority?: string;
}

export interface CalendarEntry {
  uid: string;
  kind: 'meeting' | 'consultation';
  id: string;
  title: string;
  start: string;
  end: string;
  location?: string;
  description?: string;
  status?: string;
  answered?: boolean;
}

export interface Calendar {
  person: Person;
  feed: boolean;
  entries: CalendarEntry[];
}

export interface FeedURL {
  url: string;
  webcal: string;
}

export interface Question {
  id: string;
  text: string;
  kind: 'choice' | 'free';
  choices?: string[];
}

export interface Answer {
  question: string;
  choice?: string;
  text?: string;
}

export interface ConsultationDocument {
  id: string;
  title: string;
  pages: number;
}

export interface QuestionResult {
  question: string;
  counts?: { choice: string; count: number }[];
  opinions: { person: string; name: string; choice?: string; text: string }[];
  base: number;
  needed: number;
  passed?: boolean;
}

export interface Consultation {
  id: string;
  committee: string;
  committee_name: string;
  title: string;
  description?: string;
  questions: Question[];
  documents: ConsultationDocument[];
  deadline: string;
  members: { person: string; name: string; title?: string }[];
  chair: string;
  status: 'draft' | 'open' | 'closed';
  closed_by?: 'deadline' | 'chair';
  answers: Record<string, Answer[]>;
  answered: Record<string, string>;
  reminded?: Record<string, string>;
  result?: { members: number; answered: number; not_answered: string[]; questions: QuestionResult[] };
  role: 'staff' | 'chair' | 'member';
  answered_count: number;
  /** The summary issued for signing, by record key (summary/vi, summary/en). */
  records?: Record<string, SignedRecord>;
  /** Set on a consultation imported from an archive: read only. */
  archived?: { archive: string; events: number; last_hash?: string; at: string };
}

/** OTHER is the choice that asks for a written opinion. */
export const OTHER = 'Ý kiến khác';

/** hidden reports whether an error means "not for this account" (no person, not staff). */
export const hidden = (err: unknown) => {
  const s = (err as { status?: number })?.status;
  return s === 403 || s === 404;
};

export const myCalendar = (f?: Fetch) => call<Calendar>('GET', '/api/v1/account/calendar', undefined, f);
export const newMyFeed = (f?: Fetch) => call<FeedURL>('POST', '/api/v1/account/calendar/feed', undefined, f);
export const revokeMyFeed = (f?: Fetch) => call<void>('DELETE', '/api/v1/account/calendar/feed', undefined, f);

export const people = async (f?: Fetch) => (await call<{ people: Person[] }>('GET', '/api/v1/people', undefined, f)).people ?? [];
export const putPerson = (p: Person, f?: Fetch) => {
  const { id, ...body } = p;
  return call<{ person: Person }>('PUT', `/api/v1/people/${encodeURIComponent(id)}`, body, f);
};
export const committees = async (f?: Fetch) => (await call<{ committees: Committee[] }>('GET', '/api/v1/committees', undefined, f)).committees ?? [];
export const putCommittee = (c: Committee, f?: Fetch) =>
  call<{ committee: Committee }>('PUT', `/api/v1/committees/${encodeURIComponent(c.id)}`, { name: c.name, members: c.members, majority: c.majority }, f);
export const committeeMeeting = (committee: string, b: { title: string; starts_at: string; place?: string }, f?: Fetch) =>
  call<{ session: Session; participants: unknown[] }>('POST', `/api/v1/committees/${encodeURIComponent(committee)}/meetings`, b, f);

export const consultations = async (f?: Fetch) => (await call<{ consultations: Consultation[] }>('GET', '/api/v1/consultations', undefined, f)).consultations ?? [];
const cpath = (id: string, rest = '') => `/api/v1/consultations/${encodeURIComponent(id)}${rest}`;
export const answerConsultation = async (id: string, answers: Answer[], f?: Fetch) =>
  (await call<{ consultation: Consultation }>('POST', cpath(id, '/answers'), { answers }, f)).consultation;
export const approveConsultation = async (id: string, f?: Fetch) => (await call<{ consultation: Consultation }>('POST', cpath(id, '/approve'), undefined, f)).consultation;
export const closeConsultation = async (id: string, f?: Fetch) => (await call<{ consultation: Consultation }>('POST', cpath(id, '/close'), undefined, f)).consultation;
/** remindConsultation reminds the members who have not answered (staff): the log records it and each one with an address gets an e-mail. */
export const remindConsultation = async (id: string, f?: Fetch) => call<{ reminded: string[]; mail_failed: string[] }>('POST', cpath(id, '/remind'), undefined, f);
export const summaryURL = (id: string, lang: string) => cpath(id, `/summary.pdf?lang=${lang}`);
/** A closed consultation's summary (Báo cáo tổng hợp ý kiến) as a signed record (the committee's chair and the office's staff). */
const srq = (record: string) => `?record=${encodeURIComponent(record)}`;
export const consultationRecord = (id: string, record = 'summary/vi', f?: Fetch) => call<RecordReport>('GET', cpath(id, '/record' + srq(record)), undefined, f);
export const signConsultationSummary = (id: string, record = 'summary/vi', f?: Fetch) => call<RecordReport>('POST', cpath(id, '/record/sign' + srq(record)), undefined, f);
export const consultationRecordFile = (id: string, record = 'summary/vi') => cpath(id, '/record/file' + srq(record));
export const documentURL = (id: string, doc: string) => cpath(id, `/documents/${encodeURIComponent(doc)}/file`);

/** idOf suggests a person's id from a Vietnamese name: "Nguyễn Thị Hương" → "nguyen-thi-huong". */
export function idOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('-')
    .slice(0, 64);
}

/**
 * checkAnswers says what is missing before a member sends answers: every
 * question answered, a text for "Ý kiến khác" and for free questions.
 * It returns the index of the first question wanting something, or -1.
 */
export function firstMissing(qs: Question[], answers: Record<string, Answer>): number {
  return qs.findIndex((q) => {
    const a = answers[q.id];
    if (q.kind === 'free') return !a?.text?.trim();
    if (!a?.choice) return true;
    return a.choice === OTHER && !a.text?.trim();
  });
}

/** DraftInput is what the staff send to draft a consultation. */
export interface DraftInput {
  committee: string;
  title: string;
  description?: string;
  questions: { text: string; kind: 'choice' | 'free' }[];
  deadline: string;
}
export const draftConsultation = async (d: DraftInput, f?: Fetch) => (await call<{ consultation: Consultation }>('POST', '/api/v1/consultations', d, f)).consultation;

/** addConsultationDocument uploads a PDF to a draft. */
export async function addConsultationDocument(id: string, title: string, file: Blob, fetchFn: Fetch = fetch): Promise<ConsultationDocument> {
  let resp: Response;
  try {
    resp = await fetchFn(cpath(id, `/documents?title=${encodeURIComponent(title)}`), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/pdf' },
      body: file,
    });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  const data: any = await resp.json().catch(() => undefined);
  if (!resp.ok) throw new ApiError(resp.status, data?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  return data.document as ConsultationDocument;
}

// On a member's tablet, with the meeting session's token (the tablet signed
// in with its invitation code has no account): the open consultations of
// the committee the meeting was made from, and the member's answers. The
// server decides who the member is (a participant it seated as a person of
// the committee, never a substitute).
async function withToken(fetchFn: Fetch, method: string, path: string, token: string, body?: unknown): Promise<any> {
  let resp: Response;
  try {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    resp = await fetchFn(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  const data: any = await resp.json().catch(() => undefined);
  if (!resp.ok) throw new ApiError(resp.status, data?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  return data;
}
const tpath = (meeting: string, rest = '') => `/api/v1/meetings/${encodeURIComponent(meeting)}/consultations${rest}`;
/** meetingConsultations: who the tablet's member is ("" for none) and the open consultations that ask them. */
export const meetingConsultations = async (meeting: string, token: string, f: Fetch = fetch): Promise<{ person: string; consultations: Consultation[] }> => {
  const d = await withToken(f, 'GET', tpath(meeting), token);
  return { person: d?.person ?? '', consultations: d?.consultations ?? [] };
};
/** answerFromTablet sends the member's answers with the meeting's session. */
export const answerFromTablet = async (meeting: string, token: string, id: string, answers: Answer[], f: Fetch = fetch): Promise<Consultation> =>
  (await withToken(f, 'POST', tpath(meeting, `/${encodeURIComponent(id)}/answers`), token, { answers })).consultation;
/** tabletDocument fetches a document of a consultation the tablet lists, with the meeting's session. */
export async function tabletDocument(meeting: string, token: string, id: string, doc: string, fetchFn: Fetch = fetch): Promise<Blob> {
  let resp: Response;
  try {
    resp = await fetchFn(tpath(meeting, `/${encodeURIComponent(id)}/documents/${encodeURIComponent(doc)}/file`), { headers: { Authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  if (!resp.ok) {
    const data: any = await resp.json().catch(() => undefined);
    throw new ApiError(resp.status, data?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  }
  return resp.blob();
}
