// The conclusions of a meeting (issue 13, part 4), with the meeting's
// session: in the secretary's workspace the list and a form that drafts
// one for an agenda item with its tasks (to a participant or a unit, with
// a deadline), and publishing once approved; in the chair's console the
// list with "Duyệt và cấp số" on each draft (the conclusion gets its
// number in the office's series), publishing, and — once approved, when the
// console was opened from the chair's own account — the signatures of its
// PDF with "Ký số bằng chứng thư của máy chủ" and the signed copy.

import { useEffect, useState } from 'preact/hooks';
import {
  approveConclusion,
  downloadMeetingConclusionRecord,
  draftConclusion,
  meetingConclusionRecord,
  signMeetingConclusion,
  editConclusion,
  heading,
  meetingConclusions,
  publishConclusion,
  type Conclusion,
  type ConclusionDraft,
  type Task,
  type TaskDraft,
} from '../../core/conclusions';
import { signatureLine, type RecordReport } from '../../core/records';
import type { MeetingStore } from '../../core/store';
import { errorText, type Lang } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { tw } from './words';

interface TaskInput {
  title: string;
  who: string; // a participant id, or "" for a unit
  unit: string;
  deadline: string; // yyyy-mm-dd
}

const emptyTask = (): TaskInput => ({ title: '', who: '', unit: '', deadline: '' });

/** toDraft turns the form into what the server takes, or the key of what is missing. */
export function toDraft(f: { item: string; kind: 'conclusion' | 'resolution'; title: string; text: string; tasks: TaskInput[] }): ConclusionDraft | { missing: 'needTitle' } | { missing: 'needTask'; n: number } {
  if (!f.title.trim() || !f.text.trim() || !f.item) return { missing: 'needTitle' };
  const tasks: TaskDraft[] = [];
  for (const [i, t] of f.tasks.entries()) {
    if (!t.title.trim() && !t.unit.trim() && !t.who && !t.deadline) continue; // an empty row
    if (!t.title.trim() || !t.deadline || (!t.who && !t.unit.trim())) return { missing: 'needTask', n: i + 1 };
    // The end of the deadline's day in Vietnam (UTC+7).
    const deadline = `${t.deadline}T17:00:00+07:00`;
    tasks.push({ title: t.title.trim(), deadline, assignee: t.who ? { kind: 'person', person: t.who } : { kind: 'unit', name: t.unit.trim() } });
  }
  return { agenda_item: f.item, kind: f.kind, title: f.title.trim(), text: f.text.trim(), tasks };
}

/** fromTask is a task of a draft as the form shows it (its deadline's day in Vietnam, UTC+7). */
export function fromTask(t: Pick<Task, 'title' | 'assignee' | 'deadline'>): TaskInput {
  const day = new Date(Date.parse(t.deadline) + 7 * 3600e3).toISOString().slice(0, 10);
  return t.assignee.kind === 'person' && t.assignee.person
    ? { title: t.title, who: t.assignee.person, unit: '', deadline: day }
    : { title: t.title, who: '', unit: t.assignee.name, deadline: day };
}

/**
 * DraftForm drafts a conclusion, or with `editing` changes a draft's
 * title, text and tasks (its item and kind stay) until the chair approves it.
 */
function DraftForm({ store, lang, onDrafted, editing, onCancel }: { store: MeetingStore; lang: Lang; onDrafted: (c: Conclusion) => void; editing?: Conclusion; onCancel?: () => void }) {
  const s = store.state!;
  const [item, setItem] = useState(editing?.agenda_item ?? s.agenda[0]?.id ?? '');
  const [kind, setKind] = useState<'conclusion' | 'resolution'>(editing?.kind ?? 'conclusion');
  const [title, setTitle] = useState(editing?.title ?? '');
  const [text, setText] = useState(editing?.text ?? '');
  const [tasks, setTasks] = useState<TaskInput[]>(editing?.tasks.length ? editing.tasks.map(fromTask) : [emptyTask()]);
  const ids = editing ? `kl-e-${editing.id}` : 'kl';
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const people = Object.values(s.participants).filter((p) => p.role === 'delegate' || p.role === 'chair');
  const set = (i: number, patch: Partial<TaskInput>) => setTasks((ts) => ts.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <form
      class={editing ? 'stack conclusion-draft conclusion-edit' : 'stack conclusion-draft'}
      aria-label={editing ? `${tw(lang, 'editTitle')}: ${editing.title}` : tw(lang, 'draftTitle')}
      onSubmit={async (e) => {
        e.preventDefault();
        const d = toDraft({ item, kind, title, text, tasks });
        if ('missing' in d) return setMsg(d.missing === 'needTask' ? tw(lang, 'needTask', { n: d.n }) : tw(lang, 'needTitle'));
        setBusy(true);
        setMsg('');
        try {
          if (editing) {
            onDrafted(await editConclusion(s.id, store.session.token, editing.id, d));
            return;
          }
          onDrafted(await draftConclusion(s.id, store.session.token, d));
          setMsg(tw(lang, 'drafted'));
          setTitle('');
          setText('');
          setTasks([emptyTask()]);
        } catch (err) {
          setMsg(errorText(lang, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>{editing ? tw(lang, 'editTitle') : tw(lang, 'draftTitle')}</h3>
      <label for={`${ids}-item`}>{tw(lang, 'item')}</label>
      <select id={`${ids}-item`} value={item} disabled={!!editing} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
        {s.agenda.map((it) => (
          <option key={it.id} value={it.id}>
            {it.title}
          </option>
        ))}
      </select>
      <label for={`${ids}-kind`}>{tw(lang, 'kind')}</label>
      <select id={`${ids}-kind`} value={kind} disabled={!!editing} onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'conclusion')}>
        <option value="conclusion">{tw(lang, 'kind_conclusion')}</option>
        <option value="resolution">{tw(lang, 'kind_resolution')}</option>
      </select>
      <label for={`${ids}-title`}>{tw(lang, 'cTitle')}</label>
      <input id={`${ids}-title`} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
      <label for={`${ids}-text`}>{tw(lang, 'cText')}</label>
      <textarea id={`${ids}-text`} rows={5} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {tasks.map((t, i) => {
        const n = i + 1;
        return (
          <fieldset key={i} class="stack">
            <legend>{tw(lang, 'taskN', { n })}</legend>
            <label for={`${ids}-t${n}`}>{tw(lang, 'taskTitle', { n })}</label>
            <input id={`${ids}-t${n}`} value={t.title} onInput={(e) => set(i, { title: (e.target as HTMLInputElement).value })} />
            <label for={`${ids}-w${n}`}>{tw(lang, 'assignTo', { n })}</label>
            <select id={`${ids}-w${n}`} value={t.who} onChange={(e) => set(i, { who: (e.target as HTMLSelectElement).value })}>
              <option value="">{tw(lang, 'aUnit')}</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {!t.who && (
              <>
                <label for={`${ids}-u${n}`}>{tw(lang, 'unitName', { n })}</label>
                <input id={`${ids}-u${n}`} value={t.unit} onInput={(e) => set(i, { unit: (e.target as HTMLInputElement).value })} />
              </>
            )}
            <label for={`${ids}-d${n}`}>{tw(lang, 'deadlineN', { n })}</label>
            <input id={`${ids}-d${n}`} type="date" value={t.deadline} onInput={(e) => set(i, { deadline: (e.target as HTMLInputElement).value })} />
          </fieldset>
        );
      })}
      <button type="button" class="btn small" onClick={() => setTasks((ts) => [...ts, emptyTask()])}>
        {tw(lang, 'addTask')}
      </button>
      <span class="row">
        <button type="submit" class="btn primary" disabled={busy}>
          {editing ? tw(lang, 'saveEdit') : tw(lang, 'saveDraft')}
        </button>
        {editing && (
          <button type="button" class="btn" onClick={onCancel}>
            {tw(lang, 'cancelEdit')}
          </button>
        )}
      </span>
      <p role="status" class="task-msg live">
        {msg}
      </p>
    </form>
  );
}

/**
 * ConsoleSign: in the chair's console, an approved conclusion's signatures
 * and, when the server has a certificate, the chair signs with it. Shown
 * only when the server answers the report: a console opened with the
 * chair's invitation code proves no person and is refused (nothing shown).
 */
export function ConsoleSign({ store, c, lang }: { store: MeetingStore; c: Conclusion; lang: Lang }) {
  const s = store.state!;
  const l: Lang = lang === 'en' ? 'en' : 'vi';
  const [rep, setRep] = useState<RecordReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState('');
  useEffect(() => {
    let live = true;
    meetingConclusionRecord(s.id, store.session.token, c.id).then(
      (r) => live && setRep(Array.isArray(r?.signatures) ? r : null),
      () => live && setRep(null),
    );
    return () => {
      live = false;
    };
  }, [c.id, c.version]);
  if (!rep) return null;
  const h = heading(c, l);
  return (
    <div class="row wrap record-signatures">
      <small class="muted">{signatureLine(rep, l)}</small>
      {rep.issued && (
        <button
          type="button"
          class="btn small"
          onClick={async () => {
            try {
              const { blob, name } = await downloadMeetingConclusionRecord(s.id, store.session.token, c.id);
              const url = URL.createObjectURL(blob);
              const a = document.createElement('a');
              a.href = url;
              a.download = name;
              a.click();
              setTimeout(() => URL.revokeObjectURL(url), 60_000);
            } catch (err) {
              setMsg(errorText(lang, err));
            }
          }}
        >
          {tw(lang, 'signedPDF')}
        </button>
      )}
      {rep.server_signer && (
        <button
          type="button"
          class="btn small"
          disabled={busy}
          aria-label={`${tw(lang, 'signBtn')}: ${h}`}
          onClick={async () => {
            setBusy(true);
            try {
              setRep(await signMeetingConclusion(s.id, store.session.token, c.id));
              setMsg(tw(lang, 'signedOn', { heading: h }));
            } catch (err) {
              setMsg(errorText(lang, err));
            } finally {
              setBusy(false);
            }
          }}
        >
          ✍ {tw(lang, 'signBtn')}
        </button>
      )}
      <small role="status" class="live">
        {msg}
      </small>
    </div>
  );
}

export function MeetingConclusions({ store, mode }: { store: MeetingStore; mode: 'secretary' | 'chair' }) {
  const { lang } = useApp();
  const s = store.state!;
  const [list, setList] = useState<Conclusion[] | null>(null);
  const [msg, setMsg] = useState('');
  // The draft being edited (the secretary's, before the chair approves it).
  const [editing, setEditing] = useState<string | null>(null);
  const load = () =>
    meetingConclusions(s.id, store.session.token)
      .then(setList)
      .catch((err) => setMsg(errorText(lang, err)));
  useEffect(() => {
    void load();
  }, [s.id]);
  const act = async (f: () => Promise<Conclusion>, ok: (c: Conclusion) => string) => {
    try {
      const c = await f();
      setMsg(ok(c));
      await load();
    } catch (err) {
      setMsg(errorText(lang, err));
    }
  };
  return (
    <div class="meeting-conclusions">
      {list && list.length === 0 && <p>{tw(lang, 'none')}</p>}
      <ul class="conclusion-list">
        {(list ?? []).map((c) => (
          <li key={c.id}>
            <p>
              <strong>{heading(c, lang)}</strong>: {c.title} · {c.agenda_title} · {tw(lang, ('status_' + c.status) as 'status_draft')}
            </p>
            {c.tasks.length > 0 && (
              <ul class="hint">
                {c.tasks.map((t) => (
                  <li key={t.id}>
                    {t.title} — {t.assignee.name}
                  </li>
                ))}
              </ul>
            )}
            {mode === 'secretary' && c.status === 'draft' && editing !== c.id && (
              <button type="button" class="btn small" aria-label={`${tw(lang, 'editBtn')}: ${c.title}`} onClick={() => (setEditing(c.id), setMsg(''))}>
                {tw(lang, 'editBtn')}
              </button>
            )}
            {mode === 'secretary' && c.status === 'draft' && editing === c.id && (
              <DraftForm
                store={store}
                lang={lang}
                editing={c}
                onCancel={() => setEditing(null)}
                onDrafted={() => {
                  setEditing(null);
                  setMsg(tw(lang, 'edited'));
                  void load();
                }}
              />
            )}
            {mode === 'chair' && c.status === 'draft' && (
              <button type="button" class="btn primary small" aria-label={`${tw(lang, 'approveBtn')}: ${c.title}`} onClick={() => act(() => approveConclusion(s.id, store.session.token, c.id), (a) => tw(lang, 'approved', { heading: heading(a, lang) }))}>
                {tw(lang, 'approveBtn')}
              </button>
            )}
            {c.status === 'approved' && (
              <button type="button" class="btn small" aria-label={`${tw(lang, 'publishBtn')}: ${c.title}`} onClick={() => act(() => publishConclusion(s.id, store.session.token, c.id), (a) => tw(lang, 'published', { heading: heading(a, lang) }))}>
                {tw(lang, 'publishBtn')}
              </button>
            )}
            {mode === 'chair' && c.status !== 'draft' && <ConsoleSign store={store} c={c} lang={lang} />}
          </li>
        ))}
      </ul>
      <p role="status" class="live">
        {msg}
      </p>
      {mode === 'secretary' && s.agenda.length > 0 && <DraftForm store={store} lang={lang} onDrafted={() => void load()} />}
    </div>
  );
}
