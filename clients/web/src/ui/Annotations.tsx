// Annotations over a PDF page: the viewer's private marks, the room's
// shared ones and the presenter's live ink, drawn as SVG in page
// coordinates; and, while a tool is chosen, the pointer input that makes
// them: the pen (ink), the highlighter (drag a rectangle), the note (tap,
// then type) and the eraser (tap or rub over a mark). Touch, mouse and pen
// all work through pointer events; once a pen has been seen, touches do not
// draw (a palm on the glass).
//
// Marks go to the server as SaveAnnotation / DeleteAnnotation and are shown
// at once (optimistically) until the event comes back. A presenter who
// shares streams the stroke being drawn as "ink" signals (InkStreamer);
// other screens show it (useLiveInk) until the shared annotation arrives.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  COLORS,
  HIGHLIGHT_OPACITY,
  INK_OPACITY,
  INK_SIGNAL,
  INK_WIDTH,
  InkStreamer,
  NOTE_MARKER,
  applyInk,
  groupOf,
  highlightAnnotation,
  hitTest,
  inkAnnotations,
  newAnnotationId,
  noteAnnotation,
  pathData,
  pruneLive,
  toPage,
  type LiveStroke,
  type Pt,
  type Target,
} from '../core/ink';
import type { MeetingStore } from '../core/store';
import type { Annotation } from '../core/types';
import * as v from '../core/views';
import { errorText, type Key } from '../i18n';
import { name } from './common';
import { useApp } from './context';
import type { PageView } from './PdfView';

/** Tool is what a pointer does on the page. */
export type Tool = 'pen' | 'highlighter' | 'note' | 'eraser';
export const TOOLS: Tool[] = ['pen', 'highlighter', 'note', 'eraser'];

/** Mark is an annotation as the layer draws it. */
interface Mark extends Annotation {
  shared: boolean;
  owner?: string;
  pending?: boolean;
}

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

export interface AnnotationLayerProps {
  store: MeetingStore;
  document: string;
  view: PageView;
  /** mine shows the viewer's private annotations (not on the room display). */
  mine: boolean;
  /** tool is the active tool; null leaves the page to be read. */
  tool: Tool | null;
  color: string;
  /** share saves (and erases) the room's annotations instead of private ones; only for who may present. */
  share: boolean;
}

interface Drawing {
  pointer: number;
  tool: Tool;
  box: DOMRect;
  target: Target;
  shared: boolean;
  id: string;
  points: Pt[];
  start: Pt;
  end: Pt;
}

interface NoteEdit {
  at: Pt;
  target: Target;
  shared: boolean;
  id?: string;
  text: string;
}

export function AnnotationLayer({ store, document: doc, view, mine, tool, color, share }: AnnotationLayerProps) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const live = useLiveInk(store);
  const canShare = v.isPresenter(s, store.me);
  const sharing = share && canShare;
  const input = useRef<HTMLDivElement>(null);
  const drawing = useRef<Drawing | null>(null);
  const penSeen = useRef(false);
  const [, setTick] = useState(0);
  const redraw = () => setTick((n) => n + 1);
  const [pending, setPending] = useState<Record<string, Mark>>({});
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const erasing = useRef(new Set<string>());
  const noteInput = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState<NoteEdit | null>(null);
  const [openNote, setOpenNote] = useState<string | null>(null);
  const streamer = useMemo(() => new InkStreamer((d) => store.client.signal(INK_SIGNAL, d)), [store]);
  useEffect(() => () => streamer.end(), [streamer]);
  // Another tool (or none) ends a stroke in progress.
  useEffect(() => cancel, [tool]);
  useEffect(() => {
    if (note) noteInput.current?.focus();
  }, [!!note]);

  const { w, h, page } = view;

  // What the page shows: private (when asked), shared, and what is on its way.
  const marks: Mark[] = [];
  const known = new Set<string>();
  if (mine) {
    for (const a of v.myAnnotations(s, store.me, doc, page)) {
      marks.push({ ...a, shared: false });
      known.add('p ' + a.id);
    }
  }
  for (const a of Object.values(s.shared)) {
    if (a.document !== doc || a.page !== page) continue;
    marks.push({ ...a, shared: true });
    known.add('s ' + a.id);
  }
  for (const m of Object.values(pending)) {
    if (m.document === doc && m.page === page && !known.has((m.shared ? 's ' : 'p ') + m.id)) marks.push(m);
  }
  const visible = marks.filter((m) => !hidden.has((m.shared ? 's ' : 'p ') + m.id));
  const order = (k: string) => (k === 'highlight' ? 0 : k === 'ink' ? 1 : 2);
  visible.sort((a, b) => order(a.kind) - order(b.kind));
  const erasable = visible.filter((m) => !m.pending && (m.shared ? canShare : true));

  // --- commands ---

  const fail = (err: unknown) => {
    if ((err as { code?: string })?.code !== 'not_found') toast(errorText(lang, err), 'error');
  };

  const save = (a: Annotation, shared: boolean) => {
    setPending((p) => ({ ...p, [a.id]: { ...a, shared, pending: true } }));
    store
      .command('SaveAnnotation', shared ? { shared: true, annotation: a } : { annotation: a })
      .then((ack) => (ack.seq ? store.untilSeq(ack.seq) : undefined))
      .catch(fail)
      .finally(() =>
        setPending((p) => {
          const n = { ...p };
          delete n[a.id];
          return n;
        }),
      );
  };

  const erase = (m: Mark) => {
    // A stroke saved in pieces goes as one.
    const group = groupOf(m.id);
    const all = visible.filter((x) => x.shared === m.shared && !x.pending && groupOf(x.id) === group && !erasing.current.has((x.shared ? 's ' : 'p ') + x.id));
    const keys = all.map((x) => (x.shared ? 's ' : 'p ') + x.id);
    for (const k of keys) erasing.current.add(k);
    setHidden((hs) => new Set([...hs, ...keys]));
    for (const x of all) {
      store
        .command('DeleteAnnotation', x.shared ? { id: x.id, shared: true } : { id: x.id })
        .then((ack) => (ack.seq ? store.untilSeq(ack.seq) : undefined))
        .catch(fail)
        .finally(() => {
          const k = (x.shared ? 's ' : 'p ') + x.id;
          erasing.current.delete(k);
          setHidden((hs) => {
            const n = new Set(hs);
            n.delete(k);
            return n;
          });
        });
    }
  };

  const eraseAt = (p: Pt) => {
    const hit = hitTest(erasable, p, { w, h });
    if (hit) erase(hit);
  };

  // --- pointer input ---

  const pointsOf = (e: PointerEvent, box: DOMRect): Pt[] => {
    const evs = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    return (evs.length ? evs : [e]).map((x) => toPage(x.clientX, x.clientY, box));
  };

  const onDown = (e: PointerEvent) => {
    if (!tool) return;
    if (e.pointerType === 'pen') penSeen.current = true;
    if (e.pointerType === 'touch' && penSeen.current) return; // a palm
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (drawing.current) {
      // A second finger: the first one was not drawing after all.
      if (drawing.current.pointer !== e.pointerId) cancel();
      return;
    }
    e.preventDefault();
    const el = input.current!;
    try {
      el.setPointerCapture?.(e.pointerId);
    } catch {
      /* not capturable: moves outside the page are clamped anyway */
    }
    const box = el.getBoundingClientRect();
    const p = toPage(e.clientX, e.clientY, box);
    const d: Drawing = {
      pointer: e.pointerId,
      tool,
      box,
      target: { document: doc, page, color },
      shared: sharing,
      id: newAnnotationId(),
      points: [p],
      start: p,
      end: p,
    };
    drawing.current = d;
    setOpenNote(null);
    if (tool === 'pen' && d.shared) {
      streamer.begin({ id: d.id, ...d.target });
      streamer.add([p]);
    }
    if (tool === 'eraser') eraseAt(p);
    redraw();
  };

  const onMove = (e: PointerEvent) => {
    const d = drawing.current;
    if (!d || d.pointer !== e.pointerId) return;
    e.preventDefault();
    const pts = pointsOf(e, d.box);
    d.end = pts[pts.length - 1];
    if (d.tool === 'pen') {
      d.points.push(...pts);
      if (d.shared) streamer.add(pts);
    } else if (d.tool === 'eraser') {
      for (const p of pts) eraseAt(p);
    }
    redraw();
  };

  const onUp = (e: PointerEvent) => {
    const d = drawing.current;
    if (!d || d.pointer !== e.pointerId) return;
    e.preventDefault();
    drawing.current = null;
    const end = toPage(e.clientX, e.clientY, d.box);
    if (d.tool === 'pen') {
      if (d.shared) streamer.end();
      for (const a of inkAnnotations(d.id, d.target, d.points, h / Math.max(1, w))) save(a, d.shared);
    } else if (d.tool === 'highlighter') {
      const a = highlightAnnotation(d.id, d.target, d.start, end);
      if (a) save(a, d.shared);
    } else if (d.tool === 'note') {
      const hit = hitTest(
        erasable.filter((m) => m.kind === 'note'),
        end,
        { w, h },
      );
      if (hit) setNote({ at: [hit.rect[0], hit.rect[1]], target: { document: hit.document, page: hit.page, color: hit.color }, shared: hit.shared, id: hit.id, text: hit.text ?? '' });
      else setNote({ at: end, target: d.target, shared: d.shared, text: '' });
    }
    redraw();
  };

  const cancel = () => {
    const d = drawing.current;
    drawing.current = null;
    if (d?.tool === 'pen' && d.shared) streamer.end();
    redraw();
  };

  // The page under the pen changed (the presenter turned it): the stroke
  // already belongs to the page it started on, and is saved there.

  const submitNote = (e: Event) => {
    e.preventDefault();
    if (!note) return;
    const a = noteAnnotation(note.id ?? newAnnotationId(), note.target, note.at, note.text);
    if (a) save(a, note.shared);
    setNote(null);
  };

  // --- drawing ---

  const sw = Math.max(1.5, INK_WIDTH * w);
  const d = drawing.current;
  const liveHere = Object.entries(live).filter(([, l]) => l.document === doc && l.page === page && !s.shared[l.id]);
  const noteMarks = visible.filter((m) => m.kind === 'note');
  const place = (a: Pt) => ({ left: `${Math.min(a[0] * w, w - NOTE_MARKER)}px`, top: `${Math.min(a[1] * h, h - NOTE_MARKER)}px` });

  return (
    <div class="ann-layer" style={{ width: `${w}px`, height: `${h}px` }}>
      <svg class="ann-svg" width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
        {visible.map((m) => {
          const cls = `ann-${m.kind}${m.shared ? ' shared' : ''}${m.pending ? ' pending' : ''}`;
          if (m.kind === 'highlight') {
            const [x0, y0, x1, y1] = m.rect;
            return <rect key={m.id} class={cls} data-id={m.id} x={x0 * w} y={y0 * h} width={(x1 - x0) * w} height={(y1 - y0) * h} fill={m.color} fill-opacity={HIGHLIGHT_OPACITY} />;
          }
          if (m.kind === 'ink') {
            return <path key={m.id} class={cls} data-id={m.id} d={pathData(m.points ?? [], w, h)} stroke={m.color} stroke-opacity={INK_OPACITY} stroke-width={sw} fill="none" stroke-linecap="round" stroke-linejoin="round" />;
          }
          return null;
        })}
        {liveHere.map(([k, l]) => (
          <path key={k} class="ann-live" d={pathData(l.points, w, h)} stroke={l.color} stroke-opacity={INK_OPACITY} stroke-width={sw} fill="none" stroke-linecap="round" stroke-linejoin="round" />
        ))}
        {d?.tool === 'pen' && d.target.page === page && (
          <path class="ann-drawing" d={pathData(d.points, w, h)} stroke={d.target.color} stroke-opacity={INK_OPACITY} stroke-width={sw} fill="none" stroke-linecap="round" stroke-linejoin="round" />
        )}
        {d?.tool === 'highlighter' && d.target.page === page && (
          <rect
            class="ann-drawing"
            x={Math.min(d.start[0], d.end[0]) * w}
            y={Math.min(d.start[1], d.end[1]) * h}
            width={Math.abs(d.end[0] - d.start[0]) * w}
            height={Math.abs(d.end[1] - d.start[1]) * h}
            fill={d.target.color}
            fill-opacity={HIGHLIGHT_OPACITY}
          />
        )}
      </svg>
      {noteMarks.map((m) => (
        <button
          key={m.id}
          type="button"
          class={`ann-note${m.shared ? ' shared' : ''}${m.pending ? ' pending' : ''}`}
          data-id={m.id}
          style={{ ...place([m.rect[0], m.rect[1]]), background: m.color }}
          aria-label={t('annNoteAria', { text: m.text ?? '' })}
          aria-expanded={openNote === m.id}
          onClick={() => setOpenNote(openNote === m.id ? null : m.id)}
        >
          ✎
        </button>
      ))}
      {noteMarks
        .filter((m) => m.id === openNote)
        .map((m) => (
          <div key={'open-' + m.id} class="ann-bubble" style={bubblePlace([m.rect[0], m.rect[1]], w, h)} role="note">
            <p class="ann-bubble-text">{m.text}</p>
            {m.shared && m.owner && <p class="muted small">{name(s, m.owner)}</p>}
            {(!m.shared || canShare) && !m.pending && (
              <div class="row">
                <button type="button" class="btn small" onClick={() => { setOpenNote(null); setNote({ at: [m.rect[0], m.rect[1]], target: { document: m.document, page: m.page, color: m.color }, shared: m.shared, id: m.id, text: m.text ?? '' }); }}>
                  {t('annEdit')}
                </button>
                <button type="button" class="btn small danger" onClick={() => { setOpenNote(null); erase(m); }}>
                  {t('annDelete')}
                </button>
              </div>
            )}
          </div>
        ))}
      {tool && (
        <div
          ref={input}
          class={`ann-input tool-${tool}`}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={cancel}
          aria-hidden="true"
        />
      )}
      {note && note.target.page === page && note.target.document === doc && (
        <form class="ann-note-editor" style={bubblePlace(note.at, w, h)} onSubmit={submitNote} aria-label={t('annNoteText')}>
          <label>
            <span class="sr-only">{t('annNoteText')}</span>
            <textarea
              rows={3}
              maxLength={2000}
              value={note.text}
              placeholder={t('annNoteText')}
              ref={noteInput}
              onInput={(e) => setNote({ ...note, text: (e.target as HTMLTextAreaElement).value })}
              onKeyDown={(e) => e.key === 'Escape' && setNote(null)}
            />
          </label>
          <div class="row">
            <button type="submit" class="btn small primary" disabled={!note.text.trim()}>
              {t('annSave')}
            </button>
            <button type="button" class="btn small" onClick={() => setNote(null)}>
              {t('annCancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

// bubblePlace puts a note's text box next to its marker, inside the page.
function bubblePlace(a: Pt, w: number, h: number) {
  const bw = Math.min(260, w - 8);
  const left = Math.max(4, Math.min(a[0] * w + NOTE_MARKER + 4, w - bw - 4));
  const top = Math.max(4, Math.min(a[1] * h, h - 150));
  return { left: `${left}px`, top: `${top}px`, width: `${bw}px` };
}

/** colorKey is the i18n key of a palette colour's name. */
export const colorKey = (id: string) => ('color_' + id) as Key;

export interface AnnotationToolbarProps {
  tool: Tool;
  setTool(t: Tool): void;
  color: string;
  setColor(c: string): void;
  /** canShare offers the "share with the room" switch. */
  canShare: boolean;
  share: boolean;
  setShare(b: boolean): void;
}

const toolKey: Record<Tool, Key> = { pen: 'annPen', highlighter: 'annHighlighter', note: 'annNote', eraser: 'annEraser' };
const toolIcon: Record<Tool, string> = { pen: '✒', highlighter: '▭', note: '✎', eraser: '⌫' };

/** AnnotationToolbar chooses the tool, the colour and (for the presenter) whether marks go to the room. */
export function AnnotationToolbar({ tool, setTool, color, setColor, canShare, share, setShare }: AnnotationToolbarProps) {
  const { t } = useApp();
  return (
    <div class="ann-toolbar" role="toolbar" aria-label={t('annTools')}>
      <div class="row wrap" role="group" aria-label={t('annTools')}>
        {TOOLS.map((x) => (
          <button key={x} type="button" class={tool === x ? 'btn small toggle on' : 'btn small toggle'} aria-pressed={tool === x} onClick={() => setTool(x)}>
            <span aria-hidden="true">{toolIcon[x]} </span>
            {t(toolKey[x])}
          </button>
        ))}
      </div>
      {tool !== 'eraser' && (
        <div class="row swatches" role="group" aria-label={t('annColor')}>
          {COLORS.map((c) => (
            <button
              key={c.id}
              type="button"
              class={color === c.hex ? 'swatch on' : 'swatch'}
              style={{ background: c.hex }}
              aria-pressed={color === c.hex}
              aria-label={t(colorKey(c.id))}
              title={t(colorKey(c.id))}
              onClick={() => setColor(c.hex)}
            />
          ))}
        </div>
      )}
      {canShare && (
        <label class="check share-switch">
          <input type="checkbox" role="switch" checked={share} onChange={(e) => setShare((e.target as HTMLInputElement).checked)} />
          {t('annShare')}
        </label>
      )}
    </div>
  );
}
