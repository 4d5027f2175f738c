// SignIn redeems an invitation code, typed or read from ?code= (the QR code
// on the invitation links to the app with it).

import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { join, takeJoinAhead } from '../core/api';
import type { Session } from '../core/session';
import { errorText } from '../i18n';
import { useApp } from './context';

export function SignIn({ initialCode, notice, onSignedIn, children }: { initialCode: string; notice?: string; onSignedIn: (s: Session) => void; children?: ComponentChildren }) {
  const { t, lang, setLang } = useApp();
  const [code, setCode] = useState(initialCode);
  const [busy, setBusy] = useState(false);
  // A code from the URL: a loading line while it is redeemed, the form only if it is refused or
  // unreachable (a slow tablet spends ≈0.3 s drawing a form nobody types into).
  const [auto, setAuto] = useState(!!initialCode);
  const [error, setError] = useState('');
  const tried = useRef(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (c: string) => {
    if (!c.trim()) {
      setError(t('codeRequired'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError('');
    try {
      onSignedIn(await (takeJoinAhead(c) ?? join(c)));
    } catch (err) {
      setError(errorText(lang, err));
      setAuto(false);
      setTimeout(() => input.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  // A code from the URL is redeemed at once (once: codes are one-time), before the screen is painted.
  useLayoutEffect(() => {
    if (initialCode && !tried.current) {
      tried.current = true;
      void submit(initialCode);
    }
  }, []);

  if (auto) {
    return (
      <div class="loading" role="status">
        <p>{t('signingIn')}</p>
      </div>
    );
  }
  return (
    <>
      <main class="signin">
        <form
          class="panel signin-card"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(code);
          }}
        >
          <p class="brand">Dais</p>
          <h1>{t('signInTitle')}</h1>
          {notice && <p class="notice">{notice}</p>}
          <label for="code">{t('codeLabel')}</label>
          <input
            id="code"
            ref={input}
            class="code-input"
            value={code}
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellcheck={false}
            placeholder={t('codePlaceholder')}
            aria-invalid={!!error}
            aria-describedby={error ? 'code-err' : undefined}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
          {error && (
            <p id="code-err" class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn huge primary" disabled={busy}>
            {busy ? t('signingIn') : t('signIn')}
          </button>
          <button type="button" class="btn small ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
            {t('switchLang')}
          </button>
        </form>
      </main>
      {children}
    </>
  );
}
