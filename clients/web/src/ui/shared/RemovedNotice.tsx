// RemovedNotice: one line saying what active content (JavaScript, embedded
// files, an XFA form) the server took out of an uploaded PDF before storing
// it, so that nobody takes the copy for exactly what was uploaded.

import type { DocumentMeta } from '../../core/types';
import type { Key } from '../../i18n';
import { useApp } from '../context';

export function RemovedNotice({ doc }: { doc: DocumentMeta | undefined }) {
  const { t } = useApp();
  if (!doc?.removed?.length) return null;
  const what = doc.removed.map((k) => t(`removed_${k}` as Key)).join(', ');
  return (
    <p class="notice small removed-notice" role="note">
      {t('removedNotice', { what })}
    </p>
  );
}
