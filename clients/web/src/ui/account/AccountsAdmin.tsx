// AccountsAdmin is the administrators' page of accounts: the list, a form
// to add one (a first password is made and shown once), and per account:
// disable or enable, reset the password, reset the second factor.

import { useEffect, useState } from 'preact/hooks';
import { addAccount, listAccounts, manageAccount, type Account, type AccountAction } from '../../core/accounts';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import { at, disabledNote } from './strings';

export function AccountsAdmin({ me }: { me: string }) {
  const { lang } = useApp();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [form, setForm] = useState({ id: '', name: '', email: '', admin: false, sso_only: false });

  const reload = async () => {
    try {
      setAccounts(await listAccounts());
    } catch (err) {
      setError(errorText(lang, err));
    }
  };
  useEffect(() => void reload(), []);

  const act = async (a: Account, action: AccountAction) => {
    setError('');
    setNote('');
    try {
      const out = await manageAccount(a.id, action);
      setNote(
        out.password
          ? at(lang, 'newPassword', { id: a.id, password: out.password })
          : action === 'disable'
            ? disabledNote(lang, a, out.sessionsEnded)
            : at(lang, 'doneAction', { id: a.id }),
      );
      await reload();
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  return (
    <section class="panel accounts-admin" aria-labelledby="acc-title">
      <h2 id="acc-title">{at(lang, 'accountsTitle')}</h2>
      {/* The live region stays in the page, empty between actions, so a
          screen reader announces each note as it arrives. */}
      <div role="status">{note && <p class="notice">{note}</p>}</div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{at(lang, 'colID')}</th>
            <th scope="col">{at(lang, 'colName')}</th>
            <th scope="col">{at(lang, 'colRole')}</th>
            <th scope="col">{at(lang, 'colSignIn')}</th>
            <th scope="col">{at(lang, 'colState')}</th>
            <th scope="col">{at(lang, 'colActions')}</th>
          </tr>
        </thead>
        <tbody>
          {(accounts ?? []).map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>
                {a.name}
                {a.email && <div class="hint">{a.email}</div>}
              </td>
              <td>{at(lang, a.admin ? 'adminRole' : 'staffRole')}</td>
              <td>{at(lang, !a.password ? 'viaSSO' : a.totp ? 'viaPassword' : 'viaPasswordPending')}</td>
              <td>{at(lang, a.disabled ? 'disabled' : 'active')}</td>
              <td class="actions">
                {a.id !== me && (
                  <button type="button" class="btn small" onClick={() => act(a, a.disabled ? 'enable' : 'disable')}>
                    {at(lang, a.disabled ? 'enable' : 'disable')}
                  </button>
                )}
                {a.password && (
                  <button type="button" class="btn small" aria-label={`${at(lang, 'resetPassword')} ${a.id}`} onClick={() => act(a, 'reset-password')}>
                    {at(lang, 'resetPassword')}
                  </button>
                )}
                {a.totp && (
                  <button type="button" class="btn small" aria-label={`${at(lang, 'resetTOTP')} ${a.id}`} onClick={() => act(a, 'reset-totp')}>
                    {at(lang, 'resetTOTP')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="stack add-account"
        onSubmit={async (e) => {
          e.preventDefault();
          setError('');
          setNote('');
          try {
            const out = await addAccount({ id: form.id, name: form.name, email: form.email || undefined, admin: form.admin, sso_only: form.sso_only });
            setNote(out.password ? at(lang, 'firstPassword', { id: out.account.id, password: out.password }) : at(lang, 'createdSSO', { id: out.account.id }));
            setForm({ id: '', name: '', email: '', admin: false, sso_only: false });
            await reload();
          } catch (err) {
            setError(errorText(lang, err));
          }
        }}
      >
        <h3>{at(lang, 'addAccount')}</h3>
        <label for="aa-name">{at(lang, 'fullName')}</label>
        <input id="aa-name" required value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
        <label for="aa-id">{at(lang, 'loginID')}</label>
        <input id="aa-id" required autoCapitalize="none" spellcheck={false} value={form.id} onInput={(e) => setForm({ ...form, id: (e.target as HTMLInputElement).value })} />
        <label for="aa-email">{at(lang, 'email')}</label>
        <input id="aa-email" type="email" value={form.email} onInput={(e) => setForm({ ...form, email: (e.target as HTMLInputElement).value })} />
        <label class="check">
          <input type="checkbox" checked={form.admin} onChange={(e) => setForm({ ...form, admin: (e.target as HTMLInputElement).checked })} /> {at(lang, 'adminRole')}
        </label>
        <label class="check">
          <input type="checkbox" checked={form.sso_only} onChange={(e) => setForm({ ...form, sso_only: (e.target as HTMLInputElement).checked })} /> {at(lang, 'ssoOnly')}
        </label>
        <button type="submit" class="btn primary">
          {at(lang, 'add')}
        </button>
      </form>
    </section>
  );
}
