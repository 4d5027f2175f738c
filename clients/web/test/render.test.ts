// The page-render scheduler (src/core/render.ts) against a fake renderer:
// every render is a deferred promise the test completes (or not), defer and
// idle are queues the test runs, so that the order of events is explicit.
import { describe, expect, it } from 'vitest';
import { RenderScheduler, type DrawTask, type PageRenderer } from '../src/core/render';

type Surface = { page: number; id: number };

class FakeRenderer implements PageRenderer<Surface> {
  next = 1;
  /** renders: every draw, in order, with how it ended. */
  renders: { page: number; state: 'running' | 'done' | 'cancelled'; finish: () => void; fail: (e: unknown) => void; surface: Surface }[] = [];
  released: { page: number; surface: Surface | null }[] = [];
  /** ignoreCancel: the render completes although cancelled (too late to stop). */
  ignoreCancel = false;

  draw(page: number): DrawTask<Surface> {
    const surface = { page, id: this.next++ };
    let resolve!: (s: Surface) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<Surface>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const r = {
      page,
      state: 'running' as 'running' | 'done' | 'cancelled',
      surface,
      finish: () => {
        if (r.state === 'running' || (r.state === 'cancelled' && this.ignoreCancel)) {
          r.state = 'done';
          resolve(surface);
        }
      },
      fail: (e: unknown) => reject(e),
    };
    this.renders.push(r);
    return {
      promise,
      cancel: () => {
        if (r.state !== 'running') return;
        r.state = 'cancelled';
        if (!this.ignoreCancel) reject(Object.assign(new Error('cancelled'), { name: 'RenderingCancelledException' }));
      },
    };
  }

  release(page: number, surface: Surface | null): void {
    this.released.push({ page, surface });
  }

  running() {
    return this.renders.filter((r) => r.state === 'running');
  }
  last() {
    return this.renders[this.renders.length - 1];
  }
}

/** queue is a hand-run queue of callbacks (idle). */
function queue() {
  let q: (() => void)[] = [];
  return {
    add(f: () => void) {
      q.push(f);
      return () => {
        q = q.filter((g) => g !== f);
      };
    },
    run() {
      const now = q;
      q = [];
      for (const f of now) f();
    },
    get size() {
      return q.length;
    },
  };
}

/** clock is a fake clock with timers that run when advanced past. */
function clock() {
  let timers: { f: () => void; at: number }[] = [];
  const c = {
    now: 0,
    timer(f: () => void, ms: number) {
      const t = { f, at: c.now + ms };
      timers.push(t);
      return () => {
        timers = timers.filter((x) => x !== t);
      };
    },
    advance(ms: number) {
      c.now += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= c.now).sort((a, b) => a.at - b.at)[0];
        if (!due) return;
        timers = timers.filter((t) => t !== due);
        due.f();
      }
    },
  };
  return c;
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const BURST = 300;

function setup(o: { keep?: number; pages?: number } = {}) {
  const renderer = new FakeRenderer();
  const time = clock();
  const idle = queue();
  const shows: { page: number; surface: Surface }[] = [];
  const errors: unknown[] = [];
  const s = new RenderScheduler<Surface>({
    renderer,
    show: (page, surface) => shows.push({ page, surface }),
    timer: (f, ms) => time.timer(f, ms),
    idle: (f) => idle.add(f),
    clock: () => time.now,
    burstMs: BURST,
    keep: o.keep,
    onError: (_, e) => errors.push(e),
  });
  s.setPages(o.pages ?? 20);
  /** turn is a single turn, well after the previous one: page n is wanted and its render may start. */
  const turn = (n: number) => {
    time.advance(1000);
    s.want(n);
    time.advance(0);
  };
  /** flip turns to each page, gap ms apart (a burst when gap < BURST). */
  const flip = (pages: number[], gap: number) => {
    for (const n of pages) {
      s.want(n);
      time.advance(gap);
    }
  };
  /** finish completes the running render and lets its continuation run. */
  const finish = async () => {
    renderer.running().forEach((r) => r.finish());
    await settle();
  };
  /** quiet lets the turns stop long enough for the idle pre-render, and runs the idle callbacks. */
  const quiet = () => {
    time.advance(BURST);
    idle.run();
  };
  return { s, renderer, time, idle, shows, errors, turn, flip, finish, quiet };
}

describe('RenderScheduler: fast flips', () => {
  it.each<[string, number[], number]>([
    ['five turns at once', [2, 3, 4, 5, 6], 0],
    ['five turns 50 ms apart', [2, 3, 4, 5, 6], 50],
    ['ten turns 250 ms apart', [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 250],
    ['two turns', [2, 3], 100],
    ['forward and back', [2, 3, 2, 5], 80],
    ['a jump, then on', [9, 10, 11], 120],
  ])('%s, nothing shown yet: the first page starts at once, is cancelled, and only the last is drawn', async (_, pages, gap) => {
    const t = setup();
    t.flip(pages, gap);
    t.time.advance(BURST);
    const last = pages[pages.length - 1];
    expect(t.renderer.running().map((r) => r.page)).toEqual([last]);
    // Begun: the first turn's page (cancelled by the second) and the last.
    expect(t.renderer.renders.map((r) => [r.page, r.state])).toEqual([
      [pages[0], 'cancelled'],
      [last, 'running'],
    ]);
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([last]);
    expect(t.s.counters.drawn).toBe(1);
    expect(t.renderer.renders.filter((r) => r.state === 'done')).toHaveLength(1);
  });

  it.each<[string, number[], number]>([
    ['three turns 60 ms apart', [3, 4, 5], 60],
    ['six turns 150 ms apart', [3, 4, 5, 6, 7, 8], 150],
  ])('%s from a shown page: the pre-rendered next page is shown at once, the last page is the one render', async (_, flips, gap) => {
    const t = setup();
    t.turn(2);
    await t.finish(); // page 2 shown
    t.quiet(); // page 3 pre-rendered while idle
    await t.finish();
    const before = t.renderer.renders.length;
    t.flip(flips, gap);
    // No pre-render and no render while the flip goes on.
    expect(t.idle.size).toBe(0);
    t.time.advance(BURST);
    const last = flips[flips.length - 1];
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([2, 3, last]);
    expect(t.renderer.renders.slice(before).map((r) => [r.page, r.state])).toEqual([[last, 'done']]);
    expect(t.s.counters.hits).toBe(1);
  });

  it('a render in flight is cancelled by the next turn of a flip', async () => {
    const t = setup();
    t.turn(2);
    await t.finish();
    t.turn(7); // a jump: rendering at once
    expect(t.renderer.running().map((r) => r.page)).toEqual([7]);
    t.time.advance(40);
    t.s.want(8); // 40 ms later: a flip
    expect(t.renderer.last().state).toBe('cancelled');
    expect(t.s.counters.cancelled).toBe(1);
    t.time.advance(BURST - 1);
    expect(t.renderer.running()).toEqual([]); // not yet: the flip may go on
    t.time.advance(1);
    expect(t.renderer.running().map((r) => r.page)).toEqual([8]);
  });

  it('a single turn starts at once', () => {
    const t = setup();
    t.turn(4);
    expect(t.renderer.running().map((r) => r.page)).toEqual([4]);
  });
});

describe('RenderScheduler: stale renders', () => {
  it('a render that completes after a newer turn is dropped, never shown', async () => {
    const t = setup();
    t.renderer.ignoreCancel = true; // the cancel comes too late to stop it
    t.turn(4);
    const four = t.renderer.last();
    t.turn(7);
    four.finish(); // completes anyway
    await settle();
    expect(t.shows).toEqual([]);
    expect(t.s.counters.stale).toBe(1);
    expect(t.renderer.released.some((r) => r.page === 4 && r.surface === four.surface)).toBe(true);
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([7]);
  });

  it('a render completing after dispose is dropped', async () => {
    const t = setup();
    t.renderer.ignoreCancel = true;
    t.turn(2);
    t.s.dispose();
    t.renderer.last().finish();
    await settle();
    expect(t.shows).toEqual([]);
    expect(t.s.counters.stale).toBe(1);
  });

  it('a size change draws the shown page again, keeping the canvas until then', async () => {
    const t = setup();
    t.turn(2);
    await t.finish();
    t.s.invalidate();
    expect(t.s.keptPages()).toEqual([]);
    t.time.advance(0);
    expect(t.renderer.running().map((r) => r.page)).toEqual([2]);
    await t.finish();
    expect(t.shows.map((x) => x.surface.id)).toEqual([1, 2]);
  });

  it('a failed render is reported, and the next turn renders', async () => {
    const t = setup();
    t.turn(2);
    t.renderer.last().fail(new Error('bad page'));
    await settle();
    expect(t.errors).toHaveLength(1);
    expect(t.s.counters.failed).toBe(1);
    t.turn(3);
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([3]);
  });
});

describe('RenderScheduler: pre-rendering the next page', () => {
  it.each<[string, number, number, boolean]>([
    ['page 1 of 20: page 2 when idle', 1, 20, true],
    ['page 19 of 20: page 20 when idle', 19, 20, true],
    ['the last page: nothing', 20, 20, false],
  ])('%s', async (_, page, pages, expected) => {
    const t = setup({ pages });
    t.turn(page);
    await t.finish();
    expect(t.renderer.renders).toHaveLength(1); // nothing before idle
    t.quiet();
    expect(t.renderer.running().map((r) => r.page)).toEqual(expected ? [page + 1] : []);
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([page]); // pre-rendered, not shown
    expect(t.s.counters.prerendered).toBe(expected ? 1 : 0);
  });

  it('turning to the pre-rendered page shows it at once, without a render', async () => {
    const t = setup();
    t.turn(1);
    await t.finish();
    t.quiet();
    await t.finish(); // page 2 drawn while idle
    const before = t.renderer.renders.length;
    t.time.advance(1000);
    t.s.want(2); // no timer run: shown synchronously
    expect(t.shows.map((x) => x.page)).toEqual([1, 2]);
    expect(t.renderer.renders.length).toBe(before);
    expect(t.s.counters.hits).toBe(1);
    // and page 3 comes next when idle, once the turns have stopped
    t.idle.run();
    expect(t.renderer.running()).toEqual([]);
    t.quiet();
    expect(t.renderer.running().map((r) => r.page)).toEqual([3]);
  });

  it('turning to the page being pre-rendered waits for it instead of starting again', async () => {
    const t = setup();
    t.turn(1);
    await t.finish();
    t.quiet(); // page 2 starts
    t.turn(2);
    expect(t.renderer.renders.map((r) => r.page)).toEqual([1, 2]);
    await t.finish();
    expect(t.shows.map((x) => x.page)).toEqual([1, 2]);
  });

  it('a turn elsewhere cancels the pre-render', async () => {
    const t = setup();
    t.turn(1);
    await t.finish();
    t.quiet(); // page 2 starts
    t.turn(8);
    expect(t.renderer.renders.map((r) => [r.page, r.state])).toEqual([
      [1, 'done'],
      [2, 'cancelled'],
      [8, 'running'],
    ]);
  });

  it('no pre-render while a turn is pending', async () => {
    const t = setup();
    t.turn(1);
    await t.finish();
    t.time.advance(BURST);
    expect(t.idle.size).toBe(1);
    t.s.want(5); // the idle callback is withdrawn
    expect(t.idle.size).toBe(0);
  });
});

describe('RenderScheduler: releasing pages', () => {
  it.each<[string, number, number[], number[], number[]]>([
    // name, keep, pages visited (each drawn), kept at the end (LRU order), released (in order)
    ['keep 3, five pages', 3, [1, 2, 3, 4, 5], [3, 4, 5], [1, 2]],
    ['keep 1, three pages', 1, [1, 2, 3], [3], [1, 2]],
    ['keep 3, back to a kept page refreshes it', 3, [1, 2, 3, 1, 4], [3, 1, 4], [2]],
    ['keep 2, forward and back', 2, [5, 6, 5, 7], [5, 7], [6]],
  ])('%s', async (_, keep, visits, kept, released) => {
    const t = setup({ keep });
    for (const n of visits) {
      t.turn(n);
      await t.finish();
    }
    expect(t.s.keptPages()).toEqual(kept);
    expect(t.renderer.released.map((r) => r.page)).toEqual(released);
    // A released page is drawn again when wanted; a kept one is not.
    const before = t.renderer.renders.length;
    t.turn(kept[0]);
    expect(t.renderer.renders.length).toBe(before);
    if (released.length) {
      t.turn(released[0]);
      expect(t.renderer.renders.length).toBe(before + 1);
    }
  });

  it('a cancelled render releases its page', async () => {
    const t = setup();
    t.turn(3);
    t.turn(4);
    expect(t.renderer.released).toEqual([{ page: 3, surface: null }]);
  });

  it('dispose releases every kept page', async () => {
    const t = setup();
    for (const n of [1, 2]) {
      t.turn(n);
      await t.finish();
    }
    t.s.dispose();
    expect(t.renderer.released.map((r) => r.page).sort()).toEqual([1, 2]);
    expect(t.s.keptPages()).toEqual([]);
  });
});
