// Formatting shared by the screens: participant names and durations.

import type { State } from '../../core/types';

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
