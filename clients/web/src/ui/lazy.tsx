// Screens loaded when they are needed (issue 17): a delegate's tablet
// downloads and evaluates only its own screen; the chair's console, the
// secretary workspace, the room display, the counting committee's console
// and the account screens are separate chunks (Vite splits each dynamic
// import), fetched when shown — or ahead, when the role is known before the
// meeting arrives (preloadRole, at the sign-in and at start with a session),
// so that a chair or a secretary waits for no extra round trip either.
//
// lazy(load) returns a component that renders the loaded one (at once when
// it is loaded already), a quiet loading line while it loads, and a line
// with a reload button if it cannot be loaded (offline with a chunk never
// fetched, or a server upgraded under an open page).

import type { ComponentType, JSX } from 'preact';
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from './context';

/** LazyComponent is a component loaded on first use; preload starts loading it now. */
export interface LazyComponent<P> {
  (props: P): JSX.Element | null;
  preload(): Promise<ComponentType<P>>;
  /** loaded reports whether it renders at once. */
  loaded(): boolean;
}

/**
 * useLazyReady loads c and reports whether it is loaded (or failed to load:
 * it then shows why itself); true for null. A screen waits on its loading
 * line until its whole screen can be drawn at once, not a frame without it.
 */
export function useLazyReady(c: LazyComponent<any> | null): boolean {
  // (boxed: a function given to a state setter would be called as an updater)
  const [failed, setFailed] = useState<{ c: LazyComponent<any> } | null>(null);
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (!c || c.loaded()) return;
    let live = true;
    c.preload().then(
      () => live && setLoaded((n) => n + 1),
      () => live && setFailed({ c }),
    );
    return () => {
      live = false;
    };
  }, [c]);
  return !c || c.loaded() || failed?.c === c;
}

let pending = 0;
let idle: (() => void)[] = [];

/** lazyIdle resolves when no lazy component is loading (for the tests). */
export function lazyIdle(): Promise<void> {
  if (pending === 0) return Promise.resolve();
  return new Promise((r) => idle.push(r));
}

function settled(): void {
  if (--pending > 0) return;
  const w = idle;
  idle = [];
  for (const f of w) f();
}

/** lazy returns a component whose module is imported by load when first rendered (or preloaded). */
export function lazy<P>(load: () => Promise<ComponentType<P>>): LazyComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let p: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> => {
    if (p) return p;
    pending++;
    p = load().then(
      (c) => {
        loaded = c;
        settled();
        return c;
      },
      (err) => {
        p = null; // a later render tries again
        settled();
        throw err;
      },
    );
    return p;
  };
  function Lazy(props: P): JSX.Element | null {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    const { t } = useApp();
    useEffect(() => {
      if (loaded) return;
      let live = true;
      preload().then(
        () => live && setReady(1),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, []);
    if (loaded) return h(loaded as ComponentType<any>, props as any);
    if (failed) {
      return (
        <div class="loading" role="alert">
          <p>{t('connFailed')}</p>
          <button type="button" class="btn" onClick={() => location.reload()}>
            {t('reload')}
          </button>
        </div>
      );
    }
    return (
      <div class="loading">
        <p>{t('loading')}</p>
      </div>
    );
  }
  Lazy.preload = preload;
  Lazy.loaded = () => loaded !== null;
  return Lazy;
}
