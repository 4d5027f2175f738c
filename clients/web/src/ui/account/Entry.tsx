// Entry is what a device without a meeting session shows: the first-run
// page when opened from daisd's first-run link (#setup=…; on a server with
// no account the code sign-in also offers it), the staff sign-in and a signed-in account's home
// (Office), or the tablets' invitation-code sign-in (SignIn). A link with
// ?code= goes straight to the code.

import { useEffect, useState } from 'preact/hooks';
import { accountOptions, confirmTOTP, enrolment, setupSecretFrom, type AccountSession, type Enrolment } from '../../core/accounts';
import type { Session } from '../../core/session';
import { useApp } from '../context';
import { SignIn } from '../SignIn';
import { Enrol, FirstRun, Office, StaffSignIn } from '../screens'; // chunks of their own: a tablet with a code needs none
import { at } from './strings';

type Mode = 'code' | 'staff' | 'setup';

export interface EntryProps {
  initialCode: string;
  notice?: string;
  onSignedIn: (s: Session) => void;
  /** hash and search of the page (tests pass their own). */
  hash?: string;
  search?: string;
}

export function Entry({ initialCode, notice, onSignedIn, hash = location.hash, search = location.search }: EntryProps) {
  const { lang } = useApp();
  const secret = setupSecretFrom(hash);
  const ssoError = new URLSearchParams(search).get('sso');
  const [mode, setMode] = useState<Mode>(initialCode ? 'code' : secret ? 'setup' : ssoError ? 'staff' : 'code');
  const [sso, setSSO] = useState(false);
  const [account, setAccount] = useState<AccountSession | null>(null);
  const [pending, setPending] = useState<Enrolment | null>(null);
  const [staffNotice, setStaffNotice] = useState(ssoError ? at(lang, 'ssoFailed') : '');
  const [setupNeeded, setSetupNeeded] = useState(false);

  useEffect(() => {
    if (initialCode) return; // a one-time code: nothing else to ask the server
    let live = true;
    void (async () => {
      try {
        const o = await accountOptions();
        if (!live) return;
        setSSO(!!o.sso);
        // No account yet: the first-run page opens from daisd's link
        // (#setup=…); any other device (a tablet with a code, on a server
        // seeded with a meeting) keeps the code sign-in, with a way in.
        if (o.setup) return setSetupNeeded(true);
        if (mode === 'setup') {
          setMode('staff');
          setStaffNotice(at(lang, 'setupDone'));
        }
        if (o.session) void signedIn(o.session);
      } catch {
        /* no server answer, or no account session: the sign-in stays */
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  const signedIn = async (s: AccountSession) => {
    if (secret || ssoError) history.replaceState(null, '', location.pathname);
    setMode('staff');
    setAccount(s);
    setPending(s.pending ? await enrolment().catch(() => null) : null);
  };

  if (mode === 'setup') return <FirstRun secret={secret} onDone={(s) => void signedIn(s)} />;
  if (mode === 'staff' && account && !account.pending) {
    return <Office session={account} onOpen={onSignedIn} onSignedOut={() => setAccount(null)} />;
  }
  if (mode === 'staff' && account?.pending && pending) {
    return (
      <main class="signin">
        <div class="panel signin-card">
          <p class="brand">Dais</p>
          <Enrol enrolment={pending} submitLabel={at(lang, 'confirmEnrol')} onCode={async (code) => void signedIn(await confirmTOTP(pending.secret, code))} />
        </div>
      </main>
    );
  }
  if (mode === 'staff') return <StaffSignIn sso={sso} notice={staffNotice} onSignedIn={(s) => void signedIn(s)} onCode={() => setMode('code')} />;
  return (
    <SignIn initialCode={initialCode} notice={notice} onSignedIn={onSignedIn}>
      <p class="staff-link">
        {setupNeeded ? (
          <button type="button" class="btn small" onClick={() => setMode('setup')}>
            {at(lang, 'firstRunLink')}
          </button>
        ) : (
          <button type="button" class="btn small ghost" onClick={() => setMode('staff')}>
            {at(lang, 'staffSignInShort')}
          </button>
        )}
      </p>
    </SignIn>
  );
}
