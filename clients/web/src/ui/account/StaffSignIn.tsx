// StaffSignIn signs an office account in: login, password and the TOTP
// code (one form: the server does not say which of them was wrong), or the
// office's single sign-on when the server has it.

import { useState } from 'preact/hooks';
import { login, type AccountSession } from '../../core/accounts';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import { at } from './strings';

export function StaffSignIn({ sso, notice, onSignedIn, onCode }: { sso: boolean; notice?: string; onSignedIn: (s: AccountSession) => void; onCode: () => void }) {
  const { lang, setLang, t } = useApp();
  const [id, setID] = useState('');
  const [pw, setPW] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <main class="signin">
      <form
        class="panel signin-card staff-signin"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            onSignedIn(await login(id, pw, code.replace(/\s+/g, '')));
          } catch (err) {
            setError(errorText(lang, err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p class="brand">Dais</p>
        <h1>{at(lang, 'staffSignIn')}</h1>
        {notice && <p class="notice">{notice}</p>}
        <label for="st-id">{at(lang, 'loginID')}</label>
        <input id="st-id" value={id} required autoComplete="username" autoCapitalize="none" spellcheck={false} onInput={(e) => setID((e.target as HTMLInputElement).value)} />
        <label for="st-pw">{at(lang, 'password')}</label>
        <input id="st-pw" type="password" value={pw} required autoComplete="current-password" onInput={(e) => setPW((e.target as HTMLInputElement).value)} />
        <label for="st-code">{at(lang, 'totpCode')}</label>
        <input id="st-code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn large primary" disabled={busy}>
          {busy ? at(lang, 'signingIn') : at(lang, 'signInBtn')}
        </button>
        {sso && (
          <a class="btn large" href="/api/v1/account/sso/login">
            {at(lang, 'sso')}
          </a>
        )}
        <button type="button" class="btn small ghost" onClick={onCode}>
          {at(lang, 'withCode')}
        </button>
        <button type="button" class="btn small ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
          {t('switchLang')}
        </button>
      </form>
    </main>
  );
}
