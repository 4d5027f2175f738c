// Conclusions and resolutions (kết luận, nghị quyết) and the follow-up of
// their tasks (docs/between-meetings.md, "Conclusions and tasks";
// protocol.md). The office's routes go with the account session's cookie;
// the meeting's routes (the secretary's workspace, the chair's console)
// with the meeting session's token.

import { call, type Fetch } from './accounts';
import { ApiError, authed, filenameOf } from './api';
import type { RecordReport, SignedRecord } from './records';

export interface Assignee {
  kind: 'person' | 'unit';
  person?: string;
  name: string;
  email?: string;
}

export interface TaskReport {
  at: string;
  by: string;
  percent: number;
  note?: string;
  done?: boolean;
  attachment?: { id: string; title: string; pages: number };
}

export interface Task {
  id: string;
  title: string;
  assignee: Assignee;
  deadline: string;
  percent: number;
  done?: string;
  reports: TaskReport[];
  reminded?: string;
}

/** imported: a task of a conclusion imported from an archive, not done when archived (the dashboard's imported list, an assignee's own list; read only here). */
export type TaskState = 'open' | 'late' | 'done' | 'imported';

export interface TaskRow extends Task {
  state: TaskState;
  conclusion: string;
  heading: string;
  meeting: string;
}

export interface CommitteeTasks {
  committee: string;
  name: string;
  open: number;
  late: number;
  done: number;
  tasks: TaskRow[];
  /** The tasks of conclusions imported from an archive: read only here, history, counted in none of open, late and done (absent from older servers). */
  imported?: TaskRow[];
}

export interface Conclusion {
  id: string;
  kind: 'conclusion' | 'resolution';
  committee: string;
  committee_name: string;
  chair: string;
  meeting: string;
  meeting_title: string;
  agenda_item: string;
  agenda_title: string;
  title: string;
  text: string;
  tasks: Task[];
  status: 'draft' | 'approved' | 'published';
  numbered?: string;
  created: string;
  approved?: string;
  published?: string;
  /** its PDF issued for signing, by record key (conclusion/vi, conclusion/en) */
  records?: Record<string, SignedRecord>;
  /** Set on a conclusion imported from an archive: read only. */
  archived?: { archive: string; events: number; last_hash?: string; at: string };
  version: number;
}

export interface TaskDraft {
  title: string;
  assignee: { kind: 'person'; person: string } | { kind: 'unit'; name: string };
  deadline: string;
}

export interface ConclusionDraft {
  agenda_item: string;
  kind: 'conclusion' | 'resolution';
  title: string;
  text: string;
  committee?: string;
  tasks: TaskDraft[];
}

/** heading is "Kết luận số 15-KL/TU" (or the kind's name while a draft). */
export function heading(c: Pick<Conclusion, 'kind' | 'numbered'>, lang: 'vi' | 'en'): string {
  const name = c.kind === 'resolution' ? (lang === 'vi' ? 'Nghị quyết' : 'Resolution') : lang === 'vi' ? 'Kết luận' : 'Conclusion';
  if (!c.numbered) return name;
  return lang === 'vi' ? `${name} số ${c.numbered}` : `${name} No. ${c.numbered}`;
}

/** stateAt is a task's state at now, as the server counts it. */
export function stateAt(t: Pick<Task, 'done' | 'deadline'>, now: Date): TaskState {
  if (t.done) return 'done';
  return now.getTime() >= new Date(t.deadline).getTime() ? 'late' : 'open';
}

/** counts sums a dashboard's committees. */
export function totals(cs: CommitteeTasks[]): { open: number; late: number; done: number } {
  return cs.reduce((a, c) => ({ open: a.open + c.open, late: a.late + c.late, done: a.done + c.done }), { open: 0, late: 0, done: 0 });
}

/**
 * checkReport says what is wrong with a report before it is sent (the
 * server checks the same): a percentage 0–100, a note or a file, a PDF.
 * It returns a key of the words, or '' when it may go.
 */
export function checkReport(r: { percent: number; done: boolean; note: string; file?: { name: string; type: string } | null }): '' | 'badPercent' | 'needNote' | 'notPDF' {
  if (!r.done && (!Number.isInteger(r.percent) || r.percent < 0 || r.percent > 100)) return 'badPercent';
  if (!r.note.trim() && !r.file) return 'needNote';
  if (r.file && r.file.type !== 'application/pdf' && !/\.pdf$/i.test(r.file.name)) return 'notPDF';
  return '';
}

const kpath = (id: string, rest = '') => `/api/v1/conclusions/${encodeURIComponent(id)}${rest}`;

export const dashboard = (f?: Fetch) => call<{ committees: CommitteeTasks[]; now: string }>('GET', '/api/v1/tasks/dashboard', undefined, f);
export const dashboardPDF = (lang: string) => `/api/v1/tasks/dashboard.pdf?lang=${lang}`;
export const myTasks = (f?: Fetch) => call<{ tasks: TaskRow[]; now: string }>('GET', '/api/v1/account/tasks', undefined, f);
export const conclusionPDF = (id: string, lang: string) => kpath(id, `/pdf?lang=${lang}`);
export const attachmentURL = (id: string, task: string, doc: string) => kpath(id, `/tasks/${encodeURIComponent(task)}/attachments/${encodeURIComponent(doc)}`);
export const officeConclusions = async (f?: Fetch) => (await call<{ conclusions: Conclusion[] }>('GET', '/api/v1/conclusions', undefined, f)).conclusions ?? [];
/** A numbered conclusion's PDF as a signed record (the committee's chair and the office's staff). */
const rq = (record: string) => `?record=${encodeURIComponent(record)}`;
export const conclusionRecord = (id: string, record = 'conclusion/vi', f?: Fetch) => call<RecordReport>('GET', kpath(id, '/record' + rq(record)), undefined, f);
export const signConclusion = (id: string, record = 'conclusion/vi', f?: Fetch) => call<RecordReport>('POST', kpath(id, '/record/sign' + rq(record)), undefined, f);
export const conclusionRecordFile = (id: string, record = 'conclusion/vi') => kpath(id, '/record/file' + rq(record));
export const approveOffice = async (id: string, f?: Fetch) => (await call<{ conclusion: Conclusion }>('POST', kpath(id, '/approve'), undefined, f)).conclusion;

/** report sends a progress report (multipart: the file, when there is one, is a PDF). */
export async function report(id: string, task: string, r: { percent: number; done: boolean; note: string; title?: string; file?: Blob | null }, fetchFn: Fetch = fetch): Promise<Conclusion> {
  const form = new FormData();
  form.set('percent', String(r.done ? 100 : r.percent));
  form.set('done', r.done ? 'true' : 'false');
  form.set('note', r.note);
  if (r.title) form.set('title', r.title);
  if (r.file) form.set('file', r.file, 'bao-cao.pdf');
  return (await send(fetchFn, 'POST', kpath(id, `/tasks/${encodeURIComponent(task)}/reports`), { body: form, credentials: 'same-origin' })).conclusion;
}

async function send(fetchFn: Fetch, method: string, path: string, init: RequestInit): Promise<any> {
  let resp: Response;
  try {
    resp = await fetchFn(path, { method, ...init });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  const data: any = await resp.json().catch(() => undefined);
  if (!resp.ok) throw new ApiError(resp.status, data?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  return data;
}

// The meeting's routes, with the meeting session's token.
const mpath = (meeting: string, rest = '') => `/api/v1/meetings/${encodeURIComponent(meeting)}/conclusions${rest}`;
const bearer = (token: string, json = false): RequestInit => ({
  headers: json ? { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } : { Authorization: `Bearer ${token}` },
});
export const meetingConclusions = async (meeting: string, token: string, f: Fetch = fetch): Promise<Conclusion[]> =>
  (await send(f, 'GET', mpath(meeting), bearer(token))).conclusions ?? [];
export const draftConclusion = async (meeting: string, token: string, d: ConclusionDraft, f: Fetch = fetch): Promise<Conclusion> =>
  (await send(f, 'POST', mpath(meeting), { ...bearer(token, true), body: JSON.stringify(d) })).conclusion;
/** editConclusion replaces a draft's title, text and tasks (the secretary's, before the chair approves it). */
export const editConclusion = async (meeting: string, token: string, id: string, d: Pick<ConclusionDraft, 'title' | 'text' | 'tasks'>, f: Fetch = fetch): Promise<Conclusion> =>
  (await send(f, 'PUT', mpath(meeting, `/${encodeURIComponent(id)}`), { ...bearer(token, true), body: JSON.stringify({ title: d.title, text: d.text, tasks: d.tasks }) })).conclusion;
export const approveConclusion = async (meeting: string, token: string, id: string, f: Fetch = fetch): Promise<Conclusion> =>
  (await send(f, 'POST', mpath(meeting, `/${encodeURIComponent(id)}/approve`), bearer(token))).conclusion;
export const publishConclusion = async (meeting: string, token: string, id: string, f: Fetch = fetch): Promise<Conclusion> =>
  (await send(f, 'POST', mpath(meeting, `/${encodeURIComponent(id)}/publish`), bearer(token))).conclusion;

/** From the chair's console: the approved conclusion's PDF as a signed record (only a session the chair opened from their account). */
export const meetingConclusionRecord = async (meeting: string, token: string, id: string, record = 'conclusion/vi', f: Fetch = fetch): Promise<RecordReport> =>
  send(f, 'GET', mpath(meeting, `/${encodeURIComponent(id)}/record${rq(record)}`), bearer(token));
export const signMeetingConclusion = async (meeting: string, token: string, id: string, record = 'conclusion/vi', f: Fetch = fetch): Promise<RecordReport> =>
  send(f, 'POST', mpath(meeting, `/${encodeURIComponent(id)}/record/sign${rq(record)}`), bearer(token));
/** downloadMeetingConclusionRecord fetches the signed copy with the meeting session's token. */
export async function downloadMeetingConclusionRecord(meeting: string, token: string, id: string, record = 'conclusion/vi', f: Fetch = fetch): Promise<{ blob: Blob; name: string }> {
  const resp = await authed({ meeting, token, fetchFn: f }, `/conclusions/${encodeURIComponent(id)}/record/file${rq(record)}`);
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `ky-ket-luan-${id}.pdf`) };
}

/** downloadMeetingConclusionPDF fetches a conclusion's PDF with the meeting session's token (a tablet's link). */
export async function downloadMeetingConclusionPDF(meeting: string, token: string, id: string, lang: 'vi' | 'en', f: Fetch = fetch): Promise<{ blob: Blob; name: string }> {
  const resp = await authed({ meeting, token, fetchFn: f }, `/conclusions/${encodeURIComponent(id)}/pdf?lang=${lang}`);
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `ket-luan-${id}.pdf`) };
}
