// The secrecy level as a badge, wherever a document is named: the agenda,
// the tablet's list, the viewer, the room display, the workspace. A
// document taken back says so next to it.

import type { DocumentMeta, State } from '../../core/types';
import { levelOf, takenBack } from '../../core/secrecy';
import type { Key } from '../../i18n';
import { useApp } from '../context';

/** levelKey is the i18n key of a document's level, or undefined when not secret. */
export const levelKey = (d: DocumentMeta | undefined): Key | undefined => {
  const l = levelOf(d);
  return l ? (`level_${l}` as Key) : undefined;
};

/** LevelBadge shows a document's level ("Tối mật") and "taken back" once it is; nothing for a document not secret. */
export function LevelBadge({ s, d, big }: { s: State; d: DocumentMeta | undefined; big?: boolean }) {
  const { t } = useApp();
  const l = levelOf(d);
  if (!l) return null;
  return (
    <>
      <span class={`tag level level-${l}${big ? ' big' : ''}`} data-level={l}>
        {t(`level_${l}` as Key)}
      </span>
      {takenBack(s, d) && <span class="tag taken-back">{t('takenBackTag')}</span>}
    </>
  );
}
