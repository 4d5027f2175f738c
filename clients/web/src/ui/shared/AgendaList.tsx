// AgendaList is the agenda as every screen shows it.

import type { ComponentChildren } from 'preact';
import type { State } from '../../core/types';
import { canRead } from '../../core/offline';
import * as v from '../../core/views';
import { useApp } from '../context';
import { name } from './format';
import { LevelBadge } from './Secrecy';

/** AgendaList shows the agenda with the current item marked and the documents attached to each item; action renders per-item controls. */
export function AgendaList({ s, me, action }: { s: State; me?: string; action?: (id: string) => ComponentChildren }) {
  // A confidential document the viewer may not read is named as such, never by its title.
  const withheld = (d: string) => !!me && !canRead(s.documents[d], s.participants[me]);
  // "hidden": the secretary chose not to list them at all.
  const listed = (d: string) => !!s.documents[d] && !(withheld(d) && s.confidential_listing === 'hidden');
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
            {(it.documents ?? []).some(listed) && (
              <ul class="item-docs" aria-label={t('attachedTo', { item: v.itemNumber(s, it.id) })}>
                {(it.documents ?? [])
                  .filter(listed)
                  .map((d) => (
                    <li key={d} class={withheld(d) ? 'withheld' : ''}>
                      📎 {withheld(d) ? t('withheldDoc') : s.documents[d].title}
                      <LevelBadge s={s} d={s.documents[d]} />
                    </li>
                  ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
