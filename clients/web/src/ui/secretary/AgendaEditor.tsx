// AgendaEditor: the agenda reordered by dragging (or ↑/↓), and the form to add an item.

import { useRef, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { AgendaList } from '../shared/AgendaList';
import { newId, useApp, useRun } from '../context';
import { FormBox, useFields } from '../shared/FormBox';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function AgendaEditor({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const f = useFields({ title: '', parent: '', presenter: '' });
  const list = useRef<HTMLDivElement>(null);
  // drag: the item being dragged by a pointer, and the slot (0…n among its
  // siblings, before the sibling of that number) it would land in.
  const [drag, setDrag] = useState<{ id: string; pointer: number; slot: number } | null>(null);
  const siblings = (id: string) => {
    const it = s.agenda.find((i) => i.id === id);
    return it ? s.agenda.filter((i) => (i.parent ?? '') === (it.parent ?? '')) : [];
  };
  const siblingIndex = (id: string) => siblings(id).findIndex((i) => i.id === id);
  const send = (id: string, index: number) => run(() => store.command('MoveAgendaItem', { item: id, index }));
  const move = (id: string, delta: number) => send(id, Math.max(0, siblingIndex(id) + delta));
  const rowOf = (id: string) => list.current?.querySelector(`[data-agenda-id="${id}"]`)?.closest('li') ?? null;
  // slotAt counts the siblings whose row's middle is above y.
  const slotAt = (id: string, y: number) =>
    siblings(id).filter((x) => {
      const r = rowOf(x.id)?.getBoundingClientRect();
      return !!r && y > r.top + r.height / 2;
    }).length;
  // The drop line: before the sibling at the slot, or after the last one's
  // block; none where the item would not move.
  const mark = (id: string): 'before' | 'after' | undefined => {
    if (!drag) return undefined;
    const sib = siblings(drag.id);
    const from = siblingIndex(drag.id);
    if (from < 0 || drag.slot === from || drag.slot === from + 1) return undefined;
    if (drag.slot < sib.length) return sib[drag.slot].id === id ? 'before' : undefined;
    const last = sib[sib.length - 1];
    const block = s.agenda.filter((i) => i.id === last.id || (!last.parent && i.parent === last.id));
    return block[block.length - 1].id === id ? 'after' : undefined;
  };
  const drop = (id: string, y: number) => {
    const from = siblingIndex(id);
    const slot = slotAt(id, y);
    setDrag(null);
    // MoveAgendaItem's index counts the siblings without the moved item.
    const index = slot > from ? slot - 1 : slot;
    if (from >= 0 && index !== from) void send(id, index);
  };
  return (
    <div class="stack" ref={list}>
      <AgendaList
        s={s}
        action={(id) => {
          const it = s.agenda.find((i) => i.id === id)!;
          const at = siblingIndex(id);
          const m = mark(id);
          return (
            <span class={'row agenda-move' + (drag?.id === id ? ' dragging' : '')}>
              {m && <span class={'drop-mark ' + m} aria-hidden="true" />}
              <span
                class="drag-handle"
                data-agenda-id={id}
                title={t('dragItem', { title: it.title })}
                aria-hidden="true"
                onPointerDown={(e) => {
                  if (busy || (e.pointerType === 'mouse' && e.button !== 0)) return;
                  e.preventDefault();
                  (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
                  setDrag({ id, pointer: e.pointerId, slot: at });
                }}
                onPointerMove={(e) => {
                  if (drag?.id !== id || drag.pointer !== e.pointerId) return;
                  const slot = slotAt(id, e.clientY);
                  if (slot !== drag.slot) setDrag({ ...drag, slot });
                }}
                onPointerUp={(e) => {
                  if (drag?.id === id && drag.pointer === e.pointerId) drop(id, e.clientY);
                }}
                onPointerCancel={() => setDrag(null)}
              >
                ⠿
              </span>
              <button type="button" class="btn small" disabled={busy || at <= 0} onClick={() => move(id, -1)} aria-label={t('moveUpItem', { title: it.title })}>
                ↑
              </button>
              <button type="button" class="btn small" disabled={busy || at >= siblings(id).length - 1} onClick={() => move(id, 1)} aria-label={t('moveDownItem', { title: it.title })}>
                ↓
              </button>
            </span>
          );
        }}
      />
      <FormBox
        summary={t('addItem')}
        submitLabel={t('add')}
        busy={busy}
        reset={f.reset}
        onSubmit={() => {
          const { title, parent, presenter } = f.values;
          const item = { id: newId('i'), title: title.trim(), parent: parent || undefined, presenter: presenter || undefined };
          return run(() => store.command('AddAgendaItem', { item }), t('toastAddedItem', { title: item.title }));
        }}
      >
        <label>
          {t('itemTitle')}
          <input required {...f.text('title')} />
        </label>
        <label>
          {t('parentItem')}
          <select {...f.pick('parent')}>
            <option value="">{t('topLevel')}</option>
            {s.agenda
              .filter((i) => !i.parent)
              .map((i) => (
                <option key={i.id} value={i.id}>
                  {v.itemNumber(s, i.id)}. {i.title}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('presenter')}
          <select {...f.pick('presenter')}>
            <option value="">{t('none')}</option>
            {s.order.map((id) => (
              <option key={id} value={id}>
                {s.participants[id]?.name}
              </option>
            ))}
          </select>
        </label>
      </FormBox>
    </div>
  );
}
