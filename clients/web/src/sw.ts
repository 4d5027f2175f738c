// The service worker that keeps the app shell (index.html and the built
// assets) so that a tablet reloading the page while the network is down
// still starts the app; the app then shows its connection banner, and the
// documents it kept itself (core/offline.ts, caches "dais-docs:…").
//
// The build (vite.config.ts, plugin "dais-sw") turns this file into
// dist/sw.js, a classic script, and puts before it the build's version (a
// hash of every built file) and the list of files to keep. Each build is a
// new cache, "dais-shell-<version>"; a new worker takes over at once
// (skipWaiting, clients.claim) and deletes the older shell caches, so that
// a tablet never starts an old app from its cache after an upgrade.
//
// No file is downloaded twice (issue 17: the precache used to race the page
// and fetch pdf.js and its worker a second time). The app registers this
// worker after its first page is drawn (main.tsx), when the page has
// fetched what it needs; at install the built files are taken from the
// browser's HTTP cache (cache mode "only-if-cached": never the network).
// A file the page has not fetched yet is not downloaded at a first install:
// it is kept when the page asks for it (cache first, below). Only "/"
// (index.html, ≈0.5 kB) is fetched, revalidated, as the page loaded it
// under another address (?code=…). At an upgrade (an older shell is kept)
// the page runs the old build, so the new build's files missing from the
// HTTP cache are fetched from the network.
//
//   - Navigations to the app ("/", "/index.html", with any query): the
//     network first; when it cannot be reached (or answers 5xx), the kept
//     index.html.
//   - /assets/* (names with a content hash): the cache first, else the
//     network, kept.
//   - /api and /ws, other origins, anything but GET, other paths: not
//     handled here at all (nothing of them is ever cached by this worker).
//
// The functions are exported for the tests; the worker's events are wired
// only when this runs as a service worker.

/** SHELL_PREFIX starts the name of every shell cache (never "dais-docs:", the documents' caches). */
export const SHELL_PREFIX = 'dais-shell-';

/** shellCache names the cache of one build. */
export const shellCache = (version: string) => SHELL_PREFIX + version;

/** Strategy is how the worker answers a request. */
export type Strategy = 'pass' | 'shell' | 'cache-first';

/** RequestInfo is what route looks at. */
export interface RouteRequest {
  method: string;
  url: string;
  mode?: string;
}

/** route chooses how to answer a request made from the app at origin. */
export function route(req: RouteRequest, origin: string): Strategy {
  if (req.method !== 'GET') return 'pass';
  let u: URL;
  try {
    u = new URL(req.url);
  } catch {
    return 'pass';
  }
  if (u.origin !== origin) return 'pass';
  const p = u.pathname;
  if (p === '/api' || p.startsWith('/api/') || p === '/ws' || p.startsWith('/ws/')) return 'pass';
  if (req.mode === 'navigate') return p === '/' || p === '/index.html' ? 'shell' : 'pass';
  if (p.startsWith('/assets/')) return 'cache-first';
  return 'pass';
}

/** staleShells lists the shell caches of other builds, to delete. */
export function staleShells(names: readonly string[], version: string): string[] {
  return names.filter((n) => n.startsWith(SHELL_PREFIX) && n !== shellCache(version));
}

/** CacheLike and CachesLike are the parts of the Cache API the worker uses. */
export interface CacheLike {
  match(req: Request | string): Promise<Response | undefined>;
  put(req: Request | string, res: Response): Promise<void>;
}
export interface CachesLike {
  open(name: string): Promise<CacheLike>;
  keys(): Promise<string[]>;
  delete(name: string): Promise<boolean>;
}

/** Deps is what the worker needs from its global scope (fakes in tests). */
export interface Deps {
  version: string;
  /** precache lists the paths to keep at install: "/" (index.html) and the built files. */
  precache: string[];
  origin: string;
  caches: CachesLike;
  fetch: (req: Request | string) => Promise<Response>;
}

/** shellWorker returns the worker's handlers for one build. */
export function shellWorker(d: Deps) {
  const name = shellCache(d.version);
  return {
    /**
     * install keeps "/" (from the network, revalidated) and the build's
     * files the HTTP cache holds; at an upgrade, the others from the
     * network too. A file that cannot be fetched fails the install.
     */
    async install(): Promise<void> {
      const cache = await d.caches.open(name);
      const upgrade = staleShells(await d.caches.keys(), d.version).length > 0;
      await Promise.all(
        d.precache.map(async (p) => {
          const url = new URL(p, d.origin).href;
          if (p !== '/') {
            const hit = await d.fetch(new Request(url, { cache: 'only-if-cached', mode: 'same-origin' })).catch(() => null);
            if (hit?.status === 200) return cache.put(url, hit);
            if (!upgrade) return; // not fetched by the page yet: kept when it is
          }
          const res = await d.fetch(new Request(url, { cache: 'no-cache' }));
          if (res.status !== 200) throw new TypeError(`dais-sw: ${p}: HTTP ${res.status}`);
          return cache.put(url, res);
        }),
      );
    },
    /** activate deletes the shell caches of other builds (the documents' caches stay). */
    async activate(): Promise<void> {
      await Promise.all(staleShells(await d.caches.keys(), d.version).map((n) => d.caches.delete(n)));
    },
    /** respond answers a request, or returns null to leave it to the browser. */
    respond(req: Request): Promise<Response> | null {
      switch (route(req, d.origin)) {
        case 'shell':
          return shell(req);
        case 'cache-first':
          return cacheFirst(req);
        default:
          return null;
      }
    },
  };

  async function shell(req: Request): Promise<Response> {
    try {
      const res = await d.fetch(req);
      if (res.status < 500) return res;
      return (await kept()) ?? res;
    } catch (err) {
      const r = await kept();
      if (r) return r;
      throw err;
    }
  }

  async function kept(): Promise<Response | undefined> {
    const cache = await d.caches.open(name);
    return (await cache.match(d.origin + '/')) ?? (await cache.match(d.origin + '/index.html'));
  }

  async function cacheFirst(req: Request): Promise<Response> {
    const cache = await d.caches.open(name);
    const hit = await cache.match(req);
    if (hit) return hit;
    const res = await d.fetch(req);
    if (res.status === 200) await cache.put(req, res.clone()).catch(() => {});
    return res;
  }
}

// The build puts these before the script (see vite.config.ts).
declare const __DAIS_SW_VERSION__: string;
declare const __DAIS_SW_PRECACHE__: string[];

interface ExtendableEventLike extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
interface WorkerScope {
  location: Location;
  caches: CachesLike;
  fetch(req: Request | string): Promise<Response>;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: string, f: (e: Event) => void): void;
}

const scope = globalThis as unknown as WorkerScope & { ServiceWorkerGlobalScope?: new () => unknown };
if (typeof scope.ServiceWorkerGlobalScope === 'function' && scope instanceof scope.ServiceWorkerGlobalScope) {
  const w = shellWorker({
    version: __DAIS_SW_VERSION__,
    precache: __DAIS_SW_PRECACHE__,
    origin: scope.location.origin,
    caches: scope.caches,
    fetch: (r) => scope.fetch(r),
  });
  scope.addEventListener('install', (e) => (e as ExtendableEventLike).waitUntil(w.install().then(() => scope.skipWaiting())));
  scope.addEventListener('activate', (e) => (e as ExtendableEventLike).waitUntil(w.activate().then(() => scope.clients.claim())));
  scope.addEventListener('fetch', (e) => {
    const fe = e as FetchEventLike;
    const r = w.respond(fe.request);
    if (r) fe.respondWith(r);
  });
}
