// AnnotationToolbar: the tool, the colour and (for the presenter) whether marks go to the room.

import { COLORS } from '../../core/ink';
import { TOOLS, type Tool } from '../../core/pen';
import type { Key } from '../../i18n';
import { useApp } from '../context';

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
