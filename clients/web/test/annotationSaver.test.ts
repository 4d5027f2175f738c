// The edits of one annotation are coalesced (core/annotationSaver.ts): one
// send at a time per annotation, the latest content retried after a
// rate_limited refusal, every caller settled by what was finally written.
import { describe, expect, it } from 'vitest';
import { AnnotationSaver } from '../src/core/annotationSaver';
import type { AckMsg, Annotation } from '../src/core/types';

const note = (id: string, text: string): Annotation =>
  ({ id, document: 'doc1', page: 1, kind: 'note', color: '#FFCC00', rect: [0.1, 0.1, 0, 0], text }) as Annotation;

// server answers each send when the test says, recording what was sent.
function server() {
  const sent: { text: string; answer: (ok: boolean, code?: string) => void }[] = [];
  let seq = 10;
  const send = (a: Annotation) =>
    new Promise<AckMsg>((resolve, reject) => {
      sent.push({
        text: a.text ?? '',
        answer: (ok, code = 'rate_limited') =>
          ok ? resolve({ type: 'ack', id: 'c', ok: true, seq: ++seq } as AckMsg) : reject(Object.assign(new Error(code), { code })),
      });
    });
  return { sent, send };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('AnnotationSaver', () => {
  it('sends one edit at a time and then only the latest', async () => {
    const s = server();
    const saver = new AnnotationSaver(s.send, { sleep: async () => {} });
    const p1 = saver.save(note('n1', 'một'), false);
    const p2 = saver.save(note('n1', 'hai'), false);
    const p3 = saver.save(note('n1', 'ba'), false);
    await tick();
    expect(s.sent.map((x) => x.text)).toEqual(['một']);
    s.sent[0].answer(true);
    await tick();
    expect(s.sent.map((x) => x.text)).toEqual(['một', 'ba']);
    s.sent[1].answer(true);
    const acks = await Promise.all([p1, p2, p3]);
    // Every caller learns the seq of the content the log finally holds.
    expect(acks.map((a) => a.seq)).toEqual([12, 12, 12]);
    expect(saver.busy).toBe(false);
  });

  it('retries a rate_limited edit after the wait, with the latest content', async () => {
    const s = server();
    const waits: number[] = [];
    const saver = new AnnotationSaver(s.send, { retryMs: 1000, sleep: async (ms) => void waits.push(ms) });
    const p1 = saver.save(note('n1', 'một'), false);
    await tick();
    const p2 = saver.save(note('n1', 'hai'), false);
    s.sent[0].answer(false); // "một" was not written
    await tick();
    await tick();
    expect(waits).toEqual([1000]);
    expect(s.sent.map((x) => x.text)).toEqual(['một', 'hai']);
    s.sent[1].answer(true);
    expect((await p1).seq).toBe(11);
    expect((await p2).seq).toBe(11);
  });

  it('gives up after maxTries and reports the refusal to every caller', async () => {
    const s = server();
    const saver = new AnnotationSaver(s.send, { maxTries: 2, sleep: async () => {} });
    const p = saver.save(note('n1', 'một'), false);
    await tick();
    s.sent[0].answer(false);
    await tick();
    await tick();
    s.sent[1].answer(false);
    await expect(p).rejects.toMatchObject({ code: 'rate_limited' });
    expect(s.sent).toHaveLength(2);
  });

  it('reports another refusal at once, and keeps annotations apart', async () => {
    const s = server();
    const saver = new AnnotationSaver(s.send, { sleep: async () => {} });
    const a = saver.save(note('n1', 'một'), false);
    const b = saver.save(note('n2', 'hai'), false);
    const c = saver.save(note('n1', 'chung'), true); // the room's n1 is another annotation
    await tick();
    expect(s.sent.map((x) => x.text)).toEqual(['một', 'hai', 'chung']);
    s.sent[0].answer(false, 'forbidden');
    s.sent[1].answer(true);
    s.sent[2].answer(true);
    await expect(a).rejects.toMatchObject({ code: 'forbidden' });
    expect((await b).ok).toBe(true);
    expect((await c).ok).toBe(true);
  });
});
