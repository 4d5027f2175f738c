// The floor's rules on the client: what a request's topic may be (the
// same rules as meeting.checkTopic, checked before sending so that the
// tablet says what is wrong at once), what each queued participant asked
// for, the registered contributions (tham luận) still to be given, and
// the speech in progress.

import type { Contribution, FloorRequest, Speech, SpeechKind, State } from './types';

/** MAX_TOPIC is meeting.MaxTopicRunes: a topic's length in characters (code points). */
export const MAX_TOPIC = 200;

/** The kinds a delegate may ask for, in the order the tablet offers them ('' is a speech). */
export const REQUEST_KINDS: readonly SpeechKind[] = ['', 'question', 'order'];

// Control characters (a line break, a tab…) and the bidi controls that
// reorder the text shown to the room.
const forbidden = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export type TopicCheck = { ok: true; topic: string } | { ok: false; error: 'topicTooLong'; n: number } | { ok: false; error: 'topicControl' };

/** checkTopic trims a topic and checks it as the server does. */
export function checkTopic(raw: string): TopicCheck {
  const topic = raw.trim();
  const n = [...topic].length;
  if (n > MAX_TOPIC) return { ok: false, error: 'topicTooLong', n };
  if (forbidden.test(topic)) return { ok: false, error: 'topicControl' };
  return { ok: true, topic };
}

/** requestArgs are RequestFloor's arguments: a speech and an empty topic are left out. */
export function requestArgs(kind: SpeechKind, topic: string): { kind?: SpeechKind; topic?: string } {
  const args: { kind?: SpeechKind; topic?: string } = {};
  if (kind) args.kind = kind;
  if (topic) args.topic = topic;
  return args;
}

/** QueueEntry is one queued request: who, and what they asked for. */
export interface QueueEntry {
  id: string;
  kind: SpeechKind;
  topic?: string;
  at?: string;
}

/** queueEntries lists the queue in order with each request's kind and topic. */
export function queueEntries(s: State): QueueEntry[] {
  return (s.floor.queue ?? []).map((id) => {
    const r: FloorRequest | undefined = s.floor.requests?.[id];
    return { id, kind: r?.kind ?? '', topic: r?.topic || undefined, at: r?.at };
  });
}

/** myRequest is what the participant asked for, when queued. */
export function myRequest(s: State, me: string): QueueEntry | undefined {
  return queueEntries(s).find((q) => q.id === me);
}

/** currentSpeech is the speech in progress (meeting.Floor.CurrentSpeech), if any. */
export function currentSpeech(s: State): Speech | undefined {
  const sp = s.floor.speeches;
  const last = sp?.[sp.length - 1];
  return s.floor.speaker && last && last.participant === s.floor.speaker && !last.to ? last : undefined;
}

/** pending lists the registered contributions not given yet, in order. */
export function pending(s: State): Contribution[] {
  return (s.floor.contributions ?? []).filter((c) => !c.done);
}

/**
 * moveTarget is MoveContribution's index to move contribution id one place
 * up (delta -1) or down (+1) in the whole list, or null at an end.
 */
export function moveTarget(s: State, id: string, delta: -1 | 1): number | null {
  const list = s.floor.contributions ?? [];
  const at = list.findIndex((c) => c.id === id);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= list.length) return null;
  return to;
}

/** contributionTaken reports whether participant already has a contribution on topic (the server refuses it). */
export function contributionTaken(s: State, participant: string, topic: string): boolean {
  const t = topic.trim().toLocaleLowerCase('vi');
  return (s.floor.contributions ?? []).some((c) => c.participant === participant && c.topic.toLocaleLowerCase('vi') === t);
}
