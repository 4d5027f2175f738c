// Enrol shows a TOTP key as an otpauth:// QR code (and as text to type)
// and asks for the code the app shows, to prove it holds the key.

import { useState } from 'preact/hooks';
import type { Enrolment } from '../../core/accounts';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import { QR } from '../secretary/Invitations';
import { at } from './strings';

export function Enrol({ enrolment, submitLabel, onCode }: { enrolment: Enrolment; submitLabel: string; onCode: (code: string) => Promise<void> }) {
  const { lang } = useApp();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <form
      class="enrol"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError('');
        try {
          await onCode(code.replace(/\s+/g, ''));
        } catch (err) {
          setError(errorText(lang, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{at(lang, 'enrolTitle')}</h2>
      <p>{at(lang, 'enrolIntro')}</p>
      <div class="enrol-qr">
        <QR text={enrolment.uri} label={at(lang, 'enrolQR')} />
      </div>
      <p>
        {at(lang, 'enrolKey')} <code class="totp-key">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
      </p>
      <label for="enrol-code">{at(lang, 'totpCode')}</label>
      <input
        id="enrol-code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        value={code}
        aria-invalid={!!error}
        onInput={(e) => setCode((e.target as HTMLInputElement).value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn large primary" disabled={busy || code.replace(/\s+/g, '').length !== 6}>
        {submitLabel}
      </button>
    </form>
  );
}
