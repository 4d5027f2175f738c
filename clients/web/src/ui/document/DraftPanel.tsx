// DraftPanel: the comments of a draft for comment (góp ý dự thảo, issue 13
// part 5) beside the document viewer — its versions (each opens in the
// viewer; the old ones stay readable), a comment on the page shown or on a
// region marked on it (RegionPicker), the comments the reader may see
// grouped by page (all of them for the drafting team, with the table of
// comments as PDF and CSV), and two versions compared page by page with
// the words removed and inserted marked. SelectionAction, over the page,
// offers "Góp ý đoạn chọn" for text selected in pdf.js's text layer: the
// comment then quotes it, on the region it covers. CommentMarkers draws
// the comments the reader may see on the page they were made on (a region
// as a translucent box, a quote as a highlight, a page comment as a pin in
// the margin); tapping one shows it in the panel (ShownComment).

import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import type { Draft } from '../../core/types';
import { commentBox, commentID, downloadTable, draftOpen, fetchComments, fetchComparison, mayEdit, pickSelection, selectionRegion, versionOf, type Comparison, type DraftComment, type DraftComments, type Picked } from '../../core/drafts';
import { useApp, useRun } from '../context';
import { formatDateTime } from '../shared/format';
import type { PageView } from './PdfView';

export type Region = [number, number, number, number];

/** RegionPicker lets the reader drag a rectangle over the page. */
export function RegionPicker({ view, region, onRegion }: { view: PageView; region: Region | null; onRegion: (r: Region | null) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const [live, setLive] = useState<Region | null>(null);
  const at = (e: PointerEvent) => {
    const b = box.current!.getBoundingClientRect();
    return { x: e.clientX, y: e.clientY, b };
  };
  const shown = live ?? region;
  return (
    <div
      ref={box}
      class="draft-region-picker"
      data-testid="draft-region-picker"
      style={{ width: `${view.w}px`, height: `${view.h}px` }}
      onPointerDown={(e) => {
        const p = at(e);
        start.current = { x: p.x, y: p.y };
        (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        if (!start.current) return;
        const p = at(e);
        const s = start.current;
        setLive(selectionRegion({ left: p.b.left, top: p.b.top, width: p.b.width, height: p.b.height },
          { left: Math.min(s.x, p.x), top: Math.min(s.y, p.y), right: Math.max(s.x, p.x), bottom: Math.max(s.y, p.y) }));
      }}
      onPointerUp={() => {
        start.current = null;
        if (live) onRegion(live);
        setLive(null);
      }}
    >
      {shown && (
        <div
          class="draft-region"
          style={{ left: `${shown[0] * 100}%`, top: `${shown[1] * 100}%`, width: `${(shown[2] - shown[0]) * 100}%`, height: `${(shown[3] - shown[1]) * 100}%` }}
        />
      )}
    </div>
  );
}

/**
 * SelectionAction watches the selection over the page's text layer and,
 * while some of its text is selected, shows "Góp ý đoạn chọn" under it;
 * pressing it hands the quote and its region to onPick.
 */
export function SelectionAction({ view, onPick }: { view: PageView; onPick: (p: Picked) => void }) {
  const { t } = useApp();
  const anchor = useRef<HTMLSpanElement>(null);
  const [sel, setSel] = useState<{ picked: Picked; x: number; y: number } | null>(null);
  useEffect(() => {
    const read = () => {
      const pageEl = anchor.current?.closest('.pdf-page') as HTMLElement | null;
      const layer = pageEl?.querySelector('.textLayer');
      const s = document.getSelection();
      if (!pageEl || !layer || !s || s.isCollapsed || s.rangeCount === 0) return setSel(null);
      const range = s.getRangeAt(0);
      if (!layer.contains(range.commonAncestorContainer)) return setSel(null);
      const b = pageEl.getBoundingClientRect();
      const picked = pickSelection(view.page, s.toString(), Array.from(range.getClientRects()), { left: b.left, top: b.top, width: b.width, height: b.height });
      if (!picked) return setSel(null);
      // Under the selection, inside the page.
      setSel({ picked, x: Math.min(picked.rect[0] * view.w, Math.max(0, view.w - 200)), y: Math.min(picked.rect[3] * view.h + 6, Math.max(0, view.h - 40)) });
    };
    document.addEventListener('selectionchange', read);
    return () => document.removeEventListener('selectionchange', read);
  }, [view.page, view.w, view.h]);
  return (
    <span ref={anchor}>
      {sel && (
        <button
          type="button"
          class="btn small primary draft-select-btn"
          style={{ left: `${sel.x}px`, top: `${sel.y}px` }}
          // Pressing the button must not clear the selection before it is read.
          onPointerDown={(e) => e.preventDefault()}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            onPick(sel.picked);
            document.getSelection()?.removeAllRanges();
            setSel(null);
          }}
        >
          {t('draftCommentSelection')}
        </button>
      )}
    </span>
  );
}

/** PIN_STEP is the distance between two page comments' pins in the margin, in CSS pixels. */
const PIN_STEP = 34;

/**
 * CommentMarkers draws comments over the page shown (view): a region comment
 * as a translucent box, a comment on selected text as a highlight of its
 * region, a page comment as a pin in the right margin. Each has a button
 * (the box's corner tab, the pin, numbered in the page's order) that
 * hands its id to onSelect; with
 * through, the boxes themselves let the pointer through (to the text layer
 * under them, to select text), otherwise a tap on the box selects it too.
 */
export function CommentMarkers({ view, comments, selected, onSelect, through = false }: { view: PageView; comments: DraftComment[]; selected?: string | null; onSelect: (id: string) => void; through?: boolean }) {
  const { t } = useApp();
  if (comments.length === 0) return null;
  let pins = 0;
  return (
    <div class={through ? 'draft-markers through' : 'draft-markers'} data-testid="draft-markers" role="group" aria-label={t('draftMarkers')}>
      {comments.map((c, i) => {
        const label = t('draftMarkerOf', { name: c.author_name });
        const on = selected === c.id;
        const box = c.kind !== 'page' ? commentBox(c.rect, view) : null;
        if (box) {
          return (
            <div
              key={c.id}
              class={`draft-mark ${c.kind}${on ? ' on' : ''}`}
              data-comment={c.id}
              style={{ left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` }}
              onClick={() => onSelect(c.id)}
            >
              <button type="button" class="draft-mark-tab" aria-label={label} aria-pressed={on} title={label} onClick={(e) => (e.stopPropagation(), onSelect(c.id))}>
                {i + 1}
              </button>
            </div>
          );
        }
        const top = Math.max(0, Math.min(8 + pins++ * PIN_STEP, view.h - 30));
        return (
          <button
            key={c.id}
            type="button"
            class={on ? 'draft-pin on' : 'draft-pin'}
            data-comment={c.id}
            style={{ top: `${top}px` }}
            aria-label={label}
            aria-pressed={on}
            title={label}
            onClick={() => onSelect(c.id)}
          >
            {i + 1}
          </button>
        );
      })}
    </div>
  );
}

/** ShownComment is the comment tapped on the page, in the panel: its quote, text and author. */
export function ShownComment({ comment, onClose }: { comment: DraftComment; onClose: () => void }) {
  const { t, lang } = useApp();
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => {
    card.current?.scrollIntoView?.({ block: 'nearest' });
  }, [comment.id]);
  return (
    <div class="draft-shown" ref={card} role="region" aria-label={t('draftShownTitle', { page: comment.page })} data-comment={comment.id}>
      <div class="row">
        <h4>{t('draftShownTitle', { page: comment.page })}</h4>
        <button type="button" class="btn small ghost" onClick={onClose}>
          {t('draftShownClose')}
        </button>
      </div>
      {comment.quote && <blockquote>“{comment.quote}”</blockquote>}
      {comment.kind === 'region' && <span class="badge">{t('draftOnRegion')}</span>}
      <p>{comment.text}</p>
      <p class="muted small">
        {comment.author_name}
        {comment.author_title ? `, ${comment.author_title}` : ''} · {formatDateTime(lang, Date.parse(comment.at))} · {comment.shared ? t('draftShared') : t('draftPrivate')}
        {comment.edited ? ` · ${t('draftEdited')}` : ''}
      </p>
    </div>
  );
}

/**
 * useDraftComments reads the comments of draft that the session may see,
 * again whenever the meeting moves on (a comment, a version, a close);
 * nothing for no draft (an ordinary document costs no request).
 */
export function useDraftComments(store: MeetingStore, draft: Draft | null | undefined): DraftComments | null {
  const s = store.state!;
  const [list, setList] = useState<DraftComments | null>(null);
  const id = draft?.id ?? '';
  useEffect(() => {
    if (!id) return setList(null);
    let live = true;
    fetchComments({ meeting: s.id, token: store.session.token, draft: id })
      .then((c) => live && setList(c))
      .catch(() => live && setList(null));
    return () => {
      live = false;
    };
  }, [id, s.version]);
  return list;
}

interface Props {
  store: MeetingStore;
  draft: Draft;
  doc: string;
  page: number;
  region: Region | null;
  marking: boolean;
  setMarking: (on: boolean) => void;
  onOpenVersion: (doc: string) => void;
  /** picked is text selected on the page for a comment (SelectionAction); onUnpick drops it. */
  picked?: Picked | null;
  onUnpick?: () => void;
  /** now is the clock (tests). */
  now?: () => number;
  /** comments, when given, are the draft's comments read by the viewer (useDraftComments); otherwise the list reads them. */
  comments?: DraftComments | null;
  /** shown is the comment tapped on the page; onHide closes it. */
  shown?: DraftComment | null;
  onHide?: () => void;
}

export function DraftPanel({ store, draft, doc, page, region, marking, setMarking, onOpenVersion, picked = null, onUnpick, now = Date.now, comments, shown, onHide }: Props) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const auth = { meeting: s.id, token: store.session.token, draft: draft.id };
  const [text, setText] = useState('');
  const [cmp, setCmp] = useState<Comparison | null>(null);
  const version = versionOf(draft, doc);
  const current = draft.versions[draft.versions.length - 1];
  const open = draftOpen(draft, now());
  const textArea = useRef<HTMLTextAreaElement>(null);
  // A selection taken: on to the comment's text.
  useEffect(() => {
    if (picked) textArea.current?.focus();
  }, [picked]);

  const send = () =>
    run(async () => {
      const args: Record<string, unknown> = { id: commentID(store.me), document: doc, page, text: text.trim() };
      if (picked) {
        // On the text selected: its page, its quote and the region it covers.
        args.page = picked.page;
        args.quote = picked.quote;
        args.rect = picked.rect;
      } else if (marking) {
        if (!region) throw new Error(t('draftNoRegion'));
        args.rect = region;
      }
      await store.command('CommentDraft', args);
      setText('');
      setMarking(false);
      onUnpick?.();
    }, t('draftSent'));

  const compare = (from: string, to: string) =>
    run(async () => setCmp(await fetchComparison({ ...auth, from, to })));

  const title = (v: number) => t('draftVersion', { n: v });
  return (
    <section class="draft-panel" aria-label={t('draftTitle')}>
      <h3>{t('draftTitle')}</h3>
      <p class="muted small">
        {open ? t('draftUntil', { time: formatDateTime(lang, Date.parse(draft.deadline)) }) : t('draftClosed')} ·{' '}
        {draft.visibility === 'team' ? t('draftTeamOnly') : t('draftVisibleAll')}
      </p>
      <div class="row wrap draft-versions" role="group" aria-label={t('draftTitle')}>
        {draft.versions.map((v, i) => (
          <button type="button" key={v} class={v === doc ? 'btn small toggle on' : 'btn small toggle'} aria-pressed={v === doc} onClick={() => onOpenVersion(v)}>
            {title(i + 1)} {v === current ? t('draftCurrent') : ''}
          </button>
        ))}
        {draft.versions.length > 1 && (
          <button type="button" class="btn small draft-compare" disabled={busy} onClick={() => void compare(draft.versions[draft.versions.length - 2], current)}>
            {t('draftCompare', { a: draft.versions.length - 1, b: draft.versions.length })}
          </button>
        )}
      </div>
      {shown && <ShownComment comment={shown} onClose={() => onHide?.()} />}
      {cmp && <ComparisonView cmp={cmp} onClose={() => setCmp(null)} />}
      {open && doc !== current && <p class="small">{t('draftOldVersion')}</p>}
      {open && doc === current && (
        <form
          class="draft-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) void send();
          }}
        >
          {picked ? (
            <div class="draft-picked" role="group" aria-label={t('draftOnText')}>
              <p class="small">
                {t('draftOnText')} · {t('draftOnPage', { page: picked.page })}{' '}
                <button type="button" class="btn small ghost" onClick={() => onUnpick?.()}>
                  {t('draftUnpick')}
                </button>
              </p>
              <blockquote class="draft-quote">“{picked.quote}”</blockquote>
            </div>
          ) : (
            <>
              <fieldset class="row">
                <legend class="small">{t('draftCommentOn')}</legend>
                <label class="inline">
                  <input type="radio" name="draft-kind" checked={!marking} onChange={() => setMarking(false)} /> {t('draftOnPage', { page })}
                </label>
                <label class="inline">
                  <input type="radio" name="draft-kind" checked={marking} onChange={() => setMarking(true)} /> {t('draftOnRegion')}
                </label>
              </fieldset>
              {marking ? <p class="muted small">{region ? `${t('draftOnRegion')} ✓` : t('draftMarkRegion')}</p> : <p class="muted small">{t('draftSelectHint')}</p>}
            </>
          )}
          <label>
            <span>{t('draftText')}</span>
            <textarea ref={textArea} maxLength={4000} rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          <button type="submit" class="btn primary" disabled={busy || !text.trim() || (!picked && marking && !region)}>
            {t('draftSend')}
          </button>
        </form>
      )}
      <DraftCommentList store={store} draft={draft} now={now} comments={comments} />
    </section>
  );
}

/**
 * DraftCommentList reads the comments of a draft the session may see (again
 * whenever the meeting moves on: a comment, a version, a close) and lists
 * them grouped by page, each with its quote, author, time and visibility;
 * the drafting team also gets the table of comments as PDF and CSV.
 */
export function DraftCommentList({ store, draft, now = Date.now, comments }: { store: MeetingStore; draft: Draft; now?: () => number; comments?: DraftComments | null }) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  // One's own comment being edited: its id and the new text.
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const save = () =>
    run(async () => {
      if (!editing) return;
      await store.command('EditDraftComment', { comment: editing.id, text: editing.text.trim() });
      setEditing(null);
    }, t('draftEditDone'));
  const s = store.state!;
  const auth = { meeting: s.id, token: store.session.token, draft: draft.id };
  // The viewer's comments when it read them; otherwise read here.
  const own = useDraftComments(store, comments === undefined ? draft : null);
  const list = comments === undefined ? own : comments;

  const download = (kind: 'pdf' | 'csv') =>
    run(async () => {
      const { blob, name } = await downloadTable({ ...auth, kind, lang });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

  const count = list?.pages.reduce((n, p) => n + p.comments.length, 0) ?? 0;
  const title = (v: number) => t('draftVersion', { n: v });
  return (
    <div class="draft-list">
      <h4>{t('draftComments', { n: count })}</h4>
      {list?.team && (
        <div class="row">
          <button type="button" class="btn small" disabled={busy} onClick={() => void download('pdf')}>
            ⬇ {t('draftExportPDF')}
          </button>
          <button type="button" class="btn small" disabled={busy} onClick={() => void download('csv')}>
            ⬇ {t('draftExportCSV')}
          </button>
        </div>
      )}
      {count === 0 && <p class="muted small">{t('draftNoComments')}</p>}
      {list?.pages.map((p) => (
        <div class="draft-page" key={`${p.document}/${p.page}`}>
          <h5>
            {t('draftOnPage', { page: p.page })}
            {draft.versions.length > 1 ? ` · ${title(p.version)}` : ''}
          </h5>
          <ul class="draft-comments">
            {p.comments.map((c) => (
              <li key={c.id} class="draft-comment">
                {c.quote && <blockquote>“{c.quote}”</blockquote>}
                {c.kind === 'region' && <span class="badge">{t('draftOnRegion')}</span>}
                {editing?.id === c.id ? (
                  <form
                    class="draft-edit"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (editing.text.trim() && editing.text.trim() !== c.text) void save();
                    }}
                  >
                    <label>
                      <span class="sr-only">{t('draftText')}</span>
                      <textarea maxLength={4000} rows={3} value={editing.text} onInput={(e) => setEditing({ id: c.id, text: (e.target as HTMLTextAreaElement).value })} />
                    </label>
                    <span class="row">
                      <button type="submit" class="btn small primary" disabled={busy || !editing.text.trim() || editing.text.trim() === c.text}>
                        {t('draftEditSave')}
                      </button>
                      <button type="button" class="btn small" onClick={() => setEditing(null)}>
                        {t('draftEditCancel')}
                      </button>
                    </span>
                  </form>
                ) : (
                  <p>{c.text}</p>
                )}
                <p class="muted small">
                  {c.author_name}
                  {c.author_title ? `, ${c.author_title}` : ''} · {formatDateTime(lang, Date.parse(c.at))} · {c.shared ? t('draftShared') : t('draftPrivate')}
                  {c.edited ? ` · ${t('draftEdited')}` : ''}
                  {editing?.id !== c.id && mayEdit(c, draft, store.me, now()) && (
                    <>
                      {' '}
                      <button type="button" class="btn small ghost draft-edit-btn" onClick={() => setEditing({ id: c.id, text: c.text })}>
                        {t('draftEdit')}
                      </button>
                    </>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

/** ComparisonView shows each page's words with the removed struck and the inserted marked. */
export function ComparisonView({ cmp, onClose }: { cmp: Comparison; onClose: () => void }) {
  const { t } = useApp();
  return (
    <div class="draft-compare-view" role="region" aria-label={t('draftCompareTitle', { a: cmp.from_version, b: cmp.to_version })}>
      <div class="row">
        <h4>{t('draftCompareTitle', { a: cmp.from_version, b: cmp.to_version })}</h4>
        <button type="button" class="btn small ghost" onClick={onClose}>
          {t('draftHideCompare')}
        </button>
      </div>
      {cmp.pages.map((p) => (
        <div class={`draft-cmp-page ${p.status}`} key={p.page}>
          <h5>
            {p.status === 'same'
              ? t('draftPageSame', { page: p.page })
              : p.status === 'added'
                ? t('draftPageAdded', { page: p.page })
                : p.status === 'removed'
                  ? t('draftPageRemoved', { page: p.page })
                  : t('draftPageChanged', { page: p.page, ins: p.inserted, del: p.removed })}
          </h5>
          {p.status !== 'same' && (
            <p class="draft-cmp-text">
              {p.changes.map((c, i) =>
                c.op === '+' ? <ins key={i}>{c.text} </ins> : c.op === '-' ? <del key={i}>{c.text} </del> : <span key={i}>{c.text} </span>,
              )}
            </p>
          )}
        </div>
      ))}
    </div>
  );
}
