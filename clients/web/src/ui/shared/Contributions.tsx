// Contributions: the registered contributions (tham luận) in the order
// they are to be heard. The secretary's workspace edits the list (add,
// move up/down, remove: buttons a keyboard reaches, each named for screen
// readers); the chair's console gives the floor for one ("Mời phát
// biểu"). A given one stays in the list, marked.

import { contributionTaken, checkTopic, moveTarget, MAX_TOPIC } from '../../core/floor';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { newId, useApp, useRun } from '../context';
import { FormBox, useFields } from './FormBox';
import { name } from './format';
import { fw } from './floorWords';

export function ContributionList({ store, mode }: { store: MeetingStore; mode: 'chair' | 'secretary' }) {
  const { lang, toast } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const list = s.floor.contributions ?? [];
  const f = useFields({ participant: '', topic: '', item: '' });
  const editable = s.status !== 'closed';
  const speakers = s.order.filter((id) => {
    const r = s.participants[id]?.role;
    return r && r !== 'observer' && r !== 'display';
  });
  return (
    <div class="stack contributions">
      <p class="muted small">{fw(lang, 'contributionsHint')}</p>
      {list.length === 0 ? (
        <p class="muted">{fw(lang, 'noContributions')}</p>
      ) : (
        <ol class="contribution-list">
          {list.map((c, i) => {
            const who = name(s, c.participant);
            const it = c.item ? s.agenda.find((x) => x.id === c.item) : undefined;
            return (
              <li key={c.id} class={c.done ? 'done' : ''} data-contribution={c.id}>
                <span class="contribution-what">
                  <strong>{who}</strong> — <span class="topic">{c.topic}</span>
                  {it && (
                    <span class="muted small">
                      {' '}
                      ({v.itemNumber(s, it.id)}. {it.title})
                    </span>
                  )}
                  {c.done && <span class="kind-badge done">{fw(lang, 'done')}</span>}
                </span>
                {mode === 'chair' && !c.done && (
                  <button
                    type="button"
                    class="btn small primary"
                    disabled={busy || s.status !== 'in_session' || s.floor.speaker === c.participant}
                    aria-label={fw(lang, 'inviteWho', { name: who, topic: c.topic })}
                    onClick={() => run(() => store.command('GiveFloor', { contribution: c.id }))}
                  >
                    {fw(lang, 'invite')}
                  </button>
                )}
                {mode === 'secretary' && editable && (
                  <span class="row">
                    <button
                      type="button"
                      class="btn small"
                      disabled={busy || moveTarget(s, c.id, -1) === null}
                      aria-label={fw(lang, 'moveUp', { n: i + 1 })}
                      onClick={() => run(() => store.command('MoveContribution', { contribution: c.id, index: moveTarget(s, c.id, -1) }))}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="btn small"
                      disabled={busy || moveTarget(s, c.id, 1) === null}
                      aria-label={fw(lang, 'moveDown', { n: i + 1 })}
                      onClick={() => run(() => store.command('MoveContribution', { contribution: c.id, index: moveTarget(s, c.id, 1) }))}
                    >
                      ↓
                    </button>
                    {!c.done && (
                      <button
                        type="button"
                        class="btn small danger"
                        disabled={busy}
                        aria-label={fw(lang, 'removeWho', { n: i + 1, name: who })}
                        onClick={() => run(() => store.command('RemoveContribution', { contribution: c.id }), fw(lang, 'removed', { name: who }))}
                      >
                        {fw(lang, 'remove')}
                      </button>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {mode === 'secretary' && editable && (
        <FormBox
          summary={fw(lang, 'add')}
          submitLabel={fw(lang, 'addBtn')}
          busy={busy}
          reset={f.reset}
          class="contribution-form"
          onSubmit={async () => {
            const { participant, topic, item } = f.values;
            const c = checkTopic(topic);
            const who = participant ? name(s, participant) : '';
            let problem = '';
            if (!participant) problem = fw(lang, 'needSpeaker');
            else if (!c.ok) problem = c.error === 'topicTooLong' ? fw(lang, 'topicTooLong', { n: c.n, max: MAX_TOPIC }) : fw(lang, 'topicControl');
            else if (!c.topic) problem = fw(lang, 'needTopic');
            else if (contributionTaken(s, participant, c.topic)) problem = fw(lang, 'taken', { name: who });
            if (problem || !c.ok) {
              toast(problem, 'error');
              return false;
            }
            const contribution = { id: newId('c'), participant, topic: c.topic, item: item || undefined };
            return run(() => store.command('AddContribution', { contribution }), fw(lang, 'added', { name: who }));
          }}
        >
          <label>
            {fw(lang, 'speaker')}
            <select required {...f.pick('participant')}>
              <option value="">{fw(lang, 'choose')}</option>
              {speakers.map((id) => (
                <option key={id} value={id}>
                  {s.participants[id]?.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {fw(lang, 'topic')}
            <input required maxLength={MAX_TOPIC + 20} {...f.text('topic')} />
          </label>
          <label>
            {fw(lang, 'item')}
            <select {...f.pick('item')}>
              <option value="">{fw(lang, 'noItem')}</option>
              {s.agenda.map((it) => (
                <option key={it.id} value={it.id}>
                  {v.itemNumber(s, it.id)}. {it.title}
                </option>
              ))}
            </select>
          </label>
        </FormBox>
      )}
    </div>
  );
}
