// The entry point: reads the language and the sessions from localStorage
// and the URL parameters (?code= from a QR code, ?display=1 for the room
// screen), then renders the app.

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
