// The counting committee's console (ban kiểm phiếu): the round's ballots
// issued and returned per room with the live progress; paper ballot entry
// — each member types each paper sheet's marks on their own device, by
// sheet number, three members per sheet; the sheets whose entries differ,
// each entry in words, until a member settles it from the paper; and, at
// the close, the per-candidate count. The chair and the secretaries see
// the same, without the entry forms.

import { useState } from 'preact/hooks';
import { encode, encodeLevels, decode, decodeLevels, blank, type Form, type LevelMark, type Mark, LEVELS } from '../../core/election';
import type { MeetingStore } from '../../core/store';
import type { Candidate, Poll } from '../../core/types';
import * as v from '../../core/views';
import type { Key } from '../../i18n';
import { ElectionResultView } from '../shared/ElectionResult';
import { Mismatches, RoundStatus, SheetCounts } from '../shared/RoundStatus';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** currentRound is the open round, else the last round created. */
export function currentRound(s: NonNullable<MeetingStore['state']>): Poll | undefined {
  const open = v.openPoll(s);
  if (open && v.isRound(open)) return open;
  for (let i = s.poll_order.length - 1; i >= 0; i--) {
    const p = s.polls[s.poll_order[i]];
    if (v.isRound(p)) return p;
  }
  return undefined;
}

export function CommitteeConsole({ store, onBack }: { store: MeetingStore; onBack?: () => void }) {
  const { t } = useApp();
  const s = store.state!;
  const poll = currentRound(s);
  const member = v.isCommittee(s, store.me);
  const el = v.electionOf(s, poll);
  const members = (s.committee ?? []).map((id, i) => (s.participants[id]?.name ?? id) + (i === 0 ? ` (${t('ccHead')})` : ''));
  return (
    <div class="committee-console">
      <div class="row between">
        <h2 id="cc-h">{t('committeeConsole')}</h2>
        {onBack && (
          <button type="button" class="btn" onClick={onBack}>
            {t('ccBackToTablet')}
          </button>
        )}
      </div>
      {members.length > 0 && (
        <p class="muted small">
          {t('committeeMembers')}: {members.join(', ')}
        </p>
      )}
      {!poll || !el ? (
        <p class="muted">{t('ccNoRound')}</p>
      ) : (
        <>
          <h3>
            {el.title}
            {poll.round && poll.round > 1 ? ` — ${t('elRound', { n: poll.round })}` : ''}{' '}
            <span class={'tag ' + poll.status}>{t(('elStatus_' + poll.status) as Key)}</span>
          </h3>
          {poll.status === 'open' && <RoundStatus store={store} poll={poll} />}
          {(el.paper_rooms?.length ?? 0) > 0 && <PaperSection store={store} poll={poll} member={member} />}
          {poll.status === 'closed' && <ElectionResultView s={s} poll={poll} />}
        </>
      )}
    </div>
  );
}

function PaperSection({ store, poll, member }: { store: MeetingStore; poll: Poll; member: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const [resolving, setResolving] = useState<{ room: string; sheet: number; start: string } | null>(null);
  const mine = v.paperSheets(s, poll).filter((x) => x.sheetData.entries[store.me] !== undefined).length;
  const open = poll.status === 'open';
  return (
    <section class="paper-section" aria-labelledby={'pe-' + poll.id}>
      <h3 id={'pe-' + poll.id}>{t('ccPaperEntry')}</h3>
      <SheetCounts s={s} poll={poll} />
      {member && open && <p class="muted small">{t('ccMyEntries', { n: mine })}</p>}
      {member && open && !resolving && <PaperForm key="enter" store={store} poll={poll} />}
      {member && open && resolving && (
        <PaperForm
          key={'resolve:' + resolving.room + ':' + resolving.sheet}
          store={store}
          poll={poll}
          resolve={resolving}
          onDone={() => setResolving(null)}
        />
      )}
      <Mismatches s={s} poll={poll} resolve={member && open ? (room, sheet, start) => setResolving({ room, sheet, start }) : undefined} />
    </section>
  );
}

/**
 * PaperForm enters one paper sheet's marks (EnterPaperBallot), or settles
 * a sheet whose entries differ (ResolvePaperBallot, prefilled with the
 * first entry). After a save the sheet number moves on and the marks are
 * cleared, ready for the next sheet.
 */
function PaperForm({ store, poll, resolve, onDone }: { store: MeetingStore; poll: Poll; resolve?: { room: string; sheet: number; start: string }; onDone?: () => void }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const el = v.electionOf(s, poll)!;
  const cands = v.roundCandidates(s, poll);
  const style = poll.style ?? 'strike';
  const paperRooms = (el.paper_rooms ?? []).filter((r) => s.rooms.some((x) => x.id === r));
  const [room, setRoom] = useState(resolve?.room ?? paperRooms[0] ?? '');
  const [sheet, setSheet] = useState(String(resolve?.sheet ?? nextSheet(poll, room, store.me)));
  const fresh = () => (style === 'confidence' ? encodeLevels(cands.map(() => 'none')) : encode(blank(style as Form, cands.length)));
  const [marks, setMarks] = useState(resolve?.start || fresh());
  const roomName = (id: string) => s.rooms.find((r) => r.id === id)?.name ?? id;
  const id = 'pf-' + (resolve ? 'r' : 'e');

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = parseInt(sheet, 10);
    if (!room || !(n > 0)) return;
    const ok = await run(
      () => store.command(resolve ? 'ResolvePaperBallot' : 'EnterPaperBallot', { poll: poll.id, room, sheet: n, marks }),
      resolve ? t('ccResolved', { sheet: n }) : t('ccSaved', { sheet: n }),
    );
    if (!ok) return;
    if (resolve) onDone?.();
    else {
      setSheet(String(n + 1));
      setMarks(fresh());
    }
  };

  return (
    <form class={'form paper-form' + (resolve ? ' resolve' : '')} onSubmit={submit} aria-labelledby={id}>
      <h4 id={id}>{resolve ? t('ccResolveTitle', { sheet: resolve.sheet, room: roomName(resolve.room) }) : t('ccPaperEntry')}</h4>
      {!resolve && <p class="muted small">{t('ccEntryHint')}</p>}
      {!resolve && (
        <div class="row wrap">
          <label>
            {t('ccRoom')}
            <select value={room} onChange={(e) => setRoom((e.target as HTMLSelectElement).value)}>
              {paperRooms.map((r) => (
                <option key={r} value={r}>
                  {roomName(r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('ccSheet')}
            <input type="number" min={1} required value={sheet} onInput={(e) => setSheet((e.target as HTMLInputElement).value)} />
          </label>
        </div>
      )}
      <MarksInput poll={poll} cands={cands} value={marks} onChange={setMarks} fresh={fresh} />
      <div class="row wrap">
        <button type="submit" class="btn primary" disabled={busy || !room}>
          {resolve ? t('ccResolve') : t('ccSave', { sheet })}
        </button>
        {resolve && (
          <button type="button" class="btn" onClick={onDone}>
            {t('ccCancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** nextSheet is the first sheet number of a room this member has not entered yet. */
function nextSheet(poll: Poll, room: string, me: string): number {
  const sheets = poll.paper?.[room] ?? {};
  let n = 1;
  while (sheets[String(n)]?.entries[me] !== undefined) n++;
  return n;
}

/**
 * MarksInput is a paper ballot as the committee types it: a checkbox per
 * struck name (strike form), the two boxes per name (agree form), the three
 * levels per person (confidence; several ticked is "more than one mark"),
 * and "void" for a ballot the committee did not issue.
 */
function MarksInput({ poll, cands, value, onChange, fresh }: { poll: Poll; cands: Candidate[]; value: string; onChange: (m: string) => void; fresh: () => string }) {
  const { t } = useApp();
  const style = poll.style ?? 'strike';
  const isVoid = value === 'void';
  const voidBox = (
    <label class="check void-box">
      <input type="checkbox" checked={isVoid} onChange={(e) => onChange((e.target as HTMLInputElement).checked ? 'void' : fresh())} /> {t('ccVoidBox')}
    </label>
  );
  if (isVoid) return <div class="marks-input">{voidBox}</div>;
  if (style === 'confidence') {
    const ls = decodeLevels(value) ?? cands.map((): LevelMark => 'none');
    // A "many" mark keeps every level ticked that was: the form shows it as all three.
    const ticked = (i: number, lv: string) => ls[i] === lv || ls[i] === 'many';
    const set = (i: number, lv: LevelMark, on: boolean) => {
      const cur = LEVELS.filter((x) => (x === lv ? on : ticked(i, x)));
      const m: LevelMark = cur.length === 0 ? 'none' : cur.length === 1 ? cur[0] : 'many';
      onChange(encodeLevels(ls.map((x, k) => (k === i ? m : x))));
    };
    return (
      <div class="marks-input">
        {cands.map((c, i) => (
          <fieldset key={c.id} class="marks-row">
            <legend>
              {i + 1}. {c.name}
            </legend>
            {LEVELS.map((lv) => (
              <label key={lv} class="check">
                <input type="checkbox" checked={ticked(i, lv)} onChange={(e) => set(i, lv, (e.target as HTMLInputElement).checked)} /> {t(('level_' + lv) as Key)}
              </label>
            ))}
          </fieldset>
        ))}
        {voidBox}
      </div>
    );
  }
  const ms = decode(style as Form, value) ?? blank(style as Form, cands.length);
  const put = (i: number, m: Mark) => onChange(encode(ms.map((x, k) => (k === i ? m : x))));
  if (style === 'agree') {
    return (
      <div class="marks-input">
        {cands.map((c, i) => {
          const yes = ms[i] === 'yes' || ms[i] === 'both';
          const no = ms[i] === 'no' || ms[i] === 'both';
          const mk = (y: boolean, n: boolean): Mark => (y && n ? 'both' : y ? 'yes' : n ? 'no' : 'none');
          return (
            <fieldset key={c.id} class="marks-row">
              <legend>
                {i + 1}. {c.name}
              </legend>
              <label class="check">
                <input type="checkbox" checked={yes} onChange={(e) => put(i, mk((e.target as HTMLInputElement).checked, no))} /> {t('agree')}
              </label>
              <label class="check">
                <input type="checkbox" checked={no} onChange={(e) => put(i, mk(yes, (e.target as HTMLInputElement).checked))} /> {t('disagree')}
              </label>
            </fieldset>
          );
        })}
        {voidBox}
      </div>
    );
  }
  return (
    <fieldset class="marks-input strike">
      <legend>{t('ccStruckLegend')}</legend>
      {cands.map((c, i) => (
        <label key={c.id} class="check marks-strike">
          <input type="checkbox" checked={ms[i] === 'strike'} onChange={(e) => put(i, (e.target as HTMLInputElement).checked ? 'strike' : 'keep')} /> {i + 1}.{' '}
          <span class={ms[i] === 'strike' ? 'struck' : ''}>{c.name}</span>
        </label>
      ))}
      {voidBox}
    </fieldset>
  );
}
