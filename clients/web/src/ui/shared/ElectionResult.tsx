// ElectionResultView is a round's count: the ballots (issued, returned,
// valid, invalid), each name's votes and share of the base, who is
// elected, whether another round is needed and why; as a table, and as a
// bar chart in plain SVG with the "more than half" line. A confidence vote
// shows the three levels per person.

import type { Candidate, ElectionResult, Poll, State } from '../../core/types';
import type { Key } from '../../i18n';
import { useApp } from '../context';
import { formatNumber } from './format';

export function ElectionResultView({ s, poll, big, chart = true }: { s: State; poll: Poll; big?: boolean; chart?: boolean }) {
  const { t, lang } = useApp();
  const r = poll.result?.election;
  if (!r) return null;
  const el = s.elections[r.election];
  const cand = (id: string): Candidate => el?.candidates.find((c) => c.id === id) ?? { id, name: id };
  const pct = (x: number | undefined) => `${formatNumber(lang, x ?? 0, { maximumFractionDigits: 2 })} %`;
  const baseText = t(('elBase_' + r.base_kind) as Key);
  return (
    <div class={'election-result' + (big ? ' big' : '')}>
      <p class="question">
        {el?.title ?? poll.question}
        {r.round > 1 ? ` — ${t('elRound', { n: r.round })}` : ''}
      </p>
      <p class="el-counts">{t('elCounts', { issued: r.issued, returned: r.returned, valid: r.valid, invalid: r.invalid })}</p>
      {r.kind === 'election' && (
        <p class="muted small">
          {baseText}: {formatNumber(lang, r.base)} — {t('elNeeded', { base: formatNumber(lang, r.base), need: Math.floor(r.base / 2) + 1 })}
        </p>
      )}
      <div class={chart && r.kind === 'election' ? 'el-body with-chart' : 'el-body'}>
        {r.kind === 'election' ? (
          <VotesTable r={r} cand={cand} pct={pct} agree={r.style === 'agree'} />
        ) : (
          <LevelsTable r={r} cand={cand} pct={pct} />
        )}
        {r.kind === 'election' && chart && <VotesChart r={r} cand={cand} big={big} />}
      </div>
      {r.next_round && (
        <p class="outcome failed el-next">
          {t('elNeedsRound', { reason: t(('elReason_' + r.next_round.reason) as Key) })}:{' '}
          {r.next_round.candidates.map((id) => cand(id).name).join(', ')}
        </p>
      )}
      {r.kind === 'election' && (r.elected?.length ?? 0) > 0 && (
        <p class="outcome passed el-elected">
          {t('elElected')}: {(r.elected ?? []).map((id) => cand(id).name).join(', ')}
        </p>
      )}
    </div>
  );
}

type Pct = (x: number | undefined) => string;

// VotesTable: on an agree ballot (as many names as seats) a name's
// "Không đồng ý" count is shown beside its "Đồng ý" votes.
function VotesTable({ r, cand, pct, agree }: { r: ElectionResult; cand: (id: string) => Candidate; pct: Pct; agree: boolean }) {
  const { t, lang } = useApp();
  const tied = r.next_round?.reason === 'tie' ? r.next_round.candidates : [];
  return (
    <table class="table el-table">
      <caption class="sr-only">{t('elResult')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('elNo')}</th>
          <th scope="col">{t('elName')}</th>
          <th scope="col" class="num-col">
            {agree ? t('agree') : t('elVotes')}
          </th>
          {agree && (
            <th scope="col" class="num-col">
              {t('disagree')}
            </th>
          )}
          <th scope="col" class="num-col">
            {t('elShare')}
          </th>
          <th scope="col">{t('elResult')}</th>
        </tr>
      </thead>
      <tbody>
        {r.candidates.map((c, i) => (
          <tr key={c.id} class={c.elected ? 'elected' : ''}>
            <td class="num-col">{i + 1}</td>
            <th scope="row">{cand(c.id).name}</th>
            <td class="num-col">{formatNumber(lang, c.votes ?? 0)}</td>
            {agree && <td class="num-col">{formatNumber(lang, c.against ?? 0)}</td>}
            <td class="num-col">{pct(c.share)}</td>
            <td>{c.elected ? <strong>✓ {t('elElected')}</strong> : tied.includes(c.id) ? t('elTie') : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LevelsTable({ r, cand, pct }: { r: ElectionResult; cand: (id: string) => Candidate; pct: Pct }) {
  const { t, lang } = useApp();
  const levels = ['high', 'medium', 'low'];
  return (
    <table class="table el-table levels">
      <caption class="sr-only">{t('elResult')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('elNo')}</th>
          <th scope="col">{t('elName')}</th>
          {levels.map((lv) => (
            <th scope="col" key={lv} class="num-col">
              {t(('level_' + lv) as Key)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {r.candidates.map((c, i) => (
          <tr key={c.id}>
            <td class="num-col">{i + 1}</td>
            <th scope="row">{cand(c.id).name}</th>
            {levels.map((lv) => (
              <td key={lv} class="num-col">
                {formatNumber(lang, c.levels?.[lv] ?? 0)} ({pct(c.shares?.[lv])})
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** VotesChart draws each name's votes as a bar on the scale of the base, with a line at one half. */
export function VotesChart({ r, cand, big }: { r: ElectionResult; cand: (id: string) => Candidate; big?: boolean }) {
  const { t, lang } = useApp();
  // On the room display the chart shares the screen with the table: a narrower drawing, larger type.
  const row = big ? 60 : 44;
  const left = big ? 330 : 380;
  const width = big ? 400 : 560;
  const total = big ? 800 : 1000;
  const h = r.candidates.length * row + 30;
  const scale = Math.max(1, r.base);
  const half = left + width / 2;
  return (
    <svg class={big ? 'el-chart big' : 'el-chart'} viewBox={`0 0 ${total} ${h}`} role="img" aria-labelledby={`el-chart-${r.election}-${r.round}`}>
      <title id={`el-chart-${r.election}-${r.round}`}>{t('elChart')}</title>
      {r.candidates.map((c, i) => {
        const y = i * row + 8;
        const w = Math.min(width, ((c.votes ?? 0) / scale) * width);
        const name = cand(c.id).name;
        return (
          <g key={c.id} class={c.elected ? 'bar elected' : 'bar'}>
            <text x={left - 12} y={y + (row - 14) / 2} text-anchor="end" dominant-baseline="middle" class="bar-name">
              {name.length > 24 ? name.slice(0, 23) + '…' : name}
            </text>
            <rect x={left} y={y} width={width} height={row - 14} class="bar-bg" />
            <rect x={left} y={y} width={w} height={row - 14} class="bar-val" />
            <text x={left + w + 8} y={y + (row - 14) / 2} dominant-baseline="middle" class="bar-num">
              {formatNumber(lang, c.votes ?? 0)}
            </text>
          </g>
        );
      })}
      <line x1={half} x2={half} y1={0} y2={h - 22} class="half-line" />
      <text x={half} y={h - 6} text-anchor="middle" class="half-label">
        ½
      </text>
    </svg>
  );
}
