// Pieces the screens share: the top bar, the connection banner, the
// agenda, attendance, the speaker line and poll results.

import type { ComponentChildren } from 'preact';
import type { MeetingStore } from '../core/store';
import type { Poll, State } from '../core/types';
import * as v from '../core/views';
import { useApp, useNow } from './context';
import type { Key } from '../i18n';

export function name(s: State, id: string | undefined): string {
  if (!id) return '';
  return s.participants[id]?.name ?? id;
}

/** elapsed formats ms as m:ss or h:mm:ss. */
export function elapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function TopBar({ store, subtitle }: { store: MeetingStore; subtitle: string }) {
  const { t, lang, setLang, signOut } = useApp();
  const s = store.state;
  const me = s ? s.participants[store.me] : undefined;
  return (
    <header class="topbar">
      <div class="topbar-title">
        <strong>{s?.title ?? t('appName')}</strong>
        <span class="muted">
          {subtitle}
          {s?.status ? ` · ${t(('status_' + s.status) as Key)}` : ''}
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

export function Section({ title, children, class: cls }: { title: string; children: ComponentChildren; class?: string }) {
  const id = 'h-' + title.replace(/\W+/g, '-');
  return (
    <section class={'panel ' + (cls ?? '')} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** AgendaList shows the agenda with the current item marked; action renders per-item controls. */
export function AgendaList({ s, action }: { s: State; action?: (id: string) => ComponentChildren }) {
  const { t } = useApp();
  if (s.agenda.length === 0) return <p class="muted">—</p>;
  return (
    <ol class="agenda">
      {s.agenda.map((it) => {
        const cur = it.id === s.current;
        return (
          <li key={it.id} class={(it.parent ? 'sub ' : '') + (cur ? 'current' : '')} aria-current={cur ? 'step' : undefined}>
            <div class="agenda-row">
              <span class="num">{v.itemNumber(s, it.id)}</span>
              <span class="agenda-title">
                {it.title}
                {it.presenter && <span class="muted small"> — {name(s, it.presenter)}</span>}
                {cur && <span class="tag">{t('isCurrent')}</span>}
              </span>
              {action?.(it.id)}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function AttendanceTable({ s, percent }: { s: State; percent: number }) {
  const { t } = useApp();
  const rows = v.attendanceByRoom(s);
  const q = v.quorum(s, percent);
  return (
    <div>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('room')}</th>
            <th scope="col" class="num-col">{t('present')}</th>
            <th scope="col" class="num-col">{t('members')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.room}>
              <td>{r.name}</td>
              <td class="num-col">{r.present}</td>
              <td class="num-col">{r.members}</td>
            </tr>
          ))}
          <tr class="total">
            <th scope="row">{t('total')}</th>
            <td class="num-col">{q.present}</td>
            <td class="num-col">{q.members}</td>
          </tr>
        </tbody>
      </table>
      <p class={q.ok ? 'quorum ok' : 'quorum missing'} role="status">
        {t(q.ok ? 'quorumOk' : 'quorumMissing', { present: q.present, members: q.members, needed: q.needed })}
      </p>
    </div>
  );
}

/** quorumPercent is the share used for the quorum line: the open or last poll's rule, else more than half. */
export function quorumPercent(s: State): number {
  const p = v.openPoll(s) ?? v.lastClosedPoll(s);
  return p?.rule.quorum_percent || 50;
}

export function SpeakerLine({ store, big }: { store: MeetingStore; big?: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const now = useNow(1000, !!s.floor.speaker);
  const since = s.floor.since ? Date.parse(s.floor.since) : NaN;
  return (
    <div class={big ? 'speaker big' : 'speaker'} role="status" aria-live="polite">
      {s.floor.speaker ? (
        <>
          <span class="muted">{t('speaker')}:</span> <strong>{name(s, s.floor.speaker)}</strong>
          {!Number.isNaN(since) && <span class="timer" aria-label={t('elapsed')}>{elapsed(now - store.skewMs - since)}</span>}
        </>
      ) : (
        <span class="muted">{t('nobodySpeaks')}</span>
      )}
    </div>
  );
}

export function QueueList({ s, action }: { s: State; action?: (id: string) => ComponentChildren }) {
  const { t } = useApp();
  const q = s.floor.queue ?? [];
  if (q.length === 0) return <p class="muted">{t('queueEmpty')}</p>;
  return (
    <ol class="queue">
      {q.map((id) => (
        <li key={id}>
          <span>{name(s, id)}</span>
          {action?.(id)}
        </li>
      ))}
    </ol>
  );
}

/** ResultView shows a closed poll's counts as bars, with the outcome. */
export function ResultView({ poll, big, noQuestion }: { poll: Poll; big?: boolean; noQuestion?: boolean }) {
  const { t } = useApp();
  const r = poll.result;
  if (!r) return null;
  const max = Math.max(1, ...poll.choices.map((c) => r.counts[c.id] ?? 0));
  return (
    <div class={big ? 'result big' : 'result'}>
      {!noQuestion && <p class="question">{poll.question}</p>}
      <ul class="bars" aria-label={t('result')}>
        {poll.choices.map((c) => {
          const n = r.counts[c.id] ?? 0;
          const pct = r.base > 0 ? Math.round((n * 1000) / r.base) / 10 : 0;
          return (
            <li key={c.id}>
              <span class="bar-label">{c.label}</span>
              <span class="bar-track">
                <span class={'bar-fill choice-' + c.id} style={{ width: `${(n / max) * 100}%` }} />
              </span>
              <span class="bar-value">
                {n} ({pct}%)
              </span>
            </li>
          );
        })}
      </ul>
      <p class="muted">{t('castOf', { cast: r.cast, members: r.members, present: r.present })}</p>
      <p class={r.passed ? 'outcome passed' : 'outcome failed'}>
        {r.passed ? t('passed') : t('notPassed')}
        {!r.quorum_ok && <span> — {t('noQuorum')}</span>}
      </p>
    </div>
  );
}

/**
 * LiveCount shows ballots cast against voters present (and all voters) for
 * the open poll: live progress, else the ballots and attendance the state
 * knows of.
 */
export function LiveCount({ store, poll }: { store: MeetingStore; poll: Poll }) {
  const { t } = useApp();
  const s = store.state!;
  const p = store.progress?.poll === poll.id ? store.progress : null;
  const cast = Math.max(p?.cast ?? 0, v.votedCount(poll));
  const att = v.members(s);
  const members = p?.members ?? att.members;
  const present = p?.present ?? att.present;
  return (
    <p class="live-count" role="status" aria-live="polite">
      {t('votedCount', { cast, present, members })}
    </p>
  );
}
