// ProtocolClient speaks Dais's wire protocol v1 over one WebSocket at a
// time and keeps the conversation going across disconnections:
//
//   - hello with the session token and the last seq seen (0 asks for a
//     snapshot); a welcome must follow within welcomeTimeoutMs;
//   - events are passed on in seq order, and one at or below the last seq
//     seen is a duplicate and dropped (seqs may skip: events not meant for
//     this viewer are never sent);
//   - commands get client ids; each returns a promise settled by its ack,
//     by a timeout, or by the loss of the connection it was sent on (its
//     outcome is then unknown: a CastBallot is safe to resend with the same
//     ballot_id). Commands issued while offline wait in an outbox and are
//     sent after the next welcome;
//   - on a close it reconnects with exponential backoff and jitter and
//     resumes with the last seq, except on 4029 (a newer connection of the
//     session replaced it: it stops), on 4001 (sign in again: the client
//     stops) and on repeated protocol errors 4000/4002 (it retries with a
//     fresh snapshot, then gives up). A "move" sets the next delay.
//
// Concurrency: single-threaded (the browser event loop); the handlers are
// called synchronously from socket callbacks and must not throw (a throw is
// caught and logged so the conversation goes on).

import { backoffDelay, type BackoffOptions } from './backoff';
import {
  CloseCodes,
  PROTOCOL_VERSION,
  type AckMsg,
  type AttendanceMsg,
  type ErrorBody,
  type MeetingEvent,
  type ProgressMsg,
  type HelloMsg,
  type SignalMsg,
  type NoticeMsg,
  type TakeBackMsg,
  type WelcomeMsg,
} from './types';

/** SocketLike is the part of the browser WebSocket the client uses. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** ConnStatus is where the conversation stands. */
export type ConnStatus =
  | 'idle' // not started
  | 'connecting' // first attempt, no welcome yet
  | 'online' // welcomed
  | 'reconnecting' // lost, waiting or trying again
  | 'unauthorized' // 4001 or no token: sign in again
  | 'revoked' // 4003: the session was revoked; wipe the device (core/wipe.ts), then sign in
  | 'failed' // repeated protocol errors: given up
  | 'stopped'; // stop() was called

/** Handlers receive what the server says. All are optional. */
export interface Handlers {
  welcome?(w: WelcomeMsg): void;
  event?(e: MeetingEvent): void;
  progress?(p: ProgressMsg): void;
  /** attendance: the counts a delegate or observer gets instead of others' check-ins. */
  attendance?(a: AttendanceMsg): void;
  signal?(s: SignalMsg): void;
  /** takeback: the server asks the tablet to delete its copies of documents taken back. */
  takeback?(t: TakeBackMsg): void;
  /** notice: something kept outside the log changed (NoticeMsg); fetch it again. */
  notice?(n: NoticeMsg): void;
  status?(s: ConnStatus): void;
}

/** ClientOptions configure a ProtocolClient. */
export interface ClientOptions {
  /** url of the WebSocket endpoint, e.g. wss://host/ws. */
  url: string;
  /** token returns the session token at each connection attempt; "" means signed out. */
  token: () => string;
  /** device is this device's id, sent in the hello (core/device.ts); none: not sent. */
  device?: () => string;
  /** lastSeq to resume after (default 0: ask for a snapshot). */
  lastSeq?: number;
  /** socket opens a WebSocket (default: the browser's). */
  socket?: (url: string) => SocketLike;
  /** commandTimeoutMs bounds the wait for an ack (default 10000). */
  commandTimeoutMs?: number;
  /** welcomeTimeoutMs bounds the wait from open to welcome (default 10000). */
  welcomeTimeoutMs?: number;
  /**
   * heartbeatMs: after this long without a message from the server, send a
   * ping (default 10000; 0 turns the heartbeat off). A browser cannot see
   * WebSocket pings, so this is how a tablet notices a connection that died
   * without a close (Wi-Fi gone, no TCP reset) instead of showing a stale page.
   */
  heartbeatMs?: number;
  /** pongTimeoutMs: a ping unanswered this long means the connection is lost (default 5000). */
  pongTimeoutMs?: number;
  /** maxProtocolErrors consecutive 4000/4002 closes before giving up (default 3). */
  maxProtocolErrors?: number;
  backoff?: BackoffOptions;
  /** random in [0,1) for jitter (default Math.random). */
  random?: () => number;
  handlers?: Handlers;
}

/** CommandError is a refused or unanswered command. */
export class CommandError extends Error {
  /** code is the server's error code, or "timeout", "disconnected", "stopped". */
  readonly code: string;
  readonly messageVi: string;
  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'CommandError';
    this.code = body.code;
    this.messageVi = body.message_vi;
  }
}

interface Pending {
  id: string;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve(a: AckMsg): void;
  reject(e: CommandError): void;
}

const clientErrors: Record<string, ErrorBody> = {
  timeout: {
    code: 'timeout',
    message: 'The server did not answer in time; the command may or may not have taken effect.',
    message_vi: 'Máy chủ không trả lời kịp; lệnh có thể chưa được thực hiện.',
  },
  disconnected: {
    code: 'disconnected',
    message: 'The connection was lost before the server answered.',
    message_vi: 'Mất kết nối trước khi máy chủ trả lời.',
  },
  stopped: {
    code: 'stopped',
    message: 'The client was stopped.',
    message_vi: 'Phiên làm việc đã kết thúc.',
  },
};

/** ProtocolClient is one participant's conversation with the server. */
export class ProtocolClient {
  private readonly o: ClientOptions;
  private readonly random: () => number;
  private ws: SocketLike | null = null;
  private welcomed = false;
  private _status: ConnStatus = 'idle';
  private _lastSeq: number;
  private attempt = 0;
  private protocolErrors = 0;
  private moveDelay: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private nextPing = 1;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  /** Seq at the moment of the last welcome: events above it are live. */
  welcomeSeq = 0;

  constructor(o: ClientOptions) {
    this.o = o;
    this.random = o.random ?? Math.random;
    this._lastSeq = o.lastSeq ?? 0;
  }

  /** status is where the conversation stands. */
  get status(): ConnStatus {
    return this._status;
  }

  /** lastSeq is the seq of the last event passed on (or of the last snapshot). */
  get lastSeq(): number {
    return this._lastSeq;
  }

  /** start opens the first connection. Calling it again has no effect. */
  start(): void {
    if (this._status !== 'idle') return;
    this.setStatus('connecting');
    this.connect();
  }

  /** stop closes the connection for good and rejects every waiting command. */
  stop(): void {
    if (this._status === 'stopped') return;
    this.clearTimers();
    this.detach(1000, 'bye');
    for (const p of this.pending.values()) this.settleError(p, clientErrors.stopped);
    this.setStatus('stopped');
  }

  /**
   * nudge retries at once when the client is waiting to reconnect, e.g.
   * when the browser reports it is back online or the tablet wakes up.
   */
  nudge(): void {
    if (this._status === 'reconnecting' && this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect();
    }
  }

  /**
   * refresh drops the connection and resumes at once. Use it when the
   * socket may be dead without the browser knowing, e.g. after the tablet
   * slept: resuming costs one hello.
   */
  refresh(): void {
    if (this._status === 'online' && this.ws) {
      this.lost(this.ws, 1000, 'refresh');
      this.nudge();
    } else {
      this.nudge();
    }
  }

  /** resync forgets the last seq and reconnects for a fresh snapshot. */
  resync(): void {
    this._lastSeq = 0;
    this.refresh();
  }

  /**
   * command sends a meeting command and resolves with its ack, or rejects
   * with a CommandError: the server's refusal, "timeout", "disconnected"
   * (sent, but the connection dropped before the ack) or "stopped".
   */
  command(name: string, args?: unknown, opts: { timeoutMs?: number } = {}): Promise<AckMsg> {
    return new Promise<AckMsg>((resolve, reject) => {
      if (this._status === 'stopped' || this._status === 'failed' || this._status === 'unauthorized' || this._status === 'revoked') {
        reject(new CommandError(clientErrors.stopped));
        return;
      }
      const id = `c${this.nextId++}`;
      const msg: Record<string, unknown> = { type: 'command', id, name };
      if (args !== undefined) msg.args = args;
      const p: Pending = {
        id,
        frame: JSON.stringify(msg),
        sent: false,
        timer: setTimeout(() => this.settleError(p, clientErrors.timeout), opts.timeoutMs ?? this.o.commandTimeoutMs ?? 10000),
        resolve,
        reject,
      };
      this.pending.set(id, p);
      if (this.welcomed) this.sendPending(p);
    });
  }

  /** signal sends ephemeral traffic when online; it reports whether it was sent. */
  signal(name: string, data?: unknown): boolean {
    if (!this.welcomed || !this.ws) return false;
    return this.send({ type: 'signal', name, data });
  }

  /** pendingCount is the number of commands waiting for an ack or for the connection. */
  get pendingCount(): number {
    return this.pending.size;
  }

  // --- connection life ---

  private connect(): void {
    this.retryTimer = null;
    const token = this.o.token();
    if (!token) {
      this.unauthorized();
      return;
    }
    let ws: SocketLike;
    try {
      ws = (this.o.socket ?? defaultSocket)(this.o.url);
    } catch (err) {
      console.warn('dais: opening the socket failed', err);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const hello: HelloMsg = { type: 'hello', protocol: PROTOCOL_VERSION, token, last_seq: this._lastSeq };
      const device = this.o.device?.();
      if (device) hello.device = device;
      this.send(hello);
      this.welcomeTimer = setTimeout(() => {
        this.welcomeTimer = null;
        if (this.ws === ws && !this.welcomed) this.lost(ws, 1006, 'no welcome');
      }, this.o.welcomeTimeoutMs ?? 10000);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (this.welcomed) this.heard(ws);
      this.receive(ev.data);
    };
    ws.onclose = (ev) => this.lost(ws, ev.code, ev.reason ?? '');
    ws.onerror = () => {
      /* a close follows */
    };
  }

  private receive(data: unknown): void {
    let msg: any;
    try {
      msg = JSON.parse(String(data));
    } catch {
      console.warn('dais: unreadable frame dropped');
      return;
    }
    switch (msg?.type) {
      case 'welcome':
        this.onWelcome(msg as WelcomeMsg);
        return;
      case 'event': {
        const e = msg.event as MeetingEvent;
        if (!e || typeof e.seq !== 'number' || e.seq <= this._lastSeq) return; // duplicate
        this._lastSeq = e.seq;
        this.call(() => this.o.handlers?.event?.(e));
        return;
      }
      case 'ack': {
        const a = msg as AckMsg;
        const p = this.pending.get(a.id);
        if (!p) return; // timed out already, or not ours
        this.pending.delete(a.id);
        clearTimeout(p.timer);
        if (a.ok) p.resolve(a);
        else p.reject(new CommandError(a.error ?? { code: 'internal', message: 'refused', message_vi: 'Bị từ chối' }));
        return;
      }
      case 'progress':
        this.call(() => this.o.handlers?.progress?.(msg as ProgressMsg));
        return;
      case 'attendance':
        this.call(() => this.o.handlers?.attendance?.(msg as AttendanceMsg));
        return;
      case 'signal':
        this.call(() => this.o.handlers?.signal?.(msg as SignalMsg));
        return;
      case 'takeback':
        this.call(() => this.o.handlers?.takeback?.(msg as TakeBackMsg));
        return;
      case 'notice':
        if (typeof msg.name === 'string') this.call(() => this.o.handlers?.notice?.(msg as NoticeMsg));
        return;
      case 'move':
        this.moveDelay = Math.max(0, Number(msg.retry_ms) || 0);
        return;
      case 'pong':
        return; // its arrival restarted the heartbeat
      default:
      // An unknown message type is from a newer server: ignore it.
    }
  }

  private onWelcome(w: WelcomeMsg): void {
    if (this.welcomeTimer !== null) {
      clearTimeout(this.welcomeTimer);
      this.welcomeTimer = null;
    }
    this.welcomed = true;
    this.attempt = 0;
    this.protocolErrors = 0;
    this.moveDelay = null;
    if (w.snapshot) this._lastSeq = w.seq;
    this.welcomeSeq = Math.max(w.seq, this._lastSeq);
    this.call(() => this.o.handlers?.welcome?.(w));
    this.setStatus('online');
    if (this.ws) this.heard(this.ws);
    for (const p of this.pending.values()) if (!p.sent) this.sendPending(p);
  }

  // heard restarts the heartbeat: anything from the server shows the
  // connection is alive. After heartbeatMs of silence a ping goes out; if
  // nothing at all comes back within pongTimeoutMs, the socket is given up
  // and the client reconnects and resumes, as after any lost connection.
  private heard(ws: SocketLike): void {
    this.stopHeartbeat();
    const every = this.o.heartbeatMs ?? 10000;
    if (every <= 0) return;
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = null;
      if (this.ws !== ws) return;
      this.send({ type: 'ping', id: 'h' + this.nextPing++ });
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        if (this.ws === ws) this.lost(ws, 1006, 'no pong');
      }, this.o.pongTimeoutMs ?? 5000);
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.silenceTimer = this.pongTimer = null;
  }

  // lost handles the end of socket ws, whoever ended it.
  private lost(ws: SocketLike, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.detach(1000, reason || 'closing');
    for (const p of [...this.pending.values()]) if (p.sent) this.settleError(p, clientErrors.disconnected);
    if (this._status === 'stopped') return;
    if (code === CloseCodes.Unauthorized) {
      this.unauthorized();
      return;
    }
    if (code === CloseCodes.Revoked) {
      this.unauthorized('revoked');
      return;
    }
    if (code === CloseCodes.Replaced) {
      // Newer connections of this session serve it (another tab, say):
      // reconnecting would only close one of them in turn.
      this.clearTimers();
      for (const p of this.pending.values()) this.settleError(p, clientErrors.stopped);
      this.setStatus('failed');
      return;
    }
    if (code === CloseCodes.BadHello || code === CloseCodes.Protocol) {
      this.protocolErrors++;
      if (this.protocolErrors >= (this.o.maxProtocolErrors ?? 3)) {
        this.clearTimers();
        for (const p of this.pending.values()) this.settleError(p, clientErrors.stopped);
        this.setStatus('failed');
        return;
      }
      this._lastSeq = 0; // do not retry unchanged: ask for a fresh snapshot
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    let delay: number;
    if (this.moveDelay !== null) {
      delay = this.moveDelay + Math.floor(this.random() * Math.max(this.moveDelay, 250));
      this.moveDelay = null;
    } else {
      delay = backoffDelay(this.attempt, this.random, this.o.backoff);
    }
    this.attempt++;
    this.setStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private unauthorized(status: 'unauthorized' | 'revoked' = 'unauthorized'): void {
    this.clearTimers();
    for (const p of this.pending.values()) this.settleError(p, clientErrors.stopped);
    this.setStatus(status);
  }

  // detach forgets the current socket and closes it quietly.
  private detach(code: number, reason: string): void {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.stopHeartbeat();
    if (this.welcomeTimer !== null) {
      clearTimeout(this.welcomeTimer);
      this.welcomeTimer = null;
    }
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason.slice(0, 100));
    } catch {
      /* already closed */
    }
  }

  private clearTimers(): void {
    this.stopHeartbeat();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.retryTimer = this.welcomeTimer = null;
  }

  private sendPending(p: Pending): void {
    if (this.ws && this.rawSend(this.ws, p.frame)) p.sent = true;
  }

  private send(msg: unknown): boolean {
    return this.ws ? this.rawSend(this.ws, JSON.stringify(msg)) : false;
  }

  private rawSend(ws: SocketLike, frame: string): boolean {
    try {
      ws.send(frame);
      return true;
    } catch (err) {
      console.warn('dais: send failed', err);
      return false;
    }
  }

  private settleError(p: Pending, body: ErrorBody): void {
    if (this.pending.get(p.id) !== p) return;
    this.pending.delete(p.id);
    clearTimeout(p.timer);
    p.reject(new CommandError(body));
  }

  private setStatus(s: ConnStatus): void {
    if (this._status === s) return;
    this._status = s;
    this.call(() => this.o.handlers?.status?.(s));
  }

  private call(f: () => void): void {
    try {
      f();
    } catch (err) {
      console.error('dais: handler failed', err);
    }
  }
}

function defaultSocket(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike;
}

/** wsURL returns the WebSocket URL of the server that served the page. */
export function wsURL(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
