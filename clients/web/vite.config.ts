/// <reference types="vitest/config" />
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithEsbuild, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

// serviceWorker builds src/sw.ts into dist/sw.js, a classic script, with
// the build's version (a hash of every built file and of the worker) and
// the files to keep for starting offline: "/" (index.html) and every file
// of the bundle. A new build is a new version, hence a new cache.
function serviceWorker(): Plugin {
  const src = fileURLToPath(new URL('./src/sw.ts', import.meta.url));
  return {
    name: 'dais-sw',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      if (!files.includes('index.html')) this.error('dais-sw: index.html is not in the bundle');
      const code = readFileSync(src, 'utf8');
      const hash = createHash('sha256').update(code);
      for (const f of files) {
        const o = bundle[f];
        hash.update(f + '\0').update(o.type === 'chunk' ? o.code : o.source).update('\0');
      }
      const version = hash.digest('hex').slice(0, 16);
      const precache = ['/', ...files.filter((f) => f !== 'index.html').map((f) => '/' + f)];
      const js = await transformWithEsbuild(code, src, { loader: 'ts', format: 'iife', target: 'es2020', minify: false });
      const head = `// Dais service worker, build ${version}: see src/sw.ts.\nconst __DAIS_SW_VERSION__ = ${JSON.stringify(version)};\nconst __DAIS_SW_PRECACHE__ = ${JSON.stringify(precache)};\n`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: head + js.code });
    },
  };
}

// The build goes to dist/, which embed.go serves from the Go binary.
// `npm run dev` proxies the API and the WebSocket to a local daisd.
export default defineConfig({
  plugins: [preact(), serviceWorker()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // Every browser the app supports knows <link rel=modulepreload>: no polyfill run at start.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
