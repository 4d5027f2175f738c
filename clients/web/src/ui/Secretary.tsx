// Secretary is the preparation workspace: participants, the agenda,
// documents (upload with progress), proposals and polls.

import { useState } from 'preact/hooks';
import { downloadExport, prepareCopies, uploadDocument, type ExportKind, type PrepareProgress } from '../core/api';
import { CommandError } from '../core/protocol';
import type { MeetingStore } from '../core/store';
import type { Role } from '../core/types';
import * as v from '../core/views';
import { errorText, type Key } from '../i18n';
import { AgendaList, AttendanceTable, Section, quorumPercent } from './common';
import { newId, useApp, useRun } from './context';
import { PollForm, PollList } from './polls';

export function Secretary({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <div class="screen workspace">
      <div class="col">
        {s.status === 'draft' && (
          <div class="panel">
            <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('Publish'), t('done'))}>
              {t('publish')}
            </button>
          </div>
        )}
        <Section title={t('participants')}>
          <Participants store={store} />
        </Section>
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
        </Section>
      </div>
      <div class="col">
        <Section title={t('agenda')}>
          <Agenda store={store} />
        </Section>
        <Section title={t('proposals')}>
          <Proposals store={store} />
        </Section>
      </div>
      <div class="col">
        <Section title={t('documents')}>
          <Documents store={store} />
        </Section>
        <Section title={t('polls')}>
          <PollList store={store} canRun={false} />
          <details>
            <summary>{t('newPoll')}</summary>
            <PollForm store={store} />
          </details>
        </Section>
        <Section title={t('exports')}>
          <Exports store={store} />
        </Section>
      </div>
    </div>
  );
}

function Participants({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [form, setForm] = useState({ name: '', title: '', role: 'delegate' as Role, room: s.rooms[0]?.id ?? '', seat: '' });
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  return (
    <div class="stack">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('roleField')}</th>
            <th scope="col">{t('room')}</th>
            <th scope="col">{t('present')}</th>
          </tr>
        </thead>
        <tbody>
          {s.order.map((id) => {
            const p = s.participants[id];
            if (!p) return null;
            return (
              <tr key={id}>
                <td>
                  {p.name}
                  {p.title && <div class="muted small">{p.title}</div>}
                </td>
                <td>{t(('role_' + p.role) as Key)}</td>
                <td>
                  {s.rooms.find((r) => r.id === p.room)?.name ?? p.room}
                  {p.seat && <span class="muted small"> · {p.seat}</span>}
                </td>
                <td>
                  <button
                    type="button"
                    class={p.present ? 'btn small on' : 'btn small'}
                    aria-pressed={!!p.present}
                    disabled={busy}
                    onClick={() => run(() => store.command(p.present ? 'CheckOut' : 'CheckIn', { participant: p.id }))}
                  >
                    {p.present ? '✓ ' + t('checkedIn') : t('checkIn')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>{t('addParticipant')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const participant = { id: newId('p'), name: form.name.trim(), title: form.title.trim() || undefined, role: form.role, room: form.room, seat: form.seat.trim() || undefined };
            if (await run(() => store.command('AddParticipant', { participant }), t('done'))) setForm({ ...form, name: '', title: '', seat: '' });
          }}
        >
          <label>
            {t('name')}
            <input required value={form.name} onInput={set('name')} />
          </label>
          <label>
            {t('titleField')}
            <input value={form.title} onInput={set('title')} />
          </label>
          <div class="row wrap">
            <label>
              {t('roleField')}
              <select value={form.role} onChange={set('role')}>
                {(['delegate', 'chair', 'secretary', 'observer'] as Role[]).map((r) => (
                  <option key={r} value={r}>
                    {t(('role_' + r) as Key)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('room')}
              <select value={form.room} onChange={set('room')}>
                {s.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('seat')}
              <input value={form.seat} onInput={set('seat')} size={5} />
            </label>
          </div>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
    </div>
  );
}

function Agenda({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [parent, setParent] = useState('');
  const [presenter, setPresenter] = useState('');
  const siblingIndex = (id: string) => {
    const it = s.agenda.find((i) => i.id === id)!;
    return s.agenda.filter((i) => (i.parent ?? '') === (it.parent ?? '')).indexOf(it);
  };
  const move = (id: string, delta: number) => run(() => store.command('MoveAgendaItem', { item: id, index: Math.max(0, siblingIndex(id) + delta) }));
  return (
    <div class="stack">
      <AgendaList
        s={s}
        action={(id) => (
          <span class="row">
            <button type="button" class="btn small" disabled={busy} onClick={() => move(id, -1)} aria-label={t('moveUp')}>
              ↑
            </button>
            <button type="button" class="btn small" disabled={busy} onClick={() => move(id, 1)} aria-label={t('moveDown')}>
              ↓
            </button>
          </span>
        )}
      />
      <details>
        <summary>{t('addItem')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const item = { id: newId('i'), title: title.trim(), parent: parent || undefined, presenter: presenter || undefined };
            if (await run(() => store.command('AddAgendaItem', { item }), t('done'))) setTitle('');
          }}
        >
          <label>
            {t('itemTitle')}
            <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('parentItem')}
            <select value={parent} onChange={(e) => setParent((e.target as HTMLSelectElement).value)}>
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
            <select value={presenter} onChange={(e) => setPresenter((e.target as HTMLSelectElement).value)}>
              <option value="">{t('none')}</option>
              {s.order.map((id) => (
                <option key={id} value={id}>
                  {s.participants[id]?.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
    </div>
  );
}

function Documents({ store }: { store: MeetingStore }) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  // Readers of a confidential upload: every voter unless unticked.
  const voters = s.order.filter((id) => s.participants[id] && v.isVoter(s.participants[id]));
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const readers = voters.filter((id) => !unticked.has(id));

  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setProgress(0);
    try {
      const doc = await uploadDocument({
        meeting: s.id,
        token: store.session.token,
        title: title.trim() || file.name.replace(/\.pdf$/i, ''),
        confidential,
        readers: confidential ? readers : undefined,
        file,
        onProgress: setProgress,
      });
      // The server may already have registered the document; if it has
      // not, register it. "Already there" (conflict) is fine either way.
      if (!store.state?.documents[doc.id]) {
        try {
          await store.command('AddDocument', { document: doc });
        } catch (err) {
          if (!(err instanceof CommandError && err.code === 'conflict')) throw err;
        }
      }
      toast(t('uploaded', { title: doc.title }), 'ok');
      setTitle('');
      setFile(null);
      (e.target as HTMLFormElement).reset();
    } catch (err) {
      toast(errorText(lang, err), 'error');
    } finally {
      setProgress(null);
    }
  };

  const docs = v.documentsInOrder(s);
  return (
    <div class="stack">
      {docs.length === 0 ? (
        <p class="muted">{t('noDocuments')}</p>
      ) : (
        <ul class="docs">
          {docs.map((id) => (
            <DocRow key={id} store={store} id={id} />
          ))}
        </ul>
      )}
      <form class="form" onSubmit={upload}>
        <h3>{t('upload')}</h3>
        <label>
          {t('file')}
          <input type="file" accept="application/pdf,.pdf" required onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        <label>
          {t('docTitle')}
          <input value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={confidential} onChange={(e) => setConfidential((e.target as HTMLInputElement).checked)} /> {t('confidential')}
        </label>
        {confidential && (
          <fieldset class="readers">
            <legend>{t('readers')}</legend>
            {voters.map((id) => (
              <label key={id} class="check">
                <input
                  type="checkbox"
                  checked={!unticked.has(id)}
                  onChange={(e) => {
                    const next = new Set(unticked);
                    if ((e.target as HTMLInputElement).checked) next.delete(id);
                    else next.add(id);
                    setUnticked(next);
                  }}
                />{' '}
                {s.participants[id].name}
              </label>
            ))}
          </fieldset>
        )}
        {progress !== null && (
          <div class="progress">
            <progress max={1} value={progress} aria-label={t('uploading', { pct: Math.round(progress * 100) })} />
            <span>{t('uploading', { pct: Math.round(progress * 100) })}</span>
          </div>
        )}
        <button type="submit" class="btn primary" disabled={progress !== null || !file || (confidential && readers.length === 0)}>
          {t('upload')}
        </button>
      </form>
    </div>
  );
}

function DocRow({ store, id }: { store: MeetingStore; id: string }) {
  const { t, lang, toast } = useApp();
  const [busy, run] = useRun();
  const [item, setItem] = useState('');
  const [prep, setPrep] = useState<PrepareProgress | null>(null);
  const s = store.state!;
  const d = s.documents[id];
  const prepare = async () => {
    setPrep({ document: id, done: 0, total: 0, failed: 0, running: true });
    try {
      const p = await prepareCopies({ meeting: s.id, token: store.session.token, doc: id, onProgress: setPrep });
      toast(t('prepared', { done: p.done, total: p.total }) + (p.failed ? ' — ' + t('prepareFailed', { failed: p.failed }) : ''), p.failed ? 'error' : 'ok');
    } catch (err) {
      setPrep(null);
      toast(errorText(lang, err), 'error');
    }
  };
  return (
    <li class="doc-row">
      <span>
        {d.title} <span class="muted small">· {t('pages', { n: d.pages })}</span>
        {d.confidential && <span class="tag danger">{t('confidential')}</span>}
      </span>
      <span class="row">
        <label class="grow">
          <span class="sr-only">{t('attachTo')}</span>
          <select value={item} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
            <option value="">{t('attachTo')}…</option>
            {s.agenda.map((i) => (
              <option key={i.id} value={i.id}>
                {v.itemNumber(s, i.id)}. {i.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="btn small" disabled={busy || !item} onClick={() => run(() => store.command('AttachDocument', { item, document: id }), t('done'))}>
          {t('attach')}
        </button>
      </span>
      {d.confidential && (
        <span class="row">
          <button type="button" class="btn small" disabled={!!prep?.running} onClick={() => void prepare()}>
            {t('prepareCopies')}
          </button>
          {prep && (
            <span class="progress">
              <progress max={Math.max(1, prep.total)} value={prep.done} aria-label={t('prepareCopies')} />
              <span>{t(prep.running ? 'preparing' : 'prepared', { done: prep.done, total: prep.total })}</span>
              {prep.failed > 0 && <span class="tag danger">{t('prepareFailed', { failed: prep.failed })}</span>}
            </span>
          )}
        </span>
      )}
    </li>
  );
}

function Proposals({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [item, setItem] = useState('');
  const list = Object.values(s.proposals);
  return (
    <div class="stack">
      {list.length > 0 && (
        <ul class="docs">
          {list.map((p) => (
            <li key={p.id}>
              {p.title} <span class="tag">{t(('proposal_' + p.status) as Key)}</span>
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('addProposal')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const proposal = { id: newId('pr'), title: title.trim(), text: text.trim() || undefined, status: 'draft' };
            if (await run(() => store.command('AddProposal', { proposal, item: item || undefined }), t('done'))) {
              setTitle('');
              setText('');
            }
          }}
        >
          <label>
            {t('itemTitle')}
            <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('proposalText')}
            <textarea rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            {t('attachTo')}
            <select value={item} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
              <option value="">{t('none')}</option>
              {s.agenda.map((i) => (
                <option key={i.id} value={i.id}>
                  {v.itemNumber(s, i.id)}. {i.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
    </div>
  );
}

const exportKeys: [ExportKind, Key][] = [
  ['minutes-vi', 'minutesVi'],
  ['minutes-en', 'minutesEn'],
  ['packet', 'packetPdf'],
  ['ballots', 'ballotsCsv'],
];

/** Exports downloads the files the server generates, with the session's token, and saves them. */
function Exports({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const save = (kind: ExportKind) =>
    run(async () => {
      const { blob, name } = await downloadExport({ meeting: store.state!.id, token: store.session.token, kind });
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
    <ul class="docs">
      {exportKeys.map(([kind, key]) => (
        <li key={kind}>
          <button type="button" class="btn small" disabled={busy} onClick={() => void save(kind)}>
            ⬇ {t(key)}
          </button>
        </li>
      ))}
    </ul>
  );
}
