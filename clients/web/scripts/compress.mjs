// compress.mjs writes, beside every compressible file of dist/, its gzip
// (name.gz) and brotli (name.br) forms, at the highest levels: done once at
// build time, so daisd only chooses one by Accept-Encoding (realtime/httpapi
// Static) and never compresses while serving. A form that is not smaller
// than the file is not written. Usage: node scripts/compress.mjs [dir].
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
const compressible = /\.(html|js|mjs|css|json|svg|txt|map|webmanifest|wasm|ico|xml|bcmap|pfb|ttf)$/;

function* walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

let before = 0;
let afterBr = 0;
for (const p of walk(dir)) {
  if (p.endsWith('.gz') || p.endsWith('.br')) {
    unlinkSync(p); // from an older build
    continue;
  }
  if (!compressible.test(p)) continue;
  const raw = readFileSync(p);
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  before += raw.length;
  if (gz.length < raw.length) writeFileSync(p + '.gz', gz);
  if (br.length < raw.length) writeFileSync(p + '.br', br);
  afterBr += Math.min(br.length, raw.length);
}
console.log(`compress: ${(before / 1e6).toFixed(2)} MB of compressible files, ${(afterBr / 1e6).toFixed(2)} MB with brotli`);
