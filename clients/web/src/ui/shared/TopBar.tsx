// The top bar (meeting, screen, who is signed in, language, sign-out) and
// the connection banner under it.

import type { MeetingStore } from '../../core/store';
import type { Key } from '../../i18n';
import { useApp } from '../context';
import { formatDateTime } from './format';
import { useAfterFirstPage } from './afterFirstPage';

export function TopBar({ store, subtitle }: { store: MeetingStore; subtitle: string }) {
  const { t, lang, setLang, signOut } = useApp();
  const s = store.state;
  const me = s ? s.participants[store.me] : undefined;
  // The meeting's date follows the first page: its formatter, the first date one made, costs a cheap
  // tablet ≈50 ms (the locale's date patterns loaded).
  const late = useAfterFirstPage();
  return (
    <header class="topbar">
      <div class="topbar-title">
        <strong>{s?.title ?? t('appName')}</strong>
        <span class="muted">
          {subtitle}
          {s?.status ? ` · ${t(('status_' + s.status) as Key)}` : ''}
          {s?.archived ? <span class="archived">{` · ${t('archivedReadOnly')}`}</span> : null}
          {late && s?.starts_at && !Number.isNaN(Date.parse(s.starts_at)) ? (
            <>
              {' · '}
              <time class="starts" dateTime={s.starts_at}>
                {formatDateTime(lang, Date.parse(s.starts_at))}
              </time>
            </>
          ) : null}
        </span>
      </div>
      <div class="topbar-actions">
        {me && (
          <span class="me">
            {me.name} · {t(('role_' + me.role) as Key)}
          </span>
        )}
        <button type="button" class="btn small" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')} aria-label={t('language')}>
          {t('switchLang')}
        </button>
        <button type="button" class="btn small ghost" onClick={signOut}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}

export function ConnectionBanner({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  switch (store.status) {
    case 'reconnecting':
      return (
        <div class="banner warn" role="status" aria-live="assertive">
          <span>{t('reconnecting')}</span>
          <button type="button" class="btn small" onClick={() => store.client.nudge()}>
            {t('retryNow')}
          </button>
        </div>
      );
    case 'connecting':
      return (
        <div class="banner info" role="status">
          {t('connecting')}
        </div>
      );
    case 'failed':
      return (
        <div class="banner error" role="alert">
          <span>{t('connFailed')}</span>
          <button type="button" class="btn small" onClick={() => location.reload()}>
            {t('reload')}
          </button>
        </div>
      );
    default:
      return null;
  }
}
