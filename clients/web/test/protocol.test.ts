import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../src/core/backoff';
import { CommandError, ProtocolClient, type ClientOptions, type ConnStatus } from '../src/core/protocol';
import type { MeetingEvent, WelcomeMsg } from '../src/core/types';
import { ev, Sockets } from './fakes';

const welcome = (seq: number, snapshot = true): WelcomeMsg => ({
  type: 'welcome',
  protocol: 1,
  meeting: 'm1',
  participant: 'p-d1',
  role: 'delegate',
  seq,
  snapshot: snapshot ? ({ version: seq } as any) : undefined,
});

interface Rig {
  sockets: Sockets;
  client: ProtocolClient;
  events: MeetingEvent[];
  statuses: ConnStatus[];
  welcomes: WelcomeMsg[];
  token: { value: string };
}

function rig(o: Partial<ClientOptions> = {}): Rig {
  const sockets = new Sockets();
  const events: MeetingEvent[] = [];
  const statuses: ConnStatus[] = [];
  const welcomes: WelcomeMsg[] = [];
  const token = { value: 'tok-1' };
  const client = new ProtocolClient({
    url: 'ws://test/ws',
    token: () => token.value,
    socket: sockets.factory,
    random: () => 0.5,
    ...o,
    handlers: {
      event: (e) => events.push(e),
      status: (s) => statuses.push(s),
      welcome: (w) => welcomes.push(w),
    },
  });
  return { sockets, client, events, statuses, welcomes, token };
}

// online starts the client and completes the handshake with a snapshot at seq.
function online(r: Rig, seq = 10) {
  r.client.start();
  r.sockets.current.open();
  r.sockets.current.deliver(welcome(seq));
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ProtocolClient handshake', () => {
  it('sends hello with the token and last seq 0, then goes online', () => {
    const r = rig();
    r.client.start();
    expect(r.statuses).toEqual(['connecting']);
    expect(r.sockets.current.url).toBe('ws://test/ws');
    r.sockets.current.open();
    expect(r.sockets.current.sent).toEqual([{ type: 'hello', protocol: 1, token: 'tok-1', last_seq: 0 }]);
    r.sockets.current.deliver(welcome(10));
    expect(r.client.status).toBe('online');
    expect(r.client.lastSeq).toBe(10);
    expect(r.welcomes).toHaveLength(1);
  });

  it('reconnects when no welcome comes', () => {
    const r = rig({ welcomeTimeoutMs: 1000 });
    r.client.start();
    r.sockets.current.open();
    vi.advanceTimersByTime(1000);
    expect(r.sockets.all[0].closedWith).not.toBeNull();
    expect(r.client.status).toBe('reconnecting');
    vi.advanceTimersByTime(15000);
    expect(r.sockets.all).toHaveLength(2);
  });

  it('stops as unauthorized without a token', () => {
    const r = rig();
    r.token.value = '';
    r.client.start();
    expect(r.sockets.all).toHaveLength(0);
    expect(r.client.status).toBe('unauthorized');
  });
});

describe('ProtocolClient events', () => {
  it('passes events on in order and drops duplicates, tolerating gaps', () => {
    const r = rig();
    online(r, 10);
    const s = r.sockets.current;
    s.deliver({ type: 'event', event: ev(9, 'PageTurned') });
    s.deliver({ type: 'event', event: ev(10, 'PageTurned') });
    s.deliver({ type: 'event', event: ev(11, 'PageTurned') });
    s.deliver({ type: 'event', event: ev(13, 'PageTurned') });
    s.deliver({ type: 'event', event: ev(13, 'PageTurned') });
    s.deliver({ type: 'event', event: ev(12, 'PageTurned') });
    expect(r.events.map((e) => e.seq)).toEqual([11, 13]);
    expect(r.client.lastSeq).toBe(13);
  });

  it('ignores unreadable frames', () => {
    const r = rig();
    online(r);
    r.sockets.current.onmessage?.({ data: '{not json' });
    r.sockets.current.deliver({ type: 'event', event: ev(11, 'PageTurned') });
    expect(r.events).toHaveLength(1);
  });
});

describe('ProtocolClient commands', () => {
  it('resolves on an ok ack and rejects on a refusal', async () => {
    const r = rig();
    online(r);
    const p1 = r.client.command('TurnPage', { page: 5 });
    const p2 = r.client.command('RequestFloor');
    const [c1, c2] = r.sockets.current.sent.filter((m) => m.type === 'command');
    expect(c1).toEqual({ type: 'command', id: c1.id, name: 'TurnPage', args: { page: 5 } });
    expect(c2.id).not.toBe(c1.id);
    expect(c2.args).toBeUndefined();
    r.sockets.current.deliver({ type: 'ack', id: c2.id, ok: false, error: { code: 'conflict', message: 'already waiting', message_vi: 'đã đăng ký' } });
    r.sockets.current.deliver({ type: 'ack', id: c1.id, ok: true, seq: 11 });
    await expect(p1).resolves.toMatchObject({ ok: true, seq: 11 });
    const err = await p2.catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.code).toBe('conflict');
    expect(err.messageVi).toBe('đã đăng ký');
    expect(r.client.pendingCount).toBe(0);
  });

  it('times out a command without an ack and ignores a late ack', async () => {
    const r = rig({ commandTimeoutMs: 2000 });
    online(r);
    const p = r.client.command('TurnPage', { page: 2 });
    const caught = p.catch((e) => e);
    vi.advanceTimersByTime(2000);
    expect((await caught).code).toBe('timeout');
    r.sockets.current.deliver({ type: 'ack', id: r.sockets.current.last('command').id, ok: true });
    expect(r.client.pendingCount).toBe(0);
  });

  it('holds commands issued offline and sends them after the welcome', async () => {
    const r = rig();
    r.client.start();
    const p = r.client.command('CheckIn', {});
    r.sockets.current.open();
    expect(r.sockets.current.sent.map((m) => m.type)).toEqual(['hello']);
    r.sockets.current.deliver(welcome(3));
    const cmd = r.sockets.current.last('command');
    expect(cmd.name).toBe('CheckIn');
    r.sockets.current.deliver({ type: 'ack', id: cmd.id, ok: true });
    await expect(p).resolves.toMatchObject({ ok: true });
  });

  it('rejects sent commands as disconnected when the connection drops', async () => {
    const r = rig();
    online(r);
    const p = r.client.command('CastBallot', { poll: 'v1', choice: 'for', ballot_id: 'b1' }).catch((e) => e);
    r.sockets.current.serverClose(1006);
    expect((await p).code).toBe('disconnected');
  });

  it('rejects everything on stop', async () => {
    const r = rig();
    r.client.start();
    const p = r.client.command('CheckIn').catch((e) => e);
    r.client.stop();
    expect((await p).code).toBe('stopped');
    expect(r.client.status).toBe('stopped');
    await expect(r.client.command('CheckIn')).rejects.toBeInstanceOf(CommandError);
  });
});

describe('ProtocolClient reconnection', () => {
  const resumable = [4008, 4009, 4011, 1006, 1001];
  for (const code of resumable) {
    it(`resumes with the last seq after close ${code}`, () => {
      const r = rig();
      online(r, 10);
      r.sockets.current.deliver({ type: 'event', event: ev(12, 'PageTurned') });
      r.sockets.current.serverClose(code);
      expect(r.client.status).toBe('reconnecting');
      expect(r.sockets.all).toHaveLength(1);
      vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
      expect(r.sockets.all).toHaveLength(2);
      r.sockets.current.open();
      expect(r.sockets.current.last('hello').last_seq).toBe(12);
      r.sockets.current.deliver(welcome(14, false));
      expect(r.client.status).toBe('online');
      expect(r.client.lastSeq).toBe(12);
    });
  }

  it('stops on 4001 and reconnects no more', () => {
    const r = rig();
    online(r);
    r.sockets.current.serverClose(4001);
    expect(r.client.status).toBe('unauthorized');
    vi.advanceTimersByTime(60000);
    expect(r.sockets.all).toHaveLength(1);
  });

  it('asks for a fresh snapshot after a protocol error and gives up after three', () => {
    const r = rig({ maxProtocolErrors: 3 });
    online(r, 10);
    r.sockets.current.serverClose(4002);
    vi.advanceTimersByTime(30000);
    r.sockets.current.open();
    expect(r.sockets.current.last('hello').last_seq).toBe(0);
    r.sockets.current.serverClose(4000);
    vi.advanceTimersByTime(30000);
    r.sockets.current.open();
    r.sockets.current.serverClose(4002);
    expect(r.client.status).toBe('failed');
    vi.advanceTimersByTime(60000);
    expect(r.sockets.all).toHaveLength(3);
  });

  it('backs off exponentially and resets after a welcome', () => {
    const r = rig({ backoff: { baseMs: 100, capMs: 1000 } });
    r.client.start();
    const opened = () => r.sockets.all.length;
    // Each failed attempt doubles the delay: 75, 150, 300, 600, 750 (capped) with random 0.5.
    for (const d of [75, 150, 300, 600, 750, 750]) {
      r.sockets.current.serverClose(1006);
      const before = opened();
      vi.advanceTimersByTime(d - 1);
      expect(opened()).toBe(before);
      vi.advanceTimersByTime(1);
      expect(opened()).toBe(before + 1);
    }
    r.sockets.current.open();
    r.sockets.current.deliver(welcome(1));
    r.sockets.current.serverClose(1006);
    const before = opened();
    vi.advanceTimersByTime(75);
    expect(opened()).toBe(before + 1);
  });

  it('waits retry_ms after a move', () => {
    const r = rig();
    online(r);
    r.sockets.current.deliver({ type: 'move', retry_ms: 5000 });
    r.sockets.current.serverClose(4009);
    vi.advanceTimersByTime(4999);
    expect(r.sockets.all).toHaveLength(1);
    // random 0.5 adds half of retry_ms as jitter.
    vi.advanceTimersByTime(2501);
    expect(r.sockets.all).toHaveLength(2);
  });

  it('retries at once when nudged', () => {
    const r = rig();
    online(r);
    r.sockets.current.serverClose(1006);
    r.client.nudge();
    expect(r.sockets.all).toHaveLength(2);
    r.client.nudge(); // already trying: no second socket
    expect(r.sockets.all).toHaveLength(2);
  });

  it('stops when the server replaced this connection by a newer one of the session (4029)', () => {
    const r = rig();
    online(r);
    r.sockets.current.serverClose(4029);
    vi.advanceTimersByTime(60_000);
    expect(r.sockets.all).toHaveLength(1);
    expect(r.client.status).toBe('failed');
  });

  it('ignores callbacks of a socket it already left', () => {
    const r = rig({ welcomeTimeoutMs: 1000 });
    r.client.start();
    const first = r.sockets.current;
    first.open();
    vi.advanceTimersByTime(1000); // no welcome: left
    first.deliver({ type: 'event', event: ev(5, 'PageTurned') });
    first.onclose?.({ code: 4001 });
    expect(r.events).toHaveLength(0);
    expect(r.client.status).toBe('reconnecting');
  });
});

describe('backoffDelay', () => {
  it('stays within [d/2, d) and under the cap', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 0.999)).toBeLessThan(500);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(50, () => 0.999)).toBeLessThan(15000);
    expect(backoffDelay(50, () => 0)).toBe(7500);
  });
});

describe('ProtocolClient refresh', () => {
  it('drops a live connection and resumes at once with the last seq', () => {
    const r = rig();
    online(r, 10);
    r.sockets.current.deliver({ type: 'event', event: ev(11, 'PageTurned') });
    r.client.refresh();
    expect(r.sockets.all[0].closedWith).toBe(1000);
    expect(r.sockets.all).toHaveLength(2);
    r.sockets.current.open();
    expect(r.sockets.current.last('hello').last_seq).toBe(11);
  });
});

describe('ProtocolClient heartbeat', () => {
  it('pings after silence and stays online while pongs come back', () => {
    const r = rig({ heartbeatMs: 10000, pongTimeoutMs: 5000 });
    online(r, 10);
    vi.advanceTimersByTime(9999);
    expect(r.sockets.current.sent.filter((m) => m.type === 'ping')).toHaveLength(0);
    vi.advanceTimersByTime(1);
    const ping = r.sockets.current.last('ping');
    expect(ping).toEqual({ type: 'ping', id: 'h1' });
    vi.advanceTimersByTime(4000);
    r.sockets.current.deliver({ type: 'pong', id: 'h1' });
    vi.advanceTimersByTime(5000); // past the pong deadline: answered, so still online
    expect(r.client.status).toBe('online');
    expect(r.sockets.all).toHaveLength(1);
    vi.advanceTimersByTime(5000); // another 10 s of silence: a second ping
    expect(r.sockets.current.last('ping')).toEqual({ type: 'ping', id: 'h2' });
  });

  it('any message counts as a sign of life: no ping while events flow', () => {
    const r = rig({ heartbeatMs: 10000 });
    online(r, 10);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(8000);
      r.sockets.current.deliver({ type: 'event', event: ev(11 + i, 'PageTurned') });
    }
    expect(r.sockets.current.sent.filter((m) => m.type === 'ping')).toHaveLength(0);
  });

  it('gives a silent connection up when the pong does not come, and resumes with the last seq', () => {
    const r = rig({ heartbeatMs: 10000, pongTimeoutMs: 5000 });
    online(r, 10);
    r.sockets.current.deliver({ type: 'event', event: ev(11, 'PageTurned') });
    vi.advanceTimersByTime(10000 + 5000);
    expect(r.client.status).toBe('reconnecting');
    expect(r.statuses).toContain('reconnecting');
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(r.sockets.all).toHaveLength(2);
    r.sockets.current.open();
    expect(r.sockets.current.last('hello').last_seq).toBe(11);
  });

  it('can be turned off', () => {
    const r = rig({ heartbeatMs: 0 });
    online(r, 10);
    vi.advanceTimersByTime(120000);
    expect(r.sockets.current.sent.filter((m) => m.type === 'ping')).toHaveLength(0);
    expect(r.client.status).toBe('online');
  });
});
