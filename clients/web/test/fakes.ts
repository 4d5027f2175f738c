// Test doubles: a scriptable WebSocket and a server-side view of it.
import type { SocketLike } from '../src/core/protocol';

export class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: any[] = [];
  closedWith: number | null = null;
  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.closedWith !== null) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000): void {
    this.closedWith = code;
  }

  // Server side.
  open(): void {
    this.onopen?.({});
  }
  deliver(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  serverClose(code: number, reason = ''): void {
    this.closedWith = code;
    this.onclose?.({ code, reason });
  }
  last(type?: string): any {
    const l = type ? this.sent.filter((m) => m.type === type) : this.sent;
    return l[l.length - 1];
  }
}

/** Sockets records every socket a client opens. */
export class Sockets {
  all: FakeSocket[] = [];
  factory = (url: string) => {
    const s = new FakeSocket(url);
    this.all.push(s);
    return s;
  };
  get current(): FakeSocket {
    return this.all[this.all.length - 1];
  }
}

export const ev = (seq: number, type: string, data: unknown = {}, at = '2026-12-03T01:00:00Z', actor = 'p-chair') => ({
  seq,
  type,
  at,
  actor,
  data,
});
