// AgendaList is the agenda as every screen shows it.

import type { ComponentChildren } from 'preact';
import type { State } from '../../core/types';
import * as v from '../../core/views';
import { useApp } from '../context';
import { name } from './format';

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
