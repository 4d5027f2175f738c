// LinkAccounts lets a secretary give a staff account the way into this
// meeting: the chosen secretary or chair is linked to a login name, and that
// account then opens the meeting from its home without an invitation code.

import { useState } from 'preact/hooks';
import { linkAccount } from '../../core/accounts';
import type { MeetingStore } from '../../core/store';
import { errorText, translate, type Key } from '../../i18n';
import { useApp } from '../context';
import { at } from './strings';

export function LinkAccounts({ store }: { store: MeetingStore }) {
  const { lang } = useApp();
  const s = store.state!;
  const staff = Object.values(s.participants).filter((p) => p.role === 'chair' || p.role === 'secretary');
  const [who, setWho] = useState(staff[0]?.id ?? '');
  const [account, setAccount] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  if (staff.length === 0) return null;
  return (
    <section class="panel link-accounts" aria-labelledby="link-acc-title">
      <h2 id="link-acc-title">{at(lang, 'linkTitle')}</h2>
      <p class="hint">{at(lang, 'linkHint')}</p>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setNote('');
          setError('');
          try {
            await linkAccount(s.id, who, account.trim().toLowerCase(), store.session.token);
            setNote(at(lang, 'linked', { account: account.trim().toLowerCase(), name: s.participants[who]?.name ?? who }));
            setAccount('');
          } catch (err) {
            setError(errorText(lang, err));
          }
        }}
      >
        <label for="link-who">{at(lang, 'linkWho')}</label>
        <select id="link-who" value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
          {staff.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} — {translate(lang, ('role_' + p.role) as Key)}
            </option>
          ))}
        </select>
        <label for="link-account">{at(lang, 'loginID')}</label>
        <input id="link-account" required autoCapitalize="none" spellcheck={false} value={account} onInput={(e) => setAccount((e.target as HTMLInputElement).value)} />
        <button type="submit" class="btn">
          {at(lang, 'link')}
        </button>
        <div role="status" class="live">
          {note && <p class="notice">{note}</p>}
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
