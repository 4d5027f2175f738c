// App chooses the screen: sign-in without a session, then by role — the
// chair console, the secretary workspace, the delegate tablet (observers
// too) — or the room display with ?display=1.
//
// A meeting starts from the state kept on the device (core/persist.ts) when
// there is one for this meeting and participant: the screens show it at
// once (the top bar says when it was saved) while the client resumes after
// its version. The kept state goes with the session (sign-out, 4001).

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browserBackend, dropOtherStates, loadState, loadStateNow, type SavedState, type StateBackend } from '../core/persist';
import { signOut as signOutRemote } from '../core/access';
import { browserBackend as docsBackend } from '../core/offline';
import { wsURL } from '../core/protocol';
import { wipeDevice } from '../core/wipe';
import { SessionStore, type Session } from '../core/session';
import { MeetingStore } from '../core/store';
import { errorText, translate, type Key, type Lang } from '../i18n';
import { ConnectionBanner, TopBar } from './shared/TopBar';
import { formatTime } from './shared/format';
import { Ctx, useApp, useStore, type AppContext, type Toast } from './context';
import { Delegate } from './delegate/Delegate';
import { MeetingSwitch, type Switcher } from './meetingSwitch';
import { Chair, Display, preloadRole, Secretary } from './screens';
import { useLazyReady } from './lazy';
import { Entry } from './account/Entry';
import { openAhead, preloadPdfJs } from './document/pdfjs';
import { documentURL } from '../core/api';
import { docView, FOLLOWING } from '../core/follow';
import { markOnce, noFirstPage } from '../core/firstpage';
import { deviceId } from '../core/device';
import { useTakeBack } from './takeback';
import { offlineFor } from './delegate/OfflineList';

export interface AppProps {
  sessions: SessionStore;
  params: URLSearchParams;
  initialLang: Lang;
  saveLang: (l: Lang) => void;
  /** persist is where meeting states are kept on the device (default: IndexedDB, else localStorage). */
  persist?: StateBackend | null;
}

export function App({ sessions, params, initialLang, saveLang, persist }: AppProps) {
  const backend = useMemo(() => (persist === undefined ? browserBackend() : persist), [persist]);
  // Whether the device still holds a session of this participant in this meeting.
  const held = useCallback((meeting: string, participant: string) => sessions.get(meeting)?.participant === participant, [sessions]);
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(() => (params.get('code') ? null : sessions.last()));

  // Sessions redeemed from a code in this page: their meeting starts without the kept state (below).
  const fresh = useRef(new Set<string>());
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
    if (session) {
      void signOutRemote(session.token);
      sessions.forget(session.meeting);
    }
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
    markOnce('signed-in');
    preloadRole(s.role, params.get('display') === '1');
    preloadPdfJs();
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

  // Revoked (4003): remote wipe. Everything kept for offline use goes, on
  // this device, for every meeting; then sign-in. A second pass catches a
  // document whose download was in flight when the screens closed.
  const onRevoked = useCallback(() => {
    const targets = { docs: docsBackend(), states: backend, kv: [globalThis.localStorage, globalThis.sessionStorage] };
    setNotice(translate(lang, 'sessionRevoked'));
    setSession(null);
    void wipeDevice(targets).then(() => new Promise((r) => setTimeout(r, 1000))).then(() => wipeDevice(targets));
  }, [lang, backend]);

  return (
    <Ctx.Provider value={ctx}>
      {session ? (
        <MeetingSwitch.Provider value={switcher}>
          <Meeting
            key={session.token}
            session={session}
            display={params.get('display') === '1'}
            onUnauthorized={onUnauthorized}
            onRevoked={onRevoked}
            backend={backend}
            held={held}
            fresh={fresh.current.has(session.token)}
          />
        </MeetingSwitch.Provider>
      ) : (
        <Entry
          initialCode={params.get('code') ?? ''}
          notice={notice}
          onSignedIn={(s) => {
            fresh.current.add(s.token);
            onSignedIn(s);
          }}
        />
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

interface MeetingProps {
  session: Session;
  display: boolean;
  onUnauthorized: (s: Session) => void;
  onRevoked: () => void;
  backend: StateBackend | null;
  held: (meeting: string, participant: string) => boolean;
  /**
   * fresh: the session was just redeemed from a code, so the server has
   * answered and its welcome (a snapshot) replaces whatever is kept: the
   * meeting starts without reading the kept state (a new tablet's IndexedDB,
   * slow to open, no longer delays the socket; a sign-out or a refusal
   * dropped any state kept for this participant anyway).
   */
  fresh?: boolean;
}

/** Meeting reads the state kept on the device, if any, then runs the meeting from it. */
function Meeting(p: MeetingProps) {
  const { session, backend, held, fresh } = p;
  // undefined while reading; null: nothing kept (or unreadable), or a fresh
  // session. Web Storage is read at once, IndexedDB before the meeting starts.
  const [saved, setSaved] = useState<SavedState | null | undefined>(() => {
    if (!backend || fresh) return null;
    return loadStateNow(backend, session.meeting, session.participant);
  });
  const { t } = useApp();
  // Layout effects: the kept state is read, and then the socket opened, before the loading screen is
  // painted rather than after (a frame each on a slow tablet, on the way to the first page).
  useLayoutEffect(() => {
    if (!backend) return;
    let live = true;
    // Kept states of sessions this device no longer holds (another person's included).
    const tidy = dropOtherStates(backend, held);
    if (saved === undefined) {
      void tidy
        .then(() => loadState(backend, session.meeting, session.participant))
        .then((s) => {
          markOnce('kept');
          if (live) setSaved(s);
        });
    }
    return () => {
      live = false;
    };
  }, [session, backend]);
  if (saved === undefined) {
    return (
      <div class="loading">
        <p>{t('loading')}</p>
      </div>
    );
  }
  return <LiveMeeting {...p} saved={saved} />;
}

function LiveMeeting({ session, display, onUnauthorized, onRevoked, backend, held, saved }: MeetingProps & { saved: SavedState | null }) {
  const cb = useRef(onUnauthorized);
  cb.current = onUnauthorized;
  const revoked = useRef(onRevoked);
  revoked.current = onRevoked;
  const store = useMemo(
    () =>
      new MeetingStore({
        session,
        url: wsURL(),
        onUnauthorized: () => cb.current(session),
        onRevoked: () => revoked.current(),
        saved,
        persist: backend,
        device: () => deviceId(),
      }),
    [session],
  );
  useStore(store);
  // Delegates and observers keep copies for offline reading; every screen deletes what it holds of a document taken back.
  const keeps = session.role === 'delegate' || session.role === 'observer';
  useTakeBack(store, useMemo(() => (keeps && !display ? offlineFor(store) : null), [store]));
  const { t: ctxT, lang, toast } = useApp();
  const ahead = useRef(false);

  // A ballot refused after its poll closed (pressed on a kept state, say): the vote panel is gone.
  useEffect(() => store.onBallotRefused((err) => toast(`${ctxT('voteRefused')} ${errorText(lang, err)}`)), [store, lang]);

  useLayoutEffect(() => {
    markOnce('connect');
    store.start();
    // Keep the state when the page goes away or to the background (the tablet may not come back).
    const keep = () => void store.saveNow();
    window.addEventListener('pagehide', keep);
    const nudge = () => store.client.nudge();
    // After a long sleep the socket may be dead without the browser knowing: resume afresh.
    let hiddenAt = 0;
    const onVisible = () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now();
        keep();
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
      window.removeEventListener('pagehide', keep);
      store.stop();
      // Signed out, refused (4001), or another session took its place: the kept state goes too.
      if (!held(session.meeting, session.participant)) void store.forget();
    };
  }, [store]);

  const role = (store.state && store.state.participants[store.me]?.role) ?? store.role;
  // The chair's, secretary's or display's screen is a chunk of its own (screens.ts): drawn with the rest.
  const ready = useLazyReady(display || role === 'display' ? Display : role === 'chair' ? Chair : role === 'secretary' ? Secretary : null);
  if (!store.state || !ready) {
    return (
      <div class="loading">
        <ConnectionBanner store={store} />
        <p>{ctxT('loading')}</p>
      </div>
    );
  }
  markOnce('state');
  // The secretary's workspace shows no document: what waits for a first page need not.
  if (role === 'secretary' && !display) noFirstPage();
  if (!ahead.current) {
    // A new tablet (nothing kept): the shown document opens while the screen is built.
    ahead.current = true;
    const doc = saved ? undefined : docView(store.state, store.me, false, FOLLOWING).doc;
    if (doc && (role === 'delegate' || role === 'observer' || role === 'display' || display)) openAhead(documentURL(store.state.id, doc), session.token);
  }
  const savedNote = store.savedAt !== null ? ctxT('savedAt', { time: formatTime(lang, store.savedAt) }) : '';
  if (display || role === 'display') {
    return (
      <>
        <ConnectionBanner store={store} />
        {savedNote && (
          <p class="saved-note" role="status">
            {savedNote}
          </p>
        )}
        <Display store={store} />
      </>
    );
  }
  const screen =
    role === 'chair' ? <Chair store={store} /> : role === 'secretary' ? <Secretary store={store} /> : <Delegate store={store} />;
  const sub = role === 'chair' ? 'chairConsole' : role === 'secretary' ? 'secretaryWorkspace' : ('role_' + role) as Key;
  return (
    <div class="app">
      <TopBar store={store} subtitle={savedNote ? `${ctxT(sub)} · ${savedNote}` : ctxT(sub)} />
      <ConnectionBanner store={store} />
      {screen}
    </div>
  );
}
