// Formatting shared by the screens: participant names and durations.

import type { State } from '../../core/types';
import type { Lang } from '../../i18n';

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

/** locale is the Intl locale of the interface language (not the browser's). */
export const locale = (lang: Lang): string => (lang === 'vi' ? 'vi-VN' : 'en-GB');

// Intl's formatters are made once per language and options: making one
// loads the locale's data (≈4 ms each on a tablet at 4× throttling; the top
// bar made a date formatter at every render).
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(lang: Lang, o?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = 'n' + lang + JSON.stringify(o ?? {});
  let f = formatters.get(k) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(k, (f = new Intl.NumberFormat(locale(lang), o)));
  return f;
}

function dateFormat(lang: Lang, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = 'd' + lang + JSON.stringify(o);
  let f = formatters.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(k, (f = new Intl.DateTimeFormat(locale(lang), o)));
  return f;
}

/** formatNumber writes n the interface language's way (1.234,5 in vi; 1,234.5 in en). */
export function formatNumber(lang: Lang, n: number, o?: Intl.NumberFormatOptions): string {
  return numberFormat(lang, o).format(n);
}

/** formatPercent writes a ratio (1.5 → 150 %) the interface language's way. */
export function formatPercent(lang: Lang, r: number, digits = 0): string {
  return numberFormat(lang, { style: 'percent', maximumFractionDigits: digits }).format(r);
}

/**
 * formatTime writes a time of day, local, as HH:MM: the same in both
 * languages (Intl's vi-VN and en-GB hour and minute, 2-digit), written
 * without a formatter — making the first date formatter costs a cheap
 * tablet ≈50 ms, and a tablet starting from its kept state shows this
 * time before its first page.
 */
export function formatTime(_lang: Lang, ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** formatDateTime writes a date and time the interface language's way. */
export function formatDateTime(lang: Lang, ms: number): string {
  return dateFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(ms);
}
