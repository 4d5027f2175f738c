// Sessions: the token a tablet got by redeeming a one-time invitation code,
// kept in localStorage per meeting so that a reload or a sleep does not
// need a new code. Keys: "dais.session.<meeting>" holds the session JSON,
// "dais.session.last" the meeting to resume on start.

/** Session is a signed-in participant, as POST /api/v1/join returns it. */
export interface Session {
  token: string;
  meeting: string;
  participant: string;
  role: string;
}

/** KV is the part of the Web Storage API the sessions use. */
export interface KV {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const prefix = 'dais.session.';
const lastKey = prefix + 'last';

/** SessionStore keeps sessions per meeting. */
export class SessionStore {
  constructor(private readonly kv: KV) {}

  /** save stores s and makes its meeting the one to resume. */
  save(s: Session): void {
    this.kv.setItem(prefix + s.meeting, JSON.stringify(s));
    this.kv.setItem(lastKey, s.meeting);
  }

  /** get returns the session of a meeting, or null. */
  get(meeting: string): Session | null {
    const raw = this.kv.getItem(prefix + meeting);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Session;
      return s && typeof s.token === 'string' && s.token ? s : null;
    } catch {
      return null;
    }
  }

  /** last returns the session to resume: the last one saved, or null. */
  last(): Session | null {
    const m = this.kv.getItem(lastKey);
    return m ? this.get(m) : null;
  }

  /** forget removes a meeting's session (after a 4001 or a sign-out). */
  forget(meeting: string): void {
    this.kv.removeItem(prefix + meeting);
    if (this.kv.getItem(lastKey) === meeting) this.kv.removeItem(lastKey);
  }
}

/** memoryKV is a KV in memory, for tests and for browsers without storage. */
export function memoryKV(): KV {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}
