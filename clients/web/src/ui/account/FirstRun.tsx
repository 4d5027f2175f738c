// FirstRun creates the first administrator of a fresh server: the setup
// secret daisd printed (read from the link's #setup= fragment), a name, a
// login, a password, then a TOTP key enrolled by typing a code of it. The
// server refuses it once any account exists.

import { useState } from 'preact/hooks';
import { loginIDOf, setup, setupEnrolment, type AccountSession, type Enrolment } from '../../core/accounts';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import { Enrol } from './Enrol';
import { at } from './strings';

export function FirstRun({ secret: initialSecret, onDone }: { secret: string; onDone: (s: AccountSession) => void }) {
  const { lang, setLang, t } = useApp();
  const [secret, setSecret] = useState(initialSecret);
  const [name, setName] = useState('');
  const [id, setID] = useState('');
  const [idTouched, setIDTouched] = useState(false);
  const [email, setEmail] = useState('');
  const [pw, setPW] = useState('');
  const [pw2, setPW2] = useState('');
  const [error, setError] = useState('');
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);

  const next = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (pw !== pw2) return setError(at(lang, 'passwordsDiffer'));
    try {
      setEnrolment(await setupEnrolment(id));
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  return (
    <main class="signin">
      <div class="panel signin-card first-run">
        <p class="brand">Dais</p>
        <h1>{at(lang, 'firstRunTitle')}</h1>
        <p>{at(lang, 'firstRunIntro')}</p>
        {!enrolment ? (
          <form class="stack" onSubmit={next}>
            <label for="fr-secret">{at(lang, 'setupSecret')}</label>
            <input id="fr-secret" value={secret} required autoComplete="off" spellcheck={false} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />
            <label for="fr-name">{at(lang, 'fullName')}</label>
            <input
              id="fr-name"
              value={name}
              required
              autoComplete="name"
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setName(v);
                if (!idTouched) setID(loginIDOf(v));
              }}
            />
            <label for="fr-id">{at(lang, 'loginID')}</label>
            <input
              id="fr-id"
              value={id}
              required
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
              onInput={(e) => {
                setIDTouched(true);
                setID((e.target as HTMLInputElement).value);
              }}
            />
            <label for="fr-email">{at(lang, 'email')}</label>
            <input id="fr-email" type="email" value={email} autoComplete="email" onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
            <label for="fr-pw">{at(lang, 'password')}</label>
            <input id="fr-pw" type="password" value={pw} required minLength={10} autoComplete="new-password" aria-describedby="fr-pw-hint" onInput={(e) => setPW((e.target as HTMLInputElement).value)} />
            <p id="fr-pw-hint" class="hint">
              {at(lang, 'passwordHint')}
            </p>
            <label for="fr-pw2">{at(lang, 'passwordAgain')}</label>
            <input id="fr-pw2" type="password" value={pw2} required minLength={10} autoComplete="new-password" onInput={(e) => setPW2((e.target as HTMLInputElement).value)} />
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="btn large primary">
              {at(lang, 'next')}
            </button>
          </form>
        ) : (
          <Enrol
            enrolment={enrolment}
            submitLabel={at(lang, 'createAdmin')}
            onCode={async (code) => {
              onDone(await setup({ setup_secret: secret, id, name, email: email || undefined, password: pw, totp_secret: enrolment.secret, totp_code: code }));
            }}
          />
        )}
        <button type="button" class="btn small ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
          {t('switchLang')}
        </button>
      </div>
    </main>
  );
}
