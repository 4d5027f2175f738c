// MeetingStore is what the screens read: the meeting State kept current by
// folding the events a ProtocolClient delivers, the connection status, the
// live ballot count, and the viewer's own ballots. Screens subscribe and
// re-render on change; notifications are batched to one per microtask so
// that a replay of hundreds of events renders once.
//
// With a state kept on the device (core/persist.ts) the store starts from
// it at once, read-only in effect (commands wait in the outbox for the
// welcome), and resumes with last_seq = its version: the server then sends
// only the missed events, whose fold on the kept state is the state a
// snapshot would give, or a snapshot, which replaces the kept state. The
// state is kept again after each welcome and at most every few seconds
// while events come.

import { apply, normalize } from './fold';
import { StateSaver, type SavedState, type StateBackend } from './persist';
import { CommandError, ProtocolClient, type ClientOptions, type ConnStatus, type SocketLike } from './protocol';
import type { Session } from './session';
import { roster as fetchRoster } from './api';
import type { AckMsg, AttendanceMsg, MeetingEvent, ProgressMsg, Role, RosterEntry, SignalMsg, State, WelcomeMsg, NoticeMsg } from './types';

/** StoreOptions configure a MeetingStore. */
export interface StoreOptions {
  session: Session;
  url: string;
  socket?: (url: string) => SocketLike;
  client?: Partial<ClientOptions>;
  /** now returns the local time in ms (default Date.now). */
  now?: () => number;
  /** random in [0,1) (default Math.random). */
  random?: () => number;
  /** onUnauthorized is called when the server refuses the session (4001). */
  onUnauthorized?: () => void;
  /** onRevoked is called when the session was revoked (4003): wipe the device; onUnauthorized when missing. */
  onRevoked?: () => void;
  /**
   * saved is the state kept on the device to start from; ignored unless it
   * is of this session's meeting and participant.
   */
  saved?: SavedState | null;
  /** persist is where to keep the state (default: nowhere). */
  persist?: StateBackend | null;
  /** saveDelayMs: at most one save per this long while events come (default 3000). */
  saveDelayMs?: number;
  /** roster fetches the names for a lean state (default: GET …/roster with the session). */
  roster?: () => Promise<RosterEntry[]>;
  /** device returns this device's id for the hello (default: none sent). */
  device?: () => string;
}

/** MeetingStore follows one meeting for one signed-in participant. */
export class MeetingStore {
  /** state is the meeting as last folded; null before the first welcome. */
  state: State | null = null;
  status: ConnStatus = 'idle';
  /** progress is the live count of the open poll, or null. */
  progress: ProgressMsg | null = null;
  /** me is the viewer's participant id; role the role the server named. */
  readonly me: string;
  role: Role;
  /** skewMs estimates local clock minus server clock, from live events. */
  skewMs = 0;
  /** rev counts changes; screens may key on it. */
  rev = 0;
  /**
   * savedAt is when the state shown was kept on the device (local ms),
   * while the store shows a kept state no welcome has confirmed; else null.
   */
  savedAt: number | null = null;
  /**
   * takeBackAsk is the documents the server last asked this device to
   * delete (a "takeback" message, or the welcome's take_back), and
   * takeBackAsks counts the asks: each is carried out and confirmed anew.
   */
  takeBackAsk: string[] = [];
  /** takeBackAskId names the last ask ("" before any), unique across page loads. */
  takeBackAskId = '';

  readonly client: ProtocolClient;
  private readonly o: StoreOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly signalListeners = new Set<(s: SignalMsg) => void>();
  private readonly noticeListeners = new Set<(n: NoticeMsg) => void>();
  private readonly welcomeListeners = new Set<() => void>();
  private asks = 0;
  private readonly eventListeners = new Set<(e: MeetingEvent) => void>();
  private readonly refusalListeners = new Set<(e: CommandError, poll: string) => void>();
  private readonly myChoices = new Map<string, string>();
  private readonly ballotIds = new Map<string, string>();
  private readonly seqWaiters: { seq: number; resolve: () => void }[] = [];
  private notifyQueued = false;
  private readonly saver: StateSaver | null;
  /** rosterState: the state the roster was merged into (or is being fetched for). */
  private rosterFor: State | null = null;

  constructor(o: StoreOptions) {
    this.o = o;
    this.me = o.session.participant;
    this.role = o.session.role as Role;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    const saved = o.saved;
    const ok =
      !!saved &&
      saved.meeting === o.session.meeting &&
      saved.participant === o.session.participant &&
      saved.state?.id === o.session.meeting &&
      saved.version > 0 &&
      saved.state.version === saved.version;
    if (ok) {
      this.state = normalize(saved.state);
      this.savedAt = saved.savedAt;
    }
    this.saver = o.persist
      ? new StateSaver({ backend: o.persist, meeting: o.session.meeting, participant: o.session.participant, delayMs: o.saveDelayMs, now: this.now })
      : null;
    this.client = new ProtocolClient({
      ...o.client,
      // Resume after the kept state: only the missed events come.
      ...(ok ? { lastSeq: saved.version } : {}),
      url: o.url,
      socket: o.socket,
      device: o.device,
      random: this.random,
      token: () => o.session.token,
      handlers: {
        welcome: (w) => this.welcomed(w),
        event: (e) => this.onEvent(e),
        progress: (p) => this.onProgress(p),
        attendance: (a) => this.onAttendance(a),
        signal: (s) => this.signalListeners.forEach((f) => f(s)),
        takeback: (t) => this.asked(t.documents),
        notice: (n) => this.noticeListeners.forEach((f) => f(n)),
        status: (s) => this.onStatus(s),
      },
    });
  }

  /** session is the signed-in participant. */
  get session(): Session {
    return this.o.session;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.saver?.stop();
    this.client.stop();
  }

  /** saveNow keeps the state on the device at once (the page is being hidden or left). */
  saveNow(): Promise<boolean> {
    return this.saver?.save(() => this.state) ?? Promise.resolve(false);
  }

  /** forget stops keeping the state and removes the kept copy (sign-out). */
  forget(): Promise<void> {
    return this.saver?.clear() ?? Promise.resolve();
  }

  /** subscribe calls f after changes; it returns the unsubscribe function. */
  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** onSignal calls f for each ephemeral signal; it returns the unsubscribe function. */
  onSignal(f: (s: SignalMsg) => void): () => void {
    this.signalListeners.add(f);
    return () => this.signalListeners.delete(f);
  }

  /** onNotice calls f for each notice (something kept outside the log changed); it returns the unsubscribe function. */
  onNotice(f: (n: NoticeMsg) => void): () => void {
    this.noticeListeners.add(f);
    return () => this.noticeListeners.delete(f);
  }

  /**
   * onWelcome calls f after each welcome (the first, and each reconnection):
   * what lives outside the log is fetched again then, since notices sent
   * while the tablet was away are not replayed. It returns the unsubscribe function.
   */
  onWelcome(f: () => void): () => void {
    this.welcomeListeners.add(f);
    return () => this.welcomeListeners.delete(f);
  }

  /** onFolded calls f with each event folded (live or replayed); it returns the unsubscribe function. */
  onFolded(f: (e: MeetingEvent) => void): () => void {
    this.eventListeners.add(f);
    return () => this.eventListeners.delete(f);
  }

  /**
   * onBallotRefused calls f when the server refuses a ballot of a poll that
   * is no longer open by then (e.g. pressed on a kept state while the poll
   * closed): the vote panel is gone, so the screen must say it elsewhere.
   * It returns the unsubscribe function.
   */
  onBallotRefused(f: (e: CommandError, poll: string) => void): () => void {
    this.refusalListeners.add(f);
    return () => this.refusalListeners.delete(f);
  }

  /** command sends a meeting command; see ProtocolClient.command. */
  command(name: string, args?: unknown): Promise<AckMsg> {
    return this.client.command(name, args);
  }

  /**
   * castBallot votes in a poll. The ballot id is fixed per (poll, choice),
   * so pressing again after a lost connection resends the same ballot
   * (harmless) while another choice is a different ballot (refused if the
   * first one counted). The choice is remembered for the secret polls,
   * whose state never says what the viewer chose. For a round of an
   * election the choice is the ballot's marks (core/election.ts encode).
   */
  async castBallot(poll: string, choice: string): Promise<AckMsg> {
    const key = `${poll}\u0000${choice}`;
    let ballotId = this.ballotIds.get(key);
    if (!ballotId) {
      ballotId = `b-${this.me}-${Math.floor(this.random() * 2 ** 48).toString(36)}-${this.now().toString(36)}-${this.ballotIds.size}`;
      this.ballotIds.set(key, ballotId);
    }
    let ack: AckMsg;
    try {
      // An election or confidence round takes the ballot's marks ("1101…"), not a choice.
      const args = this.state?.polls[poll]?.kind ? { poll, marks: choice, ballot_id: ballotId } : { poll, choice, ballot_id: ballotId };
      ack = await this.client.command('CastBallot', args);
    } catch (err) {
      const refused = err instanceof CommandError && !['timeout', 'disconnected', 'stopped'].includes(err.code);
      if (refused && this.state?.polls[poll]?.status !== 'open') {
        for (const f of [...this.refusalListeners]) f(err, poll);
      }
      throw err;
    }
    this.myChoices.set(poll, choice);
    this.changed();
    return ack;
  }

  /** localChoice is what this device voted in a poll, if it knows. */
  localChoice(poll: string): string | undefined {
    return this.myChoices.get(poll);
  }

  /** serverNow estimates the server's clock in ms. */
  serverNow(): number {
    return this.now() - this.skewMs;
  }

  /** untilSeq resolves once the state has folded seq (or at once if it has). */
  untilSeq(seq: number): Promise<void> {
    if (this.state && this.state.version >= seq) return Promise.resolve();
    return new Promise((resolve) => this.seqWaiters.push({ seq, resolve }));
  }

  private asked(docs: string[] | undefined): void {
    if (!Array.isArray(docs) || docs.length === 0) return;
    this.takeBackAsk = docs.filter((d) => typeof d === 'string' && d !== '');
    this.takeBackAskId = `${this.now().toString(36)}.${++this.asks}`;
    this.changed();
  }

  private welcomed(w: WelcomeMsg): void {
    if (w.role) this.role = w.role as Role;
    this.asked(w.take_back);
    if (w.snapshot) {
      this.state = normalize(w.snapshot);
      this.state.version = Math.max(this.state.version, w.seq);
      this.progress = null;
      this.savedAt = null;
      // The snapshot replaces whatever was kept.
      void this.saver?.save(() => this.state, true);
    } else if (!this.state) {
      // A resume without a state to resume: ask for a snapshot.
      queueMicrotask(() => this.client.resync());
      return;
    } else {
      // The missed events follow: keep the state once they are folded.
      this.savedAt = null;
      this.saver?.schedule(() => this.state);
    }
    this.loadRoster();
    this.changed();
    this.welcomeListeners.forEach((f) => f());
  }

  /**
   * loadRoster fetches the names of a lean state's participants once per
   * state (a snapshot replaces the state, and with it the roster) and
   * merges them in, the viewer's own entry untouched. Attendance stays in
   * state.lean; the roster carries none.
   */
  private loadRoster(): void {
    const st = this.state;
    if (!st?.lean || this.rosterFor === st) return;
    this.rosterFor = st;
    const get = this.o.roster ?? (() => fetchRoster({ meeting: this.o.session.meeting, token: this.o.session.token }));
    get().then(
      (list) => {
        if (this.state !== st) return; // replaced meanwhile: its own fetch follows
        const order: string[] = [];
        for (const p of list) {
          if (!p?.id) continue;
          order.push(p.id);
          if (p.id === this.me && st.participants[p.id]) continue;
          st.participants[p.id] = { id: p.id, name: p.name, title: p.title, role: p.role, room: p.room, seat: p.seat };
        }
        for (const id of st.order) if (!order.includes(id)) order.push(id);
        st.order = order;
        this.saver?.schedule(() => this.state);
        this.changed();
      },
      () => {
        if (this.rosterFor === st) this.rosterFor = null; // the next welcome tries again
      },
    );
  }

  private onAttendance(a: AttendanceMsg): void {
    if (!this.state?.lean) return; // a whole view counts check-ins itself
    this.state.lean = { participants: a.participants, rooms: a.rooms ?? [], total: a.total };
    this.changed();
  }

  private onEvent(e: MeetingEvent): void {
    if (!this.state) return; // cannot happen: the first welcome carries a snapshot
    if (e.seq > this.client.welcomeSeq && e.at) {
      const at = Date.parse(e.at);
      if (!Number.isNaN(at)) this.skewMs = this.now() - at;
    }
    const standsInFor = this.state.participants[this.me]?.for;
    apply(this.state, e);
    for (const f of [...this.eventListeners]) {
      try {
        f(e);
      } catch (err) {
        console.error('dais: event listener failed', err);
      }
    }
    if (e.type === 'PollClosed' || e.type === 'PollOpened') this.progress = null;
    this.saver?.schedule(() => this.state);
    this.changed();
    if (seatChanged(e, this.me, standsInFor)) {
      // Seated as a substitute or unseated: what this viewer may read
      // (the member's confidential documents, their ballots) changed,
      // and a filtered stream does not resend it: a fresh snapshot does.
      queueMicrotask(() => this.client.resync());
    }
  }

  private onProgress(p: ProgressMsg): void {
    const open = this.state?.polls[p.poll];
    if (open && open.status !== 'open') return; // late progress of a closed poll
    this.progress = p;
    this.changed();
  }

  private onStatus(s: ConnStatus): void {
    this.status = s;
    if (s === 'unauthorized') this.o.onUnauthorized?.();
    if (s === 'revoked') (this.o.onRevoked ?? this.o.onUnauthorized)?.();
    this.changed();
  }

  private changed(): void {
    this.rev++;
    if (this.state) {
      for (let i = this.seqWaiters.length - 1; i >= 0; i--) {
        if (this.state.version >= this.seqWaiters[i].seq) this.seqWaiters.splice(i, 1)[0].resolve();
      }
    }
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const f of [...this.listeners]) {
        try {
          f();
        } catch (err) {
          console.error('dais: listener failed', err);
        }
      }
    });
  }
}

export { CommandError };

/**
 * seatChanged reports whether e seats or unseats viewer as a substitute
 * (SubstituteSeated about them, or the member they stand in for checking
 * in, which unseats them): their view changes, and only a snapshot has it.
 */
export function seatChanged(e: MeetingEvent, viewer: string, standsInFor?: string): boolean {
  const d = (e.data ?? {}) as { participant?: string };
  if (e.type === 'SubstituteSeated') return d.participant === viewer;
  return e.type === 'CheckedIn' && !!standsInFor && d.participant === standsInFor;
}

