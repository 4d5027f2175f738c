// Invitations: the secretary chooses participants (everybody, a room, a
// role, or one by one), has the server make new one-time codes for them,
// and prints a sheet with one card per participant: name, role, room, seat,
// the code in large letters and a QR code of the sign-in link
// (`${origin}/?code=…`, which SignIn redeems at once). The codes live only
// in this component's state: never stored, gone with the page.

import { useMemo, useState } from 'preact/hooks';
import qrcode from 'qrcode-generator';
import { invite, type Invitation } from '../../core/api';
import type { MeetingStore } from '../../core/store';
import type { Role, State } from '../../core/types';
import { errorText, type Key } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** inviteURL is the link a code's QR code carries: the app, signing in with the code. */
export function inviteURL(code: string, origin: string = location.origin): string {
  return `${origin}/?code=${encodeURIComponent(code)}`;
}

/**
 * qrPath encodes text as a QR code (error correction M, smallest version
 * that fits) and returns its size in modules and an SVG path of the dark
 * modules, one rectangle per horizontal run.
 */
export function qrPath(text: string): { size: number; d: string } {
  const q = qrcode(0, 'M');
  q.addData(text, 'Byte');
  q.make();
  const size = q.getModuleCount();
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; ) {
      if (!q.isDark(y, x)) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < size && q.isDark(y, x + run)) run++;
      d += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return { size, d };
}

/** QR draws text as a QR code in SVG, with the standard quiet zone of 4 modules. */
export function QR({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  const n = size + 8;
  return (
    <svg class="qr" viewBox={`-4 -4 ${n} ${n}`} role="img" aria-label={label} shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect x={-4} y={-4} width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

/** Choice is who receives codes. */
export type Choice = { kind: 'all' } | { kind: 'room'; room: string } | { kind: 'role'; role: Role } | { kind: 'pick'; ids: Set<string> };

/** chosen lists the participants a choice names, in the meeting's order. */
export function chosen(s: State, c: Choice): string[] {
  return s.order.filter((id) => {
    const p = s.participants[id];
    if (!p) return false;
    switch (c.kind) {
      case 'all':
        return true;
      case 'room':
        return p.room === c.room;
      case 'role':
        return p.role === c.role;
      case 'pick':
        return c.ids.has(id);
    }
  });
}

const roles: Role[] = ['delegate', 'chair', 'secretary', 'observer', 'display'];

/** perPage is how many cards an A4 page holds (2 columns, 4 rows). */
const perPage = 8;

export function Invitations({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const [kind, setKind] = useState<Choice['kind']>('all');
  const [room, setRoom] = useState(s.rooms.find((r) => r.main)?.id ?? s.rooms[0]?.id ?? '');
  const [role, setRole] = useState<Role>('delegate');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // The codes: in memory only.
  const [sheet, setSheet] = useState<Invitation[] | null>(null);

  const choice: Choice =
    kind === 'room' ? { kind, room } : kind === 'role' ? { kind, role } : kind === 'pick' ? { kind, ids: picked } : { kind: 'all' };
  const ids = chosen(s, choice);

  const make = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      // "Everybody" lets the server name them: it may know of someone this page has not seen yet.
      setSheet(await invite(s.id, store.session.token, kind === 'all' ? undefined : ids));
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  const modes: [Choice['kind'], string][] = [
    ['all', t('invAll', { n: chosen(s, { kind: 'all' }).length })],
    ['room', t('invByRoom')],
    ['role', t('invByRole')],
    ['pick', t('invPick')],
  ];
  const pages: Invitation[][] = [];
  for (let i = 0; sheet && i < sheet.length; i += perPage) pages.push(sheet.slice(i, i + perPage));

  return (
    <div class="stack invitations">
      <form class="form" onSubmit={make}>
        <fieldset class="inv-who">
          <legend>{t('invWho')}</legend>
          <div class="row wrap">
            {modes.map(([k, label]) => (
              <label key={k} class="check">
                <input type="radio" name="inv-mode" value={k} checked={kind === k} onChange={() => setKind(k)} /> {label}
              </label>
            ))}
          </div>
          {kind === 'room' && (
            <label>
              {t('room')}
              <select value={room} onChange={(e) => setRoom((e.target as HTMLSelectElement).value)}>
                {s.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === 'role' && (
            <label>
              {t('roleField')}
              <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(('role_' + r) as Key)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === 'pick' && (
            <div class="inv-pick">
              {s.order
                .filter((id) => s.participants[id])
                .map((id) => (
                  <label key={id} class="check">
                    <input
                      type="checkbox"
                      checked={picked.has(id)}
                      onChange={(e) => {
                        const next = new Set(picked);
                        if ((e.target as HTMLInputElement).checked) next.add(id);
                        else next.delete(id);
                        setPicked(next);
                      }}
                    />{' '}
                    {s.participants[id].name} <span class="muted small">· {t(('role_' + s.participants[id].role) as Key)}</span>
                  </label>
                ))}
            </div>
          )}
        </fieldset>
        <p class="muted small" role="status">
          {ids.length ? t('invChosen', { n: ids.length }) : t('invNone')}
        </p>
        <p class="notice small">{t('invWarn')}</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row wrap">
          <button type="submit" class="btn primary" disabled={busy || ids.length === 0}>
            {busy ? t('invMaking') : t('invMake')}
          </button>
          {sheet && sheet.length > 0 && (
            <button type="button" class="btn" onClick={() => window.print()}>
              {t('invPrint')}
            </button>
          )}
        </div>
      </form>
      {sheet && (
        <>
          <p class="ok-text" role="status">
            {t('invMade', { n: sheet.length })}
          </p>
          <section class="invite-sheet" aria-label={t('invSheet')}>
            {pages.map((page, i) => (
              <div key={i} class="invite-page">
                {page.map((inv) => (
                  <InviteCard key={inv.code} s={s} inv={inv} />
                ))}
              </div>
            ))}
          </section>
        </>
      )}
    </div>
  );
}

function InviteCard({ s, inv }: { s: State; inv: Invitation }) {
  const { t } = useApp();
  const p = s.participants[inv.participant];
  const name = p?.name ?? inv.participant;
  const room = p ? (s.rooms.find((r) => r.id === p.room)?.name ?? p.room) : '';
  const url = inviteURL(inv.code);
  return (
    <article class="invite-card" aria-label={name} data-url={url}>
      <p class="invite-meeting">{s.title}</p>
      <div class="invite-body">
        <QR text={url} label={t('invQR', { name })} />
        <div class="invite-who">
          <p class="invite-name">{name}</p>
          {p?.title && <p class="invite-line">{p.title}</p>}
          {p && <p class="invite-line">{t(('role_' + p.role) as Key)}</p>}
          {room && (
            <p class="invite-line">
              {t('room')}: {room}
            </p>
          )}
          {p?.seat && (
            <p class="invite-line">
              {t('seat')} {p.seat}
            </p>
          )}
        </div>
      </div>
      <p class="invite-code">
        <span class="sr-only">{t('invCode')}: </span>
        {inv.code}
      </p>
      <p class="invite-hint">{t('invScan', { site: location.host })}</p>
    </article>
  );
}
