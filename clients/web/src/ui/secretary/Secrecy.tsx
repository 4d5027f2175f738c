// The secretary's secrecy tools (issue 12): the rules of each level in this
// meeting (SetSecrecyRules), and the copy register (sổ theo dõi tài liệu
// mật) — which tablet still holds which copy, every copy served and every
// deletion confirmed, read from GET …/secrecy/register and read again when
// the register changes (CopyServed, CopiesDeleted, a take-back, the close:
// events the chair and the secretaries receive), with a link to its PDF.

import { useEffect, useRef, useState } from 'preact/hooks';
import { downloadRegister, fetchRegister, registerPDFPath, type Register } from '../../core/api';
import { LEVELS, RULE_NAMES, rulesOf } from '../../core/secrecy';
import type { MeetingStore } from '../../core/store';
import type { LevelRules } from '../../core/types';
import { errorText, type Key } from '../../i18n';
import { useApp, useRun } from '../context';
import { formatDateTime } from '../shared/format';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** SecrecyRules is the table of levels × rules, each a box the secretary ticks. */
export function SecrecyRules({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const closed = s.status === 'closed';
  const set = (level: (typeof LEVELS)[number], rule: keyof LevelRules, on: boolean) => {
    const rules = { ...rulesOf(s, level), [rule]: on };
    void run(() => store.command('SetSecrecyRules', { level, rules }), t('rulesSaved', { level: t(`level_${level}` as Key) }));
  };
  return (
    <div class="secrecy-rules">
      <p class="muted small">{t('secrecyRulesHint')}</p>
      <table class="rules-table">
        <thead>
          <tr>
            <th scope="col">
              <span class="sr-only">{t('secrecyRules')}</span>
            </th>
            {LEVELS.map((l) => (
              <th key={l} scope="col">
                {t(`level_${l}` as Key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {RULE_NAMES.map((r) => (
            <tr key={r}>
              <th scope="row">{t(`rule_${r}` as Key)}</th>
              {LEVELS.map((l) => (
                <td key={l}>
                  <input
                    type="checkbox"
                    checked={rulesOf(s, l)[r]}
                    disabled={busy || closed}
                    aria-label={t('ruleOf', { level: t(`level_${l}` as Key), rule: t(`rule_${r}` as Key) })}
                    onChange={(e) => set(l, r, (e.target as HTMLInputElement).checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** KINDS are the kinds of copies the register names. */
const KINDS = ['view', 'offline', 'download', 'packet', 'annotated'];

/** REGISTER_EVENTS change what the register shows. */
const REGISTER_EVENTS = new Set(['CopyServed', 'CopiesDeleted', 'DocumentTakenBack', 'MeetingClosed', 'DocumentLevelSet', 'DocumentAdded']);

/** useRegister reads the register, and again (at most every 300 ms) when an event changes it. */
export function useRegister(store: MeetingStore): { reg: Register | null; error: string } {
  const { lang } = useApp();
  const [reg, setReg] = useState<Register | null>(null);
  const [error, setError] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    let live = true;
    const load = () => {
      const n = ++seq.current;
      fetchRegister({ meeting: store.session.meeting, token: store.session.token }).then(
        (r) => {
          if (live && n === seq.current) {
            setReg(r);
            setError('');
          }
        },
        (err) => live && n === seq.current && setError(errorText(lang, err)),
      );
    };
    load();
    const off = store.onFolded((e) => {
      if (!REGISTER_EVENTS.has(e.type) || timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        load();
      }, 300);
    });
    return () => {
      live = false;
      off();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [store, lang]);
  // After a reconnection the events missed are replayed (and reload it); a snapshot does not: reload on each welcome.
  const online = store.status === 'online';
  useEffect(() => {
    if (!online) return;
    seq.current++;
    fetchRegister({ meeting: store.session.meeting, token: store.session.token }).then(setReg, () => {});
  }, [online]);
  return { reg, error };
}

/** CopyRegister is the secretary's view of the register. */
export function CopyRegister({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const { reg, error } = useRegister(store);
  const s = store.state!;
  const title = (id: string) => s.documents[id]?.title ?? reg?.documents.find((d) => d.id === id)?.title ?? id;
  const when = (at: string) => formatDateTime(lang, Date.parse(at));
  const device = (d: string) => d || t('regUnknownDevice');
  const pdf = () =>
    run(async () => {
      const { blob, name } = await downloadRegister({ meeting: s.id, token: store.session.token, lang });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  if (!reg) return <p class="muted">{error || t('regLoading')}</p>;
  return (
    <div class="register stack">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p>
        <a
          class="btn small register-pdf"
          href={`/api/v1/meetings/${encodeURIComponent(s.id)}${registerPDFPath(lang)}`}
          onClick={(e) => {
            e.preventDefault();
            if (!busy) void pdf();
          }}
        >
          ⬇ {t('regPdf')}
        </a>
      </p>
      <h3>{t('regOutstanding')}</h3>
      {reg.outstanding.length === 0 ? (
        <p class="reg-none-out">{t('regNoneOut')}</p>
      ) : (
        <table class="reg-outstanding">
          <thead>
            <tr>
              <th scope="col">{t('regWho')}</th>
              <th scope="col">{t('regDevice')}</th>
              <th scope="col">{t('regDocument')}</th>
              <th scope="col">{t('regStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {reg.outstanding.map((o) => (
              <tr key={`${o.participant}/${o.device}`} data-participant={o.participant} data-device={o.device}>
                <td>{o.name || o.participant}</td>
                <td class="mono">{device(o.device)}</td>
                <td>
                  {o.documents.map(title).join('; ')} <span class="muted small">({t('regCopies', { n: o.copies })})</span>
                </td>
                <td class="out">{o.taken_back ? t('regOutTakenBack') : t('regOut')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('regCopiesServed')}</h3>
      {reg.copies.length === 0 ? (
        <p class="muted">{t('regEmpty')}</p>
      ) : (
        <table class="reg-copies">
          <thead>
            <tr>
              <th scope="col">{t('regWho')}</th>
              <th scope="col">{t('regDocument')}</th>
              <th scope="col">{t('regVersion')}</th>
              <th scope="col">{t('regWatermark')}</th>
              <th scope="col">{t('regWhen')}</th>
              <th scope="col">{t('regDevice')}</th>
              <th scope="col">{t('regStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {reg.copies.map((c) => (
              <tr key={c.seq} data-document={c.document}>
                <td>{c.name || c.participant}</td>
                <td>
                  {title(c.document)} <span class="tag level">{t(`level_${c.level}` as Key)}</span>
                  <span class="muted small"> · {KINDS.includes(c.kind) ? t(`kind_${c.kind}` as Key) : c.kind}</span>
                </td>
                <td class="mono" title={c.version}>
                  {c.version.slice(0, 12)}
                </td>
                <td>
                  <span class="small">{c.watermark_text}</span> <span class="mono muted">{c.watermark}</span>
                </td>
                <td>{when(c.at)}</td>
                <td class="mono">{device(c.device)}</td>
                <td class={c.deleted ? '' : 'out'}>{c.deleted ? t('regDeletedAt', { time: when(c.deleted.at) }) : t('regOut')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('regConfirmations')}</h3>
      {reg.confirmations.length === 0 ? (
        <p class="muted">{t('regNoConfirmations')}</p>
      ) : (
        <table class="reg-confirmations">
          <thead>
            <tr>
              <th scope="col">{t('regWhen')}</th>
              <th scope="col">{t('regWho')}</th>
              <th scope="col">{t('regDevice')}</th>
              <th scope="col">{t('regDocument')}</th>
            </tr>
          </thead>
          <tbody>
            {reg.confirmations.map((c) => (
              <tr key={c.seq}>
                <td>{when(c.at)}</td>
                <td>{c.name || c.participant}</td>
                <td class="mono">{device(c.device)}</td>
                <td>
                  {c.documents.map(title).join('; ')} <span class="muted small">({t('regCopies', { n: c.copies })})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
