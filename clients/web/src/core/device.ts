// The device id: a random id made once per browser and kept in
// localStorage ("dais.device"), sent in the hello and with every document
// request (X-Dais-Device) so that the copy register says which tablet holds
// which copy of a secret document, and a take-back is confirmed per tablet.
// It is no secret and no meeting data: a remote wipe leaves it (core/wipe.ts).

import type { KV } from './session';

/** DEVICE_KEY is the localStorage key of the device id. */
export const DEVICE_KEY = 'dais.device';

/** DEVICE_PATTERN is the server's pattern for a device id. */
export const DEVICE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

let memo: string | null = null;

/** newDeviceId returns "tab-" and 20 random base-32 characters. */
export function newDeviceId(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return 'tab-' + [...random(20)].map((b) => alphabet[b % 32]).join('');
}

/**
 * deviceId returns this browser's device id, made and kept at the first
 * call. Where nothing can be kept (storage denied), an id for this page's
 * life.
 */
export function deviceId(kv: KV | null | undefined = globalThis.localStorage): string {
  try {
    const kept = kv?.getItem(DEVICE_KEY);
    if (kept && DEVICE_PATTERN.test(kept)) return (memo = kept);
    const id = memo ?? newDeviceId();
    kv?.setItem(DEVICE_KEY, id);
    return (memo = id);
  } catch {
    return (memo ??= newDeviceId());
  }
}
