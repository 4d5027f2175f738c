// ProposalText is a proposal's full text (and its documents, if any) as the
// vote dialog, the tablet's current item and the room display show it:
// scrollable when long, the documents named (a tap opens one in the
// viewer when onOpen is given).

import type { State } from '../../core/types';
import { useApp } from '../context';

export function ProposalText({ s, id, onOpen, big }: { s: State; id: string | undefined; onOpen?: (doc: string) => void; big?: boolean }) {
  const { t } = useApp();
  const pr = id ? s.proposals[id] : undefined;
  if (!pr) return null;
  const docs = (pr.documents ?? []).filter((d) => s.documents[d]);
  return (
    <section class={big ? 'proposal-text big' : 'proposal-text'} aria-label={t('proposalOf', { title: pr.title })}>
      <p class="eyebrow">{t('proposal')}</p>
      <h3 class="proposal-title">{pr.title}</h3>
      {pr.text ? (
        <div class="proposal-body" tabIndex={0}>
          {pr.text.split(/\n{2,}/).map((para, i) => (
            <p key={i}>{para}</p>
          ))}
        </div>
      ) : (
        <p class="muted small">{t('proposalNoText')}</p>
      )}
      {docs.length > 0 && (
        <ul class="docs proposal-docs">
          {docs.map((d) => (
            <li key={d}>
              {onOpen && !s.documents[d].withheld ? (
                <button type="button" class="btn small link" onClick={() => onOpen(d)}>
                  📄 {s.documents[d].title}
                </button>
              ) : (
                <span>📄 {s.documents[d].title}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
