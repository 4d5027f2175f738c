// The follow-up of the tasks that conclusions assign (issue 13, part 4),
// on a signed-in account's home:
//  - FollowUp: Theo dõi nhiệm vụ — per committee the open, late and done
//    tasks (late ones in red), then apart and uncounted the tasks of
//    conclusions imported from an archive, with the PDF report (staff; a
//    chair sees the committees they chair; others see nothing of it);
//  - MyTasks: the tasks assigned to the account's person (or their unit),
//    each with a progress report: a percentage or "done", a note and a PDF;
//  - ToApprove: drafts the account's person chairs, approved with a press
//    (the conclusion gets its number);
//  - ToSign: the numbered conclusions and the closed consultations' summaries
//    (Báo cáo tổng hợp ý kiến) the account may sign (their chair, the
//    office's staff): who signed the PDF and whether it changed since, the
//    signed copy, and — when the server has a certificate — a button to sign
//    with it, as the minutes have.

import { useEffect, useState } from 'preact/hooks';
import {
  approveOffice,
  attachmentURL,
  conclusionRecord,
  conclusionRecordFile,
  checkReport,
  dashboard,
  dashboardPDF,
  heading,
  myTasks,
  officeConclusions,
  report,
  signConclusion,
  type CommitteeTasks,
  type Conclusion,
  type TaskRow,
} from '../../core/conclusions';
import { consultationRecord, consultationRecordFile, consultations, myCalendar, signConsultationSummary } from '../../core/office';
import { signatureLine, type RecordReport } from '../../core/records';
import { errorText, type Lang } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { day, tw } from './words';

const hidden = (err: unknown) => {
  const s = (err as { status?: number })?.status;
  return s === 401 || s === 403 || s === 404;
};

function TaskTable({ lang, rows }: { lang: Lang; rows: TaskRow[] }) {
  return (
    <table class="tasks">
      <thead>
        <tr>
          <th scope="col">{tw(lang, 'colTask')}</th>
          <th scope="col">{tw(lang, 'colConclusion')}</th>
          <th scope="col">{tw(lang, 'colAssignee')}</th>
          <th scope="col">{tw(lang, 'colDeadline')}</th>
          <th scope="col">{tw(lang, 'colProgress')}</th>
          <th scope="col">{tw(lang, 'colState')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.conclusion + '/' + t.id} class={'task-' + t.state}>
            <td>{t.title}</td>
            <td>{t.heading}</td>
            <td>{t.assignee.name}</td>
            <td>{day(lang, t.deadline)}</td>
            <td>{t.percent}%</td>
            <td>
              <span class={'task-state ' + t.state}>{tw(lang, ('state_' + t.state) as 'state_open')}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FollowUp({ reload = 0 }: { reload?: number }) {
  const { lang } = useApp();
  const [board, setBoard] = useState<CommitteeTasks[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    dashboard()
      .then((d) => setBoard(d.committees ?? []))
      .catch((err) => {
        if (!hidden(err)) setError(errorText(lang, err));
      });
  }, [reload]);
  if (!board && !error) return null;
  return (
    <section class="panel follow-up" aria-labelledby="follow-up-title">
      <h2 id="follow-up-title">{tw(lang, 'dashTitle')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {board && board.length === 0 && <p>{tw(lang, 'dashEmpty')}</p>}
      {(board ?? []).map((c) => (
        <div class="follow-committee" key={c.committee}>
          <h3>{c.name}</h3>
          <p class="task-counts">
            {tw(lang, 'dashCounts', { open: c.open, late: c.late, done: c.done })}
          </p>
          <TaskTable lang={lang} rows={c.tasks} />
          {c.imported && c.imported.length > 0 && (
            <div class="follow-imported">
              <h4>{tw(lang, 'dashImported', { n: c.imported.length })}</h4>
              <TaskTable lang={lang} rows={c.imported} />
            </div>
          )}
        </div>
      ))}
      {board && board.length > 0 && (
        <p>
          <a class="btn small" href={dashboardPDF(lang)} target="_blank" rel="noopener">
            {tw(lang, 'dashPDF')}
          </a>
        </p>
      )}
    </section>
  );
}

function ReportForm({ lang, task, onSent }: { lang: Lang; task: TaskRow; onSent: (c: Conclusion) => void }) {
  const [percent, setPercent] = useState(String(task.percent));
  const [done, setDone] = useState(false);
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `rp-${task.conclusion}-${task.id}`;
  return (
    <form
      class="stack task-report"
      aria-label={tw(lang, 'reportTitle', { task: task.title })}
      onSubmit={async (e) => {
        e.preventDefault();
        const n = Number(percent);
        const bad = checkReport({ percent: n, done, note, file: file ? { name: file.name, type: file.type } : null });
        if (bad) return setMsg(tw(lang, bad));
        setBusy(true);
        setMsg('');
        try {
          onSent(await report(task.conclusion, task.id, { percent: n, done, note, file, title: file ? file.name.replace(/\.pdf$/i, '') : undefined }));
          setMsg(tw(lang, 'sent'));
          setNote('');
          setFile(null);
        } catch (err) {
          setMsg(errorText(lang, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label for={id + '-pct'}>{tw(lang, 'percent')}</label>
      <input id={id + '-pct'} type="number" min={0} max={100} value={percent} disabled={done} onInput={(e) => setPercent((e.target as HTMLInputElement).value)} />
      <label class="check">
        <input type="checkbox" checked={done} onChange={(e) => setDone((e.target as HTMLInputElement).checked)} /> {tw(lang, 'doneBox')}
      </label>
      <label for={id + '-note'}>{tw(lang, 'note')}</label>
      <textarea id={id + '-note'} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      <label for={id + '-file'}>{tw(lang, 'file')}</label>
      <input id={id + '-file'} type="file" accept="application/pdf,.pdf" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
      <button type="submit" class="btn primary" disabled={busy}>
        {tw(lang, 'send')}
      </button>
      <p role="status" class="task-msg live">
        {msg}
      </p>
    </form>
  );
}

export function MyTasks({ onChange }: { onChange?: () => void }) {
  const { lang } = useApp();
  const [tasks, setTasks] = useState<TaskRow[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    myTasks()
      .then((d) => setTasks(d.tasks ?? []))
      .catch((err) => {
        if (!hidden(err)) setError(errorText(lang, err));
      });
  useEffect(() => {
    load();
  }, []);
  if (!tasks || (tasks.length === 0 && !error)) return null;
  return (
    <section class="panel my-tasks" aria-labelledby="my-tasks-title">
      <h2 id="my-tasks-title">{tw(lang, 'myTitle')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="my-task-list">
        {tasks.map((t) => {
          const last = t.reports[t.reports.length - 1];
          return (
            <li key={t.conclusion + '/' + t.id} class={'task-' + t.state}>
              <p>
                <strong>{t.title}</strong> — {t.heading} · {tw(lang, 'colDeadline')}: {day(lang, t.deadline)} ·{' '}
                <span class={'task-state ' + t.state}>{tw(lang, ('state_' + t.state) as 'state_open')}</span>
              </p>
              {t.reminded && t.state !== 'done' && <p class="hint">{tw(lang, 'reminded', { at: day(lang, t.reminded) })}</p>}
              {last && (
                <p class="hint">
                  {tw(lang, 'lastReport', { at: day(lang, last.at), percent: last.percent })}
                  {last.attachment && (
                    <>
                      {' · '}
                      <a href={attachmentURL(t.conclusion, t.id, last.attachment.id)} target="_blank" rel="noopener">
                        {tw(lang, 'attachment', { title: last.attachment.title })}
                      </a>
                    </>
                  )}
                </p>
              )}
              {/* A task of a conclusion imported from an archive is read
                  only here: the server refuses its reports (409). */}
              {t.state === 'imported' && <p class="hint">{tw(lang, 'importedReadOnly')}</p>}
              {t.state !== 'done' && t.state !== 'imported' && (
                <ReportForm
                  lang={lang}
                  task={t}
                  onSent={() => {
                    load();
                    onChange?.();
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ToApprove({ me, onChange }: { me: string; onChange?: () => void }) {
  const { lang } = useApp();
  const [list, setList] = useState<Conclusion[]>([]);
  const [msg, setMsg] = useState('');
  useEffect(() => {
    if (!me) return;
    officeConclusions()
      .then((cs) => setList(cs.filter((c) => c.status === 'draft' && c.chair === me)))
      .catch(() => setList([]));
  }, [me]);
  if (list.length === 0 && !msg) return null;
  return (
    <section class="panel" aria-labelledby="to-approve-title">
      <h2 id="to-approve-title">{tw(lang, 'approveTitle')}</h2>
      <ul>
        {list.map((c) => (
          <li key={c.id}>
            <p>
              <strong>{c.title}</strong> — {c.meeting_title} · {c.agenda_title}
            </p>
            <button
              type="button"
              class="btn primary small"
              onClick={async () => {
                try {
                  const a = await approveOffice(c.id);
                  setList((l) => l.filter((x) => x.id !== c.id));
                  setMsg(tw(lang, 'approved', { heading: heading(a, lang) }));
                  onChange?.();
                } catch (err) {
                  setMsg(errorText(lang, err));
                }
              }}
            >
              {tw(lang, 'approve', { title: c.title })}
            </button>
          </li>
        ))}
      </ul>
      <p role="status" class="live">
        {msg}
      </p>
    </section>
  );
}

/** A PDF to sign on the home: a numbered conclusion's, or a closed consultation's summary. */
interface SignRow {
  key: string;
  head: string;
  title: string;
  rep: RecordReport;
  file: string;
  sign: () => Promise<RecordReport>;
  hint: string;
}

export function ToSign({ reload }: { reload: number }) {
  const { lang } = useApp();
  const l: Lang = lang === 'en' ? 'en' : 'vi';
  const [rows, setRows] = useState<SignRow[]>([]);
  const [busy, setBusy] = useState('');
  const [msg, setMsg] = useState('');
  useEffect(() => {
    let live = true;
    const concl = officeConclusions().then(async (cs) => {
      const out: SignRow[] = [];
      for (const c of cs.filter((c) => c.status !== 'draft' && !c.archived)) {
        try {
          out.push({
            key: 'k:' + c.id,
            head: heading(c, l),
            title: c.title,
            rep: await conclusionRecord(c.id),
            file: conclusionRecordFile(c.id),
            sign: () => signConclusion(c.id),
            hint: tw(lang, 'signHint', { id: c.id }),
          });
        } catch (err) {
          if (!hidden(err)) throw err; // not theirs to sign: not listed
        }
      }
      return out;
    });
    // Closed consultations whose chair or staff the account is: their summaries.
    const cons = consultations()
      .catch(() => [])
      .then(async (cs) => {
        const out: SignRow[] = [];
        for (const c of cs.filter((c) => c.status === 'closed' && (c.role === 'chair' || c.role === 'staff') && !c.archived)) {
          try {
            out.push({
              key: 'c:' + c.id,
              head: tw(lang, 'summaryHead'),
              title: c.title,
              rep: await consultationRecord(c.id),
              file: consultationRecordFile(c.id),
              sign: () => signConsultationSummary(c.id),
              hint: tw(lang, 'signSummaryHint', { id: c.id }),
            });
          } catch (err) {
            if (!hidden(err)) throw err;
          }
        }
        return out;
      });
    Promise.all([concl.catch(() => [] as SignRow[]), cons.catch(() => [] as SignRow[])]).then(([a, b]) => live && setRows([...a, ...b]));
    return () => {
      live = false;
    };
  }, [reload, lang]);
  if (rows.length === 0 && !msg) return null;
  return (
    <section class="panel" aria-labelledby="to-sign-title">
      <h2 id="to-sign-title">{tw(lang, 'signTitle')}</h2>
      <ul>
        {rows.map((row) => (
          <li key={row.key} class="conclusion-signing">
            <p>
              <strong>{row.head}</strong> — {row.title}
            </p>
            <div class="row wrap record-signatures">
              <small class="muted">{signatureLine(row.rep, l)}</small>
              {row.rep.issued && (
                <a class="btn small" href={row.file} target="_blank" rel="noopener">
                  {tw(lang, 'signedPDF')}
                </a>
              )}
              {row.rep.server_signer && (
                <button
                  type="button"
                  class="btn small"
                  disabled={busy === row.key}
                  aria-label={`${tw(lang, 'signBtn')}: ${row.head} — ${row.title}`}
                  onClick={async () => {
                    setBusy(row.key);
                    try {
                      const r = await row.sign();
                      setRows((rs) => rs.map((x) => (x.key === row.key ? { ...x, rep: r } : x)));
                      setMsg(tw(lang, 'signedOn', { heading: row.head }));
                    } catch (err) {
                      setMsg(errorText(lang, err));
                    } finally {
                      setBusy('');
                    }
                  }}
                >
                  ✍ {tw(lang, 'signBtn')}
                </button>
              )}
            </div>
            <small class="muted">{row.hint}</small>
          </li>
        ))}
      </ul>
      <p role="status" class="live">
        {msg}
      </p>
    </section>
  );
}

/** Tasks is the account home's part: what to approve, one's tasks, the follow-up. */
export function Tasks() {
  const [reload, setReload] = useState(0);
  const [me, setMe] = useState('');
  useEffect(() => {
    // Who the account is among the office's people (a chair approves).
    myCalendar()
      .then((c) => setMe(c.person.id))
      .catch(() => setMe(''));
  }, []);
  const bump = () => setReload((n) => n + 1);
  return (
    <>
      <ToApprove me={me} onChange={bump} />
      <ToSign reload={reload} />
      <MyTasks onChange={bump} />
      <FollowUp reload={reload} />
    </>
  );
}
