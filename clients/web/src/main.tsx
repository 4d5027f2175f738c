// The entry point: reads the language and the sessions from localStorage
// and the URL parameters (?code= from a QR code, ?display=1 for the room
// screen), then renders the app. A production build also registers the
// service worker (src/sw.ts → /sw.js) that keeps the app shell, so that a
// tablet reloading without network still starts; browsers offer service
// workers only in secure contexts (https, localhost, 127.0.0.1).

import { render } from 'preact';
import { memoryKV, SessionStore, type KV } from './core/session';
import type { Lang } from './i18n';
import { App } from './ui/App';
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

const kv = storage();
const params = new URLSearchParams(location.search);
const lang: Lang = params.get('lang') === 'en' || (params.get('lang') !== 'vi' && kv.getItem('dais.lang') === 'en') ? 'en' : 'vi';

render(
  <App sessions={new SessionStore(kv)} params={params} initialLang={lang} saveLang={(l) => kv.setItem('dais.lang', l)} />,
  document.getElementById('app')!,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  // After the page has loaded, so that the first start does not wait for the worker's downloads.
  const register = () => navigator.serviceWorker.register('/sw.js').catch(() => {
    /* not allowed here (e.g. a private window): the app works without it, online */
  });
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
