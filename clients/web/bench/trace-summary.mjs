// trace-summary reads a Chrome trace of the browser bench's cold start
// (TRACE=file npm run bench:browser) and prints the tablet's main thread
// task by task from the navigation to the first page: when each task ran,
// how long, and where its time went (self time by event: script
// evaluation and compilation, functions by script, style, layout, paint,
// garbage collection), then the totals by event.
//
//   node bench/trace-summary.mjs /tmp/trace.json [min task ms, default 4]

import { readFileSync } from 'node:fs';

const file = process.argv[2];
const minMs = Number(process.argv[3] ?? 4);
const raw = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(raw) ? raw : raw.traceEvents;

const threadName = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);

// The tablet: the process whose page set the first-page mark.
const fp = events.find((e) => e.name === 'dais:first-page');
if (!fp) throw new Error('no dais:first-page mark in the trace');
const pid = fp.pid;
const main = [...threadName].find(([k, v]) => k.startsWith(pid + ':') && v === 'CrRendererMain')?.[0];
if (!main) throw new Error('no renderer main thread');
const marks = events.filter((e) => e.pid === pid && typeof e.name === 'string' && e.name.startsWith('dais:') && e.ph !== 'e');
const navs = events.filter((e) => e.pid === pid && e.name === 'navigationStart');
const t0 = (navs.filter((e) => e.ts <= fp.ts).pop() ?? navs[0]).ts;
const rel = (ts) => (ts - t0) / 1000;

const ours = events.filter((e) => `${e.pid}:${e.tid}` === main && (e.ph === 'X' || e.ph === 'B' || e.ph === 'E')).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));

// Complete events with their self time.
const spans = [];
const open = [];
for (const e of ours) {
  if (e.ph === 'E') {
    const s = open.pop();
    if (s) s.end = e.ts;
    continue;
  }
  const s = { name: label(e), ts: e.ts, end: e.ph === 'X' ? e.ts + (e.dur ?? 0) : null, kids: 0, task: null };
  while (open.length && open[open.length - 1].end !== null && open[open.length - 1].end <= e.ts) open.pop();
  const parent = open[open.length - 1];
  s.parent = parent ?? null;
  spans.push(s);
  if (e.ph === 'B' || s.end > s.ts) open.push(s);
}
for (const s of spans) if (s.end === null) s.end = s.ts;
for (const s of spans) if (s.parent) s.parent.kids += s.end - s.ts;

function label(e) {
  const d = e.args?.data ?? {};
  const url = (d.url ?? d.stackTrace?.[0]?.url ?? '').replace(/^.*\//, '').replace(/\?.*$/, '');
  if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.compile' || e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule')
    return `${e.name}${url ? ' ' + url : d.functionName ? ' ' + d.functionName : ''}`;
  if (e.name === 'EventDispatch') return `EventDispatch ${d.type ?? ''}`;
  if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame') return e.name;
  return e.name;
}

const isTask = (s) => !s.parent;
const end = fp.ts;
let busy = 0;
const totals = new Map();
console.log(`main thread of the tablet (pid ${pid}), ms since navigation; tasks ≥ ${minMs} ms until first-page ${rel(end).toFixed(0)}`);
const markList = marks.map((m) => `${m.name.slice(5)} ${rel(m.ts).toFixed(0)}`);
console.log('marks:', markList.join(' · '));
const tasks = spans.filter((s) => isTask(s) && s.ts < end && s.end > t0);
for (const task of tasks) {
  const d = (task.end - task.ts) / 1000;
  busy += d;
  const self = new Map();
  for (const s of spans) {
    if (s.ts < task.ts || s.ts >= task.end) continue;
    let p = s;
    while (p.parent) p = p.parent;
    if (p !== task) continue;
    const v = (s.end - s.ts - s.kids) / 1000;
    self.set(s.name, (self.get(s.name) ?? 0) + v);
    totals.set(s.name, (totals.get(s.name) ?? 0) + v);
  }
  if (d < minMs) continue;
  const top = [...self].filter(([k]) => k !== task.name || self.size === 1).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v.toFixed(0)}`);
  console.log(`${rel(task.ts).toFixed(0).padStart(6)} +${d.toFixed(0).padStart(4)}  ${top.join(', ')}`);
}
console.log(`busy ${busy.toFixed(0)} ms of ${rel(end).toFixed(0)}`);
console.log('by event (self ms):', [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
