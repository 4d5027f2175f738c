// Remote wipe: when the server closes the socket with CloseRevoked (4003) —
// a secretary revoked this tablet's session, or removed its participant —
// the tablet deletes everything Dais kept on it for offline use and returns
// to sign-in; the next sign-in needs a new code.
//
// What goes: every meeting's documents (the Cache API's "dais-docs:<meeting>"
// caches, or their IndexedDB databases), every kept meeting state
// (core/persist.ts: IndexedDB "dais-state", or localStorage "dais.state.*"),
// and every other "dais." key of localStorage and sessionStorage (the
// sessions of every meeting on this device), except the language and
// the device id (core/device.ts: no meeting data). The app
// shell cached by the service worker ("dais-shell-*") holds no meeting data
// and stays, so the sign-in screen still opens offline.

import { dropOthers, type Backend } from './offline';
import { dropOtherStates, type KVLike, type StateBackend } from './persist';

/** KEEP lists the localStorage keys a wipe leaves: no meeting data. */
const KEEP = new Set(['dais.lang', 'dais.device']);

/** WipeTargets are where this device keeps Dais's data. */
export interface WipeTargets {
  /** docs: the documents kept for offline reading (core/offline.ts). */
  docs?: Backend;
  /** states: the kept meeting states (core/persist.ts). */
  states?: StateBackend | null;
  /** kv: Web Storage areas (localStorage, sessionStorage). */
  kv?: (KVLike | null | undefined)[];
}

/** WipeReport says what a wipe removed. */
export interface WipeReport {
  meetings: string[];
  states: string[];
  keys: string[];
  errors: string[];
}

/**
 * wipeDevice deletes every document and state Dais kept on the device. It
 * never rejects: a part that fails is reported in errors and the rest is
 * still removed.
 */
export async function wipeDevice(t: WipeTargets): Promise<WipeReport> {
  const r: WipeReport = { meetings: [], states: [], keys: [], errors: [] };
  if (t.docs) {
    try {
      r.meetings = await dropOthers(t.docs, () => false);
    } catch (err) {
      r.errors.push(`documents: ${String(err)}`);
    }
  }
  if (t.states) {
    try {
      r.states = await dropOtherStates(t.states, () => false);
    } catch (err) {
      r.errors.push(`states: ${String(err)}`);
    }
  }
  for (const kv of t.kv ?? []) {
    if (!kv) continue;
    try {
      const doomed: string[] = [];
      for (let i = 0; i < kv.length; i++) {
        const k = kv.key(i);
        if (k && k.startsWith('dais.') && !KEEP.has(k)) doomed.push(k);
      }
      for (const k of doomed) kv.removeItem(k);
      r.keys.push(...doomed);
    } catch (err) {
      r.errors.push(`storage: ${String(err)}`);
    }
  }
  return r;
}
