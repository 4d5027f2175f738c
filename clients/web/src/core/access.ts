// Signed links, sign-out and revocation. A session token never goes in a URL (URLs end
// up in logs, histories and Referer headers): where the browser itself must
// open a resource — the annotated copy in a new tab — the app asks the
// server for a signed link (POST /api/v1/links): the path with a short-lived
// signature bound to the session, the path and GET, valid a few minutes.

import { ApiError } from './api';

/** signedLink returns a signed link to path (a path of the session's meeting). */
export async function signedLink(token: string, path: string, fetchFn: typeof fetch = fetch, base = ''): Promise<string> {
  let resp: Response;
  try {
    resp = await fetchFn(`${base}/api/v1/links`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ path }),
    });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: String(err), message_vi: 'Không kết nối được máy chủ' });
  }
  const body = (await resp.json().catch(() => null)) as { url?: string; error?: { code: string; message: string; message_vi: string } } | null;
  if (!resp.ok || !body?.url) {
    throw new ApiError(resp.status, body?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  }
  return base + body.url;
}

/** Opener is the part of window a link opener uses. */
export interface Opener {
  open(url: string, target: string): { location: { href: string }; opener: unknown; close(): void } | null;
}

/**
 * openSigned opens path in a new tab by a signed link. The tab is opened at
 * once (inside the click, or a pop-up blocker refuses it) and sent to the
 * link when the server has signed it; on failure the tab is closed and the
 * error thrown.
 */
export async function openSigned(token: string, path: string, win: Opener = window, fetchFn: typeof fetch = fetch): Promise<void> {
  const tab = win.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  try {
    const url = await signedLink(token, path, fetchFn);
    if (tab) tab.location.href = url;
    else win.open(url, '_blank');
  } catch (err) {
    tab?.close();
    throw err;
  }
}

/** signOut ends the session on the server (best effort: the device forgets it anyway). */
export async function signOut(token: string, fetchFn: typeof fetch = fetch, base = ''): Promise<void> {
  try {
    await fetchFn(`${base}/api/v1/sign-out`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  } catch {
    /* offline: the session ends by itself within a day */
  }
}

/**
 * revokeParticipant signs a participant out of every device (a lost or
 * handed-back tablet), as a secretary: their tablets are disconnected within
 * a second and wipe what they kept; their next sign-in needs a new code.
 * It resolves with how many sessions ended.
 */
export async function revokeParticipant(meeting: string, token: string, participant: string, fetchFn: typeof fetch = fetch, base = ''): Promise<number> {
  let resp: Response;
  try {
    resp = await fetchFn(`${base}/api/v1/meetings/${encodeURIComponent(meeting)}/participants/${encodeURIComponent(participant)}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
  } catch (err) {
    throw new ApiError(0, { code: 'network', message: String(err), message_vi: 'Không kết nối được máy chủ' });
  }
  const body = (await resp.json().catch(() => null)) as { revoked?: number; error?: { code: string; message: string; message_vi: string } } | null;
  if (!resp.ok) {
    throw new ApiError(resp.status, body?.error ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` });
  }
  return body?.revoked ?? 0;
}
