// The entry point: reads the language and the sessions from localStorage
// and the URL parameters (?code= from a QR code, ?display=1 for the room
// screen), then renders the app. A production build also registers the
// service worker (src/sw.ts → /sw.js) that keeps the app shell, so that a
// tablet reloading without network still starts; browsers offer service
// workers only in secure contexts (https, localhost, 127.0.0.1). With a
// session (or a code), pdf.js starts loading at once (ui/document/pdfjs.ts).

import { render } from 'preact';
import { afterFirstPage, markOnce } from './core/firstpage';
import { browserBackend, checkEmpty } from './core/persist';
import { memoryKV, SessionStore, type KV } from './core/session';
import type { Lang } from './i18n';
import { App } from './ui/App';
import { preloadPdfJs } from './ui/document/pdfjs';
import { preloadRole } from './ui/screens';
import './styles.css';

function storage(): KV {
  try {
    const k = '__dais_probe';
    localStorage.setItem(k, '1');
    localStorage.removeItem(k);
    return localStorage;
  } catch {
    return memoryKV(); // private mode or storage disabled: sessions last the page
  }
}

markOnce('main');
const kv = storage();
const params = new URLSearchParams(location.search);
const sessions = new SessionStore(kv);
// pdf.js and its worker are the largest files and the first page needs them:
// fetched now, with a session or a code, in parallel with the sign-in and the
// welcome, not when the document pane mounts (see ui/document/pdfjs.ts).
// A code is redeemed by SignIn as it mounts, behind a loading line (not the
// form). (Redeeming it here with core/api joinAhead, the app waiting on its
// loading screen, broke the e2e's election scenario on 2026-12-03 — the
// committee's console never counted the tablet ballots — for a reason not
// found; the loading line gets most of its gain.)
// The device's kept meetings (IndexedDB) are opened now too: a new tablet
// creates the database while the server answers, not after, and a device
// found keeping none starts its meeting without reading it (core/persist.ts
// checkEmpty).
const last = sessions.last();
if (params.get('code') || last) {
  const kept = browserBackend();
  if (kept) void checkEmpty(kept);
  preloadPdfJs();
}
// The chair's, secretary's or display's screen (a chunk of its own) with a session kept.
if (!params.get('code') && last) preloadRole(last.role, params.get('display') === '1');
const lang: Lang = params.get('lang') === 'en' || (params.get('lang') !== 'vi' && kv.getItem('dais.lang') === 'en') ? 'en' : 'vi';

render(
  <App sessions={sessions} params={params} initialLang={lang} saveLang={(l) => kv.setItem('dais.lang', l)} />,
  document.getElementById('app')!,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  // After the page has loaded and, with a session, drawn its first page:
  // the first start does not wait for the worker, and the worker finds in
  // the HTTP cache what the page fetched instead of downloading it again.
  const register = () => navigator.serviceWorker.register('/sw.js').catch(() => {
    /* not allowed here (e.g. a private window): the app works without it, online */
  });
  const loaded = new Promise<void>((r) => (document.readyState === 'complete' ? r() : window.addEventListener('load', () => r(), { once: true })));
  const settled = sessions.last() || params.get('code') ? Promise.race([afterFirstPage(), new Promise<void>((r) => setTimeout(r, 15_000))]) : null;
  void loaded.then(() => settled).then(register);
}
