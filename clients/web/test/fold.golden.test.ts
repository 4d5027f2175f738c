// The TypeScript fold against the Go one: test/golden/fold.json holds an
// event log made by meeting.Decide and the state meeting.Apply folds it
// into (written by `go test ./clients/web -run Golden -update`, kept
// current by that Go test). Folding the same log here must give the same
// state, up to Go's omitempty (absent, null, empty and zero are alike).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apply, newState, normalize } from '../src/core/fold';
import type { MeetingEvent } from '../src/core/types';

const file = fileURLToPath(new URL('./golden/fold.json', import.meta.url));
const present = existsSync(file);

/** canon drops what Go's omitempty would drop, so both sides compare alike. */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canon((v as Record<string, unknown>)[k]);
      const empty =
        c === undefined || c === null || c === false || c === 0 || c === '' || (Array.isArray(c) && c.length === 0) || (typeof c === 'object' && c !== null && !Array.isArray(c) && Object.keys(c).length === 0);
      if (!empty) out[k] = c;
    }
    return out;
  }
  return v;
}

describe.skipIf(!present)('fold against the Go domain (test/golden/fold.json)', () => {
  const g = present ? (JSON.parse(readFileSync(file, 'utf8')) as { events: MeetingEvent[]; state: unknown }) : { events: [], state: {} };
  // sign_ins is the server's record of voided sign-ins (meeting.State.SignIns):
  // Apply keeps it, a client's fold does not, and no view carries it.
  delete (g.state as { sign_ins?: unknown }).sign_ins;
  // annotation_saves (meeting.State.AnnotationSaves) likewise: when each
  // annotation was last saved, for the server's edit interval.
  delete (g.state as { annotation_saves?: unknown }).annotation_saves;

  it('folds the whole log into the state Go folds it into', () => {
    const s = newState();
    for (const e of g.events) expect(apply(s, e), `${e.seq} ${e.type}`).toBe('applied');
    expect(canon(s)).toEqual(canon(normalize(g.state)));
  });

  it('folds the log with gaps where ballots of others are left out', () => {
    const s = newState();
    for (const e of g.events) if (!(e.type === 'BallotCast' && e.data?.voter !== 'd1')) apply(s, e);
    const want = normalize(g.state);
    const closedWithVoters = new Set(g.events.filter((e) => e.type === 'PollClosed' && e.data?.voters).map((e) => e.data.poll));
    for (const p of Object.values(want.polls)) {
      if (closedWithVoters.has(p.id)) continue;
      for (const voter of Object.keys(p.voters ?? {})) if (voter !== 'd1') delete p.voters![voter];
    }
    expect(canon(s)).toEqual(canon(want));
  });

  it('resumes from a snapshot mid-log', () => {
    const half = Math.floor(g.events.length / 2);
    const first = newState();
    for (const e of g.events.slice(0, half)) apply(first, e);
    const s = normalize(JSON.parse(JSON.stringify(first)));
    for (const e of g.events) apply(s, e); // the first half are duplicates
    expect(canon(s)).toEqual(canon(normalize(g.state)));
  });
});
