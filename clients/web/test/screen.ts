// The jsdom setup every screen test shares: a fake WebSocket that records
// the sockets the app opens, a ResizeObserver stub (pdf.js layout), a fresh
// root element per test, and flush.
import { afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { memoryKV, SessionStore } from '../src/core/session';
import type { Lang } from '../src/i18n';
import { App } from '../src/ui/App';
import { preloadAll } from '../src/ui/screens';
import { FakeSocket } from './fakes';

/**
 * installScreen registers, for the tests of the calling file (or describe),
 * a beforeEach that installs the fakes and hands the new sockets array and
 * root element to set, and an afterEach that unmounts, removes the root and
 * restores stubbed globals and spies. clearStorage also empties
 * localStorage before each test.
 */
export function installScreen(set: (sockets: FakeSocket[], root: HTMLElement) => void, o: { clearStorage?: boolean } = {}): void {
  let root: HTMLElement;
  // The screens loaded on demand (src/ui/lazy.tsx) render at once once loaded (test/lazy.test.tsx covers the loading).
  beforeAll(() => preloadAll());
  beforeEach(() => {
    const sockets: FakeSocket[] = [];
    if (o.clearStorage) localStorage.clear();
    (globalThis as any).WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    };
    (globalThis as any).ResizeObserver = class {
      observe() {}
      disconnect() {}
    };
    root = document.createElement('div');
    document.body.appendChild(root);
    set(sockets, root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}

/** flush lets pending effects and timers of zero delay run. */
export const flush = async (): Promise<void> => {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
};

/**
 * signIn renders the App for participant (with role) of meeting m1, signed
 * in by a session kept in memory, opens its socket and answers the hello
 * with a welcome carrying snapshot at seq. search is the page's query
 * string (e.g. "display=1").
 */
export async function signIn(
  root: HTMLElement,
  sockets: FakeSocket[],
  who: { participant: string; role: string },
  o: { seq: number; snapshot: unknown; search?: string; lang?: Lang },
): Promise<{ ws: FakeSocket; sessions: SessionStore }> {
  const sessions = new SessionStore(memoryKV());
  sessions.save({ token: 'tok', meeting: 'm1', participant: who.participant, role: who.role as any });
  await act(() => {
    render(h(App, { sessions, params: new URLSearchParams(o.search ?? ''), initialLang: o.lang ?? 'vi', saveLang: () => {} }), root);
  });
  await flush();
  const ws = sockets[sockets.length - 1];
  await act(() => {
    ws.open();
    ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: who.participant, role: who.role, seq: o.seq, snapshot: o.snapshot });
  });
  await flush();
  return { ws, sessions };
}
