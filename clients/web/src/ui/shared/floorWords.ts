// The words of the floor with topics (issue 13, part 6): the tablet's
// request form, the kinds of turn, the chair's queue and contributions
// (tham luận), the secretary's list and the display's topic line —
// Vietnamese first and English, kept beside the screens that use them.

import type { Lang } from '../../i18n';
import type { SpeechKind } from '../../core/types';

const table = {
  askTitle: { vi: 'Đăng ký phát biểu', en: 'Ask for the floor' },
  kind: { vi: 'Hình thức', en: 'Kind' },
  kind_speech: { vi: 'Phát biểu', en: 'Speech' },
  kind_question: { vi: 'Chất vấn, câu hỏi', en: 'Question' },
  kind_order: { vi: 'Kiến nghị về thủ tục', en: 'Point of order' },
  kind_contribution: { vi: 'Tham luận', en: 'Contribution' },
  topic: { vi: 'Chủ đề', en: 'Topic' },
  topicOptional: { vi: 'Chủ đề (không bắt buộc)', en: 'Topic (optional)' },
  topicPlaceholder: { vi: 'VD: Ý kiến về dự toán ngân sách', en: 'e.g. On the draft budget' },
  send: { vi: 'Gửi đăng ký', en: 'Send the request' },
  cancel: { vi: 'Hủy', en: 'Cancel' },
  sent: { vi: 'Đã đăng ký phát biểu', en: 'You asked for the floor' },
  topicTooLong: { vi: 'Chủ đề quá dài: {n} ký tự (tối đa {max})', en: 'The topic is too long: {n} characters (at most {max})' },
  topicControl: { vi: 'Chủ đề chỉ gồm một dòng chữ (không xuống dòng, không ký tự điều khiển)', en: 'The topic must be one line of text (no line break or control character)' },
  topicLeft: { vi: 'Còn {n} ký tự', en: '{n} characters left' },
  yourContribution: { vi: 'Tham luận của đồng chí: {topic} (thứ {n} trong danh sách)', en: 'Your contribution: {topic} (number {n} on the list)' },
  yourRequest: { vi: 'Đồng chí đã đăng ký: {what}', en: 'You asked: {what}' },
  contributions: { vi: 'Tham luận đã đăng ký', en: 'Registered contributions' },
  contributionsHint: {
    vi: 'Thứ tự trình bày tại hội nghị; chủ tọa mời phát biểu theo danh sách này.',
    en: 'The order they are heard in; the chair gives the floor from this list.',
  },
  noContributions: { vi: 'Chưa có tham luận nào', en: 'No contribution registered' },
  invite: { vi: 'Mời phát biểu', en: 'Give the floor' },
  inviteWho: { vi: 'Mời {name} trình bày tham luận: {topic}', en: 'Give the floor to {name} for the contribution: {topic}' },
  done: { vi: 'Đã trình bày', en: 'Given' },
  add: { vi: 'Thêm tham luận', en: 'Add a contribution' },
  addBtn: { vi: 'Thêm', en: 'Add' },
  speaker: { vi: 'Đại biểu trình bày', en: 'Speaker' },
  choose: { vi: '— Chọn đại biểu —', en: '— Choose a participant —' },
  item: { vi: 'Thuộc nội dung (không bắt buộc)', en: 'Agenda item (optional)' },
  noItem: { vi: 'Không gắn với nội dung nào', en: 'No agenda item' },
  moveUp: { vi: 'Đưa tham luận số {n} lên', en: 'Move contribution {n} up' },
  moveDown: { vi: 'Đưa tham luận số {n} xuống', en: 'Move contribution {n} down' },
  remove: { vi: 'Xóa', en: 'Remove' },
  removeWho: { vi: 'Xóa tham luận số {n} của {name}', en: 'Remove contribution {n} by {name}' },
  added: { vi: 'Đã thêm tham luận của {name}', en: 'Added the contribution of {name}' },
  removed: { vi: 'Đã xóa tham luận của {name}', en: 'Removed the contribution of {name}' },
  taken: { vi: '{name} đã có tham luận về chủ đề này', en: '{name} already has a contribution on this topic' },
  needSpeaker: { vi: 'Vui lòng chọn đại biểu trình bày', en: 'Please choose the speaker' },
  needTopic: { vi: 'Vui lòng nhập chủ đề tham luận', en: 'Please enter the topic' },
} as const;

export type FKey = keyof typeof table;

/** fw returns the words of key in lang, with {name} parameters filled in. */
export function fw(lang: Lang, key: FKey, params?: Record<string, string | number>): string {
  let s: string = table[key][lang];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** kindWord names a kind of turn ('' or absent: a speech). */
export function kindWord(lang: Lang, kind: SpeechKind | undefined): string {
  const key = `kind_${kind || 'speech'}`;
  return key in table ? fw(lang, key as FKey) : String(kind);
}

/** fwKeys lists every key (a test checks both languages are complete). */
export function fwKeys(): FKey[] {
  return Object.keys(table) as FKey[];
}
