// The page-render scheduler of the document viewer (ui/document/PdfView).
// It decides which page is drawn when, so that a page turn on a slow tablet
// never shows a blank or half-drawn page and a fast flip by the chair costs
// one render, not one per page passed:
//
//   - A page is drawn off-screen (the renderer's surface) and shown in one
//     step when complete: the visible canvas keeps the previous page until
//     then.
//   - One render at a time. A newer turn cancels the render in flight (a
//     pdf.js render task is cancelled between its chunks). A turn that
//     comes less than `burstMs` after the previous one is part of a fast
//     flip: nothing is drawn until the turns stop for burstMs, so a flip
//     renders the page it ends on only (a single turn starts at once). A
//     render that completes although a newer turn made it stale is
//     dropped, never shown.
//   - When the wanted page is shown, nothing is in flight and no turn came
//     for burstMs, the next page is drawn when the main thread is idle;
//     turning to it then shows it at once, without a render.
//   - The surfaces of the `keep` most recently used pages are kept; a page
//     pushed out is released (its surface and pdf.js's data for it:
//     page.cleanup()).
//
// Nothing here touches the DOM or pdf.js: the renderer, the idle and timer
// hooks are given (a fake renderer in the tests).

/** DrawTask is one off-screen render of a page: it resolves with the drawn surface. */
export interface DrawTask<S> {
  promise: Promise<S>;
  /** cancel asks the render to stop; its promise then rejects (or resolves, if it was too late). */
  cancel(): void;
}

/** PageRenderer draws pages off-screen and frees what a page holds. */
export interface PageRenderer<S> {
  draw(page: number): DrawTask<S>;
  /** release frees a page's surface and data (it is no longer shown nor kept). */
  release(page: number, surface: S | null): void;
}

/** RenderCounters are the scheduler's counts, read by the browser benchmark (window.daisRender). */
export interface RenderCounters {
  /** wants: pages asked for (page turns, a new size). */
  wants: number;
  /** started: renders begun (shown pages and pre-renders). */
  started: number;
  /** drawn: renders that completed and were shown. */
  drawn: number;
  /** prerendered: renders of the next page completed while idle. */
  prerendered: number;
  /** hits: wants answered at once from a kept surface (no render). */
  hits: number;
  /** cancelled: renders cancelled because a newer turn came. */
  cancelled: number;
  /** stale: renders that completed after a newer turn made them stale, dropped. */
  stale: number;
  /** failed: renders that failed (not cancelled). */
  failed: number;
  /** released: pages released (pushed out of the kept ones, or cancelled). */
  released: number;
  /** shows: times a page was put on the visible canvas. */
  shows: number;
  /** page: the page last shown. */
  page: number;
  /** lastWantAt, lastShowAt: clock() at the last want and the last show (a turn's latency). */
  lastWantAt: number;
  lastShowAt: number;
}

export const newCounters = (): RenderCounters => ({
  wants: 0,
  started: 0,
  drawn: 0,
  prerendered: 0,
  hits: 0,
  cancelled: 0,
  stale: 0,
  failed: 0,
  released: 0,
  shows: 0,
  page: 0,
  lastWantAt: 0,
  lastShowAt: 0,
});

export interface SchedulerOptions<S> {
  renderer: PageRenderer<S>;
  /** show puts a drawn page on the visible canvas (in one synchronous step). */
  show(page: number, surface: S): void;
  /** idle runs f when the main thread is idle; it returns a function that cancels it. */
  idle(f: () => void): () => void;
  /** timer runs f after ms milliseconds (0: after the current task); it returns a cancel. */
  timer(f: () => void, ms: number): () => void;
  /** burstMs: turns closer than this are a fast flip (default 300 ms). */
  burstMs?: number;
  /** keep is how many pages' surfaces are kept (default 3: the shown page, the next, the previous). */
  keep?: number;
  /** onError is told of a render that failed (not cancelled). */
  onError?(page: number, err: unknown): void;
  counters?: RenderCounters;
  clock?: () => number;
}

type Flight<S> = { page: number; task: DrawTask<S>; prerender: boolean };

/** RenderScheduler shows the wanted page of one document; see the file comment. */
export class RenderScheduler<S> {
  readonly counters: RenderCounters;
  private wanted = 0;
  private shown = 0;
  private pages = 0;
  private flight: Flight<S> | null = null;
  /** kept surfaces, least recently used first. */
  private readonly kept = new Map<number, S>();
  private cancelIdle: (() => void) | null = null;
  private cancelDefer: (() => void) | null = null;
  private disposed = false;
  private readonly keep: number;
  private readonly clock: () => number;
  private readonly burstMs: number;
  /** lastWant is clock() at the last want (-Infinity: none yet). */
  private lastWant = -Infinity;

  constructor(private readonly o: SchedulerOptions<S>) {
    this.counters = o.counters ?? newCounters();
    this.keep = Math.max(1, o.keep ?? 3);
    this.burstMs = o.burstMs ?? 300;
    this.clock = o.clock ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  }

  /** setPages tells how many pages the document has (the next page is pre-rendered only within it). */
  setPages(n: number): void {
    this.pages = n;
  }

  /** shownPage is the page on the visible canvas (0: none yet). */
  get shownPage(): number {
    return this.shown;
  }

  /** keptPages lists the pages whose surfaces are kept, least recently used first. */
  keptPages(): number[] {
    return [...this.kept.keys()];
  }

  /** inFlight is the page being rendered, or 0. */
  get inFlight(): number {
    return this.flight?.page ?? 0;
  }

  /** want asks for page n to be shown. */
  want(n: number): void {
    if (this.disposed) return;
    this.counters.wants++;
    const now = this.clock();
    const burst = now - this.lastWant < this.burstMs;
    this.lastWant = now;
    this.counters.lastWantAt = now;
    this.wanted = n;
    if (n === this.shown) {
      // On the canvas already: a render of another wanted page is stale (a pre-render is not).
      this.stopDefer();
      if (this.flight && !this.flight.prerender) this.cancelFlight();
      this.scheduleIdle();
      return;
    }
    this.stopIdle();
    const hit = this.kept.get(n);
    if (hit !== undefined) {
      // Drawn already (pre-rendered, or visited): shown at once. A render
      // of another page in flight is no longer wanted.
      if (this.flight && this.flight.page !== n) this.cancelFlight();
      this.stopDefer();
      this.counters.hits++;
      this.touch(n, hit);
      this.put(n, hit);
      this.afterShown();
      return;
    }
    if (this.flight?.page === n) {
      // Being drawn (the idle pre-render of the next page): shown when done.
      this.flight.prerender = false;
      return;
    }
    if (this.flight) this.cancelFlight();
    this.schedule(burst ? this.burstMs : 0);
  }

  /**
   * invalidate drops every kept surface (the size or zoom changed): the
   * wanted page is drawn again, the visible canvas keeping the old drawing
   * until the new one is complete.
   */
  invalidate(): void {
    if (this.disposed) return;
    this.stopIdle();
    if (this.flight) this.cancelFlight();
    for (const [p, s] of [...this.kept]) this.drop(p, s);
    if (this.wanted > 0) {
      this.shown = 0; // the visible drawing is of the old size: draw the wanted page again
      this.schedule(0);
    }
  }

  /** dispose cancels everything and releases every kept page. */
  dispose(): void {
    if (this.disposed) return;
    this.stopIdle();
    this.stopDefer();
    if (this.flight) this.cancelFlight();
    for (const [p, s] of [...this.kept]) this.drop(p, s);
    this.disposed = true;
  }

  /** schedule starts the wanted page's render after ms (a later want in a burst pushes it back). */
  private schedule(ms: number): void {
    if (this.cancelDefer && ms === 0) return; // a start is due already: it will take the latest want
    this.stopDefer();
    this.cancelDefer = this.o.timer(() => {
      this.cancelDefer = null;
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (this.disposed || this.flight || this.wanted === 0) return;
    if (this.wanted === this.shown) {
      this.scheduleIdle();
      return;
    }
    const hit = this.kept.get(this.wanted);
    if (hit !== undefined) {
      this.touch(this.wanted, hit);
      this.put(this.wanted, hit);
      this.afterShown();
      return;
    }
    this.start(this.wanted, false);
  }

  private start(n: number, prerender: boolean): void {
    const task = this.o.renderer.draw(n);
    const f: Flight<S> = { page: n, task, prerender };
    this.flight = f;
    this.counters.started++;
    task.promise.then(
      (surface) => {
        if (this.flight !== f) {
          // Cancelled too late, or the scheduler was disposed: a newer turn made it stale.
          this.counters.stale++;
          if (this.kept.get(n) !== surface) this.release(n, surface);
          return;
        }
        this.flight = null;
        this.touch(n, surface);
        if (this.wanted === n) {
          this.counters.drawn++;
          this.put(n, surface);
          this.afterShown();
        } else {
          if (f.prerender) this.counters.prerendered++;
          // A pre-render done, or a page no longer wanted: the wanted one next.
          this.pump();
        }
      },
      (err: unknown) => {
        if (this.flight !== f) return; // cancelled: counted when cancelled
        this.flight = null;
        this.counters.failed++;
        this.o.onError?.(n, err);
        if (this.wanted !== n) this.pump();
      },
    );
  }

  private put(n: number, surface: S): void {
    this.shown = n;
    this.counters.shows++;
    this.counters.page = n;
    this.counters.lastShowAt = this.clock();
    this.o.show(n, surface);
  }

  private afterShown(): void {
    this.scheduleIdle();
  }

  /** scheduleIdle pre-renders the page after the shown one when the main thread is idle, burstMs after the last turn. */
  private scheduleIdle(): void {
    if (this.cancelIdle || this.disposed) return;
    const next = this.shown + 1;
    if (this.shown === 0 || this.shown !== this.wanted || (this.pages > 0 && next > this.pages) || this.kept.has(next)) return;
    const go = () => {
      this.cancelIdle = null;
      if (this.disposed || this.flight || this.wanted !== this.shown || this.shown + 1 !== next || this.kept.has(next)) return;
      this.start(next, true);
    };
    const wait = this.lastWant + this.burstMs - this.clock();
    if (wait <= 0) {
      this.cancelIdle = this.o.idle(go);
      return;
    }
    // A flip may go on: not before the turns have stopped for burstMs.
    let cancel = this.o.timer(() => {
      cancel = this.o.idle(go);
    }, wait);
    this.cancelIdle = () => cancel();
  }

  private cancelFlight(): void {
    const f = this.flight!;
    this.flight = null;
    this.counters.cancelled++;
    f.task.cancel();
    if (!this.kept.has(f.page)) this.release(f.page, null);
  }

  /** touch marks page n's surface as the most recently used, and releases the least recent beyond keep. */
  private touch(n: number, surface: S): void {
    this.kept.delete(n);
    this.kept.set(n, surface);
    while (this.kept.size > this.keep) {
      const [p, s] = this.kept.entries().next().value as [number, S];
      this.drop(p, s);
    }
  }

  private drop(p: number, s: S): void {
    this.kept.delete(p);
    this.release(p, s);
  }

  private release(p: number, s: S | null): void {
    this.counters.released++;
    try {
      this.o.renderer.release(p, s);
    } catch (err) {
      console.warn('dais: releasing a page failed', err);
    }
  }

  private stopIdle(): void {
    this.cancelIdle?.();
    this.cancelIdle = null;
  }

  private stopDefer(): void {
    this.cancelDefer?.();
    this.cancelDefer = null;
  }
}
