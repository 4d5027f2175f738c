// The conclusions and resolutions published to the participants (issue 13,
// part 4), on a delegate's tablet under the agenda: per agenda item (in the
// agenda's order), each with its number ("Kết luận số 01-KL/TU"), its
// title, its published text and its PDF (fetched with the meeting session's
// token). A draft or an approved, unpublished one is never listed, even if
// the server were to send it.
//
// No event of the meeting announces a publication (ConclusionPublished is
// in the office's log, not the meeting's): the server rings the meeting's
// tablets with a notice ({"type":"notice","name":"conclusions"}, over the
// bus, no seq), and the list is fetched from
// GET /api/v1/meetings/{m}/conclusions then, when the tablet shows it,
// after each welcome (a notice sent while the tablet was away is not
// replayed), when the current agenda item changes, and every minute while
// it is shown (a notice lost on the way).
//
// A chunk of its own (screens.ts): the tablet's first page never waits for it.

import { useEffect, useState } from 'preact/hooks';
import { downloadMeetingConclusionPDF, heading, meetingConclusions, type Conclusion } from '../../core/conclusions';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { errorText } from '../../i18n';
import { useApp, useRun } from '../context';
import { formatDateTime } from '../shared/format';
import { Section } from '../shared/Section';
import { cw } from './conclusionWords';

/** refreshMs is how often the list is fetched again while it is shown. */
export const refreshMs = 60_000;

/** published keeps the published ones, grouped by agenda item in the agenda's order (unknown items last). */
export function published(list: Conclusion[], agenda: { id: string }[]): [string, Conclusion[]][] {
  const order = new Map(agenda.map((it, i) => [it.id, i]));
  const groups = new Map<string, Conclusion[]>();
  for (const c of list) {
    if (c.status !== 'published') continue;
    const g = groups.get(c.agenda_item);
    if (g) g.push(c);
    else groups.set(c.agenda_item, [c]);
  }
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return [...groups.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
}

export function PublishedConclusions({ store }: { store: MeetingStore }) {
  const { lang } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const current = v.currentItem(s)?.id ?? '';
  const [list, setList] = useState<Conclusion[] | null>(null);
  const [failed, setFailed] = useState('');
  useEffect(() => {
    let live = true;
    const load = () =>
      meetingConclusions(s.id, store.session.token).then(
        (l) => {
          if (!live) return;
          setList(l);
          setFailed('');
        },
        (err) => live && setFailed(errorText(lang, err)),
      );
    void load();
    const timer = setInterval(() => void load(), refreshMs);
    const offNotice = store.onNotice((n) => {
      if (n.name === 'conclusions') void load();
    });
    const offWelcome = store.onWelcome(() => void load());
    return () => {
      live = false;
      clearInterval(timer);
      offNotice();
      offWelcome();
    };
  }, [s.id, store.session.token, current]);
  const groups = published(list ?? [], s.agenda);
  const title = (item: string, cs: Conclusion[]) => s.agenda.find((it) => it.id === item)?.title ?? cs[0].agenda_title;
  const open = (c: Conclusion) =>
    run(async () => {
      const { blob, name } = await downloadMeetingConclusionPDF(s.id, store.session.token, c.id, lang);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  return (
    <Section title={cw(lang, 'pubTitle')}>
      <div class="published-conclusions">
        {failed && <p class="hint">{cw(lang, 'pubFailed', { why: failed })}</p>}
        {list && groups.length === 0 && <p class="hint">{cw(lang, 'pubNone')}</p>}
        {groups.map(([item, cs]) => (
          <div key={item}>
            <p class="hint">{cw(lang, 'pubItem', { item: title(item, cs) })}</p>
            <ul class="conclusion-list">
              {cs.map((c) => {
                const h = heading(c, lang);
                return (
                  <li key={c.id}>
                    <p>
                      <strong>{h}</strong>: {c.title}
                    </p>
                    <p style={{ whiteSpace: 'pre-wrap' }}>{c.text}</p>
                    {c.published && <p class="hint">{cw(lang, 'pubOn', { at: formatDateTime(lang, Date.parse(c.published)) })}</p>}
                    <button type="button" class="btn small" disabled={busy} aria-label={cw(lang, 'pubPDFOf', { heading: h })} onClick={() => void open(c)}>
                      ⬇ {cw(lang, 'pubPDF')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </Section>
  );
}
