// Reconnect delays: exponential backoff with "equal jitter" — half of the
// delay is fixed, half random — so that a room of tablets that lost the
// same access point do not all knock at the same instant, yet none retries
// at once in a tight loop.

/** BackoffOptions tune backoffDelay; every field has a default. */
export interface BackoffOptions {
  /** baseMs is the delay ceiling of the first retry (default 500). */
  baseMs?: number;
  /** capMs is the largest delay ceiling (default 15000). */
  capMs?: number;
}

/**
 * backoffDelay returns the delay before retry number attempt (0 for the
 * first retry): with d = min(cap, base·2^attempt), a value in [d/2, d).
 * random returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 500;
  const cap = o.capMs ?? 15000;
  const d = Math.min(cap, base * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(d / 2 + random() * (d / 2));
}
