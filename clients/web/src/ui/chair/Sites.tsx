// Sites: the chair's "Điểm cầu" panel — each bridge site's link to the
// centre (online or cut, latency, tablets, when last heard), its room's
// attendance and, while a poll is open, its ballots (docs/bridge.md).

import { useEffect, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import type { Room } from '../../core/types';
import * as v from '../../core/views';
import { sites as fetchSites, type SiteStatus } from '../../core/api';
import { Section } from '../shared/Section';
import { useApp, useNow } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** SITES_POLL_MS is how often the panel asks GET …/sites again (edges report every 5 s). */
export const SITES_POLL_MS = 5000;

/**
 * useSites polls the meeting's bridge sites every periodMs while mounted;
 * failed is set when the last asking failed (the last list stays shown).
 */
function useSites(store: MeetingStore, periodMs: number): { list: SiteStatus[]; failed: boolean } {
  const [list, setList] = useState<SiteStatus[]>([]);
  const [failed, setFailed] = useState(false);
  const { meeting, token } = store.session;
  useEffect(() => {
    let stopped = false;
    const ask = () =>
      fetchSites({ meeting, token }).then(
        (l) => {
          if (stopped) return;
          setList(l);
          setFailed(false);
        },
        () => !stopped && setFailed(true),
      );
    void ask();
    const h = setInterval(() => void ask(), periodMs);
    return () => {
      stopped = true;
      clearInterval(h);
    };
  }, [meeting, token, periodMs]);
  return { list, failed };
}

/**
 * roomOf is the meeting room a site serves: the one the centre maps it to (its sites file,
 * `room`), else by convention the one whose id (or name) is the site's name.
 */
const roomOf = (rooms: Room[], site: SiteStatus) =>
  (site.room ? rooms.find((r) => r.id === site.room) : undefined) ??
  rooms.find((r) => r.id === site.site) ??
  rooms.find((r) => r.name === site.site);

/** SitesPanel shows the bridge sites following the meeting; nothing while there are none. */
export function SitesPanel({ store, periodMs = SITES_POLL_MS }: { store: MeetingStore; periodMs?: number }) {
  const { t } = useApp();
  const { list, failed } = useSites(store, periodMs);
  const now = useNow(1000, list.length > 0);
  if (list.length === 0) return null;
  const s = store.state!;
  const att = new Map(v.attendanceByRoom(s).map((a) => [a.room, a]));
  const open = s.poll_order.map((id) => s.polls[id]).find((p) => p?.status === 'open');
  const progress = open && store.progress?.poll === open.id ? store.progress : null;
  const ago = (iso: string) => {
    const sec = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    return sec < 60 ? t('stSecondsAgo', { n: sec }) : t('stMinutesAgo', { n: Math.floor(sec / 60) });
  };
  return (
    <Section title={t('stTitle')} class="sites-panel">
      {failed && (
        <p class="muted small" role="alert">
          {t('stError')}
        </p>
      )}
      <ul class="sites">
        {list.map((site) => {
          const room = roomOf(s.rooms, site);
          const a = room && att.get(room.id);
          const pr = room && progress?.rooms?.find((r) => r.room === room.id);
          return (
            <li key={site.site} class={'site-row' + (site.online ? '' : ' cut')} data-site={site.site}>
              <div class="row between wrap">
                <strong>{room?.name ?? site.site}</strong>
                <span class={site.online ? 'tag' : 'tag open'} role="status">
                  {site.online ? t('stOnline') : t('stCut')}
                </span>
              </div>
              <p class="muted small">
                {[
                  site.online && t('stRtt', { ms: Math.round(site.rtt_ms) }),
                  t('stTablets', { n: site.tablets }),
                  a && t('lrPresent', { present: a.present, members: a.members }),
                  t('stHeard', { ago: ago(site.last_heard) }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
              {pr && <p class="small site-progress">{t('stVoted', { cast: pr.cast, present: pr.present })}</p>}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
