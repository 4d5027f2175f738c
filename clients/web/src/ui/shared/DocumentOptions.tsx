// DocumentOptions are the <option>s of a document picker.

import type { State } from '../../core/types';
import { useApp } from '../context';
import { levelKey } from './Secrecy';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function DocumentOptions({ state, docs }: { state: State; docs: string[] }) {
  const { t } = useApp();
  return (
    <>
      {docs.length === 0 && <option value="">{t('noDocuments')}</option>}
      {docs.map((d) => (
        <option key={d} value={d}>
          {state.documents[d].title} · {t('pages', { n: state.documents[d].pages })}
          {levelKey(state.documents[d]) ? ` · ${t(levelKey(state.documents[d])!)}` : ''}
        </option>
      ))}
    </>
  );
}
