// The service worker's logic (src/sw.ts): which requests it answers and
// how, what it keeps at install, which caches a new build deletes, and the
// answers when the network is down, against a fake Cache API and fetch.
import { describe, expect, it } from 'vitest';
import { route, shellCache, shellWorker, staleShells, type CacheLike, type CachesLike, type Strategy } from '../src/sw';

const origin = 'https://dais.example.vn';

describe('route', () => {
  it.each<[string, string, string, Strategy]>([
    ['a navigation to the app', 'GET', `${origin}/`, 'shell'],
    ['a navigation with a sign-in code', 'GET', `${origin}/?code=K7Q2-M4XP`, 'shell'],
    ['a navigation to the room display', 'GET', `${origin}/?display=1`, 'shell'],
    ['a navigation to index.html', 'GET', `${origin}/index.html`, 'shell'],
    ['an opened API link (annotated copy)', 'GET', `${origin}/api/v1/meetings/m1/documents/d1/annotated?token=t`, 'pass'],
    ['a navigation to the metrics', 'GET', `${origin}/metrics`, 'pass'],
    ['a navigation elsewhere', 'GET', 'https://example.com/', 'pass'],
  ])('%s', (_, method, url, want) => {
    expect(route({ method, url, mode: 'navigate' }, origin)).toBe(want);
  });

  it.each<[string, string, string, Strategy]>([
    ['a hashed script', 'GET', `${origin}/assets/index-DtkHZ9ik.js`, 'cache-first'],
    ['the pdf.js worker', 'GET', `${origin}/assets/pdf.worker.min-FHbmGBN0.mjs`, 'cache-first'],
    ['a document', 'GET', `${origin}/api/v1/meetings/m1/documents/d1/file`, 'pass'],
    ['the API root', 'GET', `${origin}/api`, 'pass'],
    ['the socket', 'GET', `${origin}/ws`, 'pass'],
    ['an upload', 'POST', `${origin}/api/v1/meetings/m1/documents`, 'pass'],
    ['a POST to an asset path', 'POST', `${origin}/assets/x.js`, 'pass'],
    ['an asset of another origin', 'GET', 'https://cdn.example.com/assets/x.js', 'pass'],
    ['the worker itself', 'GET', `${origin}/sw.js`, 'pass'],
    ['a fetch of the index (not a navigation)', 'GET', `${origin}/`, 'pass'],
    ['robots.txt', 'GET', `${origin}/robots.txt`, 'pass'],
    ['a bad URL', 'GET', 'not a url', 'pass'],
  ])('%s', (_, method, url, want) => {
    expect(route({ method, url, mode: 'cors' }, origin)).toBe(want);
  });
});

describe('caches', () => {
  it('names a cache per build', () => {
    expect(shellCache('abc123')).toBe('dais-shell-abc123');
  });
  it('deletes the shells of other builds and never the documents', () => {
    expect(staleShells(['dais-shell-old1', 'dais-docs:m1', 'dais-shell-new', 'dais-shell-old2', 'other'], 'new')).toEqual(['dais-shell-old1', 'dais-shell-old2']);
  });
});

// FakeCaches is a Cache API in memory, keyed by URL.
class FakeCaches implements CachesLike {
  stores = new Map<string, Map<string, Response>>();
  async open(name: string): Promise<CacheLike> {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    const m = this.stores.get(name)!;
    const key = (r: Request | string) => (typeof r === 'string' ? r : r.url);
    return {
      match: async (r) => m.get(key(r))?.clone(),
      put: async (r, res) => void m.set(key(r), res),
    };
  }
  async keys() {
    return [...this.stores.keys()];
  }
  async delete(name: string) {
    return this.stores.delete(name);
  }
}

/**
 * Net is the browser's fetch as the worker sees it: an HTTP cache holding
 * the paths in `cached` (what the page fetched), answered for cache mode
 * "only-if-cached" without the network; everything else goes to
 * `network`, and is recorded in `fetched` (the bytes that cross the air).
 */
class Net {
  cached = new Set<string>();
  fetched: string[] = [];
  network: (r: Request) => Promise<Response> = async (r) => new Response('net ' + new URL(r.url).pathname, { status: 200 });
  fetch = async (r: Request | string): Promise<Response> => {
    const req = typeof r === 'string' ? new Request(r) : r;
    const path = new URL(req.url).pathname;
    if (req.cache === 'only-if-cached') {
      if (req.mode !== 'same-origin') throw new TypeError('only-if-cached needs same-origin');
      if (this.cached.has(path)) return new Response('cached ' + path, { status: 200 });
      throw new TypeError('not in the HTTP cache');
    }
    this.fetched.push(req.url);
    return this.network(req);
  };
}

const built = ['/', '/assets/index-A.js', '/assets/index-B.css', '/assets/pdf-C.js', '/assets/pdf.worker-D.mjs'];

function setup(network?: (r: Request) => Promise<Response>, o: { cached?: string[] } = {}) {
  const caches = new FakeCaches();
  const net = new Net();
  if (network) net.network = network;
  for (const p of o.cached ?? built.slice(1)) net.cached.add(p);
  const w = shellWorker({ version: 'v2', precache: built, origin, caches, fetch: net.fetch });
  const kept = () => [...(caches.stores.get('dais-shell-v2')?.keys() ?? [])].map((u) => new URL(u).pathname).sort();
  return { caches, net, fetched: net.fetched, w, kept };
}
// A navigation (a Request cannot be made with mode "navigate" outside a browser).
const nav = (path: string) => Object.defineProperty(new Request(origin + path), 'mode', { value: 'navigate' }) as Request;
const offline = () => Promise.reject(new TypeError('Failed to fetch'));

describe('shellWorker install: nothing downloaded twice', () => {
  it.each<[string, string[], string[], string[]]>([
    // name, in the HTTP cache (fetched by the page), kept after install, fetched from the network
    ['the page fetched every file (registered after the first page)', built.slice(1), built, ['/']],
    ['the sign-in screen: pdf.js not fetched yet', ['/assets/index-A.js', '/assets/index-B.css'], ['/', '/assets/index-A.js', '/assets/index-B.css'], ['/']],
    ['nothing in the HTTP cache', [], ['/'], ['/']],
  ])('first install, %s', async (_, cached, kept, fetched) => {
    const t = setup(undefined, { cached });
    await t.w.install();
    expect(t.kept()).toEqual([...kept].sort());
    expect(t.fetched.map((u) => new URL(u).pathname)).toEqual(fetched);
    expect(await (await t.caches.open('dais-shell-v2')).match(origin + '/assets/index-A.js').then((r) => r?.text())).toBe(
      cached.includes('/assets/index-A.js') ? 'cached /assets/index-A.js' : undefined,
    );
  });

  it('"/" is revalidated, not taken from the HTTP cache', async () => {
    const t = setup();
    await t.w.install();
    expect(t.fetched).toEqual([`${origin}/`]);
  });

  it('a file not kept at install is kept when the page asks for it, downloaded once', async () => {
    const t = setup(undefined, { cached: ['/assets/index-A.js'] });
    await t.w.install();
    const worker = `${origin}/assets/pdf.worker-D.mjs`;
    expect(await (await t.w.respond(new Request(worker))!).text()).toBe('net /assets/pdf.worker-D.mjs');
    expect(await (await t.w.respond(new Request(worker))!).text()).toBe('net /assets/pdf.worker-D.mjs');
    expect(t.fetched.filter((u) => u === worker)).toHaveLength(1);
  });

  it('an upgrade fetches the new build\'s files the HTTP cache lacks', async () => {
    const t = setup(undefined, { cached: ['/assets/index-A.js'] });
    await t.caches.open('dais-shell-v1');
    await t.w.install();
    expect(t.kept()).toEqual([...built].sort());
    expect(t.fetched.map((u) => new URL(u).pathname).sort()).toEqual(['/', '/assets/index-B.css', '/assets/pdf-C.js', '/assets/pdf.worker-D.mjs']);
  });

  it.each([
    ['the network is down', offline],
    ['the server answers 500', async () => new Response('no', { status: 500 })],
  ])('fails when "/" cannot be fetched: %s', async (_, network) => {
    const t = setup(network);
    await expect(t.w.install()).rejects.toThrow();
  });
});

describe('shellWorker', () => {
  it('deletes older shells at activation and keeps the documents', async () => {
    const { caches, w } = setup();
    await caches.open('dais-shell-v1');
    await caches.open('dais-docs:m1');
    await w.install();
    await w.activate();
    expect((await caches.keys()).sort()).toEqual(['dais-docs:m1', 'dais-shell-v2']);
  });

  it('answers a navigation from the network when it can', async () => {
    const { w, fetched } = setup(async () => new Response('fresh index', { status: 200 }));
    await w.install();
    fetched.length = 0;
    const res = await w.respond(nav('/?code=K7Q2'))!;
    expect(await res.text()).toBe('fresh index');
    expect(fetched).toEqual([`${origin}/?code=K7Q2`]);
  });

  it.each([
    ['the network is down', offline],
    ['the server answers 502', async () => new Response('bad gateway', { status: 502 })],
  ])('answers a navigation with the kept index when %s', async (_, network) => {
    const t = setup();
    await t.w.install();
    t.net.network = network;
    const res = await t.w.respond(nav('/?display=1'))!;
    expect(await res.text()).toBe('net /');
  });

  it('passes a 404 of a navigation on', async () => {
    const t = setup();
    await t.w.install();
    t.net.network = async () => new Response('no', { status: 404 });
    expect((await t.w.respond(nav('/'))!).status).toBe(404);
  });

  it('fails a navigation offline when nothing is kept', async () => {
    const { w } = setup(offline);
    await expect(w.respond(nav('/'))!).rejects.toThrow('Failed to fetch');
  });

  it('answers kept assets without the network, and keeps those fetched', async () => {
    const { w, fetched, caches } = setup();
    await w.install();
    fetched.length = 0;
    expect(await (await w.respond(new Request(`${origin}/assets/index-A.js`))!).text()).toBe('cached /assets/index-A.js');
    expect(fetched).toEqual([]);
    expect(await (await w.respond(new Request(`${origin}/assets/lazy-C.js`))!).text()).toBe('net /assets/lazy-C.js');
    expect(fetched).toEqual([`${origin}/assets/lazy-C.js`]);
    expect(caches.stores.get('dais-shell-v2')!.has(`${origin}/assets/lazy-C.js`)).toBe(true);
  });

  it('does not keep an asset the server did not find', async () => {
    const { w, caches } = setup(async () => new Response('no', { status: 404 }));
    expect((await w.respond(new Request(`${origin}/assets/gone-D.js`))!).status).toBe(404);
    expect(caches.stores.get('dais-shell-v2')!.has(`${origin}/assets/gone-D.js`)).toBe(false);
  });

  it('leaves the API, the socket and uploads to the browser', () => {
    const { w } = setup(offline);
    expect(w.respond(new Request(`${origin}/api/v1/meetings/m1/documents/d1/file`))).toBeNull();
    expect(w.respond(new Request(`${origin}/ws`))).toBeNull();
    expect(w.respond(new Request(`${origin}/api/v1/meetings/m1/documents`, { method: 'POST', body: 'x' }))).toBeNull();
  });
});
