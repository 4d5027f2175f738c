// The screens a delegate's tablet does not need, each its own chunk (see
// lazy.tsx): the chair's console, the secretary workspace (the election
// editor in it), the room display, the counting committee's console, and
// the account screens (first run, staff sign-in, the office home, TOTP
// enrolment).

import { lazy } from './lazy';

export const Chair = lazy(() => import('./chair/Chair').then((m) => m.Chair));
export const Secretary = lazy(() => import('./secretary/Secretary').then((m) => m.Secretary));
export const Display = lazy(() => import('./display/Display').then((m) => m.Display));
export const CommitteeConsole = lazy(() => import('./committee/Committee').then((m) => m.CommitteeConsole));
export const FirstRun = lazy(() => import('./account/FirstRun').then((m) => m.FirstRun));
export const Office = lazy(() => import('./account/Office').then((m) => m.Office));
export const StaffSignIn = lazy(() => import('./account/StaffSignIn').then((m) => m.StaffSignIn));
export const Enrol = lazy(() => import('./account/Enrol').then((m) => m.Enrol));
// The tablet's list of published conclusions (issue 13, part 4): drawn after the first page.
export const DelegateConclusions = lazy(() => import('./delegate/Conclusions').then((m) => m.PublishedConclusions));
export const DelegateConsultations = lazy(() => import('./delegate/Consultations').then((m) => m.TabletConsultations));

/** preloadAll loads every lazy screen (for the tests: the screens then render at once). */
export function preloadAll(): Promise<unknown> {
  return Promise.all([Chair, Secretary, Display, CommitteeConsole, FirstRun, Office, StaffSignIn, Enrol, DelegateConclusions, DelegateConsultations].map((c) => c.preload()));
}

/**
 * preloadRole starts loading the screen of a role as soon as it is known
 * (the sign-in's answer, or the session kept on the device), in parallel
 * with the meeting's welcome: a delegate's or an observer's screen is in the
 * main bundle already.
 */
export function preloadRole(role: string | undefined, display = false): void {
  const s = display || role === 'display' ? Display : role === 'chair' ? Chair : role === 'secretary' ? Secretary : null;
  void s?.preload().catch(() => {
    /* shown when rendered */
  });
}
