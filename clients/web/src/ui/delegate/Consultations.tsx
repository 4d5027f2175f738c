// Written consultations on a member's tablet (issue 13): a small "Lấy ý
// kiến" entry at the top of the side column (the first tab on a phone),
// with a badge of how many wait for the member's answer; opened, each
// consultation's card — the same one as on the account's home — answers
// with the meeting's session, and its documents open from buttons (fetched
// with the same token). The server decides who the member is (a
// participant the meeting seated as a person of its committee; never a
// substitute, who answers for no one): a tablet that proves no member
// shows nothing here.
//
// The list is fetched when the tablet shows it, after each welcome (a
// tablet back from sleep), and every minute (a consultation the chair has
// just sent). A chunk of its own (screens.ts): the first page never waits.

import { useEffect, useState } from 'preact/hooks';
import { answerFromTablet, meetingConsultations, tabletDocument, type Consultation, type ConsultationDocument } from '../../core/office';
import type { MeetingStore } from '../../core/store';
import { useApp } from '../context';
import { ConsultationCard, waiting } from '../office/Consultations';
import { ot } from '../office/strings';

/** refreshMs is how often the list is fetched again while the tablet shows it. */
export const refreshMs = 60_000;

export function TabletConsultations({ store }: { store: MeetingStore }) {
  const { lang } = useApp();
  const meeting = store.state!.id;
  const token = store.session.token;
  const [list, setList] = useState<Consultation[]>([]);
  const [me, setMe] = useState('');
  useEffect(() => {
    let live = true;
    const load = () =>
      meetingConsultations(meeting, token).then(
        (r) => {
          if (!live) return;
          setMe(r.person);
          setList(r.consultations);
        },
        () => {}, // offline or refused: the entry stays as it was
      );
    void load();
    const timer = setInterval(() => void load(), refreshMs);
    const offWelcome = store.onWelcome(() => void load());
    // A consultation sent or closed rings the tablet at once.
    const offNotice = store.onNotice((n) => {
      if (n.name === 'consultations') void load();
    });
    return () => {
      live = false;
      clearInterval(timer);
      offWelcome();
      offNotice();
    };
  }, [meeting, token]);
  const n = me ? list.filter((c) => waiting(c, me)).length : 0;
  // Open while something waits, and kept open once answered (the card says
  // it was sent); closed by hand, it stays closed.
  const [unfold, setUnfold] = useState(false);
  useEffect(() => {
    if (n > 0) setUnfold(true);
  }, [n > 0]);
  if (!me || list.length === 0) return null;
  const replace = (c: Consultation) => setList((l) => l.map((x) => (x.id === c.id ? c : x)));
  // A document is fetched with the meeting's token and handed to the
  // tablet's PDF reader as a file (no account cookie to open a link with).
  const openDoc = async (c: Consultation, d: ConsultationDocument) => {
    const blob = await tabletDocument(meeting, token, c.id, d.id);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${d.title}.pdf`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <details class="panel tablet-consultations" open={unfold || n > 0}>
      <summary>
        {ot(lang, 'consultTitleShort')}
        {n > 0 ? (
          <span class="badge waiting-badge" aria-label={ot(lang, 'waitingN', { n })}>
            {n}
          </span>
        ) : (
          <span class="hint"> · {ot(lang, 'allAnsweredShort')}</span>
        )}
      </summary>
      {list.map((c) => (
        <ConsultationCard
          key={c.id}
          c={c}
          lang={lang}
          me={me}
          onChange={replace}
          opts={{ office: false, docURL: null, openDoc, answer: (id, answers) => answerFromTablet(meeting, token, id, answers) }}
        />
      ))}
    </details>
  );
}
