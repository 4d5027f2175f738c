// Annotations over a PDF page: the viewer's private marks, the room's
// shared ones and the presenter's live ink, drawn as SVG in page
// coordinates; and, while a tool is chosen, the pointer input that makes
// them: the pen (ink), the highlighter (drag a rectangle), the note (tap,
// then type) and the eraser (tap or rub over a mark). Touch, mouse and pen
// all work through pointer events; once a pen has been seen, touches do not
// draw (a palm on the glass).
//
// Marks go to the server as SaveAnnotation (through an AnnotationSaver,
// which coalesces the edits of one annotation) / DeleteAnnotation and are shown
// at once (optimistically) until the event comes back. A presenter who
// shares streams the stroke being drawn as "ink" signals (InkStreamer);
// other screens show it (useLiveInk) until the shared annotation arrives.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  HIGHLIGHT_OPACITY,
  INK_OPACITY,
  INK_SIGNAL,
  INK_WIDTH,
  InkStreamer,
  NOTE_MARKER,
  groupOf,
  hitTest,
  pathData,
  type Pt,
} from '../../core/ink';
import { AnnotationSaver } from '../../core/annotationSaver';
import { noteOf, pageMarks, PenInput, type NoteEdit, type PenOutput, type PointerLike, type Tool, type Mark } from '../../core/pen';
import type { MeetingStore } from '../../core/store';
import { useLiveInk } from './liveInk';
import type { Annotation } from '../../core/types';
import * as v from '../../core/views';
import { errorText } from '../../i18n';
import { name } from '../shared/format';
import { useApp } from '../context';
import type { PageView } from './PdfView';

export type { Tool };

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

export function AnnotationLayer({ store, document: doc, view, mine, tool, color, share }: AnnotationLayerProps) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const live = useLiveInk(store);
  const canShare = v.isPresenter(s, store.me);
  const sharing = share && canShare;
  const input = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  const redraw = () => setTick((n) => n + 1);
  const [pending, setPending] = useState<Record<string, Mark>>({});
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const erasing = useRef(new Set<string>());
  const noteInput = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState<NoteEdit | null>(null);
  const [openNote, setOpenNote] = useState<string | null>(null);
  const streamer = useMemo(() => new InkStreamer((d) => store.client.signal(INK_SIGNAL, d)), [store]);
  // Edits of one annotation are coalesced: the server takes one a second
  // and refuses faster ones "rate_limited"; the saver sends the latest
  // content again after the wait.
  const saver = useMemo(
    () => new AnnotationSaver((a, shared) => store.command('SaveAnnotation', shared ? { shared: true, annotation: a } : { annotation: a })),
    [store],
  );
  useEffect(() => () => streamer.end(), [streamer]);
  // Another tool (or none) ends a stroke in progress.
  useEffect(() => () => pen.cancel(), [tool]);
  useEffect(() => {
    if (note) noteInput.current?.focus();
  }, [!!note]);

  const { w, h, page } = view;

  const { visible, erasable } = pageMarks(s, { me: store.me, document: doc, page, mine, canShare }, pending, hidden);

  // --- commands ---

  const fail = (err: unknown) => {
    if ((err as { code?: string })?.code !== 'not_found') toast(errorText(lang, err), 'error');
  };

  const save = (a: Annotation, shared: boolean) => {
    setPending((p) => ({ ...p, [a.id]: { ...a, shared, pending: true } }));
    saver
      .save(a, shared)
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

  // --- pointer input (core/pen.ts) ---

  // The machine's outputs read the latest render's values through out.current.
  const out = useRef<PenOutput>(null as unknown as PenOutput);
  out.current = {
    save,
    eraseAt,
    noteAt: (p) => {
      const hit = hitTest(
        erasable.filter((m) => m.kind === 'note'),
        p,
        { w, h },
      );
      return hit ? { at: [hit.rect[0], hit.rect[1]], target: { document: hit.document, page: hit.page, color: hit.color }, shared: hit.shared, id: hit.id, text: hit.text ?? '' } : undefined;
    },
    editNote: setNote,
    streamBegin: (id, target) => streamer.begin({ id, ...target }),
    streamAdd: (pts) => streamer.add(pts),
    streamEnd: () => streamer.end(),
  };
  const pen = useMemo(
    () =>
      new PenInput({
        save: (a, sh) => out.current.save(a, sh),
        eraseAt: (p) => out.current.eraseAt(p),
        noteAt: (p) => out.current.noteAt(p),
        editNote: (n) => out.current.editNote(n),
        streamBegin: (id, tg) => out.current.streamBegin(id, tg),
        streamAdd: (pts) => out.current.streamAdd(pts),
        streamEnd: () => out.current.streamEnd(),
      }),
    [],
  );
  const pointer = (e: PointerEvent): PointerLike => ({
    pointerId: e.pointerId,
    pointerType: e.pointerType,
    button: e.button,
    clientX: e.clientX,
    clientY: e.clientY,
    coalesced: typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : undefined,
  });

  const onDown = (e: PointerEvent) => {
    const el = input.current;
    if (!el) return;
    const box = el.getBoundingClientRect();
    if (!pen.down(pointer(e), { tool, box, target: { document: doc, page, color }, shared: sharing })) return;
    e.preventDefault();
    try {
      el.setPointerCapture?.(e.pointerId);
    } catch {
      /* not capturable: moves outside the page are clamped anyway */
    }
    setOpenNote(null);
    redraw();
  };
  const onMove = (e: PointerEvent) => {
    if (pen.move(pointer(e))) {
      e.preventDefault();
      redraw();
    }
  };
  const onUp = (e: PointerEvent) => {
    if (pen.up(pointer(e), { w, h })) {
      e.preventDefault();
      redraw();
    }
  };
  const cancel = () => {
    pen.cancel();
    redraw();
  };

  const submitNote = (e: Event) => {
    e.preventDefault();
    if (!note) return;
    const a = noteOf(note);
    if (a) save(a, note.shared);
    setNote(null);
  };

  // --- drawing ---

  const sw = Math.max(1.5, INK_WIDTH * w);
  const d = pen.drawing;
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
