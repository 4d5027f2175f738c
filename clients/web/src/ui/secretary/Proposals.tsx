// Proposals: the list and the form to add one.

import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import type { Key } from '../../i18n';
import { newId, useApp, useRun } from '../context';
import { FormBox, useFields } from '../shared/FormBox';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Proposals({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const f = useFields({ title: '', text: '', item: '' });
  const list = Object.values(s.proposals);
  return (
    <div class="stack">
      {list.length > 0 && (
        <ul class="docs">
          {list.map((p) => (
            <li key={p.id}>
              {p.title} <span class="tag">{t(('proposal_' + p.status) as Key)}</span>
            </li>
          ))}
        </ul>
      )}
      <FormBox
        summary={t('addProposal')}
        submitLabel={t('add')}
        busy={busy}
        reset={f.reset}
        onSubmit={() => {
          const { title, text, item } = f.values;
          const proposal = { id: newId('pr'), title: title.trim(), text: text.trim() || undefined, status: 'draft' };
          return run(() => store.command('AddProposal', { proposal, item: item || undefined }), t('toastAddedProposal', { title: proposal.title }));
        }}
      >
        <label>
          {t('itemTitle')}
          <input required {...f.text('title')} />
        </label>
        <label>
          {t('proposalText')}
          <textarea rows={3} {...f.text('text')} />
        </label>
        <label>
          {t('attachTo')}
          <select {...f.pick('item')}>
            <option value="">{t('none')}</option>
            {s.agenda.map((i) => (
              <option key={i.id} value={i.id}>
                {v.itemNumber(s, i.id)}. {i.title}
              </option>
            ))}
          </select>
        </label>
      </FormBox>
    </div>
  );
}
