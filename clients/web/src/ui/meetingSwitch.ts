// The meeting switch App gives the secretary workspace (a new meeting, or
// another meeting this device holds a session for). Its own module so that
// the delegate's bundle does not carry the secretary's screens for it.

import { createContext } from 'preact';
import type { Session } from '../core/session';

/** Switcher is what App gives the workspace to change meetings. */
export interface Switcher {
  /** open saves s and shows its meeting. */
  open(s: Session): void;
  /** get returns the session this device keeps for a meeting, or null. */
  get(meeting: string): Session | null;
}

/** MeetingSwitch carries the Switcher; null outside App (nothing to switch to). */
export const MeetingSwitch = createContext<Switcher | null>(null);
