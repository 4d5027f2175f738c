// Documents: the list (attach to an item, prepare watermarked copies) and the upload.

import { useState } from 'preact/hooks';
import { prepareCopies, uploadDocument, type PrepareProgress } from '../../core/api';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { errorText } from '../../i18n';
import { useApp, useRun } from '../context';
import { RemovedNotice } from '../shared/RemovedNotice';
import { LEVELS, isSecret, levelOf, takenBack } from '../../core/secrecy';
import type { Level } from '../../core/types';
import type { Key } from '../../i18n';
import { LevelBadge } from '../shared/Secrecy';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)
import { draftOf, draftOpen, versionOf } from '../../core/drafts';
import { formatDateTime } from '../shared/format';
import { DraftCommentList } from '../document/DraftPanel';

export function Documents({ store }: { store: MeetingStore }) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [level, setLevel] = useState<Level | ''>('');
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
        level: level || undefined,
        readers: confidential ? readers : undefined,
        file,
        onProgress: setProgress,
      });
      // The upload registers the document (only an upload can: the server
      // refuses AddDocument from a client); its event arrives on the socket.
      toast(t('uploaded', { title: doc.title }), 'ok');
      setTitle('');
      setLevel('');
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
        <label>
          {t('secrecyLevel')}
          <select class="upload-level" value={level} onChange={(e) => setLevel((e.target as HTMLSelectElement).value as Level | '')}>
            <option value="">{confidential ? t('level_mat') : t('levelNone')}</option>
            {LEVELS.filter((l) => !confidential || l !== 'mat').map((l) => (
              <option key={l} value={l}>
                {t(`level_${l}` as Key)}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={confidential} onChange={(e) => setConfidential((e.target as HTMLInputElement).checked)} /> {t('restrictReaders')}
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

export function DocRow({ store, id }: { store: MeetingStore; id: string }) {
  const { t, lang, toast } = useApp();
  const [busy, run] = useRun();
  const [item, setItem] = useState('');
  const [prep, setPrep] = useState<PrepareProgress | null>(null);
  const [asking, setAsking] = useState(false);
  const s = store.state!;
  const d = s.documents[id];
  const lvl = levelOf(d);
  const back = takenBack(s, d);
  const setDocLevel = (l: Level | '') =>
    void run(
      () => store.command('SetDocumentLevel', { document: id, level: l }),
      l ? t('levelSet', { title: d.title, level: t(`level_${l}` as Key) }) : t('levelCleared', { title: d.title }),
    );
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
        <LevelBadge s={s} d={d} />
        {d.confidential && <span class="tag">{t('readers')}: {(d.readers ?? []).length}</span>}
      </span>
      <RemovedNotice doc={d} />
      <span class="row">
        <label class="grow">
          <span class="sr-only">{t('secrecyLevelOf', { title: d.title })}</span>
          <select
            class="doc-level"
            aria-label={t('secrecyLevelOf', { title: d.title })}
            value={lvl ?? ''}
            disabled={busy || back}
            onChange={(e) => setDocLevel((e.target as HTMLSelectElement).value as Level | '')}
          >
            {!d.confidential && <option value="">{t('levelNone')}</option>}
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level_${l}` as Key)}
              </option>
            ))}
          </select>
        </label>
        {isSecret(d) && !back && (
          <button type="button" class="btn small danger take-back" disabled={busy || asking} onClick={() => setAsking(true)} aria-label={t('takeBackOf', { title: d.title })}>
            {t('takeBackDoc')}
          </button>
        )}
      </span>
      {asking && (
        <div class="take-back-ask" role="alertdialog" aria-label={t('takeBackOf', { title: d.title })}>
          <p>{t('takeBackAsk', { title: d.title })}</p>
          <span class="row">
            <button
              type="button"
              class="btn small danger"
              disabled={busy}
              onClick={() => void run(() => store.command('TakeBackDocument', { document: id }), t('takenBackDone', { title: d.title })).then(() => setAsking(false))}
            >
              {t('takeBackYes')}
            </button>
            <button type="button" class="btn small" onClick={() => setAsking(false)}>
              {t('takeBackNo')}
            </button>
          </span>
        </div>
      )}
      <DraftControls store={store} id={id} />
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
        <button type="button" class="btn small" disabled={busy || !item} onClick={() =>
            run(() => store.command('AttachDocument', { item, document: id }), t('attached', { title: d.title, item: v.itemNumber(s, item) })).then((ok) => ok && setItem(''))
          }>
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

/** defaultDeadline is a week from now at 17:00, as a datetime-local value. */
function defaultDeadline(now = new Date()): string {
  const d = new Date(now.getTime() + 7 * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T17:00`;
}

/**
 * DraftControls (issue 13, part 5): open a document for comments with a
 * deadline and who sees the comments, close it, upload its next version
 * (the old one stays readable).
 */
export function DraftControls({ store, id }: { store: MeetingStore; id: string }) {
  const { t, lang, toast } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const d = s.documents[id];
  const draft = draftOf(s, id);
  const [deadline, setDeadline] = useState(defaultDeadline());
  const [vis, setVis] = useState<'team' | 'all'>('team');
  const [uploading, setUploading] = useState<number | null>(null);
  const [showing, setShowing] = useState(false);
  if (draft && draft.id !== id) {
    return <p class="muted small">{t('draftVersionOf', { n: versionOf(draft, id), title: s.documents[draft.id]?.title ?? draft.id })}</p>;
  }
  if (!draft) {
    return (
      <form
        class="row draft-open"
        onSubmit={(e) => {
          e.preventDefault();
          void run(
            () => store.command('OpenDraft', { document: id, deadline: new Date(deadline).toISOString(), visibility: vis }),
            t('draftOpened', { title: d.title }),
          );
        }}
      >
        <label>
          <span class="small">{t('draftDeadline')}</span>
          <input type="datetime-local" required value={deadline} aria-label={`${t('draftDeadline')} — ${d.title}`} onInput={(e) => setDeadline((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span class="small">{t('draftVisibility')}</span>
          <select value={vis} onChange={(e) => setVis((e.target as HTMLSelectElement).value as 'team' | 'all')}>
            <option value="team">{t('draftVisTeam')}</option>
            <option value="all">{t('draftVisAll')}</option>
          </select>
        </label>
        <button type="submit" class="btn small draft-open-btn" disabled={busy}>
          {t('draftOpenFor')}
        </button>
      </form>
    );
  }
  const open = draftOpen(draft);
  const current = s.documents[draft.versions[draft.versions.length - 1]] ?? d;
  const upload = async (file: File) => {
    setUploading(0);
    try {
      const nd = await uploadDocument({
        meeting: s.id, token: store.session.token, title: `${d.title} (${draft.versions.length + 1})`, confidential: !!current.confidential,
        level: levelOf(current) || undefined, readers: current.confidential ? current.readers : undefined, file, onProgress: setUploading,
      });
      await store.command('AddDraftVersion', { draft: draft.id, document: nd.id });
      toast(t('draftVersionAdded', { n: draft.versions.length + 1, title: d.title }), 'ok');
    } catch (err) {
      toast(errorText(lang, err), 'error');
    } finally {
      setUploading(null);
    }
  };
  return (
    <>
      <span class="row draft-controls">
        <span class="tag">{open ? t('draftIsOpen', { time: formatDateTime(lang, Date.parse(draft.deadline)) }) : t('draftIsClosed')}</span>
        {open && (
          <button type="button" class="btn small" disabled={busy} onClick={() => void run(() => store.command('CloseDraft', { draft: draft.id }), t('draftClosedDone', { title: d.title }))}>
            {t('draftCloseNow')}
          </button>
        )}
        <label class="btn small">
          {t('draftNewVersion')}
          <input
            type="file"
            accept="application/pdf,.pdf"
            class="sr-only draft-version-file"
            disabled={uploading !== null}
            onChange={(e) => {
              const f = (e.target as HTMLInputElement).files?.[0];
              if (f) void upload(f);
              (e.target as HTMLInputElement).value = '';
            }}
          />
        </label>
        {uploading !== null && <progress max={1} value={uploading} aria-label={t('draftNewVersion')} />}
        <button type="button" class="btn small toggle draft-show-comments" aria-expanded={showing} onClick={() => setShowing(!showing)}>
          {showing ? t('draftHideComments') : t('draftShowComments')}
        </button>
      </span>
      {showing && (
        <section class="draft-panel draft-team-view" aria-label={`${t('draftTitle')} — ${d.title}`}>
          <DraftCommentList store={store} draft={draft} />
        </section>
      )}
    </>
  );
}
