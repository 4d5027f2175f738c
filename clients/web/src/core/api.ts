// The HTTP API (v1), same origin: sign in with an invitation code, fetch
// and upload documents.

import type { DocumentMeta, ErrorBody, Level, LevelRules, RosterEntry, TakenBack } from './types';
import type { Session } from './session';
import type { RecordReport } from './records';
import { deviceId } from './device';

/** ApiError is a 4xx/5xx answer of the HTTP API, or a network failure (code "network"). */
export class ApiError extends Error {
  readonly code: string;
  readonly messageVi: string;
  readonly status: number;
  /** reason says which rule refused a document (taken_back, no_download, no_offline, not_presented, …). */
  readonly reason: string;
  constructor(status: number, body: ErrorBody & { reason?: string }) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.messageVi = body.message_vi;
    this.reason = body.reason ?? '';
  }
}

/** normalizeCode tidies a typed or scanned invitation code: upper case, no spaces. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase().replace(/\s+/g, '');
}

async function errorOf(resp: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = ((await resp.json()) as { error?: ErrorBody }).error;
  } catch {
    /* not JSON */
  }
  return new ApiError(
    resp.status,
    body ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` },
  );
}

const networkError = (err: unknown) =>
  new ApiError(0, {
    code: 'network',
    message: `Cannot reach the server (${String(err)})`,
    message_vi: `Không kết nối được tới máy chủ (${String(err)})`,
  });

/** join redeems an invitation code: POST /api/v1/join. */
export async function join(code: string, fetchFn: typeof fetch = fetch, base = ''): Promise<Session> {
  let resp: Response;
  try {
    resp = await fetchFn(`${base}/api/v1/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: normalizeCode(code) }),
    });
  } catch (err) {
    throw networkError(err);
  }
  if (!resp.ok) throw await errorOf(resp);
  const s = (await resp.json()) as Session;
  if (!s.token || !s.meeting || !s.participant) {
    throw new ApiError(resp.status, { code: 'invalid', message: 'Incomplete session', message_vi: 'Phiên đăng nhập không đầy đủ' });
  }
  return s;
}

// A code in the address is redeemed at once by main.tsx (joinAhead), while
// the first screen is drawn; SignIn then takes the answer (takeJoinAhead)
// instead of asking again (a code works once).
let early: { code: string; p: Promise<Session> } | null = null;

/** joinAhead starts redeeming code now; takeJoinAhead(code) returns the answer. */
export function joinAhead(code: string, fetchFn: typeof fetch = fetch, base = ''): void {
  const p = join(code, fetchFn, base);
  p.catch(() => {}); // the taker reports it
  early = { code, p };
}

/** takeJoinAhead returns the redemption joinAhead started for code (once), or null. */
export function takeJoinAhead(code: string): Promise<Session> | null {
  if (early?.code !== code) return null;
  const p = early.p;
  early = null;
  return p;
}

/** documentURL is where a document's PDF is served (Bearer token, range requests). */
export function documentURL(meeting: string, doc: string, base = ''): string {
  return `${base}/api/v1/meetings/${encodeURIComponent(meeting)}/documents/${encodeURIComponent(doc)}/file`;
}

/**
 * DocumentUse is why a document is fetched, which the copy register
 * records: the viewer's copy, the offline keeper's, or a download (the
 * plain file route, refused for a level without "download").
 */
export type DocumentUse = 'viewer' | 'offline' | 'download';

/** documentHeaders are the headers of a document request: the session, the device, and the use. */
export function documentHeaders(token: string, use: DocumentUse, device: string = deviceId()): Record<string, string> {
  const h: Record<string, string> = { Authorization: `Bearer ${token}`, 'X-Dais-Device': device };
  if (use === 'viewer') h['X-Dais-Viewer'] = '1';
  if (use === 'offline') h['X-Dais-Offline'] = '1';
  return h;
}

/** downloadDocument fetches a document to download or print (a copy registered as such). */
export async function downloadDocument(a: Auth & { doc: string }): Promise<{ blob: Blob; name: string }> {
  let resp: Response;
  try {
    resp = await (a.fetchFn ?? fetch)(documentURL(a.meeting, a.doc, a.base), { headers: documentHeaders(a.token, 'download') });
  } catch (err) {
    throw networkError(err);
  }
  if (!resp.ok) throw await errorOf(resp);
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `${a.doc}.pdf`) };
}

/** UploadOptions describe one document upload. */
export interface UploadOptions {
  meeting: string;
  token: string;
  title: string;
  confidential: boolean;
  /** level: the secrecy level (none: not secret, or Mật when confidential). */
  level?: Level;
  /** readers of a confidential document (participant ids); empty: the server's default. */
  readers?: string[];
  file: Blob;
  /** onProgress receives the share sent, 0–1. */
  onProgress?: (fraction: number) => void;
  base?: string;
  /** xhr makes the request object (tests). */
  xhr?: () => XMLHttpRequest;
}

/**
 * uploadDocument sends a PDF as the raw body of
 * POST /api/v1/meetings/{meeting}/documents?title=…&confidential=… and
 * resolves with the Document the server registered. XMLHttpRequest rather
 * than fetch: only it reports upload progress.
 */
export function uploadDocument(o: UploadOptions): Promise<DocumentMeta> {
  return new Promise((resolve, reject) => {
    const x = (o.xhr ?? (() => new XMLHttpRequest()))();
    const q = new URLSearchParams({ title: o.title, confidential: String(o.confidential) });
    if (o.confidential && o.readers?.length) q.set('readers', o.readers.join(','));
    if (o.level) q.set('level', o.level);
    x.open('POST', `${o.base ?? ''}/api/v1/meetings/${encodeURIComponent(o.meeting)}/documents?${q}`);
    x.setRequestHeader('Authorization', `Bearer ${o.token}`);
    x.setRequestHeader('Content-Type', 'application/pdf');
    x.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) o.onProgress?.(ev.loaded / ev.total);
    };
    x.onerror = () => reject(networkError('upload failed'));
    x.onload = () => {
      let body: any;
      try {
        body = JSON.parse(x.responseText);
      } catch {
        body = undefined;
      }
      if (x.status >= 200 && x.status < 300 && body?.id) {
        o.onProgress?.(1);
        resolve(body as DocumentMeta);
        return;
      }
      reject(
        new ApiError(
          x.status,
          body?.error ?? { code: 'http_' + x.status, message: `HTTP ${x.status}`, message_vi: `Lỗi HTTP ${x.status}` },
        ),
      );
    };
    x.send(o.file);
  });
}

/** PrepareProgress mirrors documents.Progress: readers' watermarked copies made so far. */
export interface PrepareProgress {
  document: string;
  done: number;
  total: number;
  failed: number;
  running: boolean;
  errors?: string[];
}

/** Auth is what every authenticated call needs. */
export interface Auth {
  meeting: string;
  token: string;
  base?: string;
  fetchFn?: typeof fetch;
}

export async function authed(a: Auth, path: string, method = 'GET'): Promise<Response> {
  let resp: Response;
  try {
    resp = await (a.fetchFn ?? fetch)(`${a.base ?? ''}/api/v1/meetings/${encodeURIComponent(a.meeting)}${path}`, {
      method,
      headers: { Authorization: `Bearer ${a.token}` },
    });
  } catch (err) {
    throw networkError(err);
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp;
}

/**
 * roster fetches the meeting's participants (names, roles, rooms, seats; no
 * attendance) for a lean state, GET …/roster. The answer carries an ETag
 * and no-cache: the browser's HTTP cache revalidates it (304 while the
 * roster is unchanged), so asking again costs a few bytes.
 */
export async function roster(a: Auth): Promise<RosterEntry[]> {
  const resp = await authed(a, '/roster');
  const body = (await resp.json()) as { participants?: RosterEntry[] };
  return Array.isArray(body?.participants) ? body.participants : [];
}

const preparePath = (doc: string) => `/documents/${encodeURIComponent(doc)}/prepare`;

/**
 * prepareCopies starts making every reader's watermarked copy of doc
 * (POST …/documents/{doc}/prepare), then polls GET on the same path every
 * intervalMs until the job stops running, reporting each answer. It
 * resolves with the last progress.
 */
export async function prepareCopies(
  a: Auth & { doc: string; onProgress?: (p: PrepareProgress) => void; intervalMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<PrepareProgress> {
  const sleep = a.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let p = (await (await authed(a, preparePath(a.doc), 'POST')).json()) as PrepareProgress;
  a.onProgress?.(p);
  while (p.running) {
    await sleep(a.intervalMs ?? 500);
    p = (await (await authed(a, preparePath(a.doc))).json()) as PrepareProgress;
    a.onProgress?.(p);
  }
  return p;
}

/** ExportKind names a file the server generates for the meeting. */
export type ExportKind = 'minutes-vi' | 'minutes-en' | 'packet' | 'ballots';

/** exportPath is the path, under the meeting, of a generated file. */
export function exportPath(kind: ExportKind): string {
  switch (kind) {
    case 'minutes-vi':
      return '/minutes.pdf?lang=vi';
    case 'minutes-en':
      return '/minutes.pdf?lang=en';
    case 'packet':
      return '/packet.pdf';
    case 'ballots':
      return '/ballots.csv';
  }
}

/** filenameOf reads the file name of a Content-Disposition header (RFC 6266, filename* first), else fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(disposition);
  if (plain) return (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1');
  return fallback;
}

/** downloadExport fetches a generated file with the session's token and returns it with its name. */
export async function downloadExport(a: Auth & { kind: ExportKind }): Promise<{ blob: Blob; name: string }> {
  const resp = await authed(a, exportPath(a.kind));
  const fallback = { 'minutes-vi': 'minutes-vi.pdf', 'minutes-en': 'minutes-en.pdf', packet: 'packet.pdf', ballots: 'ballots.csv' }[a.kind];
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), fallback) };
}

/** recordReport fetches the signatures of a record (key: "minutes/vi", "packet", "counting/ELECTION/vi"). */
export async function recordReport(a: Auth & { record: string }): Promise<RecordReport> {
  return (await (await authed(a, `/records?record=${encodeURIComponent(a.record)}`)).json()) as RecordReport;
}

/** signRecord asks the server to sign the record with its certificate; the report after. */
export async function signRecord(a: Auth & { record: string }): Promise<RecordReport> {
  return (await (await authed(a, `/records/sign?record=${encodeURIComponent(a.record)}`, 'POST')).json()) as RecordReport;
}

/** countingMinutesPath is the path, under the meeting, of an election's counting minutes (biên bản kiểm phiếu), every round. */
export function countingMinutesPath(election: string, lang: 'vi' | 'en'): string {
  return `/elections/${encodeURIComponent(election)}/minutes.pdf?lang=${lang}`;
}

/** downloadCountingMinutes fetches an election's counting minutes PDF with the session's token. */
export async function downloadCountingMinutes(a: Auth & { election: string; lang: 'vi' | 'en' }): Promise<{ blob: Blob; name: string }> {
  const resp = await authed(a, countingMinutesPath(a.election, a.lang));
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `bien-ban-kiem-phieu-${a.election}-${a.lang}.pdf`) };
}

/** Invitation is a one-time sign-in code made for a participant. */
export interface Invitation {
  participant: string;
  code: string;
}

/** NewRoom is a room of a meeting to create; exactly one is the main hall. */
export interface NewRoom {
  id: string;
  name: string;
  main?: boolean;
}

/** NewMeetingBody is what POST /api/v1/meetings takes. */
export interface NewMeetingBody {
  title: string;
  /** RFC 3339 */
  starts_at: string;
  place?: string;
  /** missing: one main hall, "Hội trường" (id "main") */
  rooms?: NewRoom[];
}

// postJSON sends body as JSON with the Bearer token and returns the answer,
// or throws an ApiError (the server's, or "network").
async function postJSON(url: string, token: string, body: unknown, fetchFn: typeof fetch): Promise<Response> {
  let resp: Response;
  try {
    resp = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw networkError(err);
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp;
}

const incomplete = (status: number, what: string, vi: string) =>
  new ApiError(status, { code: 'invalid', message: `Incomplete answer: ${what}`, message_vi: `Máy chủ trả lời không đầy đủ: ${vi}` });

/**
 * invite makes NEW one-time codes for participants of a meeting (all of
 * them, in the meeting's order, when the list is missing or empty):
 * POST /api/v1/meetings/{meeting}/invitations. Codes issued before stay
 * valid until used. The answer keeps the order asked.
 */
export async function invite(meeting: string, token: string, participants?: string[], fetchFn: typeof fetch = fetch, base = ''): Promise<Invitation[]> {
  const body = participants?.length ? { participants } : {};
  const resp = await postJSON(`${base}/api/v1/meetings/${encodeURIComponent(meeting)}/invitations`, token, body, fetchFn);
  let got: { invitations?: Invitation[] } | undefined;
  try {
    got = (await resp.json()) as { invitations?: Invitation[] };
  } catch {
    /* checked below */
  }
  const list = got?.invitations;
  if (!Array.isArray(list) || list.some((i) => !i || typeof i.participant !== 'string' || typeof i.code !== 'string' || !i.code)) {
    throw incomplete(resp.status, 'invitations', 'mã mời');
  }
  return list.map((i) => ({ participant: i.participant, code: i.code }));
}

/**
 * createMeeting creates a meeting whose secretary is the caller (a
 * secretary of some meeting): POST /api/v1/meetings. It resolves with the
 * session in the new meeting, as join does.
 */
export async function createMeeting(token: string, body: NewMeetingBody, fetchFn: typeof fetch = fetch, base = ''): Promise<Session> {
  const resp = await postJSON(`${base}/api/v1/meetings`, token, body, fetchFn);
  let s: Session | undefined;
  try {
    s = (await resp.json()) as Session;
  } catch {
    /* checked below */
  }
  if (!s?.token || !s.meeting || !s.participant) throw incomplete(resp.status, 'session', 'phiên đăng nhập');
  return { token: s.token, meeting: s.meeting, participant: s.participant, role: s.role };
}

/** RegisterCopy is one copy of a secret document served (GET …/secrecy/register). */
export interface RegisterCopy {
  seq: number;
  at: string;
  participant: string;
  name: string;
  device: string;
  document: string;
  version: string;
  level: Level;
  kind: string;
  watermark: string;
  watermark_text: string;
  deleted: { seq: number; at: string } | null;
}

/** RegisterConfirmation is a tablet's report that it deleted its copies. */
export interface RegisterConfirmation {
  seq: number;
  at: string;
  participant: string;
  name: string;
  device: string;
  documents: string[];
  copies: number;
}

/** RegisterOutstanding is a (participant, device) with copies not confirmed deleted. */
export interface RegisterOutstanding {
  participant: string;
  name: string;
  device: string;
  documents: string[];
  copies: number;
  taken_back: boolean;
}

/** Register is the copy register (sổ theo dõi tài liệu mật) of a meeting. */
export interface Register {
  meeting: string;
  levels?: Partial<Record<Level, LevelRules>>;
  documents: { id: string; title: string; level: Level; taken_back: TakenBack | null; copies: number; outstanding: number }[];
  copies: RegisterCopy[];
  confirmations: RegisterConfirmation[];
  outstanding: RegisterOutstanding[];
}

/** registerPDFPath is the path, under the meeting, of the register's PDF export. */
export const registerPDFPath = (lang: 'vi' | 'en') => `/secrecy/register.pdf?lang=${lang}`;

/** fetchRegister reads the copy register (chair and secretaries). */
export async function fetchRegister(a: Auth): Promise<Register> {
  const resp = await authed(a, '/secrecy/register');
  const r = (await resp.json()) as Partial<Register>;
  return {
    meeting: r.meeting ?? a.meeting,
    levels: r.levels,
    documents: r.documents ?? [],
    copies: r.copies ?? [],
    confirmations: r.confirmations ?? [],
    outstanding: r.outstanding ?? [],
  };
}

/** downloadRegister fetches the register's PDF export. */
export async function downloadRegister(a: Auth & { lang: 'vi' | 'en' }): Promise<{ blob: Blob; name: string }> {
  const resp = await authed(a, registerPDFPath(a.lang));
  return { blob: await resp.blob(), name: filenameOf(resp.headers.get('Content-Disposition'), `so-theo-doi-tai-lieu-mat-${a.meeting}-${a.lang}.pdf`) };
}

/** SiteStatus is a bridge site as the centre last heard it (GET …/sites; docs/bridge.md). */
export interface SiteStatus {
  /** site is the edge's name (daisd -name). */
  site: string;
  /** room is the id of the site's room: the centre's sites file's, or by convention the site's name (older centres send none). */
  room?: string;
  online: boolean;
  rtt_ms: number;
  tablets: number;
  version: number;
  last_heard: string;
}

/** sites lists the bridge sites following the meeting (the chair and the secretaries), GET …/sites. */
export async function sites(a: Auth): Promise<SiteStatus[]> {
  const resp = await authed(a, '/sites');
  const body = (await resp.json()) as { sites?: SiteStatus[] };
  return Array.isArray(body?.sites) ? body.sites : [];
}
