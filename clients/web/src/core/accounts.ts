// The office accounts' HTTP API (docs/protocol.md, "Accounts"): the
// first-run set-up, password + TOTP sign-in, single sign-on, the meetings an
// account opens, and the administrators' account management. The account
// session travels in an HttpOnly cookie the server sets (the page never
// sees the token); fetch sends it on same-origin calls.

import { ApiError } from './api';
import type { ErrorBody } from './types';
import type { Session } from './session';

/** Account is what the server shows of an account (never its secrets). */
export interface Account {
  id: string;
  name: string;
  email?: string;
  admin: boolean;
  disabled: boolean;
  password: boolean;
  totp: boolean;
  sso: boolean;
  locked_until?: string;
}

/** AccountSession is a signed-in account; pending: it must enrol TOTP first. */
export interface AccountSession {
  account: Account;
  expires: string;
  pending?: boolean;
}

/** Enrolment is a TOTP key to enrol: secret (base32) and its otpauth:// URI. */
export interface Enrolment {
  secret: string;
  uri: string;
}

/** AccountMeeting is a meeting of the account: opened here when can_open (secretary, chair), else joined on a tablet with a code. */
export interface AccountMeeting {
  meeting: string;
  title: string;
  starts_at?: string;
  place?: string;
  status: string;
  participant: string;
  role: string;
  can_open?: boolean;
}

/** Options says what the sign-in page offers: the first-run set-up, single sign-on. */
export interface Options {
  setup: boolean;
  sso: boolean;
  /** the account session of this browser's cookie, if it is valid */
  session?: AccountSession;
}

export type Fetch = typeof fetch;

export async function call<T>(method: string, path: string, body?: unknown, fetchFn: Fetch = fetch): Promise<T> {
  let resp: Response;
  try {
    resp = await fetchFn(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  let data: any;
  try {
    data = resp.status === 204 ? undefined : await resp.json();
  } catch {
    data = undefined;
  }
  if (!resp.ok) {
    const e: ErrorBody = data?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` };
    throw new ApiError(resp.status, e);
  }
  return data as T;
}

export const accountOptions = (f?: Fetch) => call<Options>('GET', '/api/v1/account/options', undefined, f);
export const setupEnrolment = (id: string, f?: Fetch) => call<Enrolment>('POST', '/api/v1/setup/enrolment', { id }, f);

/** SetupBody creates the first administrator. */
export interface SetupBody {
  setup_secret: string;
  id: string;
  name: string;
  email?: string;
  password: string;
  totp_secret: string;
  totp_code: string;
}
export const setup = (b: SetupBody, f?: Fetch) => call<AccountSession>('POST', '/api/v1/setup', b, f);
export const login = (id: string, password: string, code: string, f?: Fetch) =>
  call<AccountSession>('POST', '/api/v1/account/login', { id, password, code }, f);
export const logout = (f?: Fetch) => call<void>('POST', '/api/v1/account/logout', undefined, f);
export const me = (f?: Fetch) => call<AccountSession>('GET', '/api/v1/account', undefined, f);
export const enrolment = (f?: Fetch) => call<Enrolment>('POST', '/api/v1/account/enrolment', undefined, f);
export const confirmTOTP = (secret: string, code: string, f?: Fetch) => call<AccountSession>('POST', '/api/v1/account/totp', { secret, code }, f);
export const accountMeetings = async (f?: Fetch) => (await call<{ meetings: AccountMeeting[] }>('GET', '/api/v1/account/meetings', undefined, f)).meetings ?? [];
export const createMeeting = (b: { title: string; starts_at: string; place?: string }, f?: Fetch) => call<Session>('POST', '/api/v1/account/meetings', b, f);
export const openMeeting = (meeting: string, f?: Fetch) => call<Session>('POST', `/api/v1/account/meetings/${encodeURIComponent(meeting)}/open`, undefined, f);

export const listAccounts = async (f?: Fetch) => (await call<{ accounts: Account[] }>('GET', '/api/v1/accounts', undefined, f)).accounts ?? [];

/** NewAccount is what an administrator fills in. */
export interface NewAccount {
  id: string;
  name: string;
  email?: string;
  admin?: boolean;
  sso_only?: boolean;
}
export const addAccount = (a: NewAccount, f?: Fetch) => call<{ account: Account; password: string }>('POST', '/api/v1/accounts', a, f);

/** AccountAction is what an administrator may do to an account. */
export type AccountAction = 'disable' | 'enable' | 'reset-password' | 'reset-totp';

/**
 * ManageResult is what an action answers: reset-password the new password
 * (shown once), disable how many live meeting sessions the account had
 * opened were ended with it (the chair's console, a secretary's workspace…;
 * absent from a server older than that answer).
 */
export interface ManageResult {
  password: string;
  sessionsEnded?: number;
}

/** manageAccount runs an action on an account. */
export async function manageAccount(id: string, action: AccountAction, f?: Fetch): Promise<ManageResult> {
  const out = await call<{ password?: string; sessions_ended?: number } | undefined>(
    'POST',
    `/api/v1/accounts/${encodeURIComponent(id)}/${action}`,
    action === 'reset-password' ? {} : undefined,
    f,
  );
  const n = out?.sessions_ended;
  return { password: out?.password ?? '', sessionsEnded: typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined };
}

/**
 * setupSecretFrom reads the setup secret from the address's fragment
 * (#setup=K7Q2-…), where daisd's first-run link puts it: a fragment is
 * never sent to a server, so no log records it.
 */
export function setupSecretFrom(hash: string): string {
  const m = /(?:^#|&)setup=([^&]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]).trim() : '';
}

/** loginIDOf suggests a login name from a Vietnamese full name: "Nguyễn Thị Hương" → "huong". */
export function loginIDOf(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return (words[words.length - 1] ?? '').slice(0, 32);
}

/**
 * linkAccount lets an account open a meeting as one of its participants:
 * POST /api/v1/meetings/{meeting}/participants/{participant}/account, with
 * a secretary's meeting session (Bearer).
 */
export async function linkAccount(meeting: string, participant: string, account: string, token: string, fetchFn: Fetch = fetch): Promise<void> {
  let resp: Response;
  try {
    resp = await fetchFn(`/api/v1/meetings/${encodeURIComponent(meeting)}/participants/${encodeURIComponent(participant)}/account`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ account }),
    });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: `Cannot reach the server (${String(err)})`, message_vi: `Không kết nối được tới máy chủ (${String(err)})` });
  }
  if (!resp.ok) {
    let e: ErrorBody | undefined;
    try {
      e = ((await resp.json()) as { error?: ErrorBody }).error;
    } catch {
      /* not JSON */
    }
    throw new ApiError(resp.status, e ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  }
}
