// DocumentPane is the document viewer of the tablet and the consoles. By
// default it follows the presenter (the shown document at the shown page);
// "Browse freely" lets the reader page through any document on their own
// until "Follow the presenter" brings them back. A participant who may
// present turns the room's pages from here.

import { useEffect, useState } from 'preact/hooks';
import { documentURL } from '../core/api';
import type { MeetingStore } from '../core/store';
import * as v from '../core/views';
import { useApp, useRun } from './context';
import { PdfView } from './PdfView';

export function DocumentPane({ store, allowPresent }: { store: MeetingStore; allowPresent: boolean }) {
  const { t } = useApp();
  const [, run] = useRun();
  const s = store.state!;
  const [following, setFollowing] = useState(true);
  const [browseDoc, setBrowseDoc] = useState<string | undefined>(undefined);
  const [browsePage, setBrowsePage] = useState(1);
  const [pages, setPages] = useState(0);
  const [goTo, setGoTo] = useState('');

  const presenting = allowPresent && v.isPresenter(s, store.me);
  const shown = s.presentation.document;
  const item = v.currentItem(s);
  const docs = [...new Set([...(item?.documents ?? []), ...v.documentsInOrder(s)])].filter((d) => s.documents[d]);
  const doc = following ? shown : (browseDoc ?? shown ?? docs[0]);
  const page = following ? (s.presentation.page ?? 1) : browsePage;
  const meta = doc ? s.documents[doc] : undefined;
  const total = pages || meta?.pages || 0;

  useEffect(() => setPages(0), [doc]);

  const turn = (p: number) => {
    const n = total ? Math.min(Math.max(1, p), total) : Math.max(1, p);
    if (following) {
      if (presenting && doc) void run(() => store.command('TurnPage', { page: n }));
    } else setBrowsePage(n);
  };
  const canTurn = !following || presenting;

  const browse = () => {
    setBrowseDoc(doc);
    setBrowsePage(page);
    setFollowing(false);
  };

  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
    if (!canTurn) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') turn(page + 1);
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') turn(page - 1);
  };

  return (
    <div class="doc-pane" onKeyDown={onKey}>
      <div class="doc-toolbar" role="toolbar" aria-label={t('documents')}>
        <div class="mode" role="group">
          <button type="button" class={following ? 'btn toggle on' : 'btn toggle'} aria-pressed={following} onClick={() => setFollowing(true)}>
            {t('follow')}
          </button>
          <button type="button" class={!following ? 'btn toggle on' : 'btn toggle'} aria-pressed={!following} onClick={browse}>
            {t('browse')}
          </button>
        </div>
        {!following && (
          <label class="inline">
            <span class="sr-only">{t('documents')}</span>
            <select
              value={doc ?? ''}
              onChange={(e) => {
                setBrowseDoc((e.target as HTMLSelectElement).value);
                setBrowsePage(1);
              }}
            >
              {docs.map((d) => (
                <option key={d} value={d}>
                  {s.documents[d].title}
                  {s.documents[d].confidential ? ` (${t('confidential')})` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="pager">
          <button type="button" class="btn" disabled={!canTurn || page <= 1} onClick={() => turn(page - 1)} aria-label={t('prevPage')}>
            ‹
          </button>
          <span class="page-no" aria-live="polite">
            {doc ? t('pageOf', { page, pages: total || '…' }) : ''}
          </span>
          <button type="button" class="btn" disabled={!canTurn || (total > 0 && page >= total)} onClick={() => turn(page + 1)} aria-label={t('nextPage')}>
            ›
          </button>
          {canTurn && (
            <form
              class="goto"
              onSubmit={(e) => {
                e.preventDefault();
                const n = parseInt(goTo, 10);
                if (n > 0) turn(n);
                setGoTo('');
              }}
            >
              <label>
                <span class="sr-only">{t('goToPage')}</span>
                <input type="number" min={1} max={total || undefined} inputMode="numeric" value={goTo} placeholder={t('goToPage')} onInput={(e) => setGoTo((e.target as HTMLInputElement).value)} />
              </label>
            </form>
          )}
        </div>
      </div>
      <p class="doc-mode muted small" role="status">
        {following ? t('following') : t('browsing')}
        {meta ? ` · ${meta.title}` : ''}
        {following && presenting ? ` · ${t('youPresent')}` : ''}
      </p>
      {doc ? (
        <PdfView url={documentURL(s.id, doc)} token={store.session.token} page={page} onPages={setPages} label={meta ? `${meta.title} — ${t('pageOf', { page, pages: total })}` : ''} />
      ) : (
        <div class="pdf-box empty">
          <p class="pdf-msg">{t('nothingShown')}</p>
        </div>
      )}
    </div>
  );
}
