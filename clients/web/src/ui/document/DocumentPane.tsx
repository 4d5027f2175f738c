// DocumentPane is the document viewer of the tablet and the consoles. By
// default it follows the presenter (the shown document at the shown page);
// "Browse freely" lets the reader page through any document on their own
// until "Follow the presenter" brings them back. A participant who may
// present turns the room's pages from here.
//
// "Annotate" lays the annotation tools over the page (Annotations.tsx):
// private marks, or for the presenter marks shared with the room. Following
// goes on while annotating: the page may change under the pen. "My
// annotated copy" opens the reader's PDF with their marks written in. With
// `offline`, documents are read from (and kept in) the device's copies.

import { useEffect, useRef, useState } from 'preact/hooks';
import { documentURL, downloadDocument } from '../../core/api';
import { levelOf, mayDownload } from '../../core/secrecy';
import { LevelBadge, levelKey } from '../shared/Secrecy';
import { annotatedCopyPath, COLORS, HIGHLIGHT_COLOR } from '../../core/ink';
import { errorText as errorTextOf } from '../../i18n';
import { openSigned } from '../../core/access';
import { noFirstPage } from '../../core/firstpage';
import type { OfflineDocs } from '../../core/offline';
import type { MeetingStore } from '../../core/store';
import { browse as browseFrom, browseDocument, docView, FOLLOWING, turn as turnTo, type Reading } from '../../core/follow';
import { AnnotationLayer } from './Annotations';
import { AnnotationToolbar } from './AnnotationToolbar';
import type { Tool } from '../../core/pen';
import { useApp, useRun } from '../context';
import { clampZoom, PdfView, ZOOM_MAX, ZOOM_MIN, type PdfOffline } from './PdfView';
import { formatPercent } from '../shared/format';
import { RemovedNotice } from '../shared/RemovedNotice';
import { commentsOn, draftOf, draftOpen, findComment, type Picked } from '../../core/drafts';
import { CommentMarkers, DraftPanel, RegionPicker, SelectionAction, useDraftComments, type Region } from './DraftPanel';

/** useOffline re-renders the caller when the kept copies change. */
export function useOffline(offline: OfflineDocs | undefined): void {
  const [, setRev] = useState(0);
  useEffect(() => offline?.subscribe(() => setRev((n) => n + 1)), [offline]);
}

export function DocumentPane({ store, allowPresent, offline }: { store: MeetingStore; allowPresent: boolean; offline?: OfflineDocs }) {
  const { t, lang, toast } = useApp();
  const [, run] = useRun();
  useOffline(offline);
  const s = store.state!;
  const [choice, setReading] = useState<Reading>(FOLLOWING);
  const following = choice.following;
  const [pages, setPages] = useState(0);
  const [goTo, setGoTo] = useState('');
  const [annotating, setAnnotating] = useState(false);
  const [tool, setTool] = useState<Tool>('pen');
  const [colors, setColors] = useState<Record<Tool, string>>({ pen: COLORS[0].hex, highlighter: HIGHLIGHT_COLOR, note: COLORS[1].hex, eraser: COLORS[0].hex });
  const [share, setShare] = useState(false);
  // The reading view: the page alone on the screen, still following.
  const [reading, setReadingView] = useState(false);
  const [fit, setFit] = useState<'page' | 'width'>('page');
  const [zoom, setZoom] = useState(1);
  const pane = useRef<HTMLDivElement>(null);
  // Drafts for comment: marking a region on the page for a comment.
  const [marking, setMarking] = useState(false);
  const [region, setRegion] = useState<Region | null>(null);
  // Drafts for comment: text selected on the page for a comment.
  const [picked, setPicked] = useState<Picked | null>(null);
  const read = (on: boolean) => {
    setReadingView(on);
    setZoom(1);
    // Real full screen where the browser allows it (a tablet hides its bars); the view works without it.
    try {
      if (on && !document.fullscreenElement) void pane.current?.requestFullscreen?.().catch(() => {});
      if (!on && document.fullscreenElement) void document.exitFullscreen?.().catch(() => {});
    } catch {
      /* no Fullscreen API */
    }
  };
  useEffect(() => {
    if (!reading) return;
    const left = () => !document.fullscreenElement && setReadingView(false);
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && read(false);
    let was = !!document.fullscreenElement;
    const change = () => {
      if (was) left();
      was = !!document.fullscreenElement;
    };
    document.addEventListener('fullscreenchange', change);
    window.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('fullscreenchange', change);
      window.removeEventListener('keydown', esc);
    };
  }, [reading]);

  const view = docView(s, store.me, allowPresent, choice);
  const { doc, page, docs, presenting, canTurn } = view;
  const meta = doc ? s.documents[doc] : undefined;
  // Secrecy (issue 12): "download", "print" and the annotated copy only where the level allows them.
  const level = levelOf(meta);
  const canDownload = !!meta && mayDownload(s, meta, store.me);
  const getFile = async (print: boolean) => {
    if (!doc || !meta) return;
    // The print tab is opened inside the click, or a pop-up blocker refuses it.
    const tab = print ? window.open('about:blank', '_blank') : null;
    try {
      const { blob, name } = await downloadDocument({ meeting: s.id, token: store.session.token, doc });
      const url = URL.createObjectURL(blob);
      if (tab) tab.location.href = url;
      else {
        const a = document.createElement('a');
        a.href = url;
        a.download = name.endsWith('.pdf') ? name : `${meta.title}.pdf`;
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      toast(errorTextOf(lang, err));
    }
  };
  const total = pages || meta?.pages || 0;
  const draft = draftOf(s, doc);
  // The page's text layer (to select what a comment quotes) only where the current version of a draft takes comments.
  const selectable = !!draft && !!doc && !reading && !annotating && !marking && draft.versions[draft.versions.length - 1] === doc && draftOpen(draft);
  const kept = meta && offline?.enabled ? offline.status(meta) : 'none';
  // The draft's comments the reader may see, drawn on their page (only for
  // a draft, and not in the reading view: an ordinary document reads nothing).
  const comments = useDraftComments(store, draft && !reading ? draft : null);
  const [shownID, setShownID] = useState<string | null>(null);
  const shown = findComment(comments, shownID);

  useEffect(() => setPages(0), [doc]);
  useEffect(() => setPicked(null), [doc]);
  useEffect(() => setShownID(null), [doc]);
  // Nothing shown: work waiting for the first page drawn (offline copies) need not wait.
  useEffect(() => {
    if (!doc) noFirstPage();
  }, [doc]);

  const turn = (p: number) => {
    const tr = turnTo(view, choice, p, total);
    if (tr.kind === 'command') void run(() => store.command('TurnPage', { page: tr.page }));
    else if (tr.kind === 'browse') setReading(tr.reading);
  };
  const browse = () => setReading(browseFrom(view));

  const onKey = (e: KeyboardEvent) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (!canTurn) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') turn(page + 1);
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') turn(page - 1);
  };

  const pdfOffline: PdfOffline | undefined =
    offline && meta
      ? {
          load: () => offline.open(meta),
          keep: (getData) => void offline.keep(meta, getData),
        }
      : undefined;

  return (
    <div class={(reading ? 'doc-pane reading' : 'doc-pane') + (meta && !canDownload ? ' no-print-doc' : '')} onKeyDown={onKey} ref={pane} data-level={level ?? ''}>
      <div class="doc-toolbar" role="toolbar" aria-label={t('documents')}>
        <div class="mode" role="group">
          <button type="button" class={following ? 'btn toggle on' : 'btn toggle'} aria-pressed={following} onClick={() => setReading(FOLLOWING)}>
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
              onChange={(e) => setReading(browseDocument((e.target as HTMLSelectElement).value))}
            >
              {docs.map((d) => (
                <option key={d} value={d}>
                  {s.documents[d].title}
                  {levelKey(s.documents[d]) ? ` (${t(levelKey(s.documents[d])!)})` : ''}
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
        {doc && (
          <div class="read-tools" role="group" aria-label={t('readingView')}>
            <button type="button" class={reading ? 'btn toggle on read-toggle' : 'btn toggle read-toggle'} aria-pressed={reading} onClick={() => read(!reading)}>
              {reading ? '⤡ ' + t('readingExit') : '⤢ ' + t('readingEnter')}
            </button>
            {reading && (
              <>
                <button type="button" class={fit === 'page' ? 'btn small toggle on' : 'btn small toggle'} aria-pressed={fit === 'page'} onClick={() => (setFit('page'), setZoom(1))}>
                  {t('fitPage')}
                </button>
                <button type="button" class={fit === 'width' ? 'btn small toggle on' : 'btn small toggle'} aria-pressed={fit === 'width'} onClick={() => (setFit('width'), setZoom(1))}>
                  {t('fitWidth')}
                </button>
                <button type="button" class="btn small" aria-label={t('zoomOut')} disabled={zoom <= ZOOM_MIN} onClick={() => setZoom(clampZoom(zoom / 1.25))}>
                  −
                </button>
                <span class="zoom-no" aria-live="polite">
                  {formatPercent(lang, zoom)}
                </span>
                <button type="button" class="btn small" aria-label={t('zoomIn')} disabled={zoom >= ZOOM_MAX} onClick={() => setZoom(clampZoom(zoom * 1.25))}>
                  +
                </button>
              </>
            )}
          </div>
        )}
        {doc && !reading && (
          <div class="row ann-actions">
            <button type="button" class={annotating ? 'btn toggle on' : 'btn toggle'} aria-pressed={annotating} onClick={() => setAnnotating(!annotating)}>
              {t('annToggle')}
            </button>
            {canDownload && (
              <a
                class="btn small ghost link"
                href={annotatedCopyPath(s.id, doc)}
                target="_blank"
                rel="noopener"
                onClick={(e) => {
                  e.preventDefault();
                  openSigned(store.session.token, annotatedCopyPath(s.id, doc)).catch((err) => toast(errorTextOf(lang, err)));
                }}
              >
                {t('annCopy')}
              </a>
            )}
            {canDownload && meta && (
              <span class="doc-actions">
                <button type="button" class="btn small ghost doc-download" aria-label={t('docDownloadOf', { title: meta.title })} onClick={() => void getFile(false)}>
                  ⬇ {t('docDownload')}
                </button>
                <button type="button" class="btn small ghost doc-print" aria-label={t('docPrintOf', { title: meta.title })} onClick={() => void getFile(true)}>
                  🖨 {t('docPrint')}
                </button>
              </span>
            )}
          </div>
        )}
      </div>
      {annotating && doc && (
        <AnnotationToolbar
          tool={tool}
          setTool={setTool}
          color={colors[tool]}
          setColor={(c) => setColors({ ...colors, [tool]: c })}
          canShare={presenting}
          share={share}
          setShare={setShare}
        />
      )}
      <p class="doc-mode muted small" role="status">
        {following ? t('following') : t('browsing')}
        {meta ? ` · ${meta.title}` : ''}
        {meta && <LevelBadge s={s} d={meta} />}
        {following && presenting ? ` · ${t('youPresent')}` : ''}
        {annotating && doc ? ` · ${share && presenting ? t('annSharedHint') : t('annPrivateHint')}` : ''}
        {kept === 'saved' ? ` · ${t('offlineSaved')}` : ''}
      </p>
      <RemovedNotice doc={meta} />
      {meta && level && !canDownload && (
        <p class="secrecy-note small" role="note">
          {t('noDownloadHint', { level: t(levelKey(meta)!) })}
        </p>
      )}
      {doc ? (
        <PdfView
          url={documentURL(s.id, doc)}
          token={store.session.token}
          page={page}
          onPages={setPages}
          label={meta ? `${meta.title} — ${t('pageOf', { page, pages: total })}` : ''}
          offline={pdfOffline}
          textLayer={selectable}
          fit={reading ? fit : 'page'}
          zoom={reading ? zoom : 1}
          onZoom={
            annotating
              ? undefined
              : (z) => {
                  if (!reading) read(true);
                  setZoom(z);
                }
          }
          overlay={(view) => (
            <>
              {draft && doc && comments && !reading && !annotating && !marking && (
                <CommentMarkers view={view} comments={commentsOn(comments, doc, view.page)} selected={shownID} onSelect={setShownID} through={selectable} />
              )}
              <AnnotationLayer store={store} document={doc} view={view} mine={true} tool={annotating ? tool : null} color={colors[tool]} share={share && presenting} />
              {draft && marking && <RegionPicker view={view} region={region} onRegion={setRegion} />}
              {selectable && <SelectionAction view={view} onPick={setPicked} />}
            </>
          )}
        />
      ) : (
        <div class="pdf-box empty">
          <p class="pdf-msg">
            {view.blocked === 'taken_back'
              ? t('takenBackView')
              : view.blocked === 'not_presented'
                ? t('notPresentedView', { level: t(levelKey(s.documents[view.blockedDoc!]) ?? 'level_tuyet_mat') })
                : t('nothingShown')}
          </p>
        </div>
      )}
      {draft && doc && !reading && (
        <DraftPanel
          key={draft.id}
          store={store}
          draft={draft}
          doc={doc}
          page={page}
          region={region}
          marking={marking}
          setMarking={(on) => {
            setMarking(on);
            setRegion(null);
          }}
          picked={picked}
          onUnpick={() => setPicked(null)}
          onOpenVersion={(v) => setReading(browseDocument(v))}
          comments={comments}
          shown={shown}
          onHide={() => setShownID(null)}
        />
      )}
    </div>
  );
}
