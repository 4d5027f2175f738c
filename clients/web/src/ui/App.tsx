// App chooses the screen: sign-in without a session, then by role — the
// chair console, the secretary workspace, the delegate tablet (observers
// too) — or the room display with ?display=1.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { wsURL } from '../core/protocol';
import { SessionStore, type Session } from '../core/session';
import { MeetingStore } from '../core/store';
import { translate, type Key, type Lang } from '../i18n';
import { Chair } from './Chair';
import { ConnectionBanner, TopBar } from './common';
import { Ctx, useApp, useStore, type AppContext, type Toast } from './context';
import { Delegate } from './Delegate';
import { Display } from './Display';
import { MeetingSwitch, type Switcher } from './NewMeeting';
import { Secretary } from './Secretary';
import { SignIn } from './SignIn';

export interface AppProps {
  sessions: SessionStore;
  params: URLSearchParams;
  initialLang: Lang;
  saveLang: (l: Lang) => void;
}

export function App({ sessions, params, initialLang, saveLang }: AppProps) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(() => (params.get('code') ? null : sessions.last()));
  const [notice, setNotice] = useState('');
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(1);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const toast = useCallback((text: string, kind: 'ok' | 'error' = 'error') => {
    const id = nextToast.current++;
    setToasts((ts) => [...ts.slice(-2), { id, text, kind }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 3000);
  }, []);

  const signOut = useCallback(() => {
    if (session) sessions.forget(session.meeting);
    setSession(null);
  }, [session]);

  const ctx: AppContext = useMemo(
    () => ({
      lang,
      t: (k: Key, p?: Record<string, string | number>) => translate(lang, k, p),
      setLang: (l: Lang) => {
        setLangState(l);
        saveLang(l);
      },
      toast,
      signOut,
    }),
    [lang, toast, signOut],
  );

  const onSignedIn = (s: Session) => {
    sessions.save(s);
    setNotice('');
    // Drop the one-time code from the address bar: a reload must not reuse it.
    if (params.has('code')) {
      params.delete('code');
      const q = params.toString();
      history.replaceState(null, '', location.pathname + (q ? '?' + q : ''));
    }
    setSession(s);
  };

  // A secretary's new meeting, or another meeting this device has a session for.
  const switcher: Switcher = useMemo(() => ({ open: onSignedIn, get: (m: string) => sessions.get(m) }), [sessions]);

  const onUnauthorized = useCallback((s: Session) => {
    sessions.forget(s.meeting);
    setNotice(translate(lang, 'sessionExpired'));
    setSession(null);
  }, [lang]);

  return (
    <Ctx.Provider value={ctx}>
      {session ? (
        <MeetingSwitch.Provider value={switcher}>
          <Meeting key={session.token} session={session} display={params.get('display') === '1'} onUnauthorized={onUnauthorized} />
        </MeetingSwitch.Provider>
      ) : (
        <SignIn initialCode={params.get('code') ?? ''} notice={notice} onSignedIn={onSignedIn} />
      )}
      <div class="toasts" aria-live="polite">
        {toasts.map((x) => (
          <p key={x.id} class={'toast ' + x.kind} role={x.kind === 'error' ? 'alert' : 'status'}>
            {x.text}
          </p>
        ))}
      </div>
    </Ctx.Provider>
  );
}

function Meeting({ session, display, onUnauthorized }: { session: Session; display: boolean; onUnauthorized: (s: Session) => void }) {
  const cb = useRef(onUnauthorized);
  cb.current = onUnauthorized;
  const store = useMemo(() => new MeetingStore({ session, url: wsURL(), onUnauthorized: () => cb.current(session) }), [session]);
  useStore(store);

  useEffect(() => {
    store.start();
    const nudge = () => store.client.nudge();
    // After a long sleep the socket may be dead without the browser knowing: resume afresh.
    let hiddenAt = 0;
    const onVisible = () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now();
        return;
      }
      if (hiddenAt && Date.now() - hiddenAt > 30_000) store.client.refresh();
      else nudge();
      hiddenAt = 0;
    };
    window.addEventListener('online', nudge);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', nudge);
      document.removeEventListener('visibilitychange', onVisible);
      store.stop();
    };
  }, [store]);

  const { t: ctxT } = useApp();
  if (!store.state) {
    return (
      <div class="loading">
        <ConnectionBanner store={store} />
        <p>{ctxT('loading')}</p>
      </div>
    );
  }
  const role = store.state.participants[store.me]?.role ?? store.role;
  if (display) {
    return (
      <>
        <ConnectionBanner store={store} />
        <Display store={store} />
      </>
    );
  }
  const screen =
    role === 'chair' ? <Chair store={store} /> : role === 'secretary' ? <Secretary store={store} /> : <Delegate store={store} />;
  const sub = role === 'chair' ? 'chairConsole' : role === 'secretary' ? 'secretaryWorkspace' : ('role_' + role) as Key;
  return (
    <div class="app">
      <TopBar store={store} subtitle={ctxT(sub)} />
      <ConnectionBanner store={store} />
      {screen}
    </div>
  );
}
