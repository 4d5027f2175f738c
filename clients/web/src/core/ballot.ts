// BallotSender is the state of one voter's ballot in one poll, from the
// tap to the server's ack, without a screen. One state at a time:
//
//   idle ──cast──▶ sending ──ack──▶ recorded
//     │              │  └──refused──▶ refused (the server's reason; may cast again)
//     │              └──lost (timeout, disconnected) ──▶ waiting, or sending again if online
//     └──cast while offline──▶ waiting ──online──▶ sending
//
// "Offline" is said at once (waiting), never a long "sending…"; a waiting
// ballot is resent by itself when the connection is back, with the same
// ballot id (the store fixes it per poll and choice, so a resend of a
// ballot that did count is a no-op); "recorded" comes only from the ack or
// from the state showing the ballot (its BallotCast event). A ballot the
// state shows is recorded whatever was in flight.

/** BallotState is what the vote dialog says. */
export type BallotState =
  | { kind: 'idle' }
  | { kind: 'sending'; choice: string }
  | { kind: 'waiting'; choice: string }
  | { kind: 'recorded'; choice?: string }
  | { kind: 'refused'; choice: string; error: unknown };

/** LOST are the command error codes that leave a ballot's outcome unknown: it is sent again. */
const LOST = ['timeout', 'disconnected'];

export interface BallotSenderOptions {
  /** send casts the ballot (MeetingStore.castBallot), settled by the ack. */
  send(choice: string): Promise<unknown>;
  /** online reports whether the connection is up now. */
  online(): boolean;
  /** changed is called after every change of state. */
  changed(s: BallotState): void;
}

export class BallotSender {
  state: BallotState = { kind: 'idle' };
  private attempt = 0;

  constructor(private o: BallotSenderOptions) {}

  private set(s: BallotState): void {
    this.state = s;
    this.o.changed(s);
  }

  /** cast sends choice now, or keeps it to send when the connection is back. */
  cast(choice: string): void {
    if (this.state.kind === 'recorded' || this.state.kind === 'sending') return;
    if (!this.o.online()) return this.set({ kind: 'waiting', choice });
    this.send(choice);
  }

  /** connection tells the sender the connection went up or down. */
  connection(online: boolean): void {
    if (online && this.o.online() && this.state.kind === 'waiting') this.send(this.state.choice);
  }

  /** seen tells the sender the state shows the viewer's ballot (choice when known). */
  seen(choice?: string): void {
    if (this.state.kind === 'recorded') return;
    this.attempt++; // whatever is in flight no longer matters
    const mine = this.state.kind === 'idle' || this.state.kind === 'refused' ? undefined : this.state.choice;
    this.set({ kind: 'recorded', choice: choice ?? mine });
  }

  /** reset forgets a refused or waiting ballot (the voter changes their mind before it is sent). */
  reset(): void {
    if (this.state.kind === 'waiting' || this.state.kind === 'refused') {
      this.attempt++;
      this.set({ kind: 'idle' });
    }
  }

  private send(choice: string): void {
    const n = ++this.attempt;
    this.set({ kind: 'sending', choice });
    this.o.send(choice).then(
      () => {
        if (n === this.attempt) this.set({ kind: 'recorded', choice });
      },
      (err: unknown) => {
        if (n !== this.attempt) return;
        const code = (err as { code?: string })?.code ?? '';
        // The client stopped (signing out): keep the ballot, send nothing more.
        if (code === 'stopped') return this.set({ kind: 'waiting', choice });
        if (!LOST.includes(code)) return this.set({ kind: 'refused', choice, error: err });
        // Outcome unknown: the same ballot goes again, now or when the connection is back.
        if (this.o.online()) this.send(choice);
        else this.set({ kind: 'waiting', choice });
      },
    );
  }
}
