import { describe, expect, it } from 'vitest';
import { BallotSender, type BallotState } from '../src/core/ballot';

/** rig is a sender whose sends are settled by hand, with a switchable connection. */
function rig(online = true) {
  const net = { online };
  const sends: { choice: string; ok: () => void; fail: (code: string) => void }[] = [];
  const seen: string[] = [];
  const b = new BallotSender({
    send: (choice) =>
      new Promise((ok, fail) => {
        sends.push({ choice, ok: () => ok(undefined), fail: (code) => fail(Object.assign(new Error(code), { code })) });
      }),
    online: () => net.online,
    changed: (s: BallotState) => seen.push(s.kind),
  });
  return { b, net, sends, seen };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('BallotSender', () => {
  it('online: sending, then recorded on the ack', async () => {
    const { b, sends, seen } = rig();
    b.cast('for');
    expect(b.state).toEqual({ kind: 'sending', choice: 'for' });
    sends[0].ok();
    await tick();
    expect(b.state).toEqual({ kind: 'recorded', choice: 'for' });
    expect(seen).toEqual(['sending', 'recorded']);
  });
  it('offline: says so at once, sends nothing, then sends by itself on reconnect and is recorded after the ack', async () => {
    const { b, net, sends, seen } = rig(false);
    b.cast('against');
    expect(b.state).toEqual({ kind: 'waiting', choice: 'against' });
    expect(sends).toHaveLength(0);
    net.online = true;
    b.connection(true);
    expect(sends.map((x) => x.choice)).toEqual(['against']);
    expect(b.state.kind).toBe('sending');
    sends[0].ok();
    await tick();
    expect(seen).toEqual(['waiting', 'sending', 'recorded']);
  });
  it('lost while sending (the network dropped): waiting, then the same ballot again on reconnect', async () => {
    const { b, net, sends } = rig();
    b.cast('for');
    net.online = false;
    sends[0].fail('disconnected');
    await tick();
    expect(b.state).toEqual({ kind: 'waiting', choice: 'for' });
    b.connection(true);
    expect(sends).toHaveLength(1); // still offline as far as online() says
    net.online = true;
    b.connection(true);
    expect(sends.map((x) => x.choice)).toEqual(['for', 'for']);
  });
  it('a timeout while online sends the same ballot again', async () => {
    const { b, sends } = rig();
    b.cast('for');
    sends[0].fail('timeout');
    await tick();
    expect(b.state.kind).toBe('sending');
    expect(sends).toHaveLength(2);
  });
  it('a refusal is said with its reason and may be followed by another choice', async () => {
    const { b, sends } = rig();
    b.cast('for');
    sends[0].fail('forbidden');
    await tick();
    expect(b.state).toMatchObject({ kind: 'refused', choice: 'for' });
    b.cast('against');
    expect(b.state).toEqual({ kind: 'sending', choice: 'against' });
  });
  it('the state showing the ballot makes it recorded, and a late failure of the old send changes nothing', async () => {
    const { b, sends } = rig();
    b.cast('for');
    b.seen();
    expect(b.state).toEqual({ kind: 'recorded', choice: 'for' });
    sends[0].fail('timeout');
    await tick();
    expect(b.state.kind).toBe('recorded');
    expect(sends).toHaveLength(1);
  });
  it('never two sends at once, and nothing after recorded', async () => {
    const { b, sends } = rig();
    b.cast('for');
    b.cast('for');
    expect(sends).toHaveLength(1);
    sends[0].ok();
    await tick();
    b.cast('against');
    b.connection(true);
    expect(sends).toHaveLength(1);
  });
  it('stopping the client keeps the ballot waiting without a loop', async () => {
    const { b, sends } = rig();
    b.cast('for');
    sends[0].fail('stopped');
    await tick();
    expect(b.state).toEqual({ kind: 'waiting', choice: 'for' });
    expect(sends).toHaveLength(1);
  });
  it('reset forgets a waiting ballot', () => {
    const { b, sends } = rig(false);
    b.cast('for');
    b.reset();
    b.connection(true);
    expect(b.state.kind).toBe('idle');
    expect(sends).toHaveLength(0);
  });
});
