// The secretary's election editor: a new election or confidence vote —
// its title, the seats, the base for the majority, the rooms that vote on
// paper, and the ordered list (typed in, or imported from a CSV file with
// Vietnamese names and previewed row by row; a short CV document per name)
// checked against the 30 % rule as it is edited. Creating it also creates
// the show-of-hands poll that approves the seats and the list (run by the
// chair from the polls' list). Below: the counting committee proposed for
// a show of hands, and members excused for the whole meeting (off the base
// "members").

import { useEffect, useRef, useState } from 'preact/hooks';
import { planCandidates, type CandidateDraft, type CandidateError } from '../../core/candidates';
import { decodeText } from '../../core/csv';
import { checkList, maxNames } from '../../core/election';
import type { MeetingStore } from '../../core/store';
import type { Candidate, Election, ElectionBase, ElectionKind } from '../../core/types';
import * as v from '../../core/views';
import { errorText, type Key } from '../../i18n';
import { ElectionsControl } from '../chair/Elections';
import { newId, useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

interface Row extends CandidateDraft {
  key: number;
  cv: string;
  /** id: the candidate's id when editing an election (kept), else empty. */
  id?: string;
}

export function ElectionEditor({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const [editing, setEditing] = useState<string | null>(null);
  // The list can change until the meeting starts approving it (confidence: until its first round).
  const editable = s.election_order
    .map((id) => s.elections[id])
    .filter((el) => {
      if (!el) return false;
      if (el.kind === 'confidence') return (el.rounds?.length ?? 0) === 0;
      // Before its approval vote, or after the meeting rejected the list (a new approval vote follows).
      const ap = s.polls[el.approval ?? ''];
      return ap?.status === 'ready' || (ap?.status === 'closed' && !el.approved);
    });
  const el = editing ? s.elections[editing] : undefined;
  return (
    <div class="stack">
      <ElectionsControl store={store} canRun={false} />
      {editable.length > 0 && !el && (
        <ul class="docs">
          {editable.map((x) => (
            <li key={x.id}>
              <button type="button" class="btn small" onClick={() => setEditing(x.id)}>
                {t('elEdit', { title: x.title })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {el && <NewElection key={'edit:' + el.id} store={store} edit={el} onDone={() => setEditing(null)} />}
      {!el && <NewElection key="new" store={store} />}
      <CommitteeForm store={store} />
      <ExcuseForm store={store} />
    </div>
  );
}

let rowKey = 0;

/** NewElection prepares a new election, or (edit) changes one whose list is not being approved yet. */
function NewElection({ store, edit, onDone }: { store: MeetingStore; edit?: Election; onDone?: () => void }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const box = useRef<HTMLDetailsElement>(null);
  const [kind, setKind] = useState<ElectionKind>(edit?.kind ?? 'election');
  const [title, setTitle] = useState(edit?.title ?? '');
  const [seats, setSeats] = useState(edit?.seats ? String(edit.seats) : '');
  const [base, setBase] = useState<ElectionBase>(edit?.base ?? 'convened');
  const [paper, setPaper] = useState<string[]>(edit?.paper_rooms ?? []);
  const [rows, setRows] = useState<Row[]>(
    () => edit?.candidates.map((c) => ({ key: ++rowKey, id: c.id, name: c.name, year: c.birth_year ?? 0, position: c.position ?? '', cv: c.cv ?? '' })) ?? [],
  );
  const nSeats = parseInt(seats, 10) || 0;
  const named = rows.filter((r) => r.name.trim());
  const problem = kind === 'election' ? checkList(nSeats, named.length) : named.length === 0 ? 'too_few' : undefined;
  const docs = Object.values(s.documents).filter((d) => !d.withheld);

  const reset = () => {
    setKind('election');
    setTitle('');
    setSeats('');
    setBase('convened');
    setPaper([]);
    setRows([]);
  };
  const put = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const move = (i: number, d: number) =>
    setRows((rs) => {
      const j = i + d;
      if (j < 0 || j >= rs.length) return rs;
      const out = [...rs];
      [out[i], out[j]] = [out[j], out[i]];
      return out;
    });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem) return;
    // Ids: kept for the names an edit started with, c01, c02, … for new ones.
    const taken = new Set(named.map((r) => r.id).filter(Boolean));
    let n = 0;
    const fresh = () => {
      let id;
      do id = 'c' + String(++n).padStart(2, '0');
      while (taken.has(id));
      taken.add(id);
      return id;
    };
    const candidates: Candidate[] = named.map((r) => {
      const c: Candidate = { id: r.id || fresh(), name: r.name.trim().normalize('NFC') };
      if (r.year) c.birth_year = r.year;
      if (r.position.trim()) c.position = r.position.trim();
      if (r.cv) c.cv = r.cv;
      return c;
    });
    const election = { id: edit?.id ?? newId('el'), title: title.trim(), kind, seats: kind === 'election' ? nSeats : 0, candidates, base, paper_rooms: paper };
    const ok = edit
      ? await run(() => store.command('UpdateElection', { election }), t('elUpdated', { title: election.title }))
      : await run(() => store.command('CreateElection', { election }), t('elCreated', { title: election.title }));
    if (ok) {
      reset();
      if (box.current) box.current.open = false;
      onDone?.();
    }
  };

  return (
    <details ref={box} class={edit ? 'new-election edit' : 'new-election'} open={!!edit}>
      <summary>{edit ? t('elEdit', { title: edit.title }) : t('newElection')}</summary>
      <form class="form" onSubmit={submit}>
        <label>
          {t('elKind')}
          <select value={kind} disabled={!!edit} onChange={(e) => setKind((e.target as HTMLSelectElement).value as ElectionKind)}>
            <option value="election">{t('elKind_election')}</option>
            <option value="confidence">{t('elKind_confidence')}</option>
          </select>
        </label>
        <label>
          {t('elTitle')}
          <input required value={title} placeholder={t('elTitleHint')} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </label>
        {kind === 'election' && (
          <div class="row wrap">
            <label>
              {t('elSeats')}
              <input type="number" min={1} required value={seats} onInput={(e) => setSeats((e.target as HTMLInputElement).value)} />
            </label>
            <label class="grow">
              {t('elBase')}
              <select value={base} onChange={(e) => setBase((e.target as HTMLSelectElement).value as ElectionBase)}>
                <option value="convened">{t('elBase_convened')}</option>
                <option value="members">{t('elBase_members')}</option>
              </select>
            </label>
          </div>
        )}
        {s.rooms.length > 1 && (
          <fieldset class="paper-rooms">
            <legend>{t('elPaperRooms')}</legend>
            {s.rooms.map((r) => (
              <label key={r.id} class="check">
                <input
                  type="checkbox"
                  checked={paper.includes(r.id)}
                  onChange={(e) => setPaper((p) => ((e.target as HTMLInputElement).checked ? [...p, r.id] : p.filter((x) => x !== r.id)))}
                />{' '}
                {r.name}
              </label>
            ))}
          </fieldset>
        )}
        <fieldset class="candidates">
          <legend>{kind === 'election' ? t('elCandidates') : t('elPersons')}</legend>
          {rows.length === 0 ? (
            <p class="muted small">{t('elListEmpty')}</p>
          ) : (
            <ol class="cand-rows">
              {rows.map((r, i) => (
                <li key={r.key} class="cand-row">
                  <input aria-label={`${t('elName')} ${i + 1}`} value={r.name} onInput={(e) => put(i, { name: (e.target as HTMLInputElement).value })} />
                  <input
                    aria-label={`${t('elYear')} ${i + 1}`}
                    class="year"
                    inputMode="numeric"
                    value={r.year ? String(r.year) : ''}
                    onInput={(e) => put(i, { year: parseInt((e.target as HTMLInputElement).value, 10) || 0 })}
                  />
                  <input aria-label={`${t('elPosition')} ${i + 1}`} value={r.position} onInput={(e) => put(i, { position: (e.target as HTMLInputElement).value })} />
                  {docs.length > 0 && (
                    <select aria-label={`${t('elCv')} ${i + 1}`} value={r.cv} onChange={(e) => put(i, { cv: (e.target as HTMLSelectElement).value })}>
                      <option value="">{t('elCv')}: {t('elNoCv')}</option>
                      {docs.map((d) => (
                        <option key={d.id} value={d.id}>
                          {d.title}
                        </option>
                      ))}
                    </select>
                  )}
                  <span class="row">
                    <button type="button" class="btn small" aria-label={t('elUp', { name: r.name || String(i + 1) })} disabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </button>
                    <button type="button" class="btn small" aria-label={t('elDown', { name: r.name || String(i + 1) })} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </button>
                    <button type="button" class="btn small" aria-label={t('elRemove', { name: r.name || String(i + 1) })} onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))}>
                      ✕
                    </button>
                  </span>
                </li>
              ))}
            </ol>
          )}
          <button type="button" class="btn small" onClick={() => setRows((rs) => [...rs, { key: ++rowKey, name: '', year: 0, position: '', cv: '' }])}>
            + {t('elAddCandidate')}
          </button>
          <CandidateImport existing={named} onAdd={(cs) => setRows((rs) => [...rs.filter((r) => r.name.trim()), ...cs.map((c) => ({ ...c, key: ++rowKey, cv: '' }))])} />
        </fieldset>
        <p class={problem ? 'error list-check' : 'ok-text list-check'} role="status">
          {problem
            ? t(('elList_' + problem) as Key, { n: named.length, seats: nSeats, max: maxNames(nSeats) })
            : kind === 'election'
              ? t('elListCount', { n: named.length, seats: nSeats, max: maxNames(nSeats) })
              : t('elPersonsCount', { n: named.length })}
        </p>
        <div class="row wrap">
          <button type="submit" class="btn primary" disabled={busy || !!problem}>
            {edit ? t('elSave') : kind === 'election' ? t('elCreate') : t('elCreateConfidence')}
          </button>
          {edit && (
            <button type="button" class="btn" onClick={onDone}>
              {t('ccCancel')}
            </button>
          )}
        </div>
      </form>
    </details>
  );
}

/** CandidateImport reads names from a CSV file or pasted text, previews them with their problems, and adds the valid ones to the list. */
function CandidateImport({ existing, onAdd }: { existing: CandidateDraft[]; onAdd: (cs: CandidateDraft[]) => void }) {
  const { t, lang, toast } = useApp();
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState('');
  const box = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const d = box.current;
    if (!d) return;
    const on = () => setOpen(d.open);
    d.addEventListener('toggle', on);
    return () => d.removeEventListener('toggle', on);
  }, []);
  const plan = open && text.trim() ? planCandidates(text, new Date().getFullYear(), existing) : null;
  const valid = plan ? plan.rows.filter((r) => r.errors.length === 0) : [];
  const why = (e: CandidateError) => t(('candErr_' + e.code) as Key, { value: e.value ?? '' });
  const read = async (f: File | undefined) => {
    setFileError('');
    if (!f) return;
    try {
      setText(decodeText(await f.arrayBuffer()));
    } catch (err) {
      setFileError(errorText(lang, err));
    }
  };
  return (
    <details class="cand-import" ref={box}>
      <summary>{t('elImport')}</summary>
      {open && (
        <div class="stack">
          <p class="muted small">{t('elImportHelp')}</p>
          <label>
            {t('elImportFile')}
            <input type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void read((e.target as HTMLInputElement).files?.[0])} />
          </label>
          <label>
            {t('csvPaste')}
            <textarea rows={3} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          {fileError && <p class="error">{fileError}</p>}
        </div>
      )}
      {plan?.error && (
        <p class="error" role="alert">
          {t(('candErr_' + plan.error) as Key)}
        </p>
      )}
      {plan && !plan.error && (
        <div class="stack">
          <p role="status" class={valid.length < plan.rows.length ? 'error' : 'ok-text'}>
            {t('elImportSummary', { ok: valid.length, bad: plan.rows.length - valid.length })}
          </p>
          {plan.ignored.length > 0 && <p class="muted small">{t('csvIgnored', { cols: plan.ignored.join(', ') })}</p>}
          <div class="csv-preview" tabIndex={0} role="region" aria-label={t('elImport')}>
            <table class="table cand-preview">
              <thead>
                <tr>
                  <th scope="col">{t('csvLine')}</th>
                  <th scope="col">{t('elNo')}</th>
                  <th scope="col">{t('elName')}</th>
                  <th scope="col">{t('elYear')}</th>
                  <th scope="col">{t('elPosition')}</th>
                  <th scope="col">{t('csvCheck')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.rows.map((r) => (
                  <tr key={r.line} class={r.errors.length ? 'bad' : ''}>
                    <td class="num-col">{r.line}</td>
                    <td class="num-col">{r.order || ''}</td>
                    <td class="cand-name">{r.candidate.name}</td>
                    <td>{r.candidate.year || ''}</td>
                    <td class="small">{r.candidate.position}</td>
                    <td>
                      {r.errors.length === 0 ? (
                        <span class="ok-text">{t('csvOk')}</span>
                      ) : (
                        <ul class="row-errors">
                          {r.errors.map((e, i) => (
                            <li key={i} class="error">
                              {why(e)}
                            </li>
                          ))}
                        </ul>
                      )}
                      {r.warnings.map((w, i) => (
                        <div key={i} class="csv-warn small">
                          {why(w)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="row wrap">
            <button
              type="button"
              class="btn primary"
              disabled={valid.length === 0}
              onClick={() => {
                onAdd(valid.map((r) => r.candidate));
                toast(t('elImportDone', { n: valid.length }), 'ok');
                setText('');
                if (box.current) box.current.open = false;
              }}
            >
              {t('elImportRun', { n: valid.length })}
            </button>
            <button type="button" class="btn" onClick={() => setText('')}>
              {t('csvCancel')}
            </button>
          </div>
        </div>
      )}
    </details>
  );
}

/** CommitteeForm proposes the counting committee for a show of hands: delegates who are not candidates. */
function CommitteeForm({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [picked, setPicked] = useState<string[]>([]);
  const candidates = new Set(Object.values(s.elections).flatMap((el) => el.candidates.map((c) => c.participant).filter(Boolean)));
  const people = s.order.map((id) => s.participants[id]).filter((p) => p?.role === 'delegate' && !candidates.has(p.id));
  const committee = s.committee ?? [];
  return (
    <details class="committee-form">
      <summary>{t('committee')}</summary>
      {committee.length > 0 && (
        <p class="ok-text">
          {t('committeeMembers')}: {committee.map((id, i) => (s.participants[id]?.name ?? id) + (i === 0 ? ` (${t('ccHead')})` : '')).join(', ')}
        </p>
      )}
      {committee.length === 0 && (
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (picked.length === 0) return;
            const names = picked.map((id) => s.participants[id]?.name ?? id).join(', ');
            const ok = await run(
              () => store.command('ProposeCommittee', { poll: newId('bkp'), members: picked, question: t('ccQuestion', { names }) }),
              t('ccProposed'),
            );
            if (ok) setPicked([]);
          }}
        >
          <fieldset>
            <legend>{t('ccPropose')}</legend>
            {people.map((p) => (
              <label key={p.id} class="check">
                <input
                  type="checkbox"
                  checked={picked.includes(p.id)}
                  onChange={(e) => setPicked((x) => ((e.target as HTMLInputElement).checked ? [...x, p.id] : x.filter((y) => y !== p.id)))}
                />{' '}
                {p.name}
                {picked[0] === p.id && <span class="tag"> {t('ccHead')}</span>}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="btn primary" disabled={busy || picked.length === 0}>
            {t('ccProposeBtn', { n: picked.length })}
          </button>
        </form>
      )}
    </details>
  );
}

/** ExcuseForm records a member absent for the whole meeting with an approved reason (off the base "members"). */
function ExcuseForm({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [who, setWho] = useState('');
  const [reason, setReason] = useState('');
  const absent = s.order.map((id) => s.participants[id]).filter((p) => v.isVoter(p) && !p.present);
  const excused = absent.filter((p) => p.excused);
  return (
    <details class="excuse-form">
      <summary>{t('exTitle')}</summary>
      {excused.length > 0 && (
        <ul class="docs">
          {excused.map((p) => (
            <li key={p.id}>
              {p.name} — {p.excused}{' '}
              <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('ExcuseAbsence', { participant: p.id, reason: '' }))}>
                {t('exWithdraw')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!who || !reason.trim()) return;
          if (await run(() => store.command('ExcuseAbsence', { participant: who, reason: reason.trim() }), t('exDone'))) {
            setWho('');
            setReason('');
          }
        }}
      >
        <label>
          {t('exWho')}
          <select value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
            <option value="">—</option>
            {absent.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('exReason')}
          <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="btn" disabled={busy || !who || !reason.trim()}>
          {t('exSave')}
        </button>
      </form>
    </details>
  );
}
