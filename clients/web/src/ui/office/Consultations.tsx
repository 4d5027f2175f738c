// MyConsultations lists the written consultations the account may see and
// lets each act as its role allows: a member answers every question (a
// choice, with a text for "Ý kiến khác"; a free answer) and may answer again
// until the deadline; the chair approves a draft (which sends it) and
// closes it early; the summary PDF opens once closed (for the chair and the
// staff at any time). A member sees when the office reminded them.

import { useEffect, useRef, useState } from 'preact/hooks';
import {
  answerConsultation,
  approveConsultation,
  closeConsultation,
  committees,
  consultations,
  documentURL,
  firstMissing,
  hidden,
  myCalendar,
  OTHER,
  remindConsultation,
  summaryURL,
  type Answer,
  type Committee,
  type Consultation,
  type ConsultationDocument,
} from '../../core/office';
import { AddDocument, DraftConsultation } from './Draft';
import { errorText, type Lang } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { ot, when } from './strings';

export function MyConsultations() {
  const { lang } = useApp();
  const [list, setList] = useState<Consultation[] | null>(null);
  const [coms, setComs] = useState<Committee[] | null>(null);
  const [me, setMe] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    // Who the account is among the office's people (their answers are
    // keyed by it); an account that is no person answers nothing.
    myCalendar()
      .then((c) => setMe(c.person.id))
      .catch(() => setMe(''));
    const load = () =>
      consultations()
        .then(setList)
        .catch((err) => {
          if (!hidden(err)) setError(errorText(lang, err));
        });
    load();
    // A reminder or a newly sent consultation shows without a reload.
    const timer = setInterval(load, 60_000);
    // The committees answer only the staff, who draft consultations.
    committees()
      .then(setComs)
      .catch(() => setComs(null));
    return () => clearInterval(timer);
  }, []);
  if (!list && !error) return null;
  const replace = (c: Consultation) => setList((l) => (l ?? []).map((x) => (x.id === c.id ? c : x)));
  return (
    <section class="panel consultations" aria-labelledby="consultations">
      <h2 id="consultations">{ot(lang, 'consultTitle')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p>{ot(lang, 'consultEmpty')}</p>}
      {list && me && <ToAnswer list={list} me={me} lang={lang} />}
      {sortForMember(list ?? [], me).map((c) => (
        <ConsultationCard key={c.id} c={c} lang={lang} me={me} onChange={replace} />
      ))}
      {coms && coms.length > 0 && <DraftConsultation lang={lang} committees={coms} onDrafted={(c) => setList((l) => [...(l ?? []), c])} />}
    </section>
  );
}

/** waiting reports whether c waits for me's answer: open, before its deadline, me a member who has not answered. */
export const waiting = (c: Consultation, me: string, now = Date.now()) =>
  c.status === 'open' && new Date(c.deadline).getTime() > now && c.members.some((m) => m.person === me) && !c.answered?.[me];

/** sortForMember puts what waits for me's answer first (soonest deadline first), then the rest as listed. */
export function sortForMember(list: Consultation[], me: string, now = Date.now()): Consultation[] {
  const wait = list.filter((c) => waiting(c, me, now)).sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  return [...wait, ...list.filter((c) => !waiting(c, me, now))];
}

/** ToAnswer says how many consultations wait for the member's answer, and the nearest deadline. */
export function ToAnswer({ list, me, lang }: { list: Consultation[]; me: string; lang: Lang }) {
  const wait = sortForMember(list, me).filter((c) => waiting(c, me));
  if (!list.some((c) => c.members.some((m) => m.person === me))) return null;
  return (
    <p class={wait.length ? 'to-answer waiting' : 'to-answer'} role="status">
      {wait.length ? ot(lang, 'toAnswer', { n: wait.length, at: when(lang, wait[0].deadline) }) : ot(lang, 'allAnswered')}
    </p>
  );
}

/** CardOptions let another screen (a tablet signed in with its meeting's code) reuse the card: how to answer and where a document opens. */
export interface CardOptions {
  answer?: (id: string, answers: Answer[]) => Promise<Consultation>;
  /** docURL: a document's link; null shows its title alone. */
  docURL?: ((c: Consultation, doc: string) => string) | null;
  /** openDoc, when set, opens a document from a button instead (a tablet fetches it with its token). */
  openDoc?: (c: Consultation, doc: ConsultationDocument) => Promise<void>;
  /** office: the account's home (the chair's and staff's buttons, the summary); false on a tablet. */
  office?: boolean;
}

export function ConsultationCard({
  c,
  lang,
  me,
  onChange,
  opts = {},
}: {
  c: Consultation;
  lang: Lang;
  me: string;
  onChange: (c: Consultation) => void;
  opts?: CardOptions;
}) {
  const office = opts.office !== false;
  const answerFn = opts.answer ?? answerConsultation;
  const docLink = opts.docURL === undefined ? (x: Consultation, d: string) => documentURL(x.id, d) : opts.docURL;
  const mine = c.answers?.[me] ?? [];
  const [answers, setAnswers] = useState<Record<string, Answer>>(() => Object.fromEntries(mine.map((a) => [a.question, a])));
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const open = c.status === 'open' && new Date(c.deadline).getTime() > Date.now();
  // Any member answers, whatever else they are (a member who is also the
  // office's staff too): the server decides by the account's person.
  const member = c.members.some((m) => m.person === me);
  const canAnswer = open && member;
  const answeredAt = c.answered?.[me];
  const remindedAt = c.reminded?.[me];
  // The link in a reminder e-mail (…/#consultation=ID) brings its card into view.
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (location.hash === '#consultation=' + encodeURIComponent(c.id)) card.current?.scrollIntoView?.({ block: 'start' });
  }, []);
  const set = (q: string, a: Partial<Answer>) => setAnswers((x) => ({ ...x, [q]: { ...x[q], question: q, ...a } }));

  const run = async (f: () => Promise<Consultation>, ok?: string) => {
    setBusy(true);
    setError('');
    setNote('');
    try {
      onChange(await f());
      if (ok) setNote(ok);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };
  const send = (e: Event) => {
    e.preventDefault();
    const i = firstMissing(c.questions, answers);
    if (i >= 0) return setError(ot(lang, 'missing', { n: i + 1 }));
    const out = c.questions.map((q) => {
      const a = answers[q.id] ?? { question: q.id };
      return q.kind === 'free' ? { question: q.id, text: a.text?.trim() ?? '' } : { question: q.id, choice: a.choice, text: a.text?.trim() || undefined };
    });
    return run(() => answerFn(c.id, out), ot(lang, 'sent'));
  };

  return (
    <article class="consultation" ref={card} aria-labelledby={`ct-${c.id}`}>
      <h3 id={`ct-${c.id}`}>
        {c.title} <span class="muted">· {c.committee_name} · {ot(lang, `status_${c.status}`)}</span>
      </h3>
      {c.description && <p>{c.description}</p>}
      <p>
        {ot(lang, 'deadline', { at: when(lang, c.deadline) })} · {ot(lang, 'answeredCount', { n: c.answered_count, total: c.members.length })}
      </p>
      {remindedAt && !answeredAt && (
        <p class="reminder" role="status">
          {ot(lang, 'reminded', { at: when(lang, remindedAt) })}
        </p>
      )}
      {member && c.status === 'open' && (
        <p>
          <span class={answeredAt ? 'badge answer-state answered' : 'badge answer-state waiting'}>{ot(lang, answeredAt ? 'stateAnswered' : 'stateWaiting')}</span>
        </p>
      )}
      {answeredAt && <p>{ot(lang, 'youAnswered', { at: when(lang, answeredAt) })}</p>}
      {c.documents.length > 0 && (
        <p>
          {ot(lang, 'documents')}:{' '}
          {c.documents.map((d) =>
            opts.openDoc ? (
              <button
                key={d.id}
                type="button"
                class="btn small"
                disabled={busy}
                onClick={() => run(async () => (await opts.openDoc!(c, d), c))}
              >
                {d.title} ({ot(lang, 'pages', { n: d.pages })})
              </button>
            ) : docLink ? (
              <a key={d.id} href={docLink(c, d.id)} target="_blank" rel="noopener">
                {d.title} ({ot(lang, 'pages', { n: d.pages })}){' '}
              </a>
            ) : (
              <span key={d.id}>
                {d.title} ({ot(lang, 'pages', { n: d.pages })}){' '}
              </span>
            ),
          )}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p role="status" class="live">
        {note}
      </p>
      {canAnswer && (
        <form class="stack consult-answer" onSubmit={send}>
          {c.questions.map((q, i) => (
            <fieldset key={q.id}>
              <legend>{ot(lang, 'question', { n: i + 1, text: q.text })}</legend>
              {q.kind !== 'free' &&
                (q.choices ?? []).map((ch) => (
                  <label key={ch} class="choice">
                    <input type="radio" name={`${c.id}-${q.id}`} value={ch} checked={answers[q.id]?.choice === ch} onChange={() => set(q.id, { choice: ch })} /> {ch}
                  </label>
                ))}
              {(q.kind === 'free' || answers[q.id]?.choice === OTHER || answers[q.id]?.text) && (
                <textarea
                  aria-label={ot(lang, 'opinionFor', { n: i + 1 })}
                  placeholder={ot(lang, 'yourOpinion')}
                  value={answers[q.id]?.text ?? ''}
                  onInput={(e) => set(q.id, { text: (e.target as HTMLTextAreaElement).value })}
                />
              )}
            </fieldset>
          ))}
          <button type="submit" class="btn primary" disabled={busy}>
            {ot(lang, answeredAt ? 'sendAgain' : 'send')}
          </button>
        </form>
      )}
      {c.result && <Result c={c} lang={lang} />}
      {office && c.role === 'staff' && c.status === 'draft' && <AddDocument lang={lang} c={c} onAdded={onChange} />}
      {office && <p class="row">
        {c.role === 'chair' && c.status === 'draft' && (
          <button type="button" class="btn small primary" disabled={busy} onClick={() => run(() => approveConsultation(c.id))}>
            {ot(lang, 'approve')}
          </button>
        )}
        {c.role === 'chair' && c.status === 'open' && (
          <button type="button" class="btn small" disabled={busy} onClick={() => run(() => closeConsultation(c.id))}>
            {ot(lang, 'closeNow')}
          </button>
        )}
        {c.role === 'staff' && open && (
          <button
            type="button"
            class="btn small"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError('');
              setNote('');
              try {
                const r = await remindConsultation(c.id);
                const name = (id: string) => c.members.find((m) => m.person === id)?.name ?? id;
                setNote(ot(lang, 'remindedN', { n: r.reminded.length }));
                if (r.mail_failed.length) setError(ot(lang, 'remindFailed', { who: r.mail_failed.map(name).join(', ') }));
              } catch (err) {
                setError(errorText(lang, err));
              } finally {
                setBusy(false);
              }
            }}
          >
            {ot(lang, 'remind')}
          </button>
        )}
        {(c.status === 'closed' || c.role !== 'member') && (
          <a class="btn small" href={summaryURL(c.id, lang)} target="_blank" rel="noopener">
            {ot(lang, 'summary')}
          </a>
        )}
      </p>}
    </article>
  );
}

function Result({ c, lang }: { c: Consultation; lang: Lang }) {
  return (
    <ul class="consult-result">
      {c.questions.map((q, i) => {
        const r = c.result!.questions.find((x) => x.question === q.id);
        if (!r || r.passed === undefined) return null;
        const agree = r.counts?.[0]?.count ?? 0;
        return (
          <li key={q.id}>
            {ot(lang, 'question', { n: i + 1, text: q.text })} —{' '}
            <strong>{ot(lang, 'resultLine', { verdict: ot(lang, r.passed ? 'passed' : 'failed'), agree, base: r.base, needed: r.needed })}</strong>
          </li>
        );
      })}
    </ul>
  );
}
