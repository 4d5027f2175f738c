// The chair's session buttons, the agenda's "make current" and what the room is shown.

import { useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { AgendaList } from '../shared/AgendaList';
import { DocumentOptions } from '../shared/DocumentOptions';
import { name } from '../shared/format';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function SessionControls({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const st = store.state!.status;
  return (
    <div class="panel row wrap">
      {st !== 'in_session' && st !== 'closed' && (
        <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('OpenSession'))}>
          {t('openSession')}
        </button>
      )}
      {st === 'in_session' && (
        <button type="button" class="btn" disabled={busy} onClick={() => run(() => store.command('Adjourn'))}>
          {t('adjourn')}
        </button>
      )}
      {st !== 'closed' && (
        <button
          type="button"
          class="btn danger"
          disabled={busy}
          onClick={() => {
            if (confirm(t('confirmCloseMeeting'))) void run(() => store.command('CloseMeeting'));
          }}
        >
          {t('closeMeeting')}
        </button>
      )}
    </div>
  );
}

export function AgendaControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <AgendaList
      s={s}
      action={(id) =>
        id !== s.current && (
          <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('SetCurrentItem', { item: id }))}>
            {t('setCurrent')}
          </button>
        )
      }
    />
  );
}

export function PresentationControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const item = v.currentItem(s);
  const docs = [...new Set([...(item?.documents ?? []), ...v.documentsInOrder(s)])].filter((d) => s.documents[d]);
  const [doc, setDoc] = useState('');
  const chosen = doc || s.presentation.document || docs[0] || '';
  const people = s.order.map((id) => s.participants[id]).filter((p) => p && p.role !== 'observer' && p.role !== 'chair');
  return (
    <div class="stack">
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) void run(() => store.command('ShowDocument', { document: chosen, page: 1 }));
        }}
      >
        <label class="grow">
          {t('showDoc')}
          <select value={chosen} onChange={(e) => setDoc((e.target as HTMLSelectElement).value)}>
            <DocumentOptions state={s} docs={docs} />
          </select>
        </label>
        <button type="submit" class="btn primary" disabled={busy || !chosen}>
          {t('show')}
        </button>
      </form>
      <label>
        {t('handTo')}
        <select
          value={s.presentation.presenter ?? ''}
          disabled={busy}
          onChange={(e) => run(() => store.command('HandPresentation', { to: (e.target as HTMLSelectElement).value }))}
        >
          <option value="">{t('takeBack')}</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {s.presentation.presenter && (
        <p class="muted small">
          {t('presenter')}: {name(s, s.presentation.presenter)}
        </p>
      )}
    </div>
  );
}
