// DraftConsultation is the staff's form for a written consultation: the
// committee, the title and what is asked, the questions (each with the
// default choices Đồng ý / Không đồng ý / Ý kiến khác, or a free answer)
// and the deadline. The draft then waits for the chair's approval.
// AddDocument uploads a PDF to a draft.

import { useState } from 'preact/hooks';
import { addConsultationDocument, draftConsultation, type Committee, type Consultation } from '../../core/office';
import { errorText, type Lang } from '../../i18n';
import { localToRFC3339 } from '../secretary/NewMeeting';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { ot } from './strings';

/** inDays is a datetime-local value n days from now at 17:00. */
function inDays(n: number, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + n, 17, 0);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T17:00`;
}

export function DraftConsultation({ lang, committees, onDrafted }: { lang: Lang; committees: Committee[]; onDrafted: (c: Consultation) => void }) {
  const [committee, setCommittee] = useState(committees[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [questions, setQuestions] = useState<{ text: string; kind: 'choice' | 'free' }[]>([{ text: '', kind: 'choice' }]);
  const [deadline, setDeadline] = useState(inDays(3));
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const setQ = (i: number, q: Partial<{ text: string; kind: 'choice' | 'free' }>) => setQuestions((qs) => qs.map((x, j) => (j === i ? { ...x, ...q } : x)));

  return (
    <form
      class="stack draft-consultation"
      onSubmit={async (e) => {
        e.preventDefault();
        setError('');
        setNote('');
        const at = localToRFC3339(deadline);
        if (!at) return;
        setBusy(true);
        try {
          const c = await draftConsultation({
            committee,
            title: title.trim(),
            description: description.trim() || undefined,
            questions: questions.filter((q) => q.text.trim()).map((q) => ({ text: q.text.trim(), kind: q.kind })),
            deadline: at,
          });
          onDrafted(c);
          setNote(ot(lang, 'drafted'));
          setTitle('');
          setDescription('');
          setQuestions([{ text: '', kind: 'choice' }]);
        } catch (err) {
          setError(errorText(lang, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>{ot(lang, 'draftTitle')}</h3>
      <p class="hint">{ot(lang, 'draftHint')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p role="status" class="live">
        {note}
      </p>
      <label for="dc-committee">{ot(lang, 'draftCommittee')}</label>
      <select id="dc-committee" value={committee} onChange={(e) => setCommittee((e.target as HTMLSelectElement).value)}>
        {committees.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label for="dc-title">{ot(lang, 'draftName')}</label>
      <input id="dc-title" required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
      <label for="dc-desc">{ot(lang, 'draftDescription')}</label>
      <textarea id="dc-desc" value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
      {questions.map((q, i) => (
        <fieldset key={i}>
          <legend>{ot(lang, 'draftQuestion', { n: i + 1 })}</legend>
          <input id={`dc-q${i}`} aria-label={ot(lang, 'draftQuestion', { n: i + 1 })} required={i === 0} value={q.text} onInput={(e) => setQ(i, { text: (e.target as HTMLInputElement).value })} />
          <label>
            <input type="checkbox" checked={q.kind === 'free'} onChange={(e) => setQ(i, { kind: (e.target as HTMLInputElement).checked ? 'free' : 'choice' })} /> {ot(lang, 'draftFree')}
          </label>
        </fieldset>
      ))}
      <button type="button" class="btn small" onClick={() => setQuestions((qs) => [...qs, { text: '', kind: 'choice' }])}>
        {ot(lang, 'draftAddQuestion')}
      </button>
      <label for="dc-deadline">{ot(lang, 'draftDeadline')}</label>
      <input id="dc-deadline" type="datetime-local" required value={deadline} onInput={(e) => setDeadline((e.target as HTMLInputElement).value)} />
      <button type="submit" class="btn primary" disabled={busy || !committee}>
        {ot(lang, 'draftSave')}
      </button>
    </form>
  );
}

export function AddDocument({ lang, c, onAdded }: { lang: Lang; c: Consultation; onAdded: (c: Consultation) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <p class="add-document">
      <label>
        {ot(lang, 'addDocument')}{' '}
        <input
          type="file"
          accept="application/pdf"
          disabled={busy}
          onChange={async (e) => {
            const input = e.target as HTMLInputElement;
            const f = input.files?.[0];
            if (!f) return;
            setBusy(true);
            setError('');
            try {
              const d = await addConsultationDocument(c.id, f.name.replace(/\.pdf$/i, ''), f);
              onAdded({ ...c, documents: [...c.documents, d] });
            } catch (err) {
              setError(errorText(lang, err));
            } finally {
              setBusy(false);
              input.value = '';
            }
          }}
        />
      </label>
      {error && (
        <span class="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
