// useLiveInk: the presenter's strokes being drawn, from the "ink" signals.

import { useEffect, useState } from 'preact/hooks';
import { applyInk, INK_SIGNAL, pruneLive, type LiveStroke } from '../../core/ink';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';

/**
 * useLiveInk follows the "ink" signals of the presenter (or the chair):
 * strokes being drawn, by sender and id. Signals from anyone else, or from
 * this participant, are ignored.
 */
export function useLiveInk(store: MeetingStore): Record<string, LiveStroke> {
  const [live, setLive] = useState<Record<string, LiveStroke>>({});
  useEffect(
    () =>
      store.onSignal((sig) => {
        const s = store.state;
        if (sig.name !== INK_SIGNAL || !s || !sig.from || sig.from === store.me || !v.isPresenter(s, sig.from)) return;
        setLive((l) => applyInk(l, sig.from!, sig.data, Date.now()));
      }),
    [store],
  );
  const any = Object.keys(live).length > 0;
  useEffect(() => {
    if (!any) return;
    const h = setInterval(() => setLive((l) => pruneLive(l, Date.now(), (id) => !!store.state?.shared[id])), 500);
    return () => clearInterval(h);
  }, [any, store]);
  return live;
}
