// The app's shared context: the meeting store, the language and a toast
// line for command results; and the hooks screens use to read them.

import { createContext } from 'preact';
import { useContext, useEffect, useState, useCallback } from 'preact/hooks';
import type { MeetingStore } from '../core/store';
import { errorText, translate, type Lang, type T } from '../i18n';

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

export interface AppContext {
  lang: Lang;
  t: T;
  setLang(l: Lang): void;
  toast(text: string, kind?: 'ok' | 'error'): void;
  signOut(): void;
}

export const Ctx = createContext<AppContext>({
  lang: 'vi',
  t: (k, p) => translate('vi', k, p),
  setLang: () => {},
  toast: () => {},
  signOut: () => {},
});

export const useApp = () => useContext(Ctx);

/**
 * useStore re-renders the caller whenever the store changes — also for a
 * change between its render and its subscription (the socket is opened in a
 * layout effect, before this effect runs).
 */
export function useStore(store: MeetingStore): MeetingStore {
  const [, setRev] = useState(0);
  const rendered = store.rev;
  useEffect(() => {
    const off = store.subscribe(() => setRev(store.rev));
    if (store.rev !== rendered) setRev(store.rev);
    return off;
  }, [store]);
  return store;
}

/** useNow returns the time in ms, refreshed every periodMs (for timers). */
export function useNow(periodMs = 1000, enabled = true): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!enabled) return;
    const h = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(h);
  }, [periodMs, enabled]);
  return now;
}

/**
 * useRun wraps a command: it tracks whether it is running and shows its
 * refusal (in the language shown) as a toast. It resolves to whether it succeeded.
 */
export function useRun(): [boolean, (f: () => Promise<unknown>, okText?: string) => Promise<boolean>] {
  const { lang, toast } = useApp();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (f: () => Promise<unknown>, okText?: string) => {
      setBusy(true);
      try {
        const r = await f();
        // A command held at a bridge site during a cut (an ack with queued) is not done yet: say so.
        if ((r as { queued?: boolean } | undefined)?.queued) toast(translate(lang, 'queuedAtSite'), 'ok');
        else if (okText) toast(okText, 'ok');
        return true;
      } catch (err) {
        toast(errorText(lang, err), 'error');
        return false;
      } finally {
        setBusy(false);
      }
    },
    [lang, toast],
  );
  return [busy, run];
}

/** newId returns a fresh id for a participant, item, poll or proposal the client creates. */
export function newId(prefix: string): string {
  const r = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${r[0].toString(36)}${r[1].toString(36)}`.slice(0, 20);
}
